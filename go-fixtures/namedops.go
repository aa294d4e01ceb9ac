// Named types through operators: !b of a named bool, b && c, -x and ^x
// of a named integer, a concatenation of named strings keep their named
// type, which a type switch then sees; string(...) to a named string
// type of a rune, a []byte and a string; make of a named channel type;
// if with an empty init statement and else followed by a statement other
// than a block (go.y's `if_stmt LELSE stmt`).
// Expected outcome: exit 0 on both toolchains.
package main

type Bool bool
type Int int
type String string
type Chan chan Int

func kind(x interface{}) string {
	switch x.(type) {
	case Bool:
		return "Bool"
	case bool:
		return "bool"
	case Int:
		return "Int"
	case String:
		return "String"
	case string:
		return "string"
	}
	return "other"
}

func main() {
	var b Bool = true
	var i Int = 5
	var s String = "go"
	println(kind(b), kind(!b), kind(b && true), kind(b == true))
	println(kind(i), kind(-i), kind(^i), kind(i*2), kind(i<<1))
	println(kind(s), kind(s+"!"), kind("<"+s), kind(s+s))
	println(string(s+"!"), len(s+s))
	r := String('x')
	bs := String([]byte("bytes"))
	println(kind(r), string(r), kind(bs), string(bs), kind(String("lit")))
	c := make(Chan, 1)
	c <- i + 1
	println(<-c)
	n := 0
	if ; n == 0 {
		n++
	}
	if n > 5 {
		n = 0
	} else if n == 1 {
		n += 10
	}
	if n == 11 {
	} else n--
	println(n)
}
