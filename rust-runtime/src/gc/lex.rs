//! cmd/gc/lex.c: tokens of the Feb-2011 Go dialect, with the automatic
//! semicolons of the language's rule (after a line's last token when it is
//! an identifier, a literal, one of `break continue fallthrough return`,
//! `++ --`, or a closing `) ] }`).

use std::fmt;

/// A position in the source: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Ident(String),
    Int(u64),
    Float(f64),
    /// An imaginary literal (`6i`, `1.5e3i`): its value's imaginary part.
    Imag(f64),
    /// A string literal's value.
    Str(String),
    Char(u32),
    Keyword(&'static str),
    /// An operator or delimiter.
    Op(&'static str),
    /// `;`, written or inserted at a newline.
    Semi,
    Eof,
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Ident(s) => write!(f, "{s}"),
            Tok::Int(n) => write!(f, "{n}"),
            Tok::Float(x) => write!(f, "{x}"),
            Tok::Imag(x) => write!(f, "{x}i"),
            Tok::Str(s) => write!(f, "{s:?}"),
            Tok::Char(c) => write!(f, "'{}'", char::from_u32(*c).unwrap_or('?')),
            Tok::Keyword(k) | Tok::Op(k) => write!(f, "{k}"),
            Tok::Semi => write!(f, "semicolon or newline"),
            Tok::Eof => write!(f, "end of file"),
        }
    }
}

const KEYWORDS: [&str; 25] = [
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
];

/// Operators, longest first so that the scan takes the longest match.
const OPS: [&str; 47] = [
    "<<=", ">>=", "&^=", "...", "&&", "||", "<-", "++", "--", "==", "!=", "<=", ">=", ":=", "+=",
    "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", "&^", "+", "-", "*", "/", "%", "&", "|",
    "^", "<", ">", "=", "!", "(", ")", "[", "]", "{", "}", ",", ";", ".", ":",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pos}: {message}")]
pub struct LexError {
    pub pos: Pos,
    pub message: String,
}

/// The refusal of a string literal holding a byte that is not UTF-8.
const NOT_UTF8: &str = "unsupported construct 'a byte of a string that is not UTF-8'";

/// The tokens of `src`, each with its position, ending in `Eof`.
pub fn lex(src: &str) -> Result<Vec<(Tok, Pos)>, LexError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out: Vec<(Tok, Pos)> = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1u32, 1u32);
    let err = |pos: Pos, message: String| LexError { pos, message };
    // Whether a newline here ends a statement.
    let needs_semi = |out: &Vec<(Tok, Pos)>| match out.last().map(|(t, _)| t) {
        Some(
            Tok::Ident(_) | Tok::Int(_) | Tok::Float(_) | Tok::Imag(_) | Tok::Str(_) | Tok::Char(_),
        ) => true,
        Some(Tok::Keyword(k)) => matches!(*k, "break" | "continue" | "fallthrough" | "return"),
        Some(Tok::Op(o)) => matches!(*o, "++" | "--" | ")" | "]" | "}"),
        _ => false,
    };
    while i < chars.len() {
        let c = chars[i];
        let pos = Pos { line, col };
        if c == '\n' {
            if needs_semi(&out) {
                out.push((Tok::Semi, pos));
            }
            i += 1;
            line += 1;
            col = 1;
            continue;
        }
        if c.is_whitespace() {
            i += 1;
            col += 1;
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'*') {
            let mut had_newline = false;
            i += 2;
            col += 2;
            loop {
                match chars.get(i) {
                    None => return Err(err(pos, "comment not terminated".into())),
                    Some('*') if chars.get(i + 1) == Some(&'/') => {
                        i += 2;
                        col += 2;
                        break;
                    }
                    Some('\n') => {
                        had_newline = true;
                        i += 1;
                        line += 1;
                        col = 1;
                    }
                    Some(_) => {
                        i += 1;
                        col += 1;
                    }
                }
            }
            if had_newline && needs_semi(&out) {
                out.push((Tok::Semi, pos));
            }
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            col += (i - start) as u32;
            let tok = match KEYWORDS.iter().find(|k| **k == word) {
                Some(k) => Tok::Keyword(k),
                None => Tok::Ident(word),
            };
            out.push((tok, pos));
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let start = i;
            let hex = c == '0' && matches!(chars.get(i + 1), Some('x' | 'X'));
            if hex {
                i += 2;
                while i < chars.len() && chars[i].is_ascii_hexdigit() {
                    i += 1;
                }
            } else {
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                if i < chars.len() && matches!(chars[i], 'e' | 'E') {
                    i += 1;
                    if i < chars.len() && matches!(chars[i], '+' | '-') {
                        i += 1;
                    }
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            // An imaginary literal: decimal digits (a leading 0 is no
            // octal here) or a float, then `i`.
            let imag = !hex && chars.get(i) == Some(&'i');
            let text: String = chars[start..i].iter().collect();
            if imag {
                i += 1;
            }
            col += (i - start) as u32;
            let bad = || err(pos, format!("malformed number '{text}'"));
            let tok = if imag {
                Tok::Imag(text.parse().map_err(|_| bad())?)
            } else if hex {
                Tok::Int(u64::from_str_radix(&text[2..], 16).map_err(|_| bad())?)
            } else if text.contains(['.', 'e', 'E']) {
                Tok::Float(text.parse().map_err(|_| bad())?)
            } else if text.len() > 1 && text.starts_with('0') {
                Tok::Int(u64::from_str_radix(&text[1..], 8).map_err(|_| bad())?)
            } else {
                Tok::Int(text.parse().map_err(|_| bad())?)
            };
            out.push((tok, pos));
            continue;
        }
        if c == '"' || c == '\'' {
            let quote = c;
            i += 1;
            col += 1;
            let mut value = String::new();
            loop {
                let Some(&d) = chars.get(i) else {
                    return Err(err(pos, "literal not terminated".into()));
                };
                if d == '\n' {
                    return Err(err(pos, "newline in literal".into()));
                }
                i += 1;
                col += 1;
                if d == quote {
                    break;
                }
                if d != '\\' {
                    value.push(d);
                    continue;
                }
                let e = chars.get(i).copied().unwrap_or('\0');
                i += 1;
                col += 1;
                let simple = match e {
                    'n' => Some('\n'),
                    't' => Some('\t'),
                    'r' => Some('\r'),
                    'a' => Some('\x07'),
                    'b' => Some('\x08'),
                    'f' => Some('\x0c'),
                    'v' => Some('\x0b'),
                    '\\' => Some('\\'),
                    '\'' => Some('\''),
                    '"' => Some('"'),
                    _ => None,
                };
                if let Some(s) = simple {
                    value.push(s);
                    continue;
                }
                let digits = match e {
                    'x' => 2,
                    'u' => 4,
                    'U' => 8,
                    '0'..='7' => {
                        let oct: String = chars[i - 1..(i + 2).min(chars.len())].iter().collect();
                        let v = u32::from_str_radix(&oct, 8)
                            .map_err(|_| err(pos, "bad octal escape".into()))?;
                        if quote == '"' && v >= 0x80 {
                            return Err(err(pos, NOT_UTF8.into()));
                        }
                        i += 2;
                        col += 2;
                        value.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                        continue;
                    }
                    _ => return Err(err(pos, format!("unknown escape sequence \\{e}"))),
                };
                let hex: String = chars[i..(i + digits).min(chars.len())].iter().collect();
                let v = u32::from_str_radix(&hex, 16).map_err(|_| err(pos, "bad escape".into()))?;
                // A byte escape past ASCII is a raw byte of the string,
                // which the twin's strings (UTF-8) cannot hold.
                if quote == '"' && digits == 2 && v >= 0x80 {
                    return Err(err(pos, NOT_UTF8.into()));
                }
                i += digits;
                col += digits as u32;
                value.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            let tok = if quote == '"' {
                Tok::Str(value)
            } else {
                let mut cs = value.chars();
                match (cs.next(), cs.next()) {
                    (Some(ch), None) => Tok::Char(ch as u32),
                    _ => return Err(err(pos, "character literal must hold one character".into())),
                }
            };
            out.push((tok, pos));
            continue;
        }
        if c == '`' {
            let start = i + 1;
            i += 1;
            col += 1;
            while i < chars.len() && chars[i] != '`' {
                if chars[i] == '\n' {
                    line += 1;
                    col = 0;
                }
                i += 1;
                col += 1;
            }
            if i >= chars.len() {
                return Err(err(pos, "raw string not terminated".into()));
            }
            let value: String = chars[start..i].iter().filter(|&&ch| ch != '\r').collect();
            i += 1;
            col += 1;
            out.push((Tok::Str(value), pos));
            continue;
        }
        let rest: String = chars[i..(i + 3).min(chars.len())].iter().collect();
        let Some(op) = OPS.iter().find(|op| rest.starts_with(**op)) else {
            return Err(err(pos, format!("unexpected character '{c}'")));
        };
        i += op.len();
        col += op.len() as u32;
        out.push((if *op == ";" { Tok::Semi } else { Tok::Op(op) }, pos));
    }
    let end = Pos { line, col };
    if needs_semi(&out) {
        out.push((Tok::Semi, end));
    }
    out.push((Tok::Eof, end));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        lex(src).unwrap().into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn semicolons_are_inserted_where_a_line_can_end() {
        assert_eq!(
            toks("x := <-c\nreturn\n}\n"),
            [
                Tok::Ident("x".into()),
                Tok::Op(":="),
                Tok::Op("<-"),
                Tok::Ident("c".into()),
                Tok::Semi,
                Tok::Keyword("return"),
                Tok::Semi,
                Tok::Op("}"),
                Tok::Semi,
                Tok::Eof,
            ]
        );
        assert_eq!(toks("f(a,\nb)"), toks("f(a, b)"));
    }

    #[test]
    fn literals_and_positions() {
        let t = lex("a = 0x1f + 017 + 'x' + \"a\\tb\" // c\n  `r\\n`").unwrap();
        assert_eq!(t[2].0, Tok::Int(31));
        assert_eq!(t[4].0, Tok::Int(15));
        assert_eq!(t[6].0, Tok::Char('x' as u32));
        assert_eq!(t[8].0, Tok::Str("a\tb".into()));
        assert_eq!(t[10], (Tok::Str("r\\n".into()), Pos { line: 2, col: 3 }));
        let e = lex("x := \"open\n").unwrap_err();
        assert_eq!(e.to_string(), "1:6: newline in literal");
    }
}
