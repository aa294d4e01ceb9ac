//! slice.c: making a slice, which `make([]T, n)` compiles to, and slicing
//! an array.

use crate::proc::Runtime;
use crate::symtab::FuncId;
use crate::{Addr, Stop};

impl Runtime {
    /// runtime·makeslice(t, len, cap) from Go code, returning to `ret`,
    /// for `n` elements of `elem` bytes (len = cap = n): makeslice1
    /// allocates cap*size bytes with mallocgc(FlagNoPointers) when the
    /// element holds no pointers, else with mal.
    pub fn makeslice(
        &mut self,
        ret: Addr,
        elem: u32,
        n: u32,
        pointers: bool,
    ) -> Result<Addr, Stop> {
        let f = self
            .tab
            .lookup("runtime.makeslice")
            .expect("in every table");
        self.call_at(ret, f, &[0, u64::from(n), u64::from(n), 0, 0])?;
        let m1 = self.tab.lookup("makeslice1").expect("in every table");
        self.call(f, m1, &[0, u64::from(n) | u64::from(n) << 32, 0])?;
        let size = n * elem;
        let array = if pointers {
            self.mal(m1, size)?
        } else {
            self.mallocgc_dogc(m1, size, crate::malloc::FLAG_NO_POINTERS, true, true)?
        };
        self.leave(m1)?;
        self.leave(f)?;
        Ok(array)
    }

    /// runtime·slicearray(old, nel, lb, hb, width) from Go code, for
    /// `a[lb:hb]` of an array of `nel` elements: bounds out of range call
    /// panicslice (a runtime error); else the slice lies inside the array.
    pub fn slicearray(
        &mut self,
        ret: Addr,
        nel: u64,
        lb: u64,
        hb: u64,
        width: u64,
    ) -> Result<(), Stop> {
        let f = self
            .tab
            .lookup("runtime.slicearray")
            .expect("in every table");
        self.call_at(ret, f, &[0, nel, lb, hb, width])?;
        if hb > nel || lb > hb {
            return self.panicslice(f);
        }
        self.leave(f)
    }

    /// runtime·panicslice() called from `caller` (runtime.c): panicstring
    /// of "slice bounds out of range".
    pub(crate) fn panicslice<T>(&mut self, caller: FuncId) -> Result<T, Stop> {
        let ps = self
            .tab
            .lookup("runtime.panicslice")
            .expect("in every table");
        self.call(caller, ps, &[])?;
        self.panicstring(ps, "slice bounds out of range")
    }
}
