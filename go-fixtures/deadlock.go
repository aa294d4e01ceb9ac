// Deadlock: main spawns three goroutines that each block forever (one
// receiving on a channel nobody sends on, one sending on an unbuffered
// channel nobody receives from, one in an empty select{}), lets them run
// by handing off on a sync channel, then blocks itself receiving on a
// channel nobody will send on. With every goroutine asleep the 2011
// runtime prints "throw: all goroutines are asleep - deadlock!", the
// scheduler's own stack (runtime.throw, nextgandunlock, scheduler,
// runtime.mstart, _rt0_amd64), then goroutines 4, 3, 2, 1, all in state
// [4] (selector in runtime.block, sender in chansend, receiver and main
// in chanrecv), and exits with status 2.
// Expected outcome: deadlock throw, exit 2, on both toolchains.
package main

func receiver(ready chan bool, c chan int) {
	println("receiver: blocking in receive")
	ready <- true
	<-c
	println("receiver: unreachable")
}

func sender(ready chan bool, c chan int) {
	println("sender: blocking in send")
	ready <- true
	c <- 1
	println("sender: unreachable")
}

func selector(ready chan bool) {
	println("selector: blocking in empty select")
	ready <- true
	select {}
	println("selector: unreachable")
}

func main() {
	ready := make(chan bool)
	go receiver(ready, make(chan int))
	go sender(ready, make(chan int))
	go selector(ready)
	for i := 0; i < 3; i++ {
		<-ready
	}
	never := make(chan int)
	println("main: blocking forever")
	<-never
	println("main: unreachable")
}
