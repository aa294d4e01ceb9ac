// Crowd: a deadlock of many goroutines. main spawns 100 workers that each
// wait to receive a number, hands numbers to three of them, which then
// block sending their results on a channel nobody reads, and blocks
// itself on a channel nobody sends on. With every goroutine asleep the
// 2011 runtime throws "all goroutines are asleep - deadlock!" and prints
// all 101 goroutines, in state [4]: 97 workers in chanrecv, 3 in
// chansend, main in chanrecv. In a shape's buckets that is three blocks.
// Expected outcome: deadlock throw, exit 2, on both toolchains.
package main

func worker(id int, in chan int, out chan int) {
	v := <-in
	out <- v*100 + id
}

func main() {
	in := make(chan int)
	out := make(chan int)
	for i := 0; i < 100; i++ {
		go worker(i, in, out)
	}
	for i := 1; i <= 3; i++ {
		in <- i
	}
	println("handed out 3 of 100")
	never := make(chan bool)
	<-never
}
