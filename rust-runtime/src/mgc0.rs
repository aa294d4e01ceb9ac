//! mgc0.c: a collection's calls. The twin keeps heap objects as Rust
//! values, not words, so it has no pointer graph to mark: it frees
//! nothing, and of mark's and sweep's calls it makes those whose number
//! follows from what it knows — scanblock of data and bss, a scanstack and
//! a scanblock per segment for each G that is not dead, walkfintab's
//! markfin for each finalizer — at the depths the real ones run at (a
//! collection runs on the goroutine that allocated, so its frames can
//! split that goroutine's stack). Not modelled: what scanblock calls
//! (getempty, getfull, and getempty's SysAlloc of the first work buffers:
//! how many follows from what the heap points at) and sweep's frees. The
//! work buffers' mapping itself is (in mark).

use crate::asm::{at, at2, Caller};
use crate::malloc::Linked;
use crate::proc::{Runtime, Status};
use crate::signal::Fault;
use crate::symtab::FuncId;
use crate::Stop;

impl Runtime {
    /// runtime·gc(0), from mallocgc once heap_alloc reaches next_gc. The
    /// first collection reads $GOGC and $GOGCTRACE (getenv; the harness
    /// runs the program with only PATH set, so both are nil and gcpercent
    /// is 100). Then semacquire(&gcsema), stoptheworld, cachestats, mark,
    /// sweep, stealcache (every cached object back to its span), next_gc
    /// = twice the heap in use, cachestats, semrelease, starttheworld,
    /// with nanotime around the phases. No finalizer is ever queued (the
    /// twin sweeps nothing), so runfinq's goroutine is never started.
    /// Both variants alike (mgc0.c's lines from mark's Gstackalloc case
    /// on are one further in post-1547). Before initdone, while a lock is
    /// held or while panicking it returns at once, called all the same.
    pub(crate) fn gc(&mut self, caller: FuncId) -> Result<(), Stop> {
        let f = self.rf.gc;
        self.call(caller, f, &[0])?;
        if !self.heap.enablegc || self.m.locks > 0 || self.panicking {
            return self.leave(f);
        }
        if self.heap.numgc == 0 {
            // gcpercent == -2: the first time through.
            self.getenv(at2(f, 538, 539))?;
            self.getenv(at2(f, 546, 547))?;
        }
        self.semacquire(at2(f, 553, 554))?;
        self.nanotime(at2(f, 559, 560))?;
        self.m.gcing = true;
        self.stoptheworld(at2(f, 565, 566))?;
        let cs = self.rf.cachestats;
        self.call_leaf(at2(f, 569, 570), cs, &[])?;
        self.heap.fold();
        self.mark(at2(f, 573, 574))?;
        self.nanotime(at2(f, 574, 575))?;
        let sw = self.rf.sweep;
        self.call_leaf(at2(f, 575, 576), sw, &[])?;
        self.nanotime(at2(f, 576, 577))?;
        self.stealcache(at2(f, 577, 578))?;
        self.heap.next_gc = self.heap.heap_alloc * 2;
        self.m.gcing = false;
        self.call_leaf(at2(f, 595, 596), cs, &[])?;
        self.heap.fold();
        self.nanotime(at2(f, 599, 600))?;
        self.heap.numgc += 1;
        self.semrelease(at2(f, 614, 615))?;
        self.starttheworld(at2(f, 615, 616))?;
        self.leave(f)
    }

    /// mark: scanblock of data and of bss (the blocks' bounds are not
    /// modelled: 0), scanstack of every G on allg (newest first) that is
    /// not dead — from the Grunning case for the one collecting (and, in
    /// post-1547, one in Gstackalloc), else from the Grunnable/Gwaiting
    /// case — then walkfintab(markfin). A G in any other state makes the
    /// real one throw.
    fn mark(&mut self, caller: Caller) -> Result<(), Stop> {
        let (mk, sb) = (self.rf.mark, self.rf.scanblock);
        self.call(caller, mk, &[])?;
        if self.heap.numgc == 0 {
            // The first collection's scanblock of data queues the first
            // object it finds (gdb on pingpong: getempty's first call is
            // from there): getempty maps the work buffers' chunk (SysAlloc
            // of 1 MB; the call is not modelled), which later collections
            // reuse. Later FixAlloc chunks lie below it.
            self.heap.map_work_chunk();
        }
        self.call_leaf(at(mk, 370), sb, &[0, 0])?;
        self.call_leaf(at(mk, 371), sb, &[0, 0])?;
        let mut gp = self.allg;
        while let Some(g) = gp {
            match self.gs[g].status {
                Status::Dead => {}
                Status::Running | Status::Recovery | Status::Stackalloc => {
                    self.scanstack(at2(mk, 385, 386), g)?;
                }
                Status::Runnable | Status::Syscall | Status::Waiting => {
                    self.scanstack(at2(mk, 390, 391), g)?;
                }
                Status::Idle | Status::Moribund => return self.throw(mk, "mark - bad status"),
            }
            gp = self.gs[g].alllink;
        }
        self.walkfintab(at2(mk, 396, 397))?;
        self.leave(mk)
    }

    /// scanstack(gp): scanblock of each stack segment, following the
    /// Stktops from gp->stackbase until one's stackbase is 0 (a
    /// reflect·call Stktop inside a segment counts as one).
    fn scanstack(&mut self, caller: Caller, g: crate::proc::GId) -> Result<(), Stop> {
        let (ss, sb) = (self.rf.scanstack, self.rf.scanblock);
        let addr = self.gs[g].addr;
        self.call(caller, ss, &[addr])?;
        let mut stk = self.gs[g].stackbase;
        while stk != 0 {
            self.call_leaf(ss, sb, &[0, 0])?;
            stk = self.read_stktop(stk).stackbase;
        }
        self.leave(ss)
    }

    /// markfin(v), walkfintab's `fn` for each finalizer: mlookup(v, &v,
    /// &size, nil), blockspecial(v), scanblock of the object (which
    /// object the entry holds is not modelled: 0).
    pub(crate) fn markfin(&mut self) -> Result<(), Stop> {
        let (mf, bs, sb) = (self.rf.markfin, self.rf.blockspecial, self.rf.scanblock);
        self.mlookup(at(mf, 354), 0)?;
        self.call_leaf(at(mf, 354), bs, &[0])?;
        self.call_leaf(at(mf, 358), sb, &[0, 0])
    }

    /// stealcache: MCache_ReleaseAll of the one M's cache, which gives
    /// each class's list back with ReleaseN. A link a signal frame wrote
    /// into a cached block is followed by ReleaseN's cut: where it leads
    /// nowhere mapped, the fault is a Go fault in the collector
    /// (sigpanic's panicstring throws "panic during gc", or "fault" past
    /// the first page).
    fn stealcache(&mut self, caller: Caller) -> Result<(), Stop> {
        let (sc, ra) = (self.rf.stealcache, self.rf.mcache_releaseall);
        self.call(caller, sc, &[])?;
        self.call(sc, ra, &[0])?;
        for k in 0..self.heap.nclasses() {
            if let Some((trouble, after_loop)) = self.heap.release_trouble(k) {
                return Err(self.release_fault(ra, k, trouble, after_loop));
            }
            let frees = self.heap.steal_class(k);
            self.release_n(ra.into(), k, &frees)?;
        }
        self.leave(ra)?;
        self.leave(sc)
    }

    /// ReleaseN of class `k` entered from MCache_ReleaseAll `ra`, reading
    /// through a link that leads where `trouble` says: in the cut's loop
    /// (mcache.c:64, where the real traceback puts that fault), or, the
    /// next-to-last object's link, in `l->list = *lp` after it (:66).
    fn release_fault(&mut self, ra: FuncId, k: usize, trouble: Linked, after_loop: bool) -> Stop {
        let rn = self.rf.release_n;
        if let Err(stop) = self.call(ra, rn, &[0, 0, 0, k as u64]) {
            return stop;
        }
        let line = if after_loop { 66 } else { 64 };
        let pc = self.tab.entry(rn) + u64::from(self.tab.get_mut(rn).fault_site(line, line));
        match trouble {
            Linked::Fault(addr) if addr < 0x1000 => {
                match self.sighandler(pc, Fault::Nil { addr }) {
                    Err(stop) => stop,
                    Ok(()) => unreachable!("a collection's panic does not return"),
                }
            }
            Linked::Fault(addr) => self.runtime_fault(rn, addr),
            Linked::Block(_) | Linked::Unknown => {
                self.unmodelled =
                    Some("ReleaseN following a link a signal frame wrote, into the heap".into());
                Stop::End(crate::Ending::Exit(2))
            }
        }
    }
}
