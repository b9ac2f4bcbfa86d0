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

// keyVersion is the first byte of every ciphertext, so a rotated key can be told apart from the
// old one (docs/operations.md, "Rotating the data key").
const keyVersion byte = 1

// ErrCorrupt is returned for a ciphertext that does not open with the key.
var ErrCorrupt = errors.New("pii: ciphertext does not open")

// Box encrypts and hashes personal data with keys derived from the 32-byte data key.
type Box struct {
	aead    cipher.AEAD
	hashKey []byte
}

// NewBox derives an encryption key and a hashing key from the data key, so that the hash
// never reveals the encryption key and vice versa.
func NewBox(dataKey []byte) (*Box, error) {
	if len(dataKey) != 32 {
		return nil, fmt.Errorf("pii: data key is %d bytes, want 32", len(dataKey))
	}
	block, err := aes.NewCipher(derive(dataKey, "linli/pii/encrypt/v1"))
	if err != nil {
		return nil, fmt.Errorf("pii: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("pii: %w", err)
	}
	return &Box{aead: aead, hashKey: derive(dataKey, "linli/pii/hash/v1")}, nil
}

// DeriveKey derives a key for another purpose (signing file URLs, say) from the data key, so
// that none of them reveals another.
func DeriveKey(dataKey []byte, label string) []byte { return derive(dataKey, label) }

func derive(key []byte, label string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Seal encrypts plain; the result is version || nonce || ciphertext.
func (b *Box) Seal(plain string) []byte {
	nonce := make([]byte, b.aead.NonceSize(), 1+b.aead.NonceSize()+len(plain)+b.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(fmt.Sprintf("pii: no randomness: %v", err))
	}
	out := append([]byte{keyVersion}, nonce...)
	return b.aead.Seal(out, nonce, []byte(plain), []byte{keyVersion})
}

// Open decrypts what Seal produced.
func (b *Box) Open(sealed []byte) (string, error) {
	ns := b.aead.NonceSize()
	if len(sealed) < 1+ns+b.aead.Overhead() || sealed[0] != keyVersion {
		return "", ErrCorrupt
	}
	plain, err := b.aead.Open(nil, sealed[1:1+ns], sealed[1+ns:], sealed[:1])
	if err != nil {
		return "", ErrCorrupt
	}
	return string(plain), nil
}

// Hash is the keyed hash (HMAC-SHA-256) used to find a value without decrypting every row.
func (b *Box) Hash(plain string) []byte {
	m := hmac.New(sha256.New, b.hashKey)
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
