// Pointers into variables and values, then a value method called on a
// nil pointer: the SIGSEGV's signal frame writes over a free block's link
// in the span after the signal stack, the panic's own allocations do not
// take it, and the first traceback's buildfuncs (symtab.c: the Func
// table, the file-name table, then a gostring of each object's source
// path) pops it and then follows its link: "unexpected fault address",
// "panic during panic". (Host-dependent, as for spillcentral; and the
// paths' lengths are those of GOROOT /opt/go2011/<toolchain> and the
// harness's build directory: this file's name is short enough that
// its path takes a 32-byte block.)
// Expected outcome: exit 3, panic during panic on both toolchains.
package main

type Counter struct {
	n    int
	name string
}

func (c *Counter) Inc() { c.n++ }

func (c Counter) Get() int { return c.n }

type Grid struct {
	cells [4]int
	tag   Counter
}

var global Counter
var arr [3]Counter

func bump(p *int) { *p += 10 }

func main() {
	var c Counter
	c.Inc()
	c.Inc()
	println(c.Get(), c.n)
	p := &c
	println(p.Get())
	global.Inc()
	println(global.n)
	arr[1].Inc()
	println(arr[1].n, arr[0].n)
	var g Grid
	bump(&g.cells[2])
	g.tag.Inc()
	println(g.cells[2], g.tag.n)
	s := make([]Counter, 3)
	for i := range s {
		s[i].Inc()
		bump(&s[i].n)
	}
	println(s[0].n, s[2].n)
	q := &s[1]
	q.Inc()
	println(s[1].n)
	pg := &global
	pg.Inc()
	println(global.n, pg.Get())
	b := []byte("hey")
	pb := &b[1]
	*pb = 'o'
	println(string(b))
	var np *Counter
	println(np.Get())
}
