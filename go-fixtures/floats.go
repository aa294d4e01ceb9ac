// float64 arithmetic with untyped integer constants (the constant takes
// the float's type), methods on float structs through an interface, a
// map counted and looked up with comma-ok. Last, a method called on a
// nil interface faults at its itab slot; printpanics' printany makes an
// itab (runtime.stringer) and the error's text, and the first
// traceback's buildfuncs then follows a free block's link the signal
// frame rewrote: "unexpected fault address", "panic during panic" on
// pre-1547; on post-1547, whose GOROOT's path is a byte longer, the
// source paths take other blocks and the dump prints whole.
// (Host-dependent: the frame's reach is the recording host's.)
// Expected outcome: exit 3, panic during panic on pre-1547; exit 2, panic on post-1547.
package main

type Shape interface {
	Area() float64
	Perimeter() float64
}

type Rect struct{ w, h float64 }
type Circle struct{ r float64 }

func (r Rect) Area() float64       { return r.w * r.h }
func (r Rect) Perimeter() float64  { return 2 * (r.w + r.h) }
func (c Circle) Area() float64     { return 3.14159 * c.r * c.r }
func (c Circle) Perimeter() float64 { return 2 * 3.14159 * c.r }

func main() {
	shapes := []Shape{Rect{3, 4}, Circle{1}, Rect{1, 1}}
	total := 0.0
	for _, s := range shapes {
		total += s.Area()
		println(s.Area(), s.Perimeter())
	}
	println(total)
	counts := map[string]int{}
	words := []string{"a", "b", "a", "c", "b", "a"}
	for _, w := range words {
		counts[w]++
	}
	for _, w := range []string{"a", "b", "c", "d"} {
		n, ok := counts[w]
		println(w, n, ok)
	}
	var sh Shape
	println(sh.Area())
}
