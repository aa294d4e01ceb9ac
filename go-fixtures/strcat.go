// Strings through a pipeline of goroutines: each stage concatenates its
// tag onto what it receives (runtime.concatstring, one call for a chain
// a + b + c) and passes it on; main compares the results (cmpstring) and
// prints them with their lengths. Empty parts and an empty result too.
// Expected outcome: exit 0 on both toolchains.
package main

func stage(tag string, in chan string, out chan string) {
	for i := 0; i < 3; i++ {
		s := <-in
		out <- s + "-" + tag
	}
}

func first(out chan string) {
	words := []string{"alpha", "", "gamma"}
	for _, w := range words {
		out <- w + ""
	}
}

func main() {
	a := make(chan string)
	b := make(chan string)
	c := make(chan string)
	go first(a)
	go stage("one", a, b)
	go stage("two", b, c)
	prev := ""
	for i := 0; i < 3; i++ {
		s := <-c
		println("got", s, "len", len(s))
		if s < prev {
			println("  sorts before", prev)
		} else if s == prev {
			println("  same as before")
		} else {
			println("  sorts after \"" + prev + "\"")
		}
		prev = s
	}
	empty := "" + ""
	println("empty:", len(empty), empty == "")
}
