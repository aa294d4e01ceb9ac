// select in the 2011 runtime.
// Part 1, default case: a select with receive and send cases on unbuffered
// channels with no partner takes default; a buffered channel holding a
// value makes its receive case ready; a goroutine parked in a send makes
// the receive case ready (main first hands off to it on a sync channel so
// that it runs and blocks, GOMAXPROCS=1); a nil channel's case is never
// ready.
// Part 2, several ready cases: four buffered channels that always hold a
// value (refilled after each receive), plus a send case on a buffered
// channel that is always drained, selected 5000 times; prints how often
// each case was chosen and the total. The choice among ready cases is
// pseudo-random, but the 2011 runtime's generator (fastrand1 in chan.c) is
// a static LFSR with a fixed seed, so with one thread and no other selects
// the counts are the same on every run and on both toolchains; they are
// printed as they come (the total is 5000 either way). The parked
// sender's last line never prints: after 1e main never blocks again.
// Expected outcome: exit 0 on both toolchains.
package main

func parkedSender(ready chan bool, c chan int) {
	ready <- true
	c <- 42
	println("sender: send completed")
}

func main() {
	// Part 1
	u := make(chan int)
	select {
	case v := <-u:
		println("1a: received", v, "(unexpected)")
	default:
		println("1a: nothing ready, default taken")
	}
	select {
	case u <- 1:
		println("1b: sent (unexpected)")
	default:
		println("1b: no receiver, default taken")
	}
	b := make(chan int, 1)
	b <- 7
	select {
	case v := <-b:
		println("1c: buffered value ready, received", v)
	default:
		println("1c: default (unexpected)")
	}
	ready := make(chan bool)
	go parkedSender(ready, u)
	select {
	case v := <-u:
		println("1d: received", v, "(unexpected: sender has not run)")
	default:
		println("1d: sender spawned but not yet run, default taken")
	}
	<-ready
	select {
	case v := <-u:
		println("1e: parked sender ready, received", v)
	default:
		println("1e: default (unexpected)")
	}
	var nilc chan int
	select {
	case v := <-nilc:
		println("1f: received from nil channel (unexpected)", v)
	case b <- 8:
		println("1f: nil case skipped, sent 8 on buffered channel")
	default:
		println("1f: default (unexpected)")
	}
	println("1f: drained", <-b)

	// Part 2
	c := make([]chan int, 4)
	for i := range c {
		c[i] = make(chan int, 1)
		c[i] <- i
	}
	out := make(chan int, 1)
	var count [5]int
	const rounds = 5000
	for n := 0; n < rounds; n++ {
		select {
		case v := <-c[0]:
			count[0]++
			c[0] <- v
		case v := <-c[1]:
			count[1]++
			c[1] <- v
		case v := <-c[2]:
			count[2]++
			c[2] <- v
		case v := <-c[3]:
			count[3]++
			c[3] <- v
		case out <- n:
			count[4]++
			<-out
		}
	}
	total := 0
	for i, k := range count {
		println("case", i, "chosen", k, "times")
		total += k
	}
	println("total", total)
	for i, k := range count {
		if k == 0 {
			println("case", i, "never chosen (unexpected)")
		}
	}
}
