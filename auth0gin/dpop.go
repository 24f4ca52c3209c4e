package auth0gin

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/auth0gin/auth0gin/internal/dpop"
)

// The DPoP policies (Config.DPoP, the DPoP requirement, AUTH0GIN_DPOP).
const (
	dpopAllowedName  = "allowed"
	dpopRequiredName = "required"
	dpopOffName      = "off"
)

// dpopMode is a DPoP policy; on a guard, dpopInherit means the API's.
type dpopMode uint8

const (
	dpopInherit dpopMode = iota
	dpopAllowed
	dpopRequired
	dpopOff
)

func (m dpopMode) String() string {
	switch m {
	case dpopRequired:
		return dpopRequiredName
	case dpopOff:
		return dpopOffName
	}
	return dpopAllowedName
}

func parseDPoPMode(s string) (dpopMode, bool) {
	switch s {
	case "", dpopAllowedName:
		return dpopAllowed, true
	case dpopRequiredName:
		return dpopRequired, true
	case dpopOffName:
		return dpopOff, true
	}
	return dpopInherit, false
}

// reqDPoP is the Requirement kind of DPoP.
const reqDPoP reqKind = 100

// DPoP sets a route's DPoP policy (RFC 9449), in place of Config.DPoP:
// "required" accepts only `Authorization: DPoP <token>` with a valid `DPoP`
// proof (and no session cookie), "allowed" a DPoP or a Bearer token, "off"
// no DPoP scheme. A bound token always needs its proof. Another mode panics
// at route registration, and so do "required" (the route's or Config.DPoP)
// with ExpiredWithin, which takes Bearer tokens only, and, on a Router,
// guards of one route of which one requires DPoP and another turns it off.
// The API docs say which routes need DPoP.
//
//	r.GET("/api/transfer", auth.Require(auth0gin.DPoP("required"), auth0gin.Scopes("transfer")), transfer)
func DPoP(mode string) Requirement {
	return Requirement{kind: reqDPoP, values: []string{mode}}
}

// expiredWithinRequired is the panic of a route with ExpiredWithin under
// the DPoP policy "required", its own or Config.DPoP's: ExpiredWithin takes
// a Bearer token only, so the route could not require DPoP.
const expiredWithinRequired = `auth0gin: ExpiredWithin takes a Bearer token only, so its route cannot be under DPoP "required" (the route's or Config.DPoP's): put DPoP("off") beside it`

// checkRouteDPoP panics when the guards gs of one route contradict each
// other: one requires DPoP and another turns it off (no request could pass
// both), or one requires DPoP and another is ExpiredWithin.
func (a *Auth0) checkRouteDPoP(gs []guard, route string) {
	var required, off, expired bool
	for i := range gs {
		switch a.modeOf(&gs[i]) {
		case dpopRequired:
			required = true
		case dpopOff:
			off = true
		}
		expired = expired || gs[i].expiredFor > 0
	}
	switch {
	case required && off:
		panic(fmt.Sprintf("auth0gin: %s: one guard requires DPoP and another turns it off: no request can pass both", route))
	case required && expired:
		panic(route + ": " + expiredWithinRequired)
	}
}

// compileDPoP reads a DPoP requirement into g.
func compileDPoP(g *guard, r Requirement) {
	m, ok := parseDPoPMode(r.values[0])
	if !ok || r.values[0] == "" {
		panic(fmt.Sprintf("auth0gin: DPoP(%q): want %q, %q or %q", r.values[0], dpopRequiredName, dpopAllowedName, dpopOffName))
	}
	if g.dpop != dpopInherit && g.dpop != m {
		panic("auth0gin: two DPoP policies on one route")
	}
	g.dpop = m
}

// Defaults of the DPoP settings.
const (
	defaultDPoPWindow        = time.Minute
	defaultDPoPNonceLifetime = 5 * time.Minute
	minDPoPNonceSecret       = 32
	defaultReplayEntries     = 1 << 20
	replayRetryAfter         = 2 * time.Second
)

// resolveDPoP checks and completes the DPoP settings and PublicOrigin.
func (c *Config) resolveDPoP() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrConfig, fmt.Sprintf(format, args...))
	}
	if _, ok := parseDPoPMode(c.DPoP); !ok {
		return bad("DPoP %q (%s): want %q, %q or %q", printable(c.DPoP), envDPoP, dpopAllowedName, dpopRequiredName, dpopOffName)
	}
	if c.DPoP == "" {
		c.DPoP = dpopAllowedName
	}
	if c.PublicOrigin != "" {
		o, err := publicOrigin(c.PublicOrigin)
		if err != nil {
			return bad("PublicOrigin (%s): %v", envPublicOrig, err)
		}
		c.PublicOrigin = o
	}
	if c.DPoPWindow < 0 || c.DPoPNonceLifetime < 0 {
		return bad("durations must not be negative")
	}
	if c.DPoPWindow == 0 {
		c.DPoPWindow = defaultDPoPWindow
	}
	if c.DPoPNonceLifetime == 0 {
		c.DPoPNonceLifetime = defaultDPoPNonceLifetime
	}
	if len(c.DPoPAlgorithms) == 0 {
		c.DPoPAlgorithms = append([]string(nil), dpop.DefaultAlgs...)
	}
	for _, alg := range c.DPoPAlgorithms {
		if !asymmetric(alg) {
			return bad("DPoP algorithm %q is not allowed: use an asymmetric one (ES256, PS256, RS256, EdDSA, ...)", printable(alg))
		}
	}
	if c.DPoPNonceSecret != "" && len(c.DPoPNonceSecret) < minDPoPNonceSecret {
		return bad("DPoPNonceSecret (%s) is %d bytes: at least %d are needed", envDPoPNonce, len(c.DPoPNonceSecret), minDPoPNonceSecret)
	}
	return nil
}

// publicOrigin normalises an origin: scheme://host[:port] in lower case,
// without the scheme's default port; https, or http for a loopback host.
func publicOrigin(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", fmt.Errorf("%q is not an origin such as https://api.example.com", printable(s))
	}
	o, err := dpop.Normalize(u.Scheme + "://" + u.Host)
	if err != nil {
		return "", fmt.Errorf("%q is not an origin such as https://api.example.com", printable(s))
	}
	o = strings.TrimSuffix(o, "/")
	if ou, _ := url.Parse(o); !secureURL(ou) {
		return "", fmt.Errorf("%q: plain http is only for loopback hosts in development", o)
	}
	return o, nil
}

// dpopState is an Auth0's resolved DPoP settings.
type dpopState struct {
	mode   dpopMode
	window time.Duration // DPoPWindow + ClockSkew
	algs   []string
	replay interface {
		Add(ctx context.Context, key string, value []byte, expiresAt time.Time) (bool, error)
	}
	nonces *dpop.Nonces // nil: no nonces
	// challengeAlgs is the algs parameter of the DPoP challenge.
	challengeAlgs string
	// lastWarn is when warn last logged (unix ns).
	lastWarn atomic.Int64
	// noOrigin logs once that proofs are checked without PublicOrigin.
	noOrigin sync.Once
}

// warnNoOrigin logs, once, that proofs are checked against the request's
// Host header because PublicOrigin is empty. An API that never sees a DPoP
// request never logs it under "allowed" (the default).
func (a *Auth0) warnNoOrigin() {
	if a.cfg.PublicOrigin != "" {
		return
	}
	a.dp.noOrigin.Do(func() {
		a.cfg.Logger.Warn("auth0gin: DPoP proofs are checked while PublicOrigin (" + envPublicOrig + ") is empty: " +
			"a proof's htu is checked against each request's Host header, which a proxy may rewrite and any client may set; " +
			"set PublicOrigin in production, or DPoP \"off\"")
	})
}

// replayWarnEvery is the least time between two replay cache warnings:
// one refused request in a flood logs, the rest do not.
const replayWarnEvery = time.Minute

// warn logs msg at Warn, unless a warning was logged within replayWarnEvery.
func (d *dpopState) warn(log *slog.Logger, now time.Time, msg string, args ...any) {
	last := d.lastWarn.Load()
	if last != 0 && now.UnixNano()-last < int64(replayWarnEvery) {
		return
	}
	if d.lastWarn.CompareAndSwap(last, now.UnixNano()) {
		log.Warn(msg, args...)
	}
}

// newDPoPState builds the DPoP state of a resolved Config.
func newDPoPState(c Config) *dpopState {
	mode, _ := parseDPoPMode(c.DPoP)
	d := &dpopState{mode: mode, window: c.DPoPWindow + c.ClockSkew, algs: c.DPoPAlgorithms,
		replay: c.DPoPReplay, challengeAlgs: strings.Join(c.DPoPAlgorithms, " ")}
	if d.replay == nil {
		d.replay = newMemoryReplay(defaultReplayEntries, d.window)
	}
	if c.DPoPNonceSecret != "" {
		d.nonces = dpop.NewNonces([]byte(c.DPoPNonceSecret), c.DPoPNonceLifetime)
	}
	return d
}

// modeOf is the DPoP policy a guard enforces.
func (a *Auth0) modeOf(g *guard) dpopMode {
	if g.dpop != dpopInherit {
		return g.dpop
	}
	return a.dp.mode
}

// Errors of the DPoP checks.
var (
	// errDPoPProof: the DPoP proof is missing, malformed, or does not match
	// the request, the token or the key the token is bound to (401
	// invalid_dpop_proof).
	errDPoPProof = errors.New("auth0gin: invalid DPoP proof")
	// errDPoPNonce: the proof lacks the server's current nonce (401 use_dpop_nonce).
	errDPoPNonce = errors.New("auth0gin: DPoP proof needs the server's nonce")
	// errDPoPBinding: a bound token without its proof, or a token presented
	// under a scheme it may not use (401 invalid_token).
	errDPoPBinding = errors.New("auth0gin: DPoP binding")
)

// Error codes of DPoP refusals (RFC 9449 §7.1, §9).
const (
	codeInvalidDPoPProof = "invalid_dpop_proof"
	codeUseDPoPNonce     = "use_dpop_nonce"
)

func proofRefusal(desc string, cause error) *AuthError {
	err := errDPoPProof
	if cause != nil {
		err = fmt.Errorf("%w: %w", errDPoPProof, cause)
	}
	return &AuthError{Status: http.StatusUnauthorized, Code: codeInvalidDPoPProof, Description: desc, Err: err}
}

// Verify validates a raw access token (without the "Bearer " prefix) and
// returns the user it describes. Errors are *AuthError values matching the
// package's sentinel errors. Verified tokens are cached until they expire, at
// most Config.CacheMaxTTL.
//
// A DPoP-bound token (one with cnf.jkt) is refused: its proof belongs to
// the request, which Verify does not see. VerifyRequest checks both.
func (a *Auth0) Verify(ctx context.Context, token string) (*Auth0User, error) {
	u, err := a.verifyToken(ctx, token)
	if err != nil {
		return nil, err
	}
	if u.jkt != "" {
		return nil, boundWithoutProof()
	}
	return u, nil
}

func boundWithoutProof() *AuthError {
	return unauthorized(errDPoPBinding, "a DPoP-bound token needs the DPoP scheme and a proof", nil)
}

// VerifyRequest validates the access token of r's Authorization header as
// the guards do, under Config.DPoP: `Authorization: Bearer <token>`, or
// `Authorization: DPoP <token>` with one `DPoP` proof header, checked in
// full (RFC 9449 §4.3 and §7: its signature, method, URI, age, single use,
// access-token hash and the token's binding to its key). It is for code
// outside the guards, such as a WebSocket upgrade; package session trades a
// token for a cookie with it. No CredentialSource is consulted. Errors are
// *AuthError values; AuthError.WriteResponse answers them with the right
// challenge (and DPoP-Nonce).
func (a *Auth0) VerifyRequest(r *http.Request) (*Auth0User, error) {
	g := guard{}
	u, _, err := a.fromAuthorization(r, &g, a.dp.mode)
	if err != nil {
		return nil, a.withDPoPChallenge(own(err), a.dp.mode, r)
	}
	return u, nil
}

// fromAuthorization verifies the token of r's Authorization header under
// mode, its DPoP proof included. isDPoP reports the DPoP scheme.
func (a *Auth0) fromAuthorization(r *http.Request, g *guard, mode dpopMode) (u *Auth0User, isDPoP bool, ae *AuthError) {
	var token string
	if mode == dpopOff {
		token, ae = bearer(r.Header) // the DPoP scheme counts as no token
	} else {
		token, isDPoP, ae = credential(r.Header)
	}
	if ae != nil {
		return nil, isDPoP, ae
	}
	ctx := r.Context()
	if g.expiredFor > 0 {
		if isDPoP {
			return nil, true, unauthorized(errDPoPBinding, "this route takes a Bearer token only", nil)
		}
		u, err := a.VerifyExpired(ctx, token, g.expiredFor)
		if err != nil {
			return nil, false, asAuthError(err)
		}
		return u, false, nil
	}
	u, err := a.verifyToken(ctx, token)
	if err != nil {
		return nil, isDPoP, asAuthError(err)
	}
	switch {
	case !isDPoP && u.jkt != "":
		return nil, false, boundWithoutProof()
	case !isDPoP && mode == dpopRequired:
		return nil, false, unauthorized(errDPoPBinding, "a DPoP-bound token and proof are required", nil)
	case !isDPoP:
		return u, false, nil
	case u.jkt == "":
		return nil, true, unauthorized(errDPoPBinding, "the token is not DPoP-bound", nil)
	}
	return a.checkProof(r, token, u)
}

// checkProof checks the request's DPoP proof for token, whose user u is
// bound to the key thumbprint u.jkt: one proof verification, one replay
// cache Add. A proof a guard before this one on the same request already
// accepted (Router.Use plus a route's guard) is not checked or added again.
// It returns the request's own copy of u, marked with the proof (u itself
// may be shared with the token cache: it is never changed).
func (a *Auth0) checkProof(r *http.Request, token string, u *Auth0User) (*Auth0User, bool, *AuthError) {
	proofs := r.Header.Values("DPoP")
	switch {
	case len(proofs) == 0:
		return nil, true, proofRefusal("the request carries no DPoP proof", nil)
	case len(proofs) > 1:
		return nil, true, proofRefusal("more than one DPoP proof header", nil)
	case len(proofs[0]) > dpop.MaxSize:
		return nil, true, proofRefusal(fmt.Sprintf("the DPoP proof is over %d bytes", dpop.MaxSize), nil)
	}
	proof := proofs[0]
	req := reflect.ValueOf(r.Header).Pointer() // shared by r.WithContext's copies
	marked := func() *Auth0User {
		cp := *u
		cp.proof, cp.proofReq = proof, req
		return &cp
	}
	if prev, ok := r.Context().Value(userKey{}).(*Auth0User); ok && prev != nil &&
		prev.proof == proof && prev.proofReq == req && prev.jkt == u.jkt {
		return marked(), true, nil
	}
	d := a.dp
	now := time.Now()
	a.warnNoOrigin()
	p := dpop.Params{Method: r.Method, URL: dpop.HTU(r, a.cfg.PublicOrigin), AccessToken: token,
		Now: now, Window: d.window, Algs: d.algs}
	if d.nonces != nil {
		p.Nonce = func(n string) bool { return d.nonces.Valid(n, now) }
	}
	pr, err := dpop.Check(proof, p)
	switch {
	case errors.Is(err, dpop.ErrUseNonce):
		return nil, true, &AuthError{Status: http.StatusUnauthorized, Code: codeUseDPoPNonce,
			Description: "the DPoP proof must carry the server's nonce (DPoP-Nonce)", Err: errDPoPNonce,
			dpop: &dpopChallenge{nonce: d.nonces.Current(now)}}
	case err != nil:
		if he := (*dpop.HTUError)(nil); errors.As(err, &he) {
			// The caller is told only that htu does not match: the URI
			// computed here may name an internal host behind a proxy.
			a.cfg.Logger.Debug("auth0gin: a DPoP proof's htu does not match the request's URI",
				"htu", printable(he.Claim), "request_uri", he.Request)
		}
		return nil, true, proofRefusal(proofDescription(err), err)
	case pr.Thumbprint != u.jkt:
		return nil, true, proofRefusal("the DPoP proof's key is not the one the token is bound to (cnf.jkt)", nil)
	}
	// Kept a window past the proof's expiry: an instance whose clock lags
	// by up to a window still finds it.
	added, err := d.replay.Add(r.Context(), replayKey(pr), []byte{1}, pr.Expires.Add(d.window))
	switch {
	case errors.Is(err, errReplayKeyFull):
		d.warn(a.cfg.Logger, now, "auth0gin: one DPoP key holds its share of the in-memory replay cache; refusing its proofs", "err", err)
		return nil, true, proofRefusal("too many proofs of this key within the replay window: retry later", err)
	case err != nil:
		d.warn(a.cfg.Logger, now, "auth0gin: the DPoP replay cache cannot answer; refusing DPoP requests", "err", err)
		return nil, true, Unavailable("the DPoP replay cache cannot answer", replayRetryAfter, err)
	case !added:
		return nil, true, proofRefusal("the DPoP proof was used before (jti)", nil)
	}
	return marked(), true, nil
}

// proofDescription is the part of a dpop.Check error safe and short enough
// to show the caller: printable ASCII (it may quote the client's own
// claims), at most 200 bytes.
func proofDescription(err error) string {
	s := strings.TrimPrefix(err.Error(), dpop.ErrInvalidProof.Error()+": ")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return -1
		}
		return r
	}, s)
	if len(s) > 200 {
		s = s[:200]
	}
	return "invalid DPoP proof: " + s
}

// replayKeyPrefix begins every replayKey.
const replayKeyPrefix = "auth0gin:dpop:"

// replayKey is the replay cache's key of a proof: a hash of its proof key
// (which the in-memory cache counts to bound each key's share), a dot, and
// a hash of its jti per proof key, each of a fixed length.
func replayKey(p dpop.Proof) string {
	owner := sha256.Sum256([]byte(p.Thumbprint))
	sum := sha256.Sum256([]byte(p.Thumbprint + "\x00" + p.JTI))
	return replayKeyPrefix + base64.RawURLEncoding.EncodeToString(owner[:9]) + "." +
		base64.RawURLEncoding.EncodeToString(sum[:18])
}

// dpopChallenge says how a refusal challenges for DPoP (RFC 9449 §7.1).
type dpopChallenge struct {
	algs   string // the algs parameter; "" leaves the DPoP challenge out
	bearer bool   // a Bearer challenge goes beside the DPoP one
	onDPoP bool   // the error parameters go on the DPoP challenge
	nonce  string // sent as DPoP-Nonce, when set
}

// withDPoPChallenge returns a copy of ae carrying the challenges a refusal
// under mode sends: Bearer alone when DPoP is off, DPoP alone when it is
// required, both otherwise, with the error on the scheme r used.
func (a *Auth0) withDPoPChallenge(ae *AuthError, mode dpopMode, r *http.Request) *AuthError {
	if ae == nil || mode == dpopOff || (ae.Status != http.StatusUnauthorized && ae.Status != http.StatusForbidden) {
		return ae
	}
	e := *ae
	ch := dpopChallenge{algs: a.dp.challengeAlgs, bearer: mode != dpopRequired}
	if ae.dpop != nil {
		ch.nonce = ae.dpop.nonce
	}
	scheme, _, _ := strings.Cut(strings.TrimLeft(r.Header.Get("Authorization"), " "), " ")
	ch.onDPoP = !ch.bearer || strings.EqualFold(scheme, "DPoP") ||
		e.Code == codeInvalidDPoPProof || e.Code == codeUseDPoPNonce
	e.dpop = &ch
	return &e
}

// dpopAnswered adds the current nonce to a successful DPoP request's
// answer, when nonces are on (RFC 9449 §9: the client uses it next).
func (a *Auth0) dpopAnswered(h http.Header, r *http.Request) {
	if a.dp.nonces != nil && len(r.Header["Dpop"]) > 0 {
		h.Set("DPoP-Nonce", a.dp.nonces.Current(time.Now()))
	}
}

// routeDPoP is the DPoP policy of a route behind the guards gs, for the API
// docs: the strictest, "required" before "off"; "" for "allowed".
func (a *Auth0) routeDPoP(gs []guard) string {
	mode := dpopAllowed
	for i := range gs {
		switch m := a.modeOf(&gs[i]); {
		case m == dpopRequired:
			mode = dpopRequired
		case m == dpopOff && mode != dpopRequired:
			mode = dpopOff
		}
	}
	if mode == dpopAllowed {
		return ""
	}
	return mode.String()
}
