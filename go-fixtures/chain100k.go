// Daisy chain of 100,000 goroutines (the classic "whispers" program):
// main makes 100,001 unbuffered channels and spawns 100,000 goroutines,
// goroutine i receives from channel i (its right), adds 1 and sends on
// channel i-1 (its left). Main sends 0 into the rightmost channel and
// receives the result from the leftmost: it must be 100000.
// Every goroutine is spawned by main and blocks in a receive before the
// value is injected, so 100,000 goroutines with their first stack segments
// are alive at once.
// Expected outcome: exit 0 on both toolchains, printing 100000 (about
// 0.5 s and ~440 MB resident on the real toolchains: 4 KB first segments).
//harness:timeout 5s
package main

func whisper(left, right chan int) {
	left <- 1 + <-right
}

func main() {
	const n = 100000
	leftmost := make(chan int)
	right := leftmost
	left := leftmost
	for i := 0; i < n; i++ {
		right = make(chan int)
		go whisper(left, right)
		left = right
	}
	go func(c chan int) { c <- 0 }(right)
	println("goroutines", n)
	println("result", <-leftmost)
}
