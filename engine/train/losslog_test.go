package train

import (
	"bytes"
	"strings"
	"testing"
)

func TestLossLog(t *testing.T) {
	log := LossLogHeader + "\n" +
		"autoencoder,1,0.5,0.1\nautoencoder,2,0.4,0.2\n" +
		"autoencoder,2,0.35,0.3\n" + // redone after a resume: the last counts
		"dynamics,1,2,0.4\n"
	curves, err := ReadLossLog("l.csv", strings.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	if len(curves) != 2 || curves[0].Stage != "autoencoder" || len(curves[0].Loss) != 2 || curves[0].Loss[1] != 0.35 || curves[1].Loss[0] != 2 {
		t.Fatalf("curves %+v", curves)
	}
	img := PlotLosses(curves, 480, 240)
	if img.Rect.Dx() != 480 {
		t.Fatal("wrong size")
	}
	for _, bad := range []string{"x,y\n", LossLogHeader + "\nae,one,1,1\n", LossLogHeader + "\nae,1,x,1\n", LossLogHeader + "\nae,1\n"} {
		if _, err := ReadLossLog("l.csv", strings.NewReader(bad)); err == nil || !strings.HasPrefix(err.Error(), "l.csv:") {
			t.Errorf("%q: error %v", bad, err)
		}
	}
}

func FuzzReadLossLog(f *testing.F) {
	f.Add([]byte(LossLogHeader + "\nautoencoder,1,0.5,0.1\n"))
	f.Add([]byte(LossLogHeader + "\ndynamics,3,NaN,1\ndynamics,2,Inf,1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		curves, err := ReadLossLog("fuzz.csv", bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, c := range curves {
			if len(c.Steps) != len(c.Loss) {
				t.Fatal("steps and losses differ in length")
			}
		}
		PlotLosses(curves, 200, 100)
	})
}
