//! Running a fixture on a real 2011 toolchain: 6g compiles, `6l -d` links
//! (today's glibc loader crashes on 6l's dynamic ELF header; a static binary
//! runs), in a fresh temp dir; the program runs with GOMAXPROCS unset (1,
//! the 2011 default) and stdin closed, under the fixture's timeout.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::fixture::Fixture;
use crate::process::{self, Deadline, Job, ProcessError, Status};
use crate::toolchain::Toolchain;

/// How long a hung program may go on printing after SIGQUIT.
pub const QUIT_GRACE: Duration = Duration::from_secs(3);

/// How long 6g or 6l may take on one fixture.
const BUILD_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Process(#[from] ProcessError),
    #[error("{tool} on {fixture} was still running after {}s", BUILD_TIMEOUT.as_secs())]
    BuildHung { tool: &'static str, fixture: String },
    #[error("cannot prepare a build dir: {0}")]
    Io(#[from] std::io::Error),
}

/// How a run ended, as recorded in references and shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Exit(i32),
    Signal(i32),
    /// Still running at the timeout; SIGQUIT went to it, and then this
    /// (`None`: it did not end within the grace period and was killed).
    Hung(Option<Status>),
    /// 6g or 6l refused the program; its exit code.
    BuildFailed {
        tool: &'static str,
        code: i32,
    },
}

impl Ending {
    /// The exit status a shell would see: 128+N for death by signal N.
    pub fn exit_status(self) -> i32 {
        let of = |s: Status| match s {
            Status::Exit(c) => c,
            Status::Signal(n) => 128 + n,
        };
        match self {
            Ending::Exit(c) => c,
            Ending::Signal(n) => 128 + n,
            Ending::Hung(Some(s)) => of(s),
            Ending::Hung(None) => 128 + libc::SIGKILL,
            Ending::BuildFailed { code, .. } => code,
        }
    }
}

impl fmt::Display for Ending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = |f: &mut fmt::Formatter<'_>, s: Status| match s {
            Status::Exit(c) => write!(f, "exit {c}"),
            Status::Signal(n) => write!(f, "signal {n}"),
        };
        match *self {
            Ending::Exit(c) => status(f, Status::Exit(c)),
            Ending::Signal(n) => status(f, Status::Signal(n)),
            Ending::Hung(Some(s)) => {
                f.write_str("hung; after SIGQUIT: ")?;
                status(f, s)
            }
            Ending::Hung(None) => f.write_str("hung; after SIGQUIT: still running, killed"),
            Ending::BuildFailed { tool, code } => write!(f, "{tool} failed with exit {code}"),
        }
    }
}

/// What one run of a fixture wrote and how it ended.
#[derive(Debug, Clone)]
pub struct RunRecord {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub ending: Ending,
    /// The build dir the run happened in (gone by now); tracebacks name it.
    pub work_dir: PathBuf,
}

impl RunRecord {
    /// The run as it printed, in the layout of a shape but unreduced, with
    /// the GOROOT and the build dir written as `$GOROOT` and `$WORK` so that
    /// the text does not depend on the machine.
    pub fn raw_text(&self, goroot: &Path) -> String {
        let goroot = goroot.display().to_string();
        let work = self.work_dir.display().to_string();
        let clean = |bytes: &[u8]| {
            String::from_utf8_lossy(bytes)
                .replace(&work, "$WORK")
                .replace(&goroot, "$GOROOT")
        };
        self.raw_with(clean)
    }

    /// The same of a twin's run, whose paths are printed as `$GOROOT` and
    /// `$WORK` already.
    pub fn raw_as_printed(&self) -> String {
        self.raw_with(|bytes| String::from_utf8_lossy(bytes).into_owned())
    }

    fn raw_with(&self, clean: impl Fn(&[u8]) -> String) -> String {
        format!(
            "ended: {}\n--- stdout\n{}--- stderr\n{}",
            self.ending,
            clean(&self.stdout),
            clean(&self.stderr)
        )
    }
}

/// Build and run a fixture on a real toolchain. The temp dir and every
/// process are gone when this returns.
pub fn run_on_toolchain(tc: &Toolchain, fixture: &Fixture) -> Result<RunRecord, RunError> {
    let dir = tempfile::Builder::new().prefix("harness-").tempdir()?;
    if let Err(failed) = build(tc, fixture, dir.path())? {
        return Ok(failed);
    }
    run_binary(&dir.path().join("main"), dir.path(), fixture.timeout)
}

/// Compile with 6g and link with `6l -d` into `dir/main`. `Ok(Err(record))`
/// is a build the toolchain refused, with its message.
pub fn build(
    tc: &Toolchain,
    fixture: &Fixture,
    dir: &Path,
) -> Result<Result<(), RunRecord>, RunError> {
    let src = fixture.file_name();
    std::fs::write(dir.join(&src), &fixture.source)?;
    let tool_env = vec![
        (OsString::from("GOROOT"), tc.goroot.clone().into_os_string()),
        ("GOOS".into(), "linux".into()),
        ("GOARCH".into(), "amd64".into()),
        ("PATH".into(), "/usr/bin:/bin".into()),
    ];
    let steps: [(&'static str, Vec<OsString>); 2] = [
        ("6g", vec!["-o".into(), "main.6".into(), src.into()]),
        (
            "6l",
            vec!["-d".into(), "-o".into(), "main".into(), "main.6".into()],
        ),
    ];
    for (tool, args) in steps {
        let done = process::supervise(&Job {
            program: &tc.tool(tool),
            args,
            env: tool_env.clone(),
            dir,
            timeout: BUILD_TIMEOUT,
            grace: Duration::ZERO,
        })?;
        match done.deadline {
            Deadline::Met(Status::Exit(0)) => {}
            Deadline::Met(status) => {
                // 6g writes its diagnostics to stdout; keep both, in that order.
                let mut message = done.stdout;
                message.extend_from_slice(&done.stderr);
                let code = match status {
                    Status::Exit(c) => c,
                    Status::Signal(n) => 128 + n,
                };
                return Ok(Err(RunRecord {
                    stdout: Vec::new(),
                    stderr: message,
                    ending: Ending::BuildFailed { tool, code },
                    work_dir: dir.to_path_buf(),
                }));
            }
            Deadline::Missed(_) => {
                return Err(RunError::BuildHung {
                    tool,
                    fixture: fixture.name.clone(),
                })
            }
        }
    }
    Ok(Ok(()))
}

/// Run a linked program with the fixed environment every run gets: no
/// GOMAXPROCS, GOGC or GOTRACEBACK, so the 2011 defaults hold.
fn run_binary(program: &Path, dir: &Path, timeout: Duration) -> Result<RunRecord, RunError> {
    let done = process::supervise(&Job {
        program,
        args: Vec::new(),
        env: vec![("PATH".into(), "/usr/bin:/bin".into())],
        dir,
        timeout,
        grace: QUIT_GRACE,
    })?;
    let ending = match done.deadline {
        Deadline::Met(Status::Exit(c)) => Ending::Exit(c),
        Deadline::Met(Status::Signal(n)) => Ending::Signal(n),
        Deadline::Missed(after) => Ending::Hung(after),
    };
    Ok(RunRecord {
        stdout: done.stdout,
        stderr: done.stderr,
        ending,
        work_dir: dir.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endings_print_and_map_to_shell_statuses() {
        let cases = [
            (Ending::Exit(0), "exit 0", 0),
            (Ending::Signal(11), "signal 11", 139),
            (
                Ending::Hung(Some(Status::Exit(2))),
                "hung; after SIGQUIT: exit 2",
                2,
            ),
            (
                Ending::Hung(None),
                "hung; after SIGQUIT: still running, killed",
                137,
            ),
            (
                Ending::BuildFailed {
                    tool: "6g",
                    code: 1,
                },
                "6g failed with exit 1",
                1,
            ),
        ];
        for (ending, text, status) in cases {
            assert_eq!(ending.to_string(), text);
            assert_eq!(ending.exit_status(), status);
        }
    }
}
