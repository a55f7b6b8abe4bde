package report

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/corridor-dev/corridor/internal/browsertest"
)

// TestHTMLInBrowser opens the report in headless Chromium and checks: no console errors, no
// network request but the file itself, every chart present, and a 1280×800 screenshot (kept in
// /tmp/corridor-report.png) with enough drawn pixels.
func TestHTMLInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the pipeline and a browser")
	}
	ctx := browsertest.Context(t)
	html, _ := runReport(t, 1)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, html, 0o644); err != nil {
		t.Fatal(err)
	}
	wantCharts := strings.Count(string(html), "data-chart=")

	var mu sync.Mutex
	var consoleErrs, requests []string
	// Listen starts the browser, so it runs on the context without a timeout.
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				consoleErrs = append(consoleErrs, "console.error")
			}
		case *runtime.EventExceptionThrown:
			consoleErrs = append(consoleErrs, e.ExceptionDetails.Text)
		case *network.EventRequestWillBeSent:
			requests = append(requests, e.Request.URL)
		}
	}); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	tctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	defer cancelT()
	url := "file://" + page
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(url), chromedp.WaitReady("body")); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	charts, err := chromedp.Run(tctx, chromedp.Evaluate[int](`document.querySelectorAll("svg[data-chart]").length`))
	if err != nil {
		t.Fatalf("count charts: %v", err)
	}
	shot, err := chromedp.Run(tctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	// nothing is wider than the window on screen
	overflow := func(what string) {
		t.Helper()
		wide, err := chromedp.Run(tctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
		if err != nil {
			t.Fatalf("measure the page width %s: %v", what, err)
		}
		if len(wide) == 2 && wide[0] > wide[1] {
			// name the outermost elements that stick out
			culprits, _ := chromedp.Run(tctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("body *")]
				.filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !(e.parentElement.getBoundingClientRect().right > window.innerWidth + 1))
				.slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && e.className.baseVal === undefined ? "." + e.className : "") + " " + Math.round(e.getBoundingClientRect().width) + "px")`))
			t.Errorf("%s the page is %d px wide in a %d px window: %v stick out", what, wide[0], wide[1], culprits)
		}
	}
	overflow("on a 1280 px screen")
	// Printed, every section shows, closed ones included (#17: the inputs and sources did not),
	// and the page fits A4's printable width (186 mm, 703 px at 96 dpi).
	if _, err := chromedp.Call(tctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatalf("emulate print: %v", err)
	}
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(703, 1000)); err != nil {
		t.Fatalf("A4 width: %v", err)
	}
	overflow("printed on A4")
	unprinted, err := chromedp.Run(tctx, chromedp.Evaluate[int](`[...document.querySelectorAll("details > :not(summary)")].filter(e => !e.checkVisibility()).length`))
	if err != nil {
		t.Fatalf("measure printed sections: %v", err)
	}
	if unprinted > 0 {
		t.Errorf("%d parts of closed sections do not print", unprinted)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(consoleErrs) > 0 {
		t.Errorf("console errors: %v", consoleErrs)
	}
	for _, u := range requests {
		if u != url {
			t.Errorf("network request to %s: the report must make none", u)
		}
	}
	if charts != wantCharts || charts < 10 {
		t.Errorf("browser found %d svg[data-chart], want %d (at least 10)", charts, wantCharts)
	}
	if err := os.WriteFile("/tmp/corridor-report.png", shot, 0o644); err != nil {
		t.Logf("keep screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("decode screenshot: %v", err)
	}
	b := img.Bounds()
	if b.Dx() != 1280 || b.Dy() != 800 {
		t.Errorf("screenshot is %dx%d, want 1280x800", b.Dx(), b.Dy())
	}
	drawn := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				drawn++
			}
		}
	}
	share := float64(drawn) / float64(b.Dx()*b.Dy())
	t.Logf("screenshot /tmp/corridor-report.png: %.1f%% non-background pixels, %d charts, %d requests", 100*share, charts, len(requests))
	if share < 0.05 {
		t.Errorf("screenshot has %.1f%% non-background pixels, want at least 5%%", 100*share)
	}
}
