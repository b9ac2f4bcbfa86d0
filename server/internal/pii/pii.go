// Package pii protects personal data (phone and ID-card numbers): AES-GCM at rest, a keyed hash
// for exact-match search, and masking for every response.
package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrCorrupt is returned for a ciphertext that does not open with the key.
var ErrCorrupt = errors.New("pii: ciphertext does not open")

// ring is one data key's derived keys, and the version byte its ciphertexts start with.
type ring struct {
	version byte
	aead    cipher.AEAD
	hashKey []byte
}

func newRing(dataKey []byte, version int) (*ring, error) {
	if len(dataKey) != 32 {
		return nil, fmt.Errorf("pii: data key is %d bytes, want 32", len(dataKey))
	}
	if version < 1 || version > 255 {
		return nil, fmt.Errorf("pii: key version %d, want 1 to 255", version)
	}
	block, err := aes.NewCipher(derive(dataKey, "linli/pii/encrypt/v1"))
	if err != nil {
		return nil, fmt.Errorf("pii: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("pii: %w", err)
	}
	return &ring{version: byte(version), aead: aead, hashKey: derive(dataKey, "linli/pii/hash/v1")}, nil
}

// Box encrypts and hashes personal data with keys derived from the 32-byte data key. During a
// rotation (docs/operations.md) it also holds the previous key, to open what that key sealed
// and to find values by its hashes until every row is sealed again.
type Box struct {
	cur  *ring
	prev *ring
}

// NewBox derives an encryption key and a hashing key from the data key (version 1), so that the
// hash never reveals the encryption key and vice versa.
func NewBox(dataKey []byte) (*Box, error) { return NewRotatingBox(dataKey, 1, nil) }

// NewRotatingBox is NewBox for a data key of any version, with the previous key (version - 1)
// when a rotation is under way: values are sealed and hashed with the current key only.
func NewRotatingBox(dataKey []byte, version int, previous []byte) (*Box, error) {
	cur, err := newRing(dataKey, version)
	if err != nil {
		return nil, err
	}
	b := &Box{cur: cur}
	if previous != nil {
		if b.prev, err = newRing(previous, version-1); err != nil {
			return nil, fmt.Errorf("previous key: %w", err)
		}
	}
	return b, nil
}

// DeriveKey derives a key for another purpose (signing file URLs, say) from the data key, so
// that none of them reveals another.
func DeriveKey(dataKey []byte, label string) []byte { return derive(dataKey, label) }

func derive(key []byte, label string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Seal encrypts plain with the current key; the result is version || nonce || ciphertext.
func (b *Box) Seal(plain string) []byte {
	r := b.cur
	nonce := make([]byte, r.aead.NonceSize(), 1+r.aead.NonceSize()+len(plain)+r.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(fmt.Sprintf("pii: no randomness: %v", err))
	}
	out := append([]byte{r.version}, nonce...)
	return r.aead.Seal(out, nonce, []byte(plain), []byte{r.version})
}

// Open decrypts what Seal produced, with the current key or, during a rotation, the previous.
func (b *Box) Open(sealed []byte) (string, error) {
	if len(sealed) == 0 {
		return "", ErrCorrupt
	}
	r := b.cur
	if sealed[0] != r.version {
		if r = b.prev; r == nil || sealed[0] != r.version {
			return "", ErrCorrupt
		}
	}
	ns := r.aead.NonceSize()
	if len(sealed) < 1+ns+r.aead.Overhead() {
		return "", ErrCorrupt
	}
	plain, err := r.aead.Open(nil, sealed[1:1+ns], sealed[1+ns:], sealed[:1])
	if err != nil {
		return "", ErrCorrupt
	}
	return string(plain), nil
}

// Stale reports whether sealed was sealed with another key than the current one.
func (b *Box) Stale(sealed []byte) bool { return len(sealed) > 0 && sealed[0] != b.cur.version }

// Version is the current key's version.
func (b *Box) Version() int { return int(b.cur.version) }

// Hash is the keyed hash (HMAC-SHA-256) used to find a value without decrypting every row.
func (b *Box) Hash(plain string) []byte { return b.cur.hash(plain) }

// Hashes are the hashes a stored value may have: the current key's, and during a rotation the
// previous key's too. Look values up by all of them.
func (b *Box) Hashes(plain string) [][]byte {
	out := [][]byte{b.cur.hash(plain)}
	if b.prev != nil {
		out = append(out, b.prev.hash(plain))
	}
	return out
}

func (r *ring) hash(plain string) []byte {
	m := hmac.New(sha256.New, r.hashKey)
	m.Write([]byte(strings.ToUpper(strings.TrimSpace(plain))))
	return m.Sum(nil)
}

// MaskPhone shows the first three and the last four digits: 138****0000.
func MaskPhone(phone string) string {
	if phone == "" {
		return ""
	}
	if utf8.RuneCountInString(phone) < 8 {
		return strings.Repeat("*", utf8.RuneCountInString(phone))
	}
	return phone[:3] + "****" + phone[len(phone)-4:]
}

// MaskIDCard shows the first six and the last four characters: 330702********1234.
func MaskIDCard(id string) string {
	if id == "" {
		return ""
	}
	if len(id) < 11 {
		return strings.Repeat("*", len(id))
	}
	return id[:6] + strings.Repeat("*", len(id)-10) + id[len(id)-4:]
}
