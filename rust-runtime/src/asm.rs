//! amd64/asm.s, and the prologue 6l puts in every function: CALL and RET,
//! the stack-split check, morestack, lessstack, gogocall.
//!
//! The twin executes the runtime's C functions as Rust code, but every
//! call and return moves the modelled SP and writes the modelled stack
//! exactly as the compiled code does: arguments at 0(SP) of the caller,
//! the return address below them, then the callee's frame. So which call
//! splits the stack, and what a traceback reads, follow from the frame
//! sizes alone.

use crate::proc::{GId, Runtime};
use crate::stack::{must_split, Gobuf, STACK_SMALL};
use crate::symtab::{Check, FuncId};
use crate::{Addr, Stop};

/// A caller at one of its call sites. A C function that calls the same
/// function from several places is told apart by the source line of the
/// CALL (pre-1547's and post-1547's numbering: proc.c's differ), as the
/// calls table has it; a bare `FuncId` is its first call in code order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Caller {
    pub f: FuncId,
    pub line: Option<(u32, u32)>,
}

impl From<FuncId> for Caller {
    fn from(f: FuncId) -> Caller {
        Caller { f, line: None }
    }
}

/// `f`'s call on `line` of a source file the two variants share (chan.c,
/// mfinal.c, ...).
pub(crate) fn at(f: FuncId, line: u32) -> Caller {
    Caller {
        f,
        line: Some((line, line)),
    }
}

/// `f`'s call on line `pre` of pre-1547's source, `post` of post-1547's.
pub(crate) fn at2(f: FuncId, pre: u32, post: u32) -> Caller {
    Caller {
        f,
        line: Some((pre, post)),
    }
}

impl Runtime {
    /// CALL a leaf whose work the twin does not model, and its RET: its
    /// frame still takes stack (it may split).
    pub(crate) fn call_leaf(
        &mut self,
        caller: impl Into<Caller>,
        callee: FuncId,
        args: &[u64],
    ) -> Result<(), Stop> {
        self.call(caller, callee, args)?;
        self.leave(callee)
    }

    /// Push a word (a return address, or newproc's hidden words).
    pub(crate) fn push(&mut self, v: u64) {
        self.sp -= 8;
        self.mem.write(self.sp, v);
    }

    /// CALL `callee` from `caller`: its arguments go to 0(SP).. of the
    /// caller's frame, the return address (the call site in `caller`)
    /// below them, then the callee's prologue runs.
    pub(crate) fn call(
        &mut self,
        caller: impl Into<Caller>,
        callee: FuncId,
        args: &[u64],
    ) -> Result<(), Stop> {
        let c = caller.into();
        let ret = match c.line {
            None => self.site(c.f, callee),
            Some(line) => self.site_line(c.f, callee, line),
        };
        self.call_at(ret, callee, args)
    }

    /// CALL with an explicit return address.
    pub(crate) fn call_at(&mut self, ret: Addr, callee: FuncId, args: &[u64]) -> Result<(), Stop> {
        self.sp -= 8;
        if let Some(log) = &mut self.call_log {
            log.push((callee, self.sp, ret, self.g == self.m.g0));
        }
        self.mem.write_call(self.sp, ret, args);
        self.prologue(callee)
    }

    /// The prologue 6l emits: the split check, then SUBQ $frame, SP.
    pub(crate) fn prologue(&mut self, f: FuncId) -> Result<(), Stop> {
        let func = self.tab.get(f);
        let (check, frame) = (func.check, func.frame);
        if must_split(check, frame, self.sp, self.gs[self.g].stackguard) {
            self.morestack(f)?;
        }
        self.sp -= u64::from(frame);
        Ok(())
    }

    /// RET from `f`: drop its frame and pop the return address. A return
    /// into lessstack leaves a segment (oldstack), and the caller goes on
    /// in the segment below.
    pub(crate) fn leave(&mut self, f: FuncId) -> Result<(), Stop> {
        self.leave_to(f).map(|_| ())
    }

    /// RET from `f`, telling where execution goes on: the return address,
    /// or for a return into lessstack the pc oldstack's gogo jumps to
    /// (the word at the return slot may since have been overwritten by a
    /// Stktop, as reflect·call's segments do).
    pub(crate) fn leave_to(&mut self, f: FuncId) -> Result<Addr, Stop> {
        self.sp += u64::from(self.tab.get(f).frame);
        self.ret()
    }

    /// RET: pop the return address; a return into lessstack leaves the
    /// segment.
    pub(crate) fn ret(&mut self) -> Result<Addr, Stop> {
        let ret = self.mem.read(self.sp).unwrap_or(0);
        self.sp += 8;
        if ret == self.tab.entry(self.rf.lessstack) {
            return self.lessstack();
        }
        Ok(ret)
    }

    /// Where the current function `f`'s arguments are: C's `&arg0`, which
    /// the runtime's variadic functions offset to reach the rest (chan.c's
    /// `ae = (byte*)&c + o`). Above the return address, past `f`'s frame;
    /// valid in `f`'s body, whether or not it split (newstack copies the
    /// arguments to just above the new segment's return address).
    pub(crate) fn argp(&self, f: FuncId) -> Addr {
        self.sp + u64::from(self.tab.get(f).frame) + 8
    }

    /// The return address of `caller`'s call to `callee`.
    pub(crate) fn site(&self, caller: FuncId, callee: FuncId) -> Addr {
        self.tab.entry(caller) + u64::from(self.sites.ret_off(&self.tab, caller, callee))
    }

    /// The return address of `caller`'s call to `callee` on source line
    /// `line` (pre-1547, post-1547 numbering).
    pub(crate) fn site_line(&self, caller: FuncId, callee: FuncId, line: (u32, u32)) -> Addr {
        self.tab.entry(caller)
            + u64::from(self.sites.ret_off_line(self.variant, caller, callee, line))
    }

    /// The return address of `caller`'s `nth` indirect call.
    pub(crate) fn site_indirect(&self, caller: FuncId, nth: usize) -> Addr {
        let off = self.sites.ret_off_indirect(caller, nth);
        self.tab.entry(caller) + u64::from(off.expect("the table has the call"))
    }

    /// runtime·morestack via its trampoline: record in m where `f` was
    /// called from and what it needs, switch to g0 at m->sched.sp and call
    /// newstack. newstack never returns: it leaves `f` about to run on the
    /// new segment with lessstack as its return address.
    fn morestack(&mut self, f: FuncId) -> Result<(), Stop> {
        if self.g == self.m.g0 {
            // asm.s: morestack on g0 executes INT $3.
            return Err(self.trap());
        }
        let func = self.tab.get(f);
        let (frame, args) = (func.frame, func.args);
        self.m.morebuf = Gobuf {
            pc: self.mem.read(self.sp).unwrap_or(0),
            sp: self.sp + 8,
            g: self.gs[self.g].addr,
        };
        self.m.moreargp = self.sp + 8;
        self.m.morepc = self.tab.entry(f) + u64::from(prologue_len(func.check, frame, args));
        self.m.moreframesize = morestack_frame(frame, args);
        self.m.moreargsize = args;
        self.g = self.m.g0;
        self.sp = self.m.sched.sp;
        self.call(self.rf.morestack, self.rf.newstack, &[])?;
        self.newstack()
    }

    /// runtime·lessstack: a function on a new segment returned. Save its
    /// result register, go to g0 at m->sched.sp and call oldstack, which
    /// gogo's back to the caller below the segment.
    fn lessstack(&mut self) -> Result<Addr, Stop> {
        self.m.cret = 0;
        self.g = self.m.g0;
        self.sp = self.m.sched.sp;
        self.call(self.rf.lessstack, self.rf.oldstack, &[])?;
        self.oldstack()
    }

    /// runtime·gogocall: continue in `buf.g` at `buf.sp`, calling the code
    /// at `pc` with `buf.pc` as its return address. Returns the function
    /// entered.
    pub(crate) fn gogocall(&mut self, buf: Gobuf, pc: Addr) -> Result<FuncId, Stop> {
        self.g = self.gid_at(buf.g);
        self.sp = buf.sp;
        self.push(buf.pc);
        self.enter(pc)
    }

    /// The G whose heap address is `a`.
    pub(crate) fn gid_at(&self, a: Addr) -> GId {
        // Most gobufs name the current G.
        if let Some(g) = self.m.curg.filter(|&g| self.gs[g].addr == a) {
            return g;
        }
        self.g_by_addr
            .get(self.g_slot(a))
            .copied()
            .filter(|&g| self.gs[g].addr == a)
            .expect("a gobuf names a G")
    }

    /// How many Gs lie below heap address `a`: where a G at `a` is, or
    /// would go, in `g_by_addr`.
    pub(crate) fn g_slot(&self, a: Addr) -> usize {
        match self.g_by_addr.last() {
            // The common case: above every G so far.
            Some(&g) if self.gs[g].addr < a => self.g_by_addr.len(),
            _ => self.g_by_addr.partition_point(|&g| self.gs[g].addr < a),
        }
    }
}

/// The frame size dostkoff passes to morestack: 0 (newstack then uses
/// StackMin) unless the frame, 160 bytes of slack and the arguments
/// exceed 4096.
pub fn morestack_frame(frame: u32, args: u32) -> u32 {
    if frame + 160 + args > 4096 {
        (frame + 160) & !7
    } else {
        0
    }
}

/// Bytes of the check sequence before the body (m->morepc's offset):
/// MOVQ g (9), the compare (3, or LEAQ 5/8 + CMPQ 3), JHI (2), the
/// constant load if any (MOVL 5, MOVQ 10), CALL (5).
pub fn prologue_len(check: Check, frame: u32, args: u32) -> u32 {
    let compare = match check {
        Check::NoSplit => return 0,
        Check::Small => 3 + 2,
        Check::Large if frame - STACK_SMALL < 128 => 5 + 3 + 2,
        Check::Large => 8 + 3 + 2,
        Check::Huge => 0,
    };
    let c1 = morestack_frame(frame, args);
    let load = match (c1 != 0, args) {
        (false, 0) => 0,
        (false, 8 | 16 | 24 | 32 | 40 | 48) => 0,
        (true, 0) | (false, _) => 5,
        (true, _) => 10,
    };
    9 + compare + load + 5
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn morestack_is_told_a_frame_only_when_it_is_big() {
        assert_eq!(morestack_frame(64, 8), 0);
        assert_eq!(morestack_frame(4016, 16), 0x1050);
        assert_eq!(morestack_frame(20016, 16), 20176);
    }

    #[test]
    fn morepc_is_the_body_after_the_check() {
        // runtime.FixAlloc_Alloc+0x13 is where a split FixAlloc_Alloc resumes.
        assert_eq!(prologue_len(Check::Small, 40, 8), 0x13);
        assert_eq!(prologue_len(Check::NoSplit, 48, 0), 0);
    }
}
