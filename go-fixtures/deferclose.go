// defer close(c): walk's ODEFER of OCLOSE is deferproc of runtime·closechan
// with the channel (8 bytes of arguments); deferreturn's jmpdefer enters
// closechan, which wakes the receivers ranging over the channel. One
// producer closes its channel on return, another on the way out of a
// recovered panic (the channel's buffered value still received).
// Expected outcome: exit 0 on both toolchains.
package main

func produce(n int, c chan int) {
	defer close(c)
	for i := 0; i < n; i++ {
		c <- i * i
	}
}

func failing(c chan int) {
	defer func() {
		println("recovered", recover() != nil)
	}()
	defer close(c)
	c <- 7
	panic("stop")
}

func main() {
	c := make(chan int)
	go produce(4, c)
	for v := range c {
		print(v, " ")
	}
	println()
	d := make(chan int, 1)
	failing(d)
	for v := range d {
		println("got", v)
	}
	_, ok := <-d, closed(d)
	println(ok)
}
