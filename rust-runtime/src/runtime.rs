//! runtime.c: runtime·check, which rt0 calls first, what the collector
//! calls of it (getenv and nanotime), and algarray, the hash, equal and
//! copy functions of each kind of type that maps and interfaces call
//! indirectly.

use crate::asm::Caller;
use crate::proc::Runtime;
use crate::symtab::FuncId;
use crate::{Addr, Stop};

/// The algarray entries of the values the twin's programs hold (subr.c's
/// algtype): AMEM (bytes: memhash, memequal, memcopy), AMEMWORD (a word:
/// memhash, memwordequal, memwordcopy), ASTRING (strhash, strequal;
/// memcopy), ANOEQ (structs and arrays: nohash and noequal, which panic;
/// memcopy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    Mem,
    MemWord,
    Str,
    NoEq,
}

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

    /// algarray[alg].equal(size, a, b) called at `ret` (an indirect
    /// call) on two values whose equality the caller knows (`same`):
    /// memequal or memwordequal; strequal, which calls memequal when the
    /// lengths (`lens`) agree; noequal, which panics "comparing
    /// uncomparable types".
    pub(crate) fn alg_equal(
        &mut self,
        ret: Addr,
        alg: Alg,
        size: u32,
        lens: (usize, usize),
        same: bool,
    ) -> Result<bool, Stop> {
        let size = u64::from(size);
        let name = match alg {
            Alg::Mem => "memequal",
            Alg::MemWord => "memwordequal",
            Alg::Str => "strequal",
            Alg::NoEq => "runtime.noequal",
        };
        let f = self.rt_fn(name)?;
        self.call_at(ret, f, &[size, 0, 0])?;
        match alg {
            Alg::NoEq => return self.panicstring(f, "comparing uncomparable types"),
            Alg::Str if lens.0 == lens.1 => {
                let me = self.rt_fn("memequal")?;
                self.call_leaf(f, me, &[lens.0 as u64, 0, 0])?;
            }
            _ => {}
        }
        self.leave(f)?;
        Ok(same)
    }
}
