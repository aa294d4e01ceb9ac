//! sema.goc: the semaphore the collector takes (gcsema). With one M and
//! nothing else collecting, it is always free: semacquire's easy case,
//! and semrelease finds nobody to wake.

use crate::asm::{at, Caller};
use crate::lock::LockId;
use crate::proc::Runtime;
use crate::Stop;

impl Runtime {
    /// runtime·semacquire(addr): cansemacquire's cas succeeds at once (the
    /// queueing path, for a semaphore someone holds, is not modelled:
    /// only the collector takes one, and only one collects at a time).
    pub(crate) fn semacquire(&mut self, caller: Caller) -> Result<(), Stop> {
        let (sa, csa) = (self.rf.semacquire, self.rf.cansemacquire);
        self.call(caller, sa, &[0])?;
        self.call(at(sa, 113), csa, &[0])?;
        // cas(addr, 1, 0). gcsema's address is not modelled: 0.
        self.cas(csa, (103, 103), 0, 1, 0)?;
        self.leave(csa)?;
        self.leave(sa)
    }

    /// runtime·semrelease(addr): cas the count up, then semwakeup, which
    /// walks the (empty) wait list under semlock.
    pub(crate) fn semrelease(&mut self, caller: Caller) -> Result<(), Stop> {
        let (sr, sw) = (self.rf.semrelease, self.rf.semwakeup);
        self.call(caller, sr, &[0])?;
        self.cas(sr, (136, 136), 0, 0, 1)?;
        self.call(sr, sw, &[0])?;
        self.lock(sw, LockId::Sem)?;
        self.unlock(at(sw, 63), LockId::Sem)?;
        self.leave(sw)?;
        self.leave(sr)
    }
}
