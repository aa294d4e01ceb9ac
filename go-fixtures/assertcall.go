// Methods and fields of a type assertion's result: e.(T).String() calls
// T's method on the value assertE2T gave, e.(S).String() goes through the
// itab assertE2I found, f.(*P).Inc() calls a pointer method on the
// pointer, f.(*P).n reads a field through it.
// Expected outcome: exit 0 on both toolchains.
package main

type S interface{ String() string }
type T struct{ n int }

func (t T) String() string { return "T" }

type P struct{ n int }

func (p *P) String() string { return "P" }
func (p *P) Inc() int     { p.n++; return p.n }

func main() {
	var e interface{} = T{1}
	println(e.(T).String(), e.(S).String())
	var f interface{} = &P{4}
	println(f.(*P).Inc(), f.(S).String(), f.(*P).n)
}
