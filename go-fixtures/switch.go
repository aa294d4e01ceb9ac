// Switch statements in goroutines: workers classify numbers with a tag
// switch (constant cases, several values a case, default), a tagless
// switch, a switch with an init statement, and break out of a switch
// inside a loop; each sends its verdicts to main, which prints them in
// the order the workers report (FIFO scheduling makes it fixed).
// Expected outcome: exit 0 on both toolchains.
package main

func kind(n int) string {
	switch n % 4 {
	case 0:
		return "four"
	case 1, 3:
		return "odd"
	default:
		return "even"
	}
	return "unreachable"
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n == 0:
		return 0
	}
	return 1
}

func worker(id int, out chan string, signs chan int) {
	for n := id - 3; n < id+3; n++ {
		switch r := n * id; {
		case r > 10:
			out <- "big"
			continue
		case r < -5:
			out <- "small"
		}
		out <- kind(n)
		signs <- sign(n)
	}
	out <- "done"
}

func main() {
	out := make(chan string)
	signs := make(chan int, 100)
	for id := 1; id <= 3; id++ {
		go worker(id, out, signs)
	}
	done := 0
	for done < 3 {
		v := <-out
		switch v {
		case "done":
			done++
			println("a worker is done")
		case "big", "small":
			println("extreme:", v)
		default:
			println("kind:", v)
		}
	}
	total := 0
	for len(signs) > 0 {
		total += <-signs
	}
	println("sum of signs", total)
	for i := 0; i < 5; i++ {
		switch i {
		case 2:
			break
		case 4:
			println("i is four")
		default:
			println("i is", i)
		}
	}
}
