// Assignments deep into values: elements of arrays of arrays and of
// slices of slices, fields of array elements, fields through chains of
// pointers (a node pointing back at itself), an element of a map's slice
// value and a field of a map's pointer value (6g's safeexpr keeps those
// in a temporary), with `op=` and `++` on each (cgen_asop goes the hard
// way for `*=`); literals whose elements omit their type
// (`[]cell{{1, [2]int{}}}`), built in place, and `T{}`. Last, an index
// out of range three levels down panics.
// Expected outcome: exit 2, panic (index out of range) on both toolchains.
package main

type cell struct {
	v    int
	tags [2]int
}

type node struct {
	v    int
	next *node
	kids [2]*node
}

type grid struct {
	cells [3][3]int
	rows  [][]int
	marks [3]cell
}

func bump(g *grid, i, j int) {
	g.cells[i][j] += 10
	g.rows[i][j]++
	g.marks[i].tags[j%2] *= 3
}

func main() {
	var g grid
	g.rows = make([][]int, 3)
	for i := 0; i < 3; i++ {
		g.rows[i] = make([]int, 3)
		for j := 0; j < 3; j++ {
			g.cells[i][j] = i*3 + j
			g.rows[i][j] = g.cells[i][j] * 2
		}
		g.marks[i].v = i
		g.marks[i].tags[1] = i + 1
	}
	bump(&g, 1, 2)
	println(g.cells[1][2], g.rows[1][2], g.marks[1].tags[0], g.marks[1].tags[1])
	n := &node{1, nil, [2]*node{}}
	n.next = &node{2, nil, [2]*node{}}
	n.next.v *= 7
	n.kids[1] = n.next
	n.kids[1].v++
	n.next.next = n
	n.next.next.v += 100
	println(n.v, n.next.v, n.kids[1].v, n.next.next.next.v)
	cs := []cell{{1, [2]int{5, 6}}, {2, [2]int{}}, cell{}}
	cs[1].v = 20
	cs[2].tags[0] = 30
	println(len(cs), cs[0].tags[1], cs[1].v, cs[2].tags[0])
	m := map[int][]int{1: []int{1, 2, 3}}
	m[1][2] = 30
	ptrs := map[string]*cell{"a": &cell{}}
	ptrs["a"].v = 11
	ptrs["a"].tags[1] += 4
	println(m[1][2], ptrs["a"].v, ptrs["a"].tags[1])
	k := 3
	g.rows[1][k-1] = g.cells[2][k-1]
	g.marks[k-1].tags[k-2] = 1
	g.rows[k-1][k] = 0
}
