//! string.goc: comparing strings, which `==`, `!=`, `<`... on strings
//! compile to (a switch on a string too), concatenating them, and making
//! one of a byte slice.

use crate::asm::Caller;
use crate::proc::Runtime;
use crate::slice::SliceHdr;
use crate::{Addr, Stop};

impl Runtime {
    /// runtime·gostringnocopy(s): a Go string over the C string at `s`,
    /// its length from findnull (the bytes are not copied).
    pub(crate) fn gostringnocopy(&mut self, caller: Caller, s: Addr) -> Result<(), Stop> {
        let (nocopy, findnull) = (self.rf.gostringnocopy, self.rf.findnull);
        self.call(caller, nocopy, &[s])?;
        self.call_leaf(nocopy, findnull, &[s])?;
        self.leave(nocopy)
    }

    /// runtime·cmpstring(s1, s2) from Go code, returning to `ret`: the
    /// static cmpstring compares byte by byte, then by length; -1, 0, 1.
    pub fn cmpstring(&mut self, ret: Addr, s1: &str, s2: &str) -> Result<i64, Stop> {
        let f = self.rt_fn("runtime.cmpstring")?;
        let (l1, l2) = (s1.len() as u64, s2.len() as u64);
        self.call_at(ret, f, &[0, l1, 0, l2, 0])?;
        let inner = self.rt_fn("cmpstring")?;
        self.call(f, inner, &[0, l1, 0, l2])?;
        let v = match s1.as_bytes().cmp(s2.as_bytes()) {
            std::cmp::Ordering::Less => -1,
            std::cmp::Ordering::Equal => 0,
            std::cmp::Ordering::Greater => 1,
        };
        self.leave(inner)?;
        self.leave(f)?;
        Ok(v)
    }
}

impl Runtime {
    /// runtime·slicestring(si, lindex, hindex) (`s[lo:hi]`) or, without
    /// `hi`, runtime·slicestring1(si, lindex) (`s[lo:]`), from Go code
    /// returning to `ret`, on a string of `len` bytes: out of bounds
    /// (lindex < 0, past the end, or hindex < lindex), runtime·panicslice;
    /// else the result shares si's bytes (so.str = si.str + lindex).
    pub fn slicestring(
        &mut self,
        ret: Addr,
        len: u64,
        lo: i64,
        hi: Option<i64>,
    ) -> Result<(), Stop> {
        let name = if hi.is_some() {
            "runtime.slicestring"
        } else {
            "runtime.slicestring1"
        };
        let f = self.tab.lookup(name).expect("checked by the caller");
        let mut args = vec![0, len, lo as u32 as u64];
        args.extend(hi.map(|h| h as u32 as u64));
        self.call_at(ret, f, &args)?;
        let len = len as i64;
        let bad = match hi {
            Some(hi) => lo < 0 || lo > len || hi < lo || hi > len,
            None => lo < 0 || lo > len,
        };
        if bad {
            return self.panicslice(f);
        }
        self.leave(f)
    }

    /// runtime·concatstring(n, s1, ..., sn) (textflag 7) from Go code,
    /// returning to `ret`, for `a + b + ...` on strings (6g flattens the
    /// chain into one call): the static concatstring sums the lengths,
    /// gostringsize mallocs the result (a byte more, for a NUL; nothing
    /// for an empty one) and mcpy copies each part in.
    pub fn concatstring(&mut self, ret: Addr, parts: &[&str]) -> Result<String, Stop> {
        let f = self.rt_fn("runtime.concatstring")?;
        let n = parts.len() as u64;
        self.call_at(ret, f, &[n])?;
        let inner = self.rt_fn("concatstring")?;
        self.call(f, inner, &[n, 0])?;
        let out: String = parts.concat();
        self.gostringsize(inner, out.len() as u64)?;
        let mcpy = self.rt_fn("runtime.mcpy")?;
        for p in parts {
            self.call(inner, mcpy, &[0, 0, p.len() as u64])?;
            self.leave(mcpy)?;
        }
        self.leave(inner)?;
        self.leave(f)?;
        Ok(out)
    }

    /// runtime·slicebytetostring(b) from Go code, `string(b)` of a byte
    /// slice of `len` bytes: gostringsize, then mcpy.
    pub fn slicebytetostring(&mut self, ret: Addr, len: u64) -> Result<(), Stop> {
        let f = self.rt_fn("runtime.slicebytetostring")?;
        self.call_at(ret, f, &[0, len | len << 32])?;
        self.gostringsize(f, len)?;
        let mcpy = self.rt_fn("runtime.mcpy")?;
        self.call(f, mcpy, &[0, 0, len])?;
        self.leave(mcpy)?;
        self.leave(f)
    }

    /// runtime·stringtoslicebyte(s) from Go code, `[]byte(s)` of a
    /// string of `len` bytes: the array from mallocgc(FlagNoPointers),
    /// then mcpy. Returns its address.
    pub fn stringtoslicebyte(&mut self, ret: Addr, len: u64) -> Result<Addr, Stop> {
        let f = self.rt_fn("runtime.stringtoslicebyte")?;
        self.call_at(ret, f, &[0, len])?;
        let array =
            self.mallocgc_dogc(f, len as u32, crate::malloc::FLAG_NO_POINTERS, true, true)?;
        let mcpy = self.rt_fn("runtime.mcpy")?;
        self.call(f, mcpy, &[array, 0, len])?;
        self.leave(mcpy)?;
        self.leave(f)?;
        Ok(array)
    }

    /// runtime·stringtosliceint(s) from Go code, `[]int(s)` of a string
    /// of `nrunes` runes and `len` bytes: charntorune over it to count
    /// them, the array from mallocgc(FlagNoPointers), charntorune again
    /// to fill it. Returns the array's address.
    pub fn stringtosliceint(&mut self, ret: Addr, len: u64, nrunes: u32) -> Result<Addr, Stop> {
        let f = self.rt_fn("runtime.stringtosliceint")?;
        self.call_at(ret, f, &[0, len])?;
        let ctr = self.rt_fn("runtime.charntorune")?;
        for _ in 0..nrunes {
            self.call_leaf(crate::asm::at(f, 298), ctr, &[0, 0, 0])?;
        }
        let array = self.mallocgc_dogc(
            crate::asm::at(f, 302),
            nrunes * 4,
            crate::malloc::FLAG_NO_POINTERS,
            true,
            true,
        )?;
        for _ in 0..nrunes {
            self.call_leaf(crate::asm::at(f, 308), ctr, &[0, 0, 0])?;
        }
        self.leave(f)?;
        Ok(array)
    }

    /// runtime·sliceinttostring(b) from Go code, `string(r)` of the runes
    /// of `b` that encode to `len` bytes: runetochar of each to count the
    /// bytes, gostringsize(len + 4), runetochar of each again to write.
    pub fn sliceinttostring(&mut self, ret: Addr, b: SliceHdr, len: u64) -> Result<(), Stop> {
        let f = self.rt_fn("runtime.sliceinttostring")?;
        self.call_at(ret, f, &b.words())?;
        let rtc = self.rt_fn("runtime.runetochar")?;
        let nrunes = b.len;
        for _ in 0..nrunes {
            self.call_leaf(crate::asm::at(f, 269), rtc, &[0, 0])?;
        }
        self.gostringsize(f, len + 4)?;
        for _ in 0..nrunes {
            self.call_leaf(crate::asm::at(f, 278), rtc, &[0, 0])?;
        }
        self.leave(f)
    }

    /// runtime·stringiter(s, k) or, with `two`, stringiter2(s, k) from Go
    /// code, a range over a string: past the end, 0 (and rune 0); an ASCII
    /// byte is its own rune; else charntorune decodes the rune (an invalid
    /// sequence as U+FFFD, one byte long). Returns the next index and the
    /// rune.
    pub fn stringiter(
        &mut self,
        ret: Addr,
        two: bool,
        s: &[u8],
        k: i64,
    ) -> Result<(i64, i64), Stop> {
        let name = if two {
            "runtime.stringiter2"
        } else {
            "runtime.stringiter"
        };
        let f = self.rt_fn(name)?;
        self.call_at(ret, f, &[0, s.len() as u64, k as u64])?;
        let Some(&b) = usize::try_from(k).ok().and_then(|i| s.get(i)) else {
            self.leave(f)?;
            return Ok((0, 0));
        };
        if b < 0x80 {
            self.leave(f)?;
            return Ok((k + 1, i64::from(b)));
        }
        let ctr = self.rt_fn("runtime.charntorune")?;
        self.call(f, ctr, &[0, 0, (s.len() as i64 - k) as u64])?;
        self.leave(ctr)?;
        self.leave(f)?;
        let rest = &s[k as usize..];
        let (rune, n) = match std::str::from_utf8(&rest[..rest.len().min(4)]) {
            Ok(t) => t
                .chars()
                .next()
                .map_or((0xfffd, 1), |c| (c as i64, c.len_utf8())),
            Err(e) if e.valid_up_to() > 0 => {
                let t = std::str::from_utf8(&rest[..e.valid_up_to()]).expect("valid");
                let c = t.chars().next().expect("a rune");
                (c as i64, c.len_utf8())
            }
            Err(_) => (0xfffd, 1),
        };
        Ok((k + n as i64, rune))
    }

    /// runtime·intstring(v) from Go code, `string(v)` of an integer:
    /// gostringsize(8), then runetochar writes the rune's UTF-8 (an
    /// invalid one as U+FFFD, rune.c's Runeerror).
    pub fn intstring(&mut self, ret: Addr, v: i64) -> Result<String, Stop> {
        let f = self.rt_fn("runtime.intstring")?;
        self.call_at(ret, f, &[v as u64])?;
        self.gostringsize(f, 8)?;
        let rtc = self.rt_fn("runtime.runetochar")?;
        self.call(f, rtc, &[0, v as u64])?;
        self.leave(rtc)?;
        self.leave(f)?;
        Ok(rune_string(v))
    }

    /// runtime·catstring(s1, s2) from `caller`: either one when the other
    /// is empty, else gostringsize of both lengths and an mcpy of each.
    pub(crate) fn catstring(
        &mut self,
        caller: crate::symtab::FuncId,
        s1: &str,
        s2: &str,
    ) -> Result<String, Stop> {
        let f = self.rt_fn("runtime.catstring")?;
        self.call(caller, f, &[0, s1.len() as u64, 0, s2.len() as u64])?;
        if !s1.is_empty() && !s2.is_empty() {
            self.gostringsize(f, (s1.len() + s2.len()) as u64)?;
            let mcpy = self.rt_fn("runtime.mcpy")?;
            for (line, s) in [(108, s1), (109, s2)] {
                self.call(crate::asm::at(f, line), mcpy, &[0, 0, s.len() as u64])?;
                self.leave(mcpy)?;
            }
        }
        self.leave(f)?;
        Ok([s1, s2].concat())
    }

    /// gostringsize(l) from `caller`: mal(l+1), or the empty string.
    fn gostringsize(&mut self, caller: crate::symtab::FuncId, len: u64) -> Result<(), Stop> {
        let size = self.rt_fn("runtime.gostringsize")?;
        self.call(caller, size, &[len])?;
        if len > 0 {
            self.mal(size, len as u32 + 1)?;
        }
        self.leave(size)
    }
}

/// The UTF-8 string of rune `v`, as runetochar writes it (it takes the
/// rune as an int32, then as a uint32) and const.c folds a constant one:
/// anything that is not a rune becomes U+FFFD.
pub(crate) fn rune_string(v: i64) -> String {
    let c = u32::try_from(v as i32).ok().and_then(char::from_u32);
    c.unwrap_or(char::REPLACEMENT_CHARACTER).to_string()
}
