// Substrings in goroutines: each worker takes its words apart with
// s[lo:hi] and s[lo:] (runtime.slicestring and slicestring1, which share
// the string's bytes) and sends the pieces on; main joins what it gets.
// Last, a worker slices past a word's end: the slice bounds panic comes
// from runtime.panicslice under slicestring.
// Expected outcome: exit 2, panic (slice bounds out of range) on both toolchains.
package main

func split(word string, at int, out chan string) {
	out <- word[0:at]
	out <- word[at:]
}

func tail(word string, n int, done chan bool) {
	println("tail", word[len(word)-n:])
	done <- true
}

func main() {
	out := make(chan string)
	words := []string{"goroutine", "segment", "stack"}
	for i, w := range words {
		go split(w, i+2, out)
		a := <-out
		b := <-out
		println(a, "+", b, "=", a+b == w, len(a), len(b))
	}
	s := "hello, world"
	println(s[:5], s[7:], s[3:3] == "", s[len(s):] == "")
	done := make(chan bool)
	go tail("gopher", 3, done)
	<-done
	go tail("go", 5, done)
	<-done
}
