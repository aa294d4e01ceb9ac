//! Every fixture parses, except okrecv.go, which 6g rejects: the parser
//! must refuse it with 6g's own message (its recorded reference).

use std::path::Path;

use rust_runtime::gc::parse::{parse, ParseError};

fn fixtures() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../go-fixtures");
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "go"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_fixture_parses_and_okrecv_is_refused_as_6g_refuses_it() {
    let all = fixtures();
    assert!(all.len() >= 15);
    for path in all {
        let src = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        match (name.as_str(), parse(&src)) {
            ("okrecv.go", Err(e @ ParseError::Rejected { .. })) => {
                // The recorded reference's message, as 6g printed it.
                let snap = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../harness/snapshots/pre-1547/okrecv.snap");
                let reference = std::fs::read_to_string(snap).unwrap();
                let line = format!("\nokrecv.go:{e}\n");
                assert!(reference.contains(&line), "{line:?} not in the reference");
            }
            ("okrecv.go", other) => panic!("okrecv.go: {other:?}"),
            (_, Ok(file)) => assert_eq!(file.package, "main", "{name}"),
            (_, Err(e)) => panic!("{name}:{e}"),
        }
    }
}
