package probe

import (
	"image"
	"image/draw"
)

// FilmColumns is how many steps a film shows side by side before it wraps
// into a new band below.
const FilmColumns = 16

// newFilm returns a blank film for steps pairs of w x h frames: bands of up
// to FilmColumns steps, each band the expected frames above the model's.
func newFilm(steps, w, h int) *image.RGBA {
	cols := min(steps, FilmColumns)
	bands := (steps + FilmColumns - 1) / FilmColumns
	return image.NewRGBA(image.Rect(0, 0, cols*w, bands*2*h))
}

// FilmCell is where step i's expected frame (row 0) or model frame (row 1)
// lies in a film of w x h frames.
func FilmCell(i, row, w, h int) image.Rectangle {
	x, y := (i%FilmColumns)*w, ((i/FilmColumns)*2+row)*h
	return image.Rect(x, y, x+w, y+h)
}

// putFilm draws step i's pair into film.
func putFilm(film *image.RGBA, i int, want, got *image.RGBA) {
	w, h := want.Rect.Dx(), want.Rect.Dy()
	draw.Draw(film, FilmCell(i, 0, w, h), want, want.Rect.Min, draw.Src)
	draw.Draw(film, FilmCell(i, 1, w, h), got, got.Rect.Min, draw.Src)
}
