// Package tenanturl holds the rules for an Auth0 tenant's URLs that the core
// and its companion packages (management, ...) share: which domain values are
// accepted and which URLs may carry keys or credentials.
package tenanturl

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Base turns an AUTH0_DOMAIN value into the tenant's base URL with a trailing
// slash: "tenant.auth0.com" → "https://tenant.auth0.com/". Plain http is
// allowed only for loopback hosts, so a typo cannot send keys or secrets over
// the clear. An error never echoes a password the value may hold.
func Base(domain string) (string, error) {
	d := strings.TrimSpace(domain)
	if d == "" {
		return "", errors.New("a domain (AUTH0_DOMAIN) is required")
	}
	if !strings.Contains(d, "://") {
		d = "https://" + d
	}
	u, err := url.Parse(d)
	if err != nil {
		return "", errors.New("the domain does not parse as a host name or base URL") // not echoed: it may hold a password
	}
	if u.Host == "" || u.RawQuery != "" || u.Fragment != "" || !Secure(u) {
		return "", fmt.Errorf("domain %q must be a host name, or an https base URL (plain http only for loopback hosts) with no user, password, query or fragment", u.Redacted())
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	u.Host = strings.ToLower(u.Host) // Auth0 issues with the lower-case host
	return u.String(), nil
}

// Secure reports whether u may reach the tenant: https, or plain http to a
// loopback host, so a typo cannot send keys over the clear; and no user or
// password, since the tenant's URLs are public and credentials in them would
// reach error messages and logs.
func Secure(u *url.URL) bool {
	if u.User != nil {
		return false
	}
	switch u.Scheme {
	case "https":
		return u.Host != ""
	case "http":
		return isLoopback(u.Hostname())
	}
	return false
}

// isLoopback reports whether host is "localhost" or a loopback IP address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Endpoint returns the URL of one of an Auth0 tenant's endpoints ("authorize",
// "oauth/token", "userinfo", ...) for the given auth0gin.Config: under its
// first issuer, where the Swagger UI and the flows log in.
func Endpoint(issuers []string, path string) string {
	if len(issuers) == 0 {
		return "/" + path
	}
	base := issuers[0]
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	u, err := url.Parse(base)
	if err != nil { // New checked it; keep the zero value safe anyway
		return base + path
	}
	return u.JoinPath(path).String()
}
