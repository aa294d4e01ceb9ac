//! chan.c: channels and select.
//!
//! Wait queues are FIFO; a woken partner goes to the tail of the run
//! queue and the waker keeps running. On an unbuffered channel the value
//! passes through the waiter's SudoG; on a buffered one a woken waiter is
//! not handed anything and re-checks the buffer when it runs. Receives
//! see a close only once the buffer is drained.

use crate::asm::{at, Caller};
use crate::lock::{Lock, LockId};
use crate::proc::{GId, Resume, Runtime, Status};
use crate::symtab::FuncId;
use crate::{Addr, Stop};

/// sizeof(Hchan) on amd64; where its wait queues and its Lock sit.
const SIZEOF_HCHAN: u32 = 88;
const HCHAN_RECVQ_OFFSET: u64 = 40;
const HCHAN_SENDQ_OFFSET: u64 = 56;
const HCHAN_LOCK_OFFSET: u64 = 80;

/// sizeof(SudoG) on amd64, of which `elem` takes the last 8 bytes.
const SIZEOF_SUDOG: u32 = 32;

/// Where G's selgen sits (runtime.h), which dequeue's cas claims.
const G_SELGEN_OFFSET: u64 = 96;

/// A channel, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChanId(pub u32);

impl From<ChanId> for usize {
    fn from(c: ChanId) -> usize {
        c.0 as usize
    }
}

/// A goroutine waiting on a channel: chan.c's SudoG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SudoG {
    g: GId,
    /// The value a blocked sender offers, or a receiver is handed.
    elem: u64,
    /// g->selgen when queued: the SudoG is stale once it differs (the G
    /// was woken through another of its select's queues).
    selgen: u32,
    /// The select case (index in the address-sorted cases) it stands for.
    offset: u32,
    /// The next SudoG in its wait queue, or on its channel's free list.
    link: u32,
    /// Where allocsg's mal put it.
    addr: Addr,
}

/// No SudoG: the end of a wait queue or of the free list.
const NIL: u32 = u32::MAX;

/// Every SudoG, by index. A SudoG is never given back to the heap: freesg
/// puts it on its channel's free list, for that channel's next allocsg
/// (the collector, which the twin does not run, would free it with the
/// channel).
#[derive(Debug, Default)]
pub struct SudoGs {
    all: crate::Arena<SudoG>,
}

/// chan.c's WaitQ: a FIFO of SudoGs linked through their `link`.
#[derive(Debug, Clone, Copy)]
struct WaitQ {
    first: u32,
    last: u32,
}

impl Default for WaitQ {
    fn default() -> Self {
        WaitQ {
            first: NIL,
            last: NIL,
        }
    }
}

/// Which of a channel's wait queues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Queue {
    Recv,
    Send,
}

/// A buffered channel's circular queue of `dataqsiz` values (chan.c's
/// recvdataq, senddataq and qcount).
#[derive(Debug, Clone)]
struct Ring {
    vals: Box<[u64]>,
    /// Where the next receive takes its value.
    recvx: usize,
    qcount: usize,
}

/// chan.c's Hchan.
#[derive(Debug, Clone)]
pub struct Hchan {
    pub addr: Addr,
    pub dataqsiz: u32,
    /// The buffer of a buffered channel.
    buf: Option<Box<Ring>>,
    /// chan.c's `closed` bits: Wclosed (close has run) and Rclosed (a
    /// receive has returned a zero value because of the close, what the
    /// `closed(c)` builtin reports).
    closed: u8,
    /// Whether the element's alg is AMEMWORD (its copies go through
    /// memwordcopy; otherwise memcopy).
    memword: bool,
    recvq: WaitQ,
    sendq: WaitQ,
    /// The free list of SudoGs (allocsg, freesg).
    free: u32,
    /// The element's size (allocsg sizes a SudoG by it).
    elemsize: u16,
    pub(crate) lock: Lock,
    /// A signal frame wrote zeros over the whole Hchan (see
    /// [`Runtime::spill_chans`]): its elemalign is 0.
    pub(crate) zeroed: bool,
}

/// chan.c's closed bits.
const WCLOSED: u8 = 1;
const RCLOSED: u8 = 2;

impl Hchan {
    /// Wclosed: close has run.
    pub fn wclosed(&self) -> bool {
        self.closed & WCLOSED != 0
    }

    /// Rclosed: a receive has returned a zero value because of the close.
    pub fn rclosed(&self) -> bool {
        self.closed & RCLOSED != 0
    }

    /// len(c): values in the buffer.
    pub fn len(&self) -> usize {
        self.buf.as_ref().map_or(0, |b| b.qcount)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether a buffered channel's buffer is full.
    fn full(&self) -> bool {
        self.len() as u32 >= self.dataqsiz
    }

    /// Append to the buffer, which has room.
    fn push(&mut self, v: u64) {
        let b = self.buf.as_mut().expect("a buffered channel");
        b.vals[(b.recvx + b.qcount) % b.vals.len()] = v;
        b.qcount += 1;
    }

    /// Take the oldest value in the buffer.
    fn pop(&mut self) -> Option<u64> {
        let b = self.buf.as_mut().filter(|b| b.qcount > 0)?;
        let v = b.vals[b.recvx];
        b.recvx = (b.recvx + 1) % b.vals.len();
        b.qcount -= 1;
        Some(v)
    }
}

/// What a blocked channel operation resumes into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChanOp {
    Send(ChanId),
    /// A receive, and the function that called chanrecv (chanrecv1 or
    /// chanrecv3).
    Recv(ChanId, crate::symtab::FuncId),
    Select,
}

/// One case of a select, in source order; `None` stands for a nil
/// channel, which the compiled code leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelCase {
    Send(ChanId, u64),
    Recv(ChanId),
    Default,
}

/// A case after newselect/selectsend/selectrecv: chan.c's Scase.
#[derive(Debug, Clone, Copy)]
struct Scase {
    case: SelCase,
    /// Its index in the source.
    index: usize,
    /// The Hchan address it sorts by (0 for default).
    addr: Addr,
    /// A receive's `u.elemp` is not nil: the case stores the value.
    target: bool,
}

/// A select parked in selectgo: its cases sorted by channel address and
/// the permuted order pass 1 scans them in.
#[derive(Debug, Clone)]
pub struct Select {
    scase: Vec<Scase>,
    order: Vec<usize>,
    /// What newselect and the case calls took from mal (the Select, then
    /// each Scase) and their sizes, which freesel gives back.
    objects: Vec<(Addr, u32)>,
}

/// How the compiled code sets a select up before selectgo: the return
/// addresses of its runtime·newselect call and of each case's
/// selectsend/selectrecv/selectdefault call (source order, nil channels
/// included), each send's element size and copy (memword), and whether a
/// receive stores its value.
#[derive(Debug, Clone, Default)]
pub struct SelectSetup {
    pub newselect: Addr,
    pub cases: Vec<(Addr, u32, bool, bool)>,
}

/// sizeof(Select) and sizeof(Scase) (chan.c, amd64).
const SIZEOF_SELECT: u32 = 32;
const SIZEOF_SCASE: u32 = 32;

/// chan.c's process-wide fastrand1 seed (a static, not per-M, at these
/// commits).
pub const FASTRAND_SEED: u32 = 0x49f6_428a;

impl Runtime {
    pub(crate) fn chan_lock(&mut self, c: ChanId) -> &mut Lock {
        &mut self.chans[c].lock
    }

    fn queue(&mut self, c: ChanId, q: Queue) -> &mut WaitQ {
        match q {
            Queue::Recv => &mut self.chans[c].recvq,
            Queue::Send => &mut self.chans[c].sendq,
        }
    }

    /// The address of a wait queue (an argument of the queue functions).
    fn queue_addr(&self, c: ChanId, q: Queue) -> Addr {
        self.chans[c].addr
            + match q {
                Queue::Recv => HCHAN_RECVQ_OFFSET,
                Queue::Send => HCHAN_SENDQ_OFFSET,
            }
    }

    /// `c->elemalg->copy(c->elemsize, dst, src)` in `f`, its `nth`
    /// indirect call: memwordcopy or memcopy by the element's alg. (The
    /// pointers it gets are not modelled: 0.)
    fn elem_copy(&mut self, f: FuncId, nth: usize, c: ChanId) -> Result<(), Stop> {
        let t = copy_ref(u32::from(self.chans[c].elemsize), self.chans[c].memword);
        self.alg_copy(f, nth, t)
    }

    /// allocsg(c), called from `f`: a SudoG for the current G, from the
    /// channel's free list, else mal'd with room for the element
    /// (sizeof(SudoG) + elemsize - sizeof(sg->elem)). It holds `elem`, a
    /// sender's value. Returns its index.
    fn allocsg(&mut self, f: impl Into<Caller>, c: ChanId, elem: u64) -> Result<u32, Stop> {
        let a = self.rf.allocsg;
        self.call(f, a, &[self.chans[c].addr])?;
        let g = self.g;
        let selgen = self.gs[g].selgen;
        let i = match self.chans[c].free {
            NIL => {
                let size = SIZEOF_SUDOG + u32::from(self.chans[c].elemsize) - 8;
                let addr = self.mal(a, size)?;
                self.sudogs.all.push(SudoG {
                    g,
                    elem,
                    selgen,
                    offset: 0,
                    link: NIL,
                    addr,
                }) as u32
            }
            i => {
                let sg = &mut self.sudogs.all[i as usize];
                self.chans[c].free = sg.link;
                *sg = SudoG {
                    g,
                    elem,
                    selgen,
                    offset: 0,
                    link: NIL,
                    addr: sg.addr,
                };
                i
            }
        };
        self.leave(a)?;
        Ok(i)
    }

    /// freesg(c, sg), called from `f`: the SudoG goes on the channel's
    /// free list.
    fn freesg(&mut self, f: impl Into<Caller>, c: ChanId, sg: u32) -> Result<(), Stop> {
        let fs = self.rf.freesg;
        let addr = self.sudogs.all[sg as usize].addr;
        self.call(f, fs, &[self.chans[c].addr, addr])?;
        self.sudogs.all[sg as usize].link = self.chans[c].free;
        self.chans[c].free = sg;
        self.leave(fs)
    }

    /// enqueue(q, sg), called from `f`: at the queue's tail.
    fn enqueue(&mut self, f: impl Into<Caller>, c: ChanId, q: Queue, sg: u32) -> Result<(), Stop> {
        let e = self.rf.enqueue;
        let addr = self.sudogs.all[sg as usize].addr;
        self.call(f, e, &[self.queue_addr(c, q), addr])?;
        let mut wq = *self.queue(c, q);
        match wq.last {
            NIL => wq.first = sg,
            last => self.sudogs.all[last as usize].link = sg,
        }
        wq.last = sg;
        *self.queue(c, q) = wq;
        self.leave(e)
    }

    /// dequeue(q, c), called from `f`: the first waiter still valid,
    /// claimed by runtime·cas on its G's selgen; a stale one (its select
    /// was woken through another channel) is freed. Returns its index.
    fn dequeue(&mut self, f: impl Into<Caller>, c: ChanId, q: Queue) -> Result<Option<u32>, Stop> {
        let d = self.rf.dequeue;
        self.call(f, d, &[self.queue_addr(c, q), self.chans[c].addr])?;
        let got = loop {
            let i = self.queue(c, q).first;
            if i == NIL {
                break None;
            }
            let sg = self.sudogs.all[i as usize];
            let wq = self.queue(c, q);
            wq.first = sg.link;
            if wq.first == NIL {
                wq.last = NIL;
            }
            let selgen = self.gs[sg.g].addr + G_SELGEN_OFFSET;
            self.cas(
                d,
                (1021, 1021),
                selgen,
                sg.selgen,
                sg.selgen.wrapping_add(1),
            )?;
            let g = &mut self.gs[sg.g];
            if g.selgen == sg.selgen {
                g.selgen = g.selgen.wrapping_add(1);
                break Some(i);
            }
            self.freesg(d, c, i)?;
        };
        self.leave(d)?;
        Ok(got)
    }

    /// dequeueg(q, c), called from selectgo: take the current G's first
    /// SudoG off a queue and free it.
    fn dequeueg(&mut self, c: ChanId, q: Queue) -> Result<(), Stop> {
        let d = self.rf.dequeueg;
        self.call(
            self.rf.selectgo,
            d,
            &[self.queue_addr(c, q), self.chans[c].addr],
        )?;
        let g = self.g;
        let mut wq = *self.queue(c, q);
        let (mut prev, mut i) = (NIL, wq.first);
        while i != NIL {
            let sg = self.sudogs.all[i as usize];
            if sg.g == g {
                match prev {
                    NIL => wq.first = sg.link,
                    prev => self.sudogs.all[prev as usize].link = sg.link,
                }
                if wq.last == i {
                    wq.last = prev;
                }
                *self.queue(c, q) = wq;
                self.freesg(d, c, i)?;
                break;
            }
            (prev, i) = (i, sg.link);
        }
        self.leave(d)
    }

    /// makechan(elemsize, hint) from Go code, for elements of `elemsize`
    /// bytes whose alg is AMEMWORD when `memword` (gc's algtype: a
    /// word-sized scalar, pointer, chan, func or map).
    pub fn makechan(
        &mut self,
        ret: Addr,
        elemsize: u32,
        memword: bool,
        hint: u32,
    ) -> Result<ChanId, Stop> {
        let f = self.rf.makechan;
        self.call_at(ret, f, &[0, u64::from(hint)])?;
        let c = self.rf.makechan_c;
        self.call(f, c, &[0, u64::from(hint)])?;
        let addr = self.mal(c, SIZEOF_HCHAN)?;
        self.addfinalizer(c, addr)?;
        for _ in 0..hint {
            // A Link: its next pointer, then the element in place of
            // `byte elem[8]` (sizeof(*d) + elem->size - sizeof(d->elem)).
            self.mal(at(c, 117), 8 + elemsize)?;
        }
        let id = ChanId(self.chans.len() as u32);
        self.chans.push(Hchan {
            addr,
            dataqsiz: hint,
            buf: (hint > 0).then(|| {
                Box::new(Ring {
                    vals: vec![0; hint as usize].into(),
                    recvx: 0,
                    qcount: 0,
                })
            }),
            closed: 0,
            memword,
            recvq: WaitQ::default(),
            sendq: WaitQ::default(),
            free: NIL,
            elemsize: u16::try_from(elemsize).unwrap_or(u16::MAX),
            lock: Lock::default(),
            zeroed: false,
        });
        self.leave(c)?;
        self.leave(f)?;
        Ok(id)
    }

    /// `c <- v` from Go code: chansend1 -> chansend. On `Err(Stop::Switch)`
    /// the goroutine blocked; the send is complete when it runs again.
    pub fn chansend(&mut self, ret: Addr, c: Option<ChanId>, v: u64) -> Result<(), Stop> {
        self.ops.sends += 1;
        let (f1, f) = (self.rf.chansend1, self.rf.chansend);
        let addr = c.map_or(0, |c| self.chans[c].addr);
        self.call_at(ret, f1, &[addr, v])?;
        let Some(c) = c else {
            return self.panicstring(f1, "send to nil channel");
        };
        // o = rnd(sizeof(c), c->elemalign); ae = (byte*)&c + o
        if self.chans[c].zeroed {
            // rnd's n % m with m 0: SIGFPE in rnd, on runtime.c's line 166.
            let rnd = self.rf.rnd;
            self.call(f1, rnd, &[8, 0])?;
            let off = self.tab.get_mut(rnd).fault_site(166, 166);
            let pc = self.tab.entry(rnd) + u64::from(off);
            return self.sighandler(pc, crate::signal::Fault::DivideByZero);
        }
        self.rnd(f1, 8, 8)?;
        let ae = self.argp(f1) + 8;
        self.call(f1, f, &[addr, ae, 0])?;
        self.lock(at(f, 184), LockId::Chan(c))?;
        self.send_locked(c, v, f1, false).map(|_| ())
    }

    /// chansend from its `loop:` label, the channel locked, called by
    /// `outer` (chansend1, or selectnbsend with `pres`: then it returns at
    /// once when the send cannot go now, with false). True when sent.
    fn send_locked(&mut self, c: ChanId, v: u64, outer: FuncId, pres: bool) -> Result<bool, Stop> {
        let f = self.rf.chansend;
        if self.chans[c].wclosed() {
            self.unlock(at(f, 267), LockId::Chan(c))?;
            return self.panicstring(f, "send on closed channel");
        }
        if self.chans[c].dataqsiz == 0 {
            if let Some(i) = self.dequeue(at(f, 192), c, Queue::Recv)? {
                // copy(sg->elem, ep); gp->param = sg: the receiver frees
                // the SudoG when it runs.
                self.elem_copy(f, 2, c)?;
                let gp = self.sudogs.all[i as usize].g;
                self.gs[gp].param = u64::from(i) + 1;
                self.gs[gp].set_result(v);
                self.unlock(at(f, 199), LockId::Chan(c))?;
                self.ready(at(f, 200), gp)?;
                return self.finish_send(outer, true);
            }
            if pres {
                self.unlock(at(f, 208), LockId::Chan(c))?;
                return self.finish_send(outer, false);
            }
            let sg = self.allocsg(at(f, 213), c, v)?;
            self.elem_copy(f, 3, c)?;
            self.gs[self.g].param = 0;
            self.enqueue(at(f, 218), c, Queue::Send, sg)?;
            return self.block(f, c, ChanOp::Send(c), 220).map(|()| true);
        }
        if self.chans[c].full() {
            if pres {
                self.unlock(at(f, 236), LockId::Chan(c))?;
                return self.finish_send(outer, false);
            }
            let sg = self.allocsg(at(f, 240), c, v)?;
            self.enqueue(at(f, 242), c, Queue::Send, sg)?;
            self.rare(self.g).pending = Some(v);
            return self.block(f, c, ChanOp::Send(c), 244).map(|()| true);
        }
        self.elem_copy(f, 1, c)?;
        self.chans[c].push(v);
        // A woken receiver is handed nothing (its SudoG is freed here):
        // it re-checks the buffer.
        match self.dequeue(at(f, 254), c, Queue::Recv)? {
            Some(i) => {
                let gp = self.sudogs.all[i as usize].g;
                self.freesg(at(f, 257), c, i)?;
                self.unlock(at(f, 258), LockId::Chan(c))?;
                self.ready(at(f, 259), gp)?;
            }
            None => self.unlock(at(f, 261), LockId::Chan(c))?,
        }
        self.finish_send(outer, true)
    }

    /// chansend's return, and `outer`'s.
    fn finish_send(&mut self, outer: FuncId, sent: bool) -> Result<bool, Stop> {
        self.leave(self.rf.chansend)?;
        self.leave(outer)?;
        Ok(sent)
    }

    /// `<-c` from Go code: chanrecv1 -> chanrecv. On `Err(Stop::Switch)`
    /// the goroutine blocked; [`Runtime::take_result`] has the value when
    /// it runs again. A nil channel panics in chanrecv.
    pub fn chanrecv(&mut self, ret: Addr, c: Option<ChanId>) -> Result<u64, Stop> {
        let f1 = self.rf.chanrecv1;
        let addr = c.map_or(0, |c| self.chans[c].addr);
        self.call_at(ret, f1, &[addr])?;
        // o = rnd(sizeof(c), Structrnd)
        self.rnd(f1, 8, 8)?;
        self.chanrecv_from(f1, c, 0)
    }

    /// `for v := range c`'s receive from Go code: chanrecv3 -> chanrecv
    /// with a closed flag, which is true when the value is the zero value
    /// of a closed, drained channel ([`Runtime::recv_was_closed`]).
    pub fn chanrecv3(&mut self, ret: Addr, c: Option<ChanId>, elemsize: u32) -> Result<u64, Stop> {
        let f3 = self.rt_fn("runtime.chanrecv3")?;
        let addr = c.map_or(0, |c| self.chans[c].addr);
        self.call_at(ret, f3, &[addr])?;
        if c.is_none() {
            return self.panicstring(f3, "range over nil channel");
        }
        self.rnd(f3, 8, 8)?;
        self.rnd(at(f3, 432), 8 + u64::from(elemsize), 1)?;
        // ac = (byte*)&c + o, the closed flag after the element.
        let ac = self.argp(f3) + 8 + u64::from(elemsize);
        self.chanrecv_from(f3, c, ac)
    }

    /// runtime·rnd(n, m) called from `caller`.
    fn rnd(&mut self, caller: impl Into<Caller>, n: u64, m: u64) -> Result<(), Stop> {
        let rnd = self.rf.rnd;
        self.call(caller, rnd, &[n, m])?;
        self.leave(rnd)
    }

    /// chanrecv(c, ae, nil, closed) called by `outer`, whose own
    /// argument `c` the element's room `ae` follows; `closed` is the
    /// closed flag's address, or 0.
    fn chanrecv_from(
        &mut self,
        outer: crate::symtab::FuncId,
        c: Option<ChanId>,
        closed: Addr,
    ) -> Result<u64, Stop> {
        self.ops.recvs += 1;
        let f = self.rf.chanrecv;
        let addr = c.map_or(0, |c| self.chans[c].addr);
        let ae = self.argp(outer) + 8;
        self.call(outer, f, &[addr, ae, 0, closed])?;
        let Some(c) = c else {
            return self.panicstring(f, "receive from nil channel");
        };
        self.gs[self.g].recv_closed = false;
        self.lock(at(f, 286), LockId::Chan(c))?;
        self.recv_locked(c, outer, true, false)
            .map(|v| v.unwrap_or(0))
    }

    /// chanrecv from its `loop:` label, the channel locked, called by
    /// `outer` (chanrecv1 or chanrecv3; or selectnbrecv with `pres`: then
    /// it returns at once, with None, when nothing can be received now).
    /// `ep`: whether chanrecv has a place to copy the element to (nil when
    /// a select's case does not assign it). The value received.
    fn recv_locked(
        &mut self,
        c: ChanId,
        outer: FuncId,
        ep: bool,
        pres: bool,
    ) -> Result<Option<u64>, Stop> {
        let f = self.rf.chanrecv;
        if self.chans[c].dataqsiz == 0 {
            if self.chans[c].wclosed() {
                return self.recv_closed(c, outer, ep);
            }
            if let Some(i) = self.dequeue(at(f, 297), c, Queue::Send)? {
                // copy(ep, sg->elem), copy(sg->elem, nil); gp->param = sg:
                // the sender frees the SudoG when it runs.
                if ep {
                    self.elem_copy(f, 3, c)?;
                }
                self.elem_copy(f, 4, c)?;
                let sg = self.sudogs.all[i as usize];
                self.gs[sg.g].param = u64::from(i) + 1;
                self.unlock(at(f, 305), LockId::Chan(c))?;
                self.ready(at(f, 306), sg.g)?;
                return self.finish_recv(Some(sg.elem), outer);
            }
            if pres {
                self.unlock(at(f, 314), LockId::Chan(c))?;
                return self.finish_recv(None, outer);
            }
            let sg = self.allocsg(at(f, 319), c, 0)?;
            self.gs[self.g].param = 0;
            self.enqueue(at(f, 322), c, Queue::Recv, sg)?;
            return self
                .block(f, c, ChanOp::Recv(c, outer), 324)
                .map(|()| Some(0));
        }
        if self.chans[c].is_empty() {
            if self.chans[c].wclosed() {
                return self.recv_closed(c, outer, ep);
            }
            if pres {
                self.unlock(at(f, 344), LockId::Chan(c))?;
                return self.finish_recv(None, outer);
            }
            let sg = self.allocsg(at(f, 348), c, 0)?;
            self.enqueue(at(f, 350), c, Queue::Recv, sg)?;
            return self
                .block(f, c, ChanOp::Recv(c, outer), 352)
                .map(|()| Some(0));
        }
        if ep {
            self.elem_copy(f, 1, c)?;
        }
        self.elem_copy(f, 2, c)?;
        let v = self.chans[c].pop().expect("not empty");
        // A woken sender re-checks and stores its value itself; its SudoG
        // is freed here.
        match self.dequeue(at(f, 362), c, Queue::Send)? {
            Some(i) => {
                let gp = self.sudogs.all[i as usize].g;
                self.freesg(at(f, 365), c, i)?;
                self.unlock(at(f, 366), LockId::Chan(c))?;
                self.ready(at(f, 367), gp)?;
            }
            None => self.unlock(at(f, 373), LockId::Chan(c))?,
        }
        self.finish_recv(Some(v), outer)
    }

    /// chanrecv's `closed:` label: the zero value, *closed = true.
    fn recv_closed(&mut self, c: ChanId, outer: FuncId, ep: bool) -> Result<Option<u64>, Stop> {
        // copy(ep, nil)
        if ep {
            self.elem_copy(self.rf.chanrecv, 0, c)?;
        }
        self.chans[c].closed |= RCLOSED;
        self.gs[self.g].recv_closed = true;
        self.unlock(at(self.rf.chanrecv, 386), LockId::Chan(c))?;
        self.finish_recv(Some(0), outer)
    }

    /// chanrecv's return, and `outer`'s.
    fn finish_recv(&mut self, v: Option<u64>, outer: FuncId) -> Result<Option<u64>, Stop> {
        self.leave(self.rf.chanrecv)?;
        self.leave(outer)?;
        Ok(v)
    }

    /// Whether the G's last receive was of a closed channel (chanrecv's
    /// closed out-parameter, which chanrecv3 hands back).
    pub fn recv_was_closed(&self, g: GId) -> bool {
        self.gs[g].recv_closed
    }

    /// Park the current G on a channel: Gwaiting, unlock, gosched (the call
    /// on chan.c line `line`, the unlock on the line before it, in each of
    /// chansend's and chanrecv's four blocking paths; chan.c is the same in
    /// both variants).
    fn block(
        &mut self,
        f: crate::symtab::FuncId,
        c: ChanId,
        op: ChanOp,
        line: u32,
    ) -> Result<(), Stop> {
        let g = self.g;
        self.gs[g].status = Status::Waiting;
        self.unlock(at(f, line - 1), LockId::Chan(c))?;
        self.gs[g].resume = Resume::Chan(op);
        self.gosched_at(self.site_line(f, self.rf.gosched, (line, line)))
    }

    /// The rest of a channel operation after its gosched returned.
    pub(crate) fn resume_chan(&mut self, op: ChanOp) -> Result<(), Stop> {
        self.leave(self.rf.gosched)?;
        let g = self.g;
        match op {
            ChanOp::Select => self.resume_select(),
            ChanOp::Send(c) => {
                let f = self.rf.chansend;
                if self.chans[c].dataqsiz == 0 {
                    self.lock(at(f, 222), LockId::Chan(c))?;
                    let f1 = self.rf.chansend1;
                    let Some(sg) = self.gs[g].param.checked_sub(1) else {
                        // Woken by close: the loop finds Wclosed.
                        return self.send_locked(c, 0, f1, false).map(|_| ());
                    };
                    self.freesg(at(f, 226), c, sg as u32)?;
                    self.unlock(at(f, 227), LockId::Chan(c))?;
                    return self.finish_send(f1, true).map(|_| ());
                }
                self.lock(at(f, 246), LockId::Chan(c))?;
                let v = self
                    .rare(g)
                    .pending
                    .take()
                    .expect("a blocked buffered send keeps its value");
                let f1 = self.rf.chansend1;
                self.send_locked(c, v, f1, false).map(|_| ())
            }
            ChanOp::Recv(c, outer) => {
                let f = self.rf.chanrecv;
                let sync = self.chans[c].dataqsiz == 0;
                self.lock(at(f, if sync { 326 } else { 354 }), LockId::Chan(c))?;
                if let Some(sg) = self.gs[g].param.checked_sub(1).filter(|_| sync) {
                    let v = self.gs[g].take_result().unwrap_or(0);
                    self.elem_copy(f, 5, c)?;
                    self.elem_copy(f, 6, c)?;
                    self.freesg(at(f, 334), c, sg as u32)?;
                    self.unlock(at(f, 335), LockId::Chan(c))?;
                    self.finish_recv(None, outer)?;
                    self.gs[g].set_result(v);
                    return Ok(());
                }
                let v = self.recv_locked(c, outer, true, false)?.unwrap_or(0);
                self.gs[g].set_result(v);
                Ok(())
            }
        }
    }

    /// The value a goroutine's blocked receive produced, taken once.
    pub fn take_result(&mut self, g: GId) -> Option<u64> {
        self.gs[g].take_result()
    }

    /// close(c) from Go code: mark it closed, then wake every receiver and
    /// every sender, in queue order.
    pub fn closechan(&mut self, ret: Addr, c: ChanId) -> Result<(), Stop> {
        let f = self.rf.closechan;
        self.call_at(ret, f, &[self.chans[c].addr])?;
        self.closechan_body(c)?;
        self.leave(f)
    }

    /// runtime·closechan's body, entered (a deferred `close(c)`: jmpdefer
    /// or reflect·call entered it); the caller returns from it.
    pub fn closechan_body(&mut self, c: ChanId) -> Result<(), Stop> {
        let f = self.rf.closechan;
        self.lock(f, LockId::Chan(c))?;
        if self.chans[c].wclosed() {
            self.unlock(f, LockId::Chan(c))?;
            return self.panicstring(f, "close of closed channel");
        }
        self.chans[c].closed |= WCLOSED;
        // Each queue's loop: dequeue, freesg and ready on its lines.
        for (q, line) in [(Queue::Recv, 953), (Queue::Send, 964)] {
            while let Some(i) = self.dequeue(at(f, line), c, q)? {
                let gp = self.sudogs.all[i as usize].g;
                self.gs[gp].param = 0;
                self.freesg(at(f, line + 5), c, i)?;
                self.ready(at(f, line + 6), gp)?;
            }
        }
        self.unlock(at(f, 973), LockId::Chan(c))
    }

    /// runtime·ready: readylocked under the sched lock.
    fn ready(&mut self, caller: impl Into<Caller>, gp: GId) -> Result<(), Stop> {
        let f = self.rf.ready;
        self.call(caller, f, &[self.gs[gp].addr])?;
        self.lock(f, LockId::Sched)?;
        self.readylocked(f, gp)?;
        self.unlock(f, LockId::Sched)?;
        self.leave(f)
    }

    /// closed(c) from Go code: runtime·closedchan -> chanclosed, whether a
    /// receive has returned a zero value because of a close (Rclosed).
    pub fn closedchan(&mut self, ret: Addr, c: ChanId) -> Result<bool, Stop> {
        let f = self.rt_fn("runtime.closedchan")?;
        let inner = self.rt_fn("runtime.chanclosed")?;
        let addr = self.chans[c].addr;
        self.call_at(ret, f, &[addr])?;
        self.call(f, inner, &[addr])?;
        let closed = self.chans[c].rclosed();
        self.leave(inner)?;
        self.leave(f)?;
        Ok(closed)
    }

    /// The Lock address of a channel, for tracebacks.
    pub(crate) fn chan_lock_addr(&self, c: ChanId) -> Addr {
        self.chans[c].addr + HCHAN_LOCK_OFFSET
    }

    /// fastrand1 (chan.c): a process-wide shift register.
    fn fastrand1(&mut self) -> u32 {
        let mut x = self.fastrand.wrapping_add(self.fastrand);
        if x & 0x8000_0000 != 0 {
            x ^= 0x8888_8eef;
        }
        self.fastrand = x;
        x
    }

    /// fastrandn (chan.c): uniform in [0, n), redrawing to avoid bias.
    fn fastrandn(&mut self, caller: crate::symtab::FuncId, n: u32) -> Result<u32, Stop> {
        let f = self.rf.fastrandn;
        self.call(caller, f, &[u64::from(n)])?;
        // chan.c's fastrand1 is a call (its own static, not malloc.goc's).
        let fr = self.rf.fastrand1;
        let r = if n <= 1 {
            0
        } else {
            self.call_leaf(at(f, 1106), fr, &[])?;
            let mut r = self.fastrand1();
            if u64::from(r) >= (1u64 << 31) - u64::from(n) {
                let max = ((1u64 << 31) / u64::from(n) * u64::from(n)) as u32;
                while r >= max {
                    self.call_leaf(at(f, 1112), fr, &[])?;
                    r = self.fastrand1();
                }
            }
            r % n
        };
        self.leave(f)?;
        Ok(r)
    }

    /// A select statement of two or more cases (6g lowers `select {}` and
    /// one case with default differently): selectgo's random order over
    /// the cases sorted by channel address, the first ready case in that
    /// order, else default, else park on every channel. Returns the source
    /// index of the case taken and, for a receive, the value; on
    /// `Err(Stop::Switch)` the G parked, and [`Runtime::take_selected`]
    /// has them when it runs again.
    pub fn select(
        &mut self,
        ret: Addr,
        cases: &[Option<SelCase>],
        setup: Option<&SelectSetup>,
    ) -> Result<(usize, u64), Stop> {
        self.refuse_zeroed(cases.iter().flatten())?;
        let objects = match setup {
            Some(setup) => self.select_setup(cases, setup)?,
            None => Vec::new(),
        };
        let mut scase = Vec::new();
        for (index, case) in cases.iter().enumerate() {
            let Some(case) = *case else { continue };
            let addr = match case {
                SelCase::Send(c, _) | SelCase::Recv(c) => self.chans[c].addr,
                SelCase::Default => 0,
            };
            // Without the compiled code's setup (a script), every receive
            // stores its value.
            let target = setup.is_none_or(|s| s.cases[index].3);
            scase.push(Scase {
                case,
                index,
                addr,
                target,
            });
        }
        // runtime·selectgo(sel) calls selectgo(&sel).
        let (wrapper, f) = (self.rf.selectgo_go, self.rf.selectgo);
        let sel = objects.first().map_or(0, |&(p, _)| p);
        self.call_at(ret, wrapper, &[sel])?;
        let selp = self.argp(wrapper);
        self.call(wrapper, f, &[selp])?;
        let n = scase.len();
        let mut order: Vec<usize> = (0..n).collect();
        for i in 1..n {
            let o = order[i];
            let j = self.fastrandn(f, i as u32 + 1)? as usize;
            order[i] = order[j];
            order[j] = o;
        }
        for i in 1..n {
            let cas = scase[i];
            let mut j = i;
            while j > 0 && scase[j - 1].addr >= cas.addr {
                scase[j] = scase[j - 1];
                j -= 1;
            }
            scase[j] = cas;
        }
        let sel = Select {
            scase,
            order,
            objects,
        };
        self.sellock(&sel, true, 740)?;
        self.select_pass1(sel)
    }

    /// The calls before selectgo: runtime·newselect(size) mallocs the
    /// Select (its case pointers and order array after it), then one call
    /// a case: selectsend (a Scase holding the value), selectrecv or
    /// selectdefault (a Scase), each skipping a nil channel.
    fn select_setup(
        &mut self,
        cases: &[Option<SelCase>],
        setup: &SelectSetup,
    ) -> Result<Vec<(Addr, u32)>, Stop> {
        let size = setup.cases.len() as u32;
        let ns = self.rf.newselect_go;
        self.call_at(setup.newselect, ns, &[u64::from(size)])?;
        self.rnd(ns, 4, 8)?;
        // newselect(size, selp), selp = (Select**)((byte*)&size + o).
        let inner = self.rf.newselect;
        let selp = self.argp(ns) + 8;
        self.call(ns, inner, &[u64::from(size), selp])?;
        let n = SIZEOF_SELECT + 8 * size.saturating_sub(1) + 2 * size;
        let sel = self.mal(inner, n)?;
        let mut objects = vec![(sel, n)];
        self.leave(inner)?;
        self.leave(ns)?;
        let pc = self.rf.getcallerpc;
        for (case, &(at, elemsize, memword, _)) in cases.iter().zip(&setup.cases) {
            let (f, size) = match case {
                Some(SelCase::Send(..)) => (self.rf.selectsend, SIZEOF_SCASE + elemsize - 8),
                Some(SelCase::Recv(_)) => (self.rf.selectrecv, SIZEOF_SCASE),
                Some(SelCase::Default) => (self.rf.selectdefault_go, SIZEOF_SCASE),
                // A nil channel's call returns at once.
                None => {
                    let f = self.rf.selectrecv;
                    self.call_at(at, f, &[sel, 0])?;
                    self.leave(f)?;
                    continue;
                }
            };
            // (sel, c, then the value sent or where a receive goes: a word
            // of the Go frame the twin does not place, 0.)
            let c = match case {
                Some(SelCase::Send(c, _) | SelCase::Recv(c)) => self.chans[*c].addr,
                _ => 0,
            };
            match case {
                Some(SelCase::Send(_, v)) => self.call_at(at, f, &[sel, c, *v])?,
                Some(SelCase::Recv(_)) => self.call_at(at, f, &[sel, c, 0])?,
                _ => self.call_at(at, f, &[sel])?,
            }
            if matches!(case, Some(SelCase::Default)) {
                // selectdefault(sel, runtime·getcallerpc(&sel))
                let argp = self.argp(f);
                self.call(f, pc, &[argp])?;
                self.leave(pc)?;
                let sd = self.rf.selectdefault;
                self.call(f, sd, &[sel, at])?;
                objects.push((self.mal(sd, size)?, size));
                self.rnd(sd, 8, 8)?;
                self.leave(sd)?;
            } else {
                objects.push((self.mal(f, size)?, size));
                let argp = self.argp(f);
                self.call(f, pc, &[argp])?;
                self.leave(pc)?;
                // eo, eo again, so: three rnds on consecutive lines (556
                // in selectsend, 590 in selectrecv).
                let first = if matches!(case, Some(SelCase::Send(..))) {
                    556
                } else {
                    590
                };
                for line in first..first + 3 {
                    self.rnd(crate::asm::at(f, line), 8, 8)?;
                }
                if matches!(case, Some(SelCase::Send(..))) {
                    self.alg_copy(f, 0, copy_ref(elemsize, memword))?;
                }
            }
            self.leave(f)?;
        }
        Ok(objects)
    }

    /// freesel, at the end of selectgo: runtime·free of each Scase, then
    /// of the Select.
    fn freesel(&mut self, sel: &Select) -> Result<(), Stop> {
        let Some(&(p, n)) = sel.objects.first() else {
            return Ok(());
        };
        let f = self.rf.freesel;
        self.call(self.rf.selectgo, f, &[0])?;
        for &(c, m) in sel.objects.iter().skip(1) {
            self.free(at(f, 642), c, m)?;
        }
        self.free(at(f, 643), p, n)?;
        self.leave(f)
    }

    /// sellock/selunlock: each distinct channel once, in address order
    /// (unlocking in reverse).
    fn sellock(&mut self, sel: &Select, lock: bool, line: u32) -> Result<(), Stop> {
        let f = if lock {
            self.rf.sellock
        } else {
            self.rf.selunlock
        };
        let at = self.site_line(self.rf.selectgo, f, (line, line));
        self.call_at(at, f, &[0])?;
        let mut chans: Vec<ChanId> = Vec::new();
        for cas in &sel.scase {
            if let SelCase::Send(c, _) | SelCase::Recv(c) = cas.case {
                if chans.last() != Some(&c) {
                    chans.push(c);
                }
            }
        }
        if lock {
            for c in chans {
                self.lock(f, LockId::Chan(c))?;
            }
        } else {
            for c in chans.into_iter().rev() {
                self.unlock(f, LockId::Chan(c))?;
            }
        }
        self.leave(f)
    }

    /// selectgo from `loop:`, the channels locked.
    fn select_pass1(&mut self, sel: Select) -> Result<(usize, u64), Stop> {
        let f = self.rf.selectgo;
        let mut dfl = None;
        for &o in &sel.order {
            let cas = sel.scase[o];
            match cas.case {
                SelCase::Recv(c) => {
                    if self.chans[c].dataqsiz > 0 {
                        if !self.chans[c].is_empty() {
                            // asyncrecv
                            if cas.target {
                                self.elem_copy(f, 5, c)?;
                            }
                            self.elem_copy(f, 6, c)?;
                            let v = self.chans[c].pop().expect("not empty");
                            if let Some(i) = self.dequeue(at(f, 863), c, Queue::Send)? {
                                let gp = self.sudogs.all[i as usize].g;
                                self.freesg(at(f, 866), c, i)?;
                                self.ready(at(f, 867), gp)?;
                            }
                            return self.select_ret(&sel, cas.index, v);
                        }
                    } else if let Some(i) = self.dequeue(at(f, 756), c, Queue::Send)? {
                        // syncrecv
                        if cas.target {
                            self.elem_copy(f, 8, c)?;
                        }
                        self.elem_copy(f, 9, c)?;
                        let sg = self.sudogs.all[i as usize];
                        self.gs[sg.g].param = u64::from(i) + 1;
                        self.ready(at(f, 894), sg.g)?;
                        return self.select_ret(&sel, cas.index, sg.elem);
                    }
                    if self.chans[c].wclosed() {
                        // rclose
                        if cas.target {
                            self.elem_copy(f, 7, c)?;
                        }
                        self.chans[c].closed |= RCLOSED;
                        return self.select_ret(&sel, cas.index, 0);
                    }
                }
                SelCase::Send(c, v) => {
                    if self.chans[c].wclosed() {
                        self.sellock(&sel, false, 928)?;
                        return self.panicstring(f, "send on closed channel");
                    }
                    if self.chans[c].dataqsiz > 0 {
                        if !self.chans[c].full() {
                            // asyncsend
                            self.elem_copy(f, 3, c)?;
                            self.chans[c].push(v);
                            if let Some(i) = self.dequeue(at(f, 877), c, Queue::Recv)? {
                                let gp = self.sudogs.all[i as usize].g;
                                self.freesg(at(f, 880), c, i)?;
                                self.ready(at(f, 881), gp)?;
                            }
                            return self.select_ret(&sel, cas.index, 0);
                        }
                    } else if let Some(i) = self.dequeue(at(f, 771), c, Queue::Recv)? {
                        // syncsend
                        self.elem_copy(f, 4, c)?;
                        let gp = self.sudogs.all[i as usize].g;
                        self.gs[gp].param = u64::from(i) + 1;
                        self.gs[gp].set_result(v);
                        self.ready(at(f, 913), gp)?;
                        return self.select_ret(&sel, cas.index, 0);
                    }
                }
                SelCase::Default => dfl = Some(cas.index),
            }
        }
        if let Some(index) = dfl {
            return self.select_ret(&sel, index, 0);
        }
        // Pass 2: wait on every channel, then sleep.
        for &o in &sel.order {
            let (c, q, v, line) = match sel.scase[o].case {
                SelCase::Recv(c) => (c, Queue::Recv, 0, 799),
                SelCase::Send(c, v) => (c, Queue::Send, v, 805),
                SelCase::Default => continue,
            };
            let sg = self.allocsg(f, c, v)?;
            self.sudogs.all[sg as usize].offset = o as u32;
            if q == Queue::Send && self.chans[c].dataqsiz == 0 {
                self.elem_copy(f, 2, c)?;
            }
            self.enqueue(at(f, line), c, q, sg)?;
        }
        let g = self.g;
        self.gs[g].param = 0;
        self.gs[g].status = Status::Waiting;
        self.sellock(&sel, false, 812)?;
        self.rare(g).sel = Some(sel);
        self.gs[g].resume = Resume::Chan(ChanOp::Select);
        self.gosched_at(self.site_line(f, self.rf.gosched, (813, 813)))?;
        unreachable!("gosched always switches away from a parked G")
    }

    /// retc: unlock the channels, leave selectgo and its wrapper.
    fn select_ret(&mut self, sel: &Select, index: usize, v: u64) -> Result<(usize, u64), Stop> {
        self.sellock(sel, false, 916)?;
        self.freesel(sel)?;
        self.leave(self.rf.selectgo)?;
        self.leave(self.rf.selectgo_go)?;
        Ok((index, v))
    }

    /// selectgo after its gosched: drop the SudoGs of the cases that did
    /// not fire; a wake without one (close, or a buffered channel) runs
    /// pass 1 again in the same order.
    fn resume_select(&mut self) -> Result<(), Stop> {
        let g = self.g;
        let sel = self
            .rare(g)
            .sel
            .take()
            .expect("a parked select keeps its cases");
        self.sellock(&sel, true, 815)?;
        // g->param: the SudoG of the case that fired, if one did.
        let won = self.gs[g].param.checked_sub(1).map(|i| i as u32);
        let offset = won.map(|i| self.sudogs.all[i as usize].offset as usize);
        // Pass 3: off the other channels' queues.
        for (i, cas) in sel.scase.iter().enumerate() {
            if offset != Some(i) {
                match cas.case {
                    SelCase::Recv(c) => self.dequeueg(c, Queue::Recv)?,
                    SelCase::Send(c, _) => self.dequeueg(c, Queue::Send)?,
                    SelCase::Default => {}
                }
            }
        }
        let fired = won.zip(offset).and_then(|(sg, o)| match sel.scase[o].case {
            SelCase::Send(c, _) | SelCase::Recv(c) if self.chans[c].dataqsiz == 0 => {
                Some((sg, o, c))
            }
            _ => None,
        });
        let picked = match fired {
            Some((sg, o, c)) => {
                let v = self.gs[g].take_result().unwrap_or(0);
                let f = self.rf.selectgo;
                let cas = sel.scase[o];
                if matches!(cas.case, SelCase::Recv(_)) {
                    if cas.target {
                        self.elem_copy(f, 0, c)?;
                    }
                    self.elem_copy(f, 1, c)?;
                }
                self.freesg(f, c, sg)?;
                self.select_ret(&sel, sel.scase[o].index, v)?
            }
            None => self.select_pass1(sel)?,
        };
        self.rare(g).selected = Some(picked);
        Ok(())
    }

    /// The case a parked select took and its received value, taken once.
    pub fn take_selected(&mut self, g: GId) -> Option<(usize, u64)> {
        self.gs[g].rare.as_mut().and_then(|r| r.selected.take())
    }

    /// `select {}`: runtime·block parks the goroutine for good.
    pub fn block_forever(&mut self, ret: Addr) -> Result<(), Stop> {
        let f = self.rf.block;
        self.call_at(ret, f, &[])?;
        let g = self.g;
        self.gs[g].status = Status::Waiting;
        self.gosched_at(self.site_line(f, self.rf.gosched, (680, 680)))?;
        unreachable!("a blocked goroutine is never run again")
    }

    /// One case and a default, as 6g compiles it: selectnbsend or
    /// selectnbrecv, which try the operation without blocking (and draw no
    /// random number). Returns whether the case fired and, for a receive,
    /// the value.
    /// `elemsize` is the channel's element size (a send's `ap` follows
    /// the element).
    /// A receive's `target` says whether the case stores the value (6g
    /// passes selectnbrecv a nil element pointer when it does not, and
    /// chanrecv then copies nothing out).
    pub fn select_nb(
        &mut self,
        ret: Addr,
        case: SelCase,
        elemsize: u32,
        target: bool,
    ) -> Result<(bool, u64), Stop> {
        self.refuse_zeroed([case].iter())?;
        match case {
            SelCase::Send(c, v) => {
                // selectnbsend(c, elem): chansend(c, ae, ap), the element
                // and the result following c.
                let (nb, f) = (self.rf.selectnbsend, self.rf.chansend);
                self.call_at(ret, nb, &[self.chans[c].addr, v])?;
                let argp = self.argp(nb);
                let ap = argp + (8 + u64::from(elemsize)).next_multiple_of(8);
                self.call(nb, f, &[self.chans[c].addr, argp + 8, ap])?;
                self.lock(at(f, 184), LockId::Chan(c))?;
                let fired = self.send_locked(c, v, nb, true)?;
                Ok((fired, 0))
            }
            SelCase::Recv(c) => {
                // selectnbrecv(v, c, ok): chanrecv(c, v, &ok, nil); v is a
                // place in the Go frame the twin does not place, 0.
                let (nb, f) = (self.rf.selectnbrecv, self.rf.chanrecv);
                self.call_at(ret, nb, &[0, self.chans[c].addr])?;
                let okp = self.argp(nb) + 16;
                self.call(nb, f, &[self.chans[c].addr, 0, okp, 0])?;
                self.lock(at(f, 286), LockId::Chan(c))?;
                let got = self.recv_locked(c, nb, target, true)?;
                Ok((got.is_some(), got.unwrap_or(0)))
            }
            SelCase::Default => Ok((true, 0)),
        }
    }
}

/// What an element's copy reads of its type: its size, and AMEMWORD's
/// memwordcopy or, for every other alg, memcopy.
fn copy_ref(size: u32, memword: bool) -> crate::iface::TypeRef {
    crate::iface::TypeRef {
        word: 0,
        size,
        alg: if memword {
            crate::runtime::Alg::MemWord
        } else {
            crate::runtime::Alg::Mem
        },
    }
}

impl Runtime {
    /// What a signal frame reaching past the signal stack's block (from
    /// `end`) does to the channels there: an Hchan it covers wholly with
    /// zeros reads as a zeroed one: no buffered values, no waiters (the Gs
    /// parked on it are forgotten), not closed, its element's size and
    /// alignment 0, so that a send's rnd divides by zero. (One it writes
    /// over otherwise stays a live object the twin does not model.)
    pub(crate) fn spill_chans(&mut self, end: Addr, top: Addr) {
        let host = self.host;
        for i in 0..self.chans.len() {
            let c = ChanId(i as u32);
            let a = self.chans[c].addr;
            let hi = a + u64::from(SIZEOF_HCHAN);
            if hi <= end || top <= a {
                continue;
            }
            let zeros = a >= end
                && hi <= top
                && (a..hi)
                    .step_by(8)
                    .all(|w| host.overwrite(end, w, 8, u64::MAX) == 0);
            if !zeros {
                continue;
            }
            let h = &mut self.chans[c];
            h.dataqsiz = 0;
            h.buf = None;
            h.closed = 0;
            h.recvq = WaitQ::default();
            h.sendq = WaitQ::default();
            h.free = NIL;
            h.elemsize = 0;
            h.zeroed = true;
        }
    }

    /// Stop as unmodelled at a select on a zeroed channel (its cases' rnd
    /// of the element's size is not taken up).
    fn refuse_zeroed<'a>(&mut self, cases: impl Iterator<Item = &'a SelCase>) -> Result<(), Stop> {
        for case in cases {
            if let SelCase::Send(c, _) | SelCase::Recv(c) = *case {
                if self.chans[c].zeroed {
                    self.unmodelled = Some("a select on a channel a signal frame zeroed".into());
                    return Err(Stop::End(crate::Ending::Exit(2)));
                }
            }
        }
        Ok(())
    }
}
