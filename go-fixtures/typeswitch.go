// Methods called through an interface{} type switch: a list of shapes
// (circle, square and rect values, and a *rect) is held as interface{}
// values; a goroutine classifies each by a type switch and calls its
// method on the switched value (value receivers and a pointer receiver),
// summing the areas; a string in the list falls to the default case,
// which panics with "unknown shape: pentagon".
// Expected outcome: panic, exit 2, on both toolchains.
package main

type circle struct{ r int }
type square struct{ side int }
type rect struct{ w, h int }

func (c circle) area() int  { return 3 * c.r * c.r }
func (s square) area() int  { return s.side * s.side }
func (r rect) area() int    { return r.w * r.h }
func (r *rect) grow(k int) { r.w += k; r.h += k }

func measure(e interface{}) int {
	switch v := e.(type) {
	case circle:
		println("circle of radius", v.r)
		return v.area()
	case square:
		println("square of side", v.side)
		return v.area()
	case rect:
		println("rect", v.w, "x", v.h)
		return v.area()
	case *rect:
		v.grow(1)
		println("grown rect", v.w, "x", v.h)
		return v.w * v.h
	case string:
		panic("unknown shape: " + v)
	}
	return 0
}

func total(shapes []interface{}, out chan int) {
	sum := 0
	for i := 0; i < len(shapes); i++ {
		sum += measure(shapes[i])
		println("running total", sum)
	}
	out <- sum
}

func main() {
	shapes := []interface{}{circle{2}, square{3}, rect{2, 5}, &rect{1, 1}, "pentagon", circle{1}}
	out := make(chan int)
	go total(shapes, out)
	println("main: total", <-out)
}
