package audio

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/genrec/genrec/internal/params"
)

// rssKB returns the resident set size of this process, in kB, from
// /proc/self/status (Linux).
func rssKB(t *testing.T) int {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				t.Fatal(err)
			}
			return kb
		}
	}
	t.Skip("VmRSS not found in /proc/self/status")
	return 0
}

// TestLeakDecode decodes one tiny mp3 10,000 times (and a WAV, a FLAC and
// an Ogg Vorbis file 1,000 times each) and compares the resident set size
// and goroutine count after a warm-up with those at the end: FFmpeg's
// demuxer, codec, frame, packet, AVIOContext or SwrContext not freed, or
// goroutines left behind, would show as growth. It takes about a
// minute, so it runs only with GENREC_LEAKCHECK=1 (make leakcheck).
func TestLeakDecode(t *testing.T) {
	if os.Getenv("GENREC_LEAKCHECK") != "1" {
		t.Skip("set GENREC_LEAKCHECK=1 to run the 10,000-decode leak check (make leakcheck)")
	}
	const n = 10_000
	mp3 := lameFixture(t, "leak-0.6s.mp3", 440, 44100, 2, 0.6, "-b", "128")
	wav := fixture(t, "leak-0.6s.wav", func(p string) error { return writeToneWAV(p, 440, 48000, 2, 0.6) })
	fl := flacFixture(t, "leak-0.6s.flac", 440, 44100, 2, 16, 0.6, false)
	ogg := vorbisFixture(t, "leak-0.6s.ogg", 440, 44100, 2, 0.6)
	decode := func(p string, times int) {
		for range times {
			if _, err := Load(p, params.MaxSamples); err != nil {
				t.Fatal(err)
			}
		}
	}
	settle := func() (rss, goroutines int) {
		runtime.GC()
		runtime.GC()
		time.Sleep(50 * time.Millisecond)
		return rssKB(t), runtime.NumGoroutine()
	}
	decode(mp3, 200) // warm-up: the heap and the C allocator reach their steady size
	decode(wav, 20)
	decode(fl, 200)
	decode(ogg, 200)
	rss0, g0 := settle()
	start := time.Now()
	decode(mp3, n/2)
	decode(wav, n/20)
	decode(fl, n/20)
	decode(ogg, n/20)
	rssHalf, _ := settle()
	decode(mp3, n/2)
	decode(wav, n/20)
	decode(fl, n/20)
	decode(ogg, n/20)
	rss1, g1 := settle()
	t.Logf("%d mp3 + %d each WAV, FLAC, Vorbis decodes in %.1f s: RSS %d kB -> %d kB at half -> %d kB (%+d kB), goroutines %d -> %d",
		n, n/10, time.Since(start).Seconds(), rss0, rssHalf, rss1, rss1-rss0, g0, g1)
	if g1 > g0 {
		t.Errorf("goroutines grew from %d to %d", g0, g1)
	}
	// A leak of even 1 kB per decode would add 10 MB.
	if rss1-rss0 > 8<<10 {
		t.Errorf("RSS grew by %d kB over %d decodes", rss1-rss0, n)
	}
}
