// Fan-in over select from two producers that close their channels;
// `closed(c)` filters the zero values; then a receive from a nil channel,
// which the 2011 runtime turns into a runtime error.
// Expected outcome: exit 2, panic, on both toolchains.
package main

func producer(c chan int, n int, tag int) {
	for i := 0; i < n; i++ {
		c <- tag*100 + i
	}
	close(c)
}

func main() {
	a := make(chan int)
	b := make(chan int)
	go producer(a, 3, 1)
	go producer(b, 4, 2)
	na, nb := 0, 0
	for na+nb < 7 {
		select {
		case v := <-a:
			if !closed(a) {
				println("a", v)
				na++
			}
		case v := <-b:
			if !closed(b) {
				println("b", v)
				nb++
			}
		}
	}
	var z chan int
	<-z
}
