//! print.c: what println and print compile to. 6g turns each argument
//! into one call (printstring, printint, printbool, printpointer, ...;
//! printsp between println's arguments, printnl at its end), each a frame
//! of its own that may split.

use crate::proc::Runtime;
use crate::symtab::FuncId;
use crate::{Addr, Stop};

/// One argument of print or println, by the function 6g calls for it.
#[derive(Debug, Clone, PartialEq)]
pub enum PrintArg<'a> {
    Str(&'a str),
    Int(i64),
    Uint(u64),
    Bool(bool),
    /// Channels, pointers, funcs: printed in hex.
    Pointer(u64),
    Sp,
    Nl,
}

impl Runtime {
    /// runtime·printstring(s) from Go code, returning to `ret`.
    pub fn printstring(&mut self, ret: Addr, s: &str) -> Result<(), Stop> {
        self.print_arg(ret, &PrintArg::Str(s))
    }

    /// The print function for `arg`, called from Go code returning to `ret`.
    pub fn print_arg(&mut self, ret: Addr, arg: &PrintArg<'_>) -> Result<(), Stop> {
        let name = match arg {
            PrintArg::Str(_) => "runtime.printstring",
            PrintArg::Int(_) => "runtime.printint",
            PrintArg::Uint(_) => "runtime.printuint",
            PrintArg::Bool(_) => "runtime.printbool",
            PrintArg::Pointer(_) => "runtime.printpointer",
            PrintArg::Sp => "runtime.printsp",
            PrintArg::Nl => "runtime.printnl",
        };
        let f = self
            .tab
            .lookup(name)
            .expect("the print functions are in every table");
        let args: Vec<u64> = match arg {
            PrintArg::Str(s) => vec![0, s.len() as u64],
            PrintArg::Int(v) => vec![*v as u64],
            PrintArg::Uint(v) | PrintArg::Pointer(v) => vec![*v],
            PrintArg::Bool(b) => vec![u64::from(*b)],
            PrintArg::Sp | PrintArg::Nl => vec![],
        };
        self.call_at(ret, f, &args)?;
        match arg {
            PrintArg::Str(s) => self.print(s),
            PrintArg::Int(v) => {
                // printint prints the sign, then printuint the digits.
                if *v < 0 {
                    self.print("-");
                }
                self.printuint_from(f, v.unsigned_abs())?;
            }
            PrintArg::Uint(v) => self.print(&v.to_string()),
            PrintArg::Bool(b) => self.print(if *b { "true" } else { "false" }),
            PrintArg::Pointer(v) => self.print(&format!("{v:#x}")),
            PrintArg::Sp => self.print(" "),
            PrintArg::Nl => self.print("\n"),
        }
        self.leave(f)
    }

    fn printuint_from(&mut self, caller: FuncId, v: u64) -> Result<(), Stop> {
        let f = self
            .tab
            .lookup("runtime.printuint")
            .expect("in every table");
        self.call(caller, f, &[v])?;
        self.print(&v.to_string());
        self.leave(f)
    }
}
