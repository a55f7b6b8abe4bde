// Package browsertest starts headless Chromium for the browser tests of report and serve. It is
// imported only by tests; a test skips with a clear message when Chromium is not installed
// (.ci/run installs Debian's chromium before running them).
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// Chromium returns the path of a Chromium binary, or "" when none is installed.
func Chromium() string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// Context starts headless Chromium with a fresh profile and a 1280×800 window and returns a
// chromedp context for it, closed when the test ends. It skips the test when no Chromium is
// installed. The flags keep Chromium off the network (this machine has none beyond loopback):
// no background networking, component updates, sync or QUIC; and off /dev/shm, which is small
// in containers. The browser is started here, up to three times: a start that crashes on a
// loaded machine (seen once in CI, with crashpad errors) is the machine's, not the page's.
func Context(t *testing.T) context.Context {
	t.Helper()
	bin := Chromium()
	if bin == "" {
		t.Skip("no Chromium found (looked for /usr/bin/chromium): install Debian's chromium (apt-get install chromium) to run the browser test")
	}
	const attempts = 3
	for attempt := 1; ; attempt++ {
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
			chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")), chromedp.WindowSize(1280, 800),
		}
		actx, cancelA := chromedp.NewExecAllocator(t.Context(), opts...)
		ctx, cancel := chromedp.NewContext(actx)
		err := chromedp.Do(ctx) // no steps: starts the browser and opens its first tab
		if err == nil {
			t.Cleanup(func() {
				cancel()
				cancelA()
			})
			return ctx
		}
		cancel()
		cancelA()
		if attempt == attempts {
			t.Fatalf("start chromium (%d attempts): %v", attempts, err)
		}
		t.Logf("chromium did not start (attempt %d of %d): %v", attempt, attempts, err)
	}
}
