package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// A command is one capability offered on the command line. Its name may have
// several words ("ckpt info"); the dispatcher picks the longest name that
// prefixes the arguments.
type command struct {
	name    string // e.g. "bench cpu"
	usage   string // argument synopsis after the name, e.g. "FILE [--json]"
	summary string // one line for `ncstudio help`
	run     func(c *context) error
}

// context is what a running command sees: its flag set (already holding
// --json), its output, and its positional arguments after parsing.
type context struct {
	Flags  *flag.FlagSet
	JSON   bool
	Stdout io.Writer
	Stderr io.Writer
	args   []string
	cmd    *command
}

// Parse parses the command's flags; positional arguments are returned.
// Flags may appear before or after positional arguments.
func (c *context) Parse() ([]string, error) {
	// Everything after "--" is positional (e.g. a command and its flags).
	rest, tail := c.args, []string(nil)
	if i := slices.Index(rest, "--"); i >= 0 {
		rest, tail = rest[:i], rest[i+1:]
	}
	var pos []string
	for {
		if err := c.Flags.Parse(rest); err != nil {
			return nil, usageError{err}
		}
		rest = c.Flags.Args()
		if len(rest) == 0 {
			return append(pos, tail...), nil
		}
		pos = append(pos, rest[0])
		rest = rest[1:]
	}
}

// Emit prints v as indented JSON when --json is set, and otherwise calls
// human to print it for people.
func (c *context) Emit(v any, human func(w io.Writer)) error {
	if c.JSON {
		enc := json.NewEncoder(c.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	human(c.Stdout)
	return nil
}

// usageError marks errors caused by a wrong command line (exit status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

var registry []*command

// register adds a command; called from init functions of the cmd_*.go files.
func register(c *command) { registry = append(registry, c) }

// lookup finds the command with the longest name that prefixes args.
func lookup(args []string) (*command, []string) {
	var best *command
	bestWords := 0
	for _, c := range registry {
		words := strings.Fields(c.name)
		if len(words) > len(args) || len(words) <= bestWords {
			continue
		}
		match := true
		for i, w := range words {
			if args[i] != w {
				match = false
				break
			}
		}
		if match {
			best, bestWords = c, len(words)
		}
	}
	if best == nil {
		return nil, args
	}
	return best, args[bestWords:]
}

func dispatch(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		args = []string{"studio"}
	}
	switch args[0] {
	case "-h", "--help", "help":
		if len(args) > 1 {
			if c, _ := lookup(args[1:]); c != nil {
				return runCommand(c, []string{"-h"}, stdout, stderr)
			}
		}
		printHelp(stdout)
		return nil
	}
	c, rest := lookup(args)
	if c == nil {
		printHelp(stderr)
		return usagef("unknown command %q", strings.Join(args, " "))
	}
	return runCommand(c, rest, stdout, stderr)
}

func runCommand(c *command, args []string, stdout, stderr io.Writer) error {
	ctx := &context{Stdout: stdout, Stderr: stderr, args: args, cmd: c}
	ctx.Flags = flag.NewFlagSet("ncstudio "+c.name, flag.ContinueOnError)
	ctx.Flags.SetOutput(stderr)
	ctx.Flags.BoolVar(&ctx.JSON, "json", false, "print machine-readable JSON instead of text")
	ctx.Flags.Usage = func() {
		fmt.Fprintf(stderr, "usage: ncstudio %s %s\n\n%s\n\nflags:\n", c.name, c.usage, c.summary)
		ctx.Flags.PrintDefaults()
	}
	err := c.run(ctx)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "NC Studio: play with, record for, and train neural computers.")
	fmt.Fprintln(w, "\nusage: ncstudio [COMMAND] [ARGS] [--json]")
	fmt.Fprintln(w, "With no command, opens the studio window.")
	fmt.Fprintln(w, "\ncommands:")
	cmds := append([]*command(nil), registry...)
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	// Synopses longer than this go on their own line, the summary below.
	const maxWidth = 44
	width := 0
	for _, c := range cmds {
		if n := len(c.name) + 1 + len(c.usage); n <= maxWidth {
			width = max(width, n)
		}
	}
	for _, c := range cmds {
		synopsis := c.name + " " + c.usage
		if len(synopsis) > maxWidth {
			fmt.Fprintf(w, "  %s\n  %-*s  %s\n", synopsis, width, "", c.summary)
			continue
		}
		fmt.Fprintf(w, "  %-*s  %s\n", width, synopsis, c.summary)
	}
	fmt.Fprintln(w, "\nRun `ncstudio help COMMAND` for a command's flags.")
}
