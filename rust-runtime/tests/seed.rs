//! The seed's scenario (Go issue 1547), replayed on the twin through its
//! API: a goroutine spawns from every depth of a recursion sweep, so that
//! at one depth the call to lock(&stacks) inside stackalloc is what splits
//! the stack. Frame sizes are those 6g and 6l gave go-fixtures/hang1547.go
//! (harness/snapshots/frames/*/hang1547.tsv).

use std::collections::HashMap;

use rust_runtime::host::Host;
use rust_runtime::script::{Op, Script};
use rust_runtime::symtab::Func;
use rust_runtime::{AfterQuit, Ending, Runtime, Variant};

fn go_func(name: &str, frame: u32, args: u32, line: u32, sites: &[(u32, u32)]) -> Func {
    let mut f = Func::go(name, "$WORK/hang1547.go", line, frame, args);
    f.sites = sites.iter().map(|&(off, line)| (off, line, line)).collect();
    f
}

/// hang1547.go as a script: main prints "depth d" and calls descend(d),
/// which recurses d levels and then runs `go nop()`.
fn sweep(variant: Variant, depths: u32, host: Host) -> (Ending, String) {
    let mut rt = Runtime::new(variant).unwrap();
    rt.host = host;
    let nop = rt.declare(go_func("main.nop", 0, 0, 15, &[])).unwrap();
    let descend = rt
        .declare(go_func("main.descend", 8, 8, 18, &[(0x2e, 20), (0x3f, 23)]))
        .unwrap();
    let main = rt
        .declare(go_func("main.main", 24, 0, 26, &[(0x6c, 28), (0x80, 29)]))
        .unwrap();
    let mut ops = Vec::new();
    for d in 0..depths {
        ops.push(Op::Print {
            site: 0x6c,
            text: format!("depth {d}\n"),
        });
        ops.push(Op::Call {
            f: descend,
            site: 0x80,
            args: vec![u64::from(d)],
        });
        for k in (0..d).rev() {
            ops.push(Op::Call {
                f: descend,
                site: 0x2e,
                args: vec![u64::from(k)],
            });
        }
        ops.push(Op::Go {
            f: nop,
            site: 0x3f,
            args: vec![],
        });
        ops.extend((0..=d).map(|_| Op::Ret));
    }
    ops.push(Op::Print {
        site: 0x6c,
        text: "swept\n".into(),
    });
    ops.push(Op::Ret);
    let mut script = Script::new(HashMap::from([(main, ops), (nop, vec![Op::Ret])]));
    let ending = rt.run(&mut script, None, main);
    (ending, String::from_utf8(rt.stderr.clone()).unwrap())
}

/// The function names of the frame lines (each followed by its
/// tab-indented argument line), in order.
fn frames(out: &str) -> Vec<&str> {
    let lines: Vec<&str> = out.lines().collect();
    lines
        .windows(2)
        .filter(|w| w[1].starts_with('\t') && !w[0].starts_with('\t'))
        .map(|w| w[0].split(['+', ' ']).next().unwrap())
        .collect()
}

#[test]
fn pre_1547_hangs_at_the_depth_the_real_runtime_hangs_at_with_the_seeds_shape() {
    let (ending, out) = sweep(Variant::Pre1547, 600, Host::RECORDING);
    // On the recording host the signal frame zeroes goroutine 23 (the G
    // right after the signal stack), and printing it faults: the real
    // process dies of SIGSEGV after "goroutine 0 [0]:".
    assert_eq!(ending, Ending::Hung(AfterQuit::Signal(11)), "{out}");
    assert!(
        out.ends_with("\ngoroutine 24 [1]:\nmain.nop $WORK/hang1547.go:15\n\tmain.nop()\nruntime.goexit $GOROOT/src/pkg/runtime/proc.c:150\n\truntime.goexit()\n\ngoroutine 0 [0]:\n"),
        "{}",
        &out[out.len() - 300..]
    );
    // The real pre-1547 binary of hang1547.go prints "depth 213" last.
    let (before, dump) = out.split_once("SIGQUIT: quit\n").unwrap();
    assert_eq!(before.lines().last(), Some("depth 213"));
    let names = frames(dump);
    assert_eq!(
        names[..13],
        [
            "runtime.futex",
            "futexsleep",
            "futexlock",
            "runtime.lock",
            "runtime.stackfree",
            "runtime.oldstack",
            "runtime.lessstack",
            "runtime.lock",
            "runtime.stackalloc",
            "runtime.malg",
            "runtime.newproc1",
            "runtime.newproc",
            "main.descend",
        ],
        "{dump}"
    );
    assert!(dump.contains("runtime.lessstack+0x"), "{dump}");
    assert!(
        dump.contains("\n----- lessstack called from goroutine 1 -----\nruntime.lock+"),
        "{dump}"
    );
}

#[test]
fn post_1547_completes_the_same_sweep() {
    let (ending, out) = sweep(Variant::Post1547, 600, Host::RECORDING);
    assert_eq!(ending, Ending::Exit(0), "{out}");
    assert!(out.ends_with("depth 599\nswept\n"));
}

/// stackalloc called on a goroutine's stack: pre-1547 serves it, post-1547
/// throws, from the goroutine's stack.
#[test]
fn stackalloc_off_g0_throws_only_after_the_fix() {
    for variant in Variant::ALL {
        let mut rt = Runtime::new(variant).unwrap();
        let main = rt.declare(go_func("main.main", 24, 0, 26, &[])).unwrap();
        let ops = vec![
            Op::Stackalloc {
                site: 0x10,
                n: 4096,
            },
            Op::Print {
                site: 0x20,
                text: "allocated\n".into(),
            },
            Op::Ret,
        ];
        let mut script = Script::new(HashMap::from([(main, ops)]));
        let ending = rt.run(&mut script, None, main);
        let out = String::from_utf8(rt.stderr.clone()).unwrap();
        match variant {
            Variant::Pre1547 => {
                assert_eq!(ending, Ending::Exit(0));
                assert_eq!(out, "allocated\n");
            }
            Variant::Post1547 => {
                assert_eq!(ending, Ending::Exit(2));
                assert!(
                    out.starts_with("throw: stackalloc not on scheduler stack\n\nruntime.throw+"),
                    "{out}"
                );
                assert!(out.contains("\nruntime.stackalloc+"), "{out}");
                assert!(out.contains("\nmain.main+0x10 $WORK/hang1547.go:"), "{out}");
            }
        }
    }
}

/// The ending follows from the host's XSAVE size alone: an AVX image
/// (832 bytes), an AVX-512 one on AMD (2432; both machines gdb checked the
/// frame on) and on Intel (2688, the recording machine) write the same
/// bytes past the gsignal block, so the same dump.
#[test]
fn hosts_with_the_same_frame_end_the_hang_alike() {
    let (ending, out) = sweep(Variant::Pre1547, 600, Host::RECORDING);
    for s in [832, 2432, 2688] {
        assert_eq!(
            sweep(Variant::Pre1547, 600, Host::sized(s)),
            (ending, out.clone()),
            "{s}"
        );
    }
}
