// Embedded fields: a struct embedding another by value and one by
// pointer, and a struct embedding that one in turn. Their fields and
// methods are promoted (typecheck's lookdot, depth by depth; adddot
// writes the embedded fields out): read and written through the value
// and through a pointer, a pointer method of the embedded struct called
// on the outer variable (an implicit &, moving it to the heap), the
// outer struct's own methods in an interface. An interface embeds two
// others (their methods are its own). Last, a promoted method indexes
// its string out of range.
// Expected outcome: exit 2, panic (index out of range) on both toolchains.
package main

type Named interface {
	Name() string
}

type Sounder interface {
	Sound() string
}

type Animal interface {
	Named
	Sounder
	Legs() int
}

type Base struct {
	name string
	legs int
}

func (b Base) Name() string     { return b.name }
func (b *Base) Rename(n string) { b.name = n }
func (b Base) Letter(i int) byte  { return b.name[i] }

type Tag struct{ id int }

func (t *Tag) ID() int { return t.id }

type Dog struct {
	Base
	*Tag
	age int
}

func (d Dog) Sound() string { return "woof" }

type Puppy struct {
	Dog
	toy string
}

type Cat struct{ lives int }

func (c *Cat) Name() string  { return "cat" }
func (c *Cat) Sound() string { return "meow" }
func (c *Cat) Legs() int     { return 4 }

func describe(a Animal) {
	println(a.Name(), a.Sound(), a.Legs())
}

func main() {
	d := Dog{Base{"rex", 4}, &Tag{7}, 3}
	println(d.Name(), d.name, d.Sound(), d.legs, d.ID(), d.id)
	d.Rename("max")
	d.Base.legs = 3
	println(d.Name(), d.legs)
	p := Puppy{d, "ball"}
	println(p.Name(), p.Sound(), p.age, p.toy, p.ID())
	p.id = 9
	println(d.id, p.Tag.id)
	pp := &p
	pp.legs = 5
	pp.Rename("bud")
	println(pp.Name(), p.legs, d.Name())
	var s Sounder = d
	println(s.Sound())
	var n Named = p.Base
	println(n.Name())
	describe(&Cat{9})
	var a Animal = &Cat{1}
	var nm Named = a
	println(nm.Name())
	var stray Dog
	println(stray.Name() == "", stray.Tag == nil, p.Letter(1))
	println(p.Letter(10))
}
