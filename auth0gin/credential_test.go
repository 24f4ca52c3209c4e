package auth0gin

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// sourceFunc adapts a function to CredentialSource.
type sourceFunc func(r *http.Request) (*Auth0User, error)

func (f sourceFunc) Authenticate(r *http.Request) (*Auth0User, error) { return f(r) }

func TestCredentialSource(t *testing.T) {
	a := MustNew(Config{Domain: "https://tenant.example/", Audience: []string{"https://api"}})
	email := "alice@example.com"
	alice := &Auth0User{ID: "auth0|alice", Email: &email, Scopes: []string{"read:messages"}}
	var answer func() (*Auth0User, error)
	a.Attach(sourceFunc(func(*http.Request) (*Auth0User, error) { return answer() }))
	h := a.Middleware(Scopes("read:messages"))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := UserFrom(r.Context())
		_, _ = w.Write([]byte(u.ID))
	}))
	run := func(header string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/", nil)
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}

	answer = func() (*Auth0User, error) { return alice, nil }
	if rec := run(""); rec.Code != 200 || rec.Body.String() != "auth0|alice" {
		t.Fatalf("source's user: %d %q", rec.Code, rec.Body)
	}
	// A bearer token wins over the source, even a bad one.
	if rec := run("Bearer x.y.z"); rec.Code != 401 {
		t.Fatalf("bad bearer beside a source: %d", rec.Code)
	}
	answer = func() (*Auth0User, error) { return &Auth0User{ID: "auth0|bob"}, nil }
	if rec := run(""); rec.Code != 403 {
		t.Fatalf("source's user without the scope: %d", rec.Code)
	}
	answer = func() (*Auth0User, error) { return nil, nil }
	if rec := run(""); rec.Code != 401 {
		t.Fatalf("no credential: %d", rec.Code)
	}
	answer = func() (*Auth0User, error) {
		return nil, Unavailable("session store unavailable", 1500*time.Millisecond, errors.New("dial tcp: refused"))
	}
	rec := run("")
	if rec.Code != 503 || rec.Header().Get("Retry-After") != "2" || rec.Header().Get("WWW-Authenticate") != "" {
		t.Fatalf("outage: %d Retry-After %q WWW-Authenticate %q", rec.Code, rec.Header().Get("Retry-After"), rec.Header().Get("WWW-Authenticate"))
	}
	answer = func() (*Auth0User, error) { return nil, errors.New("anything else") }
	if rec := run(""); rec.Code != 401 {
		t.Fatalf("other error: %d", rec.Code)
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	email := "alice@example.com"
	u := &Auth0User{ID: "auth0|alice", Email: &email, Permissions: []string{"read:messages"},
		ExpiresAt: time.Unix(1700000000, 0), payload: "eyJvcmdfaWQiOiJvcmcxIn0"}
	b, err := u.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	got, err := restore(b)
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		OrgID string `json:"org_id"`
	}
	if err := got.Claims(&c); err != nil || c.OrgID != "org1" || got.ID != u.ID || *got.Email != email {
		t.Fatalf("restored %+v claims %+v err %v", got, c, err)
	}
	for i := range b {
		if _, err := restore(b[:i]); err == nil {
			t.Fatalf("a snapshot cut at %d bytes was accepted", i)
		}
	}
	if _, err := restore([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}); err == nil {
		t.Fatal("a huge length was accepted")
	}
}

// restore is what a session store does with MarshalBinary's bytes.
func restore(b []byte) (*Auth0User, error) {
	var u Auth0User
	if err := u.UnmarshalBinary(b); err != nil {
		return nil, err
	}
	return &u, nil
}
