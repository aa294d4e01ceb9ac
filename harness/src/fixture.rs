//! Fixtures: the Go programs in go-fixtures/, in the February-2011 dialect.
//!
//! A fixture's header is the run of `//` comment lines before `package`.
//! Lines of the form `//harness:KEY VALUE` are settings; the rest is notes.
//! Keys: `timeout` (seconds, e.g. `//harness:timeout 5s`), the time after
//! which the run counts as hung and gets SIGQUIT.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::toolchain::line_col;

/// Used when a fixture names no timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    #[error("{path}:{line}:{col}: {message}", path = path.display())]
    Header {
        path: PathBuf,
        line: usize,
        col: usize,
        message: String,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no fixture named '{name}' in {}", dir.display())]
    Unknown { name: String, dir: PathBuf },
    #[error("{}: no fixtures (*.go) there", dir.display())]
    Empty { dir: PathBuf },
}

/// One fixture, read and its header parsed.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// File stem: `sieve` for `sieve.go`. Snapshots are named by it.
    pub name: String,
    pub path: PathBuf,
    pub source: String,
    pub timeout: Duration,
    /// The header's prose, comment markers removed.
    pub notes: String,
}

impl Fixture {
    pub fn load(path: &Path) -> Result<Fixture, FixtureError> {
        let source = std::fs::read_to_string(path).map_err(|source| FixtureError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Fixture::from_source(path, source)
    }

    /// A fixture of a source held in memory, as if read from `path` (whose
    /// stem names it): generated programs need no file.
    pub fn from_source(path: &Path, source: String) -> Result<Fixture, FixtureError> {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut fixture = Fixture {
            name,
            path: path.to_path_buf(),
            timeout: DEFAULT_TIMEOUT,
            notes: String::new(),
            source: String::new(),
        };
        fixture.parse_header(&source)?;
        fixture.source = source;
        Ok(fixture)
    }

    /// The file name as the compiler sees it: `sieve.go`.
    pub fn file_name(&self) -> String {
        format!("{}.go", self.name)
    }

    fn parse_header(&mut self, source: &str) -> Result<(), FixtureError> {
        let mut notes = Vec::new();
        let mut offset = 0;
        for line in source.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            let text = line.trim_end();
            let Some(comment) = text.strip_prefix("//") else {
                break;
            };
            let Some(setting) = comment.strip_prefix("harness:") else {
                notes.push(comment.strip_prefix(' ').unwrap_or(comment));
                continue;
            };
            let (key, value) = setting.split_once(' ').unwrap_or((setting, ""));
            let value_at = start + "//harness:".len() + key.len() + 1;
            match key {
                "timeout" => {
                    self.timeout = parse_seconds(value).ok_or_else(|| {
                        self.error(
                            source,
                            value_at,
                            format!("timeout wants seconds like '5s', got '{value}'"),
                        )
                    })?
                }
                _ => {
                    return Err(self.error(
                        source,
                        start + "//harness:".len(),
                        format!("unknown setting '{key}' (known: timeout)"),
                    ))
                }
            }
        }
        self.notes = notes.join("\n").trim().to_string();
        Ok(())
    }

    fn error(&self, source: &str, offset: usize, message: String) -> FixtureError {
        let (line, col) = line_col(source, offset);
        FixtureError::Header {
            path: self.path.clone(),
            line,
            col,
            message,
        }
    }
}

fn parse_seconds(s: &str) -> Option<Duration> {
    let n: f64 = s.strip_suffix('s')?.parse().ok()?;
    (n > 0.0 && n.is_finite()).then(|| Duration::from_secs_f64(n))
}

/// All fixtures in `dir`, by name.
pub fn load_all(dir: &Path) -> Result<Vec<Fixture>, FixtureError> {
    let io = |source| FixtureError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    paths.retain(|p| p.extension().is_some_and(|e| e == "go"));
    paths.sort();
    if paths.is_empty() {
        return Err(FixtureError::Empty {
            dir: dir.to_path_buf(),
        });
    }
    paths.iter().map(|p| Fixture::load(p)).collect()
}

/// The fixtures the user named (names or paths), or all of `dir` when none.
pub fn select(dir: &Path, names: &[String]) -> Result<Vec<Fixture>, FixtureError> {
    if names.is_empty() {
        return load_all(dir);
    }
    names
        .iter()
        .map(|n| {
            let as_path = Path::new(n);
            if as_path.extension().is_some_and(|e| e == "go") {
                return Fixture::load(as_path);
            }
            let path = dir.join(format!("{n}.go"));
            if path.is_file() {
                Fixture::load(&path)
            } else {
                Err(FixtureError::Unknown {
                    name: n.clone(),
                    dir: dir.to_path_buf(),
                })
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Fixture, FixtureError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.go");
        std::fs::write(&path, text).unwrap();
        Fixture::load(&path)
    }

    #[test]
    fn header_settings_and_notes() {
        let f = load("// Spawns at every depth.\n//harness:timeout 2.5s\n// More notes.\npackage main\n// not header\n").unwrap();
        assert_eq!(f.name, "f");
        assert_eq!(f.timeout, Duration::from_millis(2500));
        assert_eq!(f.notes, "Spawns at every depth.\nMore notes.");
        assert_eq!(load("package main\n").unwrap().timeout, DEFAULT_TIMEOUT);
    }

    #[test]
    fn bad_settings_are_refused_with_their_position() {
        let err = load("// x\n//harness:timeout 5\npackage main\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.ends_with("f.go:2:19: timeout wants seconds like '5s', got '5'"),
            "{err}"
        );
        let err = load("//harness:timout 5s\npackage main\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.ends_with("f.go:1:11: unknown setting 'timout' (known: timeout)"),
            "{err}"
        );
    }
}
