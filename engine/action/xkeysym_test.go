package action

import "testing"

func TestKeysymCodes(t *testing.T) {
	for name, want := range map[string]uint32{"a": 'a', "A": 'A', "space": ' ', "exclam": '!', "Return": 0xff0d, "Prior": 0xff55, "Shift_L": 0xffe1} {
		if c, ok := KeysymCode(name); !ok || c != want {
			t.Errorf("KeysymCode(%q) = %#x, %v; want %#x", name, c, ok, want)
		}
	}
	for name := range specialKeysymCodes {
		c, _ := KeysymCode(name)
		if back, ok := KeysymName(c); !ok || back != name {
			t.Errorf("%q -> %#x -> %q", name, c, back)
		}
	}
	if n, _ := KeysymName(0xff55); n != "Page_Up" {
		t.Errorf("0xff55 is %q", n)
	}
	if _, ok := KeysymName(0x1234567); ok {
		t.Error("an unknown keysym has a name")
	}
	if _, ok := KeysymCode("nonsense"); ok {
		t.Error("an unknown name has a code")
	}
}
