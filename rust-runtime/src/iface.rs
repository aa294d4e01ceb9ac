//! iface.c: interface values. convT2E, which 6g calls to make an
//! interface{} (for `panic(v)` and conversions), assertE2I2 with itab's
//! cache, and the runtime's own error type, error.go's errorString, whose
//! String method a program calls through an interface.

use std::collections::HashMap;

use crate::lock::{Lock, LockId};
use crate::proc::Runtime;
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
/// whether its algarray copy is memwordcopy (a word-sized scalar).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeRef {
    pub word: Addr,
    pub size: u32,
    pub memword: bool,
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
}

impl TypeAssertion {
    /// The pieces String() concatenates.
    fn parts(&self) -> Vec<String> {
        let a = self.asserted.clone();
        let inter = self.inter.clone().unwrap_or_else(|| "interface".into());
        match &self.concrete {
            None => vec![
                "interface conversion: ".into(),
                inter,
                " is nil, not ".into(),
                a,
            ],
            Some(c) => vec![
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
    /// returning to `ret`, for a type that has the `nmethods` methods of
    /// `inter` (the compiler checked): Iface{itab(inter, t, 0), data}, the
    /// data word as copyin leaves it. Returns the itab and the data word's
    /// allocation, if any.
    pub fn convt2i(
        &mut self,
        ret: Addr,
        t: TypeRef,
        inter: Addr,
        nmethods: u32,
    ) -> Result<(Addr, Option<Addr>), Stop> {
        let f = self
            .tab
            .lookup("runtime.convT2I")
            .expect("checked by the caller");
        self.call_at(ret, f, &[t.word, inter])?;
        // ret = elem + rnd(wid, Structrnd)
        let rnd = self.rf.rnd;
        self.call(f, rnd, &[u64::from(t.size), 8])?;
        self.leave(rnd)?;
        let tab = self.itab(f, inter, nmethods, t.word, false, true)?;
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
        let f = if t.memword {
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
            memword: true,
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
        // concatenation that starts on 40 ends): the types differ.
        let line = if err.concrete.is_none() { 37 } else { 41 };
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
            memword: false,
        };
        let data = self.convt2e(self.site(nes, conv), t)?.unwrap_or(0);
        self.leave(nes)?;
        self.ifaces.errors.insert(data, msg.to_string());
        Ok(Eface {
            ty: self.type_word(ERROR_STRING),
            data,
        })
    }

    /// runtime·assertE2I2(inter, e) from Go code, for an interface of
    /// `nmethods` methods that `e`'s type does or does not implement (the
    /// program knows its method sets): the itab, or None (ok false).
    pub fn assert_e2i2(
        &mut self,
        ret: Addr,
        inter: Addr,
        nmethods: u32,
        e: Eface,
        implements: bool,
    ) -> Result<Option<Addr>, Stop> {
        let f = self.rt_fn("runtime.assertE2I2")?;
        self.call_at(ret, f, &[inter, e.ty, e.data])?;
        let tab = if e.ty == 0 {
            None
        } else {
            self.itab(f, inter, nmethods, e.ty, true, implements)?
        };
        self.leave(f)?;
        Ok(tab)
    }

    /// itab(inter, type, canfail): the cached answer if the hash has one
    /// (looked up once without the lock, once with it), else a new Itab
    /// from malloc, filled by the method search, and cached even when the
    /// type lacks a method (canfail: assertE2I2; convT2I's types have
    /// every method, the compiler checked).
    fn itab(
        &mut self,
        caller: FuncId,
        inter: Addr,
        nmethods: u32,
        ty: Addr,
        canfail: bool,
        implements: bool,
    ) -> Result<Option<Addr>, Stop> {
        let f = self.rt_fn("itab")?;
        self.call(caller, f, &[inter, ty, u64::from(canfail)])?;
        if let Some(&m) = self.ifaces.itabs.get(&(inter, ty)) {
            self.leave(f)?;
            return Ok(m);
        }
        self.lock(f, LockId::Iface)?;
        let m = self.malloc(f, ITAB_HEADER + 8 * nmethods)?;
        let m = implements.then_some(m);
        self.ifaces.itabs.insert((inter, ty), m);
        // `out:`'s unlock (the first is the failed assertion's).
        self.unlock(crate::asm::at(f, 142), LockId::Iface)?;
        self.leave(f)?;
        Ok(m)
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
