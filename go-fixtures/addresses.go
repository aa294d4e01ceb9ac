// Pointers into variables: &x.f and &a[i] of locals (addrescapes moves
// the struct or array to the heap), &s[i] and &s[i].f into a slice's
// array, &g and &g.f of package variables, &b[i] into a []byte made by
// []byte("...") (a literal, as typecheck makes it of a constant) and
// []byte(s) (runtime.stringtoslicebyte); pointer methods called on
// addressable values (an implicit &) and value methods on pointers (an
// implicit *); a pointer kept across an append that moved the array.
// Last, &s[i] out of range panics.
// Expected outcome: exit 2, panic (index out of range) on both toolchains.
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
	s = append(s, Counter{7, "new"})
	q.Inc()
	println(s[1].n, q.n)
	pg := &global
	pg.Inc()
	bump(&global.n)
	println(global.n, pg.Get())
	b := []byte("hey")
	pb := &b[1]
	*pb = 'o'
	println(string(b), len(b))
	t := string(b) + "!"
	bt := []byte(t)
	bt[0] = 'j'
	println(string(bt), t)
	ch := make(chan *int, 1)
	ch <- &arr[2].n
	bump(<-ch)
	println(arr[2].n)
	k := 5
	bump(&s[k].n)
}
