// One-line closures after an if/else and a loop with `if ... { break }`
// in main: where 6l lays the else and the loop's rest decides whether
// main.init writes a line of its own, and so which lines the closures
// print (runtime/symtab.c's splitpcln). An index out of range in the
// one-line closure, called through a function value.
// Expected outcome: exit 2, panic, on both toolchains.
package main

func apply(f func(int) int, v int) int { return f(v) }

func main() {
	k := 2
	if k > 1 {
		println("big")
	} else {
		println("small")
	}
	g := func(x int) int { var a [3]int; return a[x+k-2] }
	h := func(x int) int {
		return apply(g, x) + 1
	}
	for i := 0; i < 3; i++ {
		if i == 2 {
			break
		}
	}
	println(h(4))
}
