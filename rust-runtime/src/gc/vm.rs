//! Running compiled fixture code on the twin: a [`Program`] that executes
//! each goroutine's [`Ins`] and makes every call, go statement, channel
//! operation and print through the runtime's entry points, with the
//! return addresses and frames the real binary has (gc::frames). Each
//! goroutine's state is explicit (frames with pc and operand stack), so a
//! goroutine switch, at any runtime call, only changes which one steps.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::compile::{
    BinOp, Code, Const, Ins, PrintKind, Program as Compiled, SelKind, Site, Slot, Ty,
};
use super::frames::Measured;
use crate::chan::{ChanId, SelCase};
use crate::print::{PrintArg, Verb};
use crate::proc::{GId, Program, Runtime, Start};
use crate::symtab::{Func, FuncId, SymtabError};
use crate::{Addr, Ending, Stop};

/// A value of the fixture's code.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Bool(bool),
    Str(Rc<str>),
    Chan(Option<ChanId>),
    Func(Rc<Closure>),
    /// A fixed array's elements (a value: copied as it is loaded).
    Array(Vec<Value>),
    /// A slice: its elements, shared by every copy.
    Slice(Rc<RefCell<Vec<Value>>>),
    /// A struct's fields.
    Struct(Vec<Value>),
    Nil,
}

/// A function value: compiled code and the cells it captured.
#[derive(Debug, PartialEq)]
pub struct Closure {
    pub func: usize,
    pub cells: Vec<Cell>,
}

type Cell = Rc<RefCell<Value>>;

#[derive(Debug)]
struct Frame {
    func: usize,
    pc: usize,
    locals: Vec<Cell>,
    stack: Vec<Value>,
    /// Its deferreturn found nothing left: the Ret may return.
    deferred_done: bool,
    /// A deferred call's frame: its results go nowhere.
    deferred: bool,
    /// Its SP in the body (after the prologue): where its calls' arguments
    /// go, and how a recovery finds it.
    sp: Addr,
}

/// What a parked goroutine's instruction waits to finish with.
#[derive(Debug, Clone)]
enum Await {
    Recv(Ty),
    Select(Vec<SelKind>),
}

/// Why a run stopped short.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Halt {
    /// The fixture's code did what the twin cannot model yet.
    #[error("{0}")]
    Unmodelled(String),
    #[error("step budget exceeded")]
    Steps,
    /// The modelled process's memory, in bytes.
    #[error("memory budget exceeded: the modelled process took {0} bytes")]
    Memory(u64),
    /// The user asked to stop.
    #[error("interrupted")]
    Interrupted,
}

/// A deferred call, as the program knows it (the runtime holds its words).
#[derive(Debug)]
enum Deferred {
    /// runtime·goprintf: the format and what it prints.
    Print(Rc<str>, Vec<Verb>),
    /// A declared function and its arguments.
    Call(usize, Vec<Value>),
}

/// What a go statement handed its new goroutine.
type Spawned = (Option<Rc<Closure>>, Vec<Value>);

#[derive(Debug, Default)]
struct GState {
    frames: Vec<Frame>,
    awaiting: Option<Await>,
}

#[derive(Debug, thiserror::Error)]
pub enum VmError {
    #[error(transparent)]
    Symtab(#[from] SymtabError),
    #[error("{0} has no measured frame (run scripts/measure-frames)")]
    NoFrame(String),
}

/// The compiled fixture, bound to a runtime.
pub struct Machine {
    prog: Compiled,
    ids: Vec<FuncId>,
    by_id: HashMap<FuncId, usize>,
    measured: Measured,
    gs: Vec<Option<GState>>,
    /// A new goroutine's closure (if any) and arguments, by G.
    spawned: HashMap<GId, Spawned>,
    globals: Vec<Cell>,
    /// Values that cross channels as words: strings and functions.
    boxed: Vec<Value>,
    /// Each goroutine's deferred calls, innermost last: the runtime runs
    /// them in that order (deferreturn and panic both take the innermost).
    deferred: HashMap<GId, Vec<Deferred>>,
    /// Why the run stopped short of what the real process would do.
    pub halt: Option<Halt>,
    /// Instructions left before the run counts as a runaway.
    pub budget: u64,
    /// The most memory the modelled process may take (heap arena and
    /// stack segments) before the run counts as a runaway.
    pub memory_budget: u64,
    /// Asked now and then whether the user wants the run stopped (Ctrl-C).
    pub interrupt: Option<fn() -> bool>,
}

impl Machine {
    /// Declare the compiled functions in `rt` with their measured figures.
    pub fn new(
        rt: &mut Runtime,
        prog: Compiled,
        measured: Measured,
        file: &str,
    ) -> Result<Machine, VmError> {
        let mut ids = Vec::new();
        for code in &prog.funcs {
            let Some(row) = measured.frames.get(&code.name) else {
                return Err(VmError::NoFrame(code.name.clone()));
            };
            let mut f = Func::go(&code.name, file, 0, row.frame, row.args);
            f.argwords = row.argwords;
            if let Some(calls) = measured.calls.get(&code.name) {
                for c in calls {
                    if c.ret_off == 0 {
                        f.line = c.line;
                        f.file = c.file.clone();
                    } else {
                        f.sites.push((c.ret_off, c.line, c.top_line));
                    }
                }
            }
            ids.push(rt.declare(f)?);
        }
        let by_id = ids.iter().enumerate().map(|(i, f)| (*f, i)).collect();
        let globals = (0..prog.nglobals)
            .map(|_| Rc::new(RefCell::new(Value::Nil)))
            .collect();
        Ok(Machine {
            prog,
            ids,
            by_id,
            measured,
            gs: Vec::new(),
            spawned: HashMap::new(),
            globals,
            boxed: Vec::new(),
            deferred: HashMap::new(),
            halt: None,
            budget: u64::MAX,
            memory_budget: u64::MAX,
            interrupt: None,
        })
    }

    /// Run on `rt` until the process ends.
    pub fn run(&mut self, rt: &mut Runtime) -> Ending {
        let (init, main) = (self.ids[self.prog.init], self.ids[self.prog.main]);
        rt.run(self, Some(init), main)
    }

    fn code(&self, f: usize) -> &Code {
        &self.prog.funcs[f]
    }

    /// The return address of a call at `site` in `caller` to `callee`.
    fn ret(&self, rt: &Runtime, caller: usize, callee: &str, site: &Site) -> Addr {
        let name = &self.code(caller).name;
        let off = self
            .measured
            .call(name, callee, site.line, usize::from(site.nth))
            .map_or(1, |c| c.ret_off);
        rt.tab.entry(self.ids[caller]) + u64::from(off)
    }

    fn state(&mut self, g: GId) -> &mut GState {
        if self.gs.len() <= usize::from(g) {
            self.gs.resize_with(usize::from(g) + 1, || None);
        }
        self.gs[usize::from(g)].get_or_insert_with(GState::default)
    }

    /// The word a value is when it crosses a channel or an argument frame.
    fn word(&mut self, rt: &Runtime, v: &Value) -> u64 {
        match v {
            Value::Int(n) => *n as u64,
            Value::Bool(b) => u64::from(*b),
            Value::Chan(Some(c)) => rt.chans[*c].addr,
            Value::Chan(None) | Value::Nil => 0,
            Value::Array(_) => {
                unreachable!("the compiler keeps arrays out of frames and channels")
            }
            Value::Str(_) | Value::Func(_) | Value::Struct(_) | Value::Slice(_) => {
                self.boxed.push(v.clone());
                (self.boxed.len() - 1) as u64
            }
        }
    }

    /// Arguments as 6g lays them out in the caller's frame: each at an
    /// offset aligned to its size (at most 8), packed into words, so that
    /// two ints share one and tracebacks print what the real ones do.
    fn pack(&mut self, rt: &Runtime, types: &[Ty], args: &[Value]) -> Vec<u64> {
        let mut bytes: Vec<u8> = Vec::new();
        for (ty, v) in types.iter().zip(args) {
            let size = ty.size() as usize;
            let align = size.clamp(1, 8);
            bytes.resize(bytes.len().div_ceil(align) * align, 0);
            let mut put = |w: u64, n: usize| bytes.extend_from_slice(&w.to_le_bytes()[..n]);
            match (ty, v) {
                (Ty::Str, Value::Str(s)) => {
                    let len = s.len() as u64;
                    let ptr = self.word(rt, v);
                    put(ptr, 8);
                    put(len, 8);
                }
                // Array pointer, then 32-bit len and cap.
                (Ty::Slice(_), Value::Slice(s)) => {
                    let len = s.borrow().len() as u64;
                    let ptr = self.word(rt, v);
                    put(ptr, 8);
                    put(len | len << 32, 8);
                }
                _ => {
                    let w = self.word(rt, v);
                    put(w, size);
                }
            }
        }
        bytes.resize(bytes.len().div_ceil(8) * 8, 0);
        bytes
            .chunks(8)
            .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect()
    }

    /// A channel's element back from its word.
    fn unword(&self, rt: &Runtime, ty: &Ty, w: u64) -> Value {
        match ty {
            Ty::Int { .. } => Value::Int(w as i64),
            Ty::Bool => Value::Bool(w != 0),
            Ty::Chan(_) => Value::Chan(
                rt.chans
                    .iter()
                    .position(|c| c.addr == w)
                    .map(|i| ChanId(i as u32)),
            ),
            Ty::Str | Ty::Func(_) | Ty::Struct(_) | Ty::Slice(_) => {
                if w == 0 && self.boxed.is_empty() {
                    return zero(ty);
                }
                self.boxed
                    .get(w as usize)
                    .cloned()
                    .unwrap_or_else(|| zero(ty))
            }
            Ty::Nil => Value::Nil,
            Ty::Array(..) | Ty::Eface => {
                unreachable!("the compiler keeps arrays and interfaces out of channels")
            }
        }
    }

    /// A frame for `func` with its arguments (after a closure's cells).
    /// A frame for `func` with its arguments (after a closure's cells),
    /// entered with SP at `sp`.
    fn frame(&self, func: usize, closure: Option<&Closure>, args: Vec<Value>, sp: Addr) -> Frame {
        let code = self.code(func);
        let mut locals: Vec<Cell> = closure.map(|c| c.cells.clone()).unwrap_or_default();
        locals.extend(args.into_iter().map(|v| Rc::new(RefCell::new(v))));
        while locals.len() < usize::from(code.nlocals) {
            locals.push(Rc::new(RefCell::new(Value::Nil)));
        }
        Frame {
            func,
            pc: 0,
            locals,
            stack: Vec::new(),
            deferred_done: false,
            deferred: false,
            sp,
        }
    }

    fn fail(&mut self, msg: String) -> Stop {
        self.halt(Halt::Unmodelled(msg))
    }

    fn halt(&mut self, why: Halt) -> Stop {
        self.halt.get_or_insert(why);
        Stop::End(Ending::Exit(2))
    }

    /// Execute one instruction of goroutine `g`.
    fn step(&mut self, rt: &mut Runtime, g: GId) -> Result<(), Stop> {
        let st = self.gs[usize::from(g)].as_mut().expect("started");
        let fr = st.frames.last_mut().expect("a frame runs");
        let func = fr.func;
        let ins = self.prog.funcs[func].ins[fr.pc].clone();
        fr.pc += 1;
        match ins {
            Ins::Const(c) => {
                let v = match c {
                    Const::Int(n) => Value::Int(n),
                    Const::Bool(b) => Value::Bool(b),
                    Const::Str(s) => Value::Str(s),
                    Const::Nil => Value::Nil,
                };
                fr.stack.push(v);
            }
            Ins::Load(slot) => {
                let v = match slot {
                    Slot::Local(i) => fr.locals[usize::from(i)].borrow().clone(),
                    Slot::Global(i) => self.globals[usize::from(i)].borrow().clone(),
                    Slot::Captured(_) => unreachable!("finished code has no captured slots"),
                };
                fr.stack.push(v);
            }
            Ins::Store(slot) => {
                let v = fr.stack.pop().expect("a value");
                match slot {
                    Slot::Local(i) => *fr.locals[usize::from(i)].borrow_mut() = v,
                    Slot::Global(i) => *self.globals[usize::from(i)].borrow_mut() = v,
                    Slot::Captured(_) => unreachable!("finished code has no captured slots"),
                }
            }
            Ins::Pop => {
                fr.stack.pop();
            }
            Ins::Zero(ty) => fr.stack.push(zero(&ty)),
            Ins::Index => {
                let Some(Value::Int(i)) = fr.stack.pop() else {
                    unreachable!("typed")
                };
                let a = fr.stack.pop().expect("an array or slice");
                match element(&a, i) {
                    Some(v) => fr.stack.push(v),
                    None => return Err(self.panicindex(rt, g)),
                }
            }
            Ins::LoadElem(slot) => {
                let Some(Value::Int(i)) = fr.stack.pop() else {
                    unreachable!("typed")
                };
                let v = match slot {
                    Slot::Local(l) => element(&fr.locals[usize::from(l)].borrow(), i),
                    Slot::Global(l) => element(&self.globals[usize::from(l)].borrow(), i),
                    Slot::Captured(_) => unreachable!("finished code has no captured slots"),
                };
                match v {
                    Some(v) => fr.stack.push(v),
                    None => return Err(self.panicindex(rt, g)),
                }
            }
            Ins::Recover { site } => {
                // recover's argp: the caller's SP at entry plus 8.
                let argp = fr.sp + u64::from(rt.tab.get(self.ids[func]).frame) + 8;
                let ret = self.ret(rt, func, "runtime.recover", &site);
                let v = rt.recover(ret, argp)?;
                self.push(g, v.map_or(Value::Nil, |w| Value::Int(w as i64)));
            }
            Ins::CmpString { site } => {
                let (Some(Value::Str(b)), Some(Value::Str(a))) = (fr.stack.pop(), fr.stack.pop())
                else {
                    unreachable!("typed")
                };
                let ret = self.ret(rt, func, "runtime.cmpstring", &site);
                let v = rt.cmpstring(ret, &a, &b)?;
                self.push(g, Value::Int(v));
            }
            Ins::Concat { n, site } => {
                let parts = fr.stack.split_off(fr.stack.len() - usize::from(n));
                let parts: Vec<&str> = parts
                    .iter()
                    .map(|p| match p {
                        Value::Str(s) => &**s,
                        _ => unreachable!("typed"),
                    })
                    .collect();
                let ret = self.ret(rt, func, "runtime.concatstring", &site);
                let out = rt.concatstring(ret, &parts)?;
                self.push(g, Value::Str(Rc::from(out)));
            }
            Ins::MakeStruct(n) => {
                let fields = fr.stack.split_off(fr.stack.len() - usize::from(n));
                fr.stack.push(Value::Struct(fields));
            }
            Ins::Field(i) => {
                let Some(Value::Struct(mut fields)) = fr.stack.pop() else {
                    unreachable!("typed")
                };
                fr.stack.push(fields.swap_remove(usize::from(i)));
            }
            Ins::Dup => {
                let v = fr.stack.last().expect("a value").clone();
                fr.stack.push(v);
            }
            Ins::MakeSlice { elem, site } => {
                let Some(Value::Int(n)) = fr.stack.pop() else {
                    unreachable!("typed")
                };
                let Ok(n) = u32::try_from(n) else {
                    return Err(self.fail(
                        "makeslice: len out of range (runtime.panicstring is not modelled here)"
                            .into(),
                    ));
                };
                let ret = self.ret(rt, func, "runtime.makeslice", &site);
                rt.makeslice(ret, elem.size(), n, elem.has_pointers())?;
                let v = Value::Slice(Rc::new(RefCell::new(vec![zero(&elem); n as usize])));
                self.push(g, v);
            }
            Ins::SliceLit { n, size, site } => {
                let elems = fr.stack.split_off(fr.stack.len() - n as usize);
                let ret = self.ret(rt, func, "runtime.new", &site);
                rt.new_object(ret, size)?;
                self.push(g, Value::Slice(Rc::new(RefCell::new(elems))));
            }
            Ins::Cap => {
                let n = match fr.stack.pop() {
                    Some(Value::Chan(Some(c))) => i64::from(rt.chans[c].dataqsiz),
                    Some(Value::Array(a)) => a.len() as i64,
                    Some(Value::Slice(s)) => s.borrow().len() as i64,
                    _ => 0,
                };
                fr.stack.push(Value::Int(n));
            }
            Ins::StoreIndex(slot) => {
                let v = fr.stack.pop().expect("a value");
                let Some(Value::Int(i)) = fr.stack.pop() else {
                    unreachable!("typed")
                };
                let cell = match slot {
                    Slot::Local(l) => fr.locals[usize::from(l)].clone(),
                    Slot::Global(l) => self.globals[usize::from(l)].clone(),
                    Slot::Captured(_) => unreachable!("finished code has no captured slots"),
                };
                let stored = match &mut *cell.borrow_mut() {
                    Value::Array(a) => store(a, i, v),
                    Value::Slice(s) => store(&mut s.borrow_mut(), i, v),
                    _ => unreachable!("typed"),
                };
                if !stored {
                    return Err(self.panicindex(rt, g));
                }
            }
            Ins::New { size, site } => {
                let ret = self.ret(rt, func, "runtime.new", &site);
                rt.new_object(ret, size)?;
            }
            Ins::Bin(op, ty) => {
                let b = fr.stack.pop().expect("rhs");
                let a = fr.stack.pop().expect("lhs");
                let v = match binop(op, &ty, a, b) {
                    Ok(v) => v,
                    Err(msg) => return Err(self.fail(msg)),
                };
                fr.stack.push(v);
            }
            Ins::Neg(ty) => {
                let Value::Int(n) = fr.stack.pop().expect("a value") else {
                    unreachable!("typed")
                };
                fr.stack.push(Value::Int(wrap(&ty, n.wrapping_neg())));
            }
            Ins::Complement(ty) => {
                let Value::Int(n) = fr.stack.pop().expect("a value") else {
                    unreachable!("typed")
                };
                fr.stack.push(Value::Int(wrap(&ty, !n)));
            }
            Ins::Not => {
                let Value::Bool(b) = fr.stack.pop().expect("a value") else {
                    unreachable!("typed")
                };
                fr.stack.push(Value::Bool(!b));
            }
            Ins::Jump(to) => fr.pc = to,
            Ins::JumpIfNot(to) => {
                if fr.stack.pop() == Some(Value::Bool(false)) {
                    fr.pc = to;
                }
            }
            Ins::Call {
                func: callee,
                nargs,
                site,
            } => {
                let args = fr.stack.split_off(fr.stack.len() - usize::from(nargs));
                self.call(rt, g, func, callee, None, args, &site)?;
            }
            Ins::CallValue { nargs, site } => {
                let args = fr.stack.split_off(fr.stack.len() - usize::from(nargs));
                let Some(Value::Func(c)) = fr.stack.pop() else {
                    return Err(self.fail("call of a nil function value".into()));
                };
                let callee = c.func;
                self.call(rt, g, func, callee, Some(c), args, &site)?;
            }
            Ins::Closure {
                func: f,
                captures,
                site,
            } => {
                let cells = captures
                    .iter()
                    .map(|s| match s {
                        Slot::Local(i) => fr.locals[usize::from(*i)].clone(),
                        _ => unreachable!("captures are locals"),
                    })
                    .collect();
                let closure = Rc::new(Closure { func: f, cells });
                let n = closure.cells.len();
                let ret = self.ret(rt, func, "runtime.closure", &site);
                rt.closure(ret, n)?;
                self.push(g, Value::Func(closure));
            }
            Ins::Go {
                func: callee,
                nargs,
                site,
            } => {
                let args = fr.stack.split_off(fr.stack.len() - usize::from(nargs));
                let (callee, closure) = match callee {
                    Some(c) => (c, None),
                    None => match fr.stack.pop() {
                        Some(Value::Func(c)) => (c.func, Some(c)),
                        _ => return Err(self.fail("go of a nil function value".into())),
                    },
                };
                let params = self.prog.funcs[callee].sig.params.clone();
                let words = self.pack(rt, &params, &args);
                let ret = self.ret(rt, func, "runtime.newproc", &site);
                let ng = rt.go_stmt(ret, self.ids[callee], &words)?;
                self.spawned.insert(ng, (closure, args));
            }
            Ins::Ret if self.prog.funcs[func].has_defer && !fr.deferred_done => {
                // 6g's CALL deferreturn before the RET: it runs the
                // innermost deferred call of this frame, whose return
                // comes back onto the CALL; the Ret runs again until none
                // is left.
                fr.pc -= 1;
                let name = self.prog.funcs[func].name.clone();
                let off = self
                    .measured
                    .last_call(&name, "runtime.deferreturn")
                    .map_or(1, |c| c.ret_off);
                let ret = rt.tab.entry(self.ids[func]) + u64::from(off);
                if rt.deferreturn(ret)?.is_none() {
                    self.gs[usize::from(g)]
                        .as_mut()
                        .and_then(|st| st.frames.last_mut())
                        .expect("the returning frame")
                        .deferred_done = true;
                }
            }
            Ins::Ret => {
                let code = &self.prog.funcs[func];
                let nres = code.sig.results.len();
                let st = self.gs[usize::from(g)].as_mut().expect("started");
                let mut fr = st.frames.pop().expect("a frame");
                let results = fr.stack.split_off(fr.stack.len() - nres);
                if let Some(caller) = st.frames.last_mut().filter(|_| !fr.deferred) {
                    caller.stack.extend(results);
                }
                rt.ret_go(self.ids[func])?;
            }
            Ins::DeferPrint {
                format,
                verbs,
                site,
            } => {
                let args = fr.stack.split_off(fr.stack.len() - verbs.len());
                let mut types = vec![Ty::Str];
                let mut values = vec![Value::Str(format.clone())];
                let mut printed = Vec::new();
                for (verb, v) in verbs.iter().zip(args) {
                    let (ty, p) = match (verb, &v) {
                        ('S', Value::Str(s)) => (Ty::Str, Verb::S(s.to_string())),
                        ('D', Value::Int(n)) => (I64, Verb::D(*n)),
                        ('U', Value::Int(n)) => (U64, Verb::U(*n as u64)),
                        ('t', Value::Bool(b)) => (Ty::Bool, Verb::T(*b)),
                        ('p', _) => {
                            let w = self.word(rt, &v);
                            (Ty::Nil, Verb::P(w))
                        }
                        _ => unreachable!("typed"),
                    };
                    types.push(ty);
                    values.push(v);
                    printed.push(p);
                }
                let words = self.pack(rt, &types, &values);
                let goprintf = rt.tab.lookup("runtime.goprintf").expect("in every table");
                let ret = self.ret(rt, func, "runtime.deferproc", &site);
                rt.deferproc(ret, goprintf, &words)?;
                self.deferred
                    .entry(g)
                    .or_default()
                    .push(Deferred::Print(format, printed));
            }
            Ins::Defer {
                func: callee,
                nargs,
                site,
            } => {
                let args = fr.stack.split_off(fr.stack.len() - usize::from(nargs));
                let params = self.prog.funcs[callee].sig.params.clone();
                let words = self.pack(rt, &params, &args);
                let ret = self.ret(rt, func, "runtime.deferproc", &site);
                rt.deferproc(ret, self.ids[callee], &words)?;
                self.deferred
                    .entry(g)
                    .or_default()
                    .push(Deferred::Call(callee, args));
            }
            Ins::Panic { convert, site } => {
                let Some(Value::Str(text)) = fr.stack.pop() else {
                    unreachable!("typed")
                };
                let ret = self.ret(rt, func, "runtime.convT2E", &convert);
                let data = rt.convt2e(ret, Ty::Str.size())?;
                let ret = self.ret(rt, func, "runtime.panic", &site);
                rt.panic(ret, data.unwrap_or(0), &text)?;
            }
            Ins::MakeChan { hint, elem, site } => {
                let n = if hint {
                    match fr.stack.pop() {
                        Some(Value::Int(n)) => n as u32,
                        _ => 0,
                    }
                } else {
                    0
                };
                let ret = self.ret(rt, func, "runtime.makechan", &site);
                let c = rt.makechan(ret, elem.size(), n)?;
                self.push(g, Value::Chan(Some(c)));
            }
            Ins::Send { site } => {
                let v = fr.stack.pop().expect("a value");
                let Some(Value::Chan(Some(c))) = fr.stack.pop() else {
                    return Err(
                        self.fail("send on a nil channel blocks forever (not modelled)".into())
                    );
                };
                let w = self.word(rt, &v);
                let ret = self.ret(rt, func, "runtime.chansend1", &site);
                rt.chansend(ret, c, w)?;
            }
            Ins::Recv { elem, site } => {
                let Some(Value::Chan(Some(c))) = fr.stack.pop() else {
                    return Err(self
                        .fail("receive from a nil channel blocks forever (not modelled)".into()));
                };
                let ret = self.ret(rt, func, "runtime.chanrecv1", &site);
                self.state(g).awaiting = Some(Await::Recv(elem.clone()));
                let w = rt.chanrecv(ret, c)?;
                self.state(g).awaiting = None;
                let v = self.unword(rt, &elem, w);
                self.push(g, v);
            }
            Ins::Close { site } => {
                let Some(Value::Chan(Some(c))) = fr.stack.pop() else {
                    return Err(self.fail("close of a nil channel".into()));
                };
                let ret = self.ret(rt, func, "runtime.closechan", &site);
                rt.closechan(ret, c)?;
            }
            Ins::Closed => {
                let v = match fr.stack.pop() {
                    Some(Value::Chan(Some(c))) => rt.chans[c].rclosed,
                    _ => false,
                };
                fr.stack.push(Value::Bool(v));
            }
            Ins::Len => {
                let n = match fr.stack.pop() {
                    Some(Value::Chan(Some(c))) => rt.chans[c].len() as i64,
                    Some(Value::Str(s)) => s.len() as i64,
                    Some(Value::Array(a)) => a.len() as i64,
                    Some(Value::Slice(s)) => s.borrow().len() as i64,
                    _ => 0,
                };
                fr.stack.push(Value::Int(n));
            }
            Ins::Print { kind, site } => {
                let v = match kind {
                    PrintKind::Sp | PrintKind::Nl => Value::Nil,
                    _ => fr.stack.pop().expect("a value"),
                };
                let callee = match kind {
                    PrintKind::Int => "runtime.printint",
                    PrintKind::Uint => "runtime.printuint",
                    PrintKind::Bool => "runtime.printbool",
                    PrintKind::Str => "runtime.printstring",
                    PrintKind::Pointer => "runtime.printpointer",
                    PrintKind::Sp => "runtime.printsp",
                    PrintKind::Nl => "runtime.printnl",
                };
                let ret = self.ret(rt, func, callee, &site);
                let word = self.word(rt, &v);
                let arg = match (&kind, &v) {
                    (PrintKind::Int, Value::Int(n)) => PrintArg::Int(*n),
                    (PrintKind::Uint, Value::Int(n)) => PrintArg::Uint(*n as u64),
                    (PrintKind::Bool, Value::Bool(b)) => PrintArg::Bool(*b),
                    (PrintKind::Str, Value::Str(s)) => {
                        let s = s.clone();
                        return rt.print_arg(ret, &PrintArg::Str(&s));
                    }
                    (PrintKind::Pointer, _) => PrintArg::Pointer(word),
                    (PrintKind::Sp, _) => PrintArg::Sp,
                    (PrintKind::Nl, _) => PrintArg::Nl,
                    _ => unreachable!("print kinds match their values' types"),
                };
                rt.print_arg(ret, &arg)?;
            }
            Ins::Gosched { site } => {
                let ret = self.ret(rt, func, "runtime.Gosched", &site);
                rt.gosched_go(ret)?;
            }
            Ins::Block { site } => {
                let ret = self.ret(rt, func, "runtime.block", &site);
                rt.block_forever(ret)?;
            }
            Ins::JumpTable(targets) => {
                let Some(Value::Int(i)) = fr.stack.pop() else {
                    unreachable!("an index")
                };
                fr.pc = targets[i as usize];
            }
            Ins::SelectNb { case, site } => {
                let (sel, callee) = match &case {
                    SelKind::Send(_) => {
                        let v = fr.stack.pop().expect("a value");
                        let ch = fr.stack.pop();
                        let Some(Value::Chan(Some(c))) = ch else {
                            // A nil channel never communicates: default.
                            self.push(g, Value::Nil);
                            self.push(g, Value::Int(1));
                            return Ok(());
                        };
                        (SelCase::Send(c, self.word(rt, &v)), "runtime.selectnbsend")
                    }
                    SelKind::Recv(_) => {
                        let Some(Value::Chan(Some(c))) = fr.stack.pop() else {
                            self.push(g, Value::Nil);
                            self.push(g, Value::Int(1));
                            return Ok(());
                        };
                        (SelCase::Recv(c), "runtime.selectnbrecv")
                    }
                    SelKind::Default => unreachable!("the case is not the default"),
                };
                let ret = self.ret(rt, func, callee, &site);
                let (fired, w) = rt.select_nb(ret, sel)?;
                let v = match &case {
                    SelKind::Recv(ty) if fired => self.unword(rt, ty, w),
                    _ => Value::Nil,
                };
                self.push(g, v);
                self.push(g, Value::Int(i64::from(!fired)));
            }
            Ins::Select { cases, site } => {
                let mut operands = Vec::new();
                for k in cases.iter().rev() {
                    operands.push(match k {
                        SelKind::Send(_) => {
                            let v = fr.stack.pop().expect("a value");
                            (fr.stack.pop(), Some(v))
                        }
                        SelKind::Recv(_) => (fr.stack.pop(), None),
                        SelKind::Default => (None, None),
                    });
                }
                operands.reverse();
                let mut sel = Vec::new();
                for (k, (ch, v)) in cases.iter().zip(operands) {
                    sel.push(match (k, ch) {
                        (SelKind::Default, _) => Some(SelCase::Default),
                        (SelKind::Send(_), Some(Value::Chan(Some(c)))) => {
                            let w = self.word(rt, &v.expect("a value"));
                            Some(SelCase::Send(c, w))
                        }
                        (SelKind::Recv(_), Some(Value::Chan(Some(c)))) => Some(SelCase::Recv(c)),
                        // A nil channel's case is left out.
                        _ => None,
                    });
                }
                let ret = self.ret(rt, func, "runtime.selectgo", &site);
                self.state(g).awaiting = Some(Await::Select(cases.clone()));
                let (i, w) = rt.select(ret, &sel)?;
                self.state(g).awaiting = None;
                self.selected(rt, g, &cases, i, w);
            }
        }
        Ok(())
    }

    /// Push a select's outcome: the received value (or nil), the index.
    fn selected(&mut self, rt: &Runtime, g: GId, cases: &[SelKind], i: usize, w: u64) {
        let v = match &cases[i] {
            SelKind::Recv(ty) => self.unword(rt, ty, w),
            _ => Value::Nil,
        };
        self.push(g, v);
        self.push(g, Value::Int(i as i64));
    }

    /// An index out of range in `g`'s running instruction: 6g's bounds
    /// check calls runtime·panicindex from that line (the first such call
    /// on it, when a line has several).
    fn panicindex(&mut self, rt: &mut Runtime, g: GId) -> Stop {
        let fr = self.gs[usize::from(g)]
            .as_ref()
            .and_then(|st| st.frames.last())
            .expect("a frame runs");
        let code = &self.prog.funcs[fr.func];
        let line = code.lines[fr.pc - 1];
        let off = self
            .measured
            .call(&code.name, "runtime.panicindex", line, 0)
            .map_or(1, |c| c.ret_off);
        let ret = rt.tab.entry(self.ids[fr.func]) + u64::from(off);
        match rt.panicindex(ret) {
            Err(stop) => stop,
            Ok(()) => unreachable!("runtime·panic does not return"),
        }
    }

    /// A recovery: drop the frames above the one whose SP is `argp` and
    /// go on where its deferproc "returned 1": its recovery epilogue.
    fn unwind_to(&mut self, g: GId, argp: Addr) {
        let st = self.gs[usize::from(g)].as_mut().expect("started");
        let k = st
            .frames
            .iter()
            .rposition(|fr| fr.sp == argp)
            .expect("the recovering frame is on the stack");
        st.frames.truncate(k + 1);
        let fr = &mut st.frames[k];
        fr.stack.clear();
        fr.deferred_done = false;
        fr.pc = self.prog.funcs[fr.func]
            .recover_at
            .expect("a function that deferred has a recovery epilogue");
    }

    fn push(&mut self, g: GId, v: Value) {
        let st = self.gs[usize::from(g)].as_mut().expect("started");
        st.frames.last_mut().expect("a frame").stack.push(v);
    }

    #[allow(clippy::too_many_arguments)]
    fn call(
        &mut self,
        rt: &mut Runtime,
        g: GId,
        caller: usize,
        callee: usize,
        closure: Option<Rc<Closure>>,
        args: Vec<Value>,
        site: &Site,
    ) -> Result<(), Stop> {
        let params = self.code(callee).sig.params.clone();
        let words = self.pack(rt, &params, &args);
        let name = if closure.is_some() {
            "*"
        } else {
            self.code(callee).name.as_str()
        };
        let name = name.to_string();
        let ret = self.ret(rt, caller, &name, site);
        rt.call_go(ret, self.ids[callee], &words)?;
        let frame = self.frame(callee, closure.as_deref(), args, rt.sp);
        self.gs[usize::from(g)]
            .as_mut()
            .expect("started")
            .frames
            .push(frame);
        Ok(())
    }
}

impl Program for Machine {
    fn run(&mut self, rt: &mut Runtime) -> Stop {
        let g = rt.curg();
        let awaiting = self
            .gs
            .get_mut(usize::from(g))
            .and_then(|s| s.as_mut())
            .and_then(|s| s.awaiting.take());
        match awaiting {
            Some(Await::Recv(ty)) => {
                let w = rt.take_result(g).unwrap_or(0);
                let v = self.unword(rt, &ty, w);
                self.push(g, v);
            }
            Some(Await::Select(cases)) => {
                let (i, w) = rt.take_selected(g).expect("a woken select took a case");
                self.selected(rt, g, &cases, i, w);
            }
            None => {}
        }
        if let Some(argp) = rt.take_recovery(g) {
            self.unwind_to(g, argp);
        }
        loop {
            if let Some((f, kind)) = rt.take_start(g) {
                if kind == Start::Deferred {
                    match self.deferred.get_mut(&g).and_then(Vec::pop) {
                        // goprintf runs here and returns, into
                        // deferreturn's CALL or the panic.
                        Some(Deferred::Print(format, verbs)) => {
                            let r = rt.goprintf(&format, &verbs).and_then(|()| rt.ret_go(f));
                            if let Err(stop) = r {
                                return stop;
                            }
                        }
                        // A function: its frame goes on top; its Ret
                        // returns the same way.
                        Some(Deferred::Call(callee, args)) => {
                            let mut frame = self.frame(callee, None, args, rt.sp);
                            frame.deferred = true;
                            self.state(g).frames.push(frame);
                        }
                        None => unreachable!("the runtime runs only calls the program deferred"),
                    }
                    continue;
                }
                let func = self.by_id[&f];
                let (closure, args) = self.spawned.remove(&g).unwrap_or_default();
                let frame = self.frame(func, closure.as_deref(), args, rt.sp);
                let st = self.state(g);
                st.frames = vec![frame];
            }
            if self.budget == 0 {
                return self.halt(Halt::Steps);
            }
            self.budget -= 1;
            // These checks are cheap but not free: every 4096 steps.
            if self.budget % 4096 == 0 {
                if rt.heap.sys_bytes() > self.memory_budget {
                    return self.halt(Halt::Memory(rt.heap.sys_bytes()));
                }
                if self.interrupt.is_some_and(|asked| asked()) {
                    return self.halt(Halt::Interrupted);
                }
            }
            if let Err(stop) = self.step(rt, g) {
                return stop;
            }
        }
    }
}

const I64: Ty = Ty::Int {
    bits: 64,
    signed: true,
};
const U64: Ty = Ty::Int {
    bits: 64,
    signed: false,
};

fn zero(ty: &Ty) -> Value {
    match ty {
        Ty::Int { .. } => Value::Int(0),
        Ty::Bool => Value::Bool(false),
        Ty::Str => Value::Str(Rc::from("")),
        Ty::Chan(_) => Value::Chan(None),
        Ty::Func(_) | Ty::Nil => Value::Nil,
        Ty::Array(n, elem) => Value::Array(vec![zero(elem); *n as usize]),
        Ty::Slice(_) => Value::Slice(Rc::default()),
        Ty::Struct(st) => Value::Struct(st.fields.iter().map(|(_, t)| zero(t)).collect()),
        Ty::Eface => Value::Nil,
    }
}

/// Element `i` of an array or slice.
fn element(a: &Value, i: i64) -> Option<Value> {
    let i = usize::try_from(i).ok()?;
    match a {
        Value::Array(a) => a.get(i).cloned(),
        Value::Slice(s) => s.borrow().get(i).cloned(),
        _ => unreachable!("typed"),
    }
}

/// Store `v` as element `i` of `a`; false when `i` is out of range.
fn store(a: &mut [Value], i: i64, v: Value) -> bool {
    match usize::try_from(i).ok().and_then(|i| a.get_mut(i)) {
        Some(e) => {
            *e = v;
            true
        }
        None => false,
    }
}

/// `n` as a value of `ty`: wrapped to its width and signedness.
fn wrap(ty: &Ty, n: i64) -> i64 {
    match ty {
        Ty::Int { bits: 64, .. } => n,
        Ty::Int { bits, signed: true } => {
            let shift = 64 - u32::from(*bits);
            (n << shift) >> shift
        }
        Ty::Int {
            bits,
            signed: false,
        } => n & ((1i64 << bits) - 1),
        _ => n,
    }
}

fn binop(op: BinOp, ty: &Ty, a: Value, b: Value) -> Result<Value, String> {
    use BinOp::*;
    Ok(match (a, b) {
        (Value::Int(x), Value::Int(y)) => match op {
            Add => Value::Int(wrap(ty, x.wrapping_add(y))),
            Sub => Value::Int(wrap(ty, x.wrapping_sub(y))),
            Mul => Value::Int(wrap(ty, x.wrapping_mul(y))),
            Div | Rem if y == 0 => {
                return Err("integer divide by zero (a signal panic, not modelled)".into())
            }
            Div => Value::Int(wrap(ty, x.wrapping_div(y))),
            Rem => Value::Int(wrap(ty, x.wrapping_rem(y))),
            And => Value::Int(x & y),
            Or => Value::Int(x | y),
            Xor => Value::Int(wrap(ty, x ^ y)),
            AndNot => Value::Int(x & !y),
            Shl => Value::Int(wrap(ty, if y >= 64 { 0 } else { x << y })),
            Shr => Value::Int(if y >= 64 { 0 } else { x >> y }),
            Eq => Value::Bool(x == y),
            Ne => Value::Bool(x != y),
            Lt => Value::Bool(x < y),
            Le => Value::Bool(x <= y),
            Gt => Value::Bool(x > y),
            Ge => Value::Bool(x >= y),
        },
        (a, b) => match op {
            Eq => Value::Bool(a == b),
            Ne => Value::Bool(a != b),
            _ => return Err(format!("operator {op:?} on {a:?} and {b:?}")),
        },
    })
}
