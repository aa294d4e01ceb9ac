//! Reproducing a bug report's program: what a run came to, in a report's
//! words, and the two variants' shapes side by side.
//!
//! A run's outcome is read off how it ended and what the runtime printed
//! last: `panic:` or `throw:` lines, the deadlock throw, a SIGQUIT dump
//! (and in it issue 1547's self-deadlock: runtime.stackfree's lock under
//! runtime.lessstack, with the goroutine whose stack unsplit).

use std::fmt;

use crate::runner::{Ending, RunRecord};

/// What a run came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Completes,
    /// Another exit status with nothing the runtime printed to say why.
    Exits(i32),
    /// An unrecovered panic: its `panic: ...` line.
    Panics(String),
    /// All goroutines asleep: the runtime's deadlock throw.
    Deadlocks,
    /// Another throw: its `throw: ...` line.
    Throws(String),
    /// Still running at the timeout; with issue 1547's self-deadlock in
    /// its dump, the goroutine whose lessstack took the lock again.
    Hangs { issue1547: Option<u32> },
    /// Killed by a signal (the number).
    Dies(i32),
    /// 6g or 6l refused the program.
    DoesNotBuild(String),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Completes => f.write_str("completes"),
            Outcome::Exits(c) => write!(f, "exits {c}"),
            Outcome::Panics(line) => write!(f, "panics ({line})"),
            Outcome::Deadlocks => f.write_str("deadlocks (all goroutines are asleep)"),
            Outcome::Throws(line) => write!(f, "throws ({line})"),
            Outcome::Hangs {
                issue1547: Some(g),
            } => write!(
                f,
                "hangs: issue 1547's self-deadlock (stackfree's lock under lessstack, goroutine {g})"
            ),
            Outcome::Hangs { issue1547: None } => f.write_str("hangs"),
            Outcome::Dies(n) => write!(f, "dies of signal {n}"),
            Outcome::DoesNotBuild(what) => write!(f, "does not build ({what})"),
        }
    }
}

/// What a run came to, from its record.
pub fn classify(record: &RunRecord) -> Outcome {
    let stderr = String::from_utf8_lossy(&record.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    let first = |prefix: &str| {
        lines
            .iter()
            .find(|l| l.starts_with(prefix))
            .map(|l| l.to_string())
    };
    match record.ending {
        Ending::BuildFailed { tool, code } => {
            Outcome::DoesNotBuild(format!("{tool} failed with exit {code}"))
        }
        Ending::Hung(_) => Outcome::Hangs {
            issue1547: issue1547_goroutine(&lines),
        },
        Ending::Exit(0) => Outcome::Completes,
        Ending::Exit(c) => {
            if lines
                .iter()
                .any(|l| l.contains("all goroutines are asleep - deadlock!"))
            {
                Outcome::Deadlocks
            } else if let Some(p) = first("panic: ") {
                Outcome::Panics(p)
            } else if let Some(t) = first("throw: ") {
                Outcome::Throws(t)
            } else {
                Outcome::Exits(c)
            }
        }
        Ending::Signal(n) => Outcome::Dies(n),
    }
}

/// The goroutine of issue 1547's self-deadlock, if the dump shows one: a
/// stack with runtime.lock called from runtime.stackfree called from
/// runtime.oldstack under runtime.lessstack, then the segment marker
/// naming the goroutine whose stack unsplit.
fn issue1547_goroutine(lines: &[&str]) -> Option<u32> {
    let func = |l: &str| l.split([' ', '+']).next().unwrap_or("").to_string();
    let want = [
        "runtime.lock",
        "runtime.stackfree",
        "runtime.oldstack",
        "runtime.lessstack",
    ];
    let frames: Vec<(usize, String)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('\t'))
        .map(|(i, l)| (i, func(l)))
        .collect();
    frames.windows(want.len() + 1).find_map(|w| {
        let matches = w[..want.len()]
            .iter()
            .zip(want)
            .all(|((_, f), want)| f == want);
        let marker = lines[w[want.len()].0];
        matches
            .then(|| marker.strip_prefix("----- lessstack called from goroutine "))
            .flatten()
            .and_then(|rest| rest.trim_end_matches(" -----").parse().ok())
    })
}

/// Lines kept at each end of a run of equal rows that [`side_by_side`]
/// folds.
const KEEP: usize = 3;

/// Two texts in columns, `width` characters for the left one (longer lines
/// are cut with `~`), headed by their titles, rows paired as a line diff
/// pairs them: `*` marks a changed row, `<` and `>` a line only the left or
/// the right has, and a run of more than `2 * KEEP + 1` equal rows is
/// folded to its ends.
pub fn side_by_side(titles: (&str, &str), left: &str, right: &str, width: usize) -> String {
    let cell = |s: &str| {
        if s.chars().count() > width {
            let cut: String = s.chars().take(width - 1).collect();
            format!("{cut}~")
        } else {
            format!("{s:width$}")
        }
    };
    let (l, r): (Vec<&str>, Vec<&str>) = (left.lines().collect(), right.lines().collect());
    let mut out = format!("{} | {}\n", cell(titles.0), titles.1);
    out.push_str(&format!("{}-+-{}\n", "-".repeat(width), "-".repeat(width)));
    // Rows paired as a line diff pairs them: equal lines side by side, a
    // changed run line by line, a line only one side has against nothing.
    let mut rows: Vec<(&str, &str, char)> = Vec::new();
    for op in similar::TextDiff::from_slices(&l, &r).ops() {
        let (old, new) = (op.old_range(), op.new_range());
        for k in 0..old.len().max(new.len()) {
            let a = (k < old.len()).then(|| l[old.start + k]);
            let b = (k < new.len()).then(|| r[new.start + k]);
            let mark = match (a, b) {
                (Some(a), Some(b)) if a == b => '|',
                (Some(_), Some(_)) => '*',
                (Some(_), None) => '<',
                _ => '>',
            };
            rows.push((a.unwrap_or(""), b.unwrap_or(""), mark));
        }
    }
    let mut i = 0;
    while i < rows.len() {
        let run = rows[i..].iter().take_while(|(_, _, m)| *m == '|').count();
        let fold = run > 2 * KEEP + 1;
        let shown: Vec<usize> = if fold {
            (i..i + KEEP).chain(i + run - KEEP..i + run).collect()
        } else {
            (i..i + run.max(1)).collect()
        };
        for (k, &j) in shown.iter().enumerate() {
            if fold && k == KEEP {
                out.push_str(&format!(
                    "{} | ({} equal lines)\n",
                    cell(""),
                    run - 2 * KEEP
                ));
            }
            let (a, b, mark) = rows[j];
            out.push_str(format!("{} {mark} {b}", cell(a)).trim_end());
            out.push('\n');
        }
        i += run.max(1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(ending: Ending, stderr: &str) -> RunRecord {
        RunRecord {
            stdout: Vec::new(),
            stderr: stderr.as_bytes().to_vec(),
            ending,
            work_dir: Default::default(),
        }
    }

    #[test]
    fn the_seeds_dump_is_issue_1547_in_goroutine_2() {
        // The seed's trace (its commit message), as the runtime prints it.
        let dump = "SIGQUIT: quit\nPC=0x40cca6\n\n\
runtime.futex+0x23 /home/rsc/g/go/src/pkg/runtime/linux/amd64/sys.s:139\n\truntime.futex()\n\
futexsleep+0x50 /home/rsc/g/go/src/pkg/runtime/linux/thread.c:51\n\tfutexsleep(0x5b0188, 0x300000003, 0x100020000, 0x4159e2)\n\
futexlock+0x85 /home/rsc/g/go/src/pkg/runtime/linux/thread.c:119\n\tfutexlock(0x5b0188, 0x5b0188)\n\
runtime.lock+0x56 /home/rsc/g/go/src/pkg/runtime/linux/thread.c:158\n\truntime.lock(0x5b0188, 0x7f0d27b4a000)\n\
runtime.stackfree+0x4d /home/rsc/g/go/src/pkg/runtime/malloc.goc:336\n\truntime.stackfree(0x7f0d27b4a000, 0x1000, 0x8, 0x7fff37e1e218)\n\
runtime.oldstack+0xa6 /home/rsc/g/go/src/pkg/runtime/proc.c:705\n\truntime.oldstack()\n\
runtime.lessstack+0x22 /home/rsc/g/go/src/pkg/runtime/amd64/asm.s:224\n\truntime.lessstack()\n\
----- lessstack called from goroutine 2 -----\n\
runtime.lock+0x56 /home/rsc/g/go/src/pkg/runtime/linux/thread.c:158\n\truntime.lock(0x5b0188, 0x40a5e2)\n";
        let hung = record(Ending::Hung(Some(crate::process::Status::Exit(2))), dump);
        assert_eq!(classify(&hung), Outcome::Hangs { issue1547: Some(2) });
        let other = record(
            Ending::Hung(Some(crate::process::Status::Exit(2))),
            "SIGQUIT: quit\n\ngoroutine 1 [4]:\nruntime.gosched+0x5c /g/proc.c:9\n",
        );
        assert_eq!(classify(&other), Outcome::Hangs { issue1547: None });
    }

    #[test]
    fn endings_read_as_a_report_says_them() {
        let c = |e, s| classify(&record(e, s));
        assert_eq!(c(Ending::Exit(0), ""), Outcome::Completes);
        assert_eq!(
            c(
                Ending::Exit(2),
                "x\npanic: runtime error: index out of range\n\n"
            ),
            Outcome::Panics("panic: runtime error: index out of range".into())
        );
        assert_eq!(
            c(
                Ending::Exit(2),
                "throw: all goroutines are asleep - deadlock!\n"
            ),
            Outcome::Deadlocks
        );
        assert_eq!(
            c(Ending::Exit(3), "throw: fault\n"),
            Outcome::Throws("throw: fault".into())
        );
        assert_eq!(c(Ending::Signal(11), ""), Outcome::Dies(11));
        assert_eq!(c(Ending::Exit(1), ""), Outcome::Exits(1));
    }

    #[test]
    fn long_runs_of_equal_rows_fold_to_their_ends() {
        let left: String = (0..10).map(|i| format!("{i}\n")).collect();
        let s = side_by_side(("a", "b"), &left, &left.replace('9', "x"), 3);
        assert_eq!(
            s,
            "a   | b\n----+----\n0   | 0\n1   | 1\n2   | 2\n    | (3 equal lines)\n6   | 6\n7   | 7\n8   | 8\n9   * x\n"
        );
    }

    #[test]
    fn columns_mark_the_lines_that_differ() {
        let s = side_by_side(("pre", "post"), "a\nbb\nlonger line\n", "a\nbc\n", 6);
        assert_eq!(
            s,
            "pre    | post\n-------+-------\na      | a\nbb     * bc\nlonge~ <\n"
        );
    }
}
