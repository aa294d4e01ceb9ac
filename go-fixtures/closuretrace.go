// A panic raised under closures, left unrecovered. Goroutine 2 runs a
// function literal (started by the go statement through its trampoline),
// which defers a closure and calls another closure, which calls a third
// that recurses into boom until it panics. The traceback walks back
// through each closure's trampoline (gentraceback's ADDQ $siz, SP; RET
// check), the deferred closure runs first (through reflect·call and its
// trampoline), and main is listed blocked in chanrecv.
// Expected outcome: exit 2 on both toolchains, "panic: deep in a closure".
package main

func boom(n int) int {
	if n == 0 {
		panic("deep in a closure")
	}
	return boom(n-1) + 1
}

func main() {
	k := 3
	f := func(d int) int { return boom(d + k) }
	done := make(chan int)
	go func() {
		defer func() { println("deferred closure sees k =", k) }()
		g := func() { done <- f(2) }
		g()
	}()
	println(<-done)
}
