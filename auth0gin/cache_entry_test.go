package auth0gin

import (
	"bytes"
	"encoding/gob"
	"reflect"
	"strings"
	"testing"
	"time"
)

// packUsers are users whose every field is set, or none is.
func packUsers() []*Auth0User {
	email := "a\x00b@example.com"
	long := strings.Repeat("é", 300) // lengths past one varint byte
	return []*Auth0User{
		{ID: "auth0|x", Permissions: []string{}, ExpiresAt: time.Unix(1700000000, 0), verifiedAt: 1699999999123456789},
		{
			ID: long, Permissions: []string{"read:messages", "a\x00admin", ""}, Email: &email,
			Scopes: []string{"openid"}, Roles: []string{long}, ClientID: "c", GrantType: "password", OrgID: "org",
			Audience: []string{"https://api", "https://t/userinfo"}, ExpiresAt: time.Unix(1, 0),
			Issuer: "https://t/", KeyID: "k", Algorithm: "RS256", derivedBy: "https://e/email\x00https://e/roles",
			verifiedAt: -5, OrgName: "acme", AuthTime: time.Unix(1699999000, 0), ACR: "urn:x", AMR: []string{"pwd", "mfa"},
		},
		{ID: "auth0|y", Permissions: []string{}, AMR: []string{}, AuthTime: time.Unix(-1, 0), ExpiresAt: time.Unix(1, 0)},
		{ID: "", Permissions: nil, Scopes: []string{}, ExpiresAt: time.Unix(0, 0), verifiedAt: 0}, // nothing at all
	}
}

func TestPackRoundTrip(t *testing.T) {
	for i, u := range packUsers() {
		all, p := pack("aGVhZGVy.cGF5bG9hZA.c2ln", u)
		if all[:24] != "aGVhZGVy.cGF5bG9hZA.c2ln" || all[24:] != p.data {
			t.Errorf("%d: %q does not hold the prefix, then the packed user", i, all)
		}
		got := p.unpack()
		if !reflect.DeepEqual(got, u) {
			t.Errorf("%d: unpacked %#v\nwant %#v", i, got, u)
		}
		if id, iss := p.idIssuer(); id != u.ID || iss != u.Issuer {
			t.Errorf("%d: id %q, issuer %q", i, id, iss)
		}
		if u.Email != nil && got.Email == u.Email {
			t.Errorf("%d: email shared", i)
		}
		got.Permissions = append(got.Permissions, "x") // must not reach another unpacked copy
		if again := p.unpack(); !reflect.DeepEqual(again, u) {
			t.Errorf("%d: a copy's edit reached the packed user", i)
		}
	}
}

// A shared store keeps MarshalBinary's bytes; gob uses the same methods.
func TestMarshalBinaryRoundTrip(t *testing.T) {
	for i, u := range packUsers() {
		b, err := u.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var got Auth0User
		if err := got.UnmarshalBinary(b); err != nil || !reflect.DeepEqual(&got, u) {
			t.Errorf("%d: %v: %#v\nwant %#v", i, err, &got, u)
		}
		var buf bytes.Buffer
		var viaGob Auth0User
		if err := gob.NewEncoder(&buf).Encode(u); err != nil {
			t.Fatal(err)
		}
		if err := gob.NewDecoder(&buf).Decode(&viaGob); err != nil || !reflect.DeepEqual(&viaGob, u) {
			t.Errorf("%d: gob: %v: %#v", i, err, &viaGob)
		}
		for cut := range len(b) { // every truncation is an error, not a panic
			if err := new(Auth0User).UnmarshalBinary(b[:cut]); err == nil {
				t.Errorf("%d: %d of %d bytes accepted", i, cut, len(b))
			}
		}
	}
}

// FuzzUnmarshalBinary: bytes from a shared store never make decoding panic,
// and whatever decodes encodes back to the same bytes.
func FuzzUnmarshalBinary(f *testing.F) {
	for _, u := range packUsers() {
		b, _ := u.MarshalBinary()
		f.Add(b)
	}
	f.Add([]byte{marshalVersion, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		var u Auth0User
		if u.UnmarshalBinary(b) != nil {
			return
		}
		again, _ := u.MarshalBinary()
		var v Auth0User
		if err := v.UnmarshalBinary(again); err != nil || !reflect.DeepEqual(&u, &v) {
			t.Fatalf("%v: %#v != %#v", err, &u, &v)
		}
	})
}
