package e2e

import (
	"os"
	"testing"

	"github.com/auth0gin/auth0gin/tests/internal/exampleapp"
)

// exampleBin is the example app, built once for all tests by TestMain.
var exampleBin string

func TestMain(m *testing.M) {
	os.Exit(exampleapp.Main(m, "e2e", raceEnabled, &exampleBin))
}
