package viewer

import (
	"errors"
	"time"

	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/sandbox"
)

// PlayOptions configure Play.
type PlayOptions struct {
	Title, Checkpoint string
	Seed              uint64
	SampleSteps       int     // 0: the model's default
	FPS               float64 // 0: the model's frame rate
	QuitAfter         time.Duration
}

func Play(m *model.Model, spec *sandbox.Spec, o PlayOptions) error { return errors.New("todo") }
