//! The twin's speed and memory on chain100k.go's daisy chain of 100,000
//! goroutines: runtime operations a second (spawns, sends, receives and
//! goroutine switches, counted as the twin performs them) and the twin's
//! heap bytes per parked goroutine beyond its live stack words.
//!
//! `cargo bench -p rust-runtime --bench chain`. It runs the chain five
//! times and reports the median time. Memory comes from a sixth run with a
//! counting allocator: the most heap in use at any step boundary (reached
//! when all goroutines are parked), less what the script program holds
//! (its own count) and the stack words the twin stores (the goroutines'
//! live frames), per goroutine.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use rust_runtime::script::daisy_chain;
use rust_runtime::{Ending, Runtime, Variant};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
/// The most heap in use seen at a step boundary.
static AT_STEP: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size(), Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static A: Counting = Counting;

const N: usize = 100_000;

fn record_step(_: &Runtime) -> Result<(), String> {
    AT_STEP.fetch_max(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
    Ok(())
}

fn main() {
    for variant in Variant::ALL {
        let mut times = Vec::new();
        let mut ops = 0;
        for _ in 0..5 {
            let mut rt = Runtime::new(variant).unwrap();
            let (mut script, main) = daisy_chain(&mut rt, N).unwrap();
            let start = Instant::now();
            let ending = rt.run(&mut script, None, main);
            times.push(start.elapsed().as_secs_f64());
            assert_eq!(ending, Ending::Exit(0));
            assert_eq!(rt.stderr, format!("{}\n", N + 1).into_bytes());
            // Spawns, sends and receives, plus one switch per start or resume.
            ops = rt.ops.spawns + rt.ops.sends + rt.ops.recvs + rt.ops.switches;
        }
        let mut rt = Runtime::new(variant).unwrap();
        let (mut script, main) = daisy_chain(&mut rt, N).unwrap();
        script.check = Some(record_step);
        let base = LIVE.load(Ordering::Relaxed);
        AT_STEP.store(base, Ordering::Relaxed);
        assert_eq!(rt.run(&mut script, None, main), Ending::Exit(0));
        let stack_bytes: usize = rt.all_gs().map(|g| rt.mem.stored_words(g.stack0) * 8).sum();
        let at_step = AT_STEP.load(Ordering::Relaxed) - base;
        let twin = at_step - script.heap_bytes() - stack_bytes;
        let per_g = twin as f64 / N as f64;
        times.sort_by(f64::total_cmp);
        let median = times[2];
        println!(
            "{variant}: {N} goroutines, {ops} runtime operations in {median:.3} s (median of 5): {:.2} M ops/s; {per_g:.0} bytes of twin heap per goroutine beyond its stack words",
            ops as f64 / median / 1e6
        );
    }
}
