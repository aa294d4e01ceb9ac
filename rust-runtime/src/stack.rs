//! stack.h and the Stktop of runtime.h: the layout of segmented stacks.
//!
//! A goroutine's stack is a chain of segments. Each segment ends in a
//! Stktop that remembers the previous segment (its stackguard and
//! stackbase), where execution left it (gobuf), and the arguments that
//! were copied over. `g->stackbase` points at the current segment's
//! Stktop; `g->stackguard` is StackGuard bytes above its bottom.

use crate::Addr;

/// Extra room allocated beyond the frame that triggered a split.
pub const STACK_EXTRA: u32 = 1024;
/// The smallest segment newstack allocates (and malg's StackMin).
pub const STACK_MIN: u32 = 4096;
/// Frames this large call morestack unconditionally.
pub const STACK_BIG: u32 = 4096;
/// g->stackguard is this many bytes above the segment's bottom.
pub const STACK_GUARD: u32 = 256;
/// A tiny frame may protrude this far below the guard after its check.
pub const STACK_SMALL: u32 = 128;
/// Room the OS needs below the stack: none on linux.
pub const STACK_SYSTEM: u32 = 0;
/// The one segment size that FixAlloc serves (malloc.h).
pub const FIXED_STACK: u32 = STACK_MIN + STACK_SYSTEM;

/// sizeof(Stktop) on amd64: stackguard, stackbase, gobuf (sp, pc, g),
/// argsize (uint32, padded), argp, free, panic (bool, padded) = 72.
pub const STKTOP_SIZE: u64 = 72;

/// A saved execution context: runtime.h's Gobuf.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Gobuf {
    pub sp: Addr,
    /// Where execution resumes: a code address (see [`crate::symtab::FuncTab::entry`]).
    pub pc: Addr,
    /// The G, by its heap address, as in memory.
    pub g: Addr,
}

/// The record at the top of each segment (runtime.h's Stktop). Its
/// address is the segment's `stackbase`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stktop {
    /// The previous segment's g->stackguard (0 for a goroutine's first).
    pub stackguard: Addr,
    /// The previous segment's g->stackbase (0 for a goroutine's first).
    pub stackbase: Addr,
    /// Where the function that split was called from (m->morebuf).
    pub gobuf: Gobuf,
    /// Bytes of arguments copied to this segment (and back by oldstack).
    pub argsize: u32,
    /// The arguments' address in the old frame.
    pub argp: Addr,
    /// If non-zero, oldstack frees the segment with this size.
    pub free: u32,
    /// This frame is the top of a panic.
    pub panic: bool,
}

impl Stktop {
    /// The words of a Stktop as they lie in memory, lowest address first.
    pub fn to_words(&self) -> [u64; 9] {
        [
            self.stackguard,
            self.stackbase,
            self.gobuf.sp,
            self.gobuf.pc,
            self.gobuf.g,
            u64::from(self.argsize),
            self.argp,
            u64::from(self.free),
            u64::from(self.panic),
        ]
    }

    /// A Stktop read back from its words.
    pub fn from_words(w: [u64; 9]) -> Stktop {
        Stktop {
            stackguard: w[0],
            stackbase: w[1],
            gobuf: Gobuf {
                sp: w[2],
                pc: w[3],
                g: w[4],
            },
            argsize: w[5] as u32,
            argp: w[6],
            free: w[7] as u32,
            panic: w[8] & 0xff != 0,
        }
    }
}

/// What a function's split check decides, as 6l emits it: true when
/// `morestack` is called. `sp` is the stack pointer at entry (after the
/// CALL pushed the return address). The comparison is unsigned and
/// strict: the function goes on only when SP (or SP less the part of the
/// frame beyond StackSmall) is above the guard.
pub fn must_split(check: crate::symtab::Check, frame: u32, sp: Addr, stackguard: Addr) -> bool {
    use crate::symtab::Check;
    match check {
        Check::NoSplit => false,
        Check::Small => sp <= stackguard,
        Check::Large => sp.wrapping_sub(u64::from(frame - STACK_SMALL)) <= stackguard,
        Check::Huge => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symtab::Check;

    #[test]
    fn the_check_is_strict_and_unsigned() {
        assert!(must_split(Check::Small, 8, 0x1100, 0x1100));
        assert!(!must_split(Check::Small, 8, 0x1108, 0x1100));
        // A 144-byte frame is checked 16 bytes below SP.
        assert!(must_split(Check::Large, 144, 0x1110, 0x1100));
        assert!(!must_split(Check::Large, 144, 0x1111, 0x1100));
        assert!(must_split(Check::Huge, 5000, u64::MAX, 0));
        assert!(!must_split(Check::NoSplit, 48, 0, 0x1100));
    }
}
