//! What 6g makes of a fixture, as far as the twin runs it: each function
//! becomes code for the stack machine ([`Ins`], in `code`), with the types
//! of `types`, lowered as walk.c, swt.c, range.c, closure.c and sinit.c
//! lower it (so that the runtime calls come in 6g's order) and laid out as
//! 6g lays out its frames (gc::layout).
//!
//! Compiled: integers of every width, float64, bool, string; named structs
//! and their methods (value and pointer receivers), pointers from `&T{...}`
//! and `new(T)`; fixed arrays and slices (make, literals, index, range,
//! `string(a[i:])` of bytes); channels (make, send, receive, close,
//! closed, range, select); functions, closures, function values, variadic
//! calls; interfaces (interface{}, named ones, conversions, assertions,
//! type switches, method calls); :=, =, op=, ++/--, if, for, switch,
//! break, continue, return, go, defer, panic, recover, print and println,
//! runtime.Gosched. Anything else is refused with its position.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::ast::*;
pub use super::code::*;
use super::layout::{self, argwid};
use super::lex::Pos;
pub use super::types::*;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pos}: {message}")]
pub struct CompileError {
    pub pos: Pos,
    pub message: String,
}

type R<T> = Result<T, CompileError>;

fn err<T>(pos: Pos, message: impl Into<String>) -> R<T> {
    Err(CompileError {
        pos,
        message: message.into(),
    })
}

fn unsupported<T>(pos: Pos, what: &str) -> R<T> {
    err(pos, format!("unsupported construct '{what}'"))
}

/// Where an assignment stores.
enum Place {
    Blank,
    Var(Slot),
    /// An element of the array in the slot; the index is on the stack.
    Elem(Slot),
    /// A field of the struct in the slot.
    Field(Slot, u16),
    /// A field of the struct a pointer on the stack points at.
    PtrField(u16, u16),
    /// What the pointer on the stack points at.
    Deref,
    /// The end of a path into a variable or a value on the stack (the
    /// Index steps' indexes above it).
    Path(Option<Slot>, Rc<[Step]>),
    /// An entry of the map on the stack, its key above it: mapassign1.
    MapElem(Ty, Ty, Site),
}

impl Place {
    /// The instruction that stores the value on top into the place.
    fn store(&self) -> Ins {
        match *self {
            Place::Blank => Ins::Pop,
            Place::Var(slot) => Ins::Store(slot),
            Place::Elem(slot) => Ins::StoreIndex(slot),
            Place::Field(slot, i) => Ins::StoreField(slot, i),
            Place::PtrField(i, off) => Ins::StorePtrField(i, off),
            Place::Deref => Ins::StoreDeref,
            Place::Path(root, ref steps) => Ins::StorePath {
                root,
                steps: steps.clone(),
            },
            Place::MapElem(ref key, ref val, site) => Ins::MapAssign {
                key: key.clone(),
                val: val.clone(),
                ok: false,
                site,
            },
        }
    }
}

/// Where a plain assignment puts the slice expression on its right side:
/// cgen_inline slices in place into a variable that has an address
/// (sleasy: a name neither moved to the heap nor captured), else through
/// a temporary (a slice) or a call of runtime·slicearray (an array).
#[derive(Debug, Clone, Copy)]
enum SliceDest {
    Var(Slot),
    /// The new variable of a `:=`, declared once its value compiled.
    Pending,
    /// A name of no variable of the program's: a result (`return s[i:]`,
    /// which walk's ascompatte assigns to it) or range's copy of what it
    /// ranges over.
    Name,
    /// An operand (of len or cap, or what range takes the length of):
    /// cgen's igen calls sliceslice or slicearray as walk left it.
    Operand,
}

/// What a slice expression made that depends on its destination
/// variable moving to the heap.
#[derive(Debug, Clone, Copy)]
enum SliceMade {
    /// cgen_inline's temporary (a codegen one, by index).
    Temp(usize),
    /// An array sliced in line, at this position.
    Array(Pos),
}

/// What a name means in a scope.
#[derive(Debug, Clone)]
enum Binding {
    Var(Slot, Ty),
    Const(Const, Ty),
    Func(usize),
}

/// A statement `break` can leave: a loop (which `continue` also targets),
/// a switch or a select, with its label if it has one.
struct Breakable {
    label: Option<String>,
    is_loop: bool,
    breaks: Vec<usize>,
    continues: Vec<usize>,
}

struct FuncState {
    code: Code,
    scopes: Vec<HashMap<String, Binding>>,
    /// Names captured from enclosing functions -> their cell index here.
    captured: Vec<(String, Ty)>,
    /// The statements `break` can leave, innermost last.
    loops: Vec<Breakable>,
    /// The label of the statement being compiled, for the loop, switch
    /// or select it names.
    label: Option<String>,
    /// Each label's instruction, and the gotos to patch to them.
    labels: HashMap<String, usize>,
    gotos: Vec<(String, usize)>,
    /// The first label defined twice.
    redefined: Option<String>,
    /// Calls per (callee, line), for their `nth`.
    sites: HashMap<(String, u32), u16>,
    line: u32,
    /// For each index whose element instruction is still to come, whether
    /// 6g checks it against the bound (innermost last).
    checks: Vec<bool>,
    /// Each local's declaration: where its runtime·new goes should a
    /// closure capture it (the instruction's index and the local).
    decls: Vec<(usize, u16)>,
    /// The locals closures capture.
    escaped: HashSet<u16>,
    /// Each local's type; None for the compiler's own.
    local_tys: Vec<Option<Ty>>,
    /// walk's temporaries, in order (they take the first stack slots).
    walk_temps: Vec<Ty>,
    /// Walk temporaries for a composite literal assigned to a plain
    /// variable, by index: sinit.c's oaslit builds such a literal in the
    /// variable itself, unless the variable moved to the heap (or is a
    /// global: None), so the temporary exists only then.
    lit_temps: HashMap<usize, Option<u16>>,
    /// The literal about to compile is a plain assignment's right side;
    /// its temporary's index, once made.
    lit_target: Option<Option<usize>>,
    /// Code generation's temporaries, in order (cgen_call's afun, the
    /// left operand saved across a call on the right).
    codegen_temps: Vec<Ty>,
    /// Codegen temporaries that exist only if one of the listed locals
    /// moves to the heap, by index: cgen_asop's for `x op= y` on a heap
    /// variable, which is neither addable nor sudoaddable; cgen_inline's
    /// for a slice of a heap variable or into one.
    heap_temps: HashMap<usize, Vec<u16>>,
    /// Composite literals of the statement compiling that walk built in
    /// its init, ahead of its calls (see hoist_literals): by node, the
    /// hidden slot holding each and its type.
    hoisted: HashMap<*const Expr, (Slot, Ty)>,
    /// Where the plain assignment whose right side is about to compile
    /// puts it, when that side is a slice expression.
    slice_dest: Option<SliceDest>,
    /// What a slice expression assigned to a variable of `:=` (declared
    /// after its value) made that depends on the variable.
    slice_pending: Option<SliceMade>,
    /// Locals an array was sliced into in line, and where: had a closure
    /// captured one, 6g would have called runtime·slicearray instead.
    sliced_into: Vec<(u16, Pos)>,
    /// The largest argwid of a callee.
    maxarg: u32,
    /// Named results' variables, in order (none for unnamed results).
    named_results: Vec<Slot>,
    /// The place being compiled is an `op=`'s (walk's OASOP).
    asop: bool,
}

/// A struct's fields, by name, in order.
type StructFields = Vec<(String, Ty)>;

struct Compiler {
    funcs: Vec<Option<Code>>,
    /// Every function's signature and symbol, known before any body
    /// compiles.
    sigs: Vec<Rc<Sig>>,
    names: Vec<String>,
    globals: HashMap<String, Binding>,
    global_tys: Vec<Ty>,
    /// The package's named types.
    types: HashMap<String, Ty>,
    /// The struct and interface types written out, by their spelling.
    unnamed_structs: HashMap<String, Rc<StructTy>>,
    unnamed_ifaces: HashMap<String, Rc<IfaceTy>>,
    /// Enclosing functions of the one being compiled, innermost last.
    stack: Vec<FuncState>,
    closures: u32,
    /// Each function literal and the function it is written in, by id, in
    /// source order.
    literals: Vec<(usize, usize)>,
    /// Methods: (type name, method name) to the function.
    methods: HashMap<(String, String), usize>,
    /// Every declared struct and interface, the package's and functions'.
    declared: Declared,
    /// Types declared inside the blocks being compiled, innermost last,
    /// with what each name meant before.
    local_types: Vec<(String, Option<Ty>)>,
    /// iota in the const declaration being evaluated: its line's index
    /// in the group.
    iota: Option<i64>,
}

/// Compile a parsed fixture.
pub fn compile(file: &File) -> R<Program> {
    let mut c = Compiler {
        funcs: Vec::new(),
        sigs: Vec::new(),
        names: Vec::new(),
        globals: HashMap::new(),
        global_tys: Vec::new(),
        types: HashMap::new(),
        stack: Vec::new(),
        closures: 0,
        literals: Vec::new(),
        methods: HashMap::new(),
        declared: Declared::default(),
        unnamed_structs: HashMap::new(),
        unnamed_ifaces: HashMap::new(),
        local_types: Vec::new(),
        iota: None,
    };
    for (path, pos) in &file.imports {
        if path != "runtime" {
            return unsupported(*pos, &format!("import \"{path}\""));
        }
    }
    // Types first, then functions, so that uses may precede declarations.
    let specs: Vec<&TypeSpec> = file
        .decls
        .iter()
        .filter_map(|d| match d {
            Decl::Type(ts) => Some(ts.iter()),
            _ => None,
        })
        .flatten()
        .collect();
    c.type_decls(&specs)?;
    let mut bodies = Vec::new();
    // The package's own init functions: init·1, init·2... in source
    // order, which main.init calls after the variables (init.c's fninit).
    let mut inits = Vec::new();
    for d in &file.decls {
        if let Decl::Func(f) = d {
            let mut ft = f.sig.clone();
            // A method: main.T·M or main.*T·M, the receiver its first
            // parameter.
            let key = match &f.recv {
                Some(recv) => {
                    let (t, star) = match &recv.ty {
                        Type::Name(t, _) => (t, ""),
                        Type::Pointer(p) => match &**p {
                            Type::Name(t, _) => (t, "*"),
                            _ => return unsupported(f.pos, "method of this receiver"),
                        },
                        _ => return unsupported(f.pos, "method of this receiver"),
                    };
                    if !matches!(c.types.get(t), Some(Ty::Struct(_) | Ty::Named(_))) {
                        return unsupported(f.pos, "method of this receiver");
                    }
                    // methtype: a complex type is not simple, nor a
                    // pointer type one of the kinds that take methods.
                    if let Some(n @ Ty::Named(_)) = c.types.get(t) {
                        if n.is_complex() || matches!(n.under(), Ty::Ptr(_)) {
                            return err(f.pos, format!("invalid receiver type {n}"));
                        }
                    }
                    ft.params.insert(0, recv.clone());
                    Some(format!("{star}{t}"))
                }
                None => None,
            };
            let init = key.is_none() && f.name == "init";
            if init && (!ft.params.is_empty() || !ft.results.is_empty()) {
                return err(
                    f.pos,
                    "func init must have no arguments and no return values",
                );
            }
            let name = match &key {
                Some(k) => format!("main.{k}·{}", f.name),
                None if init => format!("main.init·{}", inits.len() + 1),
                None => format!("main.{}", f.name),
            };
            let sig = Rc::new(c.sig(&ft, f.pos)?);
            let id = c.funcs.len();
            c.funcs.push(None);
            c.sigs.push(sig.clone());
            c.names.push(name.clone());
            match key {
                Some(k) => {
                    c.methods.insert((k, f.name.clone()), id);
                }
                None if init => inits.push(id),
                None => {
                    c.globals.insert(f.name.clone(), Binding::Func(id));
                }
            }
            bodies.push((id, f, ft, sig, name));
        }
    }
    // main.init: the package's var and const declarations, in order.
    let init = c.funcs.len();
    c.funcs.push(None);
    let init_sig = Rc::new(Sig {
        params: vec![],
        results: vec![],
        variadic: false,
    });
    c.sigs.push(init_sig.clone());
    c.names.push("main.init".into());
    c.begin(String::from("main.init"), init_sig);
    for d in &file.decls {
        match d {
            Decl::Var(specs) => {
                for s in specs {
                    c.var_spec(s, true)?;
                }
            }
            Decl::Const(specs) => c.const_specs(specs, true)?,
            Decl::Type(_) | Decl::Func(_) => {}
        }
    }
    c.f().line = file.last_line;
    for &id in &inits {
        let name = c.names[id].clone();
        let site = c.site(&name);
        c.emit(Ins::Call {
            func: id,
            nargs: 0,
            site,
        });
    }
    c.emit(Ins::Ret);
    let code = c.end();
    c.funcs[init] = Some(code);
    for (id, f, ft, sig, name) in bodies {
        c.begin(name, sig.clone());
        c.f().line = f.pos.line;
        c.f().code.line = f.pos.line;
        c.f().code.end_line = f.end_line;
        c.f().code.falls_off = falls_off(&f.body);
        if !sig.results.is_empty() && walkret(&f.body) {
            return err(f.pos, "function ends without a return statement");
        }
        c.declare_params(&ft, &sig);
        c.block(&f.body)?;
        c.epilogue(f.pos)?;
        let code = c.end();
        c.funcs[id] = Some(code);
    }
    let main = match c.globals.get("main") {
        Some(Binding::Func(id)) => *id,
        _ => {
            return err(
                Pos::default(),
                "function main is undeclared in the main package",
            )
        }
    };
    let mut funcs: Vec<Code> = c
        .funcs
        .into_iter()
        .map(|f| f.expect("every function compiled"))
        .collect();
    number_literals(&mut funcs, &c.literals, init);
    Ok(Program {
        funcs,
        main,
        init,
        globals: c.global_tys,
        imports_runtime: file.imports.iter().any(|(p, _)| p == "runtime"),
        last_line: file.last_line,
        methods: c.methods,
        declared: Rc::new(c.declared),
    })
}

impl Compiler {
    /// The package's type declarations. Each struct and interface exists
    /// by name before any body resolves, as typecheck's forward types do,
    /// so a field or a method may name its own type or one declared later;
    /// any other body that names a type not resolved yet waits for it (a
    /// cycle through such types alone is refused). A struct that holds
    /// itself by value has no size: align.c's "invalid recursive type".
    fn type_decls(&mut self, specs: &[&TypeSpec]) -> R<()> {
        for t in specs {
            let shell = match declared_kind(specs, t, 0) {
                Some(Kind::Struct) => Ty::Struct(Rc::new(StructTy::declared(t.name.clone()))),
                Some(Kind::Iface) => Ty::Iface(Rc::new(IfaceTy::declared(t.name.clone()))),
                None => continue,
            };
            self.declared.add(&shell);
            self.types.insert(t.name.clone(), shell);
        }
        let mut pending = specs.to_vec();
        while !pending.is_empty() {
            let mut waiting = Vec::new();
            for &t in &pending {
                match self.type_decl(t) {
                    Ok(ty) => {
                        self.types.insert(t.name.clone(), ty);
                    }
                    Err(e)
                        if pending
                            .iter()
                            .any(|p| e.message == format!("undefined: {}", p.name)) =>
                    {
                        waiting.push(t);
                    }
                    Err(e) => return Err(e),
                }
            }
            if waiting.len() == pending.len() {
                return unsupported(waiting[0].pos, "recursive type");
            }
            pending = waiting;
        }
        for t in specs {
            if let Some(Ty::Struct(st)) = self.types.get(&t.name) {
                if holds_by_value(&Ty::Struct(st.clone()), st, &mut Vec::new()) {
                    return err(t.pos, format!("invalid recursive type {}", t.name));
                }
            }
        }
        Ok(())
    }

    /// A struct type's fields, and which of them are embedded (each named
    /// by its type: a declared type, or a pointer to one).
    fn struct_body(&mut self, fields: &[Field], pos: Pos) -> R<(StructFields, Vec<usize>)> {
        let mut fs = Vec::new();
        let mut embedded = Vec::new();
        for f in fields {
            let ty = self.ty(&f.ty, pos)?;
            if f.names.is_empty() {
                let name = match &f.ty {
                    Type::Name(n, _) => n.clone(),
                    Type::Pointer(inner) => match &**inner {
                        Type::Name(n, _) => n.clone(),
                        _ => return err(pos, "embedded type cannot be a pointer to pointer"),
                    },
                    _ => return err(pos, "embedded field must be a type name"),
                };
                embedded.push(fs.len());
                fs.push((name, ty));
                continue;
            }
            fs.extend(f.names.iter().map(|n| (n.clone(), ty.clone())));
        }
        Ok((fs, embedded))
    }

    /// An interface type's methods, its embedded interfaces' included,
    /// sorted by name as typecheck sorts them.
    fn iface_body(
        &mut self,
        ms: &[(String, FuncType)],
        embedded: &[(String, Pos)],
        pos: Pos,
    ) -> R<Vec<(String, Rc<Sig>)>> {
        let mut methods = Vec::new();
        for (name, ft) in ms {
            methods.push((name.clone(), Rc::new(self.sig(ft, pos)?)));
        }
        // An embedded interface's methods are this one's too
        // (its body first).
        for (name, pos) in embedded {
            match self.types.get(name).cloned() {
                Some(Ty::Iface(it)) if !it.has_methods() => {
                    return err(*pos, format!("undefined: {name}"));
                }
                Some(Ty::Iface(it)) => methods.extend(it.methods().iter().cloned()),
                Some(Ty::Eface) => {}
                Some(other) => {
                    return err(
                        *pos,
                        format!("interface contains embedded non-interface {other}"),
                    )
                }
                None => return err(*pos, format!("undefined: {name}")),
            }
        }
        methods.sort_by(|a, b| a.0.cmp(&b.0));
        if let Some(w) = methods.windows(2).find(|w| w[0].0 == w[1].0) {
            return err(pos, format!("duplicate method {}", w[0].0));
        }
        Ok(methods)
    }

    /// Resolve the body of a declaration `type T ...`: a struct's fields
    /// and an interface's methods go into the type made for it beforehand;
    /// any other names the type it is.
    fn type_decl(&mut self, t: &TypeSpec) -> R<Ty> {
        let made = self.types.get(&t.name).cloned();
        Ok(match (&t.ty, made) {
            (Type::Struct(fields), Some(Ty::Struct(shell))) => {
                let (fs, embedded) = self.struct_body(fields, t.pos)?;
                shell.set_fields(fs.into());
                shell.set_embedded(embedded);
                Ty::Struct(shell)
            }
            (Type::Interface(ms, embedded), Some(Ty::Iface(shell))) => {
                let methods = self.iface_body(ms, embedded, t.pos)?;
                shell.set_methods(methods);
                Ty::Iface(shell)
            }
            // `type T2 T1`: T1's fields or methods, T2's name; T1's body
            // first.
            (other, made) => match (self.ty(other, t.pos)?, made) {
                (Ty::Struct(st), Some(Ty::Struct(shell))) => {
                    if !st.has_fields() {
                        return err(t.pos, format!("undefined: {}", st.name));
                    }
                    shell.set_fields(st.fields());
                    shell.set_embedded(st.embedded());
                    Ty::Struct(shell)
                }
                (Ty::Iface(it), Some(Ty::Iface(shell))) => {
                    if !it.has_methods() {
                        return err(t.pos, format!("undefined: {}", it.name));
                    }
                    shell.set_methods(it.methods().to_vec());
                    Ty::Iface(shell)
                }
                // Every interface{} is the same to the runtime.
                (Ty::Eface, _) => Ty::Eface,
                (under, _) => Ty::Named(Rc::new(NamedTy {
                    name: t.name.clone(),
                    under: under.under().clone(),
                })),
            },
        })
    }

    fn begin(&mut self, name: String, sig: Rc<Sig>) {
        self.stack.push(FuncState {
            code: Code {
                name,
                sig,
                line: 0,
                named_results: false,
                end_line: 0,
                falls_off: true,
                nlocals: 0,
                ncaptured: 0,
                literal: false,
                has_defer: false,
                lines: Vec::new(),
                checked: Vec::new(),
                computed: (0, 0),
                recover_at: None,
                ins: Vec::new(),
            },
            scopes: vec![HashMap::new()],
            captured: Vec::new(),
            loops: Vec::new(),
            label: None,
            labels: HashMap::new(),
            gotos: Vec::new(),
            redefined: None,
            sites: HashMap::new(),
            checks: Vec::new(),
            line: 0,
            decls: Vec::new(),
            escaped: HashSet::new(),
            local_tys: Vec::new(),
            walk_temps: Vec::new(),
            lit_temps: HashMap::new(),
            lit_target: None,
            codegen_temps: Vec::new(),
            heap_temps: HashMap::new(),
            hoisted: HashMap::new(),
            slice_dest: None,
            slice_pending: None,
            sliced_into: Vec::new(),
            maxarg: 0,
            named_results: Vec::new(),
            asop: false,
        });
    }

    /// setmaxarg: a call to a function of argwid `w` here.
    fn calls(&mut self, w: u32) {
        let f = self.f();
        f.maxarg = f.maxarg.max(w);
    }

    /// The TEXT's args and frame for the function just finished
    /// (gc::layout's rules).
    fn computed(f: &FuncState) -> (u32, u32) {
        let sig = &f.code.sig;
        let args = argwid(
            f.code.literal,
            f.captured.len() as u32,
            &sig.params,
            &sig.results,
        );
        let mut fr = layout::Frame {
            stksize: 0,
            maxarg: f.maxarg,
        };
        for (i, t) in f.walk_temps.iter().enumerate() {
            let built_in_place = match f.lit_temps.get(&i) {
                Some(Some(local)) => !f.escaped.contains(local),
                Some(None) => true,
                None => false,
            };
            if !built_in_place {
                fr.slot(t);
            }
        }
        // Params and named results (PPARAM, PPARAMOUT) have no slot.
        let nparams = sig.params.len() + f.named_results.len();
        for (i, t) in f.local_tys.iter().enumerate() {
            if let Some(t) = t {
                if i >= nparams && !f.escaped.contains(&(i as u16)) {
                    fr.slot(t);
                }
            }
        }
        for _ in &f.escaped {
            fr.slot(&PTR);
            fr.slot(&PTR);
            // new(n uint32) (ret *uint8) moves it to the heap.
            fr.call(argwid(false, 0, &[Ty::INT], &[PTR]));
        }
        for (i, t) in f.codegen_temps.iter().enumerate() {
            if f.heap_temps
                .get(&i)
                .is_none_or(|ls| ls.iter().any(|l| f.escaped.contains(l)))
            {
                fr.slot(t);
            }
        }
        (args, fr.size())
    }

    /// Finish the function: the captured locals' runtime·new calls stay,
    /// the other declarations' placeholders go.
    fn end(&mut self) -> Code {
        let f = self.stack.pop().expect("begun");
        let computed = Self::computed(&f);
        let mut code = f.code;
        code.computed = computed;
        let drop: HashSet<usize> = f
            .decls
            .iter()
            .filter(|(_, local)| !f.escaped.contains(local))
            .map(|(at, _)| *at)
            .collect();
        let mut map = Vec::with_capacity(code.ins.len() + 1);
        let mut next = 0;
        for at in 0..=code.ins.len() {
            map.push(next);
            if !drop.contains(&at) {
                next += 1;
            }
        }
        let mut nth: HashMap<u32, u16> = HashMap::new();
        let mut ins = Vec::with_capacity(next);
        for (at, mut i) in std::mem::take(&mut code.ins).into_iter().enumerate() {
            if drop.contains(&at) {
                continue;
            }
            match &mut i {
                Ins::Jump(t) | Ins::JumpIfNot(t) => *t = map[*t],
                Ins::JumpTable(ts) => ts.iter_mut().for_each(|t| *t = map[*t]),
                // Every call of runtime·new, the declarations' that stay
                // among them, is numbered on its line in code order.
                Ins::New { site, .. } | Ins::NewPtr { site, .. } | Ins::SliceLit { site, .. } => {
                    let n = nth.entry(site.line).or_insert(0);
                    site.nth = *n;
                    *n += 1;
                }
                _ => {}
            }
            ins.push(i);
        }
        code.ins = ins;
        code.lines = std::mem::take(&mut code.lines)
            .into_iter()
            .enumerate()
            .filter(|(at, _)| !drop.contains(at))
            .map(|(_, l)| l)
            .collect();
        code.recover_at = code.recover_at.map(|at| map[at]);
        code.checked = code.checked.iter().map(|&at| map[at]).collect();
        code
    }

    /// The end of a function's code: the return its last statement falls
    /// into, and with a defer the path a recovery takes.
    /// The function's end; `pos` is where it starts, the line gen.c's
    /// checklabels reports its label errors on.
    fn epilogue(&mut self, pos: Pos) -> R<()> {
        let f = self.f();
        if let Some(&(_, at)) = f.sliced_into.iter().find(|(l, _)| f.escaped.contains(l)) {
            return unsupported(at, "slice of an array into a variable a closure captures");
        }
        if let Some(label) = self.f().redefined.take() {
            return err(pos, format!("label {label} redefined"));
        }
        // checklabels: each goto to its label's instruction.
        for (label, at) in std::mem::take(&mut self.f().gotos) {
            match self.f().labels.get(&label) {
                Some(&to) => self.patch(at, to),
                None => return err(pos, format!("label {label} not defined")),
            }
        }
        self.emit(Ins::Ret);
        if self.f().code.has_defer {
            let at = self.here();
            self.f().code.recover_at = Some(at);
            self.return_values();
        }
        Ok(())
    }

    /// `return` without values: the named results (or, on a recovery's
    /// path, zeros for unnamed ones), then the return.
    fn return_values(&mut self) {
        let named = self.f().named_results.clone();
        if named.is_empty() {
            for r in self.f().code.sig.results.clone() {
                self.emit(Ins::Zero(r));
            }
        } else {
            for slot in named {
                self.emit(Ins::Load(slot));
            }
        }
        self.emit(Ins::Ret);
    }

    /// A return's values are on the stack: return them. With named
    /// results they are assigned to them first (walk's ORETURN), so the
    /// deferred calls deferreturn runs see them, and what those calls
    /// store in them is what the function returns.
    fn finish_return(&mut self) {
        let named = self.f().named_results.clone();
        if named.is_empty() {
            self.emit(Ins::Ret);
            return;
        }
        for &slot in named.iter().rev() {
            self.emit(Ins::Store(slot));
        }
        self.return_values();
    }

    /// Declare the params and named results of a function just begun; the
    /// results start at their zero values.
    fn declare_params(&mut self, ft: &FuncType, sig: &Sig) {
        for (p, ty) in ft.params.iter().zip(&sig.params) {
            self.declare_local(p.name.clone().unwrap_or_else(|| "_".into()), ty.clone());
        }
        for (p, ty) in ft.results.iter().zip(&sig.results) {
            let Some(name) = &p.name else { continue };
            let slot = self.declare_local(name.clone(), ty.clone());
            self.zero(ty);
            self.emit(Ins::Store(slot));
            self.f().named_results.push(slot);
            self.f().code.named_results = true;
        }
    }

    fn f(&mut self) -> &mut FuncState {
        self.stack.last_mut().expect("in a function")
    }

    fn emit(&mut self, ins: Ins) -> usize {
        let f = self.f();
        // An element instruction takes its index's check; one without
        // (a range's own element, an `x[i] op= v`'s store) has none.
        if matches!(
            ins,
            Ins::Index | Ins::PtrIndex(..) | Ins::LoadElem(_) | Ins::StoreIndex(_)
        ) && f.checks.pop() == Some(true)
        {
            f.code.checked.push(f.code.ins.len());
        }
        f.code.lines.push(f.line);
        f.code.ins.push(ins);
        f.code.ins.len() - 1
    }

    /// Take back the code from `at` on (compiled only for its type).
    fn truncate(&mut self, at: usize) {
        let code = &mut self.f().code;
        code.ins.truncate(at);
        code.lines.truncate(at);
        code.checked.retain(|&k| k < at);
    }

    fn here(&mut self) -> usize {
        self.f().code.ins.len()
    }

    fn patch(&mut self, at: usize, to: usize) {
        match &mut self.f().code.ins[at] {
            Ins::Jump(t) | Ins::JumpIfNot(t) => *t = to,
            other => unreachable!("patching {other:?}"),
        }
    }

    /// The next call site to `callee` on the current line.
    fn site(&mut self, callee: &str) -> Site {
        let f = self.f();
        let line = f.line;
        let n = f.sites.entry((callee.to_string(), line)).or_insert(0);
        let site = Site { line, nth: *n };
        *n += 1;
        site
    }

    fn declare_local(&mut self, name: String, ty: Ty) -> Slot {
        let at = self.reserve_decl();
        self.declare_local_at(name, ty, at)
    }

    /// The place of a declaration's runtime·new, should a closure capture
    /// the variable: 6g allocates a captured variable's heap cell where it
    /// is declared, before its initial value is computed (the ODCL comes
    /// before the assignment), so a declaration with a value reserves it
    /// first and [`Compiler::declare_local_at`] fills it in.
    fn reserve_decl(&mut self) -> usize {
        let f = self.f();
        let site = Site {
            line: f.line,
            nth: 0,
        };
        f.code.lines.push(f.line);
        f.code.ins.push(Ins::New {
            size: 0,
            slot: Slot::Local(u16::MAX),
            site,
        });
        f.code.ins.len() - 1
    }

    /// Declare local `name`, its runtime·new at `at` (from
    /// [`Compiler::reserve_decl`]).
    fn declare_local_at(&mut self, name: String, ty: Ty, at: usize) -> Slot {
        let f = self.f();
        let local = f.code.nlocals;
        let slot = Slot::Local(local);
        f.code.nlocals += 1;
        f.local_tys.push(Some(ty.clone()));
        f.decls.push((at, local));
        let Ins::New { size, slot: s, .. } = &mut f.code.ins[at] else {
            unreachable!("a reserved declaration")
        };
        (*size, *s) = (ty.size(), slot);
        if name != "_" {
            f.scopes
                .last_mut()
                .expect("a scope")
                .insert(name, Binding::Var(slot, ty));
        }
        slot
    }

    fn declare(&mut self, name: String, ty: Ty, global: bool) -> Slot {
        if global {
            let slot = Slot::Global(self.global_tys.len() as u16);
            self.global_tys.push(ty.clone());
            self.globals.insert(name, Binding::Var(slot, ty));
            slot
        } else {
            self.declare_local(name, ty)
        }
    }

    /// Resolve a name: this function's scopes, then enclosing functions'
    /// (capturing the variable), then the package.
    fn lookup(&mut self, name: &str) -> Option<Binding> {
        let depth = self.stack.len();
        for level in (0..depth).rev() {
            let found = self.stack[level]
                .scopes
                .iter()
                .rev()
                .find_map(|s| s.get(name).cloned());
            if let Some(b) = found {
                if level == depth - 1 {
                    return Some(b);
                }
                return match b {
                    Binding::Var(Slot::Local(local), ty) => {
                        self.stack[level].escaped.insert(local);
                        Some(self.capture(level, name, ty))
                    }
                    Binding::Var(Slot::Captured(_), ty) => Some(self.capture(level, name, ty)),
                    other => Some(other),
                };
            }
            if let Some(i) = self.stack[level]
                .captured
                .iter()
                .position(|(n, _)| n == name)
            {
                let ty = self.stack[level].captured[i].1.clone();
                if level == depth - 1 {
                    return Some(Binding::Var(Slot::Captured(i as u16), ty));
                }
                return Some(self.capture(level, name, ty));
            }
        }
        self.globals.get(name).cloned()
    }

    /// Capture `name` (found at `level`) into every function above it.
    fn capture(&mut self, level: usize, name: &str, ty: Ty) -> Binding {
        let mut slot = 0;
        for l in level + 1..self.stack.len() {
            let f = &mut self.stack[l];
            slot = match f.captured.iter().position(|(n, _)| n == name) {
                Some(i) => i,
                None => {
                    f.captured.push((name.to_string(), ty.clone()));
                    f.captured.len() - 1
                }
            };
        }
        Binding::Var(Slot::Captured(slot as u16), ty)
    }

    fn sig(&mut self, ft: &FuncType, pos: Pos) -> R<Sig> {
        let mut params: Vec<Ty> = ft
            .params
            .iter()
            .map(|p| self.ty(&p.ty, pos))
            .collect::<R<_>>()?;
        if ft.variadic {
            let last = params.pop().expect("a variadic parameter");
            params.push(Ty::Slice(Box::new(last)));
        }
        Ok(Sig {
            variadic: ft.variadic,
            params,
            results: ft
                .results
                .iter()
                .map(|p| self.ty(&p.ty, pos))
                .collect::<R<_>>()?,
        })
    }

    /// The type `t` denotes; `pos` is where it is written, for errors on
    /// types that carry no position of their own.
    fn ty(&mut self, t: &Type, pos: Pos) -> R<Ty> {
        Ok(match t {
            Type::Name(n, pos) => match (n.as_str(), INTS.iter().find(|(i, ..)| i == n)) {
                (_, Some(&(_, bits, signed))) => Ty::Int { bits, signed },
                ("bool", _) => Ty::Bool,
                ("string", _) => Ty::Str,
                (n, _) if float_type(n).is_some() => float_type(n).expect("matched"),
                _ => match self.types.get(n) {
                    Some(t) => t.clone(),
                    None => return err(*pos, format!("undefined: {n}")),
                },
            },
            Type::Chan(_, elem) => match self.ty(elem, pos)? {
                Ty::Array(..) => return unsupported(pos, "channel of arrays"),
                elem => Ty::Chan(Box::new(elem)),
            },
            Type::Func(ft) => Ty::Func(Rc::new(self.sig(ft, pos)?)),
            Type::Array(len, elem) => {
                // typecheck's bound: an integer constant, or a float one
                // through toint.
                let n = match self.const_value(len) {
                    Some((Const::Int(n), _)) => n,
                    Some((Const::Float(f), _)) if f.fract() == 0.0 => f as i128,
                    Some((Const::Float(f), _)) => {
                        return err(len.pos, format!("constant {f} truncated to integer"))
                    }
                    _ => return err(len.pos, "invalid array bound"),
                };
                if n < 0 {
                    return err(len.pos, "array bound must be non-negative");
                }
                if n > 1 << 20 {
                    return unsupported(len.pos, "array of more than 1<<20 elements");
                }
                let n = n as u32;
                Ty::Array(n, Box::new(self.ty(elem, pos)?))
            }
            Type::Slice(elem) => Ty::Slice(Box::new(self.ty(elem, pos)?)),
            Type::Counted(_) => return err(pos, "use of [...] array outside of array literal"),
            Type::Map(k, v) => {
                let k = self.ty(k, pos)?;
                let v = self.ty(v, pos)?;
                match k.under() {
                    Ty::Int { .. }
                    | Ty::Bool
                    | Ty::Str
                    | Ty::Float64
                    | Ty::Float32
                    | Ty::Complex128
                    | Ty::Complex64 => {}
                    Ty::Slice(_) | Ty::Map(..) | Ty::Func(_) | Ty::Struct(_) | Ty::Array(..) => {
                        return err(pos, format!("invalid map key type {k}"))
                    }
                    _ => return unsupported(pos, "map key of this type"),
                }
                // Its size decides the layout: wait for its fields.
                if let Some(name) = v.unresolved() {
                    return err(pos, format!("undefined: {name}"));
                }
                // hashmap.c keeps bigger values out of line (indirectval).
                if v.size() > 192 {
                    return unsupported(pos, "map value of more than 192 bytes");
                }
                Ty::Map(Box::new(k), Box::new(v))
            }
            Type::Pointer(t) => Ty::Ptr(Box::new(self.ty(t, pos)?)),
            Type::Struct(fields) => {
                // Identical struct types written out are one type.
                let (fs, embedded) = self.struct_body(fields, pos)?;
                let st = StructTy::unnamed(fs, embedded);
                let name = st.name.clone();
                interned(
                    &mut self.unnamed_structs,
                    &mut self.declared,
                    name,
                    st,
                    Ty::Struct,
                )
            }
            Type::Interface(ms, embedded) if ms.is_empty() && embedded.is_empty() => Ty::Eface,
            Type::Interface(ms, embedded) => {
                // Identical interface types written out are one type.
                let it = IfaceTy::unnamed(self.iface_body(ms, embedded, pos)?);
                let name = it.name.clone();
                interned(
                    &mut self.unnamed_ifaces,
                    &mut self.declared,
                    name,
                    it,
                    Ty::Iface,
                )
            }
        })
    }

    fn var_spec(&mut self, s: &ValueSpec, global: bool) -> R<()> {
        self.f().line = s.pos.line;
        let declared = s.ty.as_ref().map(|t| self.ty(t, s.pos)).transpose()?;
        if s.values.len() > 1 && s.values.len() != s.names.len() {
            return err(s.pos, "assignment count mismatch");
        }
        // Every name's declaration first, then the values (locals only).
        let reserved: Vec<Option<usize>> = s
            .names
            .iter()
            .map(|_| (!global).then(|| self.reserve_decl()))
            .collect();
        if s.names.len() > 1 && s.values.len() == 1 {
            // `var v, ok = m[k]` (OAS2MAPR), `var a, b = f()` (OAS2FUNC):
            // what they leave, stored last to first.
            // And `var v, ok = x.(T)` (OAS2DOTTYPE).
            let assert = match &s.values[0].kind {
                ExprKind::TypeAssert { expr, ty } if s.names.len() == 2 => Some((expr, ty)),
                _ => None,
            };
            let tys = match self.map_index_of(&s.values) {
                _ if assert.is_some() => {
                    let (x, t) = assert.expect("an assertion");
                    self.assert_ok(x, t, s.values[0].pos)?
                }
                Some((m, k)) if s.names.len() == 2 => self.map_index2(m, k)?,
                _ => match self.call_results(&s.values[0]) {
                    Some(r) if r.len() == s.names.len() => {
                        self.call(&s.values[0])?;
                        r
                    }
                    _ => return err(s.pos, "assignment count mismatch"),
                },
            };
            let mut slots = Vec::new();
            for ((name, ty), at) in s.names.iter().zip(tys).zip(&reserved) {
                let ty = declared.clone().unwrap_or(ty);
                slots.push(match at {
                    Some(at) => self.declare_local_at(name.clone(), ty, *at),
                    None => self.declare(name.clone(), ty, global),
                });
            }
            for slot in slots.into_iter().rev() {
                self.emit(Ins::Store(slot));
            }
            return Ok(());
        }
        for (i, name) in s.names.iter().enumerate() {
            // sinit.c's oaslit: one literal is built in the variable (not
            // when it is converted to the variable's interface type).
            let lit = s.names.len() == 1
                && !declared.as_ref().is_some_and(is_interface)
                && s.values.get(i).is_some_and(|v| self.is_literal(v));
            if lit {
                self.f().lit_target = Some(None);
            }
            let ty = match (&declared, s.values.get(i)) {
                (Some(t), Some(v)) => {
                    self.expr_as(v, t)?;
                    t.clone()
                }
                (Some(t), None) if global => {
                    self.declare(name.clone(), t.clone(), true);
                    continue;
                }
                (Some(t), None) => {
                    self.zero(t);
                    t.clone()
                }
                (None, Some(v)) => self.expr_typed(v)?,
                (None, None) => return err(s.pos, "missing type or value"),
            };
            let slot = match reserved[i] {
                Some(at) => self.declare_local_at(name.clone(), ty, at),
                None => self.declare(name.clone(), ty, global),
            };
            if let Some(at) = self.f().lit_target.take().flatten() {
                self.in_place(at, slot);
            }
            self.emit(Ins::Store(slot));
        }
        Ok(())
    }

    /// A const declaration's lines: each line's iota is its index in the
    /// group, and a line without values repeats the last line's, type
    /// included.
    fn const_specs(&mut self, specs: &[ValueSpec], global: bool) -> R<()> {
        let mut last: Option<&ValueSpec> = None;
        for (k, s) in specs.iter().enumerate() {
            let from = if s.values.is_empty() { last } else { Some(s) };
            let Some(from) = from else {
                return err(s.pos, "missing constant value");
            };
            last = Some(from);
            if from.values.len() != s.names.len() {
                return err(s.pos, "assignment count mismatch");
            }
            let declared = from.ty.as_ref().map(|t| self.ty(t, s.pos)).transpose()?;
            for (i, name) in s.names.iter().enumerate() {
                let v = &from.values[i];
                self.iota = Some(k as i64);
                let value = self.const_value(v);
                self.iota = None;
                let Some((c, ty)) = value else {
                    return err(v.pos, "const initializer is not a constant");
                };
                let ty = match (declared.clone(), &c) {
                    (Some(t), Const::Int(n)) if matches!(t.under(), Ty::Int { .. }) => {
                        if !t.holds(*n) {
                            return err(v.pos, format!("constant {n} overflows {t}"));
                        }
                        t
                    }
                    (Some(t), _) if assignable(&ty, &t) => t,
                    (Some(t), _) => return err(v.pos, cannot_use(&ty, &t)),
                    (None, _) => ty,
                };
                let b = Binding::Const(c, ty);
                if global {
                    self.globals.insert(name.clone(), b);
                } else {
                    self.f()
                        .scopes
                        .last_mut()
                        .expect("scope")
                        .insert(name.clone(), b);
                }
            }
        }
        Ok(())
    }

    /// A constant expression's value (literals, consts, + - * / on ints).
    fn const_value(&mut self, e: &Expr) -> Option<(Const, Ty)> {
        match &e.kind {
            ExprKind::Int(n) => Some((Const::Int(i128::from(*n)), Ty::INT)),
            ExprKind::Float(f) => Some((Const::Float(*f), Ty::Float64)),
            // An untyped complex constant is held as a complex128.
            ExprKind::Imag(f) => Some((Const::Complex(0.0, *f), Ty::Complex128)),
            ExprKind::Char(c) => Some((Const::Int(i128::from(*c)), Ty::INT)),
            ExprKind::Str(s) => Some((Const::Str(Rc::from(s.as_str())), Ty::Str)),
            ExprKind::Ident(n) if n == "true" || n == "false" => {
                Some((Const::Bool(n == "true"), Ty::Bool))
            }
            ExprKind::Ident(n) => match self.lookup(n) {
                Some(Binding::Const(c, t)) => Some((c, t)),
                None if n == "iota" => self.iota.map(|k| (Const::Int(i128::from(k)), Ty::INT)),
                _ => None,
            },
            ExprKind::Paren(x) => self.const_value(x),
            ExprKind::Unary { op, expr } => {
                let (c, t) = self.const_value(expr)?;
                let v = match (*op, c) {
                    ("+", c @ (Const::Int(_) | Const::Float(_) | Const::Complex(..))) => c,
                    ("-", Const::Int(v)) => Const::Int(-v),
                    ("-", Const::Float(v)) => Const::Float(-v),
                    ("-", Const::Complex(r, i)) => Const::Complex(-r, -i),
                    // const.c's OCOM: of an unsigned type, within its width.
                    ("^", Const::Int(v)) => Const::Int(match *t.under() {
                        Ty::Int {
                            bits,
                            signed: false,
                        } => !v & ((1i128 << bits) - 1),
                        _ => !v,
                    }),
                    ("!", Const::Bool(b)) => Const::Bool(!b),
                    _ => return None,
                };
                Some((v, t))
            }
            ExprKind::Call { func, args, .. } if self.builtin_named(func, "complex") => {
                // typecheck's OCOMPLEX of two constants: a complex literal.
                let [re, im] = args.as_slice() else {
                    return None;
                };
                let (re, t) = self.const_value(re)?;
                let (im, _) = self.const_value(im)?;
                let part = |c: Const| match c {
                    Const::Int(n) => Some(n as f64),
                    Const::Float(f) => Some(f),
                    _ => None,
                };
                let ty = if *t.under() == Ty::Float32 {
                    Ty::Complex64
                } else {
                    Ty::Complex128
                };
                Some((Const::Complex(part(re)?, part(im)?), ty))
            }
            ExprKind::Call { func, args, .. }
                if args.len() == 1
                    && (self.builtin_named(func, "real") || self.builtin_named(func, "imag")) =>
            {
                // OREAL and OIMAG of a complex constant: a float constant.
                let (Const::Complex(re, im), t) = self.const_value(&args[0])? else {
                    return None;
                };
                let imag = self.builtin_named(func, "imag");
                Some((Const::Float(if imag { im } else { re }), t.part()))
            }
            ExprKind::Call { func, args, .. } if args.len() == 1 => {
                let to = self.conversion_target(func)?;
                let (c, _) = self.const_value(&args[0])?;
                // A complex constant with no imaginary part is a real one
                // to a real type (const.c's toflt).
                let c = match c {
                    Const::Complex(r, i) if i == 0.0 && !to.is_complex() => Const::Float(r),
                    c => c,
                };
                let c = match (to.under(), c) {
                    (Ty::Int { .. }, Const::Int(v)) => Const::Int(v),
                    (Ty::Int { .. }, Const::Float(f)) if f.fract() == 0.0 => Const::Int(f as i128),
                    (Ty::Float64, Const::Int(v)) => Const::Float(v as f64),
                    (Ty::Float64, Const::Float(f)) => Const::Float(f),
                    // A float32 constant holds a float32's value.
                    (Ty::Float32, Const::Int(v)) => Const::Float(f64::from(v as f32)),
                    (Ty::Float32, Const::Float(f)) => Const::Float(f64::from(f as f32)),
                    (Ty::Complex128 | Ty::Complex64, c) => complex_const(&to, c)?,
                    (Ty::Str, Const::Str(s)) => Const::Str(s),
                    // const.c folds string(c) of an integer constant.
                    (Ty::Str, Const::Int(v)) => Const::Str(Rc::from(
                        crate::string::rune_string(i64::try_from(v).unwrap_or(-1)).as_str(),
                    )),
                    (Ty::Bool, Const::Bool(b)) => Const::Bool(b),
                    _ => return None,
                };
                if let Const::Int(v) = c {
                    // Out of range, the conversion is compiled and refused.
                    to.holds(v).then_some(())?;
                }
                Some((c, to))
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let (a, t) = self.const_value(lhs)?;
                let (b, u) = self.const_value(rhs)?;
                fold(op, a, t, b, u)
            }
            _ => None,
        }
    }

    /// Whether `func` names the builtin `name` (not shadowed).
    fn builtin_named(&mut self, func: &Expr, name: &str) -> bool {
        matches!(&func.kind, ExprKind::Ident(n) if n == name) && self.lookup(name).is_none()
    }

    /// The complex type of the operation `lhs op rhs`, if it is one: the
    /// type of its operand that is not a constant (typecheck converts an
    /// untyped constant to the other operand's type).
    fn complex_operation(&mut self, pos: Pos, lhs: &Expr, rhs: &Expr) -> R<Option<Ty>> {
        let mut side = |x: &Expr| {
            if self.const_value(x).is_some() {
                None
            } else {
                self.static_ty(x)
            }
        };
        let (l, r) = (side(lhs), side(rhs));
        let t = match (&l, &r) {
            (Some(l), Some(r)) if l.is_complex() || r.is_complex() => {
                if l != r {
                    return err(
                        pos,
                        format!("invalid operation: mismatched types {l} and {r}"),
                    );
                }
                l.clone()
            }
            (Some(t), None) | (None, Some(t)) if t.is_complex() => t.clone(),
            _ => return Ok(None),
        };
        Ok(Some(t))
    }

    /// `lhs op rhs` on complex values of type `t` (cplx.c): + - * by
    /// their parts, == and != by both parts (complexbool), / by
    /// runtime·complex128div on the operands converted to complex128 and
    /// its result converted back. Each operand that is not a constant or
    /// a variable in the frame is computed into a temporary first, and a
    /// product's real part waits in one of the parts' type.
    fn complex_binary(&mut self, pos: Pos, op: &str, lhs: &Expr, rhs: &Expr, t: &Ty) -> R<Ty> {
        let wide = Ty::Complex128;
        let narrow = *t.under() == Ty::Complex64;
        if op == "/" {
            for x in [lhs, rhs] {
                self.expr_as(x, t)?;
                if narrow {
                    self.emit(Ins::ToComplex(wide.clone()));
                }
            }
            self.calls(argwid(false, 0, &[wide.clone(), wide.clone()], &[wide]));
            let site = self.site("runtime.complex128div");
            self.emit(Ins::Complex128Div { site });
            if narrow {
                self.emit(Ins::ToComplex(Ty::Complex64));
            }
            return Ok(t.clone());
        }
        let bop = match op {
            "+" | "-" | "*" | "==" | "!=" => BinOp::from_symbol(op).expect("an operator"),
            _ => {
                return err(
                    pos,
                    format!("invalid operation: operator {op} not defined on {t}"),
                )
            }
        };
        for x in [lhs, rhs] {
            if !self.addable(x) {
                self.f().codegen_temps.push(t.clone());
            }
        }
        if bop == BinOp::Mul {
            self.f().codegen_temps.push(t.part());
        }
        self.expr_as(lhs, t)?;
        self.expr_as(rhs, t)?;
        self.emit(Ins::Bin(bop, t.under().clone()));
        Ok(if bop.is_comparison() {
            Ty::Bool
        } else {
            t.clone()
        })
    }

    /// Whether 6g's `addable` holds of `x`: a constant, or a variable
    /// that lives in the frame or the data (walk's OLITERAL and ONAME; a
    /// variable moved to the heap is reached through its pointer).
    fn addable(&mut self, x: &Expr) -> bool {
        if self.const_value(x).is_some() {
            return true;
        }
        match &x.kind {
            ExprKind::Paren(inner) => self.addable(inner),
            ExprKind::Ident(n) => match self.lookup(n) {
                Some(Binding::Var(Slot::Local(l), _)) => !self.f().escaped.contains(&l),
                Some(Binding::Var(Slot::Global(_), _)) => true,
                _ => false,
            },
            _ => false,
        }
    }

    /// The type `T` names when `func` in a call `T(x)` is a type (a
    /// predeclared numeric or string type not shadowed, or a declared
    /// one): the call is a conversion.
    fn conversion_target(&mut self, func: &Expr) -> Option<Ty> {
        let ExprKind::Ident(name) = &func.kind else {
            return None;
        };
        if self.lookup(name).is_some() {
            return None;
        }
        match name.as_str() {
            n if float_type(n).is_some() => float_type(n),
            "string" => Some(Ty::Str),
            n if INTS.iter().any(|(i, ..)| *i == n) => {
                self.ty(&Type::Name(n.into(), func.pos), func.pos).ok()
            }
            n => self.types.get(n).cloned(),
        }
    }

    fn zero(&mut self, t: &Ty) {
        self.emit(Ins::Zero(t.clone()));
    }

    fn block(&mut self, b: &[Stmt]) -> R<()> {
        self.f().scopes.push(HashMap::new());
        let types = self.local_types.len();
        for s in b {
            self.stmt(s)?;
        }
        // The block's own types go out of scope with it.
        while self.local_types.len() > types {
            let (name, before) = self.local_types.pop().expect("counted");
            match before {
                Some(t) => self.types.insert(name, t),
                None => self.types.remove(&name),
            };
        }
        self.f().scopes.pop();
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> R<()> {
        self.f().line = s.line;
        self.hoist_literals(s)?;
        let done = self.stmt_kind(s);
        self.f().hoisted.clear();
        done
    }

    /// walk's anylit: every composite literal of a simple statement's
    /// expressions is built in the statement's init (new of its array, a
    /// literal's element stores, a map literal's makemap and assigns),
    /// ahead of the calls that stay in the expression; in walk's order,
    /// the expression tree left to right, outer before inner. A literal
    /// that is a plain assignment's or a single result's whole right side
    /// is built in place (oaslit) and left where it is; the right operand
    /// of && and || keeps its own init (walk's OANDAND), and a function
    /// literal's body is its own. An assignment of several values (OAS2)
    /// goes through walkexprlistsafe, which moves each call into the init
    /// as it comes: its values keep their order (the real binary showed
    /// `a, b := mk(), []int{4, 5}` allocating the channel first).
    fn hoist_literals(&mut self, s: &Stmt) -> R<()> {
        let whole_single = |rhs: &[Expr]| rhs.len() == 1;
        let roots: Vec<(&Expr, bool)> = match &s.kind {
            StmtKind::Expr(e) => vec![(e, false)],
            StmtKind::Go { call, .. } | StmtKind::Defer { call, .. } => vec![(call, false)],
            StmtKind::Define { names, rhs } if names.len() == 1 => {
                rhs.iter().map(|e| (e, whole_single(rhs))).collect()
            }
            StmtKind::Assign { lhs, rhs, .. } if lhs.len() == 1 => lhs
                .iter()
                .map(|e| (e, false))
                .chain(rhs.iter().map(|e| (e, whole_single(rhs))))
                .collect(),
            StmtKind::Send { chan, value } => vec![(chan, false), (value, false)],
            StmtKind::Return(values) => {
                let in_place = whole_single(values);
                values.iter().map(|e| (e, in_place)).collect()
            }
            // A group's declarations are statements of their own.
            StmtKind::Var(specs) if specs.len() == 1 => specs
                .iter()
                .filter(|sp| sp.names.len() == 1)
                .flat_map(|sp| sp.values.iter().map(|e| (e, true)))
                .collect(),
            _ => Vec::new(),
        };
        let mut found = Vec::new();
        for (e, in_place) in roots {
            self.walk_literals(e, in_place, &mut found);
        }
        for e in found {
            let ty = self.expr_typed(e)?;
            let slot = self.hidden();
            self.emit(Ins::Store(slot));
            self.f().hoisted.insert(e as *const Expr, (slot, ty));
        }
        Ok(())
    }

    /// The literals of `e` walk builds in a statement's init, in order
    /// (`top`: `e` itself is built in place if it is one).
    fn walk_literals<'e>(&mut self, e: &'e Expr, top: bool, out: &mut Vec<&'e Expr>) {
        let literal = matches!(&e.kind, ExprKind::Composite { ty: Some(_), .. })
            || matches!(&e.kind, ExprKind::Unary { op: "&", expr } if matches!(expr.kind, ExprKind::Composite { .. }))
            || (matches!(e.kind, ExprKind::Call { .. }) && self.is_literal(e));
        if literal {
            if !top {
                out.push(e);
            }
            return;
        }
        match &e.kind {
            ExprKind::Call { func, args, .. } => {
                self.walk_literals(func, false, out);
                for a in args {
                    self.walk_literals(a, false, out);
                }
            }
            ExprKind::Binary {
                op: "&&" | "||",
                lhs,
                ..
            } => self.walk_literals(lhs, false, out),
            ExprKind::Binary { lhs, rhs, .. }
            | ExprKind::Index {
                expr: lhs,
                index: rhs,
            } => {
                self.walk_literals(lhs, false, out);
                self.walk_literals(rhs, false, out);
            }
            ExprKind::Unary { expr, .. }
            | ExprKind::Paren(expr)
            | ExprKind::Recv(expr)
            | ExprKind::Selector { expr, .. }
            | ExprKind::TypeAssert { expr, .. } => self.walk_literals(expr, false, out),
            ExprKind::SliceExpr { expr, lo, hi } => {
                self.walk_literals(expr, false, out);
                for b in [lo, hi].into_iter().flatten() {
                    self.walk_literals(b, false, out);
                }
            }
            _ => {}
        }
    }

    fn stmt_kind(&mut self, s: &Stmt) -> R<()> {
        match &s.kind {
            StmtKind::Expr(e) => {
                let ty = self.expr_stmt(e)?;
                if ty.is_some() {
                    self.emit(Ins::Pop);
                }
            }
            StmtKind::Define { names, rhs } => {
                // The new names' declarations come before the values;
                // colas declares no `_`.
                let reserved: Vec<Option<usize>> = names
                    .iter()
                    .map(|name| {
                        let scope = self.f().scopes.last().expect("scope");
                        let existing = matches!(scope.get(name), Some(Binding::Var(..)));
                        (!existing && name != "_").then(|| self.reserve_decl())
                    })
                    .collect();
                let mut tys = Vec::new();
                if let (
                    [_, _],
                    [Expr {
                        kind: ExprKind::TypeAssert { expr, ty },
                        pos,
                    }],
                ) = (names.as_slice(), rhs.as_slice())
                {
                    tys = self.assert_ok(expr, ty, *pos)?;
                } else if let ([_, _], Some((m, k))) = (names.as_slice(), self.map_index_of(rhs)) {
                    tys = self.map_index2(m, k)?;
                } else if names.len() != rhs.len() {
                    // `a, b := f()`: the call leaves all its results.
                    let results = match rhs.as_slice() {
                        [call] => self.call_results(call),
                        _ => None,
                    };
                    let Some(results) = results.filter(|r| r.len() == names.len()) else {
                        return unsupported(s.pos, "multiple-value :=");
                    };
                    self.call(&rhs[0])?;
                    tys = results;
                } else {
                    for v in rhs {
                        if names.len() == 1 && self.is_literal(v) {
                            self.f().lit_target = Some(None);
                        }
                        if names.len() == 1 && matches!(v.kind, ExprKind::SliceExpr { .. }) {
                            let scope = self.f().scopes.last().expect("scope");
                            self.f().slice_dest = Some(match scope.get(&names[0]) {
                                Some(Binding::Var(slot, _)) => SliceDest::Var(*slot),
                                _ => SliceDest::Pending,
                            });
                        }
                        let temp = self.parallel_temp(rhs.len(), v);
                        let ty = self.expr_typed(v)?;
                        self.fill_temp(temp, &ty);
                        tys.push(ty);
                    }
                }
                let lit = self.f().lit_target.take().flatten();
                // Stores pop in reverse; new names shadow only afterwards.
                let mut slots = Vec::new();
                for ((name, ty), at) in names.iter().zip(tys).zip(reserved) {
                    let existing = self.f().scopes.last().expect("scope").get(name).cloned();
                    slots.push(match (existing, at) {
                        (Some(Binding::Var(slot, _)), None) => Some(slot),
                        (_, Some(at)) => Some(self.declare_local_at(name.clone(), ty, at)),
                        (_, None) if name == "_" => None,
                        (_, None) => unreachable!("a name not declared is reserved"),
                    });
                }
                if let (Some(at), [Some(slot)]) = (lit, slots.as_slice()) {
                    self.in_place(at, *slot);
                }
                if let (Some(made), [Some(slot)]) =
                    (self.f().slice_pending.take(), slots.as_slice())
                {
                    self.slice_into(made, *slot);
                }
                for slot in slots.into_iter().rev() {
                    self.emit(slot.map_or(Ins::Pop, Ins::Store));
                }
            }
            StmtKind::Assign { lhs, op: "=", rhs }
                if lhs.len() == 1 && rhs.len() == 2 && self.map_index_of(lhs).is_some() =>
            {
                // `m[k] = v, ok` (OAS2 into a map entry): mapassign2,
                // which deletes the entry when ok is false.
                let (m, k) = self.map_index_of(lhs).expect("a map index");
                // walkexprlistsafe of the left side.
                self.safeexpr(&lhs[0]);
                let (key, val) = self.map_operands(m, k)?;
                self.expr_as(&rhs[0], &val)?;
                self.expr_as(&rhs[1], &Ty::Bool)?;
                // mapassign2(hmap map[any]any, key any, val any, pres bool)
                self.calls(argwid(
                    false,
                    0,
                    &[PTR, key.clone(), val.clone(), Ty::Bool],
                    &[],
                ));
                let site = self.site("runtime.mapassign2");
                self.emit(Ins::MapAssign {
                    key,
                    val,
                    ok: true,
                    site,
                });
            }
            StmtKind::Assign { lhs, op, rhs } if lhs.len() != rhs.len() => {
                // `a, b = f()` (OAS2FUNC): the call leaves its results,
                // stored last to first; `v, ok = m[k]` (OAS2MAPR) its two.
                // `v, ok = x.(T)` (OAS2DOTTYPE) its value and ok.
                let map2 = match (*op, self.map_index_of(rhs)) {
                    ("=", Some((m, k))) if lhs.len() == 2 => Some((m, k)),
                    _ => None,
                };
                let dottype = match (*op, lhs.len(), rhs.as_slice()) {
                    (
                        "=",
                        2,
                        [Expr {
                            kind: ExprKind::TypeAssert { expr, ty },
                            pos,
                        }],
                    ) => Some((expr, ty, *pos)),
                    _ => None,
                };
                let results = match rhs.as_slice() {
                    _ if map2.is_some() => {
                        let t = self.static_ty(&rhs[0]).expect("a map's value");
                        Some(vec![t, Ty::Bool])
                    }
                    _ if dottype.is_some() => {
                        let (_, t, pos) = dottype.expect("an assertion");
                        Some(vec![self.ty(t, pos)?, Ty::Bool])
                    }
                    [call] if *op == "=" => self.call_results(call),
                    _ => None,
                };
                let Some(results) = results.filter(|r| r.len() == lhs.len()) else {
                    return unsupported(s.pos, "multiple-value assignment");
                };
                let mut places = Vec::new();
                for (l, r) in lhs.iter().zip(&results) {
                    let (place, ty) = self.place(l)?;
                    if !matches!(place, Place::Blank | Place::Var(_) | Place::Field(..)) {
                        return unsupported(l.pos, "multiple-value assignment to this place");
                    }
                    if !matches!(place, Place::Blank) && !assignable(r, &ty) {
                        return err(l.pos, cannot_use(r, &ty));
                    }
                    places.push(place);
                }
                match (map2, dottype) {
                    (Some((m, k)), _) => {
                        self.map_index2(m, k)?;
                    }
                    (None, Some((x, t, pos))) => {
                        self.assert_ok(x, t, pos)?;
                    }
                    (None, None) => {
                        self.call(&rhs[0])?;
                    }
                }
                for place in places.into_iter().rev() {
                    self.emit(place.store());
                }
            }
            StmtKind::Assign { lhs, op, rhs } => {
                if *op == "=" {
                    // walk: safeexpr of every left side first (OAS, OAS2).
                    for l in lhs {
                        self.safeexpr(l);
                    }
                    let mut places = Vec::new();
                    let mut values = Vec::new();
                    for (l, r) in lhs.iter().zip(rhs) {
                        let (place, ty) = self.place(l)?;
                        if lhs.len() == 1 && !is_interface(&ty) && self.is_literal(r) {
                            self.f().lit_target = Some(None);
                        }
                        if let (1, ExprKind::SliceExpr { .. }, Place::Var(slot)) =
                            (lhs.len(), &r.kind, &place)
                        {
                            self.f().slice_dest = Some(SliceDest::Var(*slot));
                        }
                        let temp = self.parallel_temp(rhs.len(), r);
                        let ty = if matches!(place, Place::Blank) {
                            // `_ = x` takes any value.
                            self.expr(r)?
                        } else {
                            self.expr_as(r, &ty)?;
                            ty
                        };
                        self.fill_temp(temp, &ty);
                        if let (Some(at), Place::Var(slot)) =
                            (self.f().lit_target.take().flatten(), &place)
                        {
                            self.in_place(at, *slot);
                        }
                        places.push(place);
                        values.push((ty, temp.is_some()));
                    }
                    self.reorder3(lhs, rhs, &values);
                    for place in places.into_iter().rev() {
                        self.emit(place.store());
                    }
                } else if (*op == "+="
                    && self
                        .static_ty(&lhs[0])
                        .is_some_and(|t| *t.under() == Ty::Str))
                    || (*op == "/=" && self.static_ty(&lhs[0]).is_some_and(|t| t.is_complex()))
                {
                    // walk rewrites `s += t` on strings into `s = s + t`,
                    // and a complex `c /= d` into `c = c / d`.
                    let sum = Expr {
                        pos: lhs[0].pos,
                        kind: ExprKind::Binary {
                            op: &op[..1],
                            lhs: Box::new(lhs[0].clone()),
                            rhs: Box::new(rhs[0].clone()),
                        },
                    };
                    let kind = StmtKind::Assign {
                        lhs: lhs.clone(),
                        op: "=",
                        rhs: vec![sum],
                    };
                    self.stmt(&Stmt { kind, ..s.clone() })?;
                } else {
                    let bop =
                        BinOp::from_symbol(&op[..op.len() - 1]).expect("an assignment operator");
                    self.update(&lhs[0], s.pos, bop, Some(&rhs[0]))?;
                }
            }
            StmtKind::IncDec { target, inc } => {
                let op = if *inc { BinOp::Add } else { BinOp::Sub };
                self.update(target, s.pos, op, None)?;
            }
            StmtKind::Send { chan, value } => {
                let Ty::Chan(elem) = self.expr(chan)? else {
                    return err(chan.pos, "send to non-chan");
                };
                self.expr_as(value, &elem)?;
                self.calls(argwid(false, 0, &[PTR, (*elem).clone()], &[]));
                let site = self.site("runtime.chansend1");
                self.emit(Ins::Send { site });
            }
            StmtKind::Var(specs) => {
                for sp in specs {
                    self.var_spec(sp, false)?;
                }
            }
            StmtKind::Const(specs) => self.const_specs(specs, false)?,
            StmtKind::Go { call, line } => {
                self.f().line = *line;
                self.go(call)?
            }
            StmtKind::Return(values) if values.is_empty() && !self.f().named_results.is_empty() => {
                self.return_values();
            }
            StmtKind::Return(values) => {
                let results = self.f().code.sig.results.clone();
                // `return f()` of several results (walk's ORETURN: an
                // OAS2FUNC into the results): the call leaves them all.
                if let ([call], true) = (values.as_slice(), results.len() > 1) {
                    if let Some(got) = self.call_results(call) {
                        if got.len() != results.len() {
                            return err(s.pos, "wrong number of return values");
                        }
                        if let Some((g, w)) =
                            got.iter().zip(&results).find(|(g, w)| !assignable(g, w))
                        {
                            return err(call.pos, cannot_use(g, w));
                        }
                        self.call(call)?;
                        self.finish_return();
                        return Ok(());
                    }
                }
                if values.len() != results.len() {
                    return err(s.pos, "wrong number of return values");
                }
                for (v, t) in values.iter().zip(&results) {
                    if matches!(v.kind, ExprKind::SliceExpr { .. }) {
                        self.f().slice_dest = Some(SliceDest::Name);
                    }
                    self.expr_as(v, t)?;
                }
                self.finish_return();
            }
            StmtKind::Break(label) => {
                let Some(depth) = self.breakable(label.as_deref(), false, s.pos)? else {
                    return err(s.pos, "break is not in a loop");
                };
                let at = self.emit(Ins::Jump(0));
                self.f().loops[depth].breaks.push(at);
            }
            StmtKind::Continue(label) => {
                let Some(depth) = self.breakable(label.as_deref(), true, s.pos)? else {
                    return err(s.pos, "continue is not in a loop");
                };
                // Patched to the loop's post statement when the loop ends.
                let at = self.emit(Ins::Jump(0));
                self.f().loops[depth].continues.push(at);
            }
            StmtKind::Goto(label) => {
                let at = self.emit(Ins::Jump(0));
                self.f().gotos.push((label.clone(), at));
            }
            StmtKind::Fallthrough => {
                return err(s.pos, "fallthrough statement out of place");
            }
            StmtKind::Labeled { label, stmt } => {
                let at = self.here();
                if self.f().labels.insert(label.clone(), at).is_some() {
                    self.f().redefined.get_or_insert(label.clone());
                }
                let names = matches!(
                    stmt.kind,
                    StmtKind::For { .. }
                        | StmtKind::Range { .. }
                        | StmtKind::Switch { .. }
                        | StmtKind::TypeSwitch { .. }
                        | StmtKind::Select { .. }
                );
                if names {
                    self.f().label = Some(label.clone());
                }
                self.stmt(stmt)?;
            }
            StmtKind::Block(b) => self.block(b)?,
            StmtKind::If {
                init,
                cond,
                then,
                els,
            } => {
                self.f().scopes.push(HashMap::new());
                if let Some(i) = init {
                    self.stmt(i)?;
                }
                self.expr_as(cond, &Ty::Bool)?;
                let jf = self.emit(Ins::JumpIfNot(0));
                self.block(then)?;
                match els {
                    None => {
                        let end = self.here();
                        self.patch(jf, end);
                    }
                    Some(e) => {
                        let jend = self.emit(Ins::Jump(0));
                        let at = self.here();
                        self.patch(jf, at);
                        self.stmt(e)?;
                        let end = self.here();
                        self.patch(jend, end);
                    }
                }
                self.f().scopes.pop();
            }
            StmtKind::For {
                init,
                cond,
                post,
                body,
            } => {
                self.f().scopes.push(HashMap::new());
                if let Some(i) = init {
                    self.stmt(i)?;
                }
                let top = self.here();
                let jf = match cond {
                    Some(c) => {
                        self.expr_as(c, &Ty::Bool)?;
                        Some(self.emit(Ins::JumpIfNot(0)))
                    }
                    None => None,
                };
                // `continue` goes to the post statement, patched below.
                self.push_breakable(true, Vec::new());
                self.block(body)?;
                let post_at = self.here();
                if let Some(p) = post {
                    self.stmt(p)?;
                }
                self.emit(Ins::Jump(top));
                self.end_loop(jf, post_at);
                self.f().scopes.pop();
            }
            StmtKind::Range {
                key,
                value,
                define,
                expr,
                body,
            } => self.range(key.as_ref(), value.as_ref(), *define, expr, body)?,
            StmtKind::Switch { init, tag, cases } => {
                self.switch(init.as_deref(), tag.as_ref(), cases)?
            }
            StmtKind::TypeSwitch { bind, expr, cases } => {
                self.type_switch(bind.as_ref(), expr, cases)?
            }
            StmtKind::Select { clauses, line } => {
                self.f().line = *line;
                self.select(clauses)?
            }
            StmtKind::Defer { call, line } => {
                self.f().line = *line;
                self.defer(call)?
            }
            // A type declared in a function: in scope to the end of its
            // block, its name the runtime's as a package type's would be
            // (`main.T`). It has no methods.
            StmtKind::Type(specs) => {
                for t in specs {
                    let before = self.types.get(&t.name).cloned();
                    self.local_types.push((t.name.clone(), before));
                    // Not the outer type of the same name meanwhile.
                    self.types.remove(&t.name);
                }
                let specs: Vec<&TypeSpec> = specs.iter().collect();
                self.type_decls(&specs)?;
            }
            StmtKind::Empty => {}
        }
        Ok(())
    }

    /// select: `select {}` blocks; one case and a default go through the
    /// non-blocking selectnbsend/selectnbrecv; anything else through
    /// selectgo. Operands are evaluated in source order; each clause body
    /// starts with the received value on the stack.
    fn select(&mut self, clauses: &[CommClause]) -> R<()> {
        if clauses.is_empty() {
            let site = self.site("runtime.block");
            self.emit(Ins::Block { site });
            return Ok(());
        }
        let mut kinds = Vec::new();
        for c in clauses {
            kinds.push(match &c.comm {
                Comm::Send { chan, value } => {
                    let Ty::Chan(elem) = self.expr(chan)? else {
                        return err(chan.pos, "send to non-chan");
                    };
                    self.expr_as(value, &elem)?;
                    SelKind::Send(*elem)
                }
                Comm::Recv { chan, .. } => {
                    let Ty::Chan(elem) = self.expr(chan)? else {
                        return err(chan.pos, "receive from non-chan");
                    };
                    SelKind::Recv(*elem)
                }
                Comm::Default => SelKind::Default,
            });
        }
        let defaults = kinds.iter().filter(|k| **k == SelKind::Default).count();
        // The order of the jump table: source order, or (case, default).
        let order: Vec<usize> = if clauses.len() == 2 && defaults == 1 {
            let case = kinds
                .iter()
                .position(|k| *k != SelKind::Default)
                .expect("one case");
            let callee = if matches!(kinds[case], SelKind::Send(_)) {
                "runtime.selectnbsend"
            } else {
                "runtime.selectnbrecv"
            };
            self.calls(match &kinds[case] {
                SelKind::Send(elem) => argwid(false, 0, &[PTR, elem.clone()], &[Ty::Bool]),
                _ => argwid(false, 0, &[PTR, PTR], &[Ty::Bool]),
            });
            let site = self.site(callee);
            let target = matches!(
                &clauses[case].comm,
                Comm::Recv {
                    target: Some(_),
                    ..
                }
            );
            self.emit(Ins::SelectNb {
                case: kinds[case].clone(),
                target,
                site,
            });
            vec![case, 1 - case]
        } else {
            // newselect, a selectsend/selectrecv/selectdefault a case,
            // selectgo; walk keeps the Select's pointer in a temporary.
            self.f().walk_temps.push(PTR);
            self.calls(argwid(false, 0, &[Ty::INT], &[PTR]));
            for k in &kinds {
                self.calls(match k {
                    SelKind::Send(elem) => argwid(false, 0, &[PTR, PTR, elem.clone()], &[Ty::Bool]),
                    SelKind::Recv(_) => argwid(false, 0, &[PTR, PTR, PTR], &[Ty::Bool]),
                    SelKind::Default => argwid(false, 0, &[PTR], &[Ty::Bool]),
                });
            }
            self.calls(argwid(false, 0, &[PTR], &[]));
            let mut setup = vec![self.site("runtime.newselect")];
            for k in &kinds {
                setup.push(self.site(k.setup_call()));
            }
            let site = self.site("runtime.selectgo");
            let targets = clauses
                .iter()
                .map(|c| {
                    matches!(
                        &c.comm,
                        Comm::Recv {
                            target: Some(_),
                            ..
                        }
                    )
                })
                .collect();
            self.emit(Ins::Select {
                cases: kinds,
                targets,
                setup,
                site,
            });
            (0..clauses.len()).collect()
        };
        let table = self.emit(Ins::JumpTable(Vec::new()));
        self.push_breakable(false, Vec::new());
        let mut targets = vec![0; clauses.len()];
        let mut ends = Vec::new();
        for (i, c) in clauses.iter().enumerate() {
            targets[i] = self.here();
            self.f().scopes.push(HashMap::new());
            self.f().line = c.pos.line;
            match &c.comm {
                Comm::Recv {
                    target: Some(t),
                    define,
                    ..
                } => {
                    let ty = match &kinds_elem(&c.comm, self)? {
                        Some(t) => t.clone(),
                        None => Ty::Nil,
                    };
                    if *define {
                        let ExprKind::Ident(name) = &t.kind else {
                            return err(t.pos, "non-name on left side of :=");
                        };
                        let slot = self.declare_local(name.clone(), ty);
                        self.emit(Ins::Store(slot));
                    } else {
                        match self.place(t)?.0 {
                            p @ (Place::Var(_) | Place::Blank) => self.emit(p.store()),
                            _ => return unsupported(t.pos, "receive into an element or field"),
                        };
                    }
                }
                _ => {
                    self.emit(Ins::Pop);
                }
            }
            for st in &c.body {
                self.stmt(st)?;
            }
            self.f().scopes.pop();
            ends.push(self.emit(Ins::Jump(0)));
        }
        let end = self.here();
        for j in ends {
            self.patch(j, end);
        }
        let breaks = self.f().loops.pop().expect("pushed").breaks;
        for b in breaks {
            self.patch(b, end);
        }
        self.f().code.ins[table] = Ins::JumpTable(order.iter().map(|&i| targets[i]).collect());
        Ok(())
    }

    /// An assignable place and its type. For an array element the index
    /// is compiled here, so it is on the stack below the value.
    fn place(&mut self, e: &Expr) -> R<(Place, Ty)> {
        if let Some(x) = self.promoted(e) {
            return self.place(&x);
        }
        match &e.kind {
            ExprKind::Ident(n) if n == "_" => Ok((Place::Blank, Ty::Nil)),
            ExprKind::Ident(n) => match self.lookup(n) {
                Some(Binding::Var(slot, ty)) => Ok((Place::Var(slot), ty)),
                _ => err(e.pos, format!("cannot assign to {n}")),
            },
            ExprKind::Index { expr, index }
                if matches!(
                    self.static_ty(expr).map(|t| t.under().clone()),
                    Some(Ty::Map(..))
                ) =>
            {
                let (key, val) = self.map_operands(expr, index)?;
                // mapassign1(hmap map[any]any, key any, val any)
                self.calls(argwid(false, 0, &[PTR, key.clone(), val.clone()], &[]));
                let site = self.site("runtime.mapassign1");
                Ok((Place::MapElem(key, val.clone(), site), val))
            }
            ExprKind::Index { expr, index } => {
                let var = match &expr.kind {
                    ExprKind::Ident(n) => match self.lookup(n) {
                        Some(Binding::Var(slot, ty)) if ty.elem().is_some() => Some((slot, ty)),
                        _ => None,
                    },
                    _ => None,
                };
                let Some((slot, ty)) = var else {
                    return self.place_path(e);
                };
                let elem = ty.elem().cloned().expect("checked");
                self.index(index, &ty)?;
                Ok((Place::Elem(slot), elem))
            }
            ExprKind::Selector { expr, name } => {
                let var = match &expr.kind {
                    ExprKind::Ident(n) => match self.lookup(n) {
                        Some(Binding::Var(slot, Ty::Struct(st))) => Some((st, Some(slot))),
                        Some(Binding::Var(_, Ty::Ptr(t))) => match *t {
                            Ty::Struct(st) => Some((st, None)),
                            _ => None,
                        },
                        _ => None,
                    },
                    _ => None,
                };
                let Some((st, slot)) = var else {
                    return self.place_path(e);
                };
                let Some(i) = st.fields().iter().position(|(f, _)| f == name) else {
                    return err(e.pos, format!("{}.{name} undefined", st.name));
                };
                let ty = st.fields()[i].1.clone();
                match slot {
                    Some(slot) => Ok((Place::Field(slot, i as u16), ty)),
                    None => {
                        self.expr(expr)?;
                        Ok((Place::PtrField(i as u16, field_offset(&st, i)), ty))
                    }
                }
            }
            ExprKind::Unary { op: "*", expr } => match self.expr(expr)? {
                Ty::Ptr(t) => Ok((Place::Deref, *t)),
                t => err(e.pos, format!("invalid indirect of {t}")),
            },
            _ => unsupported(e.pos, "assignment to a non-variable"),
        }
    }

    /// A struct literal of `st`: its fields' values in order (keyed ones
    /// by name, the others zero), then the struct made.
    fn struct_lit(&mut self, pos: Pos, st: &Rc<StructTy>, elems: &[(Option<Expr>, Expr)]) -> R<()> {
        // `T{}` zeroes every field, as a keyed literal does the ones it
        // leaves out.
        let keyed = elems.first().is_none_or(|(k, _)| k.is_some());
        if keyed {
            for (fname, fty) in st.fields().iter() {
                let given = elems.iter().find(
                    |(k, _)| matches!(k, Some(Expr { kind: ExprKind::Ident(k), .. }) if k == fname),
                );
                match given {
                    Some((_, v)) => self.element(v, fty)?,
                    None => self.zero(fty),
                }
            }
            for (k, _) in elems {
                match k {
                    Some(Expr {
                        kind: ExprKind::Ident(k),
                        pos,
                    }) if !st.fields().iter().any(|(f, _)| f == k) => {
                        return err(
                            *pos,
                            format!("unknown {} field '{k}' in struct literal", st.name),
                        );
                    }
                    Some(_) => {}
                    None => return err(pos, "mixture of field:value and value initializers"),
                }
            }
        } else {
            if elems.len() != st.fields().len() {
                return err(pos, "too few values in struct initializer");
            }
            for ((_, v), (_, fty)) in elems.iter().zip(st.fields().iter()) {
                self.element(v, fty)?;
            }
        }
        self.literal_temp(Ty::Struct(st.clone()));
        self.emit(Ins::MakeStruct(st.fields().len() as u16));
        Ok(())
    }

    /// A literal whose type the enclosing literal gives (`[]point{{1, 2}}`).
    fn elided_lit(&mut self, pos: Pos, ty: &Ty, elems: &[(Option<Expr>, Expr)]) -> R<()> {
        match ty.under().clone() {
            Ty::Struct(st) => self.struct_lit(pos, &st, elems),
            Ty::Slice(elem) => self.slice_composite(*elem, elems),
            under @ Ty::Array(..) => self.array_composite(pos, &under, elems),
            Ty::Map(..) => self.map_lit(ty, elems),
            _ => err(pos, format!("invalid type for composite literal: {ty}")),
        }
    }

    /// A place deeper than a variable's element or field
    /// (`g.cells[i].v`, `rows[i][j]`, `p.next.v`, `m[k][i]`): a path from
    /// the variable, or from a value computed onto the stack, which must
    /// lead through a pointer or a slice to be assignable. Its parts are
    /// evaluated in order, before the value assigned, as the spec's first
    /// phase of an assignment has it.
    fn place_path(&mut self, e: &Expr) -> R<(Place, Ty)> {
        let (root, steps, ty, shared) = self.path(e)?;
        if root.is_none() && !shared {
            return err(e.pos, "cannot assign to this expression");
        }
        Ok((Place::Path(root, steps.into()), ty))
    }

    /// The root, steps and type of the path `e` names, and whether it
    /// has passed through a pointer or a slice (then a value on the stack
    /// still leads to shared memory).
    fn path(&mut self, e: &Expr) -> R<(Option<Slot>, Vec<Step>, Ty, bool)> {
        if let Some(x) = self.promoted(e) {
            return self.path(&x);
        }
        match &e.kind {
            ExprKind::Paren(x) => self.path(x),
            ExprKind::Ident(n) if n != "_" => match self.lookup(n) {
                Some(Binding::Var(slot, ty)) => Ok((Some(slot), Vec::new(), ty, false)),
                _ => err(e.pos, format!("cannot assign to {n}")),
            },
            ExprKind::Index { expr, index }
                if !matches!(
                    self.static_ty(expr).map(|t| t.under().clone()),
                    Some(Ty::Map(..))
                ) =>
            {
                let (root, mut steps, ty, shared) = self.path(expr)?;
                let Some(elem) = ty.elem().cloned() else {
                    return err(e.pos, format!("cannot index {ty}"));
                };
                let slice = matches!(ty.under(), Ty::Slice(_));
                self.index(index, ty.under())?;
                let checked = self.f().checks.pop().unwrap_or(true);
                steps.push(Step::Index {
                    checked,
                    width: elem.size(),
                });
                Ok((root, steps, elem, shared || slice))
            }
            ExprKind::Selector { expr, name } => {
                let (root, mut steps, ty, shared) = self.path(expr)?;
                let (st, through) = match ty.under() {
                    Ty::Struct(st) => (st.clone(), false),
                    Ty::Ptr(t) => match &**t {
                        Ty::Struct(st) => (st.clone(), true),
                        _ => return err(e.pos, format!("{ty} has no field {name}")),
                    },
                    _ => return err(e.pos, format!("{ty} has no field {name}")),
                };
                let Some(i) = st.fields().iter().position(|(f, _)| f == name) else {
                    return err(e.pos, format!("{}.{name} undefined", st.name));
                };
                if through {
                    steps.push(Step::Deref(field_offset(&st, i)));
                }
                steps.push(Step::Field {
                    i: i as u16,
                    off: st.offset(i),
                });
                Ok((root, steps, st.fields()[i].1.clone(), shared || through))
            }
            ExprKind::Unary { op: "*", expr } => {
                let (root, mut steps, ty, _) = self.path(expr)?;
                let Ty::Ptr(t) = ty.under().clone() else {
                    return err(e.pos, format!("invalid indirect of {ty}"));
                };
                steps.push(Step::Deref(0));
                Ok((root, steps, *t, true))
            }
            // Anything else (a call, a map's element) is computed, into a
            // temporary: walk's safeexpr of the left side (cheapexpr),
            // which for `x op= v` comes before walk has made a map's
            // element a call (so it needs none).
            _ => {
                let map_elem = matches!(&e.kind, ExprKind::Index { expr, .. }
                    if matches!(self.static_ty(expr).map(|t| t.under().clone()), Some(Ty::Map(..))));
                let ty = self.expr(e)?;
                if !(map_elem && self.f().asop) {
                    self.f().walk_temps.push(ty.clone());
                }
                Ok((None, Vec::new(), ty, false))
            }
        }
    }

    /// `x op= v` and `x++`: the place's value, `rhs` (the value, or
    /// None for 1), the operation, the store. An element's index is
    /// evaluated once.
    fn update(&mut self, e: &Expr, pos: Pos, op: BinOp, rhs: Option<&Expr>) -> R<()> {
        if self.map_index_of(std::slice::from_ref(e)).is_some() {
            // walk's OASOP: safeexpr of a map entry.
            self.safeexpr(e);
        }
        self.f().asop = true;
        let placed = self.place(e);
        self.f().asop = false;
        let (place, ty) = placed?;
        let mut store_place = None;
        // cgen_asop: a place that is neither addable nor sudoaddable (what
        // a pointer points at, a heap variable) takes the value in a
        // temporary first, unless the value calls (then it is the higher).
        let calls = rhs.is_some_and(|r| self.has_call(r));
        let sudo = matches!(ty.under(), Ty::Int { .. })
            && matches!(
                op,
                BinOp::Add | BinOp::Sub | BinOp::Xor | BinOp::And | BinOp::Or
            );
        match place {
            Place::Var(Slot::Local(l)) => {
                let f = self.f();
                f.heap_temps.insert(f.codegen_temps.len(), vec![l]);
                f.codegen_temps.push(ty.clone());
            }
            Place::Var(Slot::Captured(_)) | Place::Deref if !calls => {
                self.f().codegen_temps.push(ty.clone());
            }
            // An element or a field through a pointer is sudoaddable, but
            // only + - ^ & | (and ++, --) of an integer use it; any other
            // operation goes the hard way too.
            Place::Elem(_) | Place::PtrField(..) | Place::Path(..) if !calls && !sudo => {
                self.f().codegen_temps.push(ty.clone());
            }
            _ => {}
        }
        match place {
            Place::Var(slot) => self.emit(Ins::Load(slot)),
            Place::Elem(slot) => {
                self.emit(Ins::Dup);
                self.emit(Ins::LoadElem(slot))
            }
            Place::Field(slot, i) => {
                self.emit(Ins::Load(slot));
                self.emit(Ins::Field(i))
            }
            Place::PtrField(i, off) => {
                self.emit(Ins::Dup);
                self.emit(Ins::LoadPtrField(i, off))
            }
            Place::Deref => {
                self.emit(Ins::Dup);
                self.emit(Ins::Deref)
            }
            // The root and indexes once: a copy of them for the load.
            Place::Path(root, ref steps) => {
                // The address is computed once, its bounds checked once.
                let unchecked: Rc<[Step]> = steps
                    .iter()
                    .map(|s| match s {
                        Step::Index { width, .. } => Step::Index {
                            checked: false,
                            width: *width,
                        },
                        s => *s,
                    })
                    .collect();
                store_place = Some(Place::Path(root, unchecked));
                let n = usize::from(root.is_none())
                    + steps
                        .iter()
                        .filter(|s| matches!(s, Step::Index { .. }))
                        .count();
                if n > 0 {
                    self.emit(Ins::DupN(n as u8));
                }
                self.emit(Ins::LoadPath {
                    root,
                    steps: steps.clone(),
                })
            }
            // walk's OASOP of a map entry: `m[k] = m[k] op v`, the map
            // and key evaluated once (mapaccess1, then mapassign1).
            Place::MapElem(ref key, ref val, _) => {
                let (hm, hk) = (self.hidden(), self.hidden());
                self.emit(Ins::Store(hk));
                self.emit(Ins::Store(hm));
                for slot in [hm, hk, hm, hk] {
                    self.emit(Ins::Load(slot));
                }
                self.calls(argwid(
                    false,
                    0,
                    &[PTR, key.clone()],
                    std::slice::from_ref(val),
                ));
                let site = self.site("runtime.mapaccess1");
                self.emit(Ins::MapIndex {
                    key: key.clone(),
                    val: val.clone(),
                    ok: false,
                    site,
                })
            }
            Place::Blank => return err(pos, "cannot assign to _"),
        };
        match rhs {
            Some(r) => self.expr_as(r, &ty)?,
            None => {
                self.emit(Ins::Const(Const::Int(1)));
            }
        }
        self.emit(Ins::Bin(op, ty));
        self.emit(store_place.as_ref().unwrap_or(&place).store());
        Ok(())
    }

    /// An index into an array or slice: a constant one into an array is
    /// checked here, as 6g does; any other is checked when it runs.
    fn index(&mut self, index: &Expr, of: &Ty) -> R<()> {
        // cgen's agen of OINDEX checks every index but a constant one of
        // a fixed array, which typecheck has checked.
        let mut checked = true;
        if let (Some((Const::Int(i), _)), Ty::Array(len, _)) = (self.const_value(index), of) {
            let len = *len;
            if i < 0 || i >= i128::from(len) {
                return err(
                    index.pos,
                    format!("invalid array index {i} (out of bounds for {len}-element array)"),
                );
            }
            checked = false;
        }
        self.expr_as(index, &Ty::INT)?;
        self.f().checks.push(checked);
        Ok(())
    }

    /// An expression statement: calls and receives; the type it leaves on
    /// the stack, if any.
    fn expr_stmt(&mut self, e: &Expr) -> R<Option<Ty>> {
        match &e.kind {
            ExprKind::Call { .. } => self.call(e),
            ExprKind::Recv(_) => self.expr(e).map(Some),
            _ => err(e.pos, "expression is not used"),
        }
    }

    /// Compile `e` converting an untyped constant to `want`, and a
    /// concrete value to interface{} (runtime·convT2E).
    fn expr_as(&mut self, e: &Expr, want: &Ty) -> R<()> {
        if let ExprKind::Composite { ty: None, elems } = &e.kind {
            return self.elided_lit(e.pos, want, elems);
        }
        if *want.under() == Ty::Float64 {
            // An untyped integer constant becomes a float64 constant.
            if let Some((Const::Int(n), Ty::Int { .. })) = self.const_value(e) {
                self.emit(Ins::Const(Const::Float(n as f64)));
                return Ok(());
            }
        }
        if want.is_complex() {
            // A numeric constant becomes a constant of the complex type.
            if let Some((c, _)) = self.const_value(e) {
                if let Some(c) = complex_const(want, c) {
                    self.emit(Ins::Const(c));
                    if *want.under() == Ty::Complex64 {
                        self.emit(Ins::ToComplex(Ty::Complex64));
                    }
                    return Ok(());
                }
            }
        }
        if *want.under() == Ty::Float32 {
            // An untyped numeric constant becomes a float32 constant.
            if let Some((c @ (Const::Int(_) | Const::Float(_)), _)) = self.const_value(e) {
                self.emit(Ins::Const(c));
                self.emit(Ins::ToFloat(Ty::Float32));
                return Ok(());
            }
        }
        // convlit: a constant must fit the integer type it becomes.
        if let (Some((Const::Int(v), _)), Ty::Int { .. }) = (self.const_value(e), want.under()) {
            if !want.holds(v) {
                return err(e.pos, format!("constant {v} overflows {want}"));
            }
        }
        let at = self.here();
        let got = self.expr_typed(e)?;
        if got == Ty::Nil && matches!(want.under(), Ty::Slice(_)) {
            // A nil slice: a zero array pointer, len and cap.
            self.truncate(at);
            self.emit(Ins::Zero(want.clone()));
            return Ok(());
        }
        if is_interface(want)
            && !matches!(got, Ty::Nil | Ty::Eface)
            && got != *want
            && !convnop(&got, want)
        {
            return self.convert_on_stack(e.pos, &got, want);
        }
        if !assignable(&got, want) {
            return err(e.pos, cannot_use(&got, want));
        }
        Ok(())
    }

    /// The value of type `got` on the stack as the interface `want`, as
    /// walk's OCONVIFACE makes it: convI2E, convT2E, convT2I or convI2I,
    /// after typecheck's check of the method set.
    fn convert_on_stack(&mut self, pos: Pos, got: &Ty, want: &Ty) -> R<()> {
        match (got, want) {
            (Ty::Iface(_), Ty::Eface) => {
                // convI2E(elem any) (ret any): the itab's type, the data.
                self.calls(argwid(false, 0, std::slice::from_ref(got), &[Ty::Eface]));
                let site = self.site("runtime.convI2E");
                self.emit(Ins::ConvI2E { site });
                Ok(())
            }
            (_, Ty::Eface) => {
                self.conv_t2e(got);
                Ok(())
            }
            (Ty::Iface(from), Ty::Iface(to)) => self.conv_i2i(pos, from, to),
            (_, Ty::Iface(it)) => self.conv_t2i(pos, got, it),
            _ => err(pos, cannot_use(got, want)),
        }
    }

    /// The interface of type `from` on the stack as interface `to`:
    /// typecheck checks that it has `to`'s methods, then runtime·convI2I.
    fn conv_i2i(&mut self, pos: Pos, from: &Rc<IfaceTy>, to: &Rc<IfaceTy>) -> R<()> {
        let (got, want) = (Ty::Iface(from.clone()), Ty::Iface(to.clone()));
        if let Some(why) = lacks(&from.methods(), &to.methods()) {
            return err(
                pos,
                format!(
                    "{}: {got} does not implement {} ({why})",
                    cannot_use(&got, &want),
                    to.name
                ),
            );
        }
        self.calls(argwid(false, 0, &[PTR, got], &[want]));
        let site = self.site("runtime.convI2I");
        self.emit(Ins::ConvI2I {
            to: to.clone(),
            site,
        });
        Ok(())
    }

    /// `x.f` (or `x.M`) where f is a field or method of a struct embedded
    /// in x's, as lookdot finds it, the embedded fields on the way written
    /// out (adddot): `x.T.f`. None where f is x's own, or nowhere, or
    /// ambiguous.
    fn promoted(&mut self, e: &Expr) -> Option<Expr> {
        // typecheck's implicitstar: an index of a pointer to an array
        // indexes the array it points at.
        if let ExprKind::Index { expr, index } = &e.kind {
            let ptr = self.static_ty(expr)?;
            let Ty::Ptr(t) = ptr.under() else {
                return None;
            };
            if !matches!(t.under(), Ty::Array(..)) {
                return None;
            }
            let star = Expr {
                pos: expr.pos,
                kind: ExprKind::Unary {
                    op: "*",
                    expr: expr.clone(),
                },
            };
            return Some(Expr {
                pos: e.pos,
                kind: ExprKind::Index {
                    expr: Box::new(star),
                    index: index.clone(),
                },
            });
        }
        let ExprKind::Selector { expr, name } = &e.kind else {
            return None;
        };
        let st = struct_of(&self.static_ty(expr)?)?;
        let via = embedded_path(&self.methods, &st, name)?;
        let mut x = (**expr).clone();
        for f in via.into_iter().chain([name.clone()]) {
            x = Expr {
                pos: e.pos,
                kind: ExprKind::Selector {
                    expr: Box::new(x),
                    name: f,
                },
            };
        }
        Some(x)
    }

    /// Whether `v` is a composite literal once typecheck is done with it:
    /// one written out, or `[]byte("...")` or `[]int("...")` of a
    /// constant, which stringtoarraylit makes one.
    fn is_literal(&mut self, v: &Expr) -> bool {
        match &v.kind {
            ExprKind::Composite { .. } => true,
            ExprKind::Call { func, args, .. } => {
                let ExprKind::TypeExpr(Type::Slice(e)) = &func.kind else {
                    return false;
                };
                let units = self
                    .ty(e, func.pos)
                    .is_ok_and(|t| t == BYTE || t == Ty::INT);
                units
                    && matches!(args.as_slice(), [a] if matches!(self.const_value(a), Some((Const::Str(_), _))))
            }
            _ => false,
        }
    }

    /// The type of `x` if it is a variable (what typecheck knows of the
    /// right operand before the left one's code is made).
    fn var_type(&mut self, x: &Expr) -> Option<Ty> {
        match &x.kind {
            ExprKind::Ident(n) => match self.lookup(n)? {
                Binding::Var(_, ty) => Some(ty),
                _ => None,
            },
            _ => None,
        }
    }

    /// Compile `e`; its type as the code that uses it sees it: a named
    /// type's underlying one (what a value is made of decides the code).
    fn expr(&mut self, e: &Expr) -> R<Ty> {
        self.expr_typed(e).map(|t| t.under().clone())
    }

    /// Compile `e`; its static type, named types kept (what assignment,
    /// methods and interfaces see).
    fn expr_typed(&mut self, e: &Expr) -> R<Ty> {
        if let Some((slot, ty)) = self.f().hoisted.get(&(e as *const Expr)).cloned() {
            self.emit(Ins::Load(slot));
            return Ok(ty);
        }
        if let Some((c, ty)) = self.const_value(e) {
            self.emit(Ins::Const(c));
            if *ty.under() == Ty::Float32 {
                self.emit(Ins::ToFloat(Ty::Float32));
            }
            if *ty.under() == Ty::Complex64 {
                self.emit(Ins::ToComplex(Ty::Complex64));
            }
            return Ok(ty);
        }
        if let Some(x) = self.promoted(e) {
            return self.expr_typed(&x);
        }
        if let Some(id) = self.method_expr(e)? {
            self.emit(Ins::FuncValue(id));
            return Ok(Ty::Func(self.sig_of(id)));
        }
        match &e.kind {
            ExprKind::Ident(n) if n == "nil" => {
                self.emit(Ins::Const(Const::Nil));
                Ok(Ty::Nil)
            }
            ExprKind::Ident(n) => match self.lookup(n) {
                Some(Binding::Var(slot, ty)) => {
                    self.emit(Ins::Load(slot));
                    Ok(ty)
                }
                Some(Binding::Func(id)) => {
                    self.emit(Ins::FuncValue(id));
                    Ok(Ty::Func(self.sig_of(id)))
                }
                Some(Binding::Const(..)) => unreachable!("constants are folded above"),
                None if self.types.contains_key(n) => unsupported(e.pos, "method expression"),
                None => err(e.pos, format!("undefined: {n}")),
            },
            ExprKind::Paren(x) => self.expr(x),
            ExprKind::Unary { op: "&", expr }
                if !matches!(expr.kind, ExprKind::Composite { .. }) =>
            {
                self.addr_of(expr)
            }
            ExprKind::Unary { op: "*", expr } => match self.expr(expr)? {
                Ty::Ptr(t) => {
                    self.emit(Ins::Deref);
                    Ok(*t)
                }
                t => err(e.pos, format!("invalid indirect of {t}")),
            },
            ExprKind::Unary { op: "&", expr } => {
                // walk's OADDR of a literal: `nvar := new(T)` first, then
                // the literal's elements stored through it (anylit), so a
                // call among them comes after runtime·new. The literal is
                // built where the pointer points: no temporary for it, one
                // for the pointer. (An enclosing literal's target waits
                // meanwhile.)
                let ExprKind::Composite { ty: Some(t), elems } = &expr.kind else {
                    return unsupported(e.pos, "& of this literal");
                };
                let ty = match t {
                    Type::Counted(elem) => {
                        let n = self.literal_len(elems)?;
                        Ty::Array(n, Box::new(self.ty(elem, e.pos)?))
                    }
                    t => self.ty(t, e.pos)?,
                };
                self.f().walk_temps.push(PTR);
                self.zero(&ty);
                self.calls(argwid(false, 0, &[Ty::INT], &[PTR]));
                let site = self.site("runtime.new");
                self.emit(Ins::NewPtr {
                    size: ty.size(),
                    site,
                });
                self.emit(Ins::Dup);
                let outer = self.f().lit_target.replace(None);
                let made = self.expr_typed(expr)?;
                if let Some(Some(at)) = self.f().lit_target.take() {
                    self.f().lit_temps.insert(at, None);
                }
                self.f().lit_target = outer;
                debug_assert_eq!(made.under(), ty.under());
                self.emit(Ins::StoreDeref);
                Ok(Ty::Ptr(Box::new(made)))
            }
            ExprKind::Unary { op, expr } => {
                // The result keeps the operand's type, a named one too.
                let ty = self.expr_typed(expr)?;
                match *op {
                    "-" => self.emit(Ins::Neg(ty.under().clone())),
                    "!" => self.emit(Ins::Not),
                    "^" => self.emit(Ins::Complement(ty.under().clone())),
                    "+" => 0,
                    other => return unsupported(e.pos, &format!("unary {other}")),
                };
                Ok(ty)
            }
            ExprKind::Binary { op, lhs, rhs } if *op == "&&" || *op == "||" => {
                self.expr_as(lhs, &Ty::Bool)?;
                // a && b: if !a then false; a || b: if a then true.
                if *op == "&&" {
                    let jf = self.emit(Ins::JumpIfNot(0));
                    self.expr_as(rhs, &Ty::Bool)?;
                    let jend = self.emit(Ins::Jump(0));
                    let f = self.here();
                    self.patch(jf, f);
                    self.emit(Ins::Const(Const::Bool(false)));
                    let end = self.here();
                    self.patch(jend, end);
                } else {
                    let jf = self.emit(Ins::JumpIfNot(0));
                    self.emit(Ins::Const(Const::Bool(true)));
                    let jend = self.emit(Ins::Jump(0));
                    let f = self.here();
                    self.patch(jf, f);
                    self.expr_as(rhs, &Ty::Bool)?;
                    let end = self.here();
                    self.patch(jend, end);
                }
                // Of a named boolean type, that type.
                let named = [lhs, rhs].into_iter().find_map(|x| {
                    self.static_ty(x)
                        .filter(|t| matches!(t, Ty::Named(_)) && *t.under() == Ty::Bool)
                });
                Ok(named.unwrap_or(Ty::Bool))
            }
            ExprKind::Binary { op: "+", lhs, .. }
                if self.static_ty(lhs).is_some_and(|t| *t.under() == Ty::Str) =>
            {
                // walk's addstr: a chain a + b + c is one concatstring.
                let mut parts = vec![];
                let mut at = e;
                while let ExprKind::Binary { op: "+", lhs, rhs } = &at.kind {
                    parts.push(&**rhs);
                    at = lhs;
                }
                parts.push(at);
                parts.reverse();
                self.reorder_temps(&parts, &vec![Ty::Str; parts.len()]);
                for p in &parts {
                    self.expr_as(p, &Ty::Str)?;
                }
                let mut args = vec![Ty::INT];
                args.extend(parts.iter().map(|_| Ty::Str));
                self.calls(argwid(false, 0, &args, &[Ty::Str]));
                let site = self.site("runtime.concatstring");
                self.emit(Ins::Concat {
                    n: parts.len() as u8,
                    site,
                });
                Ok(self.static_ty(e).unwrap_or(Ty::Str))
            }
            ExprKind::Binary { op, lhs, rhs } => {
                if let Some(t) = self.complex_operation(e.pos, lhs, rhs)? {
                    return self.complex_binary(e.pos, op, lhs, rhs, &t);
                }
                let mut lt = self.expr_typed(lhs)?;
                let cmp = matches!(&**op, "==" | "!=");
                let nil = |x: &Expr| matches!(&x.kind, ExprKind::Ident(n) if n == "nil");
                // typecheck: a comparison of a value and an interface
                // converts the value to the interface (the left operand
                // to the right one's type if it can be assigned to it).
                if cmp && !nil(lhs) && !nil(rhs) {
                    if let Some(want) = self.var_type(rhs).filter(|r| is_interface(r) && *r != lt) {
                        if assignable_to_iface(&self.methods, &self.sigs, &lt, &want) {
                            self.convert_on_stack(e.pos, &lt, &want)?;
                            lt = want;
                        }
                    }
                }
                let rt = if cmp && is_interface(&lt) && !nil(rhs) {
                    if let Some(rt) = self.var_type(rhs) {
                        if rt != lt && !assignable_to_iface(&self.methods, &self.sigs, &rt, &lt) {
                            return err(
                                e.pos,
                                format!("invalid operation: mismatched types {lt} and {rt}"),
                            );
                        }
                    }
                    self.expr_as(rhs, &lt)?;
                    lt.clone()
                } else {
                    self.expr_typed(rhs)?
                };
                // cgen: with a call on both sides, the left operand waits
                // in a temporary while the right one is computed.
                if self.has_call(lhs) && self.has_call(rhs) {
                    self.f().codegen_temps.push(lt.clone());
                }
                if is_interface(&lt) && is_interface(&rt) {
                    if lt != rt {
                        return err(
                            e.pos,
                            format!("invalid operation: mismatched types {lt} and {rt}"),
                        );
                    }
                    let ne = match &**op {
                        "==" => false,
                        "!=" => true,
                        _ => {
                            return err(
                                e.pos,
                                format!(
                                    "invalid operation: operator {op} not defined on interface"
                                ),
                            )
                        }
                    };
                    // walk's OCMPIFACE: ifaceeq(i1 any, i2 any) (ret bool),
                    // negated for `!=`.
                    self.calls(argwid(false, 0, &[lt.clone(), lt.clone()], &[Ty::Bool]));
                    let eface = *lt.under() == Ty::Eface;
                    let site = self.site(if eface {
                        "runtime.efaceeq"
                    } else {
                        "runtime.ifaceeq"
                    });
                    self.emit(Ins::IfaceEq { eface, site });
                    if ne {
                        self.emit(Ins::Not);
                    }
                    return Ok(Ty::Bool);
                }
                if cmp && (is_interface(&lt) != is_interface(&rt)) && !nil(lhs) && !nil(rhs) {
                    return unsupported(
                        e.pos,
                        "comparison of a value with an interface on its right",
                    );
                }
                // An operand of a named type names the result's type; an
                // untyped integer constant takes a float operand's.
                let int_const = |c: &mut Self, x: &Expr| {
                    matches!(c.const_value(x), Some((Const::Int(_), Ty::Int { .. })))
                };
                let float_const = |c: &mut Self, x: &Expr| {
                    matches!(c.const_value(x), Some((Const::Float(_), Ty::Float64)))
                };
                let ty = match (&lt, &rt) {
                    (Ty::Int { .. }, r) if r.is_float() && int_const(self, lhs) => rt,
                    (Ty::Float64, Ty::Float32) if float_const(self, lhs) => rt,
                    (Ty::Nil, _) | (_, Ty::Named(_)) => rt,
                    _ => lt,
                };
                let bop = BinOp::from_symbol(op)
                    .ok_or(())
                    .or_else(|()| unsupported(e.pos, &format!("operator {op}")))?;
                let empty = [lhs, rhs].iter().any(
                    |x| matches!(self.const_value(x), Some((Const::Str(s), _)) if s.is_empty()),
                );
                // walk's OCMPSTR: for == and != each operand that is not
                // a name or a constant goes to a temporary (cheapexpr), to
                // be read twice (its length, then cmpstring).
                if *ty.under() == Ty::Str && matches!(bop, BinOp::Eq | BinOp::Ne) && !empty {
                    for x in [lhs, rhs] {
                        let name = matches!(&x.kind, ExprKind::Ident(_));
                        if !name && self.const_value(x).is_none() {
                            self.f().walk_temps.push(Ty::Str);
                        }
                    }
                }
                self.compare(bop, &ty.under().clone(), empty);
                Ok(match bop {
                    BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                        Ty::Bool
                    }
                    _ => ty,
                })
            }
            ExprKind::Recv(ch) => {
                let Ty::Chan(elem) = self.expr(ch)? else {
                    return err(ch.pos, "receive from non-chan");
                };
                self.calls(argwid(false, 0, &[PTR], &[(*elem).clone()]));
                let site = self.site("runtime.chanrecv1");
                self.emit(Ins::Recv {
                    elem: (*elem).clone(),
                    site,
                });
                Ok(*elem)
            }
            ExprKind::Call { func, .. } => {
                if self.call_results(e).is_some_and(|r| r.len() > 1) {
                    return err(
                        e.pos,
                        format!(
                            "multiple-value {}() in single-value context",
                            callee_text(func)
                        ),
                    );
                }
                match self.call(e)? {
                    Some(t) => Ok(t),
                    None => err(e.pos, "call used as value has no value"),
                }
            }
            ExprKind::FuncLit { sig, body } => {
                let ty = self.func_lit(e.pos, sig, body)?;
                Ok(ty)
            }
            ExprKind::TypeAssert { expr, ty } => {
                let ty = self.ty(ty, e.pos)?;
                let src = self.expr(expr)?;
                if !is_interface(&src) {
                    return err(
                        e.pos,
                        format!("invalid type assertion: non-interface {src}"),
                    );
                }
                if is_interface(&ty) {
                    self.calls(argwid(
                        false,
                        0,
                        &[PTR, src.clone()],
                        std::slice::from_ref(&ty),
                    ));
                    self.assert_face(&src, &ty, false);
                    return Ok(ty);
                }
                if let Ty::Iface(it) = &src {
                    self.asserted_from(e.pos, expr, it, &ty)?;
                    // assertI2T(typ *byte, iface any) (ret any)
                    self.calls(argwid(
                        false,
                        0,
                        &[PTR, src.clone()],
                        std::slice::from_ref(&ty),
                    ));
                    let site = self.site("runtime.assertI2T");
                    self.emit(Ins::AssertI2T {
                        ty: ty.clone(),
                        inter: it.clone(),
                        site,
                    });
                    return Ok(ty);
                }
                // assertE2T(typ *byte, iface any) (ret any)
                self.calls(argwid(
                    false,
                    0,
                    &[PTR, Ty::Eface],
                    std::slice::from_ref(&ty),
                ));
                let site = self.site("runtime.assertE2T");
                self.emit(Ins::AssertE2T {
                    ty: ty.clone(),
                    site,
                });
                Ok(ty)
            }
            ExprKind::Index { expr, index }
                if matches!(
                    self.static_ty(expr).map(|t| t.under().clone()),
                    Some(Ty::Map(..))
                ) =>
            {
                let (key, val) = self.map_operands(expr, index)?;
                // mapaccess1(hmap map[any]any, key any) (val any)
                self.calls(argwid(
                    false,
                    0,
                    &[PTR, key.clone()],
                    std::slice::from_ref(&val),
                ));
                let site = self.site("runtime.mapaccess1");
                self.emit(Ins::MapIndex {
                    key,
                    val: val.clone(),
                    ok: false,
                    site,
                });
                Ok(val)
            }
            ExprKind::Index { expr, index } => {
                // An element of a variable is read in place, not by
                // copying the whole array first.
                if let ExprKind::Ident(n) = &expr.kind {
                    if let Some(Binding::Var(slot, ty)) = self.lookup(n) {
                        if let Some(elem) = ty.elem().cloned() {
                            self.index(index, ty.under())?;
                            self.emit(Ins::LoadElem(slot));
                            return Ok(elem);
                        }
                    }
                }
                // An element through a pointer to an array, read through
                // it (agen of the index's address, then the load).
                if let ExprKind::Unary { op: "*", expr: p } = &expr.kind {
                    if let Some(Ty::Ptr(t)) = self.static_ty(p).map(|t| t.under().clone()) {
                        if let Ty::Array(n, elem) = t.under() {
                            let (n, elem) = (*n, (**elem).clone());
                            self.expr(p)?;
                            self.index(index, t.under())?;
                            self.emit(Ins::PtrIndex(elem.size(), n));
                            return Ok(elem);
                        }
                    }
                }
                let ty = self.expr(expr)?;
                // A string's byte, checked against its length in line.
                let elem = match ty.under() {
                    Ty::Str => Some(BYTE),
                    _ => ty.elem().cloned(),
                };
                let Some(elem) = elem else {
                    return err(e.pos, format!("invalid operation: index of type {ty}"));
                };
                self.index(index, ty.under())?;
                self.emit(Ins::Index);
                Ok(elem)
            }
            ExprKind::Composite {
                ty: Some(t @ Type::Struct(_)),
                elems,
            } => {
                let Ty::Struct(st) = self.ty(t, e.pos)? else {
                    unreachable!("a struct type")
                };
                self.struct_lit(e.pos, &st, elems)?;
                Ok(Ty::Struct(st))
            }
            ExprKind::Composite {
                ty: Some(t @ Type::Map(..)),
                elems,
            } => {
                let ty = self.ty(t, e.pos)?;
                self.map_lit(&ty, elems)?;
                Ok(ty)
            }
            ExprKind::Composite {
                ty: Some(Type::Name(n, npos)),
                elems,
            } => {
                let st = match self.types.get(n).cloned() {
                    Some(Ty::Struct(st)) => st,
                    // `T{...}` of a named slice or array type: its
                    // underlying literal, of type T.
                    Some(t @ Ty::Named(_)) => {
                        match t.under().clone() {
                            Ty::Slice(elem) => self.slice_composite(*elem, elems)?,
                            under @ Ty::Array(..) => self.array_composite(e.pos, &under, elems)?,
                            Ty::Map(..) => self.map_lit(&t, elems)?,
                            _ => return unsupported(*npos, "composite literal of this type"),
                        }
                        return Ok(t);
                    }
                    _ => return unsupported(*npos, "composite literal of a non-struct"),
                };
                self.struct_lit(e.pos, &st, elems)?;
                Ok(Ty::Struct(st))
            }
            ExprKind::Selector { expr, name } => {
                let (st, through) = match self.expr(expr)? {
                    Ty::Struct(st) => (st, false),
                    Ty::Ptr(t) => match *t {
                        Ty::Struct(st) => (st, true),
                        _ => return unsupported(e.pos, "selector"),
                    },
                    _ => return unsupported(e.pos, "selector"),
                };
                let Some(i) = st.fields().iter().position(|(f, _)| f == name) else {
                    return err(e.pos, format!("{}.{name} undefined", st.name));
                };
                self.emit(if through {
                    Ins::LoadPtrField(i as u16, field_offset(&st, i))
                } else {
                    Ins::Field(i as u16)
                });
                Ok(st.fields()[i].1.clone())
            }
            ExprKind::Composite {
                ty: Some(Type::Slice(elem)),
                elems,
            } => {
                let elem = self.ty(elem, e.pos)?;
                self.slice_composite(elem.clone(), elems)?;
                Ok(Ty::Slice(Box::new(elem)))
            }
            ExprKind::Composite {
                ty: Some(Type::Counted(elem)),
                elems,
            } => {
                let n = self.literal_len(elems)?;
                let ty = Ty::Array(n, Box::new(self.ty(elem, e.pos)?));
                self.array_composite(e.pos, &ty, elems)?;
                Ok(ty)
            }
            ExprKind::Composite {
                ty: Some(t @ Type::Array(..)),
                elems,
            } => {
                let ty = self.ty(t, e.pos)?;
                self.array_composite(e.pos, &ty, elems)?;
                Ok(ty)
            }
            ExprKind::SliceExpr { expr, lo, hi }
                if self.static_ty(expr).is_some_and(|t| *t.under() == Ty::Str) =>
            {
                // walk.c's OSLICESTR: slicestring(s, lo, hi), or
                // slicestring1(s, lo) without hi; lo defaults to 0.
                self.f().slice_dest = None;
                let ty = self.expr_typed(expr)?;
                match lo {
                    Some(l) => self.expr_as(l, &Ty::INT)?,
                    None => {
                        self.emit(Ins::Const(Const::Int(0)));
                    }
                }
                let mut params = vec![Ty::Str, Ty::INT];
                if let Some(h) = hi {
                    self.expr_as(h, &Ty::INT)?;
                    params.push(Ty::INT);
                }
                self.calls(argwid(false, 0, &params, &[Ty::Str]));
                let callee = if hi.is_some() {
                    "runtime.slicestring"
                } else {
                    "runtime.slicestring1"
                };
                let site = self.site(callee);
                self.emit(Ins::SliceString {
                    hi: hi.is_some(),
                    site,
                });
                Ok(ty)
            }
            ExprKind::SliceExpr { expr, lo, hi } => {
                self.slice_expr(e.pos, expr, lo.as_deref(), hi.as_deref())
            }
            _ => unsupported(e.pos, "expression"),
        }
    }

    /// A function literal: compiled as `main._func_NNN` (numbered here in
    /// source order, renumbered as 6g numbers them by [`number_literals`]),
    /// made into a closure over its captures.
    fn func_lit(&mut self, pos: Pos, ft: &FuncType, body: &Block) -> R<Ty> {
        let sig = Rc::new(self.sig(ft, pos)?);
        self.closures += 1;
        let name = format!("main._func_{:03}", self.closures);
        let id = self.funcs.len();
        let parent = self.f().code.name.clone();
        let parent = self.names.iter().position(|n| *n == parent).expect("named");
        self.literals.push((id, parent));
        self.funcs.push(None);
        self.sigs.push(sig.clone());
        self.names.push(name.clone());
        self.begin(name, sig.clone());
        self.f().line = pos.line;
        self.f().code.line = pos.line;
        // walkclosure's ODCLFUNC has no endlineno: 6g ends the literal
        // on its own line.
        self.f().code.end_line = pos.line;
        self.f().code.falls_off = falls_off(body);
        if !sig.results.is_empty() && walkret(body) {
            return err(pos, "function ends without a return statement");
        }
        self.f().code.literal = true;
        self.declare_params(ft, &sig);
        // Compile the body with params first; captured cells are found as
        // the body refers to them, then put in front.
        self.block(body)?;
        self.epilogue(pos)?;
        let captured = self.f().captured.clone();
        let mut code = self.end();
        let n = captured.len() as u16;
        shift_locals(&mut code, n);
        code.nlocals += n;
        code.ncaptured = n;
        self.funcs[id] = Some(code);
        // The enclosing function hands over its variables' cells.
        let mut slots = Vec::new();
        for (name, _) in &captured {
            match self.lookup(name) {
                Some(Binding::Var(slot @ (Slot::Local(_) | Slot::Captured(_)), _)) => {
                    slots.push(slot)
                }
                _ => return err(pos, format!("cannot capture {name}")),
            }
        }
        // closure(siz, fn, ptrs...) func: 24 + 8 a captured variable.
        self.calls(24 + 8 * slots.len() as u32);
        let site = self.site("runtime.closure");
        self.emit(Ins::Closure {
            func: id,
            captures: slots,
            site,
        });
        Ok(Ty::Func(sig))
    }

    /// The callee and arguments of a go or defer statement's call.
    fn stmt_call<'e>(call: &'e Expr, stmt: &str) -> R<(&'e Expr, &'e [Expr], bool)> {
        match &call.kind {
            ExprKind::Call {
                func,
                args,
                ellipsis,
            } => Ok((func, args, *ellipsis)),
            _ => err(
                call.pos,
                format!("expression in {stmt} must be function call"),
            ),
        }
    }

    /// A go or defer statement's callee: a declared function, or a
    /// function value left on the stack (a literal's runtime·closure call
    /// then needs a codegen temporary).
    /// A method `x.M` leaves its receiver as the first argument: the
    /// result's last part says how many arguments are already there.
    fn callee(&mut self, func: &Expr) -> R<(Option<usize>, Rc<Sig>, usize)> {
        if let ExprKind::Ident(n) = &func.kind {
            if let Some(Binding::Func(id)) = self.lookup(n) {
                return Ok((Some(id), self.sig_of(id), 0));
            }
        }
        if let Some(id) = self.method_expr(func)? {
            return Ok((Some(id), self.sig_of(id), 0));
        }
        if let Some(m) = self.receiver(func)? {
            return Ok((Some(m), self.sig_of(m), 1));
        }
        let Ty::Func(sig) = self.expr(func)? else {
            return err(func.pos, "call of a non-function");
        };
        if matches!(func.kind, ExprKind::FuncLit { .. }) {
            self.f().codegen_temps.push(PTR);
        }
        Ok((None, sig, 0))
    }

    /// A method expression `T.M` or `(*T).M`: the method's function
    /// itself, its receiver the first parameter (typecheck's
    /// typecheckmeth makes it the method's ONAME).
    fn method_expr(&mut self, func: &Expr) -> R<Option<usize>> {
        let mut f = func;
        while let ExprKind::Paren(inner) = &f.kind {
            f = inner;
        }
        let ExprKind::Selector { expr, name } = &f.kind else {
            return Ok(None);
        };
        let mut x = &**expr;
        while let ExprKind::Paren(inner) = &x.kind {
            x = inner;
        }
        let (t, star) = match &x.kind {
            ExprKind::Ident(t) => (t, false),
            ExprKind::Unary { op: "*", expr } => match &expr.kind {
                ExprKind::Ident(t) => (t, true),
                _ => return Ok(None),
            },
            ExprKind::TypeExpr(Type::Pointer(inner)) => match &**inner {
                Type::Name(t, _) => (t, true),
                _ => return Ok(None),
            },
            _ => return Ok(None),
        };
        if self.lookup(t).is_some() || !self.types.contains_key(t) {
            return Ok(None);
        }
        let value = self.methods.get(&(t.clone(), name.clone())).copied();
        let pointer = self.methods.get(&(format!("*{t}"), name.clone())).copied();
        match (star, value, pointer) {
            (false, Some(id), _) | (true, _, Some(id)) => Ok(Some(id)),
            (false, None, Some(_)) => err(
                f.pos,
                format!(
                    "invalid method expression {t}.{name} (needs pointer receiver: (*{t}).{name})"
                ),
            ),
            // `(*T).M` of a value method is genwrapper's `*T·M`.
            (true, Some(_), None) => unsupported(
                f.pos,
                "method expression of a value method through a pointer",
            ),
            (false, None, None) => err(
                f.pos,
                format!("{t}.{name} undefined (type {t} has no method {name})"),
            ),
            (true, None, None) => err(
                f.pos,
                format!("(*{t}).{name} undefined (type *{t} has no method {name})"),
            ),
        }
    }

    /// For `x.M` naming a method of x's struct or pointer type: x
    /// (the receiver, a copy of the value or the pointer) on the stack,
    /// and the method.
    fn receiver(&mut self, func: &Expr) -> R<Option<usize>> {
        if let Some(f) = self.promoted(func) {
            return self.receiver(&f);
        }
        let ExprKind::Selector { expr: x, name } = &func.kind else {
            return Ok(None);
        };
        let Some(key) = self.static_ty(x).as_ref().and_then(method_key) else {
            return Ok(None);
        };
        if let Some(&m) = self.methods.get(&(key.clone(), name.clone())) {
            self.expr(x)?;
            return Ok(Some(m));
        }
        // typecheck's lookdot: a pointer method called on an addressable
        // T is called on &x (addrescapes moves x to the heap), a value
        // method called on a *T on *x.
        let (other, pointer) = match key.strip_prefix('*') {
            Some(t) => (t.to_string(), false),
            None => (format!("*{key}"), true),
        };
        let Some(&m) = self.methods.get(&(other, name.clone())) else {
            return Ok(None);
        };
        if pointer {
            self.addr_of(x).map_err(|e| {
                match e.message.starts_with("cannot take the address") {
                    true => CompileError {
                        pos: x.pos,
                        message: format!("cannot call pointer method {name} on {key}"),
                    },
                    false => e,
                }
            })?;
        } else {
            self.expr(x)?;
            self.emit(Ins::Deref);
        }
        Ok(Some(m))
    }

    fn go(&mut self, call: &Expr) -> R<()> {
        let (func, args, ellipsis) = Self::stmt_call(call, "go")?;
        let (direct, sig, skip) = self.callee(func)?;
        // newproc's own argwid is not counted.
        let nargs = self.args(call.pos, &sig, skip, args, ellipsis)?;
        let site = self.site("runtime.newproc");
        self.emit(Ins::Go {
            func: direct,
            nargs,
            site,
        });
        Ok(())
    }

    /// `for k, v := range x` over an array or slice, as 6g compiles it
    /// inline: x evaluated once (an array copied), a hidden index, k and
    /// v assigned at the top of each pass (one variable each for the
    /// whole loop, as in this dialect).
    fn range(
        &mut self,
        key: Option<&Expr>,
        value: Option<&Expr>,
        define: bool,
        x: &Expr,
        body: &Block,
    ) -> R<()> {
        self.f().scopes.push(HashMap::new());
        let at = self.here();
        // range.c: with a value, x is copied into a temporary; without,
        // only its length is taken.
        if matches!(x.kind, ExprKind::SliceExpr { .. }) {
            self.f().slice_dest = Some(match value {
                Some(_) => SliceDest::Name,
                None => SliceDest::Operand,
            });
        }
        // With a value, a literal is built in range.c's copy of it.
        let lit = value.is_some() && self.is_literal(x);
        if lit {
            self.f().lit_target = Some(None);
        }
        let ty = self.expr(x)?;
        if let Some(Some(at)) = self.f().lit_target.take() {
            self.f().lit_temps.insert(at, None);
        }
        if let Ty::Map(..) = &ty {
            self.range_map(key, value, define, &ty, body)?;
            self.f().scopes.pop();
            return Ok(());
        }
        if let Ty::Chan(elem) = &ty {
            if value.is_some() {
                return err(x.pos, "too many variables in range");
            }
            self.range_chan(key, define, elem, body)?;
            self.f().scopes.pop();
            return Ok(());
        }
        if ty == Ty::Str {
            self.range_string(key, value, define, body)?;
            self.f().scopes.pop();
            return Ok(());
        }
        let Some(elem) = ty.elem().cloned() else {
            return unsupported(x.pos, "range over this type");
        };
        // range.c's temporaries: with a value, a copy of x (without one
        // x is read once, uncopied); the index and the length; with a
        // value, the element pointer.
        let temps = [
            value.map(|_| ty.clone()),
            Some(Ty::INT),
            Some(Ty::INT),
            value.map(|_| PTR),
        ];
        self.f().walk_temps.extend(temps.into_iter().flatten());
        // The twin's own shortcut: an array variable ranged over by index
        // alone is not loaded at all (its length is a constant); anything
        // else is kept, and its length taken once.
        let n = self.hidden();
        let hidden = match (&ty, value, &x.kind) {
            (Ty::Array(len, _), None, ExprKind::Ident(_)) => {
                self.truncate(at);
                self.emit(Ins::Const(Const::Int(i128::from(*len))));
                None
            }
            _ => {
                let hidden = self.hidden();
                self.emit(Ins::Store(hidden));
                self.emit(Ins::Load(hidden));
                self.emit(Ins::Len);
                Some(hidden)
            }
        };
        self.emit(Ins::Store(n));
        let i = self.hidden();
        self.emit(Ins::Const(Const::Int(0)));
        self.emit(Ins::Store(i));
        // The loop variables, declared (or found) once.
        let target = |c: &mut Compiler, e: Option<&Expr>, ty: Ty| -> R<Option<Place>> {
            let Some(e) = e else { return Ok(None) };
            if define {
                let ExprKind::Ident(n) = &e.kind else {
                    return err(e.pos, "non-name on left side of :=");
                };
                if n == "_" {
                    return Ok(Some(Place::Blank));
                }
                let slot = c.declare_local(n.clone(), ty);
                return Ok(Some(Place::Var(slot)));
            }
            match c.place(e)? {
                (Place::Elem(_), _) => unsupported(e.pos, "range into an element"),
                (p, _) => Ok(Some(p)),
            }
        };
        let k = target(self, key, Ty::INT)?;
        let v = target(self, value, elem)?;
        let top = self.here();
        self.emit(Ins::Load(i));
        self.emit(Ins::Load(n));
        self.emit(Ins::Bin(BinOp::Lt, Ty::INT));
        let jf = self.emit(Ins::JumpIfNot(0));
        if let Some(Place::Var(slot)) = k {
            self.emit(Ins::Load(i));
            self.emit(Ins::Store(slot));
        }
        if let (Some(Place::Var(slot)), Some(hidden)) = (v, hidden) {
            self.emit(Ins::Load(i));
            self.emit(Ins::LoadElem(hidden));
            self.emit(Ins::Store(slot));
        }
        self.push_breakable(true, Vec::new());
        self.block(body)?;
        let post_at = self.here();
        self.emit(Ins::Load(i));
        self.emit(Ins::Const(Const::Int(1)));
        self.emit(Ins::Bin(BinOp::Add, Ty::INT));
        self.emit(Ins::Store(i));
        self.emit(Ins::Jump(top));
        self.end_loop(Some(jf), post_at);
        self.f().scopes.pop();
        Ok(())
    }

    /// The rest of `for i, r := range s` (s on the stack), as range.c
    /// lowers it: s in a temporary ha, hv1 = 0; each pass ohv1 = hv1,
    /// then `hv1 = stringiter(ha, hv1)` (or `hv1, hv2 = stringiter2(ha,
    /// hv1)` with a value), leaving when hv1 is 0; then i = ohv1, r = hv2
    /// and the body.
    fn range_string(
        &mut self,
        key: Option<&Expr>,
        value: Option<&Expr>,
        define: bool,
        body: &Block,
    ) -> R<()> {
        // ha, then ohv1, hv1, and hv2 with a value.
        self.f().walk_temps.extend([Ty::Str, Ty::INT, Ty::INT]);
        if value.is_some() {
            self.f().walk_temps.push(Ty::INT);
        }
        let ha = self.hidden();
        self.emit(Ins::Store(ha));
        let (ohv1, hv1, hv2) = (self.hidden(), self.hidden(), self.hidden());
        self.emit(Ins::Const(Const::Int(0)));
        self.emit(Ins::Store(hv1));
        let target = |c: &mut Compiler, e: Option<&Expr>| -> R<Option<Slot>> {
            let Some(e) = e else { return Ok(None) };
            if define {
                return match &e.kind {
                    ExprKind::Ident(n) if n == "_" => Ok(None),
                    ExprKind::Ident(n) => Ok(Some(c.declare_local(n.clone(), Ty::INT))),
                    _ => err(e.pos, "non-name on left side of :="),
                };
            }
            match c.place(e)? {
                (Place::Var(slot), _) => Ok(Some(slot)),
                (Place::Blank, _) => Ok(None),
                _ => unsupported(e.pos, "range into an element"),
            }
        };
        let k = target(self, key)?;
        let v = target(self, value)?;
        let top = self.here();
        self.emit(Ins::Load(hv1));
        self.emit(Ins::Store(ohv1));
        self.emit(Ins::Load(ha));
        self.emit(Ins::Load(hv1));
        let two = value.is_some();
        let results: &[Ty] = if two { &[Ty::INT, Ty::INT] } else { &[Ty::INT] };
        self.calls(argwid(false, 0, &[Ty::Str, Ty::INT], results));
        let site = self.site(if two {
            "runtime.stringiter2"
        } else {
            "runtime.stringiter"
        });
        self.emit(Ins::StringIter { two, site });
        if two {
            self.emit(Ins::Store(hv2));
        }
        self.emit(Ins::Store(hv1));
        self.emit(Ins::Load(hv1));
        self.emit(Ins::Const(Const::Int(0)));
        self.emit(Ins::Bin(BinOp::Ne, Ty::INT));
        let jf = self.emit(Ins::JumpIfNot(0));
        if let Some(slot) = k {
            self.emit(Ins::Load(ohv1));
            self.emit(Ins::Store(slot));
        }
        if let Some(slot) = v {
            self.emit(Ins::Load(hv2));
            self.emit(Ins::Store(slot));
        }
        self.push_breakable(true, Vec::new());
        self.block(body)?;
        let post_at = self.here();
        self.emit(Ins::Jump(top));
        self.end_loop(Some(jf), post_at);
        Ok(())
    }

    /// The rest of `for v := range c` (c on the stack), as range.c
    /// lowers it: c in a temporary; each pass `hv1, hb = chanrecv3(c)`,
    /// leaving when hb (closed), then `v = hv1` and the body.
    fn range_chan(&mut self, key: Option<&Expr>, define: bool, elem: &Ty, body: &Block) -> R<()> {
        self.f().walk_temps.extend([PTR, elem.clone(), Ty::Bool]);
        let hidden = self.hidden();
        self.emit(Ins::Store(hidden));
        let place = match key {
            None => None,
            Some(e) if define => match &e.kind {
                ExprKind::Ident(n) if n == "_" => None,
                ExprKind::Ident(n) => Some(self.declare_local(n.clone(), elem.clone())),
                _ => return err(e.pos, "non-name on left side of :="),
            },
            Some(e) => match self.place(e)? {
                (Place::Var(slot), _) => Some(slot),
                (Place::Blank, _) => None,
                _ => return unsupported(e.pos, "range into an element"),
            },
        };
        let top = self.here();
        self.emit(Ins::Load(hidden));
        self.calls(argwid(false, 0, &[PTR], &[elem.clone(), Ty::Bool]));
        let site = self.site("runtime.chanrecv3");
        self.emit(Ins::RangeRecv {
            elem: elem.clone(),
            site,
        });
        let open = self.emit(Ins::JumpIfNot(0));
        // Closed: drop the zero value and leave, as a break does.
        self.emit(Ins::Pop);
        let leave = self.emit(Ins::Jump(0));
        self.push_breakable(true, vec![leave]);
        let at = self.here();
        self.patch(open, at);
        match place {
            Some(slot) => self.emit(Ins::Store(slot)),
            None => self.emit(Ins::Pop),
        };
        self.block(body)?;
        let post_at = self.here();
        self.emit(Ins::Jump(top));
        self.end_loop(None, post_at);
        Ok(())
    }

    /// Close the innermost loop, just emitted: its breaks and its exit
    /// test `jf` go past it, its continues to its post statement at
    /// `post_at`.
    fn end_loop(&mut self, jf: Option<usize>, post_at: usize) {
        let end = self.here();
        let done = self.f().loops.pop().expect("pushed");
        for b in done.breaks.into_iter().chain(jf) {
            self.patch(b, end);
        }
        for c in done.continues {
            self.patch(c, post_at);
        }
    }

    /// Open a statement `break` leaves, named by the label just read.
    fn push_breakable(&mut self, is_loop: bool, breaks: Vec<usize>) {
        let label = self.f().label.take();
        self.f().loops.push(Breakable {
            label,
            is_loop,
            breaks,
            continues: Vec::new(),
        });
    }

    /// The statement a `break` (or, with `continue`, a loop) leaves: the
    /// innermost, or the one `label` names (gen.c's OBREAK and OCONTINUE,
    /// with their errors).
    fn breakable(&mut self, label: Option<&str>, continues: bool, pos: Pos) -> R<Option<usize>> {
        let loops = &self.f().loops;
        let Some(label) = label else {
            return Ok(loops.iter().rposition(|l| l.is_loop || !continues));
        };
        match loops
            .iter()
            .rposition(|l| l.label.as_deref() == Some(label))
        {
            Some(at) if loops[at].is_loop || !continues => Ok(Some(at)),
            _ => {
                let what = if continues { "continue" } else { "break" };
                match self.f().labels.contains_key(label) {
                    true => err(pos, format!("invalid {what} label {label}")),
                    false => err(pos, format!("{what} label not defined: {label}")),
                }
            }
        }
    }

    /// The result types of a call of a declared function or a function
    /// variable.
    fn call_results(&mut self, e: &Expr) -> Option<Vec<Ty>> {
        let ExprKind::Call { func, .. } = &e.kind else {
            return None;
        };
        let func = &self.promoted(func).unwrap_or_else(|| (**func).clone());
        if let ExprKind::Selector { expr: x, name } = &func.kind {
            // A method of x's type, of its interface, or a field holding
            // a function.
            let t = self.static_ty(x)?;
            if let Some(&m) = method_key(&t).and_then(|k| self.methods.get(&(k, name.clone()))) {
                return Some(self.sigs[m].results.clone());
            }
            if let Ty::Iface(it) = t.under() {
                let methods = it.methods();
                let (_, sig) = methods.iter().find(|(m, _)| m == name)?;
                return Some(sig.results.clone());
            }
        }
        if let ExprKind::Ident(n) = &func.kind {
            if let Some(Binding::Func(id)) = self.lookup(n) {
                return Some(self.sigs[id].results.clone());
            }
        }
        if let Ok(Some(id)) = self.method_expr(func) {
            return Some(self.sigs[id].results.clone());
        }
        match self.static_ty(func)? {
            Ty::Func(sig) => Some(sig.results.clone()),
            _ => None,
        }
    }

    /// `&x`: of a local, typecheck's addrescapes moves it to the heap
    /// (its runtime·new where it is declared, as for a variable a closure
    /// captures), and the pointer is its heap cell's. Of a field or an
    /// element, addrescapes moves the variable holding it (a struct or
    /// array local) unless the path goes through a pointer or a slice; a
    /// package variable is in the data already.
    fn addr_of(&mut self, x: &Expr) -> R<Ty> {
        match &x.kind {
            ExprKind::Paren(inner) => self.addr_of(inner),
            ExprKind::Ident(n) => match self.lookup(n) {
                Some(Binding::Var(slot @ (Slot::Local(_) | Slot::Captured(_)), ty)) => {
                    if let Slot::Local(l) = slot {
                        self.f().escaped.insert(l);
                    }
                    self.emit(Ins::AddrOf(slot));
                    Ok(Ty::Ptr(Box::new(ty)))
                }
                Some(Binding::Var(slot @ Slot::Global(_), ty)) => {
                    self.emit(Ins::AddrPath {
                        root: Some(slot),
                        steps: Rc::from([]),
                    });
                    Ok(Ty::Ptr(Box::new(ty)))
                }
                Some(_) => err(x.pos, format!("cannot take the address of {n}")),
                None => err(x.pos, format!("undefined: {n}")),
            },
            ExprKind::Selector { .. }
            | ExprKind::Index { .. }
            | ExprKind::Unary { op: "*", .. } => {
                let map_elem = matches!(&x.kind, ExprKind::Index { expr, .. }
                    if matches!(self.static_ty(expr).map(|t| t.under().clone()), Some(Ty::Map(..))));
                if map_elem {
                    return err(x.pos, "cannot take the address of a map element");
                }
                let (root, steps, ty, shared) = self.path(x)?;
                match root {
                    Some(Slot::Local(l)) if !shared => {
                        self.f().escaped.insert(l);
                    }
                    None if !shared => {
                        return err(x.pos, "cannot take the address of this expression");
                    }
                    _ => {}
                }
                self.emit(Ins::AddrPath {
                    root,
                    steps: steps.into(),
                });
                Ok(Ty::Ptr(Box::new(ty)))
            }
            _ => err(x.pos, "cannot take the address of this expression"),
        }
    }

    /// The type of `e` where it is plain without compiling it (literals,
    /// variables, calls, receives, elements, fields, sums); None where
    /// it is not.
    fn static_ty(&mut self, e: &Expr) -> Option<Ty> {
        if let Some(x) = self.promoted(e) {
            return self.static_ty(&x);
        }
        match &e.kind {
            ExprKind::Str(_) => Some(Ty::Str),
            ExprKind::Paren(x) => self.static_ty(x),
            ExprKind::Unary { op: "&", expr }
                if !matches!(expr.kind, ExprKind::Composite { .. }) =>
            {
                Some(Ty::Ptr(Box::new(self.static_ty(expr)?)))
            }
            ExprKind::Composite { ty: Some(t), .. } => self.ty(t, e.pos).ok(),
            ExprKind::Unary { op: "*", expr } => match self.static_ty(expr)?.under() {
                Ty::Ptr(t) => Some((**t).clone()),
                _ => None,
            },
            ExprKind::Ident(n) => match self.lookup(n)? {
                Binding::Var(_, t) | Binding::Const(_, t) => Some(t),
                Binding::Func(_) => None,
            },
            ExprKind::Call { func, args, .. } => match &func.kind {
                // A conversion `T(x)` (string(...), int64(...), Named(...)).
                ExprKind::Ident(n)
                    if args.len() == 1
                        && self.lookup(n).is_none()
                        && (n == "string"
                            || INTS.iter().any(|(i, ..)| i == n)
                            || float_type(n).is_some()
                            || self.types.contains_key(n)) =>
                {
                    self.ty(&Type::Name(n.clone(), func.pos), func.pos).ok()
                }
                // complex(r, i): a complex64 of float32 parts; real(c)
                // and imag(c): c's parts' type.
                ExprKind::Ident(n) if n == "complex" && self.lookup(n).is_none() => {
                    let mut narrow = false;
                    for a in args {
                        if self.const_value(a).is_none() {
                            narrow |= self.static_ty(a).is_some_and(|t| *t.under() == Ty::Float32);
                        }
                    }
                    Some(if narrow {
                        Ty::Complex64
                    } else {
                        Ty::Complex128
                    })
                }
                ExprKind::Ident(n)
                    if (n == "real" || n == "imag")
                        && self.lookup(n).is_none()
                        && args.len() == 1 =>
                {
                    self.static_ty(&args[0]).map(|t| t.part())
                }
                // new(T): a *T.
                ExprKind::Ident(n) if n == "new" && self.lookup(n).is_none() => {
                    match args.as_slice() {
                        [Expr {
                            kind: ExprKind::TypeExpr(t),
                            pos,
                        }] => self.ty(t, *pos).ok().map(|t| Ty::Ptr(Box::new(t))),
                        [Expr {
                            kind: ExprKind::Ident(n),
                            pos,
                        }] => self
                            .ty(&Type::Name(n.clone(), *pos), *pos)
                            .ok()
                            .map(|t| Ty::Ptr(Box::new(t))),
                        _ => None,
                    }
                }
                _ => self.call_results(e)?.first().cloned(),
            },
            ExprKind::Recv(c) => match self.static_ty(c)? {
                Ty::Chan(elem) => Some(*elem),
                _ => None,
            },
            // x.(T): a T (what its methods and fields are looked up on).
            ExprKind::TypeAssert { ty, .. } => match ty {
                Type::Name(n, _) if n == "type" => None,
                t => self.ty(t, e.pos).ok(),
            },
            ExprKind::Index { expr, .. } => {
                let t = self.static_ty(expr)?;
                match t.under() {
                    Ty::Map(_, v) => Some((**v).clone()),
                    _ => t.elem().cloned(),
                }
            }
            ExprKind::Selector { expr, name } => {
                let st = match self.static_ty(expr)? {
                    Ty::Struct(st) => st,
                    Ty::Ptr(t) => match *t {
                        Ty::Struct(st) => st,
                        _ => return None,
                    },
                    _ => return None,
                };
                st.fields()
                    .iter()
                    .find(|(f, _)| f == name)
                    .map(|(_, t)| t.clone())
            }
            // An operator's result has its operands' type (a named one
            // kept), the typed operand's where one is an untyped constant;
            // a shift's is its left operand's, a comparison's bool.
            ExprKind::Binary { op, lhs, rhs } => match *op {
                "==" | "!=" | "<" | "<=" | ">" | ">=" => Some(Ty::Bool),
                "<<" | ">>" => self.static_ty(lhs),
                _ if self.const_value(lhs).is_some() => {
                    self.static_ty(rhs).or_else(|| self.static_ty(lhs))
                }
                _ => self.static_ty(lhs),
            },
            ExprKind::Unary {
                op: "!" | "-" | "+" | "^",
                expr,
            } => self.static_ty(expr),
            ExprKind::SliceExpr { expr, .. } => {
                let t = self.static_ty(expr)?;
                let arr = match t.under() {
                    Ty::Ptr(a) => a.under().clone(),
                    u => u.clone(),
                };
                match arr {
                    Ty::Array(_, elem) => Some(Ty::Slice(elem)),
                    _ => Some(t),
                }
            }
            _ => None,
        }
    }

    /// walk's safeexpr: whether `e` stays as it is (a name, a constant, or
    /// a field, index or dereference of such), pushing the temporaries
    /// cheapexpr makes for the parts that do not.
    fn safeexpr(&mut self, e: &Expr) -> bool {
        if self.const_value(e).is_some() {
            return true;
        }
        match &e.kind {
            ExprKind::Ident(_) => true,
            ExprKind::Paren(x) => self.safeexpr(x),
            ExprKind::Selector { expr, .. } | ExprKind::Unary { op: "*", expr } => {
                self.safe_part(expr);
                true
            }
            ExprKind::Index { expr, index } => {
                self.safe_part(expr);
                self.safe_part(index);
                true
            }
            _ => false,
        }
    }

    /// A part of a safe expression: computed into a temporary unless it
    /// is safe itself.
    fn safe_part(&mut self, e: &Expr) {
        if !self.safeexpr(e) {
            let ty = self.static_ty(e).unwrap_or(Ty::INT);
            self.f().walk_temps.push(ty);
        }
    }

    /// walk's OAS2 (`a, b = x, y` with as many values as names):
    /// walkexprlistsafe gives each value that is not safe a temporary,
    /// allocated before the value's own. Returns its place in the
    /// temporaries, for [`Compiler::fill_temp`] to give it its type once
    /// the value is compiled.
    fn parallel_temp(&mut self, values: usize, v: &Expr) -> Option<usize> {
        if values < 2 || self.safeexpr(v) {
            return None;
        }
        let f = self.f();
        f.walk_temps.push(Ty::INT);
        Some(f.walk_temps.len() - 1)
    }

    /// walk's reorder3 for `a, b = x, y`: an assignment whose left side
    /// names a variable that a later value reads is delayed through a
    /// temporary of its value's type. A value computed into a temporary
    /// already (`values`' flag) reads only that.
    fn reorder3(&mut self, lhs: &[Expr], rhs: &[Expr], values: &[(Ty, bool)]) {
        for (i, l) in lhs.iter().enumerate() {
            let mut names = Vec::new();
            l.names(&mut names);
            names.retain(|n| *n != "_");
            let later = rhs.iter().zip(values).skip(i + 1);
            if later.filter(|(_, (_, temp))| !temp).any(|(r, _)| {
                let mut read = Vec::new();
                r.names(&mut read);
                read.iter().any(|n| names.contains(n))
            }) {
                self.f().walk_temps.push(values[i].0.clone());
            }
        }
    }

    fn fill_temp(&mut self, temp: Option<usize>, ty: &Ty) {
        if let Some(at) = temp {
            self.f().walk_temps[at] = ty.clone();
        }
    }

    /// Whether computing `e` calls a function (6g's ullman UINF): a call
    /// of a function or closure, or a receive; not a conversion or len.
    /// walk's reorder1: when several of a call's arguments hold calls,
    /// each but the last is computed into a temporary first.
    fn reorder_temps(&mut self, args: &[&Expr], tys: &[Ty]) {
        // A concrete value passed as an interface{} is a convT2E call.
        let calls: Vec<usize> = (0..args.len())
            .filter(|&i| {
                let is_nil = matches!(&args[i].kind, ExprKind::Ident(n) if n == "nil");
                let converted =
                    tys[i] == Ty::Eface && !is_nil && self.static_ty(args[i]) != Some(Ty::Eface);
                converted || self.has_call(args[i])
            })
            .collect();
        if let Some((_, first)) = calls.split_last() {
            for &i in first {
                self.f().walk_temps.push(tys[i].clone());
            }
        }
    }

    fn has_call(&mut self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Recv(_) | ExprKind::FuncLit { .. } => true,
            ExprKind::Call { func, args, .. } => {
                // Builtins walk turns into runtime calls count; len, cap
                // and integer conversions are inline.
                let inline = match &func.kind {
                    ExprKind::Ident(n) if self.lookup(n).is_none() => !matches!(
                        n.as_str(),
                        "recover" | "closed" | "make" | "new" | "string" | "append" | "copy"
                    ),
                    _ => false,
                };
                !inline || args.iter().any(|a| self.has_call(a))
            }
            // a + b on strings is a concatstring call.
            ExprKind::Binary { op: "+", lhs, .. }
                if self.static_ty(lhs).is_some_and(|t| *t.under() == Ty::Str) =>
            {
                true
            }
            ExprKind::Unary { expr, .. } | ExprKind::Paren(expr) => self.has_call(expr),
            ExprKind::Binary { lhs, rhs, .. } => self.has_call(lhs) || self.has_call(rhs),
            // A map's element is a call of mapaccess1.
            ExprKind::Index { expr, .. }
                if matches!(
                    self.static_ty(expr).map(|t| t.under().clone()),
                    Some(Ty::Map(..))
                ) =>
            {
                true
            }
            ExprKind::Index { expr, index } => self.has_call(expr) || self.has_call(index),
            ExprKind::Selector { expr, .. } => self.has_call(expr),
            // walk has made every slicing a call (sliceslice, slicearray,
            // slicestring) before it orders the arguments.
            ExprKind::SliceExpr { .. } => true,
            _ => false,
        }
    }

    /// The binary operation `op` on two values of `ty` on the stack; on
    /// strings a comparison is walk's cmpstring(a, b) op 0, with its quick
    /// checks (`empty`: an operand is the constant "").
    fn compare(&mut self, op: BinOp, ty: &Ty, empty: bool) {
        let is_cmp = matches!(
            op,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        );
        if *ty == Ty::Str && is_cmp {
            let how = match op {
                _ if empty => StrCmp::LenOnly,
                BinOp::Eq | BinOp::Ne => StrCmp::LenFirst,
                _ => StrCmp::Order,
            };
            if how != StrCmp::LenOnly {
                self.calls(argwid(false, 0, &[Ty::Str, Ty::Str], &[Ty::INT]));
            }
            let site = self.site("runtime.cmpstring");
            self.emit(Ins::CmpString { how, site });
            self.emit(Ins::Const(Const::Int(0)));
            self.emit(Ins::Bin(op, Ty::INT));
        } else {
            self.emit(Ins::Bin(op, ty.clone()));
        }
    }

    /// An expression switch, as swt.c lowers it: the tag (if any) in a
    /// temporary, each case's values compared in order, the first that
    /// holds runs its body; else default. `break` leaves the switch.
    fn switch(&mut self, init: Option<&Stmt>, tag: Option<&Expr>, cases: &[CaseClause]) -> R<()> {
        let line = casebody_line(self.f().line, cases.iter().map(|c| c.pos.line));
        self.f().scopes.push(HashMap::new());
        if let Some(i) = init {
            self.stmt(i)?;
        }
        let tag = match tag {
            Some(t) => {
                let ty = self.expr(t)?;
                self.f().walk_temps.push(ty.clone());
                let slot = self.hidden();
                self.emit(Ins::Store(slot));
                Some((slot, ty))
            }
            None => None,
        };
        // The tests: each true one jumps to its body. With a tag, swt.c's
        // exprswitch takes the values in source order, but each run of
        // constants sorted by value and searched by exprbsw.
        let mut to_body = vec![Vec::new(); cases.len()];
        let vals: Vec<(usize, &Expr)> = cases
            .iter()
            .enumerate()
            .flat_map(|(i, c)| c.exprs.iter().map(move |e| (i, e)))
            .collect();
        match &tag {
            Some(tag) => {
                let mut k = 0;
                while k < vals.len() {
                    let mut run = Vec::new();
                    while let Some((c, v)) = vals
                        .get(k)
                        .and_then(|&(i, e)| self.const_value(e).map(|(c, _)| (c, (i, e))))
                    {
                        run.push((c, v));
                        k += 1;
                    }
                    if run.is_empty() {
                        self.case_test(tag, vals[k], &mut to_body)?;
                        k += 1;
                        continue;
                    }
                    run.sort_by(|a, b| const_order(&a.0, &b.0));
                    let run: Vec<(usize, &Expr)> = run.into_iter().map(|(_, v)| v).collect();
                    self.exprbsw(tag, &run, line, &mut to_body)?;
                }
            }
            None => {
                for &(i, e) in &vals {
                    self.f().line = e.pos.line;
                    self.expr_as(e, &Ty::Bool)?;
                    let skip = self.emit(Ins::JumpIfNot(0));
                    to_body[i].push(self.emit(Ins::Jump(0)));
                    let next = self.here();
                    self.patch(skip, next);
                }
            }
        }
        let no_match = self.emit(Ins::Jump(0));
        self.push_breakable(false, Vec::new());
        let mut ends = Vec::new();
        let mut default = None;
        for (i, c) in cases.iter().enumerate() {
            let at = self.here();
            for j in std::mem::take(&mut to_body[i]) {
                self.patch(j, at);
            }
            if c.default {
                default = Some(at);
            }
            // swt.c's casebody: a body ends in a break unless its last
            // statement is a fallthrough into the next (or, from the last
            // case, into the final break).
            match c.body.split_last() {
                Some((last, body)) if last.kind == StmtKind::Fallthrough => self.block(body)?,
                _ => {
                    self.block(&c.body)?;
                    ends.push(self.emit(Ins::Jump(0)));
                }
            }
        }
        let end = self.here();
        self.patch(no_match, default.unwrap_or(end));
        let breaks = self.f().loops.pop().expect("pushed").breaks;
        for j in ends.into_iter().chain(breaks) {
            self.patch(j, end);
        }
        self.f().scopes.pop();
        Ok(())
    }

    /// One case value's test: the tag from its temporary `== e`, true
    /// jumping to the case's body.
    fn case_test(
        &mut self,
        (slot, ty): &(Slot, Ty),
        (i, e): (usize, &Expr),
        to_body: &mut [Vec<usize>],
    ) -> R<()> {
        self.f().line = e.pos.line;
        self.emit(Ins::Load(*slot));
        self.expr_as(e, ty)?;
        let empty = matches!(self.const_value(e), Some((Const::Str(s), _)) if s.is_empty());
        self.compare(BinOp::Eq, ty, empty);
        let skip = self.emit(Ins::JumpIfNot(0));
        to_body[i].push(self.emit(Ins::Jump(0)));
        let next = self.here();
        self.patch(skip, next);
        Ok(())
    }

    /// swt.c's exprbsw over a run of constant values sorted by value: under
    /// four, each tested in turn (on its case's line); else `tag <= ` the
    /// middle one decides which half to search (that compare is on `line`,
    /// casebody's).
    fn exprbsw(
        &mut self,
        tag: &(Slot, Ty),
        run: &[(usize, &Expr)],
        line: u32,
        to_body: &mut [Vec<usize>],
    ) -> R<()> {
        if run.len() < 4 {
            for &v in run {
                self.case_test(tag, v, to_body)?;
            }
            return Ok(());
        }
        let half = run.len() / 2;
        self.f().line = line;
        self.emit(Ins::Load(tag.0));
        let pivot = run[half - 1].1;
        self.expr_as(pivot, &tag.1)?;
        let empty = matches!(self.const_value(pivot), Some((Const::Str(s), _)) if s.is_empty());
        self.compare(BinOp::Le, &tag.1, empty);
        let to_else = self.emit(Ins::JumpIfNot(0));
        self.exprbsw(tag, &run[..half], line, to_body)?;
        let past = self.emit(Ins::Jump(0));
        let here = self.here();
        self.patch(to_else, here);
        self.exprbsw(tag, &run[half..], line, to_body)?;
        let here = self.here();
        self.patch(past, here);
        Ok(())
    }

    /// The walk temporary `at` of a literal assigned to `slot` is
    /// oaslit's: none unless the variable moves to the heap.
    fn in_place(&mut self, at: usize, slot: Slot) {
        let local = match slot {
            Slot::Local(l) => Some(l),
            _ => None,
        };
        self.f().lit_temps.insert(at, local);
    }

    /// A composite literal's walk temporary (of its type): built in the
    /// assigned variable instead when it is a plain assignment's.
    fn literal_temp(&mut self, ty: Ty) {
        let f = self.f();
        if let Some(target) = f.lit_target.as_mut() {
            *target = Some(f.walk_temps.len());
        }
        f.walk_temps.push(ty);
    }

    /// `e` is an operand whose value cgen's igen takes as walk left it: a
    /// slice expression stays a call.
    fn operand(&mut self, e: &Expr) {
        if matches!(e.kind, ExprKind::SliceExpr { .. }) {
            self.f().slice_dest = Some(SliceDest::Operand);
        }
    }

    /// The map and key of `exprs` when it is one index of a map.
    fn map_index_of<'e>(&mut self, exprs: &'e [Expr]) -> Option<(&'e Expr, &'e Expr)> {
        let [Expr {
            kind: ExprKind::Index { expr, index },
            ..
        }] = exprs
        else {
            return None;
        };
        matches!(self.static_ty(expr)?.under(), Ty::Map(..)).then_some((&**expr, &**index))
    }

    /// A map index's map and key, compiled; the key and value types.
    fn map_operands(&mut self, m: &Expr, key: &Expr) -> R<(Ty, Ty)> {
        let Ty::Map(k, v) = self.expr(m)? else {
            unreachable!("a map")
        };
        self.expr_as(key, &k)?;
        Ok((*k, *v))
    }

    /// `v, ok := m[k]` or `v, ok = m[k]` (walk's OAS2MAPR): mapaccess2,
    /// which leaves the value and ok.
    fn map_index2(&mut self, m: &Expr, key: &Expr) -> R<Vec<Ty>> {
        let (key, val) = self.map_operands(m, key)?;
        // mapaccess2(hmap map[any]any, key any) (val any, pres bool)
        self.calls(argwid(
            false,
            0,
            &[PTR, key.clone()],
            &[val.clone(), Ty::Bool],
        ));
        let site = self.site("runtime.mapaccess2");
        self.emit(Ins::MapIndex {
            key,
            val: val.clone(),
            ok: true,
            site,
        });
        Ok(vec![val, Ty::Bool])
    }

    /// A map literal (sinit.c's maplit): make, then the entries whose key
    /// and value are both constants from a static array in a loop of
    /// mapassign1 (one call site; the loop's index a temporary), then the
    /// others one by one, in order.
    fn map_lit(&mut self, ty: &Ty, elems: &[(Option<Expr>, Expr)]) -> R<()> {
        let Ty::Map(k, v) = ty.under().clone() else {
            unreachable!("a map type")
        };
        self.literal_temp(ty.clone());
        self.calls(argwid(false, 0, &[PTR, PTR, PTR], &[PTR]));
        let site = self.site("runtime.makemap");
        self.emit(Ins::MakeMap {
            key: (*k).clone(),
            val: (*v).clone(),
            hint: false,
            site,
        });
        let mut entries = Vec::new();
        for (key, val) in elems {
            let Some(key) = key else {
                return err(val.pos, "missing key in map literal");
            };
            let constant = self.const_value(key).is_some() && self.const_value(val).is_some();
            entries.push((constant, key, val));
        }
        self.calls(argwid(false, 0, &[PTR, (*k).clone(), (*v).clone()], &[]));
        if entries.iter().any(|(c, ..)| *c) {
            self.f().walk_temps.push(Ty::INT);
            let site = self.site("runtime.mapassign1");
            for (_, key, val) in entries.iter().filter(|(c, ..)| *c) {
                self.map_entry(&k, &v, key, val, site)?;
            }
        }
        for (_, key, val) in entries.iter().filter(|(c, ..)| !*c) {
            let site = self.site("runtime.mapassign1");
            self.map_entry(&k, &v, key, val, site)?;
        }
        Ok(())
    }

    /// One entry of a map literal, the map on the stack (kept there).
    fn map_entry(&mut self, k: &Ty, v: &Ty, key: &Expr, val: &Expr, site: Site) -> R<()> {
        self.emit(Ins::Dup);
        // `m[k] = v` of each entry: literals in it are not the map's.
        let outer = self.f().lit_target.take();
        self.expr_as(key, k)?;
        self.expr_as(val, v)?;
        self.f().lit_target = outer;
        self.emit(Ins::MapAssign {
            key: k.clone(),
            val: v.clone(),
            ok: false,
            site,
        });
        Ok(())
    }

    /// A range over a map (range.c's TMAP): the map copied to a
    /// temporary, mapiterinit into the iterator (a temporary of
    /// sizeof(Hiter) rounded to words), the loop while hit.data is not
    /// nil, mapiter1 or mapiter2 at the top of the body, mapiternext as
    /// its post statement.
    fn range_map(
        &mut self,
        key: Option<&Expr>,
        value: Option<&Expr>,
        define: bool,
        ty: &Ty,
        body: &Block,
    ) -> R<()> {
        let Ty::Map(k, v) = ty.clone() else {
            unreachable!("a map")
        };
        let line = self.f().line;
        // 6g's Hiter: 164 bytes, 21 words.
        self.f()
            .walk_temps
            .extend([ty.clone(), Ty::Array(21, Box::new(PTR))]);
        let it = self.hidden();
        self.calls(argwid(false, 0, &[PTR, PTR], &[]));
        let site = self.site("runtime.mapiterinit");
        self.emit(Ins::MapIterInit { slot: it, site });
        let mut slots = Vec::new();
        for (e, t) in [(key, &*k), (value, &*v)] {
            slots.push(match e {
                None => None,
                Some(e) if define => match &e.kind {
                    ExprKind::Ident(n) if n == "_" => None,
                    ExprKind::Ident(n) => Some(self.declare_local(n.clone(), t.clone())),
                    _ => return err(e.pos, "non-name on left side of :="),
                },
                Some(e) => match self.place(e)? {
                    (Place::Var(slot), _) => Some(slot),
                    (Place::Blank, _) => None,
                    _ => return unsupported(e.pos, "range into an element"),
                },
            });
        }
        let top = self.here();
        self.emit(Ins::MapIterOk(it));
        let jf = self.emit(Ins::JumpIfNot(0));
        self.push_breakable(true, Vec::new());
        let val = value.is_some();
        let results: &[Ty] = if val {
            &[(*k).clone(), (*v).clone()]
        } else {
            std::slice::from_ref(&*k)
        };
        self.calls(argwid(false, 0, &[PTR], results));
        let callee = if val {
            "runtime.mapiter2"
        } else {
            "runtime.mapiter1"
        };
        let site = self.site(callee);
        self.emit(Ins::MapIter {
            slot: it,
            val,
            site,
        });
        for slot in slots[..1 + usize::from(val)].iter().rev() {
            match slot {
                Some(s) => self.emit(Ins::Store(*s)),
                None => self.emit(Ins::Pop),
            };
        }
        self.block(body)?;
        self.f().line = line;
        let post_at = self.here();
        self.calls(argwid(false, 0, &[PTR], &[]));
        let site = self.site("runtime.mapiternext");
        self.emit(Ins::MapIterNext { slot: it, site });
        self.emit(Ins::Jump(top));
        self.end_loop(Some(jf), post_at);
        Ok(())
    }

    /// An integer argument of a builtin (any integer type; an untyped
    /// constant is an int); `what` is typecheck's error otherwise.
    fn int_arg(&mut self, e: &Expr, what: &str) -> R<()> {
        if self
            .const_value(e)
            .is_some_and(|(c, _)| matches!(c, Const::Int(_)))
        {
            return self.expr_as(e, &Ty::INT);
        }
        match self.expr(e)? {
            Ty::Int { .. } => Ok(()),
            _ => err(e.pos, what),
        }
    }

    /// `append(s, v1, ..., vn)` (walk.c's append): runtime·append(typ, n,
    /// s, v1, ..., vn), a call 6g types for the count of values; with
    /// `...`, `append(s, t...)`: runtime·appendslice(typ, s, t).
    fn append(&mut self, pos: Pos, args: &[Expr], ellipsis: bool) -> R<Ty> {
        let Some(s) = args.first() else {
            return err(pos, "missing arguments to append");
        };
        let Some(st) = self.static_ty(s) else {
            return unsupported(s.pos, "append to this expression");
        };
        let Ty::Slice(elem) = st.under().clone() else {
            return err(
                s.pos,
                format!("first argument to append must be slice; have {st}"),
            );
        };
        let elem = *elem;
        if ellipsis {
            let [_, t] = args else {
                return err(pos, "wrong argument count to append");
            };
            self.reorder_temps(&[s, t], &[st.clone(), st.clone()]);
            self.expr(s)?;
            self.expr_as(t, &st)?;
            // appendslice(typ *byte, x any, y []any) any
            self.calls(argwid(
                false,
                0,
                &[PTR, st.clone(), st.clone()],
                std::slice::from_ref(&st),
            ));
            let site = self.site("runtime.appendslice");
            self.emit(Ins::AppendSlice { elem, site });
            return Ok(st);
        }
        let vals = &args[1..];
        let Ok(n) = u8::try_from(vals.len()) else {
            return unsupported(pos, "append of this many values");
        };
        let refs: Vec<&Expr> = args.iter().collect();
        let mut tys = vec![st.clone()];
        tys.extend(std::iter::repeat_n(elem.clone(), vals.len()));
        self.reorder_temps(&refs, &tys);
        self.expr(s)?;
        for v in vals {
            self.expr_as(v, &elem)?;
        }
        let mut params = vec![PTR, Ty::INT, st.clone()];
        params.extend(tys[1..].iter().cloned());
        self.calls(argwid(false, 0, &params, std::slice::from_ref(&st)));
        let site = self.site("runtime.append");
        self.emit(Ins::Append { elem, n, site });
        Ok(st)
    }

    /// `x[lo:hi]` (or `x[lo:]`) of an array variable or a slice (walk.c's
    /// OSLICEARR and OSLICE, 6g's cgen_inline). walk checks constant
    /// bounds; cgen_inline checks the others in line and branches to one
    /// CALL of runtime·panicslice, except an array sliced where the
    /// result has no address of its own, which runtime·slicearray slices.
    fn slice_expr(&mut self, pos: Pos, x: &Expr, lo: Option<&Expr>, hi: Option<&Expr>) -> R<Ty> {
        // `(*p)[lo:hi]` of a pointer to an array is `p[lo:hi]`.
        let mut inner = x;
        while let ExprKind::Paren(e) = &inner.kind {
            inner = e;
        }
        if let ExprKind::Unary { op: "*", expr: p } = &inner.kind {
            let to_array = matches!(self.static_ty(p).as_ref().map(Ty::under), Some(Ty::Ptr(t)) if matches!(t.under(), Ty::Array(..)));
            if to_array {
                return self.slice_expr(pos, p, lo, hi);
            }
        }
        let dest = self.f().slice_dest.take();
        let Some(ty) = self.static_ty(x) else {
            return unsupported(x.pos, "slice of this expression");
        };
        // A pointer to an array slices the array (typecheck's implicit
        // OSLICEARR): slicearray's `old` is the pointer itself.
        let through = matches!(ty.under(), Ty::Ptr(t) if matches!(t.under(), Ty::Array(..)));
        let (bound, elem) = match ty.under() {
            Ty::Array(n, elem) => (Some(i64::from(*n)), (**elem).clone()),
            Ty::Ptr(t) if through => match t.under() {
                Ty::Array(n, elem) => (Some(i64::from(*n)), (**elem).clone()),
                _ => unreachable!("a pointer to an array"),
            },
            Ty::Slice(elem) => (None, (**elem).clone()),
            _ => return err(pos, format!("cannot slice {ty}")),
        };
        // walk's static checks (`v > len`, not `>=`).
        let mut konst = |e: Option<&Expr>| -> R<Option<i64>> {
            let Some(e) = e else { return Ok(None) };
            let Some((Const::Int(v), _)) = self.const_value(e) else {
                return Ok(None);
            };
            if !(0..1 << 31).contains(&v) || bound.is_some_and(|n| v > i128::from(n)) {
                return err(e.pos, "slice index out of bounds");
            }
            Ok(Some(v as i64))
        };
        let (klo, khi) = (konst(lo)?.or(lo.is_none().then_some(0)), konst(hi)?);
        if let (Some(l), Some(h)) = (klo, khi) {
            if l > h {
                return err(pos, "inverted slice range");
            }
        }
        // cmpandthrow emits no check against a constant 0 on the left, or
        // between two constants.
        let emitted =
            |l: Option<i64>, r: Option<i64>| l != Some(0) && !(l.is_some() && r.is_some());
        let width = elem.size();
        let sliced = Ty::Slice(Box::new(elem.clone()));
        if let Some(n) = bound {
            let slot = if through {
                // The pointer, where walk's safeexpr leaves it (a name) or
                // in a temporary (cheapexpr of anything else).
                if !self.safeexpr(x) {
                    self.f().walk_temps.push(PTR);
                }
                self.expr(x)?;
                None
            } else {
                let ExprKind::Ident(name) = &x.kind else {
                    return unsupported(x.pos, "slice of an array expression");
                };
                let Some(Binding::Var(slot, _)) = self.lookup(name) else {
                    return unsupported(x.pos, "slice of this array");
                };
                // typecheck takes the array's address: it moves to the
                // heap; walk's safeexpr keeps the address in a temporary.
                if let Slot::Local(l) = slot {
                    self.f().escaped.insert(l);
                }
                self.f().walk_temps.push(PTR);
                Some(slot)
            };
            for b in [lo, hi].into_iter().flatten() {
                self.safe_part(b);
            }
            match lo {
                Some(l) => self.expr_as(l, &Ty::INT)?,
                None => {
                    self.emit(Ins::Const(Const::Int(0)));
                }
            }
            match hi {
                Some(h) => self.expr_as(h, &Ty::INT)?,
                None => {
                    self.emit(Ins::Const(Const::Int(i128::from(n))));
                }
            }
            let khi = khi.or(hi.is_none().then_some(n));
            let (call, check) = match dest {
                None | Some(SliceDest::Var(Slot::Captured(_)) | SliceDest::Operand) => {
                    // slicearray(old *byte, nel, lb, hb, width uint64) (ret []byte)
                    let u64t = Ty::Int {
                        bits: 64,
                        signed: false,
                    };
                    self.calls(argwid(
                        false,
                        0,
                        &[PTR, u64t.clone(), u64t.clone(), u64t.clone(), u64t],
                        std::slice::from_ref(&sliced),
                    ));
                    (Some(self.site("runtime.slicearray")), None)
                }
                Some(d) => {
                    match d {
                        SliceDest::Var(Slot::Local(l)) => self.f().sliced_into.push((l, pos)),
                        SliceDest::Pending => self.f().slice_pending = Some(SliceMade::Array(pos)),
                        _ => {}
                    }
                    let checked = emitted(khi, Some(n)) || emitted(klo, khi);
                    (None, checked.then(|| self.site("runtime.panicslice")))
                }
            };
            self.emit(Ins::SliceArray {
                slot,
                width,
                call,
                check,
            });
            return Ok(sliced);
        }
        // The old slice needs cgen_inline's temporary unless it is a
        // variable with an address; so does the result, unless it goes
        // to one. A local's address goes if it moves to the heap.
        let src = match &x.kind {
            ExprKind::Ident(n) => match self.lookup(n) {
                Some(Binding::Var(Slot::Local(l), _)) => Some(Some(l)),
                Some(Binding::Var(Slot::Global(_), _)) => Some(None),
                _ => None,
            },
            _ => None,
        };
        let operand = matches!(dest, Some(SliceDest::Operand));
        // walk's mkcall1 converts the call's []T to a named slice type:
        // cgen of the conversion then slices into a temporary.
        let named = matches!(ty, Ty::Named(_));
        let temp = match (src, dest) {
            (_, Some(SliceDest::Operand)) => None,
            _ if named => Some(None),
            (None, _) | (_, None) | (_, Some(SliceDest::Var(Slot::Captured(_)))) => Some(None),
            (Some(l), Some(d)) => {
                let mut on: Vec<u16> = l.into_iter().collect();
                if let SliceDest::Var(Slot::Local(d)) = d {
                    on.push(d);
                }
                let pending = matches!(d, SliceDest::Pending);
                (pending || !on.is_empty()).then_some(Some((on, pending)))
            }
        };
        if !self.safeexpr(x) {
            self.f().walk_temps.push(ty.clone());
        }
        for b in [lo, hi].into_iter().flatten() {
            self.safe_part(b);
        }
        self.expr(x)?;
        match lo {
            Some(l) => self.expr_as(l, &Ty::INT)?,
            None => {
                self.emit(Ins::Const(Const::Int(0)));
            }
        }
        if let Some(h) = hi {
            self.expr_as(h, &Ty::INT)?;
        }
        if let Some(cond) = temp {
            let f = self.f();
            let i = f.codegen_temps.len();
            f.codegen_temps.push(sliced.clone());
            if let Some((on, pending)) = cond {
                f.heap_temps.insert(i, on);
                if pending {
                    f.slice_pending = Some(SliceMade::Temp(i));
                }
            }
        }
        let (call, check) = if operand {
            // sliceslice(old []any, lb, hb, width uint64) (ary []any);
            // sliceslice1(old []any, lb, width uint64) (ary []any)
            let u64t = Ty::Int {
                bits: 64,
                signed: false,
            };
            let n = if hi.is_some() { 3 } else { 2 };
            let mut params = vec![sliced.clone()];
            params.extend(std::iter::repeat_n(u64t, n));
            self.calls(argwid(false, 0, &params, std::slice::from_ref(&sliced)));
            let callee = if hi.is_some() {
                "runtime.sliceslice"
            } else {
                "runtime.sliceslice1"
            };
            (Some(self.site(callee)), None)
        } else {
            let checked = match hi {
                Some(_) => emitted(khi, None) || emitted(klo, khi),
                None => emitted(klo, None),
            };
            (None, checked.then(|| self.site("runtime.panicslice")))
        };
        self.emit(Ins::SliceSlice {
            hi: hi.is_some(),
            width,
            call,
            check,
        });
        Ok(match ty.under() {
            Ty::Slice(_) => ty,
            _ => sliced,
        })
    }

    /// The variable of a `:=` a slice expression went to, now declared.
    fn slice_into(&mut self, made: SliceMade, slot: Slot) {
        let f = self.f();
        match (made, slot) {
            (SliceMade::Temp(i), Slot::Local(l)) => f
                .heap_temps
                .get_mut(&i)
                .expect("a conditional temporary")
                .push(l),
            (SliceMade::Array(pos), Slot::Local(l)) => f.sliced_into.push((l, pos)),
            _ => {}
        }
    }

    /// A local the compiler keeps for itself (never captured).
    fn hidden(&mut self) -> Slot {
        let f = self.f();
        let slot = Slot::Local(f.code.nlocals);
        f.code.nlocals += 1;
        f.local_tys.push(None);
        slot
    }

    /// A call's arguments, checked against `sig` and left on the stack;
    /// cgen_call's setmaxarg with the callee's declared argwid.
    /// Leaves the arguments (those after the first `skip` parameters,
    /// already on the stack) and returns how many values that makes: a
    /// variadic call's trailing arguments become one slice, made as a
    /// slice literal is (walk's mkdotargslice), unless `ellipsis` passes
    /// a slice as it is.
    fn args(&mut self, pos: Pos, sig: &Sig, skip: usize, args: &[Expr], ellipsis: bool) -> R<u8> {
        let params = &sig.params[skip..];
        let spread = sig.variadic && !ellipsis;
        let fixed = if spread {
            params.len() - 1
        } else {
            params.len()
        };
        if args.len() < fixed || (!spread && args.len() != fixed) || (ellipsis && !sig.variadic) {
            return err(pos, "wrong argument count");
        }
        let refs: Vec<&Expr> = args[..fixed].iter().collect();
        self.reorder_temps(&refs, params);
        for (a, t) in args.iter().zip(params).take(fixed) {
            self.expr_as(a, t)?;
        }
        if spread {
            let Some(Ty::Slice(elem)) = params.last() else {
                unreachable!("a variadic parameter is a slice")
            };
            let elem = (**elem).clone();
            let vals: Vec<Option<&Expr>> = args[fixed..].iter().map(Some).collect();
            self.slice_lit(&elem, &vals)?;
        }
        self.calls(argwid(false, 0, &sig.params, &sig.results));
        Ok((skip + params.len()) as u8)
    }

    /// A slice literal's elements, unkeyed, as slice_lit builds them.
    fn slice_composite(&mut self, elem: Ty, elems: &[(Option<Expr>, Expr)]) -> R<()> {
        let at = self.positions(elems, None)?;
        let n = at.iter().map(|&i| i + 1).max().unwrap_or(0);
        let mut vals: Vec<Option<&Expr>> = vec![None; n];
        for ((_, v), i) in elems.iter().zip(at) {
            vals[i] = Some(v);
        }
        self.slice_lit(&elem, &vals)
    }

    /// Where each element of an array or slice literal goes: after the
    /// one before, or at its constant key (`[5]int{2: 1}`); within `len`
    /// for an array.
    fn positions(&mut self, elems: &[(Option<Expr>, Expr)], len: Option<u32>) -> R<Vec<usize>> {
        let mut at = Vec::with_capacity(elems.len());
        let mut next = 0usize;
        for (key, v) in elems {
            let i = match key {
                Some(k) => match self.const_value(k) {
                    Some((Const::Int(i), _)) if i >= 0 => i as usize,
                    _ => return err(k.pos, "index must be non-negative integer constant"),
                },
                None => next,
            };
            if at.contains(&i) {
                return err(v.pos, format!("duplicate index in array literal: {i}"));
            }
            if len.is_some_and(|n| i >= n as usize) {
                return err(
                    v.pos,
                    format!("array index {i} out of bounds [0:{}]", len.unwrap_or(0)),
                );
            }
            at.push(i);
            next = i + 1;
        }
        Ok(at)
    }

    /// The length `[...]T{...}` takes from its elements.
    fn literal_len(&mut self, elems: &[(Option<Expr>, Expr)]) -> R<u32> {
        let at = self.positions(elems, None)?;
        Ok(at.iter().map(|&i| i as u32 + 1).max().unwrap_or(0))
    }

    /// An array literal of type `ty`: its elements, zeros for the rest,
    /// built in a literal temporary.
    fn array_composite(&mut self, pos: Pos, ty: &Ty, elems: &[(Option<Expr>, Expr)]) -> R<()> {
        let Ty::Array(n, elem) = ty else {
            unreachable!("an array type")
        };
        if elems.len() as u32 > *n {
            return err(pos, "array index out of bounds");
        }
        let at = self.positions(elems, Some(*n))?;
        let mut vals: Vec<Option<&Expr>> = vec![None; *n as usize];
        for ((_, v), i) in elems.iter().zip(at) {
            vals[i] = Some(v);
        }
        // Values in source order are what 6g computes; the twin builds
        // the array in index order, which only keyed literals reorder.
        for v in vals {
            match v {
                Some(v) => self.element(v, elem)?,
                None => self.zero(elem),
            }
        }
        self.literal_temp(ty.clone());
        self.emit(
            if **elem
                == (Ty::Int {
                    bits: 8,
                    signed: false,
                })
            {
                Ins::MakeBytes(*n)
            } else if matches!(**elem, Ty::Int { .. }) {
                Ins::MakeInts(*n)
            } else {
                Ins::MakeArray(*n)
            },
        );
        Ok(())
    }

    /// `[]T{v...}`: runtime·new of the backing array (at least a byte,
    /// as for a [0]T), then the values, each stored as it is made.
    fn slice_lit(&mut self, elem: &Ty, vals: &[Option<&Expr>]) -> R<()> {
        // slicelit's temporaries: the slice (unless built in place), then
        // the new array's pointer.
        let target = self.f().lit_target.take();
        if target.is_some() {
            // A plain assignment: the variable holds the slice; the
            // pointer temporary stays either way.
            self.f().walk_temps.push(Ty::Slice(Box::new(elem.clone())));
            let at = self.f().walk_temps.len() - 1;
            self.f().lit_target = Some(Some(at));
        } else {
            self.f().walk_temps.push(Ty::Slice(Box::new(elem.clone())));
        }
        let n = vals.len() as u32;
        self.f().walk_temps.push(PTR);
        self.calls(argwid(false, 0, &[Ty::INT], &[PTR]));
        let site = self.site("runtime.new");
        self.emit(Ins::SliceLit {
            n,
            size: (n * elem.size()).max(1),
            site,
        });
        for v in vals {
            match v {
                Some(v) => self.element(v, elem)?,
                None => self.zero(elem),
            }
            self.emit(Ins::SliceElem);
        }
        Ok(())
    }

    /// An element of an array, slice or struct literal: a composite one
    /// is built where it goes (sinit.c's arraylit and structlit assign
    /// each element or field in place), with no temporary of its own.
    fn element(&mut self, v: &Expr, elem: &Ty) -> R<()> {
        if !matches!(v.kind, ExprKind::Composite { .. }) {
            return self.expr_as(v, elem);
        }
        // A slice literal is another matter: assigned as a whole (pass 3
        // of structlit and arraylit), it has its temporaries. The
        // enclosing literal's own target waits meanwhile.
        let slice = matches!(elem.under(), Ty::Slice(_));
        let outer = std::mem::replace(&mut self.f().lit_target, (!slice).then_some(None));
        self.expr_as(v, elem)?;
        if let Some(Some(at)) = self.f().lit_target.take() {
            self.f().lit_temps.insert(at, None);
        }
        self.f().lit_target = outer;
        Ok(())
    }

    /// A defer statement: of a function, a function value, or
    /// print/println.
    fn defer(&mut self, call: &Expr) -> R<()> {
        let (func, args, ellipsis) = Self::stmt_call(call, "defer")?;
        let n = match &func.kind {
            ExprKind::Ident(n) if matches!(self.lookup(n), Some(Binding::Func(_))) => None,
            ExprKind::Ident(n) if self.lookup(n).is_none() => Some(n.as_str()),
            _ => None,
        };
        let Some(n) = n else {
            let (direct, sig, skip) = self.callee(func)?;
            // deferproc's own argwid is not counted.
            let nargs = self.args(call.pos, &sig, skip, args, ellipsis)?;
            self.f().code.has_defer = true;
            let site = self.site("runtime.deferproc");
            self.emit(Ins::Defer {
                func: direct,
                nargs,
                site,
            });
            return Ok(());
        };
        // walk's ODEFER of OCLOSE: deferproc of closechan(c).
        if n == "close" {
            let [c] = args else {
                return err(call.pos, "wrong argument count to close");
            };
            if !matches!(self.expr(c)?, Ty::Chan(_)) {
                return err(c.pos, "invalid operation: close of a non-channel");
            }
            self.f().code.has_defer = true;
            self.calls(argwid(false, 0, &[PTR], &[]));
            let site = self.site("runtime.deferproc");
            self.emit(Ins::DeferClose { site });
            return Ok(());
        }
        if n != "println" && n != "print" {
            return unsupported(func.pos, &format!("defer of {n}"));
        }
        // walkprint with defer set: the verbs, " " between println's
        // arguments, "\n" at its end; integers widen to int64 (%D) but
        // uint64 (%U).
        let mut format = String::new();
        let mut verbs = Vec::new();
        for (i, a) in args.iter().enumerate() {
            if i > 0 && n == "println" {
                format.push(' ');
            }
            let verb = match self.expr(a)? {
                Ty::Int {
                    bits: 64,
                    signed: false,
                } => 'U',
                Ty::Int { .. } => 'D',
                Ty::Str => 'S',
                Ty::Bool => 't',
                Ty::Chan(_) | Ty::Func(_) | Ty::Ptr(_) | Ty::Map(..) | Ty::Nil => 'p',
                Ty::Float64 => 'f',
                // walkprint converts a float32 to float64 for %f.
                Ty::Float32 => {
                    self.emit(Ins::ToFloat(Ty::Float64));
                    'f'
                }
                Ty::Complex128 => 'C',
                Ty::Complex64 => {
                    self.emit(Ins::ToComplex(Ty::Complex128));
                    'C'
                }
                Ty::Slice(_) => 'a',
                Ty::Array(..) => return err(a.pos, "illegal types for operand: print"),
                Ty::Eface | Ty::Iface(_) | Ty::ErrorString | Ty::TypeAssertionError => {
                    return unsupported(a.pos, "print of an interface")
                }
                Ty::Struct(_) => return err(a.pos, "illegal types for operand: print"),
                Ty::Named(_) => unreachable!("expr gives the underlying type"),
            };
            format.push('%');
            format.push(verb);
            verbs.push(verb);
        }
        if n == "println" {
            format.push('\n');
        }
        self.f().code.has_defer = true;
        // goprintf(fmt string, args...): ints widened to int64.
        let mut types = vec![Ty::Str];
        types.extend(verbs.iter().map(|v| match v {
            'S' => Ty::Str,
            't' => Ty::Bool,
            'f' => Ty::Float64,
            'C' => Ty::Complex128,
            'a' => Ty::Slice(Box::new(Ty::Bool)),
            _ => PTR,
        }));
        self.calls(argwid(false, 0, &types, &[]));
        let site = self.site("runtime.deferproc");
        self.emit(Ins::DeferPrint {
            format: Rc::from(format.as_str()),
            verbs,
            site,
        });
        Ok(())
    }

    /// The symbol of function `id`, known before its body compiles.
    fn funcs_name(&self, id: usize) -> String {
        self.names[id].clone()
    }

    fn sig_of(&self, id: usize) -> Rc<Sig> {
        self.sigs[id].clone()
    }

    /// A call: builtins, runtime.Gosched, functions, closures. Returns the
    /// result type (None for no result).
    fn call(&mut self, e: &Expr) -> R<Option<Ty>> {
        let ExprKind::Call {
            func,
            args,
            ellipsis,
        } = &e.kind
        else {
            unreachable!("a call")
        };
        if let ExprKind::Selector { expr, name } = &func.kind {
            if matches!(&expr.kind, ExprKind::Ident(p) if p == "runtime") && name == "Gosched" {
                let site = self.site("runtime.Gosched");
                self.emit(Ins::Gosched { site });
                return Ok(None);
            }
            if matches!(&expr.kind, ExprKind::Ident(p) if p == "runtime") && name == "GOMAXPROCS" {
                let [n] = args.as_slice() else {
                    return err(e.pos, "wrong argument count to runtime.GOMAXPROCS");
                };
                self.expr_as(n, &Ty::INT)?;
                // GOMAXPROCS(n int) (ret int)
                self.calls(argwid(false, 0, &[Ty::INT], &[Ty::INT]));
                let site = self.site("runtime.GOMAXPROCS");
                self.emit(Ins::GoMaxProcs { site });
                return Ok(Some(Ty::INT));
            }
            if let Some(Ty::Iface(it)) = self.static_ty(expr) {
                return self.method_call(e.pos, expr, &it, name, args);
            }
        }
        // A conversion to a type written out (`[]byte(s)`, `(*T)(p)`).
        let mut callee = &**func;
        while let ExprKind::Paren(inner) = &callee.kind {
            callee = inner;
        }
        if let ExprKind::TypeExpr(t) = &callee.kind {
            let to = self.ty(t, callee.pos)?;
            return self.convert(e.pos, &to, args);
        }
        if let ExprKind::Ident(n) = &func.kind {
            if n == "append" && self.lookup(n).is_none() {
                return self.append(e.pos, args, *ellipsis).map(Some);
            }
            if self.lookup(n).is_none() {
                if *ellipsis {
                    return unsupported(e.pos, "...");
                }
                return self.builtin(e.pos, n, args);
            }
        }
        let (direct, sig, skip) = self.callee(func)?;
        let nargs = self.args(e.pos, &sig, skip, args, *ellipsis)?;
        let site = match direct {
            Some(id) => {
                let name = self.funcs_name(id);
                self.site(&name)
            }
            None => self.site("*"),
        };
        self.emit(match direct {
            Some(func) => Ins::Call { func, nargs, site },
            None => Ins::CallValue { nargs, site },
        });
        Ok(sig.results.first().cloned())
    }

    /// `x.M(args)` on an interface value: the receiver is the data word,
    /// the function the itab's (`call *m(itab)`).
    fn method_call(
        &mut self,
        pos: Pos,
        x: &Expr,
        it: &IfaceTy,
        name: &str,
        args: &[Expr],
    ) -> R<Option<Ty>> {
        let methods = it.methods();
        let Some(index) = methods.iter().position(|(m, _)| m == name) else {
            return err(pos, format!("{}.{name} undefined", it.name));
        };
        let sig = methods[index].1.clone();
        self.expr(x)?;
        if args.len() != sig.params.len() {
            return err(pos, "wrong argument count");
        }
        for (a, t) in args.iter().zip(&sig.params) {
            self.expr_as(a, t)?;
        }
        let mut params = vec![PTR];
        params.extend(sig.params.iter().cloned());
        self.calls(argwid(false, 0, &params, &sig.results));
        let site = self.site("*");
        self.emit(Ins::CallMethod {
            name: Rc::from(name),
            index: index as u16,
            nargs: args.len() as u8,
            site,
        });
        Ok(sig.results.first().cloned())
    }

    /// `v, ok := x.(T)`: leaves the value and ok; their types.
    fn assert_ok(&mut self, x: &Expr, t: &Type, pos: Pos) -> R<Vec<Ty>> {
        let ty = self.ty(t, pos)?;
        let src = self.expr(x)?;
        self.assert2(pos, x, &src, &ty)?;
        Ok(vec![ty, Ty::Bool])
    }

    /// A concrete type asserted from interface `it`: typecheck refuses
    /// one that cannot implement it.
    fn asserted_from(&mut self, pos: Pos, x: &Expr, it: &Rc<IfaceTy>, ty: &Ty) -> R<()> {
        let has = declared_methods(&self.methods, ty);
        let lacks = |m: &String| !has.contains(m) && !promotes(&self.methods, ty, m);
        let sigs = &self.sigs;
        let wrong =
            |m: &String, sig: &Sig| !method_fits(&self.methods, |id| sigs[id].clone(), ty, m, sig);
        let why = it.methods().iter().find_map(|(m, sig)| {
            if lacks(m) {
                Some(format!("missing {m} method"))
            } else {
                wrong(m, sig).then(|| format!("wrong type for {m} method"))
            }
        });
        if let Some(why) = why {
            return err(
                pos,
                format!(
                    "impossible type assertion: {} cannot have dynamic type {ty} ({why})",
                    // typecheck's %+N: a name with its type, else the type.
                    match &x.kind {
                        ExprKind::Ident(n) => format!("{n} (type {})", it.name),
                        _ => it.name.clone(),
                    }
                ),
            );
        }
        Ok(())
    }

    /// The comma-ok assertion of the interface `src` (the value of `x`)
    /// on the stack to `ty`, walk's assertX2Y2: leaves the value (zero
    /// when not ok) and ok.
    fn assert2(&mut self, pos: Pos, x: &Expr, src: &Ty, ty: &Ty) -> R<()> {
        if !is_interface(src) {
            return err(pos, format!("invalid type assertion: non-interface {src}"));
        }
        self.calls(argwid(
            false,
            0,
            &[PTR, src.clone()],
            &[ty.clone(), Ty::Bool],
        ));
        if is_interface(ty) {
            self.assert_face(src, ty, true);
        } else if let Ty::Iface(it) = src {
            self.asserted_from(pos, x, it, ty)?;
            let site = self.site("runtime.assertI2T2");
            self.emit(Ins::AssertI2T2 {
                ty: ty.clone(),
                site,
            });
        } else {
            let site = self.site("runtime.assertE2T2");
            self.emit(Ins::AssertE2T2 {
                ty: ty.clone(),
                site,
            });
        }
        Ok(())
    }

    /// The assertion of the interface `src` on the stack to the interface
    /// `ty` (runtime·assertI2I, assertE2I2... as walk names them), its
    /// frame already counted.
    fn assert_face(&mut self, src: &Ty, ty: &Ty, ok: bool) {
        let (from, to) = (iface_of(src), iface_of(ty));
        let site = self.site(assert_fn(from.is_some(), to.is_some(), ok));
        self.emit(Ins::AssertFace { from, to, ok, site });
    }

    /// convT2E(typ *byte, elem T) (ret interface{}) of the value on the
    /// stack.
    fn conv_t2e(&mut self, ty: &Ty) {
        self.calls(argwid(false, 0, &[PTR, ty.clone()], &[Ty::Eface]));
        let site = self.site("runtime.convT2E");
        self.emit(Ins::ConvT2E {
            ty: ty.clone(),
            site,
        });
    }

    /// The value of type `ty` on the stack as interface `it`: typecheck.c
    /// checks the method set (implements), then runtime·convT2I.
    fn conv_t2i(&mut self, pos: Pos, ty: &Ty, it: &Rc<IfaceTy>) -> R<()> {
        let has = declared_methods(&self.methods, ty);
        let modelled = |m: &String| {
            promoted_method(&self.methods, ty, m).is_some() && promoted_wrapper(ty, m).is_some()
        };
        if let Some((m, _)) = it
            .methods()
            .iter()
            .find(|(m, _)| !has.contains(m) && !modelled(m))
        {
            if promotes(&self.methods, ty, m) {
                // Its itab entry is a wrapper genwrapper makes, calling
                // the embedded field's method: not modelled.
                return unsupported(pos, "promoted method in an interface");
            }
            return err(
                pos,
                format!(
                    "{}: {ty} does not implement {} (missing {m} method)",
                    cannot_use(ty, &Ty::Iface(it.clone())),
                    it.name
                ),
            );
        }
        let sigs = &self.sigs;
        if let Some((m, _)) = it
            .methods()
            .iter()
            .find(|(m, sig)| !method_fits(&self.methods, |id| sigs[id].clone(), ty, m, sig))
        {
            return err(
                pos,
                format!(
                    "{}: {ty} does not implement {} (wrong type for {m} method)",
                    cannot_use(ty, &Ty::Iface(it.clone())),
                    it.name
                ),
            );
        }
        self.calls(argwid(
            false,
            0,
            &[PTR, PTR, ty.clone()],
            &[Ty::Iface(it.clone())],
        ));
        let site = self.site("runtime.convT2I");
        self.emit(Ins::ConvT2I {
            ty: ty.clone(),
            iface: it.clone(),
            site,
        });
        Ok(())
    }

    /// A type switch, as swt.c's typeswitch lowers it: the operand in a
    /// temporary, efacethash of it, then each case in source order: `nil`
    /// inline, a concrete type by its hash (inline) and assertE2T2, an
    /// interface by assertE2I2; the first that holds binds its value and
    /// runs its body; else default.
    fn type_switch(&mut self, bind: Option<&String>, x: &Expr, cases: &[TypeClause]) -> R<()> {
        self.f().scopes.push(HashMap::new());
        let src = self.expr(x)?;
        let inter = match &src {
            Ty::Eface => None,
            Ty::Iface(it) => Some(it.clone()),
            _ => return err(x.pos, format!("cannot type switch on non-interface {src}")),
        };
        // facename, boolname, hashname
        self.f().walk_temps.extend([
            src.clone(),
            Ty::Bool,
            Ty::Int {
                bits: 32,
                signed: false,
            },
        ]);
        let face = self.hidden();
        self.emit(Ins::Store(face));
        self.emit(Ins::Load(face));
        self.calls(argwid(false, 0, std::slice::from_ref(&src), &[Ty::INT]));
        // typeswitch builds the hash call and every case's test after
        // casebody: all on its line.
        self.f().line = casebody_line(self.f().line, cases.iter().map(|c| c.pos.line));
        if inter.is_some() {
            let site = self.site("runtime.ifacethash");
            self.emit(Ins::IfaceHash { site });
        } else {
            let site = self.site("runtime.efacethash");
            self.emit(Ins::EfaceHash { site });
        }
        let mut to_body = vec![Vec::new(); cases.len()];
        let mut default = None;
        for (i, c) in cases.iter().enumerate() {
            if c.default {
                default = Some(i);
                continue;
            }
            for t in &c.types {
                let Some(t) = t else {
                    // case nil: facename == nil, inline.
                    self.emit(Ins::Load(face));
                    self.emit(Ins::Const(Const::Nil));
                    self.emit(Ins::Bin(BinOp::Eq, Ty::Eface));
                    let skip = self.emit(Ins::JumpIfNot(0));
                    to_body[i].push((self.emit(Ins::Jump(0)), None));
                    let next = self.here();
                    self.patch(skip, next);
                    continue;
                };
                let ty = self.ty(t, c.pos)?;
                let mut skip_hash = None;
                if !is_interface(&ty) {
                    self.emit(Ins::Load(face));
                    self.emit(Ins::TypeIs(ty.clone()));
                    skip_hash = Some(self.emit(Ins::JumpIfNot(0)));
                }
                self.emit(Ins::Load(face));
                self.assert2(c.pos, x, &src, &ty)?;
                let not_ok = self.emit(Ins::JumpIfNot(0));
                if c.types.len() == 1 {
                    to_body[i].push((self.emit(Ins::Jump(0)), Some(ty)));
                } else {
                    // A case of several types binds the operand itself.
                    self.emit(Ins::Pop);
                    to_body[i].push((self.emit(Ins::Jump(0)), None));
                }
                // Not this type: drop the value.
                let at = self.here();
                self.patch(not_ok, at);
                self.emit(Ins::Pop);
                let next = self.here();
                if let Some(j) = skip_hash {
                    self.patch(j, next);
                }
            }
        }
        let to_default = self.emit(Ins::Jump(0));
        self.push_breakable(false, Vec::new());
        let mut ends = Vec::new();
        for (i, c) in cases.iter().enumerate() {
            let start = self.here();
            self.f().scopes.push(HashMap::new());
            // The bound variable: the case's type when it names just one,
            // else the operand's.
            let single = match c.types.as_slice() {
                [Some(t)] => Some(self.ty(t, c.pos)?),
                _ => None,
            };
            let mut with_value = Vec::new();
            for (j, ty) in std::mem::take(&mut to_body[i]) {
                self.patch(j, start);
                with_value.push(ty);
            }
            if default == Some(i) {
                self.patch(to_default, start);
            }
            // A jump from a type's test leaves the asserted value on the
            // stack; one from nil or default, nothing.
            let valued = !with_value.is_empty() && with_value.iter().all(Option::is_some);
            match (&single, valued) {
                (Some(ty), true) => match bind {
                    Some(n) if n != "_" => {
                        let slot = self.declare_local(n.clone(), ty.clone());
                        self.emit(Ins::Store(slot));
                    }
                    _ => {
                        self.emit(Ins::Pop);
                    }
                },
                _ if with_value.iter().any(Option::is_some) => {
                    return unsupported(c.pos, "case of several types");
                }
                _ => {
                    if let Some(n) = bind.filter(|n| *n != "_") {
                        let slot = self.declare_local(n.clone(), src.clone());
                        self.emit(Ins::Load(face));
                        self.emit(Ins::Store(slot));
                    }
                }
            }
            if let Some(last) = c.body.last().filter(|l| l.kind == StmtKind::Fallthrough) {
                return err(last.pos, "cannot fallthrough in type switch");
            }
            self.block(&c.body)?;
            self.f().scopes.pop();
            ends.push(self.emit(Ins::Jump(0)));
        }
        let end = self.here();
        if default.is_none() {
            self.patch(to_default, end);
        }
        for j in ends {
            self.patch(j, end);
        }
        let breaks = self.f().loops.pop().expect("pushed").breaks;
        for b in breaks {
            self.patch(b, end);
        }
        self.f().scopes.pop();
        Ok(())
    }

    /// A conversion `T(x)`: between integer widths (x + 0 wrapped to the
    /// new one), integer and float64 (CVTSQ2SD, or CVTTSD2SQ toward zero),
    /// or to a type of the same underlying type (no code).
    fn convert(&mut self, pos: Pos, to: &Ty, args: &[Expr]) -> R<Option<Ty>> {
        let [arg] = args else {
            return unsupported(pos, &format!("conversion to {to} of this value"));
        };
        // `I(v)`, `(chan int)(nil)`: the conversion an assignment makes.
        let mut inner = arg;
        while let ExprKind::Paren(x) = &inner.kind {
            inner = x;
        }
        let nil = matches!(&inner.kind, ExprKind::Ident(n) if n == "nil");
        if is_interface(to) || nil {
            self.expr_as(arg, to)?;
            return Ok(Some(to.clone()));
        }
        // typecheck's stringtoarraylit: `[]byte("...")` of a constant is
        // the literal `[]byte{0: 'h', 1: 'i'...}`, `[]int("...")` that of
        // its runes.
        if let (Some((Const::Str(text), _)), Ty::Slice(e)) = (self.const_value(arg), to.under()) {
            let units: Option<Vec<u64>> = match **e {
                BYTE => Some(text.bytes().map(u64::from).collect()),
                Ty::INT => Some(text.chars().map(|c| u64::from(u32::from(c))).collect()),
                _ => None,
            };
            if let Some(units) = units {
                let int = |n: u64| Expr {
                    pos: arg.pos,
                    kind: ExprKind::Int(n),
                };
                let elems: Vec<(Option<Expr>, Expr)> = units
                    .into_iter()
                    .enumerate()
                    .map(|(i, u)| (Some(int(i as u64)), int(u)))
                    .collect();
                self.elided_lit(pos, to, &elems)?;
                return Ok(Some(to.clone()));
            }
        }
        if let (Some((Const::Int(v), _)), Ty::Int { .. }) = (self.const_value(arg), to.under()) {
            if !to.holds(v) {
                return err(pos, format!("constant {v} overflows {to}"));
            }
        }
        if *to.under() == Ty::Str {
            return self.convert_to_string(pos, to, arg);
        }
        let from = self.expr(arg)?;
        match (&from, to.under()) {
            (Ty::Int { .. }, Ty::Int { .. }) => {
                self.emit(Ins::Const(Const::Int(0)));
                self.emit(Ins::Bin(BinOp::Add, to.under().clone()));
            }
            // A uint64's top bit is a value bit: 6g converts it halved
            // and doubles the result, rounding as an exact conversion.
            (
                Ty::Int {
                    bits: 64,
                    signed: false,
                },
                Ty::Float64 | Ty::Float32,
            ) => {
                self.emit(Ins::Uint64ToFloat(to.under().clone()));
            }
            (Ty::Float64 | Ty::Float32, Ty::Int { .. }) => {
                self.emit(Ins::FloatToInt(to.under().clone()));
            }
            (Ty::Int { .. } | Ty::Float64 | Ty::Float32, Ty::Float64 | Ty::Float32) => {
                self.emit(Ins::ToFloat(to.under().clone()));
            }
            (Ty::Complex128 | Ty::Complex64, Ty::Complex128 | Ty::Complex64) => {
                // complexgen: a conversion between the two of a value that
                // is not a variable goes through a temporary.
                if from != *to.under() && !self.addable(arg) {
                    self.f().codegen_temps.push(from.clone());
                }
                self.emit(Ins::ToComplex(to.under().clone()));
            }
            (Ty::Str, Ty::Slice(e)) if **e == BYTE => {
                // walk.c's OSTRARRAYBYTE: stringtoslicebyte(s).
                self.calls(argwid(false, 0, &[Ty::Str], &[to.under().clone()]));
                let site = self.site("runtime.stringtoslicebyte");
                self.emit(Ins::StringToBytes { site });
            }
            (Ty::Str, Ty::Slice(e)) if **e == Ty::INT => {
                // OSTRARRAYRUNE: stringtosliceint(s).
                self.calls(argwid(false, 0, &[Ty::Str], &[to.under().clone()]));
                let site = self.site("runtime.stringtosliceint");
                self.emit(Ins::StringToInts { site });
            }
            (a, b) if a == b => {}
            _ => return unsupported(pos, &format!("conversion to {to} of this value")),
        }
        Ok(Some(to.clone()))
    }

    /// A conversion to a string type: of a string (no code), of a []byte
    /// (walk.c's OARRAYBYTESTR: slicebytetostring(b)) or a []int, of an integer
    /// (ORUNESTR: intstring(int64(v)); a constant one is folded, see
    /// const_value).
    fn convert_to_string(&mut self, pos: Pos, to: &Ty, arg: &Expr) -> R<Option<Ty>> {
        let from = self.expr_typed(arg)?;
        match from.under() {
            Ty::Str => {}
            Ty::Slice(e) if **e == BYTE => {
                self.calls(argwid(false, 0, &[Ty::Slice(Box::new(BYTE))], &[Ty::Str]));
                let site = self.site("runtime.slicebytetostring");
                self.emit(Ins::SliceToString { site });
            }
            // OARRAYRUNESTR: sliceinttostring(r).
            Ty::Slice(e) if **e == Ty::INT => {
                self.calls(argwid(
                    false,
                    0,
                    &[Ty::Slice(Box::new(Ty::INT))],
                    &[Ty::Str],
                ));
                let site = self.site("runtime.sliceinttostring");
                self.emit(Ins::IntsToString { site });
            }
            Ty::Int { .. } => {
                let i64_ty = Ty::Int {
                    bits: 64,
                    signed: true,
                };
                self.calls(argwid(false, 0, &[i64_ty], &[Ty::Str]));
                let site = self.site("runtime.intstring");
                self.emit(Ins::IntString { site });
            }
            _ => return unsupported(pos, &format!("conversion to {to} of this value")),
        }
        Ok(Some(to.clone()))
    }

    /// len or cap of `p`, a pointer to the array `arr` (its code from
    /// `at` on): walk's implicitstar and safeexpr of `*p`, then the bound,
    /// a constant; `p` is computed only for what its calls do, and never
    /// read through (a nil one gives the bound too).
    fn array_ptr_bound(&mut self, at: usize, p: &Expr, arr: &Ty) {
        let Ty::Array(n, _) = arr else {
            unreachable!("an array type")
        };
        if self.has_call(p) {
            self.emit(Ins::Pop);
        } else {
            self.truncate(at);
        }
        self.emit(Ins::Const(Const::Int(i128::from(*n))));
    }

    fn builtin(&mut self, pos: Pos, name: &str, args: &[Expr]) -> R<Option<Ty>> {
        match name {
            "println" | "print" => {
                let ln = name == "println";
                for (i, a) in args.iter().enumerate() {
                    if ln && i > 0 {
                        let site = self.site("runtime.printsp");
                        self.emit(Ins::Print {
                            kind: PrintKind::Sp,
                            site,
                        });
                    }
                    // walkprint's defaultlit: an untyped integer constant
                    // is an int64.
                    if let Some((Const::Int(v), Ty::INT)) = self.const_value(a) {
                        let int64 = Ty::Int {
                            bits: 64,
                            signed: true,
                        };
                        if !int64.holds(v) {
                            return err(a.pos, format!("constant {v} overflows int64"));
                        }
                    }
                    let ty = self.expr(a)?;
                    let (kind, callee) = match ty {
                        // walkprint: printuint for a uint64 only, every
                        // other integer widened to int64 for printint.
                        Ty::Int {
                            bits: 64,
                            signed: false,
                        } => (PrintKind::Uint, "runtime.printuint"),
                        Ty::Int { .. } => (PrintKind::Int, "runtime.printint"),
                        Ty::Bool => (PrintKind::Bool, "runtime.printbool"),
                        Ty::Float64 => (PrintKind::Float, "runtime.printfloat"),
                        // printfloat's argument: the float32 widened.
                        Ty::Float32 => {
                            self.emit(Ins::ToFloat(Ty::Float64));
                            (PrintKind::Float, "runtime.printfloat")
                        }
                        Ty::Complex128 => (PrintKind::Complex, "runtime.printcomplex"),
                        // printcomplex's argument: the complex64 widened.
                        Ty::Complex64 => {
                            self.emit(Ins::ToComplex(Ty::Complex128));
                            (PrintKind::Complex, "runtime.printcomplex")
                        }
                        Ty::Str => (PrintKind::Str, "runtime.printstring"),
                        Ty::Chan(_) | Ty::Func(_) | Ty::Ptr(_) | Ty::Map(..) | Ty::Nil => {
                            (PrintKind::Pointer, "runtime.printpointer")
                        }
                        Ty::Slice(_) => (PrintKind::Slice, "runtime.printslice"),
                        Ty::Array(..) => return err(a.pos, "illegal types for operand: print"),
                        Ty::Eface | Ty::Iface(_) | Ty::ErrorString | Ty::TypeAssertionError => {
                            return unsupported(a.pos, "print of an interface")
                        }
                        Ty::Struct(_) => return err(a.pos, "illegal types for operand: print"),
                        Ty::Named(_) => unreachable!("expr gives the underlying type"),
                    };
                    self.calls(match kind {
                        PrintKind::Str | PrintKind::Slice | PrintKind::Complex => 16,
                        _ => 8,
                    });
                    let site = self.site(callee);
                    self.emit(Ins::Print { kind, site });
                }
                if ln {
                    let site = self.site("runtime.printnl");
                    self.emit(Ins::Print {
                        kind: PrintKind::Nl,
                        site,
                    });
                }
                Ok(None)
            }
            "make" => {
                let made = match args.first().map(|a| &a.kind) {
                    Some(ExprKind::TypeExpr(t)) => Some(self.ty(t, args[0].pos)?),
                    Some(ExprKind::Ident(n)) if self.types.contains_key(n) => {
                        Some(self.types[n].clone())
                    }
                    _ => None,
                };
                if let Some(st) = made.clone().filter(|t| matches!(t.under(), Ty::Slice(_))) {
                    let Ty::Slice(elem) = st.under().clone() else {
                        unreachable!("a slice type")
                    };
                    let (len, cap) = match args {
                        [_, len] => (len, None),
                        [_, len, cap] => (len, Some(cap)),
                        [_] => return err(pos, format!("missing len argument to make({st})")),
                        _ => return err(pos, "too many arguments to make"),
                    };
                    // walk: with no cap, len is both (safeexpr'd once).
                    if cap.is_none() {
                        self.safe_part(len);
                    }
                    self.int_arg(len, &format!("non-integer len argument to make({st})"))?;
                    if let Some(cap) = cap {
                        self.int_arg(cap, &format!("non-integer cap argument to make({st})"))?;
                    }
                    // makeslice(typ *byte, nel, cap int64) (ary []any)
                    self.calls(argwid(
                        false,
                        0,
                        &[PTR, PTR, PTR],
                        &[Ty::Slice(Box::new(PTR))],
                    ));
                    let site = self.site("runtime.makeslice");
                    self.emit(Ins::MakeSlice {
                        elem: *elem,
                        cap: cap.is_some(),
                        site,
                    });
                    return Ok(Some(st));
                }
                if let Some(mt) = made.clone().filter(|t| matches!(t.under(), Ty::Map(..))) {
                    let Ty::Map(k, v) = mt.under().clone() else {
                        unreachable!("a map type")
                    };
                    let hint = match args {
                        [_] => false,
                        [_, h] => {
                            self.int_arg(h, &format!("non-integer size argument to make({mt})"))?;
                            true
                        }
                        _ => return err(pos, "too many arguments to make"),
                    };
                    // makemap(key, val *byte, hint int64) (hmap map[any]any)
                    self.calls(argwid(false, 0, &[PTR, PTR, PTR], &[PTR]));
                    let site = self.site("runtime.makemap");
                    self.emit(Ins::MakeMap {
                        key: *k,
                        val: *v,
                        hint,
                        site,
                    });
                    return Ok(Some(mt));
                }
                let Some(ct) = made.filter(|t| matches!(t.under(), Ty::Chan(..))) else {
                    return unsupported(pos, "make of this type");
                };
                let Ty::Chan(elem) = ct.under().clone() else {
                    unreachable!("a channel type")
                };
                let elem = *elem;
                let hint = args.len() == 2;
                if hint {
                    self.expr_as(&args[1], &Ty::INT)?;
                }
                // makechan(elem *byte, hint int64) (hchan chan any)
                self.calls(argwid(false, 0, &[PTR, PTR], &[PTR]));
                let site = self.site("runtime.makechan");
                self.emit(Ins::MakeChan { hint, elem, site });
                Ok(Some(ct))
            }
            "copy" => {
                let [to, fm] = args else {
                    return err(pos, "wrong argument count to copy");
                };
                let tt = self.static_ty(to);
                let ft = self.static_ty(fm);
                let Some(Ty::Slice(elem)) = tt.as_ref().map(Ty::under) else {
                    return err(pos, "arguments to copy must be slices");
                };
                let elem = (**elem).clone();
                let string = ft.as_ref().is_some_and(|t| *t.under() == Ty::Str);
                if string && elem != BYTE {
                    return err(pos, "arguments to copy have different element types");
                }
                if !string && ft.as_ref().map(Ty::under) != Some(&Ty::Slice(Box::new(elem.clone())))
                {
                    return err(pos, "arguments to copy have different element types");
                }
                let (tt, ft) = (tt.expect("a slice"), ft.expect("a slice or string"));
                self.reorder_temps(&[to, fm], &[tt.clone(), ft.clone()]);
                self.expr(to)?;
                self.expr(fm)?;
                // slicecopy(to any, fr any, wid uint32) int;
                // slicestringcopy(to any, fr any) int
                let (params, callee): (Vec<Ty>, _) = if string {
                    (vec![tt, Ty::Str], "runtime.slicestringcopy")
                } else {
                    (vec![tt, ft, PTR], "runtime.slicecopy")
                };
                self.calls(argwid(false, 0, &params, &[Ty::INT]));
                let site = self.site(callee);
                self.emit(Ins::Copy {
                    width: elem.size(),
                    string,
                    site,
                });
                Ok(Some(Ty::INT))
            }
            "close" => {
                self.expr(&args[0])?;
                self.calls(argwid(false, 0, &[PTR], &[]));
                let site = self.site("runtime.closechan");
                self.emit(Ins::Close { site });
                Ok(None)
            }
            "closed" => {
                self.expr(&args[0])?;
                // closedchan(hchan) (closed bool)
                self.calls(argwid(false, 0, &[PTR], &[Ty::Bool]));
                let site = self.site("runtime.closedchan");
                self.emit(Ins::Closed { site });
                Ok(Some(Ty::Bool))
            }
            "len" => {
                let at = self.here();
                self.operand(&args[0]);
                match self.expr(&args[0])? {
                    // An array's length is a constant, as in 6g; a plain
                    // variable need not even be loaded.
                    Ty::Array(n, _) if matches!(args[0].kind, ExprKind::Ident(_)) => {
                        self.truncate(at);
                        self.emit(Ins::Const(Const::Int(i128::from(n))));
                    }
                    Ty::Ptr(t) if matches!(t.under(), Ty::Array(..)) => {
                        self.array_ptr_bound(at, &args[0], t.under());
                    }
                    // A map's count is its Hmap's first word, read in line.
                    Ty::Chan(_) | Ty::Str | Ty::Array(..) | Ty::Slice(_) | Ty::Map(..) => {
                        self.emit(Ins::Len);
                    }
                    _ => return unsupported(pos, "len of this type"),
                }
                Ok(Some(Ty::INT))
            }
            "cap" => {
                let at = self.here();
                self.operand(&args[0]);
                match self.expr(&args[0])? {
                    Ty::Ptr(t) if matches!(t.under(), Ty::Array(..)) => {
                        self.array_ptr_bound(at, &args[0], t.under());
                    }
                    Ty::Chan(_) | Ty::Array(..) | Ty::Slice(_) => {
                        self.emit(Ins::Cap);
                    }
                    _ => return unsupported(pos, "cap of this type"),
                }
                Ok(Some(Ty::INT))
            }
            "string" if self.lookup("string").is_none() => self.convert(pos, &Ty::Str, args),
            n if float_type(n).is_some() && self.lookup(name).is_none() => {
                let to = float_type(n).expect("matched");
                self.convert(pos, &to, args)
            }
            "complex" => {
                let [re, im] = args else {
                    return err(pos, "wrong argument count to complex");
                };
                // typecheck: both parts of one float type (an untyped
                // constant takes the other's), float32 making a complex64.
                let mut part = Ty::Float64;
                for x in [re, im] {
                    if self.const_value(x).is_none() {
                        match self.static_ty(x) {
                            Some(t) if t.is_float() => part = t.under().clone(),
                            Some(t) => {
                                return err(
                                    x.pos,
                                    format!("invalid operation: complex of type {t}"),
                                )
                            }
                            None => return unsupported(x.pos, "complex of this operand"),
                        }
                    }
                }
                self.expr_as(re, &part)?;
                self.expr_as(im, &part)?;
                let t = if part == Ty::Float32 {
                    Ty::Complex64
                } else {
                    Ty::Complex128
                };
                // complexgen's OCOMPLEX: the real part waits in a temporary.
                self.f().codegen_temps.push(part);
                self.emit(Ins::Complex(t.clone()));
                Ok(Some(t))
            }
            "real" | "imag" => {
                let [c] = args else {
                    return err(pos, format!("wrong argument count to {name}"));
                };
                let t = self.expr(c)?;
                if !t.is_complex() {
                    return err(c.pos, format!("invalid argument: {name} of type {t}"));
                }
                // complexgen's OREAL and OIMAG: a value that is not a
                // variable is computed into a temporary first.
                if !self.addable(c) {
                    self.f().codegen_temps.push(t.clone());
                }
                self.emit(Ins::Part {
                    imag: name == "imag",
                });
                Ok(Some(t.part()))
            }
            _ if INTS.iter().any(|(i, ..)| *i == name) && self.lookup(name).is_none() => {
                let to = self.ty(&Type::Name(name.into(), pos), pos)?;
                self.convert(pos, &to, args)
            }
            _ if self.types.contains_key(name) && self.lookup(name).is_none() => {
                let to = self.types[name].clone();
                self.convert(pos, &to, args)
            }
            "panic" => {
                if args.len() != 1 {
                    return err(pos, "wrong argument count to panic");
                }
                // convT2E(typ *byte, elem T) (ret interface{}), then
                // panic(interface{}).
                self.expr_as(&args[0], &Ty::Eface)?;
                self.calls(argwid(false, 0, &[Ty::Eface], &[]));
                let site = self.site("runtime.panic");
                self.emit(Ins::Panic { site });
                Ok(None)
            }
            "recover" => {
                if !args.is_empty() {
                    return err(pos, "too many arguments to recover");
                }
                // recover(argp) (ret interface{})
                self.calls(argwid(false, 0, &[PTR], &[Ty::Eface]));
                let site = self.site("runtime.recover");
                self.emit(Ins::Recover { site });
                Ok(Some(Ty::Eface))
            }
            "new" => {
                // runtime·new of a zeroed T.
                let ty = match args {
                    [Expr {
                        kind: ExprKind::TypeExpr(t),
                        pos,
                    }] => self.ty(t, *pos)?,
                    [Expr {
                        kind: ExprKind::Ident(n),
                        pos,
                    }] => self.ty(&Type::Name(n.clone(), *pos), *pos)?,
                    _ => return err(pos, "new needs one type argument"),
                };
                self.zero(&ty);
                self.calls(argwid(false, 0, &[Ty::INT], &[PTR]));
                let site = self.site("runtime.new");
                self.emit(Ins::NewPtr {
                    size: ty.size(),
                    site,
                });
                Ok(Some(Ty::Ptr(Box::new(ty))))
            }
            "append" => unsupported(pos, name),
            other => err(pos, format!("undefined: {other}")),
        }
    }
}

/// The element type a receive clause yields (compiled again for its type
/// only: the operands are already on the stack).
/// Whether a value of type `got` may be stored where `want` is (the
/// twin does not track untyped constants, so any integer goes to any
/// integer type).
fn assignable(got: &Ty, want: &Ty) -> bool {
    got == want
        || (matches!(got.under(), Ty::Int { .. }) && matches!(want.under(), Ty::Int { .. }))
        || *got == Ty::Nil
        || convnop(got, want)
}

/// assignop's OCONVNOP: one of the types unnamed, their underlying types
/// identical, so the value is used as it is (a declared struct's or
/// interface's underlying type is the struct or interface type of its
/// body).
fn convnop(got: &Ty, want: &Ty) -> bool {
    let unnamed = |t: &Ty| match t {
        Ty::Named(_) => false,
        Ty::Struct(st) => st.is_unnamed(),
        Ty::Iface(it) => it.is_unnamed(),
        _ => true,
    };
    let same_body = match (got.under(), want.under()) {
        (Ty::Struct(a), Ty::Struct(b)) => a.fields() == b.fields() && a.embedded() == b.embedded(),
        (Ty::Iface(a), Ty::Iface(b)) => a.methods() == b.methods(),
        (a, b) => a == b,
    };
    (unnamed(got) || unnamed(want)) && same_body
}

/// const.c's evconst for a binary operator on two constants: integers
/// in Mpint's width, floats in float64 (6g folds them in its
/// multiprecision floats: the same for short literals, not in general),
/// strings concatenated and compared, booleans combined. The result takes
/// a typed operand's type; a comparison is a bool.
/// The predeclared float or complex type named `n`.
fn float_type(n: &str) -> Option<Ty> {
    Some(match n {
        "float64" => Ty::Float64,
        "float32" => Ty::Float32,
        "complex128" => Ty::Complex128,
        "complex64" => Ty::Complex64,
        _ => return None,
    })
}

/// The numeric constant `c` as a constant of the complex type `to`
/// (const.c's tocplx, then convconst: a complex64's parts hold float32
/// values).
fn complex_const(to: &Ty, c: Const) -> Option<Const> {
    let (r, i) = match c {
        Const::Int(n) => (n as f64, 0.0),
        Const::Float(f) => (f, 0.0),
        Const::Complex(r, i) => (r, i),
        _ => return None,
    };
    Some(if *to.under() == Ty::Complex64 {
        Const::Complex(f64::from(r as f32), f64::from(i as f32))
    } else {
        Const::Complex(r, i)
    })
}

fn fold(op: &str, a: Const, t: Ty, b: Const, u: Ty) -> Option<(Const, Ty)> {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let compare = |o: std::cmp::Ordering| -> Option<Const> {
        Some(Const::Bool(match op {
            "==" => o == Equal,
            "!=" => o != Equal,
            "<" => o == Less,
            "<=" => o != Greater,
            ">" => o == Greater,
            ">=" => o != Less,
            _ => return None,
        }))
    };
    let is_cmp = matches!(op, "==" | "!=" | "<" | "<=" | ">" | ">=");
    match (a, b) {
        (Const::Str(x), Const::Str(y)) if op == "+" => {
            Some((Const::Str(Rc::from(format!("{x}{y}").as_str())), t))
        }
        (Const::Str(x), Const::Str(y)) => {
            Some((compare(x.as_bytes().cmp(y.as_bytes()))?, Ty::Bool))
        }
        (Const::Bool(x), Const::Bool(y)) => {
            let v = match op {
                "&&" => x && y,
                "||" => x || y,
                "==" => x == y,
                "!=" => x != y,
                _ => return None,
            };
            Some((Const::Bool(v), Ty::Bool))
        }
        (Const::Int(x), Const::Int(y)) if is_cmp => Some((compare(x.cmp(&y))?, Ty::Bool)),
        (Const::Int(x), Const::Int(y)) => {
            let v = match op {
                "+" => x.checked_add(y)?,
                "-" => x.checked_sub(y)?,
                "*" => x.checked_mul(y)?,
                "/" => x.checked_div(y)?,
                "%" => x.checked_rem(y)?,
                "&" => x & y,
                "|" => x | y,
                "^" => x ^ y,
                "&^" => x & !y,
                "<<" if (0..128).contains(&y) => {
                    let v = x.checked_shl(y as u32)?;
                    (v >> y == x).then_some(v)?
                }
                ">>" if y >= 0 => x >> y.min(127),
                _ => return None,
            };
            // A shift's type is its left operand's; else a typed
            // operand's.
            let ty = if t == Ty::INT && !matches!(op, "<<" | ">>") {
                u
            } else {
                t
            };
            Some((Const::Int(v), ty))
        }
        (x @ (Const::Int(_) | Const::Float(_)), y @ (Const::Int(_) | Const::Float(_))) => {
            let float = |c: Const| match c {
                Const::Int(n) => n as f64,
                Const::Float(f) => f,
                _ => unreachable!("matched as a number"),
            };
            let (x, y) = (float(x), float(y));
            if is_cmp {
                return Some((compare(x.partial_cmp(&y)?)?, Ty::Bool));
            }
            let v = match op {
                "+" => x + y,
                "-" => x - y,
                "*" => x * y,
                "/" if y != 0.0 => x / y,
                _ => return None,
            };
            // An untyped constant (int, or a float held as float64) takes
            // the other operand's type; a float32's result is one.
            let ty = match (t.is_float(), u.is_float()) {
                (true, true) if t == Ty::Float64 => u,
                (true, _) => t,
                _ => u,
            };
            let v = if *ty.under() == Ty::Float32 {
                f64::from(v as f32)
            } else {
                v
            };
            Some((Const::Float(v), ty))
        }
        (x @ (Const::Int(_) | Const::Float(_) | Const::Complex(..)), y) => {
            let parts = |c: Const| match complex_const(&Ty::Complex128, c)? {
                Const::Complex(r, i) => Some((r, i)),
                _ => unreachable!("complex_const makes a complex constant"),
            };
            let ((a, b), (c, d)) = (parts(x)?, parts(y)?);
            let v = match op {
                "==" => return Some((Const::Bool(a == c && b == d), Ty::Bool)),
                "!=" => return Some((Const::Bool(a != c || b != d), Ty::Bool)),
                "+" => (a + c, b + d),
                "-" => (a - c, b - d),
                // const.c's cmplxmpy and cmplxdiv.
                "*" => (a * c - b * d, b * c + a * d),
                "/" if c != 0.0 || d != 0.0 => {
                    let den = c * c + d * d;
                    ((a * c + b * d) / den, (b * c - a * d) / den)
                }
                _ => return None,
            };
            // The typed complex operand's type, else the untyped one's.
            let ty = match (t.is_complex(), u.is_complex()) {
                (true, true) if t == Ty::Complex128 => u,
                (true, _) => t,
                (false, true) => u,
                (false, false) => unreachable!("one is complex"),
            };
            Some((complex_const(&ty, Const::Complex(v.0, v.1))?, ty))
        }
        _ => None,
    }
}

/// typecheck.c's message for a value of the wrong type.
fn cannot_use(got: &Ty, want: &Ty) -> String {
    format!("cannot use value of type {got} as type {want}")
}

fn kinds_elem(comm: &Comm, c: &mut Compiler) -> R<Option<Ty>> {
    let Comm::Recv { chan, .. } = comm else {
        return Ok(None);
    };
    let at = c.here();
    let ty = c.expr(chan)?;
    c.truncate(at);
    Ok(match ty {
        Ty::Chan(elem) => Some(*elem),
        _ => None,
    })
}

/// One type per spelling of a written-out body: the type of that name
/// made before, else `made`, declared (for the type data) the first time.
fn interned<T>(
    by_name: &mut HashMap<String, Rc<T>>,
    declared: &mut Declared,
    name: String,
    made: T,
    ty: impl Fn(Rc<T>) -> Ty,
) -> Ty {
    if let Some(t) = by_name.get(&name) {
        return ty(t.clone());
    }
    let t = Rc::new(made);
    declared.add(&ty(t.clone()));
    by_name.insert(name, t.clone());
    ty(t)
}

/// Put a function literal's `n` captured cells in front of its locals.
fn shift_locals(code: &mut Code, n: u16) {
    let fix = |slot: &mut Slot| {
        *slot = match *slot {
            Slot::Local(i) => Slot::Local(i + n),
            Slot::Captured(i) => Slot::Local(i),
            global => global,
        }
    };
    for ins in &mut code.ins {
        match ins {
            Ins::Load(slot)
            | Ins::Store(slot)
            | Ins::LoadElem(slot)
            | Ins::StoreIndex(slot)
            | Ins::StoreField(slot, _)
            | Ins::New { slot, .. }
            | Ins::SliceArray {
                slot: Some(slot), ..
            }
            | Ins::MapIterInit { slot, .. }
            | Ins::MapIterOk(slot)
            | Ins::MapIter { slot, .. }
            | Ins::MapIterNext { slot, .. }
            | Ins::AddrOf(slot)
            | Ins::LoadPath {
                root: Some(slot), ..
            }
            | Ins::StorePath {
                root: Some(slot), ..
            }
            | Ins::AddrPath {
                root: Some(slot), ..
            } => fix(slot),
            Ins::Closure { captures, .. } => captures.iter_mut().for_each(fix),
            _ => {}
        }
    }
}

/// swt.c's exprcmp for two constants of one switch: by value (strings by
/// bytes, as cmpslit compares them).
fn const_order(a: &Const, b: &Const) -> std::cmp::Ordering {
    match (a, b) {
        (Const::Int(x), Const::Int(y)) => x.cmp(y),
        (Const::Float(x), Const::Float(y)) => x.total_cmp(y),
        (Const::Str(x), Const::Str(y)) => x.as_bytes().cmp(y.as_bytes()),
        _ => std::cmp::Ordering::Equal,
    }
}

/// 6g's numbers of the function literals (closure.c's walkclosure counts
/// them as it walks): the declared functions are compiled first, each
/// numbering the literals written directly in it, then main.init, then
/// the literals in the order of their numbers, each numbering its own. So
/// every literal of one nesting depth comes before any of the next.
fn number_literals(funcs: &mut [Code], literals: &[(usize, usize)], init: usize) {
    let lit: HashSet<usize> = literals.iter().map(|&(id, _)| id).collect();
    let mut order: Vec<usize> = Vec::new();
    let mut outer: Vec<usize> = literals
        .iter()
        .filter(|&&(_, p)| !lit.contains(&p))
        .map(|&(id, p)| (p == init, id))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|(_, id)| id)
        .collect();
    while !outer.is_empty() {
        order.extend(&outer);
        outer = outer
            .iter()
            .flat_map(|&p| literals.iter().filter(move |&&(_, q)| q == p))
            .map(|&(id, _)| id)
            .collect();
    }
    for (k, id) in order.into_iter().enumerate() {
        funcs[id].name = format!("main._func_{:03}", k + 1);
    }
}

/// The last statement of `body`, looking into blocks and labeled
/// statements as walk.c's walkret does (go.y makes `L: s` a block).
fn last_stmt(body: &[Stmt]) -> Option<&StmtKind> {
    match &body.last()?.kind {
        StmtKind::Block(b) => last_stmt(b),
        StmtKind::Labeled { stmt, .. } => last_stmt(std::slice::from_ref(stmt)),
        k => Some(k),
    }
}

/// Whether 6l keeps the code after `body` reachable: its last statement
/// is not a return or a goto, jumps 6l's xfol lays nothing after.
fn falls_off(body: &Block) -> bool {
    !matches!(
        last_stmt(body),
        Some(StmtKind::Return(_) | StmtKind::Goto(_))
    )
}

/// walk.c's walkret: whether a function with results can end without a
/// return, its last statement neither a return, a goto nor a panic.
fn walkret(body: &[Stmt]) -> bool {
    match last_stmt(body) {
        Some(StmtKind::Return(_) | StmtKind::Goto(_)) => false,
        Some(StmtKind::Expr(Expr {
            kind: ExprKind::Call { func, .. },
            ..
        })) => !matches!(&func.kind, ExprKind::Ident(n) if n == "panic"),
        _ => true,
    }
}

/// The line swt.c's casebody leaves set for what a switch builds after it
/// (typeswitch's hash call and case tests, exprbsw's `<=` compares):
/// setlineno returns the line it replaces, so the loop's last `lno =
/// setlineno(n)` keeps the second-to-last clause's line, which casebody
/// restores; with one clause or none, the switch's own `line`.
fn casebody_line(line: u32, clauses: impl DoubleEndedIterator<Item = u32>) -> u32 {
    clauses.rev().nth(1).unwrap_or(line)
}

/// The byte offset of field `i` of `st`, as an instruction keeps it (one
/// past the first page is as good as any for a fault there).
fn field_offset(st: &StructTy, i: usize) -> u16 {
    u16::try_from(st.offset(i)).unwrap_or(u16::MAX)
}

/// A callee as 6g's messages print it (`f`, `b.Inc`).
fn callee_text(func: &Expr) -> String {
    match &func.kind {
        ExprKind::Ident(n) => n.clone(),
        ExprKind::Selector { expr, name } => format!("{}.{name}", callee_text(expr)),
        ExprKind::Paren(x) => callee_text(x),
        _ => "function".into(),
    }
}

/// Whether a value of `ty` is an interface, which a value of another type
/// is converted to.
fn is_interface(ty: &Ty) -> bool {
    matches!(ty.under(), Ty::Eface | Ty::Iface(_))
}

/// Why an interface with methods `have` is not one with `want`
/// (implements: each wanted method by name, then its type).
fn lacks(have: &[(String, Rc<Sig>)], want: &[(String, Rc<Sig>)]) -> Option<String> {
    want.iter()
        .find_map(|(m, sig)| match have.iter().find(|(h, _)| h == m) {
            None => Some(format!("missing {m} method")),
            Some((_, s)) if s != sig => Some(format!("wrong type for {m} method")),
            Some(_) => None,
        })
}

/// Whether a value of type `got` can be assigned to the interface
/// `want` (assignop's implements).
fn assignable_to_iface(
    methods: &HashMap<(String, String), usize>,
    sigs: &[Rc<Sig>],
    got: &Ty,
    want: &Ty,
) -> bool {
    match (got, want) {
        (_, Ty::Eface) => true,
        (Ty::Iface(from), Ty::Iface(to)) => lacks(&from.methods(), &to.methods()).is_none(),
        (Ty::Eface, _) => false,
        (_, Ty::Iface(to)) => {
            let has = declared_methods(methods, got);
            to.methods().iter().all(|(m, sig)| {
                (has.contains(m) && method_fits(methods, |id| sigs[id].clone(), got, m, sig))
                    || promotes(methods, got, m)
            })
        }
        _ => false,
    }
}

/// An interface type's methods: None for interface{}.
fn iface_of(ty: &Ty) -> Option<Rc<IfaceTy>> {
    match ty {
        Ty::Iface(it) => Some(it.clone()),
        _ => None,
    }
}

/// What a declared type is made as before its body resolves.
enum Kind {
    Struct,
    Iface,
}

/// Whether `type T ...` declares a struct or an interface with methods,
/// through any chain of `type T2 T1` (`depth` stops a cycle of names).
fn declared_kind(specs: &[&TypeSpec], t: &TypeSpec, depth: usize) -> Option<Kind> {
    match &t.ty {
        Type::Struct(_) => Some(Kind::Struct),
        Type::Interface(ms, embedded) if !ms.is_empty() || !embedded.is_empty() => {
            Some(Kind::Iface)
        }
        Type::Name(n, _) if depth < specs.len() => {
            let t1 = specs.iter().find(|s| &s.name == n)?;
            declared_kind(specs, t1, depth + 1)
        }
        _ => None,
    }
}

/// Whether a value of `ty` holds a `target` in itself (not through a
/// pointer, slice, map, channel or function): then it has no size.
/// `seen` keeps the structs already looked into.
fn holds_by_value(ty: &Ty, target: &Rc<StructTy>, seen: &mut Vec<Rc<StructTy>>) -> bool {
    match ty {
        Ty::Struct(st) => {
            if seen.iter().any(|s| Rc::ptr_eq(s, st)) {
                return false;
            }
            seen.push(st.clone());
            st.fields().iter().any(|(_, f)| match f {
                Ty::Struct(inner) if Rc::ptr_eq(inner, target) => true,
                f => holds_by_value(f, target, seen),
            })
        }
        Ty::Array(_, e) => match &**e {
            Ty::Struct(inner) if Rc::ptr_eq(inner, target) => true,
            e => holds_by_value(e, target, seen),
        },
        Ty::Named(n) => holds_by_value(&n.under, target, seen),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gc::parse::parse;

    fn compiled(src: &str) -> R<Program> {
        compile(&parse(src).expect("parses"))
    }

    #[test]
    fn keyed_and_counted_array_literals_are_checked_as_typecheck_does() {
        let p = compiled("package main\nfunc main() {\n\ta := [...]int{4: 1, 2}\n\tb := []int{3: 4}\n\t_, _ = a, b\n}\n").unwrap();
        let m = func(&p, "main.main");
        // [...]int{4: 1, 2} is six long: four zeros, 1, 2.
        assert!(m.ins.contains(&Ins::MakeInts(6)));
        let bad = [
            (
                "a := [3]int{1: 1, 1: 2}; _ = a",
                "3:23: duplicate index in array literal: 1",
            ),
            (
                "a := [2]int{5: 1}; _ = a",
                "3:17: array index 5 out of bounds [0:2]",
            ),
            (
                "var a [...]int; _ = a",
                "3:6: use of [...] array outside of array literal",
            ),
        ];
        for (body, want) in bad {
            let e = compiled(&format!("package main\nfunc main() {{\n\t{body}\n}}\n")).unwrap_err();
            assert_eq!(e.to_string(), want, "{body}");
        }
    }

    /// Wrong programs of each kind: every message names types as Go
    /// writes them (`*box`, `Counter`, `map[string] int`), never as the
    /// twin's own types print in Rust.
    #[test]
    fn wrong_programs_are_told_in_gos_words() {
        let prelude = "package main\n\ntype box struct {\n\tname string\n\tn    int\n}\n\ntype Counter interface {\n\tInc() int\n}\n\nfunc (b *box) Inc() int { b.n++; return b.n }\n\nfunc f(a int, s string) (int, bool) { return a, s == \"\" }\n\nfunc main() {\n\t";
        let cases = [
            ("var c Counter = box{\"a\", 1}; _ = c", "17:21: cannot use value of type box as type Counter: box does not implement Counter (missing Inc method)"),
            ("var b *box = 3; _ = b", "17:15: cannot use value of type int as type *box"),
            ("var m map[string]int = []int{1}; _ = m", "17:25: cannot use value of type []int as type map[string] int"),
            ("x := f(1, \"a\"); _ = x", "17:8: multiple-value f() in single-value context"),
            ("a, b := f(1); _ = a; _ = b", "17:11: wrong argument count"),
            ("var ch chan int = make(chan string); _ = ch", "17:24: cannot use value of type chan string as type chan int"),
            ("var fn func(int) = f; _ = fn", "17:21: cannot use value of type func(int, string) (int, bool) as type func(int)"),
            ("b := box{\"a\", 1}; b.missing = 2", "17:21: box.missing undefined"),
            ("var s []box; s[0] = 5", "17:22: cannot use value of type int as type box"),
            ("var p *box; var q **box = p; _ = q", "17:28: cannot use value of type *box as type **box"),
            ("var arr [3]int; arr[5] = 1", "17:22: invalid array index 5 (out of bounds for 3-element array)"),
            ("m := map[box]int{}; _ = m", "17:7: invalid map key type box"),
            ("var n int = 1; _ = n.(box)", "17:22: invalid type assertion: non-interface int"),
            ("var c Counter; _ = c.(box)", "17:22: impossible type assertion: c (type Counter) cannot have dynamic type box (missing Inc method)"),
            ("type Big interface {\n\tInc() int\n\tDec() int\n}\nvar c Counter\nvar g Big = c\n_ = g", "22:13: cannot use value of type Counter as type Big: Counter does not implement Big (missing Dec method)"),
            ("type Other interface {\n\tDec() int\n}\nvar c Counter\nvar o Other\n_ = c == o", "22:7: invalid operation: mismatched types Counter and Other"),
            ("var c complex128\n_ = c < 1i", "18:7: invalid operation: operator < not defined on complex128"),
            ("var c complex128\nvar d complex64\n_ = c + d", "19:7: invalid operation: mismatched types complex128 and complex64"),
            ("_ = real(2.5)", "17:11: invalid argument: real of type float64"),
        ];
        for (body, want) in cases {
            let e = compiled(&format!("{prelude}{body}\n}}\n")).unwrap_err();
            assert_eq!(e.to_string(), want, "{body}");
        }
    }

    fn func<'a>(p: &'a Program, name: &str) -> &'a Code {
        p.funcs.iter().find(|f| f.name == name).expect("compiled")
    }

    #[test]
    fn casebody_leaves_the_second_to_last_clauses_line() {
        // recover.go's describe: switch on 27, cases on 28, 30, 32, 34;
        // 6g puts efacethash and every assertE2T2 on line 32.
        assert_eq!(casebody_line(27, [28, 30, 32, 34].into_iter()), 32);
        assert_eq!(casebody_line(27, [28].into_iter()), 27);
        assert_eq!(casebody_line(27, [].into_iter()), 27);
    }

    #[test]
    fn only_captured_variables_get_runtime_new_and_jumps_survive_the_rewrite() {
        let p = compiled(
            "package main\nfunc f(a int, c chan int) {\n\tb := a\n\tfor i := 0; i < b; i++ {\n\t\tgo func() { c <- a }()\n\t}\n}\nfunc main() {}\n",
        )
        .unwrap();
        let f = func(&p, "main.f");
        let news: Vec<_> = f
            .ins
            .iter()
            .filter_map(|i| match i {
                Ins::New { size, site, .. } => Some((*size, site.line, site.nth)),
                _ => None,
            })
            .collect();
        // a (4 bytes) and c (8), both at the function's line, in order.
        assert_eq!(news, vec![(4, 2, 0), (8, 2, 1)]);
        // The placeholders of b and i are gone; the loop's jumps still go
        // to its condition (loading i) and past its end (the Ret).
        let jumps: Vec<_> = f
            .ins
            .iter()
            .filter_map(|i| match i {
                Ins::Jump(t) | Ins::JumpIfNot(t) => Some(&f.ins[*t]),
                _ => None,
            })
            .collect();
        assert_eq!(jumps, vec![&Ins::Ret, &Ins::Load(Slot::Local(3))]);
    }

    #[test]
    fn a_deferred_println_becomes_walkprints_format() {
        let p = compiled(
            "package main\nfunc main() {\n\tvar u uint64\n\tdefer println(\"a\", 1, true, u)\n}\n",
        )
        .unwrap();
        let m = func(&p, "main.main");
        assert!(m.has_defer);
        let Some(Ins::DeferPrint { format, verbs, .. }) =
            m.ins.iter().find(|i| matches!(i, Ins::DeferPrint { .. }))
        else {
            panic!("no deferred print in {:?}", m.ins)
        };
        assert_eq!(&**format, "%S %D %t %U\n");
        assert_eq!(verbs, &['S', 'D', 't', 'U']);
        // A function value is deferred with its code below the arguments.
        let p = compiled("package main\nfunc main() {\n\tf := func(int) {}\n\tdefer f(1)\n}\n")
            .unwrap();
        let m = func(&p, "main.main");
        assert!(m.ins.iter().any(|i| matches!(
            i,
            Ins::Defer {
                func: None,
                nargs: 1,
                ..
            }
        )));
        // close(c) is deferproc of closechan; another builtin is refused.
        let p =
            compiled("package main\nfunc main() {\n\tc := make(chan int)\n\tdefer close(c)\n}\n")
                .unwrap();
        let m = func(&p, "main.main");
        assert!(m.ins.iter().any(|i| matches!(i, Ins::DeferClose { .. })));
        let e = compiled("package main\nfunc main() {\n\tdefer panic(1)\n}\n").unwrap_err();
        assert_eq!(e.to_string(), "3:8: unsupported construct 'defer of panic'");
    }

    #[test]
    fn range_and_element_updates_evaluate_their_operands_once() {
        let p = compiled(
            "package main\nfunc main() {\n\tvar n [2]int\n\ts := []int{1, 2}\n\tfor i, k := range s {\n\t\tn[i] += k\n\t\tn[0]++\n\t}\n}\n",
        )
        .unwrap();
        let m = func(&p, "main.main");
        // The literal is runtime.new of its 8-byte array.
        assert!(m
            .ins
            .iter()
            .any(|i| matches!(i, Ins::SliceLit { n: 2, size: 8, .. })));
        // Each update: the index once (Dup), the element, the store.
        let dups = m.ins.iter().filter(|i| **i == Ins::Dup).count();
        assert_eq!(dups, 2, "{:?}", m.ins);
        let stores = m
            .ins
            .iter()
            .filter(|i| matches!(i, Ins::StoreIndex(_)))
            .count();
        assert_eq!(stores, 2);
        let e =
            compiled("package main\nfunc main() {\n\tfor i := range 5 {\n\t}\n}\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "3:17: unsupported construct 'range over this type'"
        );
    }

    #[test]
    fn structs_lay_out_as_6g_aligns_them_and_literals_fill_their_fields() {
        let p = compiled(
            "package main\ntype r struct {\n\tid int\n\tsum int64\n}\nfunc main() {\n\tc := make(chan r, 1)\n\tc <- r{sum: 5}\n\tprintln((<-c).sum, byte(255))\n}\n",
        )
        .unwrap();
        let m = func(&p, "main.main");
        let Some(Ins::MakeChan { elem, .. }) =
            m.ins.iter().find(|i| matches!(i, Ins::MakeChan { .. }))
        else {
            panic!()
        };
        assert_eq!(elem.size(), 16, "int, padding, int64");
        let at = m.ins.iter().position(|i| *i == Ins::MakeStruct(2)).unwrap();
        // The keyed literal: id's zero, then sum.
        assert_eq!(m.ins[at - 2], Ins::Zero(Ty::INT));
        assert!(m.ins.contains(&Ins::Field(1)));
        // Passed by value, a struct is its fields; a method is main.T·M
        // (main.*T·M for a pointer receiver) with the receiver first; a
        // pointer's method set holds the value methods too.
        let p = compiled(
            "package main\ntype r struct {\n\tid int\n}\nfunc (x r) f(k int) {}\nfunc (x *r) g() {}\nfunc main() {}\n",
        )
        .unwrap();
        let m = func(&p, "main.r·f");
        assert_eq!(m.sig.params.len(), 2);
        assert_eq!(p.method_set(&m.sig.params[0]), ["f"]);
        let g = func(&p, "main.*r·g");
        assert_eq!(p.method_set(&g.sig.params[0]), ["f", "g"]);
        // new(T): runtime·new of a zeroed T.
        let p = compiled(
            "package main\ntype r struct {\n\tid int\n}\nfunc main() {\n\tp := new(r)\n\tp.id = 1\n}\n",
        )
        .unwrap();
        let m = func(&p, "main.main");
        assert!(m
            .ins
            .iter()
            .any(|i| matches!(i, Ins::NewPtr { size: 4, .. })));
        assert!(m.ins.contains(&Ins::StorePtrField(0, 0)));
        // A named int: its own type (main.r in an interface), an int's
        // layout, a method set of its own.
        let p = compiled("package main\ntype r int\nfunc (x r) f() {}\ntype F interface {\n\tf()\n}\nfunc main() {\n\tvar i F = r(3)\n\ti.f()\n}\n").unwrap();
        let f = func(&p, "main.r·f");
        assert_eq!(f.sig.params[0].size(), 4);
        assert_eq!(f.sig.params[0].name(), "main.r");
        assert_eq!(p.method_set(&f.sig.params[0]), ["f"]);
        assert!(func(&p, "main.main")
            .ins
            .iter()
            .any(|i| matches!(i, Ins::ConvT2I { ty, .. } if ty.name() == "main.r")));
        // A named slice's literal is its underlying one; a method
        // expression is refused.
        let p = compiled("package main\ntype a []int\nfunc (x a) n() int {\n\treturn len(x)\n}\nfunc main() {\n\tx := a{1, 2}\n\tprintln(x.n(), x[1])\n}\n").unwrap();
        assert!(func(&p, "main.main")
            .ins
            .iter()
            .any(|i| matches!(i, Ins::Call { .. })));
        // A method expression calls the method itself, the receiver first.
        let p = compiled("package main\ntype a []int\nfunc (x a) n() int {\n\treturn len(x)\n}\nfunc main() {\n\tprintln(a.n(nil))\n}\n").unwrap();
        assert!(func(&p, "main.main").ins.iter().any(|i| matches!(
            i,
            Ins::Call {
                func: 0,
                nargs: 1,
                ..
            }
        )));
        let e = compiled("package main\ntype a []int\nfunc (x *a) n() int {\n\treturn len(*x)\n}\nfunc main() {\n\tprintln(a.n(nil))\n}\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "7:11: invalid method expression a.n (needs pointer receiver: (*a).n)"
        );
        let e = compiled("package main\ntype r int\ntype F interface {\n\tf()\n}\nfunc main() {\n\tvar i F = r(3)\n\t_ = i\n}\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "7:13: cannot use value of type r as type F: r does not implement F (missing f method)"
        );
        let e = compiled(
            "package main\ntype r struct {\n\tid int\n}\nfunc main() {\n\t_ = r{x: 1}\n}\n",
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "6:8: unknown r field 'x' in struct literal");
        let e = compiled("package main\nfunc main() {\n\tprintln(byte(300))\n}\n").unwrap_err();
        assert_eq!(e.to_string(), "3:14: constant 300 overflows uint8");
    }

    #[test]
    fn a_type_may_name_itself_through_a_pointer_but_not_hold_itself() {
        let p = compiled("package main\ntype a struct {\n\tb *b\n}\ntype b struct {\n\tn int64\n}\nfunc main() {\n\tvar x a\n\t_ = x\n}\n").unwrap();
        assert!(p.funcs.iter().any(|f| f.name == "main.main"));
        // A list, and two structs pointing at each other through a slice.
        let p = compiled("package main\ntype l struct {\n\tnext *l\n\tf *f\n}\ntype f struct {\n\tls []*l\n}\nfunc main() {\n\tx := &l{nil, nil}\n\tx.next = x\n}\n").unwrap();
        assert_eq!(format!("{:?}", p.declared), "[\"l\", \"f\"]");
        let e = compiled("package main\ntype t struct {\n\tn int\n\tu [2]u\n}\ntype u struct {\n\tt t\n}\nfunc main() {}\n")
            .unwrap_err();
        assert_eq!(e.to_string(), "2:6: invalid recursive type t");
        // A cycle through named types alone has no struct to break it.
        let e = compiled("package main\ntype f func() f\nfunc main() {}\n").unwrap_err();
        assert_eq!(e.to_string(), "2:6: unsupported construct 'recursive type'");
    }

    #[test]
    fn labels_gotos_and_fallthrough_get_gens_errors() {
        let body = |b: &str| compiled(&format!("package main\nfunc main() {{\n{b}\n}}\n"));
        let e = |b: &str| body(b).unwrap_err().to_string();
        assert_eq!(e("\tgoto x"), "2:1: label x not defined");
        assert_eq!(
            e("x:\n\tfor {\n\t}\nx:\n\tfor {\n\t}"),
            "2:1: label x redefined"
        );
        assert_eq!(
            e("\tfor {\n\t\tbreak y\n\t}"),
            "4:3: break label not defined: y"
        );
        assert_eq!(
            e("y:\n\tswitch {\n\tdefault:\n\t\tfor {\n\t\t\tcontinue y\n\t\t}\n\t}"),
            "7:4: invalid continue label y"
        );
        assert_eq!(
            e("\tfallthrough"),
            "3:2: fallthrough statement out of place"
        );
        assert_eq!(e("\tvar x interface{}\n\tswitch x.(type) {\n\tcase int:\n\t\tfallthrough\n\tdefault:\n\t}"), "6:3: cannot fallthrough in type switch");
        // What labelled jumps do at run time, the labels fixture checks.
        let e =
            compiled("package main\nfunc f() int {\n\tprintln()\n}\nfunc main() {}\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "2:1: function ends without a return statement"
        );
        compiled("package main\nfunc f() int {\nL:\n\tgoto L\n}\nfunc g() int {\n\tpanic(1)\n}\nfunc main() {}\n").unwrap();
    }

    #[test]
    fn reorder1_counts_what_walk_made_calls() {
        // Frames `6g -S -N` gives these at the pre-1547 commit: each first
        // argument that holds a call (recover, a convT2E, a
        // concatstring) waits in a temporary while g() runs.
        let p = compiled(
            "package main\nfunc g() int { return 1 }\nfunc h(x interface{}, y int) {}\nfunc s2(a string, y int) {}\nfunc t1() { h(recover(), g()) }\nfunc t2() { h(1, g()) }\nfunc t3(a, b string) { s2(a+b, g()) }\nfunc t4() { h(g(), g()) }\nfunc main() {}\n",
        )
        .unwrap();
        let frame = |n: &str| func(&p, n).computed.1;
        assert_eq!(
            [
                frame("main.t1"),
                frame("main.t2"),
                frame("main.t3"),
                frame("main.t4")
            ],
            [40, 48, 72, 48]
        );
    }

    #[test]
    fn arrays_index_and_a_constant_index_out_of_range_is_refused() {
        let p = compiled(
            "package main\nfunc main() {\n\tvar a [3]int\n\ta[1] = 7\n\tprintln(a[1])\n}\n",
        )
        .unwrap();
        let m = func(&p, "main.main");
        assert!(m.ins.contains(&Ins::Zero(Ty::Array(3, Box::new(Ty::INT)))));
        assert!(m.ins.contains(&Ins::StoreIndex(Slot::Local(0))));
        // a[1] is read in place.
        assert!(m.ins.contains(&Ins::LoadElem(Slot::Local(0))));
        let e =
            compiled("package main\nfunc main() {\n\tvar a [3]int\n\ta[3] = 1\n}\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "4:4: invalid array index 3 (out of bounds for 3-element array)"
        );
        let e = compiled("package main\nfunc main() {\n\tc := make(chan [2]int)\n\t<-c\n}\n")
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "3:12: unsupported construct 'channel of arrays'"
        );
    }

    #[test]
    fn slices_are_sliced_in_line_unless_an_operand_and_constant_bounds_are_checked_here() {
        let p = compiled(
            "package main\nfunc main() {\n\ts := make([]int, 2, 8)\n\tt := s[1:]\n\tu := s[:]\n\tprintln(len(s[2:3]), len(t), len(u))\n}\n",
        )
        .unwrap();
        let m = func(&p, "main.main");
        let slicings: Vec<(bool, bool)> = m
            .ins
            .iter()
            .filter_map(|i| match i {
                Ins::SliceSlice { call, check, .. } => Some((call.is_some(), check.is_some())),
                _ => None,
            })
            .collect();
        // s[1:] in line, checked; s[:] in line with nothing to check;
        // len's operand a call of sliceslice, which checks for itself.
        assert_eq!(slicings, [(false, true), (false, false), (true, false)]);
        assert!(m
            .ins
            .iter()
            .any(|i| matches!(i, Ins::MakeSlice { cap: true, .. })));
        // walk's messages, as the pinned 6g prints them.
        let e = compiled(
            "package main\nfunc main() {\n\tvar a [3]int\n\tb := a[1:4]\n\tprintln(len(b))\n}\n",
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "4:11: slice index out of bounds");
        let e = compiled(
            "package main\nfunc main() {\n\tb := []int{1}\n\tc := b[2:1]\n\tprintln(len(c))\n}\n",
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "4:8: inverted slice range");
    }
}
