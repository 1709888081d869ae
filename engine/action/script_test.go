package action

import (
	"reflect"
	"testing"
)

func TestScript(t *testing.T) {
	s := Script{X: 0, Y: 0}
	s.MoveTo(10, 20, 2)
	s.Click(Left)
	s.Type("Hi")
	s.Key("Return")
	want := []Action{
		{X: 5, Y: 10}, {X: 10, Y: 20},
		{X: 10, Y: 20, Buttons: Left}, {X: 10, Y: 20},
		{X: 10, Y: 20, KeyDown: []string{"Shift_L", "H"}, Text: "H"}, {X: 10, Y: 20, KeyUp: []string{"H", "Shift_L"}},
		{X: 10, Y: 20, KeyDown: []string{"i"}, Text: "i"}, {X: 10, Y: 20, KeyUp: []string{"i"}},
		{X: 10, Y: 20, KeyDown: []string{"Return"}}, {X: 10, Y: 20, KeyUp: []string{"Return"}},
	}
	if !reflect.DeepEqual(s.Actions, want) {
		t.Errorf("script\n%v\nwant\n%v", s.Actions, want)
	}
}
