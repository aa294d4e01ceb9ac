// A send on a closed channel. chan.c's chansend panics with
// panicstring("send on closed channel") at the second of its two calls of
// panicstring (the first is for a nil channel), and selectgo has its own
// such call for a send case. A goroutine's select send on a closed
// channel is recovered; then main's plain send on a closed buffered
// channel goes unrecovered: the runtime error's trace runs through
// runtime.panicstring and runtime.chansend at that second call site,
// the message's address its first argument word.
// Expected outcome: exit 2, panic, on both toolchains.
package main

func trysend(c chan int, never chan bool, done chan bool) {
	defer func() {
		e := recover()
		if e != nil {
			println("select send: recovered")
		}
		done <- true
	}()
	select {
	case c <- 1:
		println("select send: sent")
	case <-never:
		println("select: received")
	}
}

func main() {
	c := make(chan int, 1)
	close(c)
	never := make(chan bool)
	done := make(chan bool)
	go trysend(c, never, done)
	<-done
	println("plain send")
	c <- 2
	println("unreachable")
}
