// A runtime error raised inside the runtime: a goroutine closes a channel
// twice. runtime.closechan calls runtime.panicstring("close of closed
// channel"), which panics as Go code does: the goroutine's deferred
// call runs, nothing recovers, and the process dies (exit 2) printing
// "panic: runtime error: close of closed channel" and the stacks.
// Expected outcome: panic, exit 2, on both toolchains.
package main

func note(what string) {
	println("deferred:", what)
}

func closer(c chan int, park chan int) {
	defer note("closer")
	close(c)
	println("closed once, closed(c) =", closed(c))
	close(c)
	park <- 1
}

func main() {
	c := make(chan int, 1)
	park := make(chan int)
	go closer(c, park)
	println("main waits")
	<-park
	println("unreachable")
}
