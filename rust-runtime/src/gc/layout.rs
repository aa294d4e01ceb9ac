//! 6g's frame layout (6g/ggen.c's compile, gc/align.c, gc/gen.c): the
//! argument size and frame size 6g writes into each function's TEXT, which
//! 6l's prologue then checks and subtracts. The twin computes them from
//! the source; the figures measured from real binaries stay the reference
//! (gc::frames), and a test compares the two for every function.
//!
//! - args = rnd(argwid, 8), argwid from dowidth's TFUNCARGS: the params
//!   laid out by widstruct (each field at its alignment) and rounded to 8,
//!   then the results likewise. A function literal has one pointer per
//!   captured variable and an unnamed uintptr (its caller's pc) first
//!   (closure.c's walkclosure).
//! - frame = rnd(stksize + maxarg, 8). stksize grows, never shrinking, by
//!   walk's temporaries, then the autos in declaration order (params,
//!   results and variables moved to the heap get none), then two 8-byte
//!   slots for each moved variable's `&name` (allocparams allocates it
//!   once through tempname and once more as the PAUTO it became), then
//!   code generation's temporaries; each slot adds its width, then rounds
//!   stksize to its alignment. maxarg is the largest argwid of any callee
//!   (setmaxarg in cgen_call), runtime calls included; a go or defer
//!   statement counts its function's own argwid, not newproc's.

use super::compile::Ty;

/// rnd(o, r) of gc/align.c.
pub fn rnd(o: u32, r: u32) -> u32 {
    o.next_multiple_of(r)
}

/// widstruct with flag widthptr: fields from `start`, each at its
/// alignment, the end rounded to 8.
fn block(fields: &[Ty], start: u32) -> u32 {
    let end = fields
        .iter()
        .fold(start, |o, t| rnd(o, t.align()) + t.size());
    rnd(end, 8)
}

/// A function's argwid: for a function literal (`literal` set) its
/// `captured` pointers and the pc slot first, then params, then results.
pub fn argwid(literal: bool, captured: u32, params: &[Ty], results: &[Ty]) -> u32 {
    let head = if literal { 8 * captured + 8 } else { 0 };
    block(results, block(params, head))
}

/// A frame under construction: stksize and maxarg.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frame {
    pub stksize: u32,
    pub maxarg: u32,
}

impl Frame {
    /// A stack slot for a value of `ty` (allocparams, tempname).
    pub fn slot(&mut self, ty: &Ty) {
        self.stksize = rnd(self.stksize + ty.size(), ty.align());
    }

    /// setmaxarg: a call to a function of argwid `w`.
    pub fn call(&mut self, w: u32) {
        self.maxarg = self.maxarg.max(w);
    }

    /// The TEXT's frame size.
    pub fn size(&self) -> u32 {
        rnd(self.stksize + self.maxarg, 8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argwid_follows_dowidth() {
        const INT: Ty = Ty::INT;
        let chan = Ty::Chan(Box::new(Ty::INT));
        // level(int, int) int; descend(int, chan int) int
        assert_eq!(argwid(false, 0, &[INT, INT], &[INT]), 16);
        assert_eq!(argwid(false, 0, &[INT, chan.clone()], &[INT]), 24);
        // filter(chan, chan, int); a literal capturing two; one capturing none
        assert_eq!(argwid(false, 0, &[chan.clone(), chan, INT], &[]), 24);
        assert_eq!(argwid(true, 2, &[], &[]), 24);
        assert_eq!(argwid(true, 0, &[], &[]), 8);
    }

    #[test]
    fn slots_round_after_adding() {
        let mut f = Frame::default();
        f.slot(&Ty::Chan(Box::new(Ty::INT)));
        f.slot(&Ty::INT);
        assert_eq!(f.stksize, 12, "an int after a chan lands at -12");
        f.call(16);
        assert_eq!(f.size(), 32);
    }
}
