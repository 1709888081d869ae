package main

import "testing"

func TestFileSafe(t *testing.T) {
	for name, want := range map[string]string{
		"open Notes":               "open-Notes",
		`python3 -c "print(68+1)"`: "python3-c-print-68+1",
		"compute 7+2":              "compute-7+2",
		"Öffnen: Datei/neu…":       "ffnen-Datei-neu",
		"../../etc":                "..-..-etc", // a separator never survives
	} {
		if got := fileSafe(name); got != want {
			t.Errorf("fileSafe(%q) = %q, want %q", name, got, want)
		}
	}
}
