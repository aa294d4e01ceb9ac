// Byte slices made into strings in goroutines: each worker fills a
// []byte from make (runtime.makeslice) and sends string(b)
// (runtime.slicebytetostring, which copies the bytes); main compares and
// prints them. Last, a worker writes one byte past its slice's end: the
// index panic names main.fill.
// Expected outcome: exit 2, panic (index out of range) on both toolchains.
package main

func fill(n int, first byte, out chan string) {
	b := make([]byte, n)
	for i := 0; i <= n; i++ {
		if i == n && n < 6 {
			break
		}
		b[i] = first + byte(i)
	}
	out <- string(b)
}

func main() {
	out := make(chan string)
	prev := ""
	for n := 1; n <= 4; n++ {
		go fill(n, 'a'+byte(n), out)
		s := <-out
		println(s, len(s), s > prev)
		prev = s
	}
	go fill(6, 'x', out)
	println(<-out)
}
