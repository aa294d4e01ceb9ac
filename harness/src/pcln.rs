//! Source lines of call sites, read the way the 2011 runtime reads them.
//!
//! A traceback frame prints as `name+0xOFF file:line`, and the runtime
//! computes file and line from the binary's own Plan 9 tables, `.gosymtab`
//! and `.gopclntab` (src/pkg/runtime/symtab.c), not from DWARF. The two
//! disagree: the runtime ignores `#line` history (`Z` entries), so frames in
//! goc2c output name the generated `malloc.c` with its own numbering, where
//! DWARF says `malloc.goc`. And symtab.c has quirks of its own: one file per
//! C object, include deltas applied to the whole object, a first function
//! whose piece starts after its first update, pieces that run past the next
//! entry, and functions with no line entries of their own (6l's generated
//! method wrappers) whose piece starts at a later function's first update,
//! so they print that function's line. So this module does not interpret
//! the tables; it replays symtab.c step by step (`Table::parse` is
//! walksymtab + dofunc + splitpcln + dosrcline, [`Table::funcline`] is
//! funcline, [`Table::findfunc`] findfunc), keeping its integer widths.
//! Checked against the runtime itself: a program that dumps its own `Func`
//! table through runtime.FuncForPC agrees on every field and on the line of
//! every pc, on both toolchains.
//!
//! On top of that, [`read`] finds every CALL in every function with a small
//! x86-64 instruction-length decoder ([`insn_len`]): a byte scan for `e8`
//! would also hit ModRM bytes, displacements and immediates. The decoder
//! covers the general one- and two-byte opcode maps (no VEX/EVEX, which 6l
//! never emits) and refuses what it does not know rather than guess.
//!
//! What the runtime prints for a frame (amd64/traceback.c): the function is
//! findfunc(pc); the offset is omitted when pc == entry; the line is
//! funcline(f, pc - 1) for every frame but the first printed (a return
//! address is backed up into its CALL), funcline(f, pc) for the first and
//! whenever pc == entry. [`Table::frame_line`] does exactly that.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use object::{Object, ObjectSection, ObjectSegment};

#[derive(Debug, thiserror::Error)]
pub enum PclnError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not an ELF binary 6l linked: {message}", path.display())]
    Format { path: PathBuf, message: String },
    /// What the runtime itself would throw on ("mangled symbol table").
    #[error("{}: mangled symbol table: {message}", path.display())]
    Mangled { path: PathBuf, message: String },
    /// An instruction the length decoder does not know: better no table
    /// than call sites found by guessing.
    #[error("{}: cannot decode the instruction at {name}+{offset:#x} ({bytes})", path.display())]
    Decode {
        path: PathBuf,
        name: String,
        offset: u64,
        bytes: String,
    },
}

/// One function as the runtime's `Func` holds it after buildfuncs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Func {
    pub name: String,
    pub entry: u64,
    /// The file the runtime names for every pc of this function: the path
    /// the compiler was given, as built from the `z` history.
    pub src: String,
    /// `.frame` ('m') summed: the frame plus the return address.
    pub frame: i32,
    /// Argument size in 32-bit words as symtab.c counts it ('p' entries).
    pub args: i32,
    pc0: u64,
    ln0: i32,
    /// The function's piece of the line table: start and length in `Table::pcln`.
    pcln: (usize, usize),
}

/// The runtime's function table: `.gosymtab` and `.gopclntab` digested as
/// symtab.c's buildfuncs does.
#[derive(Debug, Clone)]
pub struct Table {
    funcs: Vec<Func>,
    /// `func[nfunc].entry`: the end of the text.
    etext: u64,
    /// `.gopclntab`, then the bytes that follow it in memory: splitpcln does
    /// not stop exactly at epclntab, it reads on until a zero byte.
    pcln: Vec<u8>,
}

/// What the runtime prints on a frame's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameLine {
    pub name: String,
    /// `pc - entry`, None when pc == entry (no `+0x..` printed).
    pub offset: Option<u64>,
    pub file: String,
    pub line: i32,
}

/// A CALL in a function's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallSite {
    /// The return address (end of the CALL) minus the caller's entry.
    pub ret_off: u64,
    /// The target of a `CALL rel32`; None for an indirect CALL.
    pub target: Option<u64>,
    /// The function holding the target (findfunc), None when indirect or
    /// outside every function.
    pub callee: Option<String>,
    /// The file printed for this return address.
    pub file: String,
    /// The line printed when this frame is not the first: funcline(ret - 1).
    pub line: i32,
    /// The line printed when it is the first frame, e.g. `runtime.throw`
    /// above dopanic: funcline(ret), not backed up.
    pub top_line: i32,
    /// When the CALL is the function's last instruction its return address
    /// is the next function's entry, and the runtime prints that function
    /// (with no offset) instead of the caller: its name, else None.
    pub printed_as: Option<String>,
    /// The constant the two instructions before the CALL store at 0(SP),
    /// when they are 6c's `MOVL $c, AX; MOVQ AX, 0(SP)` (how it passes a
    /// string literal's address, as in `runtime·throw("...")`).
    pub arg0: Option<u64>,
}

/// A function with the lines of its call sites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuncLines {
    pub name: String,
    pub entry: u64,
    pub file: String,
    /// The line printed for pc == entry (a goroutine that has not started,
    /// `runtime.goexit` as a pushed return address).
    pub entry_line: i32,
    pub calls: Vec<CallSite>,
}

/// The bytes of the binary at `path`.
fn read_binary(path: &Path) -> Result<Vec<u8>, PclnError> {
    std::fs::read(path).map_err(|source| PclnError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Every function of the binary at `path` with its call sites, by address.
pub fn read(path: &Path) -> Result<Vec<FuncLines>, PclnError> {
    let data = read_binary(path)?;
    let (table, text_base, text) = from_elf(&data).map_err(|e| e.at(path))?;
    call_lines(&table, text_base, text).map_err(|e| e.at(path))
}

/// A C string literal the runtime passes to a function that prints it or
/// panics with it: the twin writes its address where the real code does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CStringArg {
    pub caller: String,
    /// The call's return address minus the caller's entry.
    pub ret_off: u64,
    pub callee: String,
    pub address: u64,
    pub text: String,
}

/// The runtime functions whose first argument is a message (a C string):
/// the ones the twin calls with one.
const MESSAGE_TAKERS: [&str; 2] = ["runtime.throw", "runtime.panicstring"];

/// Every call of the binary at `path` that passes a string literal to
/// runtime·throw or runtime·panicstring, by caller's address then offset.
pub fn cstrings(path: &Path) -> Result<Vec<CStringArg>, PclnError> {
    let data = read_binary(path)?;
    let (table, text_base, text) = from_elf(&data).map_err(|e| e.at(path))?;
    let funcs = call_lines(&table, text_base, text).map_err(|e| e.at(path))?;
    let file = object::File::parse(&*data).map_err(|e| Problem::Format(e.to_string()).at(path))?;
    let mut out = Vec::new();
    for f in &funcs {
        for c in &f.calls {
            let (Some(callee), Some(address)) = (&c.callee, c.arg0) else {
                continue;
            };
            if !MESSAGE_TAKERS.contains(&callee.as_str()) {
                continue;
            }
            let text = c_string_at(&file, address).ok_or_else(|| {
                Problem::Format(format!(
                    "{}+{:#x} passes {address:#x} to {callee}, not a C string in the binary",
                    f.name, c.ret_off
                ))
                .at(path)
            })?;
            out.push(CStringArg {
                caller: f.name.clone(),
                ret_off: c.ret_off,
                callee: callee.clone(),
                address,
                text,
            });
        }
    }
    Ok(out)
}

/// The NUL-terminated UTF-8 string at `address` in one of `file`'s segments.
fn c_string_at(file: &object::File, address: u64) -> Option<String> {
    let seg = file
        .segments()
        .find(|s| s.address() <= address && address < s.address() + s.size())?;
    let bytes = seg.data().ok()?.get((address - seg.address()) as usize..)?;
    let len = bytes.iter().position(|&b| b == 0)?;
    String::from_utf8(bytes[..len].to_vec()).ok()
}

/// The C string arguments as TSV, `caller ret_off callee address text`
/// with a header; ret_off in hex as a traceback prints it.
pub fn render_cstrings(args: &[CStringArg]) -> String {
    let mut out = String::from("caller\tret_off\tcallee\taddress\ttext\n");
    for a in args {
        let _ = writeln!(
            out,
            "{}\t{:#x}\t{}\t{:#x}\t{}",
            a.caller, a.ret_off, a.callee, a.address, a.text
        );
    }
    out
}

/// The runtime's function table of the binary at `path`, for frames that
/// are not call sites (the first frame's pc, a faulting pc).
pub fn read_table(path: &Path) -> Result<Table, PclnError> {
    let data = read_binary(path)?;
    from_elf(&data).map(|(t, _, _)| t).map_err(|e| e.at(path))
}

/// An error before it knows its file.
#[derive(Debug)]
enum Problem {
    Format(String),
    Mangled(String),
    Decode {
        name: String,
        offset: u64,
        bytes: String,
    },
}

impl Problem {
    fn at(self, path: &Path) -> PclnError {
        let path = path.to_path_buf();
        match self {
            Problem::Format(message) => PclnError::Format { path, message },
            Problem::Mangled(message) => PclnError::Mangled { path, message },
            Problem::Decode {
                name,
                offset,
                bytes,
            } => PclnError::Decode {
                path,
                name,
                offset,
                bytes,
            },
        }
    }
}

fn from_elf(data: &[u8]) -> Result<(Table, u64, &[u8]), Problem> {
    let format = |m: &str| Problem::Format(m.to_string());
    let file = object::File::parse(data).map_err(|e| Problem::Format(e.to_string()))?;
    let section = |name: &str| {
        let s = file
            .section_by_name(name)
            .ok_or_else(|| Problem::Format(format!("no {name} section")))?;
        let bytes = s.data().map_err(|e| Problem::Format(e.to_string()))?;
        Ok::<_, Problem>((s.address(), bytes))
    };
    let (text_base, text) = section(".text")?;
    let (_, symtab) = section(".gosymtab")?;
    let (pcln_addr, pclntab) = section(".gopclntab")?;
    // What follows epclntab in memory (in 6l's layout, .gosymtab).
    let end = pcln_addr + pclntab.len() as u64;
    let after = file
        .segments()
        .find(|s| s.address() <= end && end < s.address() + s.size())
        .and_then(|s| {
            let d = s.data().ok()?;
            d.get((end - s.address()) as usize..)
        })
        .unwrap_or(&[]);
    if symtab.is_empty() {
        return Err(format("empty .gosymtab"));
    }
    let etext = text_base + text.len() as u64;
    let table = Table::parse(symtab, pclntab, after, etext)?;
    Ok((table, text_base, text))
}

/// Find the call sites of every function in `text` (loaded at `base`).
fn call_lines(table: &Table, base: u64, text: &[u8]) -> Result<Vec<FuncLines>, Problem> {
    let mut out = Vec::with_capacity(table.funcs.len());
    for (i, f) in table.funcs.iter().enumerate() {
        let end = table.entry_of(i + 1);
        let code = (f.entry >= base)
            .then(|| text.get((f.entry - base) as usize..(end.max(f.entry) - base) as usize))
            .flatten()
            .unwrap_or(&[]);
        let mut calls = Vec::new();
        let mut at = 0;
        // Where the two instructions before this one start.
        let (mut before1, mut before2) = (None, None);
        while at < code.len() {
            let len = insn_len(&code[at..]).ok_or_else(|| Problem::Decode {
                name: f.name.clone(),
                offset: at as u64,
                bytes: code[at..code.len().min(at + 15)]
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            })?;
            let insn = &code[at..at + len];
            let ret = f.entry + (at + len) as u64;
            if let Some(target) = call_target(insn, ret) {
                let callee = target
                    .and_then(|t| table.findfunc(t))
                    .map(|g| g.name.clone());
                let back = table.frame_line(ret, false);
                let top = table.frame_line(ret, true);
                let printed_as = back
                    .as_ref()
                    .filter(|b| b.offset.is_none())
                    .map(|b| b.name.clone());
                calls.push(CallSite {
                    ret_off: (at + len) as u64,
                    target,
                    callee,
                    file: back
                        .as_ref()
                        .map_or_else(|| f.src.clone(), |b| b.file.clone()),
                    line: back.map_or(0, |b| b.line),
                    top_line: top.map_or(0, |b| b.line),
                    printed_as,
                    arg0: before2
                        .zip(before1)
                        .and_then(|(b2, b1)| stored_arg0(&code[b2..b1], &code[b1..at])),
                });
            }
            (before2, before1) = (before1, Some(at));
            at += len;
        }
        out.push(FuncLines {
            name: f.name.clone(),
            entry: f.entry,
            file: f.src.clone(),
            entry_line: table.funcline(f, f.entry),
            calls,
        });
    }
    Ok(out)
}

/// `c` when `load` is `MOVL $c, AX` (b8 imm32, zero-extended) and `store`
/// is `MOVQ AX, 0(SP)` (48 89 04 24).
fn stored_arg0(load: &[u8], store: &[u8]) -> Option<u64> {
    match (load, store) {
        ([0xb8, c @ ..], [0x48, 0x89, 0x04, 0x24]) if c.len() == 4 => {
            Some(u64::from(u32::from_le_bytes(c.try_into().ok()?)))
        }
        _ => None,
    }
}

/// Some(target) for `CALL rel32` (Some(None) for an indirect CALL through
/// FF /2), None for any other instruction. `next` is the address after it.
fn call_target(insn: &[u8], next: u64) -> Option<Option<u64>> {
    let mut i = 0;
    while i < insn.len() && is_legacy_prefix(insn[i]) {
        i += 1;
    }
    if i < insn.len() && insn[i] & 0xf0 == 0x40 {
        i += 1;
    }
    match insn.get(i..)? {
        [0xe8, r @ ..] if r.len() == 4 => {
            let rel = i32::from_le_bytes(r.try_into().ok()?);
            Some(Some(next.wrapping_add(rel as i64 as u64)))
        }
        [0xff, modrm, ..] if (modrm >> 3) & 7 == 2 => Some(None),
        _ => None,
    }
}

/// One symbol as walksymtab hands it to its callbacks.
struct Sym<'a> {
    value: u64,
    symtype: u8,
    /// From the name's first byte to the end of the table: a C string, or
    /// for `z`/`Z` one skipped byte then big-endian file indices up to 0,0.
    name: &'a [u8],
}

impl<'a> Sym<'a> {
    fn cname(&self) -> &'a [u8] {
        let n = self
            .name
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(self.name.len());
        &self.name[..n]
    }
}

/// symtab.c walksymtab: the records of `.gosymtab`, stopping where it stops.
fn walksymtab(tab: &[u8]) -> Vec<Sym<'_>> {
    let mut syms = Vec::new();
    let ep = tab.len();
    let mut p = 0;
    while p < ep {
        if p + 7 > ep {
            break;
        }
        let value = u64::from(u32::from_be_bytes(
            tab[p..p + 4].try_into().expect("4 bytes"),
        ));
        if tab[p + 4] & 0x80 == 0 {
            break;
        }
        let symtype = tab[p + 4] & !0x80;
        p += 5;
        let name = &tab[p..];
        if symtype == b'z' || symtype == b'Z' {
            let mut q = p + 1;
            loop {
                if q + 2 > ep {
                    return syms;
                }
                if tab[q] == 0 && tab[q + 1] == 0 {
                    break;
                }
                q += 2;
            }
            p = q + 2;
        } else {
            match tab[p..].iter().position(|&b| b == 0) {
                Some(n) => p += n + 1,
                None => break,
            }
        }
        p += 4; // go type
        syms.push(Sym {
            value,
            symtype,
            name,
        });
    }
    syms
}

/// One entry of dosrcline's `files`.
#[derive(Clone, Default)]
struct SrcFile {
    src: String,
    aline: i32,
    delta: i32,
}

/// dofunc's `fname`: the `f` entries' names by index, None where none.
type FileNames<'a> = Vec<Option<&'a [u8]>>;

/// dofunc, both passes: the functions (name, entry, frame, args) and the
/// file names by index.
fn dofunc<'a>(syms: &[Sym<'a>]) -> Result<(Vec<Func>, FileNames<'a>), Problem> {
    // First pass: count the file names (the functions are just pushed).
    let mut nfname = 0usize;
    for s in syms {
        if s.symtype == b'f' && s.value >= nfname as u64 {
            if s.value >= 0x10000 {
                return Err(Problem::Mangled(format!(
                    "invalid symbol file index {:#x}",
                    s.value
                )));
            }
            nfname = s.value as usize + 1;
        }
    }
    let mut funcs: Vec<Func> = Vec::new();
    let mut fname: FileNames = vec![None; nfname];
    for s in syms {
        match s.symtype {
            b't' | b'T' | b'l' | b'L' if s.cname() != b"etext" => funcs.push(Func {
                name: String::from_utf8_lossy(s.cname()).into_owned(),
                entry: s.value,
                src: String::new(),
                frame: if matches!(s.symtype, b'l' | b'L') {
                    -8
                } else {
                    0
                },
                args: 0,
                pc0: 0,
                ln0: 0,
                pcln: (0, 0),
            }),
            b'm' => {
                if let Some(f) = funcs.last_mut() {
                    f.frame = f.frame.wrapping_add(s.value as i32);
                }
            }
            b'p' => {
                if let Some(f) = funcs.last_mut() {
                    // Compared as uintptr, as the C does.
                    let want = s.value / 4 + 2;
                    if (f.args as i64 as u64) < want {
                        f.args = want as i32;
                    }
                }
            }
            b'f' => fname[s.value as usize] = Some(s.cname()),
            _ => {}
        }
    }
    Ok((funcs, fname))
}

impl Table {
    /// buildfuncs: `symtab` is `.gosymtab`, `pclntab` is `.gopclntab` and
    /// `after` what follows it in memory; `etext` is the end of the text.
    fn parse(symtab: &[u8], pclntab: &[u8], after: &[u8], etext: u64) -> Result<Table, Problem> {
        let syms = walksymtab(symtab);
        let (funcs, fname) = dofunc(&syms)?;
        let mut pcln = pclntab.to_vec();
        pcln.extend_from_slice(after);
        let mut table = Table { funcs, etext, pcln };
        table.splitpcln(pclntab.len());
        table.dosrcline(&syms, &fname);
        Ok(table)
    }

    /// `func[i].entry`, with `func[nfunc]` the sentinel at etext.
    fn entry_of(&self, i: usize) -> u64 {
        self.funcs.get(i).map_or(self.etext, |f| f.entry)
    }

    /// The byte at `p` as the runtime reads it; past everything we have, 0
    /// (which ends splitpcln).
    fn byte(&self, p: usize) -> u8 {
        self.pcln.get(p).copied().unwrap_or(0)
    }

    fn be32(&self, p: usize) -> i32 {
        i32::from_be_bytes([
            self.byte(p),
            self.byte(p + 1),
            self.byte(p + 2),
            self.byte(p + 3),
        ])
    }

    /// The line-delta byte at `p` (after any pc bytes): 0 and a big-endian
    /// word, +1..+64, or -1..-64 above 64. None when the word would pass
    /// `ep` (both of symtab.c's loops stop there).
    fn line_step(&self, p: usize, ep: usize, line: i32) -> Option<(usize, i32)> {
        let b = self.byte(p);
        Some(if b == 0 {
            if p + 5 > ep {
                return None;
            }
            (p + 5, line.wrapping_add(self.be32(p + 1)))
        } else if b <= 64 {
            (p + 1, line.wrapping_add(i32::from(b)))
        } else {
            (p + 1, line.wrapping_sub(i32::from(b) - 64))
        })
    }

    /// splitpcln: cut the line table into one piece per function. `ep` is
    /// epclntab; reads of `*p` at and past it are deliberate (the C does them).
    fn splitpcln(&mut self, ep: usize) {
        let nfunc = self.funcs.len();
        if ep == 0 || nfunc == 0 {
            return;
        }
        let mut p = 0usize;
        let mut f = 0usize; // index; nfunc is the sentinel
        let mut pc = self.funcs[0].entry;
        let mut line: i32 = 0;
        self.funcs[0].pcln.0 = p;
        self.funcs[0].pc0 = pc;
        loop {
            while p < ep && self.byte(p) > 128 {
                pc = pc.wrapping_add(u64::from(self.byte(p) - 128));
                p += 1;
            }
            let Some((np, nline)) = self.line_step(p, ep, line) else {
                break;
            };
            (p, line) = (np, nline);
            if f == 0 && pc == self.funcs[0].pc0 {
                let first = &mut self.funcs[0];
                first.pcln.0 = p;
                first.pc0 = pc.wrapping_add(1);
                first.ln0 = line;
            }
            if f < nfunc && pc >= self.entry_of(f + 1) {
                let start = self.funcs[f].pcln.0;
                self.funcs[f].pcln.1 = p - start;
                f += 1;
                // f == nfunc is the sentinel, whose piece nobody reads.
                if let Some(g) = self.funcs.get_mut(f) {
                    g.pcln.0 = p;
                    g.pc0 = pc.wrapping_add(1);
                    g.ln0 = line;
                }
            }
            pc = pc.wrapping_add(1);
        }
        if f < nfunc {
            let start = self.funcs[f].pcln.0;
            self.funcs[f].pcln.1 = p - start;
        }
    }

    /// dosrcline: give each function its file and make ln0 file-relative.
    fn dosrcline(&mut self, syms: &[Sym], fname: &[Option<&[u8]>]) {
        let mut files = vec![SrcFile::default(); 200];
        let (mut incstart, mut nfunc, mut nfile, mut nhist) = (0i32, 0usize, 0usize, 0i32);
        for s in syms {
            match s.symtype {
                b't' | b'T' => {
                    if s.cname() == b"etext" {
                        continue;
                    }
                    let Some(f) = self.funcs.get_mut(nfunc) else {
                        nfunc += 1;
                        continue;
                    };
                    nfunc += 1;
                    let mut i = 0usize;
                    while (i as i64) < nfile as i64 - 1 {
                        if files[i + 1].aline > f.ln0 {
                            break;
                        }
                        i += 1;
                    }
                    f.src = files[i].src.clone();
                    f.ln0 = f.ln0.wrapping_sub(files[i].delta);
                }
                b'z' => {
                    let src = makepath(&s.name[1..], fname);
                    let value = s.value as i32;
                    if s.value == 1 {
                        // The main source file of a new object.
                        nhist = 0;
                        nfile = 0;
                        files[nfile] = SrcFile {
                            src,
                            aline: 0,
                            delta: 0,
                        };
                        nfile += 1;
                    } else if !src.is_empty() {
                        // Push of an included file.
                        let was = nhist;
                        nhist += 1;
                        if was == 0 {
                            incstart = value;
                        }
                        // Reached only from nhist == -1: after a pop below
                        // the object's file, i.e. the next file of a package.
                        if nhist == 0 && nfile < files.len() {
                            files[nfile] = SrcFile {
                                src,
                                aline: value,
                                delta: value.wrapping_sub(1),
                            };
                            nfile += 1;
                        }
                    } else {
                        // Pop.
                        nhist -= 1;
                        if nhist == 0 && nfile > 0 {
                            let d = &mut files[nfile - 1].delta;
                            *d = d.wrapping_add(value.wrapping_sub(incstart));
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// The functions, by address.
    pub fn funcs(&self) -> &[Func] {
        &self.funcs
    }

    /// runtime·findfunc, its binary search included.
    pub fn findfunc(&self, addr: u64) -> Option<&Func> {
        let nfunc = self.funcs.len();
        if nfunc == 0 || addr < self.funcs[0].entry || addr >= self.etext {
            return None;
        }
        let (mut base, mut nf) = (0usize, nfunc);
        while nf > 0 {
            let n = nf / 2;
            let f = base + n;
            if self.entry_of(f) <= addr && addr < self.entry_of(f + 1) {
                return Some(&self.funcs[f]);
            } else if addr < self.entry_of(f) {
                nf = n;
            } else {
                base += n + 1;
                nf -= n + 1;
            }
        }
        None
    }

    /// runtime·funcline: the line of `targetpc` in `f` (whose file is `f.src`).
    pub fn funcline(&self, f: &Func, targetpc: u64) -> i32 {
        let (mut p, len) = f.pcln;
        let ep = p + len;
        let mut pc = f.pc0;
        let mut line = f.ln0;
        loop {
            while p < ep && self.byte(p) > 128 {
                pc = pc.wrapping_add(u64::from(self.byte(p) - 128));
                p += 1;
            }
            if pc > targetpc || p >= ep {
                break;
            }
            let Some((np, nline)) = self.line_step(p, ep, line) else {
                break;
            };
            (p, line) = (np, nline);
            pc = pc.wrapping_add(1);
        }
        line
    }

    /// What gentraceback prints for a frame at `pc`: `first` for the first
    /// frame printed (n == 0), whose pc is not backed up.
    pub fn frame_line(&self, pc: u64, first: bool) -> Option<FrameLine> {
        let f = self.findfunc(pc)?;
        let started = pc > f.entry;
        let tracepc = if !first && started { pc - 1 } else { pc };
        Some(FrameLine {
            name: f.name.clone(),
            offset: started.then(|| pc - f.entry),
            file: f.src.clone(),
            line: self.funcline(f, tracepc),
        })
    }
}

/// makepath: join the file names a `z` entry indexes, `/` between them
/// unless one ends in it, into the runtime's 1000-byte buffer.
fn makepath(path: &[u8], fname: &[Option<&[u8]>]) -> String {
    const NBUF: usize = 1000;
    let mut buf: Vec<u8> = Vec::new();
    let mut i = 0;
    while i + 1 < path.len() && !(path[i] == 0 && path[i + 1] == 0) {
        let n = (usize::from(path[i]) << 8) | usize::from(path[i + 1]);
        i += 2;
        if n >= fname.len() {
            break;
        }
        let q = fname[n].unwrap_or(&[]);
        if buf.len() + 1 + q.len() >= NBUF {
            break;
        }
        if buf.last().is_some_and(|&c| c != b'/') {
            buf.push(b'/');
        }
        buf.extend_from_slice(q);
    }
    String::from_utf8_lossy(&buf).into_owned()
}

fn is_legacy_prefix(b: u8) -> bool {
    matches!(
        b,
        0x26 | 0x2e | 0x36 | 0x3e | 0x64 | 0x65 | 0x66 | 0x67 | 0xf0 | 0xf2 | 0xf3
    )
}

/// Immediate operand of a one-byte opcode.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Imm {
    None,
    B,
    W,
    /// 16 or 32 bits by operand size (never 64).
    Z,
    /// B8+r: 64 bits with REX.W.
    V,
    /// A0-A3: a full address (32 bits with 0x67).
    Moffs,
    /// ENTER: imm16, imm8.
    Enter,
    /// F6/F7: only /0 and /1 (TEST) carry one.
    Group3,
}

/// Length of the x86-64 instruction at the start of `code`, None when it is
/// invalid in 64-bit mode, VEX/EVEX/3DNow!, or cut short.
pub fn insn_len(code: &[u8]) -> Option<usize> {
    let mut i = 0;
    let (mut opsize16, mut addr32, mut rex_w) = (false, false, false);
    while i < code.len() && is_legacy_prefix(code[i]) {
        match code[i] {
            0x66 => opsize16 = true,
            0x67 => addr32 = true,
            _ => {}
        }
        i += 1;
        if i > 14 {
            return None;
        }
    }
    if code.get(i)? & 0xf0 == 0x40 {
        rex_w = code[i] & 8 != 0;
        i += 1;
    }
    let op = *code.get(i)?;
    i += 1;
    let (modrm, imm) = if op == 0x0f {
        let op2 = *code.get(i)?;
        i += 1;
        match op2 {
            0x38 => {
                i += 1; // third opcode byte
                (true, Imm::None)
            }
            0x3a => {
                i += 1;
                (true, Imm::B)
            }
            _ => two_byte(op2)?,
        }
    } else {
        one_byte(op)?
    };
    let mut reg = 0;
    if modrm {
        let m = *code.get(i)?;
        i += 1;
        reg = (m >> 3) & 7;
        let (md, rm) = (m >> 6, m & 7);
        if md != 3 {
            if rm == 4 {
                let sib = *code.get(i)?;
                i += 1;
                if md == 0 && sib & 7 == 5 {
                    i += 4;
                }
            } else if md == 0 && rm == 5 {
                i += 4; // RIP-relative
            }
            match md {
                1 => i += 1,
                2 => i += 4,
                _ => {}
            }
        }
    }
    let z = if opsize16 { 2 } else { 4 };
    i += match imm {
        Imm::None => 0,
        Imm::B => 1,
        Imm::W => 2,
        Imm::Z => z,
        Imm::V => {
            if rex_w {
                8
            } else {
                z
            }
        }
        Imm::Moffs => {
            if addr32 {
                4
            } else {
                8
            }
        }
        Imm::Enter => 3,
        Imm::Group3 => match (op, reg) {
            (0xf6, 0 | 1) => 1,
            (0xf7, 0 | 1) => z,
            _ => 0,
        },
    };
    (i <= code.len() && i <= 15).then_some(i)
}

/// (has ModRM, immediate) of a one-byte opcode; None if invalid in 64-bit mode.
fn one_byte(op: u8) -> Option<(bool, Imm)> {
    Some(match op {
        // ALU rows: op r/m,r / r,r/m / AL,ib / eAX,iz; the rest are invalid here.
        0x00..=0x3f => match op & 7 {
            0..=3 => (true, Imm::None),
            4 => (false, Imm::B),
            5 => (false, Imm::Z),
            _ => return None, // push/pop seg, segment prefixes, DAA etc.
        },
        0x50..=0x5f => (false, Imm::None),
        0x63 => (true, Imm::None),
        0x68 => (false, Imm::Z),
        0x69 => (true, Imm::Z),
        0x6a => (false, Imm::B),
        0x6b => (true, Imm::B),
        0x6c..=0x6f => (false, Imm::None),
        0x70..=0x7f => (false, Imm::B),
        0x80 | 0x83 => (true, Imm::B),
        0x81 => (true, Imm::Z),
        0x84..=0x8f => (true, Imm::None),
        0x90..=0x99 | 0x9b..=0x9f => (false, Imm::None),
        0xa0..=0xa3 => (false, Imm::Moffs),
        0xa4..=0xa7 | 0xaa..=0xaf => (false, Imm::None),
        0xa8 => (false, Imm::B),
        0xa9 => (false, Imm::Z),
        0xb0..=0xb7 => (false, Imm::B),
        0xb8..=0xbf => (false, Imm::V),
        0xc0 | 0xc1 | 0xc6 => (true, Imm::B),
        0xc2 | 0xca => (false, Imm::W),
        0xc3 | 0xc9 | 0xcb | 0xcc | 0xcf => (false, Imm::None),
        0xc7 => (true, Imm::Z),
        0xc8 => (false, Imm::Enter),
        0xcd => (false, Imm::B),
        0xd0..=0xd3 | 0xd8..=0xdf => (true, Imm::None),
        0xd7 => (false, Imm::None),
        0xe0..=0xe7 | 0xeb => (false, Imm::B),
        0xe8 | 0xe9 => (false, Imm::Z),
        0xec..=0xef | 0xf1 | 0xf4 | 0xf5 | 0xf8..=0xfd => (false, Imm::None),
        0xf6 | 0xf7 => (true, Imm::Group3),
        0xfe | 0xff => (true, Imm::None),
        // 40-4f (REX, handled before), 60-62, 82, 9a, c4/c5 (VEX), ce,
        // d4-d6, ea, and the prefixes.
        _ => return None,
    })
}

/// (has ModRM, immediate) of 0F xx; None if invalid or not supported.
fn two_byte(op: u8) -> Option<(bool, Imm)> {
    Some(match op {
        0x05..=0x09 | 0x0b | 0x0e | 0x30..=0x35 | 0x37 | 0x77 | 0xa0..=0xa2 | 0xa8 | 0xa9 => {
            (false, Imm::None)
        }
        0xaa | 0xc8..=0xcf => (false, Imm::None),
        0x80..=0x8f => (false, Imm::Z),
        0x70..=0x73 | 0xa4 | 0xac | 0xba | 0xc2 | 0xc4..=0xc6 => (true, Imm::B),
        0x00..=0x03
        | 0x0d
        | 0x10..=0x23
        | 0x28..=0x2f
        | 0x40..=0x6f
        | 0x74..=0x76
        | 0x78
        | 0x79
        | 0x7c..=0x7f
        | 0x90..=0x9f
        | 0xa3
        | 0xa5
        | 0xab
        | 0xad..=0xaf
        | 0xb0..=0xb9
        | 0xbb..=0xc1
        | 0xc3
        | 0xc7
        | 0xd0..=0xff => (true, Imm::None),
        // 04, 0a, 0c, 0f (3DNow!), 24-27, 36, 38/3a (handled), 39, 3b-3f, 7a, 7b, a6, a7.
        _ => return None,
    })
}

/// The table as TSV, `caller ret_off callee file line top_line` with a
/// header: one row per function with ret_off 0 for the line of pc == entry
/// (no CALL can end at offset 0), then one row per CALL, ret_off in
/// decimal. `line` is what a traceback prints for the return address in
/// a caller's frame (backed up into the CALL), `top_line` what it prints
/// when that pc is the first frame (not backed up). An indirect callee is
/// `*`, a target outside every function `-`. Paths are as the runtime
/// prints them; replace the GOROOT and build dir as needed.
pub fn render(funcs: &[FuncLines]) -> String {
    let mut out = String::from("caller\tret_off\tcallee\tfile\tline\ttop_line\n");
    for f in funcs {
        let _ = writeln!(
            out,
            "{}\t0\t-\t{}\t{}\t{}",
            f.name, f.file, f.entry_line, f.entry_line
        );
        for c in &f.calls {
            let callee = match (&c.target, &c.callee) {
                (None, _) => "*",
                (Some(_), None) => "-",
                (Some(_), Some(n)) => n.as_str(),
            };
            let _ = writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{}",
                f.name, c.ret_off, callee, c.file, c.line, c.top_line
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(parts: &[&str]) -> Vec<u8> {
        let s: String = parts.concat();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
            .collect()
    }

    /// Records copied from the .gosymtab of go-fixtures/hang1547.go built by
    /// the pre-1547 toolchain (`harness build`): the file names of its path,
    /// its history, and the four functions of package main.
    const MAIN_SYMTAB: &[&str] = &[
        "00000003e66861726e6573732d4c4d79684e5a0000000000", // f 3 harness-LMyhNZ
        "00000001e62f0000000000",                           // f 1 /
        "00000004e668616e67313534372e676f0000000000",       // f 4 hang1547.go
        "00000002e6746d700000000000",                       // f 2 tmp
        "00000001fa000001000200030004000000000000",         // z 1 /tmp/harness-LMyhNZ/hang1547.go
        "00000021fa00000000000000",                         // z 33 (pop)
        "00400c00d46d61696e2e6e6f7000f8074100",             // T main.nop
        "00000008ed2e6672616d650000000000",                 // m .frame 8
        "00400c14d46d61696e2e64657363656e6400280a4100",     // T main.descend
        "00000010ed2e6672616d650000000000",                 // m .frame 16
        "00000000f06d61696e2e6e00ecfa4000",                 // p main.n 0
        "00400c5ad46d61696e2e6d61696e00f8074100",           // T main.main
        "00000020ed2e6672616d650000000000",                 // m .frame 32
        "00000004e16d61696e2e6400ecfa4000",                 // a main.d 4
        "00400ce9d46d61696e2e696e697400f8074100",           // T main.init
        "00000008ed2e6672616d650000000000",                 // m .frame 8
    ];

    /// The same binary's .gopclntab up to and including the update that
    /// crosses into the runtime's first function (0x400d20).
    const MAIN_PCLNTAB: &str = "0f93039a0186018b0184028d01840296018c01ae018f428c049901bb000000009c";

    /// Its text from main.nop to the end of main.init.
    const MAIN_TEXT: &[&str] = &[
        "64488b0c25f0ffffff483b217705e82c0c0000c364488b0c25f0ffffff483b217705e8710c00004883ec088b5c241089",
        "d883fb007e1189c3ffcb891c24e8d2ffffff4883c408c368000c40006a00e8427e000059594883c408c364488b0c25f0",
        "ffffff483b217705e8d20b00004883ec1831c0894424143d580200007d4c488d342524e14000488d3c2448a548a5e812",
        "6c0000e8816c00008b5c24144863db48891c24e8bb6a0000e8a86c00008b5c2414891c24e85bffffff8b442414ffc089",
        "4424143d580200007cb4488d3425d4eb4000488d3c2448a548a5e8c66b0000e8716c00004883c418c364488b0c25f0ff",
        "ffff483b217705e8430b00008a0425e167420088c380fb00740d88c380fb027501c3e8e4850000c60425e167420002c3",
    ];

    fn main_table() -> Table {
        let symtab = hex(MAIN_SYMTAB);
        // What follows epclntab is .gosymtab, whose first byte is 0.
        Table::parse(&symtab, &hex(&[MAIN_PCLNTAB]), &[0], 0x400d20).expect("parses")
    }

    #[test]
    fn main_package_end_to_end() {
        let t = main_table();
        let names: Vec<&str> = t.funcs().iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            ["main.nop", "main.descend", "main.main", "main.init"]
        );
        let descend = &t.funcs()[1];
        assert_eq!(descend.src, "/tmp/harness-LMyhNZ/hang1547.go");
        assert_eq!((descend.frame, descend.args), (16, 2));
        // Real trace lines (snapshots/pre-1547/hang1547.raw):
        // main.descend+0x2e $WORK/hang1547.go:20, main.nop $WORK/hang1547.go:15.
        let fl = t.frame_line(0x400c14 + 0x2e, false).expect("in text");
        assert_eq!(
            (fl.name.as_str(), fl.offset, fl.line),
            ("main.descend", Some(0x2e), 20)
        );
        assert_eq!(
            t.frame_line(0x400c14 + 0x3f, false).map(|f| f.line),
            Some(23)
        );
        let nop = t.frame_line(0x400c00, false).expect("in text");
        assert_eq!((nop.offset, nop.line), (None, 15));
        assert!(t.findfunc(0x400d20).is_none());
        assert!(t.findfunc(0x400bff).is_none());
        assert_eq!(
            t.findfunc(0x400d1f).map(|f| f.name.as_str()),
            Some("main.init")
        );
    }

    #[test]
    fn call_sites_of_real_code() {
        let t = main_table();
        let funcs = call_lines(&t, 0x400c00, &hex(MAIN_TEXT)).expect("decodes");
        let descend = &funcs[1];
        assert_eq!(descend.entry_line, 18);
        let got: Vec<(u64, Option<u64>, Option<&str>, i32)> = descend
            .calls
            .iter()
            .map(|c| (c.ret_off, c.target, c.callee.as_deref(), c.line))
            .collect();
        assert_eq!(
            got,
            [
                (0x13, Some(0x401898), None, 18), // morestack8, outside this excerpt
                (0x2e, Some(0x400c14), Some("main.descend"), 20),
                (0x3f, Some(0x408a95), None, 23), // newproc
            ]
        );
        // main.main: morestack00 and its seven calls, as objdump lists them.
        let offs: Vec<u64> = funcs[2].calls.iter().map(|c| c.ret_off).collect();
        assert_eq!(offs, [0x13, 0x39, 0x3e, 0x4e, 0x53, 0x5f, 0x85, 0x8a]);
        let tsv = render(&funcs[..2]);
        assert!(tsv.starts_with("caller\tret_off\tcallee\tfile\tline\ttop_line\nmain.nop\t0\t-\t"));
        assert!(
            tsv.contains("main.descend\t46\tmain.descend\t/tmp/harness-LMyhNZ/hang1547.go\t20\t")
        );
        assert!(tsv.contains("main.descend\t63\t-\t/tmp/harness-LMyhNZ/hang1547.go\t23\t"));
    }

    /// malloc.c, which goc2c made from malloc.goc: its first history records
    /// (the includes, then the first `#line` of malloc.goc as a `z` push and
    /// a `Z`) and runtime.stackalloc, from the same binary.
    const MALLOC_SYMTAB: &[&str] = &[
        "00000027e6646566732e680000000000",         // f 39 defs.h
        "00000001e62f0000000000",                   // f 1 /
        "00000025e66d616c6c6f632e630000000000",     // f 37 malloc.c
        "00000024e66d616c6c6f632e680000000000",     // f 36 malloc.h
        "00000007e67072652d313534370000000000",     // f 7 pre-1547
        "00000028e66d616c6c6f632e676f630000000000", // f 40 malloc.goc
        "00000009e6706b670000000000",               // f 9 pkg
        "00000005e66f70740000000000",               // f 5 opt
        "00000008e67372630000000000",               // f 8 src
        "00000019e672756e74696d652e680000000000",   // f 25 runtime.h
        "0000001ae6737461636b2e680000000000",       // f 26 stack.h
        "0000001de6747970652e680000000000",         // f 29 type.h
        "0000000ae672756e74696d650000000000",       // f 10 runtime
        "00000015e6616d6436340000000000",           // f 21 amd64
        "00000026e66c696e75780000000000",           // f 38 linux
        "00000006e6676f323031310000000000",         // f 6 go2011
        "00000001fa00000100050006000700080009000a0025000000000000", // z 1 malloc.c
        "00000002fa00000100050006000700080009000a0019000000000000", // z 2 runtime.h
        "00000262fa00000000000000",                 // z 610
        "00000263fa00000100050006000700080009000a001a000000000000", // z 611 stack.h
        "000002b9fa00000000000000",                 // z 697
        "000002bafa00000100050006000700080009000a0024000000000000", // z 698 malloc.h
        "00000456fa00000000000000",                 // z 1110
        "00000457fa00000100050006000700080009000a002600150027000000000000", // z 1111 linux/amd64/defs.h
        "00000538fa00000000000000",                                         // z 1336
        "00000539fa00000100050006000700080009000a001d000000000000",         // z 1337 type.h
        "000005bdfa00000000000000",                                         // z 1469
        "000005bffa00000100050006000700080009000a0028000000000000",         // z 1471 malloc.goc
        "00000010da00000100050006000700080009000a0028000000000000",         // Z 16 malloc.goc
        "00402f0cd472756e74696d652e737461636b616c6c6f630000000000",         // T runtime.stackalloc
    ];

    /// A function as splitpcln leaves it: its piece of .gopclntab, the pc
    /// after the update that crossed its entry and the (history) line then.
    fn split_func(name: &str, entry: u64, pc0: u64, ln0: i32, piece: &str, src: &str) -> Table {
        let pcln = hex(&[piece]);
        Table {
            funcs: vec![Func {
                name: name.into(),
                entry,
                src: src.into(),
                frame: 0,
                args: 0,
                pc0,
                ln0,
                pcln: (0, pcln.len()),
            }],
            etext: entry + 0x1000,
            pcln,
        }
    }

    #[test]
    fn a_string_literal_stored_before_a_call_is_its_first_argument() {
        // runtime.lock in hang1547's pre-1547 binary (objdump):
        // mov $0x42866c,%eax; mov %rax,(%rsp); call runtime.throw.
        let load = hex(&["b86c864200"]);
        let store = hex(&["48890424"]);
        assert_eq!(stored_arg0(&load, &store), Some(0x42_866c));
        // mov 0x18(%rsp),%rax loads a variable: no constant.
        assert_eq!(stored_arg0(&hex(&["488b442418"]), &store), None);
        // The constant stored elsewhere than 0(SP) is another argument.
        assert_eq!(stored_arg0(&load, &hex(&["4889442408"])), None);
    }

    #[test]
    fn goc2c_file_keeps_its_c_name_and_numbering() {
        let symtab = hex(MALLOC_SYMTAB);
        let syms = walksymtab(&symtab);
        let (funcs, fname) = dofunc(&syms).expect("well formed");
        assert_eq!(funcs.len(), 1);
        let mut t = split_func(
            "runtime.stackalloc",
            0x402f0c,
            0x402f0d,
            1774,
            "9a04ab0191018a01b20189019e018d0292018f018f018d01894c8b0ea604",
            "",
        );
        t.dosrcline(&syms, &fname);
        let f = &t.funcs()[0];
        // The 'Z' (#line) entries are ignored and the malloc.goc push only
        // nests: the file stays malloc.c, shifted by the five includes.
        assert_eq!(f.src, "/opt/go2011/pre-1547/src/pkg/runtime/malloc.c");
        assert_eq!(f.ln0, 1774 - (608 + 86 + 412 + 225 + 132));
        // runtime.stackalloc+0x55 $GOROOT/src/pkg/runtime/malloc.c:316 (DWARF: malloc.goc:398).
        let fl = t.frame_line(0x402f0c + 0x55, false).expect("in text");
        assert_eq!((fl.offset, fl.line), (Some(0x55), 316));
    }

    #[test]
    fn funcline_on_real_pieces() {
        let thread = "/opt/go2011/pre-1547/src/pkg/runtime/linux/thread.c";
        let lock = split_func(
            "runtime.lock",
            0x40bd1f,
            0x40bd20,
            153,
            "960293018d018e019204",
            thread,
        );
        // runtime.lock+0x56 .../linux/thread.c:158 as a caller; the same pc
        // as the first frame is not backed up into the CALL.
        assert_eq!(
            lock.frame_line(0x40bd1f + 0x56, false).map(|f| f.line),
            Some(158)
        );
        assert_eq!(lock.funcline(&lock.funcs()[0], 0x40bd1f), 153);
        let proc = "/opt/go2011/pre-1547/src/pkg/runtime/proc.c";
        let newproc1 = split_func(
            "runtime.newproc1",
            0x408ac9,
            0x408aca,
            835,
            "9607870185018a018d028d02910185019601920888018901a407880188018301880286018601890288018d02895b8f0185018b018703841b",
            proc,
        );
        assert_eq!(
            newproc1.frame_line(0x408ac9 + 0x12b, false).map(|f| f.line),
            Some(854)
        );
        // runtime.goexit $GOROOT/src/pkg/runtime/proc.c:150: pc == entry,
        // before the piece's first pc, so ln0.
        let goexit = split_func(
            "runtime.goexit",
            0x407ac3,
            0x407ac4,
            150,
            "92028e018504",
            proc,
        );
        let fl = goexit.frame_line(0x407ac3, false).expect("in text");
        assert_eq!((fl.offset, fl.line, fl.file.as_str()), (None, 150, proc));
    }

    #[test]
    fn walksymtab_stops_where_the_runtime_stops() {
        // A record without the 0x80 flag ends the walk; so does a short tail.
        let mut tab = hex(&["00000001e62f0000000000", "00000002667800000000"]);
        assert_eq!(walksymtab(&tab).len(), 1);
        tab.truncate(11 + 6);
        assert_eq!(walksymtab(&tab).len(), 1);
        let bad = hex(&["00010000e6780000000000"]);
        assert!(matches!(
            dofunc(&walksymtab(&bad)),
            Err(Problem::Mangled(_))
        ));
    }

    #[test]
    fn makepath_joins_without_doubling_slashes() {
        let names: Vec<Option<&[u8]>> = vec![None, Some(b"/"), Some(b"tmp"), Some(b"a.go")];
        assert_eq!(makepath(&[0, 1, 0, 2, 0, 3, 0, 0], &names), "/tmp/a.go");
        // An index past the table ends the path.
        assert_eq!(makepath(&[0, 2, 0, 9, 0, 3, 0, 0], &names), "tmp");
    }

    #[test]
    fn instruction_lengths() {
        let cases: &[(&str, usize)] = &[
            ("64488b0c25f0ffffff", 9),    // mov %fs:-16,%rcx
            ("488d4424e8", 5),            // lea -0x18(%rsp),%rax: e8 is a disp8
            ("4939e8", 3),                // cmp %rbp,%r8: e8 is a ModRM
            ("488b040de8524200", 8),      // mov 0x4252e8(,%rcx,1),%rax
            ("488d342534e84000", 8),      // lea 0x40e834,%rsi
            ("66c740580500", 6),          // movw $5,0x58(%rax)
            ("48b80000000010000000", 10), // movabs $imm64,%rax
            ("b8d8694200", 5),            // mov $imm32,%eax
            ("0f84d2000000", 6),          // je rel32
            ("f7c000010000", 6),          // test $0x100,%eax
            ("f6c001", 3),                // test $1,%al
            ("f7d8", 2),                  // neg %eax
            ("f348a5", 3),                // rep movsq
            ("f00fb10a", 4),              // lock cmpxchg %ecx,(%rdx)
            ("f20f1005aa000000", 8),      // movsd rip-relative
            ("0f05", 2),                  // syscall
            ("ffd0", 2),                  // call *%rax
            ("e8be8d0000", 5),            // call rel32
            ("c3", 1),
        ];
        for (bytes, len) in cases {
            assert_eq!(insn_len(&hex(&[bytes])), Some(*len), "{bytes}");
        }
        // VEX, invalid in 64-bit mode, cut short.
        for bytes in ["c5f877", "06", "e8be8d00", "48"] {
            assert_eq!(insn_len(&hex(&[bytes])), None, "{bytes}");
        }
        assert_eq!(call_target(&hex(&["ffd0"]), 0x10), Some(None));
        assert_eq!(call_target(&hex(&["e8f0ffffff"]), 0x20), Some(Some(0x10)));
        assert_eq!(call_target(&hex(&["ff20"]), 0x10), None); // jmp *(%rax)
    }
}
