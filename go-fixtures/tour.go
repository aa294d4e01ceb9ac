// A tour of everyday code: iota constants of a named type with a
// String-like method, a binary tree of pointers with methods on nil
// receivers walked into a channel by a goroutine, integer widths and
// operators, a range over a string by runes, []byte(s), a type switch,
// an array sliced and appended past its length, copy, a map of slices,
// a builtin's name as a variable, a recursive closure. Last, calling a
// nil function value: the CALL faults at pc 0, and sigpanic runs as if
// called from it.
// Expected outcome: exit 2, panic (nil pointer dereference) on both toolchains.
package main

const (
	Red = iota
	Green
	Blue
)

type Color int

func (c Color) String() string {
	switch c {
	case Red:
		return "red"
	case Green:
		return "green"
	}
	return "blue"
}

type Tree struct {
	Left, Right *Tree
	Val         int
}

func (t *Tree) Insert(v int) *Tree {
	if t == nil {
		return &Tree{nil, nil, v}
	}
	if v < t.Val {
		t.Left = t.Left.Insert(v)
	} else {
		t.Right = t.Right.Insert(v)
	}
	return t
}

func (t *Tree) Walk(ch chan int) {
	if t == nil {
		return
	}
	t.Left.Walk(ch)
	ch <- t.Val
	t.Right.Walk(ch)
}

func main() {
	for c := Color(0); c < 3; c++ {
		println(c.String())
	}
	var root *Tree
	for _, v := range []int{5, 3, 8, 1, 4, 9, 7} {
		root = root.Insert(v)
	}
	ch := make(chan int)
	go func() {
		root.Walk(ch)
		close(ch)
	}()
	for v := range ch {
		print(v, " ")
	}
	println()
	x := uint8(250)
	x += 10
	var y int64 = 1 << 40
	println(x, y>>20, -7/2, -7%2, 7&^5)
	s := "héllo"
	for i, r := range s {
		println(i, r)
	}
	b := []byte(s)
	println(len(b), len(s), s[1:3] == "é")
	var e interface{} = root
	switch t := e.(type) {
	case *Tree:
		println("tree", t.Val)
	}
	arr := [5]int{1, 2, 3}
	sl := arr[1:4]
	sl = append(sl, 10)
	println(len(sl), cap(sl), arr[4])
	copy(sl, []int{7, 7})
	println(arr[1], arr[2])
	m := make(map[int][]string)
	m[1] = append(m[1], "a")
	m[1] = append(m[1], "b")
	println(len(m[1]), m[1][1])
	delete := 3
	println(delete)
	var f func(int) int
	f = func(n int) int {
		if n <= 1 {
			return 1
		}
		return n * f(n-1)
	}
	println(f(10))
	var g func()
	g()
}
