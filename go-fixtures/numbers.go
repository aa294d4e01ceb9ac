// Numbers through goroutines: float64 values sent on a channel and
// printed by runtime.printfloat (print.c's own +d.dddddde+ddd format),
// conversions between int types and float64, constants folded by 6g,
// a function of two results assigned with a, b = f(), values dropped
// with _ =, and a string grown with +=.
// Expected outcome: exit 0 on both toolchains.
package main

func halves(n int, out chan float64) {
	x := float64(n)
	for i := 0; i < 4; i++ {
		out <- x
		x = x / 2
	}
}

func divmod(a, b int) (int, int) {
	return a / b, a % b
}

func main() {
	c := make(chan float64)
	go halves(10, c)
	sum := 0.0
	for i := 0; i < 4; i++ {
		v := <-c
		sum = sum + v
		println("got", v)
	}
	println("sum", sum, "neg", -sum)
	println(2.5, 0.1, 1e100, -3.75e-7)
	var q, r int
	q, r = divmod(47, 5)
	println("divmod", q, r)
	_ = q + r
	t := int(sum)
	println("truncated", t, int8(t*20), uint8(t*40), int64(t)*1000000000)
	s := ""
	for i := 0; i < 3; i++ {
		s += "ab"
	}
	println(s, len(s))
	const third = 1.0 / 3
	println(third, float64(7)/2)
}
