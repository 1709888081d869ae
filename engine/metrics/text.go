package metrics

// TextScores compare screens of text read from frames (see term.Reader):
// a terminal's metrics, where whole-image scores hide failures (a frame
// that is right but for the one line just typed scores a high PSNR).
// Counts are pooled over all the frames added.
type TextScores struct {
	// CharAccuracy is the share of cells read the same in prediction and
	// truth, over the cells that are not blank in one of them.
	CharAccuracy float64 `json:"char_accuracy"`
	// LineAccuracy is the share of rows read exactly the same, over the
	// rows that are not empty in one of them.
	LineAccuracy float64 `json:"line_accuracy"`
	// ChangedAccuracy is CharAccuracy over the cells whose true character
	// differs from the previous true frame's: what the model had to draw.
	ChangedAccuracy float64 `json:"changed_cell_accuracy"`
	ChangedCells    int     `json:"changed_cells"`

	chars, charsRight, lines, linesRight, changedRight int
}

// Add scores one predicted screen against the truth and the true screen
// before it (prev may be nil: then no cell counts as changed). Screens are
// rows of text; missing rows and columns are blank.
func (s *TextScores) Add(pred, truth, prev []string) {
	rows := max(len(pred), len(truth))
	for y := range rows {
		p, t, b := runesAt(pred, y), runesAt(truth, y), runesAt(prev, y)
		cols := max(len(p), len(t))
		if cols > 0 {
			s.lines++
			if string(p) == string(t) {
				s.linesRight++
			}
		}
		for x := range cols {
			pc, tc := cellAt(p, x), cellAt(t, x)
			if pc != ' ' || tc != ' ' {
				s.chars++
				if pc == tc {
					s.charsRight++
				}
			}
			if prev != nil && tc != cellAt(b, x) {
				s.ChangedCells++
				if pc == tc {
					s.changedRight++
				}
			}
		}
		// Cells that changed to blank beyond the longer of p and t.
		if prev != nil {
			for x := cols; x < len(b); x++ {
				if b[x] != ' ' {
					s.ChangedCells++
					s.changedRight++ // both prediction and truth are blank there
				}
			}
		}
	}
	s.ratios()
}

// Merge adds o's counts to s, as if o's screens had been added to s.
func (s *TextScores) Merge(o *TextScores) {
	s.chars += o.chars
	s.charsRight += o.charsRight
	s.lines += o.lines
	s.linesRight += o.linesRight
	s.changedRight += o.changedRight
	s.ChangedCells += o.ChangedCells
	s.ratios()
}

// ratios derives the accuracies from the counts.
func (s *TextScores) ratios() {
	s.CharAccuracy = ratio(s.charsRight, s.chars)
	s.LineAccuracy = ratio(s.linesRight, s.lines)
	s.ChangedAccuracy = ratio(s.changedRight, s.ChangedCells)
}

func runesAt(screen []string, y int) []rune {
	if y < len(screen) {
		return []rune(screen[y])
	}
	return nil
}

func cellAt(row []rune, x int) rune {
	if x < len(row) {
		return row[x]
	}
	return ' '
}

// ratio is a/b, and 1 when there is nothing to score.
func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}
