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

use super::code::{Code, Ins, PrintKind, Program, SelKind, Site, Slot};
use super::frames::{CallRow, Figures, FrameRow, Origin};
use super::layout::{argwid, rnd};
use super::types::{Ty, PTR};
use crate::asm::{morestack_frame, prologue_len};
use crate::stack::{STACK_BIG, STACK_SMALL};
use crate::symtab::{Check, TEXT_START};

/// The figures 6g and 6l would give `prog`, whose source file the binary
/// names `file` (`$WORK/x.go`).
pub fn predict(prog: &Program, file: &str) -> Figures {
    let mut fig = Figures {
        origin: Origin::Predicted,
        ..Figures::default()
    };
    let mut order: Vec<usize> = (0..prog.funcs.len())
        .filter(|&i| !prog.funcs[i].literal)
        .collect();
    // main.init comes after the declared functions, as fninit makes it
    // once they are compiled; the literals after it, as compiled.
    order.retain(|&i| i != prog.init);
    order.push(prog.init);
    order.extend((0..prog.funcs.len()).filter(|&i| prog.funcs[i].literal));
    let mut at = TEXT_START;
    for &i in &order {
        let code = &prog.funcs[i];
        let (args, frame) = code.computed;
        let entry_line = if i == prog.init {
            init_line(prog)
        } else {
            code.line
        };
        let mut calls = vec![CallRow {
            ret_off: 0,
            callee: "-".into(),
            file: file.into(),
            line: entry_line,
            top_line: entry_line,
        }];
        let mut off = prologue(&mut calls, file, entry_line, frame, args);
        if i == prog.init {
            off += init_calls(prog, file, entry_line, off, &mut calls);
        }
        off += body(prog, code, file, off, &mut calls);
        fig.frames.insert(
            code.name.clone(),
            FrameRow {
                frame,
                args,
                argwords: Some(argwords(prog, code)),
            },
        );
        fig.calls.insert(code.name.clone(), calls);
        fig.text.push((code.name.clone(), at));
        at += u64::from(off);
    }
    for w in wrappers(prog) {
        let mut calls = vec![CallRow {
            ret_off: 0,
            callee: "-".into(),
            file: file.into(),
            line: 1,
            top_line: 1,
        }];
        let mut off = prologue(&mut calls, file, 1, w.frame, w.args);
        // Copy the receiver and arguments down, call, copy the results up.
        off += 8 * (w.args / 8) + 5;
        calls.push(CallRow {
            ret_off: off,
            callee: prog.funcs[w.method].name.clone(),
            file: file.into(),
            line: 1,
            top_line: 1,
        });
        off += 8 * (w.args / 8) + 8;
        fig.frames.insert(
            w.name.clone(),
            FrameRow {
                frame: w.frame,
                args: w.args,
                argwords: Some(w.argwords),
            },
        );
        fig.calls.insert(w.name.clone(), calls);
        fig.text.push((w.name, at));
        at += u64::from(off);
    }
    fig
}

/// The line main.init is filed under. fninit runs after the declared
/// functions are compiled, at whatever line the compiler was left on;
/// the twin takes the last function's declaration line (see the README's
/// agreement table for how often that is 6g's).
fn init_line(prog: &Program) -> u32 {
    prog.funcs
        .iter()
        .filter(|c| !c.literal && c.line != 0)
        .map(|c| c.line)
        .max()
        .unwrap_or(1)
}

/// fninit's calls before main.init's statements (gc/init.c): the
/// initialization gate's runtime·throwinit, then each imported package's
/// Init·. Gives their bytes.
fn init_calls(prog: &Program, file: &str, line: u32, start: u32, calls: &mut Vec<CallRow>) -> u32 {
    let mut off = start + 22;
    let mut push = |off: u32, callee: &str| {
        calls.push(CallRow {
            ret_off: off,
            callee: callee.into(),
            file: file.into(),
            line,
            top_line: line,
        })
    };
    push(off, "runtime.throwinit");
    if prog.imports_runtime {
        off += 13;
        push(off, "runtime.Init·");
    }
    off + 7 - start
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

/// The prologue's rows: its CALL of the morestack variant dostkoff picks
/// (moreconst1 the frame it passes, moreconst2 the argument size), on
/// the entry's line. Gives the offset past the prologue and its SUBQ.
fn prologue(calls: &mut Vec<CallRow>, file: &str, line: u32, frame: u32, args: u32) -> u32 {
    let check = check_of(frame);
    let c1 = morestack_frame(frame, args);
    let variant = match (c1, args) {
        (0, 0) => "00".to_string(),
        (0, a) if a <= 48 && a % 8 == 0 => a.to_string(),
        (_, 0) => "10".to_string(),
        (0, _) => "01".to_string(),
        _ => "11".to_string(),
    };
    let off = prologue_len(check, frame, args);
    calls.push(CallRow {
        ret_off: off,
        callee: format!("runtime.morestack{variant}"),
        file: file.into(),
        line,
        top_line: line,
    });
    // SUBQ $frame, SP: 4 bytes with an 8-bit immediate, else 7.
    off + match frame {
        0 => 0,
        1..=127 => 4,
        _ => 7,
    }
}

/// The body's call rows from offset `start`; gives the body's length.
fn body(prog: &Program, code: &Code, file: &str, start: u32, calls: &mut Vec<CallRow>) -> u32 {
    let mut off = start;
    let mut push = |off: &mut u32, callee: &str, line: u32, bytes: u32| {
        *off += bytes;
        calls.push(CallRow {
            ret_off: *off,
            callee: callee.to_string(),
            file: file.into(),
            line,
            top_line: line,
        });
    };
    for (i, ins) in code.ins.iter().enumerate() {
        let line = code.lines[i];
        let before = cost(ins);
        for (callee, site) in callees(prog, ins) {
            push(&mut off, &callee, site.line, before + 5);
        }
        if bounds_checked(prog, code, i) {
            push(&mut off, "runtime.panicindex", line, 12);
        }
        if callees(prog, ins).is_empty() {
            off += before;
        }
    }
    // After the body, on its end line: throwreturn where a function
    // with results can fall off its end (6l drops it where it cannot be
    // reached), then deferreturn, which the returns jump to.
    if !code.sig.results.is_empty() && code.falls_off {
        push(&mut off, "runtime.throwreturn", code.end_line, 0);
    }
    if code.has_defer {
        push(&mut off, "runtime.deferreturn", code.end_line, 5);
    }
    // The RET and its frame's ADDQ.
    off += 5;
    // The line at each return address is the next call's, or the
    // function's last line after the last.
    for k in 1..calls.len() {
        let next = calls.get(k + 1).map_or(calls[k].line, |c| c.line);
        if calls[k].ret_off != 0 && !calls[k].callee.starts_with("runtime.morestack") {
            calls[k].top_line = next;
        }
    }
    off - start
}

/// Bytes 6g emits for `ins` besides its CALLs: a rough figure per kind
/// (moves of operands to and from the argument area, compares, jumps).
fn cost(ins: &Ins) -> u32 {
    match ins {
        Ins::Const(_) | Ins::Zero(_) => 5,
        Ins::Load(_) | Ins::Store(_) => 4,
        Ins::Index | Ins::LoadElem(_) | Ins::StoreIndex(_) => 10,
        Ins::Bin(..) | Ins::Fused(_) => 3,
        Ins::Jump(_) | Ins::JumpIfNot(_) => 5,
        Ins::Print { kind, .. } => match kind {
            PrintKind::Sp | PrintKind::Nl => 0,
            _ => 16,
        },
        Ins::Dup | Ins::Pop | Ins::Ret => 0,
        _ => 12,
    }
}

/// Whether instruction `i` of `code` indexes with a bounds check that
/// calls runtime·panicindex (cgen's agen of OINDEX when the index is not
/// a constant inside an array's bound).
fn bounds_checked(_prog: &Program, code: &Code, i: usize) -> bool {
    let indexes = matches!(
        code.ins[i],
        Ins::Index | Ins::LoadElem(_) | Ins::StoreIndex(_)
    );
    indexes && !(i > 0 && matches!(code.ins[i - 1], Ins::Const(_)))
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
        Ins::AssertE2I2 { site, .. } => one("runtime.assertE2I2", site),
        Ins::CallMethod { site, .. } | Ins::CallValue { site, .. } => one("*", site),
        Ins::Call { func, site, .. } => one(&prog.funcs[*func].name, site),
        Ins::Closure { site, .. } => one("runtime.closure", site),
        Ins::Go { site, .. } => one("runtime.newproc", site),
        Ins::Defer { site, .. } | Ins::DeferPrint { site, .. } => one("runtime.deferproc", site),
        Ins::Panic { site } => one("runtime.panic", site),
        Ins::ConvT2E { site, .. } => one("runtime.convT2E", site),
        Ins::EfaceHash { site } => one("runtime.efacethash", site),
        Ins::AssertE2T2 { site, .. } => one("runtime.assertE2T2", site),
        Ins::AssertE2T { site, .. } => one("runtime.assertE2T", site),
        Ins::SliceArray { site, .. } => one("runtime.slicearray", site),
        Ins::SliceToString { site } => one("runtime.slicebytetostring", site),
        Ins::MakeChan { site, .. } => one("runtime.makechan", site),
        Ins::Send { site } => one("runtime.chansend1", site),
        Ins::Recv { site, .. } => one("runtime.chanrecv1", site),
        Ins::RangeRecv { site, .. } => one("runtime.chanrecv3", site),
        Ins::Close { site } => one("runtime.closechan", site),
        Ins::Closed { site } => one("runtime.closedchan", site),
        Ins::Print { kind, site } => one(
            match kind {
                PrintKind::Int => "runtime.printint",
                PrintKind::Uint => "runtime.printuint",
                PrintKind::Bool => "runtime.printbool",
                PrintKind::Str => "runtime.printstring",
                PrintKind::Pointer => "runtime.printpointer",
                PrintKind::Sp => "runtime.printsp",
                PrintKind::Nl => "runtime.printnl",
            },
            site,
        ),
        Ins::Gosched { site } => one("runtime.Gosched", site),
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
fn argwords(prog: &Program, code: &Code) -> u32 {
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
        if used.contains(&(i as u16)) {
            refer(8 * i);
        }
    }
    for (k, &off) in offsets.iter().enumerate() {
        if used.contains(&((ncapt as usize + k) as u16)) {
            refer(off);
        }
    }
    if !sig.results.is_empty() {
        // Named results are cleared at entry; unnamed ones are set by
        // the returns (a function with results has one).
        for &off in &results {
            refer(off);
        }
    }
    if code.ins.iter().any(|i| matches!(i, Ins::Recover { .. })) {
        refer(head);
    }
    let _ = prog;
    highest.map_or(0, |h| h / 4 + 2)
}

/// The locals `code` reads, writes or captures.
fn referred_locals(code: &Code) -> HashSet<u16> {
    let mut used = HashSet::new();
    for ins in &code.ins {
        match ins {
            Ins::Load(Slot::Local(l))
            | Ins::Store(Slot::Local(l))
            | Ins::LoadElem(Slot::Local(l))
            | Ins::StoreIndex(Slot::Local(l))
            | Ins::StoreField(Slot::Local(l), _)
            | Ins::New {
                slot: Slot::Local(l),
                ..
            } => {
                used.insert(*l);
            }
            Ins::Closure { captures, .. } => {
                for c in captures {
                    if let Slot::Local(l) = c {
                        used.insert(*l);
                    }
                }
            }
            Ins::Fused(f) => {
                for op in [f.a, f.b] {
                    if let super::code::Operand::Local(l) = op {
                        used.insert(l);
                    }
                }
            }
            _ => {}
        }
    }
    used
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

/// The wrappers of the value methods of every struct type the program
/// converts to an interface.
fn wrappers(prog: &Program) -> Vec<Wrapper> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let by_name: HashMap<&str, usize> = prog
        .funcs
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i))
        .collect();
    for code in &prog.funcs {
        for ins in &code.ins {
            let Ins::ConvT2E { ty, .. } = ins else {
                continue;
            };
            let Ty::Struct(st) = ty else { continue };
            let mut methods: Vec<(&String, usize)> = prog
                .methods
                .iter()
                .filter(|((t, _), _)| *t == st.name)
                .map(|((_, m), &f)| (m, f))
                .collect();
            methods.sort();
            for (m, f) in methods {
                let method = &prog.funcs[f];
                let name = if ty.size() <= 8 {
                    format!("{}·i", method.name)
                } else {
                    format!("main.*{}·{m}", st.name)
                };
                if by_name.contains_key(name.as_str()) || !seen.insert(name.clone()) {
                    continue;
                }
                let sig = &method.sig;
                let (margs, _) = method.computed;
                // The receiver word, then the method's own arguments.
                let mut params = vec![PTR];
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
        }
    }
    out
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
