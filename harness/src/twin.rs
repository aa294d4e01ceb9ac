//! Running a program on the twin (rust-runtime): parse and compile it,
//! take its figures (frames, call sites, text and data) measured from
//! its real binary when tables were measured for exactly this source,
//! else predicted from the source (gc::predict), run it on the variant's
//! runtime, and give back what it printed and how it ended, like a real
//! run.

use std::path::{Path, PathBuf};

use rust_runtime::gc::compile::{compile, Program};
use rust_runtime::gc::frames::{Figures, Origin};
use rust_runtime::gc::parse::{parse, ParseError};
use rust_runtime::gc::predict::predict;
use rust_runtime::gc::vm::{Halt, Machine};
use rust_runtime::host::Host;
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
    #[error("{fixture}: its source is listed in {index} but a table is missing ({path}): run scripts/measure-frames", index = index.display(), path = path.display())]
    NoTables {
        fixture: String,
        index: PathBuf,
        path: PathBuf,
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

/// Where the twin takes a program's figures from: the tables measured
/// from real binaries (snapshots/frames), used only for a source whose
/// sha256 their index lists, or the source alone.
#[derive(Debug, Clone)]
pub struct Tables {
    /// The measured tables' directory; None: predict every program.
    dir: Option<PathBuf>,
}

/// The measured tables' index: each measured source's name and sha256.
pub const INDEX: &str = "sources.tsv";

impl Tables {
    /// Measured tables from `dir` where they exist for the source,
    /// predicted figures elsewhere.
    pub fn measured_in(dir: &Path) -> Tables {
        Tables {
            dir: Some(dir.to_path_buf()),
        }
    }

    /// Predicted figures for every program, whatever was measured.
    pub fn predicted() -> Tables {
        Tables { dir: None }
    }

    /// The name the tables of `fixture`'s exact source are kept under.
    fn measured_name(&self, fixture: &Fixture) -> Result<Option<(PathBuf, String)>, TwinError> {
        let Some(dir) = &self.dir else {
            return Ok(None);
        };
        let index = dir.join(INDEX);
        let Ok(text) = std::fs::read_to_string(&index) else {
            return Ok(None);
        };
        let sha = crate::snapshot::sha256(fixture.source.as_bytes());
        for (i, row) in rust_runtime::tsv::rows(&text) {
            let [name, sum] = rust_runtime::tsv::columns(row).map_err(|n| {
                TwinError::Table(format!(
                    "{}:{i}: expected 2 columns, found {n}",
                    index.display()
                ))
            })?;
            if sum == sha {
                return Ok(Some((dir.clone(), name.to_string())));
            }
        }
        Ok(None)
    }

    /// `fixture`'s figures for `variant`, and the program compiled.
    fn figures(
        &self,
        variant: Variant,
        fixture: &Fixture,
        prog: &Program,
    ) -> Result<Figures, TwinError> {
        let Some((dir, name)) = self.measured_name(fixture)? else {
            return Ok(predict(prog, &format!("$WORK/{}", fixture.file_name())));
        };
        let dir = dir.join(variant.name());
        let table = |ext: &str| {
            let path = dir.join(format!("{name}{ext}"));
            std::fs::read_to_string(&path).map_err(|_| TwinError::NoTables {
                fixture: fixture.name.clone(),
                index: dir.join("..").join(INDEX),
                path,
            })
        };
        let (text, data) = (table(".text.tsv")?, table(".data.tsv")?);
        Figures::parse(&name, &table(".tsv")?, &table(".calls.tsv")?)
            .and_then(|m| m.with_text(&name, &text))
            .and_then(|m| m.with_data(&name, &data))
            .map_err(|e| TwinError::Table(e.to_string()))
    }
}

/// A fixture compiled for the twin, with its figures; or what 6g says
/// when it rejects the fixture.
enum Prepared {
    Compiled(Program, Figures),
    Rejected(RunRecord),
}

/// Parse and compile `fixture` and take its figures for `variant`.
fn prepare(variant: Variant, fixture: &Fixture, tables: &Tables) -> Result<Prepared, TwinError> {
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
    let figures = tables.figures(variant, fixture, &prog)?;
    Ok(Prepared::Compiled(prog, figures))
}

/// Whether `fixture` runs on measured or predicted figures (None: 6g
/// rejects it, nothing runs).
pub fn origin(
    variant: Variant,
    fixture: &Fixture,
    tables: &Tables,
) -> Result<Option<Origin>, TwinError> {
    Ok(match prepare(variant, fixture, tables)? {
        Prepared::Compiled(_, f) => Some(f.origin),
        Prepared::Rejected(_) => None,
    })
}

/// `fixture`'s measured figures for `variant` and those predicted from
/// its source; None when no table was measured for this source (or 6g
/// rejects it).
pub fn measured_and_predicted(
    variant: Variant,
    fixture: &Fixture,
    tables: &Tables,
) -> Result<Option<(Figures, Figures)>, TwinError> {
    let Prepared::Compiled(prog, measured) = prepare(variant, fixture, tables)? else {
        return Ok(None);
    };
    Ok((measured.origin == Origin::Measured).then(|| {
        (
            measured,
            predict(&prog, &format!("$WORK/{}", fixture.file_name())),
        )
    }))
}

/// The functions of `fixture` whose frame or argument size, as gc::layout
/// computes them from the source, differ from those measured from the
/// real binary for `variant` (which the twin runs with): one line each.
pub fn layout_differences(
    variant: Variant,
    fixture: &Fixture,
    tables: &Tables,
) -> Result<Vec<String>, TwinError> {
    let Prepared::Compiled(prog, measured) = prepare(variant, fixture, tables)? else {
        return Ok(Vec::new());
    };
    if measured.origin != Origin::Measured {
        return Ok(Vec::new());
    }
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

/// Run `fixture` on the twin of `variant`, with its figures from
/// `tables`, on `host` (whose signal frame decides how a hang's dump
/// ends).
pub fn run_on_twin(
    variant: Variant,
    fixture: &Fixture,
    tables: &Tables,
    host: Host,
) -> Result<RunRecord, TwinError> {
    run(variant, fixture, tables, host, Log::Nothing).map(|(record, _)| record)
}

/// Run `fixture` on the twin of `variant` as [`run_on_twin`] does, and
/// give back its heap allocations in order: each mallocgc's size and
/// caller (what scripts/measure-heap reads off the real binary with gdb).
pub fn heap_trace(
    variant: Variant,
    fixture: &Fixture,
    tables: &Tables,
) -> Result<(RunRecord, Vec<(u32, String)>), TwinError> {
    let (record, traces) = run(variant, fixture, tables, Host::RECORDING, Log::Allocations)?;
    Ok((record, traces.allocations))
}

/// Run `fixture` on the twin of `variant` as [`run_on_twin`] does, and
/// give back the runtime calls it modelled, in order (what
/// scripts/compare-calls sets against gdb's list of the real ones).
pub fn call_trace(
    variant: Variant,
    fixture: &Fixture,
    tables: &Tables,
) -> Result<(RunRecord, Vec<TracedCall>), TwinError> {
    let (record, traces) = run(variant, fixture, tables, Host::RECORDING, Log::Calls)?;
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
    tables: &Tables,
    host: Host,
    log: Log,
) -> Result<(RunRecord, Traces), TwinError> {
    let (prog, measured) = match prepare(variant, fixture, tables)? {
        Prepared::Compiled(prog, measured) => (prog, measured),
        Prepared::Rejected(record) => return Ok((record, Traces::default())),
    };
    let mut rt = Runtime::new(variant).map_err(|e| TwinError::Table(e.to_string()))?;
    rt.host = host;
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
