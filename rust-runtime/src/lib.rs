//! A deterministic twin of the February-2011 Go runtime's spawn and stack
//! paths (malg, newproc1, stackalloc, the scheduler, oldstack), built in two
//! variants: before and after the fix for Go issue 1547.
//!
//! The runtime paths themselves arrive with their own issue; what lives here
//! now is what the harness and the twin must agree on from the start: the
//! names of the two variants.

use std::fmt;
use std::str::FromStr;

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
