package testenv

import (
	"context"
	"time"
)

// Eventually calls op until it returns nil, every 50ms for at most limit,
// and returns its last error.
func Eventually(ctx context.Context, limit time.Duration, op func() error) error {
	deadline := time.Now().Add(limit)
	for {
		err := op()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
