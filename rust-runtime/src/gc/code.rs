//! What the compiler produces: each function as straight-line code for a
//! stack machine ([`Ins`]), every call naming the source line it is on,
//! so that the twin can give it the return address and frame the real
//! binary has (gc::frames).

use std::collections::HashMap;
use std::rc::Rc;

use super::types::{Declared, IfaceTy, Sig, StructTy, Ty};

/// A constant value. An integer is held as const.c's multiprecision
/// Mpint is, wide enough for `1<<64 - 1` and the untyped arithmetic that
/// makes it; code that loads one takes its low 64 bits.
#[derive(Debug, Clone, PartialEq)]
pub enum Const {
    Int(i128),
    Float(f64),
    /// A complex constant: its real and imaginary parts (const.c's
    /// Mpcplx, held as float64s like the floats).
    Complex(f64, f64),
    Bool(bool),
    Str(Rc<str>),
    Nil,
}

/// Where a variable lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Local(u16),
    Global(u16),
    /// While a function literal compiles: its `n`th captured variable.
    /// Finished code has none (captures become its first locals).
    Captured(u16),
}

/// One step of a path into a value (`g.cells[i].tags[j]`, `p.next.v`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Field `i` of a struct, `off` bytes into it.
    Field { i: u16, off: u32 },
    /// An element of an array or slice (a slice's lives in its shared
    /// array), `width` bytes wide; whether 6g checks its bounds (a
    /// constant index of an array is checked by typecheck).
    Index { checked: bool, width: u32 },
    /// What a pointer points at; a nil one faults this many bytes in
    /// (the offset of the field read through it).
    Deref(u16),
}

/// A call's site: the source line, and which of the calls to the same
/// callee on that line it is (println's pieces share a line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Site {
    pub line: u32,
    pub nth: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    And,
    Or,
    Xor,
    AndNot,
    Shl,
    Shr,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Each operator with its Go spelling: one table read both ways.
const BIN_OPS: [(BinOp, &str); 17] = [
    (BinOp::Add, "+"),
    (BinOp::Sub, "-"),
    (BinOp::Mul, "*"),
    (BinOp::Div, "/"),
    (BinOp::Rem, "%"),
    (BinOp::And, "&"),
    (BinOp::Or, "|"),
    (BinOp::Xor, "^"),
    (BinOp::AndNot, "&^"),
    (BinOp::Shl, "<<"),
    (BinOp::Shr, ">>"),
    (BinOp::Eq, "=="),
    (BinOp::Ne, "!="),
    (BinOp::Lt, "<"),
    (BinOp::Le, "<="),
    (BinOp::Gt, ">"),
    (BinOp::Ge, ">="),
];

impl BinOp {
    /// The operator spelled `op` in Go source, if it is a binary one.
    pub fn from_symbol(op: &str) -> Option<BinOp> {
        BIN_OPS.iter().find(|(_, s)| *s == op).map(|(b, _)| *b)
    }

    /// How Go source spells the operator (for error messages).
    pub fn symbol(self) -> &'static str {
        BIN_OPS
            .iter()
            .find(|(b, _)| *b == self)
            .map(|(_, s)| *s)
            .unwrap_or("?")
    }

    /// `==`, `!=`, `<`, `<=`, `>`, `>=`: a bool made from a comparison.
    pub fn is_comparison(self) -> bool {
        use BinOp::*;
        matches!(self, Eq | Ne | Lt | Le | Gt | Ge)
    }
}

/// Which print function an argument goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintKind {
    Int,
    Uint,
    Bool,
    Float,
    Complex,
    Str,
    Pointer,
    Slice,
    Sp,
    Nl,
}

impl PrintKind {
    /// The print.c function 6g calls for it.
    pub fn callee(self) -> &'static str {
        match self {
            PrintKind::Int => "runtime.printint",
            PrintKind::Uint => "runtime.printuint",
            PrintKind::Bool => "runtime.printbool",
            PrintKind::Float => "runtime.printfloat",
            PrintKind::Complex => "runtime.printcomplex",
            PrintKind::Str => "runtime.printstring",
            PrintKind::Pointer => "runtime.printpointer",
            PrintKind::Slice => "runtime.printslice",
            PrintKind::Sp => "runtime.printsp",
            PrintKind::Nl => "runtime.printnl",
        }
    }
}

/// `Load`/`Const` a, `Load`/`Const` b, `Bin(op, ty)`, then maybe a
/// `Store` to a local or a `JumpIfNot`: the machine puts one in place of
/// the first of these instructions, leaving the others where they are (a
/// jump may land on them), and runs the sequence at once when both
/// operands are integers, without the operand stack; otherwise it runs
/// the first instruction as it was. It counts as one instruction against
/// the step budget.
#[derive(Debug, Clone, PartialEq)]
pub struct Fused {
    pub a: Operand,
    pub b: Operand,
    pub op: BinOp,
    pub ty: Ty,
    pub then: Then,
}

/// An operand of a [`Fused`] operation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Operand {
    Local(u16),
    Int(i64),
}

/// What a [`Fused`] operation does with its result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Then {
    Push,
    Store(u16),
    JumpIfNot(usize),
}

impl Fused {
    /// How many instructions it stands for.
    pub fn spans(&self) -> usize {
        match self.then {
            Then::Push => 3,
            Then::Store(_) | Then::JumpIfNot(_) => 4,
        }
    }
}

/// How walk lowers a string comparison (walk.c's OCMPSTR).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrCmp {
    /// `<`, `<=`, `>`, `>=`: cmpstring(a, b) op 0.
    Order,
    /// `==`, `!=`: the lengths first (`len(a) == len(b) && cmpstring(a,
    /// b) == 0`), cmpstring only when they are equal.
    LenFirst,
    /// Against a constant "": the lengths alone (`len(a) op len(b)`), no
    /// call.
    LenOnly,
}

/// An instruction of the stack machine.
#[derive(Debug, Clone, PartialEq)]
pub enum Ins {
    Const(Const),
    /// The zero value of a type.
    Zero(Ty),
    Load(Slot),
    Store(Slot),
    /// Pop an index and an array or slice; push the element.
    Index,
    /// Pop an index and a pointer to an array of `.1` elements `.0` bytes
    /// wide; push the element it points at (the index checked first; a
    /// nil pointer faults at the element's offset, as the load through it
    /// does).
    PtrIndex(u32, u32),
    /// Pop an index; push that element of the array or slice in the slot.
    LoadElem(Slot),
    /// Push a copy of the top.
    Dup,
    /// Push a copy of the top `n` values, in their order.
    DupN(u8),
    /// Push the value at the end of a path (see [`Step`]): from the
    /// variable in the slot, or from a value popped from below the
    /// indexes (None); the Index steps' indexes are on the stack, the
    /// last on top.
    LoadPath {
        root: Option<Slot>,
        steps: Rc<[Step]>,
    },
    /// Pop a value and store it at the end of a path, taken as LoadPath
    /// takes it (its indexes and root below the value).
    StorePath {
        root: Option<Slot>,
        steps: Rc<[Step]>,
    },
    /// Push a pointer to what a path names (`&x.f`, `&a[i]`, `&s[i]`,
    /// `&g`), taken as LoadPath takes it: from a variable that lives in
    /// its heap cell (a local moved there, a package variable), or through
    /// a pointer or a slice on the way.
    AddrPath {
        root: Option<Slot>,
        steps: Rc<[Step]>,
    },
    /// `make([]T, len)` or, with `cap`, `make([]T, len, cap)`:
    /// runtime·makeslice; pops cap (with `cap`) and len.
    MakeSlice {
        elem: Ty,
        cap: bool,
        site: Site,
    },
    /// `[]T{...}`: runtime·new of the backing array, pushed as a slice of
    /// no element yet, room for `n` (sinit.c's slicelit allocates the
    /// array before it evaluates the values).
    SliceLit {
        n: u32,
        size: u32,
        site: Site,
    },
    /// Pop a value; append it to the slice literal on top.
    SliceElem,
    /// `cap` of a channel or slice.
    Cap,
    /// Pop two strings; push what `op 0` then decides: runtime·cmpstring's
    /// -1, 0 or 1, or what walk's quick checks leave (see [`StrCmp`]).
    CmpString {
        how: StrCmp,
        site: Site,
    },
    /// recover(): push the panic's value handle, or nil.
    Recover {
        site: Site,
    },
    /// Pop `n` strings; push their concatenation (runtime·concatstring).
    Concat {
        n: u8,
        site: Site,
    },
    /// A struct of the `n` field values on the stack.
    MakeStruct(u16),
    /// An array of the `n` element values on the stack.
    MakeArray(u32),
    /// A byte array of the `n` byte values on the stack.
    MakeBytes(u32),
    /// An array of the `n` integer values (not bytes) on the stack.
    MakeInts(u32),
    /// Pop a value and store it into field `i` of the struct in the slot.
    StoreField(Slot, u16),
    /// Pop a pointer to a struct; push its field `i`, at the byte offset
    /// given second (where a nil pointer faults).
    LoadPtrField(u16, u16),
    /// Push a pointer to the variable in the slot, which lives in its
    /// heap cell (`&x` moved it there, as addrescapes does).
    AddrOf(Slot),
    /// Pop a pointer; push what it points at (`*p`).
    Deref,
    /// Pop a value and a pointer; store the value where it points.
    StoreDeref,
    /// Pop a value and a pointer to a struct; store into its field `i`.
    StorePtrField(u16, u16),
    /// Pop a value; push a pointer to a copy in memory from runtime·new
    /// (`&T{...}`).
    NewPtr {
        size: u32,
        site: Site,
    },
    /// Pop a struct; push its field.
    Field(u16),
    /// Pop a value and an index; store into the array in the slot.
    StoreIndex(Slot),
    /// runtime·new for a variable a closure captures: 6g moves it to the
    /// heap where it is declared (a parameter: at function entry, its
    /// value copied there). The slot gets a new cell.
    New {
        size: u32,
        slot: Slot,
        site: Site,
    },
    /// Pop the top, discarding it.
    Pop,
    /// Pop a float64 or float32; push it truncated toward zero, wrapped
    /// to `ty`.
    FloatToInt(Ty),
    /// Pop a number; push it as a value of the float type `ty`
    /// (CVTSL2SS, CVTSD2SS, CVTSS2SD...: to float32, rounded once).
    ToFloat(Ty),
    /// Pop a uint64; push it as a value of the float type `ty`.
    Uint64ToFloat(Ty),
    /// Pop a number (a complex value, or a constant); push it as a value
    /// of the complex type `ty` (cplx.c's complexmove: each part
    /// converted, a float32 part rounded once).
    ToComplex(Ty),
    /// complex(r, i): pop the imaginary part, then the real one; push the
    /// complex value of type `ty` they make (cplx.c's OCOMPLEX).
    Complex(Ty),
    /// real(c) or imag(c): pop a complex value; push its part.
    Part {
        imag: bool,
    },
    /// Pop a divisor, then a dividend, both complex128; push their
    /// quotient from runtime·complex128div (walk.c rewrites every complex
    /// division into a call of it).
    Complex128Div {
        site: Site,
    },
    /// Push function `func` as a value (its entry is its code).
    FuncValue(usize),
    /// Pop an interface (of type `from`; None: interface{}); push it as
    /// the interface `to` (None: interface{}), and ok when `ok`:
    /// runtime·assertI2I, assertE2I2... (assert_fn names them). Not ok,
    /// the value is nil; without ok, a nil interface or a type without
    /// `to`'s methods panics.
    AssertFace {
        from: Option<Rc<IfaceTy>>,
        to: Option<Rc<IfaceTy>>,
        ok: bool,
        site: Site,
    },
    /// Pop an interface with methods; push it as the interface `to`,
    /// whose methods it has (runtime·convI2I).
    ConvI2I {
        to: Rc<IfaceTy>,
        site: Site,
    },
    /// Pop two interfaces of one type (interface{} when `eface`); push
    /// whether they are equal (runtime·efaceeq or ifaceeq).
    IfaceEq {
        eface: bool,
        site: Site,
    },
    /// A method call through an interface value below the `nargs`
    /// arguments: the itab's function, with the data word as receiver.
    CallMethod {
        name: Rc<str>,
        /// Its place among the interface's methods, sorted: the itab's
        /// fun[index], which a nil interface faults reading.
        index: u16,
        nargs: u8,
        site: Site,
    },
    /// Arithmetic and comparison; the result wraps to `ty`'s width.
    Bin(BinOp, Ty),
    /// Made by the machine from the instructions it stands in front of
    /// (never by the compiler): see [`Fused`].
    Fused(Box<Fused>),
    Neg(Ty),
    Not,
    Complement(Ty),
    Jump(usize),
    /// Pop a bool; jump when it is false.
    JumpIfNot(usize),
    /// Call function `func` with `nargs` arguments from the stack.
    Call {
        func: usize,
        nargs: u8,
        site: Site,
    },
    /// Call the closure below its `nargs` arguments.
    CallValue {
        nargs: u8,
        site: Site,
    },
    /// A closure of `func` over the listed variables' cells.
    Closure {
        func: usize,
        captures: Vec<Slot>,
        site: Site,
    },
    /// `go f(args)`; with `func` None the closure is below the arguments.
    Go {
        func: Option<usize>,
        nargs: u8,
        site: Site,
    },
    Ret,
    /// `defer f(args)`: runtime·deferproc with the arguments on the
    /// stack; with `func` None the function value is below them.
    Defer {
        func: Option<usize>,
        nargs: u8,
        site: Site,
    },
    /// `defer print(...)`/`defer println(...)`: 6g defers runtime·goprintf
    /// with a format of one verb per argument (walkprint); the arguments
    /// are on the stack.
    /// Pop a channel; `defer close(c)`: deferproc of runtime·closechan
    /// with the channel, 8 bytes of arguments.
    DeferClose {
        site: Site,
    },
    DeferPrint {
        format: Rc<str>,
        verbs: Vec<char>,
        site: Site,
    },
    /// `panic(v)` of the interface{} on the stack: runtime·panic.
    Panic {
        site: Site,
    },
    /// Pop a value of type `ty`; push it as an interface{}
    /// (runtime·convT2E).
    ConvT2E {
        ty: Ty,
        site: Site,
    },
    /// Pop a value of type `ty`, which has `iface`'s methods; push it as
    /// that interface (runtime·convT2I: the itab, then the data word).
    ConvT2I {
        ty: Ty,
        iface: Rc<IfaceTy>,
        site: Site,
    },
    /// A type switch's runtime·efacethash of the interface{} popped.
    EfaceHash {
        site: Site,
    },
    /// Pop an interface{}; push whether its dynamic type is `ty` (the
    /// switch's inline hash compare).
    TypeIs(Ty),
    /// Pop an interface{}; push its value as a `ty` (the zero value if
    /// not one) and ok (runtime·assertE2T2).
    AssertE2T2 {
        ty: Ty,
        site: Site,
    },
    /// Pop an interface{}; push its value as a `ty`, or panic
    /// (runtime·assertE2T).
    AssertE2T {
        ty: Ty,
        site: Site,
    },
    /// Pop an interface with methods; push it as an interface{}
    /// (runtime·convI2E).
    ConvI2E {
        site: Site,
    },
    /// Pop an integer; push `string(v)` (runtime·intstring).
    IntString {
        site: Site,
    },
    /// A type switch's runtime·ifacethash of the interface with methods
    /// popped.
    IfaceHash {
        site: Site,
    },
    /// Pop an interface with methods; push its value as a `ty` (the zero
    /// value if not one) and ok (runtime·assertI2T2).
    AssertI2T2 {
        ty: Ty,
        site: Site,
    },
    /// Pop an interface of type `inter`; push its value as a `ty`, or
    /// panic (runtime·assertI2T).
    AssertI2T {
        ty: Ty,
        inter: Rc<IfaceTy>,
        site: Site,
    },
    /// Pop hi and lo; push `a[lo:hi]` of the array in `slot` (None: pop
    /// a pointer to the array too, below them), a slice sharing its cell. With `call` through runtime·slicearray (where
    /// cgen_inline cannot put the result); else in line, hi checked
    /// against the array's length and lo against hi where 6g checks them,
    /// `check` being the CALL of runtime·panicslice they branch to (None
    /// when typecheck settled them all).
    SliceArray {
        slot: Option<Slot>,
        width: u32,
        call: Option<Site>,
        check: Option<Site>,
    },
    /// Pop hi (with `hi`) and lo, then a slice; push `s[lo:hi]` (`s[lo:]`).
    /// With `call` through runtime·sliceslice (sliceslice1), where the
    /// slice is an operand (of len, say) rather than a value cgen puts
    /// somewhere; else in line as 6g's cgen_inline does it: hi checked
    /// against the cap and lo against hi (lo against the len), `check`
    /// being as for [`Ins::SliceArray`].
    SliceSlice {
        hi: bool,
        width: u32,
        call: Option<Site>,
        check: Option<Site>,
    },
    /// `append(s, v1, ..., vn)`: pop the `n` values and the slice; push
    /// what runtime·append made of them.
    Append {
        elem: Ty,
        n: u8,
        site: Site,
    },
    /// `append(x, y...)`: pop y and x; push runtime·appendslice's result.
    AppendSlice {
        elem: Ty,
        site: Site,
    },
    /// `copy(to, fm)`: pop fm and to; push the count runtime·slicecopy
    /// (of a string fm, runtime·slicestringcopy) returns.
    Copy {
        width: u32,
        string: bool,
        site: Site,
    },
    /// `make(map[K]V)` or, with `hint`, `make(map[K]V, hint)` (and a map
    /// literal's make): runtime·makemap; pops the hint.
    MakeMap {
        key: Ty,
        val: Ty,
        hint: bool,
        site: Site,
    },
    /// `m[k]`: pop the key and the map; push the value (runtime·
    /// mapaccess1), or with `ok` the value and whether the key was there
    /// (mapaccess2).
    MapIndex {
        key: Ty,
        val: Ty,
        ok: bool,
        site: Site,
    },
    /// `m[k] = v`: pop the value, the key and the map (runtime·
    /// mapassign1); with `ok`, `m[k] = v, ok`, which pops ok first
    /// (mapassign2: a delete when ok is false).
    MapAssign {
        key: Ty,
        val: Ty,
        ok: bool,
        site: Site,
    },
    /// range's mapiterinit(m, &hit): pop the map; a new iterator goes
    /// into the slot.
    MapIterInit {
        slot: Slot,
        site: Site,
    },
    /// Push whether the iterator in the slot is at an entry (range's
    /// `hit.data != nil`, in line).
    MapIterOk(Slot),
    /// runtime·mapiter1 (mapiter2 with `val`): push the key (and the
    /// value) of the entry the iterator in the slot is at.
    MapIter {
        slot: Slot,
        val: bool,
        site: Site,
    },
    /// runtime·mapiternext(&hit) of the iterator in the slot.
    MapIterNext {
        slot: Slot,
        site: Site,
    },
    /// Pop hi (if `hi`), lo and a string; push `s[lo:hi]` (or `s[lo:]`)
    /// through runtime·slicestring (slicestring1).
    SliceString {
        hi: bool,
        site: Site,
    },
    /// Pop an index k and a string; push the index after the rune at k,
    /// 0 past the end (runtime·stringiter), and with `two` the rune too
    /// (stringiter2).
    StringIter {
        two: bool,
        site: Site,
    },
    /// Pop a string; push a new byte slice of it
    /// (runtime·stringtoslicebyte).
    StringToBytes {
        site: Site,
    },
    /// Pop a byte slice; push it as a string (runtime·slicebytetostring).
    SliceToString {
        site: Site,
    },
    /// Pop a string; push a new []int of its runes
    /// (runtime·stringtosliceint).
    StringToInts {
        site: Site,
    },
    /// Pop a []int; push the string of its runes
    /// (runtime·sliceinttostring).
    IntsToString {
        site: Site,
    },
    MakeChan {
        hint: bool,
        elem: Ty,
        site: Site,
    },
    Send {
        site: Site,
    },
    Recv {
        elem: Ty,
        site: Site,
    },
    /// A range loop's receive, runtime·chanrecv3: pushes the value, then
    /// whether the channel was closed (the loop ends).
    RangeRecv {
        elem: Ty,
        site: Site,
    },
    Close {
        site: Site,
    },
    /// closed(c): runtime·closedchan.
    Closed {
        site: Site,
    },
    Len,
    Print {
        kind: PrintKind,
        site: Site,
    },
    Gosched {
        site: Site,
    },
    /// Pop n; push what runtime.GOMAXPROCS(n) returns.
    GoMaxProcs {
        site: Site,
    },
    /// `select {}`.
    Block {
        site: Site,
    },
    /// A select: pops the cases' operands (in source order), pushes the
    /// received value (or nil) and the taken case's index.
    Select {
        cases: Vec<SelKind>,
        /// Which receive cases store the value (selectrecv gets its
        /// address, not nil), in source order.
        targets: Vec<bool>,
        /// The runtime·newselect call's site, then each case's
        /// selectsend/selectrecv/selectdefault call's.
        setup: Vec<Site>,
        site: Site,
    },
    /// One case and a default: like Select, index 0 for the case, 1 for
    /// the default.
    SelectNb {
        case: SelKind,
        /// A receive's case stores the value (selectnbrecv gets its
        /// address, not nil).
        target: bool,
        site: Site,
    },
    /// Pop an index and jump to its target.
    JumpTable(Vec<usize>),
}

/// A select case's kind, with the channel's element type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelKind {
    Send(Ty),
    Recv(Ty),
    Default,
}

impl SelKind {
    /// The runtime function the compiled code calls to set the case up
    /// before selectgo.
    pub fn setup_call(&self) -> &'static str {
        match self {
            SelKind::Send(_) => "runtime.selectsend",
            SelKind::Recv(_) => "runtime.selectrecv",
            SelKind::Default => "runtime.selectdefault",
        }
    }
}

/// A compiled function.
#[derive(Debug, Clone)]
pub struct Code {
    /// The symbol 6g gives it: `main.f`, `main._func_001`.
    pub name: String,
    pub sig: Rc<Sig>,
    /// The line it is declared on (a literal's `func`); 0 for main.init.
    pub line: u32,
    /// Its results are named (6g clears them at entry).
    pub named_results: bool,
    /// The line 6g is on after the body (the throwreturn and deferreturn
    /// calls and the RET): a declared function's closing brace (its
    /// endlineno); for a literal, its own line (walkclosure's ODCLFUNC
    /// has no endlineno, so compile stays on the line it began on).
    pub end_line: u32,
    /// Control can reach the end of the body (its last statement is not
    /// a return): 6g's throwreturn call there is kept.
    pub falls_off: bool,
    /// Locals, parameters first (after a closure's captured cells).
    pub nlocals: u16,
    /// How many of the first locals are captured cells.
    pub ncaptured: u16,
    /// A function literal: its arguments start with the captured
    /// variables' addresses and the caller's pc (walkclosure).
    pub literal: bool,
    /// It has a defer statement: 6g then calls runtime·deferreturn
    /// before each return.
    pub has_defer: bool,
    pub ins: Vec<Ins>,
    /// Each instruction's source line (where a runtime error is raised).
    pub lines: Vec<u32>,
    /// The element instructions 6g bounds-checks (a CALL of
    /// runtime·panicindex), in order.
    pub checked: Vec<usize>,
    /// The argument and frame sizes 6g gives it, as gc::layout computes
    /// them from the source.
    pub computed: (u32, u32),
    /// With a defer: where it goes on after a deferred call recovered
    /// (deferproc "returns 1"): zero results, then the return.
    pub recover_at: Option<usize>,
}

/// A compiled fixture.
#[derive(Debug, Clone)]
pub struct Program {
    pub funcs: Vec<Code>,
    pub main: usize,
    /// main.init: the globals' initial values.
    pub init: usize,
    /// Each global's type: it starts as its zero value (the bss), as 6g
    /// emits no code for a declaration without a value.
    pub globals: Vec<Ty>,
    /// It imports package runtime: main.init calls runtime.Init·.
    pub imports_runtime: bool,
    /// The line of the source's last token (main.init's, see
    /// ast::File::last_line).
    pub last_line: u32,
    /// Methods: (`T` or `*T`, method name) to function.
    pub methods: HashMap<(String, String), usize>,
    /// The declared structs and interfaces, whose bodies live as long as
    /// some copy of the program does.
    pub declared: Rc<Declared>,
}

impl Program {
    /// The methods of a value of type `ty`, sorted: a struct's declared
    /// ones, the runtime's own types', an interface's.
    pub fn method_set(&self, ty: &Ty) -> Vec<String> {
        let mut set = match method_key(ty) {
            Some(_) => declared_methods(&self.methods, ty),
            _ => ty.methods(),
        };
        // And the methods promoted from embedded fields (expandmeth).
        let mut promoted: Vec<String> = self
            .methods
            .keys()
            .map(|(_, m)| m.clone())
            .filter(|m| !set.contains(m) && self.promotes(ty, m))
            .collect();
        promoted.sort();
        promoted.dedup();
        set.extend(promoted);
        set.sort();
        set
    }

    /// Whether a value of type `ty` has method `name` through an
    /// embedded field.
    pub fn promotes(&self, ty: &Ty, name: &str) -> bool {
        promotes(&self.methods, ty, name)
    }

    /// The function of method `name` of a struct or pointer type.
    pub fn method(&self, ty: &Ty, name: &str) -> Option<usize> {
        self.methods
            .get(&(method_key(ty)?, name.to_string()))
            .copied()
    }

    /// What the itab of `ty` holds for method `name`, as reflect.c's
    /// methods() decides: the method, and the wrapper 6g generates in
    /// front of it (genwrapper), or None when the method takes the data
    /// word as it is: a pointer method of *T, or a value method of a T
    /// exactly one word wide. A narrower T needs `T·M·i`, which pads the
    /// receiver to a word; a wider one is stored by pointer and needs
    /// `*T·M`, as does a value method of *T.
    ///
    /// A promoted method always needs a wrapper (genwrapper's, which
    /// copies the receiver out of the embedded field): `*T·M` for a *T or a
    /// T wider than a word, `T·M` for a T of one word.
    pub fn itab_method(&self, ty: &Ty, name: &str) -> Option<(usize, Option<String>)> {
        if let Some((_, m)) = self.promoted_method(ty, name) {
            return Some((m, Some(promoted_wrapper(ty, name)?)));
        }
        if let Ty::Ptr(inner) = ty {
            if let Some(m) = self.method(ty, name) {
                return Some((m, None));
            }
            let m = self.method(inner, name)?;
            let key = method_key(inner)?;
            return Some((m, Some(format!("main.*{key}·{name}"))));
        }
        let m = self.method(ty, name)?;
        let wrapper = match ty.size().cmp(&8) {
            std::cmp::Ordering::Less => Some(format!("{}·i", self.funcs[m].name)),
            std::cmp::Ordering::Equal => None,
            std::cmp::Ordering::Greater => Some(format!("main.*{}·{name}", method_key(ty)?)),
        };
        Some((m, wrapper))
    }

    /// Method `name` of `ty` promoted from an embedded field.
    pub fn promoted_method(&self, ty: &Ty, name: &str) -> Option<(Vec<String>, usize)> {
        promoted_method(&self.methods, ty, name)
    }
}

/// The wrapper an itab of `ty` holds for its promoted method `name`:
/// `*T·M` for a *T or a T wider than a word, `T·M` for a T of one word
/// (a narrower one's is not modelled).
pub(crate) fn promoted_wrapper(ty: &Ty, name: &str) -> Option<String> {
    let key = method_key(ty)?;
    match ty {
        Ty::Ptr(_) => Some(format!("main.{key}·{name}")),
        _ if ty.size() > 8 => Some(format!("main.*{key}·{name}")),
        _ if ty.size() == 8 => Some(format!("main.{key}·{name}")),
        _ => None,
    }
}

/// Method `name` of `ty` promoted from an embedded field (lookdot): the
/// embedded fields' path to it and the method, where the receiver can be
/// had from the value alone: a value method, or a pointer method of a
/// field that is a pointer.
pub(crate) fn promoted_method(
    methods: &HashMap<(String, String), usize>,
    ty: &Ty,
    name: &str,
) -> Option<(Vec<String>, usize)> {
    let st = struct_of(ty)?;
    let path = embedded_path(methods, &st, name)?;
    let mut field = Ty::Struct(st);
    for f in &path {
        let st = struct_of(&field)?;
        field = st.fields().iter().find(|(n, _)| n == f)?.1.clone();
    }
    let method = |t: &Ty| methods.get(&(method_key(t)?, name.to_string())).copied();
    match &field {
        Ty::Ptr(inner) => method(&field).or_else(|| method(inner)),
        _ => method(&field),
    }
    .map(|m| (path, m))
}

/// The methods declared for a value of type `ty`, sorted; a pointer's set
/// holds the value methods too.
pub(crate) fn declared_methods(methods: &HashMap<(String, String), usize>, ty: &Ty) -> Vec<String> {
    let Some(key) = method_key(ty) else {
        return Vec::new();
    };
    let mut ms: Vec<String> = methods
        .keys()
        .filter(|(t, _)| *t == key || format!("*{t}") == key)
        .map(|(_, m)| m.clone())
        .collect();
    ms.sort();
    ms
}

/// Whether method `name` of `ty` has the signature `want` an interface
/// gives it, its receiver aside: the itab's search matches a method by
/// its name and its type's hash, so one of another type is missing.
/// `sig_of` gives a function's signature by id.
pub(crate) fn method_fits(
    methods: &HashMap<(String, String), usize>,
    sig_of: impl Fn(usize) -> Rc<Sig>,
    ty: &Ty,
    name: &str,
    want: &Sig,
) -> bool {
    let Some(key) = method_key(ty) else {
        return true;
    };
    let value = key.strip_prefix('*').unwrap_or(&key).to_string();
    let id = methods
        .get(&(key.clone(), name.to_string()))
        .or_else(|| methods.get(&(value, name.to_string())))
        .copied()
        .or_else(|| promoted_method(methods, ty, name).map(|(_, m)| m));
    id.is_none_or(|id| {
        let sig = sig_of(id);
        sig.params[1..] == want.params[..]
            && sig.results == want.results
            && sig.variadic == want.variadic
    })
}

/// The runtime function of an assertion to an interface, as walk builds
/// its name: `assert`, E or I for the operand (`from_iface`: one with
/// methods), `2`, E or I for the type asserted, `2` for the comma-ok form.
pub(crate) fn assert_fn(from_iface: bool, to_iface: bool, ok: bool) -> &'static str {
    match (from_iface, to_iface, ok) {
        (false, false, false) => "runtime.assertE2E",
        (false, false, true) => "runtime.assertE2E2",
        (false, true, false) => "runtime.assertE2I",
        (false, true, true) => "runtime.assertE2I2",
        (true, false, false) => "runtime.assertI2E",
        (true, false, true) => "runtime.assertI2E2",
        (true, true, false) => "runtime.assertI2I",
        (true, true, true) => "runtime.assertI2I2",
    }
}

/// The struct a value of type `ty` is or points at.
pub(crate) fn struct_of(ty: &Ty) -> Option<Rc<StructTy>> {
    match ty.under() {
        Ty::Struct(st) => Some(st.clone()),
        Ty::Ptr(t) => match t.under() {
            Ty::Struct(st) => Some(st.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Whether a value of type `ty` (or what it points at) has a field or a
/// method (of T or *T) `name` of its own.
fn has_member(methods: &HashMap<(String, String), usize>, ty: &Ty, name: &str) -> bool {
    let base = match ty {
        Ty::Ptr(t) => &**t,
        t => t,
    };
    let field = struct_of(base).is_some_and(|st| st.fields().iter().any(|(f, _)| f == name));
    field
        || method_key(base).is_some_and(|k| {
            methods.contains_key(&(k.clone(), name.to_string()))
                || methods.contains_key(&(format!("*{k}"), name.to_string()))
        })
}

/// lookdot's search, depth by depth, of the types embedded in `st` for a
/// field or method `name` that `st` lacks: the embedded fields on the way
/// to the shallowest that has it. None where `st` has it itself, or none
/// has it, or two at that depth do (an ambiguous selector).
pub(crate) fn embedded_path(
    methods: &HashMap<(String, String), usize>,
    st: &Rc<StructTy>,
    name: &str,
) -> Option<Vec<String>> {
    if has_member(methods, &Ty::Struct(st.clone()), name) {
        return None;
    }
    let mut level = vec![(st.clone(), Vec::new())];
    while !level.is_empty() {
        let mut found = Vec::new();
        let mut next = Vec::new();
        for (st, via) in &level {
            let fields = st.fields();
            for &i in &st.embedded() {
                let (fname, fty) = &fields[i];
                let mut via: Vec<String> = via.clone();
                via.push(fname.clone());
                if has_member(methods, fty, name) {
                    found.push(via);
                } else if let Some(inner) = struct_of(fty) {
                    next.push((inner, via));
                }
            }
        }
        match found.len() {
            0 => level = next,
            1 => return found.pop(),
            _ => return None,
        }
    }
    None
}

/// Whether a value of type `ty` has method `name` through a struct
/// embedded in its own (a promoted method).
pub(crate) fn promotes(methods: &HashMap<(String, String), usize>, ty: &Ty, name: &str) -> bool {
    struct_of(ty).is_some_and(|st| embedded_path(methods, &st, name).is_some())
}

/// How methods of `ty` are keyed: `T` for a named struct or other named
/// type, `*T` for a pointer to one.
pub(crate) fn method_key(ty: &Ty) -> Option<String> {
    match ty {
        Ty::Struct(st) => Some(st.name.clone()),
        Ty::Named(n) => Some(n.name.clone()),
        Ty::Ptr(t) => method_key(t)
            .filter(|k| !k.starts_with('*'))
            .map(|k| format!("*{k}")),
        _ => None,
    }
}
