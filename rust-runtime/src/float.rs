//! float.c: the bit tests the runtime's float code goes through (isNaN,
//! isInf) and the constants it makes (NaN, Inf), each reading or making
//! the bits through float64tobits or float64frombits, a call each.

use crate::proc::Runtime;
use crate::symtab::FuncId;
use crate::Stop;

/// uvnan: the NaN runtime·NaN returns.
pub const NAN_BITS: u64 = 0x7FF0_0000_0000_0001;

impl Runtime {
    /// runtime·isNaN(f) called from `caller` at `line`: the bits, then,
    /// only when the exponent is all ones (C's `&&`), isInf(f, 0).
    pub(crate) fn isnan(&mut self, caller: FuncId, line: (u32, u32), v: f64) -> Result<bool, Stop> {
        let f = self.rt_fn("runtime.isNaN")?;
        self.call_c(caller, f, line, &[v.to_bits()])?;
        self.float64tobits(f, (87, 87), v)?;
        if (v.to_bits() >> 52) as u32 & 0x7ff == 0x7ff {
            self.isinf(f, (88, 88), v, 0)?;
        }
        self.leave(f)?;
        Ok(v.is_nan())
    }

    /// runtime·isInf(f, sign) called from `caller` at `line`: whether `f`
    /// is the infinity of `sign`'s sign (0: either).
    pub(crate) fn isinf(
        &mut self,
        caller: FuncId,
        line: (u32, u32),
        v: f64,
        sign: i32,
    ) -> Result<bool, Stop> {
        let f = self.rt_fn("runtime.isInf")?;
        self.call_c(caller, f, line, &[v.to_bits(), sign as u32 as u64])?;
        self.float64tobits(f, (68, 68), v)?;
        self.leave(f)?;
        Ok(match sign {
            0 => v.is_infinite(),
            s if s > 0 => v == f64::INFINITY,
            _ => v == f64::NEG_INFINITY,
        })
    }

    /// runtime·NaN() called from `caller` at `line`: float64frombits of
    /// uvnan.
    pub(crate) fn nan(&mut self, caller: FuncId, line: (u32, u32)) -> Result<f64, Stop> {
        let f = self.rt_fn("runtime.NaN")?;
        self.call_c(caller, f, line, &[])?;
        self.float64frombits(f, (79, 79), NAN_BITS)?;
        self.leave(f)?;
        Ok(f64::from_bits(NAN_BITS))
    }

    /// runtime·Inf(sign) called from `caller` at `line`: float64frombits
    /// of uvinf, or of uvneginf for a negative sign.
    pub(crate) fn inf(&mut self, caller: FuncId, line: (u32, u32), sign: i32) -> Result<f64, Stop> {
        let f = self.rt_fn("runtime.Inf")?;
        self.call_c(caller, f, line, &[sign as u32 as u64])?;
        let v = if sign >= 0 {
            self.float64frombits(f, (95, 95), f64::INFINITY.to_bits())?;
            f64::INFINITY
        } else {
            self.float64frombits(f, (97, 97), f64::NEG_INFINITY.to_bits())?;
            f64::NEG_INFINITY
        };
        self.leave(f)?;
        Ok(v)
    }

    /// runtime·float64tobits(f) called from `caller` at `line`.
    fn float64tobits(&mut self, caller: FuncId, line: (u32, u32), v: f64) -> Result<(), Stop> {
        let f = self.rt_fn("runtime.float64tobits")?;
        self.call_c(caller, f, line, &[v.to_bits()])?;
        self.leave(f)
    }

    /// runtime·float64frombits(bits) called from `caller` at `line`.
    fn float64frombits(&mut self, caller: FuncId, line: (u32, u32), bits: u64) -> Result<(), Stop> {
        let f = self.rt_fn("runtime.float64frombits")?;
        self.call_c(caller, f, line, &[bits])?;
        self.leave(f)
    }
}
