package auth0gin_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"

	"github.com/auth0gin/auth0gin/auth0gin/internal/tenanturl"
)

func TestIssuersFromEnv(t *testing.T) {
	t.Chdir(t.TempDir()) // no .env
	t.Setenv("AUTH0_DOMAIN", "example.eu.auth0.com")
	t.Setenv("AUTH0_API_AUDIENCE", "https://api")
	t.Setenv("AUTH0_ISSUER", " https://login.example.com/ , https://example.eu.auth0.com/,")
	a, err := auth0gin.New(auth0gin.FromEnv())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"https://login.example.com/", "https://example.eu.auth0.com/"}
	if got := a.Config().Issuers; !slices.Equal(got, want) {
		t.Errorf("Issuers = %q, want %q", got, want)
	}
	if got := tenanturl.Endpoint(a.Config().Issuers, "authorize"); got != "https://login.example.com/authorize" {
		t.Errorf("the Swagger login goes to %q, want the first issuer's", got)
	}
}

func TestIssuersAreChecked(t *testing.T) {
	for name, iss := range map[string][]string{
		"plain http to a remote host": {"http://tenant.auth0.com/"},
		"a password":                  {"https://u:s3cret@tenant.auth0.com/"},
		"listed twice":                {"https://a.example/", "https://a.example/"},
		"not a URL":                   {"tenant"},
		"a query":                     {"https://a.example/?x=1"},
	} {
		_, err := auth0gin.New(auth0gin.Config{Domain: "tenant.auth0.com", Audience: []string{"https://api"}, Issuers: iss})
		if !errors.Is(err, auth0gin.ErrConfig) {
			t.Errorf("%s: %v", name, err)
		}
	}
	two := auth0gin.Config{Domain: "tenant.auth0.com", Audience: []string{"https://api"},
		Issuers: []string{"https://a.example/", "https://b.example/"}, JWKSURL: "https://a.example/jwks.json"}
	if _, err := auth0gin.New(two); !errors.Is(err, auth0gin.ErrConfig) {
		t.Errorf("one JWKSURL for two issuers: %v", err)
	}
	// New keeps a copy and Config hands one out.
	mine := []string{"https://a.example/"}
	a := mustNew(t, auth0gin.Config{Domain: "tenant.auth0.com", Audience: []string{"https://api"}, Issuers: mine})
	mine[0] = "https://evil.example/"
	a.Config().Issuers[0] = "https://evil.example/"
	if a.Config().Issuers[0] != "https://a.example/" {
		t.Error("the Issuers slice is shared")
	}
}

// A token of an issuer outside the list is refused as such, before the key
// set of any issuer is fetched.
func TestForeignIssuerIsRefusedBeforeAnyFetch(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, noCache(ti.config()))
	_, err := a.Verify(t.Context(), ti.token(t, map[string]any{"iss": "https://evil.example/"}))
	if !errors.Is(err, auth0gin.ErrIssuer) {
		t.Fatalf("got %v", err)
	}
	if n := ti.jwksHits.Load(); n != 0 {
		t.Errorf("%d JWKS fetches for a foreign token", n)
	}
}
