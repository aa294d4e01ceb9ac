//! Running compiled fixture code on the twin: a [`Program`] that executes
//! each goroutine's [`Ins`] and makes every call, go statement, channel
//! operation and print through the runtime's entry points, with the
//! return addresses and frames the real binary has (gc::frames). Each
//! goroutine's state is explicit (frames with pc and operand stack), so a
//! goroutine switch, at any runtime call, only changes which one steps.

use std::cell::RefCell;
use std::rc::Rc;

// Fx-hashed: the maps are looked up on calls and channel words, and
// SipHash showed in profiles.
use rustc_hash::FxHashMap as HashMap;

use super::compile::{
    assert_fn, method_fits, BinOp, Code, Const, Fused, IfaceTy, Ins, Operand, PrintKind,
    Program as Compiled, SelKind, Sig, Site, Slot, Step, StrCmp, Then, Ty, BYTE,
};
use super::frames::Figures;
use super::types::PTR;
use crate::chan::{ChanId, SelCase, SelectSetup};
use crate::hashmap::{IterId, MapId, MapType};
use crate::iface::{Compared, Eface, Fit, InterRef, TypeRef, TYPE_ASSERTION_ERROR};
use crate::print::{PrintArg, Verb};
use crate::proc::{GId, Program, Runtime, Start};
use crate::runtime::Alg;
use crate::signal::Fault;
use crate::slice::{Elem, SliceHdr};
use crate::symtab::{Func, FuncId, SymtabError};
use crate::{Addr, Ending, Stop};

/// A value of the fixture's code.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Float(f64),
    Float32(f32),
    /// A complex128: its real and imaginary parts.
    Complex(f64, f64),
    /// A complex64: its parts, each a float32.
    Complex64(f32, f32),
    Bool(bool),
    Str(Rc<str>),
    Chan(Option<ChanId>),
    Func(Rc<Closure>),
    /// A fixed array's elements (a value: copied as it is loaded).
    Array(Vec<Value>),
    /// A fixed array of bytes, a byte each (deep frames hold big ones).
    Bytes(Vec<u8>),
    /// A fixed array of other integers, a word each.
    Ints(Vec<i64>),
    /// A slice: a window on an array (an Array, Bytes or Ints value in a
    /// cell shared by every slice of it and by the array variable it was
    /// sliced from), from element `off`, `len` long with room for `cap`
    /// (the array holds at least `off + cap` elements); `addr` is where
    /// its first element is (0 where the twin does not know).
    Slice {
        arr: Cell,
        addr: Addr,
        off: u32,
        len: u32,
        cap: u32,
    },
    /// A struct's fields.
    Struct(Vec<Value>),
    /// A map (None: a nil one).
    Map(Option<MapId>),
    /// A non-nil pointer.
    Ptr(Rc<Pointer>),
    /// A non-nil interface value: its dynamic part, and its first word
    /// (the type of an interface{}, the itab of an interface with methods).
    Iface(Rc<Dyn>, Addr),
    Nil,
}

/// An interface value's dynamic type and value, and its data word.
#[derive(Debug, PartialEq)]
pub struct Dyn {
    pub ty: Ty,
    pub val: Value,
    pub data: Addr,
}

/// A function value: compiled code, the cells it captured, and the
/// address of its code (runtime·closure's trampoline).
#[derive(Debug, PartialEq)]
pub struct Closure {
    pub func: usize,
    pub cells: Vec<Cell>,
    pub addr: Addr,
}

type Cell = Rc<RefCell<Value>>;

/// What a non-nil pointer points at: a variable (a heap cell), or a field
/// or element inside one (`&x.f`, `&a[i]`), reached from the cell by the
/// fields' and elements' indexes in `path`; and its address (0 where the
/// twin does not know it).
#[derive(Debug, PartialEq)]
pub struct Pointer {
    pub cell: Cell,
    pub path: Box<[u32]>,
    pub addr: Addr,
}

/// What a path of indexes reaches inside a value: a value, or an element
/// of a compact array (kept as bytes or words, not as values).
enum Target<'a> {
    Value(&'a mut Value),
    Compact(&'a mut Value, i64),
}

/// Follow `path` (field and element indexes) down from `v`.
fn descend<'a>(mut v: &'a mut Value, path: &[u32]) -> Target<'a> {
    for (n, &i) in path.iter().enumerate() {
        v = match v {
            Value::Struct(fields) => &mut fields[i as usize],
            Value::Array(elems) => &mut elems[i as usize],
            compact @ (Value::Bytes(_) | Value::Ints(_)) if n + 1 == path.len() => {
                return Target::Compact(compact, i64::from(i));
            }
            _ => unreachable!("typed"),
        };
    }
    Target::Value(v)
}

impl Pointer {
    /// A pointer to the whole variable in `cell`.
    fn to(cell: Cell, addr: Addr) -> Value {
        Value::Ptr(Rc::new(Pointer {
            cell,
            path: Box::default(),
            addr,
        }))
    }

    /// `*p`.
    fn load(&self) -> Value {
        match descend(&mut self.cell.borrow_mut(), &self.path) {
            Target::Value(v) => v.clone(),
            Target::Compact(a, i) => element(a, i).expect("in range"),
        }
    }

    /// `*p = v`.
    fn store(&self, v: Value) {
        match descend(&mut self.cell.borrow_mut(), &self.path) {
            Target::Value(place) => *place = v,
            Target::Compact(a, i) => {
                store(a, i, v);
            }
        }
    }

    /// Run `f` on the struct it points at.
    fn with_fields<R>(&self, f: impl FnOnce(&mut Vec<Value>) -> R) -> R {
        match descend(&mut self.cell.borrow_mut(), &self.path) {
            Target::Value(Value::Struct(fields)) => f(fields),
            _ => unreachable!("typed"),
        }
    }
}

/// A local variable: its value in the frame, or, once 6g moved it to the
/// heap (a closure captures it), the cell it shares with closures.
#[derive(Debug)]
enum Local {
    Val(Value),
    Cell(Cell),
}

impl Local {
    fn get(&self) -> Value {
        match self {
            Local::Val(v) => v.clone(),
            Local::Cell(c) => c.borrow().clone(),
        }
    }

    /// Work on the value in place.
    fn with<R>(&mut self, f: impl FnOnce(&mut Value) -> R) -> R {
        match self {
            Local::Val(v) => f(v),
            Local::Cell(c) => f(&mut c.borrow_mut()),
        }
    }

    /// Its cell, for a closure (a captured variable always has one).
    fn cell(&self) -> Cell {
        match self {
            Local::Cell(c) => c.clone(),
            Local::Val(_) => unreachable!("a captured variable moved to the heap"),
        }
    }
}

#[derive(Debug)]
struct Frame {
    func: usize,
    pc: usize,
    locals: Vec<Local>,
    /// Where its operands start on the goroutine's stack.
    base: usize,
    /// Its deferreturn found nothing left: the Ret may return.
    deferred_done: bool,
    /// A deferred call's frame: its results go nowhere.
    deferred: bool,
    /// A method called through an interface: the wrapper it returns to,
    /// which returns in turn.
    wrapper: Option<FuncId>,
    /// Its SP in the body (after the prologue): where its calls' arguments
    /// go, and how a recovery finds it.
    sp: Addr,
}

/// What a parked goroutine's instruction waits to finish with.
#[derive(Debug, Clone)]
enum Await {
    /// A receive of a value of the type; with true, chanrecv3's closed
    /// flag too.
    Recv(Ty, bool),
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
    /// A function, the closure it runs in (if any) and its arguments.
    Call(usize, Option<Rc<Closure>>, Vec<Value>),
    /// runtime·closechan of a channel (None: a nil one).
    Close(Option<ChanId>),
}

/// What a go statement handed its new goroutine.
type Spawned = (Option<Rc<Closure>>, Vec<Value>);

#[derive(Debug, Default)]
struct GState {
    frames: Vec<Frame>,
    /// The operand stack of all its frames, each frame's part from its
    /// base up.
    stack: Vec<Value>,
    awaiting: Option<Await>,
}

impl GState {
    /// Enter a frame: its operands start at the stack's top.
    fn enter(&mut self, mut frame: Frame) {
        frame.base = self.stack.len();
        self.frames.push(frame);
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VmError {
    #[error(transparent)]
    Symtab(#[from] SymtabError),
    #[error("{0} has no frame in the figures")]
    NoFrame(String),
}

/// The compiled fixture, bound to a runtime.
pub struct Machine {
    prog: Compiled,
    /// Each function's instructions, shared with the step running them.
    ins: Vec<Rc<[Ins]>>,
    /// Each function's parameter types, shared with the call packing them.
    params: Vec<Rc<[Ty]>>,
    /// Room for [`Machine::pack`]'s bytes, kept from call to call.
    pack_buf: Vec<u8>,
    ids: Vec<FuncId>,
    /// The method wrappers in the binary, by name.
    wrappers: HashMap<String, FuncId>,
    by_id: HashMap<FuncId, usize>,
    figures: Figures,
    gs: Vec<Option<GState>>,
    /// A new goroutine's closure (if any) and arguments, by G.
    spawned: HashMap<GId, Spawned>,
    globals: Vec<Cell>,
    /// Where the package variables are: the twin's own placement (the
    /// real ones are in each binary's data and bss, where 6l puts them).
    global_addrs: Vec<Addr>,
    /// Values that cross channels as words: strings, slices, structs.
    boxed: Vec<Value>,
    /// The handle of each string or slice boxed, by its address.
    handles: HashMap<usize, u64>,
    /// Return offsets found, by (caller, line, nth, callee's hash).
    ret_offs: RefCell<HashMap<(usize, u32, u16, u64), u32>>,
    /// The first call the call table lacks (its return address
    /// would be a guess): the run ends unmodelled.
    unsited: RefCell<Option<String>>,
    /// Values whose word is an address (a slice's array, a string
    /// constant's bytes), by that address, once they crossed a word.
    by_addr: HashMap<Addr, Value>,
    /// Where the binary has each string constant's bytes (`string."..."`),
    /// by the constant's own data pointer in the code.
    const_strs: HashMap<usize, Addr>,
    /// Function values by the address of their code.
    closures: HashMap<Addr, Rc<Closure>>,
    /// Each map's keys and values, by the handle its table keeps.
    map_items: Vec<Vec<(Value, Value)>>,
    /// The heap address runtime·new gave each moved variable's cell.
    heap_cells: HashMap<*const RefCell<Value>, Addr>,
    /// What each pointer `&T{...}` made points at, by address.
    pointees: HashMap<Addr, Rc<Pointer>>,
    /// The interface{} values the program made, by their words (how a
    /// recovered panic value comes back).
    efaces: HashMap<Eface, Rc<Dyn>>,
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
    /// Declare the compiled functions in `rt` with their figures (measured or predicted).
    pub fn new(
        rt: &mut Runtime,
        prog: Compiled,
        figures: Figures,
        file: &str,
    ) -> Result<Machine, VmError> {
        let mut ids = Vec::new();
        for code in &prog.funcs {
            ids.push(declare(rt, &figures, &code.name, file)?);
        }
        // The wrappers 6g makes for calls through an interface: T·M·i
        // for a receiver narrower than a word, *T·M for a wider one, and
        // *T·M or T·M for a promoted method.
        let mut wrappers = HashMap::default();
        let compiled: std::collections::HashSet<&str> =
            prog.funcs.iter().map(|c| c.name.as_str()).collect();
        for name in figures.frames.keys() {
            // Every other function of the program's in the figures is one.
            if name.starts_with("main.") && !compiled.contains(name.as_str()) {
                wrappers.insert(name.clone(), declare(rt, &figures, name, file)?);
            }
        }
        if !figures.text.is_empty() {
            rt.tab.place(&figures.text);
        }
        rt.program_roots = prog
            .funcs
            .iter()
            .flat_map(|c| c.ins.iter())
            .flat_map(|ins| super::predict::callees(&prog, ins))
            .filter_map(|(name, _)| rt.tab.lookup(&name))
            .collect();
        rt.place_data(&figures.data);
        // String constants the binary names: `string."text"` (6l quotes as
        // Go does; a constant needing escapes is left to a handle).
        let placed: HashMap<&str, Addr> = figures
            .data
            .iter()
            .filter_map(|(sym, a)| Some((sym.strip_prefix("string.")?, *a)))
            .collect();
        let mut const_strs = HashMap::default();
        for ins in prog.funcs.iter().flat_map(|c| &c.ins) {
            let Ins::Const(Const::Str(s)) = ins else {
                continue;
            };
            let plain = s
                .chars()
                .all(|c| (' '..='~').contains(&c) && c != '"' && c != '\\');
            if let Some(&a) = placed.get(format!("\"{s}\"").as_str()).filter(|_| plain) {
                const_strs.insert(s.as_ptr() as usize, a);
            }
        }
        let by_id = ids.iter().enumerate().map(|(i, f)| (*f, i)).collect();
        let globals = prog
            .globals
            .iter()
            .map(|t| Rc::new(RefCell::new(zero(t))))
            .collect();
        let global_addrs = place_globals(&prog.globals);
        Ok(Machine {
            ins: prog.funcs.iter().map(|c| Rc::from(fuse(&c.ins))).collect(),
            params: prog
                .funcs
                .iter()
                .map(|c| Rc::from(c.sig.params.as_slice()))
                .collect(),
            pack_buf: Vec::new(),
            prog,
            ids,
            wrappers,
            by_id,
            figures,
            gs: Vec::new(),
            spawned: HashMap::default(),
            globals,
            global_addrs,
            boxed: Vec::new(),
            handles: HashMap::default(),
            by_addr: HashMap::default(),
            ret_offs: RefCell::default(),
            unsited: RefCell::default(),
            const_strs,
            closures: HashMap::default(),
            map_items: Vec::new(),
            heap_cells: HashMap::default(),
            pointees: HashMap::default(),
            efaces: HashMap::default(),
            deferred: HashMap::default(),
            halt: None,
            budget: u64::MAX,
            memory_budget: u64::MAX,
            interrupt: None,
        })
    }

    /// Run on `rt` until the process ends.
    pub fn run(&mut self, rt: &mut Runtime) -> Ending {
        let (init, main) = (self.ids[self.prog.init], self.ids[self.prog.main]);
        let ending = rt.run(self, Some(init), main);
        if let Some(what) = rt.unmodelled.take() {
            self.halt.get_or_insert(Halt::Unmodelled(what));
        }
        if let Some(what) = self.unsited.take().or_else(|| rt.sites.take_unsited()) {
            self.halt.get_or_insert(Halt::Unmodelled(what));
        }
        ending
    }

    fn code(&self, f: usize) -> &Code {
        &self.prog.funcs[f]
    }

    /// The return address of a call at `site` in `caller` to `callee`.
    fn ret(&self, rt: &Runtime, caller: usize, callee: &str, site: &Site) -> Addr {
        // The tables are searched by name once a site; then remembered.
        let key = (caller, site.line, site.nth, fnv(callee));
        let cached = self.ret_offs.borrow().get(&key).copied();
        let off = cached.unwrap_or_else(|| {
            let name = &self.code(caller).name;
            let off = self
                .figures
                .call(name, callee, site.line, usize::from(site.nth))
                .map_or_else(
                    || {
                        self.unsited.borrow_mut().get_or_insert_with(|| {
                            format!(
                                "{name}'s call of {callee} on line {} (#{}) is not in the call table",
                                site.line,
                                site.nth + 1
                            )
                        });
                        1
                    },
                    |c| c.ret_off,
                );
            self.ret_offs.borrow_mut().insert(key, off);
            off
        });
        rt.tab.entry(self.ids[caller]) + u64::from(off)
    }

    fn state(&mut self, g: GId) -> &mut GState {
        if self.gs.len() <= usize::from(g) {
            self.gs.resize_with(usize::from(g) + 1, || None);
        }
        self.gs[usize::from(g)].get_or_insert_with(GState::default)
    }

    /// A slice value as the runtime holds it (its array's word registered
    /// as [`Machine::word`] does).
    fn hdr(&mut self, rt: &Runtime, v: &Value) -> SliceHdr {
        let Value::Slice { len, cap, .. } = v else {
            unreachable!("typed")
        };
        let (len, cap) = (*len, *cap);
        SliceHdr {
            array: self.word(rt, v),
            len,
            cap,
        }
    }

    /// A slice as printslice prints it: its array's address must be the
    /// real one, which the twin knows but for arrays it does not place
    /// (a nil slice's is 0).
    fn printed_slice(&mut self, v: &Value) -> Result<SliceHdr, Stop> {
        let Value::Slice { addr, len, cap, .. } = *v else {
            unreachable!("typed")
        };
        if addr == 0 && cap > 0 {
            return Err(self.fail("println of a slice whose array the twin does not place".into()));
        }
        Ok(SliceHdr {
            array: addr,
            len,
            cap,
        })
    }

    /// The word a value is when it crosses a channel or an argument frame.
    fn word(&mut self, rt: &Runtime, v: &Value) -> u64 {
        match v {
            Value::Int(n) => *n as u64,
            Value::Float(f) => f.to_bits(),
            Value::Float32(f) => u64::from(f.to_bits()),
            // Real part in the low half, as it lies in memory.
            Value::Complex64(r, i) => u64::from(r.to_bits()) | u64::from(i.to_bits()) << 32,
            Value::Bool(b) => u64::from(*b),
            Value::Chan(Some(c)) => rt.chans[*c].addr,
            Value::Map(Some(m)) => rt.maps.addr(*m),
            Value::Chan(None) | Value::Map(None) | Value::Nil => 0,
            Value::Array(_) | Value::Bytes(_) | Value::Ints(_) => {
                unreachable!("the compiler keeps arrays out of frames and channels")
            }
            Value::Func(c) => c.addr,
            Value::Ptr(p) => p.addr,
            // A slice's array pointer, a string constant's bytes; kept so
            // that a channel gives the value back.
            // A slice's array may grow in place (append): the latest
            // window on it is what its word stands for.
            Value::Slice { addr, .. } if *addr != 0 => {
                self.by_addr.insert(*addr, v.clone());
                *addr
            }
            Value::Str(s) if self.const_strs.contains_key(&(s.as_ptr() as usize)) => {
                let a = self.const_strs[&(s.as_ptr() as usize)];
                self.by_addr.entry(a).or_insert_with(|| v.clone());
                a
            }
            Value::Str(_)
            | Value::Struct(_)
            | Value::Slice { .. }
            | Value::Iface(..)
            | Value::Complex(..) => {
                // A string or slice keeps its handle (its box holds it, so
                // its address is not reused); a struct or an interface
                // value (through a channel) has no identity.
                let id = match v {
                    Value::Str(s) => Some(s.as_ptr() as usize),
                    _ => None,
                };
                if let Some(&h) = id.and_then(|id| self.handles.get(&id)) {
                    return h;
                }
                // Handles count from 1: a zero word is the zero value
                // (what a closed channel delivers).
                self.boxed.push(v.clone());
                let h = self.boxed.len() as u64;
                if let Some(id) = id {
                    self.handles.insert(id, h);
                }
                h
            }
        }
    }

    /// Arguments as 6g lays them out in the caller's frame: each at an
    /// offset aligned to its size (at most 8), packed into words, so that
    /// two ints share one and tracebacks print what the real ones do.
    fn pack(&mut self, rt: &Runtime, types: &[Ty], args: &[Value]) -> Vec<u64> {
        let mut bytes = std::mem::take(&mut self.pack_buf);
        bytes.clear();
        for (ty, v) in types.iter().zip(args) {
            self.put_value(rt, ty, v, &mut bytes);
        }
        bytes.resize(bytes.len().div_ceil(8) * 8, 0);
        let words = bytes
            .chunks(8)
            .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect();
        self.pack_buf = bytes;
        words
    }

    /// Append `v` laid out as 6g lays out a `ty`, at its alignment.
    fn put_value(&mut self, rt: &Runtime, ty: &Ty, v: &Value, bytes: &mut Vec<u8>) {
        let align = ty.align() as usize;
        bytes.resize(bytes.len().div_ceil(align) * align, 0);
        let put = |bytes: &mut Vec<u8>, w: u64, n: usize| {
            bytes.extend_from_slice(&w.to_le_bytes()[..n]);
        };
        match (ty.under(), v) {
            (Ty::Str, Value::Str(s)) => {
                let len = s.len() as u64;
                let ptr = self.word(rt, v);
                put(bytes, ptr, 8);
                put(bytes, len, 8);
            }
            // The type or itab word, then the data word.
            (Ty::Eface | Ty::Iface(_), Value::Iface(d, tab)) => {
                put(bytes, *tab, 8);
                put(bytes, d.data, 8);
            }
            (Ty::Eface | Ty::Iface(_), _) => bytes.extend_from_slice(&[0; 16]),
            (Ty::Complex128, Value::Complex(r, i)) => {
                put(bytes, r.to_bits(), 8);
                put(bytes, i.to_bits(), 8);
            }
            // Array pointer, then 32-bit len and cap.
            (Ty::Slice(_), Value::Slice { len, cap, .. }) => {
                let (len, cap) = (u64::from(*len), u64::from(*cap));
                let ptr = self.word(rt, v);
                put(bytes, ptr, 8);
                put(bytes, len | cap << 32, 8);
            }
            (Ty::Array(_, elem), Value::Array(vals)) => {
                for v in vals {
                    self.put_value(rt, elem, v, bytes);
                }
            }
            (Ty::Array(..), Value::Bytes(b)) => bytes.extend_from_slice(b),
            (Ty::Array(_, elem), Value::Ints(vals)) => {
                for &v in vals {
                    put(bytes, v as u64, elem.size() as usize);
                }
            }
            // Each field at its offset, the whole padded to its size.
            (Ty::Struct(st), Value::Struct(fields)) => {
                let start = bytes.len();
                for ((_, ft), fv) in st.fields().iter().zip(fields) {
                    self.put_value(rt, ft, fv, bytes);
                }
                bytes.resize(start + ty.size() as usize, 0);
            }
            _ => {
                let w = self.word(rt, v);
                put(bytes, w, ty.size() as usize);
            }
        }
    }

    /// A channel's element back from its word.
    fn unword(&self, rt: &Runtime, ty: &Ty, w: u64) -> Value {
        match ty.under() {
            Ty::Int { .. } => Value::Int(w as i64),
            Ty::Float64 => Value::Float(f64::from_bits(w)),
            Ty::Float32 => Value::Float32(f32::from_bits(w as u32)),
            Ty::Complex64 => {
                Value::Complex64(f32::from_bits(w as u32), f32::from_bits((w >> 32) as u32))
            }
            Ty::Bool => Value::Bool(w != 0),
            Ty::Chan(_) => Value::Chan(
                rt.chans
                    .iter()
                    .position(|c| c.addr == w)
                    .map(|i| ChanId(i as u32)),
            ),
            Ty::Func(_) => self
                .closures
                .get(&w)
                .map_or(Value::Nil, |c| Value::Func(c.clone())),
            Ty::Map(..) => Value::Map(rt.maps.at(w)),
            Ty::Slice(_) | Ty::Str if self.by_addr.contains_key(&w) => self.by_addr[&w].clone(),
            Ty::Str | Ty::Struct(_) | Ty::Slice(_) | Ty::Eface | Ty::Iface(_) | Ty::Complex128 => {
                (w as usize)
                    .checked_sub(1)
                    .and_then(|i| self.boxed.get(i))
                    .cloned()
                    .unwrap_or_else(|| zero(ty))
            }
            Ty::Nil => Value::Nil,
            Ty::Ptr(_) => self
                .pointees
                .get(&w)
                .map_or(Value::Nil, |p| Value::Ptr(p.clone())),
            Ty::Array(..) | Ty::ErrorString | Ty::TypeAssertionError => {
                unreachable!("the compiler keeps arrays and the runtime's types out of channels")
            }
            Ty::Named(_) => unreachable!("an underlying type is not named"),
        }
    }

    /// A frame for `func` with its arguments (after a closure's cells).
    /// A frame for `func` with its arguments (after a closure's cells),
    /// entered with SP at `sp`.
    fn frame(&self, func: usize, closure: Option<&Closure>, args: Vec<Value>, sp: Addr) -> Frame {
        let code = self.code(func);
        let mut locals: Vec<Local> = closure
            .map(|c| c.cells.iter().cloned().map(Local::Cell).collect())
            .unwrap_or_default();
        locals.extend(args.into_iter().map(Local::Val));
        locals.resize_with(usize::from(code.nlocals).max(locals.len()), || {
            Local::Val(Value::Nil)
        });
        Frame {
            func,
            pc: 0,
            locals,
            base: 0,
            deferred_done: false,
            deferred: false,
            wrapper: None,
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
    /// Instructions that touch neither the runtime nor the frames run on
    /// in the same call, each counted against the budget, as long as the
    /// next is one too and the budget's next check is not due.
    fn step(&mut self, rt: &mut Runtime, g: GId) -> Result<(), Stop> {
        let GState { frames, stack, .. } = self.gs[usize::from(g)].as_mut().expect("started");
        let fr = frames.last_mut().expect("a frame runs");
        let func = fr.func;
        // Shared, not cloned: an instruction can hold types and strings.
        let code = self.ins[func].clone();
        if local(&code[fr.pc]) {
            loop {
                let ins = &code[fr.pc];
                fr.pc += 1;
                match *ins {
                    Ins::Const(ref c) => {
                        let v = match c {
                            Const::Int(n) => Value::Int(*n as i64),
                            Const::Float(f) => Value::Float(*f),
                            Const::Complex(r, i) => Value::Complex(*r, *i),
                            Const::Bool(b) => Value::Bool(*b),
                            Const::Str(s) => Value::Str(s.clone()),
                            Const::Nil => Value::Nil,
                        };
                        stack.push(v);
                    }
                    Ins::Load(slot) => {
                        let v = match slot {
                            Slot::Local(i) => match &fr.locals[usize::from(i)] {
                                // Most loads: no clone's call for a plain integer.
                                Local::Val(Value::Int(n)) => Value::Int(*n),
                                l => l.get(),
                            },
                            Slot::Global(i) => self.globals[usize::from(i)].borrow().clone(),
                            Slot::Captured(_) => {
                                unreachable!("finished code has no captured slots")
                            }
                        };
                        stack.push(v);
                    }
                    Ins::Store(slot) => {
                        let v = stack.pop().expect("a value");
                        match slot {
                            Slot::Local(i) => fr.locals[usize::from(i)].with(|x| *x = v),
                            Slot::Global(i) => *self.globals[usize::from(i)].borrow_mut() = v,
                            Slot::Captured(_) => {
                                unreachable!("finished code has no captured slots")
                            }
                        }
                    }
                    Ins::Pop => {
                        stack.pop();
                    }
                    Ins::Zero(ref ty) => stack.push(zero(ty)),
                    Ins::Index => {
                        let Some(Value::Int(i)) = stack.pop() else {
                            unreachable!("typed")
                        };
                        let a = stack.pop().expect("an array or slice");
                        match element(&a, i) {
                            Some(v) => stack.push(v),
                            None => return Err(self.panicindex(rt, g)),
                        }
                    }
                    Ins::PtrIndex(width, n) => {
                        let Some(Value::Int(i)) = stack.pop() else {
                            unreachable!("typed")
                        };
                        let p = stack.pop();
                        if !(0..i64::from(n)).contains(&i) {
                            return Err(self.panicindex(rt, g));
                        }
                        let Some(Value::Ptr(p)) = p else {
                            let addr = i as u64 * u64::from(width);
                            return Err(self.fault(rt, g, Fault::Nil { addr }));
                        };
                        stack.push(element(&p.load(), i).expect("in range"));
                    }
                    Ins::LoadElem(slot) => {
                        let Some(Value::Int(i)) = stack.pop() else {
                            unreachable!("typed")
                        };
                        let v = match slot {
                            Slot::Local(l) => fr.locals[usize::from(l)].with(|a| element(a, i)),
                            Slot::Global(l) => element(&self.globals[usize::from(l)].borrow(), i),
                            Slot::Captured(_) => {
                                unreachable!("finished code has no captured slots")
                            }
                        };
                        match v {
                            Some(v) => stack.push(v),
                            None => return Err(self.panicindex(rt, g)),
                        }
                    }
                    Ins::MakeStruct(n) => {
                        let fields = stack.split_off(stack.len() - usize::from(n));
                        stack.push(Value::Struct(fields));
                    }
                    Ins::MakeArray(n) => {
                        let elems = stack.split_off(stack.len() - n as usize);
                        stack.push(Value::Array(elems));
                    }
                    Ins::MakeBytes(n) => {
                        let b = pop_ints(stack, n).into_iter().map(|b| b as u8).collect();
                        stack.push(Value::Bytes(b));
                    }
                    Ins::MakeInts(n) => {
                        let w = pop_ints(stack, n);
                        stack.push(Value::Ints(w));
                    }
                    Ins::StoreField(slot, i) => {
                        let v = stack.pop().expect("a value");
                        let set = |x: &mut Value| {
                            let Value::Struct(fields) = x else {
                                unreachable!("typed")
                            };
                            fields[usize::from(i)] = v;
                        };
                        match slot {
                            Slot::Local(l) => fr.locals[usize::from(l)].with(set),
                            Slot::Global(l) => set(&mut self.globals[usize::from(l)].borrow_mut()),
                            Slot::Captured(_) => {
                                unreachable!("finished code has no captured slots")
                            }
                        }
                    }
                    Ins::LoadPtrField(i, off) => {
                        let Some(Value::Ptr(p)) = stack.pop() else {
                            return Err(self.fault(rt, g, Fault::Nil { addr: off.into() }));
                        };
                        let v = p.with_fields(|fields| fields[usize::from(i)].clone());
                        stack.push(v);
                    }
                    Ins::Deref => {
                        let Some(Value::Ptr(p)) = stack.pop() else {
                            return Err(self.fault(rt, g, Fault::Nil { addr: 0 }));
                        };
                        stack.push(p.load());
                    }
                    Ins::StoreDeref => {
                        let v = stack.pop().expect("a value");
                        let Some(Value::Ptr(p)) = stack.pop() else {
                            return Err(self.fault(rt, g, Fault::Nil { addr: 0 }));
                        };
                        p.store(v);
                    }
                    Ins::StorePtrField(i, off) => {
                        let v = stack.pop().expect("a value");
                        let Some(Value::Ptr(p)) = stack.pop() else {
                            return Err(self.fault(rt, g, Fault::Nil { addr: off.into() }));
                        };
                        p.with_fields(|fields| fields[usize::from(i)] = v);
                    }
                    Ins::Field(i) => {
                        let Some(Value::Struct(mut fields)) = stack.pop() else {
                            unreachable!("typed")
                        };
                        stack.push(fields.swap_remove(usize::from(i)));
                    }
                    Ins::Dup => {
                        let v = stack.last().expect("a value").clone();
                        stack.push(v);
                    }
                    Ins::SliceElem => {
                        let v = stack.pop().expect("a value");
                        let Some(Value::Slice { arr, len, cap, .. }) = stack.last_mut() else {
                            unreachable!("a slice literal under its values")
                        };
                        let Value::Array(elems) = &mut *arr.borrow_mut() else {
                            unreachable!("a literal's own array")
                        };
                        elems.push(v);
                        *len += 1;
                        *cap += 1;
                    }
                    Ins::Cap => {
                        let n = match stack.pop() {
                            Some(Value::Chan(Some(c))) => i64::from(rt.chans[c].dataqsiz),
                            Some(Value::Array(a)) => a.len() as i64,
                            Some(Value::Bytes(b)) => b.len() as i64,
                            Some(Value::Ints(w)) => w.len() as i64,
                            Some(Value::Slice { cap, .. }) => i64::from(cap),
                            _ => 0,
                        };
                        stack.push(Value::Int(n));
                    }
                    Ins::StoreIndex(slot) => {
                        let v = stack.pop().expect("a value");
                        let Some(Value::Int(i)) = stack.pop() else {
                            unreachable!("typed")
                        };
                        let set = |a: &mut Value| store(a, i, v);
                        let stored = match slot {
                            Slot::Local(l) => fr.locals[usize::from(l)].with(set),
                            Slot::Global(l) => set(&mut self.globals[usize::from(l)].borrow_mut()),
                            Slot::Captured(_) => {
                                unreachable!("finished code has no captured slots")
                            }
                        };
                        if !stored {
                            return Err(self.panicindex(rt, g));
                        }
                    }
                    Ins::Fused(ref f) => {
                        let at = fr.pc - 1;
                        let int = |o: Operand| match o {
                            Operand::Int(k) => Some(k),
                            Operand::Local(l) => match &fr.locals[usize::from(l)] {
                                Local::Val(Value::Int(n)) => Some(*n),
                                Local::Cell(c) => match *c.borrow() {
                                    Value::Int(n) => Some(n),
                                    _ => None,
                                },
                                Local::Val(_) => None,
                            },
                        };
                        if let (Some(x), Some(y)) = (int(f.a), int(f.b)) {
                            let Some(r) = int_binop(f.op, &f.ty, x, y) else {
                                return Err(self.fault(rt, g, Fault::DivideByZero));
                            };
                            fr.pc = at + f.spans();
                            match f.then {
                                Then::Push => stack.push(r.into()),
                                Then::Store(l) => match &mut fr.locals[usize::from(l)] {
                                    Local::Val(x) => *x = r.into(),
                                    Local::Cell(c) => *c.borrow_mut() = r.into(),
                                },
                                Then::JumpIfNot(to) => {
                                    if r == IntOut::Bool(false) {
                                        fr.pc = to;
                                    }
                                }
                            }
                        } else {
                            // A float, say: the first instruction as it was.
                            stack.push(match f.a {
                                Operand::Int(k) => Value::Int(k),
                                Operand::Local(l) => fr.locals[usize::from(l)].get(),
                            });
                        }
                    }
                    Ins::Bin(op, ref ty) => {
                        let v = match stack[..] {
                            [.., Value::Int(x), Value::Int(y)] => {
                                stack.truncate(stack.len() - 2);
                                int_binop(op, ty, x, y)
                                    .map(Value::from)
                                    .ok_or(Trap::DivideByZero)
                            }
                            _ => {
                                let b = stack.pop().expect("rhs");
                                let a = stack.pop().expect("lhs");
                                binop(op, ty, a, b)
                            }
                        };
                        let v = match v {
                            Ok(v) => v,
                            Err(Trap::DivideByZero) => {
                                return Err(self.fault(rt, g, Fault::DivideByZero))
                            }
                            Err(Trap::Unmodelled(msg)) => return Err(self.fail(msg)),
                        };
                        stack.push(v);
                    }
                    Ins::FloatToInt(ref ty) => {
                        let f = match stack.pop() {
                            Some(Value::Float(f)) => f,
                            Some(Value::Float32(f)) => f64::from(f),
                            _ => unreachable!("typed"),
                        };
                        // CVTTSD2SQ, or for a uint64 past 2^63 on f - 2^63.
                        let n = match ty {
                            Ty::Int {
                                bits: 64,
                                signed: false,
                            } => f as u64 as i64,
                            _ => f as i64,
                        };
                        stack.push(Value::Int(wrap(ty, n)));
                    }
                    Ins::ToFloat(ref ty) => {
                        let v = stack.pop().expect("a value");
                        stack.push(to_float(ty, v));
                    }
                    Ins::ToComplex(ref ty) => {
                        let v = stack.pop().expect("a value");
                        stack.push(to_complex(ty, v));
                    }
                    Ins::Complex(ref ty) => {
                        let (i, r) = (stack.pop(), stack.pop());
                        stack.push(match (ty.under(), r, i) {
                            (Ty::Complex64, Some(Value::Float32(r)), Some(Value::Float32(i))) => {
                                Value::Complex64(r, i)
                            }
                            (_, Some(Value::Float(r)), Some(Value::Float(i))) => {
                                Value::Complex(r, i)
                            }
                            _ => unreachable!("typed"),
                        });
                    }
                    Ins::Part { imag } => {
                        let v = match (stack.pop(), imag) {
                            (Some(Value::Complex(r, _)), false) => Value::Float(r),
                            (Some(Value::Complex(_, i)), true) => Value::Float(i),
                            (Some(Value::Complex64(r, _)), false) => Value::Float32(r),
                            (Some(Value::Complex64(_, i)), true) => Value::Float32(i),
                            _ => unreachable!("typed"),
                        };
                        stack.push(v);
                    }
                    Ins::Uint64ToFloat(ref ty) => {
                        let Some(Value::Int(n)) = stack.pop() else {
                            unreachable!("typed")
                        };
                        let u = n as u64;
                        stack.push(match ty {
                            Ty::Float32 => Value::Float32(u as f32),
                            _ => Value::Float(u as f64),
                        });
                    }
                    Ins::Neg(ref ty) => match stack.pop().expect("a value") {
                        Value::Int(n) => stack.push(Value::Int(wrap(ty, n.wrapping_neg()))),
                        Value::Float(f) => stack.push(Value::Float(-f)),
                        Value::Float32(f) => stack.push(Value::Float32(-f)),
                        // complexminus: each part negated.
                        Value::Complex(r, i) => stack.push(Value::Complex(-r, -i)),
                        Value::Complex64(r, i) => stack.push(Value::Complex64(-r, -i)),
                        _ => unreachable!("typed"),
                    },
                    Ins::Complement(ref ty) => {
                        let Value::Int(n) = stack.pop().expect("a value") else {
                            unreachable!("typed")
                        };
                        stack.push(Value::Int(wrap(ty, !n)));
                    }
                    Ins::Not => {
                        let Value::Bool(b) = stack.pop().expect("a value") else {
                            unreachable!("typed")
                        };
                        stack.push(Value::Bool(!b));
                    }
                    Ins::Jump(to) => fr.pc = to,
                    Ins::JumpIfNot(to) => {
                        if stack.pop() == Some(Value::Bool(false)) {
                            fr.pc = to;
                        }
                    }
                    Ins::TypeIs(ref ty) => {
                        let is = matches!(stack.pop(), Some(Value::Iface(d, _)) if d.ty == *ty);
                        stack.push(Value::Bool(is));
                    }
                    Ins::Len => {
                        let n = match stack.pop() {
                            Some(Value::Chan(Some(c))) => rt.chans[c].len() as i64,
                            Some(Value::Str(s)) => s.len() as i64,
                            Some(Value::Array(a)) => a.len() as i64,
                            Some(Value::Bytes(b)) => b.len() as i64,
                            Some(Value::Ints(w)) => w.len() as i64,
                            Some(Value::Slice { len, .. }) => i64::from(len),
                            Some(Value::Map(Some(m))) => i64::from(rt.maps.len(m)),
                            _ => 0,
                        };
                        stack.push(Value::Int(n));
                    }
                    Ins::JumpTable(ref targets) => {
                        let Some(Value::Int(i)) = stack.pop() else {
                            unreachable!("an index")
                        };
                        fr.pc = targets[i as usize];
                    }
                    _ => unreachable!("local instructions only"),
                }
                // run() makes the budget's checks when the count reaches them.
                if !local(&code[fr.pc]) || self.budget <= 1 || (self.budget - 1) % 4096 == 0 {
                    return Ok(());
                }
                self.budget -= 1;
            }
        }
        let ins = &code[fr.pc];
        fr.pc += 1;
        match *ins {
            Ins::Recover { site } => {
                // recover's argp: the caller's SP at entry plus 8, past a
                // closure's captured addresses and caller pc slot.
                let code = &self.prog.funcs[func];
                let hidden = if code.literal {
                    8 * u64::from(code.ncaptured) + 8
                } else {
                    0
                };
                let argp = fr.sp + u64::from(rt.tab.get(self.ids[func]).frame) + 8 + hidden;
                let ret = self.ret(rt, func, "runtime.recover", &site);
                let v = rt.recover(ret, argp)?;
                let v = v.map_or(Value::Nil, |e| self.eface_value(rt, e));
                self.push(g, v);
            }
            Ins::CmpString { how, site } => {
                let (Some(Value::Str(b)), Some(Value::Str(a))) = (stack.pop(), stack.pop()) else {
                    unreachable!("typed")
                };
                let (la, lb) = (a.len() as i64, b.len() as i64);
                let v = match how {
                    StrCmp::LenOnly => la - lb,
                    // Lengths that differ settle == and != without a call.
                    StrCmp::LenFirst if la != lb => 1,
                    StrCmp::LenFirst | StrCmp::Order => {
                        let ret = self.ret(rt, func, "runtime.cmpstring", &site);
                        rt.cmpstring(ret, &a, &b)?
                    }
                };
                self.push(g, Value::Int(v));
            }
            Ins::Concat { n, site } => {
                let parts = stack.split_off(stack.len() - usize::from(n));
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
            Ins::NewPtr { size, site } => {
                let v = stack.pop().expect("a value");
                let ret = self.ret(rt, func, "runtime.new", &site);
                let addr = rt.new_object(ret, size)?;
                let p = Pointer::to(Rc::new(RefCell::new(v)), addr);
                self.point(&p);
                self.push(g, p);
            }
            Ins::MakeSlice {
                ref elem,
                cap,
                site,
            } => {
                let mut int = || match stack.pop() {
                    Some(Value::Int(n)) => n,
                    _ => unreachable!("typed"),
                };
                let c = if cap { Some(int()) } else { None };
                let len = int();
                let cap = c.unwrap_or(len);
                let ret = self.ret(rt, func, "runtime.makeslice", &site);
                let array = rt.makeslice(ret, elem_of(elem), len, cap)?;
                let v = Value::Slice {
                    arr: Rc::new(RefCell::new(Value::Array(vec![zero(elem); cap as usize]))),
                    addr: array,
                    off: 0,
                    len: len as u32,
                    cap: cap as u32,
                };
                self.push(g, v);
            }
            Ins::SliceLit { n, size, site } => {
                let ret = self.ret(rt, func, "runtime.new", &site);
                let array = rt.new_object(ret, size)?;
                let v = new_slice(Vec::with_capacity(n as usize), array);
                self.push(g, v);
            }
            Ins::New { size, slot, site } => {
                let Slot::Local(i) = slot else {
                    unreachable!("only locals move to the heap")
                };
                let i = usize::from(i);
                let cell = Rc::new(RefCell::new(fr.locals[i].get()));
                fr.locals[i] = Local::Cell(cell.clone());
                let ret = self.ret(rt, func, "runtime.new", &site);
                let addr = rt.new_object(ret, size)?;
                self.heap_cells.insert(Rc::as_ptr(&cell), addr);
            }
            Ins::DupN(n) => {
                let top = stack.len() - usize::from(n);
                let copies = stack[top..].to_vec();
                stack.extend(copies);
            }
            Ins::AddrPath { root, ref steps } => {
                let idx = path_indexes(stack, steps);
                // The cell the path starts in: a variable's own, else a
                // copy of the value, read only to reach a pointer or a
                // slice on the way (the compiler moved the variable to
                // the heap otherwise).
                let (cell, addr) = match root {
                    Some(Slot::Local(l)) => match &fr.locals[usize::from(l)] {
                        Local::Cell(c) => {
                            let a = self.heap_cells.get(&Rc::as_ptr(c)).copied();
                            (c.clone(), a.unwrap_or(0))
                        }
                        Local::Val(v) => (Rc::new(RefCell::new(v.clone())), 0),
                    },
                    Some(Slot::Global(l)) => (
                        self.globals[usize::from(l)].clone(),
                        self.global_addrs[usize::from(l)],
                    ),
                    Some(Slot::Captured(_)) => unreachable!("finished code has no captured slots"),
                    None => (
                        Rc::new(RefCell::new(stack.pop().expect("the path's root"))),
                        0,
                    ),
                };
                match locate(cell, addr, steps, &idx) {
                    Ok(p) => {
                        let p = Value::Ptr(Rc::new(p));
                        self.point(&p);
                        self.push(g, p);
                    }
                    Err(PathStop::Index) => return Err(self.panicindex(rt, g)),
                    Err(PathStop::Nil(addr)) => return Err(self.fault(rt, g, Fault::Nil { addr })),
                }
            }
            Ins::LoadPath { root, ref steps } | Ins::StorePath { root, ref steps } => {
                let store = matches!(ins, Ins::StorePath { .. });
                let mut op = if store { stack.pop() } else { None };
                let idx = path_indexes(stack, steps);
                let first = match root {
                    Some(Slot::Local(l)) => fr.locals[usize::from(l)]
                        .with(|v| walk(v, steps, 0, &idx, 0, None, &mut op)),
                    Some(Slot::Global(l)) => walk(
                        &mut self.globals[usize::from(l)].borrow_mut(),
                        steps,
                        0,
                        &idx,
                        0,
                        None,
                        &mut op,
                    ),
                    Some(Slot::Captured(_)) => unreachable!("finished code has no captured slots"),
                    None => {
                        let mut v = stack.pop().expect("the path's root");
                        walk(&mut v, steps, 0, &idx, 0, None, &mut op)
                    }
                };
                match first.and_then(|w| finish_walk(w, steps, &idx, &mut op)) {
                    Ok(Some(v)) => self.push(g, v),
                    Ok(None) => {}
                    Err(PathStop::Index) => return Err(self.panicindex(rt, g)),
                    Err(PathStop::Nil(addr)) => return Err(self.fault(rt, g, Fault::Nil { addr })),
                }
            }
            Ins::AddrOf(slot) => {
                let Slot::Local(i) = slot else {
                    unreachable!("only locals move to the heap")
                };
                let Local::Cell(cell) = &fr.locals[usize::from(i)] else {
                    unreachable!("an addressed variable lives in its heap cell")
                };
                let cell = cell.clone();
                let addr = *self
                    .heap_cells
                    .get(&Rc::as_ptr(&cell))
                    .expect("runtime·new gave the cell its address");
                let p = Pointer::to(cell, addr);
                self.point(&p);
                self.push(g, p);
            }
            Ins::FuncValue(f) => {
                let addr = rt.tab.entry(self.ids[f]);
                let c = self
                    .closures
                    .entry(addr)
                    .or_insert_with(|| {
                        Rc::new(Closure {
                            func: f,
                            cells: Vec::new(),
                            addr,
                        })
                    })
                    .clone();
                self.push(g, Value::Func(c));
            }
            Ins::Call {
                func: callee,
                nargs,
                site,
            } => {
                let args = stack.split_off(stack.len() - usize::from(nargs));
                self.call(rt, g, func, callee, None, args, &site)?;
            }
            Ins::CallValue { nargs, site } => {
                let args = stack.split_off(stack.len() - usize::from(nargs));
                let Some(Value::Func(c)) = stack.pop() else {
                    let ret = self.ret(rt, func, "*", &site);
                    return Err(match rt.sighandler(ret, Fault::NilCall) {
                        Err(stop) => stop,
                        Ok(()) => unreachable!("runtime·panic does not return"),
                    });
                };
                let callee = c.func;
                self.call(rt, g, func, callee, Some(c), args, &site)?;
            }
            Ins::Closure {
                func: f,
                ref captures,
                site,
            } => {
                let cells: Vec<Cell> = captures
                    .iter()
                    .map(|s| match s {
                        Slot::Local(i) => fr.locals[usize::from(*i)].cell(),
                        _ => unreachable!("captures are locals"),
                    })
                    .collect();
                let words = cells
                    .iter()
                    .map(|c| self.heap_cells.get(&Rc::as_ptr(c)).copied().unwrap_or(0))
                    .collect::<Vec<_>>();
                let ret = self.ret(rt, func, "runtime.closure", &site);
                let addr = rt.closure(ret, self.ids[f], &words)?;
                let closure = Rc::new(Closure {
                    func: f,
                    cells,
                    addr,
                });
                self.closures.insert(addr, closure.clone());
                self.push(g, Value::Func(closure));
            }
            Ins::Go {
                func: callee,
                nargs,
                site,
            } => {
                let args = stack.split_off(stack.len() - usize::from(nargs));
                let Some((callee, closure)) = callee_of(stack, callee) else {
                    return Err(self.fail("go of a nil function value".into()));
                };
                let (words, fn_, siz) = self.stmt_target(rt, callee, closure.as_deref(), &args);
                let ret = self.ret(rt, func, "runtime.newproc", &site);
                let ng = rt.go_stmt(ret, fn_, &words, siz)?;
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
                    .figures
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
                let fr = st.frames.pop().expect("a frame");
                // The results move down to where the frame's operands began.
                let top = st.stack.len() - nres;
                // Named results are returned as deferreturn left them: the
                // deferred calls may have stored into them. They are the
                // locals after the captures and the parameters.
                if code.named_results && code.has_defer {
                    let first = usize::from(code.ncaptured) + code.sig.params.len();
                    for i in 0..nres {
                        st.stack[top + i] = fr.locals[first + i].get();
                    }
                }
                if !fr.deferred && !st.frames.is_empty() {
                    st.stack.drain(fr.base..top);
                } else {
                    st.stack.truncate(fr.base);
                }
                rt.ret_go(self.ids[func])?;
                if let Some(w) = fr.wrapper {
                    rt.ret_go(w)?;
                }
            }
            Ins::DeferPrint {
                ref format,
                ref verbs,
                site,
            } => {
                let args = stack.split_off(stack.len() - verbs.len());
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
                        ('f', Value::Float(f)) => (Ty::Float64, Verb::F(*f)),
                        ('C', Value::Complex(r, i)) => (Ty::Complex128, Verb::C(*r, *i)),
                        ('a', _) => {
                            let h = self.printed_slice(&v)?;
                            let (len, cap) = (u64::from(h.len), u64::from(h.cap));
                            (Ty::Slice(Box::new(Ty::Bool)), Verb::A(h.array, len, cap))
                        }
                        _ => unreachable!("typed"),
                    };
                    types.push(ty);
                    values.push(v);
                    printed.push(p);
                }
                let words = self.pack(rt, &types, &values);
                let goprintf = rt.rt_fn("runtime.goprintf")?;
                let ret = self.ret(rt, func, "runtime.deferproc", &site);
                let siz = 8 * words.len() as u32;
                rt.deferproc(ret, rt.tab.entry(goprintf), &words, siz)?;
                self.deferred
                    .entry(g)
                    .or_default()
                    .push(Deferred::Print(format.clone(), printed));
            }
            Ins::DeferClose { site } => {
                let c = match stack.pop() {
                    Some(Value::Chan(c)) => c,
                    _ => None,
                };
                let word = c.map_or(0, |c| rt.chans[c].addr);
                let ret = self.ret(rt, func, "runtime.deferproc", &site);
                let closechan = rt.tab.entry(rt.rf.closechan);
                rt.deferproc(ret, closechan, &[word], 8)?;
                self.deferred.entry(g).or_default().push(Deferred::Close(c));
            }
            Ins::Defer {
                func: callee,
                nargs,
                site,
            } => {
                let args = stack.split_off(stack.len() - usize::from(nargs));
                let Some((callee, closure)) = callee_of(stack, callee) else {
                    return Err(self.fail("defer of a nil function value".into()));
                };
                let (words, fn_, siz) = self.stmt_target(rt, callee, closure.as_deref(), &args);
                let ret = self.ret(rt, func, "runtime.deferproc", &site);
                rt.deferproc(ret, fn_, &words, siz)?;
                self.deferred
                    .entry(g)
                    .or_default()
                    .push(Deferred::Call(callee, closure, args));
            }
            Ins::Panic { site } => {
                let v = stack.pop().expect("a value");
                let text = self.printany(&v);
                let e = eface_of(&v);
                let ret = self.ret(rt, func, "runtime.panic", &site);
                rt.panic(ret, e, text.as_deref())?;
            }
            Ins::ConvT2E { ref ty, site } => {
                let v = stack.pop().expect("a value");
                let t = self.type_ref(rt, ty);
                let ret = self.ret(rt, func, "runtime.convT2E", &site);
                let copied = rt.convt2e(ret, t)?;
                let d = self.boxed_dyn(rt, ty, v, copied);
                let e = Eface {
                    ty: t.word,
                    data: d.data,
                };
                self.efaces.insert(e, d.clone());
                self.push(g, Value::Iface(d, t.word));
            }
            Ins::ConvT2I {
                ref ty,
                ref iface,
                site,
            } => {
                let v = stack.pop().expect("a value");
                let t = self.type_ref(rt, ty);
                let inter = self.inter_ref(rt, Some(iface));
                let fit = self.fit(rt, ty, iface)?;
                if rt.tab.lookup("runtime.convT2I").is_none() {
                    return Err(
                        self.fail("runtime.convT2I has no frame in the measured tables".into())
                    );
                }
                let ret = self.ret(rt, func, "runtime.convT2I", &site);
                let (tab, copied) = rt.convt2i(ret, t, &inter, &fit)?;
                let d = self.boxed_dyn(rt, ty, v, copied);
                self.push(g, Value::Iface(d, tab));
            }
            Ins::EfaceHash { site } => {
                let v = stack.pop().expect("a value");
                let ret = self.ret(rt, func, "runtime.efacethash", &site);
                rt.efacethash(ret, eface_of(&v))?;
            }
            Ins::AssertE2T2 { ref ty, site } => {
                let v = stack.pop().expect("a value");
                let t = self.type_ref(rt, ty);
                let ret = self.ret(rt, func, "runtime.assertE2T2", &site);
                let ok = rt.assert_e2t2(ret, t, eface_of(&v))?;
                let out = match v {
                    Value::Iface(d, _) if ok => d.val.clone(),
                    _ => zero(ty),
                };
                self.push(g, out);
                self.push(g, Value::Bool(ok));
            }
            Ins::AssertE2T { ref ty, site } => {
                let v = stack.pop().expect("a value");
                let t = self.type_ref(rt, ty);
                let concrete = match &v {
                    Value::Iface(d, _) => Some(d.ty.name()),
                    _ => None,
                };
                let ret = self.ret(rt, func, "runtime.assertE2T", &site);
                rt.assert_e2t(ret, t, eface_of(&v), concrete.as_deref(), &ty.name())?;
                let Value::Iface(d, _) = v else {
                    unreachable!("a nil interface panics")
                };
                self.push(g, d.val.clone());
            }
            Ins::ConvI2E { site } => {
                let v = stack.pop().expect("a value");
                let (tab, data, ty) = self.itab_words(rt, &v);
                let ret = self.ret(rt, func, "runtime.convI2E", &site);
                rt.convi2e(ret, tab, data)?;
                self.push(
                    g,
                    match v {
                        Value::Iface(d, _) => Value::Iface(d, ty),
                        other => other,
                    },
                );
            }
            Ins::IntString { site } => {
                let Some(Value::Int(v)) = stack.pop() else {
                    unreachable!("typed")
                };
                let ret = self.ret(rt, func, "runtime.intstring", &site);
                let s = rt.intstring(ret, v)?;
                self.push(g, Value::Str(Rc::from(s)));
            }
            Ins::IfaceHash { site } => {
                let (tab, data) = match stack.pop().expect("a value") {
                    Value::Iface(d, tab) => (tab, d.data),
                    _ => (0, 0),
                };
                let ret = self.ret(rt, func, "runtime.ifacethash", &site);
                rt.ifacethash(ret, tab, data)?;
            }
            Ins::AssertI2T2 { ref ty, site } => {
                let v = stack.pop().expect("a value");
                let t = self.type_ref(rt, ty);
                let (tab, data, dynamic) = self.itab_words(rt, &v);
                let ret = self.ret(rt, func, "runtime.assertI2T2", &site);
                let ok = rt.assert_i2t2(ret, t, tab, data, dynamic)?;
                let out = match v {
                    Value::Iface(d, _) if ok => d.val.clone(),
                    _ => zero(ty),
                };
                self.push(g, out);
                self.push(g, Value::Bool(ok));
            }
            Ins::AssertI2T {
                ref ty,
                ref inter,
                site,
            } => {
                let v = stack.pop().expect("a value");
                let t = self.type_ref(rt, ty);
                let words = self.itab_words(rt, &v);
                let concrete = match &v {
                    Value::Iface(d, _) => Some(d.ty.name()),
                    _ => None,
                };
                let inter = Ty::Iface(inter.clone()).name();
                let ret = self.ret(rt, func, "runtime.assertI2T", &site);
                rt.assert_i2t(ret, t, words, concrete.as_deref(), &inter, &ty.name())?;
                let Value::Iface(d, _) = v else {
                    unreachable!("a nil interface panics")
                };
                self.push(g, d.val.clone());
            }
            Ins::SliceArray {
                slot,
                width,
                call,
                check,
            } => {
                let (Some(Value::Int(hi)), Some(Value::Int(lo))) = (stack.pop(), stack.pop())
                else {
                    unreachable!("int bounds")
                };
                // The array moved to the heap (a local) or lies in the
                // data (a global, whose address the twin does not know);
                // or a pointer to it, which the twin follows to a whole cell.
                let (arr, base) = match slot {
                    Some(Slot::Local(i)) => {
                        let cell = fr.locals[usize::from(i)].cell();
                        let base = self.heap_cells.get(&Rc::as_ptr(&cell)).copied();
                        (cell, base.unwrap_or(0))
                    }
                    Some(Slot::Global(i)) => (self.globals[usize::from(i)].clone(), 0),
                    Some(Slot::Captured(_)) => {
                        unreachable!("finished code has no captured slots")
                    }
                    None => match stack.pop() {
                        Some(Value::Ptr(p)) if p.path.is_empty() => (p.cell.clone(), p.addr),
                        Some(Value::Ptr(_)) => {
                            return Err(self.fail(
                                "a slice through a pointer to an array inside another value".into(),
                            ))
                        }
                        _ => return Err(self.fail("a slice of a nil pointer to an array".into())),
                    },
                };
                let nel = elements_len(&arr.borrow()) as u64;
                let (lo, hi) = (lo as u64, hi as u64);
                if let Some(site) = call {
                    let ret = self.ret(rt, func, "runtime.slicearray", &site);
                    rt.slicearray(ret, base, nel, lo, hi, u64::from(width))?;
                } else if hi > nel || lo > hi {
                    let site = check.expect("typecheck settled the bounds");
                    let ret = self.ret(rt, func, "runtime.panicslice", &site);
                    return rt.panicslice_at(ret);
                }
                let v = Value::Slice {
                    arr,
                    addr: if base == 0 {
                        0
                    } else {
                        base + lo * u64::from(width)
                    },
                    off: lo as u32,
                    len: (hi - lo) as u32,
                    cap: (nel - lo) as u32,
                };
                self.push(g, v);
            }
            Ins::SliceSlice {
                hi,
                width,
                call,
                check,
            } => {
                let mut int = || match stack.pop() {
                    Some(Value::Int(n)) => n as u64,
                    _ => unreachable!("int bounds"),
                };
                let hi = if hi { Some(int()) } else { None };
                let lo = int();
                let old = stack.pop().expect("a slice");
                let Value::Slice { len, cap, .. } = old else {
                    unreachable!("typed")
                };
                let (len, cap) = (u64::from(len), u64::from(cap));
                if let Some(site) = call {
                    let callee = if hi.is_some() {
                        "runtime.sliceslice"
                    } else {
                        "runtime.sliceslice1"
                    };
                    if rt.tab.lookup(callee).is_none() {
                        return Err(
                            self.fail(format!("{callee} has no frame in the measured tables"))
                        );
                    }
                    let hdr = self.hdr(rt, &old);
                    let ret = self.ret(rt, func, callee, &site);
                    rt.sliceslice(ret, hdr, lo, hi, u64::from(width))?;
                } else if match hi {
                    Some(hi) => hi > cap || lo > hi,
                    None => lo > len,
                } {
                    let site = check.expect("typecheck settled the bounds");
                    let ret = self.ret(rt, func, "runtime.panicslice", &site);
                    return rt.panicslice_at(ret);
                }
                let Value::Slice { arr, addr, off, .. } = old else {
                    unreachable!("typed")
                };
                let v = Value::Slice {
                    arr,
                    addr: if addr == 0 {
                        0
                    } else {
                        addr + lo * u64::from(width)
                    },
                    off: off + lo as u32,
                    len: (hi.unwrap_or(len) - lo) as u32,
                    cap: (cap - lo) as u32,
                };
                self.push(g, v);
            }
            Ins::Append { ref elem, n, site } => {
                let vals = stack.split_off(stack.len() - usize::from(n));
                let old = stack.pop().expect("a slice");
                if rt.tab.lookup("runtime.append").is_none() {
                    return Err(
                        self.fail("runtime.append has no frame in the measured tables".into())
                    );
                }
                let st = Ty::Slice(Box::new(elem.clone()));
                let mut types = vec![PTR, Ty::INT, st.clone()];
                types.extend(std::iter::repeat_n(elem.clone(), usize::from(n)));
                let mut values = vec![
                    Value::Int(rt.type_word(&st.name()) as i64),
                    Value::Int(i64::from(n)),
                    old.clone(),
                ];
                values.extend(vals.iter().cloned());
                let words = self.pack(rt, &types, &values);
                let x = self.hdr(rt, &old);
                let ret = self.ret(rt, func, "runtime.append", &site);
                let out = rt.append(ret, &words, elem_of(elem), x, u32::from(n))?;
                let v = appended(elem, old, out, x, &vals);
                self.push(g, v);
            }
            Ins::AppendSlice { ref elem, site } => {
                let y = stack.pop().expect("a slice");
                let x = stack.pop().expect("a slice");
                if rt.tab.lookup("runtime.appendslice").is_none() {
                    return Err(
                        self.fail("runtime.appendslice has no frame in the measured tables".into())
                    );
                }
                let (hx, hy) = (self.hdr(rt, &x), self.hdr(rt, &y));
                let ret = self.ret(rt, func, "runtime.appendslice", &site);
                let out = rt.appendslice(ret, elem_of(elem), hx, hy)?;
                let v = appended(elem, x, out, hx, &elements(&y));
                self.push(g, v);
            }
            Ins::Copy {
                width,
                string,
                site,
            } => {
                let fm = stack.pop().expect("a slice or string");
                let to = stack.pop().expect("a slice");
                let callee = if string {
                    "runtime.slicestringcopy"
                } else {
                    "runtime.slicecopy"
                };
                if rt.tab.lookup(callee).is_none() {
                    return Err(self.fail(format!("{callee} has no frame in the measured tables")));
                }
                let hto = self.hdr(rt, &to);
                let ret = self.ret(rt, func, callee, &site);
                let (n, from) = match &fm {
                    Value::Str(s) => {
                        let n = rt.slicestringcopy(ret, hto, s.len() as u32)?;
                        let bytes = s.bytes().map(|b| Value::Int(i64::from(b))).collect();
                        (n, bytes)
                    }
                    _ => {
                        let hfm = self.hdr(rt, &fm);
                        (rt.slicecopy(ret, hto, hfm, width)?, elements(&fm))
                    }
                };
                let mut to = to;
                for (i, v) in from.into_iter().take(n as usize).enumerate() {
                    store(&mut to, i as i64, v);
                }
                self.push(g, Value::Int(i64::from(n)));
            }
            Ins::MakeMap {
                ref key,
                ref val,
                hint,
                site,
            } => {
                let hint = if hint {
                    match stack.pop() {
                        Some(Value::Int(n)) => n,
                        _ => unreachable!("typed"),
                    }
                } else {
                    0
                };
                if !rt.has_maps() {
                    return Err(self.fail("hashmap.c has no frames in the measured tables".into()));
                }
                let t = MapType {
                    keysize: key.size(),
                    keyalg: alg_of(key),
                    valsize: val.size(),
                    valalg: alg_of(val),
                    key_word: rt.type_word(&key.name()),
                    val_word: rt.type_word(&val.name()),
                };
                let ret = self.ret(rt, func, "runtime.makemap", &site);
                let m = rt.makemap(ret, t, hint)?;
                if self.map_items.len() <= m.0 as usize {
                    self.map_items.resize_with(m.0 as usize + 1, Vec::new);
                }
                self.push(g, Value::Map(Some(m)));
            }
            Ins::MapIndex {
                ref key,
                ref val,
                ok,
                site,
            } => {
                let k = stack.pop().expect("a key");
                let m = stack.pop().expect("a map");
                let Value::Map(id) = m else {
                    unreachable!("typed")
                };
                let args = self.pack(rt, &[PTR, key.clone()], &[m, k.clone()]);
                let callee = if ok {
                    "runtime.mapaccess2"
                } else {
                    "runtime.mapaccess1"
                };
                let ret = self.ret(rt, func, callee, &site);
                let bytes = key_bytes(&k, key.size());
                let found = if ok {
                    rt.mapaccess2(ret, &args, id, &bytes)?
                } else {
                    rt.mapaccess1(ret, &args, id, &bytes)?
                };
                let v = match (id, found) {
                    (Some(id), Some(h)) => self.map_items[id.0 as usize][h as usize].1.clone(),
                    _ => zero(val),
                };
                self.push(g, v);
                if ok {
                    self.push(g, Value::Bool(found.is_some()));
                }
            }
            Ins::MapAssign {
                ref key,
                ref val,
                ok,
                site,
            } => {
                let pres = if ok {
                    match stack.pop() {
                        Some(Value::Bool(b)) => b,
                        _ => unreachable!("typed"),
                    }
                } else {
                    true
                };
                let v = stack.pop().expect("a value");
                let k = stack.pop().expect("a key");
                let m = stack.pop().expect("a map");
                let Value::Map(id) = m else {
                    unreachable!("typed")
                };
                let mut types = vec![PTR, key.clone(), val.clone()];
                let mut values = vec![m, k.clone(), v.clone()];
                if ok {
                    types.push(Ty::Bool);
                    values.push(Value::Bool(pres));
                }
                let args = self.pack(rt, &types, &values);
                let callee = if ok {
                    "runtime.mapassign2"
                } else {
                    "runtime.mapassign1"
                };
                let ret = self.ret(rt, func, callee, &site);
                let bytes = key_bytes(&k, key.size());
                let handle = id.map_or(0, |id| self.map_items[id.0 as usize].len() as u64);
                let put = if pres { Some(handle) } else { None };
                let hit = rt.mapassign(callee, ret, &args, id, Rc::from(bytes), put)?;
                if let (Some(id), true) = (id, pres) {
                    let items = &mut self.map_items[id.0 as usize];
                    match hit {
                        Some(h) => items[h as usize].1 = v,
                        None => items.push((k, v)),
                    }
                }
            }
            Ins::MapIterInit { slot, site } => {
                let Some(Value::Map(id)) = stack.pop() else {
                    unreachable!("typed")
                };
                let it = rt.maps.new_iter();
                let Slot::Local(i) = slot else {
                    unreachable!("a hidden local")
                };
                fr.locals[usize::from(i)] = Local::Val(Value::Int(i64::from(it.0)));
                let ret = self.ret(rt, func, "runtime.mapiterinit", &site);
                rt.mapiterinit(ret, id, it)?;
            }
            Ins::MapIterOk(slot) => {
                let it = iter_in(&fr.locals, slot);
                let ok = rt.maps.iter_data(it).is_some();
                self.push(g, Value::Bool(ok));
            }
            Ins::MapIter { slot, val, site } => {
                let it = iter_in(&fr.locals, slot);
                let callee = if val {
                    "runtime.mapiter2"
                } else {
                    "runtime.mapiter1"
                };
                let ret = self.ret(rt, func, callee, &site);
                rt.mapiter(ret, it, val)?;
                let m = rt.maps.iter_map(it);
                let h = rt.maps.iter_data(it).expect("the loop tested it");
                let (k, v) = self.map_items[m.0 as usize][h as usize].clone();
                self.push(g, k);
                if val {
                    self.push(g, v);
                }
            }
            Ins::MapIterNext { slot, site } => {
                let it = iter_in(&fr.locals, slot);
                let ret = self.ret(rt, func, "runtime.mapiternext", &site);
                rt.mapiternext(ret, it)?;
            }
            Ins::SliceString { hi, site } => {
                let hi = if hi {
                    let Some(Value::Int(h)) = stack.pop() else {
                        unreachable!("an int bound")
                    };
                    Some(h)
                } else {
                    None
                };
                let (Some(Value::Int(lo)), Some(Value::Str(s))) = (stack.pop(), stack.pop()) else {
                    unreachable!("a string and an int bound")
                };
                let callee = if hi.is_some() {
                    "runtime.slicestring"
                } else {
                    "runtime.slicestring1"
                };
                if rt.tab.lookup(callee).is_none() {
                    return Err(self.fail(format!("{callee} has no frame in the measured tables")));
                }
                let ret = self.ret(rt, func, callee, &site);
                rt.slicestring(ret, s.len() as u64, lo, hi)?;
                let end = hi.unwrap_or(s.len() as i64) as usize;
                self.push(g, Value::Str(Rc::from(&s[lo as usize..end])));
            }
            Ins::StringIter { two, site } => {
                let (Some(Value::Int(k)), Some(Value::Str(s))) = (stack.pop(), stack.pop()) else {
                    unreachable!("a string and an index")
                };
                let callee = if two {
                    "runtime.stringiter2"
                } else {
                    "runtime.stringiter"
                };
                let ret = self.ret(rt, func, callee, &site);
                let (next, rune) = rt.stringiter(ret, two, s.as_bytes(), k)?;
                self.push(g, Value::Int(next));
                if two {
                    self.push(g, Value::Int(rune));
                }
            }
            Ins::StringToBytes { site } => {
                let Some(Value::Str(s)) = stack.pop() else {
                    unreachable!("a string")
                };
                let ret = self.ret(rt, func, "runtime.stringtoslicebyte", &site);
                let addr = rt.stringtoslicebyte(ret, s.len() as u64)?;
                let n = s.len() as u32;
                let v = Value::Slice {
                    arr: Rc::new(RefCell::new(Value::Bytes(s.as_bytes().to_vec()))),
                    addr,
                    off: 0,
                    len: n,
                    cap: n,
                };
                self.push(g, v);
            }
            Ins::Complex128Div { site } => {
                let (Some(Value::Complex(c, d)), Some(Value::Complex(a, b))) =
                    (stack.pop(), stack.pop())
                else {
                    unreachable!("complex128s")
                };
                let ret = self.ret(rt, func, "runtime.complex128div", &site);
                let (re, im) = rt.complex128div(ret, (a, b), (c, d))?;
                self.push(g, Value::Complex(re, im));
            }
            Ins::StringToInts { site } => {
                let Some(Value::Str(s)) = stack.pop() else {
                    unreachable!("a string")
                };
                let runes: Vec<Value> = s
                    .chars()
                    .map(|c| Value::Int(i64::from(u32::from(c))))
                    .collect();
                let n = runes.len() as u32;
                let ret = self.ret(rt, func, "runtime.stringtosliceint", &site);
                let addr = rt.stringtosliceint(ret, s.len() as u64, n)?;
                self.push(g, new_slice(runes, addr));
            }
            Ins::IntsToString { site } => {
                let r = stack.pop().expect("an int slice");
                let mut s = String::new();
                for v in elements(&r).iter() {
                    let Value::Int(n) = v else {
                        unreachable!("ints")
                    };
                    // runetochar: an int32 taken as unsigned; past Runemax
                    // the error rune; a surrogate half is written as it is.
                    let c = *n as i32 as u32;
                    match char::from_u32(c) {
                        Some(c) => s.push(c),
                        None if c > 0x10ffff => s.push(char::REPLACEMENT_CHARACTER),
                        None => return Err(self.fail("a string that is not UTF-8".into())),
                    }
                }
                let ret = self.ret(rt, func, "runtime.sliceinttostring", &site);
                let h = self.hdr(rt, &r);
                rt.sliceinttostring(ret, h, s.len() as u64)?;
                self.push(g, Value::Str(Rc::from(s)));
            }
            Ins::SliceToString { site } => {
                let b = stack.pop().expect("a byte slice");
                let bytes: Vec<u8> = elements(&b)
                    .iter()
                    .map(|v| match v {
                        Value::Int(n) => *n as u8,
                        _ => unreachable!("bytes"),
                    })
                    .collect();
                let Ok(s) = String::from_utf8(bytes) else {
                    return Err(self.fail("a string that is not UTF-8".into()));
                };
                let ret = self.ret(rt, func, "runtime.slicebytetostring", &site);
                rt.slicebytetostring(ret, s.len() as u64)?;
                self.push(g, Value::Str(Rc::from(s)));
            }
            Ins::MakeChan {
                hint,
                ref elem,
                site,
            } => {
                let n = if hint {
                    match stack.pop() {
                        Some(Value::Int(n)) => n as u32,
                        _ => 0,
                    }
                } else {
                    0
                };
                let ret = self.ret(rt, func, "runtime.makechan", &site);
                let c = rt.makechan(ret, elem.size(), elem.memword(), n)?;
                self.push(g, Value::Chan(Some(c)));
            }
            Ins::Send { site } => {
                let v = stack.pop().expect("a value");
                let Some(Value::Chan(c)) = stack.pop() else {
                    unreachable!("typed")
                };
                let w = self.word(rt, &v);
                let ret = self.ret(rt, func, "runtime.chansend1", &site);
                rt.chansend(ret, c, w)?;
            }
            Ins::Recv { ref elem, site } => {
                let Some(Value::Chan(c)) = stack.pop() else {
                    unreachable!("typed")
                };
                let ret = self.ret(rt, func, "runtime.chanrecv1", &site);
                self.state(g).awaiting = Some(Await::Recv(elem.clone(), false));
                let w = rt.chanrecv(ret, c)?;
                self.state(g).awaiting = None;
                let v = self.unword(rt, elem, w);
                self.push(g, v);
            }
            Ins::RangeRecv { ref elem, site } => {
                let Some(Value::Chan(c)) = stack.pop() else {
                    unreachable!("typed")
                };
                let ret = self.ret(rt, func, "runtime.chanrecv3", &site);
                self.state(g).awaiting = Some(Await::Recv(elem.clone(), true));
                let w = rt.chanrecv3(ret, c, elem.size())?;
                self.state(g).awaiting = None;
                let v = self.unword(rt, elem, w);
                self.push(g, v);
                self.push(g, Value::Bool(rt.recv_was_closed(g)));
            }
            Ins::Close { site } => {
                let Some(Value::Chan(Some(c))) = stack.pop() else {
                    return Err(self.fail("close of a nil channel".into()));
                };
                let ret = self.ret(rt, func, "runtime.closechan", &site);
                rt.closechan(ret, c)?;
            }
            Ins::Closed { site } => {
                let Some(Value::Chan(Some(c))) = stack.pop() else {
                    return Err(
                        self.fail("closed of a nil channel (a signal panic, not modelled)".into())
                    );
                };
                let ret = self.ret(rt, func, "runtime.closedchan", &site);
                let v = rt.closedchan(ret, c)?;
                self.push(g, Value::Bool(v));
            }
            Ins::AssertFace {
                ref from,
                ref to,
                ok,
                site,
            } => {
                let v = stack.pop().expect("an interface value");
                let words = match &v {
                    Value::Iface(d, w) => (*w, d.data),
                    _ => (0, 0),
                };
                let ret = self.ret(rt, func, assert_fn(from.is_some(), to.is_some(), ok), &site);
                // The result's first word: the dynamic type's descriptor
                // for an interface{}, else the itab found (None: not ok).
                let first = match to {
                    None => {
                        let eface = self.inter_ref(rt, None);
                        rt.assert_x2e(ret, &eface, (from.is_some(), ok), words)?;
                        match &v {
                            Value::Iface(d, _) => Some(self.type_ref(rt, &d.ty).word),
                            _ => None,
                        }
                    }
                    Some(to) => {
                        let inter = self.inter_ref(rt, Some(to));
                        let fit = match &v {
                            Value::Iface(d, _) => Some(self.fit(rt, &d.ty, to)?),
                            _ => None,
                        };
                        let fit = fit.as_ref();
                        match (from, ok) {
                            (None, true) => rt.assert_e2i2(ret, &inter, eface_of(&v), fit)?,
                            (None, false) => Some(rt.assert_e2i(ret, &inter, eface_of(&v), fit)?),
                            (Some(from), true) => {
                                let same = Rc::ptr_eq(from, to);
                                rt.assert_i2i2(ret, &inter, words, fit, same)?
                            }
                            (Some(_), false) => Some(rt.assert_i2i(ret, &inter, words, fit)?),
                        }
                    }
                };
                let out = match (v, first) {
                    (Value::Iface(d, _), Some(w)) => Value::Iface(d, w),
                    _ => Value::Nil,
                };
                let got = out != Value::Nil;
                self.push(g, out);
                if ok {
                    self.push(g, Value::Bool(got));
                }
            }
            Ins::ConvI2I { ref to, site } => {
                let v = stack.pop().expect("an interface value");
                let inter = self.inter_ref(rt, Some(to));
                let (words, fit) = match &v {
                    Value::Iface(d, tab) => ((*tab, d.data), Some(self.fit(rt, &d.ty, to)?)),
                    _ => ((0, 0), None),
                };
                let ret = self.ret(rt, func, "runtime.convI2I", &site);
                let tab = rt.convi2i(ret, &inter, words, fit.as_ref())?;
                let out = match v {
                    Value::Iface(d, _) => Value::Iface(d, tab),
                    other => other,
                };
                self.push(g, out);
            }
            Ins::IfaceEq { eface, site } => {
                let b = stack.pop().expect("an interface value");
                let a = stack.pop().expect("an interface value");
                let words = |v: &Value| match v {
                    Value::Iface(d, w) => (*w, d.data),
                    _ => (0, 0),
                };
                let (wa, wb) = (words(&a), words(&b));
                let dynamic = match (&a, &b) {
                    (Value::Iface(x, _), Value::Iface(y, _)) if wa.0 == wb.0 => {
                        let len = |v: &Value| match v {
                            Value::Str(s) => s.len(),
                            _ => 0,
                        };
                        Some(Compared {
                            ty_name: x.ty.name(),
                            size: x.ty.size(),
                            alg: alg_of(&x.ty),
                            lens: (len(&x.val), len(&y.val)),
                            same: identical(&x.val, &y.val),
                        })
                    }
                    _ => None,
                };
                let callee = if eface {
                    "runtime.efaceeq"
                } else {
                    "runtime.ifaceeq"
                };
                let ret = self.ret(rt, func, callee, &site);
                let same = rt.ifaceeq(ret, eface, (wa, wb), dynamic.as_ref())?;
                self.push(g, Value::Bool(same));
            }
            Ins::CallMethod {
                ref name,
                index,
                nargs,
                site,
            } => {
                let args = stack.split_off(stack.len() - usize::from(nargs));
                let Some(Value::Iface(d, _)) = stack.pop() else {
                    // The call loads itab->fun[index] (Itab's fun starts
                    // at 32) through a nil itab.
                    let addr = 32 + 8 * u64::from(index);
                    return Err(self.fault(rt, g, Fault::Nil { addr }));
                };
                let ret = self.ret(rt, func, "*", &site);
                match (&d.ty, &**name, args.as_slice()) {
                    (Ty::ErrorString, "String", []) => {
                        let s = rt.error_string_string(ret, d.data)?;
                        self.push(g, Value::Str(Rc::from(s)));
                    }
                    (Ty::TypeAssertionError, "String", []) => {
                        let s = rt.type_assertion_string(ret, d.data)?;
                        self.push(g, Value::Str(Rc::from(s)));
                    }
                    (ty, _, _) if self.prog.itab_method(ty, name).is_some() => {
                        let (m, wname) = self.prog.itab_method(ty, name).expect("checked");
                        // The method's receiver: the value, or what the
                        // pointer points at for a value method of *T; for
                        // a promoted one, the embedded field's.
                        let want = &self.prog.funcs[m].sig.params[0];
                        let recv = match self.prog.promoted_method(ty, name) {
                            Some((path, _)) => match embedded_receiver(ty, &d.val, &path, want) {
                                Some(v) => v,
                                None => {
                                    return Err(self.fail(format!(
                                        "{wname:?} through a nil embedded pointer (the wrapper's fault)"
                                    )))
                                }
                            },
                            None => match (&d.val, want) {
                                (Value::Ptr(p), t) if !matches!(t, Ty::Ptr(_)) => p.load(),
                                (v, _) => v.clone(),
                            },
                        };
                        let mut margs = vec![recv];
                        margs.extend(args);
                        let params = self.params[m].clone();
                        let words = self.pack(rt, &params, &margs);
                        let Some(wname) = wname else {
                            // A pointer method of a pointer: the itab
                            // holds the method itself.
                            rt.call_go(ret, self.ids[m], &words)?;
                            let frame = self.frame(m, None, margs, rt.sp);
                            self.state(g).enter(frame);
                            return Ok(());
                        };
                        // Else the itab holds the wrapper, which copies
                        // the receiver out of the data word (or from where
                        // it points) and calls the method.
                        let Some(&w) = self.wrappers.get(&wname) else {
                            return Err(self.fail(format!("{wname} has no frame in the figures")));
                        };
                        rt.call_go(ret, w, &[d.data])?;
                        // The wrapper's one call, in the fixture's table
                        // (6l files generated wrappers under line 1).
                        let mname = &self.prog.funcs[m].name;
                        let Some(off) = self.figures.call(&wname, mname, 1, 0).map(|c| c.ret_off)
                        else {
                            return Err(self.fail(format!(
                                "{wname}'s call of {mname} is not in the call table"
                            )));
                        };
                        let at = rt.tab.entry(w) + u64::from(off);
                        rt.call_go(at, self.ids[m], &words)?;
                        let mut frame = self.frame(m, None, margs, rt.sp);
                        frame.wrapper = Some(w);
                        self.state(g).enter(frame);
                    }
                    (ty, _, _) => {
                        return Err(self.fail(format!(
                            "method {name} of {} through an interface",
                            ty.name()
                        )))
                    }
                }
            }
            Ins::Print { kind, site } => {
                let v = match kind {
                    PrintKind::Sp | PrintKind::Nl => Value::Nil,
                    _ => stack.pop().expect("a value"),
                };
                let callee = kind.callee();
                let ret = self.ret(rt, func, callee, &site);
                let arg = match (&kind, &v) {
                    (PrintKind::Int, Value::Int(n)) => PrintArg::Int(*n),
                    (PrintKind::Uint, Value::Int(n)) => PrintArg::Uint(*n as u64),
                    (PrintKind::Bool, Value::Bool(b)) => PrintArg::Bool(*b),
                    (PrintKind::Float, Value::Float(f)) => PrintArg::Float(*f),
                    (PrintKind::Complex, Value::Complex(r, i)) => PrintArg::Complex(*r, *i),
                    (PrintKind::Str, Value::Str(s)) => {
                        let s = s.clone();
                        return rt.print_arg(ret, &PrintArg::Str(&s));
                    }
                    (PrintKind::Pointer, _) => PrintArg::Pointer(self.word(rt, &v)),
                    (PrintKind::Slice, _) => {
                        let h = self.printed_slice(&v)?;
                        PrintArg::Slice {
                            array: h.array,
                            len: u64::from(h.len),
                            cap: u64::from(h.cap),
                        }
                    }
                    (PrintKind::Sp, _) => PrintArg::Sp,
                    (PrintKind::Nl, _) => PrintArg::Nl,
                    _ => unreachable!("print kinds match their values' types"),
                };
                rt.print_arg(ret, &arg)?;
            }
            Ins::GoMaxProcs { site } => {
                let Some(Value::Int(n)) = stack.pop() else {
                    unreachable!("an int")
                };
                let ret = self.ret(rt, func, "runtime.GOMAXPROCS", &site);
                let old = rt.gomaxprocs_go(ret, n)?;
                self.push(g, Value::Int(old));
            }
            Ins::Gosched { site } => {
                let ret = self.ret(rt, func, "runtime.Gosched", &site);
                rt.gosched_go(ret)?;
            }
            Ins::Block { site } => {
                let ret = self.ret(rt, func, "runtime.block", &site);
                rt.block_forever(ret)?;
            }
            Ins::SelectNb {
                ref case,
                target,
                site,
            } => {
                let (sel, callee) = match &case {
                    SelKind::Send(_) => {
                        let v = stack.pop().expect("a value");
                        let ch = stack.pop();
                        let Some(Value::Chan(Some(c))) = ch else {
                            // A nil channel never communicates: default.
                            self.push(g, Value::Nil);
                            self.push(g, Value::Int(1));
                            return Ok(());
                        };
                        (SelCase::Send(c, self.word(rt, &v)), "runtime.selectnbsend")
                    }
                    SelKind::Recv(_) => {
                        let Some(Value::Chan(Some(c))) = stack.pop() else {
                            self.push(g, Value::Nil);
                            self.push(g, Value::Int(1));
                            return Ok(());
                        };
                        (SelCase::Recv(c), "runtime.selectnbrecv")
                    }
                    SelKind::Default => unreachable!("the case is not the default"),
                };
                let ret = self.ret(rt, func, callee, &site);
                let elemsize = match case {
                    SelKind::Send(ty) | SelKind::Recv(ty) => ty.size(),
                    SelKind::Default => 0,
                };
                let (fired, w) = rt.select_nb(ret, sel, elemsize, target)?;
                let v = match &case {
                    SelKind::Recv(ty) if fired => self.unword(rt, ty, w),
                    _ => Value::Nil,
                };
                self.push(g, v);
                self.push(g, Value::Int(i64::from(!fired)));
            }
            Ins::Select {
                ref cases,
                ref targets,
                ref setup,
                site,
            } => {
                let mut operands = Vec::new();
                for k in cases.iter().rev() {
                    operands.push(match k {
                        SelKind::Send(_) => {
                            let v = stack.pop().expect("a value");
                            (stack.pop(), Some(v))
                        }
                        SelKind::Recv(_) => (stack.pop(), None),
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
                let newselect = self.ret(rt, func, "runtime.newselect", &setup[0]);
                let calls = cases
                    .iter()
                    .zip(&setup[1..])
                    .zip(targets)
                    .map(|((k, s), &target)| {
                        let (size, memword) = match k {
                            SelKind::Send(elem) => (elem.size(), elem.memword()),
                            _ => (0, false),
                        };
                        (self.ret(rt, func, k.setup_call(), s), size, memword, target)
                    })
                    .collect();
                let setup = SelectSetup {
                    newselect,
                    cases: calls,
                };
                let ret = self.ret(rt, func, "runtime.selectgo", &site);
                self.state(g).awaiting = Some(Await::Select(cases.clone()));
                let (i, w) = rt.select(ret, &sel, Some(&setup))?;
                self.state(g).awaiting = None;
                self.selected(rt, g, cases, i, w);
            }
            _ => unreachable!("local instructions run above"),
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
            .figures
            .call(&code.name, "runtime.panicindex", line, 0)
            .map_or(1, |c| c.ret_off);
        let ret = rt.tab.entry(self.ids[fr.func]) + u64::from(off);
        match rt.panicindex(ret) {
            Err(stop) => stop,
            Ok(()) => unreachable!("runtime·panic does not return"),
        }
    }

    /// `g`'s running instruction faults: the kernel's signal, which
    /// sighandler turns into a call of runtime·sigpanic from the faulting
    /// pc. The twin does not know the faulting instruction's offset; it
    /// gives the fault a pc of its own past the function's last call,
    /// filed under the instruction's line.
    fn fault(&mut self, rt: &mut Runtime, g: GId, fault: Fault) -> Stop {
        let fr = self.gs[usize::from(g)]
            .as_ref()
            .and_then(|st| st.frames.last())
            .expect("a frame runs");
        let code = &self.prog.funcs[fr.func];
        let line = code.lines[fr.pc - 1];
        let caller_line = fault_caller_line(&self.prog, code, fr.pc - 1);
        let id = self.ids[fr.func];
        let off = rt.tab.get_mut(id).fault_site(line, caller_line);
        let pc = rt.tab.entry(id) + u64::from(off);
        match rt.sighandler(pc, fault) {
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
        st.stack.truncate(fr.base);
        fr.deferred_done = false;
        fr.pc = self.prog.funcs[fr.func]
            .recover_at
            .expect("a function that deferred has a recovery epilogue");
    }

    /// What printany prints for a panic's value, when the runtime can
    /// print it itself: nil, an int, a string, a runtime error. None for
    /// a value whose String method is the program's, and for the default
    /// case's type string and words.
    fn printany(&self, v: &Value) -> Option<String> {
        let Value::Iface(d, _) = v else {
            return Some("nil".into());
        };
        match (&d.ty, &d.val) {
            (Ty::ErrorString, Value::Str(s)) => Some(format!("runtime error: {s}")),
            (Ty::Str, Value::Str(s)) => Some(s.to_string()),
            (&Ty::INT, Value::Int(n)) => Some(n.to_string()),
            _ => None,
        }
    }

    /// What the runtime needs of a type: its descriptor, size and copy.
    /// An interface value's dynamic part: `v` of type `ty`, its data word
    /// where copyin put it (`copied`: memory from mal) or the value itself.
    fn boxed_dyn(&mut self, rt: &Runtime, ty: &Ty, v: Value, copied: Option<Addr>) -> Rc<Dyn> {
        let data = match copied {
            Some(p) => p,
            None => self.pack(rt, std::slice::from_ref(ty), std::slice::from_ref(&v))[0],
        };
        Rc::new(Dyn {
            ty: ty.clone(),
            val: v,
            data,
        })
    }

    /// Keep a pointer by its address, so that a word read back (from a
    /// channel's buffer) is the pointer again.
    fn point(&mut self, v: &Value) {
        if let Value::Ptr(p) = v {
            if p.addr != 0 {
                self.pointees.insert(p.addr, p.clone());
            }
        }
    }

    fn type_ref(&self, rt: &mut Runtime, ty: &Ty) -> TypeRef {
        TypeRef {
            word: rt.type_word(&ty.name()),
            size: ty.size(),
            alg: alg_of(ty),
        }
    }

    /// The descriptor of interface `it` (None: interface{}).
    fn inter_ref(&self, rt: &mut Runtime, it: Option<&Rc<IfaceTy>>) -> InterRef {
        let (ty, nmethods) = match it {
            Some(it) => (Ty::Iface(it.clone()), it.methods().len() as u32),
            None => (Ty::Eface, 0),
        };
        let name = ty.name();
        InterRef {
            word: rt.type_word(&name),
            name,
            nmethods,
        }
    }

    /// The dynamic type `ty` as itab sees it against interface `it`.
    fn fit(&mut self, rt: &mut Runtime, ty: &Ty, it: &IfaceTy) -> Result<Fit, Stop> {
        let has = self.prog.method_set(ty);
        let funcs = &self.prog.funcs;
        let fits = |m: &String, sig: &Sig| {
            method_fits(&self.prog.methods, |id| funcs[id].sig.clone(), ty, m, sig)
        };
        // A promoted method is in the type's method table as its wrapper.
        let reaches = |m: &String| has.contains(m) || self.prog.itab_method(ty, m).is_some();
        let missing = it
            .methods()
            .iter()
            .find(|(m, sig)| !reaches(m) || !fits(m, sig))
            .map(|(m, _)| m.clone());
        if let Some(m) = missing.as_ref().filter(|m| self.prog.promotes(ty, m)) {
            return Err(self.fail(format!(
                "{} has {m} through an embedded field, a pointer method of an embedded value or of a receiver narrower than a word: the wrapper in its itab is not modelled",
                ty.name()
            )));
        }
        let unnamed = matches!(
            ty,
            Ty::Ptr(_) | Ty::Slice(_) | Ty::Array(..) | Ty::Map(..) | Ty::Chan(_) | Ty::Func(_)
        );
        Ok(Fit {
            ty: self.type_ref(rt, ty).word,
            ty_name: ty.name(),
            missing,
            uncommon: !unnamed || !has.is_empty(),
        })
    }

    /// The program's value of an interface{} the runtime holds: one the
    /// program made, or a runtime error.
    fn eface_value(&self, rt: &Runtime, e: Eface) -> Value {
        if e.ty == 0 {
            return Value::Nil;
        }
        if let Some(d) = self.efaces.get(&e) {
            return Value::Iface(d.clone(), e.ty);
        }
        let d = match rt.type_name(e.ty) {
            Some(TYPE_ASSERTION_ERROR) => Dyn {
                ty: Ty::TypeAssertionError,
                val: Value::Nil,
                data: e.data,
            },
            _ => Dyn {
                ty: Ty::ErrorString,
                val: Value::Str(Rc::from(rt.error_string(e.data).unwrap_or_default())),
                data: e.data,
            },
        };
        Value::Iface(Rc::new(d), e.ty)
    }

    /// A go or defer statement's argument words and the code it names.
    fn stmt_target(
        &mut self,
        rt: &Runtime,
        callee: usize,
        closure: Option<&Closure>,
        args: &[Value],
    ) -> (Vec<u64>, Addr, u32) {
        let params = self.params[callee].clone();
        let words = self.pack(rt, &params, args);
        // newproc's and deferproc's siz: the callee's argsize, its
        // results' words included.
        let results = &self.prog.funcs[callee].sig.results;
        let siz = super::layout::argwid(false, 0, &params, results);
        (words, self.code_addr(rt, callee, closure), siz)
    }

    /// The address of the code that runs `func`: its closure's
    /// trampoline, or its entry.
    fn code_addr(&self, rt: &Runtime, func: usize, closure: Option<&Closure>) -> Addr {
        closure.map_or_else(|| rt.tab.entry(self.ids[func]), |c| c.addr)
    }

    fn push(&mut self, g: GId, v: Value) {
        let st = self.gs[usize::from(g)].as_mut().expect("started");
        st.stack.push(v);
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
        let name = if closure.is_some() {
            "*"
        } else {
            self.code(callee).name.as_str()
        };
        let ret = self.ret(rt, caller, name, site);
        let params = self.params[callee].clone();
        let words = self.pack(rt, &params, &args);
        match &closure {
            Some(c) => rt.call_value(ret, c.addr, &words).map(drop)?,
            None => rt.call_go(ret, self.ids[callee], &words)?,
        }
        let frame = self.frame(callee, closure.as_deref(), args, rt.sp);
        self.gs[usize::from(g)]
            .as_mut()
            .expect("started")
            .enter(frame);
        Ok(())
    }
}

/// Declare function `name` in `rt` with its frame, argument
/// size, lines and call sites.
fn declare(rt: &mut Runtime, figures: &Figures, name: &str, file: &str) -> Result<FuncId, VmError> {
    let Some(row) = figures.frames.get(name) else {
        return Err(VmError::NoFrame(name.to_string()));
    };
    let mut f = Func::go(name, file, 0, row.frame, row.args);
    f.argwords = row.argwords;
    if let Some(calls) = figures.calls.get(name) {
        for c in calls {
            if c.ret_off == 0 {
                f.line = c.line;
                f.file = c.file.clone();
            } else {
                f.sites.push((c.ret_off, c.line, c.top_line));
            }
        }
    }
    Ok(rt.declare(f)?)
}

/// Whether an instruction only works on the frame's locals and operands
/// (and the globals): no runtime call, no frame entered or left.
fn local(ins: &Ins) -> bool {
    matches!(
        ins,
        Ins::Const(_)
            | Ins::Zero(_)
            | Ins::Load(_)
            | Ins::Store(_)
            | Ins::Index
            | Ins::PtrIndex(..)
            | Ins::LoadElem(_)
            | Ins::StoreIndex(_)
            | Ins::Dup
            | Ins::SliceElem
            | Ins::Cap
            | Ins::Len
            | Ins::MakeStruct(_)
            | Ins::MakeArray(_)
            | Ins::MakeBytes(_)
            | Ins::MakeInts(_)
            | Ins::Field(_)
            | Ins::StoreField(..)
            | Ins::LoadPtrField(..)
            | Ins::StorePtrField(..)
            | Ins::Deref
            | Ins::StoreDeref
            | Ins::Pop
            | Ins::Bin(..)
            | Ins::Fused(_)
            | Ins::Neg(_)
            | Ins::Not
            | Ins::Complement(_)
            | Ins::FloatToInt(_)
            | Ins::ToFloat(_)
            | Ins::ToComplex(_)
            | Ins::Complex(_)
            | Ins::Part { .. }
            | Ins::Uint64ToFloat(_)
            | Ins::TypeIs(_)
            | Ins::Jump(_)
            | Ins::JumpIfNot(_)
            | Ins::JumpTable(_)
    )
}

/// A function's code with [`Fused`] operations in front of the sequences
/// they stand for: the same length, every other instruction in place.
fn fuse(code: &[Ins]) -> Vec<Ins> {
    let operand = |ins: &Ins| match *ins {
        Ins::Load(Slot::Local(l)) => Some(Operand::Local(l)),
        Ins::Const(Const::Int(k)) => Some(Operand::Int(k as i64)),
        _ => None,
    };
    let mut out = code.to_vec();
    for (i, w) in code.windows(3).enumerate() {
        let (Some(a), Some(b), Ins::Bin(op, ty @ Ty::Int { .. })) =
            (operand(&w[0]), operand(&w[1]), &w[2])
        else {
            continue;
        };
        let compares = matches!(
            op,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        );
        let then = match code.get(i + 3) {
            Some(Ins::Store(Slot::Local(l))) => Then::Store(*l),
            Some(Ins::JumpIfNot(to)) if compares => Then::JumpIfNot(*to),
            _ => Then::Push,
        };
        out[i] = Ins::Fused(Box::new(Fused {
            a,
            b,
            op: *op,
            ty: ty.clone(),
            then,
        }));
    }
    out
}

/// FNV-1a of a callee's name, for the call-site cache's key (the names
/// are a fixture's few hundred, far from colliding).
fn fnv(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The `n` integers on top of the stack, popped, in order.
fn pop_ints(stack: &mut Vec<Value>, n: u32) -> Vec<i64> {
    stack
        .split_off(stack.len() - n as usize)
        .into_iter()
        .map(|v| match v {
            Value::Int(w) => w,
            _ => unreachable!("typed"),
        })
        .collect()
}

/// The words of an interface value: its type or itab, its data.
fn eface_of(v: &Value) -> Eface {
    match v {
        Value::Iface(d, tab) => Eface {
            ty: *tab,
            data: d.data,
        },
        _ => Eface::default(),
    }
}

impl Machine {
    /// An interface with methods as the runtime reads it: its itab, its
    /// data word, and the dynamic type the itab holds (0s for nil).
    fn itab_words(&mut self, rt: &mut Runtime, v: &Value) -> (Addr, Addr, Addr) {
        match v {
            Value::Iface(d, tab) => (*tab, d.data, self.type_ref(rt, &d.ty).word),
            _ => (0, 0, 0),
        }
    }
}

/// A go or defer statement's callee: the declared function, or the
/// function value below the arguments.
fn callee_of(
    stack: &mut Vec<Value>,
    direct: Option<usize>,
) -> Option<(usize, Option<Rc<Closure>>)> {
    match direct {
        Some(f) => Some((f, None)),
        None => match stack.pop() {
            Some(Value::Func(c)) => Some((c.func, Some(c))),
            _ => None,
        },
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
        // A goroutine that runs a deferred call for a panic, or resumes in
        // the deferring function after a recovery, was not woken by the
        // operation it was in: that operation panicked (a select's send
        // on a closed channel) and never completes.
        let recovered = rt.take_recovery(g);
        let interrupted =
            recovered.is_some() || matches!(rt.gs[g].start, Some((_, Start::Deferred)));
        match awaiting.filter(|_| !interrupted) {
            Some(Await::Recv(ty, closed)) => {
                let w = rt.take_result(g).unwrap_or(0);
                let v = self.unword(rt, &ty, w);
                self.push(g, v);
                if closed {
                    self.push(g, Value::Bool(rt.recv_was_closed(g)));
                }
            }
            Some(Await::Select(cases)) => {
                let (i, w) = rt.take_selected(g).expect("a woken select took a case");
                self.selected(rt, g, &cases, i, w);
            }
            None => {}
        }
        if let Some(argp) = recovered {
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
                        Some(Deferred::Close(Some(c))) => {
                            let r = rt.closechan_body(c).and_then(|()| rt.ret_go(f));
                            if let Err(stop) = r {
                                return stop;
                            }
                        }
                        Some(Deferred::Close(None)) => {
                            return self.fail("close of a nil channel".into());
                        }
                        // A function: its frame goes on top; its Ret
                        // returns the same way.
                        Some(Deferred::Call(callee, closure, args)) => {
                            let mut frame = self.frame(callee, closure.as_deref(), args, rt.sp);
                            frame.deferred = true;
                            self.state(g).enter(frame);
                        }
                        None => unreachable!("the runtime runs only calls the program deferred"),
                    }
                    continue;
                }
                let func = self.by_id[&f];
                let (closure, args) = self.spawned.remove(&g).unwrap_or_default();
                let frame = self.frame(func, closure.as_deref(), args, rt.sp);
                let st = self.state(g);
                st.frames.clear();
                st.stack.clear();
                st.enter(frame);
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
    match ty.under() {
        Ty::Int { .. } => Value::Int(0),
        Ty::Float64 => Value::Float(0.0),
        Ty::Float32 => Value::Float32(0.0),
        Ty::Complex128 => Value::Complex(0.0, 0.0),
        Ty::Complex64 => Value::Complex64(0.0, 0.0),
        Ty::Bool => Value::Bool(false),
        Ty::Str => Value::Str(Rc::from("")),
        Ty::Chan(_) => Value::Chan(None),
        Ty::Func(_) | Ty::Nil => Value::Nil,
        Ty::Array(n, elem) if **elem == BYTE => Value::Bytes(vec![0; *n as usize]),
        Ty::Array(n, elem) if matches!(**elem, Ty::Int { .. }) => Value::Ints(vec![0; *n as usize]),
        Ty::Array(n, elem) => Value::Array(vec![zero(elem); *n as usize]),
        Ty::Slice(_) => new_slice(Vec::new(), 0),
        Ty::Map(..) => Value::Map(None),
        Ty::Struct(st) => Value::Struct(st.fields().iter().map(|(_, t)| zero(t)).collect()),
        Ty::Eface | Ty::Iface(_) | Ty::Ptr(_) | Ty::TypeAssertionError => Value::Nil,
        Ty::ErrorString => Value::Str(Rc::from("")),
        Ty::Named(_) => unreachable!("an underlying type is not named"),
    }
}

/// Element `i` of an array or slice.
fn element(a: &Value, i: i64) -> Option<Value> {
    let i = usize::try_from(i).ok()?;
    match a {
        Value::Array(a) => a.get(i).cloned(),
        Value::Bytes(b) => b.get(i).map(|&b| Value::Int(i64::from(b))),
        Value::Ints(w) => w.get(i).map(|&w| Value::Int(w)),
        Value::Str(s) => s.as_bytes().get(i).map(|&b| Value::Int(i64::from(b))),
        Value::Slice { arr, off, len, .. } if i < *len as usize => {
            element(&arr.borrow(), i as i64 + i64::from(*off))
        }
        Value::Slice { .. } => None,
        _ => unreachable!("typed"),
    }
}

/// Store `v` as element `i` of the array or slice `a`; false when `i` is
/// out of range.
fn store(a: &mut Value, i: i64, v: Value) -> bool {
    let Ok(i) = usize::try_from(i) else {
        return false;
    };
    match (a, v) {
        (Value::Array(a), v) => a.get_mut(i).map(|e| *e = v).is_some(),
        (Value::Bytes(b), Value::Int(v)) => b.get_mut(i).map(|e| *e = v as u8).is_some(),
        (Value::Ints(w), Value::Int(v)) => w.get_mut(i).map(|e| *e = v).is_some(),
        (Value::Slice { arr, off, len, .. }, v) if i < *len as usize => {
            store(&mut arr.borrow_mut(), i as i64 + i64::from(*off), v)
        }
        (Value::Slice { .. }, _) => false,
        _ => unreachable!("typed"),
    }
}

/// Where the twin puts package variables: after one another, each at its
/// alignment, apart from the heap, the text and the type descriptors.
const GLOBALS_BASE: Addr = 0x0060_0000;

/// The package variables' addresses, in declaration order.
fn place_globals(tys: &[Ty]) -> Vec<Addr> {
    let mut at = GLOBALS_BASE;
    tys.iter()
        .map(|t| {
            let a = at.next_multiple_of(Addr::from(t.align()));
            at = a + Addr::from(t.size().max(1));
            a
        })
        .collect()
}

/// Why a path stops short of its end.
enum PathStop {
    /// An index out of range: runtime·panicindex.
    Index,
    /// A nil pointer on the way, faulting this many bytes in.
    Nil(u64),
}

/// How far into what a nil pointer (the path's step `k`, `Deref(off)`)
/// points at the access faults: the field's offset, or for a pointer to
/// an array the element's (`i`, the next step's index).
fn nil_offset(off: u16, steps: &[Step], k: usize, i: Option<i64>) -> u64 {
    match (steps.get(k + 1), i) {
        (Some(Step::Index { width, .. }), Some(i)) => {
            u64::from(off) + (i as u64).wrapping_mul(u64::from(*width))
        }
        _ => u64::from(off),
    }
}

/// Where a walk along a path got to: its end (what a load read), or a
/// cell to go on in (a pointer's, a slice's array) from step `k`, index
/// `j`, with that index replaced by the element's place in the array.
enum Walk {
    Done(Option<Value>),
    Into(Rc<Pointer>, usize, usize, Option<i64>),
}

/// Walk `steps` from `k` (their indexes from `j`) in `v`: load the end
/// (`op` None) or store `op` there. A pointer or a slice hands the walk
/// to its cell, so that no cell is borrowed twice (a list may point back
/// at the node the walk started in).
fn walk(
    mut v: &mut Value,
    steps: &[Step],
    mut k: usize,
    idx: &[i64],
    mut j: usize,
    mut over: Option<i64>,
    op: &mut Option<Value>,
) -> Result<Walk, PathStop> {
    loop {
        let Some(&step) = steps.get(k) else {
            return Ok(Walk::Done(match op.take() {
                Some(new) => {
                    *v = new;
                    None
                }
                None => Some(v.clone()),
            }));
        };
        match step {
            Step::Field { i, .. } => {
                let Value::Struct(fields) = v else {
                    unreachable!("typed")
                };
                v = &mut fields[usize::from(i)];
            }
            Step::Deref(off) => {
                let Value::Ptr(p) = v else {
                    let i = over.or_else(|| idx.get(j).copied());
                    return Err(PathStop::Nil(nil_offset(off, steps, k, i)));
                };
                return Ok(Walk::Into(p.clone(), k + 1, j, None));
            }
            Step::Index { .. } => {
                let i = over.take().unwrap_or(idx[j]);
                if let Value::Slice { arr, off, len, .. } = v {
                    if !(0..i64::from(*len)).contains(&i) {
                        return Err(PathStop::Index);
                    }
                    let whole = Rc::new(Pointer {
                        cell: arr.clone(),
                        path: Box::default(),
                        addr: 0,
                    });
                    return Ok(Walk::Into(whole, k, j, Some(i + i64::from(*off))));
                }
                if k + 1 == steps.len() {
                    // The last step: an element of any array, compact
                    // ones included.
                    return match op.take() {
                        Some(new) => match store(v, i, new) {
                            true => Ok(Walk::Done(None)),
                            false => Err(PathStop::Index),
                        },
                        None => element(v, i)
                            .map(|e| Walk::Done(Some(e)))
                            .ok_or(PathStop::Index),
                    };
                }
                let Value::Array(elems) = v else {
                    unreachable!("typed")
                };
                let Some(e) = usize::try_from(i).ok().and_then(|i| elems.get_mut(i)) else {
                    return Err(PathStop::Index);
                };
                v = e;
                j += 1;
            }
        }
        k += 1;
    }
}

/// A path's Index steps' indexes, popped from the stack (the last on top).
fn path_indexes(stack: &mut Vec<Value>, steps: &[Step]) -> Vec<i64> {
    let n = steps
        .iter()
        .filter(|s| matches!(s, Step::Index { .. }))
        .count();
    stack
        .split_off(stack.len() - n)
        .into_iter()
        .map(|v| match v {
            Value::Int(i) => i,
            _ => unreachable!("typed"),
        })
        .collect()
}

/// Where a path from `cell` (at `addr`) ends, for `&`: the cell it last
/// entered (a pointer's, a slice's array) and the fields and elements from
/// there, with their address (0 once unknown).
fn locate(
    mut cell: Cell,
    mut addr: Addr,
    steps: &[Step],
    idx: &[i64],
) -> Result<Pointer, PathStop> {
    let mut path: Vec<u32> = Vec::new();
    let mut idx = idx.iter();
    let known = |a: Addr, d: Addr| if a == 0 { 0 } else { a + d };
    for (k, &step) in steps.iter().enumerate() {
        match step {
            Step::Field { i, off } => {
                path.push(u32::from(i));
                addr = known(addr, Addr::from(off));
            }
            Step::Index { width, .. } => {
                let i = *idx.next().expect("an index for each step");
                let slice = match descend(&mut cell.borrow_mut(), &path) {
                    Target::Compact(..) => unreachable!("an integer has no elements"),
                    Target::Value(v) => match v {
                        Value::Slice {
                            arr,
                            addr: base,
                            off,
                            len,
                            ..
                        } => (0..i64::from(*len))
                            .contains(&i)
                            .then(|| (arr.clone(), *base, i64::from(*off)))
                            .ok_or(PathStop::Index)
                            .map(Some)?,
                        v if (0..elements_len(v) as i64).contains(&i) => None,
                        _ => return Err(PathStop::Index),
                    },
                };
                let step = Addr::from(width) * i as Addr;
                match slice {
                    Some((arr, base, off)) => {
                        cell = arr;
                        path = vec![(off + i) as u32];
                        addr = known(base, step);
                    }
                    None => {
                        path.push(i as u32);
                        addr = known(addr, step);
                    }
                }
            }
            Step::Deref(off) => {
                let here = Pointer {
                    cell: cell.clone(),
                    path: path.clone().into(),
                    addr,
                };
                let Value::Ptr(p) = here.load() else {
                    let i = idx.clone().next().copied();
                    return Err(PathStop::Nil(nil_offset(off, steps, k, i)));
                };
                cell = p.cell.clone();
                path = p.path.to_vec();
                addr = p.addr;
            }
        }
    }
    Ok(Pointer {
        cell,
        path: path.into(),
        addr,
    })
}

/// Go on with a walk in the cells it was handed, to its end.
fn finish_walk(
    mut w: Walk,
    steps: &[Step],
    idx: &[i64],
    op: &mut Option<Value>,
) -> Result<Option<Value>, PathStop> {
    loop {
        match w {
            Walk::Done(v) => return Ok(v),
            Walk::Into(p, k, j, over) => {
                let mut v = p.cell.borrow_mut();
                w = match descend(&mut v, &p.path) {
                    Target::Value(v) => walk(v, steps, k, idx, j, over, op)?,
                    // An integer in a compact array: the path ends there.
                    Target::Compact(a, i) => Walk::Done(match op.take() {
                        Some(new) => {
                            store(a, i, new);
                            None
                        }
                        None => element(a, i),
                    }),
                };
            }
        }
    }
}

/// The algarray entry of a type (subr.c's algtype): structs and arrays
/// have no equal. (Interfaces, AINTER and ANILINTER, copy as AMEM does,
/// and are no map key the twin takes.)
fn alg_of(ty: &Ty) -> Alg {
    match ty.under() {
        Ty::Str => Alg::Str,
        Ty::Struct(_) | Ty::Array(..) => Alg::NoEq,
        _ if ty.memword() => Alg::MemWord,
        _ => Alg::Mem,
    }
}

/// A map key's bytes, as memhash hashes them: an integer's or float's
/// little-endian bytes at its size, a string's bytes.
fn key_bytes(k: &Value, size: u32) -> Vec<u8> {
    match k {
        Value::Str(s) => s.as_bytes().to_vec(),
        Value::Bool(b) => vec![u8::from(*b)],
        Value::Float(f) => f.to_bits().to_le_bytes().to_vec(),
        Value::Float32(f) => f.to_bits().to_le_bytes().to_vec(),
        Value::Complex(r, i) => [r.to_le_bytes(), i.to_le_bytes()].concat(),
        Value::Complex64(r, i) => [r.to_le_bytes(), i.to_le_bytes()].concat(),
        Value::Int(n) => n.to_le_bytes()[..size as usize].to_vec(),
        _ => unreachable!("the compiler takes these keys only"),
    }
}

/// The map iterator a range keeps in a hidden local.
fn iter_in(locals: &[Local], slot: Slot) -> IterId {
    let Slot::Local(i) = slot else {
        unreachable!("a hidden local")
    };
    match locals[usize::from(i)].get() {
        Value::Int(n) => IterId(n as u32),
        _ => unreachable!("an iterator"),
    }
}

/// What slice.c asks of an element type.
fn elem_of(ty: &Ty) -> Elem {
    Elem {
        size: ty.size(),
        pointers: ty.has_pointers(),
    }
}

/// The slice `append` made: `out` (from the runtime) of `old` (`x`, as
/// the runtime saw it) with `vals` after its elements; a new array of
/// its own where the runtime made one, else `old`'s, written in place.
fn appended(elem: &Ty, old: Value, out: SliceHdr, x: SliceHdr, vals: &[Value]) -> Value {
    let Value::Slice { arr, addr, off, .. } = old else {
        unreachable!("typed")
    };
    // appendslice1 makes a new array exactly when it grows the cap.
    if out.cap != x.cap {
        let mut elems: Vec<Value> = (0..x.len as usize)
            .map(|i| element(&arr.borrow(), i as i64 + i64::from(off)).expect("in range"))
            .collect();
        elems.extend(vals.iter().cloned());
        elems.resize(out.cap as usize, zero(elem));
        return Value::Slice {
            arr: Rc::new(RefCell::new(Value::Array(elems))),
            addr: out.array,
            off: 0,
            len: out.len,
            cap: out.cap,
        };
    }
    for (i, v) in vals.iter().enumerate() {
        let at = i64::from(off) + i64::from(x.len) + i as i64;
        store(&mut arr.borrow_mut(), at, v.clone());
    }
    Value::Slice {
        arr,
        addr,
        off,
        len: out.len,
        cap: out.cap,
    }
}

/// A slice over an array of its own, `elems`, at `addr`.
fn new_slice(elems: Vec<Value>, addr: Addr) -> Value {
    let n = elems.len() as u32;
    Value::Slice {
        arr: Rc::new(RefCell::new(Value::Array(elems))),
        addr,
        off: 0,
        len: n,
        cap: n,
    }
}

/// The receiver a promoted method gets from `v`, a `ty`: the embedded
/// fields along `path`, through the pointers on the way, then the field
/// itself or what it points at, as the method (receiving a `want`) takes
/// it. None where a pointer on the way is nil.
fn embedded_receiver(ty: &Ty, v: &Value, path: &[String], want: &Ty) -> Option<Value> {
    let deref = |v: Value| match v {
        Value::Ptr(p) => Some(p.load()),
        Value::Nil => None,
        v => Some(v),
    };
    let (mut v, mut t) = (v.clone(), ty.clone());
    for f in path {
        if let Ty::Ptr(inner) = t.under() {
            let inner = (**inner).clone();
            v = deref(v)?;
            t = inner;
        }
        let st = super::code::struct_of(&t)?;
        let i = st.fields().iter().position(|(n, _)| n == f)?;
        let Value::Struct(fields) = v else {
            unreachable!("typed")
        };
        v = fields[i].clone();
        t = st.fields()[i].1.clone();
    }
    match (t.under(), want.under()) {
        (Ty::Ptr(_), Ty::Ptr(_)) => Some(v),
        (Ty::Ptr(_), _) => deref(v),
        _ => Some(v),
    }
}

/// How many elements the array or slice `a` has.
fn elements_len(a: &Value) -> usize {
    match a {
        Value::Array(a) => a.len(),
        Value::Bytes(b) => b.len(),
        Value::Ints(w) => w.len(),
        Value::Slice { len, .. } => *len as usize,
        _ => unreachable!("typed"),
    }
}

/// The elements of the array or slice `a`, in order.
fn elements(a: &Value) -> Vec<Value> {
    (0..elements_len(a) as i64)
        .map(|i| element(a, i).expect("in range"))
        .collect()
}

/// A comparison operator applied to `x` and `y`; None for arithmetic.
fn compare<T: PartialOrd>(op: BinOp, x: T, y: T) -> Option<bool> {
    use BinOp::*;
    Some(match op {
        Eq => x == y,
        Ne => x != y,
        Lt => x < y,
        Le => x <= y,
        Gt => x > y,
        Ge => x >= y,
        _ => return None,
    })
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

/// What [`int_binop`] gives: a plain pair, so that the step loop writes
/// the value straight where it goes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum IntOut {
    Int(i64),
    Bool(bool),
}

impl From<IntOut> for Value {
    #[inline]
    fn from(r: IntOut) -> Value {
        match r {
            IntOut::Int(n) => Value::Int(n),
            IntOut::Bool(b) => Value::Bool(b),
        }
    }
}

/// Why an operation gives no value.
#[derive(Debug, PartialEq)]
enum Trap {
    /// An integer division by zero: the hardware's SIGFPE.
    DivideByZero,
    /// Operands the twin does not model.
    Unmodelled(String),
}

/// [`binop`] of two integers: most of what the fixtures compute, so the
/// step loop calls it directly when both operands are integers. None for
/// a division by zero, which traps.
#[inline]
fn int_binop(op: BinOp, ty: &Ty, x: i64, y: i64) -> Option<IntOut> {
    use BinOp::*;
    Some(IntOut::Int(match op {
        Eq | Ne | Lt | Le | Gt | Ge => {
            return Some(IntOut::Bool(compare(op, x, y).expect("a comparison")))
        }
        Add => wrap(ty, x.wrapping_add(y)),
        Sub => wrap(ty, x.wrapping_sub(y)),
        Mul => wrap(ty, x.wrapping_mul(y)),
        Div | Rem if y == 0 => return None,
        Div => wrap(ty, x.wrapping_div(y)),
        Rem => wrap(ty, x.wrapping_rem(y)),
        And => x & y,
        Or => x | y,
        Xor => wrap(ty, x ^ y),
        AndNot => x & !y,
        // The count is unsigned: a shift by the width or more leaves 0,
        // or, right on a negative signed value, -1.
        Shl => wrap(ty, if y as u64 >= 64 { 0 } else { x << y }),
        Shr => match (ty.under(), y as u64 >= 64) {
            (Ty::Int { signed: true, .. }, big) => x >> if big { 63 } else { y },
            (_, true) => 0,
            (_, false) => wrap(ty, ((x as u64) >> y) as i64),
        },
    }))
}

/// The line a caller's frame prints for a fault of instruction `at`:
/// gentraceback looks up the byte before the pc, the end of the
/// instruction before the faulting one. That is on the fault's line when
/// the pointer is loaded there; but 6g's regopt keeps a local that does
/// not live in the heap in a register from its last assignment to its use
/// when no call and no branch target lies between, and then the
/// instruction before is the last one before the use (the assignment's,
/// for `var p *T` right before `p.f`).
fn fault_caller_line(prog: &Compiled, code: &Code, at: usize) -> u32 {
    let line = code.lines[at];
    // A pointer's field read or written (a constant stored is an
    // immediate, no instruction of its own).
    if !matches!(
        code.ins[at],
        Ins::LoadPtrField(..) | Ins::StorePtrField(..) | Ins::Deref | Ins::StoreDeref
    ) {
        return line;
    }
    let mut load = at;
    loop {
        let Some(k) = load.checked_sub(1) else {
            return line;
        };
        load = k;
        if !matches!(code.ins[load], Ins::Const(_)) {
            break;
        }
    }
    let Ins::Load(Slot::Local(l)) = code.ins[load] else {
        return line;
    };
    let in_heap = code
        .ins
        .iter()
        .any(|i| matches!(i, Ins::New { slot: Slot::Local(m), .. } if *m == l));
    let params = code.sig.params.len();
    if in_heap || usize::from(l) < params || load == 0 {
        return line;
    }
    let targets: std::collections::HashSet<usize> = code
        .ins
        .iter()
        .flat_map(|i| match i {
            Ins::Jump(t) | Ins::JumpIfNot(t) => vec![*t],
            Ins::JumpTable(ts) => ts.clone(),
            _ => Vec::new(),
        })
        .collect();
    for k in (0..load).rev() {
        if targets.contains(&(k + 1)) {
            return line;
        }
        match &code.ins[k] {
            Ins::Store(Slot::Local(m)) if *m == l => return code.lines[load - 1],
            ins if !super::predict::callees(prog, ins).is_empty() => return line,
            _ => {}
        }
    }
    line
}

/// Whether two values are equal as `==` compares them: pointers by what
/// they point at (the same variable), the rest by value.
fn identical(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Ptr(x), Value::Ptr(y)) => Rc::ptr_eq(&x.cell, &y.cell) && x.path == y.path,
        // walk's OEQ of a slice and nil compares the array pointer.
        (s @ Value::Slice { .. }, Value::Nil) | (Value::Nil, s @ Value::Slice { .. }) => {
            matches!(
                s,
                Value::Slice {
                    addr: 0,
                    len: 0,
                    cap: 0,
                    ..
                }
            )
        }
        _ => a == b,
    }
}

/// `v` as a value of the float type `ty`: an integer or a float64
/// rounded once to a float32 (CVTSQ2SS, CVTSD2SS), a float32 widened
/// exactly (CVTSS2SD).
fn to_float(ty: &Ty, v: Value) -> Value {
    let single = *ty.under() == Ty::Float32;
    match v {
        Value::Int(n) if single => Value::Float32(n as f32),
        Value::Int(n) => Value::Float(n as f64),
        Value::Float(f) if single => Value::Float32(f as f32),
        Value::Float32(f) if !single => Value::Float(f64::from(f)),
        v @ (Value::Float(_) | Value::Float32(_)) => v,
        _ => unreachable!("typed"),
    }
}

/// `v` as a value of the complex type `ty`: a complex value's parts
/// converted (cplx.c's complexmove), a constant's made so.
fn to_complex(ty: &Ty, v: Value) -> Value {
    let (r, i) = match v {
        Value::Complex(r, i) => (r, i),
        Value::Complex64(r, i) => (f64::from(r), f64::from(i)),
        Value::Int(n) => (n as f64, 0.0),
        Value::Float(f) => (f, 0.0),
        Value::Float32(f) => (f64::from(f), 0.0),
        _ => unreachable!("typed"),
    };
    if *ty.under() == Ty::Complex64 {
        Value::Complex64(r as f32, i as f32)
    } else {
        Value::Complex(r, i)
    }
}

/// complexadd, complexmul and complexbool on `(a, b)` and `(c, d)`, in
/// the parts' type: the product's real part is `a*c - b*d`, its
/// imaginary part `a*d + b*c`, each rounded as SSE rounds it. Division
/// is runtime·complex128div's (see complex.rs).
fn complex_op<T>(op: BinOp, (a, b): (T, T), (c, d): (T, T)) -> Result<Result<(T, T), bool>, Trap>
where
    T: Copy
        + PartialEq
        + std::ops::Add<Output = T>
        + std::ops::Sub<Output = T>
        + std::ops::Mul<Output = T>,
{
    use BinOp::*;
    Ok(match op {
        Eq => Err(a == c && b == d),
        Ne => Err(!(a == c && b == d)),
        Add => Ok((a + c, b + d)),
        Sub => Ok((a - c, b - d)),
        Mul => Ok((a * c - b * d, a * d + b * c)),
        _ => {
            return Err(Trap::Unmodelled(format!(
                "operator {} on a complex value",
                op.symbol()
            )))
        }
    })
}

fn binop(op: BinOp, ty: &Ty, a: Value, b: Value) -> Result<Value, Trap> {
    use BinOp::*;
    Ok(match (a, b) {
        (Value::Complex(a, b), Value::Complex(c, d)) => match complex_op(op, (a, b), (c, d))? {
            Ok((r, i)) => Value::Complex(r, i),
            Err(eq) => Value::Bool(eq),
        },
        (Value::Complex64(a, b), Value::Complex64(c, d)) => match complex_op(op, (a, b), (c, d))? {
            Ok((r, i)) => Value::Complex64(r, i),
            Err(eq) => Value::Bool(eq),
        },
        // The compiler makes a constant operand of a complex operation
        // the other operand's type (see Compiler::operand_as).
        (Value::Complex(..) | Value::Complex64(..), _)
        | (_, Value::Complex(..) | Value::Complex64(..)) => {
            return Err(Trap::Unmodelled(format!(
                "operator {} on a complex value and a value of another type",
                op.symbol()
            )))
        }
        (Value::Float32(x), Value::Float32(y)) => match (compare(op, x, y), op) {
            (Some(b), _) => Value::Bool(b),
            (None, Add) => Value::Float32(x + y),
            (None, Sub) => Value::Float32(x - y),
            (None, Mul) => Value::Float32(x * y),
            (None, Div) => Value::Float32(x / y),
            _ => {
                return Err(Trap::Unmodelled(format!(
                    "operator {} on float32",
                    op.symbol()
                )))
            }
        },
        // A constant meets a float32: typecheck made it one.
        (x @ Value::Float32(_), y @ (Value::Int(_) | Value::Float(_))) => {
            return binop(op, ty, x, to_float(&Ty::Float32, y))
        }
        (x @ (Value::Int(_) | Value::Float(_)), y @ Value::Float32(_)) => {
            return binop(op, ty, to_float(&Ty::Float32, x), y)
        }
        // An untyped integer constant meets a float.
        (Value::Float(x), Value::Int(y)) => {
            return binop(op, ty, Value::Float(x), Value::Float(y as f64))
        }
        (Value::Int(x), Value::Float(y)) => {
            return binop(op, ty, Value::Float(x as f64), Value::Float(y))
        }
        (Value::Float(x), Value::Float(y)) => match (compare(op, x, y), op) {
            (Some(b), _) => Value::Bool(b),
            (None, Add) => Value::Float(x + y),
            (None, Sub) => Value::Float(x - y),
            (None, Mul) => Value::Float(x * y),
            (None, Div) => Value::Float(x / y),
            _ => {
                return Err(Trap::Unmodelled(format!(
                    "operator {} on float64",
                    op.symbol()
                )))
            }
        },
        (Value::Int(x), Value::Int(y)) => {
            return int_binop(op, ty, x, y)
                .map(Value::from)
                .ok_or(Trap::DivideByZero)
        }
        (a, b) => match op {
            Eq => Value::Bool(identical(&a, &b)),
            Ne => Value::Bool(!identical(&a, &b)),
            _ => {
                return Err(Trap::Unmodelled(format!(
                    "operator {} not defined on these values",
                    op.symbol()
                )))
            }
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const INT: Ty = Ty::Int {
        bits: 32,
        signed: true,
    };

    #[test]
    fn fuse_stands_in_front_and_leaves_the_rest() {
        let code = vec![
            Ins::Load(Slot::Local(0)),
            Ins::Const(Const::Int(10)),
            Ins::Bin(BinOp::Lt, INT),
            Ins::JumpIfNot(9),
            Ins::Load(Slot::Local(0)),
            Ins::Const(Const::Int(1)),
            Ins::Bin(BinOp::Add, INT),
            Ins::Store(Slot::Local(0)),
            Ins::Jump(0),
            Ins::Ret,
        ];
        let fused = fuse(&code);
        assert_eq!(fused.len(), code.len());
        let Ins::Fused(f) = &fused[0] else {
            panic!("{:?}", fused[0])
        };
        assert_eq!(
            (f.a, f.b, f.op, f.then, f.spans()),
            (
                Operand::Local(0),
                Operand::Int(10),
                BinOp::Lt,
                Then::JumpIfNot(9),
                4
            )
        );
        let Ins::Fused(g) = &fused[4] else {
            panic!("{:?}", fused[4])
        };
        assert_eq!(g.then, Then::Store(0));
        // Every instruction a jump may land on is still there.
        for i in [1, 2, 3, 5, 6, 7, 8, 9] {
            assert_eq!(fused[i], code[i], "instruction {i}");
        }
    }

    #[test]
    fn fuse_needs_integer_operands_and_a_comparison_to_branch() {
        let code = vec![
            Ins::Load(Slot::Local(0)),
            Ins::Load(Slot::Local(1)),
            Ins::Bin(BinOp::Add, INT),
            Ins::JumpIfNot(0),
            Ins::Load(Slot::Global(0)),
            Ins::Const(Const::Int(1)),
            Ins::Bin(BinOp::Add, INT),
            Ins::Load(Slot::Local(0)),
            Ins::Const(Const::Int(1)),
            Ins::Bin(BinOp::Add, Ty::Float64),
        ];
        let fused = fuse(&code);
        let Ins::Fused(f) = &fused[0] else {
            panic!("{:?}", fused[0])
        };
        assert_eq!(f.then, Then::Push);
        assert_eq!(fused[4..], code[4..]);
    }

    #[test]
    fn int_binop_wraps_and_traps_division_by_zero() {
        let byte = Ty::Int {
            bits: 8,
            signed: false,
        };
        assert_eq!(int_binop(BinOp::Add, &byte, 250, 10), Some(IntOut::Int(4)));
        assert_eq!(
            int_binop(BinOp::Sub, &INT, i64::from(i32::MIN), 1),
            Some(IntOut::Int(i64::from(i32::MAX)))
        );
        assert_eq!(int_binop(BinOp::Ge, &INT, 3, 3), Some(IntOut::Bool(true)));
        assert_eq!(int_binop(BinOp::Rem, &INT, 3, 0), None);
        assert_eq!(
            binop(BinOp::Div, &INT, Value::Int(1), Value::Int(0)),
            Err(Trap::DivideByZero)
        );
    }
}
