// defer/panic/recover inside goroutines. Six worker goroutines each push
// three deferred prints (run in LIFO order: 3, 2, 1) under a deferred
// recover, then panic in a different way: panic(string), panic(int),
// index out of range, failed type assertion, panic with a value of a
// user type with a String method, and no panic at all. Each recovering
// defer reports on a shared channel; main collects the six reports and
// prints them in arrival order. Also: a deferred function that panics
// again while the first panic is being handled (the newer value is what
// recover sees), recover() returning nil outside a panic and when called
// not directly by a deferred function, deferred calls evaluating their
// arguments at the defer statement, and a recovered function returning
// its named result set by the defer.
// Signal-based run-time panics (nil dereference, integer divide by zero)
// are left out on purpose: on these builds running on today's kernel,
// recovering one and then sending on a channel made before it dies
// ("integer divide by zero" in runtime.rnd from chansend1, or "unexpected
// fault address ... throw: fault"), the channel's memory apparently
// clobbered by the signal delivery.
// Expected outcome: exit 0 on both toolchains.
package main

type stringer interface {
	String() string
}

func describe(e interface{}) string {
	switch v := e.(type) {
	case nil:
		return "nothing"
	case string:
		return "string " + v
	case int:
		return "int " + itoa(v)
	case stringer:
		return "stringer: " + v.String()
	}
	return "other"
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

type myErr struct{ code int }

func (m myErr) String() string { return "myErr code " + itoa(m.code) }

func work(id int, report chan string) {
	defer func() {
		e := recover()
		report <- "worker " + itoa(id) + " recovered " + describe(e)
	}()
	for k := 1; k <= 3; k++ {
		defer println("  worker", id, "deferred print", k)
	}
	var a []int
	var e interface{} = "a string"
	switch id {
	case 0:
		panic("boom")
	case 1:
		panic(42)
	case 2:
		a = make([]int, 3)
		i := 5
		v := a[i]
		println("  worker 2 read a[5]:", v)
	case 3:
		n := e.(int)
		println("  worker 3 asserted int:", n)
	case 4:
		panic(myErr{7})
	}
	println("  worker", id, "returns normally")
}

func repanic() (r string) {
	defer func() {
		r = "recovered " + describe(recover())
	}()
	defer func() {
		panic("second")
	}()
	panic("first")
}

func helper() interface{} {
	return recover()
}

func indirect() (r string) {
	defer func() {
		r = "direct " + describe(recover())
	}()
	defer func() {
		println("indirect recover via helper:", describe(helper()))
	}()
	panic("x")
}

func argsAtDefer() {
	i := 1
	defer println("deferred arg was", i)
	i = 2
	println("i is now", i)
}

func named() (n int) {
	defer func() {
		recover()
		n = 99
	}()
	n = 1
	panic("lost")
}

func main() {
	const N = 6
	report := make(chan string)
	for i := 0; i < N; i++ {
		go work(i, report)
	}
	for i := 0; i < N; i++ {
		println(<-report)
	}
	println("repanic:", repanic())
	println("recover outside panic:", describe(recover()))
	println(indirect())
	argsAtDefer()
	println("named result set by defer:", named())
}
