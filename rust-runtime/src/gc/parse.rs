//! cmd/gc/go.y: the parser, for the forms the fixtures use. Anything else
//! the grammar knows (maps, ...) is refused
//! with its position and name, and the non-blocking receive the Feb-2011
//! compiler rejects gets 6g's own message.

use super::ast::*;
use super::lex::{lex, Pos, Tok};

/// A switch clause as parsed: position, case items, default, body.
type Clause<T> = (Pos, Vec<T>, bool, Block);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// A syntax error, or a construct outside what the twin runs.
    #[error("{pos}: {message}")]
    Syntax { pos: Pos, message: String },
    /// What 6g itself rejects in this dialect, with its message (6g
    /// reports the line only).
    #[error("{line}: {message}")]
    Rejected { line: u32, message: String },
}

/// Parse a fixture.
pub fn parse(src: &str) -> Result<File, ParseError> {
    let toks = lex(src).map_err(|e| ParseError::Syntax {
        pos: e.pos,
        message: e.message,
    })?;
    let mut p = Parser {
        toks,
        i: 0,
        no_composite: false,
    };
    p.file()
}

struct Parser {
    toks: Vec<(Tok, Pos)>,
    i: usize,
    /// In an if/for/switch header, `T {` opens the block, not a literal.
    no_composite: bool,
}

type R<T> = Result<T, ParseError>;

impl Parser {
    fn tok(&self) -> &Tok {
        &self.toks[self.i].0
    }

    /// The line of the last token taken.
    fn last_line(&self) -> u32 {
        self.toks[self.i.saturating_sub(1)].1.line
    }

    fn pos(&self) -> Pos {
        self.toks[self.i].1
    }

    fn peek(&self, k: usize) -> &Tok {
        &self.toks[(self.i + k).min(self.toks.len() - 1)].0
    }

    fn next(&mut self) -> Tok {
        let t = self.toks[self.i].0.clone();
        if self.i + 1 < self.toks.len() {
            self.i += 1;
        }
        t
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.tok(), Tok::Op(o) if *o == op)
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.tok(), Tok::Keyword(k) if *k == kw)
    }

    fn eat_op(&mut self, op: &str) -> bool {
        let yes = self.is_op(op);
        if yes {
            self.next();
        }
        yes
    }

    fn err<T>(&self, message: String) -> R<T> {
        Err(ParseError::Syntax {
            pos: self.pos(),
            message,
        })
    }

    fn unexpected<T>(&self, expecting: &str) -> R<T> {
        self.err(format!(
            "syntax error: unexpected {}, expecting {expecting}",
            self.tok()
        ))
    }

    fn expect_op(&mut self, op: &str) -> R<()> {
        if self.eat_op(op) {
            Ok(())
        } else {
            self.unexpected(op)
        }
    }

    fn semi(&mut self) -> R<()> {
        match self.tok() {
            Tok::Semi => {
                self.next();
                Ok(())
            }
            // A closing brace or paren may end the last statement.
            Tok::Op(")" | "}") | Tok::Eof => Ok(()),
            _ => self.unexpected("semicolon or newline"),
        }
    }

    fn ident(&mut self) -> R<String> {
        match self.next() {
            Tok::Ident(s) => Ok(s),
            _ => {
                self.i -= 1;
                self.unexpected("name")
            }
        }
    }

    fn unsupported<T>(&self, what: &str) -> R<T> {
        self.err(format!("unsupported construct '{what}'"))
    }

    fn file(&mut self) -> R<File> {
        while matches!(self.tok(), Tok::Semi) {
            self.next();
        }
        if !self.is_kw("package") {
            return self.unexpected("package");
        }
        self.next();
        let package = self.ident()?;
        self.semi()?;
        let mut imports = Vec::new();
        while self.is_kw("import") {
            self.next();
            let grouped = self.eat_op("(");
            loop {
                let pos = self.pos();
                match self.next() {
                    Tok::Str(path) => imports.push((path, pos)),
                    _ => {
                        self.i -= 1;
                        return self.unexpected("import path");
                    }
                }
                self.semi()?;
                if !grouped || self.eat_op(")") {
                    break;
                }
            }
            if grouped {
                self.semi()?;
            }
        }
        let mut decls = Vec::new();
        while !matches!(self.tok(), Tok::Eof) {
            decls.push(self.top_decl()?);
            self.semi()?;
        }
        Ok(File {
            package,
            imports,
            decls,
            last_line: self.last_line(),
        })
    }

    fn top_decl(&mut self) -> R<Decl> {
        match self.tok() {
            Tok::Keyword("func") => self.func_decl().map(Decl::Func),
            Tok::Keyword("var") => self.value_specs().map(Decl::Var),
            Tok::Keyword("const") => self.value_specs().map(Decl::Const),
            Tok::Keyword("type") => self.type_specs().map(Decl::Type),
            _ => self.unexpected("declaration"),
        }
    }

    fn func_decl(&mut self) -> R<FuncDecl> {
        let pos = self.pos();
        self.next();
        let recv = if self.is_op("(") {
            let mut params = self.params()?.0;
            if params.len() != 1 {
                return self.err("method has multiple receivers".into());
            }
            params.pop()
        } else {
            None
        };
        let name = self.ident()?;
        let sig = self.signature()?;
        if !self.is_op("{") {
            return self.unexpected("{");
        }
        let body = self.block()?;
        Ok(FuncDecl {
            pos,
            name,
            recv,
            sig,
            body,
            // The closing brace just read: 6g's endlineno.
            end_line: self.toks[self.i - 1].1.line,
        })
    }

    /// `(a, b int, c string)` or `(int, string)`: names are only names when
    /// every entry is `name Type` or a bare name followed by one that is.
    fn params(&mut self) -> R<(Vec<Param>, bool)> {
        self.expect_op("(")?;
        let mut entries: Vec<(Option<String>, Option<Type>, bool)> = Vec::new();
        while !self.is_op(")") {
            let variadic = self.eat_op("...");
            if let (Tok::Ident(name), false) = (self.tok().clone(), variadic) {
                // `name Type`, `name ...Type`, or a type that is a name.
                let after = self.peek(1).clone();
                let names_a_param = !matches!(after, Tok::Op("," | ")" | "."));
                if names_a_param {
                    self.next();
                    let v = self.eat_op("...");
                    let ty = self.parse_type()?;
                    entries.push((Some(name), Some(ty), v));
                } else if matches!(after, Tok::Op(".")) {
                    entries.push((None, Some(self.parse_type()?), false));
                } else {
                    self.next();
                    entries.push((Some(name), None, false));
                }
            } else {
                entries.push((None, Some(self.parse_type()?), variadic));
            }
            if !self.eat_op(",") {
                break;
            }
        }
        self.expect_op(")")?;
        let named = entries.iter().any(|(n, t, _)| n.is_some() && t.is_some());
        let variadic = entries.last().is_some_and(|e| e.2);
        let mut out = Vec::new();
        if named {
            // Bare names take the type of the next typed entry.
            let mut pending: Vec<String> = Vec::new();
            for (name, ty, _) in entries {
                match ty {
                    None => pending.push(name.expect("a bare name")),
                    Some(ty) => {
                        for n in pending.drain(..) {
                            out.push(Param {
                                name: Some(n),
                                ty: ty.clone(),
                            });
                        }
                        out.push(Param { name, ty });
                    }
                }
            }
            if !pending.is_empty() {
                return self.err("mixed named and unnamed function parameters".into());
            }
        } else {
            for (name, ty, _) in entries {
                let ty = match (name, ty) {
                    (_, Some(ty)) => ty,
                    (Some(n), None) => Type::Name(n, self.pos()),
                    (None, None) => unreachable!("an entry has a name or a type"),
                };
                out.push(Param { name: None, ty });
            }
        }
        Ok((out, variadic))
    }

    fn signature(&mut self) -> R<FuncType> {
        let (params, variadic) = self.params()?;
        let results = if self.is_op("(") {
            self.params()?.0
        } else if self.starts_type() {
            vec![Param {
                name: None,
                ty: self.parse_type()?,
            }]
        } else {
            Vec::new()
        };
        Ok(FuncType {
            params,
            results,
            variadic,
        })
    }

    fn starts_type(&self) -> bool {
        matches!(
            self.tok(),
            Tok::Ident(_)
                | Tok::Op("[" | "*" | "<-")
                | Tok::Keyword("chan" | "func" | "struct" | "interface" | "map")
        )
    }

    fn parse_type(&mut self) -> R<Type> {
        let pos = self.pos();
        match self.tok().clone() {
            Tok::Ident(name) => {
                self.next();
                if self.is_op(".") {
                    self.next();
                    let sel = self.ident()?;
                    return Ok(Type::Name(format!("{name}.{sel}"), pos));
                }
                Ok(Type::Name(name, pos))
            }
            Tok::Op("(") => {
                self.next();
                let t = self.parse_type()?;
                self.expect_op(")")?;
                Ok(t)
            }
            Tok::Op("[") => {
                self.next();
                if self.eat_op("]") {
                    return Ok(Type::Slice(Box::new(self.parse_type()?)));
                }
                if self.eat_op("...") {
                    self.expect_op("]")?;
                    return Ok(Type::Counted(Box::new(self.parse_type()?)));
                }
                let len = self.expr()?;
                self.expect_op("]")?;
                Ok(Type::Array(Box::new(len), Box::new(self.parse_type()?)))
            }
            Tok::Op("*") => {
                self.next();
                Ok(Type::Pointer(Box::new(self.parse_type()?)))
            }
            Tok::Op("<-") => {
                self.next();
                if !self.is_kw("chan") {
                    return self.unexpected("chan");
                }
                self.next();
                Ok(Type::Chan(ChanDir::Recv, Box::new(self.parse_type()?)))
            }
            Tok::Keyword("chan") => {
                self.next();
                let dir = if self.eat_op("<-") {
                    ChanDir::Send
                } else {
                    ChanDir::Both
                };
                Ok(Type::Chan(dir, Box::new(self.parse_type()?)))
            }
            Tok::Keyword("func") => {
                self.next();
                Ok(Type::Func(Box::new(self.signature()?)))
            }
            Tok::Keyword("struct") => {
                self.next();
                self.expect_op("{")?;
                let mut fields = Vec::new();
                while !self.is_op("}") {
                    // An embedded field: `T` or `*T` alone on its line.
                    if self.is_op("*") {
                        let ty = self.parse_type()?;
                        fields.push(Field {
                            names: Vec::new(),
                            ty,
                        });
                        self.semi()?;
                        continue;
                    }
                    let pos = self.pos();
                    let mut names = vec![self.ident()?];
                    if matches!(self.tok(), Tok::Semi) || self.is_op("}") {
                        let ty = Type::Name(names.remove(0), pos);
                        fields.push(Field { names, ty });
                        self.semi()?;
                        continue;
                    }
                    while self.eat_op(",") {
                        names.push(self.ident()?);
                    }
                    let ty = self.parse_type()?;
                    fields.push(Field { names, ty });
                    self.semi()?;
                }
                self.expect_op("}")?;
                Ok(Type::Struct(fields))
            }
            Tok::Keyword("interface") => {
                self.next();
                self.expect_op("{")?;
                let mut methods = Vec::new();
                let mut embedded = Vec::new();
                while !self.is_op("}") {
                    let pos = self.pos();
                    let name = self.ident()?;
                    if matches!(self.tok(), Tok::Semi) || self.is_op("}") {
                        embedded.push((name, pos));
                    } else {
                        let sig = self.signature()?;
                        methods.push((name, sig));
                    }
                    self.semi()?;
                }
                self.expect_op("}")?;
                Ok(Type::Interface(methods, embedded))
            }
            Tok::Keyword("map") => {
                self.next();
                self.expect_op("[")?;
                let k = self.parse_type()?;
                self.expect_op("]")?;
                let v = self.parse_type()?;
                Ok(Type::Map(Box::new(k), Box::new(v)))
            }
            _ => self.unexpected("type"),
        }
    }

    fn value_specs(&mut self) -> R<Vec<ValueSpec>> {
        self.next();
        let grouped = self.eat_op("(");
        let mut specs = Vec::new();
        loop {
            if grouped && self.eat_op(")") {
                break;
            }
            let pos = self.pos();
            let mut names = vec![self.ident()?];
            while self.eat_op(",") {
                names.push(self.ident()?);
            }
            let ty = if !self.is_op("=") && !matches!(self.tok(), Tok::Semi | Tok::Op(")")) {
                Some(self.parse_type()?)
            } else {
                None
            };
            let values = if self.eat_op("=") {
                self.expr_list()?
            } else {
                Vec::new()
            };
            specs.push(ValueSpec {
                pos,
                names,
                ty,
                values,
            });
            if !grouped {
                break;
            }
            self.semi()?;
        }
        Ok(specs)
    }

    fn type_specs(&mut self) -> R<Vec<TypeSpec>> {
        self.next();
        let grouped = self.eat_op("(");
        let mut specs = Vec::new();
        loop {
            if grouped && self.eat_op(")") {
                break;
            }
            let pos = self.pos();
            let name = self.ident()?;
            let ty = self.parse_type()?;
            specs.push(TypeSpec { pos, name, ty });
            if !grouped {
                break;
            }
            self.semi()?;
        }
        Ok(specs)
    }

    fn block(&mut self) -> R<Block> {
        self.expect_op("{")?;
        let outer = std::mem::replace(&mut self.no_composite, false);
        let mut stmts = Vec::new();
        while !self.is_op("}") {
            if matches!(self.tok(), Tok::Eof) {
                return self.unexpected("}");
            }
            if matches!(self.tok(), Tok::Semi) {
                self.next();
                continue;
            }
            stmts.push(self.stmt()?);
            self.semi()?;
        }
        self.next();
        self.no_composite = outer;
        Ok(stmts)
    }

    fn stmt(&mut self) -> R<Stmt> {
        let pos = self.pos();
        let kind = match self.tok().clone() {
            Tok::Keyword("var") => StmtKind::Var(self.value_specs()?),
            Tok::Keyword("const") => StmtKind::Const(self.value_specs()?),
            Tok::Keyword("type") => StmtKind::Type(self.type_specs()?),
            Tok::Keyword("go") => {
                self.next();
                let call = self.expr()?;
                StmtKind::Go {
                    call,
                    line: self.last_line(),
                }
            }
            Tok::Keyword("defer") => {
                self.next();
                let call = self.expr()?;
                StmtKind::Defer {
                    call,
                    line: self.last_line(),
                }
            }
            Tok::Keyword("return") => {
                self.next();
                if matches!(self.tok(), Tok::Semi | Tok::Op("}")) {
                    StmtKind::Return(Vec::new())
                } else {
                    StmtKind::Return(self.expr_list()?)
                }
            }
            Tok::Keyword("break") => {
                self.next();
                StmtKind::Break(self.label_ref()?)
            }
            Tok::Keyword("continue") => {
                self.next();
                StmtKind::Continue(self.label_ref()?)
            }
            Tok::Keyword("goto") => {
                self.next();
                StmtKind::Goto(self.ident()?)
            }
            Tok::Keyword("fallthrough") => {
                self.next();
                StmtKind::Fallthrough
            }
            Tok::Op("{") => StmtKind::Block(self.block()?),
            Tok::Keyword("if") => self.if_stmt()?,
            Tok::Keyword("for") => self.for_stmt()?,
            Tok::Keyword("switch") => self.switch_stmt()?,
            Tok::Keyword("select") => self.select_stmt()?,
            Tok::Ident(_)
                if matches!(self.peek(1), Tok::Op(":"))
                    && !matches!(self.peek(2), Tok::Op("=")) =>
            {
                let label = self.ident()?;
                self.next();
                // go.y's labeled statement: a label may stand before `}`.
                let stmt = if matches!(self.tok(), Tok::Semi | Tok::Op("}")) {
                    Stmt {
                        pos: self.pos(),
                        kind: StmtKind::Empty,
                        line: self.pos().line,
                    }
                } else {
                    self.stmt()?
                };
                StmtKind::Labeled {
                    label,
                    stmt: Box::new(stmt),
                }
            }
            _ => return self.simple_stmt(),
        };
        let line = match kind {
            StmtKind::Return(_) => self.last_line(),
            _ => pos.line,
        };
        Ok(Stmt { pos, kind, line })
    }

    /// The label after `break` or `continue`, if one stands there.
    fn label_ref(&mut self) -> R<Option<String>> {
        match self.tok() {
            Tok::Ident(_) => self.ident().map(Some),
            _ => Ok(None),
        }
    }

    /// Expression, send, inc/dec, assignment or definition.
    fn simple_stmt(&mut self) -> R<Stmt> {
        let pos = self.pos();
        let lhs = self.expr_list()?;
        let kind = match self.tok().clone() {
            Tok::Op(":=") => {
                self.next();
                let names = lhs
                    .iter()
                    .map(|e| match &e.kind {
                        ExprKind::Ident(n) => Ok(n.clone()),
                        _ => Err(ParseError::Syntax {
                            pos: e.pos,
                            message: "non-name on left side of :=".into(),
                        }),
                    })
                    .collect::<R<Vec<String>>>()?;
                if self.is_kw("range") {
                    return self.err("range outside a for header".into());
                }
                let rhs = self.expr_list()?;
                self.reject_ok_recv(pos, names.len(), &rhs)?;
                StmtKind::Define { names, rhs }
            }
            Tok::Op(
                op @ ("=" | "+=" | "-=" | "*=" | "/=" | "%=" | "&=" | "|=" | "^=" | "<<=" | ">>="
                | "&^="),
            ) => {
                self.next();
                let rhs = self.expr_list()?;
                if op == "=" {
                    self.reject_ok_recv(pos, lhs.len(), &rhs)?;
                }
                StmtKind::Assign { lhs, op, rhs }
            }
            Tok::Op(op @ ("++" | "--")) => {
                self.next();
                StmtKind::IncDec {
                    target: single(lhs),
                    inc: op == "++",
                }
            }
            Tok::Op("<-") => {
                self.next();
                let value = self.expr()?;
                StmtKind::Send {
                    chan: single(lhs),
                    value,
                }
            }
            _ => StmtKind::Expr(single(lhs)),
        };
        Ok(Stmt {
            pos,
            kind,
            line: self.last_line(),
        })
    }

    /// 6g at these commits rejects `v, ok := <-c` and `v, ok = <-c`.
    fn reject_ok_recv(&self, pos: Pos, nlhs: usize, rhs: &[Expr]) -> R<()> {
        if nlhs == 2 && rhs.len() == 1 && matches!(rhs[0].kind, ExprKind::Recv(_)) {
            return Err(ParseError::Rejected {
                line: pos.line,
                message:
                    "cannot use multiple-value assignment for non-blocking receive; use select"
                        .into(),
            });
        }
        Ok(())
    }

    /// A header's simple statement, with `T {` read as the block.
    fn header_stmt(&mut self) -> R<Stmt> {
        let outer = std::mem::replace(&mut self.no_composite, true);
        let s = self.simple_stmt();
        self.no_composite = outer;
        s
    }

    fn if_stmt(&mut self) -> R<StmtKind> {
        self.next();
        // go.y's if_header: `if ; cond` has an empty init statement.
        if matches!(self.tok(), Tok::Semi) {
            self.next();
        }
        let first = self.header_stmt()?;
        let (init, cond) = if matches!(self.tok(), Tok::Semi) {
            self.next();
            let c = self.header_stmt()?;
            (Some(Box::new(first)), c)
        } else {
            (None, first)
        };
        let StmtKind::Expr(cond) = cond.kind else {
            return Err(ParseError::Syntax {
                pos: cond.pos,
                message: "missing condition in if statement".into(),
            });
        };
        let then = self.block()?;
        let els = if self.is_kw("else") {
            self.next();
            // go.y's `if_stmt LELSE stmt`: any statement, not only a block.
            Some(Box::new(self.stmt()?))
        } else {
            None
        };
        Ok(StmtKind::If {
            init,
            cond,
            then,
            els,
        })
    }

    fn for_stmt(&mut self) -> R<StmtKind> {
        self.next();
        if self.is_op("{") {
            return Ok(StmtKind::For {
                init: None,
                cond: None,
                post: None,
                body: self.block()?,
            });
        }
        // `for k, v := range x`, `for k = range x`, `for range` is not Go yet.
        let outer = std::mem::replace(&mut self.no_composite, true);
        let result = self.for_header();
        self.no_composite = outer;
        let header = result?;
        let body = self.block()?;
        Ok(match header {
            ForHeader::Range {
                key,
                value,
                define,
                expr,
            } => StmtKind::Range {
                key,
                value,
                define,
                expr,
                body,
            },
            ForHeader::Plain { init, cond, post } => StmtKind::For {
                init,
                cond,
                post,
                body,
            },
        })
    }

    fn for_header(&mut self) -> R<ForHeader> {
        if self.is_kw("range") {
            return self.unexpected("{");
        }
        let mut init = None;
        if !matches!(self.tok(), Tok::Semi) {
            let pos = self.pos();
            let lhs = self.expr_list()?;
            if let Tok::Op(op @ (":=" | "=")) = self.tok().clone() {
                if matches!(self.peek(1), Tok::Keyword("range")) {
                    self.next();
                    self.next();
                    let expr = self.expr()?;
                    let mut it = lhs.into_iter();
                    return Ok(ForHeader::Range {
                        key: it.next(),
                        value: it.next(),
                        define: op == ":=",
                        expr,
                    });
                }
            }
            // Not a range: re-read the statement from its start.
            self.i = self.toks.iter().position(|(_, p)| *p == pos).expect("seen");
            let s = self.simple_stmt()?;
            if !matches!(self.tok(), Tok::Semi) {
                let StmtKind::Expr(cond) = s.kind else {
                    return self.unexpected("{ after for clause");
                };
                return Ok(ForHeader::Plain {
                    init: None,
                    cond: Some(cond),
                    post: None,
                });
            }
            init = Some(Box::new(s));
        }
        self.next();
        let cond = if matches!(self.tok(), Tok::Semi) {
            None
        } else {
            Some(self.expr()?)
        };
        if !matches!(self.tok(), Tok::Semi) {
            return self.unexpected("semicolon");
        }
        self.next();
        let post = if self.is_op("{") {
            None
        } else {
            Some(Box::new(self.simple_stmt()?))
        };
        Ok(ForHeader::Plain { init, cond, post })
    }

    fn switch_stmt(&mut self) -> R<StmtKind> {
        self.next();
        let mut init = None;
        let mut tag = None;
        if !self.is_op("{") {
            let outer = std::mem::replace(&mut self.no_composite, true);
            let first = if matches!(self.tok(), Tok::Semi) {
                None
            } else {
                Some(self.simple_stmt())
            };
            let mut second = None;
            let semi = matches!(self.tok(), Tok::Semi);
            if semi {
                self.next();
                if !self.is_op("{") {
                    second = Some(self.simple_stmt());
                }
            }
            self.no_composite = outer;
            // `switch init; tag {`, `switch init; {` or `switch tag {`.
            let (a, b) = if semi {
                (first.transpose()?, second.transpose()?)
            } else {
                (None, first.transpose()?)
            };
            init = a.map(Box::new);
            if let Some(s) = b {
                // `switch v := x.(type)` or `switch x.(type)`.
                let type_switch = match &s.kind {
                    StmtKind::Define { names, rhs } if names.len() == 1 && rhs.len() == 1 => {
                        is_type_guard(&rhs[0]).map(|e| (Some(names[0].clone()), e.clone()))
                    }
                    StmtKind::Expr(e) => is_type_guard(e).map(|e| (None, e.clone())),
                    _ => None,
                };
                if let Some((bind, expr)) = type_switch {
                    if init.is_some() {
                        return self.unsupported("type switch with an init statement");
                    }
                    return Ok(StmtKind::TypeSwitch {
                        bind,
                        expr,
                        cases: self.type_clauses()?,
                    });
                }
                let StmtKind::Expr(e) = s.kind else {
                    return Err(ParseError::Syntax {
                        pos: s.pos,
                        message: "switch expression must be an expression".into(),
                    });
                };
                tag = Some(e);
            }
        }
        let cases = self
            .clauses(Self::expr_list)?
            .into_iter()
            .map(|(pos, exprs, default, body)| CaseClause {
                pos,
                exprs,
                default,
                body,
            })
            .collect();
        Ok(StmtKind::Switch { init, tag, cases })
    }

    fn type_clauses(&mut self) -> R<Vec<TypeClause>> {
        let head = |p: &mut Self| {
            let mut types = Vec::new();
            loop {
                if matches!(p.tok(), Tok::Ident(n) if n == "nil") {
                    p.next();
                    types.push(None);
                } else {
                    types.push(Some(p.parse_type()?));
                }
                if !p.eat_op(",") {
                    return Ok(types);
                }
            }
        };
        Ok(self
            .clauses(head)?
            .into_iter()
            .map(|(pos, types, default, body)| TypeClause {
                pos,
                types,
                default,
                body,
            })
            .collect())
    }

    /// A switch's `{ case ...: ... default: ... }`: each clause's position,
    /// what `head` parses after `case` (nothing for default), whether it is
    /// the default, and its body.
    fn clauses<T>(&mut self, mut head: impl FnMut(&mut Self) -> R<Vec<T>>) -> R<Vec<Clause<T>>> {
        self.expect_op("{")?;
        let mut cases = Vec::new();
        while !self.eat_op("}") {
            let pos = self.pos();
            let (items, default) = if self.is_kw("case") {
                self.next();
                (head(self)?, false)
            } else if self.is_kw("default") {
                self.next();
                (Vec::new(), true)
            } else {
                return self.unexpected("case or default or }");
            };
            self.expect_op(":")?;
            cases.push((pos, items, default, self.clause_body()?));
        }
        Ok(cases)
    }

    /// Statements up to the next case, default or closing brace.
    fn clause_body(&mut self) -> R<Block> {
        let mut body = Vec::new();
        loop {
            while matches!(self.tok(), Tok::Semi) {
                self.next();
            }
            if self.is_kw("case") || self.is_kw("default") || self.is_op("}") {
                return Ok(body);
            }
            body.push(self.stmt()?);
            self.semi()?;
        }
    }

    fn select_stmt(&mut self) -> R<StmtKind> {
        self.next();
        self.expect_op("{")?;
        let mut clauses = Vec::new();
        while !self.eat_op("}") {
            let pos = self.pos();
            let comm = if self.is_kw("default") {
                self.next();
                Comm::Default
            } else if self.is_kw("case") {
                self.next();
                self.comm()?
            } else {
                return self.unexpected("case or default or }");
            };
            self.expect_op(":")?;
            let body = self.clause_body()?;
            clauses.push(CommClause { pos, comm, body });
        }
        Ok(StmtKind::Select {
            clauses,
            line: self.last_line(),
        })
    }

    fn comm(&mut self) -> R<Comm> {
        let first = self.expr()?;
        if self.eat_op("<-") {
            let value = self.expr()?;
            return Ok(Comm::Send { chan: first, value });
        }
        if let ExprKind::Recv(chan) = first.kind {
            return Ok(Comm::Recv {
                chan: *chan,
                target: None,
                define: false,
            });
        }
        // 6g: `case v, ok := <-c:` is "syntax error: unexpected :=, expecting : or comma".
        if self.eat_op(",") {
            self.expr()?;
            return self.unexpected(": or comma");
        }
        let define = match self.tok() {
            Tok::Op(":=") => true,
            Tok::Op("=") => false,
            _ => return self.unexpected(":= or = or <-"),
        };
        self.next();
        let rhs = self.expr()?;
        let ExprKind::Recv(chan) = rhs.kind else {
            return Err(ParseError::Syntax {
                pos: rhs.pos,
                message: "select case must be receive, send or assign recv".into(),
            });
        };
        Ok(Comm::Recv {
            chan: *chan,
            target: Some(first),
            define,
        })
    }

    fn expr_list(&mut self) -> R<Vec<Expr>> {
        let mut v = vec![self.expr()?];
        while self.eat_op(",") {
            v.push(self.expr()?);
        }
        Ok(v)
    }

    fn expr(&mut self) -> R<Expr> {
        self.binary(1)
    }

    fn binary(&mut self, min_prec: u8) -> R<Expr> {
        let mut lhs = self.unary()?;
        while let Some((op, prec)) = self.binary_op(min_prec) {
            let pos = self.pos();
            self.next();
            let rhs = self.binary(prec + 1)?;
            lhs = Expr {
                pos,
                kind: ExprKind::Binary {
                    op,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                },
            };
        }
        Ok(lhs)
    }

    /// The binary operator here, if it binds at least as tightly as `min_prec`.
    fn binary_op(&self, min_prec: u8) -> Option<(&'static str, u8)> {
        match self.tok() {
            Tok::Op(op) => prec_of(op).filter(|&p| p >= min_prec).map(|p| (*op, p)),
            _ => None,
        }
    }

    fn unary(&mut self) -> R<Expr> {
        let pos = self.pos();
        match self.tok().clone() {
            Tok::Op(op @ ("+" | "-" | "!" | "^" | "*" | "&")) => {
                self.next();
                let expr = Box::new(self.unary()?);
                Ok(Expr {
                    pos,
                    kind: ExprKind::Unary { op, expr },
                })
            }
            Tok::Op("<-") => {
                self.next();
                if self.is_kw("chan") {
                    // `<-chan T` as a type in expression position.
                    self.i -= 1;
                    let ty = self.parse_type()?;
                    return Ok(Expr {
                        pos,
                        kind: ExprKind::TypeExpr(ty),
                    });
                }
                let expr = Box::new(self.unary()?);
                Ok(Expr {
                    pos,
                    kind: ExprKind::Recv(expr),
                })
            }
            _ => self.primary(),
        }
    }

    fn primary(&mut self) -> R<Expr> {
        let mut e = self.operand()?;
        loop {
            let pos = self.pos();
            e = match self.tok().clone() {
                Tok::Op(".") => {
                    self.next();
                    if self.eat_op("(") {
                        let ty = if self.is_kw("type") {
                            self.next();
                            Type::Name("type".into(), pos)
                        } else {
                            self.parse_type()?
                        };
                        self.expect_op(")")?;
                        Expr {
                            pos,
                            kind: ExprKind::TypeAssert {
                                expr: Box::new(e),
                                ty,
                            },
                        }
                    } else {
                        let name = self.ident()?;
                        Expr {
                            pos,
                            kind: ExprKind::Selector {
                                expr: Box::new(e),
                                name,
                            },
                        }
                    }
                }
                Tok::Op("[") => {
                    self.next();
                    let outer = std::mem::replace(&mut self.no_composite, false);
                    let lo = if self.is_op(":") {
                        None
                    } else {
                        Some(Box::new(self.expr()?))
                    };
                    let kind = if self.eat_op(":") {
                        let hi = if self.is_op("]") {
                            None
                        } else {
                            Some(Box::new(self.expr()?))
                        };
                        ExprKind::SliceExpr {
                            expr: Box::new(e),
                            lo,
                            hi,
                        }
                    } else {
                        ExprKind::Index {
                            expr: Box::new(e),
                            index: lo.expect("an index"),
                        }
                    };
                    self.no_composite = outer;
                    self.expect_op("]")?;
                    Expr { pos, kind }
                }
                Tok::Op("(") => {
                    self.next();
                    let outer = std::mem::replace(&mut self.no_composite, false);
                    let mut args = Vec::new();
                    let mut ellipsis = false;
                    while !self.is_op(")") {
                        args.push(self.expr()?);
                        if self.eat_op("...") {
                            ellipsis = true;
                        }
                        if !self.eat_op(",") {
                            break;
                        }
                    }
                    self.no_composite = outer;
                    self.expect_op(")")?;
                    Expr {
                        pos,
                        kind: ExprKind::Call {
                            func: Box::new(e),
                            args,
                            ellipsis,
                        },
                    }
                }
                Tok::Op("{") if !self.no_composite && is_type_like(&e) => {
                    let ty = expr_to_type(&e);
                    self.composite(pos, Some(ty))?
                }
                _ => return Ok(e),
            };
        }
    }

    /// An operand that starts with a type literal: a composite literal, or
    /// the type itself (for make, new and conversions, `[]int(nil)`), which
    /// primary's selectors, indexes and calls may follow.
    fn type_operand(&mut self) -> R<Expr> {
        let pos = self.pos();
        let ty = self.parse_type()?;
        if self.is_op("{") {
            return self.composite(pos, Some(ty));
        }
        Ok(Expr {
            pos,
            kind: ExprKind::TypeExpr(ty),
        })
    }

    fn operand(&mut self) -> R<Expr> {
        let pos = self.pos();
        let kind = match self.tok().clone() {
            Tok::Int(n) => ExprKind::Int(n),
            Tok::Float(x) => ExprKind::Float(x),
            Tok::Imag(x) => ExprKind::Imag(x),
            Tok::Str(s) => ExprKind::Str(s),
            Tok::Char(c) => ExprKind::Char(c),
            Tok::Ident(name) => ExprKind::Ident(name),
            Tok::Op("(") => {
                self.next();
                let outer = std::mem::replace(&mut self.no_composite, false);
                let inner = self.expr()?;
                self.no_composite = outer;
                self.expect_op(")")?;
                return Ok(Expr {
                    pos,
                    kind: ExprKind::Paren(Box::new(inner)),
                });
            }
            Tok::Keyword("func") => {
                self.next();
                let sig = self.signature()?;
                if !self.is_op("{") {
                    return Ok(Expr {
                        pos,
                        kind: ExprKind::TypeExpr(Type::Func(Box::new(sig))),
                    });
                }
                let body = self.block()?;
                return Ok(Expr {
                    pos,
                    kind: ExprKind::FuncLit { sig, body },
                });
            }
            Tok::Op("[") | Tok::Keyword("chan" | "struct" | "interface" | "map") => {
                return self.type_operand()
            }
            _ => return self.unexpected("expression"),
        };
        self.next();
        Ok(Expr { pos, kind })
    }

    fn composite(&mut self, pos: Pos, ty: Option<Type>) -> R<Expr> {
        self.expect_op("{")?;
        let outer = std::mem::replace(&mut self.no_composite, false);
        let mut elems = Vec::new();
        while !self.is_op("}") {
            let first = if self.is_op("{") {
                let p = self.pos();
                self.composite(p, None)?
            } else {
                self.expr()?
            };
            if self.eat_op(":") {
                let value = if self.is_op("{") {
                    let p = self.pos();
                    self.composite(p, None)?
                } else {
                    self.expr()?
                };
                elems.push((Some(first), value));
            } else {
                elems.push((None, first));
            }
            if !self.eat_op(",") {
                while matches!(self.tok(), Tok::Semi) {
                    self.next();
                }
                break;
            }
            while matches!(self.tok(), Tok::Semi) {
                self.next();
            }
        }
        self.no_composite = outer;
        self.expect_op("}")?;
        Ok(Expr {
            pos,
            kind: ExprKind::Composite { ty, elems },
        })
    }
}

enum ForHeader {
    Range {
        key: Option<Expr>,
        value: Option<Expr>,
        define: bool,
        expr: Expr,
    },
    Plain {
        init: Option<Box<Stmt>>,
        cond: Option<Expr>,
        post: Option<Box<Stmt>>,
    },
}

fn single(mut v: Vec<Expr>) -> Expr {
    v.swap_remove(0)
}

fn prec_of(op: &str) -> Option<u8> {
    Some(match op {
        "||" => 1,
        "&&" => 2,
        "==" | "!=" | "<" | "<=" | ">" | ">=" => 3,
        "+" | "-" | "|" | "^" => 4,
        "*" | "/" | "%" | "<<" | ">>" | "&" | "&^" => 5,
        _ => return None,
    })
}

/// `x.(type)`'s operand, if `e` is one.
fn is_type_guard(e: &Expr) -> Option<&Expr> {
    match &e.kind {
        ExprKind::TypeAssert {
            expr,
            ty: Type::Name(n, _),
        } if n == "type" => Some(expr),
        _ => None,
    }
}

/// Whether `e` can name a type for a composite literal (`T{`, `pkg.T{`).
fn is_type_like(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Ident(_) | ExprKind::TypeExpr(_) => true,
        ExprKind::Selector { expr, .. } => matches!(expr.kind, ExprKind::Ident(_)),
        _ => false,
    }
}

fn expr_to_type(e: &Expr) -> Type {
    match &e.kind {
        ExprKind::Ident(n) => Type::Name(n.clone(), e.pos),
        ExprKind::TypeExpr(t) => t.clone(),
        ExprKind::Selector { expr, name } => match &expr.kind {
            ExprKind::Ident(p) => Type::Name(format!("{p}.{name}"), e.pos),
            _ => unreachable!("is_type_like checked it"),
        },
        _ => unreachable!("is_type_like checked it"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_non_blocking_receive_gets_6gs_message() {
        let err = parse("package main\nfunc main() {\n\tc := make(chan int)\n\tv, ok := <-c\n}\n")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "4: cannot use multiple-value assignment for non-blocking receive; use select"
        );
    }

    #[test]
    fn constructs_outside_the_dialect_are_refused_with_their_position() {
        let err = parse(
            "package main\nfunc f(e interface{}) {\n\tswitch x := 1; y := e.(type) {\n\t}\n}\n",
        )
        .unwrap_err();
        assert!(err
            .to_string()
            .ends_with("unsupported construct 'type switch with an init statement'"));
        let err = parse("package main\nfunc f() {\n\tx := (1\n}\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "3:9: syntax error: unexpected semicolon or newline, expecting )"
        );
    }

    #[test]
    fn statements_and_expressions() {
        let f = parse(
            "package main\nimport \"runtime\"\ntype p struct { x, y int }\nfunc main() {\n\tfor i := 0; i < 3; i++ {\n\t\tgo func(n int) { println(n) }(i)\n\t}\n\tif v := (p{1, 2}); v.x > 0 { runtime.Gosched() }\n\tselect {\n\tcase v := <-c:\n\t\tprintln(v)\n\tdefault:\n\t}\n}\n",
        )
        .unwrap();
        assert_eq!(f.imports[0].0, "runtime");
        let Decl::Func(main) = &f.decls[1] else {
            panic!()
        };
        assert!(matches!(main.body[0].kind, StmtKind::For { .. }));
        assert!(matches!(main.body[1].kind, StmtKind::If { .. }));
        let StmtKind::Select { clauses: cl, .. } = &main.body[2].kind else {
            panic!()
        };
        assert!(matches!(cl[0].comm, Comm::Recv { define: true, .. }));
        assert!(matches!(cl[1].comm, Comm::Default));
    }

    #[test]
    fn go_defer_and_select_keep_the_line_6g_reduces_them_on() {
        let f = parse(
            "package main\nfunc main() {\n\tgo func() {\n\t\tprintln(1)\n\t}()\n\tdefer f(1,\n\t\t2)\n\tselect {\n\tdefault:\n\t}\n}\n",
        )
        .unwrap();
        let Decl::Func(main) = &f.decls[0] else {
            panic!()
        };
        let lines: Vec<(u32, u32)> = main
            .body
            .iter()
            .map(|s| match &s.kind {
                StmtKind::Go { line, .. }
                | StmtKind::Defer { line, .. }
                | StmtKind::Select { line, .. } => (s.pos.line, *line),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(lines, [(3, 5), (6, 7), (8, 10)]);
    }
}
