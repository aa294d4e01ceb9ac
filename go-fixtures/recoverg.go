// recover in deferred functions of goroutines: each worker defers a
// handler that recovers; some workers panic (at different depths, so
// the panic's deferred call runs on a segment of its own and the
// recovery unwinds the segments above), others return normally. Each
// reports back; main prints the reports in arrival order. recover
// outside a panic gives nil.
// Expected outcome: exit 0 on both toolchains.
package main

var report = make(chan string)

func handler(id int) {
	if recover() != nil {
		println("worker", id, "recovered")
		report <- "recovered"
	} else {
		println("worker", id, "had nothing to recover")
		report <- "normal"
	}
}

func deep(n int, limit int) int {
	var pad [64]int
	pad[n%64] = n
	if n == limit {
		panic("deep enough")
	}
	return deep(n+1, limit) + pad[n%64]
}

func worker(id int) {
	defer handler(id)
	if id%2 == 1 {
		println("worker", id, "panics at depth", id*20)
		deep(0, id*20)
	}
	println("worker", id, "returns")
}

func main() {
	for id := 1; id <= 4; id++ {
		go worker(id)
	}
	for i := 0; i < 4; i++ {
		println("main got", <-report)
	}
	println("recover in main:", recover() == nil)
}
