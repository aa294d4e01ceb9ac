//! Building the two pinned 2011 toolchains from a clone of the Go history on
//! today's Debian, and naming them in a `harness.toml`.
//!
//! Each pinned commit is exported with `git archive` into `INTO/<name>`, a
//! few build files are changed so that the February-2011 build works with
//! bison 3, gcc >= 10 and today's glibc loader ([`EDITS`] and
//! [`link_statically`]), and `src/make.bash` runs. Invariant: nothing under
//! `src/pkg/runtime` is changed. No edit may touch it, its files must hash
//! after the build as they did when exported, and the finished tree must
//! pass [`toolchain::verify`] against the pins. What was changed is printed
//! and kept with its diffs in `INTO/<name>.changes`; make.bash's output goes
//! to `INTO/<name>.build.log`.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use regex::Regex;
use rust_runtime::Variant;
use sha2::{Digest, Sha256};

use crate::process::{self, Deadline, Job, ProcessError, Status};
use crate::toolchain::{self, hex, Origin, ToolchainError};

/// The runtime's sources, which no step may change.
const RUNTIME_DIR: &str = "src/pkg/runtime";

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("missing Debian packages: {list} (install them with: apt-get install {list})", list = .0.join(" "))]
    MissingPackages(Vec<&'static str>),
    #[error("make is not GNU make (Debian package make)")]
    NotGnuMake,
    #[error("--go-src {}: not a git repository", .0.display())]
    NotARepo(PathBuf),
    #[error("--go-src {}: does not hold commit {commit} ({variant}); a clone of the whole 2011 history does (github.com/dterei/go)", path.display())]
    NoCommit {
        path: PathBuf,
        commit: &'static str,
        variant: Variant,
    },
    #[error("--into {}: inside the harness repo {}; the Go trees belong outside it", into.display(), repo.display())]
    InsideRepo { into: PathBuf, repo: PathBuf },
    #[error("{}: exists and is not a Go tree; not replacing it", .0.display())]
    NotAGoTree(PathBuf),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{variant}: {step} failed: {message}")]
    Step {
        variant: Variant,
        step: &'static str,
        message: String,
    },
    #[error("{variant}: {file}: expected text not found, cannot {what}")]
    Edit {
        variant: Variant,
        file: String,
        what: &'static str,
    },
    #[error("{variant}: make.bash failed ({status}): {first_error}; full log: {}", log.display())]
    Make {
        variant: Variant,
        status: String,
        first_error: String,
        log: PathBuf,
    },
    #[error(
        "{variant}: {file} changed during the build; the runtime sources must stay as exported"
    )]
    RuntimeChanged { variant: Variant, file: String },
    #[error(transparent)]
    Pin(#[from] Box<ToolchainError>),
    #[error(transparent)]
    Process(#[from] ProcessError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SetupError + '_ {
    move |source| SetupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What `harness toolchain build` was asked.
#[derive(Debug, Clone)]
pub struct BuildRequest {
    /// A clone (or bare mirror) of the Go history holding both pinned commits.
    pub go_src: PathBuf,
    /// Where the GOROOTs go: `into/pre-1547`, `into/post-1547`.
    pub into: PathBuf,
    /// The harness.toml to write.
    pub toml: PathBuf,
    /// make's -j.
    pub jobs: usize,
}

/// A change to one build file: a regex over its text that must match.
struct Edit {
    file: &'static str,
    what: &'static str,
    pattern: &'static str,
    replacement: &'static str,
}

/// The changes today's tools need, the same at both commits.
const EDITS: [Edit; 7] = [
    Edit {
        file: "src/quietgcc.bash",
        what: "add -fcommon to quietgcc's gcc command (gcc >= 10 defaults to -fno-common)",
        pattern: r"(?m)^\$gcc -Wall ",
        replacement: "$$gcc -fcommon -Wall ",
    },
    Edit {
        file: "src/Make.pkg",
        what: "add -fcommon to _CGO_CFLAGS_386/_CGO_CFLAGS_amd64 (the gcc-compiled parts of runtime/cgo and cgo packages)",
        pattern: r"(?m)^(_CGO_CFLAGS_(?:386|amd64)=-m(?:32|64))$",
        replacement: "${1} -fcommon",
    },
    Edit {
        file: "src/cmd/gc/bisonerrors",
        what: "read bison 3's y.output: state headings 'State N' as well as 'state N'",
        pattern: r"(\^|\|)state ",
        replacement: "${1}[Ss]tate ",
    },
    Edit {
        file: "src/cmd/gc/bisonerrors",
        what: "read bison 3's y.output: an empty rule written '%empty' has length 0",
        pattern: r#"(?m)^(\tif\(rulesize\[\$1\] == 3 && \$3 \$4 \$5 == "/\*empty\*/"\) \{)$"#,
        replacement: "\tif(rulesize[$$1] == 1 && $$3 == \"%empty\") {\n\t\trulesize[$$1] = 0\n\t}\n${1}",
    },
    Edit {
        file: "src/cmd/gc/Makefile",
        what: "y1.tab.c: turn bison 3's local 'yy_state_fast_t yystate = 0;' into 'yystate = 0;' so the global yystate yyerror reads is the parser's",
        pattern: r"(?m)^(\tcat y\.tab\.c \| sed '/ int yystate;/d;)",
        replacement: "${1} s/yy_state_fast_t yystate = 0;/yystate = 0;/;",
    },
    Edit {
        file: "src/cmd/gotest/gotest",
        what: "link test binaries with '$LD -d' (static)",
        pattern: r#"(?m)^GL="\$\{GL:-\$LD\} "#,
        replacement: "GL=\"$${GL:-$$LD -d} ",
    },
    Edit {
        file: "src/cmd/gotest/gotry",
        what: "link test binaries with '$LD -d' (static)",
        pattern: r#"(?m)^GL="\$\{GL:-\$LD\} "#,
        replacement: "GL=\"$${GL:-$$LD -d} ",
    },
];

/// Why each Makefile that links a program is changed.
const LINK_WHAT: &str =
    "link with '$(LD) -d' (static; today's glibc loader rejects 6l's dynamic header)";

/// One made change, for the record.
struct Change {
    file: String,
    what: &'static str,
    diff: String,
}

/// Apply one edit to text; `None` when its pattern matches nothing.
fn apply(edit: &Edit, text: &str) -> Option<String> {
    let re = Regex::new(edit.pattern).expect("the edits' patterns are valid");
    re.is_match(text)
        .then(|| re.replace_all(text, edit.replacement).into_owned())
}

/// In each recipe line (led by a tab), the first `$(LD) ` not already
/// followed by `-d ` becomes `$(LD) -d `: every link make runs, static.
fn link_statically(text: &str) -> String {
    const LD: &str = "$(LD) ";
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let at = line.starts_with('\t').then(|| {
            line.match_indices(LD)
                .map(|(i, _)| i + LD.len())
                .find(|&end| !line[end..].starts_with("-d "))
        });
        match at.flatten() {
            Some(end) => {
                out.push_str(&line[..end]);
                out.push_str("-d ");
                out.push_str(&line[end..]);
            }
            None => out.push_str(line),
        }
    }
    out
}

/// Whether a recipe line of this text links with `$(LD)`.
fn links(text: &str) -> bool {
    text.lines()
        .any(|l| l.starts_with('\t') && l.contains("$(LD) "))
}

/// Every file under `dir`, relative to `root`, in byte order.
fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), SetupError> {
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        if path.is_dir() {
            walk(root, &path, out)?;
        } else {
            let rel = path.strip_prefix(root).expect("under root");
            out.push(rel.to_string_lossy().into_owned());
        }
    }
    out.sort();
    Ok(())
}

/// Make every change of [`EDITS`] and [`link_statically`] to a tree.
fn patch(variant: Variant, tree: &Path) -> Result<Vec<Change>, SetupError> {
    let mut changes = Vec::new();
    let mut change = |file: &str, what: &'static str, f: &dyn Fn(&str) -> Option<String>| {
        assert!(
            !file.starts_with(RUNTIME_DIR),
            "no edit touches the runtime"
        );
        let path = tree.join(file);
        let old = std::fs::read_to_string(&path).map_err(io(&path))?;
        let new = f(&old)
            .filter(|new| *new != old)
            .ok_or_else(|| SetupError::Edit {
                variant,
                file: file.to_string(),
                what,
            })?;
        std::fs::write(&path, &new).map_err(io(&path))?;
        let labels = (format!("a/{file}"), format!("b/{file}"));
        let diff = crate::diff::unified(&old, &new, (&labels.0, &labels.1), false)
            .expect("the text changed");
        changes.push(Change {
            file: file.to_string(),
            what,
            diff,
        });
        Ok::<_, SetupError>(())
    };
    for edit in &EDITS {
        change(edit.file, edit.what, &|text| apply(edit, text))?;
    }
    let mut files = Vec::new();
    walk(tree, &tree.join("src"), &mut files)?;
    for file in files {
        let name = file.rsplit('/').next().unwrap_or(&file);
        if file.starts_with(RUNTIME_DIR) || !(name == "Makefile" || name.starts_with("Make.")) {
            continue;
        }
        let path = tree.join(&file);
        let text = std::fs::read_to_string(&path).map_err(io(&path))?;
        if links(&text) {
            change(&file, LINK_WHAT, &|text| Some(link_statically(text)))?;
        }
    }
    // The Go commands (cgo, gofmt, goyacc, ...) link through Make.cmd.
    if !changes.iter().any(|c| c.file == "src/Make.cmd") {
        return Err(SetupError::Edit {
            variant,
            file: "src/Make.cmd".into(),
            what: LINK_WHAT,
        });
    }
    Ok(changes)
}

/// The Debian packages whose commands the build runs and are not here.
fn missing_packages() -> Vec<&'static str> {
    let on_path = |cmd: &str| {
        std::env::var_os("PATH")
            .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(cmd).is_file()))
    };
    let mut missing: Vec<&'static str> = [
        ("git", "git"),
        ("bison", "bison"),
        ("make", "make"),
        ("gcc", "gcc"),
        ("perl", "perl-base"),
        ("tar", "tar"),
        ("awk", "gawk"),
    ]
    .into_iter()
    .filter(|(cmd, _)| !on_path(cmd))
    .map(|(_, package)| package)
    .collect();
    // cmd/6l/mkenam runs /bin/ed by that path.
    if !Path::new("/bin/ed").is_file() {
        missing.push("ed");
    }
    if !Path::new("/usr/include/stdio.h").is_file() {
        missing.push("libc6-dev");
    }
    missing
}

/// Run a short command; its stderr's first line on failure.
fn run_short(variant: Variant, step: &'static str, job: &Job<'_>) -> Result<Vec<u8>, SetupError> {
    let done = process::supervise(job)?;
    match done.deadline {
        Deadline::Met(Status::Exit(0)) => Ok(done.stdout),
        other => {
            let err = String::from_utf8_lossy(&done.stderr);
            Err(SetupError::Step {
                variant,
                step,
                message: format!(
                    "{} ({other:?})",
                    err.lines().next().unwrap_or("no output").trim()
                ),
            })
        }
    }
}

/// A job with the given environment (plus a plain PATH), run in `dir`.
fn job<'a>(program: &'a Path, args: &[&str], env: &[(&str, &Path)], dir: &'a Path) -> Job<'a> {
    let mut full: Vec<(OsString, OsString)> =
        vec![("PATH".into(), "/usr/local/bin:/usr/bin:/bin".into())];
    full.extend(env.iter().map(|(k, v)| (k.into(), v.into())));
    Job {
        program,
        args: args.iter().map(OsString::from).collect(),
        env: full,
        dir,
        timeout: Duration::from_secs(120),
        grace: Duration::from_secs(1),
    }
}

/// sha256 of every runtime source of a tree, by path.
fn runtime_hashes(tree: &Path) -> Result<BTreeMap<String, String>, SetupError> {
    let mut files = Vec::new();
    walk(tree, &tree.join(RUNTIME_DIR), &mut files)?;
    files
        .into_iter()
        .map(|rel| {
            let path = tree.join(&rel);
            let bytes = std::fs::read(&path).map_err(io(&path))?;
            Ok((rel, hex(&Sha256::digest(&bytes))))
        })
        .collect()
}

/// The first line of a failed build's log that says what went wrong.
fn first_error(log: &str) -> String {
    let re = Regex::new(r": (fatal )?error|\*\*\* |multiple definition|undefined reference|command not found|No such file")
        .expect("valid");
    log.lines().find(|l| re.is_match(l)).map_or_else(
        || "see the log".to_string(),
        |l| l.chars().take(200).collect(),
    )
}

/// Where the harness repo is, when this binary runs from one.
fn repo_root() -> Option<PathBuf> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()?
        .canonicalize()
        .ok()
}

/// A path made absolute and its `.` and `..` taken out, without reading
/// the file system (it may not exist yet).
fn lexically_absolute(path: &Path) -> std::io::Result<PathBuf> {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in std::path::absolute(path)?.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    Ok(out)
}

/// One toolchain built.
#[derive(Debug)]
pub struct Built {
    pub variant: Variant,
    pub goroot: PathBuf,
    pub took: Duration,
}

/// `harness toolchain build`: both trees, then the config naming them.
pub fn build(req: &BuildRequest) -> Result<Vec<Built>, SetupError> {
    // Refused before anything is made there, and again once symlinks
    // are resolved.
    let inside = |into: PathBuf| match repo_root().filter(|r| into.starts_with(r)) {
        Some(repo) => Err(SetupError::InsideRepo { into, repo }),
        None => Ok(()),
    };
    inside(lexically_absolute(&req.into).map_err(io(&req.into))?)?;
    let git = |args: &[&str]| {
        duct::cmd("git", args)
            .dir(&req.go_src)
            .stdout_null()
            .stderr_null()
            .unchecked()
            .run()
            .is_ok_and(|o| o.status.success())
    };
    if !req.go_src.is_dir() || !git(&["rev-parse", "--git-dir"]) {
        return Err(SetupError::NotARepo(req.go_src.clone()));
    }
    for variant in Variant::ALL {
        if !git(&[
            "cat-file",
            "-e",
            &format!("{}^{{commit}}", variant.commit()),
        ]) {
            return Err(SetupError::NoCommit {
                path: req.go_src.clone(),
                commit: variant.commit(),
                variant,
            });
        }
    }
    let missing = missing_packages();
    if !missing.is_empty() {
        return Err(SetupError::MissingPackages(missing));
    }
    let make = duct::cmd!("make", "--version")
        .stdout_capture()
        .stderr_null()
        .unchecked()
        .read();
    if !make.is_ok_and(|v| v.contains("GNU Make")) {
        return Err(SetupError::NotGnuMake);
    }
    std::fs::create_dir_all(&req.into).map_err(io(&req.into))?;
    let into = req.into.canonicalize().map_err(io(&req.into))?;
    inside(into.clone())?;
    let go_src = req.go_src.canonicalize().map_err(io(&req.go_src))?;
    let mut built = Vec::new();
    for variant in Variant::ALL {
        built.push(build_tree(variant, &go_src, &into, req.jobs)?);
    }
    write_config(&req.toml, &built)?;
    Ok(built)
}

/// Export, patch, build and check one tree.
fn build_tree(
    variant: Variant,
    go_src: &Path,
    into: &Path,
    jobs: usize,
) -> Result<Built, SetupError> {
    let start = Instant::now();
    let commit = variant.commit();
    let tree = into.join(variant.name());
    let log_path = into.join(format!("{variant}.build.log"));
    let changes_path = into.join(format!("{variant}.changes"));
    println!(
        "{variant}: exporting {:.12} into {}",
        commit,
        tree.display()
    );
    if tree.exists() {
        let empty = std::fs::read_dir(&tree)
            .map_err(io(&tree))?
            .next()
            .is_none();
        if !empty && !tree.join("src/make.bash").is_file() {
            return Err(SetupError::NotAGoTree(tree));
        }
        std::fs::remove_dir_all(&tree).map_err(io(&tree))?;
    }
    std::fs::create_dir_all(&tree).map_err(io(&tree))?;
    let work = tempfile::Builder::new()
        .prefix("harness-toolchain-")
        .tempdir()
        .map_err(io(Path::new("temporary directory")))?;
    let tar = work.path().join("tree.tar");
    let tar_arg = tar.to_string_lossy().into_owned();
    let tree_arg = tree.to_string_lossy().into_owned();
    let git = which("git");
    run_short(
        variant,
        "git archive",
        &job(
            &git,
            &["archive", "--format=tar", "-o", &tar_arg, commit],
            &[],
            go_src,
        ),
    )?;
    let tar_cmd = which("tar");
    run_short(
        variant,
        "tar",
        &job(
            &tar_cmd,
            &["-xf", &tar_arg, "-C", &tree_arg],
            &[],
            work.path(),
        ),
    )?;
    if !tree.join("src/make.bash").is_file() {
        return Err(SetupError::Step {
            variant,
            step: "export",
            message: format!("commit {commit} has no src/make.bash"),
        });
    }
    let exported = runtime_hashes(&tree)?;

    let changes = patch(variant, &tree)?;
    for c in &changes {
        println!("  {variant}: {}: {}", c.file, c.what);
    }
    let mut record = format!(
        "# Build-file changes made by `harness toolchain build` to {}\n# (commit {commit}); nothing under {RUNTIME_DIR} is changed.\n\n",
        tree.display()
    );
    for c in &changes {
        record.push_str(&format!("{}: {}\n", c.file, c.what));
    }
    record.push('\n');
    for c in &changes {
        record.push_str(&c.diff);
    }
    std::fs::write(&changes_path, record).map_err(io(&changes_path))?;
    println!(
        "  {variant}: changes recorded in {}",
        changes_path.display()
    );

    println!(
        "  {variant}: running src/make.bash (-j{jobs}; log: {})",
        log_path.display()
    );
    make(variant, &tree, &log_path, jobs)?;
    for rel in ["bin/6g", "bin/6l", "pkg/linux_amd64/runtime.a"] {
        if !tree.join(rel).is_file() {
            return Err(SetupError::Step {
                variant,
                step: "make.bash",
                message: format!(
                    "it finished but {rel} is missing; log: {}",
                    log_path.display()
                ),
            });
        }
    }
    let after = runtime_hashes(&tree)?;
    if let Some((file, _)) = exported.iter().find(|(f, h)| after.get(*f) != Some(h)) {
        return Err(SetupError::RuntimeChanged {
            variant,
            file: file.clone(),
        });
    }
    toolchain::verify(variant, tree.clone(), Origin::Flag).map_err(Box::new)?;
    println!(
        "  {variant}: pin holds ({} runtime sources as pinned)",
        toolchain::pin(variant).files.len()
    );
    smoke_test(variant, &tree, work.path())?;
    let took = start.elapsed();
    println!("{variant}: built in {}s", took.as_secs());
    Ok(Built {
        variant,
        goroot: tree,
        took,
    })
}

/// A command's path on PATH (the name itself when not found: spawning
/// then fails with its own message).
fn which(cmd: &str) -> PathBuf {
    std::env::var_os("PATH")
        .and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(cmd))
                .find(|p| p.is_file())
        })
        .unwrap_or_else(|| PathBuf::from(cmd))
}

/// Run make.bash in a clean environment, its output in the log; a spinner
/// names the directory it is making.
fn make(variant: Variant, tree: &Path, log_path: &Path, jobs: usize) -> Result<(), SetupError> {
    let log = std::fs::File::create(log_path).map_err(io(log_path))?;
    let bin = tree.join("bin");
    std::fs::create_dir_all(&bin).map_err(io(&bin))?;
    let var = |k: &str, v: &str| (OsString::from(k), OsString::from(v));
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    let env = vec![
        var("PATH", "/usr/local/bin:/usr/bin:/bin"),
        var("HOME", &home),
        var(
            "USER",
            &std::env::var("USER").unwrap_or_else(|_| "root".into()),
        ),
        var("LANG", "C"),
        var("LC_ALL", "C"),
        var("TERM", "dumb"),
        (OsString::from("GOROOT"), tree.into()),
        var("GOOS", "linux"),
        var("GOARCH", "amd64"),
        (OsString::from("GOBIN"), bin.into()),
        var("CC", "gcc"),
        var("MAKEFLAGS", &format!("-j{jobs}")),
    ];
    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template("  {spinner} {elapsed} {msg}").expect("valid"));
    bar.set_message(format!("{variant}: make.bash"));
    let mut seen = 0u64;
    let mut read_new = |bar: &ProgressBar| {
        let Ok(mut f) = std::fs::File::open(log_path) else {
            return;
        };
        let mut fresh = String::new();
        if f.seek(SeekFrom::Start(seen)).is_ok() && f.read_to_string(&mut fresh).is_ok() {
            // Only whole lines count; a partial one is read again next time.
            let whole = fresh.rfind('\n').map_or(0, |i| i + 1);
            seen += whole as u64;
            if let Some(dir) = fresh[..whole]
                .lines()
                .filter_map(|l| l.strip_prefix("%%%% making "))
                .next_back()
            {
                bar.set_message(format!(
                    "{variant}: making {}",
                    dir.trim_end_matches(" %%%%")
                ));
            }
        }
        bar.tick();
    };
    let status = process::supervise_logged(
        Path::new("/bin/bash"),
        &[OsString::from("./make.bash")],
        &env,
        &tree.join("src"),
        log,
        || read_new(&bar),
    );
    bar.finish_and_clear();
    match status? {
        Status::Exit(0) => Ok(()),
        other => {
            let text = std::fs::read_to_string(log_path).unwrap_or_default();
            Err(SetupError::Make {
                variant,
                status: match other {
                    Status::Exit(c) => format!("exit {c}"),
                    Status::Signal(s) => format!("signal {s}"),
                },
                first_error: first_error(&text),
                log: log_path.to_path_buf(),
            })
        }
    }
}

/// A program compiled by 6g and linked by `6l -d` must run, and 6g's syntax
/// errors must come from go.errors (what the bisonerrors and yystate edits
/// are for).
fn smoke_test(variant: Variant, tree: &Path, work: &Path) -> Result<(), SetupError> {
    let fail = |message: String| SetupError::Step {
        variant,
        step: "smoke test",
        message,
    };
    let dir = work.join("smoke");
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).map_err(io(&p))
    };
    write(
        "ok.go",
        "package main\n\nfunc main() {\n\tprintln(\"smoke\", 1547)\n}\n",
    )?;
    write(
        "bad.go",
        "package main\n\nfunc main() {\n\tif x := 1; x == 1\n\t{\n\t}\n}\n",
    )?;
    let (g, l) = (tree.join("bin/6g"), tree.join("bin/6l"));
    let env = [("GOROOT", tree)];
    run_short(variant, "smoke test: 6g", &job(&g, &["ok.go"], &env, &dir))?;
    run_short(
        variant,
        "smoke test: 6l -d",
        &job(&l, &["-d", "-o", "ok", "ok.6"], &env, &dir),
    )?;
    let ok = dir.join("ok");
    let ran = process::supervise(&Job {
        env: Vec::new(),
        ..job(&ok, &[], &[], &dir)
    })?;
    let out = String::from_utf8_lossy(&ran.stderr);
    if ran.deadline != Deadline::Met(Status::Exit(0)) || out != "smoke 1547\n" {
        return Err(fail(format!(
            "the 6l -d binary ended {:?} printing '{}'",
            ran.deadline,
            out.trim_end()
        )));
    }
    let bad = process::supervise(&job(&g, &["bad.go"], &env, &dir))?;
    let said =
        String::from_utf8_lossy(&bad.stdout).into_owned() + &String::from_utf8_lossy(&bad.stderr);
    if bad.deadline == Deadline::Met(Status::Exit(0)) {
        return Err(fail("6g accepted a syntax error".into()));
    }
    if !said.contains("syntax error: unexpected semicolon or newline before {") {
        return Err(fail(format!(
            "6g's syntax error is not go.errors' (the bisonerrors or yystate edit did not take): {}",
            said.lines().next().unwrap_or("")
        )));
    }
    println!("  {variant}: smoke test passed (a 6g + 6l -d program runs; go.errors messages work)");
    Ok(())
}

/// Write the harness.toml naming the trees, atomically.
fn write_config(path: &Path, built: &[Built]) -> Result<(), SetupError> {
    let mut text = String::from("# Written by `harness toolchain build`.\n[goroot]\n");
    for b in built {
        let root = toml::Value::String(b.goroot.to_string_lossy().into_owned());
        text.push_str(&format!("{} = {root}\n", b.variant));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let tmp = tempfile::NamedTempFile::new_in(dir).map_err(io(dir))?;
    std::fs::write(tmp.path(), text).map_err(io(tmp.path()))?;
    tmp.persist(path).map_err(|e| SetupError::Io {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_link_in_a_recipe_becomes_static_once() {
        let text = "all:\n\t$(LD) -o $@ x.6\n\t$(LD) -d -o y y.6\n\techo $(LD) \nLD=6l\n\tcd a && $(LD) -d x && $(LD) -o b b.6\n";
        assert!(links(text));
        assert_eq!(
            link_statically(text),
            "all:\n\t$(LD) -d -o $@ x.6\n\t$(LD) -d -o y y.6\n\techo $(LD) -d \nLD=6l\n\tcd a && $(LD) -d x && $(LD) -d -o b b.6\n"
        );
        // Applied twice it changes nothing more.
        let once = link_statically(text);
        assert_eq!(link_statically(&once), once);
        assert!(!links("LD=$(LD) x\n"));
    }

    #[test]
    fn an_edit_applies_where_its_line_is_and_refuses_a_file_without_it() {
        let gcc = &EDITS[0];
        assert_eq!(
            apply(gcc, "x\n$gcc -Wall -Wno-sign-compare \"$@\"\n").as_deref(),
            Some("x\n$gcc -fcommon -Wall -Wno-sign-compare \"$@\"\n")
        );
        assert_eq!(apply(gcc, "gcc -Wall\n"), None);
        let empty = &EDITS[3];
        let line = "\tif(rulesize[$1] == 3 && $3 $4 $5 == \"/*empty*/\") {\n";
        assert_eq!(
            apply(empty, line).as_deref(),
            Some("\tif(rulesize[$1] == 1 && $3 == \"%empty\") {\n\t\trulesize[$1] = 0\n\t}\n\tif(rulesize[$1] == 3 && $3 $4 $5 == \"/*empty*/\") {\n")
        );
        let gl = &EDITS[5];
        assert_eq!(
            apply(gl, "GL=\"${GL:-$LD} -L _test\"\n").as_deref(),
            Some("GL=\"${GL:-$LD -d} -L _test\"\n")
        );
        for e in &EDITS {
            assert!(!e.file.starts_with(RUNTIME_DIR), "{}", e.file);
        }
    }

    #[test]
    fn a_source_that_is_not_a_clone_holding_the_pins_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let req = |src: &Path| BuildRequest {
            go_src: src.to_path_buf(),
            into: dir.path().join("into"),
            toml: dir.path().join("harness.toml"),
            jobs: 1,
        };
        let err = build(&req(&dir.path().join("nothing")))
            .unwrap_err()
            .to_string();
        assert!(err.ends_with("nothing: not a git repository"), "{err}");
        let clone = dir.path().join("clone");
        std::fs::create_dir(&clone).unwrap();
        duct::cmd!("git", "init", "-q").dir(&clone).run().unwrap();
        let err = build(&req(&clone)).unwrap_err().to_string();
        assert!(
            err.contains(
                "does not hold commit 59ce067da8d9e7d968e51f31fb532ed2369f205a (pre-1547)"
            ),
            "{err}"
        );
        assert!(!dir.path().join("harness.toml").exists());
    }
}
