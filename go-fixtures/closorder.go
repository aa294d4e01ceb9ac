// Function literals nested three deep in a(), plus literals in a(), b()
// and main(); the innermost panics, so the trace names three of them.
package main

func a() {
	f1 := func() {
		f2 := func() {
			f3 := func() { panic("f3") }
			f3()
		}
		f2()
		f4 := func() {}
		f4()
	}
	f1()
	f5 := func() {}
	f5()
}

func b() {
	f6 := func() {}
	f6()
}

func main() {
	a()
	b()
	f7 := func() {}
	f7()
}
