//! A twin-only fuzz run: generated programs run on the twin of both
//! variants without a panic, a refusal or a runaway (what `harness fuzz
//! run` checks without --live).

use std::path::Path;

use harness::fixture::Fixture;
use harness::fuzz::generate;
use harness::twin::{run_on_twin, Tables, TwinError};
use rust_runtime::host::Host;
use rust_runtime::Variant;

#[test]
fn generated_programs_run_on_the_twin_within_its_invariants() {
    let tables = Tables::predicted();
    let mut ran = 0;
    for seed in 0..3000 {
        let p = generate(seed);
        let f = Fixture::from_source(Path::new(&format!("fuzz{seed}.go")), p.source.clone())
            .expect("a generated program is a fixture");
        for v in Variant::ALL {
            match run_on_twin(v, &f, &tables, Host::RECORDING) {
                Ok(_) => ran += 1,
                // Where the twin says it does not model the runtime: a
                // documented limit, not a broken invariant.
                Err(TwinError::Runtime { .. }) => {}
                Err(e) => panic!("seed {seed} on {v}: {e}\n{}", p.source),
            }
        }
    }
    assert!(ran > 5900, "only {ran} of 6000 runs ended in a shape");
}
