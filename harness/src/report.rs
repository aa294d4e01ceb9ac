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
    /// Differs, as the known-divergence file says it does (the reason).
    Known(String),
    /// The fixture uses what the twin does not run yet (why, in the text).
    Unsupported(String),
    /// No reference, a reference that fails its provenance check, a
    /// toolchain that is not there, or a run that could not be made.
    Error(String),
    /// No reference yet, and the twin gives the prediction accepted for it
    /// (harness/snapshots/twin): no failure, but no real run either.
    Predicted,
    /// No reference and no accepted prediction: the twin's prediction was
    /// written for review (where, in the text). A failure until reviewed,
    /// as a new insta snapshot is.
    New(String),
}

impl Verdict {
    /// The verdict's one word, as the table and --format json give it.
    pub fn word(&self) -> &'static str {
        match self {
            Verdict::Same => "same",
            Verdict::Differs => "differs",
            Verdict::Known(_) => "known",
            Verdict::Unsupported(_) => "unsupported",
            Verdict::Error(_) => "error",
            Verdict::Predicted => "predicted",
            Verdict::New(_) => "new",
        }
    }
}

/// Verdicts gathered as results come in, printed in fixture order.
#[derive(Debug, Default)]
pub struct Report {
    cells: BTreeMap<(String, Variant), (Verdict, Option<String>)>,
    /// What the reader should know beside the verdicts (which measured
    /// figures the twin used where its own differ).
    notes: Vec<String>,
}

impl Report {
    /// A cell's verdict, with the unified diff of its shapes if they differ.
    pub fn add(&mut self, fixture: &str, variant: Variant, verdict: Verdict, diff: Option<String>) {
        self.cells
            .insert((fixture.to_string(), variant), (verdict, diff));
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
            .filter(|(v, _)| matches!(v, Verdict::Differs | Verdict::Error(_) | Verdict::New(_)))
            .count()
    }

    /// A note printed after the table (and in the JSON's "notes").
    pub fn note(&mut self, text: String) {
        self.notes.push(text);
    }

    /// How many cells differ as the known-divergence file says.
    pub fn known(&self) -> usize {
        self.cells
            .values()
            .filter(|(v, _)| matches!(v, Verdict::Known(_)))
            .count()
    }

    /// How many cells the twin does not run yet.
    pub fn unsupported(&self) -> usize {
        self.cells
            .values()
            .filter(|(v, _)| matches!(v, Verdict::Unsupported(_)))
            .count()
    }

    /// The report for tools (`--format json`): every cell with its
    /// verdict, its explanation and its diff, then the counts.
    pub fn to_json(&self) -> serde_json::Value {
        let cells: Vec<_> = self
            .cells
            .iter()
            .map(|((fixture, v), (verdict, diff))| {
                let detail = match verdict {
                    Verdict::Known(s)
                    | Verdict::Unsupported(s)
                    | Verdict::Error(s)
                    | Verdict::New(s) => Some(s.as_str()),
                    Verdict::Same | Verdict::Differs | Verdict::Predicted => None,
                };
                serde_json::json!({
                    "fixture": fixture,
                    "toolchain": v.name(),
                    "verdict": verdict.word(),
                    "detail": detail,
                    "diff": diff,
                })
            })
            .collect();
        serde_json::json!({
            "cells": cells,
            "failures": self.failures(),
            "known": self.known(),
            "unsupported": self.unsupported(),
            "notes": self.notes,
        })
    }

    /// Each differing cell's diff, headed by the cell (and, for a known
    /// divergence, its reason).
    pub fn diffs(&self) -> String {
        let mut out = String::new();
        for ((fixture, v), (verdict, diff)) in &self.cells {
            let Some(diff) = diff else { continue };
            match verdict {
                Verdict::Known(why) => {
                    out.push_str(&format!("{fixture} on {v} (known divergence: {why}):\n"))
                }
                _ => out.push_str(&format!("{fixture} on {v}:\n")),
            }
            out.push_str(diff);
        }
        out
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
                    .map_or("-", |(v, _)| v.word())
            });
            row(f, name, cells)?;
        }
        let errors: Vec<_> = self
            .cells
            .iter()
            .filter_map(|((n, v), (verdict, _))| match verdict {
                Verdict::Error(e) => Some(format!("{n} on {v}: {e}")),
                Verdict::Unsupported(e) => Some(format!("{n} on {v}: unsupported: {e}")),
                Verdict::Known(why) => Some(format!("{n} on {v}: known divergence: {why}")),
                Verdict::New(what) => Some(format!("{n} on {v}: new: {what}")),
                Verdict::Predicted => Some(format!(
                    "{n} on {v}: predicted: no reference yet; the twin gives its accepted prediction"
                )),
                _ => None,
            })
            .collect();
        for e in errors {
            writeln!(f, "{e}")?;
        }
        for n in &self.notes {
            writeln!(f, "note: {n}")?;
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
        r.add("sieve", Variant::Pre1547, Verdict::Same, None);
        r.add(
            "sieve",
            Variant::Post1547,
            Verdict::Differs,
            Some("-a\n+b\n".into()),
        );
        r.add(
            "chain",
            Variant::Pre1547,
            Verdict::Error("no reference".into()),
            None,
        );
        assert!(!r.all_same());
        assert_eq!(r.failures(), 2);
        assert_eq!(r.diffs(), "sieve on post-1547:\n-a\n+b\n");
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

#[cfg(test)]
mod known_tests {
    use super::*;

    #[test]
    fn a_known_divergence_is_no_failure_and_json_carries_every_cell() {
        let mut r = Report::default();
        r.add(
            "deeprec",
            Variant::Pre1547,
            Verdict::Known("why".into()),
            Some("-x\n+y\n".into()),
        );
        r.add("sieve", Variant::Pre1547, Verdict::Same, None);
        assert!(r.all_same());
        assert_eq!(r.known(), 1);
        assert_eq!(
            r.diffs(),
            "deeprec on pre-1547 (known divergence: why):\n-x\n+y\n"
        );
        assert!(r.to_string().contains("deeprec  known"), "{r}");
        let j = r.to_json();
        assert_eq!(j["known"], 1);
        assert_eq!(j["failures"], 0);
        assert_eq!(j["cells"][0]["verdict"], "known");
        assert_eq!(j["cells"][0]["detail"], "why");
        assert_eq!(j["cells"][0]["diff"], "-x\n+y\n");
        assert_eq!(j["cells"][1]["fixture"], "sieve");
        assert_eq!(j["cells"][1]["diff"], serde_json::Value::Null);
    }
}
