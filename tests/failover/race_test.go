//go:build race

package failover

// raceEnabled builds the example with the race detector too when the tests
// run with -race, so its own data races fail these tests.
const raceEnabled = true
