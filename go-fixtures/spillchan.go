// Goroutines made one at a time over a channel made first: its Hchan is
// the first block of the first span after the signal stack's. A nil
// pointer's SIGSEGV in a goroutine, recovered: the signal frame, written
// past the signal stack, zeroes the whole Hchan (deliver_signal's spill).
// The goroutine's send on it then divides by its element alignment, now
// 0, in runtime.rnd: SIGFPE in the runtime, "integer divide by zero".
// (Host-dependent: the frame's reach is the recording host's.)
// Expected outcome: exit 2, panic (integer divide by zero) on both toolchains.
package main

type T struct {
	a, b int
	s    string
}

func try(p *T, n int) (r int) {
	defer func() {
		if recover() != nil {
			r = -1
		}
	}()
	x := make([]int, n)
	return p.a + len(x)
}

func work(n int, done chan bool) {
	var p *T
	if n > 2 {
		p = &T{1, 2, "t"}
	}
	s := ""
	for i := 0; i < n; i++ {
		s += "x"
	}
	println(len(s), try(p, n))
	done <- true
}

func main() {
	done := make(chan bool)
	for i := 0; i < 3; i++ {
		go work(i, done)
		<-done
	}
	var q *T
	d := 0
	if 1%3 == 0 {
		println(10 / d)
	}
	println(q.s)
}
