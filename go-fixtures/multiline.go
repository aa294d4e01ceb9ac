// A panic reached through calls whose argument lists span several lines:
// the traceback prints, for each frame, the line 6g recorded for the
// call instruction.
// Expected outcome: panic, exit 2, on both toolchains.
package main

func check(v int, what string) int {
	if v > 10 {
		panic("too big: " + what)
	}
	return v
}

func add(a int,
	b int) int {
	return check(a+b,
		"sum")
}

func work(done chan int) {
	x := add(
		3,
		add(4,
			5))
	done <- x
}

func main() {
	done := make(chan int)
	go work(done)
	println(<-done)
}
