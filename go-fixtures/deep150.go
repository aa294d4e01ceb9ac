// A value method recursing 150 deep (a struct receiver copied at each
// level) until an index out of range: a traceback across segments.
// Expected outcome: exit 2, panic, on both toolchains.
package main

type node struct {
	depth int
	name  string
}

func (n node) descend(limit int) int {
	if n.depth >= limit {
		var a []int
		return a[n.depth]
	}
	m := node{n.depth + 1, n.name}
	return m.descend(limit) + 1
}

func main() {
	n := node{0, "root"}
	println(n.descend(150))
}
