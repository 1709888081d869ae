package metrics

import (
	"math"
	"testing"
)

func TestTextScores(t *testing.T) {
	var s TextScores
	prev := []string{"$ ech"}
	truth := []string{"$ echo", "", "x"}
	pred := []string{"$ ecbo", "", "", "junk"}
	s.Add(pred, truth, prev)
	// Cells non-blank in either: "$ echo" has 5 (the space is blank in both),
	// row 2 "x" vs "", row 3 "" vs "junk": 5 + 1 + 4 = 10, right: $ e c o = 4.
	// Lines non-empty in either: rows 0, 2, 3; none exact.
	// Changed cells: 'o' at (5,0) and 'x' at (0,2); 'o' right, 'x' wrong.
	want := TextScores{CharAccuracy: 0.4, LineAccuracy: 0, ChangedAccuracy: 0.5, ChangedCells: 2}
	if math.Abs(s.CharAccuracy-want.CharAccuracy) > 1e-12 || s.LineAccuracy != 0 || s.ChangedAccuracy != 0.5 || s.ChangedCells != 2 {
		t.Errorf("got %+v, want %+v", s, want)
	}
	// A perfect frame pools in.
	s.Add(truth, truth, truth)
	if s.LineAccuracy != 2.0/5 || s.ChangedCells != 2 {
		t.Errorf("after a perfect frame: %+v", s)
	}
	var empty TextScores
	empty.Add(nil, nil, nil)
	if empty.CharAccuracy != 1 || empty.LineAccuracy != 1 {
		t.Errorf("blank screens: %+v", empty)
	}
}
