// Ping-pong: two goroutines, "ping" and "pong", bounce a counter over two
// unbuffered channels, each printing a line before it passes the ball on,
// for 10 round trips (20 hits). Main serves the first ball and waits on a
// done channel. Each player also prints when it receives, so the output
// shows how the 2011 scheduler interleaves the two goroutines around each
// unbuffered hand-off (with GOMAXPROCS=1 this order is fixed).
// Expected outcome: exit 0 on both toolchains.
package main

func player(name string, in, out chan int, done chan bool) {
	for {
		n := <-in
		println(name, "got", n)
		if n >= 20 {
			println(name, "ends the rally at", n)
			done <- true
			return
		}
		println(name, "hits", n+1)
		out <- n + 1
		println(name, "after send", n+1)
	}
}

func main() {
	ping := make(chan int)
	pong := make(chan int)
	done := make(chan bool)
	go player("ping", ping, pong, done)
	go player("pong", pong, ping, done)
	println("main serves 0")
	ping <- 0
	println("main after serve")
	<-done
	println("main done")
}
