//! gc::layout against the real compiler: the argument and frame sizes the
//! twin computes from each fixture's source, compared with those measured
//! from the real binaries (harness/snapshots/frames) for every function of every
//! fixture the twin compiles, on both toolchains.

use std::path::Path;

use rust_runtime::gc::compile::compile;
use rust_runtime::gc::frames::Figures;
use rust_runtime::gc::parse::parse;

/// Frames the model does not get right yet, each with its cause (none
/// now; `6g -S -N FILE` shows 6g's own slots when one appears).
const KNOWN: &[&str] = &[];

#[test]
fn computed_sizes_equal_the_measured_ones() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut fixtures: Vec<_> = std::fs::read_dir(root.join("go-fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "go"))
        .collect();
    fixtures.sort();
    let index = std::fs::read_to_string(root.join("harness/snapshots/frames/sources.tsv")).unwrap();
    let measured: Vec<&str> = rust_runtime::tsv::rows(&index)
        .map(|(_, row)| row.split('\t').next().unwrap_or(""))
        .collect();
    let mut checked = 0;
    let mut frames_off = Vec::new();
    for path in fixtures {
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        let Ok(file) = parse(&std::fs::read_to_string(&path).unwrap()) else {
            continue;
        };
        let Ok(prog) = compile(&file) else { continue };
        // Only fixtures whose binaries were measured have figures to
        // compare with (harness/snapshots/frames/sources.tsv lists them).
        if !measured.iter().any(|n| *n == name) {
            continue;
        }
        for tc in ["pre-1547", "post-1547"] {
            let dir = root.join("harness/snapshots/frames").join(tc);
            let read =
                |ext: &str| std::fs::read_to_string(dir.join(format!("{name}{ext}"))).unwrap();
            let m = Figures::parse(&name, &read(".tsv"), &read(".calls.tsv")).unwrap();
            for code in &prog.funcs {
                let row = &m.frames[&code.name];
                let (args, frame) = code.computed;
                assert_eq!(args, row.args, "{name} {tc} {}: args", code.name);
                if frame != row.frame {
                    frames_off.push(format!(
                        "{name} {tc} {}: computed {frame}, measured {}",
                        code.name, row.frame
                    ));
                }
                checked += 1;
            }
        }
    }
    eprintln!("{checked} functions checked");
    for f in &frames_off {
        eprintln!("{f}");
    }
    assert!(checked > 100, "only {checked} functions compared");
    assert_eq!(
        frames_off, KNOWN,
        "frames that differ from the measured ones"
    );
}
