package auth0gin

import (
	"encoding/base64"
	"errors"
	"reflect"
	"strings"
	"testing"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// refDecoder is the claims decoder as it was before it read values token by
// token: json.UnmarshalDecode into each member. The fast one must agree
// with it on every payload: the same claims, or an error from both.
type refDecoder struct {
	names claimNames
	c     *tokenClaims
}

func (d *refDecoder) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() != '{' {
		return errors.New("not an object")
	}
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return err
		}
		var dst any
		switch n := name.String(); {
		case n == "scope":
			dst = &d.c.Scope
		case n == "permissions":
			dst = &d.c.Permissions
		case n == "gty":
			dst = &d.c.Gty
		case n == "azp":
			dst = &d.c.Azp
		case n == "client_id":
			dst = &d.c.ClientID
		case n == "org_id":
			dst = &d.c.OrgID
		case n == "cnf":
			dst = &d.c.Cnf
		case n == "iss":
			dst = &d.c.Iss
		case n == "email":
			dst = &d.c.Email
		case n == d.names.email && n != "":
			dst = &d.c.NsEmail
		case n == d.names.roles && n != "":
			dst = &d.c.Roles
		case n == d.names.authTime && n != "":
			dst = &d.c.AuthTime
		case n == d.names.acr && n != "":
			dst = &d.c.ACR
		case n == d.names.amr && n != "":
			dst = &d.c.AMR
		case n == d.names.orgName && n != "":
			dst = &d.c.OrgName
		default:
			if err := dec.SkipValue(); err != nil {
				return err
			}
			continue
		}
		if err := json.UnmarshalDecode(dec, dst); err != nil {
			return err
		}
	}
	_, err = dec.ReadToken()
	return err
}

var decodeNames = claimNames{email: "https://x/email", roles: "https://x/roles", authTime: "auth_time", acr: "acr", amr: "amr", orgName: "org_name"}

// checkSameClaims decodes payload with both decoders and fails unless they
// agree.
func checkSameClaims(t *testing.T, payload string) (tokenClaims, error) {
	t.Helper()
	got, gotErr := decodeTokenClaims(base64.RawURLEncoding.EncodeToString([]byte(payload)), decodeNames)
	var want tokenClaims
	wantErr := json.Unmarshal([]byte(payload), &refDecoder{names: decodeNames, c: &want})
	if wantErr == nil && want.Cnf != nil && (want.Cnf.JKT == nil || *want.Cnf.JKT == "" || strings.IndexByte(*want.Cnf.JKT, 0) >= 0) {
		wantErr = errors.New("cnf without jkt") // decodeTokenClaims's own rule
	}
	if (gotErr != nil) != (wantErr != nil) {
		t.Fatalf("%q: error %v, the generic decoder's %v", payload, gotErr, wantErr)
	}
	if gotErr == nil {
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\n got %+v\nwant %+v", payload, got, want)
		}
	}
	return got, gotErr
}

func TestClaimsDecoderAgreesWithGeneric(t *testing.T) {
	for _, p := range claimsCorpus {
		checkSameClaims(t, p)
	}
	c, err := checkSameClaims(t, `{"sc\u006fpe":"a b","permissions":[],"https://x/roles":["r",null],"email":null}`)
	if err != nil || c.Scope != "a b" || c.Permissions == nil || len(c.Permissions) != 0 || c.Email != nil {
		t.Fatalf("escaped name, empty list, null email: %+v, %v", c, err)
	}
	for _, bad := range []string{
		`{"scope":"a","scope":"b"}`, `{"sc\u006fpe":"a","scope":"b"}`, `{"scope":5}`, `{"permissions":"a"}`,
		`{"permissions":[1]}`, `{"auth_time":"5"}`, `{"auth_time":1e400}`, `{"iss":true}`, "{\"gty\":\"\xff\"}",
		`{"scope":"a"`, `{"permissions":["a"`, `[]`, `{"scope":"a"} x`,
	} {
		if _, err := checkSameClaims(t, bad); err == nil {
			t.Errorf("%q: accepted", bad)
		}
	}
}

var claimsCorpus = []string{
	`{}`,
	`{"iss":"https://t/","sub":"auth0|1","aud":["a","b"],"exp":1,"scope":"openid read:x","permissions":["read:x"],"gty":"password","azp":"c","jti":"j"}`,
	`{"client_id":"c","org_id":"org_1","org_name":"acme","acr":"x","amr":["mfa","pwd"],"auth_time":1700000000.5,"cnf":{"jkt":"abc"}}`,
	`{"https://x/email":"a@b","email":"c@d","https://x/roles":["admin"],"nested":{"scope":"not this"},"list":[{"a":[1,2,{"b":null}]}]}`,
	`{"scope":null,"permissions":null,"auth_time":null,"cnf":null,"iss":null}`,
	`{"\u0073cope":"s","emai\u006c":"e\u00e9","x":"\ud83d\ude00"}`,
}

func FuzzClaimsDecoder(f *testing.F) {
	for _, p := range claimsCorpus {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, payload string) { checkSameClaims(t, payload) })
}
