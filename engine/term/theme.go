package term

import (
	"fmt"
	"image/color"
	"slices"
	"strings"
)

// Theme is the colours a terminal is drawn in.
type Theme struct {
	Name    string
	FG, BG  color.RGBA
	Cursor  color.RGBA
	Palette [16]color.RGBA // the ANSI colours 0..15
}

func rgb(v uint32) color.RGBA { return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255} }

// Themes are the built-in themes by name.
var Themes = map[string]Theme{
	"dark": {Name: "dark", FG: rgb(0xd0d0d0), BG: rgb(0x1c1c1c), Cursor: rgb(0xd0d0d0),
		Palette: [16]color.RGBA{
			rgb(0x000000), rgb(0xcd3131), rgb(0x0dbc79), rgb(0xe5e510), rgb(0x2472c8), rgb(0xbc3fbc), rgb(0x11a8cd), rgb(0xe5e5e5),
			rgb(0x666666), rgb(0xf14c4c), rgb(0x23d18b), rgb(0xf5f543), rgb(0x3b8eea), rgb(0xd670d6), rgb(0x29b8db), rgb(0xffffff)}},
	"light": {Name: "light", FG: rgb(0x202020), BG: rgb(0xfafafa), Cursor: rgb(0x202020),
		Palette: [16]color.RGBA{
			rgb(0x000000), rgb(0xc4001a), rgb(0x00862e), rgb(0x8a6d00), rgb(0x0451a5), rgb(0xa000a0), rgb(0x00798a), rgb(0xa0a0a0),
			rgb(0x5a5a5a), rgb(0xe0001f), rgb(0x00a53a), rgb(0xb08c00), rgb(0x1a6fd0), rgb(0xc000c0), rgb(0x0096aa), rgb(0x7a7a7a)}},
}

// ThemeNames lists the built-in themes.
func ThemeNames() []string {
	var n []string
	for k := range Themes {
		n = append(n, k)
	}
	slices.Sort(n)
	return n
}

// LookupTheme returns a built-in theme.
func LookupTheme(name string) (Theme, error) {
	t, ok := Themes[name]
	if !ok {
		return Theme{}, fmt.Errorf("term: no theme %q (themes: %s)", name, strings.Join(ThemeNames(), ", "))
	}
	return t, nil
}

// Emulator colour values (vt10x's): 0..255 index the xterm palette,
// defaultFG and defaultBG are the theme's, and values in between are 24-bit
// RGB. vt10x stores RGB as r<<16|g<<8|b, so a true colour with red and green
// both 0 and blue below 256 is read as a palette index: a known limit of the
// emulator, rare in practice (pure dark blues).
const (
	defaultFG = 1 << 24
	defaultBG = 1<<24 + 1
)

// colour resolves an emulator colour value.
func (t *Theme) colour(c uint32) color.RGBA {
	switch {
	case c == defaultFG:
		return t.FG
	case c == defaultBG:
		return t.BG
	case c < 16:
		return t.Palette[c]
	case c < 232: // 6x6x6 cube, xterm's levels
		c -= 16
		level := func(v uint32) uint8 {
			if v == 0 {
				return 0
			}
			return uint8(55 + 40*v)
		}
		return color.RGBA{level(c / 36), level(c / 6 % 6), level(c % 6), 255}
	case c < 256: // grey ramp
		g := uint8(8 + 10*(c-232))
		return color.RGBA{g, g, g, 255}
	case c < defaultFG:
		return rgb(c)
	}
	return t.FG
}
