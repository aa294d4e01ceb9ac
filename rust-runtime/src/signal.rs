//! linux/amd64/signal.c: runtime·initsig, and runtime·sighandler for the
//! signals sigtab marks SigPanic, which become Go panics through
//! runtime·sigpanic (linux/thread.c). (What the SIGQUIT handler prints is
//! in [`crate::traceback`].)
//!
//! Invariants, from the 2011 sources:
//! - A fault in Go code reaches sighandler on the signal stack (the
//!   kernel's frame lands there first: [`Runtime::deliver_signal`]; heap
//!   memory other than a G under its spill, objects or free blocks, is
//!   memory the twin does not keep, and the run ends as unmodelled when
//!   something would read it: an allocation of a block there, a deferred
//!   call). For
//!   a SigPanic signal the handler records it in the G (g->sig, sigcode0,
//!   sigcode1, sigpc), pushes the faulting pc on the G's stack as if the
//!   faulting function had called runtime·sigpanic from there, and
//!   returns into sigpanic, which panics with the signal's message.
//! - The record stays until no panic is left (runtime·panic clears g->sig
//!   when a recovery empties the list), and dopanic prints it under the
//!   panics: `[signal 0xb code=0x1 addr=0x4 pc=0x400c18]`.

use crate::proc::Runtime;
use crate::symtab::FuncId;
use crate::{Addr, Stop};

/// SIGFPE's number on linux/amd64.
const SIGFPE: u32 = 8;
/// SIGSEGV's.
const SIGSEGV: u32 = 11;
/// si_code of an integer division by zero (FPE_INTDIV).
const FPE_INTDIV: u64 = 1;
/// si_code of an access to an unmapped address (SEGV_MAPERR).
const SEGV_MAPERR: u64 = 1;

/// A fault of a Go instruction the twin models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// A load or store through a nil pointer, `addr` bytes past it (the
    /// field's offset): SIGSEGV, si_addr `addr`.
    Nil { addr: u64 },
    /// An integer division by zero: SIGFPE, si_addr the faulting pc.
    DivideByZero,
    /// A call of a nil function value: the CALL pushed its return address
    /// and the fault is at pc 0, so sighandler pushes nothing and sigpanic
    /// runs as if called by the CALL (the pc given is its return address).
    NilCall,
}

/// What sighandler records in the G: g->sig, sigcode0, sigcode1, sigpc.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigRecord {
    pub sig: u32,
    pub code: u64,
    pub addr: u64,
    pub pc: Addr,
}

impl Runtime {
    /// Runtime code in `f` (the allocator, following a link a signal
    /// frame wrote) reads `addr`, where nothing is mapped: sighandler
    /// makes it call sigpanic, which prints "unexpected fault address"
    /// and throws "fault". During a panic's printing startpanic finds
    /// m->dying set: "panic during panic", exit 3. Else throw prints, and
    /// dopanic the fault's record; its traceback's first findfunc builds
    /// the symbol table, whose first mal finds m->mallocing still set
    /// (the fault left mallocgc midway) and throws again: "panic during
    /// panic". (With the symbol table built before, the traceback the
    /// twin would have to print from the fault is not modelled.) The
    /// fault's pc is not modelled: `f`'s entry stands for it.
    pub(crate) fn runtime_fault(&mut self, f: FuncId, addr: Addr) -> Stop {
        self.print(&format!("unexpected fault address {addr:#x}\n"));
        if !self.panicking {
            self.panicking = true;
            self.print("throw: fault\n");
            let record = SigRecord {
                sig: SIGSEGV,
                code: SEGV_MAPERR,
                addr,
                pc: self.tab.entry(f),
            };
            self.print(&record.line());
            self.print("\n");
            if std::mem::replace(&mut self.symtab_built, true) {
                self.unmodelled = Some("a traceback from a fault in the runtime".into());
                return Stop::End(crate::Ending::Exit(2));
            }
        }
        self.print("panic during panic\n");
        Stop::End(crate::Ending::Exit(3))
    }
}

impl SigRecord {
    /// What dopanic prints of it.
    pub(crate) fn line(&self) -> String {
        format!(
            "\n[signal {:#x} code={:#x} addr={:#x} pc={:#x}]\n",
            self.sig, self.code, self.addr, self.pc
        )
    }
}

impl Runtime {
    /// runtime·initsig(queue) from `caller`: siginit, then an
    /// rt_sigaction for each signal of sigtab with that queue flag, a
    /// system call the twin does not model.
    pub(crate) fn initsig(&mut self, caller: FuncId, queue: u64) -> Result<(), Stop> {
        let is = self.rf.initsig;
        self.call(caller, is, &[queue])?;
        self.siginit(is)?;
        self.leave(is)
    }

    /// The Go instruction at `pc` faulted: sighandler's SigPanic path,
    /// then runtime·sigpanic on the G's stack, called from `pc`, which
    /// panics with the runtime error of the signal. Does not return
    /// unless the panic is recovered (then as any recovery does).
    pub fn sighandler(&mut self, pc: Addr, fault: Fault) -> Result<(), Stop> {
        self.deliver_signal();
        // What the frame wrote over is read, if at all, by what follows:
        // an allocation of a block there, a deferred call.
        if let Some(spilled) = self.spilled_memory() {
            self.spilled = Some(spilled);
        }
        let g = self.g;
        let record = match fault {
            Fault::Nil { addr } => SigRecord {
                sig: SIGSEGV,
                code: SEGV_MAPERR,
                addr,
                pc,
            },
            Fault::DivideByZero => SigRecord {
                sig: SIGFPE,
                code: FPE_INTDIV,
                addr: pc,
                pc,
            },
            Fault::NilCall => SigRecord {
                sig: SIGSEGV,
                code: SEGV_MAPERR,
                addr: 0,
                pc: 0,
            },
        };
        self.rare(g).sig = Some(record);
        let sigpanic = self
            .tab
            .lookup("runtime.sigpanic")
            .expect("every binary links runtime·sigpanic");
        self.call_at(pc, sigpanic, &[])?;
        self.sigpanic(sigpanic, fault)
    }

    /// runtime·sigpanic (linux/thread.c): the panic of g->sig. A nil
    /// pointer's fault is below 0x1000, where sigpanic calls it one.
    fn sigpanic(&mut self, sigpanic: FuncId, fault: Fault) -> Result<(), Stop> {
        let msg = match fault {
            Fault::Nil { addr: 0..0x1000 } | Fault::NilCall => {
                "invalid memory address or nil pointer dereference"
            }
            Fault::Nil { addr } => {
                self.unmodelled = Some(format!("a fault at {addr:#x}, past the first page"));
                return Err(Stop::End(crate::Ending::Exit(2)));
            }
            Fault::DivideByZero => "integer divide by zero",
        };
        self.panicstring(sigpanic, msg)
    }
}
