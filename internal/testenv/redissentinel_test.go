package testenv_test

import (
	"testing"

	"github.com/auth0gin/auth0gin/internal/testenv"
)

func TestStartRedisSentinel(t *testing.T) {
	s := testenv.StartRedisSentinel(t)
	t.Log(s.URL())
}
