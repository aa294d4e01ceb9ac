//! Recorded references: one insta snapshot per fixture and toolchain, under
//! `snapshots/<toolchain>/<fixture>.snap`, whose `info` says where it came
//! from. Beside each, `<fixture>.raw` keeps the unreduced output of the same
//! run (GOROOT and the build dir written as `$GOROOT` and `$WORK`), for the
//! twin's finer comparisons.
//!
//! Only `harness record` writes these, and only from a real toolchain run;
//! [`check_provenance`] refuses a reference whose metadata does not say so
//! or no longer fits the pins and the fixture.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use rust_runtime::host::Host;
use rust_runtime::Variant;
use sha2::{Digest, Sha256};

use crate::fixture::Fixture;
use crate::toolchain::{hex, pin};

/// What `recorded_by` must say.
pub const RECORDER: &str = "harness record";

/// What a twin's prediction's `recorded_by` says: never a reference.
pub const PREDICTOR: &str = "harness diff, the twin's prediction";

/// Where the twin's accepted predictions live, for fixtures that have no
/// reference yet: `snapshots/twin/<toolchain>/<fixture>.snap`. The twin
/// writes nowhere else; `harness record` removes a fixture's prediction
/// when it writes its first real reference.
pub const TWIN_DIR: &str = "twin";

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}: {message}", path.display())]
    Malformed {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}: not a recorded reference: {problem}", path.display())]
    Provenance { path: PathBuf, problem: String },
}

/// Where a reference came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    pub recorded_by: String,
    pub fixture: String,
    pub fixture_sha256: String,
    pub toolchain: String,
    pub commit: String,
    pub runtime_sha256: String,
    pub ended: String,
    /// How many runs gave this same shape.
    pub runs: u32,
    pub harness_version: String,
    /// The recording machine as `--host` names it (its XSAVE size, with
    /// `-amx` where AMX is enabled; rust_runtime::host). Absent in
    /// references recorded before hosts were stamped: those come from
    /// [`Host::RECORDING`].
    pub host_xsave_size: Option<Host>,
}

impl Provenance {
    /// The host the reference was recorded on.
    pub fn host(&self) -> Host {
        self.host_xsave_size.unwrap_or(Host::RECORDING)
    }

    /// The provenance of a fresh recording of `fixture` on `variant`.
    pub fn recorded(fixture: &Fixture, variant: Variant, ended: String, runs: u32) -> Provenance {
        Provenance {
            recorded_by: RECORDER.to_string(),
            fixture: fixture.file_name(),
            fixture_sha256: sha256(fixture.source.as_bytes()),
            toolchain: variant.name().to_string(),
            commit: pin(variant).commit.clone(),
            runtime_sha256: pin(variant).runtime_sha256(),
            ended,
            runs,
            harness_version: env!("CARGO_PKG_VERSION").to_string(),
            host_xsave_size: crate::host::this(),
        }
    }

    /// The provenance of the twin's prediction for `fixture` on `variant`,
    /// modelling `host`.
    pub fn predicted(fixture: &Fixture, variant: Variant, ended: String, host: Host) -> Provenance {
        Provenance {
            recorded_by: PREDICTOR.to_string(),
            runs: 1,
            host_xsave_size: Some(host),
            ..Provenance::recorded(fixture, variant, ended, 1)
        }
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        let mut fields = vec![
            ("recorded_by", self.recorded_by.clone()),
            ("fixture", self.fixture.clone()),
            ("fixture_sha256", self.fixture_sha256.clone()),
            ("toolchain", self.toolchain.clone()),
            ("commit", self.commit.clone()),
            ("runtime_sha256", self.runtime_sha256.clone()),
            ("ended", self.ended.clone()),
            ("runs", self.runs.to_string()),
            ("harness_version", self.harness_version.clone()),
        ];
        if let Some(h) = self.host_xsave_size {
            fields.push(("host_xsave_size", h.to_string()));
        }
        fields
    }
}

/// A reference as read back.
#[derive(Debug, Clone)]
pub struct Reference {
    pub path: PathBuf,
    pub provenance: Provenance,
    pub shape: String,
}

pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// `snapshots/<toolchain>/<fixture>.snap`.
pub fn snap_path(dir: &Path, variant: Variant, fixture: &str) -> PathBuf {
    dir.join(variant.name()).join(format!("{fixture}.snap"))
}

/// Where the references of other hosts live: `snapshots/hosts/xsave-<H>/`
/// (H the host's name, `2696`, `2816-amx`),
/// laid out as `snapshots/` is (`<toolchain>/<fixture>.snap` and `.raw`).
/// A host whose signal frame writes other bytes past the signal stack
/// than the primary references' host's ([`Host::spill`]) may end a run
/// otherwise; its reference is kept there, beside the primary one, only
/// where its run differs.
pub const HOSTS_DIR: &str = "hosts";

/// The directory of a host's own references.
pub fn host_dir(dir: &Path, host: Host) -> PathBuf {
    dir.join(HOSTS_DIR).join(format!("xsave-{host}"))
}

/// The host whose directory a reference lies in (`.../hosts/xsave-S/...`);
/// `None` for a primary reference.
pub fn host_of(path: &Path) -> Option<Host> {
    let parts: Vec<_> = path.components().map(|c| c.as_os_str()).collect();
    parts.windows(2).find_map(|w| {
        let name = (w[0] == HOSTS_DIR).then(|| w[1].to_str()?.strip_prefix("xsave-"))??;
        name.parse().ok()
    })
}

/// Every host directory there is, with its host, by size.
pub fn host_dirs(dir: &Path) -> Vec<(Host, PathBuf)> {
    let mut found: Vec<(Host, PathBuf)> = std::fs::read_dir(dir.join(HOSTS_DIR))
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let path = e.ok()?.path();
            let name = path.file_name()?.to_str()?.strip_prefix("xsave-")?;
            Some((name.parse().ok()?, path))
        })
        .collect();
    found.sort();
    found
}

/// The directory whose references a run on `host` is held to, besides the
/// primary ones: an existing host directory of a host whose frame writes
/// what this one's does, else this host's own (which may not exist yet).
pub fn dir_for_host(dir: &Path, host: Host) -> PathBuf {
    host_dirs(dir)
        .into_iter()
        .find(|(h, _)| h.spill() == host.spill())
        .map_or_else(|| host_dir(dir, host), |(_, d)| d)
}

/// Every reference of a fixture on a variant: the primary one (whether or
/// not it exists), then each host directory's that exists.
pub fn references(dir: &Path, variant: Variant, fixture: &str) -> Vec<PathBuf> {
    let mut all = vec![snap_path(dir, variant, fixture)];
    all.extend(
        host_dirs(dir)
            .into_iter()
            .map(|(_, d)| snap_path(&d, variant, fixture))
            .filter(|p| p.is_file()),
    );
    all
}

/// The reference a run on `host` is held to: its host directory's if it has
/// one, else the primary one.
pub fn reference_for(dir: &Path, variant: Variant, fixture: &str, host: Host) -> PathBuf {
    let own = snap_path(&dir_for_host(dir, host), variant, fixture);
    if own.is_file() {
        own
    } else {
        snap_path(dir, variant, fixture)
    }
}

/// `snapshots/twin/<toolchain>/<fixture>.snap`: the twin's prediction.
pub fn twin_path(dir: &Path, variant: Variant, fixture: &str) -> PathBuf {
    snap_path(&dir.join(TWIN_DIR), variant, fixture)
}

/// The raw-output file beside a snapshot.
pub fn raw_path(dir: &Path, variant: Variant, fixture: &str) -> PathBuf {
    dir.join(variant.name()).join(format!("{fixture}.raw"))
}

/// Write a reference in insta's `.snap` format, and its raw sidecar.
pub fn write(
    dir: &Path,
    prov: &Provenance,
    shape: &str,
    raw: &str,
) -> Result<PathBuf, SnapshotError> {
    write_as(dir, prov, shape, raw, "")
}

/// Write a drifted reference for review as insta's pending snapshot,
/// `<fixture>.snap.new`, with `<fixture>.raw.new` beside it: `cargo insta
/// review` or `harness review` accepts or rejects it.
pub fn write_pending(
    dir: &Path,
    prov: &Provenance,
    shape: &str,
    raw: &str,
) -> Result<PathBuf, SnapshotError> {
    write_as(dir, prov, shape, raw, PENDING)
}

/// Whether `cargo insta review` keeps a shape as it is when it accepts it:
/// insta trims whitespace off the end of a snapshot (a last line's
/// trailing blanks, blank lines at the end), nothing else.
pub fn insta_keeps(shape: &str) -> bool {
    format!("{}\n", shape.trim_end()) == shape
}

/// What a pending snapshot's and raw file's names end with.
pub const PENDING: &str = ".new";

fn write_as(
    dir: &Path,
    prov: &Provenance,
    shape: &str,
    raw: &str,
    suffix: &str,
) -> Result<PathBuf, SnapshotError> {
    let variant: Variant = prov
        .toolchain
        .parse()
        .expect("provenance names a known toolchain");
    let name = prov.fixture.trim_end_matches(".go");
    let with = |p: PathBuf| {
        let mut s = p.into_os_string();
        s.push(suffix);
        PathBuf::from(s)
    };
    let path = with(snap_path(dir, variant, name));
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SnapshotError::Io { path, source }
    };
    std::fs::create_dir_all(path.parent().expect("has a parent")).map_err(io(&path))?;
    std::fs::write(&path, render(prov, shape)).map_err(io(&path))?;
    let raw_file = with(raw_path(dir, variant, name));
    std::fs::write(&raw_file, raw).map_err(io(&raw_file))?;
    Ok(path)
}

/// The `.snap` text: insta's YAML header, then the shape.
fn render(prov: &Provenance, shape: &str) -> String {
    let mut s = String::from("---\n");
    let _ = writeln!(s, "source: go-fixtures/{}", prov.fixture);
    let what = if prov.recorded_by == PREDICTOR {
        "the twin's prediction, not a real run"
    } else {
        "recorded from a real toolchain run"
    };
    let _ = writeln!(
        s,
        "description: {}",
        quote(&format!("{} on {}, {what}", prov.fixture, prov.toolchain))
    );
    let _ = writeln!(s, "expression: {}", quote(&prov.recorded_by));
    s.push_str("info:\n");
    for (k, v) in prov.fields() {
        let _ = writeln!(s, "  {k}: {}", quote(&v));
    }
    s.push_str("---\n");
    s.push_str(shape);
    if !shape.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// A YAML double-quoted scalar.
fn quote(s: &str) -> String {
    let mut q = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\t' => q.push_str("\\t"),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

fn unquote(s: &str) -> Option<String> {
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            c @ ('"' | '\\') => out.push(c),
            _ => return None,
        }
    }
    Some(out)
}

/// Read a reference written by [`write()`]. The header is ours, so it is read
/// strictly: anything unexpected is reported with its line.
pub fn read(path: &Path) -> Result<Reference, SnapshotError> {
    let text = std::fs::read_to_string(path).map_err(|source| SnapshotError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let bad = |line: usize, message: &str| SnapshotError::Malformed {
        path: path.to_path_buf(),
        line,
        message: message.to_string(),
    };
    let mut lines = text.split_inclusive('\n').enumerate();
    if lines.next().map(|(_, l)| l) != Some("---\n") {
        return Err(bad(1, "does not start with '---'"));
    }
    let mut info = std::collections::BTreeMap::new();
    let mut body_at = None;
    let mut consumed = 4;
    for (i, line) in lines {
        let n = i + 1;
        if line == "---\n" {
            body_at = Some(consumed + line.len());
            break;
        }
        consumed += line.len();
        let line = line.trim_end_matches('\n');
        if let Some(field) = line.strip_prefix("  ") {
            let (k, v) = field
                .split_once(": ")
                .ok_or_else(|| bad(n, "expected '  key: \"value\"'"))?;
            // Ours are double-quoted; `cargo insta review` writes back the
            // plain ones YAML allows where quotes are not needed.
            let v = if v.starts_with(['"', '\'']) {
                unquote(v).ok_or_else(|| bad(n, "expected a double-quoted value"))?
            } else {
                v.to_string()
            };
            info.insert(k.to_string(), v);
        } else if !(line.starts_with("source: ")
            || line.starts_with("description: ")
            || line.starts_with("expression: ")
            || line == "info:")
        {
            return Err(bad(n, "unexpected header line"));
        }
    }
    let body_at = body_at.ok_or_else(|| bad(1, "header has no closing '---'"))?;
    let mut take = |k: &str| {
        info.remove(k).ok_or_else(|| SnapshotError::Provenance {
            path: path.to_path_buf(),
            problem: format!("info has no '{k}'"),
        })
    };
    let provenance = Provenance {
        recorded_by: take("recorded_by")?,
        fixture: take("fixture")?,
        fixture_sha256: take("fixture_sha256")?,
        toolchain: take("toolchain")?,
        commit: take("commit")?,
        runtime_sha256: take("runtime_sha256")?,
        ended: take("ended")?,
        runs: take("runs")?
            .parse()
            .map_err(|_| SnapshotError::Provenance {
                path: path.to_path_buf(),
                problem: "runs is not a number".to_string(),
            })?,
        harness_version: take("harness_version")?,
        host_xsave_size: info
            .remove("host_xsave_size")
            .map(|n| {
                n.parse().map_err(|e| SnapshotError::Provenance {
                    path: path.to_path_buf(),
                    problem: format!("host_xsave_size: {e}"),
                })
            })
            .transpose()?,
    };
    Ok(Reference {
        path: path.to_path_buf(),
        provenance,
        shape: text[body_at..].to_string(),
    })
}

/// Whether a reference would hold but that its fixture's source changed
/// since it was recorded (so a fresh recording is its successor).
pub fn only_its_fixture_changed(r: &Reference, fixture: &Fixture, variant: Variant) -> bool {
    let mut now = r.clone();
    now.provenance.fixture_sha256 = sha256(fixture.source.as_bytes());
    now.provenance.fixture_sha256 != r.provenance.fixture_sha256
        && check_provenance(&now, fixture, variant).is_ok()
}

/// A prediction of the twin holds for a fixture while it was made from this
/// very source, on the twin of this variant.
pub fn check_prediction(
    r: &Reference,
    fixture: &Fixture,
    variant: Variant,
) -> Result<(), SnapshotError> {
    let p = &r.provenance;
    let problem = if p.recorded_by != PREDICTOR {
        Some(format!(
            "recorded_by is '{}', not '{PREDICTOR}'",
            p.recorded_by
        ))
    } else if p.toolchain != variant.name() || p.fixture != fixture.file_name() {
        Some(format!("it is of {} on {}", p.fixture, p.toolchain))
    } else if p.fixture_sha256 != sha256(fixture.source.as_bytes()) {
        Some(format!(
            "{} changed since it was predicted",
            fixture.file_name()
        ))
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(SnapshotError::Provenance {
            path: r.path.clone(),
            problem,
        }),
    }
}

/// A reference counts only if `harness record` wrote it from a real run of
/// this very fixture on the pinned toolchain it names, agreeing over at
/// least one run, and its shape's `ended:` line agrees with its metadata.
pub fn check_provenance(
    r: &Reference,
    fixture: &Fixture,
    variant: Variant,
) -> Result<(), SnapshotError> {
    let p = &r.provenance;
    let pin = pin(variant);
    let problem = if p.recorded_by != RECORDER {
        Some(format!(
            "recorded_by is '{}', not '{RECORDER}'",
            p.recorded_by
        ))
    } else if p.toolchain != variant.name() {
        Some(format!(
            "it names toolchain '{}' but lies under {variant}",
            p.toolchain
        ))
    } else if p.fixture != fixture.file_name() {
        Some(format!(
            "it is of fixture '{}', not {}",
            p.fixture,
            fixture.file_name()
        ))
    } else if p.commit != pin.commit {
        Some(format!(
            "commit {} is not the pinned {}",
            p.commit, pin.commit
        ))
    } else if p.runtime_sha256 != pin.runtime_sha256() {
        Some("runtime_sha256 does not match pins.toml".to_string())
    } else if p.fixture_sha256 != sha256(fixture.source.as_bytes()) {
        Some(format!(
            "{} changed since it was recorded: run 'harness record {}'",
            fixture.file_name(),
            fixture.name
        ))
    } else if p.runs == 0 {
        Some("runs is 0".to_string())
    } else if r.shape.lines().next() != Some(&format!("ended: {}", p.ended)) {
        Some("its shape's 'ended:' line disagrees with info.ended".to_string())
    } else {
        host_of(&r.path)
            .filter(|h| p.host_xsave_size != Some(*h))
            .map(|dir_host| {
                format!(
                    "it lies under the references of host {dir_host} but was recorded on {}",
                    p.host()
                )
            })
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(SnapshotError::Provenance {
            path: r.path.clone(),
            problem,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(dir: &Path) -> Fixture {
        let path = dir.join("demo.go");
        std::fs::write(&path, "package main\nfunc main() { println(\"hi\") }\n").unwrap();
        Fixture::load(&path).unwrap()
    }

    #[test]
    fn written_references_read_back_and_insta_reads_them_too() {
        let dir = tempfile::tempdir().unwrap();
        let f = fixture(dir.path());
        let shape = "ended: exit 0\n--- stdout\n--- stderr\nhi \"quoted\" \\ tab\t\n";
        let prov = Provenance::recorded(&f, Variant::Pre1547, "exit 0".into(), 3);
        let path = write(dir.path(), &prov, shape, "raw").unwrap();
        assert_eq!(path, dir.path().join("pre-1547/demo.snap"));

        let r = read(&path).unwrap();
        assert_eq!(r.provenance, prov);
        assert_eq!(r.shape, shape);
        check_provenance(&r, &f, Variant::Pre1547).unwrap();

        let snap = insta::Snapshot::from_file(&path).unwrap();
        assert_eq!(snap.metadata().expression(), Some(RECORDER));
        let contents = snap.contents().as_text().unwrap();
        let expected = insta::internals::TextSnapshotContents::new(
            shape.to_string(),
            insta::TextSnapshotKind::File,
        );
        assert!(
            contents.matches_latest(&expected),
            "insta read {contents:?}"
        );

        // Accepted by `cargo insta review`, the file is insta's own writing
        // (plain scalars where YAML allows them): it reads back the same,
        // but for the whitespace insta trims off the end of a snapshot.
        let accepted = dir.path().join("accepted.snap");
        snap.save(&accepted).unwrap();
        let text = std::fs::read_to_string(&accepted).unwrap();
        assert!(text.contains("\n  toolchain: pre-1547\n"), "{text}");
        let again = read(&accepted).unwrap();
        assert_eq!(again.provenance, prov);
        assert_eq!(again.shape, shape.replace("tab\t\n", "tab\n"));
        assert!(!insta_keeps(shape) && insta_keeps(&again.shape));
    }

    #[test]
    fn references_without_true_provenance_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let f = fixture(dir.path());
        let shape = "ended: exit 0\n--- stdout\n--- stderr\nhi\n";
        let good = Provenance::recorded(&f, Variant::Post1547, "exit 0".into(), 3);
        type Spoil = Box<dyn Fn(&mut Provenance)>;
        let cases: [(&str, Spoil, &str); 5] = [
            (
                "hand",
                Box::new(|p| p.recorded_by = "twin".into()),
                "recorded_by is 'twin'",
            ),
            (
                "commit",
                Box::new(|p| p.commit = "59ce067da8d9e7d968e51f31fb532ed2369f205a".into()),
                "is not the pinned",
            ),
            (
                "fixture",
                Box::new(|p| p.fixture_sha256 = sha256(b"old")),
                "changed since it was recorded",
            ),
            (
                "ended",
                Box::new(|p| p.ended = "exit 2".into()),
                "disagrees with info.ended",
            ),
            (
                "runtime",
                Box::new(|p| p.runtime_sha256 = pin(Variant::Pre1547).runtime_sha256()),
                "runtime_sha256",
            ),
        ];
        for (what, spoil, expect) in cases {
            let mut p = good.clone();
            spoil(&mut p);
            let path = write(dir.path(), &p, shape, "").unwrap();
            let err = check_provenance(&read(&path).unwrap(), &f, Variant::Post1547).unwrap_err();
            assert!(err.to_string().contains(expect), "{what}: {err}");
        }
        let path = write(dir.path(), &good, shape, "").unwrap();
        let err = check_provenance(&read(&path).unwrap(), &f, Variant::Pre1547).unwrap_err();
        assert!(err.to_string().contains("lies under pre-1547"), "{err}");
    }

    #[test]
    fn a_header_we_did_not_write_is_malformed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.snap");
        std::fs::write(&path, "---\nsource: x\nsnapshot_kind: text\n---\nbody\n").unwrap();
        let err = read(&path).unwrap_err().to_string();
        assert!(err.ends_with("x.snap:3: unexpected header line"), "{err}");
    }
}
