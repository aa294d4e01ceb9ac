// A relay of six goroutines, each adding its id and passing the value
// on; the first value past 100 panics in a relay goroutine, with main and
// the other relays parked in chanrecv/chansend.
// Expected outcome: exit 2, panic "relay overflow", on both toolchains.
package main

func relay(in chan int, out chan int, id int) {
	for {
		v := <-in
		if v > 100 {
			panic("relay overflow")
		}
		out <- v + id
	}
}

func main() {
	first := make(chan int)
	in := first
	for i := 0; i < 6; i++ {
		out := make(chan int)
		go relay(in, out, i)
		in = out
	}
	for k := 0; k < 10; k++ {
		first <- k * 20
		println(<-in)
	}
}
