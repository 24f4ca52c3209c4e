package auth0gin_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

func TestVerifyExpired(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	ctx := context.Background()
	now := time.Now()
	issue := func(req devtenant.TokenRequest) string {
		req.User = devtenant.Alice.Email
		tok, err := tenant.IssueToken(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}

	// An hour past exp, within a day: accepted, and the user is alice.
	old := tenant.Token(t, auth0test.Expired())
	u, err := auth.VerifyExpired(ctx, old, 24*time.Hour)
	if err != nil || u.ID != "auth0|alice" {
		t.Fatalf("expired within maxAge: %v, %+v", err, u)
	}
	if !u.ExpiresAt.Before(now) {
		t.Errorf("ExpiresAt %v is not in the past", u.ExpiresAt)
	}
	// Verify still refuses it, and VerifyExpired did not cache it.
	if _, err := auth.Verify(ctx, old); !errors.Is(err, auth0gin.ErrExpired) {
		t.Errorf("Verify of an expired token: %v", err)
	}
	// Beyond maxAge: expired.
	if _, err := auth.VerifyExpired(ctx, old, 30*time.Minute); !errors.Is(err, auth0gin.ErrExpired) {
		t.Errorf("past maxAge: %v, want ErrExpired", err)
	}
	// A valid token passes too.
	if _, err := auth.VerifyExpired(ctx, tenant.Token(t), time.Hour); err != nil {
		t.Errorf("valid token: %v", err)
	}

	cases := map[string]struct {
		tok  string
		want error
	}{
		"wrong audience":       {tenant.Token(t, auth0test.Audience(tenant.ManagementAudience())), auth0gin.ErrAudience},
		"bad signature":        {tamper(old), auth0gin.ErrInvalidSignature},
		"not a jwt":            {"abc.def", auth0gin.ErrMalformedToken},
		"empty":                {"", auth0gin.ErrMalformedToken},
		"issued in the future": {issue(devtenant.TokenRequest{IssuedAt: now.Add(2 * time.Hour), ExpiresAt: now.Add(3 * time.Hour)}), auth0gin.ErrNotYetValid},
		"expired long ago":     {issue(devtenant.TokenRequest{IssuedAt: now.Add(-50 * time.Hour), ExpiresAt: now.Add(-49 * time.Hour)}), auth0gin.ErrExpired},
	}
	for name, c := range cases {
		if _, err := auth.VerifyExpired(ctx, c.tok, 24*time.Hour); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
	if _, err := auth.VerifyExpired(ctx, old, -time.Second); !errors.Is(err, auth0gin.ErrConfig) {
		t.Errorf("negative maxAge: %v", err)
	}
}

// tamper flips one character of the signature.
func tamper(tok string) string {
	b := []byte(tok)
	i := len(b) - 5
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}
