package telemetry

import "go.opentelemetry.io/otel/attribute"

// Instrument names. OpenTelemetry's semantic conventions are used where one
// exists (db.client.operation.duration for store round trips); the rest are
// auth0gin's own, under auth0gin.*. The units are UCUM.
const (
	// Tokens (core).
	TokenChecks         = "auth0gin.token.checks"                // {check}: outcome, reason, issuer, source
	TokenVerifyDuration = "auth0gin.token.verification.duration" // s: a full verification (cache misses)
	TokenCacheHits      = "auth0gin.token.cache.hits"            // {hit}
	TokenCacheMisses    = "auth0gin.token.cache.misses"          // {miss}
	TokenCacheEntries   = "auth0gin.token.cache.entries"         // {entry}, observed
	TokenCacheEvictions = "auth0gin.token.cache.evictions"       // {entry}

	// Keys (core), by issuer.
	KeyFetches       = "auth0gin.keys.fetches"        // {fetch}: result
	KeyFetchDuration = "auth0gin.keys.fetch.duration" // s
	KeysHeld         = "auth0gin.keys.held"           // {key}, observed
	KeysAge          = "auth0gin.keys.age"            // s since the last successful fetch, observed
	KeysStale        = "auth0gin.keys.stale"          // 1 when the held keys are past KeyMaxStale or none are held, observed

	// Sessions (session).
	SessionLogins           = "auth0gin.session.logins"             // {login}: result
	SessionLogouts          = "auth0gin.session.logouts"            // {logout}
	SessionLogoutEverywhere = "auth0gin.session.logouts_everywhere" // {logout}
	SessionLocalHits        = "auth0gin.session.local_cache.hits"   // {hit}
	PubSubMessages          = "auth0gin.session.pubsub.messages"    // {message}
	StoreDuration           = "db.client.operation.duration"        // s: db.system.name, db.operation.name, error.type
	StoreErrors             = "auth0gin.store.errors"               // {error}: db.system.name, db.operation.name

	// Password login and refresh (login).
	LoginOutcomes    = "auth0gin.login.outcomes"        // {attempt}: flow, outcome
	LoginTenantCall  = "auth0gin.login.tenant.duration" // s: endpoint
	LoginGrace       = "auth0gin.login.refresh.grace"   // {answer}
	LoginRateLimited = "auth0gin.login.rate_limited"    // {refusal}: flow

	// Device login (session).
	DeviceStarts    = "auth0gin.device.starts"    // {start}
	DevicePolls     = "auth0gin.device.polls"     // {poll}: answer
	DeviceApprovals = "auth0gin.device.approvals" // {approval}

	// Management API (management).
	ManagementCalls       = "auth0gin.management.calls"           // {call}: route, status
	ManagementDuration    = "auth0gin.management.call.duration"   // s: route
	ManagementRateLimited = "auth0gin.management.rate_limited"    // {response}: route
	ManagementWait        = "auth0gin.management.rate_limit.wait" // s: the wait taken before the retry
	ManagementTokens      = "auth0gin.management.token.fetches"   // {fetch}: result

	// Users (users).
	UserResolutions = "auth0gin.users.resolutions"         // {resolution}: path
	UserProfiles    = "auth0gin.users.profile.fetches"     // {fetch}: source, result
	UserRacesLost   = "auth0gin.users.creation_races_lost" // {race}
)

// Attribute keys.
const (
	KeyOutcome   = attribute.Key("outcome")
	KeyReason    = attribute.Key("reason")
	KeyIssuer    = attribute.Key("issuer")
	KeySource    = attribute.Key("source")
	KeyResult    = attribute.Key("result")
	KeyCached    = attribute.Key("cached")
	KeyCode      = attribute.Key("code")
	KeyFlow      = attribute.Key("flow")
	KeyEndpoint  = attribute.Key("endpoint")
	KeyAnswer    = attribute.Key("answer")
	KeyRoute     = attribute.Key("route")
	KeyStatus    = attribute.Key("status")
	KeyPath      = attribute.Key("path")
	KeyDBSystem  = attribute.Key("db.system.name")
	KeyDBOp      = attribute.Key("db.operation.name")
	KeyErrorType = attribute.Key("error.type")
)

// Common attribute values.
const (
	Other = "other" // an issuer the configuration does not name, or any value outside a fixed list
	None  = "none"  // no issuer: the request carried no readable token
	OK    = "ok"
	Error = "error"
)

// Token check sources.
const (
	SourceBearer  = "bearer"
	SourceSession = "session"
	SourceOpaque  = "opaque"
)

// Sources lists the token check sources, in table order.
var Sources = []string{SourceBearer, SourceSession, SourceOpaque}

// Outcomes of a token check: ok, the RFC 6750 code of a refusal (with
// RFC 9470's step-up code and the organization refusal), forbidden for
// another 403, unavailable for a 503, and missing for a request with no
// credential at all.
var Outcomes = []string{
	OK, "invalid_token", "invalid_request", "insufficient_scope", "insufficient_user_authentication",
	"invalid_organization", "forbidden", "unavailable", "missing", "rate_limited",
}

// Reasons of a token check, a fixed list: RFC 6750 codes cannot tell an
// expired token from a forged one, these can. "" (none) is an accepted one.
var Reasons = []string{
	None, "missing_token", "malformed", "too_large", "algorithm", "unknown_key", "keys_unavailable",
	"bad_signature", "expired", "not_yet_valid", "missing_exp", "wrong_issuer", "wrong_audience",
	"invalid_claims", "insufficient_scope", "insufficient_user_authentication", "wrong_organization",
	"session_unknown", "session_expired", "csrf", "store_unavailable", Other,
}
