//! runtime.c: what the collector calls of it — getenv and nanotime.

use crate::asm::Caller;
use crate::proc::Runtime;
use crate::Stop;

impl Runtime {
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
