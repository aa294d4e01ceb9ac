//! Comparing two shapes: equal, or a unified diff of the lines that differ.

use similar::{ChangeTag, TextDiff};

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// A unified diff between two shapes, or `None` when they agree. With
/// `buckets`, the goroutines of each side's dumps are grouped first
/// ([`crate::shape::buckets`]), so that a hundred goroutines parked in the
/// same place read as one; where the grouped shapes agree though the
/// shapes do not (the goroutines came in another order), the plain diff.
pub fn shapes(expected: &str, actual: &str, labels: (&str, &str), style: Style) -> Option<String> {
    if expected == actual {
        return None;
    }
    let grouped = style.buckets.then(|| {
        let (e, a) = (
            crate::shape::buckets(expected),
            crate::shape::buckets(actual),
        );
        unified(&e, &a, labels, style.color)
    });
    grouped
        .flatten()
        .or_else(|| unified(expected, actual, labels, style.color))
}

/// How a diff of shapes is shown.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// ANSI colours.
    pub color: bool,
    /// Goroutines grouped into buckets.
    pub buckets: bool,
}

/// A unified diff from `expected` to `actual`, or `None` when they agree.
/// With `color`, removed lines are red and added ones green (ANSI).
pub fn unified(expected: &str, actual: &str, labels: (&str, &str), color: bool) -> Option<String> {
    if expected == actual {
        return None;
    }
    let diff = TextDiff::from_lines(expected, actual);
    let mut out = format!("--- {}\n+++ {}\n", labels.0, labels.1);
    for group in diff.grouped_ops(CONTEXT) {
        let (first, last) = (&group[0], &group[group.len() - 1]);
        let old = first.old_range().start..last.old_range().end;
        let new = first.new_range().start..last.new_range().end;
        out.push_str(&format!(
            "@@ -{},{} +{},{} @@\n",
            old.start + 1,
            old.len(),
            new.start + 1,
            new.len()
        ));
        for op in &group {
            for change in diff.iter_changes(op) {
                let (sign, paint) = match change.tag() {
                    ChangeTag::Delete => ('-', "\x1b[31m"),
                    ChangeTag::Insert => ('+', "\x1b[32m"),
                    ChangeTag::Equal => (' ', ""),
                };
                let text = change.value().trim_end_matches('\n');
                if color && !paint.is_empty() {
                    out.push_str(&format!("{paint}{sign}{text}\x1b[0m\n"));
                } else {
                    out.push_str(&format!("{sign}{text}\n"));
                }
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_shapes_have_no_diff_and_others_show_the_changed_line() {
        assert_eq!(unified("a\nb\n", "a\nb\n", ("x", "y"), false), None);
        let d = unified(
            "ended: exit 0\nx\n",
            "ended: exit 2\nx\n",
            ("reference", "live"),
            false,
        )
        .unwrap();
        assert_eq!(
            d,
            "--- reference\n+++ live\n@@ -1,2 +1,2 @@\n-ended: exit 0\n+ended: exit 2\n x\n"
        );
        let colored = unified("a\n", "b\n", ("x", "y"), true).unwrap();
        assert!(colored.contains("\x1b[31m-a\x1b[0m"), "{colored:?}");
    }
}
