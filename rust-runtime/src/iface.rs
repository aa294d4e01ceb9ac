//! iface.c: interface values. convT2E and convT2I, which 6g calls to make
//! an interface (for `panic(v)` and conversions); the conversions and
//! assertions between interfaces (convI2I, assertX2Y) with itab's cache
//! and its method search; ifaceeq and efaceeq; and the runtime's own error
//! types, error.go's errorString and TypeAssertionError, whose String
//! methods a program calls through an interface.

use std::collections::HashMap;

use crate::lock::{Lock, LockId};
use crate::proc::Runtime;
use crate::runtime::Alg;
use crate::symtab::FuncId;
use crate::{Addr, Stop};

/// runtime.h's Eface: an interface{} value's type word and data word.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Eface {
    /// The Type* of the dynamic type; 0 for nil.
    pub ty: Addr,
    /// The value itself when it fits a word, else where copyin put it.
    pub data: Addr,
}

/// Where the twin puts type descriptors: one per type string, distinct
/// and stable (the real ones are in each binary's rodata).
const TYPES_BASE: Addr = 0x0070_0000;
/// Bytes between two of the twin's type descriptors.
const TYPE_STRIDE: Addr = 0x80;
/// sizeof(Itab) without its methods: inter, type, link, bad, unused.
const ITAB_HEADER: u32 = 32;
/// error.go's type for the runtime errors panicstring raises.
pub const ERROR_STRING: &str = "runtime.errorString";
/// error.go's type for failed type assertions, as the interface holds it.
pub const TYPE_ASSERTION_ERROR: &str = "*runtime.TypeAssertionError";
/// sizeof(TypeAssertionError): three Type interfaces, four strings.
const TYPE_ASSERTION_ERROR_SIZE: u32 = 3 * 16 + 4 * 16;

/// What the runtime reads of a Type*: where it is, the value's size, and
/// its algarray entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeRef {
    pub word: Addr,
    pub size: u32,
    pub alg: Alg,
}

/// What the runtime reads of an InterfaceType*: where it is, its type
/// string, and how many methods it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterRef {
    pub word: Addr,
    pub name: String,
    pub nmethods: u32,
}

/// A dynamic type as itab(inter, type) sees it: its descriptor and type
/// string, and what itab's method search finds (the program knows the
/// method sets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fit {
    pub ty: Addr,
    pub ty_name: String,
    /// The first of the interface's methods, by name, that the type does
    /// not have (both method lists are sorted: the search runs in lock
    /// step); None when it has them all.
    pub missing: Option<String>,
    /// Whether the type's descriptor has an UncommonType (reflect.c's
    /// dextratype: a named type, or one with methods). Without one itab
    /// fails at once, naming the interface's first method.
    pub uncommon: bool,
}

/// The dynamic type of two interfaces whose type words agree, as
/// ifaceeq1 compares their values: its type string, size and algarray
/// entry, the values' lengths if strings, and whether they are equal
/// (the program knows them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compared {
    pub ty_name: String,
    pub size: u32,
    pub alg: Alg,
    pub lens: (usize, usize),
    pub same: bool,
}

/// A TypeAssertionError's strings (the twin's value of the struct).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeAssertion {
    /// The interface's type string (assertI2T's of a non-nil one); None
    /// prints as "interface".
    pub inter: Option<String>,
    /// The dynamic type's string; None for a nil interface.
    pub concrete: Option<String>,
    pub asserted: String,
    /// The interface's method the dynamic type lacks (itab's failure).
    pub missing: Option<String>,
}

impl TypeAssertion {
    /// The pieces String() concatenates.
    fn parts(&self) -> Vec<String> {
        let a = self.asserted.clone();
        let inter = self.inter.clone().unwrap_or_else(|| "interface".into());
        match (&self.concrete, &self.missing) {
            (Some(c), Some(m)) => vec![
                "interface conversion: ".into(),
                c.clone(),
                " is not ".into(),
                a,
                ": missing method ".into(),
                m.clone(),
            ],
            (None, _) => vec![
                "interface conversion: ".into(),
                inter,
                " is nil, not ".into(),
                a,
            ],
            (Some(c), None) => vec![
                "interface conversion: ".into(),
                inter,
                " is ".into(),
                c.clone(),
                ", not ".into(),
                a,
            ],
        }
    }

    /// What String() returns.
    pub fn string(&self) -> String {
        self.parts().concat()
    }
}

/// The state iface.c and error.go keep.
#[derive(Debug, Default)]
pub struct Ifaces {
    /// Type strings, by descriptor (the twin's own, for types the binary's
    /// table does not name).
    types: Vec<String>,
    /// The binary's type descriptors by type string, and back.
    placed: HashMap<String, Addr>,
    placed_names: HashMap<Addr, String>,
    /// itab's hash table: (inter, type) to the Itab's address, or None
    /// for a cached negative answer (m->bad).
    itabs: HashMap<(Addr, Addr), Option<Addr>>,
    pub(crate) ifacelock: Lock,
    /// The errorString values newErrorString made, by data address.
    errors: HashMap<Addr, String>,
    /// The TypeAssertionErrors newTypeAssertionError made, by address.
    assertions: HashMap<Addr, TypeAssertion>,
}

impl Ifaces {
    /// Take the binary's type descriptors (`type.T` symbols).
    pub(crate) fn place(&mut self, syms: &[(String, Addr)]) {
        for (sym, addr) in syms {
            if let Some(name) = sym.strip_prefix("type.") {
                self.placed.insert(name.to_string(), *addr);
                self.placed_names.insert(*addr, name.to_string());
            }
        }
    }
}

impl Runtime {
    /// The Type* of the type named `name`.
    pub fn type_word(&mut self, name: &str) -> Addr {
        if let Some(&a) = self.ifaces.placed.get(name) {
            return a;
        }
        let types = &mut self.ifaces.types;
        let i = match types.iter().position(|t| t == name) {
            Some(i) => i,
            None => {
                types.push(name.to_string());
                types.len() - 1
            }
        };
        TYPES_BASE + TYPE_STRIDE * i as Addr
    }

    /// The type string of the descriptor at `ty`.
    pub fn type_name(&self, ty: Addr) -> Option<&str> {
        if let Some(name) = self.ifaces.placed_names.get(&ty) {
            return Some(name);
        }
        let i = ty.checked_sub(TYPES_BASE)? / TYPE_STRIDE;
        self.ifaces.types.get(i as usize).map(String::as_str)
    }

    /// The string of the errorString at `data` (a runtime error's value).
    pub fn error_string(&self, data: Addr) -> Option<&str> {
        self.ifaces.errors.get(&data).map(String::as_str)
    }

    /// runtime·convT2E(t, elem) (textflag 7) from Go code, returning to
    /// `ret`: Eface{t, data}, where copyin stores a value of up to a word
    /// in data itself and mallocs room for a bigger one (a string's 16
    /// bytes). Returns the data word's allocation, if any.
    pub fn convt2e(&mut self, ret: Addr, t: TypeRef) -> Result<Option<Addr>, Stop> {
        let f = self.rt_fn("runtime.convT2E")?;
        self.call_at(ret, f, &[t.word])?;
        // ret = elem + rnd(wid, Structrnd)
        let rnd = self.rf.rnd;
        self.call(f, rnd, &[u64::from(t.size), 8])?;
        self.leave(rnd)?;
        let data = self.copyin(f, t)?;
        self.leave(f)?;
        Ok(data)
    }

    /// runtime·convT2I(t, inter, elem) (textflag 7) from Go code,
    /// returning to `ret`, for a type that has every method of the
    /// interface (the compiler checked): Iface{itab(inter, t, 0), data},
    /// the data word as copyin leaves it. Returns the itab and the data
    /// word's allocation, if any.
    pub fn convt2i(
        &mut self,
        ret: Addr,
        t: TypeRef,
        inter: &InterRef,
        fit: &Fit,
    ) -> Result<(Addr, Option<Addr>), Stop> {
        let f = self
            .tab
            .lookup("runtime.convT2I")
            .expect("checked by the caller");
        self.call_at(ret, f, &[t.word, inter.word])?;
        // ret = elem + rnd(wid, Structrnd)
        let rnd = self.rf.rnd;
        self.call(f, rnd, &[u64::from(t.size), 8])?;
        self.leave(rnd)?;
        let tab = self.itab(f, inter, fit, false)?;
        let data = self.copyin(f, t)?;
        self.leave(f)?;
        Ok((tab.expect("the type implements the interface"), data))
    }

    /// copyin(t, src, dst): a value of up to a word is copied into the
    /// data word, a bigger one into memory from mal; either way by the
    /// type's algarray copy, an indirect call.
    fn copyin(&mut self, caller: FuncId, t: TypeRef) -> Result<Option<Addr>, Stop> {
        let copyin = self.rt_fn("copyin")?;
        self.call(caller, copyin, &[t.word, 0, 0])?;
        let data = if t.size as usize <= std::mem::size_of::<u64>() {
            self.alg_copy(copyin, 0, t)?;
            None
        } else {
            let p = self.mal(copyin, t.size)?;
            self.alg_copy(copyin, 1, t)?;
            Some(p)
        };
        self.leave(copyin)?;
        Ok(data)
    }

    /// copyout(t, src, dst): the reverse, from the data word or what it
    /// points at.
    fn copyout(&mut self, caller: FuncId, t: TypeRef) -> Result<(), Stop> {
        let copyout = self.rt_fn("copyout")?;
        self.call(caller, copyout, &[t.word, 0, 0])?;
        let nth = usize::from(t.size as usize > std::mem::size_of::<u64>());
        self.alg_copy(copyout, nth, t)?;
        self.leave(copyout)
    }

    /// algarray[t->alg].copy(wid, dst, src), the `nth` indirect call of
    /// `caller`: memwordcopy for a word-sized scalar, memcopy otherwise.
    pub(crate) fn alg_copy(&mut self, caller: FuncId, nth: usize, t: TypeRef) -> Result<(), Stop> {
        let f = if t.alg == Alg::MemWord {
            self.rf.memwordcopy
        } else {
            self.rf.memcopy
        };
        let ret = self.site_indirect(caller, nth);
        self.call_at(ret, f, &[u64::from(t.size), 0, 0])?;
        self.leave(f)
    }

    /// runtime·efacethash(e) from Go code (a type switch's first step):
    /// the dynamic type's hash, which the switch compares inline.
    pub fn efacethash(&mut self, ret: Addr, e: Eface) -> Result<(), Stop> {
        let f = self.rt_fn("runtime.efacethash")?;
        self.call_at(ret, f, &[e.ty, e.data])?;
        self.leave(f)
    }

    /// runtime·convI2E(i) from Go code: an interface with methods as an
    /// interface{} (its itab's type and its data word), no allocation.
    pub fn convi2e(&mut self, ret: Addr, tab: Addr, data: Addr) -> Result<(), Stop> {
        let f = self.rt_fn("runtime.convI2E")?;
        self.call_at(ret, f, &[tab, data])?;
        self.leave(f)
    }

    /// runtime·ifacethash(i) from Go code: a type switch's first step on
    /// an interface with methods (its itab's type's hash).
    pub fn ifacethash(&mut self, ret: Addr, tab: Addr, data: Addr) -> Result<(), Stop> {
        let f = self.rt_fn("runtime.ifacethash")?;
        self.call_at(ret, f, &[tab, data])?;
        self.leave(f)
    }

    /// runtime·assertE2T2(t, e) (textflag 7) from Go code: `v, ok :=
    /// e.(T)` of a concrete T, and a type switch's concrete case. The value
    /// is copied out when the types match, else cleared. Returns ok.
    pub fn assert_e2t2(&mut self, ret: Addr, t: TypeRef, e: Eface) -> Result<bool, Stop> {
        let f = self.rt_fn("runtime.assertE2T2")?;
        self.call_at(ret, f, &[t.word, e.ty, e.data])?;
        self.assert_t2(f, t, t.word == e.ty)
    }

    /// runtime·assertI2T2(t, i) (textflag 7) from Go code: assertE2T2's
    /// test of an interface with methods, whose itab (`tab`, nil for a nil
    /// interface) holds the dynamic type (`dynamic`).
    pub fn assert_i2t2(
        &mut self,
        ret: Addr,
        t: TypeRef,
        tab: Addr,
        data: Addr,
        dynamic: Addr,
    ) -> Result<bool, Stop> {
        let f = self.rt_fn("runtime.assertI2T2")?;
        self.call_at(ret, f, &[t.word, tab, data])?;
        self.assert_t2(f, t, tab != 0 && dynamic == t.word)
    }

    /// What assertE2T2 and assertI2T2 (`f`) do once they know: rnd for
    /// ok's place, then the value copied out, or cleared.
    fn assert_t2(&mut self, f: FuncId, t: TypeRef, ok: bool) -> Result<bool, Stop> {
        let rnd = self.rf.rnd;
        self.call(f, rnd, &[u64::from(t.size), 1])?;
        self.leave(rnd)?;
        if ok {
            self.copyout(f, t)?;
        } else {
            let memclr = self.rt_fn("runtime.memclr")?;
            self.call(f, memclr, &[0, u64::from(t.size)])?;
            self.leave(memclr)?;
        }
        self.leave(f)?;
        Ok(ok)
    }

    /// runtime·assertE2T(t, e) (textflag 7) from Go code, `e.(T)` of a
    /// concrete T: assertE2Tret copies the value out, or panics with a
    /// *TypeAssertionError when e is nil or of another type (`concrete`,
    /// its type string).
    pub fn assert_e2t(
        &mut self,
        ret: Addr,
        t: TypeRef,
        e: Eface,
        concrete: Option<&str>,
        asserted: &str,
    ) -> Result<(), Stop> {
        let f = self.rt_fn("runtime.assertE2T")?;
        self.call_at(ret, f, &[t.word, e.ty, e.data])?;
        let inner = self.rt_fn("assertE2Tret")?;
        self.call(f, inner, &[t.word, e.ty, e.data, 0])?;
        let err = TypeAssertion {
            inter: None,
            concrete: concrete.map(str::to_string),
            asserted: asserted.to_string(),
            missing: None,
        };
        // iface.c lines 289/292 for a nil interface, 295/298 otherwise.
        let lines = if e.ty == 0 { (289, 292) } else { (295, 298) };
        self.assert_tret(f, inner, t, t.word == e.ty, err, lines)
    }

    /// runtime·assertI2T(t, i) (textflag 7) from Go code, `i.(T)` of a
    /// concrete T on an interface of type `inter` with methods:
    /// assertI2Tret, as assertE2Tret but through the itab (`tab`, holding
    /// the dynamic type `dynamic`), its message naming the interface.
    pub fn assert_i2t(
        &mut self,
        ret: Addr,
        t: TypeRef,
        (tab, data, dynamic): (Addr, Addr, Addr),
        concrete: Option<&str>,
        inter: &str,
        asserted: &str,
    ) -> Result<(), Stop> {
        let f = self.rt_fn("runtime.assertI2T")?;
        self.call_at(ret, f, &[t.word, tab, data])?;
        let inner = self.rt_fn("assertI2Tret")?;
        self.call(f, inner, &[t.word, tab, data, 0])?;
        let err = TypeAssertion {
            inter: (tab != 0).then(|| inter.to_string()),
            concrete: concrete.map(str::to_string),
            asserted: asserted.to_string(),
            missing: None,
        };
        // iface.c lines 233/236 for a nil interface, 239/242 otherwise.
        let lines = if tab == 0 { (233, 236) } else { (239, 242) };
        self.assert_tret(f, inner, t, tab != 0 && dynamic == t.word, err, lines)
    }

    /// What assertE2Tret and assertI2Tret (`inner`, called by `f`) do: the
    /// value copied out, or a *TypeAssertionError made on the first line
    /// of `lines` and panicked with on the second.
    fn assert_tret(
        &mut self,
        f: FuncId,
        inner: FuncId,
        t: TypeRef,
        ok: bool,
        err: TypeAssertion,
        (made, panics): (u32, u32),
    ) -> Result<(), Stop> {
        if ok {
            self.copyout(inner, t)?;
            self.leave(inner)?;
            return self.leave(f);
        }
        let tae = self.rt_fn("runtime.newTypeAssertionError")?;
        let at = self.site_line(inner, tae, (made, made));
        let value = self.new_type_assertion_error(at, err.clone())?;
        let at = self.site_line(inner, self.rf.panic, (panics, panics));
        self.panic(at, value, Some(err.string().as_str()))
    }

    /// error.go's newTypeAssertionError(...) called at `ret`: runtime·new
    /// of the struct, then convT2E of its pointer.
    fn new_type_assertion_error(&mut self, ret: Addr, err: TypeAssertion) -> Result<Eface, Stop> {
        let f = self.rt_fn("runtime.newTypeAssertionError")?;
        self.call_at(ret, f, &[0; 8])?;
        let new = self.rf.new;
        let p = self.new_object(self.site(f, new), TYPE_ASSERTION_ERROR_SIZE)?;
        let conv = self.rt_fn("runtime.convT2E")?;
        let t = TypeRef {
            word: self.type_word(TYPE_ASSERTION_ERROR),
            size: 8,
            alg: Alg::MemWord,
        };
        self.convt2e(self.site(f, conv), t)?;
        self.leave(f)?;
        self.ifaces.assertions.insert(p, err);
        Ok(Eface {
            ty: t.word,
            data: p,
        })
    }

    /// A call of String() through an interface holding the
    /// *TypeAssertionError at `data`, from Go code returning to `ret`:
    /// runtime.*TypeAssertionError·String concatenates its message.
    pub fn type_assertion_string(&mut self, ret: Addr, data: Addr) -> Result<String, Stop> {
        let err = self
            .ifaces
            .assertions
            .get(&data)
            .cloned()
            .unwrap_or_default();
        let f = self.rt_fn("runtime.*TypeAssertionError·String")?;
        self.call_at(ret, f, &[data])?;
        let concat = self.rt_fn("runtime.concatstring")?;
        // error.go line 37: a nil concrete type; 41 (where the
        // concatenation that starts on 40 ends): the types differ; 44: a
        // missing method.
        let line = match (&err.concrete, &err.missing) {
            (None, _) => 37,
            (Some(_), None) => 41,
            (Some(_), Some(_)) => 44,
        };
        let at = self.site_line(f, concat, (line, line));
        let parts = err.parts();
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        let s = self.concatstring(at, &parts)?;
        self.leave(f)?;
        Ok(s)
    }

    /// error.go's newErrorString(s, &ret) from `caller` (panicstring):
    /// convT2E of errorString(s), whose bytes are at `s`. Returns the value.
    pub(crate) fn new_error_string(
        &mut self,
        caller: FuncId,
        s: Addr,
        msg: &str,
    ) -> Result<Eface, Stop> {
        let nes = self.rt_fn("runtime.newErrorString")?;
        self.call(caller, nes, &[s, msg.len() as u64, 0])?;
        let conv = self.rt_fn("runtime.convT2E")?;
        let t = TypeRef {
            word: self.type_word(ERROR_STRING),
            size: 16,
            alg: Alg::Str,
        };
        let data = self.convt2e(self.site(nes, conv), t)?.unwrap_or(0);
        self.leave(nes)?;
        self.ifaces.errors.insert(data, msg.to_string());
        Ok(Eface {
            ty: self.type_word(ERROR_STRING),
            data,
        })
    }

    /// runtime·assertE2I2(inter, e) from Go code, `v, ok := e.(I)`: for a
    /// non-nil e, itab(inter, e.type, 1); None (ok false) for a nil e or a
    /// type without the methods. `fit` is None for a nil e.
    pub fn assert_e2i2(
        &mut self,
        ret: Addr,
        inter: &InterRef,
        e: Eface,
        fit: Option<&Fit>,
    ) -> Result<Option<Addr>, Stop> {
        let f = self.rt_fn("runtime.assertE2I2")?;
        self.call_at(ret, f, &[inter.word, e.ty, e.data])?;
        let tab = match fit {
            None => None,
            Some(fit) => self.itab(f, inter, fit, true)?,
        };
        self.leave(f)?;
        Ok(tab)
    }

    /// runtime·assertE2I(inter, e) from Go code, `e.(I)`: ifaceE2I, which
    /// panics on a nil e ("explicit conversions require non-nil interface
    /// value"), else itab(inter, e.type, 0), which panics if the type lacks
    /// a method. Returns the itab.
    pub fn assert_e2i(
        &mut self,
        ret: Addr,
        inter: &InterRef,
        e: Eface,
        fit: Option<&Fit>,
    ) -> Result<Addr, Stop> {
        let names = ("runtime.assertE2I", "runtime.ifaceE2I");
        self.explicit(ret, names, inter, (e.ty, e.data), fit)
    }

    /// runtime·convI2I(inter, i) from Go code, an interface with methods
    /// assigned to or converted to another one, whose methods the first
    /// has (the compiler checked): a nil one stays nil, an itab of the same
    /// interface would be kept, else itab(inter, tab->type, 0). (6g calls
    /// it only between two interface types, and an itab is always of its
    /// holder's static type: never the same.) `fit` is None for a nil i.
    /// Returns the itab (0: nil).
    pub fn convi2i(
        &mut self,
        ret: Addr,
        inter: &InterRef,
        (tab, data): (Addr, Addr),
        fit: Option<&Fit>,
    ) -> Result<Addr, Stop> {
        let f = self.rt_fn("runtime.convI2I")?;
        self.call_at(ret, f, &[inter.word, tab, data])?;
        let out = match fit {
            None => 0,
            Some(fit) => self
                .itab(f, inter, fit, false)?
                .expect("the type implements the interface"),
        };
        self.leave(f)?;
        Ok(out)
    }

    /// runtime·assertI2I2(inter, i) from Go code, `v, ok := i.(J)`: the
    /// itab kept when it is of the same interface (`same`), else
    /// itab(inter, tab->type, 1); None (ok false) for a nil i or a type
    /// without the methods.
    pub fn assert_i2i2(
        &mut self,
        ret: Addr,
        inter: &InterRef,
        (tab, data): (Addr, Addr),
        fit: Option<&Fit>,
        same: bool,
    ) -> Result<Option<Addr>, Stop> {
        let f = self.rt_fn("runtime.assertI2I2")?;
        self.call_at(ret, f, &[inter.word, tab, data])?;
        let out = match fit {
            None => None,
            Some(_) if same => Some(tab),
            Some(fit) => self.itab(f, inter, fit, true)?,
        };
        self.leave(f)?;
        Ok(out)
    }

    /// runtime·assertI2I(inter, i) from Go code, `i.(J)`: ifaceI2I, which
    /// panics on a nil i and else always asks itab(inter, tab->type, 0)
    /// (it does not look at tab->inter), which panics if the type lacks a
    /// method. Returns the itab.
    pub fn assert_i2i(
        &mut self,
        ret: Addr,
        inter: &InterRef,
        (tab, data): (Addr, Addr),
        fit: Option<&Fit>,
    ) -> Result<Addr, Stop> {
        let names = ("runtime.assertI2I", "runtime.ifaceI2I");
        self.explicit(ret, names, inter, (tab, data), fit)
    }

    /// What assertI2I and assertE2I share (`outer`, called at `ret`, and
    /// the `inner` ifaceI2I or ifaceE2I it calls with the interface's two
    /// `words`): a nil interface (`fit` None) panics, else itab(inter,
    /// type, 0). Returns the itab.
    fn explicit(
        &mut self,
        ret: Addr,
        (outer, inner): (&str, &str),
        inter: &InterRef,
        words: (Addr, Addr),
        fit: Option<&Fit>,
    ) -> Result<Addr, Stop> {
        let f = self.rt_fn(outer)?;
        self.call_at(ret, f, &[inter.word, words.0, words.1])?;
        let g = self.rt_fn(inner)?;
        self.call(f, g, &[inter.word, words.0, words.1, 0])?;
        let tab = match fit {
            None => self.nil_conversion(g, &inter.name).map(|()| 0)?,
            Some(fit) => self
                .itab(g, inter, fit, false)?
                .expect("itab panics when a method is missing"),
        };
        self.leave(g)?;
        self.leave(f)?;
        Ok(tab)
    }

    /// runtime·assertI2E, assertI2E2, assertE2E or assertE2E2 (`i2e`: of
    /// an interface with methods; `ok`: the comma-ok form) from Go code,
    /// an assertion to interface{} (`eface`, its descriptor, the call's
    /// first argument): the type word (an itab's type) and the data word
    /// as they are; without ok a nil interface panics. Returns whether the
    /// interface is non-nil.
    pub fn assert_x2e(
        &mut self,
        ret: Addr,
        eface: &InterRef,
        (i2e, ok): (bool, bool),
        (word, data): (Addr, Addr),
    ) -> Result<bool, Stop> {
        let name = match (i2e, ok) {
            (true, false) => "runtime.assertI2E",
            (true, true) => "runtime.assertI2E2",
            (false, false) => "runtime.assertE2E",
            (false, true) => "runtime.assertE2E2",
        };
        let f = self.rt_fn(name)?;
        self.call_at(ret, f, &[eface.word, word, data])?;
        if word == 0 && !ok {
            self.nil_conversion(f, &eface.name)?;
        }
        self.leave(f)?;
        Ok(word != 0)
    }

    /// The explicit conversion of a nil interface to `asserted`, in `f`:
    /// newTypeAssertionError(nil, nil, inter, nil, nil, inter->string,
    /// nil), then panic ("interface conversion: interface is nil, not
    /// ...").
    fn nil_conversion(&mut self, f: FuncId, asserted: &str) -> Result<(), Stop> {
        let err = TypeAssertion {
            inter: None,
            concrete: None,
            asserted: asserted.to_string(),
            missing: None,
        };
        self.raise_assertion(f, err, false)
    }

    /// `f`'s newTypeAssertionError of `err` and its panic, ifacelock
    /// released between them when `locked` (itab's failed search).
    fn raise_assertion(&mut self, f: FuncId, err: TypeAssertion, locked: bool) -> Result<(), Stop> {
        let tae = self.rt_fn("runtime.newTypeAssertionError")?;
        let value = self.new_type_assertion_error(self.site(f, tae), err.clone())?;
        if locked {
            self.unlock(crate::asm::at(f, 124), LockId::Iface)?;
        }
        let at = self.site(f, self.rf.panic);
        self.panic(at, value, Some(err.string().as_str()))
    }

    /// itab(inter, type, canfail) from `caller`: a type without an
    /// UncommonType has no methods (nil if canfail, else the panic at
    /// once); else the cached answer if the hash has one (looked up once
    /// without the lock, once with it; a cached negative answer without
    /// canfail searches again, unlocked, to name the method); else a new
    /// Itab from malloc, filled by the method search, and cached even when
    /// the type lacks a method (canfail); without canfail a missing method
    /// panics ("T is not I: missing method M"), the lock released first.
    fn itab(
        &mut self,
        caller: FuncId,
        inter: &InterRef,
        fit: &Fit,
        canfail: bool,
    ) -> Result<Option<Addr>, Stop> {
        let f = self.rt_fn("itab")?;
        self.call(caller, f, &[inter.word, fit.ty, u64::from(canfail)])?;
        let key = (inter.word, fit.ty);
        let cached = if fit.uncommon {
            self.ifaces.itabs.get(&key).copied()
        } else {
            Some(None)
        };
        match cached {
            Some(Some(m)) => {
                self.leave(f)?;
                return Ok(Some(m));
            }
            Some(None) if canfail => {
                self.leave(f)?;
                return Ok(None);
            }
            Some(None) => return self.itab_throw(f, inter, fit, false),
            None => {}
        }
        self.lock(f, LockId::Iface)?;
        let m = self.malloc(f, ITAB_HEADER + 8 * inter.nmethods)?;
        if fit.missing.is_some() && !canfail {
            return self.itab_throw(f, inter, fit, true);
        }
        let m = fit.missing.is_none().then_some(m);
        self.ifaces.itabs.insert(key, m);
        // `out:`'s unlock (the first is the failed assertion's).
        self.unlock(crate::asm::at(f, 142), LockId::Iface)?;
        self.leave(f)?;
        Ok(m)
    }

    /// itab's `throw:` in `f`: the TypeAssertionError naming the missing
    /// method, then the panic.
    fn itab_throw(
        &mut self,
        f: FuncId,
        inter: &InterRef,
        fit: &Fit,
        locked: bool,
    ) -> Result<Option<Addr>, Stop> {
        let err = TypeAssertion {
            inter: None,
            concrete: Some(fit.ty_name.clone()),
            asserted: inter.name.clone(),
            missing: fit.missing.clone(),
        };
        self.raise_assertion(f, err, locked).map(|()| None)
    }

    /// runtime·ifaceeq(i1, i2) or, for interface{} (`eface`),
    /// runtime·efaceeq(e1, e2), from Go code, `==` (and `!=`) of two
    /// interfaces: ifaceeq_c or efaceeq_c compares the type words (itabs
    /// for an interface with methods), equal nil ones are equal, else
    /// ifaceeq1 compares the values by the dynamic type's algarray equal
    /// (on the data words themselves for a value of up to a word, else
    /// on what they point at); a type without one (ANOEQ) panics
    /// "comparing uncomparable type T". `dynamic` is the values' type
    /// when the type words agree and are not nil.
    pub fn ifaceeq(
        &mut self,
        ret: Addr,
        eface: bool,
        (a, b): ((Addr, Addr), (Addr, Addr)),
        dynamic: Option<&Compared>,
    ) -> Result<bool, Stop> {
        let (outer, inner) = if eface {
            ("runtime.efaceeq", "runtime.efaceeq_c")
        } else {
            ("runtime.ifaceeq", "runtime.ifaceeq_c")
        };
        let f = self.rt_fn(outer)?;
        let words = [a.0, a.1, b.0, b.1];
        self.call_at(ret, f, &words)?;
        let c = self.rt_fn(inner)?;
        self.call(f, c, &words)?;
        let same = match dynamic {
            _ if a.0 != b.0 => false,
            None => true,
            Some(d) => self.ifaceeq1(c, (a.1, b.1), d)?,
        };
        self.leave(c)?;
        self.leave(f)?;
        Ok(same)
    }

    /// ifaceeq1(data1, data2, t) from `caller`.
    fn ifaceeq1(
        &mut self,
        caller: FuncId,
        (d1, d2): (Addr, Addr),
        t: &Compared,
    ) -> Result<bool, Stop> {
        let f = self.rt_fn("ifaceeq1")?;
        self.call(caller, f, &[d1, d2, 0])?;
        if t.alg == Alg::NoEq {
            // The C literal's address is not modelled: nothing prints it.
            self.gostringnocopy(f.into(), 0)?;
            let msg = self.catstring(f, "comparing uncomparable type ", &t.ty_name)?;
            let e = self.new_error_string(f, 0, &msg)?;
            let at = self.site(f, self.rf.panic);
            self.panic(at, e, Some(&format!("runtime error: {msg}")))?;
            unreachable!("runtime·panic does not return");
        }
        let nth = usize::from(t.size as usize > std::mem::size_of::<u64>());
        let ret = self.site_indirect(f, nth);
        let same = self.alg_equal(ret, t.alg, t.size, t.lens, t.same)?;
        self.leave(f)?;
        Ok(same)
    }

    /// error.go's printany(e) from printpanics (`caller`), for a value
    /// whose text the twin has: its type switch's efacethash, then
    /// assertE2I2 to runtime.stringer (an itab made, or found negative,
    /// the first time for the value's type), then for the runtime's
    /// errors the String call through that itab (errorString's
    /// concatenation allocating); the text is printed. (A value of
    /// another type is printed by its case, which allocates nothing.)
    pub(crate) fn printany(&mut self, caller: FuncId, e: Eface, text: &str) -> Result<(), Stop> {
        let f = self.rt_fn("runtime.printany")?;
        self.call(caller, f, &[e.ty, e.data])?;
        let hash = self.rt_fn("runtime.efacethash")?;
        self.efacethash(self.site(f, hash), e)?;
        if e.ty != 0 {
            let ty_name = self.type_name(e.ty).unwrap_or_default().to_string();
            let stringer = ty_name == ERROR_STRING || ty_name == TYPE_ASSERTION_ERROR;
            let inter = InterRef {
                word: self.type_word("runtime.stringer"),
                name: "runtime.stringer".into(),
                nmethods: 1,
            };
            // Types without methods of their own: an unnamed one has no
            // UncommonType.
            let unnamed = ty_name.starts_with(['*', '['])
                || ty_name.starts_with("map[")
                || ty_name.starts_with("chan ")
                || ty_name.starts_with("func(");
            let fit = Fit {
                ty: e.ty,
                ty_name: ty_name.clone(),
                missing: (!stringer).then(|| "String".to_string()),
                uncommon: stringer || !unnamed,
            };
            let assert = self.rt_fn("runtime.assertE2I2")?;
            self.assert_e2i2(self.site(f, assert), &inter, e, Some(&fit))?;
            let call = self.site_indirect(f, 0);
            if ty_name == ERROR_STRING {
                self.error_string_string(call, e.data)?;
            } else if ty_name == TYPE_ASSERTION_ERROR {
                self.type_assertion_string(call, e.data)?;
            }
        }
        self.print(text);
        self.leave(f)
    }

    /// A call of String() through an interface holding an errorString at
    /// `data`, from Go code returning to `ret`: the itab's method is the
    /// pointer wrapper runtime.*errorString·String (the value is two words,
    /// so the data word points at it), which calls errorString·String,
    /// which concatenates "runtime error: " and the string.
    pub fn error_string_string(&mut self, ret: Addr, data: Addr) -> Result<String, Stop> {
        let msg = self.error_string(data).unwrap_or_default().to_string();
        let wrapper = self.rt_fn("runtime.*errorString·String")?;
        let method = self.rt_fn("runtime.errorString·String")?;
        self.call_at(ret, wrapper, &[data])?;
        self.call(wrapper, method, &[0, msg.len() as u64])?;
        let concat = self.rt_fn("runtime.concatstring")?;
        let cat = self.site(method, concat);
        let s = self.concatstring(cat, &["runtime error: ", &msg])?;
        self.leave(method)?;
        self.leave(wrapper)?;
        Ok(s)
    }
}
