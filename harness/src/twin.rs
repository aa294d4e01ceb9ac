//! Running a fixture on the twin (rust-runtime): parse and compile it,
//! load the frame and call-site tables measured from its real binary,
//! run it on the variant's runtime, and give back what it printed and how
//! it ended, like a real run.

use std::path::Path;

use rust_runtime::gc::compile::{compile, Program};
use rust_runtime::gc::frames::Measured;
use rust_runtime::gc::parse::{parse, ParseError};
use rust_runtime::gc::vm::{Halt, Machine};
use rust_runtime::{AfterQuit, Runtime, Variant};

use crate::fixture::Fixture;
use crate::process::Status;
use crate::runner::{Ending, RunRecord};

/// Instructions a fixture may run on the twin before it counts as a
/// runaway.
pub const STEP_BUDGET: u64 = 200_000_000;

/// Memory the modelled process may take (heap arena and stack segments)
/// before a fixture counts as a runaway: 4 GiB, about nine times what
/// chain100k's 100,000 goroutines take on the twin (438 MB, measured).
pub const MEMORY_BUDGET: u64 = 4 << 30;

#[derive(Debug, thiserror::Error)]
pub enum TwinError {
    /// The fixture uses what the twin does not run yet.
    #[error("{path}:{at}: {message}", path = path.display())]
    Unsupported {
        path: std::path::PathBuf,
        at: String,
        message: String,
    },
    #[error("{fixture}: no measured frames for {variant} ({path}): run scripts/measure-frames", path = path.display())]
    NoTables {
        fixture: String,
        variant: Variant,
        path: std::path::PathBuf,
    },
    #[error("{0}")]
    Table(String),
    #[error("{fixture} on the twin: {message}")]
    Runtime { fixture: String, message: String },
    /// Ctrl-C during the run.
    #[error("interrupted")]
    Interrupted,
    /// A runaway: the step or memory budget ran out.
    #[error("{fixture} on the twin: {message}")]
    Budget { fixture: String, message: String },
}

/// A fixture compiled for the twin, with its measured tables; or what 6g
/// says when it rejects the fixture.
enum Prepared {
    Compiled(Program, Measured),
    Rejected(RunRecord),
}

/// Parse and compile `fixture` and load its measured tables for `variant`.
fn prepare(variant: Variant, fixture: &Fixture, frames: &Path) -> Result<Prepared, TwinError> {
    let file = match parse(&fixture.source) {
        Ok(file) => file,
        // What 6g rejects is a build failure, with 6g's message.
        Err(ParseError::Rejected { line, message }) => {
            return Ok(Prepared::Rejected(RunRecord {
                stdout: Vec::new(),
                stderr: format!("{}:{line}: {message}\n", fixture.file_name()).into_bytes(),
                ending: Ending::BuildFailed {
                    tool: "6g",
                    code: 1,
                },
                work_dir: Default::default(),
            }))
        }
        Err(ParseError::Syntax { pos, message }) => {
            return Err(TwinError::Unsupported {
                path: fixture.path.clone(),
                at: pos.to_string(),
                message,
            })
        }
    };
    let prog = compile(&file).map_err(|e| TwinError::Unsupported {
        path: fixture.path.clone(),
        at: e.pos.to_string(),
        message: e.message,
    })?;
    let dir = frames.join(variant.name());
    let table = |ext: &str| {
        let path = dir.join(format!("{}{ext}", fixture.name));
        std::fs::read_to_string(&path).map_err(|_| TwinError::NoTables {
            fixture: fixture.name.clone(),
            variant,
            path,
        })
    };
    let (text, data) = (table(".text.tsv")?, table(".data.tsv")?);
    let measured = Measured::parse(&fixture.name, &table(".tsv")?, &table(".calls.tsv")?)
        .and_then(|m| m.with_text(&fixture.name, &text))
        .and_then(|m| m.with_data(&fixture.name, &data))
        .map_err(|e| TwinError::Table(e.to_string()))?;
    Ok(Prepared::Compiled(prog, measured))
}

/// The functions of `fixture` whose frame or argument size, as gc::layout
/// computes them from the source, differ from those measured from the
/// real binary for `variant` (which the twin runs with): one line each.
pub fn layout_differences(
    variant: Variant,
    fixture: &Fixture,
    frames: &Path,
) -> Result<Vec<String>, TwinError> {
    let Prepared::Compiled(prog, measured) = prepare(variant, fixture, frames)? else {
        return Ok(Vec::new());
    };
    Ok(prog
        .funcs
        .iter()
        .filter_map(|code| {
            let row = measured.frames.get(&code.name)?;
            (code.computed != (row.args, row.frame)).then(|| {
                format!(
                    "{}: computed args {} frame {}, measured args {} frame {}",
                    code.name, code.computed.0, code.computed.1, row.args, row.frame
                )
            })
        })
        .collect())
}

/// Run `fixture` on the twin of `variant`; `frames` is the directory of
/// measured tables (snapshots/frames).
pub fn run_on_twin(
    variant: Variant,
    fixture: &Fixture,
    frames: &Path,
) -> Result<RunRecord, TwinError> {
    run(variant, fixture, frames, Log::Nothing).map(|(record, _)| record)
}

/// Run `fixture` on the twin of `variant` as [`run_on_twin`] does, and
/// give back its heap allocations in order: each mallocgc's size and
/// caller (what scripts/measure-heap reads off the real binary with gdb).
pub fn heap_trace(
    variant: Variant,
    fixture: &Fixture,
    frames: &Path,
) -> Result<(RunRecord, Vec<(u32, String)>), TwinError> {
    let (record, traces) = run(variant, fixture, frames, Log::Allocations)?;
    Ok((record, traces.allocations))
}

/// Run `fixture` on the twin of `variant` as [`run_on_twin`] does, and
/// give back the runtime calls it modelled, in order (what
/// scripts/compare-calls sets against gdb's list of the real ones).
pub fn call_trace(
    variant: Variant,
    fixture: &Fixture,
    frames: &Path,
) -> Result<(RunRecord, Vec<TracedCall>), TwinError> {
    let (record, traces) = run(variant, fixture, frames, Log::Calls)?;
    Ok((record, traces.calls))
}

/// A modelled CALL: the callee's name, SP at its entry, and whether it
/// ran on the scheduler's stack (g0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TracedCall {
    pub callee: String,
    pub sp: u64,
    /// The return address the CALL pushed (the caller's call site).
    pub ret: u64,
    pub on_g0: bool,
}

/// What a run logs besides its output.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Log {
    Nothing,
    Allocations,
    Calls,
}

/// What a traced run logged.
#[derive(Default)]
struct Traces {
    allocations: Vec<(u32, String)>,
    calls: Vec<TracedCall>,
}

fn run(
    variant: Variant,
    fixture: &Fixture,
    frames: &Path,
    log: Log,
) -> Result<(RunRecord, Traces), TwinError> {
    let (prog, measured) = match prepare(variant, fixture, frames)? {
        Prepared::Compiled(prog, measured) => (prog, measured),
        Prepared::Rejected(record) => return Ok((record, Traces::default())),
    };
    let mut rt = Runtime::new(variant).map_err(|e| TwinError::Table(e.to_string()))?;
    match log {
        Log::Nothing => {}
        Log::Allocations => rt.alloc_log = Some(Vec::new()),
        Log::Calls => rt.call_log = Some(Vec::new()),
    }
    let mut machine = Machine::new(
        &mut rt,
        prog,
        measured,
        &format!("$WORK/{}", fixture.file_name()),
    )
    .map_err(|e| TwinError::Table(e.to_string()))?;
    machine.budget = STEP_BUDGET;
    machine.memory_budget = MEMORY_BUDGET;
    machine.interrupt = Some(crate::process::interrupted);
    let ending = machine.run(&mut rt);
    match machine.halt {
        None => {}
        Some(Halt::Interrupted) => return Err(TwinError::Interrupted),
        Some(Halt::Unmodelled(message)) => {
            return Err(TwinError::Runtime {
                fixture: fixture.name.clone(),
                message,
            })
        }
        Some(h) => {
            return Err(TwinError::Budget {
                fixture: fixture.name.clone(),
                message: h.to_string(),
            })
        }
    }
    let ending = match ending {
        rust_runtime::Ending::Exit(c) => Ending::Exit(c),
        rust_runtime::Ending::Hung(AfterQuit::Exit(c)) => Ending::Hung(Some(Status::Exit(c))),
        rust_runtime::Ending::Hung(AfterQuit::Signal(n)) => Ending::Hung(Some(Status::Signal(n))),
    };
    let name = |f| rt.tab.get(f).name.clone();
    let traces = Traces {
        allocations: rt
            .alloc_log
            .take()
            .unwrap_or_default()
            .into_iter()
            .map(|(size, caller)| (size, name(caller)))
            .collect(),
        calls: rt
            .call_log
            .take()
            .unwrap_or_default()
            .into_iter()
            .map(|(callee, sp, ret, on_g0)| TracedCall {
                callee: name(callee),
                sp,
                ret,
                on_g0,
            })
            .collect(),
    };
    let record = RunRecord {
        stdout: Vec::new(),
        stderr: rt.stderr,
        ending,
        work_dir: Default::default(),
    };
    Ok((record, traces))
}
