// The Go side of `npm run bench:tunnel`'s hashicorp/yamux figure: dials the Go peer of
// test/system/go-yamux-peer (yamux server role), opens -streams streams on one yamux client
// session over loopback TCP, and on each has the peer send -bytes bytes ("source N"), read to the
// last byte. Go to Go, so the figure is the seed's own stack.
// Prints one JSON line: {"bytes":N,"seconds":S}.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/hashicorp/yamux"
)

func main() {
	addr := flag.String("addr", "", "host:port of the Go peer")
	streams := flag.Int("streams", 1, "streams sending at once")
	bytes := flag.Int64("bytes", 256<<20, "bytes per stream")
	window := flag.Uint("window", 256*1024, "MaxStreamWindowSize in bytes")
	flag.Parse()

	conn, err := net.Dial("tcp", *addr)
	fail(err)
	cfg := yamux.DefaultConfig()
	cfg.MaxStreamWindowSize = uint32(*window)
	session, err := yamux.Client(conn, cfg)
	fail(err)

	start := time.Now()
	done := make(chan error, *streams)
	for i := 0; i < *streams; i++ {
		go func() { done <- receive(session, *bytes) }()
	}
	for i := 0; i < *streams; i++ {
		fail(<-done)
	}
	seconds := time.Since(start).Seconds()
	fmt.Printf("{\"bytes\":%d,\"seconds\":%f}\n", *bytes*int64(*streams), seconds)
	session.Close()
}

// receive asks the peer for n bytes ("source N") and reads them all. The peer sends rather than
// we, because Debian's yamux (an older hashicorp/yamux) ends reads once the reader has closed its
// own side, so "send, FIN, read the peer's count" cannot work between two Go peers there.
func receive(session *yamux.Session, n int64) error {
	s, err := session.OpenStream()
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := fmt.Fprintf(s, "source %d\n", n); err != nil {
		return err
	}
	got, err := io.CopyN(io.Discard, s, n)
	if err != nil {
		return fmt.Errorf("received %d of %d bytes: %w", got, n, err)
	}
	return nil
}

func fail(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
