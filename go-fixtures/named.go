// Named results in goroutines: workers compute with functions that name
// their results, assign them and return bare, return early, or return
// explicit values; the results travel back over a channel in a fixed
// order (FIFO scheduling).
// Expected outcome: exit 0 on both toolchains.
package main

func divmod(a int, b int) (q int, r int) {
	if b == 0 {
		return
	}
	q = a / b
	r = a - q*b
	return
}

func classify(n int) (kind string, big bool) {
	kind = "even"
	if n%2 == 1 {
		kind = "odd"
	}
	if n > 50 {
		return kind, true
	}
	return
}

func worker(id int, out chan string) {
	q, r := divmod(id*17, id)
	kind, big := classify(q + r + id*20)
	println("worker", id, "q", q, "r", r, kind, big)
	out <- kind
}

func main() {
	out := make(chan string)
	for id := 0; id < 4; id++ {
		go worker(id, out)
	}
	for i := 0; i < 4; i++ {
		println("main got", <-out)
	}
}
