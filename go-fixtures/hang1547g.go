// Go issue 1547 in a goroutine other than main, as in the seed's trace
// ("lessstack called from goroutine 2"). main starts one sweeper and waits;
// the sweeper spawns a goroutine, with arguments, from every depth of a
// recursion; none of them runs before the sweep ends, so every go statement
// allocates a new G and its stack through malg -> stackalloc.
//
// pre-1547: hangs in goroutine 2 with the seed's shape; SIGQUIT then lists
// goroutine 1 waiting on its channel and the unstarted leaves.
// post-1547: completes and prints the sum of the leaves' arguments.
//harness:timeout 3s
package main

var done = make(chan int)

func leaf(depth int, sum chan int) { sum <- depth }

// descend recurses n levels, then spawns one leaf from that depth.
func descend(n, depth int, sum chan int) {
	if n > 0 {
		descend(n-1, depth, sum)
		return
	}
	go leaf(depth, sum)
}

func sweep() {
	const depths = 400
	sum := make(chan int, depths)
	for d := 0; d < depths; d++ {
		println("depth", d)
		descend(d, d, sum)
	}
	total := 0
	for i := 0; i < depths; i++ {
		total += <-sum
	}
	println("swept, sum", total)
	done <- 1
}

func main() {
	go sweep()
	<-done
}
