// Promoted methods in interfaces: a struct embedding another by value
// and one by pointer, and a struct embedding that one, converted to
// interfaces by value and by pointer. Each itab entry for a promoted
// method is a wrapper genwrapper makes (*T·M, or T·M for a one-word T),
// which copies the embedded field's receiver out and calls the method;
// the wrappers are laid out type by type. Last a promoted method called
// through an interface indexes out of range, so the wrapper's frame is in
// the traceback.
// Expected outcome: exit 2, panic (index out of range) on both toolchains.
package main

type Namer interface {
	Name() string
	ID() int
}

type Base struct {
	name string
	id   int
}

func (b Base) Name() string     { return b.name }
func (b Base) Letter(i int) byte { return b.name[i] }

type Tag struct{ id int }

func (t *Tag) ID() int { return t.id }

type Dog struct {
	Base
	*Tag
	age int
}

type Puppy struct {
	Dog
	toy string
}

type Small struct{ *Tag }

func (s Small) Name() string { return "small" }

type Letterer interface {
	Letter(i int) byte
}

func show(n Namer) { println(n.Name(), n.ID()) }

func main() {
	d := Dog{Base{"rex", 1}, &Tag{7}, 3}
	show(d)
	show(&d)
	p := &Puppy{d, "ball"}
	show(p)
	show(*p)
	show(Small{&Tag{9}})
	var l Letterer = Puppy{d, "stick"}
	println(l.Letter(0), l.Letter(2))
	l = &d
	println(l.Letter(1))
	println(l.Letter(5))
}
