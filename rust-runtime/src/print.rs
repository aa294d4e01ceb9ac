//! print.c: what println and print compile to. 6g turns each argument
//! into one call (printstring, printint, printbool, printpointer,
//! slice.c's printslice, ...;
//! printsp between println's arguments, printnl at its end), each a frame
//! of its own that may split.

use crate::proc::Runtime;
use crate::symtab::FuncId;
use crate::{Addr, Stop};

/// One argument of print or println, by the function 6g calls for it.
#[derive(Debug, Clone, PartialEq)]
pub enum PrintArg<'a> {
    Str(&'a str),
    Int(i64),
    Uint(u64),
    Bool(bool),
    Float(f64),
    /// A complex128: its real and imaginary parts.
    Complex(f64, f64),
    /// Channels, pointers, funcs: printed in hex.
    Pointer(u64),
    /// A slice: `[len/cap]` and its array's address.
    Slice {
        array: u64,
        len: u64,
        cap: u64,
    },
    Sp,
    Nl,
}

impl Runtime {
    /// runtime·printstring(s) from Go code, returning to `ret`.
    pub fn printstring(&mut self, ret: Addr, s: &str) -> Result<(), Stop> {
        self.print_arg(ret, &PrintArg::Str(s))
    }

    /// The print function for `arg`, called from Go code returning to `ret`.
    pub fn print_arg(&mut self, ret: Addr, arg: &PrintArg<'_>) -> Result<(), Stop> {
        let f = self.print_func(arg);
        self.call_at(ret, f, &print_words(arg))?;
        self.print_body(f, arg)?;
        self.leave(f)
    }

    /// The print function for `arg` called from C code in `caller` on
    /// `line`.
    fn print_from_c(
        &mut self,
        caller: FuncId,
        line: (u32, u32),
        arg: &PrintArg<'_>,
    ) -> Result<(), Stop> {
        let f = self.print_func(arg);
        self.call_c(caller, f, line, &print_words(arg))?;
        self.print_body(f, arg)?;
        self.leave(f)
    }

    /// The body of `f`, the print function for `arg`. Each writes through
    /// runtime·write (print.c; the lines are its calls').
    fn print_body(&mut self, f: FuncId, arg: &PrintArg<'_>) -> Result<(), Stop> {
        match arg {
            PrintArg::Str(s) if !s.is_empty() => self.write(f, (335, 335), s),
            PrintArg::Str(_) => Ok(()),
            PrintArg::Int(v) => {
                // printint writes the sign, then printuint the digits.
                if *v < 0 {
                    self.write(f, (296, 296), "-")?;
                }
                self.printuint_from(f, v.unsigned_abs())
            }
            PrintArg::Uint(v) => self.write(f, (289, 289), &v.to_string()),
            PrintArg::Bool(true) => self.write(f, (184, 184), "true"),
            PrintArg::Bool(false) => self.write(f, (187, 187), "false"),
            PrintArg::Float(v) => self.printfloat(f, *v),
            PrintArg::Complex(re, im) => self.printcomplex(f, *re, *im),
            PrintArg::Pointer(v) => {
                // printpointer -> printhex
                let h = self.rf.printhex;
                self.call(f, h, &[*v])?;
                self.write(h, (316, 316), &format!("{v:#x}"))?;
                self.leave(h)
            }
            PrintArg::Slice { array, len, cap } => {
                // slice.c's printslice, lines 305-310.
                self.prints(f, (305, 305), "[")?;
                self.print_from_c(f, (306, 306), &PrintArg::Int(*len as i64))?;
                self.prints(f, (307, 307), "/")?;
                self.print_from_c(f, (308, 308), &PrintArg::Int(*cap as i64))?;
                self.prints(f, (309, 309), "]")?;
                self.print_from_c(f, (310, 310), &PrintArg::Pointer(*array))
            }
            PrintArg::Sp => self.write(f, (341, 341), " "),
            PrintArg::Nl => self.write(f, (347, 347), "\n"),
        }
    }

    /// runtime·prints(s) from C code in `caller` on `line`: findnull for
    /// the length, then write.
    fn prints(&mut self, caller: FuncId, line: (u32, u32), s: &str) -> Result<(), Stop> {
        let (p, fnl) = (self.rt_fn("runtime.prints")?, self.rf.findnull);
        self.call_c(caller, p, line, &[0])?;
        self.call_leaf(p, fnl, &[0])?;
        self.write(p, (32, 32), s)?;
        self.leave(p)
    }

    /// The print function 6g calls for `arg`.
    fn print_func(&self, arg: &PrintArg<'_>) -> FuncId {
        let name = match arg {
            PrintArg::Str(_) => "runtime.printstring",
            PrintArg::Int(_) => "runtime.printint",
            PrintArg::Uint(_) => "runtime.printuint",
            PrintArg::Bool(_) => "runtime.printbool",
            PrintArg::Float(_) => "runtime.printfloat",
            PrintArg::Complex(..) => "runtime.printcomplex",
            PrintArg::Pointer(_) => "runtime.printpointer",
            PrintArg::Slice { .. } => "runtime.printslice",
            PrintArg::Sp => "runtime.printsp",
            PrintArg::Nl => "runtime.printnl",
        };
        self.tab
            .lookup(name)
            .expect("the print functions are in every table")
    }

    /// The body of runtime·printfloat(v) (print.c), entered as `f`: NaN
    /// and the infinities through float.c's isNaN and isInf, else
    /// `+d.dddddde+ddd` in one write.
    fn printfloat(&mut self, f: FuncId, v: f64) -> Result<(), Stop> {
        self.isnan(f, (197, 197), v)?;
        if v.is_nan() {
            return self.write(f, (198, 198), "NaN");
        }
        self.isinf(f, (201, 201), v, 1)?;
        if v == f64::INFINITY {
            return self.write(f, (202, 202), "+Inf");
        }
        self.isinf(f, (205, 205), v, -1)?;
        if v == f64::NEG_INFINITY {
            return self.write(f, (206, 206), "-Inf");
        }
        self.write(f, (265, 265), &format_float(v))
    }

    /// The body of runtime·printcomplex(v) (print.c), entered as `f`:
    /// `(`, each part by printfloat, `i)`.
    fn printcomplex(&mut self, f: FuncId, re: f64, im: f64) -> Result<(), Stop> {
        self.write(f, (271, 271), "(")?;
        self.print_from_c(f, (272, 272), &PrintArg::Float(re))?;
        self.print_from_c(f, (273, 273), &PrintArg::Float(im))?;
        self.write(f, (274, 274), "i)")
    }

    /// A call from C code in `caller` at its call on `line`.
    pub(crate) fn call_c(
        &mut self,
        caller: FuncId,
        callee: FuncId,
        line: (u32, u32),
        args: &[u64],
    ) -> Result<(), Stop> {
        let ret = self.site_line(caller, callee, line);
        self.call_at(ret, callee, args)
    }

    fn printuint_from(&mut self, caller: FuncId, v: u64) -> Result<(), Stop> {
        let f = self.rt_fn("runtime.printuint")?;
        self.call(caller, f, &[v])?;
        self.write(f, (289, 289), &v.to_string())?;
        self.leave(f)
    }
}

/// The argument words of `arg`'s print function.
fn print_words(arg: &PrintArg<'_>) -> Vec<u64> {
    match arg {
        PrintArg::Str(s) => vec![0, s.len() as u64],
        PrintArg::Int(v) => vec![*v as u64],
        PrintArg::Uint(v) | PrintArg::Pointer(v) => vec![*v],
        PrintArg::Bool(b) => vec![u64::from(*b)],
        PrintArg::Float(v) => vec![v.to_bits()],
        PrintArg::Complex(re, im) => vec![re.to_bits(), im.to_bits()],
        PrintArg::Slice { array, len, cap } => vec![*array, len | cap << 32],
        PrintArg::Sp | PrintArg::Nl => vec![],
    }
}

/// One argument of a deferred print, as vprintf reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Verb {
    /// `%S`: a string.
    S(String),
    /// `%D`: an int64 (every integer but uint64, converted).
    D(i64),
    /// `%U`: a uint64.
    U(u64),
    /// `%t`: a bool.
    T(bool),
    /// `%p`: a pointer, channel or func.
    P(u64),
    /// `%f`: a float64 (a float32 converted).
    F(f64),
    /// `%C`: a complex128 (a complex64 converted).
    C(f64, f64),
    /// `%a`: a slice (its array, len, cap).
    A(u64, u64, u64),
}

impl Verb {
    /// The letter 6g's walkprint writes into the format for it.
    pub fn letter(&self) -> char {
        match self {
            Verb::S(_) => 'S',
            Verb::D(_) => 'D',
            Verb::U(_) => 'U',
            Verb::T(_) => 't',
            Verb::P(_) => 'p',
            Verb::F(_) => 'f',
            Verb::C(..) => 'C',
            Verb::A(..) => 'a',
        }
    }
}

impl Runtime {
    /// The body of runtime·goprintf(s, ...) (print.c, textflag 7), which
    /// `defer print(...)` and `defer println(...)` defer: 6g's walkprint
    /// turns the arguments into a format ("%S %D\n") and the values after
    /// it. goprintf has been entered (by deferreturn or by a panic); this
    /// runs vprintf, which writes the literal text between verbs with
    /// runtime·write and each verb with its print function. The caller
    /// then returns from goprintf.
    pub fn goprintf(&mut self, format: &str, args: &[Verb]) -> Result<(), Stop> {
        let gp = self.rt_fn("runtime.goprintf")?;
        let vp = self.rt_fn("vprintf")?;
        self.call(gp, vp, &[0, 0])?;
        let mut args = args.iter();
        let mut lit = String::new();
        let mut chars = format.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                lit.push(c);
                continue;
            }
            if !lit.is_empty() {
                self.write(vp, (68, 68), &std::mem::take(&mut lit))?;
            }
            let verb = chars.next();
            let arg = args.next().filter(|a| Some(a.letter()) == verb);
            let Some(arg) = arg else {
                unreachable!("6g writes one verb per argument, in order")
            };
            // vprintf's switch: each verb's call site (print.c lines).
            let (pa, line) = match arg {
                Verb::S(s) => (PrintArg::Str(s), 139),
                Verb::D(v) => (PrintArg::Int(*v), 118),
                Verb::U(v) => (PrintArg::Uint(*v), 145),
                Verb::T(b) => (PrintArg::Bool(*b), 142),
                Verb::P(v) => (PrintArg::Pointer(*v), 133),
                Verb::F(v) => (PrintArg::Float(*v), 124),
                Verb::C(re, im) => (PrintArg::Complex(*re, *im), 127),
                Verb::A(array, len, cap) => (
                    PrintArg::Slice {
                        array: *array,
                        len: *len,
                        cap: *cap,
                    },
                    112,
                ),
            };
            let callee = self.print_func(&pa);
            let ret = self.site_line(vp, callee, (line, line));
            self.print_arg(ret, &pa)?;
        }
        if !lit.is_empty() {
            self.write(vp, (158, 158), &lit)?;
        }
        self.leave(vp)
    }

    /// runtime·write(2, text) from `caller` at its call on `line`.
    fn write(&mut self, caller: FuncId, line: (u32, u32), text: &str) -> Result<(), Stop> {
        let w = self.rf.write;
        let ret = self.site_line(caller, w, line);
        self.call_at(ret, w, &[2, 0, text.len() as u64])?;
        self.print(text);
        self.leave(w)
    }
}

/// What runtime·printfloat writes for a finite `v`: seven digits
/// `+d.dddddde+ddd`, computed as print.c computes them, in float64 (so
/// with its rounding, not Rust's).
pub fn format_float(mut v: f64) -> String {
    const N: usize = 7;
    let mut e: i32 = 0;
    let mut neg = false;
    if v != 0.0 {
        if v < 0.0 {
            v = -v;
            neg = true;
        }
        while v >= 10.0 {
            e += 1;
            v /= 10.0;
        }
        while v < 1.0 {
            e -= 1;
            v *= 10.0;
        }
        let mut h = 5.0;
        for _ in 0..N {
            h /= 10.0;
        }
        v += h;
        if v >= 10.0 {
            e += 1;
            v /= 10.0;
        }
    }
    let mut buf = [0u8; N + 7];
    buf[0] = if neg { b'-' } else { b'+' };
    for i in 0..N {
        // `s = v`: float64 to int32, toward zero.
        let s = v as i32;
        buf[i + 2] = (s as u8).wrapping_add(b'0');
        v -= f64::from(s);
        v *= 10.0;
    }
    buf[1] = buf[2];
    buf[2] = b'.';
    buf[N + 2] = b'e';
    buf[N + 3] = b'+';
    if e < 0 {
        e = -e;
        buf[N + 3] = b'-';
    }
    buf[N + 4] = (e / 100) as u8 + b'0';
    buf[N + 5] = ((e / 10) % 10) as u8 + b'0';
    buf[N + 6] = (e % 10) as u8 + b'0';
    String::from_utf8_lossy(&buf).into_owned()
}

#[cfg(test)]
mod tests {
    use super::format_float;

    #[test]
    fn floats_print_as_print_c_prints_them() {
        assert_eq!(format_float(2.5), "+2.500000e+000");
        assert_eq!(format_float(0.0), "+0.000000e+000");
        assert_eq!(format_float(-1.0 / 3.0), "-3.333333e-001");
        assert_eq!(format_float(1e100), "+1.000000e+100");
        assert_eq!(format_float(9.9999999), "+1.000000e+001");
    }
}
