//! print.c: what println and print compile to. 6g turns each argument
//! into one call (printstring, printint, printsp between arguments,
//! printnl at the end), each a frame of its own that may split.

use crate::proc::Runtime;
use crate::{Addr, Stop};

impl Runtime {
    /// runtime·printstring(s) from Go code, returning to `ret`.
    pub fn printstring(&mut self, ret: Addr, s: &str) -> Result<(), Stop> {
        let f = self.rf.printstring;
        self.call_at(ret, f, &[0, s.len() as u64])?;
        self.print(s);
        self.leave(f)
    }
}
