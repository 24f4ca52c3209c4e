package main

import (
	"bytes"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

func TestCheckAddr(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:4000": true, "localhost:4000": true, "[::1]:4000": true,
		"0.0.0.0:4000": false, ":4000": false, "192.168.1.2:4000": false, "nonsense": false,
	} {
		if err := checkAddr(addr, false); (err == nil) != ok {
			t.Errorf("checkAddr(%q) = %v", addr, err)
		}
	}
	if err := checkAddr("0.0.0.0:4000", true); err != nil {
		t.Errorf("-allow-public: %v", err)
	}
}

func TestBanner(t *testing.T) {
	cfg := devtenant.Default()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := devtenant.Listen("127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var buf bytes.Buffer
	printBanner(&buf, s, cfg, true)
	for _, want := range []string{s.Issuer(), devtenant.Audience, devtenant.SPAClient.ID, devtenant.Alice.Email, devtenant.Alice.Password} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, buf.String())
		}
	}
	buf.Reset()
	printBanner(&buf, s, cfg, false)
	if strings.Contains(buf.String(), devtenant.Alice.Password) || strings.Contains(buf.String(), devtenant.M2MClient.Secret) {
		t.Errorf("banner shows secrets of a custom config:\n%s", buf.String())
	}
}

func TestRunRejectsPublicAddr(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run([]string{"-addr", "0.0.0.0:0"}, &out, &errOut); err == nil || !strings.Contains(err.Error(), "allow-public") {
		t.Errorf("run = %v", err)
	}
}
