// go statements with arguments, in the Feb-2011 dialect. Covers: a go
// call with several int arguments, with strings, with a struct value and
// a slice, with many mixed arguments (the whole argument block is copied
// to the new goroutine's stack by newproc); argument values evaluated at
// the go statement, not when the goroutine runs; go on a closure that
// captures variables (it sees later writes, since it runs later) and on a
// closure given a copy as an argument; go on method calls, with pointer
// and value receivers; go on a function value held in a variable, and on
// a variadic function. Method values (x.M as a value) do not exist in
// this dialect: 6g says "method t.M is not an expression, must be called",
// so methods are only used as calls in go statements. Note that int is
// 32 bits in this dialect even on amd64: in "mixed", int(d) with
// d = int64(1<<40) truncates to 0, so that line prints -70650.
// Each goroutine reports one line over a shared channel; with GOMAXPROCS=1
// they run in spawn order, so the output order is fixed.
// Expected outcome: exit 0 on both toolchains.
package main

type point struct {
	x, y int
	name string
}

type counter struct {
	n int
}

func (c *counter) add(k int, done chan string) {
	c.n += k
	done <- "ptr method: counter now " + itoa(c.n)
}

func (p point) show(tag string, done chan string) {
	done <- "value method " + tag + ": " + p.name + " (" + itoa(p.x) + "," + itoa(p.y) + ")"
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

func ints(a, b, c, d int, done chan string) {
	done <- "ints: " + itoa(a) + " " + itoa(b) + " " + itoa(c) + " " + itoa(d) + " sum " + itoa(a+b+c+d)
}

func strs(s, t string, u string, done chan string) {
	done <- "strings: " + s + "|" + t + "|" + u
}

func structs(p point, xs []int, done chan string) {
	s := 0
	for _, v := range xs {
		s += v
	}
	done <- "struct+slice: " + p.name + " " + itoa(p.x*p.y) + " slice sum " + itoa(s) + " len " + itoa(len(xs))
}

func mixed(a int8, b int16, c int32, d int64, e uint8, f float64, g bool, h string, i byte, j [3]int, done chan string) {
	r := int(a) + int(b) + int(c) + int(d) + int(e) + int(f*10) + int(i) + j[0] + j[1] + j[2]
	if g {
		r = -r
	}
	done <- "mixed: " + h + " " + itoa(r)
}

func variadic(done chan string, label string, xs ...int) {
	s := 0
	for _, v := range xs {
		s += v
	}
	done <- "variadic " + label + ": " + itoa(len(xs)) + " args sum " + itoa(s)
}

func main() {
	done := make(chan string)
	n := 0

	go ints(1, 2, 3, 4, done)
	n++
	go strs("alpha", "", "gamma", done)
	n++
	xs := []int{10, 20, 30}
	go structs(point{6, 7, "p67"}, xs, done)
	n++
	go mixed(-1, 300, 70000, 1<<40, 255, 2.5, true, "neg", 'A', [3]int{1, 2, 3}, done)
	n++

	// arguments are evaluated at the go statement
	k := 5
	go ints(k, k*2, k*3, k*4, done)
	k = 100
	n++

	// closures: capture by reference vs. argument copy
	m := 1
	go func() {
		done <- "closure captured m = " + itoa(m)
	}()
	go func(v int) {
		done <- "closure arg copy v = " + itoa(v)
	}(m)
	m = 2
	n += 2

	// loop variable captured vs. passed
	for i := 0; i < 3; i++ {
		go func(i int) {
			done <- "loop arg i = " + itoa(i)
		}(i)
		n++
	}
	for i := 0; i < 3; i++ {
		go func() {
			done <- "loop captured i = " + itoa(i)
		}()
		n++
	}

	// methods
	c := &counter{10}
	go c.add(5, done)
	go c.add(7, done)
	p := point{1, 2, "pt"}
	go p.show("first", done)
	p.name = "changed"
	go p.show("second", done)
	n += 4

	// function values and variadic
	f := ints
	go f(9, 8, 7, 6, done)
	go variadic(done, "none")
	go variadic(done, "three", 1, 2, 3)
	go variadic(done, "spread", xs...)
	n += 4

	for j := 0; j < n; j++ {
		println(<-done)
	}
	println("goroutines:", n, "k", k, "m", m, "counter", c.n)
}
