// A runtime error in a goroutine: an index out of range (the index is
// computed, so the compiler cannot see it) calls runtime.panicindex, which
// panics with a runtime error; the goroutine's deferred call runs, nothing
// recovers, and the process dies (exit 2) printing "panic: runtime error:
// index out of range" with the panicking goroutine's traceback (through
// runtime.panicstring and runtime.panicindex) and main's.
// Expected outcome: panic, exit 2, on both toolchains.
package main

func note(what string) {
	println("deferred:", what)
}

func pick(a []int, i int) int {
	defer note("pick")
	return a[i]
}

func worker(n int, done chan int) {
	a := make([]int, 3)
	sum := 0
	for i := 0; i < n; i++ {
		sum += pick(a, i)
		println("picked", i)
	}
	done <- sum
}

func main() {
	done := make(chan int)
	go worker(5, done)
	println("main waits")
	println("unreachable", <-done)
}
