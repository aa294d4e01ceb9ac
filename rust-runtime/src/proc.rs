//! proc.c: G and M, the scheduler, goroutine creation (newproc, newproc1,
//! malg), stack growth (newstack, oldstack), and rt0/mstart, for the one
//! M that runs Go code under GOMAXPROCS=1.

use crate::asm::{at, at2, Caller};
use crate::host::Host;
use crate::lock::{Lock, LockId};
use crate::malloc::{FixAlloc, Heap, Mem};
use crate::stack::{Gobuf, Stktop, STACK_EXTRA, STACK_GUARD, STACK_MIN, STACK_SYSTEM, STKTOP_SIZE};
use crate::symtab::{FuncId, FuncTab, Sites, SymtabError};
use crate::{Addr, Ending, Stop, Variant};

/// sizeof(G) on amd64, what malg mallocs.
pub const SIZEOF_G: u32 = 168;
/// g0's stack base on m0: the OS stack, where gdb saw it on this host.
pub const G0_STACKBASE: Addr = 0x7fff_ffff_e790;

/// A G, by its index in the twin's arena, kept plus one so that a link
/// (`Option<GId>`) is no bigger than a GId.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GId(std::num::NonZeroU32);

impl GId {
    /// g0, the first G.
    pub const G0: GId = GId(std::num::NonZeroU32::MIN);

    /// The G at index `i` of the arena.
    pub fn new(i: usize) -> GId {
        let g = u32::try_from(i)
            .ok()
            .and_then(|i| std::num::NonZeroU32::MIN.checked_add(i));
        GId(g.expect("fewer than 2^32 - 1 Gs"))
    }
}

impl Default for GId {
    fn default() -> Self {
        GId::G0
    }
}

impl From<GId> for usize {
    fn from(g: GId) -> usize {
        g.0.get() as usize - 1
    }
}

/// runtime.h's G status, with the numbers tracebacks print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Idle = 0,
    Runnable = 1,
    Running = 2,
    Syscall = 3,
    Waiting = 4,
    Moribund = 5,
    Dead = 6,
    Recovery = 7,
    /// post-1547 only: in malg, waiting for the scheduler to run stackalloc.
    Stackalloc = 8,
}

/// What the runtime must finish for a G before its Go code goes on: the
/// C frames it was suspended in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume {
    /// Nothing: the G is new, or running.
    None,
    /// Suspended in gosched called from runtime·Gosched.
    Gosched,
    /// Blocked in a channel operation.
    Chan(crate::chan::ChanOp),
}

/// How the runtime entered a Go function for the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// The goroutine's code starts afresh (its entry, or mainstart's
    /// main.init and main.main).
    Goroutine,
    /// A deferred call, on top of the frames the program has: from
    /// deferreturn at a function's end, or from a panic.
    Deferred,
}

/// proc.c's Defer: a deferred call and where it was deferred.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defer {
    pub siz: u32,
    /// The code deferred: a function's entry or a closure's trampoline.
    pub fn_: Addr,
    /// deferproc's return address: where "deferproc returns 1" lands.
    pub pc: Addr,
    /// The deferring frame's argument pointer (its SP at the call).
    pub argp: Addr,
    pub args: Vec<u64>,
    /// Its heap address (runtime·free gives it back).
    pub addr: Addr,
}

/// sizeof(Defer) less its 8-byte args placeholder: siz, argp, pc, fn, link.
/// deferproc mallocs sizeof(*d) + siz - sizeof(d->args), this plus siz.
const DEFER_HEADER: u32 = 40;

/// sizeof(Panic): arg (an Eface), stackbase, link, recovered, padded.
const SIZEOF_PANIC: u32 = 40;

/// proc.c's Panic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panic {
    /// The panic's value.
    pub value: crate::iface::Eface,
    /// The value as printany prints it; None when that takes Go code the
    /// twin cannot run inside the runtime (a program type's String).
    pub text: Option<String>,
    pub recovered: bool,
    /// Its heap address (runtime·panic's mal; freed on recovery).
    pub addr: Addr,
}

/// A G's deferred calls and panics, innermost last.
#[derive(Debug, Clone, Default)]
pub struct Deferred {
    pub defers: Vec<Defer>,
    pub panics: Vec<Panic>,
    /// The deferred call a panic is running (reflect·call).
    running: Option<Defer>,
    /// Set when a recovery resumed the G: the argp of the frame whose
    /// deferproc now returns 1.
    recovered_at: Option<Addr>,
}

/// runtime.h's G, the fields the modelled paths use.
#[derive(Debug, Clone)]
pub struct G {
    pub stackguard: Addr,
    pub stackbase: Addr,
    pub sched: Gobuf,
    pub stack0: Addr,
    /// The code a new G starts in (g->entry): a function's entry or a
    /// closure's trampoline; 0 for none.
    pub entry: Addr,
    pub alllink: Option<GId>,
    pub param: u64,
    pub status: Status,
    pub goid: i32,
    pub schedlink: Option<GId>,
    pub ispanic: bool,
    /// The G's heap address (what gobufs and tracebacks show).
    pub addr: Addr,
    pub resume: Resume,
    /// A Go function the runtime has just entered in this G, for the
    /// program to run: main.init and main.main from mainstart, a new G's
    /// entry, a deferred call.
    pub start: Option<(FuncId, Start)>,
    /// What a blocked receive produced, for the program, if `has_result`
    /// (a flag apart from the value keeps the G in 128 bytes).
    result: u64,
    has_result: bool,
    /// Its last receive found the channel closed (chanrecv's `closed`).
    pub recv_closed: bool,
    /// Bumped whenever a wait of this G is claimed (chan.c's selgen).
    pub selgen: u32,
    /// What few Gs need, boxed so that the others stay small.
    pub rare: Option<Box<Rare>>,
}

impl G {
    /// A G as malg makes it, at heap address `addr`.
    fn new(addr: Addr) -> G {
        G {
            stackguard: 0,
            stackbase: 0,
            sched: Gobuf::default(),
            stack0: 0,
            entry: 0,
            alllink: None,
            param: 0,
            status: Status::Idle,
            goid: 0,
            schedlink: None,
            ispanic: false,
            addr,
            resume: Resume::None,
            start: None,
            result: 0,
            has_result: false,
            recv_closed: false,
            selgen: 0,
            rare: None,
        }
    }

    /// Hand the program what a blocked receive produced.
    pub(crate) fn set_result(&mut self, v: u64) {
        (self.result, self.has_result) = (v, true);
    }

    /// What a blocked receive produced, taken once.
    pub fn take_result(&mut self) -> Option<u64> {
        std::mem::take(&mut self.has_result).then_some(self.result)
    }
}

/// The parts of a G that only some goroutines use.
#[derive(Debug, Clone, Default)]
pub struct Rare {
    /// The value of a blocked send on a buffered channel, which it stores
    /// itself once woken.
    pub pending: Option<u64>,
    /// A select parked in selectgo.
    pub sel: Option<crate::chan::Select>,
    /// The case a parked select took, for the program.
    pub selected: Option<(usize, u64)>,
    /// Deferred calls and panics (g->defer, g->panic).
    pub deferred: Deferred,
    /// The signal a panic of this G came from (g->sig and the rest).
    pub sig: Option<crate::signal::SigRecord>,
}

/// runtime.h's M: the one M.
#[derive(Debug, Clone, Default)]
pub struct M {
    pub g0: GId,
    pub morepc: Addr,
    pub moreargp: Addr,
    pub morebuf: Gobuf,
    pub moreframesize: u32,
    pub moreargsize: u32,
    pub cret: u64,
    pub gsignal: Option<GId>,
    /// Where scheduler() saved itself: the g0 SP every switch to g0 uses.
    pub sched: Gobuf,
    pub curg: Option<GId>,
    pub mallocing: bool,
    pub gcing: bool,
    pub locks: i32,
    /// m->nomemprof: above 0 (in schedinit, and inside the profiler
    /// itself) MProf_Malloc and MProf_Free return at once.
    pub nomemprof: i32,
}

/// proc.c's Sched.
#[derive(Debug, Clone, Default)]
pub struct Sched {
    pub lock: Lock,
    pub gfree: Option<GId>,
    pub ghead: Option<GId>,
    pub gtail: Option<GId>,
    pub gwait: i32,
    pub gcount: i32,
    pub mcpu: i32,
    pub mcpumax: i32,
    pub msyscall: i32,
    pub predawn: bool,
    pub goidgen: i32,
}

/// The runtime functions the twin calls, by id.
#[derive(Debug, Clone)]
pub(crate) struct RuntimeFuncs {
    pub rt0: FuncId,
    pub mstart: FuncId,
    pub minit: FuncId,
    pub scheduler: FuncId,
    pub nextgandunlock: FuncId,
    pub gget: FuncId,
    pub gput: FuncId,
    pub readylocked: FuncId,
    pub newprocreadylocked: FuncId,
    pub nop: FuncId,
    pub matchmg: FuncId,
    pub gfget: FuncId,
    pub gfput: FuncId,
    pub newproc: FuncId,
    pub newproc1: FuncId,
    pub malg: FuncId,
    pub mainstart: FuncId,
    pub initdone: FuncId,
    pub goexit: FuncId,
    pub gosched: FuncId,
    pub gosched_go: FuncId,
    pub gosave: FuncId,
    pub unwindstack: FuncId,
    pub morestack: FuncId,
    pub newstack: FuncId,
    pub lessstack: FuncId,
    pub oldstack: FuncId,
    pub mcpy: FuncId,
    pub memclr: FuncId,
    pub stackalloc: FuncId,
    pub stackfree: FuncId,
    pub fixalloc_alloc: FuncId,
    pub fixalloc_free: FuncId,
    pub sysalloc: FuncId,
    pub malloc: FuncId,
    pub mallocgc: FuncId,
    pub lock: FuncId,
    pub unlock: FuncId,
    pub futexlock: FuncId,
    pub futexunlock: FuncId,
    pub futexsleep: FuncId,
    pub futex: FuncId,
    pub throw: FuncId,
    pub exit: FuncId,
    pub deferproc: FuncId,
    pub deferreturn: FuncId,
    pub reflectcall: FuncId,
    pub recover: FuncId,
    pub startpanic: FuncId,
    pub printpanics: FuncId,
    pub dopanic: FuncId,
    pub makechan: FuncId,
    pub chansend: FuncId,
    pub chansend1: FuncId,
    pub chanrecv: FuncId,
    pub chanrecv1: FuncId,
    pub closechan: FuncId,
    pub ready: FuncId,
    pub panicstring: FuncId,
    pub panic: FuncId,
    pub mal: FuncId,
    pub gc: FuncId,
    pub closure: FuncId,
    pub new: FuncId,
    pub block: FuncId,
    pub selectnbsend: FuncId,
    pub selectnbrecv: FuncId,
    pub selectgo_go: FuncId,
    pub selectgo: FuncId,
    pub fastrandn: FuncId,
    /// chan.c's and malloc.goc's statics of one name (and one frame).
    pub fastrand1: FuncId,
    pub rnd: FuncId,
    /// A select's setup (runtime·newselect and newselect, the case calls,
    /// freesel) and runtime·free.
    pub newselect_go: FuncId,
    pub newselect: FuncId,
    pub selectsend: FuncId,
    pub selectrecv: FuncId,
    pub selectdefault_go: FuncId,
    pub selectdefault: FuncId,
    pub getcallerpc: FuncId,
    pub jmpdefer: FuncId,
    pub freesel: FuncId,
    pub free: FuncId,
    /// makechan_c and what its addfinalizer calls; destroychan, the
    /// finalizer, when the binary has it.
    pub makechan_c: FuncId,
    pub addfinalizer: FuncId,
    pub mlookup: FuncId,
    pub lookfintab: FuncId,
    pub setblockspecial: FuncId,
    pub addfintab: FuncId,
    pub destroychan: Option<FuncId>,
    /// chan.c's wait queue and SudoG functions, and the cas dequeue calls.
    pub allocsg: FuncId,
    pub freesg: FuncId,
    pub enqueue: FuncId,
    pub dequeue: FuncId,
    pub dequeueg: FuncId,
    pub cas: FuncId,
    /// What mallocgc calls for a small object.
    pub size_to_class: FuncId,
    pub mcache_alloc: FuncId,
    pub mcentral_alloclist: FuncId,
    pub markallocated: FuncId,
    /// mcentral.c's and mheap.c's, under MCentral_AllocList and for a large
    /// object.
    pub mcentral_alloc: FuncId,
    pub mcentral_grow: FuncId,
    pub mspanlist_isempty: FuncId,
    pub mspanlist_remove: FuncId,
    pub mspanlist_insert: FuncId,
    pub mgetsizeclassinfo: FuncId,
    pub markspan: FuncId,
    pub mheap_alloc: FuncId,
    pub mheap_alloclocked: FuncId,
    pub mheap_alloclarge: FuncId,
    pub bestfit: FuncId,
    pub mheap_grow: FuncId,
    pub mspan_init: FuncId,
    pub mheap_sysalloc: FuncId,
    pub mheap_mapbits: FuncId,
    pub sysmap: FuncId,
    /// What runtime·free and the collector's stealcache call.
    pub mheap_lookupmaybe: FuncId,
    pub mheap_lookup: FuncId,
    pub blockspecial: FuncId,
    pub markfreed: FuncId,
    pub unmarkspan: FuncId,
    pub mcache_free: FuncId,
    pub release_n: FuncId,
    pub mcentral_freelist: FuncId,
    pub mcentral_free: FuncId,
    pub mheap_free: FuncId,
    pub mheap_freelocked: FuncId,
    pub stealcache: FuncId,
    /// The collector's own calls (mgc0.c, sema.c, proc.c, runtime.c).
    pub mark: FuncId,
    pub scanblock: FuncId,
    pub scanstack: FuncId,
    pub markfin: FuncId,
    pub walkfintab: FuncId,
    pub sweep: FuncId,
    pub cachestats: FuncId,
    pub semacquire: FuncId,
    pub cansemacquire: FuncId,
    pub semrelease: FuncId,
    pub semwakeup: FuncId,
    pub stoptheworld: FuncId,
    pub starttheworld: FuncId,
    pub nanotime: FuncId,
    pub gettime: FuncId,
    pub getenv: FuncId,
    pub findnull: FuncId,
    /// runtime·check and what it calls: initsig, siginit, noteclear.
    pub check: FuncId,
    pub initsig: FuncId,
    pub siginit: FuncId,
    pub noteclear: FuncId,
    pub allocmcache: FuncId,
    pub gostringnocopy: FuncId,
    /// mprof.goc.
    pub mprof_malloc: FuncId,
    pub mprof_free: FuncId,
    pub callers: FuncId,
    pub stkbucket: FuncId,
    pub setaddrbucket: FuncId,
    pub getaddrbucket: FuncId,
    pub mcache_releaseall: FuncId,
    /// algarray's copy functions (AMEM and AMEMWORD).
    pub memcopy: FuncId,
    pub memwordcopy: FuncId,
    /// print.c's output: runtime·write, and printpointer's printhex.
    pub write: FuncId,
    pub printhex: FuncId,
    /// selectgo's locking of every channel, in its own frames.
    pub sellock: FuncId,
    pub selunlock: FuncId,
}

impl RuntimeFuncs {
    fn find(tab: &FuncTab, variant: Variant) -> Result<RuntimeFuncs, SymtabError> {
        let f = |name: &str| {
            tab.lookup(name).ok_or_else(|| SymtabError::Missing {
                variant,
                name: name.to_string(),
            })
        };
        Ok(RuntimeFuncs {
            rt0: f("_rt0_amd64")?,
            mstart: f("runtime.mstart")?,
            minit: f("runtime.minit")?,
            scheduler: f("scheduler")?,
            nextgandunlock: f("nextgandunlock")?,
            gget: f("gget")?,
            gput: f("gput")?,
            readylocked: f("readylocked")?,
            newprocreadylocked: f("newprocreadylocked")?,
            nop: f("nop")?,
            matchmg: f("matchmg")?,
            gfget: f("gfget")?,
            gfput: f("gfput")?,
            newproc: f("runtime.newproc")?,
            newproc1: f("runtime.newproc1")?,
            malg: f("runtime.malg")?,
            mainstart: f("runtime.mainstart")?,
            initdone: f("runtime.initdone")?,
            goexit: f("runtime.goexit")?,
            gosched: f("runtime.gosched")?,
            gosched_go: f("runtime.Gosched")?,
            gosave: f("runtime.gosave")?,
            unwindstack: f("unwindstack")?,
            morestack: f("runtime.morestack")?,
            newstack: f("runtime.newstack")?,
            lessstack: f("runtime.lessstack")?,
            oldstack: f("runtime.oldstack")?,
            mcpy: f("runtime.mcpy")?,
            memclr: f("runtime.memclr")?,
            stackalloc: f("runtime.stackalloc")?,
            stackfree: f("runtime.stackfree")?,
            fixalloc_alloc: f("runtime.FixAlloc_Alloc")?,
            fixalloc_free: f("runtime.FixAlloc_Free")?,
            sysalloc: f("runtime.SysAlloc")?,
            malloc: f("runtime.malloc")?,
            mallocgc: f("runtime.mallocgc")?,
            lock: f("runtime.lock")?,
            unlock: f("runtime.unlock")?,
            futexlock: f("futexlock")?,
            futexunlock: f("futexunlock")?,
            futexsleep: f("futexsleep")?,
            futex: f("runtime.futex")?,
            throw: f("runtime.throw")?,
            exit: f("runtime.exit")?,
            deferproc: f("runtime.deferproc")?,
            deferreturn: f("runtime.deferreturn")?,
            reflectcall: f("reflect.call")?,
            recover: f("runtime.recover")?,
            startpanic: f("runtime.startpanic")?,
            printpanics: f("printpanics")?,
            dopanic: f("runtime.dopanic")?,
            makechan: f("runtime.makechan")?,
            chansend: f("runtime.chansend")?,
            chansend1: f("runtime.chansend1")?,
            chanrecv: f("runtime.chanrecv")?,
            chanrecv1: f("runtime.chanrecv1")?,
            closechan: f("runtime.closechan")?,
            ready: f("runtime.ready")?,
            panicstring: f("runtime.panicstring")?,
            panic: f("runtime.panic")?,
            mal: f("runtime.mal")?,
            gc: f("runtime.gc")?,
            closure: f("runtime.closure")?,
            new: f("runtime.new")?,
            block: f("runtime.block")?,
            selectnbsend: f("runtime.selectnbsend")?,
            selectnbrecv: f("runtime.selectnbrecv")?,
            selectgo_go: f("runtime.selectgo")?,
            selectgo: f("selectgo")?,
            fastrandn: f("fastrandn")?,
            fastrand1: f("fastrand1")?,
            rnd: f("runtime.rnd")?,
            newselect_go: f("runtime.newselect")?,
            newselect: f("newselect")?,
            selectsend: f("runtime.selectsend")?,
            selectrecv: f("runtime.selectrecv")?,
            selectdefault_go: f("runtime.selectdefault")?,
            selectdefault: f("selectdefault")?,
            getcallerpc: f("runtime.getcallerpc")?,
            jmpdefer: f("runtime.jmpdefer")?,
            freesel: f("freesel")?,
            free: f("runtime.free")?,
            makechan_c: f("runtime.makechan_c")?,
            addfinalizer: f("runtime.addfinalizer")?,
            mlookup: f("runtime.mlookup")?,
            lookfintab: f("lookfintab")?,
            setblockspecial: f("runtime.setblockspecial")?,
            addfintab: f("addfintab")?,
            destroychan: tab.lookup("destroychan"),
            allocsg: f("allocsg")?,
            freesg: f("freesg")?,
            enqueue: f("enqueue")?,
            dequeue: f("dequeue")?,
            dequeueg: f("dequeueg")?,
            cas: f("runtime.cas")?,
            size_to_class: f("runtime.SizeToClass")?,
            mcache_alloc: f("runtime.MCache_Alloc")?,
            mcentral_alloclist: f("runtime.MCentral_AllocList")?,
            markallocated: f("runtime.markallocated")?,
            mcentral_alloc: f("MCentral_Alloc")?,
            mcentral_grow: f("MCentral_Grow")?,
            mspanlist_isempty: f("runtime.MSpanList_IsEmpty")?,
            mspanlist_remove: f("runtime.MSpanList_Remove")?,
            mspanlist_insert: f("runtime.MSpanList_Insert")?,
            mgetsizeclassinfo: f("runtime.MGetSizeClassInfo")?,
            markspan: f("runtime.markspan")?,
            mheap_alloc: f("runtime.MHeap_Alloc")?,
            mheap_alloclocked: f("MHeap_AllocLocked")?,
            mheap_alloclarge: f("MHeap_AllocLarge")?,
            bestfit: f("BestFit")?,
            mheap_grow: f("MHeap_Grow")?,
            mspan_init: f("runtime.MSpan_Init")?,
            mheap_sysalloc: f("runtime.MHeap_SysAlloc")?,
            mheap_mapbits: f("runtime.MHeap_MapBits")?,
            sysmap: f("runtime.SysMap")?,
            mheap_lookupmaybe: f("runtime.MHeap_LookupMaybe")?,
            mheap_lookup: f("runtime.MHeap_Lookup")?,
            blockspecial: f("runtime.blockspecial")?,
            markfreed: f("runtime.markfreed")?,
            unmarkspan: f("runtime.unmarkspan")?,
            mcache_free: f("runtime.MCache_Free")?,
            release_n: f("ReleaseN")?,
            mcentral_freelist: f("runtime.MCentral_FreeList")?,
            mcentral_free: f("MCentral_Free")?,
            mheap_free: f("runtime.MHeap_Free")?,
            mheap_freelocked: f("MHeap_FreeLocked")?,
            stealcache: f("stealcache")?,
            mark: f("mark")?,
            scanblock: f("scanblock")?,
            scanstack: f("scanstack")?,
            markfin: f("markfin")?,
            walkfintab: f("runtime.walkfintab")?,
            sweep: f("sweep")?,
            cachestats: f("cachestats")?,
            semacquire: f("runtime.semacquire")?,
            cansemacquire: f("cansemacquire")?,
            semrelease: f("runtime.semrelease")?,
            semwakeup: f("semwakeup")?,
            stoptheworld: f("runtime.stoptheworld")?,
            starttheworld: f("runtime.starttheworld")?,
            nanotime: f("runtime.nanotime")?,
            gettime: f("runtime.gettime")?,
            getenv: f("runtime.getenv")?,
            findnull: f("runtime.findnull")?,
            check: f("runtime.check")?,
            initsig: f("runtime.initsig")?,
            siginit: f("runtime.siginit")?,
            noteclear: f("runtime.noteclear")?,
            allocmcache: f("runtime.allocmcache")?,
            gostringnocopy: f("runtime.gostringnocopy")?,
            mprof_malloc: f("runtime.MProf_Malloc")?,
            mprof_free: f("runtime.MProf_Free")?,
            callers: f("runtime.callers")?,
            stkbucket: f("stkbucket")?,
            setaddrbucket: f("setaddrbucket")?,
            getaddrbucket: f("getaddrbucket")?,
            mcache_releaseall: f("runtime.MCache_ReleaseAll")?,
            memcopy: f("memcopy")?,
            memwordcopy: f("memwordcopy")?,
            write: f("runtime.write")?,
            printhex: f("runtime.printhex")?,
            sellock: f("sellock")?,
            selunlock: f("selunlock")?,
        })
    }
}

/// Runs Go code on the twin: the fixture interpreter, or a test's script.
/// The runtime calls [`Program::run`] whenever it has switched to a
/// goroutine; the program runs that goroutine's Go code through the
/// runtime's entry points until one of them stops it.
pub trait Program {
    /// Run `rt.curg()` until the runtime switches away or the run ends.
    fn run(&mut self, rt: &mut Runtime) -> Stop;
}

/// Offsets and widths of the G fields the twin keeps (runtime.h, amd64).
const G_FIELDS: [(u64, u64); 12] = [
    (0, 8),   // stackguard
    (8, 8),   // stackbase
    (16, 8),  // defer
    (32, 8),  // sched.sp
    (40, 8),  // sched.pc
    (48, 8),  // sched.g
    (56, 8),  // stack0
    (64, 8),  // entry
    (72, 8),  // alllink
    (88, 2),  // status
    (92, 4),  // goid
    (104, 8), // schedlink
];

/// How many runtime operations a run performed (for the benchmark).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpCounts {
    pub spawns: u64,
    pub sends: u64,
    pub recvs: u64,
    /// Times the scheduler ran a G (a start or a resume).
    pub switches: u64,
}

/// The twin of one 2011 runtime: memory, the M, the Gs, the scheduler.
pub struct Runtime {
    pub variant: Variant,
    pub tab: FuncTab,
    pub(crate) sites: Sites,
    pub(crate) rf: RuntimeFuncs,
    pub m: M,
    pub(crate) gs: crate::Arena<G>,
    /// The G at each heap address.
    /// Every G, sorted by heap address. (Gs are never freed, and the heap
    /// hands out addresses mostly in increasing order: most go at the end.)
    pub(crate) g_by_addr: Vec<GId>,
    /// runtime·allg: the head of the list, newest first.
    pub allg: Option<GId>,
    pub sched: Sched,
    pub(crate) stacks_lock: Lock,
    pub stacks: FixAlloc,
    /// The closures' trampolines, by address (runtime·closure's code).
    pub(crate) closures: std::collections::BTreeMap<Addr, crate::closure::Trampoline>,
    pub(crate) ifaces: crate::iface::Ifaces,
    /// Where the runtime's static data lies.
    pub(crate) statics: crate::lock::Statics,
    /// The address of the string literal each call of throw or panicstring
    /// passes, by the call's return address (as 6l placed them; none
    /// without a fixture's measured data).
    pub(crate) messages: rustc_hash::FxHashMap<Addr, Addr>,
    /// mfinal.c's finalizer table and its lock.
    pub(crate) fintab: crate::mfinal::Fintab,
    pub(crate) finlock: Lock,
    pub(crate) semlock: Lock,
    pub(crate) proflock: Lock,
    pub chans: crate::Arena<crate::chan::Hchan>,
    /// The maps, their tables and iterators (hashmap.c).
    pub maps: crate::hashmap::Maps,
    /// The SudoGs of every channel's wait queues.
    pub(crate) sudogs: crate::chan::SudoGs,
    pub mem: Mem,
    pub heap: Heap,
    /// When set, every mallocgc's size and caller, in order (to compare
    /// with a real binary's allocations, as gdb lists them).
    pub alloc_log: Option<Vec<(u32, FuncId)>>,
    /// When set, every modelled CALL: the callee, SP at its entry (the
    /// return address just pushed), that return address and whether it
    /// ran on g0 (to compare with a real binary's calls, as gdb lists them).
    pub call_log: Option<Vec<(FuncId, Addr, Addr, bool)>>,
    /// The current g (TLS g) and SP.
    pub g: GId,
    pub sp: Addr,
    /// What the process wrote to fd 2 (print, println, tracebacks).
    pub stderr: Vec<u8>,
    pub ops: OpCounts,
    pub host: Host,
    /// What the run reached that the twin cannot model (the run ended
    /// there).
    pub unmodelled: Option<String>,
    /// Heap memory a signal frame wrote over (besides the Gs it
    /// modelled), and whether a live object other than a G lies there:
    /// what the twin does not keep, to stop at before anything reads it.
    pub(crate) spilled: Option<(std::ops::Range<Addr>, bool)>,
    /// The runtime functions the program's code calls, from which the
    /// linker's reach decides what the binary holds (see buildfuncs).
    pub program_roots: Vec<FuncId>,
    /// Whether symtab.c's buildfuncs has run (a first findfunc).
    pub(crate) symtab_built: bool,
    /// runtime·panicking: a panic or throw is printing.
    pub(crate) panicking: bool,
    /// chan.c's fastrand1 state.
    pub(crate) fastrand: u32,
    main_init: Option<FuncId>,
    main_main: Option<FuncId>,
}

impl Runtime {
    /// A twin of `variant`'s runtime, its function table loaded.
    pub fn new(variant: Variant) -> Result<Runtime, SymtabError> {
        let (tab, rf, sites) = Runtime::tables(variant)?;
        let g0 = G {
            stackguard: G0_STACKBASE - 8192 + 104,
            stackbase: G0_STACKBASE,
            ..G::new(0x42_6a28)
        };
        let mut mem = Mem::default();
        // The OS stack g0 runs on, with room above the base for rt0's caller.
        mem.map(G0_STACKBASE - 0x10000, 0x10000 + 0x800, false);
        let g_by_addr = vec![GId::G0];
        Ok(Runtime {
            variant,
            tab,
            sites,
            rf,
            m: M::default(),
            gs: {
                let mut gs = crate::Arena::default();
                gs.push(g0);
                gs
            },
            g_by_addr,
            allg: None,
            sched: Sched::default(),
            stacks_lock: Lock::default(),
            stacks: FixAlloc::default(),
            closures: Default::default(),
            ifaces: Default::default(),
            statics: Default::default(),
            messages: Default::default(),
            fintab: Default::default(),
            finlock: Lock::default(),
            semlock: Lock::default(),
            proflock: Lock::default(),
            unmodelled: None,
            spilled: None,
            program_roots: Vec::new(),
            symtab_built: false,
            chans: crate::Arena::default(),
            maps: crate::hashmap::Maps::default(),
            sudogs: crate::chan::SudoGs::default(),
            mem,
            heap: Heap::default(),
            alloc_log: None,
            call_log: None,
            g: GId::G0,
            sp: G0_STACKBASE,
            stderr: Vec::new(),
            ops: OpCounts::default(),
            host: Host::RECORDING,
            panicking: false,
            fastrand: crate::chan::FASTRAND_SEED,
            main_init: None,
            main_main: None,
        })
    }

    /// The runtime's function table, the functions the twin calls and the
    /// call sites, as measured: read from the compiled-in tables once per
    /// thread and variant (a sweep makes thousands of runtimes; the tables
    /// keep lookup caches in cells, so each thread has its own), then
    /// copied for each runtime, which adds the program's own functions.
    fn tables(variant: Variant) -> Result<(FuncTab, RuntimeFuncs, Sites), SymtabError> {
        type Loaded = Result<(FuncTab, RuntimeFuncs, Sites), SymtabError>;
        thread_local! {
            static LOADED: [std::cell::OnceCell<Loaded>; 2] = const {
                [std::cell::OnceCell::new(), std::cell::OnceCell::new()]
            };
        }
        LOADED.with(|loaded| {
            let slot = match variant {
                Variant::Pre1547 => &loaded[0],
                Variant::Post1547 => &loaded[1],
            };
            slot.get_or_init(|| {
                let mut tab = FuncTab::runtime(variant)?;
                let rf = RuntimeFuncs::find(&tab, variant)?;
                let sites = Sites::load(variant, &mut tab)?;
                Ok((tab, rf, sites))
            })
            .clone()
        })
    }

    /// The goroutine running now.
    pub fn curg(&self) -> GId {
        self.m.curg.expect("a goroutine runs")
    }

    pub fn g(&self, id: GId) -> &G {
        &self.gs[id]
    }

    /// Every G ever made, g0 first.
    pub fn all_gs(&self) -> impl Iterator<Item = &G> {
        self.gs.iter()
    }

    /// Boot as rt0 does and run `prog` until the process ends: main.init
    /// (if any) and main.main in goroutine 1, exit(0) when main returns.
    pub fn run(
        &mut self,
        prog: &mut dyn Program,
        main_init: Option<FuncId>,
        main_main: FuncId,
    ) -> Ending {
        self.main_init = main_init;
        self.main_main = Some(main_main);
        if let Err(stop) = self.rt0() {
            match stop {
                Stop::End(e) => return e,
                Stop::Switch => {}
            }
        }
        loop {
            match prog.run(self) {
                Stop::Switch => continue,
                Stop::End(e) => return e,
            }
        }
    }

    /// _rt0_amd64 (asm.s): check, schedinit, newproc(0, mainstart) on g0,
    /// then mstart -> scheduler, which switches to goroutine 1. (args and
    /// osinit, between check and schedinit, call nothing the twin models.)
    fn rt0(&mut self) -> Result<(), Stop> {
        self.sched.mcpumax = 1;
        self.sched.predawn = true;
        self.m.g0 = GId::G0;
        self.g = GId::G0;
        self.sp = G0_STACKBASE;
        let (rt0, mainstart) = (self.rf.rt0, self.rf.mainstart);
        self.check(rt0)?;
        self.schedinit()?;
        let fn_ = self.tab.entry(mainstart);
        self.go_stmt(self.site(rt0, self.rf.newproc), fn_, &[], 0)?;
        let mstart = self.rf.mstart;
        self.call(rt0, mstart, &[])?;
        // minit: m->gsignal = malg(32K); its stack comes from mallocgc.
        let minit = self.rf.minit;
        self.call(mstart, minit, &[])?;
        let gsignal = self.malg(minit, 32 * 1024)?;
        self.m.gsignal = Some(gsignal);
        self.leave(minit)?;
        let scheduler = self.rf.scheduler;
        self.call(mstart, scheduler, &[])?;
        self.lock(scheduler, LockId::Sched)?;
        // gosave(&m->sched): every later switch to g0 lands here.
        self.m.sched = Gobuf {
            sp: self.sp,
            pc: self.site(scheduler, self.rf.gosave),
            g: self.gs[self.m.g0].addr,
        };
        self.schedule_next()
    }

    /// schedinit, as far as the heap goes: mallocinit's allocmcache, then
    /// free(malloc(1)), goargs mallocs os.Args and goenvs the environment,
    /// with a gostringnocopy for each string: one argument and one
    /// variable (PATH), as the harness runs every program. These first
    /// objects set where later ones land. Then getenv("GOMAXPROCS"), not
    /// set. All of it under m->nomemprof, so the first allocation's
    /// memory-profile sample records nothing.
    fn schedinit(&mut self) -> Result<(), Stop> {
        let f = |name: &str| self.tab.lookup(name).expect("in every table");
        let (si, mi, ga) = (
            f("runtime.schedinit"),
            f("runtime.mallocinit"),
            f("runtime.goargs"),
        );
        let (ge, gu) = (f("runtime.goenvs"), f("runtime.goenvs_unix"));
        self.call(self.rf.rt0, si, &[])?;
        self.m.nomemprof += 1;
        self.call(si, mi, &[])?;
        self.allocmcache(mi)?;
        let p = self.malloc(mi, 1)?;
        self.free(mi, p, 1)?;
        self.leave(mi)?;
        // Each string is gostringnocopy of the C string (where the
        // process's argv and envp lie is not modelled: 0).
        self.call(si, ga, &[])?;
        self.malloc(ga, 16)?;
        self.gostringnocopy(ga.into(), 0)?;
        self.leave(ga)?;
        self.call(si, ge, &[])?;
        self.call(ge, gu, &[])?;
        self.malloc(gu, 16)?;
        self.gostringnocopy(gu.into(), 0)?;
        self.leave(gu)?;
        self.leave(ge)?;
        self.getenv(si.into())?;
        self.m.nomemprof -= 1;
        self.leave(si)
    }

    /// runtime·stoptheworld, from the collector: under the sched lock,
    /// gcwaiting = 1 and mcpumax = 1; with one M there is no other to
    /// wait for (mcpu is 1), so no notesleep. (gcwaiting's effect on
    /// other Ms is not modelled: there are none.)
    pub(crate) fn stoptheworld(&mut self, caller: Caller) -> Result<(), Stop> {
        let f = self.rf.stoptheworld;
        self.call(caller, f, &[])?;
        self.lock(at2(f, 356, 358), LockId::Sched)?;
        self.unlock(at2(f, 370, 372), LockId::Sched)?;
        self.leave(f)
    }

    /// runtime·starttheworld: under the sched lock, gcwaiting = 0,
    /// mcpumax = gomaxprocs and matchmg, which starts no M (mcpu is not
    /// below mcpumax).
    pub(crate) fn starttheworld(&mut self, caller: Caller) -> Result<(), Stop> {
        let (f, mm) = (self.rf.starttheworld, self.rf.matchmg);
        self.call(caller, f, &[])?;
        self.lock(f, LockId::Sched)?;
        self.call_leaf(f, mm, &[])?;
        self.unlock(f, LockId::Sched)?;
        self.leave(f)
    }

    /// Place the runtime's static data where the binary has it: the locks
    /// on the modelled paths, g0, and the type descriptors (`syms` is the
    /// binary's symbols and addresses). Before the run starts.
    pub fn place_data(&mut self, syms: &[(String, Addr)]) {
        for (sym, addr) in syms {
            match sym.as_str() {
                "runtime.sched" => self.statics.sched = *addr,
                "stacks" => self.statics.stacks = *addr,
                "ifacelock" => self.statics.ifacelock = *addr,
                "finlock" => self.statics.finlock = *addr,
                "semlock" => self.statics.semlock = *addr,
                "proflock" => self.statics.proflock = *addr,
                "sig" => self.statics.sig = *addr,
                "runtime.mheap" => self.statics.mheap = *addr,
                // g0 lies below every heap G, so the index's order holds.
                "runtime.g0" => self.gs[GId::G0].addr = *addr,
                _ => {
                    // cstring.<caller>+0x<return offset>: the message the
                    // call passes (a caller the twin lacks is skipped).
                    let site = sym.strip_prefix("cstring.").and_then(|s| {
                        let (caller, off) = s.rsplit_once("+0x")?;
                        let off = u64::from_str_radix(off, 16).ok()?;
                        Some(self.tab.entry(self.tab.lookup(caller)?) + off)
                    });
                    if let Some(ret) = site {
                        self.messages.insert(ret, *addr);
                    }
                }
            }
        }
        self.ifaces.place(syms);
    }

    /// The part of scheduler() after its gosave, entered again by every
    /// gogo(&m->sched): account for the G that stopped, then pick the next.
    fn reschedule(&mut self) -> Result<(), Stop> {
        let scheduler = self.rf.scheduler;
        self.g = self.m.g0;
        self.sp = self.m.sched.sp;
        let gp = self.curg();
        if self.gs[gp].status == Status::Recovery {
            return self.recovery(gp);
        }
        if self.gs[gp].status == Status::Stackalloc {
            // post-1547: malg switched here to run stackalloc on g0.
            let n = self.gs[gp].param as u32;
            let stk = self.stackalloc(scheduler, n)?;
            self.gs[gp].param = stk;
            self.gs[gp].status = Status::Running;
            self.g = gp;
            self.sp = self.gs[gp].sched.sp;
            return Ok(());
        }
        // "Jumped here via runtime·gosave/gogo": the second lock.
        self.lock(at2(scheduler, 498, 507), LockId::Sched)?;
        if self.sched.predawn {
            return self.throw(scheduler, "init sleeping");
        }
        self.sched.mcpu -= 1;
        if self.sched.mcpu < 0 {
            return self.throw(scheduler, "runtime·sched.mcpu < 0 in scheduler");
        }
        match self.gs[gp].status {
            Status::Runnable | Status::Dead => {
                return self.throw(scheduler, "bad gp->status in sched")
            }
            Status::Recovery | Status::Stackalloc if self.variant == Variant::Post1547 => {
                return self.throw(scheduler, "bad gp->status in sched")
            }
            Status::Running => {
                self.gs[gp].status = Status::Runnable;
                self.gput(scheduler, gp)?;
            }
            Status::Moribund => {
                self.gs[gp].status = Status::Dead;
                self.unwindstack(at2(scheduler, 524, 535), gp)?;
                self.gfput(gp)?;
                self.sched.gcount -= 1;
                if self.sched.gcount == 0 {
                    return Err(self.exit(scheduler, 0));
                }
            }
            _ => {}
        }
        self.schedule_next()
    }

    /// scheduler()'s tail: nextgandunlock, then run the G it returns,
    /// starting it with gogocall if it never ran.
    fn schedule_next(&mut self) -> Result<(), Stop> {
        let gp = self.nextgandunlock()?;
        self.ops.switches += 1;
        let g = &mut self.gs[gp];
        g.status = Status::Running;
        self.m.curg = Some(gp);
        let sched = g.sched;
        if sched.pc == self.tab.entry(self.rf.goexit) {
            let entry = self.gs[gp].entry;
            let f = self.gogocall(sched, entry)?;
            self.started(gp, f)
        } else {
            self.g = gp;
            self.sp = sched.sp;
            self.resume(gp)
        }
    }

    /// A G entered `entry` for the first time. mainstart is the runtime's:
    /// it calls main.init and main.main, which are the program's.
    fn started(&mut self, gp: GId, entry: FuncId) -> Result<(), Stop> {
        if entry == self.rf.mainstart {
            match self.main_init {
                Some(init) => self.start_go(gp, self.rf.mainstart, 0, init)?,
                None => self.mainstart_main(gp)?,
            }
        } else {
            self.gs[gp].start = Some((entry, Start::Goroutine));
        }
        Err(Stop::Switch)
    }

    /// mainstart, after main.init: initdone, then main.main.
    fn mainstart_main(&mut self, gp: GId) -> Result<(), Stop> {
        let mainstart = self.rf.mainstart;
        let initdone = self.rf.initdone;
        self.call(mainstart, initdone, &[])?;
        self.sched.predawn = false;
        self.heap.enablegc = true;
        // schedlock(); matchmg(); schedunlock(): with one M running, matchmg
        // finds nothing to start.
        self.lock(initdone, LockId::Sched)?;
        let matchmg = self.rf.matchmg;
        self.call(initdone, matchmg, &[])?;
        self.leave(matchmg)?;
        self.unlock(initdone, LockId::Sched)?;
        self.leave(initdone)?;
        let main = self.main_main.expect("run sets main.main");
        self.start_go(gp, mainstart, 1, main)
    }

    /// A runtime function calls Go function `f` (mainstart's calls).
    fn start_go(&mut self, gp: GId, caller: FuncId, nth: u32, f: FuncId) -> Result<(), Stop> {
        let ret =
            self.tab.entry(caller) + u64::from(self.sites.ret_off_nth(&self.tab, caller, f, nth));
        self.call_at(ret, f, &[])?;
        self.gs[gp].start = Some((f, Start::Goroutine));
        Ok(())
    }

    /// Finish the C frames a resumed G was suspended in.
    fn resume(&mut self, gp: GId) -> Result<(), Stop> {
        match std::mem::replace(&mut self.gs[gp].resume, Resume::None) {
            Resume::None => {}
            Resume::Gosched => {
                self.leave(self.rf.gosched)?;
                self.leave(self.rf.gosched_go)?;
            }
            Resume::Chan(op) => self.resume_chan(op)?,
        }
        Err(Stop::Switch)
    }

    /// Declare a Go function: its frame and argument sizes (as 6g lays
    /// them out), its file, the line of its declaration and the lines of
    /// its call sites by return offset.
    pub fn declare(&mut self, mut f: crate::symtab::Func) -> Result<FuncId, SymtabError> {
        f.check = crate::symtab::Func::splitting(&f.name, f.frame, f.args).check;
        self.tab.add(f)
    }

    /// A call from Go code: CALL `f` with return address `ret`.
    pub fn call_go(&mut self, ret: Addr, f: FuncId, args: &[u64]) -> Result<(), Stop> {
        self.call_at(ret, f, args)
    }

    /// The Go function the runtime has entered in `g` for the program to
    /// run, taken once.
    pub fn take_start(&mut self, g: GId) -> Option<(FuncId, Start)> {
        self.gs[g].start.take()
    }

    /// nextgandunlock (one M): the head of the run queue, or the
    /// deadlock throw when nothing can ever run again.
    fn nextgandunlock(&mut self) -> Result<GId, Stop> {
        let (scheduler, f) = (self.rf.scheduler, self.rf.nextgandunlock);
        self.call(scheduler, f, &[])?;
        if self.sched.mcpu < 0 {
            return self.throw(f, "negative runtime·sched.mcpu");
        }
        if self.sched.mcpu < self.sched.mcpumax {
            if let Some(gp) = self.gget(f)? {
                self.sched.mcpu += 1;
                self.unlock(at2(f, 327, 329), LockId::Sched)?;
                self.leave(f)?;
                return Ok(gp);
            }
        }
        if self.sched.mcpu == 0 && self.sched.msyscall == 0 {
            let at = self.site_line(f, self.rf.throw, (334, 336));
            return self.throw_at(at, "all goroutines are asleep - deadlock!");
        }
        unreachable!("one M: mcpu is 0 whenever the scheduler looks for a G")
    }

    /// gput: append to the run queue (FIFO).
    fn gput(&mut self, caller: FuncId, gp: GId) -> Result<(), Stop> {
        let f = self.rf.gput;
        self.call(caller, f, &[self.gs[gp].addr])?;
        self.gs[gp].schedlink = None;
        match self.sched.gtail {
            None => self.sched.ghead = Some(gp),
            Some(t) => self.gs[t].schedlink = Some(gp),
        }
        self.sched.gtail = Some(gp);
        self.sched.gwait += 1;
        self.leave(f)
    }

    /// gget: pop the run queue's head.
    fn gget(&mut self, caller: FuncId) -> Result<Option<GId>, Stop> {
        let f = self.rf.gget;
        self.call(caller, f, &[])?;
        let gp = self.sched.ghead;
        if let Some(g) = gp {
            self.sched.ghead = self.gs[g].schedlink;
            if self.sched.ghead.is_none() {
                self.sched.gtail = None;
            }
            self.sched.gwait -= 1;
        }
        self.leave(f)?;
        Ok(gp)
    }

    /// readylocked: mark runnable and queue it; matchmg has nothing to do
    /// with one M (it is called for its frame).
    pub(crate) fn readylocked(&mut self, caller: impl Into<Caller>, gp: GId) -> Result<(), Stop> {
        let f = self.rf.readylocked;
        self.call(caller, f, &[self.gs[gp].addr])?;
        let status = self.gs[gp].status;
        let bad = matches!(
            status,
            Status::Runnable | Status::Running | Status::Recovery
        ) || (self.variant == Variant::Post1547 && status == Status::Stackalloc);
        if bad {
            if self.variant == Variant::Post1547 {
                let goid = self.gs[gp].goid;
                self.print(&format!("goroutine {goid} has status {}\n", status as i32));
            }
            return self.throw(f, "bad g->status in ready");
        }
        self.gs[gp].status = Status::Runnable;
        self.gput(f, gp)?;
        if !self.sched.predawn {
            let matchmg = self.rf.matchmg;
            self.call(f, matchmg, &[])?;
            self.leave(matchmg)?;
        }
        self.leave(f)
    }

    /// gfput: a dead G (with its first segment) goes on the free list (LIFO).
    fn gfput(&mut self, gp: GId) -> Result<(), Stop> {
        let f = self.rf.gfput;
        self.call(self.rf.scheduler, f, &[self.gs[gp].addr])?;
        let g = &self.gs[gp];
        if g.stackguard - u64::from(STACK_GUARD) != g.stack0 {
            return self.throw(f, "invalid stack in gfput");
        }
        self.gs[gp].schedlink = self.sched.gfree;
        self.sched.gfree = Some(gp);
        self.leave(f)
    }

    /// gfget: pop the free list.
    fn gfget(&mut self, caller: FuncId) -> Result<Option<GId>, Stop> {
        let f = self.rf.gfget;
        self.call(caller, f, &[])?;
        let gp = self.sched.gfree;
        if let Some(g) = gp {
            self.sched.gfree = self.gs[g].schedlink;
        }
        self.leave(f)?;
        Ok(gp)
    }

    /// unwindstack(gp, nil) from `caller`: free every segment above a
    /// dead G's first.
    fn unwindstack(&mut self, caller: Caller, gp: GId) -> Result<(), Stop> {
        let f = self.rf.unwindstack;
        self.call(caller, f, &[self.gs[gp].addr, 0])?;
        loop {
            let top = self.read_stktop(self.gs[gp].stackbase);
            if top.stackbase == 0 {
                break;
            }
            let stk = self.gs[gp].stackguard - u64::from(STACK_GUARD);
            self.gs[gp].stackbase = top.stackbase;
            self.gs[gp].stackguard = top.stackguard;
            if top.free != 0 {
                self.stackfree(f, stk, top.free)?;
            }
        }
        self.leave(f)
    }

    /// runtime·malg: a G and, for stacksize >= 0, its first segment.
    ///
    /// pre-1547 calls stackalloc right here, on whatever stack malg runs
    /// on. post-1547, off g0, it parks the request in g->param with status
    /// Gstackalloc and jumps to the scheduler, which runs stackalloc on g0
    /// and jumps back (see [`Runtime::reschedule`]).
    pub(crate) fn malg(&mut self, caller: FuncId, stacksize: i32) -> Result<GId, Stop> {
        let f = self.rf.malg;
        self.call(caller, f, &[stacksize as u64])?;
        let addr = self.malloc(f, SIZEOF_G)?;
        let id = GId::new(self.gs.len());
        let _ = self.gs.push(G::new(addr));
        self.g_by_addr.insert(self.g_slot(addr), id);
        if stacksize >= 0 {
            let n = STACK_SYSTEM + stacksize as u32;
            let stk = if self.variant == Variant::Pre1547 || self.g == self.m.g0 {
                self.stackalloc(f, n)?
            } else {
                self.stackalloc_on_g0(f, n)?
            };
            let g = &mut self.gs[id];
            g.stack0 = stk;
            g.stackguard = stk + u64::from(STACK_SYSTEM + STACK_GUARD);
            g.stackbase = stk + u64::from(n) - STKTOP_SIZE;
            let base = g.stackbase;
            let memclr = self.rf.memclr;
            self.call(f, memclr, &[base, STKTOP_SIZE])?;
            self.write_stktop(base, &Stktop::default());
            self.leave(memclr)?;
        }
        self.leave(f)?;
        Ok(id)
    }

    /// post-1547 malg off g0: `g->param = n; g->status = Gstackalloc;
    /// if(gosave(&g->sched) == 0) gogo(&m->sched, 1);` then take the
    /// segment from g->param and restore the status.
    fn stackalloc_on_g0(&mut self, malg: FuncId, n: u32) -> Result<Addr, Stop> {
        let g = self.g;
        let oldstatus = self.gs[g].status;
        self.gs[g].param = u64::from(n);
        self.gs[g].status = Status::Stackalloc;
        let gosave = self.rf.gosave;
        self.gs[g].sched = Gobuf {
            sp: self.sp,
            pc: self.site(malg, gosave),
            g: self.gs[g].addr,
        };
        self.reschedule()?;
        let stk = self.gs[g].param;
        self.gs[g].param = 0;
        self.gs[g].status = oldstatus;
        Ok(stk)
    }

    /// The `go` statement: the caller pushes fn and siz above the
    /// arguments it stored at 0(SP), and calls runtime·newproc.
    pub fn go_stmt(&mut self, ret: Addr, fn_: Addr, args: &[u64], siz: u32) -> Result<GId, Stop> {
        // The arguments; the results' words past them keep what the
        // caller's outgoing area held, which newproc1 copies too.
        self.mem.write_words(self.sp, args);
        let siz = u64::from(siz);
        self.ops.spawns += 1;
        self.push(fn_);
        self.push(siz);
        let newproc = self.rf.newproc;
        self.call_at(ret, newproc, &[])?;
        let argp = self.sp + u64::from(self.tab.get(newproc).frame) + 24;
        let g = self.newproc1(fn_, argp, siz as u32)?;
        self.leave(newproc)?;
        self.sp += 16;
        Ok(g)
    }

    /// newproc1: take a dead G or make one with malg(StackMin), copy the
    /// arguments to the top of its stack, give it the next goid and queue
    /// it. The G runs when the scheduler reaches it; its creator goes on.
    fn newproc1(&mut self, fn_: Addr, argp: Addr, narg: u32) -> Result<GId, Stop> {
        let np1 = self.rf.newproc1;
        self.call(self.rf.newproc, np1, &[fn_, argp, u64::from(narg)])?;
        let siz = (narg + 7) & !7;
        if siz > 1024 {
            return self.throw(np1, "runtime.newproc: too many args");
        }
        self.lock(np1, LockId::Sched)?;
        let newg = match self.gfget(np1)? {
            Some(g) => {
                self.gs[g].status = Status::Waiting;
                let ng = &self.gs[g];
                if ng.stackguard - u64::from(STACK_GUARD + STACK_SYSTEM) != ng.stack0 {
                    return self.throw(np1, "invalid stack in newg");
                }
                g
            }
            None => {
                let g = self.malg(np1, STACK_MIN as i32)?;
                self.gs[g].status = Status::Waiting;
                self.gs[g].alllink = self.allg;
                self.allg = Some(g);
                g
            }
        };
        let sp = self.gs[newg].stackbase - u64::from(siz);
        self.mcpy(np1, sp, argp, narg)?;
        let goexit = self.tab.entry(self.rf.goexit);
        let addr = self.gs[newg].addr;
        self.sched.gcount += 1;
        self.sched.goidgen += 1;
        let g = &mut self.gs[newg];
        g.sched = Gobuf {
            sp,
            pc: goexit,
            g: addr,
        };
        g.entry = fn_;
        g.goid = self.sched.goidgen;
        let nprl = self.rf.newprocreadylocked;
        self.call(np1, nprl, &[addr])?;
        let nop = self.rf.nop;
        self.call(nprl, nop, &[])?;
        self.leave(nop)?;
        self.readylocked(nprl, newg)?;
        self.leave(nprl)?;
        self.unlock(np1, LockId::Sched)?;
        self.leave(np1)?;
        Ok(newg)
    }

    /// runtime·mcpy: copy `n` bytes of stack words.
    pub(crate) fn mcpy(
        &mut self,
        caller: FuncId,
        dst: Addr,
        src: Addr,
        n: u32,
    ) -> Result<(), Stop> {
        let f = self.rf.mcpy;
        self.call(caller, f, &[dst, src, u64::from(n)])?;
        for i in (0..u64::from(n)).step_by(8) {
            let w = self.mem.read(src + i).unwrap_or(0);
            self.mem.write(dst + i, w);
        }
        self.leave(f)
    }

    /// runtime·Gosched from Go code: gosched puts the G at the tail of the
    /// run queue and runs the head.
    pub fn gosched_go(&mut self, ret: Addr) -> Result<(), Stop> {
        let f = self.rf.gosched_go;
        self.call_at(ret, f, &[])?;
        self.gs[self.g].resume = Resume::Gosched;
        self.gosched(f)
    }

    /// runtime·GOMAXPROCS(n) from Go code (runtime1.goc), returning to
    /// `ret`: gomaxprocsfunc(n), which under the scheduler's lock sets
    /// gomaxprocs and mcpumax to n (the old value for n <= 0) and runs
    /// matchmg. The twin's runs have one M and a limit of one (no
    /// $GOMAXPROCS in their environment): the old value is 1, and matchmg
    /// finds mcpu not below mcpumax. A limit above one lets the scheduler
    /// start other Ms, which the twin does not model. Returns the old
    /// value.
    pub fn gomaxprocs_go(&mut self, ret: Addr, n: i64) -> Result<i64, Stop> {
        let f = self.rt_fn("runtime.GOMAXPROCS")?;
        self.call_at(ret, f, &[n as u32 as u64])?;
        let gf = self.rt_fn("runtime.gomaxprocsfunc")?;
        self.call(at(f, 3), gf, &[n as u32 as u64])?;
        self.lock(at2(gf, 1156, 1184), LockId::Sched)?;
        let old = i64::from(self.sched.mcpumax);
        if n as i32 > 1 {
            self.unmodelled = Some(format!(
                "runtime.GOMAXPROCS({n}): more than one M may run, which the twin does not model"
            ));
            return Err(Stop::End(Ending::Exit(2)));
        }
        let mm = self.rf.matchmg;
        self.call_leaf(at2(gf, 1172, 1200), mm, &[])?;
        self.unlock(at2(gf, 1173, 1201), LockId::Sched)?;
        self.leave(gf)?;
        self.leave(f)?;
        Ok(old)
    }

    /// runtime·gosched: save this G and jump into the scheduler.
    pub(crate) fn gosched(&mut self, caller: FuncId) -> Result<(), Stop> {
        self.gosched_at(self.site(caller, self.rf.gosched))
    }

    /// gosched called from the call site returning to `ret`.
    pub(crate) fn gosched_at(&mut self, ret: Addr) -> Result<(), Stop> {
        let f = self.rf.gosched;
        self.call_at(ret, f, &[])?;
        if self.m.locks != 0 {
            return self.throw(f, "gosched holding locks");
        }
        if self.g == self.m.g0 {
            return self.throw(f, "gosched of g0");
        }
        let g = self.g;
        self.gs[g].sched = Gobuf {
            sp: self.sp,
            pc: self.site(f, self.rf.gosave),
            g: self.gs[g].addr,
        };
        // The G stops here: its segment keeps no room to grow until it
        // runs again (and goes deeper than ever before).
        self.mem.trim(self.gs[g].stackbase);
        self.reschedule()
    }

    /// Return from Go function `f`. A return into goexit ends the G; into
    /// mainstart, it goes on to main.main, or exits when main returns.
    pub fn ret_go(&mut self, f: FuncId) -> Result<(), Stop> {
        let ret = self.leave_to(f)?;
        let ret = self.through_trampoline(ret)?;
        if ret == self.tab.entry(self.rf.goexit) {
            // goexit: Gmoribund, then gosched; the scheduler buries it.
            let goexit = self.rf.goexit;
            self.prologue(goexit)?;
            let g = self.g;
            self.gs[g].status = Status::Moribund;
            return self.gosched(goexit);
        }
        if self.tab.holds(self.rf.panic, ret) {
            return self.panic_after_call();
        }
        let mainstart = self.rf.mainstart;
        if self.tab.holds(mainstart, ret) {
            if Some(f) != self.main_main {
                let gp = self.g;
                self.mainstart_main(gp)?;
                return Err(Stop::Switch);
            }
            // PUSHQ $0; CALL runtime·exit: mainstart has no frame to hold
            // the argument.
            self.push(0);
            return Err(self.exit(mainstart, 0));
        }
        Ok(())
    }

    /// runtime·newstack, on g0: a new segment for the function that split,
    /// the arguments copied over, and lessstack as its return address.
    pub(crate) fn newstack(&mut self) -> Result<(), Stop> {
        let f = self.rf.newstack;
        let framesize = self.m.moreframesize;
        let argsize = self.m.moreargsize;
        let g1 = self.curg();
        let guard = self.gs[g1].stackguard;
        if self.m.morebuf.sp < guard - u64::from(STACK_GUARD) {
            let msg = format!(
                "runtime: split stack overflow: {:#x} < {:#x}\n",
                self.m.morebuf.sp,
                guard - u64::from(STACK_GUARD)
            );
            self.print(&msg);
            return self.throw(f, "runtime: split stack overflow");
        }
        let mut size = framesize + argsize + STACK_EXTRA;
        if size < STACK_MIN {
            size = STACK_MIN;
        }
        size += STACK_SYSTEM;
        let stk = self.stackalloc(f, size)?;
        let top = stk + u64::from(size) - STKTOP_SIZE;
        let g = &self.gs[g1];
        let stktop = Stktop {
            stackguard: g.stackguard,
            stackbase: g.stackbase,
            gobuf: self.m.morebuf,
            argsize,
            argp: self.m.moreargp,
            free: size,
            panic: g.ispanic,
        };
        self.write_stktop(top, &stktop);
        let g = &mut self.gs[g1];
        g.ispanic = false;
        g.stackbase = top;
        g.stackguard = stk + u64::from(STACK_GUARD + STACK_SYSTEM);
        let mut sp = top;
        if argsize > 0 {
            sp -= u64::from(argsize);
            self.mcpy(f, sp, self.m.moreargp, argsize)?;
        }
        let label = Gobuf {
            sp,
            pc: self.tab.entry(self.rf.lessstack),
            g: self.gs[g1].addr,
        };
        // gogocall(&label, m->morepc): the function resumes after its check.
        self.g = self.gid_at(label.g);
        self.sp = label.sp;
        self.push(label.pc);
        Ok(())
    }

    /// runtime·oldstack, on g0: copy the results back, free the segment
    /// being left (before restoring stackbase: a traceback taken inside
    /// stackfree still sees it), and gogo to the caller below it, whose pc
    /// it returns.
    pub(crate) fn oldstack(&mut self) -> Result<Addr, Stop> {
        let f = self.rf.oldstack;
        let g1 = self.curg();
        let top = self.gs[g1].stackbase;
        let old = self.read_stktop(top);
        if old.argsize > 0 {
            self.mcpy(f, old.argp, top - u64::from(old.argsize), old.argsize)?;
        }
        if old.free != 0 {
            let stk = self.gs[g1].stackguard - u64::from(STACK_GUARD + STACK_SYSTEM);
            self.stackfree(f, stk, old.free)?;
        }
        let g = &mut self.gs[g1];
        g.stackbase = old.stackbase;
        g.stackguard = old.stackguard;
        self.g = self.gid_at(old.gobuf.g);
        self.sp = old.gobuf.sp;
        Ok(old.gobuf.pc)
    }

    pub(crate) fn read_stktop(&self, at: Addr) -> Stktop {
        Stktop::from_words(self.mem.read_words(at).map(|w| w.unwrap_or(0)))
    }

    pub(crate) fn write_stktop(&mut self, at: Addr, top: &Stktop) {
        self.mem.write_words(at, &top.to_words());
    }

    /// runtime·exit(code): the process ends.
    pub(crate) fn exit(&mut self, caller: FuncId, code: i32) -> Stop {
        let _ = self.call(caller, self.rf.exit, &[code as u64]);
        Stop::End(Ending::Exit(code))
    }

    /// Append to fd 2.
    pub(crate) fn print(&mut self, s: &str) {
        self.stderr.extend_from_slice(s.as_bytes());
    }
}

impl Runtime {
    /// The rarely used parts of `g`, made on first use.
    pub(crate) fn rare(&mut self, g: GId) -> &mut Rare {
        self.gs[g].rare.get_or_insert_with(Default::default)
    }

    fn deferred(&mut self, g: GId) -> &mut Deferred {
        &mut self.rare(g).deferred
    }

    /// `defer f(args)`: the caller stores the arguments at 0(SP), pushes fn
    /// and siz and calls runtime·deferproc (textflag 7), which records the
    /// call with the caller's pc and argument pointer. It returns 0 here;
    /// a recovery later makes it "return 1" (see [`Runtime::take_recovery`]).
    pub fn deferproc(&mut self, ret: Addr, fn_: Addr, args: &[u64], siz: u32) -> Result<(), Stop> {
        self.mem.write_words(self.sp, args);
        // What mcpy copies to d->args: the arguments, and the results'
        // words as the caller's outgoing area held them.
        let args: Vec<u64> = (0..u64::from(siz) / 8)
            .map(|i| self.mem.read(self.sp + 8 * i).unwrap_or(0))
            .collect();
        self.push(fn_);
        self.push(u64::from(siz));
        let dp = self.rf.deferproc;
        self.call_at(ret, dp, &[])?;
        let argp = self.sp + u64::from(self.tab.get(dp).frame) + 24;
        let addr = self.malloc(dp, DEFER_HEADER + siz)?;
        // d->pc = getcallerpc(&siz); mcpy(d->args, d->argp, siz): the
        // arguments go to the heap, where the twin keeps them as values.
        let pc = self.rf.getcallerpc;
        self.call_leaf(dp, pc, &[self.argp(dp)])?;
        let m = self.rf.mcpy;
        self.call_leaf(
            dp,
            m,
            &[addr + u64::from(DEFER_HEADER), argp, u64::from(siz)],
        )?;
        let g = self.g;
        self.deferred(g).defers.push(Defer {
            siz,
            fn_,
            pc: ret,
            argp,
            args,
            addr,
        });
        self.leave(dp)?;
        self.sp += 16;
        Ok(())
    }

    /// runtime·deferreturn, called by a function with deferred calls
    /// before it returns. If the innermost deferred call is this frame's,
    /// it is taken off, its arguments copied back, and jmpdefer enters it
    /// with the return address wound back onto the CALL, so that when it
    /// returns deferreturn runs again: `Some(f)` means the program must
    /// run `f`, then call deferreturn again; `None`, that nothing is left.
    pub fn deferreturn(&mut self, ret: Addr) -> Result<Option<FuncId>, Stop> {
        let dr = self.rf.deferreturn;
        self.call_at(ret, dr, &[])?;
        let argp = self.sp + u64::from(self.tab.get(dr).frame) + 8;
        let g = self.g;
        let top_is_ours = self.gs[g]
            .rare
            .as_ref()
            .map(|r| &r.deferred)
            .and_then(|d| d.defers.last())
            .is_some_and(|d| d.argp == argp);
        if !top_is_ours {
            self.leave(dr)?;
            return Ok(None);
        }
        let d = self.deferred(g).defers.pop().expect("checked");
        // mcpy(argp, d->args, d->siz), from the heap the twin keeps as
        // values: the words written here.
        let m = self.rf.mcpy;
        self.call_leaf(
            dr,
            m,
            &[argp, d.addr + u64::from(DEFER_HEADER), u64::from(d.siz)],
        )?;
        self.mem.write_words(argp, &d.args);
        self.free(dr, d.addr, DEFER_HEADER + d.siz)?;
        // CALL jmpdefer(fn, argp), which does not return: SP = argp-8,
        // whose word (deferreturn's return address) goes back 5 bytes,
        // onto the CALL, and it jumps to fn.
        let jd = self.rf.jmpdefer;
        self.call(dr, jd, &[d.fn_, argp])?;
        self.sp = argp - 8;
        self.mem.write(self.sp, ret - 5);
        let f = self.enter(d.fn_)?;
        self.gs[g].start = Some((f, Start::Deferred));
        Ok(Some(f))
    }

    /// runtime·panic(e) from Go code, the value printed as `text`: run the
    /// deferred calls, innermost first, each through reflect·call on a
    /// segment marked as a panic's; a call that recovers ends the panic;
    /// when none is left, print the panics and die (exit 2). Returns
    /// `Err(Stop::Switch)` with a deferred call entered for the program.
    pub fn panic(
        &mut self,
        ret: Addr,
        value: crate::iface::Eface,
        text: Option<&str>,
    ) -> Result<(), Stop> {
        let p = self.rf.panic;
        self.call_at(ret, p, &[value.ty, value.data])?;
        let addr = self.mal(p, SIZEOF_PANIC)?;
        let g = self.g;
        self.deferred(g).panics.push(Panic {
            value,
            text: text.map(str::to_string),
            recovered: false,
            addr,
        });
        self.panic_loop()
    }

    /// runtime·panic's loop, in its frame.
    fn panic_loop(&mut self) -> Result<(), Stop> {
        let p = self.rf.panic;
        let g = self.g;
        let next = self.gs[g]
            .rare
            .as_mut()
            .map(|r| &mut r.deferred)
            .and_then(|d| d.defers.pop());
        let Some(d) = next else {
            return self.die_of_panic();
        };
        // reflect·call reads d->fn; the deferred code may read any object
        // a signal frame wrote over.
        self.check_spilled(d.addr..d.addr + u64::from(DEFER_HEADER), "a Defer record")?;
        if let Some((zone, true)) = &self.spilled {
            self.unmodelled = Some(format!(
                "a deferred call after a signal frame wrote over a live object at {:#x}",
                zone.start
            ));
            return Err(Stop::End(Ending::Exit(2)));
        }
        self.gs[g].ispanic = true;
        let (fn_, args) = (d.fn_, d.args.clone());
        let dargs = d.addr + u64::from(DEFER_HEADER);
        self.deferred(g).running = Some(d);
        // reflect·call(fn, d->args, siz): newstack with the reflectcall
        // hint, the arguments at m->moreargp.
        let rc = self.rf.reflectcall;
        self.call(p, rc, &[fn_, dargs, 8 * args.len() as u64])?;
        self.m.moreargp = dargs;
        self.m.morebuf = crate::stack::Gobuf {
            pc: self.mem.read(self.sp).unwrap_or(0),
            sp: self.sp + 8,
            g: self.gs[g].addr,
        };
        self.m.morepc = fn_;
        self.m.moreargsize = 8 * args.len() as u32;
        self.m.moreframesize = 1;
        self.g = self.m.g0;
        self.sp = self.m.sched.sp;
        self.call(rc, self.rf.newstack, &[])?;
        self.newstack_reflect(&args)?;
        let f = self.enter(fn_)?;
        self.gs[g].start = Some((f, Start::Deferred));
        Err(Stop::Switch)
    }

    /// newstack's reflect·call case: reuse the current segment when there
    /// is room (free = 0), else a new one; either way a Stktop marked with
    /// the panic flag, the arguments on top, lessstack as return address.
    fn newstack_reflect(&mut self, args: &[u64]) -> Result<(), Stop> {
        let f = self.rf.newstack;
        let argsize = self.m.moreargsize;
        let g1 = self.curg();
        let guard = self.gs[g1].stackguard;
        let morebuf = self.m.morebuf;
        let (top, stk, free) = if morebuf.sp - STKTOP_SIZE - u64::from(argsize) - 32 > guard {
            (
                morebuf.sp - STKTOP_SIZE,
                guard - u64::from(STACK_GUARD + STACK_SYSTEM),
                0,
            )
        } else {
            let mut size = argsize + STACK_EXTRA;
            if size < STACK_MIN {
                size = STACK_MIN;
            }
            size += STACK_SYSTEM;
            let stk = self.stackalloc(f, size)?;
            (stk + u64::from(size) - STKTOP_SIZE, stk, size)
        };
        let g = &self.gs[g1];
        let stktop = Stktop {
            stackguard: g.stackguard,
            stackbase: g.stackbase,
            gobuf: morebuf,
            argsize,
            argp: self.m.moreargp,
            free,
            panic: g.ispanic,
        };
        self.write_stktop(top, &stktop);
        let g = &mut self.gs[g1];
        g.ispanic = false;
        g.stackbase = top;
        g.stackguard = stk + u64::from(STACK_GUARD + STACK_SYSTEM);
        let sp = top - u64::from(argsize);
        if argsize > 0 {
            // mcpy(sp, m->moreargp, argsize) from the Defer, which the twin
            // keeps as values: the words written here.
            let m = self.rf.mcpy;
            self.call_leaf(f, m, &[sp, self.m.moreargp, u64::from(argsize)])?;
        }
        self.mem.write_words(sp, args);
        self.g = g1;
        self.sp = sp;
        self.push(self.tab.entry(self.rf.lessstack));
        Ok(())
    }

    /// Back in runtime·panic after a deferred call returned: a recovery
    /// hands the G to the scheduler (Grecovery); else the next call.
    fn panic_after_call(&mut self) -> Result<(), Stop> {
        let g = self.g;
        let recovered = self.gs[g]
            .rare
            .as_ref()
            .map(|r| &r.deferred)
            .and_then(|d| d.panics.last())
            .is_some_and(|p| p.recovered);
        let d = self
            .deferred(g)
            .running
            .take()
            .expect("a deferred call ran");
        let p = self.rf.panic;
        if !recovered {
            // runtime·free(d) (its second free), then the next deferred
            // call.
            self.free(at2(p, 1020, 1048), d.addr, DEFER_HEADER + d.siz)?;
            return self.panic_loop();
        }
        // g->panic = p->link, and g->sig = 0 once no panic is left;
        // runtime·free(p); the recovering defer goes back on the list for
        // the scheduler.
        let deferred = self.deferred(g);
        let panic = deferred.panics.pop().expect("a panic recovered");
        deferred.defers.push(d);
        if deferred.panics.is_empty() {
            self.rare(g).sig = None;
        }
        self.free(p, panic.addr, SIZEOF_PANIC)?;
        self.gs[g].status = Status::Recovery;
        self.gosched(p)
    }

    /// The scheduler's Grecovery case: unwind to the recovering defer's
    /// frame and make its deferproc return 1, at once, without requeueing.
    fn recovery(&mut self, gp: GId) -> Result<(), Stop> {
        let d = self
            .deferred(gp)
            .defers
            .pop()
            .expect("the recovering defer");
        let f = self.rf.unwindstack;
        self.call(self.rf.scheduler, f, &[self.gs[gp].addr, d.argp])?;
        loop {
            let base = self.gs[gp].stackbase;
            let top = self.read_stktop(base);
            if top.stackbase == 0 {
                break;
            }
            let stk = self.gs[gp].stackguard - u64::from(STACK_GUARD);
            if stk <= d.argp && d.argp < base {
                break;
            }
            self.gs[gp].stackbase = top.stackbase;
            self.gs[gp].stackguard = top.stackguard;
            if top.free != 0 {
                self.stackfree(f, stk, top.free)?;
            }
        }
        self.leave(f)?;
        // runtime·free(d), then gogo to the deferring frame.
        self.free(self.rf.scheduler, d.addr, DEFER_HEADER + d.siz)?;
        self.gs[gp].status = Status::Running;
        self.gs[gp].resume = Resume::None;
        self.g = gp;
        self.sp = d.argp - 16;
        // The compiled code pops fn and siz after deferproc returns.
        self.sp += 16;
        self.deferred(gp).recovered_at = Some(d.argp);
        Err(Stop::Switch)
    }

    /// After a recovery: the argument pointer (SP) of the frame whose
    /// deferproc returned 1. The program drops every frame above it and
    /// goes on at that function's end (its deferreturn, then return).
    pub fn take_recovery(&mut self, g: GId) -> Option<Addr> {
        self.gs[g]
            .rare
            .as_mut()
            .map(|r| &mut r.deferred)
            .and_then(|d| d.recovered_at.take())
    }

    /// runtime·recover from the function whose argument pointer is
    /// `argp` (its SP at entry plus 8): the panic value's handle, if that
    /// function was started by a panic's reflect·call (directly, or it
    /// split its stack at once) and the panic is not yet recovered.
    pub fn recover(&mut self, ret: Addr, argp: Addr) -> Result<Option<crate::iface::Eface>, Stop> {
        let rf = self.rf.recover;
        self.call_at(ret, rf, &[argp])?;
        let g = self.g;
        let p = self.gs[g]
            .rare
            .as_ref()
            .map(|r| &r.deferred)
            .and_then(|d| d.panics.last())
            .cloned();
        let mut result = None;
        if let Some(p) = p.filter(|p| !p.recovered) {
            let mut top = self.read_stktop(self.gs[g].stackbase);
            let base = self.gs[g].stackbase;
            let in_frame = argp >= base - u64::from(top.argsize) && argp <= base;
            if in_frame {
                if top.stackbase != 0 && top.argp == top.stackbase - u64::from(top.argsize) {
                    top = self.read_stktop(top.stackbase);
                }
                if top.panic {
                    if let Some(last) = self.deferred(g).panics.last_mut() {
                        last.recovered = true;
                    }
                    result = Some(p.value);
                }
            }
        }
        self.leave(rf)?;
        Ok(result)
    }

    /// No deferred call left: startpanic, printpanics, dopanic; exit 2.
    fn die_of_panic(&mut self) -> Result<(), Stop> {
        let p = self.rf.panic;
        let g = self.g;
        let sp_call = self.rf.startpanic;
        self.call(p, sp_call, &[])?;
        self.panicking = true;
        self.leave(sp_call)?;
        let panics = self.gs[g]
            .rare
            .as_ref()
            .map(|r| &r.deferred)
            .map(|d| d.panics.clone())
            .unwrap_or_default();
        let pp = self.rf.printpanics;
        self.call(p, pp, &[])?;
        for (i, pan) in panics.iter().enumerate() {
            if i > 0 {
                self.print("\t");
            }
            let Some(text) = &pan.text else {
                self.unmodelled = Some("printing a panic value through its String method".into());
                return Err(Stop::End(Ending::Exit(2)));
            };
            self.print("panic: ");
            self.printany(pp, pan.value, text)?;
            let recovered = if pan.recovered { " [recovered]" } else { "" };
            self.print(&format!("{recovered}\n"));
        }
        self.leave(pp)?;
        // dopanic: the signal the panic came from, then a blank line.
        if let Some(sig) = self.gs[g].rare.as_ref().and_then(|r| r.sig) {
            self.print(&sig.line());
        }
        self.print("\n");
        // gentraceback's first findfunc builds the symbol table.
        if let Some(addr) = self.buildfuncs()? {
            return Err(self.runtime_fault(self.rf.mcache_alloc, addr));
        }
        let pc = self.site(p, self.rf.dopanic);
        let (sp, g) = (self.sp, self.g);
        let _ = self
            .traceback(pc, sp, g)
            .and_then(|()| self.tracebackothers(g));
        Err(Stop::End(Ending::Exit(2)))
    }
}

impl Runtime {
    /// A signal reaches the M: the kernel writes the handler's frame at the
    /// top of the alternate stack, and on this host part of it lands past
    /// the gsignal stack's block, on whatever Gs the heap put there.
    pub(crate) fn deliver_signal(&mut self) {
        let Some(spill) = self.signal_spill() else {
            return;
        };
        let host = self.host;
        let (end, top) = (spill.start, spill.end);
        let near = self.g_slot(end.saturating_sub(u64::from(SIZEOF_G)))..self.g_slot(top);
        let victims: Vec<(Addr, GId)> = self.g_by_addr[near]
            .iter()
            .map(|&g| (self.gs[g].addr, g))
            .filter(|&(a, g)| g != GId::G0 && a + u64::from(SIZEOF_G) > end && a < top)
            .collect();
        for (a, g) in victims {
            for (off, width) in G_FIELDS {
                let old = self.g_field(g, off);
                let new = host.overwrite(end, a + off, width, old);
                if new != old {
                    self.set_g_field(g, off, new);
                }
            }
        }
        // And on the channels there, and free blocks' links.
        self.spill_chans(end, top);
        for (v, link) in self.heap.free_links(end..top) {
            let new = host.overwrite(end, v, 8, link);
            if new != link {
                self.heap.poison(v, new);
            }
        }
    }

    /// The bytes past the gsignal stack's block that a signal frame
    /// writes on this host.
    fn signal_spill(&self) -> Option<std::ops::Range<Addr>> {
        let gsignal = self.m.gsignal?;
        let end = self.gs[gsignal].stack0 + (32 << 10);
        Some(end..end + self.host.reach())
    }

    /// The heap memory under the signal frame's spill that the twin does
    /// not keep (any part of a span but a live G: a free block's first
    /// word links its list), and whether a live object lies there.
    pub(crate) fn spilled_memory(&self) -> Option<(std::ops::Range<Addr>, bool)> {
        let spill = self.signal_spill()?;
        let spanned = self.heap.spanned(spill.clone())?;
        let near =
            self.g_slot(spill.start.saturating_sub(u64::from(SIZEOF_G)))..self.g_slot(spill.end);
        let gs: Vec<Addr> = self.g_by_addr[near]
            .iter()
            .map(|&g| self.gs[g].addr)
            .collect();
        let covered = |a: Addr| {
            gs.iter()
                .any(|&g| (g..g + u64::from(SIZEOF_G)).contains(&a))
        };
        // Only the bytes the frame writes: with AMX it leaves a stretch.
        let written: Vec<Addr> = self
            .host
            .spill()
            .iter()
            .map(|&(o, _)| spill.start + o)
            .filter(|a| spanned.contains(a) && !covered(*a))
            .collect();
        let (lo, hi) = (*written.first()?, *written.last()? + 1);
        // The channels deliver_signal zeroed are modelled.
        let zeroed: Vec<Addr> = (0..self.chans.len() as u32)
            .map(crate::chan::ChanId)
            .filter(|&c| self.chans[c].zeroed)
            .map(|c| self.chans[c].addr)
            .collect();
        let live = self
            .heap
            .live_in(lo..hi)
            .iter()
            .any(|&(a, _)| !gs.contains(&a) && !zeroed.contains(&a));
        Some((lo..hi, live))
    }

    /// The runtime function `name`, whose frame the tables measured from
    /// our fixtures' binaries give; one no fixture's binary links is not
    /// known to the twin, and the run stops there as unmodelled.
    pub(crate) fn rt_fn(&mut self, name: &str) -> Result<FuncId, Stop> {
        match self.tab.lookup(name) {
            Some(f) => Ok(f),
            None => {
                self.unmodelled = Some(format!(
                    "{name}, which no measured binary links (its frame is not known)"
                ));
                Err(Stop::End(Ending::Exit(2)))
            }
        }
    }

    /// The word at `a` as a signal frame left it, were it 0 before (0
    /// where no signal frame reached it).
    pub(crate) fn spill_word(&self, a: Addr) -> u64 {
        match (&self.spilled, self.signal_spill()) {
            (Some(_), Some(spill)) if a < spill.end && spill.start < a + 8 => {
                self.host.overwrite(spill.start, a, 8, 0)
            }
            _ => 0,
        }
    }

    /// Stop as unmodelled if `what`, about to be read, lies in memory a
    /// signal frame wrote over.
    pub(crate) fn check_spilled(
        &mut self,
        at: std::ops::Range<Addr>,
        what: &str,
    ) -> Result<(), Stop> {
        match &self.spilled {
            Some((zone, _)) if zone.start < at.end && at.start < zone.end => {
                self.unmodelled = Some(format!(
                    "{what} at {:#x}, which a signal frame wrote over",
                    at.start
                ));
                Err(Stop::End(Ending::Exit(2)))
            }
            _ => Ok(()),
        }
    }

    /// The G field at `off` as memory holds it (what set_g_field writes).
    fn g_field(&self, g: GId, off: u64) -> u64 {
        let gr = &self.gs[g];
        let link = |l: Option<GId>| l.map_or(0, |l| self.gs[l].addr);
        match off {
            0 => gr.stackguard,
            8 => gr.stackbase,
            16 => 0,
            32 => gr.sched.sp,
            40 => gr.sched.pc,
            48 => gr.sched.g,
            56 => gr.stack0,
            64 => gr.entry,
            72 => link(gr.alllink),
            88 => gr.status as u64,
            92 => gr.goid as u32 as u64,
            104 => link(gr.schedlink),
            _ => unreachable!("G_FIELDS lists the offsets handled here"),
        }
    }

    /// Overwrite the G field at `off` as memory would. A link or status
    /// the twin cannot hold (neither nil nor a G, no status of runtime.h)
    /// ends the run as unmodelled rather than guessing.
    fn set_g_field(&mut self, g: GId, off: u64, v: u64) {
        let garbage = |what: &str| Some(format!("a signal frame writing {what} {v:#x} into a G"));
        let gr = &mut self.gs[g];
        match off {
            0 => gr.stackguard = v,
            8 => gr.stackbase = v,
            // g->defer: the twin keeps defers elsewhere, and no dump reads it.
            16 => {}
            32 => gr.sched.sp = v,
            40 => gr.sched.pc = v,
            48 => gr.sched.g = v,
            56 => gr.stack0 = v,
            64 => gr.entry = v,
            72 | 104 if v != 0 => self.unmodelled = garbage("the link"),
            72 => gr.alllink = None,
            104 => gr.schedlink = None,
            88 if v == 0 => gr.status = Status::Idle,
            88 => self.unmodelled = garbage("the status"),
            92 => gr.goid = v as i32,
            _ => unreachable!("G_FIELDS lists the offsets handled here"),
        }
    }
}
