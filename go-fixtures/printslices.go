// println of slices: slice.c's printslice writes [len/cap] and the
// array's address, so each slice prints where the allocator put its
// array (makeslice's, a literal's, []byte(s)'s) and a reslice prints its
// window into it; a nil slice prints [0/0]0x0 and compares equal to nil.
// Deferred prints (goprintf's %a and %f) take slices and floats, float32
// widened, and nil converted to a channel, map, slice and func type.
// Expected outcome: exit 0 on both toolchains.
package main

type Bytes []byte

func window(s []int, lo, hi int) []int { return s[lo:hi] }

func main() {
	var none []int
	println(none, none == nil, len(none))
	made := make([]int, 3, 10)
	println(made, made == nil)
	println(window(made, 1, 3), made[2:])
	lit := []string{"a", "b", "c"}
	println(lit, lit[1:2])
	b := []byte("hello")
	println(b, b[1:4])
	var named Bytes = b[2:]
	println(named, len(named))
	empty := make([]int, 0)
	println(empty, empty == nil)
	grown := append(made, 4, 5)
	println(grown, len(grown), cap(grown))
	defer println("deferred", made, 2.5, float32(0.25), none, (chan int)(nil), (map[string]int)(nil), []int(nil), (func())(nil))
	defer print(lit[2:], "\n")
	println(1.5, float32(-3.75), 1e100)
}
