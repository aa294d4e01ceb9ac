//! mfinal.c: the finalizer table. makechan_c gives every channel the
//! finalizer destroychan, so each channel also allocates a Finalizer and,
//! as the table fills, new key and value arrays (27 entries, then three
//! times as many): heap objects like any other, which move where later
//! objects land. (The twin sweeps nothing, so no finalizer ever runs;
//! a collection's mark walks the table.)

use crate::asm::{at, Caller};
use crate::lock::LockId;
use crate::proc::Runtime;
use crate::symtab::FuncId;
use crate::{Addr, Stop};

/// sizeof(Finalizer): next, fn, arg, nret (runtime.h).
const SIZEOF_FINALIZER: u32 = 32;

/// mfinal.c's Fintab, as far as its size goes: entries in use, dead
/// ones, its size, and where its arrays are.
#[derive(Debug, Default)]
pub struct Fintab {
    nkey: u32,
    ndead: u32,
    max: u32,
    key: Addr,
    val: Addr,
}

impl Runtime {
    /// runtime·addfinalizer(p, f, 0) from `caller`, for the object at `p`:
    /// mal a Finalizer, then under finlock look the object up, mark it
    /// special, grow the table when it is 3/4 full (rehashing every key
    /// into new arrays, freeing the old ones) and add the entry.
    pub(crate) fn addfinalizer(&mut self, caller: FuncId, p: Addr) -> Result<(), Stop> {
        let f = self.rf.addfinalizer;
        let destroy = self.rf.destroychan.map_or(0, |d| self.tab.entry(d));
        self.call(caller, f, &[p, destroy, 0])?;
        self.mal(f, SIZEOF_FINALIZER)?;
        self.lock(f, LockId::Fin)?;
        // mlookup, lookfintab(&fintab, p, 0) (f is not nil), setblockspecial.
        self.mlookup(at(f, 107), p)?;
        for (g, line) in [(self.rf.lookfintab, 117), (self.rf.setblockspecial, 121)] {
            self.call(at(f, line), g, &[p])?;
            self.leave(g)?;
        }
        let Fintab {
            nkey, ndead, max, ..
        } = self.fintab;
        if nkey >= max / 2 + max / 4 {
            let memclr = self.rf.memclr;
            self.call(f, memclr, &[0, 40])?;
            self.leave(memclr)?;
            let max = match max {
                0 => 27,
                m if ndead < nkey / 2 => m * 3,
                m => m,
            };
            let key = self.mallocgc(at(f, 137), max * 8, crate::malloc::FLAG_NO_POINTERS)?;
            let val = self.mallocgc(at(f, 138), max * 8, 0)?;
            let add = self.rf.addfintab;
            for _ in 0..nkey {
                self.call(at(f, 145), add, &[0, 0, 0])?;
                self.leave(add)?;
            }
            let (old, oldmax) = ((self.fintab.key, self.fintab.val), self.fintab.max);
            self.free(at(f, 147), old.0, oldmax * 8)?;
            self.free(at(f, 148), old.1, oldmax * 8)?;
            self.fintab = Fintab {
                nkey,
                ndead: 0,
                max,
                key,
                val,
            };
        }
        let add = self.rf.addfintab;
        self.call(at(f, 152), add, &[0, p, 0])?;
        self.fintab.nkey += 1;
        self.leave(add)?;
        self.unlock(at(f, 153), LockId::Fin)?;
        self.leave(f)
    }

    /// runtime·walkfintab(markfin), from mark: under finlock, markfin for
    /// each key in use (not nil, not a deleted entry's -1), called through
    /// the function pointer.
    pub(crate) fn walkfintab(&mut self, caller: Caller) -> Result<(), Stop> {
        let (wf, mf) = (self.rf.walkfintab, self.rf.markfin);
        self.call(caller, wf, &[0])?;
        self.lock(wf, LockId::Fin)?;
        let ret = self.site_indirect(wf, 0);
        for _ in 0..self.fintab.nkey {
            self.call_at(ret, mf, &[0])?;
            self.markfin()?;
            self.leave(mf)?;
        }
        self.unlock(wf, LockId::Fin)?;
        self.leave(wf)
    }
}
