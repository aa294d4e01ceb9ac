// Interface types written out: a parameter of type interface{ Area() int }
// given a declared interface of the same methods (assignop's OCONVNOP: no
// convI2I), values of two types converted to it, an interface{} asserted
// to it with comma-ok and without, and a closure over such a value run
// in a goroutine. Last, an int asserted to an unnamed interface: the
// panic spells the interface as the runtime does.
// Expected outcome: exit 2, interface conversion panic (missing method Area) in main.main.
package main

type Shape interface {
	Area() int
}

type Sq struct{ s int }
type Rect struct{ w, h int }

func (q Sq) Area() int    { return q.s * q.s }
func (r *Rect) Area() int { return r.w * r.h }

func total(xs []interface {
	Area() int
}) int {
	t := 0
	for _, x := range xs {
		t += x.Area()
	}
	return t
}

func describe(x interface{ Area() int }) int {
	return x.Area() + 1
}

func main() {
	var s Shape = Sq{3}
	println(describe(s), describe(&Rect{2, 5}))
	xs := []interface {
		Area() int
	}{s, &Rect{1, 2}, Sq{4}}
	println(total(xs))
	var e interface{} = Sq{5}
	a, ok := e.(interface{ Area() int })
	println(a.Area(), ok)
	done := make(chan int)
	go func() { done <- a.Area() * 2 }()
	println(<-done)
	e = 42
	_, ok = e.(interface{ Area() int })
	println(ok)
	b := e.(interface{ Area() int })
	println(b.Area())
}
