// Compile failure on purpose: `v, ok := <-c`. At these 2011 commits the
// two-value receive was the old non-blocking receive, already withdrawn
// from the language (spec: "Add after a release or two without any
// x,ok := <-c") and before it came back as the closed-test of Go 1, so
// 6g rejects it with "cannot use multiple-value assignment for
// non-blocking receive; use select". Use closed(c) or select instead
// (see closed.go, select.go).
// Expected outcome: compile failure (6g, nonzero exit) on both
// toolchains; nothing runs.
package main

func main() {
	c := make(chan int, 1)
	c <- 1
	close(c)
	v, ok := <-c
	println(v, ok)
}
