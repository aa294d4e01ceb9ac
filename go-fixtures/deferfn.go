// Deferred calls of Go functions, in goroutines: each function's deferred
// calls run last-in first-out when it returns, with the arguments they had
// at the defer statement; a deferred call may itself defer, and call
// functions that defer. A worker then panics with deferred calls pending:
// they run, on the panic's segments, before the process dies (exit 2) with
// the panic's traceback and the other goroutines.
// Expected outcome: panic, exit 2, on both toolchains.
package main

func note(tag string, n int) {
	println("deferred", tag, n)
}

func inner(n int) int {
	defer note("inner", n)
	println("inner body", n)
	return n * 2
}

func outer(n int) {
	defer note("outer", n)
	defer note("outer calls inner, got", inner(n))
	n = n + 100
	println("outer body, n now", n)
}

func worker(id int, done chan int) {
	for i := 0; i < 3; i++ {
		defer note("worker loop", id*10+i)
	}
	outer(id)
	done <- id
}

func level(depth int) int {
	defer note("level", depth)
	if depth == 3 {
		panic("panicking at depth 3")
	}
	return level(depth+1) + 1
}

func crasher(park chan int) {
	defer note("crasher", 0)
	level(1)
	park <- 1
}

func main() {
	done := make(chan int)
	for id := 1; id <= 2; id++ {
		go worker(id, done)
	}
	println("main got", <-done)
	println("main got", <-done)
	park := make(chan int)
	go crasher(park)
	<-park
	println("unreachable")
}
