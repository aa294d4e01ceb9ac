// The classic concurrent prime sieve (from the Go tour / test/chan/sieve1):
// a generator goroutine sends 2, 3, 4, ... and for each prime found main
// splices a new filter goroutine into the chain. Prints the first 50
// primes, one per line, ending with 229. The filters left blocked at the
// end are abandoned when main returns.
// Expected outcome: exit 0 on both toolchains.
package main

func generate(ch chan int) {
	for i := 2; ; i++ {
		ch <- i
	}
}

func filter(in, out chan int, prime int) {
	for {
		i := <-in
		if i%prime != 0 {
			out <- i
		}
	}
}

func main() {
	ch := make(chan int)
	go generate(ch)
	for i := 0; i < 50; i++ {
		prime := <-ch
		println(i+1, prime)
		ch1 := make(chan int)
		go filter(ch, ch1, prime)
		ch = ch1
	}
}
