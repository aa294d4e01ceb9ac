// Loads and stores through nil pointers and a call on a nil interface:
// each is a SIGSEGV whose fault address is what the instruction touched
// (the field's offset, the itab's method slot), turned into a panic by
// runtime.sigpanic. Here a goroutine walks a list past its end and
// loads a field 8 bytes into a nil node; the dump prints
// `[signal 0xb code=0x1 addr=0x8 ...]` under the panic.
// Expected outcome: exit 2, panic (nil pointer dereference) on both toolchains.
package main

type node struct {
	id   int
	name string
	next *node
}

func walk(n *node, steps int, done chan string) {
	for i := 0; i < steps; i++ {
		n = n.next
	}
	done <- n.name
}

func main() {
	var head *node
	for i := 3; i > 0; i-- {
		head = &node{i, "n", head}
	}
	done := make(chan string)
	for steps := 0; steps < 5; steps++ {
		go walk(head, steps, done)
		println("walked", steps, <-done)
	}
}
