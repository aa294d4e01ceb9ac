// Panics inside deferred calls while a goroutine is panicking. A worker
// first panics and recovers (its deferred handler prints what it got),
// then panics again; a deferred call running for that panic panics
// itself, and the next deferred call recovers nothing of it but prints;
// nothing recovers the last panic, so the 2011 runtime's printpanics
// prints the whole chain, the oldest first and each later one indented
// with a tab, the recovered one never (recovery unlinked it), then the
// traceback of the panicking goroutine and the others.
// Expected outcome: panic, exit 2, on both toolchains.
package main

func firstRound() {
	defer func() {
		r := recover()
		println("firstRound: recovered", r != nil)
	}()
	panic("round one")
}

func noisy() {
	println("noisy: deferred call panics")
	panic("inner")
}

func quiet() {
	println("quiet: deferred call runs, recovers nothing")
}

func secondRound(depth int) {
	if depth > 0 {
		secondRound(depth - 1)
		return
	}
	defer quiet()
	defer noisy()
	panic("outer")
}

func worker(done chan bool) {
	firstRound()
	println("worker: after first round")
	secondRound(3)
	done <- true
}

func main() {
	done := make(chan bool)
	go worker(done)
	<-done
	println("main: unreachable")
}
