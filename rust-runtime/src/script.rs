//! A [`Program`] given as straight-line traces: what a goroutine does when
//! it starts in a function, as a list of calls, returns, go statements,
//! channel operations and prints. Tests and benchmarks drive the twin with
//! it; the fixture interpreter is the other program.

use std::collections::HashMap;
use std::rc::Rc;

use crate::chan::{ChanId, SelCase};
use crate::proc::{Program, Runtime, Start};
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
    /// Call `f` and run its own trace (`traces[f]`) until its last Ret,
    /// then go on here. ([`Op::Call`] instead continues in this trace,
    /// which lets a trace spell out a recursion step by step.)
    CallBody {
        f: FuncId,
        site: u32,
        args: Vec<u64>,
    },
    /// `defer f(args)`; the function then runs deferreturn before it returns.
    Defer {
        site: u32,
        f: FuncId,
        args: Vec<u64>,
    },
    /// `panic(v)`, printed as `text`.
    Panic {
        site: u32,
        value: u64,
        text: String,
    },
    /// `recover()`: the panic's value becomes the last received, or 0.
    Recover {
        site: u32,
    },
}

/// Where a function with deferred calls calls deferreturn, as a return
/// offset (scripts have no epilogue of their own to measure).
pub const DEFERRETURN_SITE: u32 = 0x7b;

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
    /// By FuncId, `None` for a function without a trace (a vector, as a
    /// trace is looked up at every goroutine start).
    traces: Vec<Option<Rc<[Op]>>>,
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

/// A trace being run: a goroutine's, or a deferred call's on top of it.
#[derive(Debug)]
struct Code {
    entry: FuncId,
    trace: Rc<[Op]>,
    pos: usize,
    /// Index in `frames` of the code's first frame.
    base: usize,
}

/// A Go frame: its function, its SP (the argp of calls it makes) and
/// whether it deferred anything.
#[derive(Debug)]
struct Frame {
    f: FuncId,
    sp: u64,
    defers: bool,
}

#[derive(Debug)]
struct State {
    codes: Vec<Code>,
    frames: Vec<Frame>,
    args: Vec<u64>,
    last: u64,
}

impl State {
    fn code(&mut self) -> &mut Code {
        self.codes.last_mut().expect("a goroutine runs some code")
    }
}

impl Script {
    pub fn new(traces: HashMap<FuncId, Vec<Op>>) -> Script {
        let mut by_id = Vec::new();
        for (f, ops) in traces {
            let i = f.0 as usize;
            if by_id.len() <= i {
                by_id.resize(i + 1, None);
            }
            by_id[i] = Some(Rc::from(ops));
        }
        Script {
            traces: by_id,
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
                .map(|st| {
                    st.codes.capacity() * size_of::<Code>()
                        + st.frames.capacity() * size_of::<Frame>()
                        + st.args.capacity() * 8
                })
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
}

impl Script {
    /// Start code for `f` in goroutine `g`: afresh, or on top of its frames.
    fn start(&mut self, rt: &Runtime, g: usize, f: FuncId, kind: Start) {
        let code = |base| Code {
            entry: f,
            trace: trace_of(&self.traces, f),
            pos: 0,
            base,
        };
        let frame = Frame {
            f,
            sp: rt.sp,
            defers: false,
        };
        match kind {
            Start::Goroutine => {
                let args = self
                    .args
                    .get_mut(g)
                    .and_then(Option::take)
                    .unwrap_or_default();
                if self.states.len() <= g {
                    self.states.resize_with(g + 1, || None);
                }
                let last = self.states[g].as_ref().map_or(0, |st| st.last);
                self.states[g] = Some(State {
                    codes: vec![code(0)],
                    frames: vec![frame],
                    args,
                    last,
                });
            }
            Start::Deferred => {
                let st = self.states[g]
                    .as_mut()
                    .expect("a deferred call runs in a started goroutine");
                let base = st.frames.len();
                st.codes.push(code(base));
                st.frames.push(frame);
            }
        }
    }

    /// A recovery: drop the frames above the one whose SP is `argp` (and
    /// the codes they ran), and go on at that frame's closing Ret.
    fn unwind_to(&mut self, g: usize, argp: u64) {
        let st = self.states[g].as_mut().expect("running");
        let k = st
            .frames
            .iter()
            .rposition(|fr| fr.sp == argp)
            .expect("the recovering frame is on the stack");
        while st.code().base > k {
            let code = st.codes.pop().expect("checked");
            st.frames.truncate(code.base);
        }
        let above = st.frames.len() - 1 - k;
        st.frames.truncate(k + 1);
        let code = st.code();
        let mut depth = above;
        let mut pos = code.pos;
        loop {
            match code.trace[pos] {
                Op::Call { .. } => depth += 1,
                Op::Ret if depth == 0 => break,
                Op::Ret => depth -= 1,
                _ => {}
            }
            pos += 1;
        }
        code.pos = pos;
    }
}

impl Program for Script {
    fn run(&mut self, rt: &mut Runtime) -> Stop {
        let g = rt.curg();
        let gi = usize::from(g);
        let woke_with = rt
            .take_result(g)
            .or_else(|| rt.take_selected(g).map(|(_, v)| v));
        if let Some(v) = woke_with {
            if let Some(Some(st)) = self.states.get_mut(gi) {
                st.last = v;
            }
        }
        if let Some(argp) = rt.take_recovery(g) {
            self.unwind_to(gi, argp);
        }
        loop {
            if let Some((f, kind)) = rt.take_start(g) {
                self.start(rt, gi, f, kind);
            }
            if let (Some(check), None) = (self.check, &self.violation) {
                if let Err(v) = check(rt) {
                    self.violation = Some(format!("before step {}: {v}", self.steps));
                }
            }
            self.steps += 1;
            let st = self.states[gi]
                .as_mut()
                .expect("a running goroutine has started");
            let code_idx = st.codes.len() - 1;
            let code = &st.codes[code_idx];
            let trace = Rc::clone(&code.trace);
            let op = trace
                .get(code.pos)
                .unwrap_or_else(|| panic!("trace of {} ran out", rt.tab.get(code.entry).name));
            let top = st.frames.last().expect("a function runs");
            let (top_f, top_sp, top_defers) = (top.f, top.sp, top.defers);
            let at = |site: u32| rt.tab.entry(top_f) + u64::from(site);
            // Most steps are done once the runtime accepts them, even if it
            // then switched goroutines; a Ret that ran a deferred call is
            // done only when deferreturn finds nothing left.
            let mut advance = true;
            let result = match op {
                Op::Call { f, site, args } => rt.call_go(at(*site), *f, args).map(|()| {
                    st.frames.push(Frame {
                        f: *f,
                        sp: rt.sp,
                        defers: false,
                    });
                }),
                Op::CallBody { f, site, args } => rt.call_go(at(*site), *f, args).map(|()| {
                    let base = st.frames.len();
                    st.frames.push(Frame {
                        f: *f,
                        sp: rt.sp,
                        defers: false,
                    });
                    st.codes.push(Code {
                        entry: *f,
                        trace: trace_of(&self.traces, *f),
                        pos: 0,
                        base,
                    });
                }),
                Op::Ret if top_defers => match rt.deferreturn(at(DEFERRETURN_SITE)) {
                    Ok(Some(_)) => {
                        advance = false;
                        Ok(())
                    }
                    Ok(None) => {
                        st.frames.last_mut().expect("top").defers = false;
                        advance = false;
                        Ok(())
                    }
                    Err(e) => Err(e),
                },
                Op::Ret => {
                    st.frames.pop();
                    let ends_code = st.frames.len() == st.code().base && st.codes.len() > 1;
                    if ends_code {
                        st.codes.pop();
                    }
                    let r = rt.ret_go(top_f);
                    // The deferred code ended; the Ret that ran it goes on.
                    advance = !ends_code;
                    r
                }
                Op::Go { f, site, args } => {
                    let vals: Vec<u64> = args.iter().map(|a| val(&self.globals, st, *a)).collect();
                    let fn_ = rt.tab.entry(*f);
                    let siz = 8 * vals.len() as u32;
                    rt.go_stmt(at(*site), fn_, &vals, siz).map(|ng| {
                        if self.args.len() <= usize::from(ng) {
                            self.args.resize_with(usize::from(ng) + 1, || None);
                        }
                        self.args[usize::from(ng)] = Some(vals);
                    })
                }
                Op::Gosched { site } => rt.gosched_go(at(*site)),
                Op::Print { site, text } => rt.printstring(at(*site), text),
                Op::PrintLast { site } => rt.printstring(at(*site), &format!("{}\n", st.last)),
                Op::MakeChan { site, hint, global } => {
                    rt.makechan(at(*site), 8, true, *hint).map(|c| {
                        if self.globals.len() <= *global {
                            self.globals.resize(*global + 1, None);
                        }
                        self.globals[*global] = Some(c);
                    })
                }
                Op::Send { site, chan, val: v } => {
                    let (c, v) = (
                        chan_of(&self.globals, st, *chan),
                        val(&self.globals, st, *v),
                    );
                    rt.chansend(at(*site), Some(c), v)
                }
                Op::Recv { site, chan } => {
                    let c = chan_of(&self.globals, st, *chan);
                    rt.chanrecv(at(*site), Some(c)).map(|v| st.last = v)
                }
                Op::Close { site, chan } => {
                    rt.closechan(at(*site), chan_of(&self.globals, st, *chan))
                }
                Op::Stackalloc { site, n } => rt.stackalloc_from(at(*site), *n).map(|_| ()),
                Op::Select { site, cases } => {
                    let cases: Vec<Option<SelCase>> = cases
                        .iter()
                        .map(|c| {
                            Some(match *c {
                                Case::Send(ch, v) => SelCase::Send(
                                    chan_of(&self.globals, st, ch),
                                    val(&self.globals, st, v),
                                ),
                                Case::Recv(ch) => SelCase::Recv(chan_of(&self.globals, st, ch)),
                                Case::Default => SelCase::Default,
                            })
                        })
                        .collect();
                    // A script has no compiled setup code: selectgo only.
                    rt.select(at(*site), &cases, None).map(|(_, v)| st.last = v)
                }
                Op::Defer { site, f, args } => {
                    let fn_ = rt.tab.entry(*f);
                    rt.deferproc(at(*site), fn_, args, 8 * args.len() as u32)
                        .map(|()| {
                            st.frames.last_mut().expect("top").defers = true;
                        })
                }
                Op::Panic { site, value, text } => {
                    let ret = at(*site);
                    let e = crate::iface::Eface {
                        ty: rt.type_word("string"),
                        data: *value,
                    };
                    rt.panic(ret, e, Some(text))
                }
                Op::Recover { site } => {
                    // The caller's argp: its SP at entry plus 8.
                    let argp = top_sp + u64::from(rt.tab.get(top_f).frame) + 8;
                    rt.recover(at(*site), argp)
                        .map(|v| st.last = v.map_or(0, |e| e.data))
                }
            };
            if advance {
                if let Some(code) = self.states[gi]
                    .as_mut()
                    .and_then(|st| st.codes.get_mut(code_idx))
                {
                    code.pos += 1;
                }
            }
            if let Err(stop) = result {
                return stop;
            }
        }
    }
}

/// The trace of `f` in [`Script::traces`].
fn trace_of(traces: &[Option<Rc<[Op]>>], f: FuncId) -> Rc<[Op]> {
    let trace = traces.get(f.0 as usize).and_then(Option::as_ref);
    Rc::clone(trace.expect("the script has a trace for the function"))
}

fn chan_of(globals: &[Option<ChanId>], st: &State, c: Chan) -> ChanId {
    match c {
        Chan::Global(i) => globals[i].expect("the script made this channel"),
        Chan::Arg(i) => ChanId(st.args[i] as u32),
    }
}

fn val(globals: &[Option<ChanId>], st: &State, v: Val) -> u64 {
    match v {
        Val::Const(c) => c,
        Val::LastPlus(k) => st.last + k,
        Val::Chan(c) => u64::from(chan_of(globals, st, c).0),
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
        rt.declare(Func::go(name, "$WORK/chain100k.go", line, frame, args))
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
