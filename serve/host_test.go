package serve

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestHostCheck serves on a loopback listener and checks that requests naming another host (as
// a DNS-rebinding page's requests do) get 421, while the loopback names with the port work.
func TestHostCheck(t *testing.T) {
	f := newFixture(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { errc <- f.srv.Serve(ctx, ln) }()
	defer func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()
	client := &http.Client{Timeout: 10 * time.Second}
	for _, tt := range []struct {
		host string
		want int
	}{
		{"127.0.0.1:" + port, 200},
		{"localhost:" + port, 200},
		{"LocalHost:" + port, 200},
		{"[::1]:" + port, 200},
		{"evil.example:" + port, 421},
		{"evil.example", 421},
		{"localhost", 421},   // a browser always sends a port other than 80
		{"localhost:1", 421}, // another port
		{"127.0.0.1.nip.io:" + port, 421},
		{"localhost.:" + port, 421},
	} {
		for _, path := range []string{"/api/runs", "/"} {
			req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+path, nil)
			req.Host = tt.host
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != tt.want {
				t.Errorf("GET %s with Host %q = %d, want %d", path, tt.host, res.StatusCode, tt.want)
			}
		}
	}
}

// TestAllowedHosts checks an explicit host list (a server behind a reverse proxy, say).
func TestAllowedHosts(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.AllowedHosts = []string{"corridor.example.org"} })
	for host, want := range map[string]int{"corridor.example.org": 200, "Corridor.Example.org": 200, "127.0.0.1": 421, "other.example.org": 421} {
		req, _ := http.NewRequest("GET", f.ts.URL+"/api/runs", nil)
		req.Host = host
		res, err := f.ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("Host %q = %d, want %d", host, res.StatusCode, want)
		}
	}
}

// With ReadToken (what Serve sets beyond loopback when a token is configured), reads of the API
// need the token too, in the header or the web UI's cookie; writes take the header only (#17:
// reads needed no token even when bound beyond loopback).
func TestReadToken(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Token = "s3 cret/+"; c.ReadToken = true })
	get := func(path string, hdr map[string]string) int { return f.do(t, "GET", path, "", hdr, nil) }
	bearer := map[string]string{"Authorization": "Bearer s3 cret/+"}
	cookie := map[string]string{"Cookie": "corridor-token=s3%20cret%2F%2B"}
	for _, tt := range []struct {
		name, method, path string
		hdr                map[string]string
		want               int
	}{
		{"read without token", "GET", "/api/runs", nil, 401},
		{"read with wrong token", "GET", "/api/runs", map[string]string{"Authorization": "Bearer nope"}, 401},
		{"read with bearer", "GET", "/api/runs", bearer, 200},
		{"read with cookie", "GET", "/api/runs", cookie, 200},
		{"the API description stays public", "GET", "/api/openapi.json", nil, 200},
		{"pages are shells without data", "GET", "/runs", nil, 200},
		{"write with cookie only", "POST", "/api/scenarios/validate", cookie, 401},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var code int
			if tt.method == "GET" {
				code = get(tt.path, tt.hdr)
			} else {
				code = f.do(t, tt.method, tt.path, `{"yaml":"name: x"}`, tt.hdr, nil)
			}
			if code != tt.want {
				t.Errorf("%s %s = %d, want %d", tt.method, tt.path, code, tt.want)
			}
		})
	}
	// without ReadToken, reads stay open
	open := newFixture(t, func(c *Config) { c.Token = "s3cret" })
	if code := open.do(t, "GET", "/api/runs", "", nil, nil); code != 200 {
		t.Errorf("GET /api/runs on a loopback-style server = %d, want 200", code)
	}
}
