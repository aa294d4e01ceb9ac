//! Tests that need the pinned 2011 toolchains. They run only when both are
//! configured (flags aside, as the harness finds them: HARNESS_GOROOT_PRE /
//! HARNESS_GOROOT_POST or a harness.toml) and print `skipped: ...` when not.

use std::io::Write;
use std::process::Command;

use harness::commands::Paths;
use harness::fixture;
use harness::runner::{self, Ending};
use harness::shape::shape;
use harness::toolchain::{Found, Request, Toolchain};
use rust_runtime::Variant;

/// Both toolchains, or `None` after saying why the test is skipped.
fn toolchains(test: &str) -> Option<Vec<Toolchain>> {
    let found = Found::discover(&Request::default()).unwrap();
    let mut out = Vec::new();
    for v in Variant::ALL {
        match found.get(v) {
            Ok(tc) => out.push(tc.clone()),
            Err(e) => {
                // Straight to fd 2: libtest captures print!/eprint! of passing tests.
                let _ = writeln!(std::io::stderr(), "skipped: {test}: {e}");
                return None;
            }
        }
    }
    Some(out)
}

/// `harness record --check` over every fixture: live runs agree with the
/// committed references (and each fixture's three runs with each other).
#[test]
fn live_runs_match_the_references() {
    let Some(_) = toolchains("live_runs_match_the_references") else {
        return;
    };
    let o = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(["record", "--check"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "drift from the references:\n{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn one_toolchains_goroot_is_refused_for_the_other() {
    let Some(tcs) = toolchains("one_toolchains_goroot_is_refused_for_the_other") else {
        return;
    };
    let post = &tcs[1].goroot;
    let o = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(["toolchains", "--goroot-pre"])
        .arg(post)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1));
    assert!(out.contains("is not commit 59ce067da8d9"), "{out}");
    assert!(out.contains("(it matches post-1547)"), "{out}");
}

/// A program 6g rejects is recorded as a build failure with 6g's message.
#[test]
fn a_rejected_program_is_a_recorded_build_failure() {
    let Some(tcs) = toolchains("a_rejected_program_is_a_recorded_build_failure") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.go");
    std::fs::write(&path, "package main\nfunc main() { x := }\n").unwrap();
    let f = fixture::Fixture::load(&path).unwrap();
    let r = runner::run_on_toolchain(&tcs[0], &f).unwrap();
    assert!(
        matches!(r.ending, Ending::BuildFailed { tool: "6g", .. }),
        "{}",
        r.ending
    );
    let s = shape(&r, "bad.go");
    assert!(s.contains("\nbad.go:2: syntax error"), "{s}");
}

/// Every temp dir the runs made is gone afterwards.
#[test]
fn runs_leave_no_build_dirs_behind() {
    let Some(tcs) = toolchains("runs_leave_no_build_dirs_behind") else {
        return;
    };
    let fixtures = fixture::select(&Paths::default().fixtures, &["hang1547g".to_string()]).unwrap();
    let r = runner::run_on_toolchain(&tcs[0], &fixtures[0]).unwrap();
    assert!(matches!(r.ending, Ending::Hung(_)), "{}", r.ending);
    assert!(!r.work_dir.exists(), "{} left behind", r.work_dir.display());
}

/// Ctrl-C in the middle of a run: the harness exits 130, and neither the
/// program nor its build dir outlives it.
#[test]
fn ctrl_c_kills_the_run_and_removes_its_dir() {
    if toolchains("ctrl_c_kills_the_run_and_removes_its_dir").is_none() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let fixture = Paths::default().fixtures.join("hang1547g.go");
    let mut child = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(["run", "--engine", "go", "--toolchain", "pre-1547"])
        .arg(&fixture)
        .env("TMPDIR", tmp.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the program runs: its build dir holds the linked binary.
    let running = (0..200).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        std::fs::read_dir(tmp.path())
            .unwrap()
            .any(|e| e.unwrap().path().join("main").exists())
    });
    assert!(running, "the fixture never started");
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    let tmp_str = tmp.path().to_string_lossy().into_owned();
    for proc_entry in std::fs::read_dir("/proc").unwrap().flatten() {
        if let Ok(exe) = std::fs::read_link(proc_entry.path().join("exe")) {
            assert!(
                !exe.to_string_lossy().starts_with(&tmp_str),
                "{} still runs",
                exe.display()
            );
        }
    }
}

/// `harness gotests`: the pinned tree's import-free run tests, on the real
/// toolchain and the twin. Where the twin runs one, its shape is the real
/// run's (exit 1 otherwise); the counts are printed.
#[test]
fn the_twin_runs_gos_own_tests_as_the_real_toolchain_does() {
    let Some(_) = toolchains("the_twin_runs_gos_own_tests_as_the_real_toolchain_does") else {
        return;
    };
    let o = Command::new(env!("CARGO_BIN_EXE_harness"))
        .arg("gotests")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    let summary = out
        .lines()
        .rev()
        .find(|l| l.contains(" tests: "))
        .unwrap_or("");
    let _ = writeln!(std::io::stderr(), "gotests: {summary}");
    assert!(
        o.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(summary.starts_with("155 tests: "), "{out}");
}

/// A changed fixture, checked live: `record --check` writes its drifted
/// references as `.snap.new` (and `.raw.new`) beside the old ones, and
/// `harness review --accept` puts them in place with their provenance,
/// which then holds for the changed source.
#[test]
fn a_changed_fixture_checked_live_is_written_for_review_and_accepted() {
    let Some(_) = toolchains("a_changed_fixture_checked_live_is_written_for_review_and_accepted")
    else {
        return;
    };
    let real = Paths::default();
    let dir = tempfile::tempdir().unwrap();
    let (fx, snaps) = (dir.path().join("fx"), dir.path().join("snaps"));
    std::fs::create_dir_all(&fx).unwrap();
    let source = std::fs::read_to_string(real.fixtures.join("pingpong.go")).unwrap();
    std::fs::write(
        fx.join("pingpong.go"),
        source.replacen("println(", "println(7, ", 1),
    )
    .unwrap();
    for v in Variant::ALL {
        std::fs::create_dir_all(snaps.join(v.name())).unwrap();
        for ext in ["snap", "raw"] {
            let name = format!("pingpong.{ext}");
            std::fs::copy(
                real.snapshots.join(v.name()).join(&name),
                snaps.join(v.name()).join(&name),
            )
            .unwrap();
        }
    }
    let harness = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_harness"))
            .arg("--fixture-dir")
            .arg(&fx)
            .arg("--snapshot-dir")
            .arg(&snaps)
            .args(args)
            .output()
            .unwrap()
    };
    let o = harness(&["record", "--check", "--runs", "1", "pingpong"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("2 drifted references written for review"),
        "{out}"
    );
    for v in Variant::ALL {
        assert!(
            snaps.join(v.name()).join("pingpong.snap.new").is_file(),
            "{out}"
        );
        assert!(
            snaps.join(v.name()).join("pingpong.raw.new").is_file(),
            "{out}"
        );
    }
    let o = harness(&["review", "--accept"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let f = fixture::Fixture::load(&fx.join("pingpong.go")).unwrap();
    for v in Variant::ALL {
        let path = harness::snapshot::snap_path(&snaps, v, "pingpong");
        let r = harness::snapshot::read(&path).unwrap();
        harness::snapshot::check_provenance(&r, &f, v).unwrap();
        assert_eq!(r.provenance.runs, 1);
        let raw =
            std::fs::read_to_string(harness::snapshot::raw_path(&snaps, v, "pingpong")).unwrap();
        assert_eq!(
            harness::shape::of_raw(&raw, "pingpong.go").as_deref(),
            Some(r.shape.as_str())
        );
    }
    let o = harness(&["record", "--check", "--runs", "1", "pingpong"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
}

/// `repro` with both toolchains: issue 1547 reproduced on the real
/// toolchains, each real run agreeing with the twin's.
#[test]
fn repro_confirms_issue_1547_on_the_real_toolchains() {
    let Some(_) = toolchains("repro_confirms_issue_1547_on_the_real_toolchains") else {
        return;
    };
    let program = Paths::default().fixtures.join("hang1547g.go");
    let o = Command::new(env!("CARGO_BIN_EXE_harness"))
        .arg("repro")
        .arg(&program)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert_eq!(out.matches("; agrees with the twin").count(), 2, "{out}");
    assert!(
        out.contains("verdict: reproduces issue 1547: it hangs on pre-1547 and not on post-1547, on the real toolchains"),
        "{out}"
    );
}

/// The seed's trace, pasted as its commit message holds it, gives a
/// program that the real toolchains confirm: it hangs on pre-1547 with
/// the seed's self-deadlock in goroutine 2, and completes on post-1547.
#[test]
fn the_seeds_trace_gives_a_program_the_real_toolchains_confirm() {
    let Some(_) = toolchains("the_seeds_trace_gives_a_program_the_real_toolchains_confirm") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("seed1547.go");
    let o = Command::new(env!("CARGO_BIN_EXE_harness"))
        .arg("repro")
        .arg("--trace")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/seed-commit-message.txt"
        ))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{text}");
    assert!(
        text.contains("real: hangs: issue 1547's self-deadlock (stackfree's lock under lessstack, goroutine 2); agrees with the twin"),
        "{text}"
    );
    assert!(
        text.contains("real: completes; agrees with the twin"),
        "{text}"
    );
    assert!(
        text.contains("verdict: reproduces issue 1547: it hangs on pre-1547 and not on post-1547, on the real toolchains"),
        "{text}"
    );
}

/// `sweep --confirm`: points spread over the outcomes (the hangs among
/// them) run on both real toolchains, each to the twin's shape.
#[test]
fn a_sweeps_confirmed_points_agree_with_the_twin() {
    let Some(_) = toolchains("a_sweeps_confirmed_points_agree_with_the_twin") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args([
            "sweep",
            "--param",
            "depth=27..29",
            "--param",
            "pad=92..94",
            "--confirm",
            "3",
            "--svg",
        ])
        .arg(dir.path().join("s.svg"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("hangs (issue 1547)"), "{out}");
    assert!(
        out.contains("confirm: 6 of 6 runs on the real toolchains agree with the twin"),
        "{out}"
    );
}
