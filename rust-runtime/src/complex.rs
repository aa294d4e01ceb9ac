//! complex.c: complex128div, which 6g calls for every complex division
//! (walk.c's ODIV of a complex type; a complex64 one is converted to
//! complex128 and back).

use crate::proc::Runtime;
use crate::symtab::FuncId;
use crate::{Addr, Stop};

impl Runtime {
    /// runtime·complex128div(n, d) from Go code, returning to `ret`: the
    /// C99 special cases by isInf and isNaN (C's `||` and `&&` skipping
    /// the calls they need not make), NaN and Inf by runtime·NaN and
    /// runtime·Inf, else the quotient factored by the larger of `d`'s
    /// parts (Smith's method).
    pub fn complex128div(
        &mut self,
        ret: Addr,
        n: (f64, f64),
        d: (f64, f64),
    ) -> Result<(f64, f64), Stop> {
        let f = self.rt_fn("runtime.complex128div")?;
        let words = [n.0, n.1, d.0, d.1, 0.0, 0.0].map(f64::to_bits);
        self.call_at(ret, f, &words)?;
        let q = self.complex128div_body(f, n, d)?;
        self.leave(f)?;
        Ok(q)
    }

    fn complex128div_body(
        &mut self,
        f: FuncId,
        n: (f64, f64),
        d: (f64, f64),
    ) -> Result<(f64, f64), Stop> {
        let ninf = self.isinf(f, (16, 16), n.0, 0)? || self.isinf(f, (16, 16), n.1, 0)?;
        let dinf = self.isinf(f, (17, 17), d.0, 0)? || self.isinf(f, (17, 17), d.1, 0)?;
        let nnan = !ninf && (self.isnan(f, (19, 19), n.0)? || self.isnan(f, (19, 19), n.1)?);
        let dnan = !dinf && (self.isnan(f, (20, 20), d.0)? || self.isnan(f, (20, 20), d.1)?);
        if nnan || dnan {
            return Ok((self.nan(f, (23, 23))?, self.nan(f, (24, 24))?));
        }
        if ninf && !dinf && !dnan {
            return Ok((self.inf(f, (26, 26), 0)?, self.inf(f, (27, 27), 0)?));
        }
        if !ninf && !nnan && dinf {
            return Ok((0.0, 0.0));
        }
        if d.0 == 0.0 && d.1 == 0.0 {
            if n.0 == 0.0 && n.1 == 0.0 {
                return Ok((self.nan(f, (33, 33))?, self.nan(f, (34, 34))?));
            }
            return Ok((self.inf(f, (36, 36), 0)?, self.inf(f, (37, 37), 0)?));
        }
        Ok(smith(n, d))
    }
}

/// complex128div's standard case, each step rounded to float64 as the C
/// compiler's SSE code rounds it.
fn smith(n: (f64, f64), d: (f64, f64)) -> (f64, f64) {
    if d.0.abs() <= d.1.abs() {
        let ratio = d.0 / d.1;
        let denom = d.0 * ratio + d.1;
        ((n.0 * ratio + n.1) / denom, (n.1 * ratio - n.0) / denom)
    } else {
        let ratio = d.1 / d.0;
        let denom = d.1 * ratio + d.0;
        ((n.1 * ratio + n.0) / denom, (n.1 - n.0 * ratio) / denom)
    }
}

#[cfg(test)]
mod tests {
    use super::smith;

    #[test]
    fn smith_divides_as_complex_c() {
        // (-1 + 0i) / (0 + 1i) = 0 + 1i; (10+6i)/(5+12i) as the real run printed it.
        assert_eq!(smith((-1.0, 0.0), (0.0, 1.0)), (0.0, 1.0));
        let (re, im) = smith((10.0, 6.0), (5.0, 12.0));
        assert_eq!(crate::print::format_float(re), "+7.218935e-001");
        assert_eq!(crate::print::format_float(im), "-5.325444e-001");
    }
}
