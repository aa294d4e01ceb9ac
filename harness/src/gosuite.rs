//! Go's own test suite as a measure of the language the twin runs: the run
//! tests of a pinned tree's test/ folder that import nothing (their first
//! line is [`RUN_HEADER`]), each built and run on the real toolchain and
//! run on the twin on predicted figures, their shapes compared.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use rust_runtime::Variant;

use crate::fixture::Fixture;
use crate::runner::{self, Ending};
use crate::shape::shape;
use crate::toolchain::Toolchain;
use crate::twin::{self, Tables, TwinError};

/// The header of a test that the tree's test/run builds, links and runs
/// with nothing else: no golden output file, no error check.
pub const RUN_HEADER: &str = "// $G $D/$F.go && $L $F.$A && ./$A.out";

/// What happened to one test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The twin's shape is the real run's.
    Same,
    /// Both ran and their shapes differ: the unified diff.
    Differs(String),
    /// The twin refused a construct it does not compile yet: its name.
    Unsupported(String),
    /// The twin refused the program with another error, where 6g did not.
    Refused(String),
    /// The real toolchain did not build or run it to exit 0.
    RealFailed(String),
}

impl Outcome {
    /// The outcome's kind, as the summary counts it.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Same => "same",
            Outcome::Differs(_) => "differs",
            Outcome::Unsupported(_) => "unsupported",
            Outcome::Refused(_) => "refused",
            Outcome::RealFailed(_) => "real failed",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Same | Outcome::Differs(_) => f.write_str(self.kind()),
            Outcome::Unsupported(c) => write!(f, "unsupported construct '{c}'"),
            Outcome::Refused(m) | Outcome::RealFailed(m) => write!(f, "{}: {m}", self.kind()),
        }
    }
}

/// The run tests under `goroot`'s test/ folder (its subfolders too) that
/// import nothing, sorted: those whose first line is [`RUN_HEADER`], alone
/// or followed by `|| echo BUG...`.
pub fn run_tests(goroot: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut dirs = vec![goroot.join("test")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "go") {
                continue;
            }
            let source = std::fs::read_to_string(&path)?;
            let first = source.lines().next().unwrap_or_default();
            let runs = first == RUN_HEADER || first.starts_with(&format!("{RUN_HEADER} ||"));
            if runs && !source.lines().any(|l| l.starts_with("import")) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Run the test at `path` on `tc` and on the twin of `variant`.
pub fn check(tc: &Toolchain, variant: Variant, path: &Path) -> Outcome {
    let fixture = match Fixture::load(path) {
        Ok(f) => f,
        Err(e) => return Outcome::RealFailed(e.to_string()),
    };
    let real = match runner::run_on_toolchain(tc, &fixture) {
        Ok(r) if r.ending == Ending::Exit(0) => r,
        Ok(r) => return Outcome::RealFailed(r.ending.to_string()),
        Err(e) => return Outcome::RealFailed(e.to_string()),
    };
    let host = crate::host::this().unwrap_or(rust_runtime::host::Host::RECORDING);
    match twin::run_on_twin(variant, &fixture, &Tables::predicted(), host) {
        Ok(rec) => {
            let file = fixture.file_name();
            let (want, got) = (shape(&real, &file), shape(&rec, &file));
            match crate::diff::unified(&want, &got, ("real", "twin"), false) {
                None => Outcome::Same,
                Some(d) => Outcome::Differs(d),
            }
        }
        Err(TwinError::Unsupported { message, .. }) => match construct(&message) {
            Some(c) => Outcome::Unsupported(c.to_string()),
            None => Outcome::Refused(message),
        },
        Err(e) => Outcome::Refused(e.to_string()),
    }
}

/// The construct an `unsupported construct 'X'` message names.
fn construct(message: &str) -> Option<&str> {
    let rest = message.split("unsupported construct '").nth(1)?;
    rest.split('\'').next()
}

/// Counts by kind, and the unsupported ones by construct, most first.
pub fn summary(outcomes: &[(PathBuf, Outcome)]) -> String {
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    let mut constructs: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, o) in outcomes {
        *kinds.entry(o.kind()).or_default() += 1;
        if let Outcome::Unsupported(c) = o {
            *constructs.entry(c).or_default() += 1;
        }
    }
    let mut out = format!("{} tests:", outcomes.len());
    for kind in ["same", "differs", "unsupported", "refused", "real failed"] {
        out.push_str(&format!(" {kind} {}", kinds.get(kind).unwrap_or(&0)));
    }
    let mut by: Vec<_> = constructs.into_iter().collect();
    by.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    if !by.is_empty() {
        let list: Vec<String> = by.iter().map(|(c, n)| format!("{c} {n}")).collect();
        out.push_str(&format!("\nunsupported: {}", list.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_construct_is_read_off_the_twins_message() {
        assert_eq!(
            construct("x.go:3:7: unsupported construct 'map'"),
            Some("map")
        );
        assert_eq!(construct("x.go:3:7: undefined: y"), None);
        let outcomes = vec![
            (PathBuf::from("a.go"), Outcome::Same),
            (PathBuf::from("b.go"), Outcome::Unsupported("map".into())),
            (PathBuf::from("c.go"), Outcome::Unsupported("label".into())),
            (PathBuf::from("d.go"), Outcome::Unsupported("map".into())),
        ];
        assert_eq!(
            summary(&outcomes),
            "4 tests: same 1 differs 0 unsupported 3 refused 0 real failed 0\nunsupported: map 2, label 1"
        );
    }
}
