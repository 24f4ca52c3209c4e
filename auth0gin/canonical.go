package auth0gin

import "strings"

// b64url maps each byte to its value in the base64url alphabet (RFC 4648 §5),
// or to 0xff for a byte outside it ('=' included).
var b64url = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") {
		t[c] = byte(i)
	}
	return t
}()

// canonicalJWS reports whether token is a compact JWS (three dot-separated
// segments) whose every segment is the one canonical base64url spelling of
// its bytes: the alphabet of RFC 4648 §5, no padding (RFC 7515 §2), no
// dangling character, and zero pad bits in the last character (RFC 4648
// §3.5). A lenient decoder reads 16 spellings of a 2048-bit RSA signature as
// the same bytes; refusing all but one gives each token one cache entry, which
// Forget then really removes. Verify checks canonicalShape before it asks a
// shared cache or verifies, and this full check before verifying.
func canonicalJWS(token string) bool {
	h, p, sig, ok := splitJWS(token)
	return ok && canonicalSegment(h) && canonicalSegment(p) && canonicalSegment(sig)
}

// splitJWS splits a compact JWS into its three segments; ok is false unless
// there are exactly three.
func splitJWS(token string) (header, payload, sig string, ok bool) {
	i := strings.IndexByte(token, '.')
	if i < 0 {
		return "", "", "", false
	}
	j := strings.IndexByte(token[i+1:], '.')
	if j < 0 {
		return "", "", "", false
	}
	j += i + 1
	if strings.IndexByte(token[j+1:], '.') >= 0 {
		return "", "", "", false
	}
	return token[:i], token[i+1 : j], token[j+1:], true
}

// canonicalSegment reports whether seg is canonical unpadded base64url.
func canonicalSegment(seg string) bool {
	var or byte
	for k := 0; k < len(seg); k++ {
		or |= b64url[seg[k]]
	}
	if or&0xc0 != 0 { // a byte outside the alphabet ('.', '=', ...) sets them
		return false
	}
	switch len(seg) % 4 {
	case 1: // six bits cannot end a byte
		return false
	case 2: // one byte: 12 bits, the last 4 are padding
		return b64url[seg[len(seg)-1]]&0x0f == 0
	case 3: // two bytes: 18 bits, the last 2 are padding
		return b64url[seg[len(seg)-1]]&0x03 == 0
	}
	return true
}

// canonicalShape is canonicalJWS without the scan of every byte: three
// segments, none of a length base64url cannot have, each ending in a
// character of the alphabet with zero pad bits. It refuses every other
// spelling a lenient decoder would read as a canonical token's bytes (other
// pad bits, '=' padding), at a cost independent of the token's length, so
// Verify runs it before a shared cache's lookup. The memory cache runs it
// when a token is set and keeps the answer in the entry, so Verify serves a
// hit on a token that passed without running it again. A token with a byte
// outside the alphabet elsewhere never verified, so it is in no cache:
// canonicalJWS refuses it before verification.
func canonicalShape(token string) bool {
	h, p, sig, ok := splitJWS(token)
	return ok && shapeOK(h) && shapeOK(p) && shapeOK(sig)
}

// shapeOK checks a segment's length and its last character.
func shapeOK(seg string) bool {
	if seg == "" {
		return true
	}
	last := b64url[seg[len(seg)-1]]
	switch len(seg) % 4 {
	case 1:
		return false
	case 2:
		return last&0xcf == 0 // in the alphabet (no 0xc0 bit), 4 pad bits zero
	case 3:
		return last&0xc3 == 0
	}
	return last&0xc0 == 0
}
