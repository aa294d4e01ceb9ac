//! The subcommands, each a short walk down the pipeline. They return the
//! process exit status; what they print is their result.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use rust_runtime::host::Host;
use rust_runtime::Variant;

use crate::fixture::{self, Fixture};
use crate::known::Known;
use crate::report::{Report, Verdict};
use crate::runner::{self, RunRecord};
use crate::snapshot::{self, Provenance};
use crate::toolchain::{Found, Toolchain};
use crate::{diff, shape, Error};

/// Where the fixtures and the references are; defaults are the repo's own.
#[derive(Debug, Clone)]
pub struct Paths {
    pub fixtures: PathBuf,
    pub snapshots: PathBuf,
    /// Run the twin on measured tables where they exist for a source
    /// (false: on predicted figures only).
    pub measured: bool,
}

impl Paths {
    /// Where the twin takes programs' figures from.
    pub fn tables(&self) -> crate::twin::Tables {
        if self.measured {
            crate::twin::Tables::measured_in(&self.snapshots.join("frames"))
        } else {
            crate::twin::Tables::predicted()
        }
    }
}

impl Default for Paths {
    fn default() -> Self {
        // The references live in this package, where `cargo insta review`
        // looks for pending snapshots.
        let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = crate_dir.parent().expect("harness/ lies in the workspace");
        Paths {
            fixtures: root.join("go-fixtures"),
            snapshots: crate_dir.join("snapshots"),
            measured: true,
        }
    }
}

/// How the harness talks to its user: its own words on stderr, only with
/// --verbose; shapes with goroutines in buckets unless --no-buckets.
pub struct Log {
    pub verbose: bool,
    pub buckets: bool,
}

impl Log {
    pub fn say(&self, msg: impl std::fmt::Display) {
        if self.verbose {
            eprintln!("harness: {msg}");
        }
    }
}

/// `harness toolchains`: what was found for each variant and whether its pin holds.
pub fn toolchains(found: &Found, paths: &Paths) -> i32 {
    let mut all_ok = true;
    for (variant, result) in found.entries() {
        let pin = crate::toolchain::pin(*variant);
        println!("{variant}  commit {}  ({})", &pin.commit[..12], pin.summary);
        match result {
            Ok(tc) => println!(
                "  GOROOT {} (from {}): pin holds",
                tc.goroot.display(),
                tc.origin
            ),
            Err(e) => {
                all_ok = false;
                println!("  {e}");
            }
        }
    }
    println!("{}", crate::host::describe());
    let here = this_host();
    if here.spill() != Host::RECORDING.spill() {
        let dir = snapshot::dir_for_host(&paths.snapshots, here);
        if dir.is_dir() {
            println!(
                "  this host's references, where its runs end otherwise: {}",
                dir.display()
            );
        } else {
            println!(
                "  no references of such a host yet: `harness record` keeps its runs that end otherwise under {}",
                dir.display()
            );
        }
    }
    if all_ok {
        0
    } else {
        1
    }
}

/// `harness toolchain build`: both trees built, checked and named.
pub fn toolchain_build(req: &crate::setup::BuildRequest) -> Result<i32, Error> {
    let built = crate::setup::build(req)?;
    println!("wrote {}", req.toml.display());
    for b in built {
        println!(
            "  {} = {} ({}s)",
            b.variant,
            b.goroot.display(),
            b.took.as_secs()
        );
    }
    Ok(0)
}

/// `harness build FILE -o OUT`: the binary, or the toolchain's refusal on stderr.
pub fn build(tc: &Toolchain, file: &Path, output: &Path) -> Result<i32, Error> {
    let fixture = Fixture::load(file)?;
    let dir = tempfile::Builder::new().prefix("harness-").tempdir()?;
    match runner::build(tc, &fixture, dir.path())? {
        Ok(()) => {
            std::fs::copy(dir.path().join("main"), output)?;
            Ok(0)
        }
        Err(failed) => {
            std::io::stderr().write_all(&failed.stderr)?;
            Ok(failed.ending.exit_status())
        }
    }
}

/// `harness frames BINARY`: the prologue table, as tab-separated text.
pub fn frames(binary: &Path, only: &[String]) -> Result<i32, Error> {
    let mut table = crate::frames::read(binary)?;
    if !only.is_empty() {
        table.retain(|f| only.iter().any(|p| f.name.starts_with(p.as_str())));
    }
    print!("{}", crate::frames::render(&table));
    Ok(0)
}

/// `harness lines BINARY`: call sites and lines as TSV (`--args`: each
/// function's argument words instead).
pub fn lines(binary: &Path, args: bool, cstrings: bool) -> Result<i32, Error> {
    if cstrings {
        print!(
            "{}",
            crate::pcln::render_cstrings(&crate::pcln::cstrings(binary)?)
        );
    } else if args {
        let table = crate::pcln::read_table(binary)?;
        let mut out = String::from("function	argwords\n");
        for f in table.funcs() {
            out.push_str(&format!("{}\t{}\n", f.name, f.args));
        }
        print!("{out}");
    } else {
        print!("{}", crate::pcln::render(&crate::pcln::read(binary)?));
    }
    Ok(0)
}

/// `harness run FILE --engine go`: the program's own output, untouched, or its shape.
pub fn run(tc: &Toolchain, file: &Path, want_shape: bool, log: &Log) -> Result<i32, Error> {
    let fixture = Fixture::load(file)?;
    log.say(format_args!(
        "{} on {} (GOROOT {}), timeout {:?}",
        fixture.file_name(),
        tc.variant,
        tc.goroot.display(),
        fixture.timeout
    ));
    let record = runner::run_on_toolchain(tc, &fixture)?;
    print_run(&record, &fixture, want_shape, log)
}

/// What `run` prints of a run: its stdout and stderr as written, or its
/// shape; the program's exit status is the harness's.
fn print_run(
    record: &RunRecord,
    fixture: &Fixture,
    want_shape: bool,
    log: &Log,
) -> Result<i32, Error> {
    log.say(format_args!("ended: {}", record.ending));
    if want_shape {
        let shape = shape::shape(record, &fixture.file_name());
        if log.buckets {
            print!("{}", shape::buckets(&shape));
        } else {
            print!("{shape}");
        }
    } else {
        std::io::stdout().write_all(&record.stdout)?;
        std::io::stderr().write_all(&record.stderr)?;
    }
    Ok(record.ending.exit_status())
}

/// Whether diffs are coloured: text on a terminal, NO_COLOR unset.
fn color(format: Format) -> bool {
    format == Format::Text
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none()
}

/// What `record` and the comparisons ask of each fixture on each variant.
pub struct Selection {
    pub names: Vec<String>,
    pub variants: Vec<Variant>,
    /// Runs per fixture and variant; their shapes must all agree.
    pub runs: u32,
}

/// The agreed result of `runs` runs of one fixture on one toolchain.
struct Outcome {
    shape: String,
    record: RunRecord,
}

/// Run a fixture `runs` times and demand the same shape every time.
fn run_agreeing(
    tc: &Toolchain,
    f: &Fixture,
    runs: u32,
    bar: &ProgressBar,
) -> Result<Outcome, Result<String, Error>> {
    let mut first: Option<Outcome> = None;
    for i in 0..runs {
        let record = runner::run_on_toolchain(tc, f).map_err(|e| Err(e.into()))?;
        bar.inc(1);
        let shape = shape::shape(&record, &f.file_name());
        match &first {
            None => first = Some(Outcome { shape, record }),
            Some(o) => {
                if let Some(d) = diff::unified(
                    &o.shape,
                    &shape,
                    ("run 1", &format!("run {}", i + 1)),
                    false,
                ) {
                    bar.inc(u64::from(runs - i - 1));
                    return Err(Ok(format!(
                        "not deterministic: run {} differs from run 1\n{d}",
                        i + 1
                    )));
                }
            }
        }
    }
    Ok(first.expect("runs >= 1"))
}

fn progress(len: u64) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed}] {bar:30} {pos}/{len} runs")
            .expect("valid template"),
    );
    bar
}

/// Fixture x variant pairs, in fixture order.
fn tasks<'a>(fixtures: &'a [Fixture], sel: &Selection) -> Vec<(&'a Fixture, Variant)> {
    fixtures
        .iter()
        .flat_map(|f| sel.variants.iter().map(move |v| (f, *v)))
        .collect()
}

/// The host this harness runs on, as the twin models it.
fn this_host() -> Host {
    crate::host::this().unwrap_or(Host::RECORDING)
}

/// Where a fresh recording of `f` on `v`, made on `host`, belongs: under
/// the snapshots' own directory (no valid primary reference yet, or one
/// from a host whose signal frame writes the same bytes), under this
/// host's directory (the primary one is another host's and ended
/// otherwise), or nowhere (`None`: it ended as the other host's did, so
/// the primary reference holds for this host too).
fn destination(paths: &Paths, f: &Fixture, v: Variant, host: Host, shape: &str) -> Option<PathBuf> {
    let primary = snapshot::read(&snapshot::snap_path(&paths.snapshots, v, &f.name))
        .ok()
        .filter(|r| snapshot::check_provenance(r, f, v).is_ok());
    match primary {
        Some(p) if p.provenance.host().spill() != host.spill() => {
            (p.shape != shape).then(|| snapshot::dir_for_host(&paths.snapshots, host))
        }
        _ => Some(paths.snapshots.clone()),
    }
}

/// `harness record`: run every selected fixture on the real toolchains and
/// write the references. A fixture whose runs disagree is not written.
pub fn record(found: &Found, paths: &Paths, sel: &Selection, log: &Log) -> Result<i32, Error> {
    let toolchains = sel
        .variants
        .iter()
        .map(|v| found.get(*v).cloned().map_err(|e| Error::from(e.clone())))
        .collect::<Result<Vec<Toolchain>, Error>>()?;
    let fixtures = fixture::select(&paths.fixtures, &sel.names)?;
    let work = tasks(&fixtures, sel);
    let bar = progress(work.len() as u64 * u64::from(sel.runs));
    let results: Vec<_> = work
        .par_iter()
        .map(|(f, v)| {
            let tc = toolchains
                .iter()
                .find(|t| t.variant == *v)
                .expect("resolved above");
            (f, *v, tc, run_agreeing(tc, f, sel.runs, &bar))
        })
        .collect();
    bar.finish_and_clear();
    let mut failed = 0;
    for (f, v, tc, result) in results {
        match result {
            Ok(o) => {
                let prov = Provenance::recorded(f, v, o.record.ending.to_string(), sel.runs);
                let Some(dir) = destination(paths, f, v, prov.host(), &o.shape) else {
                    // A host reference the primary one now stands for goes.
                    let own = snapshot::snap_path(
                        &snapshot::dir_for_host(&paths.snapshots, prov.host()),
                        v,
                        &f.name,
                    );
                    if own.is_file() {
                        std::fs::remove_file(&own)?;
                        std::fs::remove_file(own.with_extension("raw"))?;
                    }
                    println!(
                        "{} on {v}: {}, as on the primary reference's host: nothing written",
                        f.name, o.record.ending
                    );
                    continue;
                };
                let path = snapshot::write(&dir, &prov, &o.shape, &o.record.raw_text(&tc.goroot))?;
                println!(
                    "{} on {v}: {} -> {}",
                    f.name,
                    o.record.ending,
                    path.display()
                );
                // A real reference replaces the twin's prediction, accepted
                // or pending.
                let predicted = snapshot::twin_path(&paths.snapshots, v, &f.name);
                if dir == paths.snapshots {
                    for ext in ["snap", "raw", "snap.new", "raw.new"] {
                        let p = predicted.with_extension(ext);
                        if p.is_file() {
                            std::fs::remove_file(&p)?;
                            println!("{} on {v}: replaces {}", f.name, p.display());
                        }
                    }
                }
            }
            Err(Ok(problem)) => {
                failed += 1;
                println!("{} on {v}: not written: {problem}", f.name);
            }
            Err(Err(e)) => return Err(e),
        }
    }
    log.say(format_args!(
        "{} written, {failed} not",
        work.len() - failed
    ));
    Ok(if failed == 0 { 0 } else { 1 })
}

/// `harness run FILE --engine model`: the fixture on the twin, printing
/// what it printed (or its shape) and exiting as it would.
pub fn run_model(
    variant: Variant,
    paths: &Paths,
    file: &Path,
    want_shape: bool,
    host: Host,
    log: &Log,
) -> Result<i32, Error> {
    let fixture = Fixture::load(file)?;
    if let Some(origin) = log
        .verbose
        .then(|| crate::twin::origin(variant, &fixture, &paths.tables()))
        .transpose()?
        .flatten()
    {
        log.say(format_args!(
            "{} on the {variant} twin, with {origin} figures, on a host with {host}",
            fixture.file_name()
        ));
    }
    let record = crate::twin::run_on_twin(variant, &fixture, &paths.tables(), host)?;
    print_run(&record, &fixture, want_shape, log)
}

/// `harness calls`: the twin's modelled runtime calls of one run, a line
/// each (callee, SP at entry, the return address, `g0` on the scheduler's
/// stack), on stdout.
pub fn calls(variant: Variant, paths: &Paths, file: &Path, log: &Log) -> Result<i32, Error> {
    let fixture = Fixture::load(file)?;
    log.say(format_args!(
        "{}'s runtime calls on the {variant} twin",
        fixture.file_name()
    ));
    let (_, calls) = crate::twin::call_trace(variant, &fixture, &paths.tables())?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for c in calls {
        let g0 = if c.on_g0 { "\tg0" } else { "" };
        writeln!(out, "{}\t{:#x}\t{:#x}{g0}", c.callee, c.sp, c.ret)?;
    }
    out.flush()?;
    Ok(0)
}

/// How `harness diff` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Coloured diffs (on a terminal), then the table
    Text,
    /// One JSON document on stdout: each cell's verdict, detail and diff, then the counts
    Json,
}

/// `harness diff`: every fixture on the twin of each variant against the
/// recorded references. No toolchain is needed. A difference listed in
/// the known-divergence file is "known"; a listed cell that matches fails,
/// so that its entry is removed.
pub fn diff_twin(paths: &Paths, sel: &Selection, format: Format, log: &Log) -> Result<i32, Error> {
    let fixtures = fixture::select(&paths.fixtures, &sel.names)?;
    let known = Known::load(&paths.snapshots)?;
    // Each reference is a cell: the primary one, and each other host's.
    let work: Vec<(&Fixture, Variant, PathBuf)> = tasks(&fixtures, sel)
        .into_iter()
        .flat_map(|(f, v)| {
            snapshot::references(&paths.snapshots, v, &f.name)
                .into_iter()
                .map(move |p| (f, v, p))
        })
        .collect();
    let bar = progress(work.len() as u64);
    let color = color(format);
    let frames = paths.tables();
    let results: Vec<_> = work
        .par_iter()
        .map(|(f, v, path)| {
            let style = diff::Style {
                color,
                buckets: log.buckets,
            };
            let verdict = match snapshot::read(path)
                .and_then(|r| snapshot::check_provenance(&r, f, *v).map(|()| r))
            {
                // No reference yet: the twin's prediction stands in.
                Err(_) if !path.exists() && snapshot::host_of(path).is_none() => {
                    predict_cell(paths, f, *v, &frames, style)
                }
                Err(e) => (Verdict::Error(e.to_string()), None),
                Ok(reference) => {
                    match crate::twin::run_on_twin(*v, f, &frames, reference.provenance.host()) {
                        Ok(rec) => {
                            let got = shape::shape(&rec, &f.file_name());
                            let d =
                                diff::shapes(&reference.shape, &got, ("reference", "twin"), style);
                            match (d, known.reason(&f.name, *v)) {
                                (None, None) => (Verdict::Same, None),
                                (None, Some(_)) => (
                                    Verdict::Error(format!(
                                    "matches its reference but is listed in {}: remove the entry",
                                    crate::known::FILE_NAME
                                )),
                                    None,
                                ),
                                (Some(d), None) => (Verdict::Differs, Some(d)),
                                (Some(d), Some(why)) => (Verdict::Known(why.to_string()), Some(d)),
                            }
                        }
                        Err(e) => (twin_failed(e), None),
                    }
                }
            };
            bar.inc(1);
            (f, *v, snapshot::host_of(path), verdict)
        })
        .collect();
    bar.finish_and_clear();
    if crate::process::interrupted() {
        return Err(crate::twin::TwinError::Interrupted.into());
    }
    let mut report = Report::default();
    for (f, v, host, (verdict, diff)) in results {
        if let Some(host) = host {
            report.add(&format!("{} [{host}]", f.name), v, verdict, diff);
            continue;
        }
        if matches!(
            verdict,
            Verdict::Same | Verdict::Differs | Verdict::Known(_)
        ) {
            for d in crate::twin::layout_differences(v, f, &frames)? {
                report.note(format!(
                    "{} on {v}: {d}; the twin runs the measured figures",
                    f.name
                ));
            }
        }
        report.add(&f.name, v, verdict, diff);
    }
    match format {
        Format::Json => println!("{:#}", report.to_json()),
        Format::Text => {
            print!("{}{report}", report.diffs());
            println!(
                "{} of {} cells differ or failed; {} known; {} not run by the twin yet",
                report.failures(),
                work.len(),
                report.known(),
                report.unsupported()
            );
        }
    }
    log.say("compared the twin with the recorded references");
    Ok(if report.all_same() { 0 } else { 1 })
}

/// The verdict on a cell the twin could not run to its end.
fn twin_failed(e: crate::twin::TwinError) -> Verdict {
    use crate::twin::TwinError;
    match e {
        TwinError::Unsupported { .. } | TwinError::Runtime { .. } => {
            Verdict::Unsupported(e.to_string())
        }
        // Stops the whole command (exit 130), reporting nothing.
        TwinError::Interrupted => Verdict::Error("interrupted".into()),
        e => Verdict::Error(e.to_string()),
    }
}

/// A cell without a reference: the twin's run held to the prediction
/// accepted for it (harness/snapshots/twin), or, without one (or with one
/// of another source), written there for review as `<fixture>.snap.new`,
/// as insta writes a new snapshot.
fn predict_cell(
    paths: &Paths,
    f: &Fixture,
    v: Variant,
    frames: &crate::twin::Tables,
    style: diff::Style,
) -> (Verdict, Option<String>) {
    let host = Host::RECORDING;
    let rec = match crate::twin::run_on_twin(v, f, frames, host) {
        Ok(rec) => rec,
        Err(e) => return (twin_failed(e), None),
    };
    let got = shape::shape(&rec, &f.file_name());
    let accepted = snapshot::read(&snapshot::twin_path(&paths.snapshots, v, &f.name))
        .ok()
        .filter(|r| snapshot::check_prediction(r, f, v).is_ok());
    let d = match &accepted {
        Some(r) => match diff::shapes(&r.shape, &got, ("prediction", "twin"), style) {
            None => return (Verdict::Predicted, None),
            Some(d) => Some(d),
        },
        None => None,
    };
    let prov = Provenance::predicted(f, v, rec.ending.to_string(), host);
    let dir = paths.snapshots.join(snapshot::TWIN_DIR);
    match snapshot::write_pending(&dir, &prov, &got, &rec.raw_as_printed()) {
        Err(e) => (Verdict::Error(e.to_string()), None),
        Ok(_) if d.is_some() => (Verdict::Differs, d),
        Ok(pending) => (
            Verdict::New(format!(
                "no reference; the twin's prediction is written for review: {}",
                pending.display()
            )),
            None,
        ),
    }
}

/// `harness record --check` and `harness diff --live`: run live and compare
/// each shape with the reference this host's runs are held to. With
/// `pending` (record --check), each drifted reference is written for review
/// beside the one it would replace, as `<fixture>.snap.new`; nothing else
/// is written.
pub fn compare_live(
    found: &Found,
    paths: &Paths,
    sel: &Selection,
    format: Format,
    pending: bool,
    log: &Log,
) -> Result<i32, Error> {
    let fixtures = fixture::select(&paths.fixtures, &sel.names)?;
    let work = tasks(&fixtures, sel);
    let bar = progress(work.len() as u64 * u64::from(sel.runs));
    let color = color(format);
    let results: Vec<_> = work
        .par_iter()
        .map(|(f, v)| {
            (
                f,
                *v,
                compare_one(
                    found,
                    paths,
                    f,
                    *v,
                    sel.runs,
                    &bar,
                    diff::Style {
                        color,
                        buckets: log.buckets,
                    },
                ),
            )
        })
        .collect();
    bar.finish_and_clear();
    let mut report = Report::default();
    let mut written = Vec::new();
    for (f, v, result) in results {
        let (verdict, diff, outcome) = result?;
        if let (true, Some(o)) = (pending, outcome) {
            let tc = found.get(v).map_err(|e| Error::from(e.clone()))?;
            let prov = Provenance::recorded(f, v, o.record.ending.to_string(), sel.runs);
            if let Some(dir) = destination(paths, f, v, prov.host(), &o.shape) {
                if !snapshot::insta_keeps(&o.shape) {
                    println!(
                        "{} on {v}: its shape ends in whitespace, which `cargo insta review` trims: review it with `harness review`",
                        f.name
                    );
                }
                written.push(snapshot::write_pending(
                    &dir,
                    &prov,
                    &o.shape,
                    &o.record.raw_text(&tc.goroot),
                )?);
            }
        }
        report.add(&f.name, v, verdict, diff);
    }
    match format {
        Format::Json => println!("{:#}", report.to_json()),
        Format::Text => print!("{}{report}", report.diffs()),
    }
    if !written.is_empty() {
        println!(
            "{} drifted references written for review (accept or reject them with `cargo insta review` or `harness review`):",
            written.len()
        );
        for p in &written {
            println!("  {}", p.display());
        }
    }
    log.say(format_args!(
        "{} of {} differ or failed",
        report.failures(),
        work.len()
    ));
    Ok(if report.all_same() { 0 } else { 1 })
}

fn compare_one(
    found: &Found,
    paths: &Paths,
    f: &Fixture,
    v: Variant,
    runs: u32,
    bar: &ProgressBar,
    style: diff::Style,
) -> Result<(Verdict, Option<String>, Option<Outcome>), Error> {
    let path = snapshot::reference_for(&paths.snapshots, v, &f.name, this_host());
    // A reference whose only fault is that its fixture changed is still
    // compared with, so that its successor can be written for review.
    let (reference, stale) =
        match snapshot::read(&path).and_then(|r| match snapshot::check_provenance(&r, f, v) {
            Ok(()) => Ok((r, false)),
            Err(_) if snapshot::only_its_fixture_changed(&r, f, v) => Ok((r, true)),
            Err(e) => Err(e),
        }) {
            Ok(r) => r,
            Err(e) => {
                bar.inc(u64::from(runs));
                return Ok((Verdict::Error(e.to_string()), None, None));
            }
        };
    let tc = match found.get(v) {
        Ok(tc) => tc,
        Err(e) => {
            bar.inc(u64::from(runs));
            return Ok((Verdict::Error(e.to_string()), None, None));
        }
    };
    let label = match snapshot::host_of(&path) {
        Some(h) => format!("reference ({h})"),
        None => "reference".to_string(),
    };
    match run_agreeing(tc, f, runs, bar) {
        Ok(o) => Ok(
            match diff::shapes(&reference.shape, &o.shape, (&label, "live"), style) {
                None if stale => (
                    Verdict::Error(format!(
                        "{} changed since it was recorded, its shape did not: re-record it",
                        f.file_name()
                    )),
                    None,
                    Some(o),
                ),
                None => (Verdict::Same, None, None),
                Some(d) => (Verdict::Differs, Some(d), Some(o)),
            },
        ),
        Err(Ok(problem)) => Ok((Verdict::Error(problem), None, None)),
        Err(Err(e)) => Err(e),
    }
}

/// `harness predict`: for each fixture whose source has measured tables,
/// the figures predicted from its source set against the measured ones,
/// column by column (gc::predict against scripts/measure-frames), then
/// the totals. Exits 1 unless every column agrees everywhere.
pub fn predict(paths: &Paths, sel: &Selection, log: &Log) -> Result<i32, Error> {
    use crate::agreement::{compare, Agreement, COLUMNS};
    let fixtures = fixture::select(&paths.fixtures, &sel.names)?;
    let tables = crate::twin::Tables::measured_in(&paths.snapshots.join("frames"));
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let short = [
        "frame", "args", "argw", "entry", "sites", "order", "top", "ret", "addr",
    ];
    write!(out, "{:<14}{:<11}", "fixture", "toolchain")?;
    for s in short {
        write!(out, "{s:>8}")?;
    }
    writeln!(out)?;
    let mut total = Agreement::default();
    for f in &fixtures {
        for &v in &sel.variants {
            let Some((measured, predicted)) = crate::twin::measured_and_predicted(v, f, &tables)?
            else {
                log.say(format_args!("{} on {v}: no measured tables", f.name));
                continue;
            };
            let a = compare(&measured, &predicted);
            for m in &a.misses {
                log.say(format_args!("{} on {v}: {m}", f.name));
            }
            write!(out, "{:<14}{:<11}", f.name, v.name())?;
            for t in &a.columns {
                write!(out, "{:>8}", format!("{}/{}", t.agree, t.total))?;
            }
            writeln!(out)?;
            total.add(&a);
        }
    }
    writeln!(out)?;
    for (name, t) in COLUMNS.iter().zip(&total.columns) {
        writeln!(out, "{name:<20} {t}")?;
    }
    out.flush()?;
    Ok(if total.columns.iter().all(|t| t.agree == t.total) {
        0
    } else {
        1
    })
}

/// `harness gotests`: the tree's run tests on `tc` and on the twin of
/// `variant`; every outcome but `same` listed, then the counts.
pub fn gotests(
    tc: &Toolchain,
    variant: Variant,
    filters: &[String],
    log: &Log,
) -> Result<i32, Error> {
    let mut tests = crate::gosuite::run_tests(&tc.goroot)?;
    let test_dir = tc.goroot.join("test");
    let name = |p: &Path| p.strip_prefix(&test_dir).unwrap_or(p).display().to_string();
    tests.retain(|p| filters.is_empty() || filters.iter().any(|f| name(p).contains(f.as_str())));
    log.say(format!(
        "{} run tests under {}",
        tests.len(),
        test_dir.display()
    ));
    let bar = progress(tests.len() as u64);
    let outcomes: Vec<_> = tests
        .into_par_iter()
        .map(|p| {
            let o = crate::gosuite::check(tc, variant, &p);
            bar.inc(1);
            (p, o)
        })
        .collect();
    bar.finish_and_clear();
    if crate::process::interrupted() {
        return Err(crate::twin::TwinError::Interrupted.into());
    }
    for (p, o) in &outcomes {
        let name = name(p);
        match o {
            crate::gosuite::Outcome::Same => {}
            crate::gosuite::Outcome::Differs(d) => println!("{name}: differs\n{d}"),
            o => println!("{name}: {o}"),
        }
    }
    println!("{}", crate::gosuite::summary(&outcomes));
    let differs = outcomes
        .iter()
        .any(|(_, o)| matches!(o, crate::gosuite::Outcome::Differs(_)));
    Ok(if differs { 1 } else { 0 })
}

/// What `harness review` does with each pending reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Ask at the terminal, one by one.
    Ask,
    Accept,
    Reject,
}

/// `harness review`: the pending references `record --check` wrote, each
/// shown against the reference it would replace and accepted, rejected or
/// skipped; then the raw outputs `cargo insta review` left are settled.
/// Exits 1 while any stays pending.
pub fn review(
    paths: &Paths,
    names: &[String],
    decision: Decision,
    log: &Log,
) -> Result<i32, Error> {
    use crate::review;
    let all = review::pending(&paths.snapshots, names)?;
    let ask = decision == Decision::Ask;
    if ask && !all.is_empty() && !std::io::stdin().is_terminal() {
        for p in &all {
            println!("pending: {}", p.path.display());
        }
        println!(
            "{} pending; with no terminal to ask at, decide with --accept or --reject",
            all.len()
        );
        return Ok(1);
    }
    let mut left = 0;
    let style = diff::Style {
        color: color(Format::Text),
        buckets: log.buckets,
    };
    for p in &all {
        let prov = &p.reference.provenance;
        println!(
            "{}: {} on {}, recorded on {} ({} runs agreed): {}",
            p.path.display(),
            prov.fixture,
            prov.toolchain,
            prov.host(),
            prov.runs,
            prov.ended
        );
        match &p.current {
            Some(cur) => {
                let label = cur.path.display().to_string();
                match diff::shapes(&cur.shape, &p.reference.shape, (&label, "new"), style) {
                    Some(d) => print!("{d}"),
                    None => println!("  (the same shape as {label})"),
                }
            }
            None => print!("{}", p.reference.shape),
        }
        let choice = match decision {
            Decision::Accept => 'a',
            Decision::Reject => 'r',
            Decision::Ask => loop {
                print!("a accept, r reject, s skip: ");
                std::io::stdout().flush()?;
                let mut line = String::new();
                if std::io::stdin().read_line(&mut line)? == 0 {
                    break 's';
                }
                match line.trim() {
                    "a" => break 'a',
                    "r" => break 'r',
                    "s" | "" => break 's',
                    _ => {}
                }
            },
        };
        match choice {
            'a' => {
                review::accept(p)?;
                println!("accepted: {}", p.target().display());
            }
            'r' => {
                review::reject(p)?;
                println!("rejected: {}", p.path.display());
            }
            _ => left += 1,
        }
    }
    for settled in review::settle_raws(&paths.snapshots)? {
        match settled {
            review::Settled::Accepted(raw) => {
                println!("accepted (its snapshot was): {}", raw.display());
            }
            review::Settled::Rejected(raw) => {
                println!("removed (its snapshot was rejected): {}", raw.display());
            }
        }
    }
    if all.is_empty() {
        println!("nothing pending under {}", paths.snapshots.display());
    }
    Ok(if left == 0 { 0 } else { 1 })
}

/// `harness repro PROGRAM.go`: a bug report's program on the twin of both
/// variants (modelling this host) and, where configured, on both real
/// toolchains; what each run came to, whether twin and real agree, and
/// whether it reproduces issue 1547 (hangs before the fix, not after);
/// then the twin's two shapes side by side. `save` keeps it as a fixture:
/// recorded from the real toolchains when both are there, else with the
/// twin's predictions written for review. Exits 1 where a real run and
/// the twin's disagree.
pub fn repro(
    found: &Found,
    paths: &Paths,
    file: &Path,
    save: Option<&str>,
    log: &Log,
) -> Result<i32, Error> {
    use crate::repro::{classify, side_by_side, Outcome};
    let f = Fixture::load(file)?;
    let host = this_host();
    let tables = paths.tables();
    let style = diff::Style {
        color: color(Format::Text),
        buckets: log.buckets,
    };
    let shown = |shape: &str| {
        if log.buckets {
            shape::buckets(shape)
        } else {
            shape.to_string()
        }
    };
    println!("{}, on a host with {host}", f.file_name());
    let mut disagree = 0;
    let mut said: Vec<(Variant, Option<Outcome>, Option<String>)> = Vec::new();
    for v in Variant::ALL {
        let twin = crate::twin::run_on_twin(v, &f, &tables, host);
        let real = match found.get(v) {
            Ok(tc) => {
                eprintln!(
                    "harness: running {} on the real {v} toolchain (timeout {:?})",
                    f.file_name(),
                    f.timeout
                );
                Some(runner::run_on_toolchain(tc, &f)?)
            }
            Err(_) => None,
        };
        let twin_shape = twin.as_ref().ok().map(|r| shape::shape(r, &f.file_name()));
        match &twin {
            Ok(rec) => println!("{:<10} twin: {}", v.name(), classify(rec)),
            Err(e) => println!("{:<10} twin: does not run it: {e}", v.name()),
        }
        match (&real, &twin_shape) {
            (None, _) => println!("{:<10} real: not configured", ""),
            (Some(rec), twin_shape) => {
                let got = shape::shape(rec, &f.file_name());
                let agrees = match twin_shape {
                    Some(t) if *t == got => "agrees with the twin".to_string(),
                    Some(_) => {
                        disagree += 1;
                        "DIFFERS from the twin (below)".to_string()
                    }
                    None => "the twin has nothing to compare".to_string(),
                };
                println!("{:<10} real: {}; {agrees}", "", classify(rec));
            }
        }
        let outcome = real.as_ref().or(twin.as_ref().ok()).map(classify);
        let by = if real.is_some() { "real" } else { "twin" };
        said.push((v, outcome, twin_shape.clone()));
        if let (Some(rec), Some(t)) = (&real, &twin_shape) {
            let got = shape::shape(rec, &f.file_name());
            if let Some(d) = diff::shapes(t, &got, ("twin", "real"), style) {
                println!("{v}, twin against real:\n{d}");
            }
        }
        log.say(format_args!("{v}: the verdict below is the {by} run's"));
    }
    let hangs_1547 = |o: &Option<Outcome>| matches!(o, Some(Outcome::Hangs { issue1547: Some(_) }));
    let confirmed = Variant::ALL.iter().all(|v| found.get(*v).is_ok());
    let on = if confirmed {
        "on the real toolchains"
    } else {
        "on the twin (no real toolchain to confirm it)"
    };
    match (&said[0].1, &said[1].1) {
        (pre, post) if hangs_1547(pre) && !matches!(post, Some(Outcome::Hangs { .. })) => {
            println!(
                "verdict: reproduces issue 1547: it hangs on pre-1547 and not on post-1547, {on}"
            )
        }
        (pre, post) => println!(
            "verdict: does not reproduce issue 1547 ({on}): pre-1547 {}, post-1547 {}",
            pre.as_ref().map_or("-".to_string(), |o| o.to_string()),
            post.as_ref().map_or("-".to_string(), |o| o.to_string())
        ),
    }
    if let (Some(pre), Some(post)) = (&said[0].2, &said[1].2) {
        print!(
            "{}",
            side_by_side(
                ("pre-1547 (twin)", "post-1547 (twin)"),
                &shown(pre),
                &shown(post),
                60
            )
        );
    }
    if let Some(name) = save {
        save_fixture(found, paths, &f, name, style, log)?;
    }
    Ok(if disagree == 0 { 0 } else { 1 })
}

/// `repro --save NAME`: the program as `go-fixtures/NAME.go`, recorded
/// from the real toolchains if both are there, else with the twin's
/// predictions written for review (never as references).
fn save_fixture(
    found: &Found,
    paths: &Paths,
    f: &Fixture,
    name: &str,
    style: diff::Style,
    log: &Log,
) -> Result<(), Error> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(Error::Usage(format!(
            "--save {name}: a fixture's name is letters, digits and _ only"
        )));
    }
    let path = paths.fixtures.join(format!("{name}.go"));
    if path.exists() {
        return Err(Error::Usage(format!(
            "--save {name}: {} exists already",
            path.display()
        )));
    }
    std::fs::write(&path, &f.source)?;
    println!("saved as {}", path.display());
    let saved = Fixture::load(&path)?;
    if Variant::ALL.iter().all(|v| found.get(*v).is_ok()) {
        let sel = Selection {
            names: vec![name.to_string()],
            variants: Variant::ALL.to_vec(),
            runs: 3,
        };
        record(found, paths, &sel, log)?;
    } else {
        for v in Variant::ALL {
            let (verdict, _) = predict_cell(paths, &saved, v, &paths.tables(), style);
            match verdict {
                Verdict::New(what) => println!("{name} on {v}: {what}"),
                other => println!("{name} on {v}: {}", other.word()),
            }
        }
        println!("no real toolchains: the references are the twin's predictions until `harness record {name}`");
    }
    Ok(())
}

/// `harness repro --trace FILE`: a program whose pre-1547 twin prints the
/// pasted trace, found among [`crate::search::Candidate::family`]: each
/// member run on the twin (modelling this host) and scored against the
/// trace; the closest is written to `out` and reproduced as `repro` does.
/// Exits 1 unless every frame and marker of the trace was matched (or if
/// repro's runs disagree).
pub fn repro_trace(
    found: &Found,
    paths: &Paths,
    trace_file: &Path,
    out: &Path,
    log: &Log,
) -> Result<i32, Error> {
    use crate::search::{best, score, Candidate};
    let (name, text) = if trace_file == Path::new("-") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)?;
        ("stdin".to_string(), text)
    } else {
        let text = std::fs::read_to_string(trace_file)
            .map_err(|e| Error::Usage(format!("{}: {e}", trace_file.display())))?;
        (trace_file.display().to_string(), text)
    };
    let trace = crate::trace::parse(&name, &text)?;
    if out.exists() {
        return Err(Error::Usage(format!(
            "{} exists already: name another with --out",
            out.display()
        )));
    }
    let file_name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".go"))
        .ok_or_else(|| Error::Usage(format!("--out {}: not a .go file", out.display())))?;
    let spine = trace.spine();
    println!(
        "{name}: {} frames and markers; searching {} programs on the pre-1547 twin",
        spine.len(),
        Candidate::family().len()
    );
    let host = this_host();
    let tables = paths.tables();
    let family = Candidate::family();
    let bar = progress(family.len() as u64);
    let scored: Vec<_> = family
        .par_iter()
        .map(|c| {
            let f = Fixture::from_source(Path::new(&file_name), c.source())?;
            let run = crate::twin::run_on_twin(Variant::Pre1547, &f, &tables, host);
            bar.inc(1);
            Ok::<_, Error>(run.ok().map(|r| (*c, score(&trace, &r))))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    bar.finish_and_clear();
    let ran = scored.iter().flatten().count();
    let Some((c, s)) = best(scored.into_iter().flatten().collect()) else {
        println!("none of the {} programs ran on the twin", family.len());
        return Ok(1);
    };
    if s.matched == 0 {
        println!(
            "none of the {ran} programs the twin ran prints any of the trace's frames; they were: {}",
            family.iter().map(|c| format!("\n  {c}")).collect::<String>()
        );
        return Ok(1);
    }
    println!("closest: {c}");
    println!(
        "  matched {} of {} frames and markers; {} of {} argument words agree in kind",
        s.matched,
        spine.len(),
        s.words,
        s.words_of
    );
    for m in &s.missing {
        println!("  not matched: {m}");
    }
    std::fs::write(out, c.source())?;
    println!("wrote {}", out.display());
    let status = repro(found, paths, out, None, log)?;
    Ok(if s.missing.is_empty() { status } else { 1 })
}

/// What `harness sweep` is asked.
pub struct SweepRequest<'a> {
    /// A template file; `None`: the 1547 spawn ([`crate::sweep::SPAWN_1547`]).
    pub template: Option<&'a Path>,
    /// `name=...` for each placeholder (the built-in template has defaults).
    pub params: &'a [String],
    /// Where the heat map goes.
    pub svg: &'a Path,
    /// Points to run on the real toolchains too.
    pub confirm: usize,
}

/// `harness sweep`: a template over a grid of its parameters on the twin
/// of both variants, in parallel; a table of outcomes, the points that
/// reproduce issue 1547 (hang before the fix, not after), an SVG heat map
/// of the first two parameters, and with `confirm` that many points, spread
/// over the grid, run on the real toolchains and held to the twin's
/// shapes. Exits 1 if a confirmed point disagrees.
pub fn sweep(
    found: &Found,
    paths: &Paths,
    req: &SweepRequest<'_>,
    log: &Log,
) -> Result<i32, Error> {
    use crate::sweep::{grid, heat_map, parse_param, placeholders, render, Class, Param};
    let (text, file) = match req.template {
        Some(p) => (
            std::fs::read_to_string(p)
                .map_err(|e| Error::Usage(format!("{}: {e}", p.display())))?,
            p.file_name()
                .map_or("sweep.go".into(), |n| n.to_string_lossy().into_owned()),
        ),
        None => (
            crate::sweep::SPAWN_1547.to_string(),
            "spawn1547.go".to_string(),
        ),
    };
    let given: Vec<String> = if req.params.is_empty() && req.template.is_none() {
        crate::sweep::SPAWN_1547_GRID
            .iter()
            .map(|p| p.to_string())
            .collect()
    } else {
        req.params.to_vec()
    };
    let params: Vec<Param> = given
        .iter()
        .map(|p| parse_param(p))
        .collect::<Result<_, _>>()
        .map_err(Error::Usage)?;
    let wanted = placeholders(&text);
    if let Some(missing) = wanted
        .iter()
        .find(|w| !params.iter().any(|p| &p.name == *w))
    {
        return Err(Error::Usage(format!(
            "the template uses {{{{{missing}}}}}: give it values with --param {missing}=..."
        )));
    }
    if let Some(extra) = params.iter().find(|p| !wanted.contains(&p.name)) {
        return Err(Error::Usage(format!(
            "--param {}: the template has no {{{{{}}}}}",
            extra.name, extra.name
        )));
    }
    if req.confirm > 0 && !Variant::ALL.iter().all(|v| found.get(*v).is_ok()) {
        return Err(Error::Usage(
            "--confirm runs points on the real toolchains: configure both (harness toolchains)"
                .into(),
        ));
    }
    let points = grid(&params);
    let source_of = |point: &[i64]| {
        let named: Vec<(&str, i64)> = params
            .iter()
            .zip(point)
            .map(|(p, v)| (p.name.as_str(), *v))
            .collect();
        render(&text, &named)
    };
    let label = |point: &[i64]| {
        params
            .iter()
            .zip(point)
            .map(|(p, v)| format!("{}={v}", p.name))
            .collect::<Vec<_>>()
            .join(" ")
    };
    println!(
        "{file}: {} points ({}) on the twin of both variants, on a host with {}",
        points.len(),
        params
            .iter()
            .map(|p| format!("{} {} values", p.name, p.values.len()))
            .collect::<Vec<_>>()
            .join(", "),
        this_host()
    );
    let start = std::time::Instant::now();
    let host = this_host();
    let tables = paths.tables();
    let bar = progress(points.len() as u64 * 2);
    let runs: Vec<(Option<crate::repro::Outcome>, Option<String>)> = points
        .par_iter()
        .flat_map_iter(|point| Variant::ALL.into_iter().map(move |v| (point, v)))
        .map(|(point, v)| {
            let f = Fixture::from_source(Path::new(&file), source_of(point))?;
            let run = crate::twin::run_on_twin(v, &f, &tables, host).ok();
            bar.inc(1);
            Ok::<_, Error>((
                run.as_ref().map(crate::repro::classify),
                run.map(|r| shape::shape(&r, &f.file_name())),
            ))
        })
        .collect::<Result<_, _>>()?;
    bar.finish_and_clear();
    if crate::process::interrupted() {
        return Err(crate::twin::TwinError::Interrupted.into());
    }
    let took = start.elapsed();
    let classes: Vec<Vec<Class>> = (0..2)
        .map(|v| {
            runs.iter()
                .skip(v)
                .step_by(2)
                .map(|(o, _)| Class::of(o.as_ref()))
                .collect()
        })
        .collect();
    println!(
        "{} runs in {:.2} s ({:.2} ms a run)",
        runs.len(),
        took.as_secs_f64(),
        took.as_secs_f64() * 1000.0 / runs.len() as f64
    );
    println!("{:<22}  {:>9}  {:>9}", "outcome", "pre-1547", "post-1547");
    for class in Class::ALL {
        let count = |v: usize| classes[v].iter().filter(|c| **c == class).count();
        if count(0) + count(1) > 0 {
            println!(
                "{:<22}  {:>9}  {:>9}",
                class.to_string(),
                count(0),
                count(1)
            );
        }
    }
    let reproducing: Vec<usize> = (0..points.len())
        .filter(|&i| {
            classes[0][i] == Class::Issue1547
                && !matches!(classes[1][i], Class::Issue1547 | Class::Hangs)
        })
        .collect();
    println!(
        "{} points reproduce issue 1547 (hang on pre-1547, not on post-1547){}",
        reproducing.len(),
        reproducing
            .iter()
            .take(8)
            .map(|&i| format!("\n  {}", label(&points[i])))
            .collect::<String>()
    );
    if params.len() == 2 {
        std::fs::write(
            req.svg,
            heat_map(&params, &["pre-1547", "post-1547"], &classes),
        )?;
        println!(
            "wrote {}: {} across, {} down",
            req.svg.display(),
            params[0].name,
            params[1].name
        );
    } else {
        println!("a heat map needs two parameters: none written");
    }
    if req.confirm == 0 {
        return Ok(0);
    }
    let chosen = crate::sweep::sample(&classes, req.confirm);
    let n = chosen.len();
    let mut agree = 0;
    for &i in &chosen {
        let f = Fixture::from_source(Path::new(&file), source_of(&points[i]))?;
        for (vi, v) in Variant::ALL.into_iter().enumerate() {
            let tc = found.get(v).map_err(|e| Error::from(e.clone()))?;
            log.say(format_args!("confirming {} on {v}", label(&points[i])));
            let real = runner::run_on_toolchain(tc, &f)?;
            let got = shape::shape(&real, &f.file_name());
            match &runs[2 * i + vi].1 {
                Some(twin) if *twin == got => agree += 1,
                twin => println!(
                    "confirm: {} on {v}: real {}, twin {}",
                    label(&points[i]),
                    crate::repro::classify(&real),
                    if twin.is_some() {
                        "ran to another shape"
                    } else {
                        "did not run it"
                    }
                ),
            }
        }
    }
    println!(
        "confirm: {agree} of {} runs on the real toolchains agree with the twin, shape for shape",
        2 * n
    );
    Ok(if agree == 2 * n { 0 } else { 1 })
}

/// What `harness fuzz run` is asked.
pub struct FuzzRequest<'a> {
    /// The first seed; programs are made from `seed..seed + count`.
    pub seed: u64,
    pub count: u64,
    /// Also run each program on both real toolchains and compare shapes.
    pub live: bool,
    /// Where each finding's program and report go.
    pub out: &'a Path,
    /// Reduce each live finding too (`reduced-seed-N.go` beside it).
    pub reduce: bool,
}

/// What one program came to on the twin of one variant.
enum TwinOutcome {
    Shape(String),
    /// It stopped where the twin does not model the real runtime (a
    /// documented limit, not a finding).
    Unmodelled(String),
    /// A finding: the twin refused a program the generator made, ran out
    /// of its budget, or panicked.
    Broken(String),
}

/// `harness fuzz gen --seed N`: the program of a seed.
pub fn fuzz_gen(seed: u64, out: Option<&Path>) -> Result<i32, Error> {
    let p = crate::fuzz::generate(seed);
    match out {
        Some(path) => {
            std::fs::write(path, &p.source)?;
            println!("wrote {} (uses {})", path.display(), p.uses.join(", "));
        }
        None => print!("{}", p.source),
    }
    Ok(0)
}

/// `harness fuzz run`: generated programs on the twin of both variants
/// (its invariants: every program runs, within its budget, without a
/// panic), and with `--live` on both real toolchains, shape against shape.
/// Every finding is kept under `out` as `seed-N.go` and `seed-N.txt`.
pub fn fuzz_run(
    found: &Found,
    paths: &Paths,
    req: &FuzzRequest<'_>,
    log: &Log,
) -> Result<i32, Error> {
    if req.reduce && !req.live {
        return Err(Error::Usage(
            "--reduce reduces what the real toolchains disagree on: it needs --live".into(),
        ));
    }
    if req.live && !Variant::ALL.iter().all(|v| found.get(*v).is_ok()) {
        return Err(Error::Usage(
            "--live runs programs on the real toolchains: configure both (harness toolchains)"
                .into(),
        ));
    }
    let programs: Vec<crate::fuzz::Program> = (req.seed..req.seed + req.count)
        .map(crate::fuzz::generate)
        .collect();
    let fixture_of = |p: &crate::fuzz::Program| {
        Fixture::from_source(Path::new(&format!("fuzz{}.go", p.seed)), p.source.clone())
    };
    println!(
        "{} programs (seeds {}..{}) on the twin of both variants{}",
        programs.len(),
        req.seed,
        req.seed + req.count,
        if req.live {
            " and on both real toolchains"
        } else {
            ""
        }
    );
    let start = std::time::Instant::now();
    let host = this_host();
    let tables = paths.tables();
    let bar = progress(programs.len() as u64 * 2);
    let twin: Vec<TwinOutcome> = programs
        .par_iter()
        .flat_map_iter(|p| Variant::ALL.into_iter().map(move |v| (p, v)))
        .map(|(p, v)| {
            let f = fixture_of(p)?;
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                crate::twin::run_on_twin(v, &f, &tables, host)
            }));
            bar.inc(1);
            use crate::twin::TwinError;
            Ok::<_, Error>(match run {
                Ok(Ok(r)) => TwinOutcome::Shape(shape::shape(&r, &f.file_name())),
                Ok(Err(TwinError::Interrupted)) => return Err(TwinError::Interrupted.into()),
                Ok(Err(e @ TwinError::Runtime { .. })) => TwinOutcome::Unmodelled(e.to_string()),
                Ok(Err(e)) => TwinOutcome::Broken(e.to_string()),
                Err(_) => TwinOutcome::Broken(format!("the twin panicked on {v}")),
            })
        })
        .collect::<Result<_, _>>()?;
    bar.finish_and_clear();
    println!(
        "twin: {} runs in {:.2} s",
        twin.len(),
        start.elapsed().as_secs_f64()
    );
    let mut findings: Vec<(usize, String)> = Vec::new();
    let mut unmodelled: std::collections::BTreeMap<String, usize> = Default::default();
    for (i, t) in twin.iter().enumerate() {
        match t {
            TwinOutcome::Broken(why) => findings.push((i / 2, why.clone())),
            TwinOutcome::Unmodelled(why) => {
                // The reason, without the program's name.
                let why = why.split_once(": ").map_or(why.as_str(), |(_, w)| w);
                *unmodelled.entry(why.to_string()).or_default() += 1;
            }
            TwinOutcome::Shape(_) => {}
        }
    }
    let mut agree = 0;
    let mut compared = 0;
    if req.live {
        let bar = progress(programs.len() as u64 * 2);
        let live: Vec<(usize, Option<String>)> = programs
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, _)| {
                Variant::ALL
                    .into_iter()
                    .enumerate()
                    .map(move |(vi, v)| (i, vi, v))
            })
            .map(|(i, vi, v)| {
                let p = &programs[i];
                let f = fixture_of(p)?;
                let tc = found.get(v).map_err(|e| Error::from(e.clone()))?;
                log.say(format_args!("seed {} on {v}", p.seed));
                let real = runner::run_on_toolchain(tc, &f)?;
                bar.inc(1);
                let got = shape::shape(&real, &f.file_name());
                let finding = match &twin[2 * i + vi] {
                    _ if matches!(real.ending, runner::Ending::BuildFailed { .. }) => {
                        Some(format!("{v}: the generated program does not build:\n{got}"))
                    }
                    TwinOutcome::Shape(s) => diff::shapes(
                        &got,
                        s,
                        (&format!("real {v}"), &format!("twin {v}")),
                        diff::Style {
                            color: false,
                            buckets: true,
                        },
                    )
                    .map(|d| format!("{v}: the twin's shape differs from the real one\n{d}")),
                    _ => None,
                };
                Ok::<_, Error>((i, finding))
            })
            .collect::<Result<_, _>>()?;
        bar.finish_and_clear();
        if crate::process::interrupted() {
            return Err(crate::twin::TwinError::Interrupted.into());
        }
        for (i, finding) in live {
            if matches!(twin[2 * i], TwinOutcome::Shape(_)) || finding.is_some() {
                compared += 1;
            }
            match finding {
                Some(f) => findings.push((i, f)),
                None => agree += 1,
            }
        }
    }
    let findings = group_findings(findings);
    if !findings.is_empty() {
        std::fs::create_dir_all(req.out)?;
    }
    for (i, whys) in &findings {
        let p = &programs[*i];
        std::fs::write(req.out.join(format!("seed-{}.go", p.seed)), &p.source)?;
        std::fs::write(
            req.out.join(format!("seed-{}.txt", p.seed)),
            whys.join("\n"),
        )?;
    }
    // Each finding reduced, where asked: the programs that diverge still.
    let mut reduced = std::collections::BTreeSet::new();
    if req.reduce {
        let bar = progress(findings.len() as u64);
        for (i, _) in &findings {
            let p = &programs[*i];
            let stem = format!("seed-{}", p.seed);
            let from = req.out.join(format!("{stem}.go")).display().to_string();
            let case = Case {
                stem: &stem,
                from: &from,
                source: &p.source,
            };
            if let Some(r) = reduce_case(found, paths, &case, log, false)? {
                r.write(req.out, &stem)?;
                reduced.insert(*i);
            }
            bar.inc(1);
        }
        bar.finish_and_clear();
    }
    println!(
        "twin: {} runs stopped where the twin does not model the runtime",
        unmodelled.values().sum::<usize>()
    );
    for (why, n) in &unmodelled {
        println!("  {n:>6}  {why}");
    }
    if req.live {
        println!("live: {agree} of {compared} runs on the real toolchains agree with the twin, shape for shape");
    }
    let header = format!("{:<12}  {:>8}  {:>8}", "construct", "programs", "findings");
    match req.reduce {
        true => println!("{header}  {:>8}", "reduced"),
        false => println!("{header}"),
    }
    for c in crate::fuzz::CONSTRUCTS {
        let using = |i: &usize| programs[*i].uses.contains(&c);
        let n = (0..programs.len()).filter(using).count();
        let bad = findings.iter().map(|(i, _)| i).filter(|i| using(i)).count();
        let row = format!("{c:<12}  {n:>8}  {bad:>8}");
        match req.reduce {
            true => println!("{row}  {:>8}", reduced.iter().filter(|i| using(i)).count()),
            false => println!("{row}"),
        }
    }
    if findings.is_empty() {
        println!("no findings");
        return Ok(0);
    }
    println!(
        "{} programs with findings, kept in {}:",
        findings.len(),
        req.out.display()
    );
    for (i, whys) in &findings {
        let first = whys[0].lines().next().unwrap_or_default();
        let red = if reduced.contains(i) {
            format!(" (reduced: reduced-seed-{}.go)", programs[*i].seed)
        } else {
            String::new()
        };
        println!("  seed {}: {first}{red}", programs[*i].seed);
    }
    Ok(1)
}

/// Findings by program, in seed order.
fn group_findings(findings: Vec<(usize, String)>) -> Vec<(usize, Vec<String>)> {
    let mut by: std::collections::BTreeMap<usize, Vec<String>> = Default::default();
    for (i, why) in findings {
        by.entry(i).or_default().push(why);
    }
    by.into_iter().collect()
}

/// What `harness fuzz reduce` reduces and where the result goes.
pub struct ReduceRequest<'a> {
    /// A diverging program (`target/fuzz/seed-N.go`).
    pub case: &'a Path,
    /// Where `reduced-<name>.go` is written.
    pub out: &'a Path,
}

/// How a program stands on one variant, as the reducer keeps it: the
/// twin's shape against the real one's, or a broken twin invariant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    Agrees,
    Differs,
    Broken,
}

impl Standing {
    fn says(self) -> &'static str {
        match self {
            Standing::Agrees => "the twin agrees with the real toolchain",
            Standing::Differs => "the twin's shape differs from the real one",
            Standing::Broken => "the twin breaks an invariant",
        }
    }
}

/// `harness fuzz reduce CASE`: shrink a program on which the twin diverges
/// from the real toolchains (crate::reduce's passes), keeping every
/// candidate that 6g builds and that diverges on the same variants the
/// same way; writes the smallest as a candidate fixture.
pub fn fuzz_reduce(
    found: &Found,
    paths: &Paths,
    req: &ReduceRequest<'_>,
    log: &Log,
) -> Result<i32, Error> {
    let source = std::fs::read_to_string(req.case)
        .map_err(|e| Error::Usage(format!("{}: {e}", req.case.display())))?;
    let stem = req
        .case
        .file_stem()
        .map_or("case".into(), |s| s.to_string_lossy().into_owned());
    let from = req.case.display().to_string();
    let case = Case {
        stem: &stem,
        from: &from,
        source: &source,
    };
    let Some(reduced) = reduce_case(found, paths, &case, log, true)? else {
        return Err(Error::Usage(format!(
            "{from}: the twin does not diverge from the real toolchains on it: nothing to reduce"
        )));
    };
    let path = reduced.write(req.out, &stem)?;
    println!(
        "{} candidates tried, {} kept: {} lines, written to {}",
        reduced.tried,
        reduced.kept,
        reduced.lines,
        path.display()
    );
    Ok(0)
}

/// A program to reduce: its name, where it came from, its source.
struct Case<'a> {
    stem: &'a str,
    from: &'a str,
    source: &'a str,
}

/// A reduced program, as a candidate fixture.
struct ReducedCase {
    /// Its header (what it shows, its expected outcome) and source.
    text: String,
    lines: usize,
    tried: usize,
    kept: usize,
}

impl ReducedCase {
    /// Write it to `dir/reduced-<stem>.go`.
    fn write(&self, dir: &Path, stem: &str) -> Result<PathBuf, Error> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!("reduced-{stem}.go"));
        std::fs::write(&path, &self.text)?;
        Ok(path)
    }
}

/// Reduce `case` while it diverges on the same variants the same way
/// (None: it does not diverge); `chatty` prints each step.
fn reduce_case(
    found: &Found,
    paths: &Paths,
    case: &Case<'_>,
    log: &Log,
    chatty: bool,
) -> Result<Option<ReducedCase>, Error> {
    if !Variant::ALL.iter().all(|v| found.get(*v).is_ok()) {
        return Err(Error::Usage(
            "fuzz reduce holds the twin to the real toolchains: configure both (harness toolchains)"
                .into(),
        ));
    }
    let name = PathBuf::from(format!("{}.go", case.stem));
    let (tables, host) = (paths.tables(), this_host());
    // The standing of `src` on `v`, or None where it says nothing: 6g
    // refuses it, or the twin stops where it does not model the runtime.
    // `want`, if given, skips the real run where the twin already differs.
    let standing = |src: &str, v: Variant, want: Option<Standing>| {
        use crate::twin::TwinError;
        let Ok(f) = Fixture::from_source(&name, src.to_string()) else {
            return Ok(None);
        };
        let twin = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            crate::twin::run_on_twin(v, &f, &tables, host)
        }));
        let twin = match twin {
            Ok(Ok(r)) => Some(shape::shape(&r, &f.file_name())),
            Ok(Err(TwinError::Interrupted)) => return Err(Error::from(TwinError::Interrupted)),
            Ok(Err(TwinError::Runtime { .. })) => return Ok(None),
            Ok(Err(_)) | Err(_) => None,
        };
        if want.is_some_and(|w| (w == Standing::Broken) != twin.is_none()) {
            return Ok(Some(Standing::Agrees));
        }
        let tc = found.get(v).map_err(|e| Error::from(e.clone()))?;
        let real = runner::run_on_toolchain(tc, &f)?;
        if matches!(real.ending, runner::Ending::BuildFailed { .. }) {
            return Ok(None);
        }
        Ok(Some(match twin {
            None => Standing::Broken,
            Some(s) if s == shape::shape(&real, &f.file_name()) => Standing::Agrees,
            Some(_) => Standing::Differs,
        }))
    };
    let mut target = Vec::new();
    for v in Variant::ALL {
        match standing(case.source, v, None)? {
            Some(s @ (Standing::Differs | Standing::Broken)) => target.push((v, s)),
            Some(Standing::Agrees) | None => {}
        }
    }
    if target.is_empty() {
        return Ok(None);
    }
    let lines = |s: &str| s.lines().count();
    if chatty {
        for (v, s) in &target {
            println!("{} on {v}: {}", case.stem, s.says());
        }
        println!("reducing {} lines", lines(case.source));
    }
    let mut failed = None;
    let reduced = crate::reduce::reduce(
        case.source,
        |candidate| {
            if failed.is_some() || crate::process::interrupted() {
                return false;
            }
            target
                .iter()
                .all(|&(v, s)| match standing(candidate, v, Some(s)) {
                    Ok(got) => got == Some(s),
                    Err(e) => {
                        failed.get_or_insert(e);
                        false
                    }
                })
        },
        |kept| {
            log.say(format_args!(
                "{}: kept a candidate of {} lines",
                case.stem,
                lines(kept)
            ));
            if chatty {
                println!("  {} lines, {} bytes", lines(kept), kept.len());
            }
        },
    );
    if let Some(e) = failed {
        return Err(e);
    }
    if crate::process::interrupted() {
        return Err(crate::twin::TwinError::Interrupted.into());
    }
    // The candidate fixture: what it shows, then how it ends on each
    // toolchain, as a fixture's header says.
    let f = Fixture::from_source(&name, reduced.source.clone())?;
    let mut ends = Vec::new();
    for v in Variant::ALL {
        let tc = found.get(v).map_err(|e| Error::from(e.clone()))?;
        ends.push(format!("{v}: {}", runner::run_on_toolchain(tc, &f)?.ending));
    }
    let what: Vec<String> = target
        .iter()
        .map(|(v, s)| format!("on {v} {}", s.says()))
        .collect();
    let about = format!(
        "Reduced by harness fuzz reduce from {} ({} lines to {}): {}.",
        case.from,
        lines(case.source),
        lines(&reduced.source),
        what.join("; ")
    );
    let mut text = comment_lines(&about);
    text.push_str(&comment_lines(&format!(
        "Expected outcome: {}.",
        ends.join("; ")
    )));
    text.push_str(&reduced.source);
    Ok(Some(ReducedCase {
        text,
        lines: lines(&reduced.source),
        tried: reduced.tried,
        kept: reduced.kept,
    }))
}

/// `text` as `//` comment lines of at most 76 columns.
fn comment_lines(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::from("//");
    for word in text.split_whitespace() {
        if line.len() > 2 && line.len() + 1 + word.len() > 76 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("//");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}
