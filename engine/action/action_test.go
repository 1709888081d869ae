package action

import "testing"

func TestTransitionsAndString(t *testing.T) {
	prev := Action{X: 1, Y: 2, Buttons: Left}
	a := Action{X: 5, Y: 6, Buttons: Right, KeyDown: []string{"a"}, Text: "a"}
	if a.Pressed(prev) != Right || a.Released(prev) != Left {
		t.Fatalf("pressed %v released %v", a.Pressed(prev), a.Released(prev))
	}
	if a.IsIdle(prev) || !(Action{X: 9}).IsIdle(Action{}) {
		t.Fatal("IsIdle wrong")
	}
	if got, want := a.String(), `(5,6) right down:a text:"a"`; got != want {
		t.Fatalf("String() = %q, want %q", got, want)
	}
}
