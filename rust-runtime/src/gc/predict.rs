//! What 6g and 6l would make of a program, from its source alone: the
//! figures gc::frames otherwise reads off the program's real binary, so
//! that a program nobody built with the 2011 toolchain runs on the twin.
//!
//! - Frames and argument sizes: gc::layout (6g's ggen.c, gen.c, align.c).
//! - The symtab's argument words (runtime/symtab.c's dofunc): 6l writes a
//!   'p' symbol for each named parameter the code refers to, at the
//!   lowest offset referred to (6l/obj.c's auto list), and dofunc counts
//!   `offset/4 + 2` for the highest. A parameter is referred to when the
//!   body reads or writes it, a named result always (6g clears it at
//!   entry), an unnamed one when a return sets it, and recover's `.fp`
//!   (walk.c's nodfp: the first argument's address) is one at the start
//!   of the declared arguments.
//! - Call sites, in code order: the prologue's morestack (6l/pass.c's
//!   dostkoff, which names the variant), then each call the compiled code
//!   makes, on the line the compiler gives it, then deferreturn at the
//!   end of a function that defers (6g's compile).
//! - Text: the functions in 6l's order (the declared ones as written,
//!   main.init, the literals by number, then the method wrappers), each
//!   as long as [`cost`]'s estimate of the code 6g emits for it, from
//!   `TEXT_START`; the runtime's own functions follow, laid out by the
//!   symbol table as for any program whose text it was not told.
//!
//! Return offsets and entry addresses are estimates: a traceback's lines
//! and names do not depend on them, only the pc offsets a raw traceback
//! prints. `harness predict --check` sets every column against the
//! measured figures of the fixtures.

use std::collections::{HashMap, HashSet};

use super::code::{assert_fn, Code, Ins, PrintKind, Program, SelKind, Site, Slot, Step};
use super::frames::{CallRow, Figures, FrameRow, Origin};
use super::layout::{argwid, rnd};
use super::pcln;
use super::types::{Ty, PTR};
use crate::asm::{morestack_frame, prologue_len};
use crate::stack::{STACK_BIG, STACK_SMALL};
use crate::symtab::{Check, TEXT_START};

/// The figures 6g and 6l would give `prog`, whose source file the binary
/// names `file` (`$WORK/x.go`).
pub fn predict(prog: &Program, file: &str) -> Figures {
    let mut order: Vec<usize> = (0..prog.funcs.len())
        .filter(|&i| !prog.funcs[i].literal)
        .collect();
    // main.init comes after the declared functions, as fninit makes it
    // once they are compiled; the literals after it, as compiled.
    order.retain(|&i| i != prog.init);
    order.push(prog.init);
    let mut literals: Vec<usize> = (0..prog.funcs.len())
        .filter(|&i| prog.funcs[i].literal)
        .collect();
    literals.sort_by(|&a, &b| prog.funcs[a].name.cmp(&prog.funcs[b].name));
    order.extend(literals);
    let mut laid: Vec<Laid> = order.iter().map(|&i| lay_func(prog, i, file)).collect();
    laid.extend(
        wrappers(prog)
            .into_iter()
            .map(|w| lay_wrapper(prog, w, file)),
    );
    let mut entries = Vec::with_capacity(laid.len() + 1);
    let mut at = TEXT_START;
    for l in &laid {
        entries.push(at);
        at += u64::from(l.len);
    }
    // The runtime's text follows the program's: program functions handed
    // no update of their own take its first ones.
    entries.push(at);
    let lines = laid
        .iter()
        .zip(&entries)
        .flat_map(|(l, &entry)| {
            l.lines
                .iter()
                .map(move |&(off, line)| (entry + u64::from(off), line))
        })
        .chain(
            runtime_first_lines(prog)
                .iter()
                .zip(at..)
                .map(|(&line, pc)| (pc, line)),
        );
    let updates = pcln::asmlc(lines);
    let pieces = pcln::splitpcln(&entries, &updates);
    let mut fig = Figures {
        origin: Origin::Predicted,
        ..Figures::default()
    };
    for ((mut l, entry), piece) in laid.into_iter().zip(entries).zip(pieces) {
        let line = |pc: u64| pcln::funcline(piece, &updates, pc);
        for c in &mut l.calls {
            let ret = entry + u64::from(c.ret_off);
            // A caller's frame prints its CALL's line (the return address
            // backed up into it), the first frame the line at its pc.
            c.line = line(if c.ret_off == 0 { ret } else { ret - 1 });
            c.top_line = line(ret);
        }
        fig.frames.insert(l.name.clone(), l.frame);
        fig.calls.insert(l.name.clone(), l.calls);
        fig.text.push((l.name, entry));
    }
    fig
}

/// The lines of the first updates of the runtime's text, which follows
/// the program's, as 6l's table has them: from runtime·init·1
/// (extern.go) on when the program imports runtime, else from
/// *TypeAssertionError·RuntimeError (error.go) on. Program functions that
/// write no update of their own are handed these, one each (see
/// gc::pcln). Read off the pinned toolchains' binaries (`harness lines`
/// of a program of each kind), the same on both.
fn runtime_first_lines(prog: &Program) -> &'static [u32] {
    const ERROR_GO: [u32; 32] = [
        188, 190, 191, 192, 193, 195, 196, 198, 200, 203, 208, 209, 213, 214, 222, 223, 227, 228,
        229, 231, 232, 234, 235, 237, 238, 240, 241, 243, 244, 246, 247, 249,
    ];
    const EXTERN_GO: [u32; 32] = [
        82, 83, 84, 85, 87, 188, 190, 191, 192, 193, 195, 196, 198, 200, 203, 208, 209, 213, 214,
        222, 223, 227, 228, 229, 231, 232, 234, 235, 237, 238, 240, 241,
    ];
    if prog.imports_runtime {
        &EXTERN_GO
    } else {
        &ERROR_GO
    }
}

/// A function as 6l lays it down: each instruction's offset and line in
/// its order, and its call rows (their lines filled in from the pc/line
/// table once every function is laid).
struct Laid {
    name: String,
    frame: FrameRow,
    lines: Vec<(u32, u32)>,
    calls: Vec<CallRow>,
    len: u32,
}

impl Laid {
    fn new(name: &str, frame: FrameRow, file: &str) -> Laid {
        Laid {
            name: name.to_string(),
            frame,
            lines: Vec::new(),
            calls: vec![CallRow {
                ret_off: 0,
                callee: "-".into(),
                file: file.into(),
                line: 0,
                top_line: 0,
                site_line: 0,
            }],
            len: 0,
        }
    }

    /// `bytes` of instructions on `line`.
    fn ins(&mut self, line: u32, bytes: u32) {
        if bytes > 0 {
            self.lines.push((self.len, line));
            self.len += bytes;
        }
    }

    /// A CALL of `callee` on `line`.
    fn call(&mut self, line: u32, callee: &str) {
        self.lines.push((self.len, line));
        self.len += 5;
        let file = self.calls[0].file.clone();
        self.calls.push(CallRow {
            ret_off: self.len,
            callee: callee.to_string(),
            file,
            line: 0,
            top_line: 0,
            site_line: line,
        });
    }

    /// The prologue dostkoff puts on the entry's line: the stack check,
    /// its CALL of the morestack variant (moreconst1 the frame it
    /// passes, moreconst2 the argument size), then the SUBQ of the frame
    /// (4 bytes with an 8-bit immediate, else 7).
    fn prologue(&mut self, line: u32, frame: u32, args: u32) {
        let c1 = morestack_frame(frame, args);
        let variant = match (c1, args) {
            (0, 0) => "00".to_string(),
            (0, a) if a <= 48 && a % 8 == 0 => a.to_string(),
            (_, 0) => "10".to_string(),
            (0, _) => "01".to_string(),
            _ => "11".to_string(),
        };
        self.ins(line, prologue_len(check_of(frame), frame, args) - 5);
        self.call(line, &format!("runtime.morestack{variant}"));
        self.ins(
            line,
            match frame {
                0 => 0,
                1..=127 => 4,
                _ => 7,
            },
        );
    }
}

/// Lay out function `i` of `prog`: the prologue, main.init's gate, the
/// body in xfol's order, each instruction at its line.
fn lay_func(prog: &Program, i: usize, file: &str) -> Laid {
    let code = &prog.funcs[i];
    let (args, frame) = code.computed;
    let row = FrameRow {
        frame,
        args,
        argwords: Some(argwords(code)),
    };
    let mut l = Laid::new(&code.name, row, file);
    // fninit files main.init, gate and all, under the line the parser
    // ended on; its variables' initializations keep their own lines.
    let init = i == prog.init;
    let (entry_line, end_line) = if init {
        (prog.last_line, prog.last_line)
    } else {
        (code.line, code.end_line)
    };
    l.prologue(entry_line, frame, args);
    if init {
        init_calls(prog, entry_line, &mut l);
    }
    let end = epilogue_at(code);
    let mut laid_sites = HashSet::new();
    let line_of = |k: usize| if k == end { end_line } else { code.lines[k] };
    for placed in xfol(code, end) {
        match placed {
            Placed::Jmp(k) => l.ins(line_of(k), 5),
            Placed::True(k) => l.ins(code.lines[k], 9),
            Placed::Ins(k) if k == end => {
                // After the body, on its end line: throwreturn where a
                // function with results can fall off its end, then
                // deferreturn, which the returns jump to; the RET.
                if !code.sig.results.is_empty() && code.falls_off {
                    l.call(end_line, "runtime.throwreturn");
                }
                if code.has_defer {
                    l.call(end_line, "runtime.deferreturn");
                }
                l.ins(end_line, 5);
            }
            // A copy's calls return into the copy, but the twin runs
            // the original: only the original's sites get rows.
            Placed::Ins(k) | Placed::Copy(k) => {
                let copy = matches!(placed, Placed::Copy(_));
                let call = |l: &mut Laid, line: u32, callee: &str| {
                    if copy {
                        l.ins(line, 5);
                    } else {
                        l.call(line, callee);
                    }
                };
                let ins = &code.ins[k];
                let line = code.lines[k];
                // cgen's bounds check comes before the access: CMP, a
                // branch over the CALL of panicindex.
                let checks = match ins {
                    Ins::LoadPath { steps, .. }
                    | Ins::StorePath { steps, .. }
                    | Ins::AddrPath { steps, .. } => steps
                        .iter()
                        .filter(|s| matches!(s, Step::Index { checked: true, .. }))
                        .count(),
                    _ => usize::from(code.checked.binary_search(&k).is_ok()),
                };
                for _ in 0..checks {
                    l.ins(line, 7);
                    call(&mut l, line, "runtime.panicindex");
                }
                let before = cost(ins);
                let calls = callees(prog, ins);
                for (callee, site) in &calls {
                    l.ins(line, before);
                    // Instructions that share a site stand for one CALL
                    // the code loops over (a map literal's constant
                    // entries): it is laid once.
                    if laid_sites.insert((callee.clone(), site.line, site.nth)) {
                        call(&mut l, site.line, callee);
                    } else {
                        l.ins(site.line, 5);
                    }
                    // ginscall's POPQs of a go or defer's size and
                    // function, and deferproc's TESTL and JNE.
                    match ins {
                        Ins::Go { .. } => l.ins(site.line, 2),
                        Ins::Defer { .. } | Ins::DeferPrint { .. } | Ins::DeferClose { .. } => {
                            l.ins(site.line, 10)
                        }
                        _ => {}
                    }
                }
                if calls.is_empty() {
                    l.ins(line, before);
                }
            }
        }
    }
    l
}

/// The index of the return a function's body falls into at its end (the
/// one before a recovery's path, which 6l never lays: it is reached
/// only by deferproc "returning" 1).
fn epilogue_at(code: &Code) -> usize {
    code.recover_at.unwrap_or(code.ins.len()) - 1
}

/// What xfol lays down: an instruction, a copy of one laid already, or a
/// JMP to one laid already (on that one's line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placed {
    Ins(usize),
    Copy(usize),
    Jmp(usize),
    /// The true case of the comparison at this instruction, made a value.
    True(usize),
}

/// Where control goes after an instruction, as xfol sees it.
enum Flow<'a> {
    Next,
    End,
    Jmp(usize),
    /// A conditional branch: fall through, or go to the target.
    Cond(usize),
    /// A select's dispatch: 6g tests each case in turn.
    Table(&'a [usize]),
    /// A comparison made a value: cgen branches to a block that stores
    /// true and jumps back, falling through to store false.
    Bool,
}

fn flow(code: &Code, end: usize, k: usize) -> Flow<'_> {
    match &code.ins[k] {
        Ins::Jump(t) => Flow::Jmp(*t),
        Ins::JumpIfNot(t) => Flow::Cond(*t),
        Ins::JumpTable(ts) => Flow::Table(ts),
        // With a defer a return jumps to the epilogue's deferreturn.
        Ins::Ret if k != end && code.has_defer => Flow::Jmp(end),
        Ins::Ret => Flow::End,
        Ins::Bin(op, _) if op.is_comparison() && !tested(code, k) => Flow::Bool,
        Ins::Not if !tested(code, k) => Flow::Bool,
        _ => Flow::Next,
    }
}

/// Whether a branch tests the value instruction `k` makes (bgen then
/// branches on the comparison itself).
fn tested(code: &Code, k: usize) -> bool {
    matches!(code.ins.get(k + 1), Some(Ins::JumpIfNot(_)))
}

/// 6l/pass.c's xfol over a function's instructions (`end` the return its
/// body falls into). It follows each unconditional jump to its target,
/// lays a conditional branch's fall-through first and its target after
/// it (inverting the branch when the fall-through is laid already), and
/// ends a path at a return or at laid code. There it copies up to four
/// instructions instead of jumping when they reach a conditional branch
/// whose target is not laid yet, inverts the copy and goes on at that
/// target: so a loop's exit follows the first path that jumps back to
/// its test. What is left, such as an else or the rest of a loop after
/// an `if ... { break }`, lies past the function's last return.
fn xfol(code: &Code, end: usize) -> Vec<Placed> {
    let n = code.ins.len();
    let mut x = Xfol {
        code,
        end,
        marked: vec![false; n],
        taken: vec![None; n],
        at: vec![None; n],
        out: Vec::new(),
    };
    x.follow(0);
    x.out
}

struct Xfol<'a> {
    code: &'a Code,
    end: usize,
    marked: Vec<bool>,
    /// A laid conditional branch's target (pcond), after any inversion.
    taken: Vec<Option<usize>>,
    /// Where each laid instruction is in `out` (a jump followed is
    /// marked but not laid).
    at: Vec<Option<usize>>,
    out: Vec<Placed>,
}

impl Xfol<'_> {
    /// brchain: where a chain of jumps starting at `k` ends.
    fn brchain(&self, mut k: usize) -> usize {
        for _ in 0..20 {
            match (k < self.code.ins.len()).then(|| flow(self.code, self.end, k)) {
                Some(Flow::Jmp(t)) => k = t,
                _ => break,
            }
        }
        k
    }

    fn laid(&self, k: usize) -> bool {
        k >= self.code.ins.len() || self.marked[k]
    }

    fn follow(&mut self, mut p: usize) {
        let n = self.code.ins.len();
        loop {
            if p >= n {
                return;
            }
            // A jump, laid or not, goes on at its target.
            if let Flow::Jmp(t) = flow(self.code, self.end, p) {
                self.marked[p] = true;
                p = t;
                if p >= n {
                    return;
                }
                if !self.marked[p] {
                    continue;
                }
            }
            if self.marked[p] {
                self.copy_or_jump(p);
                return;
            }
            self.marked[p] = true;
            self.at[p] = Some(self.out.len());
            self.out.push(Placed::Ins(p));
            match flow(self.code, self.end, p) {
                Flow::End | Flow::Jmp(_) => return,
                Flow::Next => p += 1,
                Flow::Cond(t) => {
                    let (mut link, mut target) = (self.brchain(p + 1), self.brchain(t));
                    if link < n && self.marked[link] {
                        std::mem::swap(&mut link, &mut target);
                    }
                    self.taken[p] = Some(target);
                    self.follow(link);
                    if self.laid(target) {
                        return;
                    }
                    p = target;
                }
                Flow::Table(ts) => {
                    let Some((&last, rest)) = ts.split_last() else {
                        return;
                    };
                    for &t in rest {
                        let t = self.brchain(t);
                        self.follow(t);
                    }
                    p = self.brchain(last);
                }
                Flow::Bool => {
                    self.follow(p + 1);
                    self.out.push(Placed::True(p));
                    self.copy_or_jump(p + 1);
                    return;
                }
            }
        }
    }

    /// Control reaches `p`, laid already: copy what follows it in the
    /// layout up to a conditional branch whose target is not laid (four
    /// machine instructions at most, a call not stopping it; a jump or a
    /// return does), then go on at that target; else a JMP to `p`.
    fn copy_or_jump(&mut self, p: usize) {
        let mut budget = 4;
        let mut copy = Vec::new();
        let mut target = None;
        let from = self.at[p].unwrap_or(self.out.len());
        for item in &self.out[from..] {
            let Placed::Ins(k) = *item else { break };
            if !matches!(flow(self.code, self.end, k), Flow::Next | Flow::Cond(_)) {
                break;
            }
            copy.push(k);
            if let Some(t) = self.taken[k].filter(|&t| !self.laid(t)) {
                target = Some(t);
                break;
            }
            budget -= machine_ins(&self.code.ins[k]);
            if budget <= 0 {
                break;
            }
        }
        match target {
            Some(t) => {
                self.out.extend(copy.into_iter().map(Placed::Copy));
                self.follow(t);
            }
            None => self.out.push(Placed::Jmp(p)),
        }
    }
}

/// About how many machine instructions 6g makes of `ins` where xfol
/// counts them: a constant or a local is an operand of the next one.
fn machine_ins(ins: &Ins) -> i32 {
    match ins {
        Ins::Const(_) | Ins::Load(_) | Ins::Dup | Ins::Pop => 0,
        _ => 1,
    }
}

/// fninit's calls before main.init's statements (gc/init.c): the
/// initialization gate's runtime·throwinit, then each imported package's
/// Init·.
fn init_calls(prog: &Program, line: u32, l: &mut Laid) {
    l.ins(line, 17);
    l.call(line, "runtime.throwinit");
    if prog.imports_runtime {
        l.ins(line, 8);
        l.call(line, "runtime.Init·");
    }
    l.ins(line, 7);
}

/// The check 6l gives a function of frame `frame` (dostkoff).
fn check_of(frame: u32) -> Check {
    if frame <= STACK_SMALL {
        Check::Small
    } else if frame < STACK_BIG {
        Check::Large
    } else {
        Check::Huge
    }
}

/// Lay out a method wrapper: genwrapper files it under line 1; it
/// copies the receiver and arguments down, calls, copies results up.
fn lay_wrapper(prog: &Program, w: Wrapper, file: &str) -> Laid {
    let row = FrameRow {
        frame: w.frame,
        args: w.args,
        argwords: Some(w.argwords),
    };
    let mut l = Laid::new(&w.name, row, file);
    l.prologue(1, w.frame, w.args);
    l.ins(1, 8 * (w.args / 8));
    l.call(1, &prog.funcs[w.method].name);
    l.ins(1, 8 * (w.args / 8) + 8);
    l
}

/// Bytes 6g emits for `ins` besides its CALLs: a rough figure per kind
/// (moves of operands to and from the argument area, compares, jumps).
fn cost(ins: &Ins) -> u32 {
    match ins {
        Ins::Const(_) | Ins::Zero(_) => 5,
        Ins::Load(_) | Ins::Store(_) | Ins::SliceElem => 4,
        Ins::Index | Ins::PtrIndex(..) | Ins::LoadElem(_) | Ins::StoreIndex(_) => 10,
        Ins::Bin(..) | Ins::Fused(_) => 3,
        Ins::Jump(_) | Ins::JumpIfNot(_) => 5,
        Ins::Print { kind, .. } => match kind {
            PrintKind::Sp | PrintKind::Nl => 0,
            _ => 16,
        },
        // A return's ADDQ of the frame and RET.
        Ins::Ret => 5,
        Ins::Dup | Ins::Pop => 0,
        _ => 12,
    }
}

/// The runtime and Go functions `ins` calls, each with its site, in the
/// order the compiled code calls them (the machine's order in gc::vm).
pub fn callees(prog: &Program, ins: &Ins) -> Vec<(String, Site)> {
    let one = |callee: &str, site: &Site| vec![(callee.to_string(), *site)];
    match ins {
        Ins::MakeSlice { site, .. } => one("runtime.makeslice", site),
        Ins::SliceLit { site, .. } | Ins::NewPtr { site, .. } | Ins::New { site, .. } => {
            one("runtime.new", site)
        }
        Ins::CmpString { how, site } => match how {
            super::code::StrCmp::LenOnly => Vec::new(),
            _ => one("runtime.cmpstring", site),
        },
        Ins::Recover { site } => one("runtime.recover", site),
        Ins::Concat { site, .. } => one("runtime.concatstring", site),
        Ins::AssertFace {
            from, to, ok, site, ..
        } => one(assert_fn(from.is_some(), to.is_some(), *ok), site),
        Ins::ConvI2I { site, .. } => one("runtime.convI2I", site),
        Ins::IfaceEq { eface, site } => one(
            if *eface {
                "runtime.efaceeq"
            } else {
                "runtime.ifaceeq"
            },
            site,
        ),
        Ins::CallMethod { site, .. } | Ins::CallValue { site, .. } => one("*", site),
        Ins::Call { func, site, .. } => one(&prog.funcs[*func].name, site),
        Ins::Closure { site, .. } => one("runtime.closure", site),
        Ins::Go { site, .. } => one("runtime.newproc", site),
        Ins::Defer { site, .. } | Ins::DeferPrint { site, .. } | Ins::DeferClose { site } => {
            one("runtime.deferproc", site)
        }
        Ins::Panic { site } => one("runtime.panic", site),
        Ins::ConvT2E { site, .. } => one("runtime.convT2E", site),
        Ins::ConvT2I { site, .. } => one("runtime.convT2I", site),
        Ins::EfaceHash { site } => one("runtime.efacethash", site),
        Ins::AssertE2T2 { site, .. } => one("runtime.assertE2T2", site),
        Ins::AssertE2T { site, .. } => one("runtime.assertE2T", site),
        Ins::IfaceHash { site } => one("runtime.ifacethash", site),
        Ins::IntString { site } => one("runtime.intstring", site),
        Ins::ConvI2E { site } => one("runtime.convI2E", site),
        Ins::AssertI2T2 { site, .. } => one("runtime.assertI2T2", site),
        Ins::AssertI2T { site, .. } => one("runtime.assertI2T", site),
        Ins::SliceArray { call, check, .. } => call
            .iter()
            .map(|s| ("runtime.slicearray".to_string(), *s))
            .chain(check.iter().map(|s| ("runtime.panicslice".to_string(), *s)))
            .collect(),
        Ins::SliceSlice {
            hi,
            call: Some(site),
            ..
        } => one(
            if *hi {
                "runtime.sliceslice"
            } else {
                "runtime.sliceslice1"
            },
            site,
        ),
        Ins::SliceSlice { check, .. } => check
            .iter()
            .map(|s| ("runtime.panicslice".to_string(), *s))
            .collect(),
        Ins::Append { site, .. } => one("runtime.append", site),
        Ins::MakeMap { site, .. } => one("runtime.makemap", site),
        Ins::MapIndex {
            ok: false, site, ..
        } => one("runtime.mapaccess1", site),
        Ins::MapIndex { ok: true, site, .. } => one("runtime.mapaccess2", site),
        Ins::MapAssign {
            ok: false, site, ..
        } => one("runtime.mapassign1", site),
        Ins::MapAssign { ok: true, site, .. } => one("runtime.mapassign2", site),
        Ins::MapIterInit { site, .. } => one("runtime.mapiterinit", site),
        Ins::MapIter {
            val: false, site, ..
        } => one("runtime.mapiter1", site),
        Ins::MapIter {
            val: true, site, ..
        } => one("runtime.mapiter2", site),
        Ins::MapIterNext { site, .. } => one("runtime.mapiternext", site),
        Ins::AppendSlice { site, .. } => one("runtime.appendslice", site),
        Ins::Copy {
            string: false,
            site,
            ..
        } => one("runtime.slicecopy", site),
        Ins::Copy {
            string: true, site, ..
        } => one("runtime.slicestringcopy", site),
        Ins::SliceString { hi: true, site } => one("runtime.slicestring", site),
        Ins::SliceString { hi: false, site } => one("runtime.slicestring1", site),
        Ins::SliceToString { site } => one("runtime.slicebytetostring", site),
        Ins::StringToBytes { site } => one("runtime.stringtoslicebyte", site),
        Ins::StringToInts { site } => one("runtime.stringtosliceint", site),
        Ins::Complex128Div { site } => one("runtime.complex128div", site),
        Ins::IntsToString { site } => one("runtime.sliceinttostring", site),
        Ins::StringIter { two, site } => one(
            if *two {
                "runtime.stringiter2"
            } else {
                "runtime.stringiter"
            },
            site,
        ),
        Ins::MakeChan { site, .. } => one("runtime.makechan", site),
        Ins::Send { site } => one("runtime.chansend1", site),
        Ins::Recv { site, .. } => one("runtime.chanrecv1", site),
        Ins::RangeRecv { site, .. } => one("runtime.chanrecv3", site),
        Ins::Close { site } => one("runtime.closechan", site),
        Ins::Closed { site } => one("runtime.closedchan", site),
        Ins::Print { kind, site } => one(kind.callee(), site),
        Ins::Gosched { site } => one("runtime.Gosched", site),
        Ins::GoMaxProcs { site } => one("runtime.GOMAXPROCS", site),
        Ins::Block { site } => one("runtime.block", site),
        Ins::SelectNb { case, site, .. } => match case {
            SelKind::Send(_) => one("runtime.selectnbsend", site),
            _ => one("runtime.selectnbrecv", site),
        },
        Ins::Select {
            cases, setup, site, ..
        } => {
            let mut out = vec![("runtime.newselect".to_string(), setup[0])];
            for (k, s) in cases.iter().zip(&setup[1..]) {
                out.push((k.setup_call().to_string(), *s));
            }
            out.push(("runtime.selectgo".to_string(), *site));
            out
        }
        _ => Vec::new(),
    }
}

/// The symtab's argument words of `code` (dofunc's `offset/4 + 2` for
/// the highest 'p' symbol, 0 with none).
fn argwords(code: &Code) -> u32 {
    let sig = &code.sig;
    let ncapt = u32::from(code.ncaptured);
    let head = if code.literal { 8 * ncapt + 8 } else { 0 };
    // Each parameter's and result's offset, as dowidth lays them out.
    let mut offsets = Vec::new();
    let mut o = head;
    for t in &sig.params {
        o = rnd(o, t.align());
        offsets.push(o);
        o += t.size();
    }
    o = rnd(o, 8);
    let mut results = Vec::new();
    for t in &sig.results {
        o = rnd(o, t.align());
        results.push(o);
        o += t.size();
    }
    let used = referred_locals(code);
    let mut highest: Option<u32> = None;
    let mut refer = |off: u32| highest = Some(highest.map_or(off, |h| h.max(off)));
    for i in 0..ncapt {
        if used.contains_key(&(i as u16)) {
            refer(8 * i);
        }
    }
    for (k, &off) in offsets.iter().enumerate() {
        if let Some(inner) = used.get(&((ncapt as usize + k) as u16)) {
            refer(off + inner);
        }
    }
    // Named results are cleared at entry, each a symbol of its own;
    // unnamed ones are set by the returns (a function with results has
    // one) and share one name, which 6l's list keeps at the first's
    // offset.
    let set = if code.named_results {
        &results[..]
    } else {
        &results[..results.len().min(1)]
    };
    for &off in set {
        refer(off);
    }
    if code.ins.iter().any(|i| matches!(i, Ins::Recover { .. })) {
        refer(head);
    }
    highest.map_or(0, |h| h / 4 + 2)
}

/// The locals `code` reads, writes or captures.
fn referred_locals(code: &Code) -> HashMap<u16, u32> {
    let mut used: HashMap<u16, u32> = HashMap::new();
    let mut refer = |l: u16, inner: u32| {
        let e = used.entry(l).or_insert(inner);
        *e = (*e).min(inner);
    };
    for (k, ins) in code.ins.iter().enumerate() {
        match ins {
            // What a load is for decides which word 6g reads: len of a
            // string or slice its second, cap of a slice its third.
            Ins::Load(Slot::Local(l)) => {
                let inner = match code.ins.get(k + 1) {
                    Some(Ins::Len) if word_typed(code, *l) => 8,
                    Some(Ins::Cap) if word_typed(code, *l) => 12,
                    _ => 0,
                };
                refer(*l, inner);
            }
            Ins::Store(Slot::Local(l))
            | Ins::LoadElem(Slot::Local(l))
            | Ins::StoreIndex(Slot::Local(l))
            | Ins::StoreField(Slot::Local(l), _)
            | Ins::New {
                slot: Slot::Local(l),
                ..
            } => refer(*l, 0),
            Ins::Closure { captures, .. } => {
                for c in captures {
                    if let Slot::Local(l) = c {
                        refer(*l, 0);
                    }
                }
            }
            Ins::Fused(f) => {
                for op in [f.a, f.b] {
                    if let super::code::Operand::Local(l) = op {
                        refer(l, 0);
                    }
                }
            }
            _ => {}
        }
    }
    used
}

/// Local `l` is a parameter holding a string or slice (whose len and cap
/// are words of their own).
fn word_typed(code: &Code, l: u16) -> bool {
    let k = usize::from(l).wrapping_sub(usize::from(code.ncaptured));
    code.sig
        .params
        .get(k)
        .is_some_and(|t| matches!(t.under(), Ty::Str | Ty::Slice(_)))
}

/// A method wrapper 6g generates for an itab (subr.c's genwrapper): `T·M·i`
/// for a receiver of one word or less, `*T·M` otherwise.
struct Wrapper {
    name: String,
    method: usize,
    args: u32,
    frame: u32,
    argwords: u32,
}

/// The method wrappers 6l keeps, in the order 6g generates them. 6g
/// generates the itab wrapper of every value method first, in the order
/// the methods are declared (`T·M·i`, or `*T·M` for a receiver wider than
/// a word), then those dumptypestructs needs for pointer types (`*T·M` of
/// a value method of a narrower T), in the order their types were first
/// named. 6l keeps a wrapper only with what refers to it: the type data
/// of a type the program converts to an interface (and the types that
/// data reaches through pointers, elements and fields, as dtypesym
/// writes them), or, for a value method's own itab wrapper, the method
/// itself once the program calls it.
fn wrappers(prog: &Program) -> Vec<Wrapper> {
    let mut reached: Vec<Ty> = Vec::new();
    let mut called = HashSet::new();
    for code in &prog.funcs {
        for ins in &code.ins {
            match ins {
                Ins::ConvT2E { ty, .. } | Ins::ConvT2I { ty, .. } => reach(ty, &mut reached),
                Ins::Call { func, .. }
                | Ins::FuncValue(func)
                | Ins::Go {
                    func: Some(func), ..
                }
                | Ins::Defer {
                    func: Some(func), ..
                } => {
                    called.insert(*func);
                }
                _ => {}
            }
        }
    }
    let by_name: HashSet<&str> = prog.funcs.iter().map(|c| c.name.as_str()).collect();
    let mut names: Vec<(String, usize)> = Vec::new();
    // The value methods, as declared (prog.funcs keeps source order).
    for f in 0..prog.funcs.len() {
        let Some((recv, m)) = value_method(prog, f) else {
            continue;
        };
        if reached.contains(&recv) || called.contains(&f) {
            if let Some((_, Some(name))) = prog.itab_method(&recv, m) {
                names.push((name, f));
            }
        }
    }
    for ty in &reached {
        let Ty::Ptr(inner) = ty else { continue };
        for f in 0..prog.funcs.len() {
            match value_method(prog, f) {
                Some((recv, m)) if recv == **inner => {
                    if let Some((_, Some(name))) = prog.itab_method(ty, m) {
                        names.push((name, f));
                    }
                }
                _ => {}
            }
        }
    }
    let mut names: Vec<(String, usize, Ty)> = names.into_iter().map(|(n, f)| (n, f, PTR)).collect();
    // Then, type by type, the wrappers of promoted methods (a binary
    // with promoted methods in itabs showed them so): types with methods
    // of their own first, as their first method is declared, then the
    // others as the program first converts them; for each promoted
    // method in expandmeth's order, `*T·M` where *T's type data is kept
    // (or T's, wider than a word), then `T·M` where T's is, taking the
    // value.
    let mut types: Vec<Ty> = Vec::new();
    for t in &reached {
        let t = match t {
            Ty::Ptr(inner) => (**inner).clone(),
            t => t.clone(),
        };
        if super::code::struct_of(&t).is_some() && !types.contains(&t) {
            types.push(t);
        }
    }
    let first_method = |t: &Ty| {
        let key = super::code::method_key(t);
        prog.methods
            .iter()
            .filter(|((k, _), _)| Some(k.trim_start_matches('*')) == key.as_deref())
            .map(|(_, &f)| f)
            .min()
    };
    types.sort_by_key(|t| first_method(t).map_or((1, 0), |f| (0, f)));
    for t in &types {
        let ptr = Ty::Ptr(Box::new(t.clone()));
        let (by_ptr, by_value) = (reached.contains(&ptr), reached.contains(t));
        for m in promoted_order(prog, t) {
            let Some((_, f)) = prog.promoted_method(t, &m) else {
                continue;
            };
            if by_ptr || (by_value && t.size() > 8) {
                if let Some(w) = super::code::promoted_wrapper(&ptr, &m) {
                    names.push((w, f, PTR));
                }
            }
            if by_value && t.size() >= 8 {
                if let Some(key) = super::code::method_key(t) {
                    names.push((format!("main.{key}·{m}"), f, t.clone()));
                }
            }
        }
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (name, f, recv) in names {
        if by_name.contains(name.as_str()) || !seen.insert(name.clone()) {
            continue;
        }
        let method = &prog.funcs[f];
        let sig = &method.sig;
        let (margs, _) = method.computed;
        // The receiver word (or value), then the method's own arguments.
        let mut params = vec![recv];
        params.extend_from_slice(&sig.params[1..]);
        let args = argwid(false, 0, &params, &sig.results);
        // Its highest parameter: the last result, else the last
        // argument, else the receiver word.
        let last = last_offset(&params, &sig.results);
        out.push(Wrapper {
            name,
            method: f,
            args,
            frame: rnd(margs, 8),
            argwords: last / 4 + 2,
        });
    }
    out
}

/// The methods `ty` has through its embedded fields, in expandmeth's
/// order: field by field, each field's type's own methods as declared,
/// then what it has through its own embedded fields.
fn promoted_order(prog: &Program, ty: &Ty) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let Some(st) = super::code::struct_of(ty) else {
        return out;
    };
    let fields = st.fields();
    for i in st.embedded() {
        let base = match &fields[i].1 {
            Ty::Ptr(inner) => (**inner).clone(),
            t => t.clone(),
        };
        let key = super::code::method_key(&base);
        let mut own: Vec<(usize, &String)> = prog
            .methods
            .iter()
            .filter(|((k, _), _)| Some(k.trim_start_matches('*')) == key.as_deref())
            .map(|((_, m), &f)| (f, m))
            .collect();
        own.sort();
        let names = own.into_iter().map(|(_, m)| m.clone());
        for m in names.chain(promoted_order(prog, &base)) {
            if !out.contains(&m) && prog.promoted_method(ty, &m).is_some() {
                out.push(m);
            }
        }
    }
    out
}

/// Function `f` as a value method: its receiver's type and the method's
/// name.
fn value_method(prog: &Program, f: usize) -> Option<(Ty, &str)> {
    let ((key, m), _) = prog.methods.iter().find(|(_, &g)| g == f)?;
    if key.starts_with('*') {
        return None;
    }
    Some((prog.funcs[f].sig.params[0].clone(), m.as_str()))
}

/// Add `ty` and the types its type data refers to (dtypesym's walk) to
/// `reached`, in the order first met.
fn reach(ty: &Ty, reached: &mut Vec<Ty>) {
    if reached.contains(ty) {
        return;
    }
    reached.push(ty.clone());
    match ty {
        Ty::Ptr(e) | Ty::Slice(e) | Ty::Array(_, e) | Ty::Chan(e) => reach(e, reached),
        Ty::Map(k, v) => {
            reach(k, reached);
            reach(v, reached);
        }
        Ty::Struct(st) => {
            for (_, f) in st.fields().iter() {
                reach(f, reached);
            }
        }
        Ty::Named(n) => {
            if let Some(e) = n.under.elem() {
                reach(e, reached);
            }
        }
        _ => {}
    }
}

/// The offset of the last of `params` then `results`, laid out from 0
/// as dowidth lays them out.
fn last_offset(params: &[Ty], results: &[Ty]) -> u32 {
    let mut o = 0;
    let mut last = 0;
    for t in params {
        o = rnd(o, t.align());
        last = o;
        o += t.size();
    }
    o = rnd(o, 8);
    for t in results {
        o = rnd(o, t.align());
        last = o;
        o += t.size();
    }
    last
}

// Each expectation below is what `harness lines` read off the program's
// binary built by the pinned pre-1547 toolchain.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::gc::{compile::compile, parse::parse};

    fn figures(src: &str) -> Figures {
        predict(&compile(&parse(src).unwrap()).unwrap(), "$WORK/x.go")
    }

    /// The lines of `f`'s calls of `callee`, in code order.
    fn lines(fig: &Figures, f: &str, callee: &str) -> Vec<u32> {
        fig.calls[f]
            .iter()
            .filter(|c| c.callee == callee)
            .map(|c| c.line)
            .collect()
    }

    #[test]
    fn an_else_is_laid_past_the_rest_of_the_function() {
        let fig = figures(
            "package main\nfunc f(x int) {\n\tif x > 0 {\n\t\tprintln(1)\n\t} else {\n\t\tprintln(2)\n\t}\n\tprintln(3)\n}\nfunc main() { f(1) }\n",
        );
        assert_eq!(lines(&fig, "main.f", "runtime.printint"), [4, 8, 6]);
    }

    #[test]
    fn a_loop_exit_follows_the_first_jump_back_to_its_test() {
        // The body's if-else: its then path jumps back to the loop's
        // test, which xfol copies, going on at the loop's exit; the else
        // comes last.
        let fig = figures(
            "package main\nfunc f(n int) {\n\tfor i := 0; i < n; i++ {\n\t\tif i > 1 {\n\t\t\tprintln(1)\n\t\t} else {\n\t\t\tprintln(2)\n\t\t}\n\t}\n\tprintln(3)\n}\nfunc main() { f(1) }\n",
        );
        assert_eq!(lines(&fig, "main.f", "runtime.printint"), [5, 10, 7]);
    }

    #[test]
    fn a_function_with_no_line_of_its_own_prints_the_next_ones() {
        // main ends on the last line, main.init sits there too and writes
        // no update: the one-line literal after it is handed the next
        // literal's first line (closuretrace.go's _func_001).
        let fig = figures(
            "package main\nfunc main() {\n\tf := func() { println(1) }\n\tg := func() {\n\t\tprintln(2)\n\t\tf()\n\t}\n\tg()\n}\n",
        );
        assert_eq!(lines(&fig, "main._func_001", "runtime.printint"), [4]);
        assert_eq!(lines(&fig, "main._func_002", "runtime.printint"), [5]);
        assert_eq!(fig.calls["main._func_002"][0].line, 5);
    }
}
