// Channels of channels: a server answers each request on the reply
// channel the request carries, and its third answer is followed by an
// index out of range in the server goroutine.
// Expected outcome: exit 2, panic, on both toolchains.
package main

func server(reqs chan chan int) {
	n := 0
	for {
		reply := <-reqs
		n++
		reply <- n
		if n == 3 {
			var s []int
			println(s[n])
		}
	}
}

func main() {
	reqs := make(chan chan int)
	go server(reqs)
	for i := 0; i < 5; i++ {
		r := make(chan int)
		reqs <- r
		println("got", <-r)
	}
}
