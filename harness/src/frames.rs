//! Frame and argument sizes read off a binary that 6l linked.
//!
//! 6l (src/cmd/6l/pass.c, dostkoff) starts every function that is not
//! NOSPLIT with the stack-split check, and the check carries the sizes:
//!
//! ```text
//! MOVQ  %fs:-16, CX           64 48 8b 0c 25 f0 ff ff ff   g, from TLS
//! CMPQ  SP, 0(CX)             48 3b 21                     frame <= StackSmall
//!   or LEAQ -(frame-128)(SP), AX; CMPQ AX, 0(CX)           StackSmall < frame < StackBig
//! JHI   body                  77 xx                        (absent: frame >= StackBig)
//! MOVL  $c, AX | MOVQ $c, AX                               only for some variants
//! CALL  runtime.morestackNN   e8 rel32
//! SUBQ  $frame, SP            48 83 ec ib | 48 81 ec id    the body's frame
//! ```
//!
//! The morestack variant names the argument size (morestack8 .. morestack48)
//! or says where the constants are (morestack00/10/01/11: frame in AX's low
//! word, arguments in its high word). A NOSPLIT function has no check; its
//! frame is still its SUBQ.

use std::fmt;
use std::path::{Path, PathBuf};

use object::{Object, ObjectSection, ObjectSymbol, SymbolKind};

#[derive(Debug, thiserror::Error)]
pub enum FramesError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not an ELF binary 6l linked: {message}", path.display())]
    Format { path: PathBuf, message: String },
}

/// How a function's prologue checks the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// NOSPLIT: no check at all.
    None,
    /// `CMPQ SP, 0(CX)`: frame <= StackSmall.
    Small,
    /// `LEAQ -(frame-StackSmall)(SP), AX; CMPQ AX, 0(CX)`.
    Large,
    /// No comparison: frame >= StackBig always calls morestack.
    Huge,
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Check::None => "nosplit",
            Check::Small => "small",
            Check::Large => "large",
            Check::Huge => "huge",
        })
    }
}

/// What one function's prologue says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub name: String,
    pub entry: u64,
    pub check: Check,
    /// The morestack variant called, without `runtime.`.
    pub morestack: Option<String>,
    /// Argument size (arguments and results) as told to morestack.
    pub args: Option<u32>,
    /// The frame as the body allocates it (its SUBQ), 0 when none.
    pub frame: u32,
    /// For large checks, the frame the comparison assumes.
    pub checked_frame: Option<u32>,
}

/// Every text symbol of `path` with its decoded prologue, by address.
pub fn read(path: &Path) -> Result<Vec<Frame>, FramesError> {
    let data = std::fs::read(path).map_err(|source| FramesError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let format = |message: String| FramesError::Format {
        path: path.to_path_buf(),
        message,
    };
    let file = object::File::parse(&*data).map_err(|e| format(e.to_string()))?;
    let text = file
        .section_by_name(".text")
        .ok_or_else(|| format("no .text section".into()))?;
    let bytes = text.data().map_err(|e| format(e.to_string()))?;
    let base = text.address();
    let mut syms: Vec<(u64, String)> = file
        .symbols()
        .filter(|s| {
            s.kind() == SymbolKind::Text
                && s.address() >= base
                && s.address() < base + bytes.len() as u64
        })
        .filter_map(|s| Some((s.address(), s.name().ok()?.to_string())))
        .collect();
    if syms.is_empty() {
        return Err(format("no text symbols".into()));
    }
    syms.sort();
    syms.dedup_by_key(|(a, _)| *a);
    let name_at = |addr: u64| {
        syms.binary_search_by_key(&addr, |(a, _)| *a)
            .ok()
            .map(|i| syms[i].1.clone())
    };
    Ok(syms
        .iter()
        .enumerate()
        .map(|(i, (addr, name))| {
            let start = (addr - base) as usize;
            let end = syms
                .get(i + 1)
                .map_or(bytes.len(), |(a, _)| (a - base) as usize);
            decode(name, *addr, &bytes[start..end], &name_at)
        })
        .collect())
}

/// Decode one function's prologue from its bytes.
pub fn decode(
    name: &str,
    entry: u64,
    code: &[u8],
    name_at: &dyn Fn(u64) -> Option<String>,
) -> Frame {
    let mut f = Frame {
        name: name.to_string(),
        entry,
        check: Check::None,
        morestack: None,
        args: None,
        frame: 0,
        checked_frame: None,
    };
    let mut at = 0;
    let starts = |at: usize, pat: &[u8]| code.get(at..at + pat.len()) == Some(pat);
    if starts(0, &[0x64, 0x48, 0x8b, 0x0c, 0x25]) {
        at = 9;
        f.check = Check::Huge;
        if starts(at, &[0x48, 0x3b, 0x21]) {
            f.check = Check::Small;
            at += 3;
        } else if starts(at, &[0x48, 0x8d, 0x44, 0x24]) || starts(at, &[0x48, 0x8d, 0x84, 0x24]) {
            let (disp, len) = if code[at + 2] == 0x44 {
                (i64::from(code[at + 4] as i8), 5)
            } else {
                (i64::from(le_i32(&code[at + 4..])), 8)
            };
            at += len;
            if starts(at, &[0x48, 0x3b, 0x01]) {
                at += 3;
                f.check = Check::Large;
                f.checked_frame = u32::try_from(-disp + 128).ok();
            }
        }
        if f.check != Check::Huge && code.get(at) == Some(&0x77) {
            at += 2;
        }
        let mut constant: Option<u64> = None;
        if code.get(at) == Some(&0xb8) {
            constant = Some(u64::from(le_i32(&code[at + 1..]) as u32));
            at += 5;
        } else if starts(at, &[0x48, 0xb8]) {
            constant = Some(u64::from_le_bytes(
                code[at + 2..at + 10].try_into().expect("8 bytes"),
            ));
            at += 10;
        }
        if code.get(at) == Some(&0xe8) {
            let target = (entry as i64 + at as i64 + 5 + i64::from(le_i32(&code[at + 1..]))) as u64;
            at += 5;
            if let Some(ms) = name_at(target) {
                let short = ms.trim_start_matches("runtime.").to_string();
                f.args = morestack_args(&short, constant);
                f.morestack = Some(short);
            }
        }
    }
    if starts(at, &[0x48, 0x83, 0xec]) {
        f.frame = u32::from(code[at + 3]);
    } else if starts(at, &[0x48, 0x81, 0xec]) {
        f.frame = le_i32(&code[at + 3..]) as u32;
    }
    f
}

/// The argument size a morestack variant stands for.
fn morestack_args(variant: &str, constant: Option<u64>) -> Option<u32> {
    match variant {
        "morestack00" | "morestack10" => Some(0),
        "morestack01" => constant.map(|c| c as u32),
        "morestack11" => constant.map(|c| (c >> 32) as u32),
        v => v.strip_prefix("morestack")?.parse().ok(),
    }
}

fn le_i32(b: &[u8]) -> i32 {
    i32::from_le_bytes(b[..4].try_into().expect("4 bytes"))
}

/// The table as `harness frames` prints it: tab-separated, with a header.
pub fn render(frames: &[Frame]) -> String {
    let mut out = String::from("function\tentry\tcheck\tmorestack\targs\tframe\n");
    for f in frames {
        let opt = |v: &Option<u32>| v.map_or("-".to_string(), |n| n.to_string());
        out.push_str(&format!(
            "{}\t{:#x}\t{}\t{}\t{}\t{}\n",
            f.name,
            f.entry,
            f.check,
            f.morestack.as_deref().unwrap_or("-"),
            opt(&f.args),
            f.frame
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(addr: u64) -> Option<String> {
        match addr {
            0x401898 => Some("runtime.morestack8".into()),
            0x4018aa => Some("runtime.morestack24".into()),
            0x401000 => Some("runtime.morestack11".into()),
            _ => None,
        }
    }

    /// Bytes from the pre-1547 binary of go-fixtures/hang1547.go (objdump -d).
    #[test]
    fn real_small_prologues() {
        let descend = [
            0x64, 0x48, 0x8b, 0x0c, 0x25, 0xf0, 0xff, 0xff, 0xff, 0x48, 0x3b, 0x21, 0x77, 0x05,
            0xe8, 0x71, 0x0c, 0x00, 0x00, 0x48, 0x83, 0xec, 0x08,
        ];
        let f = decode("main.descend", 0x400c14, &descend, &names);
        assert_eq!(
            (f.check, f.morestack.as_deref(), f.args, f.frame),
            (Check::Small, Some("morestack8"), Some(8), 8)
        );
        let newproc1 = [
            0x64, 0x48, 0x8b, 0x0c, 0x25, 0xf0, 0xff, 0xff, 0xff, 0x48, 0x3b, 0x21, 0x77, 0x05,
            0xe8, 0xce, 0x8d, 0xff, 0xff, 0x48, 0x83, 0xec, 0x40,
        ];
        let f = decode("runtime.newproc1", 0x408ac9, &newproc1, &names);
        assert_eq!(
            (f.morestack.as_deref(), f.args, f.frame),
            (Some("morestack24"), Some(24), 0x40)
        );
        // runtime.newproc is NOSPLIT (#pragma textflag 7): straight to its SUBQ.
        let f = decode(
            "runtime.newproc",
            0x408a95,
            &[0x48, 0x83, 0xec, 0x30, 0x48],
            &names,
        );
        assert_eq!(
            (f.check, f.morestack, f.args, f.frame),
            (Check::None, None, None, 0x30)
        );
    }

    #[test]
    fn large_and_huge_prologues() {
        // LEAQ -0x100(SP), AX; CMPQ AX, 0(CX); JHI; MOVQ $(16<<32|0), AX; CALL morestack11; SUBQ $0x180, SP
        let mut code = vec![0x64, 0x48, 0x8b, 0x0c, 0x25, 0xf0, 0xff, 0xff, 0xff];
        code.extend([
            0x48, 0x8d, 0x84, 0x24, 0x00, 0xff, 0xff, 0xff, 0x48, 0x3b, 0x01, 0x77, 0x0f,
        ]);
        code.extend([0x48, 0xb8, 0, 0, 0, 0, 0x10, 0, 0, 0]);
        let at = code.len() as i64;
        let rel = (0x401000i64 - (0x500000 + at + 5)) as i32;
        code.push(0xe8);
        code.extend(rel.to_le_bytes());
        code.extend([0x48, 0x81, 0xec, 0x80, 0x01, 0, 0]);
        let f = decode("main.big", 0x500000, &code, &names);
        assert_eq!(f.check, Check::Large);
        assert_eq!(f.checked_frame, Some(0x180));
        assert_eq!(
            (f.morestack.as_deref(), f.args, f.frame),
            (Some("morestack11"), Some(16), 0x180)
        );
    }
}
