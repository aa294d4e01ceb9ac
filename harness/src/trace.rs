//! A pasted 2011 trace, as a bug report holds one: a SIGQUIT dump or a
//! panic's traceback, read line by line.
//!
//! Each line is a frame (`func+0xOFF /any/path/file.c:LINE`, the offset
//! optional), the argument line under it (`func(0x1, ...)`), a segment
//! marker (`----- lessstack called from goroutine N -----`), a goroutine
//! header (`goroutine N [S]:`), an elision (`...`), the runtime's own lines
//! (`SIGQUIT: quit`, `PC=0x...`, `panic: ...`, `throw: ...`), or blank.
//! Whitespace a paste adds (a commit message's indent, tabs turned to
//! spaces) does not count, and paths may be another machine's: a frame
//! keeps its file's base name. Prose before the first frame and after the
//! last is left out; anything else between them is an error naming its
//! line.

use std::fmt;

/// One frame of a trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub func: String,
    /// The pc offset into the function (`+0x56`), if printed.
    pub offset: Option<u64>,
    /// The file's base name (`thread.c`).
    pub file: String,
    pub line: u32,
    /// The argument words printed under it (`...` for more left out).
    pub args: Vec<String>,
}

/// One line of a trace that matters to its shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Frame(Frame),
    /// `----- lessstack called from goroutine N -----` and the other
    /// segment markers, as printed.
    Marker(String),
    /// `goroutine N [S]:`.
    Goroutine {
        id: u32,
        status: String,
    },
    /// `...`: frames left out.
    Elided,
    /// `SIGQUIT: quit`, `panic: ...`, `throw: ...`.
    Message(String),
}

/// A parsed trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    pub items: Vec<Item>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TraceError {
    #[error("{name}:{line}: not a line of a 2011 trace: '{text}'")]
    Unknown {
        name: String,
        line: usize,
        text: String,
    },
    #[error("{name}: no traceback frame in it")]
    Empty { name: String },
}

/// What one line is.
enum Line {
    Item(Item),
    /// An argument line: the words.
    Args(Vec<String>),
    /// Blank, or `PC=`, or a register: nothing of the shape.
    Skip,
    Unknown,
}

fn classify(line: &str) -> Line {
    let t = line.trim();
    if t.is_empty() || t.starts_with("PC=") || is_register(t) {
        return Line::Skip;
    }
    if t == "..." {
        return Line::Item(Item::Elided);
    }
    if t.starts_with("-----") && t.ends_with("-----") {
        return Line::Item(Item::Marker(t.to_string()));
    }
    if let Some(rest) = t.strip_prefix("goroutine ") {
        if let Some((id, status)) = rest.strip_suffix("]:").and_then(|r| r.split_once(" [")) {
            if let Ok(id) = id.parse() {
                return Line::Item(Item::Goroutine {
                    id,
                    status: status.to_string(),
                });
            }
        }
    }
    if t.starts_with("SIGQUIT: ")
        || t.starts_with("panic: ")
        || t.starts_with("throw: ")
        || t.starts_with("[signal ")
        || t.starts_with("unexpected fault address ")
        || t == "panic during panic"
    {
        return Line::Item(Item::Message(t.to_string()));
    }
    if let Some(frame) = frame(t) {
        return Line::Item(Item::Frame(frame));
    }
    if let Some(args) = args(t) {
        return Line::Args(args);
    }
    Line::Unknown
}

/// `runtime.lock+0x56 /home/rsc/g/go/src/pkg/runtime/linux/thread.c:158`.
fn frame(t: &str) -> Option<Frame> {
    let (head, at) = t.split_once(' ')?;
    let (path, line) = at.trim().rsplit_once(':')?;
    let line = line.parse().ok()?;
    let file = path.rsplit('/').next()?.to_string();
    if file.is_empty() || !file.contains('.') || head.contains('(') {
        return None;
    }
    let (func, offset) = match head.split_once("+0x") {
        Some((f, off)) => (f, Some(u64::from_str_radix(off, 16).ok()?)),
        None => (head, None),
    };
    Some(Frame {
        func: func.to_string(),
        offset,
        file,
        line,
        args: Vec::new(),
    })
}

/// `runtime.lock(0x5b0188, 0x7f0d27b4a000)`: the words.
fn args(t: &str) -> Option<Vec<String>> {
    let (func, rest) = t.split_once('(')?;
    let inner = rest.strip_suffix(')')?;
    if func.is_empty() || func.contains(' ') {
        return None;
    }
    Some(
        inner
            .split(',')
            .map(|w| w.trim().to_string())
            .filter(|w| !w.is_empty())
            .collect(),
    )
}

/// A line of runtime·dumpregs (`rax     0x0`).
fn is_register(t: &str) -> bool {
    let mut words = t.split_whitespace();
    let (Some(reg), Some(val), None) = (words.next(), words.next(), words.next()) else {
        return false;
    };
    const REGS: [&str; 21] = [
        "rax", "rbx", "rcx", "rdx", "rdi", "rsi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12",
        "r13", "r14", "r15", "rip", "rflags", "cs", "fs", "gs",
    ];
    REGS.contains(&reg) && val.starts_with("0x")
}

/// Parse a trace; `name` names it in errors (a file, or `stdin`).
pub fn parse(name: &str, text: &str) -> Result<Trace, TraceError> {
    let lines: Vec<(usize, Line)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, classify(l)))
        .collect();
    let is_frame = |l: &Line| matches!(l, Line::Item(Item::Frame(_)));
    let first = lines
        .iter()
        .position(|(_, l)| is_frame(l))
        .ok_or(TraceError::Empty {
            name: name.to_string(),
        })?;
    let last = lines
        .iter()
        .rposition(|(_, l)| is_frame(l))
        .expect("one exists");
    // What precedes the first frame and belongs to the trace (a message, a
    // goroutine header), and the argument lines and elisions after the last.
    let start = lines[..first]
        .iter()
        .rposition(|(_, l)| matches!(l, Line::Unknown))
        .map_or(0, |i| i + 1);
    let end = lines[last + 1..]
        .iter()
        .position(|(_, l)| !matches!(l, Line::Args(_) | Line::Item(Item::Elided) | Line::Skip))
        .map_or(lines.len(), |i| last + 1 + i);
    let mut items: Vec<Item> = Vec::new();
    for (n, line) in lines.into_iter().take(end).skip(start) {
        match line {
            Line::Item(item) => items.push(item),
            Line::Args(words) => {
                if let Some(Item::Frame(f)) = items.last_mut() {
                    f.args = words;
                }
            }
            Line::Skip => {}
            Line::Unknown => {
                return Err(TraceError::Unknown {
                    name: name.to_string(),
                    line: n,
                    text: text.lines().nth(n - 1).unwrap_or("").trim().to_string(),
                })
            }
        }
    }
    Ok(Trace { items })
}

impl Trace {
    /// The frames' functions and the markers, in order: what a twin's run
    /// must print for the trace to be its.
    pub fn spine(&self) -> Vec<String> {
        self.items
            .iter()
            .filter_map(|i| match i {
                Item::Frame(f) => Some(f.func.clone()),
                Item::Marker(m) => Some(m.clone()),
                _ => None,
            })
            .collect()
    }
}

impl fmt::Display for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.func)?;
        if let Some(off) = self.offset {
            write!(f, "+{off:#x}")?;
        }
        write!(f, " {}:{}", self.file, self.line)
    }
}

/// The seed commit's message as `git show` prints it: the trace, with
/// prose around it.
#[cfg(test)]
pub(crate) const SEED: &str = include_str!("../tests/data/seed-commit-message.txt");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeds_trace_reads_as_its_frames_and_marker() {
        let t = parse("seed", SEED).unwrap();
        assert_eq!(
            t.spine(),
            [
                "runtime.futex",
                "futexsleep",
                "futexlock",
                "runtime.lock",
                "runtime.stackfree",
                "runtime.oldstack",
                "runtime.lessstack",
                "----- lessstack called from goroutine 2 -----",
                "runtime.lock",
                "runtime.stackalloc",
                "runtime.malg",
                "runtime.newproc1",
                "runtime.newproc",
            ]
        );
        assert_eq!(t.items.last(), Some(&Item::Elided));
        let Item::Frame(lock) = &t.items[3] else {
            panic!("{:?}", t.items[3])
        };
        assert_eq!(lock.to_string(), "runtime.lock+0x56 thread.c:158");
        assert_eq!(lock.args, ["0x5b0188", "0x7f0d27b4a000"]);
        let Item::Frame(newproc) = &t.items[12] else {
            panic!("{:?}", t.items)
        };
        assert_eq!(
            newproc.args,
            ["0x0", "0xf840027440", "0xf800000010", "0x44b059"]
        );
        // Tabs for spaces, no indent: the same.
        let flat: String = SEED.lines().map(|l| format!("{}\n", l.trim())).collect();
        assert_eq!(parse("seed", &flat).unwrap(), t);
    }

    #[test]
    fn a_line_that_is_not_a_trace_names_itself() {
        let text = "runtime.lock+0x56 /x/thread.c:158\nwhat is this\nruntime.malg /x/proc.c:803\n";
        assert_eq!(
            parse("paste.txt", text).unwrap_err().to_string(),
            "paste.txt:2: not a line of a 2011 trace: 'what is this'"
        );
        assert_eq!(
            parse("stdin", "no trace here\n").unwrap_err().to_string(),
            "stdin: no traceback frame in it"
        );
    }
}
