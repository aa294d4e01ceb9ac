//! The fixtures on the twin (no toolchain needed): each fixture the twin
//! runs so far must give, on each variant, exactly the recorded
//! reference's shape; each other fixture must be refused as unsupported
//! (not crash, not differ). Adding support moves a fixture to RUNS.

use harness::commands::Paths;
use harness::fixture;
use harness::shape::shape;
use harness::snapshot;
use harness::twin::{run_on_twin, TwinError};
use rust_runtime::Variant;

/// The fixtures the twin runs, shape for shape.
const RUNS: [&str; 28] = [
    "badindex",
    "buffered",
    "chain100k",
    "closeclosed",
    "closed",
    "closuretrace",
    "deadlock",
    "deeprec",
    "deferfn",
    "fanout",
    "goargs",
    "gopanic",
    "gosched",
    "hang1547",
    "hang1547c",
    "hang1547g",
    "named",
    "okrecv",
    "panicnest",
    "pingpong",
    "recover",
    "recoverg",
    "select",
    "selectdead",
    "sendclosed",
    "sieve",
    "strcat",
    "switch",
];

#[test]
fn the_twin_reproduces_the_references_of_the_fixtures_it_runs() {
    let paths = Paths::default();
    let frames = paths.snapshots.join("frames");
    for f in fixture::load_all(&paths.fixtures).unwrap() {
        for v in Variant::ALL {
            let reference =
                snapshot::read(&snapshot::snap_path(&paths.snapshots, v, &f.name)).unwrap();
            match (RUNS.contains(&f.name.as_str()), run_on_twin(v, &f, &frames)) {
                (true, Ok(rec)) => {
                    let got = shape(&rec, &f.file_name());
                    if let Some(d) =
                        harness::diff::unified(&reference.shape, &got, ("reference", "twin"), false)
                    {
                        panic!("{} on {v}:\n{d}", f.name);
                    }
                    let raw = paths
                        .snapshots
                        .join(v.name())
                        .join(format!("{}.raw", f.name));
                    let raw = std::fs::read_to_string(raw).unwrap();
                    let (_, real) = raw.split_once("--- stderr\n").unwrap();
                    let twin = String::from_utf8_lossy(&rec.stderr);
                    assert_eq!(
                        arg_counts(&twin),
                        arg_counts(real),
                        "{} on {v}: argument words printed per frame",
                        f.name
                    );
                    assert_eq!(
                        messages(&twin),
                        messages(real),
                        "{} on {v}: the messages' addresses passed to throw and panicstring",
                        f.name
                    );
                    assert_eq!(
                        frame_lines(&twin),
                        frame_lines(real),
                        "{} on {v}: traceback frames (pc offsets, files, lines)",
                        f.name
                    );
                }
                (true, Err(e)) => panic!("{} on {v}: {e}", f.name),
                (false, Err(TwinError::Unsupported { .. } | TwinError::Runtime { .. })) => {}
                (false, other) => panic!(
                    "{} on {v} ran ({:?}): add it to RUNS",
                    f.name,
                    other.map(|r| r.ending)
                ),
            }
        }
    }
}

/// The first argument word of each runtime.throw and runtime.panicstring
/// frame: the message's address, where 6l put the C string literal.
fn messages(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter_map(|l| {
            l.strip_prefix("\truntime.throw(")
                .or_else(|| l.strip_prefix("\truntime.panicstring("))
        })
        .map(|args| args.split([',', ')']).next().unwrap_or(""))
        .collect()
}

/// Each traceback frame's first line as printed, `name+0xOFF file:line`:
/// the shape keeps only a runtime frame's name, the raw output the pc
/// offset and line that say which call it was stopped in.
fn frame_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| {
            l.split_once(' ').is_some_and(|(_, at)| {
                (at.starts_with("$GOROOT/") || at.starts_with("$WORK/"))
                    && at
                        .rsplit_once(':')
                        .is_some_and(|(_, n)| n.parse::<u32>().is_ok())
            })
        })
        .collect()
}

/// Each traceback frame's function and how many argument words it
/// prints (the shape drops the words; their number is the symtab's).
fn arg_counts(stderr: &str) -> Vec<(String, usize)> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix('\t'))
        .filter_map(|l| l.split_once('('))
        .map(|(name, rest)| {
            let args = rest.trim_end_matches(')');
            let n = if args.is_empty() {
                0
            } else {
                args.split(", ").count()
            };
            (name.to_string(), n)
        })
        .collect()
}
