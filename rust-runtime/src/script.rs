//! A [`Program`] given as straight-line traces: what a goroutine does when
//! it starts in a function, as a list of calls, returns, go statements,
//! channel operations and prints. Tests and benchmarks drive the twin with
//! it; the fixture interpreter is the other program.

use std::collections::HashMap;
use std::rc::Rc;

use crate::chan::{ChanId, SelCase};
use crate::proc::{Program, Runtime};
use crate::symtab::FuncId;
use crate::Stop;

/// Where a channel operation finds its channel: a global the script made,
/// or an argument of the goroutine's entry function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chan {
    Global(usize),
    Arg(usize),
}

/// A value to send or pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Val {
    Const(u64),
    /// The goroutine's last received value plus this.
    LastPlus(u64),
    /// A channel, passed as an argument.
    Chan(Chan),
}

/// One step of a goroutine. `site` is the call's return offset in the
/// function making it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Call {
        f: FuncId,
        site: u32,
        args: Vec<u64>,
    },
    /// Return from the function on top; from the last one, the goroutine
    /// ends (or, for main.main, the process exits).
    Ret,
    Go {
        f: FuncId,
        site: u32,
        args: Vec<Val>,
    },
    Gosched {
        site: u32,
    },
    Print {
        site: u32,
        text: String,
    },
    /// Print the last received value and a newline.
    PrintLast {
        site: u32,
    },
    MakeChan {
        site: u32,
        hint: u32,
        global: usize,
    },
    Send {
        site: u32,
        chan: Chan,
        val: Val,
    },
    Recv {
        site: u32,
        chan: Chan,
    },
    Close {
        site: u32,
        chan: Chan,
    },
    /// Call runtime·stackalloc(n) directly (see [`Runtime::stackalloc_from`]).
    Stackalloc {
        site: u32,
        n: u32,
    },
    /// A select over these cases (see [`Runtime::select`]); a received
    /// value becomes the last received.
    Select {
        site: u32,
        cases: Vec<Case>,
    },
}

/// A select case in a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Send(Chan, Val),
    Recv(Chan),
    Default,
}

/// A check run before every step, such as [`Runtime::check_invariants`].
pub type Check = fn(&Runtime) -> Result<(), String>;

/// Traces by the function a goroutine (or mainstart's call) starts in.
#[derive(Debug, Default)]
pub struct Script {
    traces: HashMap<FuncId, Rc<[Op]>>,
    /// By G index.
    states: Vec<Option<State>>,
    globals: Vec<Option<ChanId>>,
    /// Arguments of goroutines not yet started, by G index.
    args: Vec<Option<Vec<u64>>>,
    /// Run before every step; its first complaint is kept.
    pub check: Option<Check>,
    pub violation: Option<String>,
    /// Steps run, all goroutines together.
    pub steps: u64,
}

#[derive(Debug)]
struct State {
    entry: FuncId,
    trace: Rc<[Op]>,
    pos: usize,
    stack: Vec<FuncId>,
    args: Vec<u64>,
    last: u64,
}

impl Script {
    pub fn new(traces: HashMap<FuncId, Vec<Op>>) -> Script {
        Script {
            traces: traces
                .into_iter()
                .map(|(f, ops)| (f, Rc::from(ops)))
                .collect(),
            ..Script::default()
        }
    }

    /// Heap bytes the script itself holds (its per-goroutine state and
    /// maps; the traces are not counted), so that a measurement of the
    /// twin can leave the program out. Vec buffers count their capacity.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let states = self.states.capacity() * size_of::<Option<State>>()
            + self
                .states
                .iter()
                .flatten()
                .map(|st| st.stack.capacity() * size_of::<FuncId>() + st.args.capacity() * 8)
                .sum::<usize>();
        let args = self.args.capacity() * size_of::<Option<Vec<u64>>>()
            + self
                .args
                .iter()
                .flatten()
                .map(|a| a.capacity() * 8)
                .sum::<usize>();
        states + args + self.globals.capacity() * size_of::<Option<ChanId>>()
    }

    fn chan(&self, st: &State, c: Chan) -> ChanId {
        match c {
            Chan::Global(i) => self.globals[i].expect("the script made this channel"),
            Chan::Arg(i) => ChanId(st.args[i] as usize),
        }
    }

    fn val(&self, st: &State, v: Val) -> u64 {
        match v {
            Val::Const(c) => c,
            Val::LastPlus(k) => st.last + k,
            Val::Chan(c) => self.chan(st, c).0 as u64,
        }
    }
}

impl Program for Script {
    fn run(&mut self, rt: &mut Runtime) -> Stop {
        let g = rt.curg();
        let woke_with = rt
            .take_result(g)
            .or_else(|| rt.take_selected(g).map(|(_, v)| v));
        if let Some(v) = woke_with {
            if let Some(Some(st)) = self.states.get_mut(g.0) {
                st.last = v;
            }
        }
        loop {
            if let Some(f) = rt.take_start(g) {
                let args = self
                    .args
                    .get_mut(g.0)
                    .and_then(Option::take)
                    .unwrap_or_default();
                let state = State {
                    entry: f,
                    trace: Rc::clone(&self.traces[&f]),
                    pos: 0,
                    stack: vec![f],
                    args,
                    last: 0,
                };
                if self.states.len() <= g.0 {
                    self.states.resize_with(g.0 + 1, || None);
                }
                self.states[g.0] = Some(state);
            }
            if let (Some(check), None) = (self.check, &self.violation) {
                if let Err(v) = check(rt) {
                    self.violation = Some(format!("before step {}: {v}", self.steps));
                }
            }
            self.steps += 1;
            let st = self.states[g.0]
                .as_ref()
                .expect("a running goroutine has started");
            let trace = Rc::clone(&st.trace);
            let op = trace
                .get(st.pos)
                .unwrap_or_else(|| panic!("trace of {} ran out", rt.tab.get(st.entry).name));
            let top = *st.stack.last().expect("a function runs");
            let at = |site: u32| rt.tab.entry(top) + u64::from(site);
            let result = match op {
                Op::Call { f, site, args } => rt.call_go(at(*site), *f, args),
                Op::Ret => rt.ret_go(top),
                Op::Go { f, site, args } => {
                    let args: Vec<u64> = args.iter().map(|a| self.val(st, *a)).collect();
                    rt.go_stmt(at(*site), *f, &args).map(|ng| {
                        if self.args.len() <= ng.0 {
                            self.args.resize_with(ng.0 + 1, || None);
                        }
                        self.args[ng.0] = Some(args);
                    })
                }
                Op::Gosched { site } => rt.gosched_go(at(*site)),
                Op::Print { site, text } => rt.printstring(at(*site), text),
                Op::PrintLast { site } => rt.printstring(at(*site), &format!("{}\n", st.last)),
                Op::MakeChan { site, hint, global } => rt.makechan(at(*site), *hint).map(|c| {
                    if self.globals.len() <= *global {
                        self.globals.resize(*global + 1, None);
                    }
                    self.globals[*global] = Some(c);
                }),
                Op::Send { site, chan, val } => {
                    let (c, v) = (self.chan(st, *chan), self.val(st, *val));
                    rt.chansend(at(*site), c, v)
                }
                Op::Recv { site, chan } => {
                    let c = self.chan(st, *chan);
                    rt.chanrecv(at(*site), c).map(|v| {
                        self.states[g.0].as_mut().expect("running").last = v;
                    })
                }
                Op::Close { site, chan } => rt.closechan(at(*site), self.chan(st, *chan)),
                Op::Stackalloc { site, n } => rt.stackalloc_from(at(*site), *n).map(|_| ()),
                Op::Select { site, cases } => {
                    let cases: Vec<Option<SelCase>> = cases
                        .iter()
                        .map(|c| {
                            Some(match *c {
                                Case::Send(ch, v) => {
                                    SelCase::Send(self.chan(st, ch), self.val(st, v))
                                }
                                Case::Recv(ch) => SelCase::Recv(self.chan(st, ch)),
                                Case::Default => SelCase::Default,
                            })
                        })
                        .collect();
                    rt.select(at(*site), &cases).map(|(_, v)| {
                        self.states[g.0].as_mut().expect("running").last = v;
                    })
                }
            };
            // The step is done once the runtime has accepted it, even if it
            // then switched goroutines (a blocked op completes on resume).
            let st = self.states[g.0].as_mut().expect("running");
            st.pos += 1;
            match op {
                Op::Call { f, .. } => st.stack.push(*f),
                Op::Ret => {
                    st.stack.pop();
                }
                _ => {}
            }
            if let Err(stop) = result {
                return stop;
            }
        }
    }
}

/// chain100k.go's daisy chain as a script, for tests and the benchmark:
/// `n` goroutines, each receiving from its right neighbour and sending one
/// more to its left; a last goroutine starts the value at 1 and main
/// prints what reaches the leftmost channel (`n + 1`). Frame sizes are
/// those of the fixture's functions on the pinned toolchains.
pub fn daisy_chain(
    rt: &mut Runtime,
    n: usize,
) -> Result<(Script, FuncId), crate::symtab::SymtabError> {
    use crate::symtab::Func;
    let declare = |rt: &mut Runtime, name: &str, frame, args, line| {
        let mut f = Func::splitting(name, frame, args);
        f.file = "$WORK/chain100k.go".into();
        f.line = line;
        rt.declare(f)
    };
    let f = declare(rt, "main.whisper", 16, 16, 10)?;
    let src = declare(rt, "main.src", 16, 8, 14)?;
    let main = declare(rt, "main.main", 64, 0, 18)?;
    let mut ops = vec![Op::MakeChan {
        site: 0x20,
        hint: 0,
        global: 0,
    }];
    for i in 1..=n {
        ops.push(Op::MakeChan {
            site: 0x20,
            hint: 0,
            global: i,
        });
        ops.push(Op::Go {
            f,
            site: 0x40,
            args: vec![Val::Chan(Chan::Global(i - 1)), Val::Chan(Chan::Global(i))],
        });
    }
    ops.push(Op::Go {
        f: src,
        site: 0x50,
        args: vec![Val::Chan(Chan::Global(n))],
    });
    ops.push(Op::Recv {
        site: 0x60,
        chan: Chan::Global(0),
    });
    ops.push(Op::PrintLast { site: 0x70 });
    ops.push(Op::Ret);
    let f_ops = vec![
        Op::Recv {
            site: 0x10,
            chan: Chan::Arg(1),
        },
        Op::Send {
            site: 0x20,
            chan: Chan::Arg(0),
            val: Val::LastPlus(1),
        },
        Op::Ret,
    ];
    let src_ops = vec![
        Op::Send {
            site: 0x10,
            chan: Chan::Arg(0),
            val: Val::Const(1),
        },
        Op::Ret,
    ];
    Ok((
        Script::new(HashMap::from([(main, ops), (f, f_ops), (src, src_ops)])),
        main,
    ))
}
