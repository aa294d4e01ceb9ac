// Composite literals in a statement's init: walk's anylit builds every
// literal of a simple statement (a slice's array from runtime·new, a map
// literal's makemap and assigns, &T{}) ahead of the calls that stay in
// the expression, so in f(mk(), []int{1}, ...) the literal is allocated
// before mk's channel; so for return lists, append's argument, go and
// defer. But `a, b := mk(), []int{..}` keeps its order: OAS2's
// walkexprlistsafe moves the call into the init first. A literal that is
// an assignment's whole right side is built in place. The printed
// addresses show the order.
// Expected outcome: exit 0 on both toolchains.
package main

type T struct{ a []int; m map[string]int }
func mk() chan int { return make(chan int, 1) }
func f(c chan int, s []int, p *T, m map[int]int) { println(c, s, p, len(m)) }
func two() ([]int, chan int) { return []int{1, 2}, mk() }
func three() (chan int, []int) { return mk(), []int{3} }
func main() {
	f(mk(), []int{1}, &T{}, map[int]int{1: 2})
	a, b := mk(), []int{4, 5}
	println(a, b)
	x, y := two()
	println(x, y)
	z, w := three()
	println(z, w)
	var t T
	q := make([]int, 0)
	t.a = append(q, []int{7, 8}...)
	println(t.a)
	done := make(chan bool)
	go func(s []int, c chan int) { println(s, c); done <- true }([]int{9}, mk())
	<-done
	defer println("d", []int{1}, len(mk()))
}
