//! The twin's heap against the real one (no toolchain needed): for each
//! fixture, the allocations its real binary made (snapshots/heap, read by
//! gdb through scripts/measure-heap) and the twin's, in order, size and
//! caller, must be the same. This is what gives the twin's channels,
//! Selects, closures and panics the addresses the real tracebacks print.
//!
//! A real trace ends where the program exits, where it starts dying
//! (runtime·startpanic; the runtime's allocations while printing, its symbol
//! table among them, are not modelled, and the twin's run allocates nothing
//! after that point either), or at the first memory-profile sample that
//! records a stack (MProf_Malloc, not modelled: the twin's allocations are
//! compared up to there).

use std::path::Path;

use harness::commands::Paths;
use harness::fixture;
use harness::twin::heap_trace;
use rust_runtime::tsv::{columns, rows};
use rust_runtime::Variant;

/// Fixtures with no heap table, and why.
const NO_TABLE: &[(&str, Variant, &str)] = &[
    ("okrecv", Variant::Pre1547, "6g rejects it"),
    ("okrecv", Variant::Post1547, "6g rejects it"),
    ("hang1547", Variant::Pre1547, "it hangs"),
    ("hang1547c", Variant::Pre1547, "it hangs"),
    ("hang1547g", Variant::Pre1547, "it hangs"),
    ("segspawn", Variant::Pre1547, "it hangs"),
];

/// A recorded trace: the allocations and how it ended.
fn read_table(path: &Path) -> (Vec<(u32, String)>, String) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut allocs = Vec::new();
    let mut end = None;
    for (line, row) in rows(&text) {
        let [size, caller, _at] =
            columns(row).unwrap_or_else(|n| panic!("{}:{line}: {n} columns", path.display()));
        assert!(
            end.is_none(),
            "{}:{line}: a row after the end",
            path.display()
        );
        match size {
            "end" => end = Some(caller.to_string()),
            _ => allocs.push((size.parse().unwrap(), caller.to_string())),
        }
    }
    (
        allocs,
        end.unwrap_or_else(|| panic!("{}: no end row", path.display())),
    )
}

#[test]
fn the_twin_allocates_what_the_real_binary_allocates_in_the_same_order() {
    let paths = Paths::default();
    let frames = paths.tables();
    let mut compared = 0;
    for f in fixture::load_all(&paths.fixtures).unwrap() {
        for v in Variant::ALL {
            let table = paths
                .snapshots
                .join("heap")
                .join(v.name())
                .join(format!("{}.tsv", f.name));
            let listed = NO_TABLE.iter().any(|&(n, nv, _)| n == f.name && nv == v);
            assert_eq!(
                table.exists(),
                !listed,
                "{} on {v}: a heap table {} (scripts/measure-heap)",
                f.name,
                if listed {
                    "is listed as missing"
                } else {
                    "is missing"
                }
            );
            if listed {
                continue;
            }
            let (real, end) = read_table(&table);
            let (_, twin) = heap_trace(v, &f, &frames).unwrap();
            let twin = match end.as_str() {
                "exit" | "startpanic" => &twin[..],
                "mprof" => {
                    assert!(
                        twin.len() >= real.len(),
                        "{} on {v}: the twin made {} allocations, fewer than the {} before the first memory-profile sample",
                        f.name,
                        twin.len(),
                        real.len()
                    );
                    &twin[..real.len()]
                }
                other => panic!("{}: unknown end '{other}'", table.display()),
            };
            if let Some(i) = (0..real.len().max(twin.len())).find(|&i| real.get(i) != twin.get(i)) {
                panic!(
                    "{} on {v}: allocation {} differs: real {:?}, twin {:?} (real {} allocations, twin {})",
                    f.name,
                    i + 1,
                    real.get(i),
                    twin.get(i),
                    real.len(),
                    twin.len()
                );
            }
            compared += 1;
        }
    }
    assert!(compared >= 40, "only {compared} traces compared");
}
