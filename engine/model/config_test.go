package model

import "testing"

// TestPresetsCheck: every preset is a valid config, and every desktop
// preset but small (kept as the injection-mode comparison was trained) can
// tell a double click from two clicks.
func TestPresetsCheck(t *testing.T) {
	for _, name := range PresetNames() {
		c, err := Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Check(); err != nil {
			t.Errorf("preset %s: %v", name, err)
		}
		if c.Terminal == nil && name != "small" && c.Dyn.PressHistory == 0 {
			t.Errorf("preset %s has no press history", name)
		}
	}
}
