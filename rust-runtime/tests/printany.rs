//! What an unrecovered panic prints for its value (proc.c's printpanics
//! through error.go's printany): the runtime prints nil, ints, strings and
//! its own errors itself; a value whose String method is the program's
//! would need Go code run inside the dying runtime, which the twin does
//! not do, so that run ends as unmodelled instead of printing a guess.

use rust_runtime::gc::compile::compile;
use rust_runtime::gc::frames::Figures;
use rust_runtime::gc::parse::parse;
use rust_runtime::gc::vm::{Halt, Machine};
use rust_runtime::{Ending, Runtime, Variant};

/// Frame tables for the test's functions and main's call sites (sizes
/// and offsets of the kind 6g gives them: main's body is on line 9).
const FRAMES: &str = "function\tcheck\tmorestack\targs\tframe\targwords
main.main\tsmall\tmorestack00\t0\t56\t0
main.init\tsmall\tmorestack00\t0\t0\t0
main.e·String\tsmall\tmorestack24\t24\t8\t4
main.e·String·i\tsmall\tmorestack24\t24\t24\t4
";
const CALLS: &str = "caller\tret_off\tcallee\tfile\tline\ttop_line
main.main\t59\truntime.convT2E\t$WORK/test.go\t9\t9
main.main\t83\truntime.panic\t$WORK/test.go\t9\t9
";

fn run(body: &str) -> (Ending, String, Option<Halt>) {
    let src = format!(
        "package main\ntype e struct {{\n\tc int\n}}\nfunc (x e) String() string {{\n\treturn \"e\"\n}}\nfunc main() {{\n\t{body}\n}}\n"
    );
    let prog = compile(&parse(&src).unwrap()).unwrap();
    let measured = Figures::parse("test", FRAMES, CALLS).unwrap();
    let mut rt = Runtime::new(Variant::Post1547).unwrap();
    let mut m = Machine::new(&mut rt, prog, measured, "$WORK/test.go").unwrap();
    let ending = m.run(&mut rt);
    let first = String::from_utf8_lossy(&rt.stderr)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    (ending, first, m.halt)
}

#[test]
fn the_runtime_prints_ints_and_strings_itself() {
    let (ending, first, halt) = run("panic(42)");
    assert_eq!(
        (ending, first.as_str(), halt),
        (Ending::Exit(2), "panic: 42", None)
    );
    let (_, first, halt) = run("panic(\"boom\")");
    assert_eq!((first.as_str(), halt), ("panic: boom", None));
}

#[test]
fn a_programs_string_method_is_not_run_by_the_dying_runtime() {
    let (ending, _, halt) = run("panic(e{1})");
    assert_eq!(ending, Ending::Exit(2));
    assert_eq!(
        halt,
        Some(Halt::Unmodelled(
            "printing a panic value through its String method".into()
        ))
    );
}
