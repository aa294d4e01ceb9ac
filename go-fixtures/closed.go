// Closing channels in the Feb-2011 dialect, where the builtin closed(c)
// still exists (it reports true only after at least one zero value has
// been received from the closed, drained channel) and `v, ok := <-c` is
// not a closed-test (it was the non-blocking receive; see okrecv.go).
// Covers: buffered values still delivered after close; receiving zero
// values from a closed channel without blocking (int, string, pointer);
// closed() before and after the first zero value; the pre-Go-1 idiom
// `v := <-c; if closed(c) { break }` over a channel a goroutine closes;
// range over a channel until a goroutine closes it; a closed channel as an
// always-ready select case; and, recovered, the run-time panics for send
// on a closed channel, close of a closed channel and receive from a nil
// channel (printed through their String method).
// Expected outcome: exit 0 on both toolchains.
package main

type stringer interface {
	String() string
}

func try(name string, f func()) {
	defer func() {
		e := recover()
		if s, ok := e.(stringer); ok {
			println(name, "panicked:", s.String())
		} else {
			println(name, "did not panic", e == nil)
		}
	}()
	f()
}

func produce(c chan int, n int) {
	for i := 1; i <= n; i++ {
		c <- i * 10
	}
	close(c)
	println("producer closed its channel")
}

func main() {
	c := make(chan int, 3)
	c <- 1
	c <- 2
	close(c)
	println("after close: len", len(c), "closed", closed(c))
	println("recv", <-c, "closed", closed(c))
	println("recv", <-c, "closed", closed(c))
	println("recv", <-c, "closed", closed(c), "(zero value)")
	println("recv", <-c, "closed", closed(c), "(zero value again)")

	s := make(chan string)
	close(s)
	v := <-s
	println("string zero value: len", len(v), "quoted \""+v+"\"")
	p := make(chan *int)
	close(p)
	println("pointer zero value is nil:", <-p == nil)

	// old idiom: receive, then test closed()
	d := make(chan int)
	go produce(d, 4)
	sum := 0
	for {
		x := <-d
		if closed(d) {
			println("idiom: closed after zero value", x)
			break
		}
		println("idiom: got", x)
		sum += x
	}
	println("idiom: sum", sum)

	// range until closed
	e := make(chan int)
	go produce(e, 5)
	sum = 0
	for x := range e {
		println("range: got", x)
		sum += x
	}
	println("range: done, sum", sum, "closed", closed(e))

	// a closed channel is always ready in select
	n := 0
	for i := 0; i < 3; i++ {
		select {
		case x := <-e:
			println("select: closed channel ready, got", x)
			n++
		default:
			println("select: default (unexpected)")
		}
	}
	println("select: ready", n, "of 3")

	try("send on closed", func() { c <- 3 })
	try("close of closed", func() { close(c) })
	var nilc chan int
	try("recv from nil", func() { <-nilc })
	try("close of open", func() { close(make(chan int)) })
	println("done")
}
