// Interfaces through channels: a buffered chan interface{} carrying an
// int and a string, an unbuffered chan Shape from a goroutine carrying a
// value and a nil interface. Last, a method called on the nil Shape
// received faults at the itab's first method slot (addr 0x20).
// Expected outcome: exit 2, panic (nil pointer dereference) on both toolchains.
package main

type Shape interface {
	Area() int
}

type Sq struct{ s int }

func (q Sq) Area() int { return q.s * q.s }

func main() {
	ch := make(chan interface{}, 2)
	sh := make(chan Shape)
	go func() {
		sh <- Sq{5}
		sh <- nil
	}()
	ch <- 7
	ch <- "x"
	println((<-ch).(int), (<-ch).(string))
	s := <-sh
	println(s.Area())
	t := <-sh
	println(t == nil)
	println(t.Area())
}
