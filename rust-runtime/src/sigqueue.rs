//! sigqueue.goc: runtime·siginit, which readies the Note that signal
//! delivery to os/signal would wake (sigsend is not modelled: no program
//! asks for signals).

use crate::proc::Runtime;
use crate::symtab::FuncId;
use crate::Stop;

impl Runtime {
    /// runtime·siginit from `caller`: noteclear(&sig).
    pub(crate) fn siginit(&mut self, caller: FuncId) -> Result<(), Stop> {
        let si = self.rf.siginit;
        self.call(caller, si, &[])?;
        self.noteclear(si, self.statics.sig)?;
        self.leave(si)
    }
}
