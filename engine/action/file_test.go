package action

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestFileRoundTrip(t *testing.T) {
	var s Script
	s.MoveTo(40, 30, 4)
	s.Click(Left)
	s.TypeRune('A')
	s.Emit(Action{Scroll: -2})
	var buf bytes.Buffer
	if err := Write(&buf, s.Actions); err != nil {
		t.Fatal(err)
	}
	got, err := Read(strings.NewReader("# a comment\n\n"+buf.String()), "script.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s.Actions) {
		t.Fatalf("round trip changed the actions:\n%v\n%v", got, s.Actions)
	}
}

func TestFileErrorsNameFileAndLine(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"{\"x\":1,\"y\":2}\n{\"x\":1,\"y\":", "a.jsonl:2: unexpected EOF"},
		{"{\"x\":1,\"why\":2}", "a.jsonl:1: json: unknown field \"why\""},
		{"{\"x\":-1,\"y\":2}", "a.jsonl:1: cursor (-1,2) outside"},
		{"{\"x\":1,\"y\":2,\"buttons\":8}", "a.jsonl:1: buttons 8"},
		{"{\"x\":1} {\"x\":2}", "a.jsonl:1: more than one JSON value"},
		{"{\"key_down\":[\"\"]}", "a.jsonl:1: empty key name"},
		{"# nothing\n", "a.jsonl: no actions"},
	} {
		_, err := Read(strings.NewReader(c.in), "a.jsonl")
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q...", c.in, err, c.want)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("{\"x\":3,\"y\":4,\"buttons\":1,\"key_down\":[\"a\"],\"text\":\"a\"}\n"))
	f.Add([]byte("# c\n{\"scroll\":2}\n{\"key_up\":[\"Return\"]}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		acts, err := Read(bytes.NewReader(b), "fuzz")
		if err != nil {
			return
		}
		// What reads must write and read back the same.
		var buf bytes.Buffer
		if err := Write(&buf, acts); err != nil {
			t.Fatal(err)
		}
		again, err := Read(&buf, "again")
		if err != nil || !reflect.DeepEqual(normal(again), normal(acts)) {
			t.Fatalf("round trip: %v\n%v\n%v", err, acts, again)
		}
	})
}

// normal maps empty slices to nil, which JSON does not keep apart.
func normal(as []Action) []Action {
	for i := range as {
		if len(as[i].KeyDown) == 0 {
			as[i].KeyDown = nil
		}
		if len(as[i].KeyUp) == 0 {
			as[i].KeyUp = nil
		}
	}
	return as
}
