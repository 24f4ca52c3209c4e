package management

import (
	"context"
	"errors"
	"fmt"
	"github.com/auth0gin/auth0gin/auth0gin"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// Answers that are not what Auth0 sends give ErrMalformedResponse (and, for
// an error status, an *Error with that status), never a panic.
func TestMalformedAnswers(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	if _, err := f.client.GetUser(ctx, devtenant.Alice.ID); err != nil {
		t.Fatal(err)
	}
	huge := `{"user_id":"` + strings.Repeat("x", maxBodyBytes) + `"}`
	for _, tc := range []struct {
		name, body string
		status     int
		call       func() error
		also       error // another sentinel the error matches
	}{
		{"truncated", `{"user_id":"auth0|alice","email":`, 200, nil, nil},
		{"not JSON", `<html>oops</html>`, 200, nil, nil},
		{"wrong type", `{"user_id":42}`, 200, nil, nil},
		{"array for an object", `[{"user_id":"auth0|alice"}]`, 200, nil, nil},
		{"too large", huge, 200, nil, nil},
		{"empty", ``, 200, nil, nil},
		{"HTML 404", `<html>Not Found</html>`, 404, nil, ErrNotFound},
		{"HTML 503", `Service Unavailable`, 503, nil, auth0gin.ErrUnavailable},
		{"object for the users-by-email array", `{"users":[]}`, 200, func() error {
			_, err := f.client.UsersByEmail(ctx, devtenant.Alice.Email)
			return err
		}, nil},
		{"search page with a string total", `{"users":[],"total":"many"}`, 200, func() error {
			_, err := f.client.SearchUsers(ctx, SearchOptions{})
			return err
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.wire.setMangle(func(_ *http.Request, res *http.Response) {
				res.StatusCode = tc.status
				replaceBody(res, tc.body)
			})
			defer f.wire.setMangle(nil)
			call := tc.call
			if call == nil {
				call = func() error { _, err := f.client.GetUser(ctx, devtenant.Alice.ID); return err }
			}
			err := call()
			if !errors.Is(err, ErrMalformedResponse) {
				t.Fatalf("err = %v, want ErrMalformedResponse", err)
			}
			if tc.also != nil {
				var e *Error
				if !errors.Is(err, tc.also) || !errors.As(err, &e) || e.StatusCode != tc.status {
					t.Errorf("err = %v, want a %d *Error matching %v", err, tc.status, tc.also)
				}
			}
			if len(err.Error()) > 400 {
				t.Errorf("the error echoes the body: %.200s...", err)
			}
			t.Log(err)
		})
	}
}

// A token endpoint that answers garbage is ErrMalformedResponse, with no
// token cached: the next call fetches again.
func TestMalformedTokenAnswer(t *testing.T) {
	f := newFixture(t, nil)
	f.wire.mangleToken = true
	f.wire.setMangle(func(r *http.Request, res *http.Response) {
		if r.URL.Path == tokenPath {
			replaceBody(res, `{"token_type":"Bearer"}`)
		}
	})
	ctx := context.Background()
	if _, err := f.client.GetUser(ctx, devtenant.Alice.ID); !errors.Is(err, ErrMalformedResponse) {
		t.Fatalf("err = %v", err)
	}
	f.wire.setMangle(nil)
	if _, err := f.client.GetUser(ctx, devtenant.Alice.ID); err != nil {
		t.Fatal(err)
	}
	if n := f.wire.tokenFetches.Load(); n != 2 {
		t.Errorf("%d token fetches, want 2", n)
	}
}

// A tenant that does not answer in time: the call ends after Timeout with
// auth0gin.ErrUnavailable, both on the token fetch and on the API call.
func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer hang.Close()
	defer close(release)
	c, err := New(Config{Domain: hang.URL, ClientID: "id", ClientSecret: "secret", Timeout: 50 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetUser(context.Background(), devtenant.Alice.ID)
	if !errors.Is(err, auth0gin.ErrUnavailable) {
		t.Errorf("token fetch: %v, want auth0gin.ErrUnavailable", err)
	}
	t.Log(err)

	f := newFixture(t, func(c *Config) { c.Timeout = 500 * time.Millisecond })
	if _, err := f.client.GetUser(context.Background(), devtenant.Alice.ID); err != nil { // the token
		t.Fatal(err)
	}
	f.wire.setOnAPI(func(r *http.Request) { <-r.Context().Done() })
	_, err = f.client.GetUser(context.Background(), devtenant.Alice.ID)
	if !errors.Is(err, auth0gin.ErrUnavailable) {
		t.Errorf("API call: %v, want auth0gin.ErrUnavailable", err)
	}
	t.Log(err)
}

// The caller's cancelled context ends a wait for the token without failing
// the fetch for the others.
func TestCancelledCaller(t *testing.T) {
	f := newFixture(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.client.GetUser(ctx, devtenant.Alice.ID); !errors.Is(err, context.Canceled) || errors.Is(err, auth0gin.ErrUnavailable) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if _, err := f.client.GetUser(context.Background(), devtenant.Alice.ID); err != nil {
		t.Fatal(err)
	}
}

// Wrong credentials: ErrUnauthorized from the token endpoint, fetched once
// per call, and a client not granted the Management API: ErrUnauthorized too.
func TestTokenRefused(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.ClientSecret = "wrong-secret-value" })
	_, err := f.client.GetUser(context.Background(), devtenant.Alice.ID)
	var e *Error
	if !errors.Is(err, ErrUnauthorized) || !errors.As(err, &e) || e.StatusCode != 401 || e.Path != tokenPath || e.Title != "invalid_client" {
		t.Fatalf("err = %#v", err)
	}
	if strings.Contains(err.Error(), "wrong-secret-value") {
		t.Errorf("the secret leaked: %v", err)
	}
	if n := f.wire.tokenFetches.Load(); n != 1 {
		t.Errorf("%d token fetches, want 1", n)
	}
	t.Log(err)

	g := newFixture(t, func(c *Config) {
		c.ClientID, c.ClientSecret = devtenant.M2MClient.ID, devtenant.M2MClient.Secret
		c.Audience = "https://unknown.example/api/v2/"
	})
	_, err = g.client.GetUser(context.Background(), devtenant.Alice.ID)
	if !errors.Is(err, ErrUnauthorized) || !errors.As(err, &e) || e.StatusCode != 403 {
		t.Fatalf("unknown audience: %v", err)
	}
	t.Log(err)
}

// Neither the client secret nor any token appears in an error or a log line,
// whatever went wrong.
func TestNoSecretInErrorsOrLogs(t *testing.T) {
	f, ck := newRateFixture(t, nil)
	ctx := context.Background()
	var errs []error
	collect := func(_ any, err error) { errs = append(errs, err) }

	collect(f.client.GetUser(ctx, "auth0|nobody"))
	collect(f.client.CreateUser(ctx, NewUser{Connection: "Username-Password-Authentication", Email: devtenant.Alice.Email, Password: "x"}))
	f.tenant.FailNext(1)
	dl, cancel := context.WithTimeout(ctx, time.Millisecond)
	collect(f.client.GetUser(dl, devtenant.Alice.ID)) // rate limited past the deadline
	cancel()
	f.tenant.FailNext(0)
	// A rejected token, then a refused one.
	f.tenant.RotateKeys()
	_, _, prev := f.tenant.Keys()
	if err := f.tenant.RevokeKey(prev); err != nil {
		t.Fatal(err)
	}
	f.wire.setOnAPI(func(r *http.Request) { r.Header.Set("Authorization", r.Header.Get("Authorization")+"x") })
	collect(f.client.GetUser(ctx, devtenant.Alice.ID))
	f.wire.setOnAPI(nil)
	f.wire.setMangle(func(_ *http.Request, res *http.Response) { replaceBody(res, `{"user_id":`) })
	collect(f.client.GetUser(ctx, devtenant.Alice.ID))
	f.wire.setMangle(nil)
	ck.Advance(48 * time.Hour) // every token expired: a fresh fetch
	collect(f.client.GetUser(ctx, devtenant.Alice.ID))

	wrong := newFixture(t, func(c *Config) { c.ClientSecret = "wrong-secret-value" })
	collect(wrong.client.GetUser(ctx, devtenant.Alice.ID))

	if len(f.wire.seenTokens()) < 2 {
		t.Fatalf("only %d tokens seen", len(f.wire.seenTokens()))
	}
	var all strings.Builder
	for _, err := range errs {
		if err != nil {
			fmt.Fprintf(&all, "%v\n%+v\n%#v\n", err, err, err)
		}
	}
	f.assertNoSecrets(t, all.String())
	if strings.Contains(all.String(), "wrong-secret-value") || strings.Contains(wrong.logs.String(), "wrong-secret-value") {
		t.Error("the wrong secret leaked")
	}
	if !strings.Contains(f.logs.String(), "rejected the machine token") || !strings.Contains(f.logs.String(), "machine token fetched") {
		t.Errorf("the logs miss the token events:\n%s", f.logs)
	}
	t.Logf("%d errors and %d bytes of logs checked", len(errs), len(f.logs.String()))
}
