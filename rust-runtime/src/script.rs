//! A [`Program`] given as straight-line traces: what a goroutine does when
//! it starts in a function, as a list of calls, returns, go statements and
//! prints. Tests and benchmarks drive the twin with it; the fixture
//! interpreter is the other program.

use std::collections::HashMap;

use crate::proc::{GId, Program, Runtime};
use crate::symtab::FuncId;
use crate::Stop;

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
        args: Vec<u64>,
    },
    Gosched {
        site: u32,
    },
    Print {
        site: u32,
        text: String,
    },
}

/// Traces by the function a goroutine (or mainstart's call) starts in.
#[derive(Debug, Default)]
pub struct Script {
    pub traces: HashMap<FuncId, Vec<Op>>,
    states: HashMap<GId, State>,
}

#[derive(Debug)]
struct State {
    trace: FuncId,
    pos: usize,
    stack: Vec<FuncId>,
}

impl Script {
    pub fn new(traces: HashMap<FuncId, Vec<Op>>) -> Script {
        Script {
            traces,
            states: HashMap::new(),
        }
    }
}

impl Program for Script {
    fn run(&mut self, rt: &mut Runtime) -> Stop {
        let g = rt.curg();
        loop {
            if let Some(f) = rt.take_start(g) {
                self.states.insert(
                    g,
                    State {
                        trace: f,
                        pos: 0,
                        stack: vec![f],
                    },
                );
            }
            let st = self
                .states
                .get_mut(&g)
                .expect("a running goroutine has started");
            let op = self.traces[&st.trace]
                .get(st.pos)
                .unwrap_or_else(|| panic!("trace of {} ran out", rt.tab.get(st.trace).name))
                .clone();
            st.pos += 1;
            let top = *st.stack.last().expect("a function runs");
            let at = |site: u32| rt.tab.entry(top) + u64::from(site);
            let result = match op {
                Op::Call { f, site, args } => {
                    st.stack.push(f);
                    rt.call_go(at(site), f, &args)
                }
                Op::Ret => {
                    st.stack.pop();
                    rt.ret_go(top)
                }
                Op::Go { f, site, args } => rt.go_stmt(at(site), f, &args),
                Op::Gosched { site } => rt.gosched_go(at(site)),
                Op::Print { site, text } => rt.printstring(at(site), &text),
            };
            if let Err(stop) = result {
                return stop;
            }
        }
    }
}
