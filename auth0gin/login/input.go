package login

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// Bounds on the login input: Auth0's own limits are smaller, so nothing
// legitimate is refused, and nothing larger reaches the tenant.
const (
	maxLoginBody   = 8 << 10
	maxUsername    = 512
	maxPassword    = 1024
	maxBearerBytes = 64 << 10
)

// loginCredentials is the body of a login (LoginCredentials in the API
// docs): JSON or a URL-encoded form.
type loginCredentials struct {
	// The user's email.
	Username string `json:"username" form:"username" example:"alice@example.com"`
	// The user's password.
	Password string `json:"password" form:"password" example:"alice-password"`
}

// parseCredentials reads a login body of the given Content-Type. Every
// refusal is a 400 (413 for a body over maxLoginBody) that says what is
// wrong, never what was sent.
func parseCredentials(contentType string, body []byte) (loginCredentials, *Error) {
	if len(body) > maxLoginBody {
		return loginCredentials{}, bodyTooLarge()
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil && contentType != "" {
		return loginCredentials{}, badRequest("send the credentials as JSON or as a form")
	}
	var cr loginCredentials
	switch {
	case mt == "application/json" || mt == "" && len(bytes.TrimSpace(body)) > 0 && bytes.TrimSpace(body)[0] == '{':
		var raw struct {
			Username *string `json:"username"`
			Password *string `json:"password"`
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		if err := dec.Decode(&raw); err != nil || dec.More() {
			return loginCredentials{}, badRequest("the body is not a JSON object of username and password strings")
		}
		if raw.Username != nil {
			cr.Username = *raw.Username
		}
		if raw.Password != nil {
			cr.Password = *raw.Password
		}
	case mt == "application/x-www-form-urlencoded":
		v, err := url.ParseQuery(string(body))
		if err != nil {
			return loginCredentials{}, badRequest("the form does not parse")
		}
		if len(v["username"]) > 1 || len(v["password"]) > 1 {
			return loginCredentials{}, badRequest("username and password must each be sent once")
		}
		cr.Username, cr.Password = v.Get("username"), v.Get("password")
	default:
		return loginCredentials{}, badRequest("send the credentials as JSON or as a form")
	}
	cr.Username = strings.TrimSpace(cr.Username)
	switch {
	case cr.Username == "" || cr.Password == "":
		return loginCredentials{}, badRequest("username and password are required")
	case len(cr.Username) > maxUsername || len(cr.Password) > maxPassword:
		return loginCredentials{}, badRequest("username or password too long")
	case !utf8.ValidString(cr.Username) || !utf8.ValidString(cr.Password) || hasControl(cr.Username):
		return loginCredentials{}, badRequest("username or password is not valid text")
	}
	return cr, nil
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// bearer returns the token of an `Authorization: Bearer <token>` header.
// Its refusals are the core guards' (*auth0gin.AuthError): no error code in
// the challenge when no bearer token was sent, invalid_token otherwise.
func bearer(header string) (string, *auth0gin.AuthError) {
	scheme, tok, ok := strings.Cut(header, " ")
	if header == "" || !strings.EqualFold(scheme, "Bearer") {
		return "", &auth0gin.AuthError{Status: http.StatusUnauthorized,
			Description: "send the access token as Authorization: Bearer <token>", Err: auth0gin.ErrMissingToken}
	}
	tok = strings.TrimSpace(tok)
	if !ok || tok == "" || strings.ContainsAny(tok, " \t") {
		return "", &auth0gin.AuthError{Status: http.StatusUnauthorized, Code: "invalid_token",
			Description: "send the access token as Authorization: Bearer <token>", Err: errBadRequest}
	}
	if len(tok) > maxBearerBytes {
		return "", &auth0gin.AuthError{Status: http.StatusUnauthorized, Code: "invalid_token", Description: "token too large", Err: errBadRequest}
	}
	return tok, nil
}
