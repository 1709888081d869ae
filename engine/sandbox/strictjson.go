package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
)

// jsonError is a decoding problem at a byte offset of the input.
type jsonError struct {
	off int64
	msg string
}

func (e *jsonError) Error() string { return e.msg }

// decodeStrict decodes data into v (a pointer to a struct of strings, ints,
// structs and slices) more strictly than encoding/json: field names must
// match the json tags exactly, unknown fields, duplicates, nulls and
// non-integral numbers are errors, and every error has the offset of the
// offending token. It returns the offset of every value by path
// ("icons[2].opens"), so later checks can point at lines too.
func decodeStrict(data []byte, v any) (map[string]int64, error) {
	d := &strictDecoder{data: data, dec: json.NewDecoder(strings.NewReader(string(data))), pos: map[string]int64{}}
	d.dec.UseNumber()
	if err := d.value(reflect.TypeOf(v).Elem(), ""); err != nil {
		return nil, err
	}
	end := d.start()
	if _, err := d.dec.Token(); err != io.EOF {
		return nil, &jsonError{end, "unexpected data after the top-level object"}
	}
	if err := json.Unmarshal(data, v); err != nil {
		// The walk above accepts only what Unmarshal accepts.
		return nil, fmt.Errorf("sandbox: spec decoder disagrees with encoding/json: %v", err)
	}
	return d.pos, nil
}

type strictDecoder struct {
	data []byte
	dec  *json.Decoder
	pos  map[string]int64
}

// start is the offset of the next token: InputOffset is the end of the last
// one, before any separator.
func (d *strictDecoder) start() int64 {
	off := d.dec.InputOffset()
	for off < int64(len(d.data)) && strings.IndexByte(" \t\r\n,:", d.data[off]) >= 0 {
		off++
	}
	return off
}

func (d *strictDecoder) token() (json.Token, int64, error) {
	off := d.start()
	tok, err := d.dec.Token()
	if err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, syn.Offset, &jsonError{syn.Offset, "JSON syntax: " + syn.Error()}
		}
		if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, off, &jsonError{off, "unexpected end of file"}
		}
		return nil, off, &jsonError{off, err.Error()}
	}
	return tok, off, nil
}

func (d *strictDecoder) value(t reflect.Type, path string) error {
	tok, off, err := d.token()
	if err != nil {
		return err
	}
	d.pos[path] = off
	where := path
	if where == "" {
		where = "the spec"
	}
	bad := func(want string) error {
		return &jsonError{off, fmt.Sprintf("%s: want %s, got %s", where, want, describe(tok))}
	}
	switch t.Kind() {
	case reflect.String:
		if _, ok := tok.(string); !ok {
			return bad("a string")
		}
	case reflect.Int:
		n, ok := tok.(json.Number)
		if !ok {
			return bad("an integer")
		}
		if _, err := n.Int64(); err != nil || len(n) > 9 {
			return bad("an integer")
		}
	case reflect.Slice:
		if tok != json.Delim('[') {
			return bad("an array")
		}
		for i := 0; d.dec.More(); i++ {
			if err := d.value(t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		_, _, err = d.token()
		return err
	case reflect.Struct:
		if tok != json.Delim('{') {
			return bad("an object")
		}
		seen := map[string]bool{}
		for d.dec.More() {
			ktok, koff, err := d.token()
			if err != nil {
				return err
			}
			key := ktok.(string) // object keys are always strings
			field, names := fieldByTag(t, key)
			sub := key
			if path != "" {
				sub = path + "." + key
			}
			switch {
			case field == nil:
				return &jsonError{koff, fmt.Sprintf("%s: unknown field %q (fields are: %s)", where, key, strings.Join(names, ", "))}
			case seen[key]:
				return &jsonError{koff, fmt.Sprintf("%s: field %q given twice", where, key)}
			}
			seen[key] = true
			if err := d.value(field.Type, sub); err != nil {
				return err
			}
		}
		_, _, err = d.token()
		return err
	default:
		panic("sandbox: decodeStrict: unsupported type " + t.String())
	}
	return nil
}

// fieldByTag finds the exported field of t whose json name is key, and
// returns all json names for error messages.
func fieldByTag(t reflect.Type, key string) (*reflect.StructField, []string) {
	var names []string
	var found *reflect.StructField
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		names = append(names, name)
		if name == key {
			found = &f
		}
	}
	slices.Sort(names)
	return found, names
}

func describe(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return "an object"
		}
		return "an array"
	case string:
		return fmt.Sprintf("the string %q", v)
	case json.Number:
		return "the number " + v.String()
	case bool:
		return fmt.Sprint(v)
	case nil:
		return "null"
	}
	return fmt.Sprint(tok)
}
