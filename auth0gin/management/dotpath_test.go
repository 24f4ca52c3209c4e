package management

import (
	"context"
	"errors"
	"testing"
)

// TestUserIDDotSegments: an id of "." or ".." (from an app's admin route,
// say) is escaped to itself, so DELETE /api/v2/users/. would address the
// list of users and .. the API's root once a server or proxy normalises the
// path. The client refuses them before sending anything.
func TestUserIDDotSegments(t *testing.T) {
	c := &Client{}
	ctx := context.Background()
	for _, id := range []string{".", ".."} {
		if _, err := c.GetUser(ctx, id); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("GetUser(%q): %v", id, err)
		}
		if err := c.DeleteUser(ctx, id); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("DeleteUser(%q): %v", id, err)
		}
	}
}
