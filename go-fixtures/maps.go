// Maps as hashmap.c keeps them: make with and without a size hint
// (runtime.makemap), literals (sinit.c's static array of the constant
// entries and a loop of mapassign1 over it), index and the comma-ok
// lookup (mapaccess1, mapaccess2), assignment and `m[k] += v`, delete as
// `m[k] = 0, false` (mapassign2), len, and range (mapiterinit, mapiter1
// or mapiter2, mapiternext) in the real order, which follows the hash
// and the table's growth: the int map grows from two entries through
// every power up to 4096 and then into subtables. A map is shared
// through a closure and sent to a goroutine. Last, a lookup in a nil map
// panics in runtime.mapaccess1.
// Expected outcome: exit 2, panic (lookup in nil map) on both toolchains.
package main

func count(words []string) map[string]int {
	m := make(map[string]int)
	for _, w := range words {
		m[w] += 1
	}
	return m
}

func worker(m map[int]int, done chan int) {
	t := 0
	for k, v := range m {
		t += k * v
	}
	done <- t
}

func main() {
	ages := map[string]int{"gopher": 3, "rob": 54, "ken": 67, "robert": 46}
	ages["russ"] = 31
	println(len(ages), ages["ken"], ages["nobody"])
	a, ok := ages["rob"]
	println(a, ok)
	ages["rob"] = 0, false
	_, ok = ages["rob"]
	println(len(ages), ok)
	for k, v := range ages {
		println(k, v)
	}
	c := count([]string{"a", "b", "a", "c", "b", "a", "dd", "e"})
	for k := range c {
		print(k, "=", c[k], " ")
	}
	println()
	sq := make(map[int]int, 10)
	for i := 0; i < 5000; i++ {
		sq[i*7] = i
	}
	println(len(sq), sq[700], sq[34993])
	n := 0
	first := -1
	for k, v := range sq {
		if n < 12 {
			print(k, ":", v, " ")
		}
		if first < 0 {
			first = k
		}
		n++
	}
	println(n, first)
	for i := 0; i < 5000; i += 2 {
		sq[i*7] = 0, false
	}
	small := map[int]int{1: 1, 2: 4, 3: 9}
	add := func(k int) { small[k] = k * k }
	add(4)
	add(10)
	done := make(chan int)
	go worker(small, done)
	println(len(sq), <-done)
	var none map[string]int
	println(len(none), none["x"])
}
