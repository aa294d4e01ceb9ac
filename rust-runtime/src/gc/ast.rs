//! The syntax tree of a fixture, as cmd/gc's go.y builds it (only the
//! forms the Feb-2011 fixtures use; others are refused by the parser).

use super::lex::Pos;

#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub package: String,
    pub imports: Vec<(String, Pos)>,
    pub decls: Vec<Decl>,
    /// The line of its last token: where 6g's parser leaves off, and so
    /// the line fninit files main.init under.
    pub last_line: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Decl {
    Func(FuncDecl),
    Var(Vec<ValueSpec>),
    Const(Vec<ValueSpec>),
    Type(Vec<TypeSpec>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FuncDecl {
    pub pos: Pos,
    pub name: String,
    pub recv: Option<Param>,
    pub sig: FuncType,
    pub body: Block,
    /// The line of the body's closing brace.
    pub end_line: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: Option<String>,
    pub ty: Type,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FuncType {
    pub params: Vec<Param>,
    pub results: Vec<Param>,
    /// The last parameter is `...T`.
    pub variadic: bool,
}

/// `var a, b T = x, y` or `const c = iota` (one line of a group).
#[derive(Debug, Clone, PartialEq)]
pub struct ValueSpec {
    pub pos: Pos,
    pub names: Vec<String>,
    pub ty: Option<Type>,
    pub values: Vec<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeSpec {
    pub pos: Pos,
    pub name: String,
    pub ty: Type,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    Name(String, Pos),
    /// `[N]T`; the length is an expression (a constant).
    Array(Box<Expr>, Box<Type>),
    /// `[...]T`, an array as long as its literal.
    Counted(Box<Type>),
    Slice(Box<Type>),
    Map(Box<Type>, Box<Type>),
    Pointer(Box<Type>),
    Chan(ChanDir, Box<Type>),
    Func(Box<FuncType>),
    Struct(Vec<Field>),
    /// Method names with their signatures, and the interfaces embedded
    /// (their names, where they are written).
    Interface(Vec<(String, FuncType)>, Vec<(String, Pos)>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChanDir {
    Both,
    Send,
    Recv,
}

#[derive(Debug, Clone, PartialEq)]
/// A struct's field declaration; an embedded field has no names (its
/// name is its type's).
pub struct Field {
    pub names: Vec<String>,
    pub ty: Type,
}

pub type Block = Vec<Stmt>;

#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub pos: Pos,
    pub kind: StmtKind,
    /// The line 6g files it under: for a simple statement or a return,
    /// its last token's (yacc makes the node once it has read them all,
    /// so a call spread over lines is on its closing parenthesis's); for
    /// any other, its first.
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    Expr(Expr),
    /// `a, b = x, y` and `a += x` (op is "=" or the assignment operator).
    Assign {
        lhs: Vec<Expr>,
        op: &'static str,
        rhs: Vec<Expr>,
    },
    /// `a, b := x, y`.
    Define {
        names: Vec<String>,
        rhs: Vec<Expr>,
    },
    IncDec {
        target: Expr,
        inc: bool,
    },
    Send {
        chan: Expr,
        value: Expr,
    },
    Var(Vec<ValueSpec>),
    Const(Vec<ValueSpec>),
    Type(Vec<TypeSpec>),
    /// `go f(...)`; `line` is the line of the call's closing parenthesis,
    /// which 6g gives the statement's calls (closure, newproc): the line
    /// the parser reduced the statement on.
    Go {
        call: Expr,
        line: u32,
    },
    /// `defer f(...)`, `line` as for `Go` (closure, deferproc).
    Defer {
        call: Expr,
        line: u32,
    },
    Return(Vec<Expr>),
    /// `break` or `break L`.
    Break(Option<String>),
    /// `continue` or `continue L`.
    Continue(Option<String>),
    /// `goto L`.
    Goto(String),
    /// `fallthrough`, the last statement of a switch case.
    Fallthrough,
    /// `L: stmt`.
    Labeled {
        label: String,
        stmt: Box<Stmt>,
    },
    Block(Block),
    If {
        init: Option<Box<Stmt>>,
        cond: Expr,
        then: Block,
        els: Option<Box<Stmt>>,
    },
    For {
        init: Option<Box<Stmt>>,
        cond: Option<Expr>,
        post: Option<Box<Stmt>>,
        body: Block,
    },
    /// `for k, v := range x` (define) or `for k, v = range x`.
    Range {
        key: Option<Expr>,
        value: Option<Expr>,
        define: bool,
        expr: Expr,
        body: Block,
    },
    Switch {
        init: Option<Box<Stmt>>,
        tag: Option<Expr>,
        cases: Vec<CaseClause>,
    },
    /// `switch v := x.(type)`.
    TypeSwitch {
        bind: Option<String>,
        expr: Expr,
        cases: Vec<TypeClause>,
    },
    /// `select { ... }`; `line` is the line of the closing brace, which 6g
    /// gives the calls that set the select up and run it.
    Select {
        clauses: Vec<CommClause>,
        line: u32,
    },
    Empty,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CaseClause {
    pub pos: Pos,
    /// Empty for `default`.
    pub exprs: Vec<Expr>,
    pub default: bool,
    pub body: Block,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeClause {
    pub pos: Pos,
    /// Empty for `default`; `None` stands for `nil`.
    pub types: Vec<Option<Type>>,
    pub default: bool,
    pub body: Block,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CommClause {
    pub pos: Pos,
    pub comm: Comm,
    pub body: Block,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Comm {
    Send {
        chan: Expr,
        value: Expr,
    },
    /// `<-c`, `v = <-c`, `v := <-c`.
    Recv {
        chan: Expr,
        target: Option<Expr>,
        define: bool,
    },
    Default,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub pos: Pos,
    pub kind: ExprKind,
}

impl Expr {
    /// The names the expression reads, in order (a field's name is not
    /// one; a function literal's body is its own).
    pub fn names<'e>(&'e self, out: &mut Vec<&'e str>) {
        match &self.kind {
            ExprKind::Ident(n) => out.push(n),
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Imag(_)
            | ExprKind::Str(_)
            | ExprKind::Char(_)
            | ExprKind::FuncLit { .. }
            | ExprKind::TypeExpr(_) => {}
            ExprKind::Unary { expr, .. }
            | ExprKind::Recv(expr)
            | ExprKind::Selector { expr, .. }
            | ExprKind::TypeAssert { expr, .. }
            | ExprKind::Paren(expr) => expr.names(out),
            ExprKind::Binary { lhs, rhs, .. } => {
                lhs.names(out);
                rhs.names(out);
            }
            ExprKind::Call { func, args, .. } => {
                func.names(out);
                args.iter().for_each(|a| a.names(out));
            }
            ExprKind::Index { expr, index } => {
                expr.names(out);
                index.names(out);
            }
            ExprKind::SliceExpr { expr, lo, hi } => {
                expr.names(out);
                lo.iter().chain(hi).for_each(|b| b.names(out));
            }
            ExprKind::Composite { elems, .. } => {
                for (k, v) in elems {
                    k.iter().for_each(|k| k.names(out));
                    v.names(out);
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Ident(String),
    Int(u64),
    Float(f64),
    /// An imaginary literal: its imaginary part.
    Imag(f64),
    Str(String),
    Char(u32),
    Unary {
        op: &'static str,
        expr: Box<Expr>,
    },
    Binary {
        op: &'static str,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Recv(Box<Expr>),
    Call {
        func: Box<Expr>,
        args: Vec<Expr>,
        ellipsis: bool,
    },
    Index {
        expr: Box<Expr>,
        index: Box<Expr>,
    },
    SliceExpr {
        expr: Box<Expr>,
        lo: Option<Box<Expr>>,
        hi: Option<Box<Expr>>,
    },
    Selector {
        expr: Box<Expr>,
        name: String,
    },
    FuncLit {
        sig: FuncType,
        body: Block,
    },
    /// `T{...}`, the type absent inside another composite literal.
    Composite {
        ty: Option<Type>,
        elems: Vec<(Option<Expr>, Expr)>,
    },
    TypeAssert {
        expr: Box<Expr>,
        ty: Type,
    },
    /// A type where an expression stands (a conversion's callee, make's
    /// or new's argument).
    TypeExpr(Type),
    Paren(Box<Expr>),
}
