package testenv_test

import (
	"testing"

	"github.com/auth0gin/auth0gin/internal/testenv"
)

func TestStartRedisCluster(t *testing.T) {
	c := testenv.StartRedisCluster(t)
	t.Log(c.URL())
}
