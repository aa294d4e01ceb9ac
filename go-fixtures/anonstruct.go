// Struct types written out: a done channel of struct{} signalled by
// workers, a table of unnamed struct values ranged over, an unnamed
// struct assigned to a declared one with the same fields, a pointer
// literal &struct{...}{...} whose channel field is made after the
// pointer's runtime·new (walk's OADDR: new first, then the literal's
// elements), and last an unnamed struct in an interface asserted to an
// int: the panic names the type as the runtime spells it.
// Expected outcome: exit 2, interface conversion panic in main.main.
package main

type Point struct{ x, y int }

var table = []struct {
	name string
	p    Point
	w    int8
}{
	{"origin", Point{0, 0}, 1},
	{"east", Point{3, 0}, 2},
	{"north", Point{0, 4}, 3},
}

func worker(id int, done chan struct{}) {
	println("worker", id)
	done <- struct{}{}
}

func main() {
	done := make(chan struct{})
	for i := 0; i < 3; i++ {
		go worker(i, done)
	}
	for i := 0; i < 3; i++ {
		<-done
	}
	sum := 0
	for _, e := range table {
		println(e.name, e.p.x, e.p.y, e.w)
		sum += e.p.x + e.p.y*int(e.w)
	}
	var q Point = struct{ x, y int }{5, 6}
	println(sum, q.x, q.y)
	r := &struct {
		id int
		c  chan int
	}{7, make(chan int, 1)}
	r.c <- r.id
	println(r, r.c, <-r.c)
	var x interface{} = struct {
		a, b int
		s    string
		p    Point
		e    *struct{}
	}{1, 2, "x", q, nil}
	println(x.(int))
}
