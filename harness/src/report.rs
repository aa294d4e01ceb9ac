//! The closing table of `harness diff` and `harness record --check`:
//! fixture by toolchain, one verdict a cell.

use std::collections::BTreeMap;
use std::fmt;

use rust_runtime::Variant;

/// The verdict for one fixture on one toolchain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Same,
    Differs,
    /// The fixture uses what the twin does not run yet (why, in the text).
    Unsupported(String),
    /// No reference, a reference that fails its provenance check, a
    /// toolchain that is not there, or a run that could not be made.
    Error(String),
}

impl Verdict {
    fn word(&self) -> &'static str {
        match self {
            Verdict::Same => "same",
            Verdict::Differs => "differs",
            Verdict::Unsupported(_) => "unsupported",
            Verdict::Error(_) => "error",
        }
    }
}

/// Verdicts gathered as results come in, printed in fixture order.
#[derive(Debug, Default)]
pub struct Report {
    cells: BTreeMap<(String, Variant), Verdict>,
}

impl Report {
    pub fn add(&mut self, fixture: &str, variant: Variant, verdict: Verdict) {
        self.cells.insert((fixture.to_string(), variant), verdict);
    }

    /// Whether no cell differs or failed (unsupported ones are listed,
    /// not failures: the twin does not claim them).
    pub fn all_same(&self) -> bool {
        self.failures() == 0
    }

    /// How many cells differ or failed.
    pub fn failures(&self) -> usize {
        self.cells
            .values()
            .filter(|v| matches!(v, Verdict::Differs | Verdict::Error(_)))
            .count()
    }

    /// How many cells the twin does not run yet.
    pub fn unsupported(&self) -> usize {
        self.cells
            .values()
            .filter(|v| matches!(v, Verdict::Unsupported(_)))
            .count()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .cells
            .keys()
            .map(|(n, _)| n.len())
            .max()
            .unwrap_or(7)
            .max(7);
        let row = |f: &mut fmt::Formatter<'_>, first: &str, cells: [&str; 2]| {
            let line = format!("{first:width$}  {:11}  {}", cells[0], cells[1]);
            writeln!(f, "{}", line.trim_end())
        };
        row(f, "fixture", Variant::ALL.map(Variant::name))?;
        let mut names: Vec<&String> = self.cells.keys().map(|(n, _)| n).collect();
        names.dedup();
        for name in names {
            let cells = Variant::ALL.map(|v| {
                self.cells
                    .get(&(name.clone(), v))
                    .map_or("-", Verdict::word)
            });
            row(f, name, cells)?;
        }
        let errors: Vec<_> = self
            .cells
            .iter()
            .filter_map(|((n, v), verdict)| match verdict {
                Verdict::Error(e) => Some(format!("{n} on {v}: {e}")),
                Verdict::Unsupported(e) => Some(format!("{n} on {v}: unsupported: {e}")),
                _ => None,
            })
            .collect();
        for e in errors {
            writeln!(f, "{e}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lists_every_fixture_and_explains_errors() {
        let mut r = Report::default();
        r.add("sieve", Variant::Pre1547, Verdict::Same);
        r.add("sieve", Variant::Post1547, Verdict::Differs);
        r.add(
            "chain",
            Variant::Pre1547,
            Verdict::Error("no reference".into()),
        );
        assert!(!r.all_same());
        assert_eq!(r.failures(), 2);
        assert_eq!(
            r.to_string(),
            "\
fixture  pre-1547     post-1547
chain    error        -
sieve    same         differs
chain on pre-1547: no reference
"
        );
    }
}
