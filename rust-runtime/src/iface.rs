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

/// The state iface.c and error.go keep.
#[derive(Debug, Default)]
pub struct Ifaces {
    /// Type strings, by descriptor.
    types: Vec<String>,
    /// itab's hash table: (inter, type) to the Itab's address, or None
    /// for a cached negative answer (m->bad).
    itabs: HashMap<(Addr, Addr), Option<Addr>>,
    pub(crate) ifacelock: Lock,
    /// The errorString values newErrorString made, by data address.
    errors: HashMap<Addr, String>,
}

/// Where ifacelock lies, as tracebacks print it (the twin's address).
pub(crate) const IFACELOCK_ADDR: Addr = 0x42_9d70;

impl Runtime {
    /// The Type* of the type named `name`.
    pub fn type_word(&mut self, name: &str) -> Addr {
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
        let i = ty.checked_sub(TYPES_BASE)? / TYPE_STRIDE;
        self.ifaces.types.get(i as usize).map(String::as_str)
    }

    /// The string of the errorString at `data` (a runtime error's value).
    pub fn error_string(&self, data: Addr) -> Option<&str> {
        self.ifaces.errors.get(&data).map(String::as_str)
    }

    /// runtime·convT2E(t, elem) (textflag 7) from Go code, returning to
    /// `ret`, for a value of `wid` bytes: Eface{t, data}, where copyin
    /// stores a value of up to a word in data itself and mallocs room for
    /// a bigger one (a string's 16 bytes). Returns the data word's
    /// allocation, if any.
    pub fn convt2e(&mut self, ret: Addr, wid: u32) -> Result<Option<Addr>, Stop> {
        let f = self.tab.lookup("runtime.convT2E").expect("in every table");
        self.call_at(ret, f, &[0])?;
        // ret = elem + rnd(wid, Structrnd)
        let rnd = self.tab.lookup("runtime.rnd").expect("in every table");
        self.call(f, rnd, &[u64::from(wid), 8])?;
        self.leave(rnd)?;
        let copyin = self.tab.lookup("copyin").expect("in every table");
        self.call(f, copyin, &[0, 0, 0])?;
        let data = if wid as usize <= std::mem::size_of::<u64>() {
            None
        } else {
            Some(self.mal(copyin, wid)?)
        };
        self.leave(copyin)?;
        self.leave(f)?;
        Ok(data)
    }

    /// error.go's newErrorString(s, &ret) from `caller` (panicstring):
    /// convT2E of errorString(s). Returns the value.
    pub(crate) fn new_error_string(&mut self, caller: FuncId, msg: &str) -> Result<Eface, Stop> {
        let nes = self
            .tab
            .lookup("runtime.newErrorString")
            .expect("in the table");
        self.call(caller, nes, &[0, msg.len() as u64, 0])?;
        let conv = self.tab.lookup("runtime.convT2E").expect("in the table");
        let data = self.convt2e(self.site(nes, conv), 16)?.unwrap_or(0);
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
        let f = self
            .tab
            .lookup("runtime.assertE2I2")
            .expect("in every table");
        self.call_at(ret, f, &[inter, e.ty, e.data])?;
        let tab = if e.ty == 0 {
            None
        } else {
            self.itab(f, inter, nmethods, e.ty, implements)?
        };
        self.leave(f)?;
        Ok(tab)
    }

    /// itab(inter, type, canfail=1): the cached answer if the hash has
    /// one (looked up once without the lock, once with it), else a new
    /// Itab from malloc, filled by the method search, and cached even when
    /// the type lacks a method.
    fn itab(
        &mut self,
        caller: FuncId,
        inter: Addr,
        nmethods: u32,
        ty: Addr,
        implements: bool,
    ) -> Result<Option<Addr>, Stop> {
        let f = self.tab.lookup("itab").expect("in every table");
        self.call(caller, f, &[inter, ty, 1])?;
        if let Some(&m) = self.ifaces.itabs.get(&(inter, ty)) {
            self.leave(f)?;
            return Ok(m);
        }
        self.lock(f, LockId::Iface)?;
        let m = self.malloc(f, ITAB_HEADER + 8 * nmethods)?;
        let m = implements.then_some(m);
        self.ifaces.itabs.insert((inter, ty), m);
        self.unlock(f, LockId::Iface)?;
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
        let wrapper = self
            .tab
            .lookup("runtime.*errorString·String")
            .expect("in every table");
        let method = self
            .tab
            .lookup("runtime.errorString·String")
            .expect("in every table");
        self.call_at(ret, wrapper, &[data])?;
        self.call(wrapper, method, &[0, msg.len() as u64])?;
        let concat = self
            .tab
            .lookup("runtime.concatstring")
            .expect("in every table");
        let cat = self.site(method, concat);
        let s = self.concatstring(cat, &["runtime error: ", &msg])?;
        self.leave(method)?;
        self.leave(wrapper)?;
        Ok(s)
    }
}
