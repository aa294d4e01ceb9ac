// Type assertions and type switches on interfaces with methods: `s.(Sq)`
// and `v, ok := s.(*Rect)` (runtime.assertI2T, assertI2T2, which read the
// itab's type), a type switch on a Shape (ifacethash, then assertI2T2 for
// each concrete case, nil inline, the default binding the Shape itself),
// and string(v) of an integer (runtime.intstring, runetochar: ASCII, a
// two- and a three-byte rune, an invalid one as U+FFFD; a constant one
// folded). Last, an assertion to the wrong type panics with the
// interface's name in the message.
// Expected outcome: exit 2, panic (interface conversion) on both toolchains.
package main

type Shape interface {
	Area() int
	Name() string
}

type Sq struct{ s int }

type Rect struct{ w, h int }

type Tri struct{ b, h int }

func (q Sq) Area() int      { return q.s * q.s }
func (q Sq) Name() string   { return "sq" + string('0'+q.s) }
func (r *Rect) Area() int   { return r.w * r.h }
func (r *Rect) Name() string { return "rect" }
func (t Tri) Area() int     { return t.b * t.h / 2 }
func (t Tri) Name() string  { return "tri" }

func kind(s Shape) string {
	if q, ok := s.(Sq); ok {
		return "square of " + string('0'+q.s)
	}
	if r, ok := s.(*Rect); ok {
		return "rect " + string('0'+r.w) + "x" + string('0'+r.h)
	}
	switch v := s.(type) {
	case nil:
		return "nothing"
	case Tri:
		return "triangle " + v.Name()
	default:
		return "shape " + v.Name()
	}
	return ""
}

func main() {
	shapes := []Shape{Sq{3}, &Rect{2, 4}, Tri{3, 4}, nil}
	for i, s := range shapes {
		println(i, kind(s))
		switch t := s.(type) {
		case *Rect:
			println("  area", t.Area())
		case Sq, Tri:
			println("  area", t.Area(), t.Name())
		}
	}
	println(string(955), string(0x263A)+string(-1), string(65))
	n := 8364
	println(string(n), len(string(n)))
	var s Shape = Sq{4}
	q := s.(Sq)
	println(q.s, q.Area())
	r := s.(*Rect)
	println(r.w)
}
