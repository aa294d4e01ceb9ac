//! How far the figures the twin predicts from a source (gc::predict)
//! agree with those measured from the real binary of the same source,
//! column by column: the measured tables are the ground truth.

use std::collections::HashMap;
use std::fmt;

use rust_runtime::gc::frames::{CallRow, Figures, FrameRow};

/// One column's tally: how many measured figures the prediction equals
/// (for call sites, of the measured and the predicted ones together).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub agree: usize,
    pub total: usize,
}

impl Tally {
    fn count(&mut self, same: bool) {
        self.total += 1;
        self.agree += usize::from(same);
    }

    fn add(&mut self, other: Tally) {
        self.agree += other.agree;
        self.total += other.total;
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pct = if self.total == 0 {
            100.0
        } else {
            100.0 * self.agree as f64 / self.total as f64
        };
        write!(f, "{}/{} ({pct:.1}%)", self.agree, self.total)
    }
}

/// The columns, in the order they are printed.
pub const COLUMNS: [&str; 9] = [
    "frame sizes",
    "argument sizes",
    "argument words",
    "entry lines",
    "call sites (callee, line)",
    "sites in code order",
    "first-frame lines",
    "return offsets",
    "entry addresses",
];

/// The tallies of one program or of many, one per [`COLUMNS`] entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Agreement {
    pub columns: [Tally; 9],
    /// What disagreed, a line each (`harness predict --verbose`).
    pub misses: Vec<String>,
}

impl Agreement {
    pub fn add(&mut self, other: &Agreement) {
        for (a, b) in self.columns.iter_mut().zip(&other.columns) {
            a.add(*b);
        }
        self.misses.extend(other.misses.iter().cloned());
    }
}

/// A function's figures as a miss prints them.
fn frame_text(row: Option<&FrameRow>) -> String {
    match row {
        None => "no function".to_string(),
        Some(r) => format!(
            "frame {}, args {}, argument words {}",
            r.frame,
            r.args,
            r.argwords.map_or("none".to_string(), |w| w.to_string())
        ),
    }
}

/// Set `predicted` against `measured` for the program's own functions
/// (`main.*`: the runtime's figures are the toolchain's, not predicted).
pub fn compare(measured: &Figures, predicted: &Figures) -> Agreement {
    let mut a = Agreement::default();
    let own = |name: &str| name.starts_with("main.");
    let mut names: Vec<&String> = measured.frames.keys().filter(|n| own(n)).collect();
    names.sort();
    for name in names {
        let m = &measured.frames[name];
        let p = predicted.frames.get(name);
        if p != Some(m) {
            a.misses.push(format!(
                "{name}: measured {}, predicted {}",
                frame_text(Some(m)),
                frame_text(p)
            ));
        }
        a.columns[0].count(p.is_some_and(|p| p.frame == m.frame));
        a.columns[1].count(p.is_some_and(|p| p.args == m.args));
        a.columns[2].count(p.is_some_and(|p| p.argwords == m.argwords));
        let none = Vec::new();
        let (mc, pc) = (
            measured.calls.get(name).unwrap_or(&none),
            predicted.calls.get(name).unwrap_or(&none),
        );
        let entry = |calls: &[CallRow]| calls.iter().find(|c| c.ret_off == 0).map(|c| c.line);
        a.columns[3].count(entry(mc).is_some() && entry(mc) == entry(pc));
        if entry(mc) != entry(pc) {
            let text = |l: Option<u32>| l.map_or("none".to_string(), |l| format!("line {l}"));
            a.misses.push(format!(
                "{name}: entry measured on {}, predicted on {}",
                text(entry(mc)),
                text(entry(pc))
            ));
        }
        let (mc, pc): (Vec<&CallRow>, Vec<&CallRow>) = (
            mc.iter().filter(|c| c.ret_off != 0).collect(),
            pc.iter().filter(|c| c.ret_off != 0).collect(),
        );
        // A site as the twin looks it up: its callee and line.
        let mut left: HashMap<(&str, u32), usize> = HashMap::new();
        for p in &pc {
            *left.entry((p.callee.as_str(), p.line)).or_default() += 1;
        }
        for m in &mc {
            let n = left.entry((m.callee.as_str(), m.line)).or_default();
            a.columns[4].count(*n > 0);
            if *n > 0 {
                *n -= 1;
            } else {
                a.misses.push(format!(
                    "{name}: no predicted call of {} on line {} (+{})",
                    m.callee, m.line, m.ret_off
                ));
            }
        }
        // And what the prediction has that the binary lacks.
        let mut extra: Vec<(&(&str, u32), &usize)> = left.iter().filter(|(_, &n)| n > 0).collect();
        extra.sort();
        for ((callee, line), &n) in extra {
            for _ in 0..n {
                a.columns[4].count(false);
                a.misses.push(format!(
                    "{name}: predicted call of {callee} on line {line} that the binary lacks"
                ));
            }
        }
        let pairs = align(&mc, &pc);
        for (i, m) in mc.iter().enumerate() {
            let p = pairs.get(&i).map(|&j| pc[j]);
            a.columns[5].count(p.is_some());
            a.columns[6].count(p.is_some_and(|p| p.top_line == m.top_line));
            a.columns[7].count(p.is_some_and(|p| p.ret_off == m.ret_off));
            if let Some(p) = p.filter(|p| p.top_line != m.top_line) {
                a.misses.push(format!(
                    "{name}: call of {} on line {} (+{}): first-frame line {}, predicted {}",
                    m.callee, m.line, m.ret_off, m.top_line, p.top_line
                ));
            }
        }
    }
    let entries: HashMap<&str, u64> = predicted
        .text
        .iter()
        .map(|(n, e)| (n.as_str(), *e))
        .collect();
    for (name, e) in measured.text.iter().filter(|(n, _)| own(n)) {
        a.columns[8].count(entries.get(name.as_str()) == Some(e));
    }
    a
}

/// The measured calls paired with predicted ones of the same callee and
/// line, in order: a longest common subsequence, by measured index.
fn align(m: &[&CallRow], p: &[&CallRow]) -> HashMap<usize, usize> {
    let (n, k) = (m.len(), p.len());
    let mut len = vec![vec![0u32; k + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..k).rev() {
            len[i][j] = if (&m[i].callee, m[i].line) == (&p[j].callee, p[j].line) {
                len[i + 1][j + 1] + 1
            } else {
                len[i + 1][j].max(len[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = HashMap::new();
    while i < n && j < k {
        if (&m[i].callee, m[i].line) == (&p[j].callee, p[j].line) {
            out.insert(i, j);
            i += 1;
            j += 1;
        } else if len[i + 1][j] >= len[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

impl fmt::Display for Agreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, t) in COLUMNS.iter().zip(&self.columns) {
            writeln!(f, "{name:<20} {t}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(off: u32, callee: &str, line: u32) -> CallRow {
        CallRow {
            ret_off: off,
            callee: callee.into(),
            file: "$WORK/x.go".into(),
            line,
            top_line: line,
            site_line: line,
        }
    }

    #[test]
    fn calls_pair_by_callee_in_order_and_count_what_differs() {
        let mut m = Figures::default();
        m.calls.insert(
            "main.f".into(),
            vec![
                row(0, "-", 3),
                row(19, "a", 4),
                row(30, "b", 5),
                row(40, "a", 6),
            ],
        );
        let mut p = m.clone();
        p.calls.insert(
            "main.f".into(),
            vec![row(0, "-", 3), row(19, "a", 4), row(35, "a", 7)],
        );
        m.frames.insert(
            "main.f".into(),
            rust_runtime::gc::frames::FrameRow {
                frame: 8,
                args: 0,
                argwords: Some(0),
            },
        );
        p.frames = m.frames.clone();
        let a = compare(&m, &p);
        assert_eq!(a.columns[3], Tally { agree: 1, total: 1 });
        // b has no predicted call, nor the second a on its line; and the
        // binary has no a on line 7.
        assert_eq!(a.columns[4], Tally { agree: 1, total: 4 });
        assert_eq!(a.columns[5], Tally { agree: 1, total: 3 });
        assert_eq!(a.columns[7], Tally { agree: 1, total: 3 });
    }
}
