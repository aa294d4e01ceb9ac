//! The known divergences: differences between the twin and a recorded
//! reference that are real limits of the twin, each with its reason, kept
//! in one committed file (snapshots/known-divergences.toml). `harness
//! diff` shows a listed difference as "known" instead of failing on it,
//! and fails on an entry whose cell now matches, so the list only shrinks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_runtime::Variant;
use serde::Deserialize;

/// The file's name in the snapshot directory.
pub const FILE_NAME: &str = "known-divergences.toml";

#[derive(Debug, thiserror::Error)]
pub enum KnownError {
    #[error("{path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFormat {
    #[serde(default)]
    divergence: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    fixture: String,
    /// One toolchain, or both when absent.
    toolchain: Option<String>,
    reason: String,
}

/// The listed divergences, by fixture and variant.
#[derive(Debug, Default)]
pub struct Known {
    reasons: BTreeMap<(String, Variant), String>,
}

impl Known {
    /// Read `dir`/known-divergences.toml; no file lists nothing.
    pub fn load(dir: &Path) -> Result<Known, KnownError> {
        let path = dir.join(FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Known::default()),
            Err(source) => return Err(KnownError::Read { path, source }),
        };
        Known::parse(&text).map_err(|message| KnownError::Parse { path, message })
    }

    fn parse(text: &str) -> Result<Known, String> {
        let file: FileFormat = toml::from_str(text).map_err(|e| {
            let at = e.span().map(|s| line_col(text, s.start));
            match at {
                Some((l, c)) => format!("{l}:{c}: {}", e.message()),
                None => e.message().to_string(),
            }
        })?;
        let mut reasons = BTreeMap::new();
        for e in file.divergence {
            if e.reason.trim().is_empty() {
                return Err(format!(
                    "{}: a known divergence needs its reason",
                    e.fixture
                ));
            }
            let variants = match &e.toolchain {
                None => Variant::ALL.to_vec(),
                Some(t) => vec![t
                    .parse::<Variant>()
                    .map_err(|_| format!("{}: unknown toolchain '{t}'", e.fixture))?],
            };
            for v in variants {
                if reasons
                    .insert((e.fixture.clone(), v), e.reason.clone())
                    .is_some()
                {
                    return Err(format!("{} on {v} is listed twice", e.fixture));
                }
            }
        }
        Ok(Known { reasons })
    }

    /// Why the twin's `fixture` on `variant` is known to differ, if it is.
    pub fn reason(&self, fixture: &str, variant: Variant) -> Option<&str> {
        self.reasons
            .get(&(fixture.to_string(), variant))
            .map(String::as_str)
    }
}

/// 1-based line and column of byte `at` in `text`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_apply_to_one_toolchain_or_both() {
        let k = Known::parse(
            "[[divergence]]\nfixture = \"a\"\nreason = \"why\"\n\n[[divergence]]\nfixture = \"b\"\ntoolchain = \"post-1547\"\nreason = \"because\"\n",
        )
        .unwrap();
        assert_eq!(k.reason("a", Variant::Pre1547), Some("why"));
        assert_eq!(k.reason("a", Variant::Post1547), Some("why"));
        assert_eq!(k.reason("b", Variant::Pre1547), None);
        assert_eq!(k.reason("b", Variant::Post1547), Some("because"));
        assert_eq!(
            Known::parse("").unwrap().reason("a", Variant::Pre1547),
            None
        );
    }

    #[test]
    fn bad_entries_say_where_and_what() {
        let e = Known::parse("[[divergence]]\nfixture = \"a\"\n")
            .err()
            .unwrap();
        assert!(e.starts_with("1:1: missing field `reason`"), "{e}");
        let e = Known::parse("[[divergence]]\nfixture = \"a\"\nreason = \"x\"\ncolour = 1\n")
            .err()
            .unwrap();
        assert!(e.starts_with("4:1: unknown field `colour`"), "{e}");
        let e =
            Known::parse("[[divergence]]\nfixture = \"a\"\ntoolchain = \"go1\"\nreason = \"x\"\n")
                .err()
                .unwrap();
        assert_eq!(e, "a: unknown toolchain 'go1'");
        let e = Known::parse("[[divergence]]\nfixture = \"a\"\nreason = \" \"\n")
            .err()
            .unwrap();
        assert_eq!(e, "a: a known divergence needs its reason");
    }
}
