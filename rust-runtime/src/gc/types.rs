//! The compiler's types: what gc's Type records that the twin needs (a
//! value's size and alignment as dowidth gives them, its type string, its
//! methods).

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
    /// `float64` (the only float the fixtures use).
    Float64,
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
    pub fn holds(&self, v: i64) -> bool {
        match *self.under() {
            Ty::Int {
                bits: 64,
                signed: true,
            } => true,
            Ty::Int {
                bits: 64,
                signed: false,
            } => v >= 0,
            Ty::Int { bits, signed: true } => {
                let half = 1i64 << (bits - 1);
                (-half..half).contains(&v)
            }
            Ty::Int {
                bits,
                signed: false,
            } => (0..1i64 << bits).contains(&v),
            _ => false,
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
            Ty::Str => 16,
            Ty::Chan(_)
            | Ty::Func(_)
            | Ty::Ptr(_)
            | Ty::Map(..)
            | Ty::TypeAssertionError
            | Ty::Float64
            | Ty::Nil => 8,
            Ty::Array(n, elem) => n * elem.size(),
            // array pointer, then 32-bit len and cap; type or itab, data
            Ty::Slice(_) | Ty::Eface | Ty::Iface(_) | Ty::ErrorString => 16,
            // Each field at its alignment, the whole rounded to the largest.
            Ty::Struct(st) => {
                let mut off: u32 = 0;
                let mut most: u32 = 1;
                for (_, t) in &st.fields {
                    let a = t.align();
                    most = most.max(a);
                    off = off.next_multiple_of(a) + t.size();
                }
                off.next_multiple_of(most)
            }
        }
    }

    /// The alignment 6g gives a value of the type.
    pub fn align(&self) -> u32 {
        match self {
            Ty::Named(n) => n.under.align(),
            Ty::Array(_, e) => e.align(),
            Ty::Struct(st) => st.fields.iter().map(|(_, t)| t.align()).max().unwrap_or(1),
            Ty::Str | Ty::Slice(_) | Ty::Eface | Ty::Iface(_) | Ty::ErrorString => 8,
            t => t.size().clamp(1, 8),
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
            Ty::Int { .. } | Ty::Bool | Ty::Float64 => false,
            Ty::Array(_, e) => e.has_pointers(),
            Ty::Struct(st) => st.fields.iter().any(|(_, t)| t.has_pointers()),
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
            Ty::Chan(e) => format!("chan {}", e.name()),
            Ty::Func(_) => "func()".into(),
            Ty::Array(n, e) => format!("[{n}]{}", e.name()),
            Ty::Slice(e) => format!("[]{}", e.name()),
            // 6g's %T of a map type.
            Ty::Map(k, v) => format!("map[{}] {}", k.name(), v.name()),
            Ty::Struct(st) => format!("main.{}", st.name),
            Ty::Named(n) => format!("main.{}", n.name),
            Ty::Eface => "interface { }".into(),
            Ty::Iface(it) => format!("main.{}", it.name),
            Ty::Ptr(e) => format!("*{}", e.name()),
            Ty::ErrorString => crate::iface::ERROR_STRING.into(),
            Ty::TypeAssertionError => crate::iface::TYPE_ASSERTION_ERROR.into(),
            Ty::Nil => "nil".into(),
        }
    }

    /// The names of its methods, sorted.
    pub fn methods(&self) -> Vec<&str> {
        match self {
            Ty::ErrorString => vec!["RuntimeError", "String"],
            Ty::TypeAssertionError => vec![
                "Asserted",
                "Concrete",
                "MissingMethod",
                "RuntimeError",
                "String",
            ],
            Ty::Iface(it) => it.methods.iter().map(|(n, _)| n.as_str()).collect(),
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
        let list = |tys: &[Ty]| tys.iter().map(Ty::to_string).collect::<Vec<_>>().join(", ");
        let mut params = list(&self.params);
        if let (true, Some(Ty::Slice(last))) = (self.variadic, self.params.last()) {
            let n = self.params.len() - 1;
            params = list(&self.params[..n]);
            params = if n == 0 {
                format!("...{last}")
            } else {
                format!("{params}, ...{last}")
            };
        }
        write!(f, "({params})")?;
        match self.results.as_slice() {
            [] => Ok(()),
            [one] => write!(f, " {one}"),
            many => write!(f, " ({})", list(many)),
        }
    }
}

/// A named interface type: its methods, sorted by name as the runtime
/// keeps them.
#[derive(Debug, PartialEq, Eq)]
pub struct IfaceTy {
    pub name: String,
    pub methods: Vec<(String, Rc<Sig>)>,
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

/// A struct type: its name and fields in order.
#[derive(Debug, PartialEq, Eq)]
pub struct StructTy {
    pub name: String,
    pub fields: Vec<(String, Ty)>,
}

/// A named type other than a struct or an interface.
#[derive(Debug, PartialEq, Eq)]
pub struct NamedTy {
    pub name: String,
    pub under: Ty,
}

/// A function's parameter and result types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sig {
    pub params: Vec<Ty>,
    pub results: Vec<Ty>,
    /// The last parameter is `...T`, a []T.
    pub variadic: bool,
}
