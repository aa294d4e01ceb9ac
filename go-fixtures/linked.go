// Recursive types and pointer methods through interfaces: a linked list
// and a binary tree whose nodes point at their own type, two structs that
// point at each other, and an interface whose method returns the
// interface itself. A *Tree and a *List sit in interfaces: their pointer
// methods are the itab's own entries, the value method Len of List is
// reached through 6g's wrapper main.*List·Len, and a small named int's
// value method through its ·i wrapper. Last, the tree's walk panics at
// its deepest leaf, through the methods' frames.
// Expected outcome: exit 2, panic (deepest leaf) on both toolchains.
package main

type List struct {
	v    int
	next *List
}

func (l List) Len() int {
	n := 1
	for p := l.next; p != nil; p = p.next {
		n++
	}
	return n
}

func (l *List) Push(v int) *List {
	return &List{v, l}
}

type Tree struct {
	left, right *Tree
	key         int
	owner       *Forest
}

type Forest struct {
	name  string
	trees []*Tree
}

func (t *Tree) Insert(k int) *Tree {
	if t == nil {
		return &Tree{nil, nil, k, nil}
	}
	if k < t.key {
		t.left = t.left.Insert(k)
	} else {
		t.right = t.right.Insert(k)
	}
	return t
}

func (t *Tree) Len() int {
	if t == nil {
		return 0
	}
	return t.left.Len() + 1 + t.right.Len()
}

func (t *Tree) Walk(depth int, f func(int, int)) {
	if t == nil {
		return
	}
	t.left.Walk(depth+1, f)
	f(t.key, depth)
	t.right.Walk(depth+1, f)
}

type Lener interface {
	Len() int
}

type Chain interface {
	Next() Chain
	Value() int
}

type Step int

func (s Step) Next() Chain {
	if s <= 0 {
		return nil
	}
	return s - 1
}

func (s Step) Value() int {
	return int(s) * 10
}

func total(ls []Lener) int {
	n := 0
	for i, l := range ls {
		println("lener", i, l.Len())
		n += l.Len()
	}
	return n
}

func main() {
	var l *List
	for i := 0; i < 4; i++ {
		l = l.Push(i * i)
	}
	for p := l; p != nil; p = p.next {
		println("list", p.v)
	}
	var t *Tree
	for _, k := range []int{50, 30, 70, 20, 40, 60, 80, 35} {
		t = t.Insert(k)
	}
	f := &Forest{"oaks", nil}
	f.trees = append(f.trees, t)
	t.owner = f
	println("forest", t.owner.name, len(t.owner.trees), t.owner.trees[0].key)
	println("total", total([]Lener{l, t, *l}))
	var c Chain = Step(3)
	for c != nil {
		println("chain", c.Value())
		c = c.Next()
	}
	deepest := 0
	t.Walk(0, func(k, d int) {
		if d > deepest {
			deepest = d
		}
	})
	t.Walk(0, func(k, d int) {
		println("key", k, d)
		if d == deepest {
			panic("deepest leaf")
		}
	})
}
