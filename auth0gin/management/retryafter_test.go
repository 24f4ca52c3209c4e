package management

import (
	"net/http"
	"testing"
	"time"
)

// TestRetryAfterHostile: a Retry-After too large for a time.Duration used to
// wrap around (to a negative or a short wait), so a hostile or broken answer
// made the client retry at once instead of giving up; it now saturates and
// counts as "further than MaxWait".
func TestRetryAfterHostile(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	for _, v := range []string{"9223372037", "18446744073", "9223372036854775807"} {
		h := http.Header{"Retry-After": {v}}
		d, ok := retryAfter(h, now)
		if !ok || d < time.Hour {
			t.Errorf("Retry-After %s: %v %v, want a wait of at least an hour", v, d, ok)
		}
	}
	if d, ok := retryAfter(http.Header{"Retry-After": {"3"}}, now); !ok || d != 3*time.Second {
		t.Errorf("Retry-After 3: %v %v", d, ok)
	}
}
