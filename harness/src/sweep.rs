//! Sweeps: a program template with named parameters, run over a grid of
//! their values, and the picture of where each variant hangs.
//!
//! A template is a Go source in which `{{name}}` stands for a parameter's
//! value; a grid is every combination of the parameters' values (`name=a..b`,
//! `name=a..b:step`, or `name=v1,v2,...`). Each point's outcome is what
//! [`crate::repro::classify`] says of its run, reduced to a class a heat
//! map can colour.

use std::collections::BTreeSet;
use std::fmt;

use crate::repro::Outcome;

/// The 1547 spawn: one go statement at recursion depth `depth`, every frame
/// of the recursion holding `pad` bytes of locals, in a goroutine main
/// starts; whether the spawn path's lock is the call that splits follows
/// from the two.
pub const SPAWN_1547: &str =
    "// The 1547 spawn: a goroutine spawned at recursion depth {{depth}}, each
// frame of the recursion holding {{pad}} bytes of locals, in a goroutine
// main starts.
//harness:timeout 3s
package main

var done = make(chan int)

func leaf() {}

func descend(n int) {
\tvar pad [{{pad}}]byte
\tpad[n%{{pad}}] = byte(n)
\tif n > 0 {
\t\tdescend(n - 1)
\t\treturn
\t}
\tgo leaf()
}

func main() {
\tgo func() {
\t\tdescend({{depth}})
\t\tdone <- 1
\t}()
\t<-done
\tprintln(\"completes\")
}
";

/// The built-in template's grid: 10,000 points.
pub const SPAWN_1547_GRID: [&str; 2] = ["depth=0..99", "pad=1..100"];

/// A parameter and the values it takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub values: Vec<i64>,
}

/// Parse `name=a..b`, `name=a..b:step` (both ends included) or
/// `name=v1,v2,...`.
pub fn parse_param(arg: &str) -> Result<Param, String> {
    let bad = |why: &str| {
        format!("--param {arg}: {why} (give name=a..b, name=a..b:step or name=v1,v2,...)")
    };
    let (name, spec) = arg.split_once('=').ok_or_else(|| bad("no '='"))?;
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(bad("a name is letters, digits and _"));
    }
    let num = |s: &str| {
        s.trim()
            .parse::<i64>()
            .map_err(|_| bad(&format!("'{s}' is not an integer")))
    };
    let values = if let Some((a, rest)) = spec.split_once("..") {
        let (b, step) = match rest.split_once(':') {
            Some((b, step)) => (b, num(step)?),
            None => (rest, 1),
        };
        let (a, b) = (num(a)?, num(b)?);
        if step <= 0 || b < a {
            return Err(bad("a range goes up, by a positive step"));
        }
        (a..=b).step_by(step as usize).collect()
    } else {
        spec.split(',').map(num).collect::<Result<Vec<_>, _>>()?
    };
    if values.is_empty() {
        return Err(bad("no values"));
    }
    Ok(Param {
        name: name.to_string(),
        values,
    })
}

/// The placeholders a template uses, in order of first use.
pub fn placeholders(template: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut rest = template;
    while let Some(at) = rest.find("{{") {
        let Some(end) = rest[at..].find("}}") else {
            break;
        };
        let name = rest[at + 2..at + end].trim().to_string();
        if !seen.contains(&name) {
            seen.push(name);
        }
        rest = &rest[at + end + 2..];
    }
    seen
}

/// The template with each parameter's value in its placeholders.
pub fn render(template: &str, point: &[(&str, i64)]) -> String {
    let mut out = template.to_string();
    for (name, value) in point {
        out = out.replace(&format!("{{{{{name}}}}}"), &value.to_string());
    }
    out
}

/// Every combination of the parameters' values, the last varying fastest.
pub fn grid(params: &[Param]) -> Vec<Vec<i64>> {
    params.iter().fold(vec![Vec::new()], |acc, p| {
        acc.iter()
            .flat_map(|point| {
                p.values.iter().map(move |v| {
                    let mut next = point.clone();
                    next.push(*v);
                    next
                })
            })
            .collect()
    })
}

/// What a point came to, as a heat map colours it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    Issue1547,
    Hangs,
    Deadlocks,
    Panics,
    Completes,
    /// Any other ending (a throw, a signal, an exit status).
    Other,
    /// The twin does not run it (an unsupported construct, unmodelled).
    NotRun,
}

impl Class {
    pub const ALL: [Class; 7] = [
        Class::Issue1547,
        Class::Hangs,
        Class::Deadlocks,
        Class::Panics,
        Class::Completes,
        Class::Other,
        Class::NotRun,
    ];

    pub fn of(outcome: Option<&Outcome>) -> Class {
        match outcome {
            None => Class::NotRun,
            Some(Outcome::Hangs { issue1547: Some(_) }) => Class::Issue1547,
            Some(Outcome::Hangs { issue1547: None }) => Class::Hangs,
            Some(Outcome::Deadlocks) => Class::Deadlocks,
            Some(Outcome::Panics(_)) => Class::Panics,
            Some(Outcome::Completes) => Class::Completes,
            Some(_) => Class::Other,
        }
    }

    /// Its colour on the heat map.
    fn color(self) -> &'static str {
        match self {
            Class::Issue1547 => "#d62728",
            Class::Hangs => "#ff7f0e",
            Class::Deadlocks => "#9467bd",
            Class::Panics => "#8c564b",
            Class::Completes => "#2ca02c",
            Class::Other => "#e377c2",
            Class::NotRun => "#c7c7c7",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Class::Issue1547 => "hangs (issue 1547)",
            Class::Hangs => "hangs (otherwise)",
            Class::Deadlocks => "deadlocks",
            Class::Panics => "panics",
            Class::Completes => "completes",
            Class::Other => "ends otherwise",
            Class::NotRun => "not run by the twin",
        })
    }
}

/// `n` points to confirm, spread over the outcomes: the points grouped by
/// what they came to on each variant, then taken from each group in turn,
/// evenly spaced within it, so that a rare outcome (the hangs) is among them.
pub fn sample(classes: &[Vec<Class>], n: usize) -> Vec<usize> {
    let len = classes.first().map_or(0, Vec::len);
    let mut groups: Vec<(Vec<Class>, Vec<usize>)> = Vec::new();
    for i in 0..len {
        let key: Vec<Class> = classes.iter().map(|c| c[i]).collect();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(i),
            None => groups.push((key, vec![i])),
        }
    }
    let n = n.min(len);
    let mut share = vec![0usize; groups.len()];
    let mut given = 0;
    while given < n {
        for (g, (_, members)) in groups.iter().enumerate() {
            if given < n && share[g] < members.len() {
                share[g] += 1;
                given += 1;
            }
        }
    }
    let mut chosen: Vec<usize> = groups
        .iter()
        .zip(share)
        .flat_map(|((_, members), k)| (0..k).map(move |j| members[j * members.len() / k]))
        .collect();
    chosen.sort_unstable();
    chosen
}

/// Cell size of the heat map, in pixels.
const CELL: usize = 6;

/// An SVG heat map: for each variant a panel, the first parameter across,
/// the second down, each point coloured by its class; a legend of the
/// classes that occur. `classes[v][i]` is point `i` of `grid` on variant `v`.
pub fn heat_map(params: &[Param], titles: &[&str], classes: &[Vec<Class>]) -> String {
    let (x, y) = (&params[0], &params[1]);
    let (w, h) = (x.values.len() * CELL, y.values.len() * CELL);
    let (margin, gap, legend) = (48, 32, 22);
    let total_w = margin + titles.len() * (w + gap);
    let used: BTreeSet<Class> = classes.iter().flatten().copied().collect();
    let total_h = margin + h + 40 + legend * used.len();
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{total_w}\" height=\"{total_h}\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    );
    for (v, title) in titles.iter().enumerate() {
        let left = margin + v * (w + gap);
        s.push_str(&format!(
            "<text x=\"{left}\" y=\"18\" font-weight=\"bold\">{title}</text>\n<text x=\"{left}\" y=\"{}\">{} {}..{} across, {} {}..{} down</text>\n",
            34,
            x.name,
            x.values[0],
            x.values[x.values.len() - 1],
            y.name,
            y.values[0],
            y.values[y.values.len() - 1]
        ));
        for (i, class) in classes[v].iter().enumerate() {
            // The grid varies the last parameter fastest: y, then x.
            let (xi, yi) = (i / y.values.len(), i % y.values.len());
            s.push_str(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{CELL}\" height=\"{CELL}\" fill=\"{}\"><title>{}={} {}={}: {class}</title></rect>\n",
                left + xi * CELL,
                margin + yi * CELL,
                class.color(),
                x.name,
                x.values[xi],
                y.name,
                y.values[yi]
            ));
        }
    }
    for (k, class) in used.iter().enumerate() {
        let top = margin + h + 24 + k * legend;
        s.push_str(&format!(
            "<rect x=\"{margin}\" y=\"{top}\" width=\"14\" height=\"14\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{class}</text>\n",
            class.color(),
            margin + 20,
            top + 12
        ));
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_read_as_ranges_steps_and_lists_and_bad_ones_say_why() {
        assert_eq!(parse_param("depth=0..3").unwrap().values, [0, 1, 2, 3]);
        assert_eq!(parse_param("pad=8..32:8").unwrap().values, [8, 16, 24, 32]);
        assert_eq!(parse_param("args=0,2,3").unwrap().values, [0, 2, 3]);
        assert!(parse_param("depth").unwrap_err().contains("no '='"));
        assert!(parse_param("depth=5..1").unwrap_err().contains("goes up"));
        assert!(parse_param("depth=a..b")
            .unwrap_err()
            .contains("'a' is not an integer"));
    }

    #[test]
    fn a_template_renders_each_point_of_its_grid() {
        assert_eq!(placeholders(SPAWN_1547), ["depth", "pad"]);
        let params: Vec<Param> = SPAWN_1547_GRID
            .iter()
            .map(|p| parse_param(p).unwrap())
            .collect();
        let g = grid(&params);
        assert_eq!(g.len(), 10_000);
        assert_eq!(
            (g[0].clone(), g[1].clone(), g[100].clone()),
            (vec![0, 1], vec![0, 2], vec![1, 1])
        );
        let src = render(SPAWN_1547, &[("depth", 7), ("pad", 24)]);
        assert!(
            src.contains("\tdescend(7)\n") && src.contains("\tvar pad [24]byte\n"),
            "{src}"
        );
        assert!(!src.contains("{{"), "{src}");
    }

    #[test]
    fn a_sample_takes_from_every_outcome() {
        let mut pre = vec![Class::Completes; 100];
        pre[37] = Class::Issue1547;
        let post = vec![Class::Completes; 100];
        let chosen = sample(&[pre, post], 4);
        assert_eq!(chosen.len(), 4);
        assert!(chosen.contains(&37), "{chosen:?}");
        assert_eq!(sample(&[vec![Class::Completes; 3]], 10), [0, 1, 2]);
    }

    #[test]
    fn the_heat_map_has_a_cell_per_point_and_variant_and_a_legend() {
        let params = vec![
            parse_param("depth=0..2").unwrap(),
            parse_param("pad=1..2").unwrap(),
        ];
        let pre = vec![
            Class::Completes,
            Class::Issue1547,
            Class::Completes,
            Class::Completes,
            Class::Completes,
            Class::Issue1547,
        ];
        let post = vec![Class::Completes; 6];
        let svg = heat_map(&params, &["pre-1547", "post-1547"], &[pre, post]);
        assert_eq!(svg.matches("<title>").count(), 12);
        assert!(
            svg.contains("<title>depth=0 pad=2: hangs (issue 1547)</title>"),
            "{svg}"
        );
        assert!(svg.contains(">completes</text>") && svg.contains(">hangs (issue 1547)</text>"));
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>\n"));
    }
}
