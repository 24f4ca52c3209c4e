package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// grantDeviceCode is RFC 8628's grant type.
const grantDeviceCode = "urn:ietf:params:oauth:grant-type:device_code"

// errTenant: the tenant could not be reached or gave an answer the device
// login cannot use (answered 503 with Retry-After).
var errTenant = errors.New("session: tenant unavailable for the device login")

// tenantAnswer is the tenant's answer to one device-code poll: an access
// token, or an RFC 8628 / RFC 6749 error code.
type tenantAnswer struct {
	accessToken string
	code        string
}

// pollTenant asks the tenant once whether the device code has been
// approved. x/oauth2's DeviceAccessToken cannot do this: it waits an interval
// on the wall clock before its first request and loops until the user
// answers, which would tie each device login to one goroutine on one
// instance. One request per CLI poll keeps every instance stateless (the
// state lives in the store) and the CLI's pace under the package's control.
// Errors wrap errTenant and carry the wait before a retry.
func (d *Device) pollTenant(ctx context.Context, deviceCode string) (tenantAnswer, time.Duration, error) {
	form := url.Values{"grant_type": {grantDeviceCode}, "device_code": {deviceCode}, "client_id": {d.oauth.ClientID}}
	if d.oauth.ClientSecret != "" {
		form.Set("client_secret", d.oauth.ClientSecret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.oauth.Endpoint.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return tenantAnswer{}, retryAfter, fmt.Errorf("%w: %w", errTenant, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	res, err := d.hc.Do(req)
	if err != nil {
		// The error names the URL, never the form: no device code in it.
		return tenantAnswer{}, retryAfter, fmt.Errorf("%w: %w", errTenant, err)
	}
	defer res.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
	}
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err == nil {
		err = json.Unmarshal(raw, &body)
	}
	switch {
	case res.StatusCode == http.StatusOK && err == nil && body.AccessToken != "":
		return tenantAnswer{accessToken: body.AccessToken}, 0, nil
	case res.StatusCode == http.StatusTooManyRequests && body.Error != "slow_down",
		res.StatusCode >= 500, err != nil, body.Error == "":
		// An outage, the tenant's own rate limit, or an answer that is not
		// OAuth: retry later.
		return tenantAnswer{}, waitOf(res.Header), fmt.Errorf("%w: token endpoint answered %d %q", errTenant, res.StatusCode, body.Error)
	}
	return tenantAnswer{code: body.Error}, 0, nil
}

// waitOf reads how long a 429 or 503 asks to wait: Retry-After in seconds, or
// Auth0's X-RateLimit-Reset (a unix time); retryAfter when neither says.
func waitOf(h http.Header) time.Duration { return waitAt(h, time.Now()) }

// waitAt is waitOf on the clock that says it is now.
func waitAt(h http.Header, now time.Time) time.Duration {
	if s, err := strconv.ParseInt(h.Get("Retry-After"), 10, 64); err == nil && s > 0 && s < 3600 {
		return time.Duration(s) * time.Second
	}
	if reset, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
		if d := time.Unix(reset, 0).Sub(now); d > 0 && d < time.Hour {
			return d
		}
	}
	return retryAfter
}

// tenantError turns an error of x/oauth2's DeviceAuth into a 503 answer.
func tenantError(err error) (time.Duration, error) {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		return waitOf(re.Response.Header), fmt.Errorf("%w: device authorization answered %d %q", errTenant, re.Response.StatusCode, re.ErrorCode)
	}
	return retryAfter, fmt.Errorf("%w: %w", errTenant, err)
}
