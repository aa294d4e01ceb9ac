//! slice.c: making a slice (`make([]T, len, cap)`), appending to one
//! (`append`), copying between them (`copy`), and slicing an array where
//! 6g does not slice it inline.
//!
//! 6g slices a slice, and an array when the result has an address of its
//! own, in line (6g/ggen.c's cgen_inline): sliceslice and sliceslice1 are
//! never called, and the bounds checks branch to a CALL of panicslice in
//! the Go function itself ([`Runtime::panicslice_at`]).

use crate::asm::{at, Caller};
use crate::proc::Runtime;
use crate::symtab::FuncId;
use crate::{Addr, Stop};

/// A slice as the runtime holds it (runtime.h's Slice): the array's
/// address, then 32-bit len and cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SliceHdr {
    pub array: Addr,
    pub len: u32,
    pub cap: u32,
}

impl SliceHdr {
    /// Its two words in an argument frame.
    pub fn words(self) -> [u64; 2] {
        [self.array, u64::from(self.len) | u64::from(self.cap) << 32]
    }
}

/// An element's type as slice.c asks it: its size, and whether it holds
/// pointers (`t->elem->kind & KindNoPointers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elem {
    pub size: u32,
    pub pointers: bool,
}

impl Runtime {
    /// runtime·makeslice(t, len, cap) from Go code, returning to `ret`:
    /// len or cap out of int32's range (or cap below len, or cap elements
    /// more than memory) panics with panicstring; else makeslice1. The
    /// array's address.
    pub fn makeslice(&mut self, ret: Addr, elem: Elem, len: i64, cap: i64) -> Result<Addr, Stop> {
        let f = self.rt_fn("runtime.makeslice")?;
        self.call_at(ret, f, &[0, len as u64, cap as u64, 0, 0])?;
        if len < 0 || i64::from(len as i32) != len {
            return self.panicstring(f, "makeslice: len out of range");
        }
        let most = u64::MAX / u64::from(elem.size.max(1));
        if cap < len || i64::from(cap as i32) != cap || cap as u64 > most {
            return self.panicstring(f, "makeslice: cap out of range");
        }
        let array = self.makeslice1(f, elem, len as u32, cap as u32)?;
        self.leave(f)?;
        Ok(array)
    }

    /// makeslice1(t, len, cap, ret) from `caller`: cap*size bytes, with
    /// mallocgc(FlagNoPointers) when the element holds no pointers, else
    /// with mal.
    fn makeslice1(
        &mut self,
        caller: impl Into<Caller>,
        elem: Elem,
        len: u32,
        cap: u32,
    ) -> Result<Addr, Stop> {
        let m1 = self.rt_fn("makeslice1")?;
        self.call(caller, m1, &[0, u64::from(len) | u64::from(cap) << 32, 0])?;
        let size = cap.wrapping_mul(elem.size);
        let array = if elem.pointers {
            self.mal(m1, size)?
        } else {
            self.mallocgc_dogc(m1, size, crate::malloc::FLAG_NO_POINTERS, true, true)?
        };
        self.leave(m1)?;
        Ok(array)
    }

    /// runtime·append(t, n, old, ...) (textflag 7: no split check) from
    /// Go code returning to `ret`, for `append(old, v1, ..., vn)`: the
    /// values lie in its arguments after `old` (`args`, as 6g laid them
    /// out), and appendslice1 appends them. The result.
    pub fn append(
        &mut self,
        ret: Addr,
        args: &[u64],
        elem: Elem,
        old: SliceHdr,
        n: u32,
    ) -> Result<SliceHdr, Stop> {
        let f = self
            .tab
            .lookup("runtime.append")
            .expect("checked by the caller");
        self.call_at(ret, f, args)?;
        let out = self.appendslice1(f, elem, old, n)?;
        self.leave(f)?;
        Ok(out)
    }

    /// runtime·appendslice(t, x, y) from Go code returning to `ret`, for
    /// `append(x, y...)`: appendslice1. The result.
    pub fn appendslice(
        &mut self,
        ret: Addr,
        elem: Elem,
        x: SliceHdr,
        y: SliceHdr,
    ) -> Result<SliceHdr, Stop> {
        let f = self
            .tab
            .lookup("runtime.appendslice")
            .expect("checked by the caller");
        let mut args = vec![0];
        args.extend(x.words());
        args.extend(y.words());
        self.call_at(ret, f, &args)?;
        let out = self.appendslice1(f, elem, x, y.len)?;
        self.leave(f)?;
        Ok(out)
    }

    /// appendslice1(t, x, y, ret) from `caller`, y being `ylen` elements:
    /// when they do not fit in x's cap, a new array (makeslice1) of a cap
    /// doubled (grown by a quarter from 1024 elements on) until they fit,
    /// or y's len for an x of no cap, and x's elements moved there
    /// (memmove); then y's moved in after them (memmove).
    fn appendslice1(
        &mut self,
        caller: FuncId,
        elem: Elem,
        x: SliceHdr,
        ylen: u32,
    ) -> Result<SliceHdr, Stop> {
        let a1 = self
            .tab
            .lookup("appendslice1")
            .expect("checked by the caller");
        let mut args = vec![0];
        args.extend(x.words());
        args.extend([0, u64::from(ylen), 0]);
        self.call(caller, a1, &args)?;
        let (xlen, cap) = (x.len as i32, x.cap as i32);
        let want = xlen.wrapping_add(ylen as i32);
        if want < xlen {
            return self.throw(a1, "append: slice overflow");
        }
        let memmove = self.rt_fn("runtime.memmove")?;
        let w = u64::from(elem.size);
        let mut x = x;
        if want > cap {
            let mut m = cap;
            if m == 0 {
                m = ylen as i32;
            } else {
                loop {
                    if xlen < 1024 {
                        m = m.wrapping_add(m);
                    } else {
                        m = m.wrapping_add(m / 4);
                    }
                    if m >= want {
                        break;
                    }
                }
            }
            let array = self.makeslice1(a1, elem, x.len, m as u32)?;
            let moved = u64::from(x.len) * w;
            self.call_leaf(at(a1, 96), memmove, &[array, x.array, moved])?;
            x = SliceHdr {
                array,
                len: x.len,
                cap: m as u32,
            };
        }
        let to = x.array + u64::from(x.len) * w;
        self.call_leaf(at(a1, 99), memmove, &[to, 0, u64::from(ylen) * w])?;
        x.len += ylen;
        self.leave(a1)?;
        Ok(x)
    }

    /// runtime·slicecopy(to, fm, width) from Go code returning to `ret`,
    /// for `copy(to, fm)`: nothing when either is empty (or the width
    /// 0), one byte by hand, else memmove of the shorter's elements. The
    /// count.
    pub fn slicecopy(
        &mut self,
        ret: Addr,
        to: SliceHdr,
        fm: SliceHdr,
        width: u32,
    ) -> Result<u32, Stop> {
        let f = self
            .tab
            .lookup("runtime.slicecopy")
            .expect("checked by the caller");
        let mut args = Vec::from(to.words());
        args.extend(fm.words());
        args.push(u64::from(width));
        self.call_at(ret, f, &args)?;
        let n = if fm.len == 0 || to.len == 0 || width == 0 {
            0
        } else {
            let n = fm.len.min(to.len);
            if n != 1 || width != 1 {
                let memmove = self.rt_fn("runtime.memmove")?;
                let bytes = u64::from(n) * u64::from(width);
                self.call_leaf(f, memmove, &[to.array, fm.array, bytes])?;
            }
            n
        };
        self.leave(f)?;
        Ok(n)
    }

    /// runtime·slicestringcopy(to, fm) from Go code returning to `ret`,
    /// for `copy(to, s)` of a string `len` bytes long: memmove of the
    /// shorter's bytes, nothing when either is empty. The count.
    pub fn slicestringcopy(&mut self, ret: Addr, to: SliceHdr, len: u32) -> Result<u32, Stop> {
        let f = self
            .tab
            .lookup("runtime.slicestringcopy")
            .expect("checked by the caller");
        let mut args = Vec::from(to.words());
        args.extend([0, u64::from(len)]);
        self.call_at(ret, f, &args)?;
        let n = if len == 0 || to.len == 0 {
            0
        } else {
            let n = len.min(to.len);
            let memmove = self.rt_fn("runtime.memmove")?;
            self.call_leaf(f, memmove, &[to.array, 0, u64::from(n)])?;
            n
        };
        self.leave(f)?;
        Ok(n)
    }

    /// runtime·sliceslice(old, lb, hb, width) (`old[lb:hb]`) or, without
    /// `hb`, runtime·sliceslice1(old, lb, width) (`old[lb:]`) from Go code
    /// returning to `ret`, where 6g calls them (the slice an operand, of
    /// len say): hb past old's cap or lb past hb (lb past old's len)
    /// calls panicslice; else the result lies inside old's array.
    pub fn sliceslice(
        &mut self,
        ret: Addr,
        old: SliceHdr,
        lb: u64,
        hb: Option<u64>,
        width: u64,
    ) -> Result<(), Stop> {
        let name = if hb.is_some() {
            "runtime.sliceslice"
        } else {
            "runtime.sliceslice1"
        };
        let f = self.tab.lookup(name).expect("checked by the caller");
        let mut args = Vec::from(old.words());
        args.push(lb);
        args.extend(hb);
        args.push(width);
        self.call_at(ret, f, &args)?;
        let bad = match hb {
            Some(hb) => hb > u64::from(old.cap) || lb > hb,
            None => lb > u64::from(old.len),
        };
        if bad {
            return self.panicslice(f);
        }
        self.leave(f)
    }

    /// runtime·slicearray(old, nel, lb, hb, width) from Go code, for
    /// `a[lb:hb]` of an array of `nel` elements where 6g does not slice it
    /// in line: bounds out of range call panicslice (a runtime error);
    /// else the slice lies inside the array.
    pub fn slicearray(
        &mut self,
        ret: Addr,
        old: Addr,
        nel: u64,
        lb: u64,
        hb: u64,
        width: u64,
    ) -> Result<(), Stop> {
        let f = self.rt_fn("runtime.slicearray")?;
        self.call_at(ret, f, &[old, nel, lb, hb, width])?;
        if hb > nel || lb > hb {
            return self.panicslice(f);
        }
        self.leave(f)
    }

    /// runtime·panicslice() called from `caller` (runtime.c): panicstring
    /// of "slice bounds out of range".
    pub(crate) fn panicslice<T>(&mut self, caller: FuncId) -> Result<T, Stop> {
        let ps = self.rt_fn("runtime.panicslice")?;
        self.call(caller, ps, &[])?;
        self.panicstring(ps, "slice bounds out of range")
    }

    /// runtime·panicslice() from Go code returning to `ret`: the CALL an
    /// in-line slice's bounds check branches to.
    pub fn panicslice_at<T>(&mut self, ret: Addr) -> Result<T, Stop> {
        let ps = self.rt_fn("runtime.panicslice")?;
        self.call_at(ret, ps, &[])?;
        self.panicstring(ps, "slice bounds out of range")
    }
}
