// Method expressions: T.M of a value method and (*T).M of a pointer
// method as function values (the method's own code, its receiver the
// first argument), called directly, stored in a slice, passed to a
// function, started with go and deferred. The deferred one runs while a
// panic from a method value called through a slice unwinds.
// Expected outcome: exit 2, panic from main.Counter.Check.
package main

type Counter struct {
	name string
	n    int
}

func (c Counter) Show(tag string) int {
	println(tag, c.name, c.n)
	return c.n
}

func (c *Counter) Add(k int) int {
	c.n += k
	return c.n
}

func (c Counter) Check(limit int) int {
	if c.n > limit {
		panic("over the limit")
	}
	return limit - c.n
}

func apply(f func(*Counter, int) int, c *Counter, times int) int {
	r := 0
	for i := 0; i < times; i++ {
		r = f(c, i)
	}
	return r
}

func main() {
	show := Counter.Show
	add := (*Counter).Add
	c := &Counter{"c", 1}
	println(add(c, 2), Counter.Show(*c, "direct"), show(*c, "value"))
	println(apply((*Counter).Add, c, 4))
	done := make(chan bool)
	go func() {
		Counter.Show(Counter{"g", 7}, "goroutine")
		done <- true
	}()
	<-done
	go show(Counter{"go", 8}, "go stmt")
	go func() { done <- true }()
	<-done
	checks := []func(Counter, int) int{Counter.Check, Counter.Check}
	defer Counter.Show(*c, "deferred")
	println(checks[0](*c, 100))
	println(checks[1](*c, 5))
}
