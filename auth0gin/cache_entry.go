package auth0gin

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
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
}

// scalars lists the string fields of u, in packing order.
func scalars(u *Auth0User) [8]*string {
	return [8]*string{&u.ID, &u.ClientID, &u.GrantType, &u.OrgID, &u.Issuer, &u.KeyID, &u.Algorithm, &u.derivedBy}
}

// lists lists the []string fields of u, in packing order.
func lists(u *Auth0User) [4]*[]string {
	return [4]*[]string{&u.Permissions, &u.Scopes, &u.Roles, &u.Audience}
}

// pack encodes u.
func pack(u *Auth0User) packedUser {
	return packedUser{data: string(appendPacked(nil, u)), expires: u.ExpiresAt.Unix(), verified: u.verifiedAt}
}

// appendPacked appends u's strings and lists to b: each string as its length
// and bytes; each list as 0 for nil, else its length + 1 and its strings;
// Email as 0 for nil, else 1 and the string.
func appendPacked(b []byte, u *Auth0User) []byte {
	put := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for _, f := range scalars(u) {
		put(*f)
	}
	for _, l := range lists(u) {
		if *l == nil {
			b = binary.AppendUvarint(b, 0)
			continue
		}
		b = binary.AppendUvarint(b, uint64(len(*l))+1)
		for _, s := range *l {
			put(s)
		}
	}
	if u.Email == nil {
		b = binary.AppendUvarint(b, 0)
	} else {
		b = binary.AppendUvarint(b, 1)
		put(*u.Email)
	}
	return b
}

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
	u := &Auth0User{ExpiresAt: time.Unix(p.expires, 0), verifiedAt: p.verified}
	_ = unpackInto(p.data, u) // pack wrote it: it cannot fail
	return u
}

var errPacked = errors.New("auth0gin: malformed packed user")

// unpackInto decodes what appendPacked wrote into u's strings and lists. It
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

// reader reads what appendPacked wrote; past the end or on an overlong
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

// id returns the packed user's ID (the first string) without unpacking.
func (p *packedUser) id() string {
	r := reader{d: p.data}
	return r.str()
}

// marshalVersion leads MarshalBinary's encoding, so a later layout can tell
// an old entry in a shared store from its own (and treat it as a miss).
const marshalVersion = 1

// MarshalBinary encodes u for a shared TokenCache (Redis, memcached, ...):
// every field, including the unexported state Verify checks before it trusts
// a cached user, but not the token's payload, which Verify takes from the
// token itself. encoding/gob uses it too.
func (u *Auth0User) MarshalBinary() ([]byte, error) {
	b := []byte{marshalVersion}
	b = binary.AppendVarint(b, u.ExpiresAt.Unix())
	b = binary.AppendVarint(b, u.verifiedAt)
	return appendPacked(b, u), nil
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
	var v Auth0User
	if err := unpackInto(string(b[n:]), &v); err != nil {
		return err
	}
	v.ExpiresAt, v.verifiedAt = time.Unix(exp, 0), verified
	*u = v
	return nil
}
