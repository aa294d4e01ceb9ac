//! malloc.goc's stackalloc and stackfree, mfixalloc.c's FixAlloc, and the
//! memory they hand out.
//!
//! Stack memory is modelled word by word, because tracebacks read it: the
//! return addresses and arguments that calls write, and the Stktop at the
//! top of each segment. A segment keeps its words when it goes back to the
//! FixAlloc free list, as real memory does, so a reused segment shows what
//! its last user left. Heap objects (G, channels) are Rust values; the heap
//! only hands out their addresses.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};

use crate::lock::Lock;
use crate::proc::Runtime;
use crate::stack::FIXED_STACK;
use crate::Addr;

/// Bytes SysAlloc takes from the OS at a time for FixAlloc (malloc.h).
pub const FIX_ALLOC_CHUNK: u32 = 128 << 10;
/// Where the process's first mmap ends: each SysAlloc's region lies right
/// below the last one's. gdb on this host showed cachealloc's chunk at
/// 0x7ffff7fd7000, then spanalloc's at 0x7ffff7fb7000, the stacks' at
/// 0x7ffff7f97000, the collector's work buffers (1 MB) at 0x7ffff7e97000
/// and the next chunk at 0x7ffff7e77000.
pub const MMAP_TOP: Addr = 0x7fff_f7fd_7000 + FIX_ALLOC_CHUNK as Addr;
/// What the collector's getempty maps for its work buffers (mgc0.c).
pub const WORK_CHUNK: u64 = 1 << 20;
/// sizeof(MSpan), spanalloc's block: six words, three uint32 and limit
/// (malloc.h; MHeap_Init's FixAlloc_Init passes $0x48).
const MSPAN_SIZE: u32 = 72;
/// Where runtime·mheap's spanalloc and cachealloc lie from runtime·mheap
/// (MHeap_Init's FixAlloc_Init calls).
const MHEAP_SPANALLOC: u64 = 0x200_7088;
const MHEAP_CACHEALLOC: u64 = 0x200_70d0;
/// The start of the heap arena on amd64 (malloc.goc's mallocinit).
pub const ARENA_START: Addr = 0xf8_4000_0000;

/// One mapped region of stack memory other than a FixedStack segment:
/// g0's OS stack, or a segment from mallocgc.
#[derive(Debug, Clone)]
struct Seg {
    size: u32,
    /// words[i] is the word at `base + size - 8*(i+1)`: segments are
    /// written from the top down, so only the part ever used is stored.
    words: Vec<u64>,
}

/// The stack memory of the process.
#[derive(Debug, Default)]
pub struct Mem {
    /// FixedStack segments, which FixAlloc carves from chunks mmapped
    /// downwards from MMAP_TOP: by page counted down from MMAP_TOP, found
    /// by arithmetic. A segment's words are stored as [`Seg::words`] are;
    /// `None` where no segment has been carved (other mappings lie between
    /// the chunks).
    fixed: Vec<Option<Vec<u64>>>,
    /// Every other region, sorted by base address.
    other: Vec<(Addr, Seg)>,
    /// The one of `other` found last (g0's stack, mostly), tried first.
    last_other: Cell<usize>,
}

/// The room a region's words start with: a segment's Stktop, the
/// arguments and the first frames of a goroutine, which then seldom grows
/// before it first stops (and its words are trimmed).
const FIRST_WORDS: usize = 48;

/// Up to this many words a region grows by 16 words at a time, beyond it
/// by half again.
const GROW_WORDS: usize = 128;

/// Which region holds an address: a FixedStack segment by its page in
/// [`Mem::fixed`], or another by its index in [`Mem::other`].
#[derive(Debug, Clone, Copy)]
enum Region {
    Fixed(usize),
    Other(usize),
}

/// Where a FixedStack segment holding `a` would be in [`Mem::fixed`].
fn fixed_page(a: Addr) -> Option<usize> {
    Some((MMAP_TOP.checked_sub(a + 1)? / u64::from(FIXED_STACK)) as usize)
}

/// The index in its region's words of the word at `a`, the region
/// ending at `end`.
fn word_index(end: Addr, a: Addr) -> usize {
    ((end - 8 - (a & !7)) / 8) as usize
}

impl Mem {
    /// Map `[base, base+size)` as zeroed stack memory: a block FixAlloc
    /// carved from a chunk below MMAP_TOP (`carved`), or another region.
    pub fn map(&mut self, base: Addr, size: u32, carved: bool) {
        match fixed_page(base).filter(|_| carved && size == FIXED_STACK) {
            Some(page) => {
                if page >= self.fixed.capacity() {
                    // Grow by a quarter: little room unused, little copying.
                    self.fixed
                        .reserve_exact(page + 1 + self.fixed.len() / 4 - self.fixed.len());
                }
                if page >= self.fixed.len() {
                    self.fixed.resize(page + 1, None);
                }
                self.fixed[page] = Some(Vec::new());
            }
            None => {
                let seg = Seg {
                    size,
                    words: Vec::new(),
                };
                match self.other.binary_search_by_key(&base, |&(b, _)| b) {
                    Ok(i) => self.other[i].1 = seg,
                    Err(i) => self.other.insert(i, (base, seg)),
                }
                self.last_other.set(0);
            }
        }
    }

    /// The region holding `a` and where it ends, or `None` if no stack
    /// memory is mapped there.
    #[inline]
    fn locate(&self, a: Addr) -> Option<(Region, Addr)> {
        if let Some(page) = fixed_page(a) {
            if let Some(Some(_)) = self.fixed.get(page) {
                let end = (a | (u64::from(FIXED_STACK) - 1)) + 1;
                return Some((Region::Fixed(page), end));
            }
        }
        let within = |i: usize| {
            let (base, seg) = self.other.get(i)?;
            let end = base + u64::from(seg.size);
            (*base <= a && a < end).then_some((Region::Other(i), end))
        };
        within(self.last_other.get()).or_else(|| {
            let i = self
                .other
                .partition_point(|&(base, _)| base <= a)
                .checked_sub(1)?;
            self.last_other.set(i);
            within(i)
        })
    }

    fn words(&self, r: Region) -> &Vec<u64> {
        match r {
            Region::Fixed(page) => self.fixed[page].as_ref().expect("located"),
            Region::Other(i) => &self.other[i].1.words,
        }
    }

    fn words_mut(&mut self, r: Region) -> &mut Vec<u64> {
        match r {
            Region::Fixed(page) => self.fixed[page].as_mut().expect("located"),
            Region::Other(i) => &mut self.other[i].1.words,
        }
    }

    /// The word at `a`, or `None` if no stack memory is mapped there (a
    /// read the real process would fault on).
    #[inline]
    pub fn read(&self, a: Addr) -> Option<u64> {
        let (r, end) = self.locate(a)?;
        Some(self.words(r).get(word_index(end, a)).copied().unwrap_or(0))
    }

    /// The words at `a`, `a + 8`, ...: [`Mem::read`] of each, with one
    /// lookup for those in one region.
    pub fn read_words<const N: usize>(&self, a: Addr) -> [Option<u64>; N] {
        let mut out = [None; N];
        let mut k = 0;
        while k < N {
            let a = a + 8 * k as u64;
            let mut n = 0;
            if let Some((r, end)) = self.locate(a) {
                let (words, top) = (self.words(r), word_index(end, a));
                n = (N - k).min(top + 1);
                for (j, o) in out[k..k + n].iter_mut().enumerate() {
                    *o = Some(words.get(top - j).copied().unwrap_or(0));
                }
            }
            // An unmapped word stays `None`.
            k += n.max(1);
        }
        out
    }

    /// Write the word at `a`. Writes outside stack memory are dropped: the
    /// twin keeps heap objects as Rust values, not words.
    #[inline]
    pub fn write(&mut self, a: Addr, v: u64) {
        self.write_words(a, &[v]);
    }

    /// Write `vals` at `a`, `a + 8`, ...: [`Mem::write`] of each, with one
    /// lookup for those in one region.
    #[inline]
    pub fn write_words(&mut self, a: Addr, vals: &[u64]) {
        // The fast path: words already stored, in one region.
        if let Some((r, end)) = self.locate(a) {
            let top = word_index(end, a);
            let words = self.words_mut(r);
            if top < words.len() && vals.len() <= top + 1 {
                for (j, &v) in vals.iter().enumerate() {
                    words[top - j] = v;
                }
                return;
            }
        }
        self.write_words_slow(a, vals);
    }

    /// A CALL's words: `ret` at `a`, the arguments above it. One lookup
    /// when they are already stored in one region, as [`Mem::write_words`]
    /// (which would need them copied into one slice first).
    #[inline]
    pub fn write_call(&mut self, a: Addr, ret: u64, args: &[u64]) {
        if let Some((r, end)) = self.locate(a) {
            let top = word_index(end, a);
            let words = self.words_mut(r);
            if top < words.len() && args.len() <= top {
                words[top] = ret;
                for (j, &v) in args.iter().enumerate() {
                    words[top - 1 - j] = v;
                }
                return;
            }
        }
        self.write_words_slow(a + 8, args);
        self.write_words_slow(a, &[ret]);
    }

    fn write_words_slow(&mut self, a: Addr, vals: &[u64]) {
        let mut k = 0;
        while k < vals.len() {
            let a = a + 8 * k as u64;
            let mut n = 0;
            if let Some((r, end)) = self.locate(a) {
                let top = word_index(end, a);
                let size = match r {
                    Region::Fixed(_) => FIXED_STACK,
                    Region::Other(i) => self.other[i].1.size,
                };
                let words = self.words_mut(r);
                if top >= words.len() {
                    let want = if words.capacity() == 0 {
                        FIRST_WORDS.max(top + 1)
                    } else if words.len() < GROW_WORDS {
                        // 16 words at a time while small: little slack in
                        // the many goroutines that stay shallow.
                        (top + 16) & !15
                    } else {
                        // Then by half again: a deep recursion fills its
                        // segments without a reallocation every few frames.
                        (top + 1)
                            .max(words.len() + words.len() / 2)
                            .next_multiple_of(16)
                            .min(size as usize / 8)
                    };
                    words.reserve_exact(want - words.len());
                    words.resize(top + 1, 0);
                }
                n = (vals.len() - k).min(top + 1);
                for (j, &v) in vals[k..k + n].iter().enumerate() {
                    words[top - j] = v;
                }
            }
            // A word with no memory mapped is dropped.
            k += n.max(1);
        }
    }

    /// Give back the unused room of the region holding `a`: a parked
    /// goroutine's segment grows no further while it waits.
    pub fn trim(&mut self, a: Addr) {
        if let Some((r, _)) = self.locate(a) {
            self.words_mut(r).shrink_to_fit();
        }
    }

    /// Words stored for the segment at `base` (what it costs the twin).
    pub fn stored_words(&self, base: Addr) -> usize {
        match self.locate(base) {
            Some((r @ Region::Fixed(_), end)) if end - base == u64::from(FIXED_STACK) => {
                self.words(r).len()
            }
            Some((r @ Region::Other(i), _)) if self.other[i].0 == base => self.words(r).len(),
            _ => 0,
        }
    }
}

/// mallocgc's flags (malloc.h).
pub(crate) const FLAG_NO_POINTERS: u32 = 1 << 0;
pub(crate) const FLAG_NO_PROFILING: u32 = 1 << 1;
pub(crate) const FLAG_NO_GC: u32 = 1 << 2;

/// mfixalloc.c's FixAlloc, for the one size it serves here: stack segments.
#[derive(Debug, Default)]
pub struct FixAlloc {
    /// 0 until FixAlloc_Init on the first stackalloc.
    pub size: u32,
    /// Freed blocks, last freed on top (the list is LIFO).
    pub list: Vec<Addr>,
    pub chunk: Addr,
    pub nchunk: u32,
    pub inuse: u64,
    /// Where each chunk starts, in the order SysAlloc mapped them (each
    /// lower than the last).
    pub chunks: Vec<Addr>,
}

impl FixAlloc {
    /// Where the blocks carved from the `k`th chunk lie: each chunk is
    /// carved from its start until too little is left, the last one up to
    /// `chunk`.
    fn carved_in(&self, k: usize) -> std::ops::Range<Addr> {
        let start = self.chunks[k];
        let end = if k + 1 == self.chunks.len() {
            self.chunk
        } else {
            start + u64::from(FIX_ALLOC_CHUNK / self.size * self.size)
        };
        start..end
    }

    /// Every block ever carved from a chunk, in address order (for the
    /// invariant checks).
    pub fn carved(&self) -> impl Iterator<Item = Addr> + '_ {
        (0..self.chunks.len())
            .rev()
            .flat_map(|k| self.carved_in(k).step_by(self.size as usize))
    }

    /// Whether `a` is a block carved from a chunk.
    pub fn is_carved(&self, a: Addr) -> bool {
        // The first chunk not above `a`, if `a` is inside it.
        let k = self.chunks.partition_point(|&c| c > a);
        if self
            .chunks
            .get(k)
            .is_none_or(|&c| a >= c + u64::from(FIX_ALLOC_CHUNK))
        {
            return false;
        }
        let blocks = self.carved_in(k);
        blocks.contains(&a) && (a - blocks.start) % u64::from(self.size) == 0
    }
}

/// Bytes of a heap page (malloc.h's PageSize).
pub const PAGE_SIZE: u64 = 4096;
/// The largest size served by a size class (malloc.h's MaxSmallSize).
pub const MAX_SMALL_SIZE: u32 = 32 << 10;
/// How many size classes msize.c's InitSizes makes (malloc.h).
pub const NUM_SIZE_CLASSES: usize = 61;

/// msize.c's InitSizes: the size classes, as (object size, pages per
/// span), class 0 unused. Sizes step by 8, then 16, then size/8, then 256;
/// a class's span is the fewest pages that waste at most 1/8; a class that
/// would fit as many objects in as many pages as the one before replaces it.
pub fn size_classes() -> Vec<(u32, u32)> {
    let mut classes: Vec<(u32, u32)> = vec![(0, 0)];
    let mut align = 8u32;
    let mut size = align;
    while size <= MAX_SMALL_SIZE {
        if size & (size - 1) == 0 {
            if size >= 2048 {
                align = 256;
            } else if size >= 128 {
                align = size / 8;
            } else if size >= 16 {
                align = 16;
            }
        }
        let mut allocsize = PAGE_SIZE as u32;
        while allocsize % size > allocsize / 8 {
            allocsize += PAGE_SIZE as u32;
        }
        let npages = allocsize / PAGE_SIZE as u32;
        let prev = classes.len() - 1;
        if prev >= 1 && npages == classes[prev].1 && allocsize / size == allocsize / classes[prev].0
        {
            classes[prev].0 = size;
        } else {
            classes.push((size, npages));
        }
        size += align;
    }
    classes
}

/// A span: a run of pages serving one size class (mheap.c's MSpan).
#[derive(Debug, Clone)]
struct Span {
    start: Addr,
    npages: u32,
    /// Its objects' size (its class's, or all its pages for a large one).
    size: u32,
    /// Objects given back, the list head last.
    free: Vec<Addr>,
    /// The objects never handed out, which follow the given-back ones on
    /// the free list in address order (a new span's list, without a word
    /// per object).
    fresh: std::ops::Range<Addr>,
    /// Objects handed out (to the M's cache or the program).
    refs: u32,
    /// Whether the span's first object, when last given back, was linked
    /// to another (its first word, MLink's next, not nil): a span wholly
    /// freed goes to the heap with that word as its "needs zeroing" mark.
    first_linked: bool,
}

impl Span {
    fn is_empty(&self) -> bool {
        self.free.is_empty() && self.fresh.is_empty()
    }

    /// The head of the free list, objects being `size` bytes.
    fn pop(&mut self, size: u32) -> Option<Addr> {
        self.free.pop().or_else(|| {
            (!self.fresh.is_empty()).then(|| {
                let v = self.fresh.start;
                self.fresh.start += u64::from(size);
                v
            })
        })
    }
}

/// MCache lists longer than this give a batch back (malloc.h).
const MAX_MCACHE_LIST_LEN: usize = 256;
/// Pages the heap grows by at least (malloc.h's HeapAllocChunk).
const HEAP_ALLOC_CHUNK_PAGES: u32 = 256;

/// The heap: addresses for objects the twin keeps as Rust values, laid
/// out as the 2011 allocator lays them. An object comes from the M's cache
/// list for its size class (mcache.c); an empty list takes a batch of
/// `transfercount` objects from the class's central spans (mcentral.c),
/// which grow a new span from the page heap (mheap.c) carved in address
/// order; a freed object goes back on the cache list. Objects over
/// MaxSmallSize take pages of their own. A collection's stealcache gives
/// every cached object back to its span, reversing their order. (The twin
/// does not sweep: nothing is freed but what the runtime frees itself.)
#[derive(Debug)]
pub struct Heap {
    /// The top of the arena in use: where the heap grows.
    arena_used: Addr,
    /// Free page runs (start, pages), most recently freed last.
    free_runs: Vec<(Addr, u32)>,
    /// The free runs whose first word is not 0, which MHeap_AllocLocked
    /// clears before it hands the span out (mheap.c's "needs zeroing"
    /// mark, which MHeap_FreeLocked propagates when runs merge).
    needs_zeroing: std::collections::BTreeSet<Addr>,
    spans: BTreeMap<Addr, Span>,
    /// Per class: spans with free objects, the list head first.
    nonempty: Vec<std::collections::VecDeque<Addr>>,
    /// Per class: the M's cache list, its head last.
    cache: Vec<Vec<Addr>>,
    sizes: Vec<(u32, u32)>,
    transfer: Vec<u32>,
    /// mstats: bytes allocated as of the last fold of the cache's counts.
    pub heap_alloc: u64,
    /// The cache's bytes allocated since (MCache's local_alloc).
    local_alloc: i64,
    pub next_gc: u64,
    /// mstats.enablegc: set by initdone.
    pub enablegc: bool,
    /// Collections run.
    pub numgc: u32,
    /// Where the next mmap goes (it grows down).
    mmap_top: Addr,
    /// Small objects runtime·free marked "needs to be zeroed" (their second
    /// word set to 1) that no allocation has taken since.
    dirty: std::collections::BTreeSet<Addr>,
    /// The last MHeap_AllocLocked's search.
    last_pick: Option<HeapPick>,
    /// Blocks a memory-profile sample marked special (setblockspecial)
    /// that runtime·free has not taken back: freeing one calls
    /// MProf_Free. (The other special blocks, channels with their
    /// finalizer, are never given to runtime·free.)
    profiled: std::collections::BTreeSet<Addr>,
    /// The M's cache's next_sample: profiled bytes to allocate before the
    /// next sample (0 in a new MCache, so the first allocation is one).
    next_sample: u64,
    /// malloc.goc's fastrand1's static x (chan.c has its own).
    fastrand1: u32,
    /// Bytes of the heap bitmap mapped (mheap.bitmap_mapped).
    bitmap_mapped: u64,
    /// runtime·mheap's Lock, and each class's MCentral's.
    pub(crate) lock: Lock,
    pub(crate) central_locks: Vec<Lock>,
    /// runtime·mheap.spanalloc, as far as its calls go: how many freed
    /// MSpans its list holds and the bytes left in its chunk.
    spanalloc: SpanAlloc,
    /// Every object handed out and not freed: its address and the bytes
    /// its block takes (what lies where, for a signal frame that writes
    /// past the signal stack).
    live: BTreeMap<Addr, u64>,
    /// Free blocks whose link word (MLink's next, the first word) a signal
    /// frame wrote over, with the value it reads now.
    poisoned: HashMap<Addr, Addr>,
    /// Per class: the link an allocation read off a block in `poisoned`,
    /// which the M's cache list now starts with.
    bad_head: Vec<Option<Addr>>,
}

/// What an allocation that follows the free lists' links as memory holds
/// them (see [`Heap::alloc_through_links`]) finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linked {
    /// The block.
    Block(Addr),
    /// The list led to this address, which is not mapped: reading its
    /// link faults.
    Fault(Addr),
    /// The list led into mapped memory the twin does not keep the words of.
    Unknown,
}

/// spanalloc's counts, enough to tell when FixAlloc_Alloc needs a chunk.
#[derive(Debug, Clone, Copy, Default)]
struct SpanAlloc {
    list: u64,
    nchunk: u32,
}

/// What MHeap_AllocLocked did for one allocation, which decides the calls
/// of its search: how many exact-size free lists it looked at (an
/// MSpanList_IsEmpty each, from the allocation's size up), whether it went
/// on to the large list (MHeap_AllocLarge, BestFit), and whether it had to
/// grow the heap first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HeapPick {
    pub lists: u32,
    pub large: bool,
    /// MHeap_Grow ran: whether MHeap_MapBits had to map more of the
    /// bitmap, and how MHeap_FreeLocked merged the new chunk.
    pub grew: Option<(bool, FreeMerge)>,
    /// The span was longer: the rest went back through MHeap_FreeLocked.
    pub trimmed: Option<FreeMerge>,
    /// The span's first word was not 0: memclr of the span.
    pub zeroed: bool,
}

/// What MHeap_FreeLocked did with a run: whether it merged with the free
/// run below it and the one above it (an MSpanList_Remove and a
/// FixAlloc_Free of that span each), and whether the result is large (it
/// goes on the large list).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FreeMerge {
    pub lower: bool,
    pub upper: bool,
    pub large: bool,
}

/// What runtime·free did on the heap's side: an object onto the M's
/// cache list, which when full gave a batch back to the class's central
/// list (what MCentral_Free did with each), or a large object's pages
/// back to the page heap.
#[derive(Debug, PartialEq, Eq)]
pub enum Freed {
    Cached,
    Released(usize, Vec<CentralFree>),
    Large(FreeMerge),
}

/// What MCentral_Free did with one object, which decides its calls:
/// whether its span had been full (it moves to the nonempty list) and
/// whether the object was the span's last one out (the span goes back to
/// the heap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CentralFree {
    pub was_full: bool,
    /// The span went back to the page heap: how it merged there.
    pub span_freed: Option<FreeMerge>,
}

/// What one MCentral_AllocList did, which decides the calls its code
/// makes: whether it grew a span first, how many objects it took, after
/// which of them (by index) a span ran out (MCentral_Alloc moves it to the
/// empty list), and whether it stopped early because no span had any left.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Refill {
    pub grew: bool,
    pub taken: u32,
    pub filled: Vec<u32>,
    pub ran_out: bool,
}

impl Default for Heap {
    fn default() -> Self {
        let sizes = size_classes();
        let transfer = sizes
            .iter()
            .map(|&(size, _)| {
                (64 * 1024u32)
                    .checked_div(size)
                    .map_or(0, |n| n.clamp(2, 32))
            })
            .collect();
        Heap {
            arena_used: ARENA_START,
            free_runs: Vec::new(),
            needs_zeroing: Default::default(),
            spans: BTreeMap::new(),
            nonempty: vec![Default::default(); sizes.len()],
            cache: vec![Vec::new(); sizes.len()],
            transfer,
            sizes,
            heap_alloc: 0,
            local_alloc: 0,
            next_gc: 0,
            enablegc: false,
            numgc: 0,
            mmap_top: MMAP_TOP,
            dirty: Default::default(),
            last_pick: None,
            profiled: Default::default(),
            next_sample: 0,
            fastrand1: 0x49f6_428a,
            bitmap_mapped: 0,
            lock: Lock::default(),
            central_locks: vec![Lock::default(); NUM_SIZE_CLASSES],
            spanalloc: SpanAlloc::default(),
            live: BTreeMap::new(),
            poisoned: HashMap::new(),
            bad_head: vec![None; NUM_SIZE_CLASSES],
        }
    }
}

/// runtime·MemProfileRate (debug.go): one profiled allocation per this
/// many bytes on average.
const MEM_PROFILE_RATE: u64 = 512 * 1024;

/// What mallocgc's profiling test decided for one allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sample {
    /// Not profiled: next_sample counted down.
    No,
    /// Profiled, as big as the rate or more (no new next_sample).
    Large,
    /// Profiled, with a new next_sample from fastrand1.
    Drawn,
}

impl Heap {
    /// mallocgc's test after an allocation of `size` bytes (rounded up to
    /// its class or to pages): at least MemProfileRate bytes is always
    /// profiled; else next_sample counts down, and when it would reach 0
    /// the block is profiled and the next is drawn, fastrand1() % (2 *
    /// rate).
    fn sample(&mut self, size: u64) -> Sample {
        if size >= MEM_PROFILE_RATE {
            return Sample::Large;
        }
        if self.next_sample > size {
            self.next_sample -= size;
            return Sample::No;
        }
        let mut x = self.fastrand1.wrapping_add(self.fastrand1);
        if x & 0x8000_0000 != 0 {
            x ^= 0x8888_8eef;
        }
        self.fastrand1 = x;
        self.next_sample = u64::from(x) % (2 * MEM_PROFILE_RATE);
        Sample::Drawn
    }

    /// getempty's SysAlloc of the collector's work buffers: mmap puts them
    /// right below the last mapping.
    pub(crate) fn map_work_chunk(&mut self) {
        self.mmap_top -= WORK_CHUNK;
    }

    /// Bytes the process has taken for its heap and stack segments: the
    /// arena's used part and what it mmapped below the top (the FixAlloc
    /// chunks and the collector's work buffers).
    pub fn sys_bytes(&self) -> u64 {
        (self.arena_used - ARENA_START) + (MMAP_TOP - self.mmap_top)
    }

    /// SizeToClass: the smallest class that holds `n` bytes.
    pub fn class_of(&self, n: u32) -> usize {
        self.sizes
            .iter()
            .position(|&(size, _)| size >= n.max(1))
            .expect("n <= MaxSmallSize")
    }

    /// class_to_size: the size of class `k`'s objects.
    pub fn class_size(&self, k: usize) -> u32 {
        self.sizes[k].0
    }

    /// Whether the M's cache list of class `k` is empty, so that the next
    /// allocation of the class refills it from the central list.
    pub fn needs_refill(&self, k: usize) -> bool {
        self.cache[k].is_empty()
    }

    /// The size the allocator really gives `n` bytes.
    pub fn rounded(&self, n: u32) -> u32 {
        if n > MAX_SMALL_SIZE {
            (u64::from(n).div_ceil(PAGE_SIZE) * PAGE_SIZE) as u32
        } else {
            self.sizes[self.class_of(n)].0
        }
    }

    /// Fold the cache's count into heap_alloc, as MHeap_Alloc and the
    /// collector's cachestats do.
    pub(crate) fn fold(&mut self) {
        self.heap_alloc = (self.heap_alloc as i64 + self.local_alloc) as u64;
        self.local_alloc = 0;
    }

    /// An address for `n` bytes (mallocgc's allocation, without the GC).
    pub fn alloc(&mut self, n: u32) -> Addr {
        let a = self.take(n);
        self.live.insert(a, u64::from(self.rounded(n)));
        a
    }

    /// Every free block whose first word (its link) lies in `range`, with
    /// the link: the M's cache lists (each block linked to the one popped
    /// after it), the spans' free lists (the given-back ones, then the
    /// fresh ones in address order, the last linked to nil).
    pub fn free_links(&self, range: std::ops::Range<Addr>) -> Vec<(Addr, Addr)> {
        let inside = |a: Addr| a < range.end && range.start < a + 8;
        let mut out = Vec::new();
        for list in &self.cache {
            for (i, &v) in list.iter().enumerate() {
                if inside(v) {
                    out.push((v, if i > 0 { list[i - 1] } else { 0 }));
                }
            }
        }
        for span in self.spans.values() {
            let fresh = span.fresh.clone();
            let first_fresh = if fresh.is_empty() { 0 } else { fresh.start };
            for (i, &v) in span.free.iter().enumerate() {
                if inside(v) {
                    out.push((v, if i > 0 { span.free[i - 1] } else { first_fresh }));
                }
            }
            let size = u64::from(span.size);
            let mut v = fresh.start;
            while v < fresh.end && size > 0 {
                if inside(v) {
                    out.push((v, if v + size < fresh.end { v + size } else { 0 }));
                }
                v += size;
            }
        }
        out
    }

    /// Record that the free block at `v` now links to `link`.
    pub fn poison(&mut self, v: Addr, link: Addr) {
        self.poisoned.insert(v, link);
    }

    /// An allocation of `n` bytes as mallocgc's block choice makes it
    /// (without its calls), following the free lists' links as memory
    /// holds them (see [`Heap::head_trouble`], [`Heap::batch_trouble`]).
    pub fn alloc_through_links(&mut self, n: u32) -> Linked {
        if n > MAX_SMALL_SIZE {
            return Linked::Block(self.alloc(n));
        }
        let k = self.class_of(n);
        if let Some(t) = self.head_trouble(k) {
            return t;
        }
        if self.cache[k].is_empty() {
            self.refill(k);
            if let Some(t) = self.batch_trouble(k) {
                return t;
            }
        }
        let v = self.alloc(n);
        self.taken(k, v);
        Linked::Block(v)
    }

    /// MCache_Alloc's `v = l->list` where an earlier allocation took a
    /// poisoned block and its link for the head: a nil one makes the list
    /// look empty (it is refilled, the blocks after it lost); another is
    /// read as a block.
    pub fn head_trouble(&mut self, k: usize) -> Option<Linked> {
        match self.bad_head[k].take()? {
            0 => {
                self.cache[k].clear();
                None
            }
            h => Some(self.read_link_at(h)),
        }
    }

    /// MCentral_AllocList's walk of the batch just refilled (first taken
    /// last): it follows each block's link but the last's, which it sets
    /// to nil. A poisoned nil link ends the batch there (the span's blocks
    /// after it lost); another is read as a block.
    pub fn batch_trouble(&mut self, k: usize) -> Option<Linked> {
        for i in (1..self.cache[k].len()).rev() {
            match self.poisoned.get(&self.cache[k][i]).copied() {
                Some(0) => {
                    let kept = self.cache[k].split_off(i);
                    self.cache[k] = kept;
                    break;
                }
                Some(h) => return Some(self.read_link_at(h)),
                None => {}
            }
        }
        if let Some(&last) = self.cache[k].first() {
            self.poisoned.remove(&last);
        }
        None
    }

    /// MCache_Alloc's `l->list = v->next` for the block `v` it took.
    pub fn taken(&mut self, k: usize, v: Addr) {
        if let Some(link) = self.poisoned.remove(&v) {
            self.bad_head[k] = Some(link);
        }
    }

    /// Reading the link word of a "block" at `h`: a fault where nothing is
    /// mapped (below the null page's end or outside the arena in use).
    fn read_link_at(&self, h: Addr) -> Linked {
        let mapped = (ARENA_START..self.arena_used).contains(&h) || h >= self.mmap_top;
        if mapped && h >= 0x1000 {
            Linked::Unknown
        } else {
            Linked::Fault(h)
        }
    }

    /// The live objects whose blocks overlap `range`, by address.
    pub fn live_in(&self, range: std::ops::Range<Addr>) -> Vec<(Addr, u64)> {
        let before = self
            .live
            .range(..range.start)
            .next_back()
            .filter(|&(&a, &n)| a + n > range.start);
        before
            .into_iter()
            .chain(self.live.range(range))
            .map(|(&a, &n)| (a, n))
            .collect()
    }

    /// The part of `range` that some span holds (its objects, live or
    /// free: a free one's first word links its list), if any. `range`
    /// lies within a page.
    pub fn spanned(&self, range: std::ops::Range<Addr>) -> Option<std::ops::Range<Addr>> {
        let (&start, span) = self.spans.range(..range.end).next_back()?;
        let end = start + u64::from(span.npages) * PAGE_SIZE;
        (end > range.start).then(|| range.start.max(start)..range.end.min(end))
    }

    /// alloc's block, before it is recorded as live.
    fn take(&mut self, n: u32) -> Addr {
        if n > MAX_SMALL_SIZE {
            let npages = (u64::from(n).div_ceil(PAGE_SIZE)) as u32;
            self.fold();
            let a = self.mheap_alloc(npages);
            self.heap_alloc += u64::from(npages) * PAGE_SIZE;
            let span = Span {
                start: a,
                npages,
                size: npages * PAGE_SIZE as u32,
                free: Vec::new(),
                fresh: a..a,
                refs: 1,
                first_linked: false,
            };
            self.spans.insert(a, span);
            return a;
        }
        let k = self.class_of(n);
        if self.cache[k].is_empty() {
            self.refill(k);
        }
        self.local_alloc += i64::from(self.sizes[k].0);
        self.cache[k].pop().expect("a refilled list")
    }

    /// runtime·free of an `n`-byte object at `a`.
    /// When MCache_Free's list reached MaxMCacheListLen, the class and
    /// what ReleaseN gave back to the central list, object by object.
    pub fn free(&mut self, a: Addr, n: u32) -> Freed {
        self.live.remove(&a);
        if n > MAX_SMALL_SIZE {
            let Some(s) = self.spans.remove(&a) else {
                return Freed::Large(FreeMerge::default());
            };
            self.heap_alloc = self
                .heap_alloc
                .saturating_sub(u64::from(s.npages) * PAGE_SIZE);
            // The object's first word is the program's, which the twin
            // does not keep: taken as 0 (a twin memclr the real runtime
            // does not make would show in compare-calls).
            return Freed::Large(self.mheap_free(s.start, s.npages, false));
        }
        let k = self.class_of(n);
        if self.sizes[k].0 > 8 {
            self.dirty.insert(a);
        }
        self.cache[k].push(a);
        self.local_alloc -= i64::from(self.sizes[k].0);
        if self.cache[k].len() < MAX_MCACHE_LIST_LEN {
            return Freed::Cached;
        }
        // ReleaseN: the first transfercount objects from the head.
        let cut = self.cache[k].len() - self.transfer[k] as usize;
        let released: Vec<Addr> = self.cache[k].drain(cut..).rev().collect();
        Freed::Released(
            k,
            released
                .into_iter()
                .map(|v| self.central_free(k, v))
                .collect(),
        )
    }

    /// How many size classes the cache keeps lists of.
    pub fn nclasses(&self) -> usize {
        self.cache.len()
    }

    /// The collector's stealcache, for class `k` (MCache_ReleaseAll goes
    /// through every class): its cached objects back to their spans, from
    /// the head of the list; what MCentral_Free did with each.
    pub fn steal_class(&mut self, k: usize) -> Vec<CentralFree> {
        let list: Vec<Addr> = std::mem::take(&mut self.cache[k])
            .into_iter()
            .rev()
            .collect();
        list.into_iter().map(|v| self.central_free(k, v)).collect()
    }

    /// ReleaseN's cut of class `k`'s whole list: `lp = &(*lp)->next` for
    /// each object reads the links of all but the last and goes through
    /// each, so a link a signal frame wrote is followed: where it leads,
    /// and whether it is the next-to-last's (read through by `l->list =
    /// *lp` after the loop).
    pub fn release_trouble(&self, k: usize) -> Option<(Linked, bool)> {
        let list = &self.cache[k];
        // The head is the Vec's last; the list's last object is first.
        let j = (1..list.len())
            .rev()
            .find(|&i| self.poisoned.contains_key(&list[i]))?;
        Some((self.read_link_at(self.poisoned[&list[j]]), j == 1))
    }

    /// MCache_Refill: the class's cache list from MCentral_AllocList.
    pub(crate) fn refill(&mut self, k: usize) -> Refill {
        let (batch, refill) = self.central_alloc_list(k, self.transfer[k]);
        self.cache[k] = batch.into_iter().rev().collect();
        refill
    }

    /// The search the last MHeap_AllocLocked made, once.
    pub(crate) fn take_pick(&mut self) -> Option<HeapPick> {
        self.last_pick.take()
    }

    /// Whether the object just allocated at `v` carried runtime·free's
    /// "needs to be zeroed" mark (the allocation takes it off).
    pub(crate) fn take_dirty(&mut self, v: Addr) -> bool {
        self.dirty.remove(&v)
    }

    /// A class's object size and span pages (MGetSizeClassInfo).
    pub(crate) fn class_pages(&self, k: usize) -> (u32, u32) {
        self.sizes[k]
    }

    /// The number of objects MCache_Alloc asks the class's MCentral for
    /// (class_to_transfercount).
    pub(crate) fn transfer_count(&self, k: usize) -> u32 {
        self.transfer[k]
    }

    /// MCentral_AllocList: up to `n` objects, growing once if no span has any.
    fn central_alloc_list(&mut self, k: usize, n: u32) -> (Vec<Addr>, Refill) {
        let mut refill = Refill::default();
        if self.nonempty[k].is_empty() {
            self.central_grow(k);
            refill.grew = true;
        }
        let mut out = Vec::with_capacity(n as usize);
        while out.len() < n as usize {
            let Some(&start) = self.nonempty[k].front() else {
                refill.ran_out = true;
                break;
            };
            let s = self.spans.get_mut(&start).expect("listed span");
            s.refs += 1;
            out.push(s.pop(self.sizes[k].0).expect("a nonempty span"));
            if s.is_empty() {
                refill.filled.push(out.len() as u32 - 1);
                self.nonempty[k].pop_front();
            }
        }
        refill.taken = out.len() as u32;
        (out, refill)
    }

    /// MCentral_Grow: a new span of the class's pages, carved in address
    /// order, put at the head of the list.
    fn central_grow(&mut self, k: usize) {
        let (size, npages) = self.sizes[k];
        self.fold();
        let start = self.mheap_alloc(npages);
        let count = u64::from(npages) * PAGE_SIZE / u64::from(size);
        self.spans.insert(
            start,
            Span {
                start,
                npages,
                size,
                free: Vec::new(),
                fresh: start..start + count * u64::from(size),
                refs: 0,
                first_linked: false,
            },
        );
        self.nonempty[k].push_front(start);
    }

    /// MCentral_Free: back on its span's list (the span to the head of the
    /// nonempty list if it was full); a span wholly free goes to the heap.
    fn central_free(&mut self, k: usize, v: Addr) -> CentralFree {
        let (&start, _) = self.spans.range(..=v).next_back().expect("v is in a span");
        let s = self.spans.get_mut(&start).expect("found");
        let was_full = s.is_empty();
        if was_full {
            self.nonempty[k].push_front(start);
        }
        if v == start {
            // v->next = s->freelist: the head, if the list had one.
            s.first_linked = !was_full;
        }
        s.free.push(v);
        s.refs -= 1;
        let mut span_freed = None;
        if s.refs == 0 {
            let s = self.spans.remove(&start).expect("found");
            // The span goes back marked as a whole (MHeap_AllocLocked
            // clears it when it is taken again): its objects' marks go.
            let end = s.start + u64::from(s.npages) * PAGE_SIZE;
            let marked: Vec<Addr> = self.dirty.range(s.start..end).copied().collect();
            for a in marked {
                self.dirty.remove(&a);
            }
            self.nonempty[k].retain(|&a| a != start);
            span_freed = Some(self.mheap_free(s.start, s.npages, s.first_linked));
        }
        CentralFree {
            was_full,
            span_freed,
        }
    }

    /// MHeap_Alloc: the smallest free run that fits from the exact-size
    /// lists (the most recently freed first), else the best fit among the
    /// large runs, else grow the arena by at least HeapAllocChunk; the
    /// allocation takes the start of the run.
    fn mheap_alloc(&mut self, npages: u32) -> Addr {
        let pick = |runs: &[(Addr, u32)]| {
            let small = runs
                .iter()
                .enumerate()
                .filter(|(_, r)| r.1 >= npages && r.1 < HEAP_ALLOC_CHUNK_PAGES)
                .min_by_key(|(i, r)| (r.1, std::cmp::Reverse(*i)))
                .map(|(i, _)| i);
            small.or_else(|| {
                runs.iter()
                    .enumerate()
                    .filter(|(_, r)| r.1 >= npages)
                    .min_by_key(|(_, r)| (r.1, r.0))
                    .map(|(i, _)| i)
            })
        };
        // The exact-size lists run up to MaxMHeapList (256) pages.
        let lists = |first_fit: Option<u32>| {
            first_fit.map_or(HEAP_ALLOC_CHUNK_PAGES.saturating_sub(npages), |n| {
                n - npages + 1
            })
        };
        let (i, search) = match pick(&self.free_runs) {
            Some(i) => {
                let n = self.free_runs[i].1;
                let small = n < HEAP_ALLOC_CHUNK_PAGES;
                let search = HeapPick {
                    lists: lists(small.then_some(n)),
                    large: !small,
                    grew: None,
                    trimmed: None,
                    zeroed: false,
                };
                (i, search)
            }
            None => {
                // MHeap_Grow: a multiple of 16 pages, at least
                // HeapAllocChunk, mapped with its share of the bitmap
                // (MHeap_MapBits maps it in 8 KB chunks), then freed into
                // the heap as a span, merging with a free run below it.
                let grow = npages.next_multiple_of(16).max(HEAP_ALLOC_CHUNK_PAGES);
                let start = self.arena_used;
                self.arena_used += u64::from(grow) * PAGE_SIZE;
                let bitmap = ((self.arena_used - ARENA_START) / 16).next_multiple_of(8192);
                let mapbits = bitmap > self.bitmap_mapped;
                self.bitmap_mapped = self.bitmap_mapped.max(bitmap);
                // New memory from the OS is zero.
                let merge = self.mheap_free(start, grow, false);
                let search = HeapPick {
                    lists: lists(None),
                    large: true,
                    grew: Some((mapbits, merge)),
                    trimmed: None,
                    zeroed: false,
                };
                let i = pick(&self.free_runs).expect("the grown run fits");
                (i, search)
            }
        };
        let (start, have) = self.free_runs.remove(i);
        let zeroed = self.needs_zeroing.remove(&start);
        // The rest gets a copy of the mark.
        let trimmed = (have > npages)
            .then(|| self.mheap_free(start + u64::from(npages) * PAGE_SIZE, have - npages, zeroed));
        self.last_pick = Some(HeapPick {
            trimmed,
            zeroed,
            ..search
        });
        start
    }

    /// MHeap_FreeLocked: coalesce with free neighbours, then list the run.
    /// `dirty` is the freed span's "needs zeroing" mark (its first word
    /// not 0); a merged run's is the union of its parts'.
    fn mheap_free(&mut self, mut start: Addr, mut npages: u32, mut dirty: bool) -> FreeMerge {
        let mut merge = FreeMerge::default();
        if let Some(i) = self
            .free_runs
            .iter()
            .position(|&(a, n)| a + u64::from(n) * PAGE_SIZE == start)
        {
            let (a, n) = self.free_runs.remove(i);
            start = a;
            npages += n;
            merge.lower = true;
            dirty |= self.needs_zeroing.contains(&a);
        }
        let end = start + u64::from(npages) * PAGE_SIZE;
        if let Some(i) = self.free_runs.iter().position(|&(a, _)| a == end) {
            let (_, n) = self.free_runs.remove(i);
            npages += n;
            merge.upper = true;
            dirty |= self.needs_zeroing.remove(&end);
        }
        if dirty {
            self.needs_zeroing.insert(start);
        }
        self.free_runs.push((start, npages));
        merge.large = npages >= HEAP_ALLOC_CHUNK_PAGES;
        merge
    }
}

impl Runtime {
    /// runtime·stackalloc (malloc.goc). Segments of FixedStack bytes come
    /// from the `stacks` FixAlloc under its lock; other sizes (g0 and
    /// gsignal stacks, huge frames) from mallocgc.
    ///
    /// post-1547 throws "stackalloc not on scheduler stack" when called off
    /// g0; pre-1547 runs wherever it is called, which is what lets
    /// lock(&stacks) split the stack (issue 1547).
    pub(crate) fn stackalloc(
        &mut self,
        caller: crate::symtab::FuncId,
        n: u32,
    ) -> Result<Addr, crate::Stop> {
        self.stackalloc_at(self.site(caller, self.rf.stackalloc), n)
    }

    fn stackalloc_at(&mut self, ret: Addr, n: u32) -> Result<Addr, crate::Stop> {
        let f = self.rf.stackalloc;
        self.call_at(ret, f, &[u64::from(n)])?;
        if self.variant == crate::Variant::Post1547 && self.g != self.m.g0 {
            return self.throw(f, "stackalloc not on scheduler stack");
        }
        let v = if self.m.mallocing || self.m.gcing || n == FIXED_STACK {
            self.lock(f, crate::lock::LockId::Stacks)?;
            if self.stacks.size == 0 {
                self.stacks.size = n;
            }
            let v = self.fixalloc_alloc(f)?;
            self.unlock(f, crate::lock::LockId::Stacks)?;
            v
        } else {
            // mallocgc(n, FlagNoProfiling|FlagNoGC, 0, 0)
            let v = self.mallocgc_dogc(f, n, FLAG_NO_PROFILING | FLAG_NO_GC, false, false)?;
            self.mem.map(v, n, false);
            v
        };
        self.leave(f)?;
        Ok(v)
    }

    /// A direct call of runtime·stackalloc from the running goroutine,
    /// returning to `ret`, as pre-1547's malg makes it: what the post-1547
    /// check exists to refuse.
    pub fn stackalloc_from(&mut self, ret: Addr, n: u32) -> Result<Addr, crate::Stop> {
        self.stackalloc_at(ret, n)
    }

    /// runtime·stackfree (malloc.goc): the inverse of stackalloc. Only g0
    /// calls it (oldstack, unwindstack), in both variants.
    pub(crate) fn stackfree(
        &mut self,
        caller: crate::symtab::FuncId,
        v: Addr,
        n: u32,
    ) -> Result<(), crate::Stop> {
        let f = self.rf.stackfree;
        self.call(caller, f, &[v, u64::from(n)])?;
        if self.m.mallocing || self.m.gcing || n == FIXED_STACK {
            self.lock(f, crate::lock::LockId::Stacks)?;
            let free = self.rf.fixalloc_free;
            self.call(f, free, &[self.statics.stacks + 8, v])?;
            self.stacks.inuse -= u64::from(self.stacks.size);
            self.stacks.list.push(v);
            self.leave(free)?;
            self.unlock(f, crate::lock::LockId::Stacks)?;
        }
        // Blocks from mallocgc go back through runtime·free, whose memory
        // the twin does not reuse.
        self.leave(f)
    }

    /// FixAlloc_Alloc (mfixalloc.c): pop the free list, else carve the
    /// current chunk, taking a new one from SysAlloc when it runs short.
    fn fixalloc_alloc(&mut self, caller: crate::symtab::FuncId) -> Result<Addr, crate::Stop> {
        let f = self.rf.fixalloc_alloc;
        self.call(caller, f, &[self.statics.stacks + 8])?;
        let size = self.stacks.size;
        let v = if let Some(v) = self.stacks.list.pop() {
            v
        } else {
            if self.stacks.nchunk < size {
                self.stacks.chunk = self.fixalloc_chunk()?;
                self.stacks.chunks.push(self.stacks.chunk);
                self.stacks.nchunk = FIX_ALLOC_CHUNK;
            }
            let v = self.stacks.chunk;
            self.stacks.chunk += u64::from(size);
            self.stacks.nchunk -= size;
            self.mem.map(v, size, true);
            v
        };
        self.stacks.inuse += u64::from(size);
        self.leave(f)?;
        Ok(v)
    }

    /// FixAlloc_Alloc's f->alloc(FixAllocChunk), in FixAlloc_Alloc: every
    /// FixAlloc of the runtime allocates its chunks with SysAlloc, called
    /// through the pointer. Returns where the chunk starts: mmap puts it
    /// right below the last mapping.
    fn fixalloc_chunk(&mut self) -> Result<Addr, crate::Stop> {
        let sysalloc = self.rf.sysalloc;
        let ret = self.site_indirect(self.rf.fixalloc_alloc, 0);
        self.call_at(ret, sysalloc, &[u64::from(FIX_ALLOC_CHUNK)])?;
        self.heap.mmap_top -= u64::from(FIX_ALLOC_CHUNK);
        self.leave(sysalloc)?;
        Ok(self.heap.mmap_top)
    }

    /// runtime·allocmcache (malloc.goc) from `caller`, mallocinit: under
    /// the heap lock, m's MCache from cachealloc. With one M it is
    /// cachealloc's first block, so FixAlloc_Alloc maps its first chunk.
    pub(crate) fn allocmcache(&mut self, caller: crate::symtab::FuncId) -> Result<(), crate::Stop> {
        use crate::lock::LockId;
        let (am, fa) = (self.rf.allocmcache, self.rf.fixalloc_alloc);
        self.call(caller, am, &[])?;
        self.lock(am, LockId::Heap)?;
        self.call(am, fa, &[self.statics.mheap + MHEAP_CACHEALLOC])?;
        self.fixalloc_chunk()?;
        self.leave(fa)?;
        self.unlock(am, LockId::Heap)?;
        self.leave(am)
    }

    /// FixAlloc_Alloc(&runtime·mheap.spanalloc) from `caller`: a freed
    /// MSpan if its list has one, else one carved from the chunk, a new
    /// chunk first when less than an MSpan is left. (The RecordSpan that
    /// f->first calls for a carved one is not modelled.)
    fn spanalloc_alloc(&mut self, caller: crate::asm::Caller) -> Result<(), crate::Stop> {
        let fa = self.rf.fixalloc_alloc;
        self.call(caller, fa, &[self.statics.mheap + MHEAP_SPANALLOC])?;
        let s = self.heap.spanalloc;
        if s.list > 0 {
            self.heap.spanalloc.list -= 1;
        } else {
            if s.nchunk < MSPAN_SIZE {
                self.fixalloc_chunk()?;
                self.heap.spanalloc.nchunk = FIX_ALLOC_CHUNK;
            }
            self.heap.spanalloc.nchunk -= MSPAN_SIZE;
        }
        self.leave(fa)
    }

    /// FixAlloc_Free(&runtime·mheap.spanalloc, s) from `caller`: onto the
    /// list.
    fn spanalloc_free(&mut self, caller: crate::asm::Caller) -> Result<(), crate::Stop> {
        let ff = self.rf.fixalloc_free;
        self.call_leaf(caller, ff, &[self.statics.mheap + MHEAP_SPANALLOC, 0])?;
        self.heap.spanalloc.list += 1;
        Ok(())
    }

    /// runtime·malloc -> mallocgc, for an object of `n` bytes. The frames
    /// of the two are modelled; the size-class machinery under them is not
    /// (see [`Heap::alloc`]).
    pub(crate) fn malloc(
        &mut self,
        caller: crate::symtab::FuncId,
        n: u32,
    ) -> Result<Addr, crate::Stop> {
        let f = self.rf.malloc;
        self.call(caller, f, &[u64::from(n)])?;
        let v = self.mallocgc(f, n, 0)?;
        self.leave(f)?;
        Ok(v)
    }

    /// mallocgc(n, flag, 0, 1) from `caller` (runtime·malloc's, mfinal's
    /// tables).
    pub(crate) fn mallocgc(
        &mut self,
        caller: impl Into<crate::asm::Caller>,
        n: u32,
        flag: u32,
    ) -> Result<Addr, crate::Stop> {
        self.mallocgc_dogc(caller, n, flag, false, true)
    }

    /// runtime·new (malloc.goc's `func new`), called by Go code for a
    /// variable 6g moved to the heap because a closure captures it: mal(n).
    /// The twin keeps the variable in its own cell; the call is modelled
    /// for its frames and its allocation.
    pub fn new_object(&mut self, ret: Addr, n: u32) -> Result<Addr, crate::Stop> {
        let f = self.rf.new;
        self.call_at(ret, f, &[u64::from(n)])?;
        let p = self.mal(f, n)?;
        self.leave(f)?;
        Ok(p)
    }

    /// runtime·free(p) of the `n`-byte object at `p`, called by `caller`:
    /// back on the M's cache list (a big one's pages back to the heap).
    pub(crate) fn free(
        &mut self,
        caller: impl Into<crate::asm::Caller>,
        p: Addr,
        n: u32,
    ) -> Result<(), crate::Stop> {
        use crate::asm::at;
        let f = self.rf.free;
        self.call(caller, f, &[p])?;
        // free(nil) returns at once.
        if p != 0 {
            self.mlookup(f, p)?;
            let bs = self.rf.blockspecial;
            self.call_leaf(f, bs, &[p])?;
            let prof = self.heap.profiled.remove(&p);
            let (mf, um) = (self.rf.markfreed, self.rf.unmarkspan);
            let size = u64::from(self.heap.rounded(n));
            if n > MAX_SMALL_SIZE {
                // markfreed, unmarkspan, MHeap_Free(&mheap, s, 1).
                self.call_leaf(at(f, 128), mf, &[p, size])?;
                self.call_leaf(at(f, 129), um, &[p, PAGE_SIZE])?;
                let merge = match self.heap.free(p, n) {
                    Freed::Large(m) => m,
                    _ => unreachable!("a large object"),
                };
                self.mheap_free_calls(at(f, 130), merge)?;
            } else {
                // markfreed, then MCache_Free(c, v, sizeclass, size), whose
                // list may reach MaxMCacheListLen: ReleaseN.
                self.call_leaf(at(f, 138), mf, &[p, size])?;
                let mc = self.rf.mcache_free;
                let k = self.heap.class_of(n);
                self.call(at(f, 140), mc, &[0, p, k as u64, size])?;
                if let Freed::Released(k, frees) = self.heap.free(p, n) {
                    self.release_n(at(mc, 96), k, &frees)?;
                }
                self.leave(mc)?;
            }
            if prof {
                self.mprof_free(at(f, 144), p, size)?;
            }
        }
        self.leave(f)
    }

    /// runtime·mlookup(v, ...) from `caller`: MHeap_LookupMaybe finds the
    /// span.
    pub(crate) fn mlookup(
        &mut self,
        caller: impl Into<crate::asm::Caller>,
        v: Addr,
    ) -> Result<(), crate::Stop> {
        let (ml, lm) = (self.rf.mlookup, self.rf.mheap_lookupmaybe);
        self.call(caller, ml, &[v, 0, 0, 0])?;
        let mheap = self.statics.mheap;
        self.call_leaf(ml, lm, &[mheap, v])?;
        self.leave(ml)
    }

    /// ReleaseN(c, l, n, k) from `caller`: the objects back to the class's
    /// central list through MCentral_FreeList (`frees`: what MCentral_Free
    /// did with each).
    pub(crate) fn release_n(
        &mut self,
        caller: crate::asm::Caller,
        k: usize,
        frees: &[CentralFree],
    ) -> Result<(), crate::Stop> {
        let rn = self.rf.release_n;
        self.call(caller, rn, &[0, 0, frees.len() as u64, k as u64])?;
        let fl = self.rf.mcentral_freelist;
        let lock = crate::lock::LockId::Central(k as u8);
        let c = self.lock_addr(lock);
        self.call(rn, fl, &[c, frees.len() as u64, 0])?;
        self.mcentral_freelist(fl, lock, frees)?;
        self.leave(fl)?;
        self.leave(rn)
    }

    /// MCentral_FreeList's body (mcentral.c): lock(c), MCentral_Free of
    /// each object (MHeap_Lookup; a span that was full moves to the
    /// nonempty list; a span wholly free leaves it for MHeap_Free, with
    /// the central lock dropped around the call), unlock(c).
    fn mcentral_freelist(
        &mut self,
        fl: crate::symtab::FuncId,
        lock: crate::lock::LockId,
        frees: &[CentralFree],
    ) -> Result<(), crate::Stop> {
        use crate::asm::at;
        let c = self.lock_addr(lock);
        self.lock(at(fl, 103), lock)?;
        let (cf, lookup) = (self.rf.mcentral_free, self.rf.mheap_lookup);
        let (remove, insert) = (self.rf.mspanlist_remove, self.rf.mspanlist_insert);
        let mheap = self.statics.mheap;
        for free in frees {
            self.call(at(fl, 106), cf, &[c, 0])?;
            self.call_leaf(at(cf, 120), lookup, &[mheap, 0])?;
            if free.was_full {
                self.call_leaf(at(cf, 126), remove, &[0])?;
                self.call_leaf(at(cf, 127), insert, &[0, 0])?;
            }
            if let Some(merge) = free.span_freed {
                self.call_leaf(at(cf, 139), remove, &[0])?;
                let um = self.rf.unmarkspan;
                self.call_leaf(at(cf, 140), um, &[0, 0])?;
                self.unlock(at(cf, 144), lock)?;
                self.mheap_free_calls(at(cf, 145), merge)?;
                self.lock(at(cf, 146), lock)?;
            }
            self.leave(cf)?;
        }
        self.unlock(at(fl, 108), lock)
    }

    /// runtime·MHeap_Free(&mheap, s, acct) from `caller`: under mheap's
    /// lock, MHeap_FreeLocked.
    fn mheap_free_calls(
        &mut self,
        caller: crate::asm::Caller,
        merge: FreeMerge,
    ) -> Result<(), crate::Stop> {
        use crate::asm::at;
        let h = self.rf.mheap_free;
        let mheap = self.statics.mheap;
        self.call(caller, h, &[mheap, 0, 0])?;
        self.lock(at(h, 260), crate::lock::LockId::Heap)?;
        self.mheap_freelocked_calls(at(h, 270), merge)?;
        self.unlock(at(h, 271), crate::lock::LockId::Heap)?;
        self.leave(h)
    }

    /// MHeap_Grow(h, npage) from `caller`: MHeap_SysAlloc (SysMap of the
    /// chunk, MHeap_MapBits, which maps more bitmap with SysMap when the
    /// arena outgrew it), an MSpan from spanalloc, MSpan_Init, and the
    /// chunk freed into the heap through MHeap_FreeLocked.
    fn mheap_grow_calls(
        &mut self,
        caller: crate::asm::Caller,
        npages: u64,
        mapbits: bool,
        merge: FreeMerge,
    ) -> Result<(), crate::Stop> {
        use crate::asm::at;
        let mheap = self.statics.mheap;
        let (gr, sa, mb, sm) = (
            self.rf.mheap_grow,
            self.rf.mheap_sysalloc,
            self.rf.mheap_mapbits,
            self.rf.sysmap,
        );
        self.call(caller, gr, &[mheap, npages])?;
        self.call(at(gr, 188), sa, &[mheap, 0])?;
        self.call_leaf(at(sa, 257), sm, &[0, 0])?;
        self.call(at(sa, 259), mb, &[mheap])?;
        if mapbits {
            self.call_leaf(at(mb, 851), sm, &[0, 0])?;
        }
        self.leave(mb)?;
        self.leave(sa)?;
        self.spanalloc_alloc(at(gr, 201))?;
        let init = self.rf.mspan_init;
        self.call_leaf(at(gr, 204), init, &[0, 0, 0])?;
        self.mheap_freelocked_calls(at(gr, 211), merge)?;
        self.leave(gr)
    }

    /// MHeap_FreeLocked(h, s) from `caller`: the span off whatever list it
    /// was on, each free neighbour it merges with off its list and its
    /// MSpan back to spanalloc (FixAlloc_Free), the result onto the
    /// exact-size list or the large one.
    fn mheap_freelocked_calls(
        &mut self,
        caller: crate::asm::Caller,
        merge: FreeMerge,
    ) -> Result<(), crate::Stop> {
        use crate::asm::at;
        let fl = self.rf.mheap_freelocked;
        let mheap = self.statics.mheap;
        self.call(caller, fl, &[mheap, 0])?;
        let (remove, insert) = (self.rf.mspanlist_remove, self.rf.mspanlist_insert);
        self.call_leaf(at(fl, 286), remove, &[0])?;
        if merge.lower {
            self.call_leaf(at(fl, 300), remove, &[0])?;
            self.spanalloc_free(at(fl, 302))?;
        }
        if merge.upper {
            self.call_leaf(at(fl, 311), remove, &[0])?;
            self.spanalloc_free(at(fl, 313))?;
        }
        self.call_leaf(at(fl, if merge.large { 322 } else { 320 }), insert, &[0, 0])?;
        self.leave(fl)
    }

    /// runtime·mal: mallocgc with dogc set, which may run a collection.
    pub(crate) fn mal(
        &mut self,
        caller: impl Into<crate::asm::Caller>,
        n: u32,
    ) -> Result<Addr, crate::Stop> {
        let f = self.rf.mal;
        self.call(caller, f, &[u64::from(n)])?;
        let v = self.mallocgc_dogc(f, n, 0, true, true)?;
        self.leave(f)?;
        Ok(v)
    }

    /// mallocgc: the allocation, then, with dogc, a collection once
    /// heap_alloc reaches next_gc (runtime·gc returns at once before
    /// initdone, while a lock is held, or while panicking).
    /// A free list that led `f` to `t` (see [`Heap::head_trouble`]).
    fn malloc_fault(&mut self, f: crate::symtab::FuncId, t: Linked) -> Result<Addr, crate::Stop> {
        match t {
            Linked::Fault(addr) => Err(self.runtime_fault(f, addr)),
            _ => {
                self.unmodelled = Some(
                    "a free list whose link a signal frame wrote over, into mapped memory".into(),
                );
                Err(crate::Stop::End(crate::Ending::Exit(2)))
            }
        }
    }

    pub(crate) fn mallocgc_dogc(
        &mut self,
        caller: impl Into<crate::asm::Caller>,
        n: u32,
        flag: u32,
        dogc: bool,
        zeroed: bool,
    ) -> Result<Addr, crate::Stop> {
        let caller = caller.into();
        // A trace of allocations ends where the runtime starts dying
        // (startpanic), as scripts/measure-heap's does.
        if let Some(log) = self.alloc_log.as_mut().filter(|_| !self.panicking) {
            log.push((n, caller.f));
        }
        let f = self.rf.mallocgc;
        let args = [
            u64::from(n),
            u64::from(flag) | u64::from(dogc) << 32,
            u64::from(zeroed),
        ];
        self.call(caller, f, &args)?;
        self.m.mallocing = true;
        let v = if n <= MAX_SMALL_SIZE {
            // SizeToClass, then MCache_Alloc (the M's cache's address is
            // not modelled: 0), which refills its list from the central
            // one when it is empty.
            let class = self.heap.class_of(n);
            let size = self.heap.class_size(class);
            let sc = self.rf.size_to_class;
            self.call(f, sc, &[u64::from(n)])?;
            self.leave(sc)?;
            let ca = self.rf.mcache_alloc;
            let words = [0, class as u64, u64::from(size), u64::from(zeroed)];
            self.call(f, ca, &words)?;
            if let Some(t) = self.heap.head_trouble(class) {
                return self.malloc_fault(ca, t);
            }
            if self.heap.needs_refill(class) {
                self.mcentral_alloc_list(ca, class)?;
                if let Some(t) = self.heap.batch_trouble(class) {
                    let mc = self.rf.mcentral_alloc;
                    return self.malloc_fault(mc, t);
                }
            }
            let v = self.heap.alloc(n);
            self.heap.taken(class, v);
            // A link the frame wrote is followed as above; a second word
            // it made nonzero has the block cleared, as runtime·free's mark
            // does; any other word it wrote is the block's contents.
            let marked = self.spill_word(v + 8) != 0;
            if !marked
                && (v + 16..v + u64::from(size))
                    .step_by(8)
                    .any(|w| self.spill_word(w) != 0)
            {
                self.check_spilled(v..v + u64::from(size), "an allocation")?;
            }
            // "block is zeroed iff second word is zero": runtime·free
            // marked it, so it is cleared (a zeroed=0 caller overwrites it).
            if (self.heap.take_dirty(v) || marked) && zeroed && size > 8 {
                let mc = self.rf.memclr;
                self.call_leaf(ca, mc, &[v, u64::from(size)])?;
            }
            self.leave(ca)?;
            v
        } else {
            // MHeap_Alloc(&mheap, npages, 0, 1), then markspan(v, 0, 0, 1).
            let npages = u64::from(n).div_ceil(PAGE_SIZE);
            let v = self.heap.alloc(n);
            self.check_spilled(v..v + npages * PAGE_SIZE, "an allocation")?;
            self.mheap_alloc_calls(crate::asm::at(f, 58), npages, 0, 1)?;
            let ms = self.rf.markspan;
            self.call_leaf(crate::asm::at(f, 66), ms, &[v, 0, 0, 1])?;
            v
        };
        if flag & FLAG_NO_GC == 0 {
            let ma = self.rf.markallocated;
            let noptr = u64::from(flag & FLAG_NO_POINTERS != 0);
            self.call(f, ma, &[v, u64::from(n), noptr])?;
            self.leave(ma)?;
        }
        self.m.mallocing = false;
        if flag & FLAG_NO_PROFILING == 0 {
            let size = u64::from(self.heap.rounded(n));
            let sample = self.heap.sample(size);
            if sample == Sample::Drawn {
                let fr = self.rf.fastrand1;
                self.call_leaf(crate::asm::at(f, 82), fr, &[])?;
            }
            if sample != Sample::No {
                let sb = self.rf.setblockspecial;
                self.call_leaf(crate::asm::at(f, 84), sb, &[v])?;
                self.heap.profiled.insert(v);
                self.mprof_malloc(crate::asm::at(f, 85), v, size)?;
            }
        }
        if dogc && self.heap.heap_alloc >= self.heap.next_gc {
            self.gc(f)?;
        }
        self.leave(f)?;
        Ok(v)
    }

    /// MCache_Alloc's refill of class `k`: MCentral_AllocList(c,
    /// transfercount, &first) as mcentral.c runs it: lock(c), the nonempty
    /// list's check, MCentral_Grow when it is empty, MCentral_Alloc for
    /// each object (one more that finds none when the spans run out; a
    /// span that runs out moves to the empty list), unlock(c). (List
    /// pointers are not modelled: 0.)
    fn mcentral_alloc_list(
        &mut self,
        ca: crate::symtab::FuncId,
        k: usize,
    ) -> Result<(), crate::Stop> {
        use crate::asm::at;
        let al = self.rf.mcentral_alloclist;
        let lock = crate::lock::LockId::Central(k as u8);
        let c = self.lock_addr(lock);
        let n = self.heap.transfer_count(k);
        self.call(ca, al, &[c, u64::from(n), 0])?;
        self.lock(at(al, 43), lock)?;
        let (empty, remove, insert) = (
            self.rf.mspanlist_isempty,
            self.rf.mspanlist_remove,
            self.rf.mspanlist_insert,
        );
        self.call_leaf(at(al, 45), empty, &[0])?;
        let r = self.heap.refill(k);
        if r.grew {
            self.mcentral_grow(al, k)?;
        }
        let ma = self.rf.mcentral_alloc;
        for i in 0..r.taken + u32::from(r.ran_out) {
            self.call(at(al, if i == 0 { 55 } else { 57 }), ma, &[c])?;
            self.call_leaf(at(ma, 76), empty, &[0])?;
            if r.filled.contains(&i) {
                self.call_leaf(at(ma, 83), remove, &[0])?;
                self.call_leaf(at(ma, 84), insert, &[0, 0])?;
            }
            self.leave(ma)?;
        }
        self.unlock(at(al, 64), lock)?;
        self.leave(al)
    }

    /// MCentral_Grow(c) from MCentral_AllocList: unlock(c), the class's
    /// sizes, a span from MHeap_Alloc, markspan, lock(c) again, the span
    /// onto the nonempty list.
    fn mcentral_grow(&mut self, al: crate::symtab::FuncId, k: usize) -> Result<(), crate::Stop> {
        use crate::asm::at;
        let g = self.rf.mcentral_grow;
        let lock = crate::lock::LockId::Central(k as u8);
        let c = self.lock_addr(lock);
        self.call(at(al, 46), g, &[c])?;
        self.unlock(at(g, 174), lock)?;
        let info = self.rf.mgetsizeclassinfo;
        self.call_leaf(at(g, 175), info, &[k as u64, 0, 0, 0])?;
        let (size, npages) = self.heap.class_pages(k);
        self.mheap_alloc_calls(at(g, 176), u64::from(npages), k as u64, 0)?;
        let count = u64::from(npages) * PAGE_SIZE / u64::from(size);
        let leftover = u64::from(count * u64::from(size) < u64::from(npages) * PAGE_SIZE);
        let ms = self.rf.markspan;
        self.call_leaf(at(g, 194), ms, &[0, u64::from(size), count, leftover])?;
        self.lock(at(g, 196), lock)?;
        let insert = self.rf.mspanlist_insert;
        self.call_leaf(at(g, 198), insert, &[0, 0])?;
        self.leave(g)
    }

    /// runtime·MHeap_Alloc(&mheap, npages, sizeclass, acct) from `caller`:
    /// under mheap's lock, MHeap_AllocLocked (whose search of the free
    /// lists, span splitting and growth are not modelled: its frame only).
    fn mheap_alloc_calls(
        &mut self,
        caller: crate::asm::Caller,
        npages: u64,
        sizeclass: u64,
        acct: u64,
    ) -> Result<(), crate::Stop> {
        use crate::asm::at;
        let h = self.rf.mheap_alloc;
        let mheap = self.statics.mheap;
        self.call(caller, h, &[mheap, npages, sizeclass, acct])?;
        self.lock(at(h, 59), crate::lock::LockId::Heap)?;
        let l = self.rf.mheap_alloclocked;
        self.call(at(h, 64), l, &[mheap, npages, sizeclass])?;
        self.mheap_search_calls(l, npages)?;
        self.leave(l)?;
        self.unlock(at(h, 72), crate::lock::LockId::Heap)?;
        self.leave(h)
    }

    /// MHeap_AllocLocked's search for a span of `npages`, as its calls
    /// show it: an MSpanList_IsEmpty for each exact-size list from npages
    /// up until one has a span; else MHeap_AllocLarge's BestFit on the
    /// large list (after MHeap_Grow when nothing fits); then the span off
    /// its list; a longer span trimmed, the rest freed; memclr of a span
    /// marked "needs zeroing".
    fn mheap_search_calls(
        &mut self,
        l: crate::symtab::FuncId,
        npages: u64,
    ) -> Result<(), crate::Stop> {
        use crate::asm::at;
        let search = self.heap.take_pick().unwrap_or_default();
        let empty = self.rf.mspanlist_isempty;
        for _ in 0..search.lists {
            self.call_leaf(at(l, 85), empty, &[0])?;
        }
        if search.large {
            let (al, bf) = (self.rf.mheap_alloclarge, self.rf.bestfit);
            let mheap = self.statics.mheap;
            let large = |rt: &mut Runtime, line: u32| -> Result<(), crate::Stop> {
                rt.call(at(l, line), al, &[mheap, npages])?;
                rt.call_leaf(al, bf, &[0, npages, 0])?;
                rt.leave(al)
            };
            if let Some((mapbits, merge)) = search.grew {
                // MHeap_AllocLarge finds nothing, MHeap_Grow, then
                // MHeap_AllocLarge again.
                large(self, 92)?;
                self.mheap_grow_calls(at(l, 93), npages, mapbits, merge)?;
                large(self, 95)?;
            } else {
                large(self, 92)?;
            }
        }
        let remove = self.rf.mspanlist_remove;
        self.call_leaf(at(l, 105), remove, &[0])?;
        if let Some(merge) = search.trimmed {
            // The rest: an MSpan from spanalloc, MSpan_Init,
            // MHeap_FreeLocked.
            self.spanalloc_alloc(at(l, 110))?;
            let init = self.rf.mspan_init;
            self.call_leaf(at(l, 113), init, &[0, 0, 0])?;
            self.mheap_freelocked_calls(at(l, 124), merge)?;
        }
        if search.zeroed {
            let memclr = self.rf.memclr;
            self.call_leaf(at(l, 128), memclr, &[0, npages * PAGE_SIZE])?;
        }
        Ok(())
    }

    /// The invariants of the stack machinery, checked between goroutine
    /// steps: every FixedStack segment ever carved is exactly one of free,
    /// a G's first segment, or a segment on a G's Stktop chain; each
    /// chain's stackguard, stackbase and Stktops agree; FixAlloc's count
    /// of bytes in use matches; no lock is held.
    pub fn check_invariants(&self) -> Result<(), String> {
        use crate::stack::{FIXED_STACK, STACK_GUARD, STKTOP_SIZE};
        let mut owner: std::collections::BTreeMap<Addr, String> = std::collections::BTreeMap::new();
        let mut claim = |a: Addr, who: String| match owner.insert(a, who.clone()) {
            Some(prev) => Err(format!("segment {a:#x} is both {prev} and {who}")),
            None => Ok(()),
        };
        for &a in &self.stacks.list {
            claim(a, "free".into())?;
        }
        for (i, g) in self.all_gs().enumerate().skip(1) {
            if g.stack0 == 0 || !self.stacks.is_carved(g.stack0) {
                continue;
            }
            claim(g.stack0, format!("G{i}'s first segment"))?;
            let mut guard = g.stackguard;
            let mut base = g.stackbase;
            loop {
                let top = self.read_stktop(base);
                // A report, not a panic: the checker also runs on states
                // it must reject, such as a G a signal frame zeroed.
                let Some(stk) = guard.checked_sub(u64::from(STACK_GUARD)) else {
                    return Err(format!("G{i}: stackguard {guard:#x} is below StackGuard"));
                };
                if top.stackbase == 0 {
                    if stk != g.stack0 || base != g.stack0 + u64::from(FIXED_STACK) - STKTOP_SIZE {
                        return Err(format!(
                            "G{i}: first segment {stk:#x}/{base:#x} is not its stack0 {:#x}",
                            g.stack0
                        ));
                    }
                    break;
                }
                if top.free == 0 {
                    // reflect·call's Stktop inside the current segment:
                    // no segment of its own.
                    guard = top.stackguard;
                    base = top.stackbase;
                    continue;
                }
                if base != stk + u64::from(top.free) - STKTOP_SIZE {
                    return Err(format!(
                        "G{i}: stackbase {base:#x} is not the top of segment {stk:#x} of {} bytes",
                        top.free
                    ));
                }
                if top.free == FIXED_STACK {
                    if !self.stacks.is_carved(stk) {
                        return Err(format!("G{i}: segment {stk:#x} was never carved"));
                    }
                    claim(stk, format!("on G{i}'s chain"))?;
                }
                guard = top.stackguard;
                base = top.stackbase;
            }
        }
        if let Some(lost) = self.stacks.carved().find(|a| !owner.contains_key(a)) {
            return Err(format!("segment {lost:#x} is neither free nor on any G"));
        }
        let used = (self.stacks.carved().count() - self.stacks.list.len()) as u64
            * u64::from(self.stacks.size);
        if used != self.stacks.inuse {
            return Err(format!(
                "FixAlloc counts {} bytes in use, segments hold {used}",
                self.stacks.inuse
            ));
        }
        if self.any_lock_held() {
            return Err("a lock is held between goroutine steps".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The classes InitSizes makes: 61 (malloc.h's NumSizeClasses), and
    /// the ones the modelled objects fall in: G (168 bytes) in 176 with 23
    /// to a page, Hchan (88) in 96, gsignal's 32K stack in one of 8 pages.
    #[test]
    fn size_classes_are_initsizes() {
        let sizes = size_classes();
        assert_eq!(sizes.len(), NUM_SIZE_CLASSES);
        let heap = Heap::default();
        assert_eq!(heap.rounded(168), 176);
        assert_eq!(sizes[heap.class_of(168)].1, 1);
        assert_eq!(heap.rounded(88), 96);
        assert_eq!(heap.rounded(32 << 10), 32 << 10);
        assert_eq!(sizes[heap.class_of(32 << 10)].1, 8);
    }

    #[test]
    fn objects_fill_spans_in_order_and_classes_take_pages_in_turn() {
        let mut h = Heap::default();
        let g1 = h.alloc(168);
        let stack = h.alloc(32 << 10);
        assert_eq!(stack, g1 + PAGE_SIZE);
        let gs: Vec<Addr> = (0..22).map(|_| h.alloc(168)).collect();
        assert_eq!(gs[0], g1 + 176);
        assert_eq!(gs[21], g1 + 22 * 176);
        // The 24th G opens the next span: the page right after the stack.
        assert_eq!(h.alloc(168), stack + (32 << 10));
        h.free(gs[3], 168);
        assert_eq!(h.alloc(168), gs[3]);
    }

    /// A new cache's next_sample is 0, so the first allocation is sampled
    /// and draws the next: fastrand1 from 0x49f6428a doubles to
    /// 0x93ec8514, past bit 31, so xors 0x88888eef in: 0x1b640bfb, and
    /// 0x1b640bfb % (2 * 512K) = 265,211 bytes to go.
    #[test]
    fn samples_come_from_malloc_goc_s_fastrand1() {
        let mut h = Heap::default();
        assert_eq!(h.sample(16), Sample::Drawn);
        assert_eq!(h.next_sample, 265_211);
        assert_eq!(h.sample(211), Sample::No);
        assert_eq!(h.sample(MEM_PROFILE_RATE), Sample::Large);
        assert_eq!(h.next_sample, 265_000);
        // Reaching next_sample exactly samples (mallocgc tests `>`).
        assert_eq!(h.sample(265_000), Sample::Drawn);
        assert_eq!(h.fastrand1, 0x36c8_17f6);
    }

    /// A G whose words a signal frame zeroed (deliver_signal does this to
    /// the G past gsignal's stack) is reported, not a panic: its
    /// stackguard is below StackGuard.
    #[test]
    fn the_checker_reports_a_zeroed_g() {
        use crate::script::{Op, Script};
        use crate::symtab::Func;
        use crate::{Ending, GId, Variant};
        let mut rt = Runtime::new(Variant::Post1547).unwrap();
        let main = rt.declare(Func::splitting("main.main", 64, 0)).unwrap();
        let f = rt.declare(Func::splitting("main.f", 64, 0)).unwrap();
        let go = Op::Go {
            f,
            site: 0x10,
            args: vec![],
        };
        let traces = [(main, vec![go, Op::Ret]), (f, vec![Op::Ret])];
        let mut script = Script::new(traces.into_iter().collect());
        assert_eq!(rt.run(&mut script, None, main), Ending::Exit(0));
        rt.check_invariants().unwrap();
        let g = GId::new(rt.gs.len() - 1);
        assert_ne!(rt.gs[g].stack0, 0);
        rt.gs[g].stackguard = 0;
        let err = rt.check_invariants().unwrap_err();
        assert!(err.contains("is below StackGuard"), "{err}");
    }
}

#[cfg(test)]
mod heap_order {
    use super::*;

    /// What the helper saw in select.go on the real runtime: main's first
    /// channel takes object 0 of a fresh 96-byte span (the cache takes a
    /// batch of 32), the collection that allocation runs gives 1..31 back,
    /// reversed, so later channels get 31, 30, ... 1, then 32, 33, ...
    #[test]
    fn the_first_collection_reverses_the_cached_batch() {
        let mut h = Heap::default();
        let c0 = h.alloc(88);
        for k in 0..h.nclasses() {
            h.steal_class(k);
        }
        let next: Vec<u64> = (0..33).map(|_| (h.alloc(88) - c0) / 96).collect();
        let mut want: Vec<u64> = (1..=31).rev().collect();
        want.extend([32, 33]);
        assert_eq!(next, want);
    }

    /// A free block whose link a signal frame rewrote: the allocation
    /// that takes it is served, the next of its class reads the link; a
    /// nil one leaves the list looking empty (refilled from the span, the
    /// blocks after it lost), an unmapped one faults.
    #[test]
    fn a_rewritten_link_is_followed_by_the_allocation_after_the_one_taking_it() {
        let mut h = Heap::default();
        h.alloc(40);
        let head = *h.cache[h.class_of(40)].last().expect("a batch");
        h.poison(head, 0xf8_4650_5845);
        assert_eq!(h.alloc_through_links(40), Linked::Block(head));
        assert_eq!(h.alloc_through_links(40), Linked::Fault(0xf8_4650_5845));

        let mut h = Heap::default();
        h.alloc(40);
        let k = h.class_of(40);
        let head = *h.cache[k].last().expect("a batch");
        h.poison(head, 0);
        assert_eq!(h.alloc_through_links(40), Linked::Block(head));
        let Linked::Block(next) = h.alloc_through_links(40) else {
            panic!("a nil link ends the list")
        };
        assert!(
            next > head + 48 * 30,
            "refilled past the lost ones: {next:#x}"
        );
    }

    /// mallocinit's free(malloc(1)), then the first collection's
    /// stealcache: the 8-byte class's span goes back to the heap wholly
    /// free, its first object linked to the next (its first word not 0),
    /// so the next span taken from there is cleared, as gdb showed in
    /// pingpong (memclr(0xf840000000, 0x1000) from MHeap_AllocLocked).
    /// Memory fresh from the OS is not.
    #[test]
    fn a_span_freed_with_its_first_word_set_is_cleared_when_taken_again() {
        let mut h = Heap::default();
        let p = h.alloc(1);
        assert_eq!(p, ARENA_START);
        assert!(!h.take_pick().expect("a span was taken").zeroed);
        h.free(p, 1);
        for k in 0..h.nclasses() {
            h.steal_class(k);
        }
        assert_eq!(h.alloc(24), ARENA_START);
        assert!(h.take_pick().expect("a span was taken").zeroed);
    }

    #[test]
    fn a_span_wholly_freed_goes_back_to_the_page_heap() {
        let mut h = Heap::default();
        let big = h.alloc(40 << 10);
        h.free(big, 40 << 10);
        // The freed run is reused before the arena grows.
        assert_eq!(h.alloc(40 << 10), big);
    }
}
