//! The measured tables' format (scripts/measure-frames writes them):
//! `#` comment lines, a header line, then rows of tab-separated columns.

/// The data rows, after the comments and the header, with their 1-based
/// line numbers.
pub fn rows(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#'))
        .skip(1)
        .map(|(i, l)| (i + 1, l))
}

/// A row's `N` columns, or how many it has when that is not `N`. (Split
/// into an array, not collected, and by a byte loop rather than
/// `str::split`, whose per-field search showed in every start's profile:
/// the tables are read at every start.)
pub fn columns<const N: usize>(row: &str) -> Result<[&str; N], usize> {
    let mut out = [""; N];
    let mut n = 0;
    let mut start = 0;
    for (i, &b) in row.as_bytes().iter().enumerate() {
        if b == b'\t' {
            if let Some(slot) = out.get_mut(n) {
                // A tab is ASCII, so both ends are char boundaries.
                *slot = &row[start..i];
            }
            n += 1;
            start = i + 1;
        }
    }
    if let Some(slot) = out.get_mut(n) {
        *slot = &row[start..];
    }
    n += 1;
    if n == N {
        Ok(out)
    } else {
        Err(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_skip_comments_and_the_header() {
        let text = "# made by hand\nname\tn\na\t1\n# between\nb\t2\n";
        let rows: Vec<_> = rows(text).collect();
        assert_eq!(rows, [(3, "a\t1"), (5, "b\t2")]);
    }

    #[test]
    fn columns_counts_what_is_there() {
        assert_eq!(columns::<2>("a\t1"), Ok(["a", "1"]));
        assert_eq!(columns::<2>("a\t1\tx"), Err(3));
        assert_eq!(columns::<3>("a"), Err(1));
        assert_eq!(columns::<2>("a\t"), Ok(["a", ""]));
    }
}
