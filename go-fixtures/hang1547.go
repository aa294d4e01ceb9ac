// Go issue 1547 in the main goroutine. main spawns one goroutine from every
// depth of a recursion sweep; the spawned goroutines never run, so every go
// statement reaches runtime.malg -> stackalloc -> lock(&stacks). At the depth
// where the call to lock is the one that needs a new stack segment, the
// return through lessstack -> oldstack -> stackfree takes lock(&stacks) again
// on the same M.
//
// pre-1547: hangs; SIGQUIT shows runtime.lock <- stackfree <- oldstack <-
// lessstack, "----- lessstack called from goroutine 1 -----", then
// runtime.lock <- stackalloc <- malg <- newproc1 <- newproc <- main.descend.
// post-1547: malg runs stackalloc on the scheduler stack; the sweep completes.
//harness:timeout 3s
package main

func nop() {}

// descend recurses n levels, then spawns one goroutine from that depth.
func descend(n int) {
	if n > 0 {
		descend(n - 1)
		return
	}
	go nop()
}

func main() {
	for d := 0; d < 600; d++ {
		println("depth", d)
		descend(d)
	}
	println("swept")
}
