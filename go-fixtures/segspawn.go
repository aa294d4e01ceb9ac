// Goroutines spawned at several depths of a recursion whose frames carry
// big local arrays (the Go issue 1547 pattern: a go statement deep in a
// recursion, where malg -> stackalloc -> lock may be the call that needs
// a new stack segment). A spawner goroutine sweeps the recursion to
// depths 0..119; at every level whose depth is a multiple of 3 it starts
// a goroutine, with arguments, that reports its depth on a buffered
// channel; none of them runs before the sweep ends. Frames alternate
// between a [64]int and a [200]byte array.
// pre-1547: may hang in lessstack -> oldstack -> stackfree -> lock (the
// harness then sends SIGQUIT); post-1547: completes and prints a sum.
//harness:timeout 3s
package main

func leaf(depth int, out chan int) { out <- depth }

func wide(n int, top int, out chan int) int {
	var a [64]int
	a[n%64] = n
	if n%3 == 0 {
		go leaf(top-n, out)
	}
	if n == 0 {
		return 0
	}
	return narrow(n-1, top, out) + a[n%64]
}

func narrow(n int, top int, out chan int) int {
	var b [200]byte
	b[n%200] = byte(n)
	if n%3 == 0 {
		go leaf(top-n, out)
	}
	if n == 0 {
		return 0
	}
	return wide(n-1, top, out) + int(b[n%200])
}

func spawner(done chan int) {
	out := make(chan int, 3000)
	spawned := 0
	for d := 0; d < 120; d++ {
		println("sweep", d)
		wide(d, d, out)
		spawned += d/3 + 1
	}
	sum := 0
	for i := 0; i < spawned; i++ {
		sum += <-out
	}
	println("spawned", spawned, "sum", sum)
	done <- spawned
}

func main() {
	done := make(chan int)
	go spawner(done)
	println("main: spawner reports", <-done)
}
