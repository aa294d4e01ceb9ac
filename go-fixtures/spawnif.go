// Spawns a closure chosen by an if/else at the bottom of recursions of
// growing depth, each level with a 64-int array (so the spawns happen on
// stack segments of many depths: the 1547 pattern); then an index out of
// range on a nil slice.
// Expected outcome: exit 2, panic, on both toolchains (the spawns do not
// hit 1547's window).
//harness:timeout 3s
package main

var done = make(chan int)

func deep(n int, big bool) {
	var pad [64]int
	pad[n%64] = n
	if n > 0 {
		deep(n-1, big)
		return
	}
	var f func()
	if big {
		f = func() { done <- pad[0] }
	} else {
		f = func() {
			done <- 1
		}
	}
	go f()
}

func main() {
	for i := 0; i < 40; i++ {
		deep(i*5, i%2 == 0)
		<-done
	}
	var a []int
	println(a[3])
}
