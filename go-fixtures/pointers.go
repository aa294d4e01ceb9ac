// Pointers to variables: `&x` of a local, of a parameter and of a
// variable a closure captures moves it to the heap (runtime.new where it
// is declared, as addrescapes does), `*p` reads it and `*p = v`, `*p +=
// v` write it; the pointer is shared with a goroutine, which counts
// through it while main waits on a channel. Last, the counter's owner
// panics, its argument a pointer into the heap.
// Expected outcome: exit 2, panic (count reached) on both toolchains.
package main

func bump(p *int, by int) {
	*p += by
}

func swap(a, b *int) {
	*a, *b = *b, *a
}

func double(n int) int {
	p := &n
	*p = *p * 2
	return n
}

func counter(p *int, n int, done chan bool) {
	for i := 0; i < n; i++ {
		bump(p, i)
	}
	done <- true
}

func check(p *int, limit int) {
	if *p >= limit {
		panic("count reached")
	}
}

func main() {
	x, y := 1, 2
	swap(&x, &y)
	println("swapped", x, y)
	println("double", double(21))
	total := 0
	p := &total
	add := func(v int) {
		total += v
	}
	add(5)
	*p = *p + 1
	println("total", total, *p)
	done := make(chan bool)
	go counter(p, 10, done)
	<-done
	println("counted", total)
	q := &total
	*q -= 3
	println("same", p == q, *p)
	check(p, 40)
}
