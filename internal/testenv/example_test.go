package testenv_test

import (
	"fmt"
	"time"

	"github.com/auth0gin/auth0gin/internal/testenv"
)

// A fake clock moves only when told: give its Now to a store's clock option
// and expiry is tested without sleeping.
func ExampleClock() {
	start := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	clock := testenv.NewClock(start)
	expires := clock.Now().Add(time.Minute)
	clock.Advance(2 * time.Minute)
	fmt.Println(clock.Now().After(expires))
	// Output: true
}
