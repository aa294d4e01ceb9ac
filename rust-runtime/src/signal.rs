//! linux/amd64/signal.c: runtime·initsig. (What the signal handler
//! prints is in [`crate::traceback`].)

use crate::proc::Runtime;
use crate::symtab::FuncId;
use crate::Stop;

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
}
