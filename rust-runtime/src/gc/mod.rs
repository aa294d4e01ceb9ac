//! The 2011 compiler (cmd/gc with 6g), as far as the twin needs it to run
//! the fixtures: the lexer ([`lex`], lex.c), the syntax tree ([`ast`]) and
//! the parser ([`parse`], go.y); the types ([`types`]), the compiler
//! ([`compile`], walk.c and friends) and the code it makes ([`code`]); the
//! frame layout ([`layout`], gen.c and align.c) and the figures measured
//! from real binaries ([`frames`]); and [`vm`], which runs the code on the
//! twin. The dialect is the Feb-2011 one: what 6g at the pinned commits
//! accepts, and nothing it rejects.

pub mod ast;
pub mod code;
pub mod compile;
pub mod frames;
pub mod layout;
pub mod lex;
pub mod parse;
pub mod pcln;
pub mod predict;
pub mod types;
pub mod vm;
