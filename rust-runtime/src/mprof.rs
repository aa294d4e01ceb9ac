//! mprof.goc: the memory profile's bookkeeping, as far as its calls go.
//! mallocgc samples an allocation about every MemProfileRate bytes (the
//! first allocation always: a new MCache's next_sample is 0) and calls
//! MProf_Malloc; runtime·free of a sampled block calls MProf_Free. In
//! schedinit (m->nomemprof set) both return at once, which is all most
//! fixtures ever see. Not modelled past the calls: callers' walk of the
//! stack (whose first findfunc builds the symbol table, allocating) and
//! the Bucket and AddrHash entries stkbucket and setaddrbucket allocate,
//! so the heap after a later sample (chain100k's, select.go's) is not the
//! real one.

use crate::asm::{at, Caller};
use crate::lock::LockId;
use crate::proc::Runtime;
use crate::{Addr, Stop};

impl Runtime {
    /// runtime·MProf_Malloc(p, size): with nomemprof clear, under
    /// nomemprof: callers(1, stk, 32), then under proflock stkbucket and
    /// setaddrbucket.
    pub(crate) fn mprof_malloc(&mut self, caller: Caller, p: Addr, size: u64) -> Result<(), Stop> {
        let f = self.rf.mprof_malloc;
        self.call(caller, f, &[p, size])?;
        if self.m.nomemprof == 0 {
            self.m.nomemprof += 1;
            // The walk's first findfunc builds the symbol table (its
            // allocations are not modelled).
            self.symtab_built = true;
            let cl = self.rf.callers;
            self.call_leaf(at(f, 170), cl, &[1, 0, 32])?;
            self.lock(at(f, 171), LockId::Prof)?;
            let (sb, sa) = (self.rf.stkbucket, self.rf.setaddrbucket);
            self.call_leaf(at(f, 172), sb, &[0, 0])?;
            self.call_leaf(at(f, 175), sa, &[p, 0])?;
            self.unlock(at(f, 176), LockId::Prof)?;
            self.m.nomemprof -= 1;
        }
        self.leave(f)
    }

    /// runtime·MProf_Free(p, size): with nomemprof clear, under nomemprof
    /// and proflock, getaddrbucket.
    pub(crate) fn mprof_free(&mut self, caller: Caller, p: Addr, size: u64) -> Result<(), Stop> {
        let f = self.rf.mprof_free;
        self.call(caller, f, &[p, size])?;
        if self.m.nomemprof == 0 {
            self.m.nomemprof += 1;
            self.lock(at(f, 189), LockId::Prof)?;
            let ga = self.rf.getaddrbucket;
            self.call_leaf(at(f, 190), ga, &[p])?;
            self.unlock(at(f, 195), LockId::Prof)?;
            self.m.nomemprof -= 1;
        }
        self.leave(f)
    }
}
