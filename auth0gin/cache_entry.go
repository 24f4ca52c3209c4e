package auth0gin

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
	"unsafe"
)

// packedUser is an Auth0User as the memory cache keeps it: every string in
// one immutable string, length-prefixed (so any byte, NUL included, comes
// back as it went in), and no other pointer. A cache full of users is then a
// few objects per entry for the garbage collector to visit, not a score of
// scattered ones; with tens of thousands of entries on one core that is the
// difference between caching for free and paying for it on every request.
// The token's payload is not kept: Verify takes it from the token on a hit.
type packedUser struct {
	data     string // see pack
	expires  int64  // ExpiresAt, unix seconds
	verified int64  // verifiedAt
	authTime int64  // AuthTime, unix seconds; 0 when zero
}

// scalars lists the string fields of u, in packing order.
func scalars(u *Auth0User) [13]*string {
	return [13]*string{&u.ID, &u.ClientID, &u.GrantType, &u.OrgID, &u.Issuer, &u.UserBase, &u.KeyID, &u.Algorithm, &u.derivedBy, &u.keyThumb, &u.OrgName, &u.ACR, &u.jkt}
}

// lists lists the []string fields of u, in packing order.
func lists(u *Auth0User) [5]*[]string {
	return [5]*[]string{&u.Permissions, &u.Scopes, &u.Roles, &u.Audience, &u.AMR}
}

// unixOrZero is t in unix seconds, 0 for the zero time; fromUnixOrZero
// undoes it.
func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func fromUnixOrZero(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0)
}

// pack encodes u after prefix, in one new string: the memory cache puts the
// token there, so that an entry's token and user are a single allocation. p's
// data is the part after prefix.
func pack(prefix string, u *Auth0User) (all string, p packedUser) {
	var n counter
	packTo(&n, u)
	var b strings.Builder
	b.Grow(len(prefix) + int(n))
	b.WriteString(prefix)
	packTo(&b, u)
	all = b.String()
	return all, packedUser{data: all[len(prefix):], expires: u.ExpiresAt.Unix(), verified: u.verifiedAt, authTime: unixOrZero(u.AuthTime)}
}

// packWriter is what packTo writes to: a strings.Builder, a bytes.Buffer, or
// a counter to size one first.
type packWriter interface {
	WriteByte(byte) error
	WriteString(string) (int, error)
}

// packTo writes u's strings and lists: each string as its length (a uvarint)
// and bytes; each list as 0 for nil, else its length + 1 and its strings;
// Email as 0 for nil, else 1 and the string.
func packTo[W packWriter](w W, u *Auth0User) {
	num := func(x uint64) {
		for ; x >= 0x80; x >>= 7 {
			_ = w.WriteByte(byte(x) | 0x80)
		}
		_ = w.WriteByte(byte(x))
	}
	put := func(s string) {
		num(uint64(len(s)))
		_, _ = w.WriteString(s)
	}
	for _, f := range scalars(u) {
		put(*f)
	}
	for _, l := range lists(u) {
		if *l == nil {
			num(0)
			continue
		}
		num(uint64(len(*l)) + 1)
		for _, s := range *l {
			put(s)
		}
	}
	if u.Email == nil {
		num(0)
	} else {
		num(1)
		put(*u.Email)
	}
}

// counter is a packWriter that only counts bytes.
type counter int

func (c *counter) WriteByte(byte) error { *c++; return nil }

func (c *counter) WriteString(s string) (int, error) { *c += counter(len(s)); return len(s), nil }

// payloadSpan locates the payload segment of a compact JWS.
func payloadSpan(token string) (lo, hi int, ok bool) {
	i := strings.IndexByte(token, '.')
	if i < 0 {
		return 0, 0, false
	}
	j := strings.IndexByte(token[i+1:], '.')
	if j < 0 {
		return 0, 0, false
	}
	return i + 1, i + 1 + j, true
}

// unpack returns a new Auth0User from p: its strings share p's memory (they
// are immutable), its slices and Email are its own.
func (p *packedUser) unpack() *Auth0User {
	u := new(Auth0User)
	p.unpackTo(u)
	return u
}

// unpackTo fills u from p as unpack does and returns the bytes of the one
// array its lists and Email share.
func (p *packedUser) unpackTo(u *Auth0User) (listBytes int) {
	u.ExpiresAt, u.verifiedAt, u.AuthTime = time.Unix(p.expires, 0), p.verified, fromUnixOrZero(p.authTime)
	_ = unpackInto(p.data, u) // pack wrote it: it cannot fail
	return (len(u.Permissions) + len(u.Scopes) + len(u.Roles) + len(u.Audience) + len(u.AMR) + 1) * int(unsafe.Sizeof(""))
}

var errPacked = errors.New("auth0gin: malformed packed user")

// unpackInto decodes what packTo wrote into u's strings and lists. It
// checks every length, so bytes from a shared store cannot make it panic.
func unpackInto(data string, u *Auth0User) error {
	r := reader{d: data}
	for _, f := range scalars(u) {
		*f = r.str()
	}
	// Count the list elements first, to give them one array.
	from := r
	total := 1 // and a slot for the email
	for range lists(u) {
		if c := r.num(); c > 0 {
			if c-1 > uint64(len(r.d)) { // each element takes a byte at least
				return errPacked
			}
			total += int(c - 1)
			for range c - 1 {
				r.str()
			}
		}
	}
	if r.bad {
		return errPacked
	}
	all := make([]string, total)
	r, used := from, 0
	for _, l := range lists(u) {
		c := r.num()
		if c == 0 {
			continue
		}
		start := used
		for range c - 1 {
			all[used] = r.str()
			used++
		}
		*l = all[start:used:used]
	}
	switch r.num() {
	case 0:
	case 1:
		all[total-1] = r.str()
		u.Email = &all[total-1]
	default:
		return errPacked
	}
	if r.bad || r.d != "" {
		return errPacked
	}
	return nil
}

// reader reads what packTo wrote; past the end or on an overlong
// number it sets bad and reads zeros.
type reader struct {
	d   string
	bad bool
}

func (r *reader) num() uint64 {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if r.d == "" {
			break
		}
		c := r.d[0]
		r.d = r.d[1:]
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
	r.bad = true
	return 0
}

func (r *reader) str() string {
	n := r.num()
	if n > uint64(len(r.d)) {
		r.bad = true
		return ""
	}
	s := r.d[:n]
	r.d = r.d[n:]
	return s
}

// idIssuer returns the packed user's ID and Issuer (the first and fifth
// strings, see scalars) without unpacking.
func (p *packedUser) idIssuer() (id, issuer string) {
	r := reader{d: p.data}
	id = r.str()
	for range 3 { // ClientID, GrantType, OrgID
		r.str()
	}
	return id, r.str()
}

// marshalVersion leads MarshalBinary's encoding, so a later layout can tell
// an old entry in a shared store from its own (and treat it as a miss).
// Version 2 added the verifying key's thumbprint, version 3 the verified
// claims payload, version 4 the user base, version 5 the login and
// organization claims (AuthTime, OrgName, ACR, AMR), version 6 the DPoP
// binding (cnf.jkt).
const marshalVersion = 6

// MarshalBinary encodes u for a shared TokenCache (Redis, memcached, ...) or
// a server-side session store: every field, including the unexported state
// Verify checks before it trusts a cached user, and the verified claims
// payload, so that Claims, ClaimsFrom and RequireClaims work on the decoded
// user as on the request that verified the token. The encoding is no
// credential (the token's signature is not kept), but it does hold the
// token's claims: keep it server-side. encoding/gob uses it too.
func (u *Auth0User) MarshalBinary() ([]byte, error) {
	var n counter
	packTo(&n, u)
	b := make([]byte, 1, 1+4*binary.MaxVarintLen64+len(u.payload)+int(n))
	b[0] = marshalVersion
	b = binary.AppendVarint(b, u.ExpiresAt.Unix())
	b = binary.AppendVarint(b, u.verifiedAt)
	b = binary.AppendVarint(b, unixOrZero(u.AuthTime))
	b = binary.AppendUvarint(b, uint64(len(u.payload)))
	b = append(b, u.payload...)
	w := bytes.NewBuffer(b)
	packTo(w, u)
	return w.Bytes(), nil
}

// UnmarshalBinary decodes what MarshalBinary wrote into u. Bytes it did not
// write (another version, or garbage in a shared store) are an error, never
// a panic; a TokenCache should then report a miss.
func (u *Auth0User) UnmarshalBinary(b []byte) error {
	if len(b) == 0 || b[0] != marshalVersion {
		return fmt.Errorf("%w: unknown version", errPacked)
	}
	b = b[1:]
	exp, n := binary.Varint(b)
	if n <= 0 {
		return errPacked
	}
	b = b[n:]
	verified, n := binary.Varint(b)
	if n <= 0 {
		return errPacked
	}
	b = b[n:]
	authTime, n := binary.Varint(b)
	if n <= 0 {
		return errPacked
	}
	b = b[n:]
	size, n := binary.Uvarint(b)
	if n <= 0 || size > uint64(len(b)-n) {
		return errPacked
	}
	payload := string(b[n : n+int(size)])
	var v Auth0User
	if err := unpackInto(string(b[n+int(size):]), &v); err != nil {
		return err
	}
	v.ExpiresAt, v.verifiedAt, v.payload, v.AuthTime = time.Unix(exp, 0), verified, payload, fromUnixOrZero(authTime)
	*u = v
	return nil
}
