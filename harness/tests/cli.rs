//! The command line as a user meets it: --help, and one clear line on
//! stderr with a non-zero exit for each kind of bad input.

use std::process::{Command, Output};

fn harness(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(args)
        .env_remove("HARNESS_GOROOT_PRE")
        .env_remove("HARNESS_GOROOT_POST")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn help_lists_every_subcommand() {
    let o = harness(&["--help"]);
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    for sub in ["run", "record", "diff", "toolchains"] {
        assert!(out.contains(sub), "--help lacks {sub}:\n{out}");
    }
    let o = harness(&["run", "--help"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("--toolchain"));
}

#[test]
fn an_unknown_toolchain_name_is_one_line() {
    let o = harness(&["run", "x.go", "--engine", "go", "--toolchain", "pre1547"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown toolchain 'pre1547' (expected pre-1547 or post-1547)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_wrong_goroot_is_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let goroot = dir.path().to_str().unwrap();
    let o = harness(&[
        "run",
        "x.go",
        "--engine",
        "go",
        "--toolchain",
        "pre-1547",
        "--goroot-pre",
        goroot,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!("harness: GOROOT {goroot} for pre-1547 (from command line) is incomplete: bin/6g is missing\n")
    );
}

#[test]
fn an_unknown_fixture_and_a_bad_header_name_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = dir.path().to_str().unwrap();
    std::fs::write(
        dir.path().join("a.go"),
        "//harness:timeout soon\npackage main\n",
    )
    .unwrap();
    let o = harness(&["diff", "--fixture-dir", fixtures, "nosuch"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!("harness: no fixture named 'nosuch' in {fixtures}\n")
    );
    let o = harness(&["diff", "--fixture-dir", fixtures]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!("harness: {fixtures}/a.go:1:19: timeout wants seconds like '5s', got 'soon'\n")
    );
}

#[test]
fn diff_live_without_toolchains_reports_each_cell_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("harness.toml");
    std::fs::write(&cfg, "[goroot]\n").unwrap();
    let o = harness(&[
        "diff",
        "--live",
        "--config",
        cfg.to_str().unwrap(),
        "hang1547",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("hang1547 on pre-1547: no GOROOT for pre-1547"),
        "{out}"
    );
    assert!(
        out.contains("hang1547 on post-1547: no GOROOT for post-1547"),
        "{out}"
    );
}

/// The main job needs no toolchain: the twin against the references.
#[test]
fn diff_runs_the_twin_against_the_references() {
    let o = harness(&["diff", "hang1547", "okrecv"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(out.contains("hang1547  same         same"), "{out}");
    assert!(out.contains("okrecv    same         same"), "{out}");
}

/// `harness run --engine model` prints what the program printed on the twin.
#[test]
fn run_on_the_model_prints_the_programs_output_and_exits_as_it_does() {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/../go-fixtures/sieve.go");
    let o = harness(&[
        "run",
        "--engine",
        "model",
        "--toolchain",
        "post-1547",
        fixture,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).starts_with("1 2\n2 3\n3 5\n"), "{}", stderr(&o));
}
