// Deep recursion across many stack segments, with frames of varied sizes.
// The 2011 runtime grows a goroutine's stack by chaining segments (4 KB
// minimum, bigger when a frame needs it) in morestack and frees them in
// lessstack on return, copying the arguments across each boundary. This
// fixture recurses:
//   - small:     tiny frames, depth 100000;
//   - arr100:    a [100]int local (800 B) per frame, depth 3000;
//   - bytes1000: a [1000]byte local per frame, depth 3000;
//   - manyargs:  ten int and two string arguments per call, depth 20000;
//   - huge:      a [20000]byte local, more than a minimum segment, depth 200;
//   - zigzag:    mutual recursion alternating 8 B, 4 KB and 1.6 KB frames;
// each computes a checksum from values produced at the bottom of the
// recursion and passed back up, so nothing can be skipped. Main runs them
// all, then four goroutines (spawned by main only, never from deep inside
// a recursion) run them again with different parameters and report over
// a channel; main prints the reports in arrival order.
// Expected outcome: exit 0 on both toolchains.
package main

func small(n int) int {
	if n == 0 {
		return 1
	}
	return small(n-1) + n%7
}

func arr100(n int) int {
	var a [100]int
	for i := range a {
		a[i] = n + i
	}
	if n == 0 {
		return a[99]
	}
	r := arr100(n - 1)
	return r + a[n%100] - a[(n+1)%100] + 2
}

func bytes1000(n int) int {
	var b [1000]byte
	for i := 0; i < len(b); i += 97 {
		b[i] = byte(n + i)
	}
	if n == 0 {
		return int(b[970])
	}
	return bytes1000(n-1) + int(b[(n*97)%1000])
}

func manyargs(a, b, c, d, e, f, g, h, i, j int, s, t string, n int) int {
	if n == 0 {
		return a + b + c + d + e + f + g + h + i + j + len(s) + len(t)
	}
	return manyargs(b, c, d, e, f, g, h, i, j, a+1, t, s, n-1) + (a ^ j) & 3
}

func huge(n int) int {
	var big [20000]byte
	big[0] = byte(n)
	big[19999] = byte(n * 3)
	if n == 0 {
		return 5
	}
	return huge(n-1) + int(big[0]) + int(big[19999])
}

func zigA(n int) int {
	if n == 0 {
		return 0
	}
	return zigB(n-1) + 1
}

func zigB(n int) int {
	var pad [512]int
	pad[n%512] = n
	if n == 0 {
		return 0
	}
	return zigC(n-1) + pad[n%512]%3
}

func zigC(n int) int {
	var pad [200]int
	pad[199] = n
	if n == 0 {
		return 0
	}
	return zigA(n-1) + pad[199]%5
}

type report struct {
	id  int
	val int
}

func run(id, scale int, out chan report) {
	v := small(scale*10000) + arr100(scale*300) + bytes1000(scale*300)
	v += manyargs(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, "ab", "cde", scale*2000)
	v += huge(scale*20) + zigA(scale*300)
	out <- report{id, v}
}

func main() {
	println("small", small(100000))
	println("arr100", arr100(3000))
	println("bytes1000", bytes1000(3000))
	println("manyargs", manyargs(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, "ab", "cde", 20000))
	println("huge", huge(200))
	println("zigzag", zigA(3000))

	out := make(chan report)
	for id := 1; id <= 4; id++ {
		go run(id, id, out)
	}
	for k := 0; k < 4; k++ {
		r := <-out
		println("goroutine", r.id, "checksum", r.val)
	}
}
