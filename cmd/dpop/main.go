// Command dpop is a small DPoP client (RFC 9449) for trying DPoP routes by
// hand: it logs in to a tenant with a proof, so the token is bound to your
// key, and calls a URL with `Authorization: DPoP` and a fresh proof, or
// prints just a proof for curl. Swagger UI cannot make proofs; this can.
//
//	go run ./cmd/dpop key -out key.pem             # a new P-256 key (ES256)
//	TOKEN=$(go run ./cmd/dpop token -key key.pem)  # a token bound to it
//	curl -H "Authorization: DPoP $TOKEN" \
//	     -H "DPoP: $(go run ./cmd/dpop proof -key key.pem GET http://127.0.0.1:6060/api/private-bound $TOKEN)" \
//	     http://127.0.0.1:6060/api/private-bound
//
//	go run ./cmd/dpop call http://127.0.0.1:6060/api/private-bound  # all of it, with a throwaway key
//
// By default it logs in to the dev tenant at http://127.0.0.1:4000/ (go run
// ./cmd/devtenant, or the example's embedded one) with the client
// credentials of its M2M client; -username and -password use the password
// grant of its SPA client instead (alice@example.com / alice-password).
// Against a real tenant, pass -tenant, -client-id, -client-secret and
// -audience. When the tenant or the API answers use_dpop_nonce, the request
// is made once more with the nonce it gave.
package main

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/internal/dpop"
)

const usage = `usage:
  dpop key   [-out key.pem]
  dpop token -key key.pem [login flags]
  dpop proof -key key.pem [-nonce N] METHOD URL [ACCESS_TOKEN]
  dpop call  [-key key.pem] [-token T | login flags] [-X METHOD] [-nonce N] URL
login flags: -tenant URL -client-id ID -client-secret S -audience A -scope S -username U -password P`

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "dpop:", err)
		os.Exit(1)
	}
}

// run is the command: args without the program name.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	fs := flag.NewFlagSet("dpop "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	keyFile := fs.String("key", "", "the private key (PEM: PKCS#8, EC or RSA)")
	var l login
	if args[0] == "token" || args[0] == "call" {
		fs.StringVar(&l.tenant, "tenant", "http://127.0.0.1:4000/", "the tenant's base URL (issuer)")
		fs.StringVar(&l.clientID, "client-id", "", "client_id (default: the dev tenant's M2M client, or its SPA client with -username)")
		fs.StringVar(&l.clientSecret, "client-secret", "", "client_secret (default: the dev tenant's M2M client's, with its id)")
		fs.StringVar(&l.audience, "audience", devtenant.Audience, "the API")
		fs.StringVar(&l.scope, "scope", "", "scopes to ask for, space-separated")
		fs.StringVar(&l.username, "username", "", "log in as this user (password grant)")
		fs.StringVar(&l.password, "password", "", "the user's password")
	}
	switch args[0] {
	case "key":
		out := fs.String("out", "", "write the key there (mode 0600) instead of to stdout")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return newKey(*out, stdout)
	case "proof":
		nonce := fs.String("nonce", "", "the server's DPoP-Nonce")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		rest := fs.Args()
		if len(rest) < 2 || len(rest) > 3 {
			return errors.New(usage)
		}
		key, err := loadKey(*keyFile)
		if err != nil {
			return err
		}
		token := ""
		if len(rest) == 3 {
			token = rest[2]
		}
		p, err := dpop.NewProof(key, strings.ToUpper(rest[0]), rest[1], token, *nonce)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, p)
		return err
	case "token":
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		key, err := loadKey(*keyFile)
		if err != nil {
			return err
		}
		tok, err := l.token(ctx, key)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, tok)
		return err
	case "call":
		token := fs.String("token", "", "a token bound to -key (default: log in first)")
		method := fs.String("X", http.MethodGet, "the request's method")
		nonce := fs.String("nonce", "", "the API's DPoP-Nonce, if known")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return errors.New(usage)
		}
		var key crypto.Signer
		var err error
		if *keyFile != "" {
			key, err = loadKey(*keyFile)
		} else if *token != "" {
			err = errors.New("-token needs the -key it is bound to")
		} else {
			key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		}
		if err != nil {
			return err
		}
		if *token == "" {
			if *token, err = l.token(ctx, key); err != nil {
				return err
			}
		}
		return call(ctx, key, strings.ToUpper(*method), fs.Arg(0), *token, *nonce, stdout)
	}
	return errors.New(usage)
}

// newKey writes a new P-256 key as PKCS#8 PEM.
func newKey(out string, stdout io.Writer) error {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return err
	}
	b := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if out == "" {
		_, err = stdout.Write(b)
		return err
	}
	return os.WriteFile(out, b, 0o600)
}

// loadKey reads a PEM private key: PKCS#8 (any type a proof can use), SEC 1
// EC or PKCS#1 RSA.
func loadKey(file string) (crypto.Signer, error) {
	if file == "" {
		return nil, errors.New("-key is required (make one with: dpop key -out key.pem)")
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, fmt.Errorf("%s: no PEM block", file)
	}
	var k any
	switch block.Type {
	case "EC PRIVATE KEY":
		k, err = x509.ParseECPrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		k, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		k, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%s: a %T cannot sign", file, k)
	}
	if _, err := dpop.Algorithm(s); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return s, nil
}

// login is how to get a token from the tenant.
type login struct {
	tenant, clientID, clientSecret, audience, scope, username, password string
}

// token asks the tenant's /oauth/token for an access token bound to key.
func (l login) token(ctx context.Context, key crypto.Signer) (string, error) {
	form := url.Values{"audience": {l.audience}}
	if l.scope != "" {
		form.Set("scope", l.scope)
	}
	switch {
	case l.username != "":
		if l.clientID == "" {
			l.clientID = devtenant.SPAClient.ID
		}
		form.Set("grant_type", "password")
		form.Set("username", l.username)
		form.Set("password", l.password)
	default:
		if l.clientID == "" {
			l.clientID, l.clientSecret = devtenant.M2MClient.ID, devtenant.M2MClient.Secret
		}
		form.Set("grant_type", "client_credentials")
	}
	form.Set("client_id", l.clientID)
	if l.clientSecret != "" {
		form.Set("client_secret", l.clientSecret)
	}
	endpoint := strings.TrimSuffix(l.tenant, "/") + "/oauth/token"
	nonce := ""
	for try := 0; ; try++ {
		proof, err := dpop.NewProof(key, http.MethodPost, endpoint, "", nonce)
		if err != nil {
			return "", err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
		if err != nil {
			return "", err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("DPoP", proof)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return "", err
		}
		var body struct {
			AccessToken string `json:"access_token"`
			TokenType   string `json:"token_type"`
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		err = json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&body)
		res.Body.Close()
		if body.Error == "use_dpop_nonce" && try == 0 && res.Header.Get("DPoP-Nonce") != "" {
			nonce = res.Header.Get("DPoP-Nonce")
			continue
		}
		switch {
		case err != nil:
			return "", fmt.Errorf("%s: %d: %w", endpoint, res.StatusCode, err)
		case res.StatusCode != http.StatusOK:
			return "", fmt.Errorf("%s: %d %s: %s", endpoint, res.StatusCode, body.Error, body.Description)
		case !strings.EqualFold(body.TokenType, "DPoP"):
			return "", fmt.Errorf("%s issued a %q token, not a DPoP-bound one: does the tenant support DPoP?", endpoint, body.TokenType)
		}
		return body.AccessToken, nil
	}
}

// call makes the request with the token and a fresh proof, once more with
// the API's nonce if it asks for one, and prints the status line and body.
func call(ctx context.Context, key crypto.Signer, method, target, token, nonce string, stdout io.Writer) error {
	for try := 0; ; try++ {
		proof, err := dpop.NewProof(key, method, target, token, nonce)
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, method, target, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "DPoP "+token)
		req.Header.Set("DPoP", proof)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
		res.Body.Close()
		if err != nil {
			return err
		}
		// A route that accepts Bearer tokens too answers two challenges,
		// Bearer first: use_dpop_nonce is on the DPoP one.
		challenges := res.Header.Values("WWW-Authenticate")
		if n := res.Header.Get("DPoP-Nonce"); res.StatusCode == http.StatusUnauthorized && try == 0 && n != "" &&
			slices.ContainsFunc(challenges, func(ch string) bool { return strings.Contains(ch, "use_dpop_nonce") }) {
			nonce = n
			continue
		}
		fmt.Fprintln(stdout, res.Proto, res.Status)
		for _, ch := range challenges {
			fmt.Fprintln(stdout, "WWW-Authenticate:", ch)
		}
		fmt.Fprintln(stdout)
		if _, err := stdout.Write(body); err != nil {
			return err
		}
		if res.StatusCode >= 400 {
			return fmt.Errorf("%s %s: %s", method, target, res.Status)
		}
		return nil
	}
}
