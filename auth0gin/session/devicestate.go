package session

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"time"
)

// deviceState is what the store holds for one device login, under the
// SHA-256 of its poll_id. It is sealed (AES-256-GCM) with a key derived from
// the poll_id, which only the CLI holds: the store, and anyone who reads it,
// sees neither the tenant's device code nor the user. Any instance the CLI
// polls can open it, so polls may land on any instance.
type deviceState struct {
	// DeviceCode is the tenant's device_code: a credential until it is used.
	DeviceCode string `json:"dc"`
	// Expires is when the tenant's device code expires.
	Expires time.Time `json:"exp"`
	// Interval is the least time between two polls: the tenant's interval,
	// plus 5 s for each slow_down the tenant answered (RFC 8628 §3.5).
	Interval time.Duration `json:"int"`
	// LastPoll is when the CLI last polled (zero before its first poll).
	LastPoll time.Time `json:"last,omitzero"`
	// Outcome is the tenant's final answer, once there is one:
	// "access_denied" or "expired_token".
	Outcome string `json:"out,omitempty"`
	// User is the verified user (auth0gin.Auth0User.MarshalBinary) once the
	// tenant has issued the token, kept until the session is made so that a
	// poll that failed to make it (store down) can be retried: the tenant's
	// device code is already spent then.
	User []byte `json:"user,omitempty"`
}

var errBadDeviceState = errors.New("session: unreadable device login state")

// deviceKey derives the sealing key of a poll_id's state.
func deviceKey(pollID string) (cipher.AEAD, error) {
	key, err := hkdf.Key(sha256.New, []byte(pollID), nil, "auth0gin/session device login state", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// seal encrypts the state for the store; the store key is bound in as
// additional data, so a sealed state copied under another key does not open.
func (s *deviceState) seal(pollID, storeKey string) ([]byte, error) {
	plain, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	aead, err := deviceKey(pollID)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	_, _ = rand.Read(nonce)
	return aead.Seal(nonce, nonce, plain, []byte(storeKey)), nil
}

// openDeviceState decrypts what seal wrote.
func openDeviceState(pollID, storeKey string, b []byte) (*deviceState, error) {
	aead, err := deviceKey(pollID)
	if err != nil {
		return nil, err
	}
	if len(b) < aead.NonceSize() {
		return nil, errBadDeviceState
	}
	plain, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], []byte(storeKey))
	if err != nil {
		return nil, errBadDeviceState
	}
	var s deviceState
	if err := json.Unmarshal(plain, &s); err != nil {
		return nil, errors.Join(errBadDeviceState, err)
	}
	return &s, nil
}
