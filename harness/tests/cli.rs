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
    // A row's cells, whatever the column widths (another host's row may
    // widen the first).
    let row = |name: &str| {
        out.lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .find(|w| w.first() == Some(&name))
    };
    assert_eq!(
        row("hang1547"),
        Some(vec!["hang1547", "same", "same"]),
        "{out}"
    );
    assert_eq!(row("okrecv"), Some(vec!["okrecv", "same", "same"]), "{out}");
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

/// A snapshot directory holding sieve's references (the pre-1547 one's
/// last line changed, so that the twin differs from it there) and
/// `known`, as known-divergences.toml.
fn snapshots_with(known: &str) -> tempfile::TempDir {
    let real = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
    let dir = tempfile::tempdir().unwrap();
    for tc in ["pre-1547", "post-1547"] {
        std::fs::create_dir_all(dir.path().join(tc)).unwrap();
        std::fs::create_dir_all(dir.path().join("frames").join(tc)).unwrap();
        for f in [
            "sieve.tsv",
            "sieve.calls.tsv",
            "sieve.text.tsv",
            "sieve.data.tsv",
        ] {
            let from = real.join("frames").join(tc).join(f);
            std::fs::copy(from, dir.path().join("frames").join(tc).join(f)).unwrap();
        }
        let mut snap = std::fs::read_to_string(real.join(tc).join("sieve.snap")).unwrap();
        if tc == "pre-1547" {
            snap.push_str("a line the twin does not print\n");
        }
        std::fs::write(dir.path().join(tc).join("sieve.snap"), snap).unwrap();
    }
    std::fs::copy(
        real.join("frames/sources.tsv"),
        dir.path().join("frames/sources.tsv"),
    )
    .unwrap();
    std::fs::write(dir.path().join("known-divergences.toml"), known).unwrap();
    dir
}

#[test]
fn a_listed_divergence_is_known_and_a_listed_match_fails() {
    let known =
        "[[divergence]]\nfixture = \"sieve\"\ntoolchain = \"pre-1547\"\nreason = \"a test\"\n";
    let dir = snapshots_with(known);
    let snaps = dir.path().to_str().unwrap();
    let o = harness(&["diff", "--snapshot-dir", snaps, "sieve"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(
        out.contains("sieve on pre-1547 (known divergence: a test):"),
        "{out}"
    );
    assert!(out.contains("-a line the twin does not print"), "{out}");
    assert!(out.contains("sieve    known        same"), "{out}");
    let o = harness(&["diff", "--snapshot-dir", snaps, "--format", "json", "sieve"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["known"], 1);
    assert_eq!(j["cells"][0]["verdict"], "known");

    // Unlisted, the same difference fails; listed, a match fails too.
    let dir = snapshots_with(
        "[[divergence]]\nfixture = \"sieve\"\ntoolchain = \"post-1547\"\nreason = \"stale\"\n",
    );
    let o = harness(&[
        "diff",
        "--snapshot-dir",
        dir.path().to_str().unwrap(),
        "sieve",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("sieve    differs      error"), "{out}");
    assert!(
        out.contains("sieve on post-1547: matches its reference but is listed in known-divergences.toml: remove the entry"),
        "{out}"
    );

    let dir = snapshots_with("[[divergence]]\nfixture = \"sieve\"\n");
    let o = harness(&[
        "diff",
        "--snapshot-dir",
        dir.path().to_str().unwrap(),
        "sieve",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("known-divergences.toml: 1:1: missing field `reason`"),
        "{}",
        stderr(&o)
    );
}

/// Where gc::layout's model differs from a measured table, `harness diff`
/// notes which figures the twin ran with (here a table edited to differ).
#[test]
fn diff_notes_frames_the_model_computes_differently() {
    let dir = snapshots_with("");
    let table = dir.path().join("frames/pre-1547/sieve.tsv");
    let text = std::fs::read_to_string(&table).unwrap();
    let edited = text.replace(
        "main.main\tsmall\tmorestack00\t0\t48\t0",
        "main.main\tsmall\tmorestack00\t0\t56\t0",
    );
    assert_ne!(text, edited);
    std::fs::write(&table, edited).unwrap();
    let o = harness(&[
        "diff",
        "--snapshot-dir",
        dir.path().to_str().unwrap(),
        "sieve",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("note: sieve on pre-1547: main.main: computed args 0 frame 48, measured args 0 frame 56; the twin runs the measured figures"),
        "{out}"
    );
    assert!(!out.contains("sieve on post-1547: main.main"), "{out}");
}

#[test]
fn calls_lists_the_twins_runtime_calls_in_order() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let o = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args([
            "calls",
            "go-fixtures/pingpong.go",
            "--toolchain",
            "pre-1547",
        ])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    let calls: Vec<Vec<&str>> = out.lines().map(|l| l.split('\t').collect()).collect();
    // The process starts on g0 in rt0's runtime·check; goroutines send
    // and receive.
    assert_eq!(calls[0][0], "runtime.check");
    assert_eq!(calls[0].get(3), Some(&"g0"));
    assert!(calls.iter().any(|c| c[0] == "runtime.schedinit"));
    for c in &calls {
        assert!(c[1].starts_with("0x") && c[2].starts_with("0x"), "{c:?}");
    }
    for name in [
        "runtime.chansend1",
        "allocsg",
        "enqueue",
        "dequeue",
        "runtime.gosched",
    ] {
        assert!(
            calls.iter().any(|c| c[0] == name && c.len() == 3),
            "no {name} on a goroutine's stack"
        );
    }
    assert_eq!(calls.last().map(|c| c[0]), Some("runtime.exit"));
}

/// A recovered signal panic whose Defer record lies under the signal
/// frame's spill: the real runtime goes on reading what the kernel wrote
/// there (on the recording host, both toolchains then fault at a wild
/// address and throw "fault"), which the twin does not keep, so it says so
/// instead of running on.
#[test]
fn a_recovery_over_memory_the_signal_frame_wrote_is_unmodelled() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("recovered.go");
    std::fs::write(
        &src,
        "package main\n\nfunc divide(a, b int) (q int) {\n\tdefer func() {\n\t\trecover()\n\t}()\n\treturn a / b\n}\n\nfunc main() {\n\tprintln(divide(1, 0))\n}\n",
    )
    .unwrap();
    let o = harness(&[
        "run",
        "--engine",
        "model",
        "--toolchain",
        "pre-1547",
        src.to_str().unwrap(),
    ]);
    assert_ne!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("a deferred call after a signal frame wrote over a live object"),
        "{}",
        stderr(&o)
    );
}

/// A deadlock of 101 goroutines, its pre-1547 reference edited to lack
/// goroutine 50: `harness diff` shows the difference in buckets (97
/// workers parked in one place read as one block), `--no-buckets` as the
/// plain list.
#[test]
fn diff_groups_a_crowd_of_goroutines_into_buckets() {
    let real = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
    let dir = tempfile::tempdir().unwrap();
    for tc in ["pre-1547", "post-1547"] {
        std::fs::create_dir_all(dir.path().join(tc)).unwrap();
        let mut snap = std::fs::read_to_string(real.join(tc).join("crowd.snap")).unwrap();
        if tc == "pre-1547" {
            let at = snap.find("goroutine 50 [4]:\n").expect("goroutine 50");
            let len = snap[at..].find("\n\n").unwrap() + 2;
            snap.replace_range(at..at + len, "");
        }
        std::fs::write(dir.path().join(tc).join("crowd.snap"), snap).unwrap();
    }
    let snaps = dir.path().to_str().unwrap();
    let o = harness(&["diff", "--snapshot-dir", snaps, "crowd"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(
        out.contains("-96 goroutines [4]: 5-49, 51-101\n+97 goroutines [4]: 5-101\n"),
        "{out}"
    );
    assert!(out.contains("crowd    differs      same"), "{out}");
    let o = harness(&["diff", "--no-buckets", "--snapshot-dir", snaps, "crowd"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("+goroutine 50 [4]:\n"), "{out}");
    assert!(!out.contains("goroutines [4]"), "{out}");
}

/// A program with no reference: `harness diff` writes the twin's
/// prediction for review (a failure until then, as a new insta snapshot
/// is); accepted, it holds the twin to it; changed, the program's
/// prediction is new again. The twin writes under twin/ only.
#[test]
fn a_program_without_a_reference_gets_the_twins_prediction_for_review() {
    let dir = tempfile::tempdir().unwrap();
    let (fixtures, snaps) = (dir.path().join("fx"), dir.path().join("snaps"));
    std::fs::create_dir_all(&fixtures).unwrap();
    let source = "package main\n\nfunc main() {\n\tc := make(chan int)\n\tgo func() { c <- 7 }()\n\tprintln(<-c)\n}\n";
    std::fs::write(fixtures.join("fresh.go"), source).unwrap();
    let (fx, sn) = (fixtures.to_str().unwrap(), snaps.to_str().unwrap());
    let diff = || harness(&["--fixture-dir", fx, "--snapshot-dir", sn, "diff"]);
    let o = diff();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(out.contains("fresh    new          new"), "{out}");
    let pending = snaps.join("twin/pre-1547/fresh.snap.new");
    let text = std::fs::read_to_string(&pending).unwrap();
    assert!(
        text.contains("recorded_by: \"harness diff, the twin's prediction\""),
        "{text}"
    );
    assert!(text.ends_with("--- stderr\n7\n"), "{text}");
    assert!(!snaps.join("pre-1547").exists());

    let o = harness(&[
        "--fixture-dir",
        fx,
        "--snapshot-dir",
        sn,
        "review",
        "--accept",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = diff();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("fresh    predicted    predicted"), "{out}");

    std::fs::write(fixtures.join("fresh.go"), source.replace("7", "8")).unwrap();
    let out = String::from_utf8_lossy(&diff().stdout).into_owned();
    assert!(out.contains("fresh    new          new"), "{out}");
}

/// `toolchain build` refuses, in one line and before making anything, a
/// source that is not a clone and a tree inside this repo.
#[test]
fn toolchain_build_names_what_is_wrong_before_it_builds() {
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path().join("go2011");
    let nothing = dir.path().join("nothing");
    let o = harness(&[
        "toolchain",
        "build",
        "--go-src",
        nothing.to_str().unwrap(),
        "--into",
        into.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "harness: --go-src {}: not a git repository\n",
            nothing.display()
        )
    );
    let inside = concat!(env!("CARGO_MANIFEST_DIR"), "/../go2011-inside");
    let o = harness(&["toolchain", "build", "--go-src", ".", "--into", inside]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("inside the harness repo"),
        "{}",
        stderr(&o)
    );
    assert!(!std::path::Path::new(inside).exists());
    assert!(!into.exists());
}

/// `repro` without toolchains: the twin's verdict on both variants, said
/// to be unconfirmed; `--save` keeps the program as a fixture whose
/// snapshots are the twin's predictions, written for review.
#[test]
fn repro_gives_the_twins_verdict_and_saves_a_fixture_for_review() {
    let program = concat!(env!("CARGO_MANIFEST_DIR"), "/../go-fixtures/hang1547g.go");
    // No toolchain, whatever harness.toml this machine has.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("harness.toml");
    std::fs::write(&config, "").unwrap();
    let config = config.to_str().unwrap();
    let o = harness(&["--config", config, "repro", program]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(
        out.contains("pre-1547   twin: hangs: issue 1547's self-deadlock (stackfree's lock under lessstack, goroutine 2)"),
        "{out}"
    );
    assert!(out.contains("post-1547  twin: completes"), "{out}");
    assert!(out.contains("real: not configured"), "{out}");
    assert!(
        out.contains("verdict: reproduces issue 1547: it hangs on pre-1547 and not on post-1547, on the twin (no real toolchain to confirm it)"),
        "{out}"
    );
    assert!(out.contains("141 goroutines [1]: 3-143"), "{out}");

    let (fx, snaps) = (dir.path().join("fx"), dir.path().join("snaps"));
    std::fs::create_dir_all(&fx).unwrap();
    let (f, s) = (fx.to_str().unwrap(), snaps.to_str().unwrap());
    let save = |name: &str| {
        harness(&[
            "--config",
            config,
            "--fixture-dir",
            f,
            "--snapshot-dir",
            s,
            "repro",
            program,
            "--save",
            name,
        ])
    };
    let o = save("spawn1547");
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(fx.join("spawn1547.go")).unwrap(),
        std::fs::read_to_string(program).unwrap()
    );
    for tc in ["pre-1547", "post-1547"] {
        assert!(
            snaps
                .join("twin")
                .join(tc)
                .join("spawn1547.snap.new")
                .is_file(),
            "{out}"
        );
    }
    assert!(!snaps.join("pre-1547").exists());
    let o = save("spawn1547");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("spawn1547.go exists already"),
        "{}",
        stderr(&o)
    );
    let o = save("no-such/name");
    assert!(
        stderr(&o).contains("letters, digits and _ only"),
        "{}",
        stderr(&o)
    );
}

/// The seed's trace, pasted as its commit message holds it: `repro
/// --trace` finds a program whose pre-1547 twin prints every frame and the
/// marker of goroutine 2, writes it, and the twin confirms it hangs before
/// the fix and completes after. A trace that does not parse names its line.
#[test]
fn repro_from_the_seeds_trace_finds_a_program_that_hangs_in_goroutine_2() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("harness.toml");
    std::fs::write(&config, "").unwrap();
    let out = dir.path().join("seed1547.go");
    let trace = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/seed-commit-message.txt"
    );
    let o = harness(&[
        "--config",
        config.to_str().unwrap(),
        "repro",
        "--trace",
        trace,
        "--out",
        out.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{text}{}", stderr(&o));
    assert!(
        text.contains("13 frames and markers; searching 40 programs"),
        "{text}"
    );
    assert!(
        text.contains("matched 13 of 13 frames and markers"),
        "{text}"
    );
    assert!(
        text.contains("closest: a goroutine main starts spawns a closure"),
        "{text}"
    );
    assert!(text.contains("pre-1547   twin: hangs: issue 1547's self-deadlock (stackfree's lock under lessstack, goroutine 2)"), "{text}");
    assert!(text.contains("post-1547  twin: completes"), "{text}");
    let program = std::fs::read_to_string(&out).unwrap();
    assert!(program.contains("\tgo sweep()\n"), "{program}");

    let o = harness(&["repro", "--trace", trace, "--out", out.to_str().unwrap()]);
    assert!(stderr(&o).contains("exists already"), "{}", stderr(&o));
    let bad = dir.path().join("bad.txt");
    std::fs::write(
        &bad,
        "runtime.lock+0x56 /x/thread.c:158\nnot a frame\nruntime.malg /x/proc.c:803\n",
    )
    .unwrap();
    let o = harness(&["repro", "--trace", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "harness: {}:2: not a line of a 2011 trace: 'not a frame'\n",
            bad.display()
        )
    );
}

/// `sweep` of the 1547 spawn over a small grid on the twin: a table of
/// outcomes, the points that hang before the fix and not after, and a heat
/// map with a cell per point and variant; a bad parameter or a missing
/// one is named, and --confirm without toolchains is refused.
#[test]
fn sweep_tables_and_draws_where_the_spawn_hangs() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("harness.toml");
    std::fs::write(&config, "").unwrap();
    let (config, svg) = (config.to_str().unwrap(), dir.path().join("s.svg"));
    let svg = svg.to_str().unwrap();
    let sweep = |extra: &[&str]| {
        let mut args = vec!["--config", config, "sweep", "--svg", svg];
        args.extend_from_slice(extra);
        harness(&args)
    };
    let o = sweep(&["--param", "depth=26..30", "--param", "pad=90..100"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(out.contains("spawn1547.go: 55 points"), "{out}");
    assert!(out.contains("hangs (issue 1547)"), "{out}");
    assert!(out.contains("  depth=28 pad=93\n"), "{out}");
    let drawn = std::fs::read_to_string(svg).unwrap();
    assert_eq!(drawn.matches("<title>").count(), 110);
    assert!(drawn.contains("<title>depth=28 pad=93: hangs (issue 1547)</title>"));

    let o = sweep(&["--param", "depth=1..0", "--param", "pad=1"]);
    assert!(
        stderr(&o).contains("--param depth=1..0: a range goes up"),
        "{}",
        stderr(&o)
    );
    let o = sweep(&["--param", "depth=1"]);
    assert!(
        stderr(&o).contains("the template uses {{pad}}"),
        "{}",
        stderr(&o)
    );
    let o = sweep(&["--confirm", "2"]);
    assert!(
        stderr(&o).contains("--confirm runs points on the real toolchains"),
        "{}",
        stderr(&o)
    );
}
