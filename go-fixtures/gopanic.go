// A panic escaping a goroutine other than main. Main spawns a helper that
// parks on a channel, then a worker that runs a deferred print, calls
// down three levels and panics with a string value. Nothing recovers, so
// the deferred print runs and then the whole process dies: the 2011
// runtime prints "panic: worker failed at depth 3", the panicking
// goroutine's traceback with no "goroutine N" heading (runtime.panic,
// three main.level frames, main.worker, runtime.goexit), then
// "goroutine 2 [4]:" (the parked helper) and "goroutine 1 [4]:" (main,
// in chanrecv), and exits with status 2. Main's "unreachable" line never
// prints.
// Expected outcome: panic, exit 2, on both toolchains.
package main

func level(depth int, limit int) int {
	if depth == limit {
		panic("worker failed at depth 3")
	}
	return level(depth+1, limit) + 1
}

func worker(done chan int) {
	defer println("worker: deferred print runs before the crash")
	println("worker: starting")
	done <- level(1, 3)
}

func helper(park chan int) {
	println("helper: parking")
	<-park
}

func main() {
	park := make(chan int)
	done := make(chan int)
	go helper(park)
	go worker(done)
	println("main: waiting")
	v := <-done
	println("main: unreachable", v)
}
