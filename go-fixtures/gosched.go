// runtime.Gosched and the 2011 scheduler's interleaving. With GOMAXPROCS=1
// the run queue is FIFO and Gosched puts the caller at its tail, so:
// part 1, three goroutines A, B, C each print a step and yield, 4 times;
// main yields in its own loop until all three report done (its yields
// show where main sits in the rotation). Part 2: goroutines with uneven
// work (yielding 1, 2 or 3 times per printed step) show a non-trivial but
// fixed order. Part 3: a goroutine spawned without any yield by main never
// runs before main blocks (it runs only when main waits on a channel).
// Output is one token per event, grouped on a few lines.
// Expected outcome: exit 0 on both toolchains.
package main

import "runtime"

func loop(name string, steps int, done chan bool) {
	for i := 0; i < steps; i++ {
		print(" ", name, i)
		runtime.Gosched()
	}
	print(" ", name, "-done")
	done <- true
}

func uneven(name string, every int, steps int, done chan bool) {
	for i := 0; i < steps; i++ {
		print(" ", name, i)
		for k := 0; k < every; k++ {
			runtime.Gosched()
		}
	}
	print(" ", name, "-done")
	done <- true
}

func main() {
	// Part 1
	done := make(chan bool, 3)
	print("part1:")
	go loop("A", 4, done)
	go loop("B", 4, done)
	go loop("C", 4, done)
	finished := 0
	for y := 0; finished < 3; y++ {
		print(" m", y)
		runtime.Gosched()
		for len(done) > 0 {
			<-done
			finished++
		}
	}
	print("\n")

	// Part 2
	print("part2:")
	go uneven("x", 1, 6, done)
	go uneven("y", 2, 3, done)
	go uneven("z", 3, 2, done)
	for i := 0; i < 3; i++ {
		<-done
	}
	print("\n")

	// Part 3
	print("part3:")
	ran := false
	sig := make(chan bool)
	go func() {
		ran = true
		print(" spawned-runs")
		sig <- true
	}()
	for i := 0; i < 1000; i++ {
		if ran {
			break
		}
	}
	print(" main-busy-loop-saw-ran=", ran)
	<-sig
	print(" main-after-wait-ran=", ran, "\n")
}
