package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/exec"
	"runtime"
	rpprof "runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// Environment of a child server process: the harness re-executes itself with
// these set to serve one variant, so that the server can be pinned to its own
// core apart from the load generator.
const (
	envChild  = "AUTH0GIN_LOAD_CHILD" // the variant to serve
	envIssuer = "AUTH0GIN_LOAD_ISSUER"
	// envMinRefetch overrides Config.KeyMinRefetch (a duration).
	envMinRefetch = "AUTH0GIN_LOAD_MIN_REFETCH"
	// envCounted, when set, serves through counted.
	envCounted = "AUTH0GIN_LOAD_COUNTED"
	listenLine = "LISTEN "
)

// server is one variant listening on 127.0.0.1.
type server struct {
	url  string // base URL, no trailing slash
	pid  int    // the child's pid; 0 when the server runs in this process
	stop func() error
}

// heapStats is what GET /debug/heap answers, after a full GC.
type heapStats struct {
	HeapAlloc    uint64 `json:"heap_alloc"`
	HeapInuse    uint64 `json:"heap_inuse"`
	Sys          uint64 `json:"sys"`
	CacheEntries int    `json:"cache_entries"`
}

// handler is v's engine plus the harness's debug routes: /debug/heap and, for
// profiling a run, /debug/pprof/profile (a profile of so many seconds) and
// profileStart/profileStop (a profile of whatever the server does between the
// two). None is on the measured route.
func handler(v variant, issuerURL string, tune func(*auth0gin.Config)) (http.Handler, error) {
	r, cache, err := engine(v, issuerURL, tune)
	if err != nil {
		return nil, err
	}
	r.GET("/debug/heap", func(c *gin.Context) {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		hs := heapStats{HeapAlloc: ms.HeapAlloc, HeapInuse: ms.HeapInuse, Sys: ms.Sys}
		if cache != nil {
			hs.CacheEntries = cache.(interface{ Len() int }).Len() // NewMemoryCache's
		}
		c.JSON(http.StatusOK, hs)
	})
	r.GET("/debug/pprof/profile", gin.WrapF(pprof.Profile))
	start, stop := profileHandlers()
	r.POST(profileStart, gin.WrapF(start))
	r.POST(profileStop, gin.WrapF(stop))
	return r, nil
}

// profileHandlers are the handlers of profileStart and profileStop.
func profileHandlers() (start, stop http.HandlerFunc) {
	var prof bytes.Buffer
	start = func(w http.ResponseWriter, _ *http.Request) {
		prof.Reset()
		if err := rpprof.StartCPUProfile(&prof); err != nil {
			http.Error(w, err.Error(), http.StatusConflict)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
	stop = func(w http.ResponseWriter, _ *http.Request) {
		rpprof.StopCPUProfile() // returns once the profile is written to prof
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(prof.Bytes())
	}
	return start, stop
}

// profiled adds profileStart and profileStop to h, a handler that has no
// debug routes of its own (a session server's); every other request goes
// to h after one comparison of its method.
func profiled(h http.Handler) http.Handler {
	start, stop := profileHandlers()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method != http.MethodPost:
		case r.URL.Path == profileStart:
			start(w, r)
			return
		case r.URL.Path == profileStop:
			stop(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// envProfiled makes a session child serve profileStart and profileStop
// (profiled), which a variant's child always does.
const envProfiled = "AUTH0GIN_LOAD_PROFILED"

// The routes that start and stop a server's CPU profile (handler).
const (
	profileStart = "/debug/profile/start"
	profileStop  = "/debug/profile/stop"
)

// serveOn serves h on a fresh 127.0.0.1 port until stop.
func serveOn(h http.Handler) (*server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	return &server{
		url: "http://" + l.Addr().String(),
		stop: func() error {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			err := srv.Shutdown(ctx)
			if err == nil {
				return nil
			}
			if errors.Is(err, context.DeadlineExceeded) {
				// A request still running after the grace time (a starved
				// machine finishing the last one) is no fault of the
				// server's: the measurement is over, so close what is left.
				err = nil
			}
			return errors.Join(err, srv.Close())
		},
	}, nil
}

// inFlightPath answers how many requests a counted server is serving.
const inFlightPath = "/debug/in-flight"

// counted wraps h to count the requests it is serving, answered (less the one
// asking) at inFlightPath. The new-kid storms release the JWKS only once every
// connection's request is held at the server; the measured servers are not
// wrapped, so they pay nothing for it.
func counted(h http.Handler) http.Handler {
	var n atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == inFlightPath {
			fmt.Fprint(w, n.Load())
			return
		}
		n.Add(1)
		defer n.Add(-1)
		h.ServeHTTP(w, r)
	})
}

// fetchInFlight asks a counted server how many requests it is serving.
func fetchInFlight(ctx context.Context, client *http.Client, base string) (int, error) {
	var n int
	if err := getJSON(ctx, client, base+inFlightPath, &n); err != nil {
		return 0, fmt.Errorf("in-flight: %w", err)
	}
	return n, nil
}

// startInProcess serves v in this process (the smoke test's way).
func startInProcess(v variant, issuerURL string, tune func(*auth0gin.Config)) (*server, error) {
	h, err := handler(v, issuerURL, tune)
	if err != nil {
		return nil, err
	}
	return serveOn(h)
}

// startChild serves v in a child process with GOMAXPROCS=1, pinned to CPU 0
// with taskset when pin is set. minRefetch, when not zero, is the child's
// Config.KeyMinRefetch; with count, the child serves through counted. The
// child exits when its stdin closes, so it cannot outlive the harness. env
// adds to its environment (envSessions, say).
func startChild(v variant, issuerURL string, pin bool, minRefetch time.Duration, count bool, env ...string) (*server, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("own executable: %w", err)
	}
	var cmd *exec.Cmd
	if pin {
		cmd = exec.Command("taskset", "-c", "0", exe)
	} else {
		cmd = exec.Command(exe)
	}
	cmd.Env = append(os.Environ(), envChild+"="+string(v), envIssuer+"="+issuerURL, "GOMAXPROCS=1", "GIN_MODE=release")
	if minRefetch > 0 {
		cmd.Env = append(cmd.Env, envMinRefetch+"="+minRefetch.String())
	}
	if count {
		cmd.Env = append(cmd.Env, envCounted+"=1")
	}
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("child stdin: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("child stdout: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting child: %w", err)
	}
	waited := make(chan error, 1)
	stop := func() error {
		stdin.Close()
		select {
		case err := <-waited:
			return err
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			return fmt.Errorf("child %d did not exit; killed: %w", cmd.Process.Pid, <-waited)
		}
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), listenLine); ok {
				addr <- a
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		waited <- cmd.Wait()
	}()
	select {
	case a := <-addr:
		return &server{url: "http://" + a, pid: cmd.Process.Pid, stop: stop}, nil
	case <-time.After(10 * time.Second):
		return nil, errors.Join(errors.New("child server did not start within 10s"), stop())
	}
}

// childMain is the child process: it serves one variant and prints its
// address, until its stdin closes.
func childMain() int {
	gin.SetMode(gin.ReleaseMode)
	v, err := parseVariant(os.Getenv(envChild))
	if err != nil {
		slog.Error("load child", "error", err)
		return 2
	}
	var tune func(*auth0gin.Config)
	if s := os.Getenv(envMinRefetch); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			slog.Error("load child", "error", fmt.Errorf("%s: %w", envMinRefetch, err))
			return 2
		}
		tune = func(c *auth0gin.Config) { c.KeyMinRefetch = d }
	}
	var h http.Handler
	if os.Getenv(envSessions) != "" {
		h, err = sessionHandler(os.Getenv(envIssuer), os.Getenv(envSessions))
		if err == nil && os.Getenv(envProfiled) != "" {
			h = profiled(h)
		}
	} else {
		h, err = handler(v, os.Getenv(envIssuer), tune)
	}
	if err != nil {
		slog.Error("load child", "error", err)
		return 1
	}
	if os.Getenv(envCounted) != "" {
		h = counted(h)
	}
	s, err := serveOn(h)
	if err != nil {
		slog.Error("load child", "error", err)
		return 1
	}
	fmt.Println(listenLine + strings.TrimPrefix(s.url, "http://"))
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = s.stop()
	return 0
}

// fetchHeap asks a server for its heap after a full GC.
func fetchHeap(ctx context.Context, client *http.Client, base string) (heapStats, error) {
	var hs heapStats
	if err := getJSON(ctx, client, base+"/debug/heap", &hs); err != nil {
		return hs, fmt.Errorf("heap: %w", err)
	}
	return hs, nil
}

// getJSON decodes the JSON answer of GET url into v.
func getJSON(ctx context.Context, client *http.Client, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	return json.NewDecoder(res.Body).Decode(v)
}

// clockTick is the unit of /proc/<pid>/stat times (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// processCPU is the CPU time (user+system) process pid has used so far, read
// from /proc; 0 when it cannot be read.
func processCPU(pid int) time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// Fields after the ")" closing the command name: state is field 3, utime 14, stime 15.
	_, rest, ok := strings.Cut(string(b), ") ")
	if !ok {
		return 0
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(ut+st) * clockTick
}
