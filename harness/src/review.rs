//! Pending references: what `harness record --check` wrote for review, as
//! insta's pending snapshots (`<fixture>.snap.new`, with `<fixture>.raw.new`
//! beside it), and their acceptance or rejection.
//!
//! `cargo insta review` decides on the `.snap.new` files alone: it renames
//! an accepted one to `.snap` and deletes a rejected one, and knows nothing
//! of the raw sidecar. So a `.raw.new` left without its `.snap.new` is
//! settled by what insta did: it replaces the `.raw` when it reduces to the
//! shape now in the `.snap` (accepted), and goes otherwise (rejected).

use std::path::{Path, PathBuf};

use crate::snapshot::{self, Reference, SnapshotError, PENDING};

/// One pending reference.
#[derive(Debug)]
pub struct Pending {
    /// `<fixture>.snap.new`.
    pub path: PathBuf,
    /// It as read: provenance and shape.
    pub reference: Reference,
    /// The reference it would replace, if there is one; for a new
    /// reference of another host, the primary one it would stand beside.
    pub current: Option<Reference>,
}

impl Pending {
    /// The `.snap` it becomes.
    pub fn target(&self) -> PathBuf {
        without_pending(&self.path)
    }
}

/// A path with its pending suffix taken off.
fn without_pending(path: &Path) -> PathBuf {
    let s = path.to_string_lossy();
    PathBuf::from(s.strip_suffix(PENDING).unwrap_or(&s).to_string())
}

/// The `.raw` (or `.raw.new`) beside a `.snap` (or `.snap.new`).
fn raw_beside(snap: &Path) -> PathBuf {
    swap_kind(snap, "snap", "raw")
}

/// `demo.snap.new` -> `demo.raw.new` (a fixture's name has no dot).
fn swap_kind(path: &Path, from: &str, to: &str) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    match name.split_once('.') {
        Some((stem, kind)) => path.with_file_name(format!("{stem}.{}", kind.replacen(from, to, 1))),
        None => path.to_path_buf(),
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SnapshotError + '_ {
    move |source| SnapshotError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Every file under `dir` whose name ends with `suffix`, in path order.
fn files_ending(dir: &Path, suffix: &str) -> Result<Vec<PathBuf>, SnapshotError> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).map_err(io(&d))? {
            let path = entry.map_err(io(&d))?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.to_string_lossy().ends_with(suffix) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The pending references under the snapshots directory, of the named
/// fixtures only when names are given.
pub fn pending(dir: &Path, names: &[String]) -> Result<Vec<Pending>, SnapshotError> {
    let mut out = Vec::new();
    for path in files_ending(dir, &format!(".snap{PENDING}"))? {
        let reference = snapshot::read(&path)?;
        let name = reference.provenance.fixture.trim_end_matches(".go");
        if !names.is_empty() && !names.iter().any(|n| n == name) {
            continue;
        }
        let target = without_pending(&path);
        let primary = reference
            .provenance
            .toolchain
            .parse()
            .ok()
            .map(|v| snapshot::snap_path(dir, v, name));
        let current = std::iter::once(target)
            .chain(primary)
            .find(|p| p.is_file())
            .map(|p| snapshot::read(&p))
            .transpose()?;
        out.push(Pending {
            path,
            reference,
            current,
        });
    }
    Ok(out)
}

/// Accept: the pending snapshot and its raw output replace the reference.
pub fn accept(p: &Pending) -> Result<(), SnapshotError> {
    let (raw_new, target) = (raw_beside(&p.path), p.target());
    std::fs::rename(&p.path, &target).map_err(io(&p.path))?;
    if raw_new.is_file() {
        std::fs::rename(&raw_new, raw_beside(&target)).map_err(io(&raw_new))?;
    }
    Ok(())
}

/// Reject: the pending snapshot and its raw output go.
pub fn reject(p: &Pending) -> Result<(), SnapshotError> {
    let raw_new = raw_beside(&p.path);
    std::fs::remove_file(&p.path).map_err(io(&p.path))?;
    if raw_new.is_file() {
        std::fs::remove_file(&raw_new).map_err(io(&raw_new))?;
    }
    Ok(())
}

/// What became of a raw output left behind by `cargo insta review`.
#[derive(Debug, PartialEq, Eq)]
pub enum Settled {
    /// Its snapshot was accepted: it is the reference's raw output now.
    Accepted(PathBuf),
    /// Its snapshot was rejected: it is gone.
    Rejected(PathBuf),
}

/// Settle every `.raw.new` whose `.snap.new` is gone (see the module doc).
pub fn settle_raws(dir: &Path) -> Result<Vec<Settled>, SnapshotError> {
    let mut out = Vec::new();
    for raw_new in files_ending(dir, &format!(".raw{PENDING}"))? {
        let snap_new = swap_kind(&raw_new, "raw", "snap");
        if snap_new.is_file() {
            continue;
        }
        let (snap, raw) = (without_pending(&snap_new), without_pending(&raw_new));
        let text = std::fs::read_to_string(&raw_new).map_err(io(&raw_new))?;
        let accepted = snap.is_file() && {
            let r = snapshot::read(&snap)?;
            crate::shape::of_raw(&text, &r.provenance.fixture).as_deref() == Some(&r.shape)
        };
        if accepted {
            std::fs::rename(&raw_new, &raw).map_err(io(&raw_new))?;
            out.push(Settled::Accepted(raw));
        } else {
            std::fs::remove_file(&raw_new).map_err(io(&raw_new))?;
            out.push(Settled::Rejected(raw_new));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;
    use crate::snapshot::Provenance;
    use rust_runtime::Variant;

    fn setup(dir: &Path) -> (Fixture, Provenance) {
        let path = dir.join("demo.go");
        std::fs::write(&path, "package main\nfunc main() { println(\"hi\") }\n").unwrap();
        let f = Fixture::load(&path).unwrap();
        let prov = Provenance::recorded(&f, Variant::Pre1547, "exit 0".into(), 3);
        (f, prov)
    }

    const OLD: &str = "ended: exit 0\n--- stdout\n--- stderr\nhi\n";
    const NEW: &str = "ended: exit 0\n--- stdout\n--- stderr\nho\n";

    fn raw(shape: &str) -> String {
        shape.to_string()
    }

    #[test]
    fn accepting_replaces_snapshot_and_raw_and_rejecting_removes_both() {
        let dir = tempfile::tempdir().unwrap();
        let snaps = dir.path().join("snapshots");
        let (_, prov) = setup(dir.path());
        snapshot::write(&snaps, &prov, OLD, &raw(OLD)).unwrap();
        snapshot::write_pending(&snaps, &prov, NEW, &raw(NEW)).unwrap();
        let all = pending(&snaps, &[]).unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].current.as_ref().unwrap().shape, OLD);
        assert_eq!(all[0].reference.shape, NEW);
        assert!(pending(&snaps, &["other".into()]).unwrap().is_empty());
        accept(&all[0]).unwrap();
        let snap = snapshot::snap_path(&snaps, Variant::Pre1547, "demo");
        assert_eq!(snapshot::read(&snap).unwrap().shape, NEW);
        assert_eq!(
            std::fs::read_to_string(snapshot::raw_path(&snaps, Variant::Pre1547, "demo")).unwrap(),
            NEW
        );
        assert!(pending(&snaps, &[]).unwrap().is_empty());

        snapshot::write_pending(&snaps, &prov, OLD, &raw(OLD)).unwrap();
        reject(&pending(&snaps, &[]).unwrap()[0]).unwrap();
        assert_eq!(snapshot::read(&snap).unwrap().shape, NEW);
        assert!(files_ending(&snaps, PENDING).unwrap().is_empty());
    }

    #[test]
    fn a_raw_left_by_insta_follows_what_insta_did_with_its_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let snaps = dir.path().join("snapshots");
        let (_, prov) = setup(dir.path());
        snapshot::write(&snaps, &prov, OLD, &raw(OLD)).unwrap();
        let snap = snapshot::snap_path(&snaps, Variant::Pre1547, "demo");
        let raw_file = snapshot::raw_path(&snaps, Variant::Pre1547, "demo");
        // Accepted: insta renamed the .snap.new over the .snap.
        let new = snapshot::write_pending(&snaps, &prov, NEW, &raw(NEW)).unwrap();
        std::fs::rename(&new, &snap).unwrap();
        assert_eq!(
            settle_raws(&snaps).unwrap(),
            vec![Settled::Accepted(raw_file.clone())]
        );
        assert_eq!(std::fs::read_to_string(&raw_file).unwrap(), NEW);
        // Rejected: insta deleted the .snap.new.
        let new = snapshot::write_pending(&snaps, &prov, OLD, &raw(OLD)).unwrap();
        std::fs::remove_file(&new).unwrap();
        let left = settle_raws(&snaps).unwrap();
        assert!(matches!(&left[..], [Settled::Rejected(_)]), "{left:?}");
        assert_eq!(std::fs::read_to_string(&raw_file).unwrap(), NEW);
        assert!(files_ending(&snaps, PENDING).unwrap().is_empty());
    }
}
