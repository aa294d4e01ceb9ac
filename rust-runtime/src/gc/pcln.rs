//! The lines a traceback prints for a program's own functions, from the
//! lines its instructions carry: 6l's pc/line table (6l/span.c's asmlc)
//! read back as the runtime reads it (runtime/symtab.c's splitpcln and
//! funcline).
//!
//! Invariants, from the 2011 sources:
//! - asmlc writes an update only where an instruction's line differs
//!   from the last one written, across function boundaries, and never
//!   for a TEXT: a function whose instructions all sit on the line the
//!   previous one ended on writes none.
//! - splitpcln walks the updates once and, at each, moves on by at most
//!   one function: to the next when the update's pc has reached its
//!   entry. A function that wrote no update is therefore handed the next
//!   one's first update, and each later function the update after its
//!   own first, until one with two updates or more catches up.
//! - A function's piece starts after the update it was handed at, with
//!   that update's line (ln0); funcline walks the piece's updates whose
//!   pc is at most the target. So a function handed a later function's
//!   update prints that line for every pc, and one handed its own second
//!   update prints the second line from its entry up to there.
//!
//! Pcs here need not be the binary's: only their order against entries
//! and return addresses decides the lines.

/// A pc/line update, as asmlc writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Update {
    pub pc: u64,
    pub line: u32,
}

/// A function's piece of the table, as splitpcln hands it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// The first update funcline reads.
    pub first: usize,
    pub ln0: u32,
}

/// asmlc: the updates of `lines`, every instruction's pc and line in
/// text order.
pub fn asmlc(lines: impl IntoIterator<Item = (u64, u32)>) -> Vec<Update> {
    let mut out = Vec::new();
    let mut oldlc = 0;
    for (pc, line) in lines {
        if line != oldlc {
            out.push(Update { pc, line });
            oldlc = line;
        }
    }
    out
}

/// splitpcln: each function's piece, for functions entered at `entries`
/// (in text order, the first at the text base).
pub fn splitpcln(entries: &[u64], updates: &[Update]) -> Vec<Piece> {
    let mut pieces = vec![Piece { first: 0, ln0: 0 }; entries.len()];
    let Some(&base) = entries.first() else {
        return pieces;
    };
    let mut f = 0;
    let mut pc0 = base;
    for (k, u) in updates.iter().enumerate() {
        // "it can happen - just at the beginning! - that the update may
        // have updated line but left pc alone".
        if f == 0 && u.pc == pc0 {
            pieces[0] = Piece {
                first: k + 1,
                ln0: u.line,
            };
            pc0 = u.pc + 1;
        }
        if f + 1 < entries.len() && u.pc >= entries[f + 1] {
            f += 1;
            pieces[f] = Piece {
                first: k + 1,
                ln0: u.line,
            };
        }
    }
    pieces
}

/// funcline: the line of `target` in the function holding `piece`.
pub fn funcline(piece: Piece, updates: &[Update], target: u64) -> u32 {
    let mut line = piece.ln0;
    for u in updates.iter().skip(piece.first) {
        if u.pc > target {
            break;
        }
        line = u.line;
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_function_without_updates_takes_the_next_ones_line_and_lags_it() {
        // f0 at 0 (lines 10, 11), f1 at 10 (all on 11: no update), f2 at
        // 20 (one update, 20), f3 at 30 (30 then 31).
        let lines = [
            (0, 10),
            (5, 11),
            (10, 11),
            (15, 11),
            (20, 20),
            (30, 30),
            (35, 31),
        ];
        let updates = asmlc(lines);
        assert_eq!(updates.len(), 5);
        let pieces = splitpcln(&[0, 10, 20, 30, 40], &updates);
        let line = |f: usize, pc| funcline(pieces[f], &updates, pc);
        assert_eq!((line(0, 0), line(0, 7)), (10, 11));
        // f1 is handed f2's update; f2 f3's first; f3 catches up.
        assert_eq!(line(1, 12), 20);
        assert_eq!(line(2, 22), 30);
        assert_eq!((line(3, 30), line(3, 36)), (31, 31));
    }
}
