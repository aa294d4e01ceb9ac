//! A deterministic twin of the February-2011 Go runtime's spawn and stack
//! paths (malg, newproc1, stackalloc, the scheduler, oldstack), built in two
//! variants: before and after the fix for Go issue 1547.
//!
//! Each module mirrors one 2011 source file: [`proc`] (proc.c), [`malloc`]
//! (malloc.goc and mfixalloc.c), [`stack`] (stack.h), [`lock`]
//! (linux/thread.c), [`asm`] (amd64/asm.s and 6l's prologues),
//! [`traceback`] (amd64/traceback.c, and the printing in runtime.c and
//! signal.c), [`symtab`] (symtab.c), [`chan`] (chan.c), [`print`](mod@print)
//! (print.c), [`float`] (float.c), [`complex`] (complex.c), [`iface`] (iface.c), [`slice`](mod@slice) (slice.c), [`string`] (string.goc),
//! [`closure`] (amd64/closure.c), [`mfinal`] (mfinal.c), [`mgc0`] (mgc0.c),
//! [`mprof`] (mprof.goc), [`sema`] (sema.goc), [`runtime`](mod@runtime)
//! (runtime.c), [`signal`] (linux/amd64/signal.c), [`sigqueue`]
//! (sigqueue.goc). [`host`] is the machine under them: the kernel's
//! signal frame, which writes past the gsignal stack.
//!
//! Go code runs on the twin through a [`proc::Program`], which calls the
//! runtime's entry points (calls and returns with their frame sizes, go
//! statements, Gosched) for the goroutine the scheduler is running.

use std::fmt;
use std::str::FromStr;

pub mod asm;
pub mod chan;
pub mod closure;
pub mod complex;
pub mod float;
pub mod gc;
pub mod hashmap;
pub mod host;
pub mod iface;
pub mod lock;
pub mod malloc;
pub mod mfinal;
pub mod mgc0;
pub mod mprof;
pub mod print;
pub mod proc;
pub mod runtime;
pub mod script;
pub mod sema;
pub mod signal;
pub mod sigqueue;
pub mod slice;
pub mod stack;
pub mod string;
pub mod symtab;
pub mod traceback;
pub mod tsv;

pub use proc::{GId, Program, Runtime};

/// An address in the modelled process.
pub type Addr = u64;

/// Storage for the twin's many small objects (Gs, channels): fixed-size
/// chunks, so that growing never copies what exists or leaves a doubled
/// buffer half empty.
#[derive(Debug, Clone)]
pub struct Arena<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

/// Objects per [`Arena`] chunk.
const ARENA_CHUNK: usize = 1024;

impl<T> Default for Arena<T> {
    fn default() -> Self {
        Arena {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Arena<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Append, returning the new element's index.
    pub fn push(&mut self, v: T) -> usize {
        if self.len % ARENA_CHUNK == 0 {
            self.chunks.push(Vec::with_capacity(ARENA_CHUNK));
        }
        self.chunks.last_mut().expect("a chunk with room").push(v);
        self.len += 1;
        self.len - 1
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flatten()
    }

    /// Heap bytes held, for the benchmark's accounting.
    pub fn heap_bytes(&self) -> usize {
        self.chunks.capacity() * std::mem::size_of::<Vec<T>>()
            + self.chunks.len() * ARENA_CHUNK * std::mem::size_of::<T>()
    }
}

/// Indexed by position, or by the id of what it stores.
impl<T, I: Into<usize>> std::ops::Index<I> for Arena<T> {
    type Output = T;
    fn index(&self, i: I) -> &T {
        let i = i.into();
        &self.chunks[i / ARENA_CHUNK][i % ARENA_CHUNK]
    }
}

impl<T, I: Into<usize>> std::ops::IndexMut<I> for Arena<T> {
    fn index_mut(&mut self, i: I) -> &mut T {
        let i = i.into();
        &mut self.chunks[i / ARENA_CHUNK][i % ARENA_CHUNK]
    }
}

/// Why a runtime entry point did not simply return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The scheduler switched goroutines, or entered a Go function for the
    /// program to run: the program returns to [`Runtime::run`], which
    /// calls it again for the goroutine now running.
    Switch,
    /// The process ended.
    End(Ending),
}

/// How a run ended, as the harness records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Exit(i32),
    /// Every M asleep for good; what the process did after SIGQUIT.
    Hung(AfterQuit),
}

/// What a hung process does once SIGQUIT arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterQuit {
    Exit(i32),
    /// Killed by this signal while printing its dump.
    Signal(i32),
}

/// Which of the two pinned 2011 runtimes is modelled (or run).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variant {
    /// 59ce067da8d9: malg calls stackalloc on the calling goroutine's stack,
    /// so lock(&stacks) can split the stack and deadlock in oldstack.
    Pre1547,
    /// b5dfac45ba29: malg switches to the scheduler stack (status
    /// Gstackalloc) and stackalloc throws when called off g0.
    Post1547,
}

impl Variant {
    /// Both variants, in the order reports list them.
    pub const ALL: [Variant; 2] = [Variant::Pre1547, Variant::Post1547];

    /// The name used on the command line, in file names and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Pre1547 => "pre-1547",
            Variant::Post1547 => "post-1547",
        }
    }

    /// The Go commit this variant stands for.
    pub fn commit(self) -> &'static str {
        match self {
            Variant::Pre1547 => "59ce067da8d9e7d968e51f31fb532ed2369f205a",
            Variant::Post1547 => "b5dfac45ba29f12cbc86925ab7c7cd018f87f4fe",
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error for a variant name that is neither `pre-1547` nor `post-1547`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVariant(pub String);

impl fmt::Display for UnknownVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown toolchain '{}' (expected pre-1547 or post-1547)",
            self.0
        )
    }
}

impl std::error::Error for UnknownVariant {}

impl FromStr for Variant {
    type Err = UnknownVariant;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Variant::ALL
            .into_iter()
            .find(|v| v.name() == s)
            .ok_or_else(|| UnknownVariant(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for v in Variant::ALL {
            assert_eq!(v.name().parse::<Variant>(), Ok(v));
        }
        let err = "pre1547".parse::<Variant>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown toolchain 'pre1547' (expected pre-1547 or post-1547)"
        );
    }
}
