// Comparisons of two interfaces: interface{} values (runtime.efaceeq:
// the types first, then the type's algarray equal: memwordequal for a
// word, memequal for narrower values, strequal for strings), interfaces
// with methods (ifaceeq: the itabs first), nil ones, `!=`, and values
// compared with interfaces (converted to them first). Last,
// comparing two interface{} values that hold structs panics: a struct
// is of ANOEQ, whose equal is noequal.
// Expected outcome: exit 2, panic (comparing uncomparable type) on both toolchains.
package main

type Valuer interface {
	Value() int
}

type small int8

func (s small) Value() int { return int(s) }

type big int64

func (b big) Value() int { return int(b) }

type pair struct{ a, b int }

func eq(x, y interface{}) bool { return x == y }

func main() {
	println(eq(1, 1), eq(1, 2), eq(1, "1"), eq(nil, nil), eq(nil, 0))
	println(eq("go", "go"), eq("go", "gc"), eq("go", "golang"))
	println(eq(int8(3), int8(3)), eq(true, false), eq(int64(9), int64(9)))
	p := &pair{1, 2}
	println(eq(p, p), eq(p, &pair{1, 2}))
	var u, v Valuer = small(4), small(4)
	println(u == v, u != v)
	v = big(4)
	println(u == v, u.Value() == v.Value())
	var n Valuer
	println(n == nil, n == u)
	var e interface{} = 3
	println(e == 3, 3 != e, u == small(4), small(5) == u)
	a := []interface{}{"x", 1, "x"}
	for i := 0; i < len(a); i++ {
		for j := i + 1; j < len(a); j++ {
			if a[i] == a[j] {
				println("same", i, j)
			}
		}
	}
	println(eq(pair{1, 2}, pair{1, 2}))
}
