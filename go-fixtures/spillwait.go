// A buffered channel made first, then a nil pointer's SIGSEGV in a
// goroutine, recovered: the signal frame zeroes the channel's Hchan, so
// its buffered value, its size and main parked on it are forgotten (len
// and cap read 0), and main waits forever: deadlock.
// (Host-dependent, as for spillchan.)
// Expected outcome: exit 2, throw (all goroutines are asleep) on both toolchains.
package main

type T struct{ a int }

func try(p *T) (r int) {
	defer func() {
		if recover() != nil {
			r = -1
		}
	}()
	return p.a
}

func main() {
	done := make(chan int, 2)
	done <- 5
	var p *T
	go func() {
		println(try(p))
		println("left", len(done), cap(done))
	}()
	println(<-done)
	println(<-done)
}
