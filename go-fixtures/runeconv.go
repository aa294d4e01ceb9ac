// Conversions between strings and []int (2011's runes are ints): []int(s)
// is string.goc's stringtosliceint (charntorune over the string twice,
// the array from mallocgc), string(r) is sliceinttostring (runetochar
// twice, through gostringsize's mal); a rune out of range becomes U+FFFD.
// The results print their arrays' addresses, so the allocations must be
// the real ones.
// Expected outcome: exit 0 on both toolchains.
package main

func main() {
	s := "héllo, 世界"
	r := []int(s)
	println(len(s), len(r), r[1], r[7], r)
	r[0] = 'H'
	t := string(r)
	println(t, len(t))
	bad := []int{0x10ffff + 1, -1, 'a'}
	println(string(bad), len(string(bad)))
	empty := string([]int{})
	println(len(empty), len([]int("")))
	for i, c := range []int("añb") {
		print(i, ":", c, " ")
	}
	println()
}
