// Complex numbers: imaginary literals and constant arithmetic (folded by
// the compiler, division included), complex64 and complex128 values with
// + - * (inline, by their parts) and / (runtime.complex128div, also for
// a complex64, converted there and back), its special cases (a zero
// divisor gives +Inf or NaN, an infinite one zero), == and !=, complex,
// real and imag, conversions between the two, a named complex type (6g
// takes no methods on one), complex values in arrays, slices, struct fields, through a
// pointer, through a channel and as map keys; println prints
// (+r+ii) through printcomplex, a deferred println through goprintf's
// %C. Last, complex arguments to a function that indexes a nil slice:
// the traceback prints their words.
// Expected outcome: exit 2, index out of range in main.pick.
package main

const (
	R  = 5
	I  = 6i
	C1 = R + I
	C2 = C1 * C1
	C3 = (10 + 6i) / (5 + 12i)
	Re = real(C3)
)

type Phasor complex128

func power(p Phasor) float64 {
	return real(p)*real(p) + imag(p)*imag(p)
}

type point struct {
	name string
	at   complex128
}

func div(a, b complex128) complex128 { return a / b }

func div64(a, b complex64) complex64 { return a / b }

func rotate(c complex128, n int) complex128 {
	for i := 0; i < n; i++ {
		c *= 1i
	}
	return c
}

func pick(xs []int, c complex128, d complex64) int {
	return xs[int(real(c))+int(imag(d))]
}

func main() {
	println(C1, C2, C3, Re)
	var c64 complex64 = 1.5 + 2i
	println(c64, c64*c64, -c64)
	c := complex(3.0, -4.0)
	println(real(c), imag(c), c == C1, c != C1)
	println(c*C1, c-C1, c+C1, -c)
	println(div(c, C1), div64(c64, 3i), div(C1, c))
	big := 1e308
	println(div(1, 0), div(0, 0), div(1, complex(big*10, 0)), div(complex(big*10, 1), 2))
	var f32 float32 = 0.1
	w := complex(f32, f32*2)
	println(w, real(w)*3, complex128(w), complex64(c))
	println(rotate(c, 3), rotate(1, 4) == 1)

	var zs [4]complex128
	for i := range zs {
		zs[i] = complex(float64(i), float64(-i))
	}
	s := zs[1:3]
	s[0] *= 2
	println(zs[1], s[1], len(s))

	p := &point{"origin", 0}
	p.at += 1 - 1i
	q := &p.at
	*q = *q * *q
	println(p.name, p.at)

	var ph Phasor = 3 + 4i
	println(power(ph), complex128(ph)/2, ph*ph)

	ch := make(chan complex128, 2)
	ch <- c
	ch <- C1
	println(<-ch, <-ch)

	m := make(map[complex128]string)
	for i := 0; i < 5; i++ {
		m[complex(float64(i), 1)] = "k"
	}
	m[2i] = "two i"
	println(len(m), m[complex(3, 1)], m[2i], m[7])
	n := map[complex64]int{1i: 1, -1i: 2}
	println(n[1i], n[-1i], len(n))

	defer println("deferred", c, c64)
	println(pick(nil, c, c64))
}
