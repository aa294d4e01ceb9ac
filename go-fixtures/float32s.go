// float32 arithmetic rounded to single precision (0.1+0.2 as a float32,
// 1/3, 16777217 rounded to a float32), conversions to and from float64
// and int, a named float32 type with a method, float32 values through a
// buffered channel and as map keys, division by a zero float32 (+Inf,
// -Inf, no panic); println widens each to float64 for printfloat. Last,
// a float32 argument to a function that indexes a nil slice: the
// traceback prints the argument words.
// Expected outcome: exit 2, index out of range in main.pick.
package main

type Celsius float32

func (c Celsius) Fahrenheit() float32 {
	return float32(c)*9/5 + 32
}

func mean(xs []float32) float32 {
	var s float32
	for _, x := range xs {
		s += x
	}
	return s / float32(len(xs))
}

func pick(x float32, i int) float32 {
	var a []float32
	return a[i] + x
}

func main() {
	var a float32 = 0.1
	var b float32 = 0.2
	c := a + b
	println(c, float64(a)+float64(b), c == 0.3, float64(c))
	third := float32(1) / 3
	println(third, int(third*300), float32(16777217), float64(third))
	println(mean([]float32{1, 2, 3.5}), Celsius(100).Fahrenheit(), Celsius(-40).Fahrenheit())
	ch := make(chan float32, 2)
	go func() {
		ch <- third * 3
		ch <- 2.5
	}()
	println(<-ch, <-ch)
	m := map[float32]int{1.5: 1, 2.5: 2}
	m[third]++
	println(m[1.5], m[2.5], m[third], len(m))
	var z float32
	println(1/z, -1/z, z/1)
	println(pick(2.5, 3))
}
