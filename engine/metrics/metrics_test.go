package metrics

import (
	"image"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/backendtest"
	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/sandbox"
)

// desktopFrame is a busy sandbox frame (cursor parked outside the area tests use).
func desktopFrame(t *testing.T) *image.RGBA {
	d, err := sandbox.New(nil, sandbox.Options{Width: 256, Height: 192})
	if err != nil {
		t.Fatal(err)
	}
	for _, ic := range d.Icons()[:3] {
		c := ic.Picture.Min.Add(ic.Picture.Max).Div(2)
		for range 2 {
			d.Step(action.Action{X: c.X, Y: c.Y, Buttons: action.Left})
			d.Step(action.Action{X: c.X, Y: c.Y})
		}
	}
	d.Step(action.Action{X: 255, Y: 191})
	img := image.NewRGBA(image.Rect(0, 0, 256, 192))
	d.Render(img)
	return img
}

func noisy(img *image.RGBA, rng *rand.Rand, amp int) *image.RGBA {
	out := image.NewRGBA(img.Rect)
	for i, v := range img.Pix {
		if i%4 == 3 {
			out.Pix[i] = 255
			continue
		}
		out.Pix[i] = uint8(min(max(int(v)+rng.IntN(2*amp+1)-amp, 0), 255))
	}
	return out
}

// TestAgainstScikitImage compares PSNR and SSIM with scikit-image's.
func TestAgainstScikitImage(t *testing.T) {
	backendtest.RequireTorch(t) // the same Debian Python; skimage is checked by the script
	rng := rand.New(rand.NewPCG(1, 2))
	base := desktopFrame(t)
	pairs := [][2]*image.RGBA{
		{base, noisy(base, rng, 10)},
		{base, noisy(base, rng, 60)},
		{noisy(base, rng, 3), noisy(base, rng, 30)},
	}
	f := &ckpt.File{}
	for k, p := range pairs {
		for side, img := range p {
			data := make([]float32, 0, 256*192*3)
			for i := 0; i < len(img.Pix); i += 4 {
				data = append(data, float32(img.Pix[i]), float32(img.Pix[i+1]), float32(img.Pix[i+2]))
			}
			f.Tensors = append(f.Tensors, ckpt.Tensor{Name: []string{"a/", "b/"}[side] + string(rune('0'+k)), DType: ckpt.F32, Shape: []int{192, 256, 3}, Data: data})
		}
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.safetensors"), filepath.Join(dir, "out.safetensors")
	if err := ckpt.Save(in, f); err != nil {
		t.Fatal(err)
	}
	backendtest.RunPyref(t, "metrics_ref.py", in, out)
	ref, err := ckpt.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	for k, p := range pairs {
		name := string(rune('0' + k))
		wantP, _ := ref.Get("psnr/" + name)
		wantS, _ := ref.Get("ssim/" + name)
		gotP, gotS := PSNR(p[0], p[1]), SSIM(p[0], p[1])
		t.Logf("pair %d: PSNR %.4f (skimage %.4f), SSIM %.6f (skimage %.6f)", k, gotP, wantP.Data[0], gotS, wantS.Data[0])
		if d := gotP - float64(wantP.Data[0]); d > 1e-3 || d < -1e-3 {
			t.Errorf("pair %d: PSNR %.5f, scikit-image %.5f", k, gotP, wantP.Data[0])
		}
		if d := gotS - float64(wantS.Data[0]); d > 1e-5 || d < -1e-5 {
			t.Errorf("pair %d: SSIM %.7f, scikit-image %.7f", k, gotS, wantS.Data[0])
		}
	}
	if PSNR(base, base) != MaxPSNR {
		t.Error("identical images do not give MaxPSNR")
	}
}

func TestChangedPSNR(t *testing.T) {
	prev := desktopFrame(t)
	truth := image.NewRGBA(prev.Rect)
	copy(truth.Pix, prev.Pix)
	for x := 10; x < 20; x++ { // a changed patch
		truth.Pix[truth.PixOffset(x, 100)] ^= 0xff
	}
	if _, ok := ChangedPSNR(prev, prev, prev); ok {
		t.Error("no change reported a score")
	}
	// Predicting "nothing changed" scores well on the whole frame and badly
	// on the changed pixels, which is the point of the metric.
	db, ok := ChangedPSNR(prev, truth, prev)
	if !ok || db > 15 || PSNR(prev, truth) < 30 {
		t.Errorf("changed PSNR %.1f (ok %v), whole-frame PSNR %.1f", db, ok, PSNR(prev, truth))
	}
	if db, _ := ChangedPSNR(truth, truth, prev); db != MaxPSNR {
		t.Errorf("a perfect prediction scores %.1f on the changed pixels", db)
	}
}

// TestCursorDetection draws the sandbox cursors at random places on a busy
// frame, plain and with noise, and finds them.
func TestCursorDetection(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var sprites []Sprite
	for _, shape := range []sandbox.CursorShape{sandbox.Arrow, sandbox.IBeam} {
		s := sandbox.CursorSprite(shape)
		sprites = append(sprites, Sprite{s.Image, s.HotX, s.HotY})
	}
	det := NewDetector(sprites...)
	var exact, rough CursorError
	for range 40 {
		d, _ := sandbox.New(nil, sandbox.Options{Width: 256, Height: 192})
		x, y := rng.IntN(256), rng.IntN(192)
		if !det.Visible(x, y, 256, 192) {
			continue
		}
		d.Step(action.Action{X: x, Y: y})
		img := image.NewRGBA(image.Rect(0, 0, 256, 192))
		d.Render(img)
		gx, gy, _ := det.Find(img)
		exact.Add(gx, gy, x, y)
		if gx != x || gy != y {
			t.Logf("cursor at (%d, %d) found at (%d, %d)", x, y, gx, gy)
		}
		nx, ny, _ := det.Find(noisy(img, rng, 40))
		rough.Add(nx, ny, x, y)
	}
	t.Logf("exact: %+v; noisy: %+v", exact, rough)
	if exact.Accuracy != 1 || exact.DR != 0 {
		t.Errorf("exact frames: %+v", exact)
	}
	if rough.Accuracy < 0.95 {
		t.Errorf("noisy frames: %+v", rough)
	}
}
