package login

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// refusals are the only descriptions a malformed login gets: fixed text,
// never a part of the input.
var refusals = map[string]bool{
	"send the credentials as JSON or as a form":                      true,
	"the body is not a JSON object of username and password strings": true,
	"the body is too large (at most 8 KiB)":                          true,
	"the form does not parse":                                        true,
	"username and password are required":                             true,
	"username and password must each be sent once":                   true,
	"username or password is not valid text":                         true,
	"username or password too long":                                  true,
}

// FuzzParseCredentials: any Content-Type and body give either credentials
// within the bounds or a 400 (413 when too large) that names no part of the input.
func FuzzParseCredentials(f *testing.F) {
	f.Add("application/json", `{"username":"alice@example.com","password":"alice-password"}`)
	f.Add("application/json; charset=utf-8", `{"username":"a","password":"b","extra":[1,2]}`)
	f.Add("application/x-www-form-urlencoded", "username=alice%40example.com&password=x")
	f.Add("application/x-www-form-urlencoded", "username=a&username=b&password=c")
	f.Add("", `{"username":1,"password":null}`)
	f.Add("text/plain", "username=a&password=b")
	f.Add("application/json", `{"username":"\u0000","password":"\ud800"}`)
	f.Add("application/json", `{"username":"a","password":"b"}{}`)
	f.Fuzz(func(t *testing.T, ct, body string) {
		cr, err := parseCredentials(ct, []byte(body))
		if err != nil {
			if (err.Status != http.StatusBadRequest && (err.Status != http.StatusRequestEntityTooLarge || len(body) <= maxLoginBody)) ||
				err.Code != "invalid_request" || err.Description == "" {
				t.Fatalf("refusal %+v", err)
			}
			if !refusals[err.Description] {
				t.Fatalf("a refusal that is not one of the fixed descriptions: %q", err.Description)
			}
			return
		}
		if cr.Username == "" || cr.Password == "" || len(cr.Username) > maxUsername || len(cr.Password) > maxPassword ||
			!utf8.ValidString(cr.Username) || !utf8.ValidString(cr.Password) || hasControl(cr.Username) {
			t.Fatalf("accepted %q / %q", cr.Username, cr.Password)
		}
	})
}

// FuzzBearer: any Authorization header gives a token without spaces, or a
// 401 refusal.
func FuzzBearer(f *testing.F) {
	for _, s := range []string{"Bearer abc.def.ghi", "bearer  x", "Basic eDp5", "Bearer", "Bearer a b", "", "Bearer \t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		tok, err := bearer(h)
		if err != nil {
			if err.Status != http.StatusUnauthorized || err.Description == "" {
				t.Fatalf("refusal %+v", err)
			}
			return
		}
		if tok == "" || strings.ContainsAny(tok, " \t") || len(tok) > maxBearerBytes {
			t.Fatalf("accepted %q", tok)
		}
	})
}
