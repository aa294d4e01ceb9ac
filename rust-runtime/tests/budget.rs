//! A runaway fixture ends with its budget, never a hang: the step budget
//! for a loop that never ends, the memory budget for goroutines that pile
//! up forever.

use rust_runtime::gc::compile::compile;
use rust_runtime::gc::frames::Figures;
use rust_runtime::gc::parse::parse;
use rust_runtime::gc::vm::{Halt, Machine};
use rust_runtime::{Runtime, Variant};

/// Frame tables for the test's functions (figures of the size 6g gives
/// such small functions; no call sites: a run that ends on its own then
/// ends unmodelled, one stopped by a budget reports the budget).
const FRAMES: &str = "function\tcheck\tmorestack\targs\tframe\targwords
main.main\tsmall\tmorestack00\t0\t40\t0
main.init\tsmall\tmorestack00\t0\t0\t0
main.park\tsmall\tmorestack8\t8\t16\t2
";
const CALLS: &str = "caller\tret_off\tcallee\tfile\tline\ttop_line\n";

fn run(src: &str, steps: u64, memory: u64) -> Option<Halt> {
    run_with(src, steps, memory, None)
}

fn run_with(src: &str, steps: u64, memory: u64, interrupt: Option<fn() -> bool>) -> Option<Halt> {
    let prog = compile(&parse(src).unwrap()).unwrap();
    let measured = Figures::parse("test", FRAMES, CALLS).unwrap();
    let mut rt = Runtime::new(Variant::Post1547).unwrap();
    let mut m = Machine::new(&mut rt, prog, measured, "$WORK/test.go").unwrap();
    m.budget = steps;
    m.memory_budget = memory;
    m.interrupt = interrupt;
    m.run(&mut rt);
    m.halt
}

#[test]
fn an_endless_loop_runs_out_of_steps() {
    let src = "package main\nfunc main() {\n\tn := 0\n\tfor {\n\t\tn++\n\t}\n}\n";
    assert_eq!(run(src, 100_000, u64::MAX), Some(Halt::Steps));
}

#[test]
fn goroutines_without_end_run_out_of_memory() {
    let src = "package main\nfunc park(c chan int) {\n\t<-c\n}\nfunc main() {\n\tc := make(chan int)\n\tfor {\n\t\tgo park(c)\n\t}\n}\n";
    let Some(Halt::Memory(took)) = run(src, u64::MAX, 64 << 20) else {
        panic!("no memory halt")
    };
    // Checked every 4096 steps: a little over the budget, not far.
    assert!(took > 64 << 20 && took < 80 << 20, "{took}");
}

#[test]
fn ctrl_c_stops_a_run() {
    let src = "package main\nfunc main() {\n\tfor {\n\t}\n}\n";
    assert_eq!(
        run_with(src, u64::MAX, u64::MAX, Some(|| true)),
        Some(Halt::Interrupted)
    );
    assert_eq!(
        run_with(src, 100_000, u64::MAX, Some(|| false)),
        Some(Halt::Steps)
    );
}

#[test]
fn a_call_the_measured_table_lacks_ends_the_run_unmodelled() {
    // Its return address would be a guess: the run says so rather than
    // print a traceback with a made-up pc.
    let src = "package main\nfunc main() {\n\tc := make(chan int, 1)\n\tc <- 1\n}\n";
    assert_eq!(
        run(src, u64::MAX, u64::MAX),
        Some(Halt::Unmodelled(
            "main.main's call of runtime.makechan on line 3 (#1) is not in the call table".into()
        ))
    );
}
