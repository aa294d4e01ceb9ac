//! The fixtures on the twin (no toolchain needed): each fixture the twin
//! runs so far must give, on each variant, exactly the recorded
//! reference's shape; each other fixture must be refused as unsupported
//! (not crash, not differ). Adding support moves a fixture to RUNS.

use harness::commands::Paths;
use harness::fixture;
use harness::shape::shape;
use harness::snapshot;
use harness::twin::{origin, run_on_twin, Tables, TwinError};
use rust_runtime::gc::frames::Origin;
use rust_runtime::host::Host;
use rust_runtime::Variant;

/// Fixtures written and recorded after the twin predicted, whose binaries
/// were never measured: the ordinary run predicts their figures.
const NEVER_MEASURED: [&str; 61] = [
    "addresses",
    "anoniface",
    "anonstruct",
    "assertcall",
    "assertions",
    "bytestr",
    "chaniface",
    "chanofchan",
    "closorder",
    "complexes",
    "consts",
    "crowd",
    "deep150",
    "deferclose",
    "divzero",
    "embedding",
    "fanin",
    "float32s",
    "floats",
    "gcfault",
    "golit",
    "gomaxprocs",
    "ifaceconv",
    "ifaceeq",
    "ifaceiface",
    "labels",
    "lastclosure",
    "linked",
    "litinit",
    "maps",
    "methexpr",
    "multiline",
    "namedops",
    "namedres",
    "namedtypes",
    "nested",
    "nilderef",
    "nilsym",
    "numbers",
    "pointers",
    "pool",
    "printslices",
    "promoted",
    "ptrarray",
    "ptrlit",
    "relay",
    "repanic",
    "reslice",
    "ring",
    "runeconv",
    "runes",
    "segspawn",
    "slices",
    "spawnif",
    "spillcentral",
    "spillchan",
    "spillwait",
    "strindex",
    "substr",
    "tour",
    "typeswitch",
];

/// The fixtures the twin runs, shape for shape.
const RUNS: [&str; 89] = [
    "addresses",
    "anoniface",
    "anonstruct",
    "assertcall",
    "assertions",
    "badindex",
    "buffered",
    "bytestr",
    "chain100k",
    "chaniface",
    "chanofchan",
    "closeclosed",
    "closed",
    "closorder",
    "closuretrace",
    "complexes",
    "consts",
    "crowd",
    "deadlock",
    "deep150",
    "deeprec",
    "deferclose",
    "deferfn",
    "divzero",
    "embedding",
    "fanin",
    "fanout",
    "float32s",
    "floats",
    "gcfault",
    "goargs",
    "golit",
    "gomaxprocs",
    "gopanic",
    "gosched",
    "hang1547",
    "hang1547c",
    "hang1547g",
    "ifaceconv",
    "ifaceeq",
    "ifaceiface",
    "labels",
    "lastclosure",
    "linked",
    "litinit",
    "maps",
    "methexpr",
    "multiline",
    "named",
    "namedops",
    "namedres",
    "namedtypes",
    "nested",
    "nilderef",
    "nilsym",
    "numbers",
    "okrecv",
    "panicnest",
    "pingpong",
    "pointers",
    "pool",
    "printslices",
    "promoted",
    "ptrarray",
    "ptrlit",
    "recover",
    "recoverg",
    "relay",
    "repanic",
    "reslice",
    "ring",
    "runeconv",
    "runes",
    "segspawn",
    "select",
    "selectdead",
    "sendclosed",
    "sieve",
    "slices",
    "spawnif",
    "spillcentral",
    "spillchan",
    "spillwait",
    "strcat",
    "strindex",
    "substr",
    "switch",
    "tour",
    "typeswitch",
];

#[test]
fn the_twin_reproduces_the_references_of_the_fixtures_it_runs() {
    let paths = Paths::default();
    let frames = paths.tables();
    for f in fixture::load_all(&paths.fixtures).unwrap() {
        for v in Variant::ALL {
            let reference =
                snapshot::read(&snapshot::snap_path(&paths.snapshots, v, &f.name)).unwrap();
            match (
                RUNS.contains(&f.name.as_str()),
                run_on_twin(v, &f, &frames, reference.provenance.host()),
            ) {
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
                    // Predicted figures lay text and data out by estimate:
                    // pc offsets and the messages' addresses are exact
                    // only with measured ones.
                    if origin(v, &f, &frames).unwrap() == Some(Origin::Measured) {
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
                    } else {
                        assert_eq!(
                            without_offsets(frame_lines(&twin)),
                            without_offsets(frame_lines(real)),
                            "{} on {v}: traceback frames (files, lines)",
                            f.name
                        );
                    }
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

#[test]
fn predicted_figures_alone_reproduce_every_reference() {
    // The measured tables hidden: frames, argument words, call sites and
    // lines all come from each fixture's source (gc::predict).
    let paths = Paths::default();
    let tables = Tables::predicted();
    let mut cells = 0;
    let mut wrong = Vec::new();
    for f in fixture::load_all(&paths.fixtures).unwrap() {
        for v in Variant::ALL {
            let reference =
                snapshot::read(&snapshot::snap_path(&paths.snapshots, v, &f.name)).unwrap();
            let rec = run_on_twin(v, &f, &tables, reference.provenance.host())
                .unwrap_or_else(|e| panic!("{} on {v}: {e}", f.name));
            let got = shape(&rec, &f.file_name());
            if let Some(d) =
                harness::diff::unified(&reference.shape, &got, ("reference", "twin"), false)
            {
                wrong.push(format!("{} on {v}, shape:\n{d}", f.name));
            }
            let raw = paths
                .snapshots
                .join(v.name())
                .join(format!("{}.raw", f.name));
            let raw = std::fs::read_to_string(raw).unwrap();
            let (_, real) = raw.split_once("--- stderr\n").unwrap();
            let twin = String::from_utf8_lossy(&rec.stderr);
            let (lines, real_lines) = (
                without_offsets(frame_lines(&twin)),
                without_offsets(frame_lines(real)),
            );
            if lines != real_lines {
                wrong.push(format!(
                    "{} on {v}, frame lines: twin {lines:?}, real {real_lines:?}",
                    f.name
                ));
            }
            if arg_counts(&twin) != arg_counts(real) {
                wrong.push(format!(
                    "{} on {v}, argument words: twin {:?}, real {:?}",
                    f.name,
                    arg_counts(&twin),
                    arg_counts(real)
                ));
            }
            cells += 1;
        }
    }
    assert_eq!(cells, 2 * RUNS.len());
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The twin, modelling the host of each other host's reference, gives it.
#[test]
fn the_twin_gives_every_other_hosts_references() {
    let paths = Paths::default();
    let frames = paths.tables();
    let mut cells = 0;
    for f in fixture::load_all(&paths.fixtures).unwrap() {
        for v in Variant::ALL {
            for path in snapshot::references(&paths.snapshots, v, &f.name)
                .into_iter()
                .skip(1)
            {
                let r = snapshot::read(&path).unwrap();
                let rec = run_on_twin(v, &f, &frames, r.provenance.host()).unwrap();
                let got = shape(&rec, &f.file_name());
                if let Some(d) =
                    harness::diff::unified(&r.shape, &got, ("reference", "twin"), false)
                {
                    panic!("{} on {v}, host {}:\n{d}", f.name, r.provenance.host());
                }
                cells += 1;
            }
        }
    }
    assert!(cells > 0, "no other host's references");
}

/// The frame decides how a run ends: swept over every XSAVE size a host
/// can have (a multiple of 8 from the legacy area and header, 576, to past
/// AVX-512's), without AMX and with it (with and without PKU), grouped by the
/// bytes the frame writes, the twin gives the references of each group
/// that has a host with references (at least two), for every fixture whose
/// ending some host changes (a hang's dump, or another host's reference),
/// and on the others runs or stops at what it does not model, by name.
#[test]
fn swept_over_the_frame_size_the_twin_gives_each_hosts_references() {
    let paths = Paths::default();
    let frames = paths.tables();
    let fixtures = fixture::load_all(&paths.fixtures).unwrap();
    let mut groups: Vec<(Vec<(u64, u8)>, Host)> = Vec::new();
    for xsave_size in (576..=12000).step_by(8) {
        let amx = |pku| Host {
            xsave_size,
            pku,
            amx: true,
        };
        for h in [Host::sized(xsave_size), amx(false), amx(true)] {
            if !groups.iter().any(|(s, _)| *s == h.spill()) {
                groups.push((h.spill(), h));
            }
        }
    }
    let primary_host = |f: &fixture::Fixture, v: Variant| {
        snapshot::read(&snapshot::snap_path(&paths.snapshots, v, &f.name))
            .unwrap()
            .provenance
            .host()
    };
    let hosts: Vec<Host> = snapshot::host_dirs(&paths.snapshots)
        .into_iter()
        .map(|(h, _)| h)
        .chain([primary_host(&fixtures[0], Variant::Pre1547)])
        .collect();
    let sensitive: Vec<&fixture::Fixture> = fixtures
        .iter()
        .filter(|f| {
            Variant::ALL.into_iter().any(|v| {
                let refs = snapshot::references(&paths.snapshots, v, &f.name);
                refs.len() > 1
                    || snapshot::read(&refs[0])
                        .unwrap()
                        .provenance
                        .ended
                        .starts_with("hung")
            })
        })
        .collect();
    assert!(sensitive.len() >= 4, "{}", sensitive.len());
    let mut checked_groups = 0;
    for (spill, h) in &groups {
        let with_refs = hosts.iter().any(|r| r.spill() == *spill);
        checked_groups += usize::from(with_refs);
        for f in &sensitive {
            for v in Variant::ALL {
                let rec = match run_on_twin(v, f, &frames, *h) {
                    Ok(rec) => rec,
                    // Where no real host's frame writes these bytes, the
                    // twin may stop at what it does not model (a spill onto
                    // a live object other than those it models), by name.
                    Err(TwinError::Runtime { .. }) if !with_refs => continue,
                    Err(e) => panic!("{} on {v}, host {h}: {e}", f.name),
                };
                if !with_refs {
                    continue;
                }
                let path = snapshot::reference_for(&paths.snapshots, v, &f.name, *h);
                let r = snapshot::read(&path).unwrap();
                // A primary reference speaks for this group only if its
                // own host is in it.
                if snapshot::host_of(&path).is_none() && r.provenance.host().spill() != *spill {
                    continue;
                }
                let got = shape(&rec, &f.file_name());
                if let Some(d) =
                    harness::diff::unified(&r.shape, &got, ("reference", "twin"), false)
                {
                    panic!("{} on {v}, host {h} ({}):\n{d}", f.name, path.display());
                }
            }
        }
    }
    assert!(
        checked_groups >= 3,
        "references from {checked_groups} host groups"
    );
}

#[test]
fn measured_tables_serve_only_the_source_they_were_measured_from() {
    let paths = Paths::default();
    let tables = paths.tables();
    let dir = tempfile::tempdir().unwrap();
    let pingpong = std::fs::read_to_string(paths.fixtures.join("pingpong.go")).unwrap();
    // The same source under another name: its tables, found by sha256.
    let same = dir.path().join("rally.go");
    std::fs::write(&same, &pingpong).unwrap();
    let same = fixture::Fixture::load(&same).unwrap();
    assert_eq!(
        origin(Variant::Pre1547, &same, &tables).unwrap(),
        Some(Origin::Measured)
    );
    // The fixture's name on another source: never its tables.
    let other = dir.path().join("pingpong.go");
    std::fs::write(&other, format!("{pingpong}\n// changed\n")).unwrap();
    let other = fixture::Fixture::load(&other).unwrap();
    assert_eq!(
        origin(Variant::Pre1547, &other, &tables).unwrap(),
        Some(Origin::Predicted)
    );
    let rec = run_on_twin(Variant::Pre1547, &other, &tables, Host::RECORDING).unwrap();
    assert!(String::from_utf8_lossy(&rec.stderr).ends_with("main done\n"));
}

/// Frame lines without their pc offsets: `name file:line`.
fn without_offsets(lines: Vec<&str>) -> Vec<String> {
    lines
        .iter()
        .map(|l| {
            let (name, at) = l.split_once(' ').unwrap_or((l, ""));
            let name = name.split_once("+0x").map_or(name, |(n, _)| n);
            format!("{name} {at}")
        })
        .collect()
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

#[test]
fn fixtures_never_measured_run_on_predicted_figures() {
    let paths = Paths::default();
    let tables = paths.tables();
    for name in NEVER_MEASURED {
        let f = fixture::Fixture::load(&paths.fixtures.join(format!("{name}.go"))).unwrap();
        for v in Variant::ALL {
            assert_eq!(
                origin(v, &f, &tables).unwrap(),
                Some(Origin::Predicted),
                "{name} on {v}"
            );
        }
    }
}
