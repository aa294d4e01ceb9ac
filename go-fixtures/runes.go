// Ranges over strings: by index alone (runtime.stringiter) and with the
// rune (stringiter2, charntorune for a multi-byte one), in goroutines,
// with break and continue; iota
// constants (implicit repetition, a typed line) and a method on them.
// Last, a rune counted past a string's end indexes it out of range.
// Expected outcome: exit 2, panic (index out of range) on both toolchains.
package main

type Kind int

const (
	Letter Kind = iota
	Digit
	Other
	_
	Count
)

const (
	a, b = iota * 10, iota + 1
	c, d
)

func (k Kind) Name() string {
	switch k {
	case Letter:
		return "letter"
	case Digit:
		return "digit"
	}
	return "other"
}

func kind(r int) Kind {
	if r >= '0' && r <= '9' {
		return Digit
	}
	if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
		return Letter
	}
	return Other
}

func count(s string, done chan int) {
	n := 0
	for i := range s {
		n += 1 + i - i
	}
	for i := range s {
		if i > 3 {
			break
		}
		n += 100
	}
	done <- n
}

func main() {
	s := "añb€9z"
	for i, r := range s {
		if r == 'b' {
			continue
		}
		println(i, r, kind(r).Name())
	}
	done := make(chan int)
	go count(s, done)
	go count("héllo wörld", done)
	println(<-done, <-done)
	println(Count, a, b, c, d)
	runes := 0
	for _, r := range "日本語" {
		runes += r & 1
	}
	println(runes)
	var last int
	for i := range s {
		last = i
	}
	println(s[last+runes+1])
}
