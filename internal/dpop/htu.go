package dpop

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// HTU is the URI a proof for request r must name in htu: scheme, host,
// port and path, without query or fragment, normalised as Normalize does.
// The scheme and host are publicOrigin's when it is set (the origin clients
// reach, in front of a proxy: "https://api.example.com"); otherwise https
// when r came over TLS, else http, and r.Host. It is "" when the result is
// not a URI, which no proof matches.
//
// It is "" too when r's path has a "." or ".." segment (also
// percent-encoded, as %2e): the router serves such a path literally (Gin
// routes /api/files/../orders to /api/files/*path), so removing its dot
// segments would let a proof made for /api/orders pass on another handler.
// A proof's htu is normalised in full, dot segments removed.
func HTU(r *http.Request, publicOrigin string) string {
	if hasDotSegment(r.URL.EscapedPath()) {
		return ""
	}
	var origin string
	if publicOrigin != "" {
		origin = strings.TrimRight(publicOrigin, "/")
	} else if r.TLS != nil {
		origin = "https://" + r.Host
	} else {
		origin = "http://" + r.Host
	}
	u, err := Normalize(origin + r.URL.EscapedPath())
	if err != nil {
		return ""
	}
	return u
}

// Normalize is the form in which Check compares htu with the request
// (RFC 9449 §4.3 step 9, RFC 3986 §6.2.2 and §6.2.3): query and fragment
// dropped; scheme and host lower case; the port dropped when it is the
// scheme's default (80 for http, 443 for https); percent-encodings in upper
// case, and decoded when they encode an unreserved character; dot segments
// removed; an empty path made "/". Only absolute http and https URIs
// without user information are accepted.
func Normalize(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", err
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", errors.New("dpop: htu is not an http or https URI")
	}
	if u.Opaque != "" || u.User != nil || u.Host == "" {
		return "", errors.New("dpop: htu has no host, or has user information")
	}
	host := strings.ToLower(u.Hostname())
	if host == "" || (strings.Contains(host, ":") && !strings.HasPrefix(u.Host, "[")) {
		return "", errors.New("dpop: htu has no host, or an IPv6 address without brackets")
	}
	port := u.Port()
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	p, err := normalizePath(u.EscapedPath())
	if err != nil {
		return "", err
	}
	return scheme + "://" + host + p, nil
}

// hasDotSegment reports whether the escaped path p has a "." or ".."
// segment, once %2e and %2E are decoded (the only percent-encoding that
// can spell one).
func hasDotSegment(p string) bool {
	if !strings.Contains(p, ".") && !strings.Contains(p, "%2") {
		return false
	}
	for _, seg := range strings.Split(p, "/") {
		seg = strings.ReplaceAll(strings.ReplaceAll(seg, "%2e", "."), "%2E", ".")
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// stripQuery drops a URI's query and fragment, as a proof's htu must.
func stripQuery(s string) string {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		return s[:i]
	}
	return s
}

const upperhex = "0123456789ABCDEF"

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// normalizePath normalises the percent-encodings of an escaped path and
// removes its dot segments (RFC 3986 §5.2.4).
func normalizePath(p string) (string, error) {
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+2 >= len(p) {
			return "", errors.New("dpop: bad percent-encoding in htu")
		}
		hi, ok1 := unhex(p[i+1])
		lo, ok2 := unhex(p[i+2])
		if !ok1 || !ok2 {
			return "", errors.New("dpop: bad percent-encoding in htu")
		}
		if d := hi<<4 | lo; unreserved(d) {
			b.WriteByte(d)
		} else {
			b.WriteByte('%')
			b.WriteByte(upperhex[hi])
			b.WriteByte(upperhex[lo])
		}
		i += 2
	}
	return removeDotSegments(b.String()), nil
}

func removeDotSegments(p string) string {
	if p == "" {
		return "/"
	}
	if !strings.Contains(p, ".") {
		return p
	}
	segs := strings.Split(p, "/")
	out := make([]string, 0, len(segs))
	for i, s := range segs {
		last := i == len(segs)-1
		switch s {
		case ".":
			if last {
				out = append(out, "")
			}
		case "..":
			if len(out) > 1 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, s)
		}
	}
	r := strings.Join(out, "/")
	if !strings.HasPrefix(r, "/") {
		r = "/" + r
	}
	return r
}
