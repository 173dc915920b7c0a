package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// parseSubcommand reads a subcommand's flags (fs is named "lazytrail
// NAME"), which may come before or after its arguments, as people type
// them, and returns the arguments. ok is false when the run is over:
// help was printed (code 0) or a flag was wrong (one line, code 2).
func parseSubcommand(fs *flag.FlagSet, args []string, stderr io.Writer) (positional []string, code int, ok bool) {
	fs.SetOutput(io.Discard)
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(stderr)
				fs.Usage()
				return nil, exitOK, false
			}
			line := strings.Replace(flagErrorLine(err), "see lazytrail --help", "see "+fs.Name()+" --help", 1)
			fmt.Fprintf(stderr, "%s: %s\n", fs.Name(), line)
			return nil, exitUsage, false
		}
		if fs.NArg() == 0 {
			return positional, 0, true
		}
		positional = append(positional, fs.Arg(0))
		rest = fs.Args()[1:]
	}
}
