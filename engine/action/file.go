package action

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// Action files hold one Action per line as JSON (the trace format's action
// fields: {"x":10,"y":20,"buttons":1,"key_down":["a"],"text":"a"}); blank
// lines and lines starting with # are skipped. `ncstudio play --headless`
// replays them; any program can write them.

// maxFileLine bounds one line of an action file.
const maxFileLine = 1 << 20

// ReadFile reads an action file. Errors name the file and line.
func ReadFile(path string) ([]Action, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path)
}

// Read reads actions in the action-file format from r; name labels errors.
func Read(r io.Reader, name string) ([]Action, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxFileLine)
	var out []Action
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 || b[0] == '#' {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		var a Action
		if err := dec.Decode(&a); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("%s:%d: more than one JSON value on the line", name, line)
		}
		if err := a.check(); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		out = append(out, a)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no actions", name)
	}
	return out, nil
}

// check rejects values no input device produces.
func (a Action) check() error {
	switch {
	case a.X < 0 || a.Y < 0 || a.X > 1<<15 || a.Y > 1<<15:
		return fmt.Errorf("cursor (%d,%d) outside 0..32768", a.X, a.Y)
	case a.Buttons&^(Left|Middle|Right) != 0:
		return fmt.Errorf("buttons %d: only 1 (left), 2 (middle) and 4 (right) exist", a.Buttons)
	}
	for _, k := range append(append([]string{}, a.KeyDown...), a.KeyUp...) {
		if k == "" {
			return fmt.Errorf("empty key name")
		}
	}
	return nil
}

// Write writes actions in the action-file format.
func Write(w io.Writer, actions []Action) error {
	enc := json.NewEncoder(w)
	for _, a := range actions {
		if err := enc.Encode(a); err != nil {
			return err
		}
	}
	return nil
}
