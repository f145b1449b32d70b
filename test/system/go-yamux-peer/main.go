// A hashicorp/yamux peer for caplab's wire-compatibility test (test/system/yamux-go-peer.test.ts).
//
// It listens on 127.0.0.1:0, prints "port N", and runs a yamux session (role -role) on every TCP
// connection it accepts. Each stream the other side opens starts with one command line:
//
//	echo                  copy everything back, then close (FIN)
//	sink                  read to EOF, answer "<sha256 hex> <bytes>", close
//	discard               read to EOF, answer "<bytes>", close (throughput: no hashing)
//	source N              send N pattern bytes (byte i = i % 251), close
//	open K N              open K streams to the other side, send N pattern bytes on each, close
//	                      them (FIN), read the echo to EOF; answer "ok K" or "fail <why>"
//	ping                  ping the other side; answer "rtt <ns>" or "fail <why>"
//	goaway                send GoAway(normal); answer "ok"
//	open-refused          try to open a stream; answer "refused <err>" or "opened"
//
// The process exits by itself after -lifetime, so a crashed test cannot leave it behind.
package main

import (
	"bufio"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/yamux"
)

func main() {
	role := flag.String("role", "server", "yamux role of this peer: server or client")
	window := flag.Uint("window", 256*1024, "MaxStreamWindowSize in bytes")
	keepalive := flag.Duration("keepalive", 30*time.Second, "KeepAliveInterval")
	lifetime := flag.Duration("lifetime", 30*time.Second, "exit after this long")
	flag.Parse()
	time.AfterFunc(*lifetime, func() { os.Exit(0) })

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("port %d\n", ln.Addr().(*net.TCPAddr).Port)

	cfg := yamux.DefaultConfig()
	cfg.MaxStreamWindowSize = uint32(*window)
	cfg.KeepAliveInterval = *keepalive
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		var session *yamux.Session
		if *role == "client" {
			session, err = yamux.Client(conn, cfg)
		} else {
			session, err = yamux.Server(conn, cfg)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			conn.Close()
			continue
		}
		go serve(session)
	}
}

func serve(session *yamux.Session) {
	for {
		stream, err := session.AcceptStream()
		if err != nil {
			return
		}
		go handle(session, stream)
	}
}

func handle(session *yamux.Session, stream *yamux.Stream) {
	defer stream.Close()
	in := bufio.NewReader(stream)
	line, err := in.ReadString('\n')
	if err != nil {
		return
	}
	args := strings.Fields(line)
	if len(args) == 0 {
		return
	}
	switch args[0] {
	case "echo":
		io.Copy(stream, in)
	case "sink":
		h := sha256.New()
		n, _ := io.Copy(h, in)
		fmt.Fprintf(stream, "%x %d\n", h.Sum(nil), n)
	case "discard":
		n, _ := io.Copy(io.Discard, in)
		fmt.Fprintf(stream, "%d\n", n)
	case "source":
		n, _ := strconv.Atoi(arg(args, 1))
		stream.Write(pattern(n))
	case "open":
		k, _ := strconv.Atoi(arg(args, 1))
		n, _ := strconv.Atoi(arg(args, 2))
		fmt.Fprintln(stream, openAndEcho(session, k, n))
	case "ping":
		rtt, err := session.Ping()
		if err != nil {
			fmt.Fprintf(stream, "fail %v\n", err)
		} else {
			fmt.Fprintf(stream, "rtt %d\n", rtt.Nanoseconds())
		}
	case "goaway":
		session.GoAway()
		fmt.Fprintln(stream, "ok")
	case "open-refused":
		if s, err := session.OpenStream(); err != nil {
			fmt.Fprintf(stream, "refused %v\n", err)
		} else {
			s.Close()
			fmt.Fprintln(stream, "opened")
		}
	default:
		fmt.Fprintf(stream, "fail unknown command %q\n", args[0])
	}
}

// openAndEcho opens k streams concurrently, sends n pattern bytes on each, half-closes, and checks
// that exactly the same bytes come back.
func openAndEcho(session *yamux.Session, k, n int) string {
	want := sha256.Sum256(pattern(n))
	results := make(chan string, k)
	for i := 0; i < k; i++ {
		go func() {
			s, err := session.OpenStream()
			if err != nil {
				results <- "open: " + err.Error()
				return
			}
			defer s.Close()
			done := make(chan error, 1)
			go func() {
				_, err := s.Write(pattern(n))
				done <- err
			}()
			// Read exactly n bytes before our FIN: this 2019 yamux returns EOF from Read once the
			// stream is half-closed locally and its buffer is momentarily empty.
			echo := make([]byte, n)
			if _, err := io.ReadFull(s, echo); err != nil {
				results <- "read: " + err.Error()
				return
			}
			if werr := <-done; werr != nil {
				results <- "write: " + werr.Error()
				return
			}
			if sha256.Sum256(echo) != want {
				results <- fmt.Sprintf("echo mismatch on stream %d", s.StreamID())
				return
			}
			results <- ""
		}()
	}
	for i := 0; i < k; i++ {
		if r := <-results; r != "" {
			return "fail " + r
		}
	}
	return fmt.Sprintf("ok %d", k)
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

func arg(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return ""
}
