//! C-Reduce's idea on a Go source: shrink a program while a test (for
//! `harness fuzz reduce`, that the twin still diverges from the real
//! toolchains as it did) keeps holding. Knows nothing of Go but its
//! lexemes: the test decides what is a program.
//!
//! Passes, repeated until none shrinks the program:
//! - delete a block: a line ending in `{` through the line that closes it
//!   (a function, a loop, an if and its body);
//! - delete runs of lines, the run halving from half the program down to
//!   one line (ddmin's chunks, each tried where the last deletion left);
//! - shrink each decimal integer literal (outside strings, runes and
//!   comments): to half, then to 1, then to 0.
//!
//! Every candidate is strictly smaller than the program it came from, in
//! lines or in the value of a literal, so the passes end.

/// What a reduction came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reduced {
    /// The smallest program found that still passes the test.
    pub source: String,
    /// How many candidates were tested, and how many were kept.
    pub tried: usize,
    pub kept: usize,
}

/// Shrink `source` while `interesting` holds; `interesting(source)` itself
/// is assumed. `kept` hears of each smaller program taken.
pub fn reduce(
    source: &str,
    mut interesting: impl FnMut(&str) -> bool,
    mut kept: impl FnMut(&str),
) -> Reduced {
    let mut best = source.to_string();
    let (mut tried, mut taken) = (0, 0);
    let mut test = |candidate: &str, best: &mut String| {
        tried += 1;
        let ok = interesting(candidate);
        if ok {
            taken += 1;
            *best = candidate.to_string();
            kept(candidate);
        }
        ok
    };
    loop {
        let before = best.clone();
        delete_blocks(&mut best, &mut test);
        delete_lines(&mut best, &mut test);
        shrink_literals(&mut best, &mut test);
        if best == before {
            break;
        }
    }
    Reduced {
        source: best,
        tried,
        kept: taken,
    }
}

/// The block-deletion pass: each block, outermost first.
fn delete_blocks(best: &mut String, test: &mut impl FnMut(&str, &mut String) -> bool) {
    let mut at = 0;
    while at < best.lines().count() {
        let lines: Vec<&str> = best.lines().collect();
        let closes = lines[at]
            .trim_end()
            .ends_with('{')
            .then(|| block_end(&lines, at))
            .flatten();
        let Some(end) = closes else {
            at += 1;
            continue;
        };
        let rest: Vec<&str> = lines[..at]
            .iter()
            .chain(&lines[end + 1..])
            .copied()
            .collect();
        if !test(&format!("{}\n", rest.join("\n")), best) {
            at += 1;
        }
    }
}

/// The line closing the block that line `at` opens: where the count of
/// braces (outside strings, runes and comments) comes back to zero.
fn block_end(lines: &[&str], at: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (k, line) in lines.iter().enumerate().skip(at) {
        depth += braces(line);
        if depth <= 0 {
            return (k > at).then_some(k);
        }
    }
    None
}

/// `{` less `}` on a line, strings, runes and a trailing comment left out.
fn braces(line: &str) -> i32 {
    let (mut n, mut quote, mut escaped) = (0, None, false);
    let b = line.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == b'\\' && q != b'`' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'"' | b'\'' | b'`' => quote = Some(c),
                b'/' if b.get(i + 1) == Some(&b'/') => break,
                b'{' => n += 1,
                b'}' => n -= 1,
                _ => {}
            },
        }
    }
    n
}

/// The line-deletion pass.
fn delete_lines(best: &mut String, test: &mut impl FnMut(&str, &mut String) -> bool) {
    let count = |s: &str| s.lines().count();
    let mut run = (count(best) / 2).max(1);
    loop {
        let mut at = 0;
        while at < count(best) {
            let lines: Vec<&str> = best.lines().collect();
            let end = (at + run).min(lines.len());
            let rest: Vec<&str> = lines[..at].iter().chain(&lines[end..]).copied().collect();
            let candidate = format!("{}\n", rest.join("\n"));
            // Taken, the lines after the run are now at `at`: try there again.
            if !test(&candidate, best) {
                at += run;
            }
        }
        if run == 1 {
            break;
        }
        run /= 2;
    }
}

/// The literal-shrinking pass.
fn shrink_literals(best: &mut String, test: &mut impl FnMut(&str, &mut String) -> bool) {
    let mut k = 0;
    while let Some(&(start, end)) = int_literals(best).get(k) {
        let Ok(n) = best[start..end].parse::<u64>() else {
            k += 1;
            continue;
        };
        let shrunk = [n / 2, 1, 0].into_iter().filter(|&m| m < n).any(|smaller| {
            let candidate = format!("{}{smaller}{}", &best[..start], &best[end..]);
            test(&candidate, best)
        });
        // A literal taken smaller is tried again, from its new value.
        if !shrunk {
            k += 1;
        }
    }
}

/// The byte ranges of decimal integer literals in `src`, in order: digit
/// runs not inside a string, rune or comment, not part of a name, a hex
/// literal or a float.
pub fn int_literals(src: &str) -> Vec<(usize, usize)> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            q @ (b'"' | b'\'' | b'`') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    if b[i] == b'\\' && q != b'`' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
            }
            c if c.is_ascii_digit() => {
                let start = i;
                while i < b.len() && b[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                let float = b.get(i) == Some(&b'.');
                let plain = b[start..i].iter().all(u8::is_ascii_digit);
                // A leading 0 is octal (or the literal 0 itself).
                if plain && !float && (b[start] != b'0' || i - start == 1) {
                    out.push((start, i));
                }
                if float {
                    i += 1;
                    while i < b.len() && b[i].is_ascii_alphanumeric() {
                        i += 1;
                    }
                }
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_found_outside_strings_comments_and_names() {
        let src = "x := f2(40, \"7\", '8') // 9\ny := 0x10 + 1.5 + 012 + 0 + 3\n";
        let found: Vec<&str> = int_literals(src).iter().map(|&(a, b)| &src[a..b]).collect();
        assert_eq!(found, ["40", "0", "3"]);
    }

    #[test]
    fn lines_the_test_does_not_need_go_and_literals_shrink() {
        let src =
            "package main\nfunc a() {}\nfunc main() {\n\tx := 100\n\ty := 2\n\tprintln(x)\n}\n";
        // Interesting: it still has main, a println and an x of at least 10.
        let interesting = |s: &str| {
            let x = s
                .lines()
                .find_map(|l| l.trim().strip_prefix("x := "))
                .and_then(|v| v.parse::<u64>().ok());
            s.contains("func main() {") && s.contains("println(x)") && x.is_some_and(|x| x >= 10)
        };
        let mut steps = 0;
        let r = reduce(src, interesting, |_| steps += 1);
        assert!(interesting(&r.source));
        assert!(!r.source.contains("func a"), "{}", r.source);
        assert!(!r.source.contains("y := "), "{}", r.source);
        assert!(r.source.contains("x := 12\n"), "{}", r.source);
        assert_eq!(r.kept, steps);
        assert!(r.tried > r.kept);
    }

    #[test]
    fn a_block_goes_whole() {
        let src = "func a() {\n\ts := \"}\"\n\tif x {\n\t\ty()\n\t}\n}\nfunc main() {\n}\n";
        let lines: Vec<&str> = src.lines().collect();
        assert_eq!(block_end(&lines, 0), Some(5));
        assert_eq!(block_end(&lines, 2), Some(4));
        let r = reduce(src, |s| s.contains("func main() {\n}"), |_| {});
        assert_eq!(r.source, "func main() {\n}\n");
    }

    #[test]
    fn a_program_nothing_can_leave_stays_whole() {
        let src = "a\nb\n";
        let r = reduce(src, |s| s == src, |_| {});
        assert_eq!(r.source, src);
        assert_eq!(r.kept, 0);
    }
}
