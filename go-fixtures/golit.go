// Goroutines started from function literals at several depths of a
// recursion, each literal on a line of its own or spread over several,
// one of them panicking after a deferred closure runs; the other
// goroutines are parked on channels.
// Expected outcome: panic, exit 2, on both toolchains.
package main

func spawn(n int, park chan int, fail chan int) {
	if n == 0 {
		go func() {
			defer func() { println("deferred in literal") }()
			v := <-fail
			if v > 0 {
				panic("literal failed")
			}
		}()
		return
	}
	go func() { <-park }()
	spawn(n-1, park, fail)
}

func main() {
	park := make(chan int)
	fail := make(chan int)
	spawn(3, park, fail)
	fail <- 1
	<-park
}
