// A nil pointer's SIGSEGV whose signal frame, written past the signal
// stack's block, lands on the free blocks of the span made after it: the
// links of three are zeroed and the fourth's low word becomes the
// kernel's FP_XSTATE_MAGIC2. The panic's first allocation of that class
// refills the M's cache and MCentral_AllocList follows the garbage link:
// a second SIGSEGV in the allocator, "unexpected fault address", throw;
// dopanic's traceback builds the symbol table, whose first mal finds
// m->mallocing still set: "panic during panic". (Host-dependent: on a
// machine whose signal frame is of another size the ending differs.)
// Expected outcome: exit 3, panic during panic on both toolchains.
package main

type node struct {
	v    int
	next *node
	name string
}

func build(n int) *node {
	var h *node
	for i := 0; i < n; i++ {
		h = &node{i, h, "x"}
	}
	return h
}

func main() {
	s := make([]int, 9)
	m := ""
	for i := 0; i < 3; i++ {
		m = m + "ab"
	}
	h := build(7)
	c := make(chan int, 3)
	c <- len(s)
	println(len(m), <-c, h.v)
	var p *node
	if 3%2 == 0 {
		p = h.next.next.next.next.next.next.next.next.next.next.next
	}
	println(p.v)
}
