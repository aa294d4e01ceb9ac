//! linux/thread.c: runtime·lock and runtime·unlock over futexlock.
//!
//! A Lock is a key word: bit 0 held, the rest twice the number of
//! waiters. There is no owner: an M that takes a lock it already holds
//! registers as a waiter and sleeps in the kernel forever. With the one M
//! of GOMAXPROCS=1 nothing can ever wake it, which the twin knows at once;
//! it then ends the run the way the real hang ends, with SIGQUIT.

use crate::asm::Caller;
use crate::proc::Runtime;
use crate::symtab::FuncId;
use crate::{Addr, Stop};

/// The runtime's locks on the modelled paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockId {
    /// runtime·sched's lock.
    Sched,
    /// malloc.goc's `stacks` (a Lock followed by its FixAlloc).
    Stacks,
    /// A channel's lock.
    Chan(crate::chan::ChanId),
    /// iface.c's ifacelock, around itab's cache.
    Iface,
    /// mfinal.c's finlock, around the finalizer table.
    Fin,
    /// sema.c's semlock, around the semaphore wait list.
    Sem,
    /// mprof.goc's proflock, around the profile's buckets.
    Prof,
    /// runtime·mheap's lock.
    Heap,
    /// The MCentral of a size class (runtime·mheap.central\[k\]).
    Central(u8),
}

/// Where the static locks lie, as tracebacks print them: the twin's own
/// addresses until [`Runtime::place_data`] gives the binary's.
#[derive(Debug, Clone, Copy)]
pub struct Statics {
    pub sched: Addr,
    pub stacks: Addr,
    pub ifacelock: Addr,
    pub finlock: Addr,
    pub semlock: Addr,
    pub proflock: Addr,
    /// sigqueue.goc's `sig`, whose first word is its Note's Lock.
    pub sig: Addr,
    /// runtime·mheap (its Lock is its first word).
    pub mheap: Addr,
}

/// Where runtime·mheap.central[0] lies from runtime·mheap, and the stride
/// of the array (sizeof the union of MCentral and its 64-byte pad):
/// measured from MCache_Alloc in the fixtures' binaries, `LEAQ
/// central(k*0xa8)` against nm's runtime·mheap (malloc.h is the same in
/// both variants).
const MHEAP_CENTRAL: u64 = 0x200_4880;
const MCENTRAL_STRIDE: u64 = 0xa8;

impl Default for Statics {
    fn default() -> Self {
        Statics {
            sched: 0x42_9d20,
            stacks: 0x42_9cd0,
            ifacelock: 0x42_9d70,
            finlock: 0x42_9d90,
            semlock: 0x42_9bd8,
            proflock: 0x42_9bb0,
            sig: 0x42_9c50,
            mheap: 0x43_6ce0,
        }
    }
}

/// A Lock's key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lock {
    pub key: u32,
}

impl Runtime {
    fn lock_of(&mut self, l: LockId) -> &mut Lock {
        match l {
            LockId::Sched => &mut self.sched.lock,
            LockId::Stacks => &mut self.stacks_lock,
            LockId::Chan(c) => self.chan_lock(c),
            LockId::Iface => &mut self.ifaces.ifacelock,
            LockId::Fin => &mut self.finlock,
            LockId::Sem => &mut self.semlock,
            LockId::Prof => &mut self.proflock,
            LockId::Heap => &mut self.heap.lock,
            LockId::Central(k) => &mut self.heap.central_locks[usize::from(k)],
        }
    }

    /// The address of a lock, as its callers pass it.
    pub(crate) fn lock_addr(&self, l: LockId) -> Addr {
        match l {
            LockId::Sched => self.statics.sched,
            LockId::Stacks => self.statics.stacks,
            LockId::Chan(c) => self.chan_lock_addr(c),
            LockId::Iface => self.statics.ifacelock,
            LockId::Fin => self.statics.finlock,
            LockId::Sem => self.statics.semlock,
            LockId::Prof => self.statics.proflock,
            LockId::Heap => self.statics.mheap,
            LockId::Central(k) => {
                self.statics.mheap + MHEAP_CENTRAL + u64::from(k) * MCENTRAL_STRIDE
            }
        }
    }

    /// Whether any lock is held (the property tests' invariant between
    /// goroutine steps).
    pub fn any_lock_held(&self) -> bool {
        self.m.locks != 0
            || self.sched.lock.key != 0
            || self.stacks_lock.key != 0
            || self.heap.lock.key != 0
            || self.heap.central_locks.iter().any(|l| l.key != 0)
            || self.chans.iter().any(|c| c.lock.key != 0)
    }

    /// runtime·lock: m->locks++, then futexlock.
    pub(crate) fn lock(&mut self, caller: impl Into<Caller>, l: LockId) -> Result<(), Stop> {
        let f = self.rf.lock;
        let addr = self.lock_addr(l);
        self.call(caller, f, &[addr])?;
        if self.m.locks < 0 {
            return self.throw(f, "lock count");
        }
        self.m.locks += 1;
        self.futexlock(l, addr)?;
        self.leave(f)
    }

    /// futexlock: take the lock if its bit is clear; else add a waiter and
    /// sleep. The only M is the one asking, so the sleep never ends: the
    /// process hangs, and the twin answers with what SIGQUIT prints. `addr`
    /// is the lock's address.
    fn futexlock(&mut self, l: LockId, addr: Addr) -> Result<(), Stop> {
        let f = self.rf.futexlock;
        self.call(self.rf.lock, f, &[addr])?;
        let key = self.lock_of(l).key;
        if key & 1 == 0 {
            self.futexlock_free(addr, key)?;
            self.lock_of(l).key = key | 1;
            return self.leave(f);
        }
        // Held: count ourselves a waiter, cas(&l->key, v, v+2) (line 107).
        self.cas(f, (107, 107), addr, key, key + 2)?;
        self.lock_of(l).key = key + 2;
        let sleep = self.rf.futexsleep;
        self.call(f, sleep, &[addr, u64::from(key + 2)])?;
        let futex = self.rf.futex;
        self.call(sleep, futex, &[])?;
        Err(self.hang())
    }

    /// futexlock's way with a lock whose bit is clear: it takes it with
    /// runtime·cas(&l->key, v, v|1) (thread.c line 99).
    fn futexlock_free(&mut self, addr: Addr, key: u32) -> Result<(), Stop> {
        self.cas(self.rf.futexlock, (99, 99), addr, key, key | 1)
    }

    /// runtime·noteclear(n) from `caller`: n->lock.key = 0, then
    /// futexlock(&n->lock), which takes the cleared lock at once. A Note
    /// stays locked until notewakeup; the one the twin clears, `sig`'s,
    /// is never woken (no program asks for signals), so its key is not
    /// kept.
    pub(crate) fn noteclear(&mut self, caller: impl Into<Caller>, n: Addr) -> Result<(), Stop> {
        let (nc, fl) = (self.rf.noteclear, self.rf.futexlock);
        self.call(caller, nc, &[n])?;
        self.call(nc, fl, &[n])?;
        self.futexlock_free(n, 0)?;
        self.leave(fl)?;
        self.leave(nc)
    }

    /// runtime·unlock: m->locks--, then futexunlock, which clears the bit
    /// (and would wake a waiter; with one M there never is one to wake).
    pub(crate) fn unlock(&mut self, caller: impl Into<Caller>, l: LockId) -> Result<(), Stop> {
        let f = self.rf.unlock;
        let addr = self.lock_addr(l);
        self.call(caller, f, &[addr])?;
        self.m.locks -= 1;
        if self.m.locks < 0 {
            return self.throw(f, "lock count");
        }
        let fu = self.rf.futexunlock;
        self.call(f, fu, &[addr])?;
        let key = self.lock_of(l).key;
        if key & 1 == 0 {
            return self.throw(fu, "unlock of unlocked lock");
        }
        // runtime·cas(&l->key, v, v&~1) (line 144).
        self.cas(fu, (144, 144), addr, key, key & !1)?;
        self.lock_of(l).key = key & !1;
        self.leave(fu)?;
        self.leave(f)
    }

    /// runtime·cas(val, old, new) (amd64/asm.s, no split check, no frame)
    /// called from `caller` at its call on `line`: only its CALL's words
    /// are left on the stack. The caller sets the value itself.
    pub(crate) fn cas(
        &mut self,
        caller: FuncId,
        line: (u32, u32),
        val: Addr,
        old: u32,
        new: u32,
    ) -> Result<(), Stop> {
        let cas = self.rf.cas;
        let ret = self.site_line(caller, cas, line);
        self.call_at(ret, cas, &[val, u64::from(old) | u64::from(new) << 32])?;
        self.leave(cas)
    }
}
