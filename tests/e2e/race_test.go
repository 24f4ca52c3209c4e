//go:build race

package e2e

// raceEnabled builds the example with the race detector too when the tests
// run with -race, so its own data races fail these tests.
const raceEnabled = true
