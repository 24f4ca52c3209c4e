package testenv

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// RedisServer is a redis-server of a test's own (Debian's /usr/bin/redis-server
// or the one on PATH), on a free loopback port, keeping nothing on disk. A
// test may Stop it to see an outage and Start it again on the same address;
// it is stopped when the test ends.
type RedisServer struct {
	t    testing.TB
	bin  string
	dir  string
	port int
	conf string   // a config file, the first argument when set (sentinels)
	args []string // more redis-server arguments, after the defaults

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has exited
}

// StartRedis starts a redis-server for t. Without one installed it skips t,
// or fails it under CI.
func StartRedis(t testing.TB) *RedisServer {
	t.Helper()
	bin := redisBin(t)
	for try := 1; ; try++ {
		r := newRedis(t, bin, freePortT(t))
		r.mu.Lock()
		err := r.startLocked()
		r.mu.Unlock()
		// A port freePort found free may be taken before redis-server binds
		// it (other tests start servers too): try another.
		if err == nil || !errors.Is(err, errExited) || try == 5 {
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
	}
}

// redisBin is the redis-server to run; without one it skips t, or fails it
// under CI.
func redisBin(t testing.TB) string {
	t.Helper()
	bin := "/usr/bin/redis-server"
	if _, err := os.Stat(bin); err != nil {
		p, err := exec.LookPath("redis-server")
		if err != nil {
			Unavailable(t, "no redis-server installed (Debian: apt-get install redis-server)")
		}
		bin = p
	}
	return bin
}

// newRedis returns a stopped server on port, in a temp dir of its own,
// stopped when t ends.
func newRedis(t testing.TB, bin string, port int, args ...string) *RedisServer {
	r := &RedisServer{t: t, bin: bin, dir: t.TempDir(), port: port, args: args}
	t.Cleanup(r.Stop)
	return r
}

func freePortT(t testing.TB) int {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// Addr is the server's host:port.
func (r *RedisServer) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(r.port)) }

// URL is the server's redis:// URL, database 0.
func (r *RedisServer) URL() string { return "redis://" + r.Addr() + "/0" }

// Start starts the server if it is stopped, and returns once it answers PING.
func (r *RedisServer) Start() {
	r.t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.startLocked(); err != nil {
		r.t.Fatal(err)
	}
}

// startLocked is Start with r.mu held, returning its failure (it may run on
// another goroutine than the test's).
func (r *RedisServer) startLocked() error {
	if r.cmd != nil {
		return nil
	}
	var first []string
	if r.conf != "" {
		first = []string{r.conf}
	}
	cmd := exec.Command(r.bin, append(append(first,
		"--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", r.dir,
		"--daemonize", "no", "--logfile", ""), r.args...)...)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	r.cmd = cmd
	r.exited = make(chan struct{})
	go func(exited chan struct{}) {
		_ = cmd.Wait()
		close(exited)
	}(r.exited)
	return r.waitPing()
}

// waitPing returns once the server answers PING, polling every 10ms.
func (r *RedisServer) waitPing() error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := ping(r.Addr())
		if err == nil {
			// The answer may come from another test's server that took the
			// port after freePort: only ours, by its pid, counts.
			if err = r.isOurs(); err == nil {
				return nil
			}
		}
		select {
		case <-r.exited:
			// Most likely another process took the port after freePort.
			r.cmd = nil
			return fmt.Errorf("redis-server on %s exited at start: %w", r.Addr(), errExited)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redis-server on %s did not answer: %w", r.Addr(), err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Port is the server's port.
func (r *RedisServer) Port() int { return r.port }

// Stop kills the server (as a crash would) and waits for it to exit. Clients
// see their connections reset and new ones refused.
func (r *RedisServer) Stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cmd == nil {
		return
	}
	_ = r.cmd.Process.Signal(syscall.SIGCONT) // a paused server must run to die cleanly
	_ = r.cmd.Process.Kill()
	<-r.exited
	r.cmd = nil
}

// Pause freezes the server (SIGSTOP): connections stay open but nothing
// answers, as with a server stuck or a network black hole; clients see their
// read timeouts. Resume undoes it.
func (r *RedisServer) Pause() { r.signal(syscall.SIGSTOP) }

// Resume lets a paused server run again (SIGCONT).
func (r *RedisServer) Resume() { r.signal(syscall.SIGCONT) }

func (r *RedisServer) signal(sig syscall.Signal) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cmd != nil {
		_ = r.cmd.Process.Signal(sig)
	}
}

// isOurs checks that the server answering on r's port is r's process.
func (r *RedisServer) isOurs() error {
	c, err := net.DialTimeout("tcp", r.Addr(), time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("INFO server\r\n")); err != nil {
		return err
	}
	br := bufio.NewReader(c)
	if _, err := br.ReadString('\n'); err != nil { // the bulk string's length
		return err
	}
	want := "process_id:" + strconv.Itoa(r.cmd.Process.Pid)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return err
		}
		if strings.HasPrefix(line, "process_id:") {
			if strings.TrimSpace(line) != want {
				return fmt.Errorf("another redis-server answers on %s", r.Addr())
			}
			return nil
		}
	}
}

// ping sends one PING in RESP and waits for +PONG.
func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return fmt.Errorf("PING answered %q", line)
	}
	return nil
}

// errExited: a redis-server exited before answering.
var errExited = errors.New("exited before answering")

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
