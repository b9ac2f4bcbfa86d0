package pii

import (
	"bytes"
	"testing"
)

func TestSealOpen(t *testing.T) {
	box, err := NewBox(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	a, b := box.Seal("13800001234"), box.Seal("13800001234")
	if bytes.Equal(a, b) {
		t.Error("two seals of one value are equal: the nonce is not random")
	}
	if bytes.Contains(a, []byte("13800001234")) {
		t.Error("ciphertext contains the plain text")
	}
	got, err := box.Open(a)
	if err != nil || got != "13800001234" {
		t.Errorf("Open = %q, %v; want the phone", got, err)
	}
	a[len(a)-1] ^= 1
	if _, err := box.Open(a); err != ErrCorrupt {
		t.Errorf("Open(tampered) err = %v, want ErrCorrupt", err)
	}
	other, _ := NewBox(bytes.Repeat([]byte{8}, 32))
	if _, err := other.Open(b); err != ErrCorrupt {
		t.Errorf("Open with another key err = %v, want ErrCorrupt", err)
	}
	if !bytes.Equal(box.Hash("330702199001011234"), box.Hash(" 330702199001011234 ")) {
		t.Error("hash depends on surrounding space")
	}
	if bytes.Equal(box.Hash("x"), other.Hash("x")) {
		t.Error("hash does not depend on the key")
	}
	if _, err := NewBox([]byte("short")); err == nil {
		t.Error("NewBox accepted a short key")
	}
}

func TestMask(t *testing.T) {
	tests := []struct {
		give, want string
		fn         func(string) string
	}{
		{"13800001234", "138****1234", MaskPhone},
		{"", "", MaskPhone},
		{"12345", "*****", MaskPhone},
		{"330702199001011234", "330702********1234", MaskIDCard},
		{"33070219900101123X", "330702********123X", MaskIDCard},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.give); got != tt.want {
			t.Errorf("mask(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
}

func TestRotation(t *testing.T) {
	oldKey, newKey := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	old, _ := NewBox(oldKey)
	sealed := old.Seal("13800001234")
	box, err := NewRotatingBox(newKey, 2, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := box.Open(sealed); err != nil || got != "13800001234" {
		t.Errorf("the previous key's value: %q, %v", got, err)
	}
	if !box.Stale(sealed) || box.Version() != 2 {
		t.Error("a value of the previous key is not stale")
	}
	resealed := box.Seal("13800001234")
	if resealed[0] != 2 || box.Stale(resealed) {
		t.Errorf("sealed with version %d", resealed[0])
	}
	if _, err := old.Open(resealed); err != ErrCorrupt {
		t.Error("the old key opens the new key's value")
	}
	hs := box.Hashes("13800001234")
	if len(hs) != 2 || !bytes.Equal(hs[0], box.Hash("13800001234")) || !bytes.Equal(hs[1], old.Hash("13800001234")) {
		t.Error("Hashes are not the current and the previous key's")
	}
	// After the rotation: the previous key gone, its values no longer open.
	done, _ := NewRotatingBox(newKey, 2, nil)
	if _, err := done.Open(sealed); err != ErrCorrupt {
		t.Error("a version-1 value opened without the previous key")
	}
	if len(done.Hashes("x")) != 1 {
		t.Error("hashes of a key no longer held")
	}
	for _, v := range []int{0, 256} {
		if _, err := NewRotatingBox(newKey, v, nil); err == nil {
			t.Errorf("version %d accepted", v)
		}
	}
	if _, err := NewRotatingBox(newKey, 2, []byte("short")); err == nil {
		t.Error("a short previous key accepted")
	}
}
