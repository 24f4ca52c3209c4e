package auth0gin_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
)

type otherKey struct{}

// The context a guard gives the handler behaves as context.WithValue's
// would: the parent's values and cancellation come through, the user is
// found, and printing it names types, never fields.
func TestUserContextIsAContext(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), otherKey{}, "kept"))
	var got context.Context
	r := gin.New()
	r.GET("/scoped", a.RequireScopes("read:messages"), func(c *gin.Context) {
		got = c.Request.Context()
		c.Status(http.StatusNoContent)
	})
	req := httptest.NewRequestWithContext(parent, http.MethodGet, "/scoped", nil)
	req.Header.Set("Authorization", "Bearer "+ti.token(t, nil))
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	if rec.Code != http.StatusNoContent || got == nil {
		t.Fatalf("status %d", rec.Code)
	}
	if u, ok := auth0gin.UserFrom(got); !ok || u.ID == "" {
		t.Fatal("no user in the handler's request context")
	}
	if v, _ := got.Value(otherKey{}).(string); v != "kept" {
		t.Errorf("the parent's value: got %q", v)
	}
	child, stop := context.WithCancel(got)
	defer stop()
	cancel()
	select { // cancel propagates synchronously to a registered child
	case <-child.Done():
	default:
		t.Error("a child of the user's context did not hear the request's end")
	}
	if got.Err() != context.Canceled {
		t.Errorf("Err after the parent's cancel: %v", got.Err())
	}

	gc, _ := gin.CreateTestContext(httptest.NewRecorder())
	gc.Set("secret", "do-not-print")
	s := auth0gin.WithUser(gc, &auth0gin.Auth0User{ID: "u"}).(interface{ String() string }).String()
	if strings.Contains(s, "do-not-print") || !strings.HasSuffix(s, ".WithUser") {
		t.Errorf("String() = %q", s)
	}
}
