//! defer, panic and recover at the runtime level, driven by scripts.

use std::collections::HashMap;

use rust_runtime::script::{Chan, Op, Script};
use rust_runtime::symtab::Func;
use rust_runtime::{Ending, Runtime, Variant};

fn go_func(name: &str, frame: u32, args: u32, line: u32) -> Func {
    Func::go(name, "$WORK/panic.go", line, frame, args)
}

fn print(text: &str) -> Op {
    Op::Print {
        site: 0x10,
        text: text.into(),
    }
}

fn out(rt: &Runtime) -> String {
    String::from_utf8_lossy(&rt.stderr).into_owned()
}

/// Deferred calls run last-in first-out when the function returns, with
/// the arguments they were deferred with.
#[test]
fn deferred_calls_run_in_reverse_at_return() {
    for variant in Variant::ALL {
        let mut rt = Runtime::new(variant).unwrap();
        let main = rt.declare(go_func("main.main", 64, 0, 3)).unwrap();
        let f = rt.declare(go_func("main.f", 48, 0, 10)).unwrap();
        let d1 = rt.declare(go_func("main.d1", 32, 0, 20)).unwrap();
        let d2 = rt.declare(go_func("main.d2", 32, 0, 24)).unwrap();
        let traces = HashMap::from([
            (
                main,
                vec![
                    Op::CallBody {
                        f,
                        site: 0x20,
                        args: vec![],
                    },
                    print("main goes on\n"),
                    Op::Ret,
                ],
            ),
            (
                f,
                vec![
                    Op::Defer {
                        site: 0x30,
                        f: d1,
                        args: vec![],
                    },
                    Op::Defer {
                        site: 0x40,
                        f: d2,
                        args: vec![],
                    },
                    print("f body\n"),
                    Op::Ret,
                ],
            ),
            (d1, vec![print("d1\n"), Op::Ret]),
            (d2, vec![print("d2\n"), Op::Ret]),
        ]);
        let mut script = Script::new(traces);
        script.check = Some(Runtime::check_invariants);
        assert_eq!(
            rt.run(&mut script, None, main),
            Ending::Exit(0),
            "{}",
            out(&rt)
        );
        assert_eq!(out(&rt), "f body\nd2\nd1\nmain goes on\n");
        assert_eq!(script.violation, None);
    }
}

/// A panic in a goroutine that nothing recovers: its deferred call runs,
/// then "panic: ..." and a blank line, the goroutine's stack from
/// runtime.panic's frame (no header), the others; exit 2. The runtime
/// frame is printed as the real one is (gopanic.raw).
#[test]
fn an_unrecovered_panic_runs_defers_then_prints_and_exits_2() {
    let mut rt = Runtime::new(Variant::Pre1547).unwrap();
    let main = rt.declare(go_func("main.main", 64, 0, 3)).unwrap();
    let worker = rt.declare(go_func("main.worker", 64, 0, 10)).unwrap();
    let d = rt.declare(go_func("main.d", 32, 0, 20)).unwrap();
    let traces = HashMap::from([
        (
            main,
            vec![
                Op::MakeChan {
                    site: 0x10,
                    hint: 0,
                    global: 0,
                },
                Op::Go {
                    f: worker,
                    site: 0x20,
                    args: vec![],
                },
                Op::Recv {
                    site: 0x30,
                    chan: Chan::Global(0),
                },
                Op::Ret,
            ],
        ),
        (
            worker,
            vec![
                Op::Defer {
                    site: 0x30,
                    f: d,
                    args: vec![],
                },
                Op::Panic {
                    site: 0x53,
                    value: 7,
                    text: "worker failed".into(),
                },
            ],
        ),
        (
            d,
            vec![print("deferred print runs before the crash\n"), Op::Ret],
        ),
    ]);
    let mut script = Script::new(traces);
    assert_eq!(rt.run(&mut script, None, main), Ending::Exit(2));
    let text = out(&rt);
    let frames: Vec<&str> = text.lines().filter(|l| !l.starts_with('\t')).collect();
    assert_eq!(
        frames[..5],
        [
            "deferred print runs before the crash",
            "panic: worker failed",
            "",
            "runtime.panic+0xac $GOROOT/src/pkg/runtime/proc.c:1026",
            "main.worker+0x53 $WORK/panic.go:10",
        ],
        "{text}"
    );
    assert!(
        text.contains("\ngoroutine 1 [4]:\nruntime.gosched+0x77"),
        "{text}"
    );
}

/// recover() in the deferred call stops the panic: the function that
/// deferred it returns normally (running its other deferred calls), the
/// caller goes on. recover() outside a panic, or called by a helper of the
/// deferred function, returns nil.
#[test]
fn recover_in_the_deferred_call_stops_the_panic() {
    for variant in Variant::ALL {
        let mut rt = Runtime::new(variant).unwrap();
        let main = rt.declare(go_func("main.main", 64, 0, 3)).unwrap();
        let f = rt.declare(go_func("main.f", 64, 0, 10)).unwrap();
        let g = rt.declare(go_func("main.g", 32, 0, 15)).unwrap();
        let rec = rt.declare(go_func("main.rec", 48, 0, 20)).unwrap();
        let helper = rt.declare(go_func("main.helper", 32, 0, 25)).unwrap();
        let other = rt.declare(go_func("main.other", 32, 0, 30)).unwrap();
        let traces = HashMap::from([
            (
                main,
                vec![
                    Op::Recover { site: 0x18 },
                    Op::PrintLast { site: 0x19 },
                    Op::CallBody {
                        f,
                        site: 0x20,
                        args: vec![],
                    },
                    print("main goes on\n"),
                    Op::Ret,
                ],
            ),
            (
                f,
                vec![
                    Op::Defer {
                        site: 0x28,
                        f: other,
                        args: vec![],
                    },
                    Op::Defer {
                        site: 0x30,
                        f: rec,
                        args: vec![],
                    },
                    Op::CallBody {
                        f: g,
                        site: 0x38,
                        args: vec![],
                    },
                    print("not reached\n"),
                    Op::Ret,
                ],
            ),
            (
                g,
                vec![Op::Panic {
                    site: 0x40,
                    value: 42,
                    text: "boom".into(),
                }],
            ),
            (
                rec,
                vec![
                    Op::CallBody {
                        f: helper,
                        site: 0x48,
                        args: vec![],
                    },
                    Op::Recover { site: 0x50 },
                    Op::PrintLast { site: 0x58 },
                    Op::Ret,
                ],
            ),
            (
                helper,
                vec![
                    Op::Recover { site: 0x60 },
                    Op::PrintLast { site: 0x68 },
                    Op::Ret,
                ],
            ),
            (other, vec![print("other deferred\n"), Op::Ret]),
        ]);
        let mut script = Script::new(traces);
        script.check = Some(Runtime::check_invariants);
        let ending = rt.run(&mut script, None, main);
        assert_eq!(ending, Ending::Exit(0), "{variant}: {}", out(&rt));
        // nil outside a panic; nil in the helper; 42 in the deferred call.
        assert_eq!(
            out(&rt),
            "0\n0\n42\nother deferred\nmain goes on\n",
            "{variant}"
        );
        assert_eq!(script.violation, None);
    }
}
