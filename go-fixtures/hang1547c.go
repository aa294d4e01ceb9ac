// Go issue 1547 reached through closures and wider frames, two goroutines
// away from main. main starts a starter, the starter starts the sweeper
// (goroutine 3) and both wait. The sweeper's recursion carries a local array,
// so each level moves the stack pointer by a different step than in
// hang1547.go, and each level spawns a closure capturing its depth.
//
// pre-1547: at some depth the call to runtime.lock itself (not futexlock,
// as in hang1547.go) is the one that splits, so goroutine 3's side of the
// trace starts at runtime.stackalloc; the process hangs in lessstack ->
// oldstack -> stackfree -> lock. post-1547: completes.
//harness:timeout 3s
package main

var (
	swept = make(chan int)
	done  = make(chan int)
)

// descend recurses n levels, keeping a small array live across the call,
// then spawns a closure from that depth.
func descend(n int, out chan int) int {
	var pad [5]int
	pad[n%5] = n
	if n > 0 {
		return descend(n-1, out) + pad[n%5]
	}
	go func() { out <- n }()
	return 0
}

func sweeper() {
	const depths = 300
	out := make(chan int, depths)
	total := 0
	for d := 0; d < depths; d++ {
		println("depth", d)
		total += descend(d, out)
	}
	println("swept, total", total)
	swept <- 1
}

func main() {
	go func() {
		go sweeper()
		done <- <-swept + 1
	}()
	v := <-done
	println("main got", v)
}
