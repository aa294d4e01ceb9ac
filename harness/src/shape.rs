//! The shape of a run: what of its output must agree between the real
//! toolchain and the twin, with what varies from run to run or machine to
//! machine taken out.
//!
//! ```text
//! ended: hung; after SIGQUIT: exit 2
//! --- stdout
//! --- stderr
//! spawned 3
//! SIGQUIT: quit
//! PC=_
//!
//! runtime.futex
//! runtime.lock
//! ----- lessstack called from goroutine 2 -----
//! main.spawn hang1547.go:21
//! [registers]
//! ```
//!
//! Kept as they are: the program's own lines, `goroutine N [S]:` headers,
//! the segment markers (`----- ... -----`), `panic: ...`, `throw: ...`,
//! `SIGQUIT: quit`. A traceback frame (`func+0xOFF /path/file.c:LINE` and
//! its tab-indented argument line) becomes its function name, plus
//! `file.go:LINE` when the file is the fixture itself. `PC=0x...` and
//! `pc=0x...` become `PC=_` and `pc=_` (and a signal's `addr=` the same
//! as its pc, a SIGFPE's, `addr=pc`); the register dump becomes one
//! `[registers]` line; any path to the fixture becomes its base name.

use std::sync::LazyLock;

use regex::Regex;

use crate::runner::RunRecord;

/// `main.f+0x1c /tmp/x/f.go:12`, `runtime.lock /go/src/pkg/runtime/linux/thread.c:158`.
static FRAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<func>[^\s+]+)(?:\+0x[0-9a-f]+)? (?P<file>\S*/[^/\s]+|[^/\s]+\.[a-z]+):(?P<line>\d+)$").unwrap()
});

/// The argument line printed under each frame: `\tmain.f(0x1, 0x2, ...)`.
static ARGS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\t[^\s(]+\(.*\)$").unwrap());

/// One line of runtime·dumpregs.
static REGISTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:r[a-d]x|r[sd]i|r[bs]p|r[89]|r1[0-5]|rip|rflags|[cfg]s)\s+0x[0-9a-f]+$")
        .unwrap()
});

static PC: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b(PC|pc)=0x[0-9a-f]+").unwrap());

/// dopanic's record of the signal a panic came from.
static SIGNAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\[signal 0x[0-9a-f]+ code=0x[0-9a-f]+ addr=(?P<addr>0x[0-9a-f]+) pc=(?P<pc>0x[0-9a-f]+)\]$").unwrap()
});

/// The shape of a run of the fixture whose file is `fixture_file` (`sieve.go`).
pub fn shape(record: &RunRecord, fixture_file: &str) -> String {
    let mut out = format!("ended: {}\n--- stdout\n", record.ending);
    out.push_str(&shape_stream(
        &String::from_utf8_lossy(&record.stdout),
        fixture_file,
    ));
    out.push_str("--- stderr\n");
    out.push_str(&shape_stream(
        &String::from_utf8_lossy(&record.stderr),
        fixture_file,
    ));
    out
}

/// The shape of a run from its raw output as a reference keeps it
/// (`ended: ...`, then `--- stdout` and `--- stderr` with what each stream
/// printed); `None` if it is not laid out so.
pub fn of_raw(raw: &str, fixture_file: &str) -> Option<String> {
    let (head, rest) = raw.split_once("--- stdout\n")?;
    let (out, err) = rest.split_once("--- stderr\n")?;
    Some(format!(
        "{head}--- stdout\n{}--- stderr\n{}",
        shape_stream(out, fixture_file),
        shape_stream(err, fixture_file)
    ))
}

/// The shape of one output stream. A stream that does not end in a newline
/// gets a `[no newline at end]` line, so that `print` without one shows.
pub fn shape_stream(text: &str, fixture_file: &str) -> String {
    let mut out = String::new();
    let mut after_frame = false;
    let mut in_registers = false;
    for line in text.lines() {
        let was_frame = std::mem::take(&mut after_frame);
        if REGISTER.is_match(line) {
            if !in_registers {
                out.push_str("[registers]\n");
            }
            in_registers = true;
            continue;
        }
        in_registers = false;
        if was_frame && ARGS.is_match(line) {
            continue;
        }
        if let Some(c) = FRAME.captures(line) {
            after_frame = true;
            let file = &c["file"];
            let base = file.rsplit('/').next().unwrap_or(file);
            out.push_str(&c["func"]);
            if base == fixture_file {
                out.push_str(&format!(" {base}:{}", &c["line"]));
            }
            out.push('\n');
            continue;
        }
        // A SIGFPE's fault address is the pc itself: it goes as the pc does.
        let signal = SIGNAL
            .captures(line)
            .filter(|c| c["addr"] == c["pc"])
            .map(|c| line.replacen(&format!("addr={}", &c["addr"]), "addr=pc", 1));
        let line = signal.as_deref().unwrap_or(line);
        let line = PC.replace_all(line, "${1}=_");
        out.push_str(&strip_fixture_dirs(&line, fixture_file));
        out.push('\n');
    }
    if !text.is_empty() && !text.ends_with('\n') {
        out.push_str("[no newline at end]\n");
    }
    out
}

/// A goroutine's header in a dump: `goroutine 12 [4]:` (the number in
/// brackets is the 2011 runtime's g->status).
static GOROUTINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^goroutine (?P<id>\d+) \[(?P<status>[^\]]*)\]:$").unwrap());

/// One goroutine of a dump in a shape: its header's figures and its stack.
struct Goroutine<'a> {
    id: u64,
    status: &'a str,
    stack: Vec<&'a str>,
}

/// A shape with the goroutines whose stacks have the same shape (and the
/// same status) grouped into one bucket, as panicparse groups them: the
/// bucket stands where its first goroutine stood, headed `N goroutines
/// [S]: IDS` (ascending, runs as `3-143`), and its stack is printed once.
/// A goroutine alone keeps its own header. What is lost is only the order
/// of a bucket's members (see [`crate::diff::shapes`]).
pub fn buckets(shape: &str) -> String {
    enum Item<'a> {
        Line(&'a str),
        Goroutine(Goroutine<'a>),
    }
    let mut items = Vec::new();
    let mut lines = shape.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(c) = GOROUTINE.captures(line) else {
            items.push(Item::Line(line));
            continue;
        };
        let mut stack = Vec::new();
        // A stack runs to the blank line after it, or to whatever follows
        // that is not a frame: the next header, the register dump, a stream.
        while let Some(&next) = lines.peek() {
            if next.is_empty()
                || GOROUTINE.is_match(next)
                || next == "[registers]"
                || next.starts_with("--- std")
            {
                break;
            }
            stack.push(next);
            lines.next();
        }
        items.push(Item::Goroutine(Goroutine {
            id: c["id"].parse().unwrap_or(0),
            status: c.name("status").map_or("", |m| m.as_str()),
            stack,
        }));
    }
    let same = |a: &Goroutine, b: &Goroutine| a.status == b.status && a.stack == b.stack;
    let mut out = String::with_capacity(shape.len());
    let mut skip_blank = false;
    for (i, item) in items.iter().enumerate() {
        match item {
            Item::Line(line) => {
                if !(std::mem::take(&mut skip_blank) && line.is_empty()) {
                    out.push_str(line);
                    out.push('\n');
                }
            }
            Item::Goroutine(g) => {
                let earlier = items[..i]
                    .iter()
                    .any(|e| matches!(e, Item::Goroutine(e) if same(e, g)));
                if earlier {
                    // Its bucket is already printed, and so is a blank line
                    // to part it from the next: drop this one's own.
                    if matches!(items.get(i + 1), Some(Item::Line(""))) {
                        skip_blank = true;
                    } else if out.ends_with("\n\n") {
                        out.pop();
                    }
                    continue;
                }
                let mut ids: Vec<u64> = items[i..]
                    .iter()
                    .filter_map(|e| match e {
                        Item::Goroutine(e) if same(e, g) => Some(e.id),
                        _ => None,
                    })
                    .collect();
                if ids.len() == 1 {
                    out.push_str(&format!("goroutine {} [{}]:\n", g.id, g.status));
                } else {
                    ids.sort_unstable();
                    out.push_str(&format!(
                        "{} goroutines [{}]: {}\n",
                        ids.len(),
                        g.status,
                        id_ranges(&ids)
                    ));
                }
                for line in &g.stack {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// `2, 3, 4, 7` -> `2-4, 7`.
fn id_ranges(ids: &[u64]) -> String {
    let mut runs: Vec<(u64, u64)> = Vec::new();
    for &id in ids {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == id => *end = id,
            _ => runs.push((id, id)),
        }
    }
    runs.iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `/tmp/harness-x1/sieve.go:3: ...` -> `sieve.go:3: ...`.
fn strip_fixture_dirs(line: &str, fixture_file: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for (i, word) in line.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        match word.find(&format!("/{fixture_file}")) {
            Some(at) if !word[..at].contains(':') => out.push_str(&word[at + 1..]),
            _ => out.push_str(word),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::Ending;

    /// Excerpts of real recordings (snapshots/pre-1547/*.raw), one of each
    /// kind: SIGQUIT across a segment boundary, a panic, a throw.
    #[test]
    fn real_sigquit_across_segments() {
        let raw = "SIGQUIT: quit
PC=0x40cca6

runtime.futex+0x23 $GOROOT/src/pkg/runtime/linux/amd64/sys.s:139
\truntime.futex()
futexsleep+0x50 $GOROOT/src/pkg/runtime/linux/thread.c:51
\tfutexsleep(0x429cd0, 0x300000003, 0x100020000, 0x40d071)
runtime.lessstack+0x22 $GOROOT/src/pkg/runtime/amd64/asm.s:224
\truntime.lessstack()
----- lessstack called from goroutine 2 -----
runtime.lock+0x56 $GOROOT/src/pkg/runtime/linux/thread.c:158
\truntime.lock(0x429cd0, 0xf840013370)
main.descend+0x5a $WORK/hang1547g.go:23
\tmain.descend(0x8d00000000, 0xf84000b060, 0x400c70, 0x8d00000001)

goroutine 5 [1]:
main.leaf $WORK/hang1547g.go:15
\tmain.leaf()
runtime.goexit $GOROOT/src/pkg/runtime/proc.c:150
\truntime.goexit()
rax     0xfffffffffffffffc
rbx     0x429cd0
gs      0x0
";
        assert_eq!(
            shape_stream(raw, "hang1547g.go"),
            "SIGQUIT: quit
PC=_

runtime.futex
futexsleep
runtime.lessstack
----- lessstack called from goroutine 2 -----
runtime.lock
main.descend hang1547g.go:23

goroutine 5 [1]:
main.leaf hang1547g.go:15
runtime.goexit
[registers]
"
        );
    }

    #[test]
    fn real_panic_and_throw() {
        let panic = "panic: worker failed at depth 3

runtime.panic+0xac $GOROOT/src/pkg/runtime/proc.c:1026
\truntime.panic(0x410e70, 0xf8400011f0)
main.level+0x53 $WORK/gopanic.go:16
\tmain.level(0x300000003, 0x0, 0x409f69, 0xf84000d028)
";
        assert_eq!(
            shape_stream(panic, "gopanic.go"),
            "panic: worker failed at depth 3\n\nruntime.panic\nmain.level gopanic.go:16\n"
        );
        let throw = "throw: all goroutines are asleep - deadlock!

runtime.throw+0x40 $GOROOT/src/pkg/runtime/runtime.c:104
\truntime.throw(0x428eec, 0x7fff28dee4d8)
nextgandunlock+0x1b9 $GOROOT/src/pkg/runtime/proc.c:334
\tnextgandunlock()
";
        assert_eq!(
            shape_stream(throw, "deadlock.go"),
            "throw: all goroutines are asleep - deadlock!\n\nruntime.throw\nnextgandunlock\n"
        );
    }

    /// Real signal panics (pre-1547): a SIGFPE's addr is its pc, a
    /// SIGSEGV's the address the load touched, which stays.
    #[test]
    fn a_signals_record_keeps_its_fault_address_unless_it_is_the_pc() {
        let fpe = "panic: runtime error: integer divide by zero

[signal 0x8 code=0x1 addr=0x400c1c pc=0x400c1c]

runtime.sigpanic+0x134 $GOROOT/src/pkg/runtime/linux/thread.c:297
\truntime.sigpanic()
main.div+0x1c $WORK/div.go:4
\tmain.div(0x1, 0x3, 0x401676, 0x407a2f)
";
        assert_eq!(
            shape_stream(fpe, "div.go"),
            "panic: runtime error: integer divide by zero\n\n\
             [signal 0x8 code=0x1 addr=pc pc=_]\n\nruntime.sigpanic\nmain.div div.go:4\n"
        );
        let segv = "[signal 0xb code=0x1 addr=0x4 pc=0x400c18]\n";
        assert_eq!(
            shape_stream(segv, "nilp.go"),
            "[signal 0xb code=0x1 addr=0x4 pc=_]\n"
        );
    }

    #[test]
    fn frames_lose_offsets_arguments_and_runtime_paths() {
        let raw = "\
runtime.lock+0x56 /home/rsc/g/go/src/pkg/runtime/linux/thread.c:158
\truntime.lock(0x5b0188, 0x40a5e2)
main.spawn+0x3d /tmp/harness-abc/hang.go:21
\tmain.spawn(0x1000, 0x40add9, ...)
----- lessstack called from goroutine 2 -----
goroutine 1 [4]:
";
        assert_eq!(
            shape_stream(raw, "hang.go"),
            "\
runtime.lock
main.spawn hang.go:21
----- lessstack called from goroutine 2 -----
goroutine 1 [4]:
"
        );
    }

    #[test]
    fn program_lines_stay_and_registers_collapse() {
        let raw =
            "x 1\nSIGQUIT: quit\nPC=0x40a5e2\n\nrax     0x0\nrbx     0x5b0188\nrflags  0x246\nend";
        assert_eq!(
            shape_stream(raw, "f.go"),
            "x 1\nSIGQUIT: quit\nPC=_\n\n[registers]\nend\n[no newline at end]\n"
        );
    }

    #[test]
    fn an_argument_line_only_goes_when_it_follows_a_frame() {
        assert_eq!(shape_stream("\tf(1)\n", "f.go"), "\tf(1)\n");
    }

    #[test]
    fn compile_errors_name_the_fixture_by_base_name() {
        let record = RunRecord {
            stdout: Vec::new(),
            stderr: b"/tmp/harness-Zx1/bad.go:3: syntax error near x\n".to_vec(),
            ending: Ending::BuildFailed {
                tool: "6g",
                code: 1,
            },
            work_dir: "/tmp/harness-Zx1".into(),
        };
        assert_eq!(
            shape(&record, "bad.go"),
            "ended: 6g failed with exit 1\n--- stdout\n--- stderr\nbad.go:3: syntax error near x\n"
        );
    }

    #[test]
    fn goroutines_with_one_stack_shape_share_a_bucket_in_place_of_the_first() {
        let shape =
            "ended: hung; after SIGQUIT: exit 2\n--- stdout\n--- stderr\nSIGQUIT: quit\nPC=_\n\n\
goroutine 5 [4]:\nmain.worker w.go:9\nruntime.goexit\n\n\
goroutine 4 [1]:\nmain.leaf w.go:15\nruntime.goexit\n\n\
goroutine 3 [4]:\nmain.worker w.go:9\nruntime.goexit\n\n\
goroutine 2 [4]:\nmain.worker w.go:9\nruntime.goexit\n\n\
goroutine 1 [4]:\nmain.main w.go:20\nruntime.goexit\n[registers]\n";
        assert_eq!(
            buckets(shape),
            "ended: hung; after SIGQUIT: exit 2\n--- stdout\n--- stderr\nSIGQUIT: quit\nPC=_\n\n\
3 goroutines [4]: 2-3, 5\nmain.worker w.go:9\nruntime.goexit\n\n\
goroutine 4 [1]:\nmain.leaf w.go:15\nruntime.goexit\n\n\
goroutine 1 [4]:\nmain.main w.go:20\nruntime.goexit\n[registers]\n"
        );
        // Without two of a kind nothing changes; the status is part of the kind.
        let plain = "goroutine 2 [4]:\nmain.f\n\ngoroutine 1 [1]:\nmain.f\n";
        assert_eq!(buckets(plain), plain);
        assert_eq!(id_ranges(&[1, 2, 3, 7, 9, 10]), "1-3, 7, 9-10");
    }

    #[test]
    fn a_diff_of_buckets_falls_back_to_the_plain_lists_when_only_the_order_differs() {
        const STYLE: crate::diff::Style = crate::diff::Style {
            color: false,
            buckets: true,
        };
        let a =
            "goroutine 2 [4]:\nmain.f\n\ngoroutine 3 [1]:\nmain.g\n\ngoroutine 4 [4]:\nmain.f\n";
        let b =
            "goroutine 2 [4]:\nmain.f\n\ngoroutine 4 [4]:\nmain.f\n\ngoroutine 3 [1]:\nmain.g\n";
        assert_eq!(buckets(a), buckets(b));
        let d = crate::diff::shapes(a, b, ("a", "b"), STYLE).unwrap();
        assert!(
            !d.contains("goroutines") && d.contains("+goroutine 4 [4]:"),
            "{d}"
        );
        let c = a.replace("main.g", "main.h");
        let d = crate::diff::shapes(a, &c, ("a", "b"), STYLE).unwrap();
        // Goroutine 4 is folded into goroutine 2's bucket.
        assert!(!d.contains("goroutine 4") && d.contains("+main.h"), "{d}");
    }
}
