//! symtab.c: the function table. In 2011 every function's `Func` record
//! carries its name, frame size and argument size (from the linker), and
//! the traceback and the split check use them. The twin's table holds the
//! same figures: for the runtime's own C and assembly functions they were
//! measured off real binaries (`data/frames-<variant>.tsv`, made by
//! scripts/measure-frames); Go functions are declared by whoever runs Go
//! code on the twin.

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use crate::{Addr, Variant};

/// The split check 6l put in a function's prologue (src/cmd/6l/pass.c,
/// dostkoff), which depends on its frame size alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// `#pragma textflag 7` or asm `TEXT ...,7,`: no check.
    NoSplit,
    /// frame <= StackSmall: split when SP <= stackguard.
    Small,
    /// StackSmall < frame < StackBig: split when SP-(frame-StackSmall) <= stackguard.
    Large,
    /// frame >= StackBig: always split.
    Huge,
}

/// A function as the runtime's `Func` knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Func {
    pub name: String,
    /// The frame the body allocates (its SUBQ), without the return address.
    pub frame: u32,
    /// Bytes of arguments and results, as the caller lays them out.
    pub args: u32,
    pub check: Check,
    /// The source file as the binary names it (`f->src`), for tracebacks.
    pub file: String,
    /// The line funcline gives for the entry pc.
    pub line: u32,
    /// Lines of call sites by return-address offset: (offset, the line
    /// of the CALL, printed for a caller's frame; the line at the return
    /// address itself, printed when it is the first frame).
    pub sites: Vec<(u32, u32, u32)>,
    /// Pcs the twin gave faults ([`Func::fault_site`]), as sites are kept.
    faults: Vec<(u32, u32, u32)>,
    /// The symtab's count of argument words, where measured; tracebacks
    /// print that many words.
    pub argwords: Option<u32>,
}

impl Func {
    /// A function whose check follows from its frame, as 6l decides it.
    pub fn splitting(name: &str, frame: u32, args: u32) -> Func {
        use crate::stack::{STACK_BIG, STACK_SMALL};
        let check = if frame <= STACK_SMALL {
            Check::Small
        } else if frame < STACK_BIG {
            Check::Large
        } else {
            Check::Huge
        };
        Func {
            name: name.to_string(),
            frame,
            args,
            check,
            file: String::new(),
            line: 0,
            sites: Vec::new(),
            faults: Vec::new(),
            argwords: None,
        }
    }

    /// A Go function of file `file` (as tracebacks name it), declared on
    /// line `line`, with the frame and argument sizes 6g gave it.
    pub fn go(name: &str, file: &str, line: u32, frame: u32, args: u32) -> Func {
        Func {
            file: file.to_string(),
            line,
            ..Func::splitting(name, frame, args)
        }
    }

    /// How many argument words a traceback prints: symtab.c counts
    /// 32-bit words (`args = maxoffset/4 + 2`), which the amd64 printer
    /// then reads as that many 64-bit words.
    pub fn arg_words(&self) -> u32 {
        self.argwords.unwrap_or(self.args / 4)
    }

    /// The offset of a fault on `line`, a pc the twin files under it (and
    /// under `caller_line` for a caller's frame, which prints the line of
    /// the byte before): one past the last call site, or past the one such
    /// offset before, so that it names no call (calls are five bytes
    /// apart at least).
    pub fn fault_site(&mut self, line: u32, caller_line: u32) -> u32 {
        if let Some(&(off, _, _)) = self
            .faults
            .iter()
            .find(|&&(_, l, top)| top == line && l == caller_line)
        {
            return off;
        }
        let last = self.sites.iter().chain(&self.faults).map(|s| s.0).max();
        let off = last.map_or(1, |o| o + 1);
        self.faults.push((off, caller_line, line));
        off
    }

    /// funcline for a frame whose pc is `off` bytes past the entry: a
    /// caller's frame prints the line of its CALL, the first frame the
    /// line at the pc itself; an unknown pc, the entry's line.
    pub fn line_at(&self, off: u32, first: bool) -> u32 {
        self.sites
            .iter()
            .chain(&self.faults)
            .find(|(ret, _, _)| *ret == off)
            .map_or(self.line, |&(_, line, top)| if first { top } else { line })
    }
}

/// Index of a function in a [`FuncTab`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncId(pub u32);

/// The function table of one runtime: the measured runtime functions of a
/// variant, then whatever Go functions are declared.
#[derive(Debug, Clone)]
pub struct FuncTab {
    funcs: Vec<Func>,
    /// Fx-hashed: names are looked up on every runtime call that is not
    /// in [`crate::proc::RuntimeFuncs`], and SipHash showed in profiles.
    by_name: FxHashMap<String, FuncId>,
    /// Each function's entry: at fixed strides from the start of text,
    /// until [`FuncTab::place`] gives the real binary's addresses.
    entries: Vec<Addr>,
    /// Once placed: the entries sorted by address, for findfunc.
    placed: Option<Placed>,
}

/// A text layout taken from a real binary.
#[derive(Debug, Clone)]
struct Placed {
    sorted: Vec<(Addr, FuncId)>,
    /// Where the text ends (the last function gets room up to here).
    end: Addr,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SymtabError {
    #[error("{table}-{variant}.tsv:{line}: {message}")]
    Table {
        /// Which of the runtime's tables: frames, calls or messages.
        table: &'static str,
        variant: Variant,
        line: usize,
        message: String,
    },
    #[error("function {0} is declared twice")]
    Duplicate(String),
    #[error("the {variant} frame table has no {name}")]
    Missing { variant: Variant, name: String },
}

/// The measured tables, compiled in.
fn table_text(variant: Variant) -> &'static str {
    match variant {
        Variant::Pre1547 => include_str!("../data/frames-pre-1547.tsv"),
        Variant::Post1547 => include_str!("../data/frames-post-1547.tsv"),
    }
}

impl FuncTab {
    /// The runtime functions of `variant`, as measured.
    pub fn runtime(variant: Variant) -> Result<FuncTab, SymtabError> {
        let mut tab = FuncTab {
            funcs: Vec::new(),
            by_name: FxHashMap::default(),
            entries: Vec::new(),
            placed: None,
        };
        let bad = |line: usize, message: String| SymtabError::Table {
            table: "frames",
            variant,
            line,
            message,
        };
        for (i, row) in crate::tsv::rows(table_text(variant)) {
            let [name, check, _morestack, args, frame, _fixtures, argwords] =
                crate::tsv::columns(row)
                    .map_err(|n| bad(i, format!("expected 7 columns, found {n}")))?;
            let num = |s: &str| {
                s.parse::<u32>()
                    .map_err(|_| bad(i, format!("'{s}' is not a number")))
            };
            let check = match check {
                "nosplit" => Check::NoSplit,
                "small" => Check::Small,
                "large" => Check::Large,
                "huge" => Check::Huge,
                other => return Err(bad(i, format!("unknown check '{other}'"))),
            };
            let args = if args == "-" { 0 } else { num(args)? };
            let argwords = if argwords == "-" {
                None
            } else {
                Some(num(argwords)?)
            };
            tab.add(Func {
                name: name.to_string(),
                frame: num(frame)?,
                args,
                check,
                file: String::new(),
                line: 0,
                sites: Vec::new(),
                faults: Vec::new(),
                argwords,
            })?;
        }
        Ok(tab)
    }

    /// Add a function (a Go function the caller declares).
    pub fn add(&mut self, f: Func) -> Result<FuncId, SymtabError> {
        if self.by_name.contains_key(&f.name) {
            return Err(SymtabError::Duplicate(f.name));
        }
        let id = FuncId(self.funcs.len() as u32);
        self.by_name.insert(f.name.clone(), id);
        self.funcs.push(f);
        match &mut self.placed {
            Some(p) => {
                self.entries.push(p.end);
                p.sorted.push((p.end, id));
                p.end += FUNC_STRIDE;
            }
            None => self
                .entries
                .push(TEXT_START + FUNC_STRIDE * u64::from(id.0)),
        }
        Ok(id)
    }

    /// Every function, by id.
    pub fn ids(&self) -> impl Iterator<Item = FuncId> + '_ {
        (0..self.funcs.len() as u32).map(FuncId)
    }

    pub fn lookup(&self, name: &str) -> Option<FuncId> {
        self.by_name.get(name).copied()
    }

    pub fn get(&self, id: FuncId) -> &Func {
        &self.funcs[id.0 as usize]
    }

    pub fn get_mut(&mut self, id: FuncId) -> &mut Func {
        &mut self.funcs[id.0 as usize]
    }

    /// The function's entry address: the real binary's once placed, else
    /// a fixed stride from the start of text (a pc still names its
    /// function and its offset exactly).
    pub fn entry(&self, id: FuncId) -> Addr {
        self.entries[id.0 as usize]
    }

    /// findfunc: the function containing `pc`, if any.
    pub fn findfunc(&self, pc: Addr) -> Option<FuncId> {
        let Some(p) = &self.placed else {
            let i = pc.checked_sub(TEXT_START)? / FUNC_STRIDE;
            return (i < self.funcs.len() as u64).then_some(FuncId(i as u32));
        };
        if pc >= p.end {
            return None;
        }
        let k = p.sorted.partition_point(|&(a, _)| a <= pc).checked_sub(1)?;
        Some(p.sorted[k].1)
    }

    /// Whether `pc` is in function `f`: [`FuncTab::findfunc`], skipped for
    /// a pc below `f`'s entry (most, for the runtime's functions).
    pub fn holds(&self, f: FuncId, pc: Addr) -> bool {
        self.entry(f) <= pc && self.findfunc(pc) == Some(f)
    }

    /// Lay the functions out as a real binary does: `text` is its symbol
    /// table's functions and entries (`harness frames`). A function the
    /// binary lacks (6l left it out) goes after the binary's text, a
    /// stride each; no program of that binary calls it.
    pub fn place(&mut self, text: &[(String, Addr)]) {
        let mut entries = vec![0; self.funcs.len()];
        // A full stride past the last entry, rounded up: the binary's last
        // function keeps its room.
        let last = text.iter().map(|&(_, a)| a).max().unwrap_or(TEXT_START);
        let mut end = (last + FUNC_STRIDE).next_multiple_of(FUNC_STRIDE);
        let mut sorted = Vec::with_capacity(self.funcs.len());
        for (name, addr) in text {
            if let Some(id) = self.lookup(name) {
                entries[id.0 as usize] = *addr;
                sorted.push((*addr, id));
            }
        }
        for (i, e) in entries.iter_mut().enumerate() {
            if *e == 0 {
                *e = end;
                sorted.push((end, FuncId(i as u32)));
                end += FUNC_STRIDE;
            }
        }
        sorted.sort_unstable();
        self.entries = entries;
        self.placed = Some(Placed { sorted, end });
    }
}

/// Where the twin's text starts (6l's INITTEXT on linux/amd64).
pub const TEXT_START: Addr = 0x400c00;
/// Room each function gets in the twin's text layout.
pub const FUNC_STRIDE: Addr = 0x1000;

/// sizeof(Func) (runtime.h): name, type and src Strings, the pcln Slice,
/// entry and pc0, then ln0, frame, args and locals.
const SIZEOF_FUNC: u32 = 96;

/// nfname, the symbol table's count of file-name pieces ('f' symbols): 76
/// in the binaries of every fixture, built under GOROOT
/// /opt/go2011/<toolchain> in the harness's /tmp/harness-XXXXXX (read
/// off them as symtab.c's walksymtab reads it, 2026-12-07).
const NFNAME: u32 = 76;

/// The source paths the references' binaries name, as far as their
/// lengths go: GOROOT (scripts/build-toolchains' default,
/// /opt/go2011/pre-1547 or /opt/go2011/post-1547) and the directory
/// `harness build` compiles in (/tmp/harness-XXXXXX). A binary built
/// elsewhere names longer or shorter paths, and its buildfuncs allocates
/// other sizes.
pub fn goroot_len(variant: crate::Variant) -> usize {
    match variant {
        crate::Variant::Pre1547 => "/opt/go2011/pre-1547".len(),
        crate::Variant::Post1547 => "/opt/go2011/post-1547".len(),
    }
}
pub const WORK_LEN: usize = "/tmp/harness-XXXXXX".len();

/// The runtime package's sources in the order 6l's symbol table lists
/// them (the Makefile's GOFILES, then OFILES, as linux/amd64 builds
/// them), and whether every binary links them: the others (chan.c,
/// closure.c, hashmap.c, rune.c in the binaries of our fixtures) only
/// where the program's code reaches one of their functions.
const RUNTIME_FILES: [(&str, bool); 41] = [
    ("debug.go", true),
    ("error.go", true),
    ("extern.go", true),
    ("sig.go", true),
    ("softfloat64.go", true),
    ("type.go", true),
    ("version.go", true),
    ("version_linux.go", true),
    ("version_amd64.go", true),
    ("runtime_defs.go", true),
    ("amd64/asm.s", true),
    ("chan.c", false),
    ("amd64/closure.c", false),
    ("float.c", true),
    ("hashmap.c", false),
    ("iface.c", true),
    ("malloc.c", true),
    ("mcache.c", true),
    ("mcentral.c", true),
    ("linux/mem.c", true),
    ("amd64/memmove.s", true),
    ("mfinal.c", true),
    ("mfixalloc.c", true),
    ("mgc0.c", true),
    ("mheap.c", true),
    ("mprof.c", true),
    ("msize.c", true),
    ("print.c", true),
    ("proc.c", true),
    ("rune.c", false),
    ("runtime.c", true),
    ("linux/amd64/rt0.s", true),
    ("sema.c", true),
    ("linux/amd64/signal.c", true),
    ("sigqueue.c", true),
    ("slice.c", true),
    ("string.c", true),
    ("symtab.c", true),
    ("linux/amd64/sys.s", true),
    ("linux/thread.c", true),
    ("amd64/traceback.c", true),
];

impl crate::proc::Runtime {
    /// symtab.c's buildfuncs, on the first findfunc (under m->nomemprof,
    /// so no allocation samples): its allocations, as mallocgc chooses
    /// their blocks. Its calls are not modelled: the first findfunc the
    /// twin takes up is gentraceback's in dopanic, and the process ends
    /// after it. Where a signal frame wrote over a free block's link, the
    /// allocation after the one that takes the block reads that link; an
    /// address nothing is mapped at faults there (returned).
    pub(crate) fn buildfuncs(&mut self) -> Result<Option<Addr>, crate::Stop> {
        if std::mem::replace(&mut self.symtab_built, true) {
            return Ok(None);
        }
        let roots = std::mem::take(&mut self.program_roots);
        let sizes = self.buildfuncs_sizes(&roots);
        self.program_roots = roots;
        for n in sizes {
            match self.heap.alloc_through_links(n) {
                crate::malloc::Linked::Block(_) => {}
                crate::malloc::Linked::Fault(a) => return Ok(Some(a)),
                crate::malloc::Linked::Unknown => {
                    self.unmodelled = Some(
                        "a free list whose link a signal frame wrote over, into mapped memory"
                            .into(),
                    );
                    return Err(crate::Stop::End(crate::Ending::Exit(2)));
                }
            }
        }
        Ok(None)
    }

    /// The bytes buildfuncs allocates, in order: mal of the Func table,
    /// mal of the file-name table, then for each object the symbol table
    /// names (the program's source first, then the runtime's linked
    /// sources) gostring of its path, a mal of its length and a NUL. The
    /// program's code calls `roots` of the runtime; the runtime's optional
    /// sources are linked where those reach one of their functions.
    pub(crate) fn buildfuncs_sizes(&self, roots: &[FuncId]) -> Vec<u32> {
        let mut seen: std::collections::HashSet<FuncId> = roots.iter().copied().collect();
        let mut todo: Vec<FuncId> = roots.to_vec();
        while let Some(f) = todo.pop() {
            for c in self.sites.callees(f) {
                if seen.insert(c) {
                    todo.push(c);
                }
            }
        }
        const RT: &str = "$GOROOT/src/pkg/runtime/";
        let reached: std::collections::HashSet<&str> = seen
            .iter()
            .filter_map(|&f| self.tab.get(f).file.strip_prefix(RT))
            .collect();
        let linked: Vec<&str> = RUNTIME_FILES
            .iter()
            .filter(|(file, always)| *always || reached.contains(file))
            .map(|(file, _)| *file)
            .collect();
        let mut program: Vec<&str> = Vec::new();
        let mut nfunc = 0u32;
        for f in self.tab.ids() {
            let file = self.tab.get(f).file.as_str();
            match file.strip_prefix(RT) {
                Some(rel) if linked.contains(&rel) => nfunc += 1,
                Some(_) => {}
                None => {
                    nfunc += 1;
                    if let Some(rel) = file.strip_prefix("$WORK") {
                        if !program.contains(&rel) {
                            program.push(rel);
                        }
                    }
                }
            }
        }
        let mut sizes = vec![(nfunc + 1) * SIZEOF_FUNC, NFNAME * 8];
        sizes.extend(program.iter().map(|rel| (WORK_LEN + rel.len() + 1) as u32));
        let rt_len = goroot_len(self.variant) + RT.len() - "$GOROOT".len();
        sizes.extend(linked.iter().map(|rel| (rt_len + rel.len() + 1) as u32));
        sizes
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_measured_tables_load_and_differ_where_the_fix_changed_frames() {
        let pre = FuncTab::runtime(Variant::Pre1547).unwrap();
        let post = FuncTab::runtime(Variant::Post1547).unwrap();
        let frame = |t: &FuncTab, n: &str| t.get(t.lookup(n).unwrap()).frame;
        assert_eq!(frame(&pre, "runtime.malg"), 48);
        assert_eq!(frame(&post, "runtime.malg"), 56);
        assert_eq!(frame(&pre, "runtime.lock"), 16);
        let newproc = pre.get(pre.lookup("runtime.newproc").unwrap());
        assert_eq!(newproc.check, Check::NoSplit);
        let oldstack = pre.get(pre.lookup("runtime.oldstack").unwrap());
        assert_eq!((oldstack.check, oldstack.frame), (Check::Large, 144));
    }

    #[test]
    fn a_call_the_measured_caller_never_makes_is_reported_and_messages_pick_sites() {
        let mut t = FuncTab::runtime(Variant::Pre1547).unwrap();
        let sites = Sites::load(Variant::Pre1547, &mut t).unwrap();
        let g = t.add(Func::splitting("main.g", 8, 8)).unwrap();
        let f = |n: &str| t.lookup(n).unwrap();
        // chansend's two panicstrings: by message.
        let (send, ps) = (f("runtime.chansend"), f("runtime.panicstring"));
        assert_eq!(
            sites.message_ret_off(send, ps, "send to nil channel"),
            Some(0x2d)
        );
        assert_eq!(
            sites.message_ret_off(send, ps, "send on closed channel"),
            Some(0xcd)
        );
        // A program's function without call sites: no report.
        sites.ret_off_nth(&t, g, f("runtime.lock"), 0);
        assert_eq!(sites.take_unsited(), None);
        // chansend never calls newproc.
        sites.ret_off_nth(&t, send, f("runtime.newproc"), 0);
        assert_eq!(
            sites.take_unsited().as_deref(),
            Some("runtime.chansend's call of runtime.newproc is not in the measured call table")
        );
    }

    #[test]
    fn placed_text_follows_the_binary_and_puts_what_it_lacks_after_it() {
        let mut t = FuncTab::runtime(Variant::Pre1547).unwrap();
        let f = t.add(Func::splitting("main.f", 8, 8)).unwrap();
        let lock = t.lookup("runtime.lock").unwrap();
        t.place(&[
            ("main.f".into(), 0x400c00),
            ("runtime.lock".into(), 0x400c40),
            ("not.declared".into(), 0x400c90),
        ]);
        assert_eq!((t.entry(f), t.entry(lock)), (0x400c00, 0x400c40));
        assert_eq!(t.findfunc(0x400c3f), Some(f));
        assert_eq!(t.findfunc(0x400c41), Some(lock));
        // Functions the binary lacks lie past its text, a stride each.
        let unlock = t.lookup("runtime.unlock").unwrap();
        assert!(t.entry(unlock) >= 0x401000);
        assert_eq!(t.findfunc(t.entry(unlock) + 5), Some(unlock));
        let g = t.add(Func::splitting("main.g", 8, 8)).unwrap();
        assert_eq!(t.findfunc(t.entry(g)), Some(g));
    }

    #[test]
    fn a_declared_function_gets_6ls_check_for_its_frame() {
        assert_eq!(Func::splitting("a", 128, 0).check, Check::Small);
        assert_eq!(Func::splitting("b", 129, 0).check, Check::Large);
        assert_eq!(Func::splitting("c", 4096, 0).check, Check::Huge);
        let mut t = FuncTab::runtime(Variant::Pre1547).unwrap();
        let id = t.add(Func::splitting("main.f", 8, 8)).unwrap();
        assert_eq!(t.lookup("main.f"), Some(id));
        assert!(t.add(Func::splitting("main.f", 8, 8)).is_err());
    }
}

/// Where each call in the runtime's own functions returns to, and the
/// line a traceback prints for it: `data/calls-<variant>.tsv`, read off
/// real binaries. A call the table lacks gets an offset derived from the
/// callee's name, so the twin's pcs stay distinct and stable.
#[derive(Debug, Clone, Default)]
pub struct Sites {
    /// By caller: (callee, return offsets in code order), for callees in
    /// the runtime's table. A caller has few callees; a scan beats a hash.
    resolved: Vec<Vec<(FuncId, Vec<u32>)>>,
    /// Calls to functions the runtime does not define (main.init and
    /// main.main from mainstart), by caller.
    by_name: HashMap<FuncId, Vec<(String, u32)>>,
    /// By caller: (callee, return offset, source line of the CALL), to
    /// tell apart several calls of one callee.
    lines: Vec<Vec<(FuncId, u32, u32)>>,
    /// A direct-mapped cache of first-call offsets: (key + 1, offset),
    /// key = caller << 32 | callee (0 marks an empty slot).
    cache: Vec<std::cell::Cell<(u64, u32)>>,
    /// The calls of throw and panicstring with the message each passes:
    /// (caller, callee, return offset, text), from
    /// `data/messages-<variant>.tsv`. A caller that throws twice is told
    /// apart by its message.
    messages: Vec<(FuncId, FuncId, u32, Box<str>)>,
    /// The first call of a measured runtime function that its table lacks
    /// (its return address is then a guess): the run ends unmodelled.
    unsited: std::cell::RefCell<Option<String>>,
}

/// Slots in [`Sites`]' cache.
const SITE_CACHE: usize = 4096;

fn messages_text(variant: Variant) -> &'static str {
    match variant {
        Variant::Pre1547 => include_str!("../data/messages-pre-1547.tsv"),
        Variant::Post1547 => include_str!("../data/messages-post-1547.tsv"),
    }
}

fn sites_text(variant: Variant) -> &'static str {
    match variant {
        Variant::Pre1547 => include_str!("../data/calls-pre-1547.tsv"),
        Variant::Post1547 => include_str!("../data/calls-post-1547.tsv"),
    }
}

impl Sites {
    /// The runtime functions `caller` calls directly.
    pub fn callees(&self, caller: FuncId) -> impl Iterator<Item = FuncId> + '_ {
        self.resolved
            .get(caller.0 as usize)
            .into_iter()
            .flatten()
            .map(|(f, _)| *f)
    }

    /// Load the call sites of `variant`: offsets here, and each caller's
    /// file and lines into its `Func`.
    pub fn load(variant: Variant, tab: &mut FuncTab) -> Result<Sites, SymtabError> {
        let mut sites = Sites {
            cache: (0..SITE_CACHE)
                .map(|_| std::cell::Cell::new((0, 0)))
                .collect(),
            ..Sites::default()
        };
        for (i, row) in crate::tsv::rows(sites_text(variant)) {
            let bad = |message: String| SymtabError::Table {
                table: "calls",
                variant,
                line: i,
                message,
            };
            let [caller, off, callee, file, lineno, top] = crate::tsv::columns(row)
                .map_err(|n| bad(format!("expected 6 columns, found {n}")))?;
            let num = |s: &str| {
                s.parse::<u32>()
                    .map_err(|_| bad(format!("'{s}' is not a number")))
            };
            // A line is an int32 the runtime prints signed: a function of a
            // file goc2c made has -1 at its entry (before its #line).
            let line = |s: &str| {
                s.parse::<i32>()
                    .map(|l| l as u32)
                    .map_err(|_| bad(format!("'{s}' is not a line")))
            };
            let (off, lineno, top) = (num(off)?, line(lineno)?, line(top)?);
            let Some(id) = tab.lookup(caller) else {
                continue;
            };
            let f = tab.get_mut(id);
            if f.file != file {
                f.file = file.to_string();
            }
            if off == 0 {
                f.line = lineno;
                continue;
            }
            f.sites.push((off, lineno, top));
            match tab.lookup(callee) {
                Some(c) => {
                    if sites.resolved.len() <= id.0 as usize {
                        sites.resolved.resize(id.0 as usize + 1, Vec::new());
                        sites.lines.resize(id.0 as usize + 1, Vec::new());
                    }
                    sites.lines[id.0 as usize].push((c, off, lineno));
                    let calls = &mut sites.resolved[id.0 as usize];
                    match calls.iter_mut().find(|(f, _)| *f == c) {
                        Some((_, offs)) => offs.push(off),
                        None => calls.push((c, vec![off])),
                    }
                }
                None => sites
                    .by_name
                    .entry(id)
                    .or_default()
                    .push((callee.to_string(), off)),
            }
        }
        for (i, row) in crate::tsv::rows(messages_text(variant)) {
            let bad = |message: String| SymtabError::Table {
                table: "messages",
                variant,
                line: i,
                message,
            };
            let [caller, off, callee, text] = crate::tsv::columns(row)
                .map_err(|n| bad(format!("expected 4 columns, found {n}")))?;
            let off = off
                .strip_prefix("0x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .ok_or_else(|| bad(format!("'{off}' is not a hex offset")))?;
            if let (Some(caller), Some(callee)) = (tab.lookup(caller), tab.lookup(callee)) {
                sites.messages.push((caller, callee, off, text.into()));
            }
        }
        Ok(sites)
    }

    /// The first call a measured caller made that its table lacks.
    pub fn take_unsited(&self) -> Option<String> {
        self.unsited.take()
    }

    /// The return offset of the call from `caller` to `callee` (throw or
    /// panicstring) that passes the message `text`, if the table has it.
    pub fn message_ret_off(&self, caller: FuncId, callee: FuncId, text: &str) -> Option<u32> {
        self.messages
            .iter()
            .find(|(c, f, _, t)| (*c, *f) == (caller, callee) && &**t == text)
            .map(|&(_, _, off, _)| off)
    }

    /// The return offset of the call from `caller` to `callee` on source
    /// line `line` (pre-1547's and post-1547's numbering, which differ in
    /// proc.c), or the first call if the table has none there.
    pub fn ret_off_line(
        &self,
        variant: Variant,
        caller: FuncId,
        callee: FuncId,
        line: (u32, u32),
    ) -> u32 {
        let want = match variant {
            Variant::Pre1547 => line.0,
            Variant::Post1547 => line.1,
        };
        self.lines
            .get(caller.0 as usize)
            .and_then(|calls| calls.iter().find(|&&(c, _, l)| c == callee && l == want))
            .map_or_else(
                || self.ret_off_nth_named(caller, callee, 0),
                |&(_, off, _)| off,
            )
    }

    fn ret_off_nth_named(&self, caller: FuncId, callee: FuncId, nth: u32) -> u32 {
        let calls = self
            .resolved
            .get(caller.0 as usize)
            .map_or(&[][..], Vec::as_slice);
        calls
            .iter()
            .find(|(f, _)| *f == callee)
            .map_or(0, |(_, offs)| offs[(nth as usize).min(offs.len() - 1)])
    }

    /// The return offset of the first call from `caller` to `callee`.
    pub fn ret_off(&self, tab: &FuncTab, caller: FuncId, callee: FuncId) -> u32 {
        let key = (u64::from(caller.0) << 32 | u64::from(callee.0)) + 1;
        let slot = (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 52) as usize % SITE_CACHE;
        if let Some(cell) = self.cache.get(slot) {
            let (k, off) = cell.get();
            if k == key {
                return off;
            }
            let off = self.ret_off_nth(tab, caller, callee, 0);
            cell.set((key, off));
            return off;
        }
        self.ret_off_nth(tab, caller, callee, 0)
    }

    /// The return offset of `caller`'s `nth` indirect call (a CALL
    /// through a register, the table's callee `*`).
    pub fn ret_off_indirect(&self, caller: FuncId, nth: usize) -> Option<u32> {
        self.by_name
            .get(&caller)?
            .iter()
            .filter(|(n, _)| n == "*")
            .nth(nth)
            .map(|(_, o)| *o)
    }

    /// The return offset of the `nth` call from `caller` to `callee`.
    pub fn ret_off_nth(&self, tab: &FuncTab, caller: FuncId, callee: FuncId, nth: u32) -> u32 {
        let calls = self
            .resolved
            .get(caller.0 as usize)
            .map_or(&[][..], Vec::as_slice);
        if let Some((_, offs)) = calls.iter().find(|(f, _)| *f == callee) {
            return offs[(nth as usize).min(offs.len() - 1)];
        }
        let name = &tab.get(callee).name;
        let named: Vec<u32> = self
            .by_name
            .get(&caller)
            .map(|calls| {
                calls
                    .iter()
                    .filter(|(n, _)| n == name)
                    .map(|(_, o)| *o)
                    .collect()
            })
            .unwrap_or_default();
        if let Some(off) = named.get((nth as usize).min(named.len().saturating_sub(1))) {
            return *off;
        }
        if !calls.is_empty() {
            // A caller read off the binaries that never makes this call.
            self.unsited.borrow_mut().get_or_insert_with(|| {
                format!(
                    "{}'s call of {name} is not in the measured call table",
                    tab.get(caller).name
                )
            });
        }
        // A program's own function (tests declare them without call
        // sites): an offset from the callee's name, FNV-1a, stable across
        // runs and builds.
        let h = name.bytes().fold(0x811c_9dc5u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        });
        8 + (h % 0x7e0) + nth * 5
    }
}
