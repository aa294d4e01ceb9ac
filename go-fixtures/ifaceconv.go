// An interface with methods used as an interface{}: assigned, passed as
// an argument, stored in a []interface{} and returned as one, each
// through runtime.convI2E (the itab's type and the data word, a nil one
// staying nil); type switches and assertions on the interface{} then see
// the concrete type. Last, asserting it to the wrong concrete type
// panics, naming the concrete type.
// Expected outcome: exit 2, panic (interface conversion) on both toolchains.
package main

type Shape interface {
	Area() int
}

type Sq struct{ s int }

type Circle struct{ r int }

func (q Sq) Area() int      { return q.s * q.s }
func (c *Circle) Area() int { return 3 * c.r * c.r }

func describe(e interface{}) string {
	switch v := e.(type) {
	case nil:
		return "nil"
	case Sq:
		return "square"
	case *Circle:
		return "circle"
	case int:
		_ = v
		return "int"
	}
	return "other"
}

func boxed(s Shape) interface{} {
	return s
}

func main() {
	var s Shape = Sq{3}
	var e interface{} = s
	println(describe(e), describe(Shape(&Circle{2})))
	var none Shape
	println(describe(none), e != nil)
	all := []interface{}{s, none, 7, Shape(&Circle{1})}
	for i, x := range all {
		println(i, describe(x))
	}
	got := boxed(s)
	if q, ok := got.(Sq); ok {
		println("received", q.s, q.Area())
	}
	println(e.(int))
}
