// A ring of five goroutines passing a token down to zero, each calling
// runtime.Gosched before passing it on; main panics once the ring is done.
// Expected outcome: exit 2, panic "end of ring", on both toolchains.
package main

import "runtime"

func member(id int, in, out chan int, done chan bool) {
	for {
		t := <-in
		if t == 0 {
			done <- true
			return
		}
		runtime.Gosched()
		out <- t - 1
	}
}

func main() {
	n := 5
	done := make(chan bool)
	first := make(chan int)
	in := first
	for i := 0; i < n; i++ {
		out := make(chan int)
		if i == n-1 {
			out = first
		}
		go member(i, in, out, done)
		in = out
	}
	first <- 12
	<-done
	println("ring done")
	panic("end of ring")
}
