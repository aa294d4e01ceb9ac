//! The committed references: every fixture has one per toolchain, each with
//! the provenance of a real toolchain run, and the issue-1547 fixtures show
//! the hang on pre-1547 and complete on post-1547. No toolchain is needed.

use harness::commands::Paths;
use harness::fixture::{self, Fixture};
use harness::shape::shape_stream;
use harness::snapshot::{self, Reference};
use rust_runtime::Variant;

fn fixtures() -> Vec<Fixture> {
    fixture::load_all(&Paths::default().fixtures).unwrap()
}

fn reference(f: &Fixture, v: Variant) -> Reference {
    let path = snapshot::snap_path(&Paths::default().snapshots, v, &f.name);
    let r =
        snapshot::read(&path).unwrap_or_else(|e| panic!("{e} (run 'harness record {}')", f.name));
    snapshot::check_provenance(&r, f, v).unwrap_or_else(|e| panic!("{e}"));
    r
}

#[test]
fn every_fixture_has_a_true_reference_on_both_toolchains() {
    let all = fixtures();
    assert!(all.len() >= 15, "only {} fixtures", all.len());
    for f in &all {
        for v in Variant::ALL {
            reference(f, v);
        }
    }
}

#[test]
fn no_reference_is_left_without_its_fixture() {
    let names: Vec<String> = fixtures().into_iter().map(|f| f.name).collect();
    for v in Variant::ALL {
        let dir = Paths::default().snapshots.join(v.name());
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            assert!(names.contains(&stem), "{} has no fixture", path.display());
            let ext = path.extension().unwrap_or_default();
            assert!(
                ext == "snap" || ext == "raw",
                "{} is neither .snap nor .raw",
                path.display()
            );
        }
    }
}

/// The sections of a `--- stdout` / `--- stderr` layout (shape or raw).
fn sections(text: &str) -> (&str, &str, &str) {
    let (head, rest) = text.split_once("--- stdout\n").expect("stdout section");
    let (out, err) = rest.split_once("--- stderr\n").expect("stderr section");
    (head, out, err)
}

/// The recorded raw output reduces to the recorded shape: the normalizer
/// still reads every kind of real trace the way it did when recording.
#[test]
fn raw_outputs_reduce_to_their_recorded_shapes() {
    for f in fixtures() {
        for v in Variant::ALL {
            let r = reference(&f, v);
            let raw_path = snapshot::raw_path(&Paths::default().snapshots, v, &f.name);
            let raw = std::fs::read_to_string(&raw_path).unwrap();
            let (raw_head, raw_out, raw_err) = sections(&raw);
            let (head, out, err) = sections(&r.shape);
            let name = f.file_name();
            assert_eq!(raw_head, head, "{}", raw_path.display());
            assert_eq!(
                shape_stream(raw_out, &name),
                out,
                "{} stdout",
                raw_path.display()
            );
            assert_eq!(
                shape_stream(raw_err, &name),
                err,
                "{} stderr",
                raw_path.display()
            );
        }
    }
}

/// Other hosts' references (harness/snapshots/hosts/xsave-S) are true
/// references of that host, of a fixture there is, whose raw output
/// reduces to their shape, kept only where they differ from the primary one.
#[test]
fn other_hosts_references_are_true_and_kept_only_where_they_differ() {
    let snapshots = Paths::default().snapshots;
    let all = fixtures();
    let mut kept = 0;
    for (host, dir) in snapshot::host_dirs(&snapshots) {
        for v in Variant::ALL {
            let Ok(entries) = std::fs::read_dir(dir.join(v.name())) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                let ext = path.extension().unwrap_or_default();
                assert!(
                    ext == "snap" || ext == "raw",
                    "{} is neither .snap nor .raw",
                    path.display()
                );
                if ext == "raw" {
                    continue;
                }
                let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
                let f = all
                    .iter()
                    .find(|f| f.name == stem)
                    .unwrap_or_else(|| panic!("{} has no fixture", path.display()));
                let r = snapshot::read(&path).unwrap();
                snapshot::check_provenance(&r, f, v).unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(r.provenance.host(), host, "{}", path.display());
                let raw = std::fs::read_to_string(path.with_extension("raw")).unwrap();
                assert_eq!(
                    harness::shape::of_raw(&raw, &f.file_name()).as_deref(),
                    Some(r.shape.as_str()),
                    "{}: its raw output",
                    path.display()
                );
                let primary = reference(f, v);
                assert_ne!(
                    primary.provenance.host().spill(),
                    host.spill(),
                    "{}",
                    path.display()
                );
                assert_ne!(
                    primary.shape,
                    r.shape,
                    "{}: the same as the primary one",
                    path.display()
                );
                kept += 1;
            }
        }
    }
    assert!(kept > 0, "no other host's references");
}

/// The lines of the seed's trace, in order: the self-deadlock in
/// stackfree under lessstack, then the spawn path that split.
const SEED_G0: [&str; 7] = [
    "runtime.futex",
    "futexsleep",
    "futexlock",
    "runtime.lock",
    "runtime.stackfree",
    "runtime.oldstack",
    "runtime.lessstack",
];
const SEED_SPAWN: [&str; 5] = [
    "runtime.stackalloc",
    "runtime.malg",
    "runtime.newproc1",
    "runtime.newproc",
    "main.descend",
];

/// Where `wanted` appears as consecutive lines (frames compared by function).
fn find_run(lines: &[&str], wanted: &[&str]) -> Option<usize> {
    let func = |l: &str| l.split(' ').next().unwrap_or("").to_string();
    (0..lines.len().saturating_sub(wanted.len() - 1)).find(|&i| {
        wanted
            .iter()
            .enumerate()
            .all(|(k, w)| func(lines[i + k]) == *w)
    })
}

#[test]
fn the_1547_fixtures_hang_with_the_seed_shape_before_the_fix_and_complete_after() {
    let hangs: Vec<Fixture> = fixtures()
        .into_iter()
        .filter(|f| f.name.starts_with("hang1547"))
        .collect();
    assert!(hangs.len() >= 2, "too few issue-1547 fixtures");
    let mut other_than_1 = 0;
    for f in &hangs {
        let pre = reference(f, Variant::Pre1547);
        assert!(
            pre.provenance.ended.starts_with("hung; after SIGQUIT"),
            "{}: {}",
            f.name,
            pre.provenance.ended
        );
        let lines: Vec<&str> = pre.shape.lines().collect();
        let at = find_run(&lines, &SEED_G0)
            .unwrap_or_else(|| panic!("{}: no stackfree self-deadlock", f.name));
        let marker = lines[at + SEED_G0.len()];
        let goid: u32 = marker
            .strip_prefix("----- lessstack called from goroutine ")
            .and_then(|s| s.strip_suffix(" -----"))
            .unwrap_or_else(|| panic!("{}: '{marker}' is not the lessstack marker", f.name))
            .parse()
            .unwrap();
        if goid != 1 {
            other_than_1 += 1;
        }
        // The goroutine's side starts in lock (futexlock split, as in the
        // seed) or in stackalloc (lock itself split); the spawn path follows.
        let rest = &lines[at + SEED_G0.len() + 1..];
        let spawn = if rest[0] == "runtime.lock" {
            &rest[1..]
        } else {
            rest
        };
        assert_eq!(
            find_run(spawn, &SEED_SPAWN),
            Some(0),
            "{}: spawn path {:?}",
            f.name,
            &spawn[..6]
        );

        let post = reference(f, Variant::Post1547);
        assert_eq!(post.provenance.ended, "exit 0", "{}", f.name);
    }
    assert!(
        other_than_1 >= 1,
        "no issue-1547 fixture hangs in a goroutine other than 1"
    );
    let seed_like = hangs.iter().any(|f| {
        reference(f, Variant::Pre1547)
            .shape
            .contains("-----\nruntime.lock\nruntime.stackalloc\n")
    });
    assert!(
        seed_like,
        "no fixture shows the seed's exact split (futexlock under lock)"
    );
}
