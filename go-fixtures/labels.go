// Labels in goroutines: a worker leaves its for-select loop with a
// labelled break when the quit channel closes; a search over a grid
// skips rows with a labelled continue; a countdown written with goto;
// a tagless switch whose cases fall through into the next. Last, a
// goroutine waits in a labelled loop for a job nobody sends, and main
// for its answer: the deadlock's traceback shows both.
// Expected outcome: exit 2, throw (deadlock) on both toolchains.
package main

func worker(jobs chan int, quit chan bool, done chan int) {
	sum := 0
loop:
	for {
		select {
		case j := <-jobs:
			sum += j
		case <-quit:
			break loop
		}
	}
	done <- sum
}

func search(n int, out chan int) {
	found := 0
rows:
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if j > i {
				continue rows
			}
			if i*j == 12 {
				found++
				println("found", i, j)
				continue rows
			}
		}
	}
	out <- found
}

func countdown(n int) int {
	steps := 0
again:
	if n > 0 {
		n--
		steps++
		goto again
	}
	return steps
}

func grade(x int) string {
	s := ""
	switch {
	case x > 90:
		s += "A"
		fallthrough
	case x > 80:
		s += "B"
		fallthrough
	case x > 70:
		s += "C"
	default:
		s += "-"
	}
	return s
}

func main() {
	jobs := make(chan int)
	quit := make(chan bool)
	done := make(chan int)
	go worker(jobs, quit, done)
	for i := 1; i <= 5; i++ {
		jobs <- i
	}
	close(quit)
	println("sum", <-done)
	out := make(chan int)
	go search(8, out)
	println("rows found", <-out)
	println("steps", countdown(7))
	for _, x := range []int{95, 85, 75, 10} {
		println(x, grade(x))
	}
	go worker(jobs, make(chan bool), done)
	println("last", <-done)
}
