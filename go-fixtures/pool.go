// A worker pool: three workers ranging over a buffered jobs channel, each
// with a 100-int scratch array; main collects the results and then
// blocks on a receive nobody answers: all goroutines asleep.
// Expected outcome: deadlock throw, exit 2, on both toolchains.
//harness:timeout 3s
package main

func worker(id int, jobs chan int, results chan int) {
	for j := range jobs {
		var scratch [100]int
		scratch[j%100] = j
		results <- scratch[j%100] * 2
	}
}

func main() {
	jobs := make(chan int, 10)
	results := make(chan int, 10)
	for w := 0; w < 3; w++ {
		go worker(w, jobs, results)
	}
	for j := 0; j < 9; j++ {
		jobs <- j
	}
	sum := 0
	for j := 0; j < 9; j++ {
		sum += <-results
	}
	println("sum", sum)
	<-results
}
