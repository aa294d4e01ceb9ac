// Pointers to arrays: typecheck's implicitstar makes p[i] an element of
// *p, read and written through the pointer (`p[i] = v`, `p[i] += v`) in
// the caller and in a function given it; len and cap of p are the
// array's bound, a constant: p is computed only for its calls (one call
// of mk, not two) and never read through, so a nil p gives the bound
// too. p[lo:hi] slices the array through the pointer (slicearray's old
// is the pointer itself): the slice shares the array, and prints its
// address. Last an element is read through a nil pointer at a variable
// index past the bound: the index is checked first (panicindex), before
// any load through the pointer.
// Expected outcome: exit 2, panic (index out of range) on both toolchains.
package main

var made int

func mk() *[4]int {
	made++
	return &[4]int{1, 2, 3, 4}
}

func fill(p *[6]int, k int) {
	for i := 0; i < len(p); i++ {
		p[i] = i * k
	}
	p[2] += 100
}

func sum(p *[6]int) (t int) {
	for i := 0; i < cap(p); i++ {
		t += p[i]
	}
	return
}

func main() {
	var a [6]int
	p := &a
	fill(p, 3)
	println(sum(p), a[2], p[5], len(mk()), made)
	b := &[3]string{"x", "y", "z"}
	b[1] = b[0] + b[2]
	println(b[1], len(b))
	s := p[2:5]
	s[0]++
	q := new([4]int)
	t := q[1:]
	t[2] = 7
	println(len(s), cap(s), a[2], q[3], len(p[:]), t)
	var none *[5]int
	println(len(none), cap(none))
	i := 7
	println(none[i])
}
