//! chan.c: channels, without select (yet).
//!
//! Wait queues are FIFO; a woken partner goes to the tail of the run
//! queue and the waker keeps running. On an unbuffered channel the value
//! passes through the waiter's SudoG; on a buffered one a woken waiter is
//! not handed anything and re-checks the buffer when it runs. Receives
//! see a close only once the buffer is drained.

use std::collections::VecDeque;

use crate::lock::{Lock, LockId};
use crate::proc::{GId, Resume, Runtime, Status};
use crate::{Addr, Stop};

/// sizeof(Hchan) on amd64; where its Lock sits.
const SIZEOF_HCHAN: u32 = 88;
const HCHAN_LOCK_OFFSET: u64 = 80;

/// A channel, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChanId(pub usize);

/// A goroutine waiting on a channel: chan.c's SudoG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SudoG {
    g: GId,
    /// The value a blocked sender offers, or a receiver is handed.
    elem: u64,
}

/// chan.c's Hchan.
#[derive(Debug, Clone)]
pub struct Hchan {
    pub addr: Addr,
    pub dataqsiz: u32,
    buf: VecDeque<u64>,
    /// Wclosed: close has run.
    pub wclosed: bool,
    /// Rclosed: a receive has returned a zero value because of the close
    /// (what the `closed(c)` builtin reports).
    pub rclosed: bool,
    recvq: VecDeque<SudoG>,
    sendq: VecDeque<SudoG>,
    pub(crate) lock: Lock,
}

/// What a blocked channel operation resumes into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChanOp {
    Send(ChanId),
    Recv(ChanId),
}

impl Runtime {
    pub(crate) fn chan_lock(&mut self, c: ChanId) -> &mut Lock {
        &mut self.chans[c.0].lock
    }

    /// makechan(elemsize, hint) from Go code.
    pub fn makechan(&mut self, ret: Addr, hint: u32) -> Result<ChanId, Stop> {
        let f = self.rf.makechan;
        self.call_at(ret, f, &[0, u64::from(hint)])?;
        let addr = self.malloc(f, SIZEOF_HCHAN)?;
        for _ in 0..hint {
            self.malloc(f, 16)?;
        }
        let id = ChanId(self.chans.len());
        self.chans.push(Hchan {
            addr,
            dataqsiz: hint,
            buf: VecDeque::new(),
            wclosed: false,
            rclosed: false,
            recvq: VecDeque::new(),
            sendq: VecDeque::new(),
            lock: Lock::default(),
        });
        self.leave(f)?;
        Ok(id)
    }

    /// `c <- v` from Go code: chansend1 -> chansend. On `Err(Stop::Switch)`
    /// the goroutine blocked; the send is complete when it runs again.
    pub fn chansend(&mut self, ret: Addr, c: ChanId, v: u64) -> Result<(), Stop> {
        self.ops.sends += 1;
        let (f1, f) = (self.rf.chansend1, self.rf.chansend);
        self.call_at(ret, f1, &[self.chans[c.0].addr, v])?;
        self.call(f1, f, &[self.chans[c.0].addr, 0, 0])?;
        self.lock(f, LockId::Chan(c))?;
        self.send_locked(c, v)
    }

    /// chansend from its `loop:` label, the channel locked.
    fn send_locked(&mut self, c: ChanId, v: u64) -> Result<(), Stop> {
        let f = self.rf.chansend;
        if self.chans[c.0].wclosed {
            self.unlock(f, LockId::Chan(c))?;
            return self.panicstring(f, "send on closed channel");
        }
        let ch = &mut self.chans[c.0];
        if ch.dataqsiz == 0 {
            if let Some(mut sg) = ch.recvq.pop_front() {
                sg.elem = v;
                let gp = sg.g;
                self.gs[gp.0].param = 1;
                self.gs[gp.0].result = Some(v);
                self.unlock(f, LockId::Chan(c))?;
                self.ready(f, gp)?;
                return self.finish_send();
            }
            let g = self.g;
            ch.sendq.push_back(SudoG { g, elem: v });
            self.gs[g.0].param = 0;
            return self.block(f, c, ChanOp::Send(c));
        }
        if ch.buf.len() as u32 >= ch.dataqsiz {
            let g = self.g;
            ch.sendq.push_back(SudoG { g, elem: v });
            self.gs[g.0].pending = Some(v);
            return self.block(f, c, ChanOp::Send(c));
        }
        ch.buf.push_back(v);
        let waiter = ch.recvq.pop_front();
        self.unlock(f, LockId::Chan(c))?;
        if let Some(sg) = waiter {
            self.ready(f, sg.g)?;
        }
        self.finish_send()
    }

    fn finish_send(&mut self) -> Result<(), Stop> {
        self.leave(self.rf.chansend)?;
        self.leave(self.rf.chansend1)
    }

    /// `<-c` from Go code: chanrecv1 -> chanrecv. On `Err(Stop::Switch)`
    /// the goroutine blocked; [`Runtime::take_result`] has the value when
    /// it runs again.
    pub fn chanrecv(&mut self, ret: Addr, c: ChanId) -> Result<u64, Stop> {
        self.ops.recvs += 1;
        let (f1, f) = (self.rf.chanrecv1, self.rf.chanrecv);
        self.call_at(ret, f1, &[self.chans[c.0].addr])?;
        self.call(f1, f, &[self.chans[c.0].addr, 0, 0, 0])?;
        self.lock(f, LockId::Chan(c))?;
        self.recv_locked(c)
    }

    fn recv_locked(&mut self, c: ChanId) -> Result<u64, Stop> {
        let f = self.rf.chanrecv;
        let ch = &mut self.chans[c.0];
        if ch.dataqsiz == 0 {
            if ch.wclosed {
                return self.recv_closed(c);
            }
            if let Some(sg) = ch.sendq.pop_front() {
                self.gs[sg.g.0].param = 1;
                self.unlock(f, LockId::Chan(c))?;
                self.ready(f, sg.g)?;
                return self.finish_recv(sg.elem);
            }
            let g = self.g;
            ch.recvq.push_back(SudoG { g, elem: 0 });
            self.gs[g.0].param = 0;
            return self.block(f, c, ChanOp::Recv(c)).map(|()| 0);
        }
        if ch.buf.is_empty() {
            if ch.wclosed {
                return self.recv_closed(c);
            }
            let g = self.g;
            ch.recvq.push_back(SudoG { g, elem: 0 });
            return self.block(f, c, ChanOp::Recv(c)).map(|()| 0);
        }
        let v = ch.buf.pop_front().expect("not empty");
        // A woken sender re-checks and stores its value itself.
        let waiter = ch.sendq.pop_front();
        self.unlock(f, LockId::Chan(c))?;
        if let Some(sg) = waiter {
            self.ready(f, sg.g)?;
        }
        self.finish_recv(v)
    }

    fn recv_closed(&mut self, c: ChanId) -> Result<u64, Stop> {
        self.chans[c.0].rclosed = true;
        self.unlock(self.rf.chanrecv, LockId::Chan(c))?;
        self.finish_recv(0)
    }

    fn finish_recv(&mut self, v: u64) -> Result<u64, Stop> {
        self.leave(self.rf.chanrecv)?;
        self.leave(self.rf.chanrecv1)?;
        Ok(v)
    }

    /// Park the current G on a channel: Gwaiting, unlock, gosched.
    fn block(&mut self, f: crate::symtab::FuncId, c: ChanId, op: ChanOp) -> Result<(), Stop> {
        let g = self.g;
        self.gs[g.0].status = Status::Waiting;
        self.unlock(f, LockId::Chan(c))?;
        self.gs[g.0].resume = Resume::Chan(op);
        self.gosched(f)
    }

    /// The rest of a channel operation after its gosched returned.
    pub(crate) fn resume_chan(&mut self, op: ChanOp) -> Result<(), Stop> {
        self.leave(self.rf.gosched)?;
        let g = self.g;
        match op {
            ChanOp::Send(c) => {
                let f = self.rf.chansend;
                self.lock(f, LockId::Chan(c))?;
                if self.chans[c.0].dataqsiz == 0 {
                    if self.gs[g.0].param == 0 {
                        // Woken by close: the loop finds Wclosed.
                        return self.send_locked(c, 0);
                    }
                    self.unlock(f, LockId::Chan(c))?;
                    return self.finish_send();
                }
                let v = self.gs[g.0]
                    .pending
                    .take()
                    .expect("a blocked buffered send keeps its value");
                self.send_locked(c, v)
            }
            ChanOp::Recv(c) => {
                let f = self.rf.chanrecv;
                self.lock(f, LockId::Chan(c))?;
                if self.chans[c.0].dataqsiz == 0 && self.gs[g.0].param != 0 {
                    let v = self.gs[g.0].result.take().unwrap_or(0);
                    self.unlock(f, LockId::Chan(c))?;
                    let v = self.finish_recv(v)?;
                    self.gs[g.0].result = Some(v);
                    return Ok(());
                }
                let v = self.recv_locked(c)?;
                self.gs[g.0].result = Some(v);
                Ok(())
            }
        }
    }

    /// The value a goroutine's blocked receive produced, taken once.
    pub fn take_result(&mut self, g: GId) -> Option<u64> {
        self.gs[g.0].result.take()
    }

    /// close(c) from Go code: mark it closed, then wake every receiver and
    /// every sender, in queue order.
    pub fn closechan(&mut self, ret: Addr, c: ChanId) -> Result<(), Stop> {
        let f = self.rf.closechan;
        self.call_at(ret, f, &[self.chans[c.0].addr])?;
        self.lock(f, LockId::Chan(c))?;
        if self.chans[c.0].wclosed {
            self.unlock(f, LockId::Chan(c))?;
            return self.panicstring(f, "close of closed channel");
        }
        self.chans[c.0].wclosed = true;
        let ch = &mut self.chans[c.0];
        let woken: Vec<GId> = ch
            .recvq
            .drain(..)
            .chain(ch.sendq.drain(..))
            .map(|sg| sg.g)
            .collect();
        for g in woken {
            self.gs[g.0].param = 0;
            self.ready(f, g)?;
        }
        self.unlock(f, LockId::Chan(c))?;
        self.leave(f)
    }

    /// runtime·ready: readylocked under the sched lock.
    fn ready(&mut self, caller: crate::symtab::FuncId, gp: GId) -> Result<(), Stop> {
        let f = self.rf.ready;
        self.call(caller, f, &[self.gs[gp.0].addr])?;
        self.lock(f, LockId::Sched)?;
        self.readylocked(f, gp)?;
        self.unlock(f, LockId::Sched)?;
        self.leave(f)
    }

    /// The Lock address of a channel, for tracebacks.
    pub(crate) fn chan_lock_addr(&self, c: ChanId) -> Addr {
        self.chans[c.0].addr + HCHAN_LOCK_OFFSET
    }
}
