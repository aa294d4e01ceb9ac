// A fault in the collector (found by harness fuzz, seed 484, reduced): a
// division by zero's SIGFPE writes the signal frame past the gsignal
// block, zeroing the free-list link of the cached 80-byte block there;
// the panic's first allocation (convT2E's copyin) runs a collection,
// whose stealcache cuts each class's list with ReleaseN, going through
// every link but the last: through the nil one it faults. sigpanic's
// panicstring finds m->gcing set: "panic: invalid memory address or nil
// pointer dereference", then "throw: panic during gc" with the signal.
// Expected outcome: exit 2, throw (panic during gc) on both toolchains.
package main

func defers() {
	defer println("deferred", 0)
}

func main() {
	defers()
	z := 3 - 3
	println(0 / z)
}
