package auth0gin

import (
	"context"
	"time"
)

// MemoryCache is the default TokenCache, for tests that read its size.
type MemoryCache = memoryCache

// NewTestCache is NewMemoryCache with its concrete type.
func NewTestCache(maxEntries int, maxBytes int64) *MemoryCache {
	return NewMemoryCache(maxEntries, maxBytes).(*memoryCache)
}

// Names unexported for the surface, kept for the tests.
var (
	DefaultMaxTokenBytes      = defaultMaxTokenBytes
	DefaultKeyRefreshInterval = defaultKeyRefreshInterval
	DefaultKeyMinRefetch      = defaultKeyMinRefetch
	DefaultKeyMaxStale        = defaultKeyMaxStale
	DefaultCacheMaxEntries    = defaultCacheMaxEntries
	DefaultCacheMaxBytes      = defaultCacheMaxBytes
	DefaultCacheMaxTTL        = defaultCacheMaxTTL
	DefaultKeyFetchWait       = defaultKeyFetchWait
	DefaultMinRSAKeyBits      = defaultMinRSAKeyBits
	ErrAlgorithm              = errAlgorithm
	ErrAudience               = errAudience
	ErrInvalidClaims          = errInvalidClaims
	ErrInvalidSignature       = errInvalidSignature
	ErrIssuer                 = errIssuer
	ErrKeysUnavailable        = errKeysUnavailable
	ErrMalformedToken         = errMalformedToken
	ErrMissingExpiry          = errMissingExpiry
	ErrNotYetValid            = errNotYetValid
	ErrTokenTooLarge          = errTokenTooLarge
	ErrUnknownKey             = errUnknownKey
	CodeInvalidToken          = codeInvalidToken
	CodeInsufficientScope     = codeInsufficientScope
	CodeUnavailable           = codeUnavailable
	CodeInsufficientUserAuth  = codeInsufficientUserAuth
	CodeInvalidOrganization   = codeInvalidOrganization
	MFAACR                    = mfaACR
)

// NewTestReplay is the default in-memory DPoP replay cache, bounded to max entries.
func NewTestReplay(max int) interface {
	Add(ctx context.Context, key string, value []byte, expiresAt time.Time) (bool, error)
} {
	return newMemoryReplay(max, time.Minute)
}
