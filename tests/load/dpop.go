package main

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	jose "gopkg.in/go-jose/go-jose.v2"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/internal/dpop"
)

// The DPoP section compares, side by side in one run, three ways of serving
// route to one hot token:
//   - dpopBearer: auth0gin with a hot Bearer token (the cached variant), the
//     reference;
//   - dpopBound: auth0gin with Config.DPoP "required", one hot token bound to
//     the client's key (cnf.jkt), and a fresh proof on every request: the
//     token's verdict comes from the verified-token cache, so a request costs
//     one proof verification, one replay-cache Add and a map lookup;
//   - dpopByHand: the same bound token and proofs checked by hand on go-jose,
//     as an app without DPoP support in its middleware would: the token's
//     signature, then the proof's, every request.
//
// The proofs (ES256, P-256) are signed before each measurement, one per
// request, so the load generator pays nothing for them; each measurement is
// bounded by its count of proofs. The servers run in this process; rounds
// rotate the order of the variants and each ratio is the median of the
// per-round ratios, with their spread.
const (
	dpopBearer variant = "auth0gin bearer (hot)"
	dpopBound  variant = "auth0gin DPoP (hot bound token, fresh proof)"
	dpopByHand variant = "go-jose DPoP by hand"
)

// dpopPlan sizes the DPoP section from the run's plan: about p.duration of
// requests at 7,000 a second (a measurement is bounded by its proofs), and a
// tenth of that to warm up.
func dpopPlan(p plan) (requests, warm int) {
	requests = max(500, int(p.duration.Seconds()*7000))
	return requests, requests / 10
}

// dpopRig is what the DPoP section measures with: an issuer, the client's
// key, a hot Bearer token and a hot token bound to the key.
type dpopRig struct {
	is            *issuer
	key           *ecdsa.PrivateKey
	bearer, bound string
}

func newRig() (*dpopRig, error) {
	k, err := newSigningKey("dpop-k0")
	if err != nil {
		return nil, err
	}
	is, err := newIssuer(k)
	if err != nil {
		return nil, err
	}
	rig := &dpopRig{is: is}
	if rig.key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		is.close()
		return nil, err
	}
	jkt, err := dpop.Thumbprint(rig.key)
	if err == nil {
		rig.bearer, err = is.sign(k, 0)
	}
	if err == nil {
		rig.bound, err = signBound(is, k, 1, jkt)
	}
	if err != nil {
		is.close()
		return nil, err
	}
	return rig, nil
}

// The DPoP section joins the default and -full reports.
func init() {
	registerSection("dpop", func(ctx context.Context, p plan, log *slog.Logger) (string, []string, error) {
		md, err := dpopReport(ctx, p, log)
		return md, nil, err
	})
}

// dpopReport measures the three variants and renders the section.
func dpopReport(ctx context.Context, p plan, log *slog.Logger) (string, error) {
	rig, err := newRig()
	if err != nil {
		return "", err
	}
	defer rig.is.close()
	is, clientKey, bearer, bound := rig.is, rig.key, rig.bearer, rig.bound
	variants := []variant{dpopBearer, dpopBound, dpopByHand}
	servers := make([]*server, len(variants))
	for i, v := range variants {
		h, err := dpopHandler(v, is.url())
		if err != nil {
			return "", fmt.Errorf("%s: %w", v, err)
		}
		if servers[i], err = serveOn(h); err != nil {
			return "", err
		}
		defer servers[i].stop()
	}
	client := newClient(p.concurrency)
	defer client.CloseIdleConnections()

	n, warm := dpopPlan(p)
	rps := make([][]float64, len(variants)) // [variant][round]
	var problems []string
	for round := range p.rounds {
		for j := range variants {
			vi := (j + round) % len(variants)
			v, srv := variants[vi], servers[vi]
			url := srv.url + route
			mk := func(count int) (load, error) {
				l := load{url: url, requests: count, concurrency: p.concurrency}
				if v == dpopBearer {
					l.headers = []string{"Bearer " + bearer}
					return l, nil
				}
				proofs, err := mintProofs(ctx, clientKey, url, bound, count)
				l.headers, l.dpop = []string{"DPoP " + bound}, func(i int) string { return proofs[i] }
				return l, err
			}
			for _, count := range []int{warm, n} {
				l, err := mk(count)
				if err != nil {
					return "", err
				}
				res, err := l.run(ctx, client)
				if err != nil {
					return "", fmt.Errorf("%s: %w", v, err)
				}
				if bad := res.non2xx(); bad > 0 {
					problems = append(problems, fmt.Sprintf("%s, round %d: %d of %d requests not 2xx (%v, first error %v)", v, round+1, bad, count, res.status, res.firstErr))
				}
				if count == n {
					rps[vi] = append(rps[vi], res.rps())
					log.Info("dpop", "variant", string(v), "round", round+1, "rps", int(res.rps()))
				}
			}
		}
	}
	return renderDPoP(variants, rps, problems, p.rounds), nil
}

// renderDPoP is the Markdown section: each variant's median rate and its
// per-round ratio to the hot bearer token.
func renderDPoP(variants []variant, rps [][]float64, problems []string, rounds int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n## DPoP: a hot bound token with a fresh proof per request\n\n")
	fmt.Fprintf(&b, "One token, %d rounds in rotating order, servers in the load generator's process; "+
		"each request carries a new ES256 proof, signed before the measurement. The ratio is the median of the "+
		"per-round ratios to the hot bearer token (min–max in brackets).\n\n", rounds)
	fmt.Fprintf(&b, "| variant | req/s (median) | × hot bearer |\n|---|---:|---:|\n")
	for i, v := range variants {
		ratios := make([]float64, len(rps[i]))
		for r := range rps[i] {
			ratios[r] = rps[i][r] / rps[0][r]
		}
		fmt.Fprintf(&b, "| %s | %.0f | %.2f (%.2f–%.2f) |\n", v, median(rps[i]), median(ratios), slices.Min(ratios), slices.Max(ratios))
	}
	for _, p := range problems {
		fmt.Fprintf(&b, "\n- problem: %s", p)
	}
	if len(problems) > 0 {
		b.WriteString("\n")
	}
	return b.String()
}

// dpopHandler is the engine of one DPoP-section variant.
func dpopHandler(v variant, issuerURL string) (http.Handler, error) {
	r := gin.New()
	cfg := auth0gin.Config{Domain: issuerURL, Audience: []string{audience}, Logger: slog.New(slog.DiscardHandler)}
	switch v {
	case dpopBearer:
	case dpopBound:
		cfg.DPoP = "required"
	case dpopByHand:
		mw, err := byHandDPoP(issuerURL)
		if err != nil {
			return nil, err
		}
		r.GET(route, mw, answer)
		return r, nil
	default:
		return nil, fmt.Errorf("unknown variant %q", v)
	}
	a, err := auth0gin.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("auth0gin.New: %w", err)
	}
	r.GET(route, a.RequireScopes(scope), answer)
	return r, nil
}

// signBound mints the i-th token bound to the key of thumbprint jkt.
func signBound(is *issuer, k *signingKey, i int, jkt string) (string, error) {
	var c map[string]any
	if err := json.Unmarshal(is.claims(i), &c); err != nil {
		return "", err
	}
	c["cnf"] = map[string]string{"jkt": jkt}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	input := header(k.kid) + "." + b64.EncodeToString(payload)
	h := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, k.priv, crypto.SHA256, h[:])
	if err != nil {
		return "", fmt.Errorf("signing the bound token: %w", err)
	}
	return input + "." + b64.EncodeToString(sig), nil
}

// mintProofs signs n proofs of key for GET url with token, in parallel.
func mintProofs(ctx context.Context, key crypto.Signer, url, token string, n int) ([]string, error) {
	out := make([]string, n)
	var next atomic.Int64
	workers := runtime.NumCPU()
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n && ctx.Err() == nil; i = int(next.Add(1)) - 1 {
				if out[i], errs[w] = dpop.NewProof(key, http.MethodGet, url, token, ""); errs[w] != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	return out, errors.Join(append(errs, ctx.Err())...)
}

// byHandDPoP is a DPoP check written by hand on go-jose: the bound token's
// RS256 signature with the issuer's key (fetched once), its iss, aud, exp
// and scope; then the proof: one DPoP header, typ dpop+jwt, an asymmetric
// alg, a public jwk, its signature, htm, htu, iat within a minute, ath, the
// key's thumbprint against cnf.jkt, and a jti never seen (in a map).
func byHandDPoP(issuerURL string) (gin.HandlerFunc, error) {
	res, err := http.Get(issuerURL + ".well-known/jwks.json")
	if err != nil {
		return nil, fmt.Errorf("JWKS: %w", err)
	}
	defer res.Body.Close()
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&set); err != nil {
		return nil, fmt.Errorf("JWKS: %w", err)
	}
	var seen sync.Map
	refuse := func(c *gin.Context) { c.AbortWithStatus(http.StatusUnauthorized) }
	return func(c *gin.Context) {
		authz := c.GetHeader("Authorization")
		if len(authz) < 5 || !strings.EqualFold(authz[:5], "DPoP ") {
			refuse(c)
			return
		}
		token := authz[5:]
		jws, err := jose.ParseSigned(token)
		if err != nil || len(jws.Signatures) != 1 || jws.Signatures[0].Header.Algorithm != "RS256" {
			refuse(c)
			return
		}
		keys := set.Key(jws.Signatures[0].Header.KeyID)
		if len(keys) == 0 {
			refuse(c)
			return
		}
		payload, err := jws.Verify(keys[0].Key)
		if err != nil {
			refuse(c)
			return
		}
		var tc struct {
			Iss   string   `json:"iss"`
			Aud   []string `json:"aud"`
			Exp   int64    `json:"exp"`
			Scope string   `json:"scope"`
			Cnf   struct {
				JKT string `json:"jkt"`
			} `json:"cnf"`
		}
		now := time.Now()
		if json.Unmarshal(payload, &tc) != nil || tc.Iss != issuerURL || !slices.Contains(tc.Aud, audience) ||
			now.Unix() >= tc.Exp || !slices.Contains(strings.Fields(tc.Scope), scope) || tc.Cnf.JKT == "" {
			refuse(c)
			return
		}
		proofs := c.Request.Header.Values("DPoP")
		if len(proofs) != 1 {
			refuse(c)
			return
		}
		pj, err := jose.ParseSigned(proofs[0])
		if err != nil || len(pj.Signatures) != 1 {
			refuse(c)
			return
		}
		h := pj.Signatures[0].Protected
		alg := h.Algorithm
		if typ, _ := h.ExtraHeaders[jose.HeaderType].(string); typ != "dpop+jwt" || alg == "none" || strings.HasPrefix(alg, "HS") ||
			h.JSONWebKey == nil || !h.JSONWebKey.IsPublic() {
			refuse(c)
			return
		}
		pp, err := pj.Verify(h.JSONWebKey)
		if err != nil {
			refuse(c)
			return
		}
		var pc struct {
			JTI string `json:"jti"`
			HTM string `json:"htm"`
			HTU string `json:"htu"`
			IAT int64  `json:"iat"`
			ATH string `json:"ath"`
		}
		sum := sha256.Sum256([]byte(token))
		if json.Unmarshal(pp, &pc) != nil || pc.JTI == "" || pc.HTM != c.Request.Method ||
			pc.HTU != "http://"+c.Request.Host+c.Request.URL.Path || now.Sub(time.Unix(pc.IAT, 0)).Abs() > time.Minute ||
			pc.ATH != base64.RawURLEncoding.EncodeToString(sum[:]) {
			refuse(c)
			return
		}
		tp, err := h.JSONWebKey.Thumbprint(crypto.SHA256)
		if err != nil || base64.RawURLEncoding.EncodeToString(tp) != tc.Cnf.JKT {
			refuse(c)
			return
		}
		if _, replayed := seen.LoadOrStore(pc.JTI, struct{}{}); replayed {
			refuse(c)
			return
		}
		c.Next()
	}, nil
}
