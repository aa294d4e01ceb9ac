//! The compiler's types: what gc's Type records that the twin needs (a
//! value's size and alignment as dowidth gives them, its type string, its
//! methods).

use std::cell::RefCell;
use std::rc::Rc;

/// A pointer or uintptr, where only its size and alignment matter.
pub(crate) const PTR: Ty = Ty::Int {
    bits: 64,
    signed: false,
};

/// The byte type (uint8), whose arrays the twin keeps as bytes.
pub(crate) const BYTE: Ty = Ty::Int {
    bits: 8,
    signed: false,
};

/// A static type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// An integer of `bits` bits.
    Int {
        bits: u8,
        signed: bool,
    },
    Bool,
    Str,
    Float64,
    /// `float32`: its arithmetic rounds to single precision (SSE's
    /// ADDSS and the rest).
    Float32,
    /// `complex128`: two float64s, real then imaginary.
    Complex128,
    /// `complex64`: two float32s, its arithmetic in single precision.
    Complex64,
    Chan(Box<Ty>),
    Func(Rc<Sig>),
    /// `[N]T`.
    Array(u32, Box<Ty>),
    /// `[]T`.
    Slice(Box<Ty>),
    /// `map[K]V`: a pointer to hashmap.c's Hmap.
    Map(Box<Ty>, Box<Ty>),
    /// A named struct type.
    Struct(Rc<StructTy>),
    /// Any other named type (`type T int`, `type S []int`): a type of its
    /// own, with its own methods, laid out as its underlying type.
    Named(Rc<NamedTy>),
    /// `interface{}`.
    Eface,
    /// A named interface with methods.
    Iface(Rc<IfaceTy>),
    /// `*T`.
    Ptr(Box<Ty>),
    /// error.go's runtime.errorString, the dynamic type of the runtime's
    /// own errors (no source names it).
    ErrorString,
    /// error.go's *runtime.TypeAssertionError, what a failed assertion
    /// panics with.
    TypeAssertionError,
    /// An untyped nil.
    Nil,
}

impl Ty {
    /// `int` in this dialect: 32 bits, also on amd64.
    pub const INT: Ty = Ty::Int {
        bits: 32,
        signed: true,
    };

    /// Whether an integer constant has a value of this integer type
    /// (const.c's overflow check: 6g refuses `int8(300)`).
    pub fn holds(&self, v: i128) -> bool {
        match *self.under() {
            Ty::Int { bits, signed: true } => {
                let half = 1i128 << (bits - 1);
                (-half..half).contains(&v)
            }
            Ty::Int {
                bits,
                signed: false,
            } => (0..1i128 << bits).contains(&v),
            _ => false,
        }
    }

    /// Whether it is a floating-point type.
    pub fn is_float(&self) -> bool {
        matches!(self.under(), Ty::Float64 | Ty::Float32)
    }

    /// Whether it is a complex type.
    pub fn is_complex(&self) -> bool {
        matches!(self.under(), Ty::Complex128 | Ty::Complex64)
    }

    /// The type of a complex type's parts (cplxsubtype).
    pub fn part(&self) -> Ty {
        if *self.under() == Ty::Complex64 {
            Ty::Float32
        } else {
            Ty::Float64
        }
    }

    /// The underlying type: a named type's, else the type itself.
    pub fn under(&self) -> &Ty {
        match self {
            Ty::Named(n) => &n.under,
            t => t,
        }
    }

    /// Bytes the value takes in an argument frame.
    pub fn size(&self) -> u32 {
        match self {
            Ty::Named(n) => n.under.size(),
            Ty::Int { bits, .. } => u32::from(*bits) / 8,
            Ty::Bool => 1,
            Ty::Float32 => 4,
            Ty::Str | Ty::Complex128 => 16,
            Ty::Chan(_)
            | Ty::Func(_)
            | Ty::Ptr(_)
            | Ty::Map(..)
            | Ty::TypeAssertionError
            | Ty::Float64
            | Ty::Complex64
            | Ty::Nil => 8,
            // dowidth gives an empty array or struct a width of 1.
            Ty::Array(n, elem) => (n * elem.size()).max(1),
            // array pointer, then 32-bit len and cap; type or itab, data
            Ty::Slice(_) | Ty::Eface | Ty::Iface(_) | Ty::ErrorString => 16,
            // Each field at its alignment, the whole rounded to the largest.
            Ty::Struct(st) => {
                let mut off: u32 = 0;
                let mut most: u32 = 1;
                for (_, t) in st.fields().iter() {
                    let a = t.align();
                    most = most.max(a);
                    off = off.next_multiple_of(a) + t.size();
                }
                off.next_multiple_of(most).max(1)
            }
        }
    }

    /// The alignment 6g gives a value of the type.
    pub fn align(&self) -> u32 {
        match self {
            Ty::Named(n) => n.under.align(),
            Ty::Array(_, e) => e.align(),
            Ty::Struct(st) => st
                .fields()
                .iter()
                .map(|(_, t)| t.align())
                .max()
                .unwrap_or(1),
            Ty::Str | Ty::Slice(_) | Ty::Eface | Ty::Iface(_) | Ty::ErrorString => 8,
            t => t.size().clamp(1, 8),
        }
    }

    /// A struct this value holds in itself whose fields are not resolved
    /// yet (its size is not known until they are).
    pub(crate) fn unresolved(&self) -> Option<String> {
        match self {
            Ty::Struct(st) if !st.has_fields() => Some(st.name.clone()),
            Ty::Struct(st) => st.fields().iter().find_map(|(_, f)| f.unresolved()),
            Ty::Array(_, e) => e.unresolved(),
            Ty::Named(n) => n.under.unresolved(),
            _ => None,
        }
    }

    /// The element type of an array or slice.
    pub(crate) fn elem(&self) -> Option<&Ty> {
        match self.under() {
            Ty::Array(_, e) | Ty::Slice(e) => Some(e),
            _ => None,
        }
    }

    /// Whether algtype gives it AMEMWORD (memwordcopy): a word-sized
    /// scalar, pointer, channel or function.
    pub fn memword(&self) -> bool {
        matches!(
            self.under(),
            Ty::Int { .. }
                | Ty::Bool
                | Ty::Float64
                | Ty::Complex64
                | Ty::Chan(_)
                | Ty::Func(_)
                | Ty::Ptr(_)
                | Ty::Map(..)
                | Ty::TypeAssertionError
        ) && self.size() == 8
    }

    /// Whether a value holds pointers (what makeslice asks the type).
    pub fn has_pointers(&self) -> bool {
        match self {
            Ty::Named(n) => n.under.has_pointers(),
            Ty::Int { .. }
            | Ty::Bool
            | Ty::Float64
            | Ty::Float32
            | Ty::Complex128
            | Ty::Complex64 => false,
            Ty::Array(_, e) => e.has_pointers(),
            Ty::Struct(st) => st.fields().iter().any(|(_, t)| t.has_pointers()),
            Ty::Str
            | Ty::Chan(_)
            | Ty::Func(_)
            | Ty::Slice(_)
            | Ty::Map(..)
            | Ty::Eface
            | Ty::Iface(_)
            | Ty::Ptr(_)
            | Ty::ErrorString
            | Ty::TypeAssertionError
            | Ty::Nil => true,
        }
    }

    /// The type string the runtime knows it by (type.h's string).
    pub fn name(&self) -> String {
        match self {
            Ty::Int { bits, signed } if *bits == 32 => {
                (if *signed { "int" } else { "uint" }).into()
            }
            Ty::Int { bits, signed } => format!("{}int{bits}", if *signed { "" } else { "u" }),
            Ty::Bool => "bool".into(),
            Ty::Str => "string".into(),
            Ty::Float64 => "float64".into(),
            Ty::Float32 => "float32".into(),
            Ty::Complex128 => "complex128".into(),
            Ty::Complex64 => "complex64".into(),
            Ty::Chan(e) => format!("chan {}", e.name()),
            Ty::Func(sig) => format!("func{}", sig.spelled(Ty::name)),
            Ty::Array(n, e) => format!("[{n}]{}", e.name()),
            Ty::Slice(e) => format!("[]{}", e.name()),
            // 6g's %T of a map type.
            Ty::Map(k, v) => format!("map[{}] {}", k.name(), v.name()),
            Ty::Struct(st) => st.runtime_name(),
            Ty::Named(n) => format!("main.{}", n.name),
            Ty::Eface => "interface { }".into(),
            Ty::Iface(it) => it.runtime_name(),
            Ty::Ptr(e) => format!("*{}", e.name()),
            Ty::ErrorString => crate::iface::ERROR_STRING.into(),
            Ty::TypeAssertionError => crate::iface::TYPE_ASSERTION_ERROR.into(),
            Ty::Nil => "nil".into(),
        }
    }

    /// The names of its methods, sorted.
    pub fn methods(&self) -> Vec<String> {
        let names = |ms: &[&str]| ms.iter().map(|m| m.to_string()).collect();
        match self {
            Ty::ErrorString => names(&["RuntimeError", "String"]),
            Ty::TypeAssertionError => names(&[
                "Asserted",
                "Concrete",
                "MissingMethod",
                "RuntimeError",
                "String",
            ]),
            Ty::Iface(it) => it.methods().iter().map(|(n, _)| n.clone()).collect(),
            _ => Vec::new(),
        }
    }
}

/// The type as the Go source spells it, as 6g's messages print it
/// (`*box`, `Counter`, `func(int) string`): for errors, never the
/// runtime's type string.
impl std::fmt::Display for Ty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ty::Chan(e) => write!(f, "chan {e}"),
            Ty::Func(sig) => write!(f, "func{sig}"),
            Ty::Array(n, e) => write!(f, "[{n}]{e}"),
            Ty::Slice(e) => write!(f, "[]{e}"),
            Ty::Map(k, v) => write!(f, "map[{k}] {v}"),
            Ty::Struct(st) => f.write_str(&st.name),
            Ty::Named(n) => f.write_str(&n.name),
            Ty::Eface => f.write_str("interface {}"),
            Ty::Iface(it) => f.write_str(&it.name),
            Ty::Ptr(e) => write!(f, "*{e}"),
            Ty::ErrorString => f.write_str("runtime.errorString"),
            Ty::TypeAssertionError => f.write_str("*runtime.TypeAssertionError"),
            t => f.write_str(&t.name()),
        }
    }
}

impl std::fmt::Display for Sig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.spelled(Ty::to_string))
    }
}

impl Sig {
    /// `(int, ...string) (int, bool)`, each type spelled by `name` (as
    /// the source spells it, or by the runtime's type string).
    fn spelled(&self, name: impl Fn(&Ty) -> String) -> String {
        let list = |tys: &[Ty]| tys.iter().map(&name).collect::<Vec<_>>().join(", ");
        let mut params = list(&self.params);
        if let (true, Some(Ty::Slice(last))) = (self.variadic, self.params.last()) {
            let n = self.params.len() - 1;
            let last = name(last);
            params = list(&self.params[..n]);
            params = if n == 0 {
                format!("...{last}")
            } else {
                format!("{params}, ...{last}")
            };
        }
        match self.results.as_slice() {
            [] => format!("({params})"),
            [one] => format!("({params}) {}", name(one)),
            many => format!("({params}) ({})", list(many)),
        }
    }
}

/// A body a declared type gets once its declaration resolves: a field or
/// a method may name the type itself (`type Node struct { next *Node }`),
/// so the type exists, by name, before its body does. The body is an Rc
/// cycle when it does; [`Declared`] breaks it when the program goes.
///
/// Invariant: every body is set before code is compiled against it.
struct Body<T: ?Sized>(RefCell<Option<Rc<T>>>);

impl<T: ?Sized> Body<T> {
    fn new(body: Option<Rc<T>>) -> Body<T> {
        Body(RefCell::new(body))
    }

    fn get(&self) -> Rc<T> {
        self.0
            .borrow()
            .clone()
            .expect("a declared type's body is set before it is used")
    }

    fn is_set(&self) -> bool {
        self.0.borrow().is_some()
    }

    fn set(&self, body: Rc<T>) {
        *self.0.borrow_mut() = Some(body);
    }

    fn clear(&self) {
        self.0.borrow_mut().take();
    }
}

/// A named interface type: its methods, sorted by name as the runtime
/// keeps them. Two interface types are the same only if they are the same
/// declaration.
pub struct IfaceTy {
    /// Its name; of an unnamed interface type, the type as Go spells it
    /// (`interface { M(int) string; N() }`).
    pub name: String,
    methods: Body<[(String, Rc<Sig>)]>,
    /// An interface type written out, known to the runtime by its
    /// methods, as [`StructTy`]'s.
    unnamed: bool,
}

impl IfaceTy {
    /// An interface whose methods are set later (see [`Body`]).
    pub(crate) fn declared(name: String) -> IfaceTy {
        IfaceTy {
            name,
            methods: Body::new(None),
            unnamed: false,
        }
    }

    /// The interface type `interface { ... }` of these methods (sorted).
    pub(crate) fn unnamed(methods: Vec<(String, Rc<Sig>)>) -> IfaceTy {
        IfaceTy {
            name: iface_string(&methods, Ty::to_string),
            methods: Body::new(Some(methods.into())),
            unnamed: true,
        }
    }

    pub fn is_unnamed(&self) -> bool {
        self.unnamed
    }

    /// The type string the runtime knows it by.
    fn runtime_name(&self) -> String {
        if self.unnamed {
            iface_string(&self.methods(), Ty::name)
        } else {
            format!("main.{}", self.name)
        }
    }

    pub fn methods(&self) -> Rc<[(String, Rc<Sig>)]> {
        self.methods.get()
    }

    pub(crate) fn has_methods(&self) -> bool {
        self.methods.is_set()
    }

    pub(crate) fn set_methods(&self, methods: Vec<(String, Rc<Sig>)>) {
        self.methods.set(methods.into());
    }
}

/// The integer types by name, with their bits and signedness (`int` and
/// `uint` are 32 bits in this dialect, also on amd64).
pub(crate) const INTS: [(&str, u8, bool); 11] = [
    ("int", 32, true),
    ("int32", 32, true),
    ("int64", 64, true),
    ("int8", 8, true),
    ("int16", 16, true),
    ("uint", 32, false),
    ("uint32", 32, false),
    ("uint64", 64, false),
    ("byte", 8, false),
    ("uint8", 8, false),
    ("uint16", 16, false),
];

/// A struct type: its name and fields in order. Two struct types are the
/// same only if they are the same declaration.
pub struct StructTy {
    /// Its name; of an unnamed struct type, the type as Go spells it
    /// (`struct { a int; b string }`).
    pub name: String,
    fields: Body<[(String, Ty)]>,
    /// The embedded fields (named by their types), by index.
    embedded: RefCell<Vec<usize>>,
    /// A struct type written out (`struct { ... }`), not declared: the
    /// runtime knows it by its fields, and identical ones are one type
    /// (the compiler makes one StructTy for each).
    unnamed: bool,
}

impl StructTy {
    /// A struct whose fields are set later (see [`Body`]).
    pub(crate) fn declared(name: String) -> StructTy {
        StructTy {
            name,
            fields: Body::new(None),
            embedded: RefCell::new(Vec::new()),
            unnamed: false,
        }
    }

    /// The struct type `struct { ... }` of these fields, spelled as 6g's
    /// %T spells it.
    pub(crate) fn unnamed(fields: Vec<(String, Ty)>, embedded: Vec<usize>) -> StructTy {
        let st = StructTy {
            name: struct_string(&fields, &embedded, |t| t.to_string()),
            fields: Body::new(Some(fields.into())),
            embedded: RefCell::new(embedded),
            unnamed: true,
        };
        debug_assert!(st.has_fields());
        st
    }

    pub fn is_unnamed(&self) -> bool {
        self.unnamed
    }

    /// The type string the runtime knows it by: `main.T`, or of an
    /// unnamed one its fields with the runtime's names of their types.
    fn runtime_name(&self) -> String {
        if self.unnamed {
            struct_string(&self.fields(), &self.embedded(), Ty::name)
        } else {
            format!("main.{}", self.name)
        }
    }

    /// The indexes of its embedded fields.
    pub fn embedded(&self) -> Vec<usize> {
        self.embedded.borrow().clone()
    }

    pub(crate) fn set_embedded(&self, embedded: Vec<usize>) {
        *self.embedded.borrow_mut() = embedded;
    }

    pub fn fields(&self) -> Rc<[(String, Ty)]> {
        self.fields.get()
    }

    /// The byte offset of field `i`, each field at its alignment (dowidth).
    pub fn offset(&self, i: usize) -> u32 {
        let mut off: u32 = 0;
        for (k, (_, t)) in self.fields().iter().enumerate() {
            off = off.next_multiple_of(t.align());
            if k == i {
                break;
            }
            off += t.size();
        }
        off
    }

    pub(crate) fn has_fields(&self) -> bool {
        self.fields.is_set()
    }

    pub(crate) fn set_fields(&self, fields: Rc<[(String, Ty)]>) {
        self.fields.set(fields);
    }
}

/// typefmt's spelling of a struct type: its fields, `; ` between them,
/// an embedded one by its type alone; `struct { }` when it has none.
fn struct_string(
    fields: &[(String, Ty)],
    embedded: &[usize],
    name: impl Fn(&Ty) -> String,
) -> String {
    let fs: Vec<String> = fields
        .iter()
        .enumerate()
        .map(|(i, (f, t))| match embedded.contains(&i) {
            true => name(t),
            false => format!("{f} {}", name(t)),
        })
        .collect();
    format!("struct {{ {} }}", fs.join("; ")).replace("{  }", "{ }")
}

/// typefmt's spelling of an interface type: `interface { M(int) string;
/// N() }`, `interface { }` without methods.
fn iface_string(methods: &[(String, Rc<Sig>)], name: impl Fn(&Ty) -> String + Copy) -> String {
    let ms: Vec<String> = methods
        .iter()
        .map(|(m, sig)| format!("{m}{}", sig.spelled(name)))
        .collect();
    format!("interface {{ {} }}", ms.join("; ")).replace("{  }", "{ }")
}

/// Declared types are compared by identity, and printed by name: a body
/// may hold the type itself.
macro_rules! declared_by_identity {
    ($($t:ty),*) => {$(
        impl PartialEq for $t {
            fn eq(&self, other: &$t) -> bool {
                std::ptr::eq(self, other)
            }
        }

        impl Eq for $t {}

        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.name)
            }
        }
    )*};
}

declared_by_identity!(StructTy, IfaceTy, NamedTy);

/// A named type other than a struct or an interface. Its underlying type
/// is known when it is made: a cycle through it alone (`type F func() F`)
/// is refused.
pub struct NamedTy {
    pub name: String,
    pub under: Ty,
}

/// The package's declared structs and interfaces, whose bodies are
/// emptied when the last program holding them is dropped: that breaks the
/// Rc cycles of recursive types.
#[derive(Default)]
pub struct Declared {
    structs: Vec<Rc<StructTy>>,
    ifaces: Vec<Rc<IfaceTy>>,
}

impl Declared {
    pub(crate) fn add(&mut self, ty: &Ty) {
        match ty {
            Ty::Struct(st) => self.structs.push(st.clone()),
            Ty::Iface(it) => self.ifaces.push(it.clone()),
            _ => {}
        }
    }
}

impl Drop for Declared {
    fn drop(&mut self) {
        for st in &self.structs {
            st.fields.clear();
        }
        for it in &self.ifaces {
            it.methods.clear();
        }
    }
}

impl std::fmt::Debug for Declared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.structs.iter().map(|s| &s.name))
            .entries(self.ifaces.iter().map(|i| &i.name))
            .finish()
    }
}

/// A function's parameter and result types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sig {
    pub params: Vec<Ty>,
    pub results: Vec<Ty>,
    /// The last parameter is `...T`, a []T.
    pub variadic: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recursive_struct_is_freed_with_its_declarations() {
        // type node struct { next *node }: the body holds the type itself.
        let node = Rc::new(StructTy::declared("node".into()));
        let ptr = Ty::Ptr(Box::new(Ty::Struct(node.clone())));
        node.set_fields(vec![("next".to_string(), ptr)].into());
        assert_eq!(Ty::Struct(node.clone()).size(), 8);
        assert_eq!(format!("{:?}", Ty::Struct(node.clone())), "Struct(node)");
        let mut declared = Declared::default();
        declared.add(&Ty::Struct(node.clone()));
        let weak = Rc::downgrade(&node);
        drop(node);
        assert!(
            weak.upgrade().is_some(),
            "the cycle keeps it while declared"
        );
        drop(declared);
        assert!(
            weak.upgrade().is_none(),
            "dropping the declarations frees it"
        );
    }
}
