// Named non-struct types in goroutines: methods on a named int, string
// and slice, values of them sent on
// channels and held in interfaces (their own type to convT2E and the
// type switch), conversions to and from them. Last, a method of the
// named slice indexes past its end in a goroutine: the traceback shows
// main.Stack·Top by its receiver's name.
// Expected outcome: exit 2, panic (index out of range) on both toolchains.
package main

type Celsius int
type Name string
type Stack []int

func (c Celsius) Fahrenheit() int {
	return int(c)*9/5 + 32
}

func (c Celsius) Warmer(by int) Celsius {
	return c + Celsius(by)
}

func (n Name) Greet() string {
	return "hello, " + string(n)
}

func (s Stack) Top() int {
	return s[len(s)-1]
}

type Describer interface {
	Fahrenheit() int
}

func report(temps chan Celsius, done chan bool) {
	for i := 0; i < 3; i++ {
		t := <-temps
		var d Describer = t
		println("temp", int(t), "is", d.Fahrenheit(), "F")
	}
	done <- true
}

func kind(x interface{}) string {
	switch x.(type) {
	case Celsius:
		return "Celsius"
	case int:
		return "int"
	case Name:
		return "Name"
	}
	return "other"
}

func peek(s Stack, done chan bool) {
	println("top", s.Top())
	done <- true
}

func main() {
	temps := make(chan Celsius)
	done := make(chan bool)
	go report(temps, done)
	c := Celsius(20)
	for i := 0; i < 3; i++ {
		temps <- c
		c = c.Warmer(5)
	}
	<-done
	println(kind(c), kind(25), kind(Name("x")), kind("y"))
	n := Name("gopher")
	println(n.Greet(), len(n))
	s := Stack([]int{1, 2, 3})
	go peek(s, done)
	<-done
	go peek(Stack([]int{}), done)
	<-done
}
