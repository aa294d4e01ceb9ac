// runtime.GOMAXPROCS (runtime1.goc, proc.c's gomaxprocsfunc): under the
// scheduler's lock it sets gomaxprocs and mcpumax and returns the old
// value; 0 asks without changing it; with one M running and the limit at
// one, matchmg starts no other M. Called from main and from a goroutine.
// (A limit above one lets the scheduler start more Ms: the twin refuses
// to go on there, the real runs are not deterministic.)
// Expected outcome: exit 0 on both toolchains.
package main

import "runtime"

func main() {
	println(runtime.GOMAXPROCS(1), runtime.GOMAXPROCS(0))
	c := make(chan int)
	go func() {
		c <- runtime.GOMAXPROCS(0)
	}()
	println(<-c)
	runtime.Gosched()
	println(runtime.GOMAXPROCS(-1))
}
