package main

import (
	"fmt"
	"os"
	"runtime"
	"testing"
)

// pkgCleanups run when every test of the package has: what tests share
// (one moto_server for the Athena tests) is stopped then.
var pkgCleanups []func()

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(pkgCleanups) - 1; i >= 0; i-- {
		pkgCleanups[i]()
	}
	os.Exit(code)
}

// pkgTB lends the package's lifetime to helpers that take a testing.TB:
// its cleanups run after the last test, and a failure or skip is kept in
// err ("skip: …" for a skip) and ends the calling goroutine, for every
// test that needs what failed to report.
type pkgTB struct {
	testing.TB // nil: only the methods below are called
	err        *string
}

func (pkgTB) Helper()            {}
func (pkgTB) Cleanup(f func())   { pkgCleanups = append(pkgCleanups, f) }
func (p pkgTB) Skip(args ...any) { *p.err = "skip: " + fmt.Sprint(args...); runtime.Goexit() }
func (p pkgTB) Fatal(args ...any) {
	*p.err = fmt.Sprint(args...)
	runtime.Goexit()
}
func (p pkgTB) Fatalf(format string, args ...any) {
	*p.err = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
