//! runtime.c: runtime·check, which rt0 calls first, and what the collector
//! calls of it — getenv and nanotime.

use crate::asm::Caller;
use crate::proc::Runtime;
use crate::symtab::FuncId;
use crate::Stop;

impl Runtime {
    /// runtime·check from `caller` (rt0, on the OS thread's stack): its
    /// sizeof checks make no calls; runtime·cas(&z, 1, 2) on line 326 and
    /// runtime·cas(&z, 5, 6) on line 332 (z, a local, at an address the
    /// twin does not model: 0), then initsig(0). The same in both variants.
    pub(crate) fn check(&mut self, caller: FuncId) -> Result<(), Stop> {
        let ck = self.rf.check;
        self.call(caller, ck, &[])?;
        self.cas(ck, (326, 326), 0, 1, 2)?;
        self.cas(ck, (332, 332), 0, 5, 6)?;
        self.initsig(ck, 0)?;
        self.leave(ck)
    }

    /// runtime·getenv(s): findnull(s), then a scan of the environment
    /// with no calls. The harness runs the program with only PATH set, so
    /// the collector's GOGC and GOGCTRACE are not found.
    pub(crate) fn getenv(&mut self, caller: Caller) -> Result<(), Stop> {
        let (ge, fnl) = (self.rf.getenv, self.rf.findnull);
        self.call(caller, ge, &[0])?;
        self.call_leaf(ge, fnl, &[0])?;
        self.leave(ge)
    }

    /// runtime·nanotime: gettime(&sec, &usec), whose call into the
    /// vsyscall page (no Go frame, no split check) is not modelled.
    pub(crate) fn nanotime(&mut self, caller: Caller) -> Result<(), Stop> {
        let (nt, gt) = (self.rf.nanotime, self.rf.gettime);
        self.call(caller, nt, &[])?;
        self.call_leaf(nt, gt, &[0, 0])?;
        self.leave(nt)
    }
}
