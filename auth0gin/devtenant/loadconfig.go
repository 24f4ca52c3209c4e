package devtenant

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

// LoadConfig reads a Config from a JSON (.json) or YAML (.yaml, .yml) file.
// It starts from Default(); each top-level section present in the file
// replaces the default's (a users section also drops the built-in
// organizations, whose members are the built-in users). Keys are snake_case
// (issuer, default_audience, apis, clients, users, extra_claims,
// organizations, org_name_in_tokens, auth_time_claim, acr_claim, amr_claim,
// dpop_nonce,
// access_token_lifetime, ..., key_file);
// durations are Go durations ("24h") or numbers of seconds, as Auth0's
// dashboard has them. Unknown keys are an error, so a typo does not go unseen.
//
//	issuer: http://127.0.0.1:4000/
//	users:
//	  - email: carol@example.com
//	    password: carol-password
//	    permissions: {"https://auth0gin.example/api": ["read:messages"]}
func LoadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("devtenant: reading config: %w", err)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
	case ".yaml", ".yml":
		if data, err = yaml.YAMLToJSON(data); err != nil {
			return Config{}, fmt.Errorf("devtenant: config %s: %w", path, err)
		}
	default:
		return Config{}, fmt.Errorf("devtenant: config %s: want a .json, .yaml or .yml file", path)
	}
	var fc fileConfig
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fc); err != nil {
		return Config{}, fmt.Errorf("devtenant: config %s: %w", path, err)
	}
	cfg, err := fc.apply(Default())
	if err != nil {
		return Config{}, fmt.Errorf("devtenant: config %s: %w", path, err)
	}
	return cfg, nil
}

type fileConfig struct {
	Issuer               *string            `json:"issuer"`
	DefaultAudience      *string            `json:"default_audience"`
	APIs                 *[]fileAPI         `json:"apis"`
	Clients              *[]Client          `json:"clients"`
	Users                *[]User            `json:"users"`
	ExtraClaims          *map[string]string `json:"extra_claims"`
	AccessTokenLifetime  *duration          `json:"access_token_lifetime"`
	IDTokenLifetime      *duration          `json:"id_token_lifetime"`
	RefreshTokenLifetime *duration          `json:"refresh_token_lifetime"`
	RefreshReuseLeeway   *duration          `json:"refresh_reuse_leeway"`
	DeviceCodeLifetime   *duration          `json:"device_code_lifetime"`
	DeviceInterval       *duration          `json:"device_interval"`
	Dialect              *string            `json:"dialect"`
	RateLimit            *int               `json:"rate_limit"`
	KeyFile              *string            `json:"key_file"`
	Organizations        *[]Organization    `json:"organizations"`
	OrgNameInTokens      *bool              `json:"org_name_in_tokens"`
	AuthTimeClaim        *string            `json:"auth_time_claim"`
	ACRClaim             *string            `json:"acr_claim"`
	AMRClaim             *string            `json:"amr_claim"`
	DPoPNonce            *bool              `json:"dpop_nonce"`
}

type fileAPI struct {
	API
	TokenLifetime duration `json:"token_lifetime"`
}

func (fc fileConfig) apply(c Config) (Config, error) {
	set := func(dst *time.Duration, src *duration) {
		if src != nil {
			*dst = time.Duration(*src)
		}
	}
	if fc.Issuer != nil {
		c.Issuer = *fc.Issuer
	}
	if fc.DefaultAudience != nil {
		c.DefaultAudience = *fc.DefaultAudience
	}
	if fc.APIs != nil {
		c.APIs = nil
		for _, a := range *fc.APIs {
			api := a.API
			api.TokenLifetime = time.Duration(a.TokenLifetime)
			c.APIs = append(c.APIs, api)
		}
	}
	if fc.Clients != nil {
		c.Clients = *fc.Clients
	}
	if fc.Users != nil {
		c.Users = *fc.Users
	}
	if fc.ExtraClaims != nil {
		c.ExtraClaims = *fc.ExtraClaims
	}
	set(&c.AccessTokenLifetime, fc.AccessTokenLifetime)
	set(&c.IDTokenLifetime, fc.IDTokenLifetime)
	set(&c.RefreshTokenLifetime, fc.RefreshTokenLifetime)
	set(&c.RefreshReuseLeeway, fc.RefreshReuseLeeway)
	set(&c.DeviceCodeLifetime, fc.DeviceCodeLifetime)
	set(&c.DeviceInterval, fc.DeviceInterval)
	if fc.Dialect != nil {
		c.Dialect = *fc.Dialect // New checks it
	}
	if fc.RateLimit != nil {
		c.RateLimit = *fc.RateLimit
	}
	if fc.KeyFile != nil {
		c.KeyFile = *fc.KeyFile
	}
	if fc.Organizations != nil {
		c.Organizations = *fc.Organizations
	} else if fc.Users != nil {
		// The built-in organizations name the built-in users: a file with
		// users of its own starts without them.
		c.Organizations = nil
	}
	for _, s := range []struct {
		dst *string
		src *string
	}{{&c.AuthTimeClaim, fc.AuthTimeClaim}, {&c.ACRClaim, fc.ACRClaim}, {&c.AMRClaim, fc.AMRClaim}} {
		if s.src != nil {
			*s.dst = *s.src
		}
	}
	if fc.OrgNameInTokens != nil {
		c.OrgNameInTokens = *fc.OrgNameInTokens
	}
	if fc.DPoPNonce != nil {
		c.DPoPNonce = *fc.DPoPNonce
	}
	return c, nil
}

// duration reads "90s"-style strings or plain numbers of seconds.
type duration time.Duration

func (d *duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("duration %q: %w", s, err)
		}
		*d = duration(v)
		return nil
	}
	secs, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return errors.New("a duration must be a string like \"24h\" or a number of seconds")
	}
	*d = duration(secs * float64(time.Second))
	return nil
}
