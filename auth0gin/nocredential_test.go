package auth0gin

import (
	"errors"
	"net/http/httptest"
	"testing"
)

// The error a request without a token gets is shared inside the package
// (noCredential) so that a session request allocates none; what leaves the
// package is always the caller's own copy, which it may change.
func TestNoCredentialIsNeverHandedOut(t *testing.T) {
	a := MustNew(Config{Domain: "tenant.example.com", Audience: []string{"https://api"}})
	r := httptest.NewRequest("GET", "/", nil)
	_, err1 := a.VerifyRequest(r)
	_, err2 := a.VerifyRequest(r)
	var e1, e2 *AuthError
	if !errors.As(err1, &e1) || !errors.As(err2, &e2) {
		t.Fatalf("VerifyRequest without a token: %v, %v; want *AuthError", err1, err2)
	}
	if e1 == noCredential || e2 == noCredential || e1 == e2 {
		t.Fatal("VerifyRequest handed out the shared noCredential error")
	}
	if !errors.Is(e1, ErrMissingToken) || e1.Status != 401 {
		t.Fatalf("got %+v, want a 401 missing token", e1)
	}
	e1.Description = "changed by the caller"
	if noCredential.Description != "" {
		t.Fatal("a caller's change reached the shared error")
	}
	g := a.compile(nil)
	if _, ae := a.authenticate(r, &g, ""); ae == nil || ae == noCredential {
		t.Fatalf("authenticate without a token: %v; want its own 401", ae)
	}
}
