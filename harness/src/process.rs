//! Spawning a child under supervision: its own process group, a deadline,
//! SIGQUIT then SIGKILL for the group, and Ctrl-C. Every child is reaped and
//! its group killed before the functions here return, whatever happens.

use std::ffi::OsString;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Set by the Ctrl-C handler; supervised children are killed when they see it.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// How often a supervisor looks at its child, its deadline and Ctrl-C.
const POLL: Duration = Duration::from_millis(20);

#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    #[error("interrupted")]
    Interrupted,
    #[error("cannot run {program}: {source}")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
}

/// Route Ctrl-C (and SIGTERM) to a flag that every supervisor polls, so that
/// children die, temp dirs are removed and the harness exits cleanly.
pub fn install_interrupt_handler() {
    // A second install (tests, library users) keeps the first handler.
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
}

/// Whether Ctrl-C has been pressed.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// How a supervised process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Exit(i32),
    Signal(i32),
}

impl Status {
    fn of(status: std::process::ExitStatus) -> Status {
        match (status.code(), status.signal()) {
            (Some(c), _) => Status::Exit(c),
            (None, Some(s)) => Status::Signal(s),
            (None, None) => unreachable!("a reaped unix process has a code or a signal"),
        }
    }
}

/// What happened when the deadline passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// The process ended before its deadline.
    Met(Status),
    /// The deadline passed; SIGQUIT went to the group, then this happened
    /// (`None`: still running after the grace period, so it was killed).
    Missed(Option<Status>),
}

/// Everything a supervised process wrote and how it ended.
#[derive(Debug, Clone)]
pub struct Finished {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub deadline: Deadline,
}

/// One program to run: path, arguments, the whole environment, working dir.
pub struct Job<'a> {
    pub program: &'a Path,
    pub args: Vec<OsString>,
    pub env: Vec<(OsString, OsString)>,
    pub dir: &'a Path,
    pub timeout: Duration,
    /// How long after SIGQUIT the process may go on printing.
    pub grace: Duration,
}

/// Run a job with stdin closed and both outputs captured. It lives in a
/// process group of its own so that SIGQUIT and SIGKILL reach every thread
/// and any child it made.
pub fn supervise(job: &Job<'_>) -> Result<Finished, ProcessError> {
    let (handle, group) = start_grouped(
        command(job.program, &job.args, &job.env, job.dir)
            .stdout_capture()
            .stderr_capture(),
        job.program,
    )?;

    let deadline = Instant::now() + job.timeout;
    let status = match wait_until(&handle, deadline, &group)? {
        Some(s) => Deadline::Met(s),
        None => {
            group.signal(libc::SIGQUIT);
            Deadline::Missed(wait_until(&handle, Instant::now() + job.grace, &group)?)
        }
    };
    drop(group);
    let out = handle.wait().expect("unchecked: the child was reaped");
    Ok(Finished {
        stdout: out.stdout.clone(),
        stderr: out.stderr.clone(),
        deadline: status,
    })
}

/// Run a long job (a toolchain build) with no deadline, stdin closed and
/// both outputs appended to `log`, in a process group of its own that dies
/// with it or on Ctrl-C; `tick` is called every few polls while it runs.
pub fn supervise_logged(
    program: &Path,
    args: &[OsString],
    env: &[(OsString, OsString)],
    dir: &Path,
    log: std::fs::File,
    mut tick: impl FnMut(),
) -> Result<Status, ProcessError> {
    let (handle, group) = start_grouped(
        // duct applies the outer redirection first: stdout to the log, then
        // stderr to that stdout.
        command(program, args, env, dir)
            .stderr_to_stdout()
            .stdout_file(log),
        program,
    )?;
    loop {
        if let Some(status) = wait_until(&handle, Instant::now() + POLL * 10, &group)? {
            return Ok(status);
        }
        tick();
    }
}

/// A program with its arguments, its whole environment and its working
/// dir, stdin closed.
fn command(
    program: &Path,
    args: &[OsString],
    env: &[(OsString, OsString)],
    dir: &Path,
) -> duct::Expression {
    duct::cmd(program, args)
        .full_env(env.iter().cloned())
        .dir(dir)
        .stdin_null()
}

/// Start an expression as the leader of a process group of its own, which
/// dies with the returned guard.
fn start_grouped(
    expr: duct::Expression,
    program: &Path,
) -> Result<(duct::Handle, Group), ProcessError> {
    let handle = expr
        .unchecked()
        .before_spawn(|cmd| {
            cmd.process_group(0);
            Ok(())
        })
        .start()
        .map_err(|source| ProcessError::Spawn {
            program: program.display().to_string(),
            source,
        })?;
    let group = Group(handle.pids()[0] as libc::pid_t);
    Ok((handle, group))
}

/// Wait for the leader until `deadline`; on Ctrl-C, kill and report it.
fn wait_until(
    handle: &duct::Handle,
    deadline: Instant,
    group: &Group,
) -> Result<Option<Status>, ProcessError> {
    loop {
        if interrupted() {
            group.signal(libc::SIGKILL);
            let _ = handle.wait();
            return Err(ProcessError::Interrupted);
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(None);
        }
        let step = POLL.min(deadline - now);
        match handle.wait_timeout(step) {
            Ok(Some(out)) => return Ok(Some(Status::of(out.status))),
            Ok(None) => {}
            Err(e) => unreachable!("unchecked expressions do not fail on wait: {e}"),
        }
    }
}

/// A process group that is killed when dropped, so that nothing outlives
/// its supervisor: not a child it forked, not a leader still running.
struct Group(libc::pid_t);

impl Group {
    fn signal(&self, sig: libc::c_int) {
        // ESRCH (the group is gone) is the expected case after a clean exit.
        unsafe {
            libc::kill(-self.0, sig);
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.signal(libc::SIGKILL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str, timeout: Duration) -> Finished {
        let dir = tempfile::tempdir().unwrap();
        supervise(&Job {
            program: Path::new("/bin/sh"),
            args: vec!["-c".into(), script.into()],
            env: vec![("PATH".into(), "/usr/bin:/bin".into())],
            dir: dir.path(),
            timeout,
            grace: Duration::from_millis(500),
        })
        .unwrap()
    }

    #[test]
    fn exit_codes_signals_and_both_streams_are_kept() {
        let f = sh("echo out; echo err >&2; exit 3", Duration::from_secs(5));
        assert_eq!(f.deadline, Deadline::Met(Status::Exit(3)));
        assert_eq!(f.stdout, b"out\n");
        assert_eq!(f.stderr, b"err\n");
        let f = sh("kill -SEGV $$", Duration::from_secs(5));
        assert_eq!(f.deadline, Deadline::Met(Status::Signal(libc::SIGSEGV)));
    }

    #[test]
    fn a_hang_gets_sigquit_and_what_it_prints_then_is_kept() {
        let f = sh(
            "trap 'echo quit >&2; exit 2' QUIT; while :; do :; done",
            Duration::from_millis(200),
        );
        assert_eq!(f.deadline, Deadline::Missed(Some(Status::Exit(2))));
        assert_eq!(f.stderr, b"quit\n");
    }

    #[test]
    fn a_process_deaf_to_sigquit_is_killed_with_its_children() {
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("child");
        let script = format!(
            "trap '' QUIT; sleep 1000 & echo $! > {}; wait",
            pidfile.display()
        );
        let f = sh(&script, Duration::from_millis(300));
        assert_eq!(f.deadline, Deadline::Missed(None));
        let child: libc::pid_t = std::fs::read_to_string(&pidfile)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        // The grandchild got SIGKILL with its group; give the kernel a moment to reap.
        let gone = (0..100).any(|_| {
            std::thread::sleep(Duration::from_millis(10));
            let stat = std::fs::read_to_string(format!("/proc/{child}/stat")).unwrap_or_default();
            stat.is_empty() || stat.split_whitespace().nth(2) == Some("Z")
        });
        assert!(gone, "grandchild {child} outlived its group");
    }
}
