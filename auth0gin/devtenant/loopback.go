package devtenant

import (
	"errors"
	"fmt"
	"net"
	"strings"
)

// ErrNotLoopback is returned by CheckLoopback for an address other hosts
// could reach.
var ErrNotLoopback = errors.New("not a loopback address")

// CheckLoopback reports whether addr ("host:port") listens on loopback only
// (127.0.0.0/8, ::1 or localhost). The dev tenant hands out tokens to anyone
// who knows its well-known dev passwords, so cmd/devtenant and the example's
// embedded tenant refuse anything else unless told otherwise. An empty host
// (":4000", all interfaces) is not loopback. Errors wrap ErrNotLoopback.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("devtenant: address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); strings.EqualFold(host, "localhost") || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("devtenant: %s is %w", addr, ErrNotLoopback)
}
