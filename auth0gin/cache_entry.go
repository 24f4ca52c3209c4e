package auth0gin

import (
	"encoding/binary"
	"strings"
	"time"
)

// packedUser is an Auth0User as the memory cache keeps it: every string in
// one immutable string, length-prefixed (so any byte, NUL included, comes
// back as it went in), and no other pointer. A cache full of users is then a
// few objects per entry for the garbage collector to visit, not a score of
// scattered ones; with tens of thousands of entries on one core that is the
// difference between caching for free and paying for it on every request.
type packedUser struct {
	data       string // see pack
	expires    int64  // ExpiresAt, unix seconds
	payloadLo  int32  // the payload segment is token[payloadLo:payloadHi]
	payloadHi  int32
	hasPayload bool
}

// scalars lists the string fields of u, in packing order.
func scalars(u *Auth0User) [7]*string {
	return [7]*string{&u.ID, &u.ClientID, &u.GrantType, &u.OrgID, &u.Issuer, &u.KeyID, &u.Algorithm}
}

// lists lists the []string fields of u, in packing order.
func lists(u *Auth0User) [4]*[]string {
	return [4]*[]string{&u.Permissions, &u.Scopes, &u.Roles, &u.Audience}
}

// pack encodes u, whose payload is a substring of token.
func pack(u *Auth0User, token string) packedUser {
	var b []byte
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
	p := packedUser{data: string(b), expires: u.ExpiresAt.Unix()}
	if lo, hi, ok := payloadSpan(token); ok && token[lo:hi] == u.payload {
		p.payloadLo, p.payloadHi, p.hasPayload = int32(lo), int32(hi), true
	}
	return p
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
func (p *packedUser) unpack(token string) *Auth0User {
	u := &Auth0User{ExpiresAt: time.Unix(p.expires, 0)}
	if p.hasPayload {
		u.payload = token[p.payloadLo:p.payloadHi]
	}
	r := reader{p.data}
	for _, f := range scalars(u) {
		*f = r.str()
	}
	// Count the list elements first, to give them one array.
	from := r
	total := 1 // and a slot for the email
	for range lists(u) {
		if c := r.num(); c > 0 {
			total += int(c - 1)
			for range c - 1 {
				r.str()
			}
		}
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
	if r.num() == 1 {
		all[total-1] = r.str()
		u.Email = &all[total-1]
	}
	return u
}

// reader reads what pack wrote.
type reader struct{ d string }

func (r *reader) num() uint64 {
	var v uint64
	for shift := uint(0); ; shift += 7 {
		c := r.d[0]
		r.d = r.d[1:]
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
}

func (r *reader) str() string {
	n := r.num()
	s := r.d[:n]
	r.d = r.d[n:]
	return s
}

// id returns the packed user's ID (the first string) without unpacking.
func (p *packedUser) id() string {
	r := reader{p.data}
	return r.str()
}
