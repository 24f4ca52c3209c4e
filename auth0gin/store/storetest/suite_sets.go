package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/store"
)

func mustMembers(t *testing.T, st store.Store, set string, want ...string) {
	t.Helper()
	got, err := st.Members(ctx(t), set)
	if err != nil {
		t.Fatalf("Members(%q): %v", set, err)
	}
	slices.Sort(got)
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("Members(%q) = %q, want %q", set, got, want)
	}
}

func (s *suite) testSets(t *testing.T) {
	st := s.open(t)
	c := ctx(t)
	mustMembers(t, st, "unknown")
	for _, m := range []string{"a", "b", "c"} {
		if err := st.AddMember(c, "set", m, s.later()); err != nil {
			t.Fatalf("AddMember: %v", err)
		}
	}
	if err := st.AddMember(c, "set", "a", s.later()); err != nil {
		t.Fatalf("AddMember of a member already there: %v", err)
	}
	mustMembers(t, st, "set", "a", "b", "c")
	mustMembers(t, st, "other")
	if err := st.RemoveMember(c, "set", "a", "c", "never"); err != nil {
		t.Fatalf("RemoveMember: %v", err)
	}
	mustMembers(t, st, "set", "b")
	if err := st.RemoveMember(c, "set"); err != nil {
		t.Fatalf("RemoveMember of no members: %v", err)
	}
	if err := st.RemoveMember(c, "unknown", "x"); err != nil {
		t.Fatalf("RemoveMember on an unknown set: %v", err)
	}
	if err := st.RemoveMember(c, "set", "b"); err != nil {
		t.Fatal(err)
	}
	mustMembers(t, st, "set")
	// Many members.
	var want []string
	for i := range 200 {
		m := fmt.Sprintf("member-%03d", i)
		want = append(want, m)
		if err := st.AddMember(c, "many", m, s.later()); err != nil {
			t.Fatal(err)
		}
	}
	mustMembers(t, st, "many", want...)
}

func (s *suite) testSetsExpiry(t *testing.T) {
	st := s.open(t)
	c := ctx(t)
	exp := s.soon()
	if err := st.AddMember(c, "set", "short", exp); err != nil {
		t.Fatal(err)
	}
	if err := st.AddMember(c, "set", "long", s.later()); err != nil {
		t.Fatal(err)
	}
	if err := st.AddMember(c, "set", "moved", exp); err != nil {
		t.Fatal(err)
	}
	// A later AddMember moves the member's expiry on.
	if err := st.AddMember(c, "set", "moved", s.later()); err != nil {
		t.Fatal(err)
	}
	if err := st.AddMember(c, "only-short", "x", exp); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Members(c, "set"); err != nil {
		t.Fatal(err)
	} else if slices.Sort(got); !slices.Equal(got, []string{"long", "moved", "short"}) &&
		!(s.expired(exp) && slices.Equal(got, []string{"long", "moved"})) {
		t.Fatalf("Members before expiry = %q", got)
	}
	s.pass(exp)
	mustMembers(t, st, "set", "long", "moved")
	mustMembers(t, st, "only-short")
	// An expiry in the past adds nothing, and takes a live member out.
	past := s.now().Add(-shortTTL)
	if err := st.AddMember(c, "set", "dead", past); err != nil {
		t.Fatal(err)
	}
	if err := st.AddMember(c, "set", "long", past); err != nil {
		t.Fatal(err)
	}
	mustMembers(t, st, "set", "moved")
	// A set whose members all expired takes new ones.
	if err := st.AddMember(c, "only-short", "y", s.later()); err != nil {
		t.Fatal(err)
	}
	mustMembers(t, st, "only-short", "y")
}

func (s *suite) testSetsAndKeysApart(t *testing.T) {
	st := s.open(t)
	c := ctx(t)
	mustSet(t, st, "same", []byte("value"), s.later())
	if err := st.AddMember(c, "same", "m", s.later()); err != nil {
		t.Fatalf("AddMember on a set named like a key: %v", err)
	}
	mustGet(t, st, "same", []byte("value"))
	mustMembers(t, st, "same", "m")
	if err := st.Delete(c, "same"); err != nil {
		t.Fatal(err)
	}
	mustMembers(t, st, "same", "m")
}

func (s *suite) testSetsOddMembers(t *testing.T) {
	st := s.open(t)
	c := ctx(t)
	for _, set := range []string{"", "a\x00b", "%*?[", "ключ"} {
		for _, m := range oddStrings {
			if err := st.AddMember(c, set, m, s.later()); err != nil {
				t.Fatalf("AddMember(%q, %q): %v", set, m, err)
			}
		}
		mustMembers(t, st, set, oddStrings...)
		if err := st.RemoveMember(c, set, "a\x00b", ""); err != nil {
			t.Fatal(err)
		}
		var rest []string
		for _, m := range oddStrings {
			if m != "a\x00b" && m != "" {
				rest = append(rest, m)
			}
		}
		mustMembers(t, st, set, rest...)
	}
}
