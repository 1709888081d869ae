package main

import (
	"flag"
	"sort"
	"strings"

	"github.com/ncstudio/ncstudio/engine/train"
	"github.com/ncstudio/ncstudio/engine/workspace"
	"github.com/ncstudio/ncstudio/studio"
)

func init() {
	register(&command{
		name:    "studio",
		usage:   "[--ckpt CKPT] [--workspace DIR] [--quit-after DURATION]",
		summary: "open the studio window (the default with no command)",
		run:     runStudio,
	})
}

func runStudio(c *context) error {
	ckptPath := c.Flags.String("ckpt", "default", "checkpoint the Play page runs: "+ckptHelp)
	quitAfter := c.Flags.Duration("quit-after", 0, "close the studio after this long, e.g. 20s (for tests)")
	wsDir := c.Flags.String("workspace", "", "folder of checkpoints/, traces/ and recordings/ (default ~/NCStudio)")
	args, err := c.Parse()
	if err != nil {
		return err
	}
	if len(args) != 0 {
		return usagef("studio: takes no arguments")
	}
	if *quitAfter < 0 {
		return usagef("studio: --quit-after must not be negative")
	}
	m, _, err := loadModel(*ckptPath)
	if err != nil {
		return err
	}
	return onMainThread(func() error {
		return studio.Run(studio.Options{
			Version:     buildVersionInfo().oneLine(),
			Commands:    commandLines(),
			QuitAfter:   *quitAfter,
			Model:       m,
			Checkpoint:  *ckptPath,
			Workspace:   workspace.Workspace{Root: *wsDir},
			LatentCache: train.DefaultLatentCache(),
			Dialogs:     findDialogs(),
			// Without --ckpt, the checkpoint played last time comes back.
			RestoreLast: !flagSet(c.Flags, "ckpt"),
		})
	})
}

// commandLines lists the registered commands for the studio's Welcome
// page: "ncstudio NAME USAGE", a tab, then the summary.
func commandLines() []string {
	cmds := append([]*command(nil), registry...)
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	lines := make([]string, 0, len(cmds))
	for _, c := range cmds {
		lines = append(lines, strings.TrimSpace("ncstudio "+c.name+" "+c.usage)+"\t"+c.summary)
	}
	return lines
}

// flagSet reports whether a flag was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
