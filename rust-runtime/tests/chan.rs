//! Channels on the twin, driven through scripts.

use std::collections::HashMap;

use rust_runtime::script::{Chan, Op, Script, Val};
use rust_runtime::symtab::Func;
use rust_runtime::{AfterQuit, Ending, Runtime, Variant};

fn go_func(file: &str, name: &str, frame: u32, args: u32, line: u32) -> Func {
    Func::go(name, &format!("$WORK/{file}"), line, frame, args)
}

fn chain(variant: Variant, n: usize) -> (Ending, String) {
    let mut rt = Runtime::new(variant).unwrap();
    let (mut script, main) = rust_runtime::script::daisy_chain(&mut rt, n).unwrap();
    let ending = rt.run(&mut script, None, main);
    (ending, String::from_utf8_lossy(&rt.stderr).into_owned())
}

#[test]
fn a_chain_of_goroutines_passes_the_value_along() {
    for v in Variant::ALL {
        let (ending, out) = chain(v, 1000);
        assert_eq!(ending, Ending::Exit(0), "{out}");
        assert_eq!(out, "1001\n");
    }
}

/// hang1547g.go: main.init makes `done`; main starts the sweeper
/// (goroutine 2) and waits on `done`; the sweeper spawns leaf(d, sum) from
/// every depth of a recursion with 16-byte frames and arguments.
fn hang1547g(variant: Variant) -> (Ending, String) {
    let mut rt = Runtime::new(variant).unwrap();
    let leaf = rt
        .declare(go_func("hang1547g.go", "main.leaf", 16, 16, 15))
        .unwrap();
    let descend = rt
        .declare(go_func("hang1547g.go", "main.descend", 16, 16, 18))
        .unwrap();
    let sweep = rt
        .declare(go_func("hang1547g.go", "main.sweep", 48, 0, 26))
        .unwrap();
    let main = rt
        .declare(go_func("hang1547g.go", "main.main", 16, 0, 41))
        .unwrap();
    let init = rt
        .declare(go_func("hang1547g.go", "main.init", 24, 0, 44))
        .unwrap();
    let depths = 400u32;
    let mut sw = vec![Op::MakeChan {
        site: 0x20,
        hint: depths,
        global: 1,
    }];
    for d in 0..depths {
        sw.push(Op::Print {
            site: 0x30,
            text: format!("depth {d}\n"),
        });
        sw.push(Op::Call {
            f: descend,
            site: 0x40,
            args: vec![u64::from(d), u64::from(d)],
        });
        for k in (0..d).rev() {
            sw.push(Op::Call {
                f: descend,
                site: 0x30,
                args: vec![u64::from(k), u64::from(d)],
            });
        }
        sw.push(Op::Go {
            f: leaf,
            site: 0x5a,
            args: vec![Val::Const(u64::from(d)), Val::Chan(Chan::Global(1))],
        });
        sw.extend((0..=d).map(|_| Op::Ret));
    }
    for _ in 0..depths {
        sw.push(Op::Recv {
            site: 0x60,
            chan: Chan::Global(1),
        });
    }
    sw.push(Op::Print {
        site: 0x70,
        text: "swept\n".into(),
    });
    sw.push(Op::Send {
        site: 0x80,
        chan: Chan::Global(0),
        val: Val::Const(1),
    });
    sw.push(Op::Ret);
    let traces = HashMap::from([
        (
            init,
            vec![
                Op::MakeChan {
                    site: 0x10,
                    hint: 0,
                    global: 0,
                },
                Op::Ret,
            ],
        ),
        (
            main,
            vec![
                Op::Go {
                    f: sweep,
                    site: 0x10,
                    args: vec![],
                },
                Op::Recv {
                    site: 0x20,
                    chan: Chan::Global(0),
                },
                Op::Ret,
            ],
        ),
        (sweep, sw),
        (
            leaf,
            vec![
                Op::Send {
                    site: 0x10,
                    chan: Chan::Arg(1),
                    val: Val::Chan(Chan::Arg(0)),
                },
                Op::Ret,
            ],
        ),
    ]);
    let mut script = Script::new(traces);
    let ending = rt.run(&mut script, Some(init), main);
    (ending, String::from_utf8_lossy(&rt.stderr).into_owned())
}

#[test]
fn hang1547g_hangs_in_goroutine_2_at_the_real_depth_and_lists_the_others() {
    let (ending, out) = hang1547g(Variant::Pre1547);
    assert_eq!(ending, Ending::Hung(AfterQuit::Exit(2)));
    let (before, dump) = out.split_once("SIGQUIT: quit\n").unwrap();
    // The real pre-1547 binary prints "depth 141" last.
    assert_eq!(before.lines().last(), Some("depth 141"));
    assert!(
        dump.contains("\n----- lessstack called from goroutine 2 -----\nruntime.lock+"),
        "{dump}"
    );
    assert!(
        dump.contains("\ngoroutine 2 [2]:\nmain.sweep $WORK/hang1547g.go:26\n"),
        "{dump}"
    );
    assert!(
        dump.contains("\ngoroutine 3 [1]:\nmain.leaf $WORK/hang1547g.go:15\n"),
        "{dump}"
    );
    let g1 = dump
        .split("\ngoroutine 1 [4]:\n")
        .nth(1)
        .expect("goroutine 1 listed");
    let names: Vec<&str> = g1
        .lines()
        .filter(|l| !l.starts_with('\t'))
        .map(|l| l.split(['+', ' ']).next().unwrap())
        .take(6)
        .collect();
    assert_eq!(
        names,
        [
            "runtime.gosched",
            "runtime.chanrecv",
            "runtime.chanrecv1",
            "main.main",
            "runtime.mainstart",
            "runtime.goexit"
        ]
    );
}

#[test]
fn hang1547g_completes_after_the_fix() {
    let (ending, out) = hang1547g(Variant::Post1547);
    assert_eq!(ending, Ending::Exit(0), "{out}");
    assert!(
        out.ends_with("depth 399\nswept\n"),
        "{}",
        &out[out.len() - 100..]
    );
}

/// select.go's second part: five cases always ready, 5000 times, after
/// one earlier two-case select. The cases sort by channel address; the
/// 2011 fastrand (seed 0x49f6428a) then picks the positions in address
/// order 1000, 1006, 967, 1035 and 992 times, which is what the real
/// binary's counts are once mapped through its channel addresses.
#[test]
fn select_picks_among_ready_cases_with_the_2011_fastrand() {
    use rust_runtime::script::Case;
    let mut rt = Runtime::new(Variant::Pre1547).unwrap();
    let main = rt
        .declare(go_func("select.go", "main.main", 200, 0, 30))
        .unwrap();
    let mut ops: Vec<Op> = (0..5)
        .map(|k| Op::MakeChan {
            site: 0x10,
            hint: 6000,
            global: k,
        })
        .collect();
    ops.push(Op::MakeChan {
        site: 0x10,
        hint: 1,
        global: 5,
    });
    ops.push(Op::Select {
        site: 0x20,
        cases: vec![Case::Send(Chan::Global(5), Val::Const(8)), Case::Default],
    });
    for _ in 0..5000 {
        ops.push(Op::Select {
            site: 0x30,
            cases: (0..5)
                .map(|k| Case::Send(Chan::Global(k), Val::Const(k as u64)))
                .collect(),
        });
    }
    ops.push(Op::Ret);
    let mut script = Script::new(HashMap::from([(main, ops)]));
    assert_eq!(rt.run(&mut script, None, main), Ending::Exit(0));
    // Counts by the cases' place in address order.
    let mut by_addr: Vec<(u64, usize)> =
        rt.chans.iter().take(5).map(|c| (c.addr, c.len())).collect();
    by_addr.sort();
    let counts: Vec<usize> = by_addr.iter().map(|&(_, n)| n).collect();
    assert_eq!(counts, [1000, 1006, 967, 1035, 992]);
}

/// A select with nothing ready parks on every channel; the first partner
/// wins and the select's other waits are dropped.
#[test]
fn a_parked_select_is_woken_by_one_channel_only() {
    use rust_runtime::script::Case;
    let mut rt = Runtime::new(Variant::Post1547).unwrap();
    let main = rt
        .declare(go_func("sel2.go", "main.main", 200, 0, 30))
        .unwrap();
    let sender = rt
        .declare(go_func("sel2.go", "main.sender", 32, 8, 20))
        .unwrap();
    let ops = vec![
        Op::MakeChan {
            site: 0x10,
            hint: 0,
            global: 0,
        },
        Op::MakeChan {
            site: 0x10,
            hint: 0,
            global: 1,
        },
        Op::Go {
            f: sender,
            site: 0x18,
            args: vec![Val::Chan(Chan::Global(1))],
        },
        Op::Select {
            site: 0x20,
            cases: vec![Case::Recv(Chan::Global(0)), Case::Recv(Chan::Global(1))],
        },
        Op::PrintLast { site: 0x28 },
        Op::Ret,
    ];
    let s_ops = vec![
        Op::Send {
            site: 0x10,
            chan: Chan::Arg(0),
            val: Val::Const(42),
        },
        Op::Ret,
    ];
    let mut script = Script::new(HashMap::from([(main, ops), (sender, s_ops)]));
    assert_eq!(rt.run(&mut script, None, main), Ending::Exit(0));
    assert_eq!(String::from_utf8_lossy(&rt.stderr), "42\n");
    rt.check_invariants().unwrap();
}

/// The frame lines (not argument lines) of a dump.
fn frame_lines(out: &str) -> Vec<&str> {
    out.lines().filter(|l| !l.starts_with('\t')).collect()
}

/// All goroutines asleep: the throw from nextgandunlock on g0, printed
/// with the real offsets and lines (these frames are the same in every
/// recorded deadlock, e.g. harness/snapshots/*/deadlock.raw), then goroutine 1
/// parked in chanrecv.
#[test]
fn a_deadlock_throws_from_the_scheduler_with_the_real_frames() {
    for (variant, lines) in [
        (Variant::Pre1547, (334, 537, 394, 559)),
        (Variant::Post1547, (336, 548, 396, 570)),
    ] {
        let mut rt = Runtime::new(variant).unwrap();
        let main = rt
            .declare(go_func("dead.go", "main.main", 32, 0, 3))
            .unwrap();
        let ops = vec![
            Op::MakeChan {
                site: 0x20,
                hint: 0,
                global: 0,
            },
            Op::Recv {
                site: 0x5f,
                chan: Chan::Global(0),
            },
            Op::Ret,
        ];
        let mut script = Script::new(HashMap::from([(main, ops)]));
        assert_eq!(rt.run(&mut script, None, main), Ending::Exit(2));
        let out = String::from_utf8_lossy(&rt.stderr).into_owned();
        let sched = if variant == Variant::Pre1547 {
            "0x16f"
        } else {
            "0x1bf"
        };
        let expected = [
            "throw: all goroutines are asleep - deadlock!".to_string(),
            String::new(),
            "runtime.throw+0x40 $GOROOT/src/pkg/runtime/runtime.c:104".into(),
            format!(
                "nextgandunlock+0x1b9 $GOROOT/src/pkg/runtime/proc.c:{}",
                lines.0
            ),
            format!(
                "scheduler+{sched} $GOROOT/src/pkg/runtime/proc.c:{}",
                lines.1
            ),
            format!(
                "runtime.mstart+0x74 $GOROOT/src/pkg/runtime/proc.c:{}",
                lines.2
            ),
            "_rt0_amd64+0x95 $GOROOT/src/pkg/runtime/amd64/asm.s:69".into(),
            String::new(),
            "goroutine 1 [4]:".into(),
            format!(
                "runtime.gosched+0x77 $GOROOT/src/pkg/runtime/proc.c:{}",
                lines.3
            ),
            "runtime.chanrecv+0x403 $GOROOT/src/pkg/runtime/chan.c:324".into(),
            "runtime.chanrecv1+0x4a $GOROOT/src/pkg/runtime/chan.c:416".into(),
        ];
        let got = frame_lines(&out);
        assert_eq!(got[..expected.len()], expected, "{variant}:\n{out}");
        assert_eq!(
            got[expected.len()..],
            [
                "main.main+0x5f $WORK/dead.go:3",
                "runtime.mainstart+0xf $GOROOT/src/pkg/runtime/amd64/asm.s:77",
                "runtime.goexit $GOROOT/src/pkg/runtime/proc.c:150"
            ]
        );
    }
}
