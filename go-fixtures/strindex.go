// Indexing strings: `s[i]` is a byte, bounds-checked in line against the
// string's length (a CALL of runtime.panicindex where it fails), in
// loops that count, compare and copy bytes, in a goroutine and through
// a string passed along a channel. Last, an index one past the end
// panics.
// Expected outcome: exit 2, panic (index out of range) on both toolchains.
package main

func count(s string, c byte) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
		}
	}
	return n
}

func reverse(s string) string {
	b := make([]byte, len(s))
	for i := 0; i < len(s); i++ {
		b[len(s)-1-i] = s[i]
	}
	return string(b)
}

func worker(in chan string, out chan int) {
	for s := range in {
		out <- int(s[0]) + int(s[len(s)-1])
	}
}

func main() {
	s := "hello, gophers"
	println(count(s, 'o'), count(s, 'z'), s[0], s[len(s)-1])
	println(reverse(s))
	in := make(chan string)
	out := make(chan int)
	go worker(in, out)
	for _, w := range []string{"ab", "xyz", "q"} {
		in <- w
		println(w, <-out)
	}
	close(in)
	i := len(s)
	println(s[i])
}
