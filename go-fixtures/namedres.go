// Named results and the calls deferred over them: `return v` assigns v
// to the named result before deferreturn runs the deferred closures,
// which change it; a recover sets the results a panic (not a signal's:
// its frame would write over the Defer record) left; `return f()`
// of a call with two results (walk's ORETURN as an OAS2FUNC). Then go
// and defer of functions that have results: newproc's and deferproc's
// size is the callee's whole argsize, results included, so each new
// goroutine's frame starts that much lower; the goroutines park and the
// program deadlocks, the dump printing each frame's argument and result
// words.
// Expected outcome: exit 2, all goroutines are asleep (deadlock).
package main

func double() (n int) {
	defer func() { n *= 2 }()
	return 21
}

func safeDiv(a, b int) (q int, err string) {
	defer func() {
		if r := recover(); r != nil {
			q, err = -1, "recovered"
		}
	}()
	if b == 0 {
		panic("division by zero")
	}
	return a / b, "ok"
}

func pair(n int) (int, bool) {
	return n * 3, n > 0
}

func relay(n int) (int, bool) {
	return pair(n)
}

func park(c chan int, id int) (int, string) {
	c <- id
	return id, "done"
}

func depth(c chan int, n int) (sum int, ok bool) {
	if n == 0 {
		<-c
		return
	}
	s, o := depth(c, n-1)
	return s + n, o
}

func main() {
	println(double())
	q, e := safeDiv(7, 2)
	println(q, e)
	q, e = safeDiv(1, 0)
	println(q, e)
	v, ok := relay(4)
	println(v, ok)
	c := make(chan int)
	w := make(chan int)
	go park(c, 1)
	go depth(w, 5)
	go park(c, 2)
	println(<-c)
	defer park(c, 9)
	d := make(chan int)
	<-d
}
