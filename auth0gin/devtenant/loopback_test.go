package devtenant_test

import (
	"errors"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

func TestCheckLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:4000": true, "127.0.0.2:0": true, "[::1]:4000": true, "localhost:4000": true, "LOCALHOST:1": true,
		":4000": false, "0.0.0.0:4000": false, "[::]:4000": false, "192.168.1.2:4000": false, "example.com:4000": false,
	} {
		err := devtenant.CheckLoopback(addr)
		if (err == nil) != ok || (err != nil && !errors.Is(err, devtenant.ErrNotLoopback)) {
			t.Errorf("%s: %v", addr, err)
		}
	}
	if err := devtenant.CheckLoopback("no-port"); err == nil || errors.Is(err, devtenant.ErrNotLoopback) {
		t.Errorf("malformed address: %v", err)
	}
}
