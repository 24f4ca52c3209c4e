package login

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"

	"errors"
	"fmt"
	"strings"
)

// envEncryptionKeys names the variable holding the encryption keys (see
// ParseKeys).
const envEncryptionKeys = "AUTH0GIN_ENCRYPTION_KEYS"

// errNoKeys: no encryption key is configured, so refresh tokens cannot be
// stored; New refuses to start.
var errNoKeys = errors.New("login: no encryption key (set " + envEncryptionKeys + ")")

// errUnknownKeyID: a row was written with a key that is no longer configured.
var errUnknownKeyID = errors.New("login: the row's key id is not configured")

// errCorrupt: a row is not one this package wrote, or fails authentication.
var errCorrupt = errors.New("login: the row does not decrypt")

// Keyring holds the AES-256-GCM keys that encrypt refresh tokens at rest.
// The first key encrypts; every key decrypts the rows that name its id.
// Build one with ParseKeys; it is safe for concurrent use.
type Keyring struct {
	ids   []string
	aeads map[string]cipher.AEAD
}

// maxKeyIDLen bounds a key id: each row stores it in one length byte.
const maxKeyIDLen = 64

// ParseKeys reads a key list in the form of AUTH0GIN_ENCRYPTION_KEYS:
// "id:base64key[,id:base64key...]", each key exactly 32 bytes in standard or
// URL-safe base64, padded or not. Ids are unique, of letters, digits, '-',
// '_' and '.'. The first key encrypts; all decrypt, so a new key goes first
// and an old one stays listed until the rows it wrote have expired. A new
// entry is an id and 32 random bytes:
//
//	echo "k1:$(openssl rand -base64 32)"
//
// Errors wrap auth0gin.ErrConfig and never print a key.
func ParseKeys(list string) (*Keyring, error) {
	k := &Keyring{aeads: map[string]cipher.AEAD{}}
	for i, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		id, b64, ok := strings.Cut(item, ":")
		if !ok || !validKeyID(id) {
			return nil, errConfig("%s entry %d: want id:base64key with an id of letters, digits, '-', '_' or '.'", envEncryptionKeys, i+1)
		}
		if _, dup := k.aeads[id]; dup {
			return nil, errConfig("%s %s: the key id is listed twice", envEncryptionKeys, entryName(i, id))
		}
		key, err := decodeKey(b64)
		if err != nil || len(key) != 32 {
			return nil, errConfig("%s %s: the key is not 32 bytes of base64 (write id:base64key)", envEncryptionKeys, entryName(i, id))
		}
		if err := k.add(id, key); err != nil {
			return nil, err
		}
	}
	if len(k.ids) == 0 {
		return nil, errConfig("%w", errNoKeys)
	}
	return k, nil
}

func (k *Keyring) add(id string, key []byte) error {
	block, err := aes.NewCipher(key)
	if err != nil {
		return fmt.Errorf("login: key %q: %w", id, err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return fmt.Errorf("login: key %q: %w", id, err)
	}
	k.ids = append(k.ids, id)
	k.aeads[id] = aead
	return nil
}

// entryName names entry i of the key list in an error: by its id only when
// the id is too short to be a key, since an entry written the wrong way
// round (base64key:id) puts the key where the id belongs, and a URL-safe key
// is a valid id. A 32-byte key takes at least 43 base64 characters.
func entryName(i int, id string) string {
	if len(id) <= 32 {
		return fmt.Sprintf("entry %d (id %q)", i+1, id)
	}
	return fmt.Sprintf("entry %d", i+1)
}

func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("not base64")
}

func validKeyID(id string) bool {
	if id == "" || len(id) > maxKeyIDLen {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// sealVersion is the first byte of every value this package stores.
const sealVersion = 1

// seal encrypts plaintext for the store key `key` with the first key. The
// value is version | len(id) | id | nonce | ciphertext+tag, and the additional
// data binds it to the store key and the key id, so a row moved to another
// key (another access token's) or relabelled does not decrypt.
func (k *Keyring) seal(key string, plaintext []byte) []byte {
	id := k.ids[0]
	aead := k.aeads[id]
	out := make([]byte, 0, 2+len(id)+aead.NonceSize()+len(plaintext)+aead.Overhead())
	out = append(out, sealVersion, byte(len(id)))
	out = append(out, id...)
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plaintext, additionalData(key, id))
}

// open decrypts what seal wrote for the same store key. A value naming a key
// id that is not configured is errUnknownKeyID; anything else that fails is
// errCorrupt.
func (k *Keyring) open(key string, value []byte) ([]byte, error) {
	if len(value) < 2 || value[0] != sealVersion {
		return nil, errCorrupt
	}
	n := int(value[1])
	if len(value) < 2+n {
		return nil, errCorrupt
	}
	id := string(value[2 : 2+n])
	aead, ok := k.aeads[id]
	if !ok {
		return nil, errUnknownKeyID
	}
	rest := value[2+n:]
	if len(rest) < aead.NonceSize()+aead.Overhead() {
		return nil, errCorrupt
	}
	plain, err := aead.Open(nil, rest[:aead.NonceSize()], rest[aead.NonceSize():], additionalData(key, id))
	if err != nil {
		return nil, errCorrupt
	}
	return plain, nil
}

func additionalData(key, id string) []byte {
	return []byte("auth0gin/login v1\x00" + key + "\x00" + id)
}
