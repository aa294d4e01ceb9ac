//! What 6g and 6l made of a program's own functions: the figures the twin
//! runs it with. Either measured from its real binary
//! (scripts/measure-frames) or predicted from its source (gc::predict),
//! in the same form. Measured, they are: each function's frame and
//! argument sizes (`harness/snapshots/frames/<toolchain>/<fixture>.tsv`) and each
//! call site's return offset and printed lines (`<fixture>.calls.tsv`),
//! and where 6l put every function of the binary (`<fixture>.text.tsv`)
//! and the data the twin names (`<fixture>.data.tsv`).
//! The twin runs a fixture with these figures; gc::layout computes them
//! from the source, and `harness diff` notes where the two differ.

use std::collections::HashMap;

use crate::tsv::{columns, rows};

/// A function's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameRow {
    pub frame: u32,
    pub args: u32,
    /// The symtab's count of argument words, which tracebacks print
    /// (for closures it is not the argument size's).
    pub argwords: Option<u32>,
}

/// A call site: where the call returns and the lines tracebacks print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRow {
    pub ret_off: u32,
    pub callee: String,
    pub file: String,
    pub line: u32,
    pub top_line: u32,
    /// The line 6g gave the CALL, by which the twin's code names the
    /// site. Measured rows know only the printed line and take it; the
    /// two differ where symtab.c hands a function another's lines
    /// (gc::pcln).
    pub site_line: u32,
}

/// Where a program's figures come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Origin {
    /// Read off the program's own binary, built by the real toolchain.
    #[default]
    Measured,
    /// Derived from its source by gc::predict.
    Predicted,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Origin::Measured => "measured",
            Origin::Predicted => "predicted",
        })
    }
}

/// A program's figures: its functions' frames, call sites, text and data.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub origin: Origin,
    pub frames: HashMap<String, FrameRow>,
    /// By caller, in code order; offset 0 rows carry the entry line.
    pub calls: HashMap<String, Vec<CallRow>>,
    /// Every function of the binary and its entry address (empty when no
    /// text table was read: the twin then lays text out itself).
    pub text: Vec<(String, u64)>,
    /// The addresses of the data the twin names: locks, g0, types.
    pub data: Vec<(String, u64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{table}:{line}: {message}")]
pub struct TableError {
    pub table: String,
    pub line: usize,
    pub message: String,
}

impl Figures {
    /// Add the text table's entries (`table` names it in errors).
    pub fn with_text(mut self, table: &str, text: &str) -> Result<Figures, TableError> {
        self.text = addresses(&format!("{table}.text.tsv"), text)?;
        Ok(self)
    }

    /// Add the data table's addresses (`table` names it in errors).
    pub fn with_data(mut self, table: &str, text: &str) -> Result<Figures, TableError> {
        self.data = addresses(&format!("{table}.data.tsv"), text)?;
        Ok(self)
    }

    /// Read the two tables' text (`table` names them in errors).
    pub fn parse(table: &str, frames: &str, calls: &str) -> Result<Figures, TableError> {
        let mut m = Figures::default();
        for (i, row) in rows(frames) {
            let bad = |message: String| TableError {
                table: format!("{table}.tsv"),
                line: i,
                message,
            };
            let [name, _check, _morestack, args, frame, argwords] =
                columns(row).map_err(|n| bad(format!("expected 6 columns, found {n}")))?;
            let num = |s: &str| {
                s.parse::<u32>()
                    .map_err(|_| bad(format!("'{s}' is not a number")))
            };
            m.frames.insert(
                name.to_string(),
                FrameRow {
                    frame: num(frame)?,
                    args: if args == "-" { 0 } else { num(args)? },
                    argwords: if argwords == "-" {
                        None
                    } else {
                        Some(num(argwords)?)
                    },
                },
            );
        }
        for (i, row) in rows(calls) {
            let bad = |message: String| TableError {
                table: format!("{table}.calls.tsv"),
                line: i,
                message,
            };
            let [caller, off, callee, file, line, top] =
                columns(row).map_err(|n| bad(format!("expected 6 columns, found {n}")))?;
            let num = |s: &str| {
                s.parse::<u32>()
                    .map_err(|_| bad(format!("'{s}' is not a number")))
            };
            m.calls
                .entry(caller.to_string())
                .or_default()
                .push(CallRow {
                    ret_off: num(off)?,
                    callee: callee.to_string(),
                    file: file.to_string(),
                    line: num(line)?,
                    top_line: num(top)?,
                    site_line: num(line)?,
                });
        }
        Ok(m)
    }

    /// The last call from `caller` to `callee` (deferreturn: 6g emits one
    /// at the function's end, which its returns jump to).
    pub fn last_call(&self, caller: &str, callee: &str) -> Option<&CallRow> {
        self.calls
            .get(caller)?
            .iter()
            .rfind(|c| c.ret_off != 0 && c.callee == callee)
    }

    /// The call from `caller` to `callee` on source line `line`: the
    /// `nth` such call (a line may hold several, e.g. println's pieces).
    /// A measured row has only the line the runtime prints, which for a
    /// function symtab.c hands another's lines is not the source's
    /// (closuretrace.go's `_func_001`); then the caller's only call to
    /// `callee`, if it has just one, is the one.
    pub fn call(&self, caller: &str, callee: &str, line: u32, nth: usize) -> Option<&CallRow> {
        let calls = self.calls.get(caller)?;
        let to = || {
            calls
                .iter()
                .filter(|c| c.ret_off != 0 && c.callee == callee)
        };
        to().filter(|c| c.site_line == line).nth(nth).or_else(|| {
            let mut all = to();
            let only = all.next()?;
            all.next().is_none().then_some(only)
        })
    }
}

/// A table of names and hex addresses.
fn addresses(table: &str, text: &str) -> Result<Vec<(String, u64)>, TableError> {
    let mut out = Vec::new();
    for (i, row) in rows(text) {
        let bad = |message: String| TableError {
            table: table.to_string(),
            line: i,
            message,
        };
        let [name, addr] =
            columns(row).map_err(|n| bad(format!("expected 2 columns, found {n}")))?;
        let addr = addr
            .strip_prefix("0x")
            .and_then(|h| u64::from_str_radix(h, 16).ok())
            .ok_or_else(|| bad(format!("'{addr}' is not an address")))?;
        out.push((name.to_string(), addr));
    }
    Ok(out)
}
