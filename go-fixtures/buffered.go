// Buffered channels of capacities 0, 1, 3 and 8: for each, a producer
// goroutine sends 8 values, printing before and after each send, while a
// consumer goroutine receives them, printing each receive; main waits for
// both. The printed order shows how far the producer runs ahead of the
// consumer for each capacity (GOMAXPROCS=1: a sender blocks only when the
// buffer is full, so with cap 8 all sends complete before any receive).
// It also prints len and cap of a buffered channel as it is filled by
// main alone and drained (FIFO order).
// Expected outcome: exit 0 on both toolchains.
package main

func producer(c chan int, n int, done chan bool) {
	for i := 0; i < n; i++ {
		print(" s", i)
		c <- i
	}
	print(" S")
	done <- true
}

func consumer(c chan int, n int, done chan bool) {
	for i := 0; i < n; i++ {
		v := <-c
		print(" r", v)
	}
	print(" R")
	done <- true
}

func main() {
	caps := []int{0, 1, 3, 8}
	for _, k := range caps {
		c := make(chan int, k)
		done := make(chan bool)
		print("cap ", k, ":")
		go producer(c, 8, done)
		go consumer(c, 8, done)
		<-done
		<-done
		print("\n")
	}

	// main alone: fill then drain a cap-4 channel
	c := make(chan string, 4)
	words := []string{"alpha", "beta", "gamma", "delta"}
	for _, w := range words {
		c <- w
		println("queued", w, "len", len(c), "cap", cap(c))
	}
	for len(c) > 0 {
		w := <-c
		println("dequeued", w, "len", len(c))
	}
}
