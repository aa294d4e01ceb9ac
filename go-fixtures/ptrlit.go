// Pointers to composite literals of every kind: &[]int{...},
// &[...]int{...}, &map[string]int{...} and &T{...} with a call among its
// elements. walk's OADDR allocates the pointer's object first, then
// builds the literal through it, so the call (a make, a function
// returning a channel) allocates after runtime·new: the addresses show
// the order. A goroutine gets a pointer to a slice literal and appends
// through it; then an index past the end of an array literal's pointer
// panics.
// Expected outcome: exit 2, index out of range in main.main.
package main

type T struct {
	c chan int
	n int
}

func mk(n int) chan int {
	return make(chan int, n)
}

func grow(p *[]int, done chan bool) {
	for i := 0; i < 3; i++ {
		*p = append(*p, i*10)
	}
	done <- true
}

func main() {
	s := &[]int{1, 2}
	a := &[...]int{3, 4, 5}
	m := &map[string]int{"a": 1, "b": 2}
	t := &T{make(chan int), 1}
	u := &T{mk(2), 2}
	println(s, a, m, t, t.c, u, u.c)
	println(len(*s), len(*a), len(*m), (*a)[2], (*m)["b"])
	done := make(chan bool)
	go grow(s, done)
	<-done
	println(len(*s), (*s)[4])
	i := len(*s)
	println((*a)[i])
}
