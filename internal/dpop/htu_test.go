package dpop

import (
	"crypto/tls"
	"net/http/httptest"
	"testing"
)

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.example.com/orders":             "https://api.example.com/orders",
		"HTTPS://API.EXAMPLE.COM/orders":             "https://api.example.com/orders",
		"https://api.example.com:443/orders":         "https://api.example.com/orders",
		"http://api.example.com:80/orders":           "http://api.example.com/orders",
		"http://api.example.com:443/orders":          "http://api.example.com:443/orders",
		"https://api.example.com:8443/orders":        "https://api.example.com:8443/orders",
		"https://api.example.com":                    "https://api.example.com/",
		"https://api.example.com/orders?x=1#frag":    "https://api.example.com/orders",
		"https://api.example.com/%7euser/%2f%41":     "https://api.example.com/~user/%2FA",
		"https://api.example.com/a/./b/../c":         "https://api.example.com/a/c",
		"https://api.example.com/a/b/..":             "https://api.example.com/a/",
		"https://api.example.com/Orders/":            "https://api.example.com/Orders/",
		"https://[::1]:443/x":                        "https://[::1]/x",
		"https://[::1]:8443/x":                       "https://[::1]:8443/x",
		"https://api.example.com/a%20b":              "https://api.example.com/a%20b",
		"https://api.example.com/orders//items":      "https://api.example.com/orders//items",
		"https://api.example.com/../../etc/passwd":   "https://api.example.com/etc/passwd",
		"https://api.example.com/orders;v=1/x?y#z/.": "https://api.example.com/orders;v=1/x",
	} {
		got, err := Normalize(in)
		if err != nil || got != want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{
		"", "/orders", "ftp://api.example.com/x", "https://user:pw@api.example.com/x",
		"https:///x", "https://api.example.com/%zz", "mailto:a@b", "https://:443/x",
	} {
		if got, err := Normalize(in); err == nil {
			t.Errorf("Normalize(%q) = %q, want an error", in, got)
		}
	}
}

func TestHTU(t *testing.T) {
	r := httptest.NewRequest("GET", "http://api.example.com:80/orders/7?page=2", nil)
	if got := HTU(r, ""); got != "http://api.example.com/orders/7" {
		t.Errorf("plain: %q", got)
	}
	r.TLS = &tls.ConnectionState{}
	r.Host = "API.example.com:443"
	if got := HTU(r, ""); got != "https://api.example.com/orders/7" {
		t.Errorf("TLS: %q", got)
	}
	r.TLS = nil
	r.Host = "10.0.0.5:8080"
	for _, origin := range []string{"https://api.example.com", "https://api.example.com/", "https://API.example.com:443"} {
		if got := HTU(r, origin); got != "https://api.example.com/orders/7" {
			t.Errorf("origin %q: %q", origin, got)
		}
	}
	r.Host = "bad host\x00"
	if got := HTU(r, ""); got != "" {
		t.Errorf("bad host: %q", got)
	}
}

// A request path with a "." or ".." segment, plain or percent-encoded,
// matches no proof: the router serves it literally, so it is not the path
// a proof for its normalised form was made for.
func TestHTURequestDotSegmentsMatchNoProof(t *testing.T) {
	for _, target := range []string{
		"/api/files/../orders", "/api/users/%2e%2e/orders", "/api/users/%2E./orders", "/api/./orders",
		"/api/orders/.", "/api/orders/..", "/api/%2e/orders",
	} {
		r := httptest.NewRequest("GET", "http://api.example.com"+target, nil)
		if got := HTU(r, ""); got != "" {
			t.Errorf("request %s: HTU %q, want \"\" (no proof matches)", target, got)
		}
	}
	for target, want := range map[string]string{
		"/api/orders":        "http://api.example.com/api/orders",
		"/api/v1.2/orders":   "http://api.example.com/api/v1.2/orders",
		"/api/...":           "http://api.example.com/api/...",
		"/api/.well-known/x": "http://api.example.com/api/.well-known/x",
		"/api/%2e%2e%2e":     "http://api.example.com/api/...",
	} {
		if got := HTU(httptest.NewRequest("GET", "http://api.example.com"+target, nil), ""); got != want {
			t.Errorf("request %s: HTU %q, want %q", target, got, want)
		}
	}
}
