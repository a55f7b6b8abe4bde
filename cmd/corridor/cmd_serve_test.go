package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServe starts "corridor serve" on a free loopback port with a database in a folder that
// does not exist yet, reads the run history, and stops it by cancelling the context.
func TestServe(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stderr bytes.Buffer
	a := &app{stdout: io.Discard, stderr: &stderr}
	db := filepath.Join(t.TempDir(), "new", "corridor.db")
	addrc := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- runServe(ctx, a, serveOptions{addr: "127.0.0.1:0", db: db, concurrent: 1, draws: 10}, func(addr string) { addrc <- addr })
	}()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-errc:
		t.Fatalf("runServe = %v before listening", err)
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start")
	}
	res, err := http.Get("http://" + addr + "/api/runs")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || strings.TrimSpace(string(b)) != "[]" {
		t.Errorf("GET /api/runs = %d %q, want 200 []", res.StatusCode, b)
	}
	// a page from another site that rebinds its name to 127.0.0.1 is refused (DNS rebinding)
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/runs", nil)
	req.Host = "rebind.example:" + addr[strings.LastIndexByte(addr, ':')+1:]
	if res, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else if res.Body.Close(); res.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("GET /api/runs with Host %s = %d, want 421", req.Host, res.StatusCode)
	}
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("runServe after cancel = %v, want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("server did not shut down")
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("database not created: %v", err)
	}
	if !strings.Contains(stderr.String(), "serving http://127.0.0.1:") {
		t.Errorf("stderr = %q, want the address", stderr.String())
	}
}
