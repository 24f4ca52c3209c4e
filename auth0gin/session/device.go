package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"

	"github.com/auth0gin/auth0gin/auth0gin/internal/tenanturl"
)

// DeviceConfig configures device login (see Manager.Device).
type DeviceConfig struct {
	// ClientID is the tenant application the CLI logs in through: at Auth0,
	// a Native application with the Device Code grant enabled (default: the
	// Auth0's Config.ClientID).
	ClientID string
	// ClientSecret, when set, is sent with every request to the tenant (for
	// a confidential client; Auth0's device flow uses public ones).
	ClientSecret string
	// Audience is the API the access token is asked for (default: the
	// Auth0's first Config.Audience). The token is verified with the core
	// before a session is made, so it must be one the core accepts.
	Audience string
	// Scopes are asked for (default "openid profile email"); add the API's
	// permissions the CLI's session needs, such as "read:messages".
	Scopes []string
}

// Device runs device logins (RFC 8628) for command-line tools, on behalf of
// the CLI: it starts the flow with the tenant, and once the user has
// approved it in a browser, it makes a session and hands the CLI its secret.
// Make one with Manager.Device and mount it (Mount, documented), or its
// handlers one by one:
//
//	dev.Mount(api) // or:
//	r.POST("/auth/device", dev.Start)
//	r.POST("/auth/device/poll", dev.Poll)
//
// Everything a device login needs between two polls lives in the store,
// sealed with a key only the CLI's poll_id gives, so that polls may reach any
// instance and the tenant's device code is never stored in the clear.
type Device struct {
	m        *Manager
	oauth    *oauth2.Config
	audience string
	hc       *http.Client
}

// deviceStart is the answer of Start: RFC 8628's device authorization
// response, with the tenant's device_code replaced by a poll_id of our own.
type deviceStart struct {
	// PollID is what the CLI polls with. It is a secret: whoever holds it
	// gets the session once the user approves.
	PollID string `json:"poll_id" example:"q5m0tS3c…"`
	// UserCode is the code the user confirms in the browser.
	UserCode string `json:"user_code" example:"WDJB-MJHT"`
	// VerificationURI is where the user enters the code.
	VerificationURI string `json:"verification_uri" example:"https://tenant.auth0.com/activate"`
	// VerificationURIComplete is VerificationURI with the code filled in.
	VerificationURIComplete string `json:"verification_uri_complete,omitempty" example:"https://tenant.auth0.com/activate?user_code=WDJB-MJHT"`
	// ExpiresIn is how many seconds the login can be approved for.
	ExpiresIn int64 `json:"expires_in" example:"900"`
	// Interval is how many seconds the CLI waits between polls.
	Interval int64 `json:"interval" example:"5"`
}

// deviceSession is the answer of a poll once the user has approved: the
// session cookie, name and value, for a CLI that has no cookie jar. It is
// the one answer of this package that carries a session secret in its body.
type deviceSession struct {
	// Name is the cookie's name.
	Name string `json:"name" example:"__Host-auth0gin_session"`
	// Value is the session secret: send it back as the cookie "Name=Value".
	Value string `json:"value" example:"…"`
	// ExpiresAt is the end of the session's maximum lifetime (RFC 3339).
	ExpiresAt time.Time `json:"expires_at" example:"2026-12-28T03:55:00Z"`
}

// Poll errors, the `error` of a 400 answer (RFC 8628 §3.5, as the tenant
// answers them).
const (
	// devicePending: the user has not answered yet; poll again after the interval.
	devicePending = "authorization_pending"
	// deviceSlowDown: the CLI polled before the interval was over; add 5
	// seconds to it (RFC 8628) and poll again.
	deviceSlowDown = "slow_down"
	// deviceExpired: the login was not approved in time; start again.
	deviceExpired = "expired_token"
	// deviceDenied: the user refused.
	deviceDenied = "access_denied"
	// deviceUnknown: the poll_id names no device login (never started, its
	// session already handed out, or long expired).
	deviceUnknown = "invalid_grant"
)

// Device login timing.
const (
	// deviceKeepAfter is how long a device login's state outlives its
	// expiry, so that late polls are answered expired_token.
	deviceKeepAfter = 5 * time.Minute
	// devicePollLock bounds how long one poll holds its login against
	// concurrent polls, should its instance die mid-poll.
	devicePollLock = 30 * time.Second
	// maxPollBody bounds a poll's JSON body.
	maxPollBody = 4 << 10
)

// Device enables device login with cfg, or, when cfg is the zero
// DeviceConfig, with Config.Device (which FromEnv reads from
// AUTH0_DEVICE_CLIENT_ID and AUTH0_DEVICE_SCOPES). The handlers it returns
// share the manager's store, cookie, OnLogin hook and login limiter (a
// started device login counts as a login).
func (m *Manager) Device(cfg DeviceConfig) (*Device, error) {
	if cfg.ClientID == "" && cfg.ClientSecret == "" && cfg.Audience == "" && cfg.Scopes == nil {
		cfg = m.cfg.Device
	}
	ac := m.auth.Config()
	if cfg.ClientID == "" {
		cfg.ClientID = ac.ClientID
	}
	if cfg.ClientID == "" {
		return nil, fmt.Errorf("session: %w: device login needs a ClientID", auth0gin.ErrConfig)
	}
	if cfg.Audience == "" && len(ac.Audience) > 0 {
		cfg.Audience = ac.Audience[0]
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{"openid", "profile", "email"}
	}
	return &Device{
		m: m,
		oauth: &oauth2.Config{
			ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Scopes: cfg.Scopes,
			Endpoint: oauth2.Endpoint{
				DeviceAuthURL: tenanturl.Endpoint(m.auth.Config().Issuers, "oauth/device/code"),
				TokenURL:      tenanturl.Endpoint(m.auth.Config().Issuers, "oauth/token"),
				AuthStyle:     oauth2.AuthStyleInParams,
			},
		},
		audience: cfg.Audience,
		hc:       m.tel.client(ac.HTTPClient), // its calls to the tenant are spans
	}, nil
}

// stateKey is where a device login's sealed state lives: under the SHA-256
// of its poll_id, never the poll_id itself, in a group of its own ({d:<id>})
// shared with its poll lock.
func (m *Manager) stateKey(sid id) string { return m.cfg.KeyPrefix + "device:{d:" + sid.String() + "}" }

// Start begins a device login with the tenant (x/oauth2's Config.DeviceAuth)
// and answers 200 with a DeviceStart (poll_id, user_code, verification_uri[_complete], expires_in, interval). It is limited per client address with
// the logins (429 with Retry-After); a tenant that cannot be reached is 503 with
// Retry-After.
func (d *Device) Start(c *gin.Context) {
	m := d.m
	if !m.allowLogin(c) {
		return
	}
	ctx := c.Request.Context()
	var opts []oauth2.AuthCodeOption
	if d.audience != "" {
		opts = append(opts, oauth2.SetAuthURLParam("audience", d.audience))
	}
	if d.oauth.ClientSecret != "" {
		opts = append(opts, oauth2.SetAuthURLParam("client_secret", d.oauth.ClientSecret))
	}
	da, err := d.oauth.DeviceAuth(context.WithValue(ctx, oauth2.HTTPClient, d.hc), opts...)
	if err == nil && (da.DeviceCode == "" || da.UserCode == "" || da.VerificationURI == "") {
		err = errors.New("device authorization answer lacks a field")
	}
	if err != nil {
		wait, err := tenantError(err)
		m.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "session: starting a device login", slog.String("err", err.Error()))
		m.fail(c, auth0gin.Unavailable("the tenant cannot start a device login now", wait, err))
		return
	}
	life := 15 * time.Minute // RFC 8628 requires expires_in; a tenant that omits it gets Auth0's default
	if !da.Expiry.IsZero() {
		life = time.Until(da.Expiry).Round(time.Second)
	}
	interval := 5 * time.Second // RFC 8628 §3.2's default
	if da.Interval > 0 && da.Interval < math.MaxInt32 {
		interval = time.Duration(da.Interval) * time.Second
	}
	now := m.cfg.Now()
	pollID, sid := newSecret()
	st := &deviceState{DeviceCode: da.DeviceCode, Expires: now.Add(life), Interval: interval}
	if err := d.save(ctx, pollID, sid, st); err != nil {
		m.fail(c, err)
		return
	}
	m.tel.deviceStarted(ctx)
	m.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "session: device login started", slog.String("login", sid.String()[:12]))
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, deviceStart{
		PollID: pollID, UserCode: da.UserCode, VerificationURI: da.VerificationURI,
		VerificationURIComplete: da.VerificationURIComplete,
		ExpiresIn:               int64(life / time.Second), Interval: int64(interval / time.Second),
	})
}

// save seals st into the store until a little after it expires.
func (d *Device) save(ctx context.Context, pollID string, sid id, st *deviceState) error {
	key := d.m.stateKey(sid)
	b, err := st.seal(pollID, key)
	if err != nil {
		return err
	}
	if err := d.m.st.Set(ctx, key, b, st.Expires.Add(deviceKeepAfter)); err != nil {
		return unavailable(err)
	}
	return nil
}

// devicePollRequest is the body of a poll.
type devicePollRequest struct {
	// PollID is what Start answered.
	PollID string `json:"poll_id" example:"q5m0tS3c…"`
}

// Poll answers a CLI's poll with JSON {"poll_id"}: 400 with an RFC 8628
// error (authorization_pending, slow_down, expired_token, access_denied; and
// invalid_grant for a poll_id that names no login) until the user has
// approved, then 200 with Set-Cookie and a deviceSession, once; a body over
// 4 KiB is 413 invalid_request. Every answer is Cache-Control: no-store. Polls are
// limited per poll_id to the tenant's interval (slow_down), and each allowed
// one asks the tenant once; the token it returns is verified with the core,
// and OnLogin may refuse it, before the session is made. A cross-origin
// browser request is 403 csrf_rejected, as the cookie's unsafe requests are.
func (d *Device) Poll(c *gin.Context) {
	m := d.m
	defer m.tel.polled(c)
	ctx := c.Request.Context()
	// The approved poll sets the session cookie: a page of another site
	// must not make a visitor's browser poll a login its author approved
	// (login CSRF). CLIs send neither Sec-Fetch-Site nor Origin, and pass.
	if err := m.checkOrigin(c.Request); err != nil {
		m.fail(c, err)
		return
	}
	// The whole body is read under the limit before it is parsed, so any
	// body over it is 413, whatever it holds: a decoder stops at its first
	// syntax error or value and would answer 400, or accept trailing bytes.
	raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxPollBody))
	if tooLarge := new(http.MaxBytesError); errors.As(err, &tooLarge) || c.Request.ContentLength > maxPollBody {
		c.Header("Cache-Control", "no-store")
		c.AbortWithStatusJSON(http.StatusRequestEntityTooLarge, auth0gin.ErrorBody{Error: "invalid_request",
			Description: fmt.Sprintf("the body is over %d bytes", maxPollBody)})
		return
	}
	var req devicePollRequest
	if err != nil || json.Unmarshal(raw, &req) != nil || req.PollID == "" {
		pollError(c, "invalid_request", `the body must be JSON {"poll_id": "..."}`)
		return
	}
	sid, ok := parseSecret(req.PollID)
	if !ok {
		pollError(c, deviceUnknown, "unknown, used or expired poll_id")
		return
	}
	key := m.stateKey(sid)
	if _, ok := d.load(c, req.PollID, key); !ok { // a poll_id that names nothing costs one read
		return
	}
	now := m.cfg.Now()
	// One poll at a time per login, across instances: the tenant's device
	// code is single-use, and the interval must hold whichever instance answers.
	locked, err := m.st.Add(ctx, key+":poll", nil, now.Add(devicePollLock))
	switch {
	case err != nil:
		m.fail(c, unavailable(err))
		return
	case !locked:
		pollError(c, deviceSlowDown, "another poll of this login is under way")
		return
	}
	defer func() { _ = m.st.Delete(context.WithoutCancel(ctx), key+":poll") }()
	// Read again under the lock: a poll that held it may have changed the state.
	if st, ok := d.load(c, req.PollID, key); ok {
		d.poll(c, req.PollID, sid, st, now)
	}
}

// load reads and opens a login's state, or answers the poll and reports false.
func (d *Device) load(c *gin.Context, pollID, key string) (*deviceState, bool) {
	m := d.m
	ctx := c.Request.Context()
	b, err := m.st.Get(ctx, key)
	switch {
	case errors.Is(err, store.ErrNotFound):
		pollError(c, deviceUnknown, "unknown, used or expired poll_id")
		return nil, false
	case err != nil:
		m.fail(c, unavailable(err))
		return nil, false
	}
	st, err := openDeviceState(pollID, key, b)
	if err != nil {
		m.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "session: unreadable device login state", slog.String("err", err.Error()))
		pollError(c, deviceUnknown, "unknown, used or expired poll_id")
		return nil, false
	}
	return st, true
}

// poll answers one allowed poll of a login whose state st was read at now.
func (d *Device) poll(c *gin.Context, pollID string, sid id, st *deviceState, now time.Time) {
	m := d.m
	ctx := c.Request.Context()
	if st.User != nil { // approved, but the session could not be made then
		u := new(auth0gin.Auth0User)
		err := u.UnmarshalBinary(st.User)
		if err != nil {
			pollError(c, deviceUnknown, "unknown, used or expired poll_id")
			return
		}
		d.finish(c, sid, u)
		return
	}
	switch {
	case st.Outcome != "":
		pollError(c, st.Outcome, describe(st.Outcome))
		return
	case !now.Before(st.Expires):
		st.Outcome = deviceExpired
		d.answer(c, pollID, sid, st, deviceExpired)
		return
	case !st.LastPoll.IsZero() && now.Sub(st.LastPoll) < st.Interval:
		st.LastPoll = now // as the tenant counts: a poll too early restarts the wait
		d.answer(c, pollID, sid, st, deviceSlowDown)
		return
	}
	ans, wait, err := d.pollTenant(ctx, st.DeviceCode)
	st.LastPoll = m.cfg.Now() // from the tenant's answer: the next poll is a full interval later for the tenant too
	if err != nil {
		m.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "session: polling the tenant", slog.String("err", err.Error()))
		_ = d.save(ctx, pollID, sid, st)
		m.fail(c, auth0gin.Unavailable("the tenant cannot be asked now", max(wait, st.Interval), err))
		return
	}
	switch ans.code {
	case "":
		d.approved(c, pollID, sid, st, ans.accessToken)
	case devicePending:
		d.answer(c, pollID, sid, st, devicePending)
	case deviceSlowDown:
		st.Interval += 5 * time.Second // RFC 8628 §3.5: for this and every later poll
		d.answer(c, pollID, sid, st, deviceSlowDown)
	case deviceDenied, deviceExpired:
		st.Outcome = ans.code
		d.answer(c, pollID, sid, st, ans.code)
	default: // invalid_grant: the device code is spent or unknown to the tenant
		m.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "session: the tenant refused a device code", slog.String("error", ans.code))
		_ = m.st.Delete(ctx, m.stateKey(sid))
		pollError(c, deviceUnknown, "the tenant no longer knows this login; start again")
	}
}

// answer saves st and answers the RFC 8628 error code.
func (d *Device) answer(c *gin.Context, pollID string, sid id, st *deviceState, code string) {
	if err := d.save(c.Request.Context(), pollID, sid, st); err != nil {
		d.m.fail(c, err)
		return
	}
	pollError(c, code, describe(code))
}

// approved verifies the tenant's token with the core, keeps the user in the
// login's state (so that a retry can make the session if making it fails
// now), and makes the session.
func (d *Device) approved(c *gin.Context, pollID string, sid id, st *deviceState, token string) {
	m := d.m
	ctx := c.Request.Context()
	u, err := m.auth.Verify(ctx, token)
	if err != nil {
		m.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "session: the device login's token was refused", slog.String("err", err.Error()))
		_ = m.st.Delete(ctx, m.stateKey(sid))
		m.fail(c, err)
		return
	}
	if st.User, err = u.MarshalBinary(); err == nil {
		err = d.save(ctx, pollID, sid, st)
	}
	if err != nil {
		m.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "session: keeping an approved device login", slog.String("err", err.Error()))
	}
	d.finish(c, sid, u)
}

// finish makes the session and answers it in the body, then forgets the login.
func (d *Device) finish(c *gin.Context, sid id, u *auth0gin.Auth0User) {
	m := d.m
	info, err := m.start(c, u)
	if err != nil {
		m.fail(c, err)
		return
	}
	_ = m.st.Delete(c.Request.Context(), m.stateKey(sid))
	m.tel.deviceApproved(c.Request.Context())
	var value string
	for _, ck := range (&http.Response{Header: c.Writer.Header()}).Cookies() {
		if ck.Name == info.Name {
			value = ck.Value
		}
	}
	m.cfg.Logger.LogAttrs(c.Request.Context(), slog.LevelInfo, "session: device login approved", slog.String("login", sid.String()[:12]), slog.String("user", u.ID))
	c.JSON(http.StatusOK, deviceSession{Name: info.Name, Value: value, ExpiresAt: info.ExpiresAt})
}

// pollError answers 400 {"error", "error_description"}.
func pollError(c *gin.Context, code, desc string) {
	c.Set(pollAnswerKey, code) // telemetry: the poll's answer
	c.Header("Cache-Control", "no-store")
	c.AbortWithStatusJSON(http.StatusBadRequest, auth0gin.ErrorBody{Error: code, Description: desc})
}

// describe is the error_description of a poll error.
func describe(code string) string {
	switch code {
	case devicePending:
		return "the user has not answered yet; poll again after the interval"
	case deviceSlowDown:
		return "polling too fast: add 5 seconds to the interval"
	case deviceExpired:
		return "the device login expired; start again"
	case deviceDenied:
		return "the user refused the device login"
	}
	return "unknown, used or expired poll_id"
}
