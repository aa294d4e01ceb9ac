//! amd64/traceback.c's gentraceback, proc.c's tracebackothers, and what
//! prints them: runtime·throw (runtime.c) and the SIGQUIT handler
//! (linux/amd64/signal.c).
//!
//! The walk reads the modelled stack memory exactly as the C code reads
//! the real one: a frame's caller is the word at sp+frame, a pc equal to
//! lessstack crosses to the segment below through its Stktop, and each
//! pass of the loop, printed or not, counts against the 100-iteration cap.

use crate::proc::{GId, Runtime};
use crate::symtab::FuncId;
use crate::{Addr, Ending, Stop};

/// The pc in runtime·futex after its SYSCALL, where a thread sleeping in
/// the kernel is when a signal arrives (`runtime.futex+0x23 sys.s:139` in
/// every recorded hang).
pub const FUTEX_SYSCALL_RET: u64 = 0x23;
/// The line of linux/amd64/sys.s that SYSCALL is on.
const FUTEX_SYSCALL_LINE: u32 = 139;

/// gentraceback's cap on iterations.
const MAX_ITER: usize = 100;

/// A read the real process would have faulted on: the null page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault(pub Addr);

impl Runtime {
    /// A stack word, or the fault reading it would cause. Unmapped memory
    /// beyond the null page reads as zero: the twin maps stack memory only.
    fn word(&self, a: Addr) -> Result<u64, Fault> {
        match self.mem.read(a) {
            Some(w) => Ok(w),
            None if a < 0x1000 => Err(Fault(a)),
            None => Ok(0),
        }
    }

    /// gentraceback(pc0, sp, g, 0, nil, 100): print the frames of `gp`
    /// from (pc0, sp).
    pub(crate) fn traceback(&mut self, pc0: Addr, sp0: Addr, gp: GId) -> Result<(), Fault> {
        let lessstack = self.tab.entry(self.rf.lessstack);
        let goexit = self.tab.entry(self.rf.goexit);
        let (newproc, newstack, morestack) = (self.rf.newproc, self.rf.newstack, self.rf.morestack);
        let deferproc = self.tab.lookup("runtime.deferproc");
        let (mut pc, mut sp, mut lr, mut fp): (Addr, Addr, Addr, Option<Addr>) =
            (pc0, sp0, 0, None);
        let mut g = gp;
        let sched = self.gs[g].sched;
        if pc0 == sched.pc && sp0 == sched.sp && pc0 == goexit {
            fp = Some(sp);
            lr = pc;
            pc = self.gs[g].entry;
        }
        if pc == 0 {
            pc = lr;
            lr = 0;
        }
        if pc == 0 {
            pc = self.word(sp)?;
            sp += 8;
        }
        let mut n = 0;
        let mut sawnewstack = false;
        let mut stk = self.gs[g].stackbase;
        for _ in 0..MAX_ITER {
            if n >= MAX_ITER {
                break;
            }
            if pc == lessstack {
                let top = self.read_stktop(stk);
                pc = top.gobuf.pc;
                sp = top.gobuf.sp;
                lr = 0;
                fp = None;
                self.print("----- stack segment boundary -----\n");
                stk = top.stackbase;
                continue;
            }
            let f = if pc <= 0x1000 {
                None
            } else {
                self.tab.findfunc(pc)
            };
            let Some(f) = f else {
                // A return into a closure's trampoline: its ADDQ $siz, SP;
                // RET, done by hand.
                if let Some(siz) = self.trampoline_return(pc) {
                    sp += siz;
                    pc = self.word(sp)?;
                    sp += 8;
                    lr = 0;
                    fp = None;
                    continue;
                }
                // A closure at the top of a G not yet started.
                if lr == goexit {
                    if let Some(t) = self.closures.get(&pc) {
                        pc = self.tab.entry(t.func);
                        fp = Some(sp);
                        continue;
                    }
                }
                break;
            };
            let entry = self.tab.entry(f);
            let frame = u64::from(self.tab.get(f).frame);
            let mut at = match fp {
                None => {
                    let mut x = sp;
                    if pc > entry {
                        x += frame;
                    }
                    if lr == 0 {
                        lr = self.word(x)?;
                    }
                    x + 8
                }
                Some(x) => {
                    if lr == 0 {
                        lr = self.word(x)?;
                    }
                    x
                }
            };
            self.print_frame(f, pc, at, n > 0)?;
            n += 1;
            if f == newproc || Some(f) == deferproc {
                at += 16;
            }
            if f == newstack {
                sawnewstack = true;
            }
            if f == morestack && g == self.m.g0 && sawnewstack {
                let goid = self.gs[self.curg()].goid;
                self.print(&format!(
                    "----- morestack called from goroutine {goid} -----\n"
                ));
                pc = self.m.morepc;
                sp = self.m.morebuf.sp - 8;
                lr = self.m.morebuf.pc;
                fp = Some(self.m.morebuf.sp);
                sawnewstack = false;
                g = self.curg();
                stk = self.gs[g].stackbase;
                continue;
            }
            if f == self.rf.lessstack && g == self.m.g0 {
                let goid = self.gs[self.curg()].goid;
                self.print(&format!(
                    "----- lessstack called from goroutine {goid} -----\n"
                ));
                g = self.curg();
                stk = self.gs[g].stackbase;
                let top = self.read_stktop(stk);
                sp = top.gobuf.sp;
                pc = top.gobuf.pc;
                fp = None;
                lr = 0;
                continue;
            }
            pc = lr;
            lr = 0;
            sp = at;
            fp = None;
        }
        Ok(())
    }

    /// One frame: `name+0xOFF file:line`, then its argument words.
    fn print_frame(&mut self, f: FuncId, pc: Addr, argp: Addr, backup: bool) -> Result<(), Fault> {
        let entry = self.tab.entry(f);
        let func = self.tab.get(f);
        let mut line = func.name.clone();
        if pc > entry {
            line.push_str(&format!("+{:#x}", pc - entry));
        }
        let lineno = if f == self.rf.futex && pc - entry == FUTEX_SYSCALL_RET {
            FUTEX_SYSCALL_LINE
        } else {
            // Every frame but the first is backed up into its CALL.
            func.line_at((pc - entry) as u32, !backup || pc == entry)
        };
        // funcline's int32, signed (-1 where a goc2c file has no line yet).
        let lineno = lineno as i32;
        line.push_str(&format!(" {}:{lineno}\n\t{}(", func.file, func.name));
        let words = func.arg_words();
        for i in 0..words {
            if i != 0 {
                line.push_str(", ");
            }
            let w = self.word(argp + 8 * u64::from(i))?;
            line.push_str(&format!("{w:#x}"));
            if i >= 4 {
                line.push_str(", ...");
                break;
            }
        }
        line.push_str(")\n");
        self.print(&line);
        Ok(())
    }

    /// tracebackothers(me): every other live G, newest first.
    pub(crate) fn tracebackothers(&mut self, me: GId) -> Result<(), Fault> {
        let mut next = self.allg;
        while let Some(g) = next {
            next = self.gs[g].alllink;
            let gr = &self.gs[g];
            if g == me || gr.status == crate::proc::Status::Dead {
                continue;
            }
            let (goid, status, sched) = (gr.goid, gr.status as i32, gr.sched);
            let running = gr.status == crate::proc::Status::Running;
            self.print(&format!("\ngoroutine {goid} [{status}]:\n"));
            // The G the M was running (a dump from g0) is walked from the
            // sched it saved when last descheduled; since then its later
            // frames have written their locals over those frames' words,
            // and the twin writes only the words calls write. (A G never
            // descheduled still has newproc's sched, at goexit.)
            let goexit = self.tab.entry(self.rf.goexit);
            if running && sched.pc != goexit {
                self.unmodelled.get_or_insert_with(|| {
                    format!(
                        "the traceback of goroutine {goid}, running, from the sched it saved when it last stopped: its frames since have written their locals over that stack"
                    )
                });
                return Ok(());
            }
            self.traceback(sched.pc, sched.sp, g)?;
        }
        Ok(())
    }

    /// runtime·throw(s) called from `caller`: "throw: s", a blank line, the
    /// current stack from throw's frame, the other goroutines; then
    /// dopanic's INT3 reaches the signal handler, which exits 2.
    pub(crate) fn throw<T>(&mut self, caller: FuncId, msg: &str) -> Result<T, Stop> {
        self.throw_at(self.message_site(caller, self.rf.throw, msg), msg)
    }

    /// The return address of `caller`'s call of `callee` (throw or
    /// panicstring) that passes `msg`: a C function that throws in two
    /// places is told apart by the message (else its first call).
    fn message_site(&self, caller: FuncId, callee: FuncId, msg: &str) -> Addr {
        match self.sites.message_ret_off(caller, callee, msg) {
            Some(off) => self.tab.entry(caller) + u64::from(off),
            None => self.site(caller, callee),
        }
    }

    /// runtime·throw called from the call site returning to `ret`.
    pub(crate) fn throw_at<T>(&mut self, ret: Addr, msg: &str) -> Result<T, Stop> {
        let throw = self.rf.throw;
        let s = self.messages.get(&ret).copied().unwrap_or(0);
        self.call_at(ret, throw, &[s])?;
        self.panicking = true;
        self.print(&format!("throw: {msg}\n"));
        // dopanic: the signal a throw came from (panicstring's during a
        // collection), then a blank line.
        if let Some(sig) = self.gs[self.g].rare.as_ref().and_then(|r| r.sig) {
            self.print(&sig.line());
        }
        self.print("\n");
        // dopanic starts the traceback at its caller: throw, at its call.
        let dopanic = self.tab.lookup("runtime.dopanic").unwrap_or(throw);
        let pc = self.tab.entry(throw) + u64::from(self.sites.ret_off(&self.tab, throw, dopanic));
        let (sp, g) = (self.sp, self.g);
        // gentraceback's first findfunc builds the symbol table.
        if let Some(addr) = self.buildfuncs()? {
            return Err(self.runtime_fault(self.rf.mcache_alloc, addr));
        }
        // A fault while printing reaches the handler with panicking set,
        // which exits 2 as the INT3 after a complete dump would.
        let _ = self
            .traceback(pc, sp, g)
            .and_then(|()| self.tracebackothers(g));
        Err(Stop::End(Ending::Exit(2)))
    }

    /// runtime·panicindex() from Go code, returning to `ret` (runtime.c):
    /// panicstring("index out of range").
    pub fn panicindex(&mut self, ret: Addr) -> Result<(), Stop> {
        let pi = self.rt_fn("runtime.panicindex")?;
        self.call_at(ret, pi, &[])?;
        self.panicstring(pi, "index out of range")
    }

    /// runtime·panicstring(s) called from `caller` (runtime.c): the runtime
    /// error is made (gostringnocopy, then newErrorString's convT2E, a
    /// 16-byte mal) and panicked with as Go code's panic does: deferred
    /// calls run first, a recover may stop it; else the dump, "panic:
    /// runtime error: " and the message.
    pub(crate) fn panicstring<T>(&mut self, caller: FuncId, msg: &str) -> Result<T, Stop> {
        let ps = self.rf.panicstring;
        let ret = self.message_site(caller, ps, msg);
        // The literal's bytes are the string's: gostringnocopy does not copy.
        let s = self.messages.get(&ret).copied().unwrap_or(0);
        self.call_at(ret, ps, &[s])?;
        // During a collection (a fault in the collector's own code) no
        // panic can be made: the message, and a throw.
        if self.m.gcing {
            self.print(&format!("panic: {msg}\n"));
            return self.throw(ps, "panic during gc");
        }
        self.gostringnocopy(ps.into(), s)?;
        let e = self.new_error_string(ps, s, msg)?;
        let ret = self.site(ps, self.rf.panic);
        match self.panic(ret, e, Some(&format!("runtime error: {msg}"))) {
            Err(stop) => Err(stop),
            Ok(()) => unreachable!("runtime·panic does not return"),
        }
    }

    /// The only M sleeps in the kernel forever. The run ends as the real
    /// one does when the harness sends SIGQUIT: the handler prints the
    /// signal, the stack it interrupted, every other goroutine and the
    /// registers, and exits 2, unless the printing itself faults, which
    /// (with every signal blocked in the handler) kills the process.
    pub(crate) fn hang(&mut self) -> Stop {
        self.deliver_signal();
        self.panicking = true;
        let rip = self.tab.entry(self.rf.futex) + FUTEX_SYSCALL_RET;
        let (rsp, g) = (self.sp, self.g);
        self.print(&format!("SIGQUIT: quit\nPC={rip:#x}\n\n"));
        let printed = self
            .traceback(rip, rsp, g)
            .and_then(|()| self.tracebackothers(g));
        let after = match printed {
            Ok(()) => {
                self.dumpregs(rip, rsp);
                crate::AfterQuit::Exit(2)
            }
            Err(_) => crate::AfterQuit::Signal(11),
        };
        Stop::End(Ending::Hung(after))
    }

    /// runtime·morestack on g0 executes INT $3: SIGTRAP, printed by the
    /// handler like SIGQUIT, then exit 2.
    pub(crate) fn trap(&mut self) -> Stop {
        let rip = self.tab.entry(self.rf.morestack);
        let (rsp, g) = (self.sp, self.g);
        self.print(&format!("SIGTRAP: trace trap\nPC={rip:#x}\n\n"));
        let _ = self
            .traceback(rip, rsp, g)
            .and_then(|()| self.tracebackothers(g));
        self.dumpregs(rip, rsp);
        Stop::End(Ending::Exit(2))
    }

    /// dumpregs: the 21 registers of the interrupted thread. The twin
    /// knows the ones a futex sleep determines (the syscall's -EINTR in
    /// rax, its address in rdi, rsp, rip); it prints the rest as 0.
    fn dumpregs(&mut self, rip: Addr, rsp: Addr) {
        let known = |name: &str| match name {
            "rax" => 0xffff_ffff_ffff_fffc,
            "rsp" => rsp,
            "rip" => rip,
            _ => 0,
        };
        let names = [
            "rax", "rbx", "rcx", "rdx", "rdi", "rsi", "rbp", "rsp", "r8", "r9", "r10", "r11",
            "r12", "r13", "r14", "r15", "rip", "rflags", "cs", "fs", "gs",
        ];
        for name in names {
            let v = known(name);
            self.print(&format!("{name:<8}{v:#x}\n"));
        }
    }
}
