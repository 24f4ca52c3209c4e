package keygroup

import "testing"

func TestOf(t *testing.T) {
	for key, want := range map[string]string{
		"plain":              "plain",
		"session:{u1}:rec":   "u1",
		"{u1}":               "u1",
		"a{}b{c}":            "a{}b{c}", // an empty first tag: the whole key, as Redis does
		"a{b":                "a{b",
		"x{g}y{h}":           "g",
		"p:k:{user:42}:rows": "user:42",
		"":                   "",
	} {
		if got := Of(key); got != want {
			t.Errorf("Of(%q) = %q, want %q", key, got, want)
		}
	}
	if _, _, ok := Split([]string{"a{g}", "b{g}", "{g}"}); !ok {
		t.Error("keys of one group split")
	}
	if a, b, ok := Split([]string{"a{g}", "b{g}", "c"}); ok || a != "a{g}" || b != "c" {
		t.Errorf("Split = %q, %q, %v", a, b, ok)
	}
}
