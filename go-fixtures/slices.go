// Slices made, resliced, appended to and copied: make with a length and a
// capacity (runtime.makeslice), s[lo:hi] and s[lo:] of slices and arrays
// (in line, as 6g's cgen_inline slices, or through runtime.slicearray
// where the result has no address of its own), append of values and of
// a slice (runtime.append, appendslice: appendslice1 doubles the array
// until 1024 elements, then grows it by a quarter), copy
// (runtime.slicecopy, slicestringcopy), slices of a named slice type,
// slices as operands (of len and cap: runtime.sliceslice and
// sliceslice1 are called then) and slices sent between goroutines. Last, a worker slices past its slice's cap: the in-line
// bounds check calls runtime.panicslice from the worker itself.
// Expected outcome: exit 2, panic (slice bounds out of range) on both toolchains.
package main

var table [8]int

type Stack []int

func (s Stack) top() int { return s[len(s)-1] }

func sum(s []int) int {
	t := 0
	for _, v := range s {
		t += v
	}
	return t
}

func grow(n int) []int {
	var s []int
	last := -1
	for i := 0; i < n; i++ {
		s = append(s, i)
		if cap(s) != last {
			last = cap(s)
			print(last, " ")
		}
	}
	println()
	return s
}

func window(s []int, lo, hi int, out chan []int) {
	out <- s[lo:hi]
}

func main() {
	s := make([]int, 3, 5)
	s[0] = 1
	println(len(s), cap(s))
	s = append(s, 4)
	s = append(s, 5, 6)
	println(len(s), cap(s), sum(s[1:4]), sum(s[2:]))
	var a [5]int
	a[1] = 7
	b := a[1:3]
	b[1] = 8
	println(len(b), cap(b), a[2], sum(a[:]))
	n := copy(s, b)
	println(n, s[0], s[1])
	t := append(s[:2], b...)
	println(len(t), cap(t), t[3])
	h := table[2:]
	h[0] = 3
	println(table[2], len(h), cap(h))
	g := grow(1500)
	println(len(g), sum(g[1000:1010]), len(g[2:5]), cap(g[1:]))
	n = 0
	for i := range g[1490:] {
		n += i
	}
	println(n, copy(g[1:], g), g[1], g[2])
	var st Stack
	for i := 0; i < 5; i++ {
		st = append(st, i*i)
	}
	st = st[:3]
	println(len(st), cap(st), st.top())
	buf := make([]byte, 5)
	println(copy(buf, "gopher"), string(buf), string(buf[1:3]))
	out := make(chan []int)
	for i := 0; i < 3; i++ {
		go window(g, i*10, i*10+4, out)
		w := <-out
		println(len(w), cap(w), w[0], sum(w))
	}
	go window(s, 2, 11, out)
	<-out
}
