package auth0gin

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestPackRoundTrip(t *testing.T) {
	email := "a\x00b@example.com"
	token := "aGVhZGVy.cGF5bG9hZA.c2ln"
	long := strings.Repeat("é", 300) // lengths past one varint byte
	users := []*Auth0User{
		{ID: "auth0|x", Permissions: []string{}, ExpiresAt: time.Unix(1700000000, 0), payload: "cGF5bG9hZA"},
		{
			ID: long, Permissions: []string{"read:messages", "a\x00admin", ""}, Email: &email,
			Scopes: []string{"openid"}, Roles: []string{long}, ClientID: "c", GrantType: "password", OrgID: "org",
			Audience: []string{"https://api", "https://t/userinfo"}, ExpiresAt: time.Unix(1, 0),
			Issuer: "https://t/", KeyID: "k", Algorithm: "RS256", payload: "cGF5bG9hZA",
		},
		{ID: "", Permissions: nil, Scopes: []string{}, ExpiresAt: time.Unix(0, 0)}, // nothing at all
	}
	for i, u := range users {
		p := pack(u, token)
		got := p.unpack(token)
		if !reflect.DeepEqual(got, u) {
			t.Errorf("%d: unpacked %#v\nwant %#v", i, got, u)
		}
		if p.id() != u.ID {
			t.Errorf("%d: id %q", i, p.id())
		}
		if u.Email != nil && got.Email == u.Email {
			t.Errorf("%d: email shared", i)
		}
		got.Permissions = append(got.Permissions, "x") // must not reach another unpacked copy
		if again := p.unpack(token); !reflect.DeepEqual(again, u) {
			t.Errorf("%d: a copy's edit reached the packed user", i)
		}
	}
}
