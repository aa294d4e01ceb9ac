//! string.goc: comparing strings, which `==`, `!=`, `<`... on strings
//! compile to (a switch on a string too).

use crate::proc::Runtime;
use crate::{Addr, Stop};

impl Runtime {
    /// runtime·cmpstring(s1, s2) from Go code, returning to `ret`: the
    /// static cmpstring compares byte by byte, then by length; -1, 0, 1.
    pub fn cmpstring(&mut self, ret: Addr, s1: &str, s2: &str) -> Result<i64, Stop> {
        let f = self.tab.lookup("runtime.cmpstring").expect("in the table");
        let (l1, l2) = (s1.len() as u64, s2.len() as u64);
        self.call_at(ret, f, &[0, l1, 0, l2, 0])?;
        let inner = self.tab.lookup("cmpstring").expect("in the table");
        self.call(f, inner, &[0, l1, 0, l2])?;
        let v = match s1.as_bytes().cmp(s2.as_bytes()) {
            std::cmp::Ordering::Less => -1,
            std::cmp::Ordering::Equal => 0,
            std::cmp::Ordering::Greater => 1,
        };
        self.leave(inner)?;
        self.leave(f)?;
        Ok(v)
    }
}
