// Package progress draws a one-line progress report on a terminal: how
// many items are done, the rate and, once the total is known, the
// estimated time left. It uses no colour and no escape sequences other
// than carriage returns, so it is readable on any terminal (NO_COLOR has
// nothing to turn off), and it is meant to be shown only when its output
// is a terminal (see IsTerminal).
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// IsTerminal reports whether w is a terminal: an *os.File that is a
// character device. Pipes, regular files and in-memory buffers are not.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || f == nil {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Bar is a progress line redrawn in place every interval. A nil *Bar is
// valid and does nothing, so callers need not check whether progress is
// shown.
type Bar struct {
	w     io.Writer
	what  string                  // the items' name, plural ("files")
	total func() (n int, ok bool) // the total, and whether it is known
	start time.Time
	done  atomic.Int64

	mu    sync.Mutex // guards w and width
	width int        // length of the line on screen, 0 when cleared

	stop     chan struct{}
	finished chan struct{}
}

// Start draws a progress line on w every interval until Stop. total
// returns the number of items and whether it is known yet (the rate is
// shown without an ETA until it is); it may be nil.
func Start(w io.Writer, what string, total func() (int, bool), interval time.Duration) *Bar {
	if total == nil {
		total = func() (int, bool) { return 0, false }
	}
	b := &Bar{w: w, what: what, total: total, start: time.Now(), stop: make(chan struct{}), finished: make(chan struct{})}
	go func() {
		defer close(b.finished)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				b.draw()
			case <-b.stop:
				return
			}
		}
	}()
	return b
}

// Add records n more items done.
func (b *Bar) Add(n int) {
	if b != nil {
		b.done.Add(int64(n))
	}
}

// Stop stops redrawing and clears the line.
func (b *Bar) Stop() {
	if b == nil {
		return
	}
	close(b.stop)
	<-b.finished
	b.mu.Lock()
	b.clear()
	b.mu.Unlock()
}

// Writer returns a writer to the Bar's output that clears the progress
// line before each write, so that messages are not mixed with it; the
// line is drawn again at the next interval. For a nil Bar it returns w.
func (b *Bar) Writer(w io.Writer) io.Writer {
	if b == nil {
		return w
	}
	return clearingWriter{b}
}

// clearingWriter is the writer of Bar.Writer.
type clearingWriter struct{ b *Bar }

// Write clears the progress line, then writes p.
func (c clearingWriter) Write(p []byte) (int, error) {
	c.b.mu.Lock()
	defer c.b.mu.Unlock()
	c.b.clear()
	return c.b.w.Write(p)
}

// draw writes the current line over the previous one.
func (b *Bar) draw() {
	n, known := b.total()
	line := Line(b.what, int(b.done.Load()), n, known, time.Since(b.start))
	b.mu.Lock()
	defer b.mu.Unlock()
	pad := ""
	if len(line) < b.width {
		pad = strings.Repeat(" ", b.width-len(line))
	}
	fmt.Fprintf(b.w, "\r%s%s", line, pad)
	b.width = len(line)
}

// clear blanks the line on screen; b.mu is held.
func (b *Bar) clear() {
	if b.width > 0 {
		fmt.Fprintf(b.w, "\r%s\r", strings.Repeat(" ", b.width))
		b.width = 0
	}
}

// Line formats a progress line: done of total items (total only when
// known), the rate over elapsed, and the time left at that rate.
func Line(what string, done, total int, known bool, elapsed time.Duration) string {
	var sb strings.Builder
	if known {
		fmt.Fprintf(&sb, "%d/%d %s", done, total, what)
		if total > 0 {
			fmt.Fprintf(&sb, " (%d%%)", 100*done/total)
		}
	} else {
		fmt.Fprintf(&sb, "%d %s", done, what)
	}
	secs := elapsed.Seconds()
	if done == 0 || secs <= 0 {
		return sb.String()
	}
	rate := float64(done) / secs
	fmt.Fprintf(&sb, ", %.1f/s", rate)
	if known && total >= done {
		left := time.Duration(float64(total-done) / rate * float64(time.Second))
		fmt.Fprintf(&sb, ", ETA %s", left.Round(time.Second))
	}
	return sb.String()
}
