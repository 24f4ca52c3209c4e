//go:build race

package frontdoor

// raceEnabled runs the app's own test with the race detector too when this
// one runs with -race.
const raceEnabled = true
