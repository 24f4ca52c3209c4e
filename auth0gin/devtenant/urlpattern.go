package devtenant

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// urlPattern is an allowed callback or logout URL. It matches exactly, except
// that on a loopback host the port may be "*" (any port).
type urlPattern struct {
	raw      string
	scheme   string
	host     string // host name without port
	anyPort  bool
	port     string
	rest     string // path, query
	loopback bool
}

func parseURLPattern(s string) (urlPattern, error) {
	p := urlPattern{raw: s}
	probe := s
	if i := strings.Index(s, "://"); i >= 0 {
		hostEnd := len(s)
		if j := strings.IndexAny(s[i+3:], "/?#"); j >= 0 {
			hostEnd = i + 3 + j
		}
		if strings.HasSuffix(s[:hostEnd], ":*") {
			p.anyPort = true
			probe = s[:hostEnd-2] + s[hostEnd:]
		}
	}
	u, err := url.Parse(probe)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return p, fmt.Errorf("%q is not an absolute URL", s)
	}
	if u.Fragment != "" {
		return p, fmt.Errorf("%q: fragments are not allowed", s)
	}
	p.scheme, p.host, p.port = strings.ToLower(u.Scheme), strings.ToLower(u.Hostname()), u.Port()
	p.rest = u.EscapedPath()
	if u.RawQuery != "" {
		p.rest += "?" + u.RawQuery
	}
	p.loopback = isLoopback(p.host)
	if p.anyPort && !p.loopback {
		return p, fmt.Errorf("%q: a \"*\" port is allowed only on loopback hosts", s)
	}
	return p, nil
}

// match reports whether raw is allowed by p.
func (p urlPattern) match(raw string) bool {
	if !p.anyPort {
		return raw == p.raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Fragment != "" || u.User != nil {
		return false
	}
	rest := u.EscapedPath()
	if u.RawQuery != "" {
		rest += "?" + u.RawQuery
	}
	return p.sameOrigin(u) && rest == p.rest
}

// matchOrigin reports whether origin (scheme://host[:port]) is p's origin.
func (p urlPattern) matchOrigin(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return false
	}
	return p.sameOrigin(u)
}

func (p urlPattern) sameOrigin(u *url.URL) bool {
	if strings.ToLower(u.Scheme) != p.scheme || strings.ToLower(u.Hostname()) != p.host {
		return false
	}
	if p.anyPort {
		n, err := strconv.Atoi(u.Port())
		return err == nil && n > 0 && n < 65536
	}
	return u.Port() == p.port
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
