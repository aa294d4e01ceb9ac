// An integer division by zero in a goroutine: the SIGFPE reaches
// sighandler, which makes the dividing function look as if it called
// runtime.sigpanic from the faulting instruction; sigpanic panics with
// "integer divide by zero", and with no deferred call the goroutine's
// panic kills the process: the dump prints the signal (its fault address
// the pc itself) under the panic, sigpanic above the faulting frame, and
// main parked on its channel.
// Expected outcome: exit 2, panic (integer divide by zero) on both toolchains.
package main

func mean(xs []int, n int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s / n
}

func report(id int, xs []int, out chan int) {
	out <- mean(xs, len(xs)-id)
}

func main() {
	out := make(chan int)
	xs := []int{4, 8, 15, 16, 23, 42}
	for id := 0; id < 8; id++ {
		go report(id, xs, out)
		println("mean", id, <-out)
	}
}
