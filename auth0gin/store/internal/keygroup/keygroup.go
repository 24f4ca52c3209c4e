// Package keygroup reads the {group} part of a store key (Redis Cluster's
// hash-tag syntax) for the backends and the conformance suite.
package keygroup

import "strings"

// Of returns the group of key: the text between the first '{' and the
// first '}' after it when that text is not empty, else the whole key (a
// key without a group is a group of its own). It is Redis Cluster's rule for
// which part of a key picks the hash slot.
func Of(key string) string {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		if j := strings.IndexByte(key[i+1:], '}'); j > 0 {
			return key[i+1 : i+1+j]
		}
	}
	return key
}

// Split returns the first two keys of keys that lie in different groups
// (by Of), and ok = true when there are none: all of keys share one group.
func Split(keys []string) (a, b string, ok bool) {
	if len(keys) < 2 {
		return "", "", true
	}
	g := Of(keys[0])
	for _, k := range keys[1:] {
		if Of(k) != g {
			return keys[0], k, false
		}
	}
	return "", "", true
}
