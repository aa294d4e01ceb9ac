//! Property tests: random programs of calls with random frame sizes,
//! returns, go statements, yields, goroutine exits and, in the second
//! property, channel operations that block. Whatever the sequence, every
//! segment stays accounted for (in use, kept with a dead G, or free, never
//! twice), the Stktop chains stay consistent and no lock is left held
//! between steps. The fix shows as a property too: post-1547 never hangs.

use std::collections::HashMap;

use proptest::prelude::*;
use rust_runtime::script::{Case, Chan, Op, Script, Val};
use rust_runtime::symtab::{Func, FuncId};
use rust_runtime::{AfterQuit, Ending, Runtime, Variant};

/// What a goroutine may do at each step.
#[derive(Debug, Clone)]
enum Step {
    /// Call function k of the table.
    Call(usize),
    Ret,
    /// Spawn a goroutine in function k, with this many argument words.
    Go(usize, u8),
    Yield,
    /// Send on, or receive from, channel c: 0 is unbuffered, 1 holds 2.
    Send(usize),
    Recv(usize),
    /// Select on a receive from 0 and a send on 1, and a default if set.
    Select(bool),
}

/// The channels a program with channel steps makes first, as (global, hint).
const CHANS: [(usize, u32); 2] = [(0, 0), (1, 2)];

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..8usize).prop_map(Step::Call),
        3 => Just(Step::Ret),
        2 => (0..8usize, 0..4u8).prop_map(|(k, n)| Step::Go(k, n)),
        1 => Just(Step::Yield),
    ]
}

/// As [`step`], and one step in 21 a channel operation, which may block
/// (or, with nobody left to wake it, end in the deadlock throw). Rarer
/// than that and few programs block; commoner and most end in the throw
/// within a few steps (at 1 in 21, about three in four end in it, after
/// some 220 steps on average).
fn blocking_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        20 => step(),
        1 => prop_oneof![
            (0..2usize).prop_map(Step::Send),
            (0..2usize).prop_map(Step::Recv),
            any::<bool>().prop_map(Step::Select),
        ],
    ]
}

/// Frame sizes: mostly small, some large, one in eight StackBig or more.
/// Every frame has room for the 3 argument words a go statement stores
/// at 0(SP), as 6g reserves room for its outgoing arguments.
fn frame() -> impl Strategy<Value = u32> {
    prop_oneof![
        5 => (3..16u32).prop_map(|w| w * 8),
        2 => (16..500u32).prop_map(|w| w * 8),
        1 => (512..700u32).prop_map(|w| w * 8),
    ]
}

/// A well-formed trace from random steps: calls nest at most `max_depth`
/// deep, and every call is returned from before the goroutine ends.
fn trace(steps: &[Step], funcs: &[FuncId], max_depth: usize) -> Vec<Op> {
    let mut ops = Vec::new();
    let mut depth = 0;
    for (i, s) in steps.iter().enumerate() {
        let site = 0x10 + 8 * (i as u32 % 32);
        match *s {
            Step::Call(k) if depth < max_depth => {
                ops.push(Op::Call {
                    f: funcs[k],
                    site,
                    args: vec![],
                });
                depth += 1;
            }
            Step::Ret if depth > 0 => {
                ops.push(Op::Ret);
                depth -= 1;
            }
            Step::Go(k, n) => ops.push(Op::Go {
                f: funcs[k],
                site,
                args: (0..n)
                    .map(|a| rust_runtime::script::Val::Const(u64::from(a)))
                    .collect(),
            }),
            Step::Yield => ops.push(Op::Gosched { site }),
            Step::Send(c) => ops.push(Op::Send {
                site,
                chan: Chan::Global(c),
                val: Val::Const(1),
            }),
            Step::Recv(c) => ops.push(Op::Recv {
                site,
                chan: Chan::Global(c),
            }),
            Step::Select(default) => {
                let mut cases = vec![
                    Case::Recv(Chan::Global(0)),
                    Case::Send(Chan::Global(1), Val::Const(1)),
                ];
                if default {
                    cases.push(Case::Default);
                }
                ops.push(Op::Select { site, cases });
            }
            _ => {}
        }
    }
    ops.extend((0..=depth).map(|_| Op::Ret));
    ops
}

/// Run the program the steps make on `variant`: its ending, the script
/// (with any violation the check found) and what it printed on stderr.
fn run(
    variant: Variant,
    frames: &[u32],
    main_steps: &[Step],
    g_steps: &[Vec<Step>],
) -> (Ending, Script, String) {
    let mut rt = Runtime::new(variant).unwrap();
    let funcs: Vec<FuncId> = frames
        .iter()
        .enumerate()
        .map(|(k, &fr)| {
            rt.declare(Func::splitting(&format!("main.f{k}"), fr, 32))
                .unwrap()
        })
        .collect();
    let main = rt.declare(Func::splitting("main.main", 64, 0)).unwrap();
    let mut traces = HashMap::new();
    let uses_chans = main_steps
        .iter()
        .chain(g_steps.iter().flatten())
        .any(|s| matches!(s, Step::Send(_) | Step::Recv(_) | Step::Select(_)));
    let mut main_ops: Vec<Op> = CHANS
        .iter()
        .filter(|_| uses_chans)
        .map(|&(global, hint)| Op::MakeChan {
            site: 0x8,
            hint,
            global,
        })
        .collect();
    main_ops.extend(trace(main_steps, &funcs, 40));
    traces.insert(main, main_ops);
    for (k, f) in funcs.iter().enumerate() {
        // A spawned goroutine runs its own steps, with no further spawns
        // (so the program is finite), starting in its entry function.
        let steps: Vec<Step> = g_steps[k]
            .iter()
            .filter(|s| !matches!(s, Step::Go(..)))
            .cloned()
            .collect();
        let mut ops = trace(&steps, &funcs, 20);
        ops.pop();
        ops.push(Op::Ret);
        traces.insert(*f, ops);
    }
    let mut script = Script::new(traces);
    script.check = Some(Runtime::check_invariants);
    let ending = rt.run(&mut script, None, main);
    // Only a finished program is checked at exit: a hung one holds the
    // stacks lock by definition, and after its SIGQUIT the signal frame
    // may have zeroed a G (see deliver_signal).
    if ending == Ending::Exit(0) {
        if let Err(v) = rt.check_invariants() {
            script.violation.get_or_insert(format!("at exit: {v}"));
        }
    }
    let stderr = String::from_utf8_lossy(&rt.stderr).into_owned();
    (ending, script, stderr)
}

/// The endings a random program may have on `variant`: exit 0, the
/// deadlock throw when every goroutine is blocked (only when `blocking`),
/// or on pre-1547 issue 1547's hang. On the recording host the kernel's
/// signal frame spills past the signal stack; when a G sits right after
/// it, the SIGQUIT dump reads a zeroed G and dies, as hang1547's real dump
/// does.
fn allowed(variant: Variant, ending: Ending, stderr: &str, blocking: bool) -> bool {
    match (variant, ending) {
        (_, Ending::Exit(0)) => true,
        (_, Ending::Exit(2)) => {
            blocking && stderr.starts_with("throw: all goroutines are asleep - deadlock!\n")
        }
        (Variant::Pre1547, Ending::Hung(AfterQuit::Exit(2) | AfterQuit::Signal(11))) => true,
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn segments_chains_and_locks_stay_consistent(
        frames in prop::collection::vec(frame(), 8),
        main_steps in prop::collection::vec(step(), 0..300),
        g_steps in prop::collection::vec(prop::collection::vec(step(), 0..60), 8),
    ) {
        for variant in Variant::ALL {
            let (ending, script, stderr) = run(variant, &frames, &main_steps, &g_steps);
            prop_assert!(script.violation.is_none(), "{variant}: {}", script.violation.unwrap());
            prop_assert!(allowed(variant, ending, &stderr, false), "{variant} ended {ending:?}: {stderr}");
        }
    }

    #[test]
    fn blocking_on_channels_keeps_them_consistent(
        frames in prop::collection::vec(frame(), 8),
        main_steps in prop::collection::vec(blocking_step(), 0..300),
        g_steps in prop::collection::vec(prop::collection::vec(blocking_step(), 0..60), 8),
    ) {
        for variant in Variant::ALL {
            let (ending, script, stderr) = run(variant, &frames, &main_steps, &g_steps);
            prop_assert!(script.violation.is_none(), "{variant}: {}", script.violation.unwrap());
            prop_assert!(allowed(variant, ending, &stderr, true), "{variant} ended {ending:?}: {stderr}");
        }
    }
}

/// The checker is not vacuous: a segment freed twice, one lost, and a
/// lock left held are each reported.
#[test]
fn the_checker_reports_a_double_free_a_lost_segment_and_a_held_lock() {
    let (ending, _, _) = run(
        Variant::Post1547,
        &[64; 8],
        &[Step::Go(0, 1), Step::Yield],
        &vec![vec![]; 8],
    );
    assert_eq!(ending, Ending::Exit(0));
    let fresh = || {
        let mut rt = Runtime::new(Variant::Post1547).unwrap();
        let main = rt.declare(Func::splitting("main.main", 64, 0)).unwrap();
        let f = rt.declare(Func::splitting("main.f", 64, 0)).unwrap();
        let traces = HashMap::from([
            (
                main,
                vec![
                    Op::Go {
                        f,
                        site: 0x10,
                        args: vec![],
                    },
                    Op::Gosched { site: 0x20 },
                    Op::Ret,
                ],
            ),
            (f, vec![Op::Ret]),
        ]);
        assert_eq!(
            rt.run(&mut Script::new(traces), None, main),
            Ending::Exit(0)
        );
        rt.check_invariants().unwrap();
        rt
    };
    let mut rt = fresh();
    let any = rt.stacks.carved().next().unwrap();
    rt.stacks.list.push(any);
    assert!(rt.check_invariants().unwrap_err().contains("is both"));
    let mut rt = fresh();
    // Carve one more block without handing it out.
    rt.stacks.chunk += 0x1000;
    rt.stacks.nchunk -= 0x1000;
    assert!(rt
        .check_invariants()
        .unwrap_err()
        .contains("neither free nor on any G"));
    let mut rt = fresh();
    rt.sched.lock.key = 1;
    assert!(rt.check_invariants().unwrap_err().contains("lock is held"));
}

/// The script runs its check before every step (so the property above
/// checks the invariants throughout, not only at exit).
#[test]
fn the_script_runs_its_check_before_every_step() {
    let mut rt = Runtime::new(Variant::Pre1547).unwrap();
    let main = rt.declare(Func::splitting("main.main", 64, 0)).unwrap();
    let f = rt.declare(Func::splitting("main.f", 64, 0)).unwrap();
    let traces = HashMap::from([
        (
            main,
            vec![
                Op::Call {
                    f,
                    site: 0x10,
                    args: vec![],
                },
                Op::Ret,
                Op::Ret,
            ],
        ),
        (f, vec![]),
    ]);
    let mut script = Script::new(traces);
    script.check = Some(|rt| {
        if rt.m.locks == 0 {
            Err("seen".into())
        } else {
            Ok(())
        }
    });
    assert_eq!(rt.run(&mut script, None, main), Ending::Exit(0));
    assert_eq!(script.steps, 3);
    assert_eq!(script.violation.as_deref(), Some("before step 0: seen"));
}
