// Package locale quiets Fyne under the "C.UTF-8" locale.
//
// Fyne reads the locale while its lang package initialises, turns LANG=C.UTF-8
// (the usual locale of containers and CI, and what the tests run with) into
// the tag "C", and logs "Error parsing user locale C" on every start, even for
// commands that open no window. Setting LANGUAGE=en in that case gives Fyne
// English, which is what C means, and it also falls back to English.
//
// This must run before Fyne's lang package initialises. Go initialises the
// ready packages in import-path order (spec, "Package initialization"), and
// this package depends only on os and strings, while fyne.io/fyne/v2/lang
// depends on packages sorting after this one (golang.org/x/text/...), so
// importing it anywhere in the program (studio does) is enough.
package locale

import (
	"os"
	"strings"
)

func init() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(k)
		if v == "" {
			continue
		}
		if strings.HasPrefix(v, "C.") || strings.HasPrefix(v, "POSIX.") {
			os.Setenv("LANGUAGE", "en")
		}
		return
	}
}
