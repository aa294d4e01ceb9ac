//! The twin's runtime calls against the real ones (no toolchain needed):
//! for each fixture with a recorded call table (snapshots/calls, read by
//! gdb through `scripts/compare-calls --record`), every call the twin
//! models, as (callee, return address, SP on a goroutine's stack), must be
//! among the real calls, in the same order. The real binary makes more
//! (what the twin does not model: the collector's insides, the symbol
//! table a dying runtime builds), but each call the twin makes is one the
//! real binary makes, from the same call site, at the same depth in a
//! segment that lies where the real one lies: which is what decides where
//! a stack splits and what a traceback prints.
//!
//! A table lists only the functions the twin called when it was recorded:
//! after the twin models a new callee, re-record it.

use std::path::Path;

use harness::commands::Paths;
use harness::fixture::Fixture;
use harness::twin::call_trace;
use rust_runtime::tsv::{columns, rows};
use rust_runtime::Variant;

/// A call as both sides can name it: callee, return address, and SP (None
/// on g0, whose stack is the OS thread's on the real side).
type Key = (String, u64, Option<u64>);

fn hex(s: &str) -> Option<u64> {
    u64::from_str_radix(s.strip_prefix("0x")?, 16).ok()
}

/// A recorded table's calls, each with its line in the file.
fn read_table(path: &Path) -> Vec<(usize, Key)> {
    let text = std::fs::read_to_string(path).unwrap();
    rows(&text)
        .map(|(line, row)| {
            let bad = |what: String| -> ! { panic!("{}:{line}: {what}", path.display()) };
            let [callee, ret, _site, sp] =
                columns(row).unwrap_or_else(|n| bad(format!("{n} columns")));
            let ret = hex(ret).unwrap_or_else(|| bad(format!("{ret} is not an address")));
            let sp = match sp {
                "-" => None,
                s => Some(hex(s).unwrap_or_else(|| bad(format!("{s} is not an address")))),
            };
            (line, (callee.to_string(), ret, sp))
        })
        .collect()
}

#[test]
fn every_twin_call_is_a_real_call_from_the_same_site_in_order() {
    let paths = Paths::default();
    let frames = paths.tables();
    let mut compared = 0;
    for v in Variant::ALL {
        let dir = paths.snapshots.join("calls").join(v.name());
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut tables: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        tables.sort();
        for table in tables {
            let name = table.file_stem().unwrap().to_str().unwrap().to_string();
            let real = read_table(&table);
            let fixture = Fixture::load(&paths.fixtures.join(format!("{name}.go"))).unwrap();
            let (_, twin) = call_trace(v, &fixture, &frames).unwrap();
            assert!(!twin.is_empty(), "{name} on {v}: the twin made no call");
            // Greedy matching decides whether one sequence is a
            // subsequence of another.
            let mut at = 0;
            for (i, t) in twin.iter().enumerate() {
                let key: Key = (t.callee.clone(), t.ret, (!t.on_g0).then_some(t.sp));
                match real[at..].iter().position(|(_, k)| *k == key) {
                    Some(k) => at += k + 1,
                    None => panic!(
                        "{name} on {v}: the twin's call #{} ({} returning to {:#x}, sp {:#x}{}) \
                         is not among the real calls after {}:{}",
                        i + 1,
                        t.callee,
                        t.ret,
                        t.sp,
                        if t.on_g0 { " on g0" } else { "" },
                        table.display(),
                        at.checked_sub(1).map_or(0, |a| real[a].0)
                    ),
                }
            }
            compared += 1;
        }
    }
    assert!(compared >= 5, "only {compared} call tables compared");
}
