// Interfaces with methods as other interfaces: assigned and converted
// (runtime.convI2I, which keeps the itab when the interface is the same
// and else finds one), asserted with and without ok (assertI2I2,
// assertI2I, assertE2I, assertI2E, and to interface{}: assertI2E2,
// assertE2E, assertE2E2; itab's cached negative answer on the
// second try), a type switch with interface cases (assertI2I2), and
// asserting a nil interface, recovered. Last, asserting a value to an
// interface its type lacks a method of panics inside itab, naming the
// method.
// Expected outcome: exit 2, panic (interface conversion: missing method) on both toolchains.
package main

type Reader interface {
	Read() int
}

type ReadWriter interface {
	Read() int
	Write(v int)
}

type Namer interface {
	Name() string
}

type file struct {
	pos  int
	name string
}

func (f *file) Read() int    { f.pos++; return f.pos }
func (f *file) Write(v int)  { f.pos += v }
func (f *file) Name() string { return f.name }

type num int

func (n num) Read() int { return int(n) }

func use(r Reader) int { return r.Read() }

func same(r Reader) Reader { return r }

func nilAssert() {
	defer func() {
		println("recovered", recover() != nil)
	}()
	var e interface{}
	r := e.(Reader)
	println("not reached", r.Read())
}

func main() {
	f := &file{0, "a.txt"}
	var rw ReadWriter = f
	var r Reader = rw
	println(use(rw), r.Read())
	r = Reader(rw)
	r = same(r)
	if n, ok := r.(Namer); ok {
		println("namer", n.Name())
	}
	if _, ok := r.(ReadWriter); ok {
		println("still a ReadWriter")
	}
	var e interface{} = f
	w := e.(ReadWriter)
	w.Write(10)
	println(w.Read())
	var e2 interface{} = r
	r2 := e2.(Reader)
	println(r2.Read())
	var other Reader = num(7)
	for i := 0; i < 2; i++ {
		if _, ok := other.(ReadWriter); !ok {
			println("num is no ReadWriter", i)
		}
	}
	x := other.(interface{})
	println(x.(num) == 7)
	for _, v := range []Reader{other, r, nil} {
		switch t := v.(type) {
		case ReadWriter:
			println("rw", t.Read())
		case Reader:
			println("reader", t.Read())
		default:
			println("nil reader")
		}
	}
	if y, ok := other.(interface{}); ok {
		println("as interface{}", y.(num) == 7)
	}
	z := e.(interface{})
	if _, ok := z.(interface{}); ok {
		println("still", z.(*file).name)
	}
	nilAssert()
	n := other.(Namer)
	println(n.Name())
}
