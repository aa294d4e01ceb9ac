//! iface.c: the conversion of a value to an empty interface, which 6g
//! calls for `panic(v)` (panic takes an interface{}).

use crate::proc::Runtime;
use crate::{Addr, Stop};

impl Runtime {
    /// runtime·convT2E(t, elem) (textflag 7) from Go code, returning to
    /// `ret`, for a value of `wid` bytes: Eface{t, data}, where copyin
    /// stores a value of up to a word in data itself and mallocs room for
    /// a bigger one (a string's 16 bytes). Returns the data word's
    /// allocation, if any.
    pub fn convt2e(&mut self, ret: Addr, wid: u32) -> Result<Option<Addr>, Stop> {
        let f = self.tab.lookup("runtime.convT2E").expect("in every table");
        self.call_at(ret, f, &[0])?;
        // ret = elem + rnd(wid, Structrnd)
        let rnd = self.tab.lookup("runtime.rnd").expect("in every table");
        self.call(f, rnd, &[u64::from(wid), 8])?;
        self.leave(rnd)?;
        let copyin = self.tab.lookup("copyin").expect("in every table");
        self.call(f, copyin, &[0, 0, 0])?;
        let data = if wid as usize <= std::mem::size_of::<u64>() {
            None
        } else {
            Some(self.mal(copyin, wid)?)
        };
        self.leave(copyin)?;
        self.leave(f)?;
        Ok(data)
    }
}
