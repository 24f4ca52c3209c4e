package login

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/internal/replicas"
)

// Login is the handler of a password login, POST /auth/login (see Mount). It takes {username, password} as JSON or as a form,
// logs the user in at the tenant with the end user's IP in
// auth0-forwarded-for, keeps the refresh token encrypted in the store, and
// answers {access_token, token_type, expires_in} (plus the session cookie
// when Config.Sessions is set; a cross-origin browser login is then refused
// with 403, see Config.CrossOrigin). Attempts are limited per client address and
// per username (429 with Retry-After; see Config.LoginsPerMinute). The refresh token is never part of the answer.
func (m *Manager) Login(c *gin.Context) {
	defer m.tel.answered(c, flowPassword)
	noStore(c)
	if m.cfg.Sessions != nil {
		if err := m.cfg.CrossOrigin.Check(c.Request); err != nil {
			m.answerError(c, newError(http.StatusForbidden, "csrf_rejected",
				"cross-origin login refused: the page's origin is not trusted to start a session", errCrossOrigin, err))
			return
		}
	}
	ip, ok := m.allowClient(c)
	if !ok {
		return
	}
	if c.Request.ContentLength > maxLoginBody {
		m.answerError(c, bodyTooLarge())
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxLoginBody))
	if err != nil {
		if errors.As(err, new(*http.MaxBytesError)) {
			m.answerError(c, bodyTooLarge())
		} else {
			m.answerError(c, badRequest("the body could not be read"))
		}
		return
	}
	cr, perr := parseCredentials(c.GetHeader("Content-Type"), body)
	if perr != nil {
		m.answerError(c, perr)
		return
	}
	ans, user, err := m.PasswordLogin(c.Request.Context(), cr.Username, cr.Password, ip)
	if err != nil {
		m.answerError(c, err)
		return
	}
	if m.cfg.Sessions != nil {
		if err := m.cfg.Sessions.StartSession(c, user); err != nil {
			// The tokens are fine; the session is what failed. Log the user
			// out again so no refresh token is held for an answer never sent.
			m.cfg.Logger.Warn("login: starting the session failed", "user_id", user.ID, "err", err)
			_ = m.LogoutToken(context.WithoutCancel(c.Request.Context()), ans.AccessToken)
			m.answerError(c, err)
			return
		}
	}
	c.JSON(http.StatusOK, ans)
}

// PasswordLogin logs a user in at the tenant from userIP, stores the refresh
// token encrypted under the access token's hash, and returns the access
// token and the user it describes. Errors are *Error values. Attempts are
// limited per username across addresses, and after 10 consecutive failures
// of one username from one address (known to the tenant or not) a wrong
// password is answered 429 too_many_attempts (see Config.LoginsPerMinute).
func (m *Manager) PasswordLogin(ctx context.Context, username, password, userIP string) (Answer, *auth0gin.Auth0User, error) {
	return m.guardLogin(ctx, username, userIP, func() (Answer, *auth0gin.Auth0User, error) {
		return m.passwordLogin(ctx, username, password, userIP)
	})
}

func (m *Manager) passwordLogin(ctx context.Context, username, password, userIP string) (Answer, *auth0gin.Auth0User, error) {
	reply, err := m.passwordGrant(ctx, username, password, userIP)
	if err != nil {
		var te *tenantError
		if errors.As(err, &te) {
			e := loginRefusal(te)
			m.logTenant("login: the tenant refused the login", e, te)
			return Answer{}, nil, e
		}
		return Answer{}, nil, unavailable("the login service is unavailable; try again later", 0, err)
	}
	return m.accept(ctx, reply, "login")
}

// accept checks a token endpoint answer, stores its refresh token under the
// access token and returns the answer for the client.
func (m *Manager) accept(ctx context.Context, reply tokenReply, what string) (Answer, *auth0gin.Auth0User, error) {
	// The token comes straight from the tenant; what matters is that it is
	// the tenant's and for our API. Its exp is not checked here (a clock
	// ahead of the tenant's must not fail a login): Refresh accepts it
	// within the same age.
	user, err := m.auth.VerifyExpired(ctx, reply.AccessToken, m.cfg.RefreshLifetime)
	if err != nil {
		// The refresh token will be held by nobody: revoke it, rather than
		// leave it alive at the tenant.
		if reply.RefreshToken != "" {
			if rerr := m.revoke(context.WithoutCancel(ctx), reply.RefreshToken); rerr != nil {
				m.cfg.Logger.Warn("login: revoking the refresh token of a refused login failed", "err", rerr)
			}
		}
		if errors.Is(err, auth0gin.ErrUnavailable) {
			return Answer{}, nil, unavailable("the login service is unavailable; try again later", 0, err)
		}
		m.cfg.Logger.Error("login: the tenant's access token does not verify; check the audience and domain", "err", err)
		return Answer{}, nil, newError(http.StatusBadGateway, "server_error", "the login service is misconfigured", errMisconfigured, err)
	}
	ans := Answer{AccessToken: reply.AccessToken, TokenType: "Bearer", ExpiresIn: reply.ExpiresIn}
	if ans.ExpiresIn <= 0 {
		ans.ExpiresIn = max(int64(time.Until(user.ExpiresAt)/time.Second), 0)
	}
	if reply.RefreshToken == "" {
		m.cfg.Logger.Warn("login: the tenant sent no refresh token; allow offline access on the API and the refresh_token grant on the client", "user_id", user.ID)
		return ans, user, nil
	}
	now := m.cfg.Now()
	exp := now.Add(m.cfg.RefreshLifetime)
	key, set := m.rowKey(userGroup(user.ID), tokenHash(reply.AccessToken)), m.userRowsOf(user)
	val := m.sealRow(key, row{Kind: kindRefresh, RefreshToken: reply.RefreshToken, Subject: user.ID, Rows: set, Expires: exp.Unix()})
	if err := m.listRow(ctx, set, tokenHash(reply.AccessToken), exp); err != nil {
		go func() { _ = m.revoke(context.WithoutCancel(ctx), reply.RefreshToken) }()
		return Answer{}, nil, unavailable("the session store is unavailable; try again later", 0, err)
	}
	if err := m.store.Set(ctx, key, val, exp); err != nil {
		// Without the row the refresh token is useless: revoke it, so that
		// nothing lives at the tenant that nobody holds.
		go func() { _ = m.revoke(context.WithoutCancel(ctx), reply.RefreshToken) }()
		m.cfg.Logger.Warn("login: storing the refresh token failed", "what", what, "err", err)
		return Answer{}, nil, unavailable("the session store is unavailable; try again later", 0, err)
	}
	if err := replicas.Wait(ctx, m.store, key, m.cfg.ReplicaWait); err != nil {
		// The access token is not given out: nobody will use the row. End
		// it, and the refresh token, rather than leave either alive.
		m.cfg.Logger.Warn("login: no replica confirmed a new refresh row in time (ReplicaWait); refusing the login", "err", err)
		go func() {
			ctx := context.WithoutCancel(ctx)
			_ = m.store.Delete(ctx, key)
			_ = m.revoke(ctx, reply.RefreshToken)
		}()
		return Answer{}, nil, unavailable("the session store is unavailable; try again later", 0, err)
	}
	return ans, user, nil
}

// logTenant logs a tenant refusal at a level that fits it: outages and
// misconfiguration are the operator's business, wrong passwords are not.
func (m *Manager) logTenant(msg string, e *Error, te *tenantError) {
	switch {
	case errors.Is(e, errMisconfigured):
		m.cfg.Logger.Error(msg, "status", te.status, "error", te.code, "error_description", te.description)
	case errors.Is(e, auth0gin.ErrUnavailable):
		m.cfg.Logger.Warn(msg, "status", te.status, "error", te.code, "err", te.cause)
	default:
		m.cfg.Logger.Info(msg, "status", te.status, "error", te.code)
	}
}

// noStore marks an answer that carries a token as not cacheable (RFC 6749 §5.1).
func noStore(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.Header("Pragma", "no-cache")
}
