// Where a slice expression sits decides what 6g makes of it: assigned to
// a variable with an address it is sliced in place (6g's cgen_inline),
// into a field, an argument, a captured variable or a named slice type
// through a temporary, an array into anything without an address through
// runtime.slicearray; as an operand of len or cap, or the range that
// takes only its length, it stays a call of runtime.sliceslice or
// sliceslice1. Results, copies that overlap, append with calls in its
// arguments and of a call's slice. Last, len of a slice past its cap:
// the bounds panic comes from runtime.panicslice under sliceslice.
// Expected outcome: exit 2, panic (slice bounds out of range) on both toolchains.
package main

type Ints []int

type pair struct {
	a []int
	n int
}

var ga [6]int

func one(i int) int { return i * 10 }

func mk(n int) []int { return make([]int, n, n+2) }

func halves(s []int, i int) ([]int, []int) { return s[:i], s[i:] }

func tail(a [4]int) []int { return a[1:] }

func sum(s []int) int {
	t := 0
	for i := range s {
		t += s[i]
	}
	return t
}

func main() {
	s := []int{1, 2, 3, 4, 5, 6, 7, 8}
	var p pair
	p.a = s[2:5]
	p.n = len(s[1:7])
	println(len(p.a), cap(p.a), p.n, cap(s[3:]))
	x, y := halves(s, 3)
	println(len(x), len(y), sum(x), sum(y))
	k := 0
	for i := range s[5:] {
		k += i
	}
	for _, v := range s[6:] {
		k += v
	}
	println(k)
	b := s[1:4]
	f := func() int { return len(b) + cap(b) }
	println(f())
	var arr [4]int
	arr[2] = 9
	println(sum(tail(arr)), sum(ga[2:]), len(ga[:3]))
	var is Ints = Ints(s)
	is = is[2:]
	is = append(is, one(1), one(2))
	println(len(is), cap(is), is[len(is)-1])
	t := append(s[:1], mk(3)...)
	println(len(t), cap(t), copy(s[2:], s), s[2], s[3])
	lo, hi := 3, 12
	println(len(s[lo:hi]))
}
