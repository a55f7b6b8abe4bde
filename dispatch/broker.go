package dispatch

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// BrokerConfig configures an embedded NATS server with JetStream.
type BrokerConfig struct {
	// Listen is host:port; port 0 picks a free one. "" means 127.0.0.1:4222.
	Listen string
	// StoreDir is where JetStream keeps its streams (chunks, results, data sets).
	StoreDir string
	Setup    Setup // the chunks' ack wait and max deliver; zero means DefaultSetup
	Logger   *slog.Logger
}

// Broker is an embedded NATS server with JetStream and corridor's streams.
type Broker struct {
	s *server.Server
}

// StartBroker starts an embedded NATS server with JetStream in cfg.StoreDir, creates the
// streams with cfg.Setup (replacing the setup of existing ones) and returns once it accepts
// connections. It is a single server for one machine and tests; for several machines run
// nats-server -js (docs/decisions/0017-distributed-monte-carlo.md).
func StartBroker(ctx context.Context, cfg BrokerConfig) (*Broker, error) {
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:4222"
	}
	if cfg.StoreDir == "" {
		return nil, fmt.Errorf("dispatch: the broker needs a store folder")
	}
	if cfg.Setup == (Setup{}) {
		cfg.Setup = DefaultSetup
	}
	host, port, err := net.SplitHostPort(cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen address %q: %w", cfg.Listen, err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return nil, fmt.Errorf("listen address %q: port: %w", cfg.Listen, err)
	}
	if p == 0 {
		p = server.RANDOM_PORT
	} else {
		// say at once that the port is taken, rather than after the server's start-up wait
		l, err := net.Listen("tcp", cfg.Listen)
		if err != nil {
			return nil, fmt.Errorf("NATS server: %w", err)
		}
		l.Close()
	}
	opts := &server.Options{Host: host, Port: p, JetStream: true, StoreDir: cfg.StoreDir, NoSigs: true, ServerName: "corridor-broker",
		MaxPayload: 8 << 20, DisableJetStreamBanner: true}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("NATS server: %w", err)
	}
	s.SetLoggerV2(&slogAdapter{discard(cfg.Logger)}, false, false, false)
	s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		return nil, fmt.Errorf("NATS server on %s did not start within 10 s (port in use?)", cfg.Listen)
	}
	b := &Broker{s: s}
	c, err := connect(b.URL(), "corridor broker", discard(cfg.Logger))
	if err != nil {
		b.Shutdown()
		return nil, err
	}
	defer c.nc.Close()
	if err := Ensure(ctx, c.js, cfg.Setup, true); err != nil {
		b.Shutdown()
		return nil, err
	}
	return b, nil
}

// URL is the address clients connect to.
func (b *Broker) URL() string { return b.s.ClientURL() }

// Shutdown stops the server and waits until it has.
func (b *Broker) Shutdown() {
	b.s.Shutdown()
	b.s.WaitForShutdown()
}

// slogAdapter routes the server's log to a slog.Logger: notices at info, the rest at their level.
type slogAdapter struct{ log *slog.Logger }

func (a *slogAdapter) Noticef(format string, v ...any) {
	a.log.Info("nats: " + fmt.Sprintf(format, v...))
}
func (a *slogAdapter) Warnf(format string, v ...any) {
	a.log.Warn("nats: " + fmt.Sprintf(format, v...))
}
func (a *slogAdapter) Fatalf(format string, v ...any) {
	a.log.Error("nats: " + fmt.Sprintf(format, v...))
}
func (a *slogAdapter) Errorf(format string, v ...any) {
	a.log.Error("nats: " + fmt.Sprintf(format, v...))
}
func (a *slogAdapter) Debugf(format string, v ...any) {
	a.log.Debug("nats: " + fmt.Sprintf(format, v...))
}
func (a *slogAdapter) Tracef(format string, v ...any) {
	a.log.Debug("nats: " + fmt.Sprintf(format, v...))
}
