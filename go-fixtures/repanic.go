// A recovered panic re-raised from the deferred function that recovered
// it, in a goroutine started by a closure, with deferred calls pending
// at every level of a recursion.
// Expected outcome: exit 2, panic "first" then "second", on both toolchains.
package main

func cleanup(n int) {
	if r := recover(); r != nil {
		println("recovered, panicking again at", n)
		panic("second")
	}
}

func work(n int) {
	defer cleanup(n)
	if n == 0 {
		panic("first")
	}
	work(n - 1)
}

func main() {
	done := make(chan bool)
	go func() {
		work(3)
		done <- true
	}()
	<-done
}
