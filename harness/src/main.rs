//! The `harness` command line: parses, then dispatches to `harness::commands`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use harness::commands::{self, Log, Paths, Selection};
use harness::toolchain::{Found, Request};
use rust_runtime::host::Host;
use rust_runtime::Variant;

// The twin makes many small allocations (a sweep clones the runtime's
// tables for each of its thousands of runs); glibc's malloc was 40% of a
// sweep's profile.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Differential testing of the February-2011 Go runtime: runs Go fixtures on
/// the two pinned 2011 toolchains, reduces their output to shapes and
/// compares them with recorded references.
#[derive(Parser)]
#[command(name = "harness", version)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Global {
    /// GOROOT of the pre-1547 toolchain (else HARNESS_GOROOT_PRE, else harness.toml)
    #[arg(long, global = true, value_name = "DIR")]
    goroot_pre: Option<PathBuf>,
    /// GOROOT of the post-1547 toolchain (else HARNESS_GOROOT_POST, else harness.toml)
    #[arg(long, global = true, value_name = "DIR")]
    goroot_post: Option<PathBuf>,
    /// Config file naming the GOROOTs (default: harness.toml in this directory or above)
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Fixture directory [default: the repo's go-fixtures/]
    #[arg(long, global = true, value_name = "DIR")]
    fixture_dir: Option<PathBuf>,
    /// Reference directory [default: the repo's harness/snapshots/]
    #[arg(long, global = true, value_name = "DIR")]
    snapshot_dir: Option<PathBuf>,
    /// Say what the harness is doing, on stderr, after "harness: "
    #[arg(long, short, global = true)]
    verbose: bool,
    /// Run the twin on figures predicted from each program's source, even
    /// where tables were measured from its binary
    #[arg(long, global = true)]
    predicted: bool,
    /// Show every goroutine of a dump on its own, instead of grouping those
    /// whose stacks have the same shape (run --shape, diffs)
    #[arg(long, global = true)]
    no_buckets: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Build and run one Go file, printing exactly what it printed
    Run {
        /// The Go source file
        file: PathBuf,
        /// What runs it
        #[arg(long, value_enum)]
        engine: Engine,
        /// Which pinned toolchain
        #[arg(long, value_name = "pre-1547|post-1547")]
        toolchain: Variant,
        /// Print the run's shape on stdout instead of its output
        #[arg(long)]
        shape: bool,
        /// The machine the twin models (its signal frame decides how a
        /// hang's dump ends): 'this', or its XSAVE image's size in bytes
        /// (832 AVX, 2688 AVX-512, 2696 with PKU), with -amx where AMX is
        /// enabled (2816-amx, 2816-amx-pku) [default: the references'
        /// host, 2688]; only with --engine model
        #[arg(long, value_parser = harness::host::parse)]
        host: Option<Host>,
    },
    /// Run one Go file on the twin and list the runtime calls it modelled,
    /// in order: callee, SP at its entry, the return address, and g0 when on the scheduler's
    /// stack (scripts/compare-calls sets them against a real binary's)
    Calls {
        /// The Go source file
        file: PathBuf,
        /// Which pinned toolchain's twin
        #[arg(long, value_name = "pre-1547|post-1547")]
        toolchain: Variant,
    },
    /// Compile and link one Go file with a real toolchain (6g, then 6l -d)
    Build {
        /// The Go source file
        file: PathBuf,
        /// Which pinned toolchain
        #[arg(long, value_name = "pre-1547|post-1547")]
        toolchain: Variant,
        /// Where to write the binary
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Run fixtures on the real toolchains and write their references
    Record {
        /// Re-run and report drift from the references; each drifted one is
        /// written beside it as FIXTURE.snap.new for `cargo insta review`
        /// (or `harness review`), nothing else
        #[arg(long)]
        check: bool,
        #[command(flatten)]
        which: Which,
        /// Runs per fixture and toolchain; all must give the same shape
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
        runs: u32,
    },
    /// Accept or reject the drifted references `record --check` wrote
    /// (FIXTURE.snap.new), as `cargo insta review` does, and settle the raw
    /// outputs beside those `cargo insta review` decided on
    Review {
        /// Accept every pending reference without asking
        #[arg(long, conflicts_with = "reject")]
        accept: bool,
        /// Reject every pending reference without asking
        #[arg(long)]
        reject: bool,
        /// Only these fixtures' (default: all)
        fixtures: Vec<String>,
    },
    /// Reproduce a bug report's program: run it on the twin of both variants
    /// (and on both real toolchains where configured), say what each run
    /// came to and whether it reproduces issue 1547, and show the shapes side
    /// by side; exits 1 where a real run and the twin's disagree
    Repro {
        /// The program
        #[arg(required_unless_present = "trace")]
        program: Option<PathBuf>,
        /// Instead: a pasted 2011 trace (a SIGQUIT dump or a panic; '-' for
        /// standard input): search for a program whose pre-1547 twin prints
        /// it, write it, then reproduce it
        #[arg(long, value_name = "FILE", conflicts_with = "program")]
        trace: Option<PathBuf>,
        /// Where --trace writes the program it found [default: repro.go]
        #[arg(long, value_name = "FILE.go")]
        out: Option<PathBuf>,
        /// Keep the program as go-fixtures/NAME.go, recorded from the real
        /// toolchains if both are configured, else with the twin's
        /// predictions for review
        #[arg(long, value_name = "NAME", conflicts_with = "trace")]
        save: Option<String>,
    },
    /// Run a program template over a grid of its parameters on the twin of
    /// both variants, in parallel: a table of outcomes, the points that
    /// reproduce issue 1547, an SVG heat map of the first two parameters
    Sweep {
        /// A Go source with {{name}} placeholders [default: the 1547 spawn,
        /// depth=0..99 and pad=1..100]
        template: Option<PathBuf>,
        /// A parameter's values: name=a..b, name=a..b:step or name=v1,v2,...
        #[arg(long = "param", value_name = "NAME=VALUES")]
        params: Vec<String>,
        /// Where the heat map goes
        #[arg(long, value_name = "FILE.svg", default_value = "sweep.svg")]
        svg: PathBuf,
        /// Also run this many points, spread over the grid, on both real
        /// toolchains, and hold them to the twin's shapes
        #[arg(long, value_name = "N", default_value_t = 0)]
        confirm: usize,
    },
    /// Differential fuzzing: generated programs in the Feb-2011 dialect on
    /// the twin and the real toolchains
    Fuzz {
        #[command(subcommand)]
        action: FuzzAction,
    },
    /// Show the toolchains found and whether their pins hold
    Toolchains,
    /// Set up the pinned toolchains
    Toolchain {
        #[command(subcommand)]
        action: ToolchainAction,
    },
    /// Print the call sites and source lines the 2011 runtime would print, read off a binary 6l linked
    Lines {
        /// The linked binary
        binary: PathBuf,
        /// Instead: each function's argument words, as the runtime's symtab counts them
        #[arg(long, conflicts_with = "cstrings")]
        args: bool,
        /// Instead: the string literals the runtime passes to runtime.throw and runtime.panicstring, with their addresses
        #[arg(long)]
        cstrings: bool,
    },
    /// Print each function's frame and argument sizes, read off a binary 6l linked
    Frames {
        /// The linked binary
        binary: PathBuf,
        /// Only functions whose names start with one of these prefixes
        #[arg(long, value_name = "PREFIX")]
        only: Vec<String>,
    },
    /// Set the figures the twin predicts from each fixture's source against those measured
    /// from its real binary, column by column (frames, argument words, lines, return
    /// offsets, entry addresses); exits 1 unless all agree
    Predict {
        #[command(flatten)]
        which: Which,
    },
    /// Run the pinned tree's own test/ programs that import nothing on the
    /// real toolchain and on the twin (predicted figures), and count how many
    /// the twin runs to the same shape; exits 1 if any runs to another
    Gotests {
        /// Which pinned toolchain's tree and twin
        #[arg(long, value_name = "pre-1547|post-1547", default_value = "pre-1547")]
        toolchain: Variant,
        /// Only tests whose file names contain one of these
        filters: Vec<String>,
    },
    /// Compare the twin's runs (or, with --live, the real toolchains') with the recorded references
    Diff {
        #[command(flatten)]
        which: Which,
        /// Run the fixtures on the configured toolchains instead of the twin
        #[arg(long)]
        live: bool,
        /// How to report: diffs and a table, or one JSON document for tools
        #[arg(long, value_enum, default_value = "text")]
        format: commands::Format,
    },
}

#[derive(Subcommand)]
enum FuzzAction {
    /// Print the program a seed makes (goroutines, channels, select,
    /// close and range, recursion, defer, recover; deterministic)
    Gen {
        #[arg(long, value_name = "N")]
        seed: u64,
        /// Write it to this file instead
        #[arg(long, value_name = "FILE.go")]
        out: Option<PathBuf>,
    },
    /// Run generated programs on the twin of both variants (no panic, no
    /// refusal, within budget) and with --live on both real toolchains,
    /// shape against shape; keeps each finding's program; exits 1 if any
    Run {
        /// The first seed
        #[arg(long, value_name = "N", default_value_t = 0)]
        seed: u64,
        /// How many programs
        #[arg(long, value_name = "N", default_value_t = 1000)]
        count: u64,
        /// Also on the real toolchains
        #[arg(long)]
        live: bool,
        /// Where findings go (seed-N.go and seed-N.txt)
        #[arg(long, value_name = "DIR", default_value = "target/fuzz")]
        out: PathBuf,
        /// Reduce each live finding as `fuzz reduce` does (reduced-seed-N.go)
        #[arg(long, requires = "live")]
        reduce: bool,
    },
    /// Shrink a program on which the twin diverges from the real
    /// toolchains (deleting lines, shrinking integer literals) while 6g
    /// builds it and it diverges on the same variants the same way; writes
    /// the smallest as a candidate fixture, reduced-NAME.go
    Reduce {
        /// The diverging program (a finding of fuzz run: target/fuzz/seed-N.go)
        case: PathBuf,
        /// Where the reduced program goes
        #[arg(long, value_name = "DIR", default_value = "target/fuzz")]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum ToolchainAction {
    /// Build both pinned 2011 toolchains from a clone of the Go history and
    /// write a harness.toml naming them (--config FILE: that file instead).
    /// Needs the Debian packages git bison ed gawk make gcc libc6-dev; a
    /// few build files are changed for today's tools (listed in
    /// INTO/<toolchain>.changes), never the runtime's sources
    Build {
        /// A git clone or bare mirror of the 2011 Go history holding both
        /// pinned commits (git clone https://github.com/dterei/go)
        #[arg(long, value_name = "DIR")]
        go_src: PathBuf,
        /// Where the GOROOTs go: DIR/pre-1547 and DIR/post-1547 (an
        /// earlier tree there is replaced)
        #[arg(long, value_name = "DIR", default_value = "/opt/go2011")]
        into: PathBuf,
        /// make's -j [default: the number of cores]
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        jobs: Option<u32>,
    },
}

#[derive(Args)]
struct Which {
    /// Only this toolchain (default: both)
    #[arg(long, value_name = "pre-1547|post-1547")]
    toolchain: Option<Variant>,
    /// Fixture names (sieve) or paths (go-fixtures/sieve.go); default: all
    fixtures: Vec<String>,
}

impl Which {
    fn selection(self, runs: u32) -> Selection {
        Selection {
            names: self.fixtures,
            variants: self.toolchain.map_or(Variant::ALL.to_vec(), |v| vec![v]),
            runs,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Engine {
    /// The real pinned toolchain
    Go,
    /// The twin (rust-runtime): figures measured from the program's real
    /// binary if its exact source was measured, else predicted from it
    Model,
}

fn main() -> ExitCode {
    // Die quietly on a closed pipe (`harness lines BIN | head`), as other
    // command-line tools do, instead of panicking in print!.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    harness::process::install_interrupt_handler();
    let g = cli.global;
    let log = Log {
        verbose: g.verbose,
        buckets: !g.no_buckets,
    };
    let defaults = Paths::default();
    let paths = Paths {
        fixtures: g.fixture_dir.unwrap_or(defaults.fixtures),
        snapshots: g.snapshot_dir.unwrap_or(defaults.snapshots),
        measured: !g.predicted,
    };
    let request = Request {
        goroot_pre: g.goroot_pre,
        goroot_post: g.goroot_post,
        config: g.config,
    };
    // Only the commands that use a real toolchain look for one (and check
    // its pins): the twin's own runs need none.
    let discover = || Found::discover(&request).map_err(harness::Error::from);
    let result = match cli.command {
        Command::Toolchains => discover().map(|found| commands::toolchains(&found, &paths)),
        Command::Fuzz {
            action: FuzzAction::Gen { seed, out },
        } => commands::fuzz_gen(seed, out.as_deref()),
        Command::Fuzz {
            action:
                FuzzAction::Run {
                    seed,
                    count,
                    live,
                    out,
                    reduce,
                },
        } => discover().and_then(|found| {
            commands::fuzz_run(
                &found,
                &paths,
                &commands::FuzzRequest {
                    seed,
                    count,
                    live,
                    out: &out,
                    reduce,
                },
                &log,
            )
        }),
        Command::Fuzz {
            action: FuzzAction::Reduce { case, out },
        } => discover().and_then(|found| {
            commands::fuzz_reduce(
                &found,
                &paths,
                &commands::ReduceRequest {
                    case: &case,
                    out: &out,
                },
                &log,
            )
        }),
        Command::Sweep {
            template,
            params,
            svg,
            confirm,
        } => discover().and_then(|found| {
            commands::sweep(
                &found,
                &paths,
                &commands::SweepRequest {
                    template: template.as_deref(),
                    params: &params,
                    svg: &svg,
                    confirm,
                },
                &log,
            )
        }),
        Command::Repro {
            program,
            trace,
            out,
            save,
        } => discover().and_then(|found| match (program, trace) {
            (_, Some(trace)) => {
                let out = out.unwrap_or_else(|| PathBuf::from("repro.go"));
                commands::repro_trace(&found, &paths, &trace, &out, &log)
            }
            // clap does not enforce `requires` against a conflicting argument.
            (Some(_), None) if out.is_some() => Err(harness::Error::Usage(
                "--out names where --trace writes the program it finds: it needs --trace".into(),
            )),
            (Some(program), None) => {
                commands::repro(&found, &paths, &program, save.as_deref(), &log)
            }
            (None, None) => unreachable!("clap requires a program or --trace"),
        }),
        Command::Review {
            accept,
            reject,
            fixtures,
        } => commands::review(
            &paths,
            &fixtures,
            match (accept, reject) {
                (true, _) => commands::Decision::Accept,
                (_, true) => commands::Decision::Reject,
                _ => commands::Decision::Ask,
            },
            &log,
        ),
        Command::Toolchain {
            action: ToolchainAction::Build { go_src, into, jobs },
        } => commands::toolchain_build(&harness::setup::BuildRequest {
            go_src,
            into,
            toml: request
                .config
                .clone()
                .unwrap_or_else(|| PathBuf::from(harness::toolchain::CONFIG_NAME)),
            jobs: jobs.map_or_else(
                || std::thread::available_parallelism().map_or(2, usize::from),
                |j| j as usize,
            ),
        }),
        Command::Frames { binary, only } => commands::frames(&binary, &only),
        Command::Lines {
            binary,
            args,
            cstrings,
        } => commands::lines(&binary, args, cstrings),
        Command::Calls { file, toolchain } => commands::calls(toolchain, &paths, &file, &log),
        Command::Run {
            file,
            engine: Engine::Model,
            toolchain,
            shape,
            host,
        } => commands::run_model(
            toolchain,
            &paths,
            &file,
            shape,
            host.unwrap_or(Host::RECORDING),
            &log,
        ),
        Command::Run {
            engine: Engine::Go,
            host: Some(_),
            ..
        } => Err(harness::Error::Usage(
            "--host chooses the machine the twin models: it needs --engine model".into(),
        )),
        Command::Run {
            file,
            engine: Engine::Go,
            toolchain,
            shape,
            host: None,
        } => discover().and_then(|found| {
            let tc = found
                .get(toolchain)
                .map_err(|e| harness::Error::from(e.clone()))?;
            commands::run(tc, &file, shape, &log)
        }),
        Command::Record {
            check: false,
            which,
            runs,
        } => discover()
            .and_then(|found| commands::record(&found, &paths, &which.selection(runs), &log)),
        Command::Record {
            check: true,
            which,
            runs,
        } => discover().and_then(|found| {
            commands::compare_live(
                &found,
                &paths,
                &which.selection(runs),
                commands::Format::Text,
                true,
                &log,
            )
        }),
        Command::Diff {
            which,
            live: true,
            format,
        } => discover().and_then(|found| {
            commands::compare_live(&found, &paths, &which.selection(1), format, false, &log)
        }),
        Command::Diff {
            which,
            live: false,
            format,
        } => commands::diff_twin(&paths, &which.selection(1), format, &log),
        Command::Gotests { toolchain, filters } => discover().and_then(|found| {
            let tc = found
                .get(toolchain)
                .map_err(|e| harness::Error::from(e.clone()))?;
            commands::gotests(tc, toolchain, &filters, &log)
        }),
        Command::Predict { which } => commands::predict(&paths, &which.selection(1), &log),
        Command::Build {
            file,
            toolchain,
            output,
        } => discover().and_then(|found| {
            let tc = found
                .get(toolchain)
                .map_err(|e| harness::Error::from(e.clone()))?;
            commands::build(tc, &file, &output)
        }),
    };
    match result {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(e) if e.is_interrupt() => {
            eprintln!("harness: interrupted");
            ExitCode::from(130)
        }
        Err(e) => {
            eprintln!("harness: {e}");
            ExitCode::from(2)
        }
    }
}
