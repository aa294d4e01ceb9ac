//! amd64/closure.c: runtime·closure, which turns a function literal into
//! a function value by writing a trampoline into memory from mal, and what
//! running a trampoline does to the stack.
//!
//! 6g compiles a literal `func(xxx) yyy` into `main._func_NNN(&v1, &v2,
//! callerpc uintptr, xxx) yyy` (closure.c's walkclosure): the captured
//! variables' addresses, a slot where the caller's return address sits,
//! then the declared arguments; every literal goes through runtime·closure,
//! even one that captures nothing. The trampoline is
//!
//! ```text
//! SUBQ $siz, SP; MOVQ $q, SI; MOVQ SP, DI; MOVSQ...  (siz > 0 only)
//! MOVQ $fn, CX; CALL *CX
//! ADDQ $siz, SP; RET
//! ```
//!
//! so the function runs `siz + 8` bytes below where a direct call would
//! put it, with the return address into the trampoline, and no split check
//! of its own in between. gentraceback recognises the ADDQ at a return
//! address, and isclosureentry a trampoline a new G has not started yet.

use crate::proc::Runtime;
use crate::symtab::FuncId;
use crate::{Addr, Stop};

/// A trampoline runtime·closure wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trampoline {
    /// The `_func_NNN` it calls.
    pub func: FuncId,
    /// The captured variables' addresses it copies below the caller's
    /// return address (siz = 8 each).
    pub captured: Vec<u64>,
}

impl Trampoline {
    fn siz(&self) -> u64 {
        8 * self.captured.len() as u64
    }

    /// Bytes of code before the ADDQ: the return address of its CALL.
    /// (The heap lies more than 2 GB from the text, so the call is always
    /// the 12-byte MOVQ $fn, CX; CALL *CX.)
    fn call_end(&self) -> u64 {
        let siz = self.siz();
        let copy = match siz {
            0 => 0,
            s if s <= 32 => 7 + 10 + 3 + 2 * s / 8,
            _ => 7 + 10 + 3 + 7 + 3,
        };
        copy + 12
    }

    /// What runtime·closure asks mal for: the worst-case code, then the
    /// captured words, rounded up to 8.
    fn size(&self) -> u32 {
        let siz = self.siz() as u32;
        let mut n = 7 + 10 + 3;
        n += if siz <= 32 { 2 * siz / 8 } else { 7 + 3 };
        n += 12 + 7 + 1 + siz;
        n.next_multiple_of(8)
    }
}

impl Runtime {
    /// runtime·closure(siz, fn, arg0...) from Go code at `ret`: mal the
    /// trampoline and write it. Returns its address, the function value.
    pub fn closure(&mut self, ret: Addr, func: FuncId, captured: &[u64]) -> Result<Addr, Stop> {
        let f = self.rf.closure;
        let t = Trampoline {
            func,
            captured: captured.to_vec(),
        };
        let mut args = vec![t.siz(), self.tab.entry(func)];
        args.extend_from_slice(captured);
        self.call_at(ret, f, &args)?;
        if t.siz() > 100 {
            return self.throw(f, "closure too big");
        }
        let p = self.mal(f, t.size())?;
        // mcpy(q, &arg0, siz): the captured words to the code's tail.
        let siz = t.siz();
        if siz > 0 {
            let m = self.rf.mcpy;
            let q = p + u64::from(t.size()) - siz;
            self.call_leaf(f, m, &[q, self.argp(f) + 16, siz])?;
        }
        self.closures.insert(p, t);
        self.leave(f)?;
        Ok(p)
    }

    /// The function the code at `pc` runs: a function's entry, or a
    /// trampoline's callee (isclosureentry).
    pub fn func_of_value(&self, pc: Addr) -> Option<FuncId> {
        match self.closures.get(&pc) {
            Some(t) => Some(t.func),
            None => self.tab.findfunc(pc),
        }
    }

    /// Jump to code at `pc` with the return address already pushed: a
    /// function's prologue, or a trampoline's body, which moves SP, copies
    /// the captured words and calls its function. Returns the function
    /// entered.
    pub(crate) fn enter(&mut self, pc: Addr) -> Result<FuncId, Stop> {
        let Some(t) = self.closures.get(&pc) else {
            let f = self.tab.findfunc(pc).expect("code at a known address");
            self.prologue(f)?;
            return Ok(f);
        };
        let (func, ret) = (t.func, pc + t.call_end());
        self.sp -= t.siz();
        for (i, w) in t.captured.clone().into_iter().enumerate() {
            self.mem.write(self.sp + 8 * i as u64, w);
        }
        self.push(ret);
        self.prologue(func)?;
        Ok(func)
    }

    /// CALL a function value `pc` from Go code: the arguments at 0(SP),
    /// the return address `ret` below them, then the code. Returns the
    /// function entered.
    pub fn call_value(&mut self, ret: Addr, pc: Addr, args: &[u64]) -> Result<FuncId, Stop> {
        for (i, a) in args.iter().enumerate() {
            self.mem.write(self.sp + 8 * i as u64, *a);
        }
        self.push(ret);
        self.enter(pc)
    }

    /// The trampoline whose CALL returns to `pc`, as gentraceback finds
    /// it from the ADDQ $siz, SP; RET there: its siz.
    pub(crate) fn trampoline_return(&self, pc: Addr) -> Option<u64> {
        let (&entry, t) = self.closures.range(..=pc).next_back()?;
        (entry + t.call_end() == pc).then(|| t.siz())
    }

    /// A return to `ret`: inside a trampoline, its ADDQ and RET follow,
    /// to the address below the captured words (through lessstack, if that
    /// is what is there). Returns where execution goes on.
    pub(crate) fn through_trampoline(&mut self, ret: Addr) -> Result<Addr, Stop> {
        match self.trampoline_return(ret) {
            Some(siz) => {
                self.sp += siz;
                self.ret()
            }
            None => Ok(ret),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(n: usize) -> Trampoline {
        Trampoline {
            func: FuncId(0),
            captured: vec![0; n],
        }
    }

    #[test]
    fn sizes_follow_closure_c() {
        // n = 7+10+3 + 2*siz/8 (siz <= 32) or 7+3, + 12 + 7+1 + siz, to 8.
        assert_eq!(t(0).size(), 40);
        assert_eq!(t(1).size(), 56);
        assert_eq!(t(2).size(), 64);
        assert_eq!(t(5).size(), 96);
        assert_eq!(t(0).call_end(), 12);
        assert_eq!(t(1).call_end(), 34);
    }
}
