// Fan-out/fan-in: main spawns 8 workers; worker i sums the squares of
// 1..(1000*(i+1)) and sends (id, result) on one shared unbuffered channel.
// Main collects all 8 results and prints them in arrival order, then the
// grand total. With GOMAXPROCS=1 the 2011 scheduler runs the workers in
// spawn order, so the arrival order is deterministic too.
// A second round uses one result channel per worker (fan-in by index),
// whose output order is fixed regardless of scheduling.
// Expected outcome: exit 0 on both toolchains.
package main

type result struct {
	id  int
	sum int64
}

func worker(id int, out chan result) {
	var s int64
	n := int64(1000 * (id + 1))
	for k := int64(1); k <= n; k++ {
		s += k * k
	}
	out <- result{id, s}
}

func squarer(x int, out chan int) {
	out <- x * x
}

func main() {
	const N = 8
	out := make(chan result)
	for i := 0; i < N; i++ {
		go worker(i, out)
	}
	var total int64
	for i := 0; i < N; i++ {
		r := <-out
		println("arrived", i, "worker", r.id, "sum", r.sum)
		total += r.sum
	}
	println("total", total)

	// fan-in by index: one channel per worker
	chans := make([]chan int, N)
	for i := 0; i < N; i++ {
		chans[i] = make(chan int)
		go squarer(i+1, chans[i])
	}
	t := 0
	for i := N - 1; i >= 0; i-- {
		v := <-chans[i]
		print("sq[", i, "]=", v, "\n")
		t += v
	}
	println("sum of squares 1..8 =", t)
}
