// Constant expressions as const.c folds them: untyped integers wider than
// 64 bits on the way to a uint64, unary + and ^ (of an unsigned type,
// within its width), &^, shifts, typed conversions of constants,
// comparisons and && folded to booleans, iota in shifted and masked
// lines, string constants compared. A worker goroutine receives the
// values over a channel and prints them; then a constant divisor of zero
// made at run time divides.
// Expected outcome: exit 2, integer divide by zero in main.divide.
package main

const (
	big   = 1 << 100
	u64   = big>>36 - 1
	max64 = 1<<64 - 1234567890123
	neg   = -1<<63 + 10000000001
	plus  = +5
	mask  = ^uint8(0x0f)
	clear = 0xff &^ 0x0f
	ratio = float64(7) / 2
	small = int8(-128)
	yes   = 1 < 2 && "abc" < "abd"
)

const (
	KB = 1 << (10 * (iota + 1))
	MB
	GB
	TB
)

const (
	a = iota * 3 & 7
	b
	c
	d
)

func worker(in chan uint64, done chan bool) {
	for v := range in {
		println("got", v)
	}
	done <- true
}

func divide(x, y int) int {
	return x / y
}

func main() {
	var m uint64 = max64
	var n int64 = neg
	println(uint64(u64), m, n, plus, -plus, ^plus)
	println(mask, clear, ratio, small, yes, !yes)
	println(KB, MB, GB, TB/GB, a, b, c, d)
	in := make(chan uint64)
	done := make(chan bool)
	go worker(in, done)
	in <- u64 >> 32
	in <- m
	in <- TB
	close(in)
	<-done
	const zero = KB - 1024
	println(divide(10, zero))
}
