package main

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"os"

	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/model/embedded"
	"github.com/ncstudio/ncstudio/engine/sandbox"
)

// ckptHelp describes the --ckpt flag of commands that run a model.
const ckptHelp = "checkpoint (.safetensors), or one built into ncstudio: \"default\" (a desktop) or \"terminal\""

// builtin is the built-in checkpoint a --ckpt value names ("" names the
// default), if it names one.
func builtin(path string) (embedded.Builtin, bool) {
	if path == "" {
		path = embedded.Name
	}
	return embedded.Lookup(path)
}

// loadModel loads a checkpoint file, or a built-in one by name (the default
// for an empty name), on the CPU backend.
func loadModel(path string) (*model.Model, map[string]string, error) {
	if b, ok := builtin(path); ok {
		return b.Load(cpu.New())
	}
	return model.Load(cpu.New(), path)
}

// loadCkptFile reads a checkpoint file, or a built-in one by name, without
// building a model: for commands that rewrite checkpoints.
func loadCkptFile(path string) (*ckpt.File, error) {
	if b, ok := embedded.Lookup(path); ok {
		return b.File()
	}
	return ckpt.Load(path)
}

// openCkptCopy is the start of the commands that write a changed copy of a
// checkpoint: args must be IN and OUT, OUT must not exist yet, and IN (a
// file or a built-in) is read.
func openCkptCopy(command string, args []string) (*ckpt.File, error) {
	if len(args) != 2 {
		return nil, usagef("%s: want IN and OUT, got %d arguments", command, len(args))
	}
	if _, err := os.Stat(args[1]); err == nil {
		return nil, fmt.Errorf("%s: %s exists; not overwriting it", command, args[1])
	}
	return loadCkptFile(args[0])
}

// ckptEdit is what an edit of a checkpoint reports: JSON fields beside "in"
// and "out", and the sentence that follows "wrote OUT: ".
type ckptEdit struct {
	fields map[string]any
	text   string
}

// editCkptCopy is the whole of a command that writes a changed copy of a
// checkpoint (ckpt sampler, scroll, presses, context, grow, dynamics): it
// opens IN, lets edit change it in memory, writes OUT atomically and
// reports. edit's errors are prefixed with the command; usage errors stay
// usage errors.
func editCkptCopy(c *context, command string, args []string, edit func(f *ckpt.File) (ckptEdit, error)) error {
	f, err := openCkptCopy(command, args)
	if err != nil {
		return err
	}
	done, err := edit(f)
	if err != nil {
		return fmt.Errorf("%s: %w", command, err)
	}
	if err := ckpt.Save(args[1], f); err != nil {
		return err
	}
	fields := map[string]any{"in": args[0], "out": args[1]}
	maps.Copy(fields, done.fields)
	return c.Emit(fields, func(w io.Writer) { fmt.Fprintf(w, "wrote %s: %s\n", args[1], done.text) })
}

// ckptConfig reads the model config of a checkpoint file (name in errors).
func ckptConfig(f *ckpt.File, name string) (model.Config, error) {
	if f.Metadata[model.MetaFormat] != model.FormatName {
		return model.Config{}, fmt.Errorf("%s is not an NC Studio model checkpoint", name)
	}
	cfg, err := model.UnmarshalConfig(f.Metadata[model.MetaConfig])
	if err != nil {
		return model.Config{}, fmt.Errorf("%s: %v", name, err)
	}
	return cfg, nil
}

// loadSpec loads a desktop spec file, or the built-in desktop for "".
func loadSpec(path string) (*sandbox.Spec, error) {
	if path == "" {
		return sandbox.DefaultSpec(), nil
	}
	return sandbox.LoadSpec(path)
}

// holdFlags adds the sampler's hold flags to a command: --hold (the
// threshold) and --hold-by (cells or tokens). The returned apply sets the
// ones given on a model's sampler settings and checks them.
func holdFlags(fs *flag.FlagSet) (apply func(*model.SamplerConfig) error) {
	hold := fs.Float64("hold", -1, "keep latent cells whose predicted change (RMS) is below this as they were; 0 keeps every prediction (default: the checkpoint's)")
	by := fs.String("hold-by", "", "what --hold keeps or lets change as one: cell (each latent cell), token (the patch of cells a dynamics token covers, whole glyphs in a terminal) (default: the checkpoint's)")
	return func(s *model.SamplerConfig) error {
		switch *by {
		case "":
		case "cell", "token":
			s.HoldTokens = *by == "token"
		default:
			return usagef("--hold-by is cell or token, not %q", *by)
		}
		if *hold >= 0 {
			s.Hold = float32(*hold)
		}
		return nil
	}
}

// holdUnit names what a sampler's hold keeps as one: "cell" or "token".
func holdUnit(s model.SamplerConfig) string {
	if s.HoldTokens {
		return "token"
	}
	return "cell"
}
