// Deadlock with goroutines parked in selects. One goroutine waits in a
// select on two receives, one in a select on a send and a receive, one
// sends on a full buffered channel; main then waits in a select on three
// channels of its own, nobody ever sends. With every goroutine asleep the
// 2011 runtime throws "all goroutines are asleep - deadlock!" from the
// scheduler and lists every goroutine: the selecting ones parked in
// runtime.selectgo (called from the exported runtime.selectgo with the
// Select 6g's code built), the sender in chansend. The select sets are
// allocated by runtime·newselect, so their addresses (the argument words)
// follow the heap as the real one fills it.
// Expected outcome: deadlock throw, exit 2, on both toolchains.
package main

func twoRecv(ready chan bool, a, b chan int) {
	println("twoRecv: selecting")
	ready <- true
	select {
	case v := <-a:
		println("twoRecv: got a", v)
	case v := <-b:
		println("twoRecv: got b", v)
	}
	println("twoRecv: unreachable")
}

func sendOrRecv(ready chan bool, out chan int, in chan string) {
	println("sendOrRecv: selecting")
	ready <- true
	select {
	case out <- 7:
		println("sendOrRecv: sent")
	case s := <-in:
		println("sendOrRecv: got", s)
	}
	println("sendOrRecv: unreachable")
}

func fullSend(ready chan bool, c chan int) {
	c <- 1
	c <- 2
	println("fullSend: buffer full, sending a third")
	ready <- true
	c <- 3
	println("fullSend: unreachable")
}

func main() {
	ready := make(chan bool)
	go twoRecv(ready, make(chan int), make(chan int))
	go sendOrRecv(ready, make(chan int), make(chan string))
	go fullSend(ready, make(chan int, 2))
	for i := 0; i < 3; i++ {
		<-ready
	}
	x, y, z := make(chan int), make(chan bool), make(chan string)
	println("main: selecting forever")
	select {
	case v := <-x:
		println("main: x", v)
	case <-y:
		println("main: y")
	case s := <-z:
		println("main: z", s)
	}
	println("main: unreachable")
}
