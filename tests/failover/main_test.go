package failover

import (
	"os"
	"testing"

	"github.com/auth0gin/auth0gin/tests/internal/exampleapp"
)

// exampleBin is the example app, built once for all tests by TestMain.
var exampleBin string

func TestMain(m *testing.M) {
	os.Exit(exampleapp.Main(m, "failover", raceEnabled, &exampleBin))
}

// app is a running example process.
type app = exampleapp.App

// startExample runs the example with env (see exampleapp.Start).
func startExample(t *testing.T, env map[string]string) *app {
	t.Helper()
	return exampleapp.Start(t, exampleBin, env)
}
