package features

import (
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/genrec/genrec/internal/dsp"
	"github.com/genrec/genrec/internal/params"
)

func noise(n int, seed int64, amp float64) []float32 {
	rng := rand.New(rand.NewSource(seed))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(amp * rng.NormFloat64())
	}
	return x
}

func TestColumns(t *testing.T) {
	if len(Columns) != 57 {
		t.Fatalf("%d columns, want 57", len(Columns))
	}
	seen := map[string]bool{}
	for _, c := range Columns {
		if seen[c] {
			t.Errorf("duplicate column %q", c)
		}
		seen[c] = true
	}
	if Columns[colTempo] != "tempo" || Columns[colMFCC] != "mfcc1_mean" || Columns[colHarmony] != "harmony_mean" ||
		Columns[len(Columns)-1] != "mfcc20_var" {
		t.Error("column index constants disagree with Columns")
	}
}

func TestExtractErrors(t *testing.T) {
	e := NewExtractor()
	tests := []struct {
		name string
		dst  []float64
		x    []float32
		want string
	}{
		{"empty", nil, nil, "samples"},
		{"too short", nil, make([]float32, MinSamples-1), "samples"},
		{"NaN", nil, append(make([]float32, 5000), float32(math.NaN())), "NaN"},
		{"Inf", nil, append(make([]float32, 5000), float32(math.Inf(1))), "Inf"},
		{"bad dst", make([]float64, 3), make([]float32, 5000), "destination"},
	}
	for _, tc := range tests {
		_, err := e.Extract(tc.dst, tc.x)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
}

func TestExtractEdgeCases(t *testing.T) {
	e := NewExtractor()
	for _, tc := range []struct {
		name string
		x    []float32
	}{
		{"minimum length", noise(MinSamples, 1, 0.1)},
		{"silence", make([]float32, 3*params.SampleRate)},
		{"one hop over", noise(params.NFFT+params.Hop+1, 2, 0.3)},
	} {
		v, err := e.Extract(nil, tc.x)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		for i, f := range v {
			if math.IsNaN(f) || math.IsInf(f, 0) {
				t.Errorf("%s: %s = %g", tc.name, Columns[i], f)
			}
		}
	}
	// Silence: no energy, no crossings, no tempo.
	v, _ := e.Extract(nil, make([]float32, 3*params.SampleRate))
	for _, c := range []int{colChroma, colRMS, colCentroid, colZCR, colHarmony, colPerceptr, colTempo} {
		if v[c] != 0 {
			t.Errorf("silence: %s = %g, want 0", Columns[c], v[c])
		}
	}
}

// setsCases are the requests of ExtractSets: each set alone and both.
var setsCases = []struct {
	name       string
	gtzan, fma bool
}{
	{"gtzan", true, false},
	{"fma-small", false, true},
	{"both", true, true},
}

// extractSets runs ExtractSets for the sets of a setsCases entry into
// fresh destinations (nil for a set not requested).
func extractSets(e *Extractor, gtzan, fma bool, x []float32) (g, f []float64, err error) {
	if gtzan {
		g = make([]float64, len(Columns))
	}
	if fma {
		f = make([]float64, len(FMASmallColumns))
	}
	return g, f, e.ExtractSets(g, f, x)
}

func TestExtractReusesBuffers(t *testing.T) {
	long, short := noise(5*params.SampleRate, 3, 0.2), noise(2*params.SampleRate, 4, 0.2)
	for _, tc := range setsCases {
		e := NewExtractor()
		ga, fa, err := extractSets(e, tc.gtzan, tc.fma, short)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := extractSets(e, tc.gtzan, tc.fma, long); err != nil {
			t.Fatal(err)
		}
		gb, fb, err := extractSets(e, tc.gtzan, tc.fma, short)
		if err != nil {
			t.Fatal(err)
		}
		for i := range ga {
			if ga[i] != gb[i] {
				t.Errorf("%s: %s: %g after a longer clip, %g before", tc.name, Columns[i], gb[i], ga[i])
			}
		}
		for i := range fa {
			if fa[i] != fb[i] {
				t.Errorf("%s: %s: %g after a longer clip, %g before", tc.name, FMASmallColumns[i], fb[i], fa[i])
			}
		}
		allocs := testing.AllocsPerRun(3, func() {
			if err := e.ExtractSets(gb, fb, short); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: ExtractSets allocates %g times per call once warmed up", tc.name, allocs)
		}
	}
}

func TestSpectralShapeKnown(t *testing.T) {
	freqs := []float64{0, 100, 200, 300}
	c, bw := centroidBandwidth([]float64{0, 1, 0, 1}, freqs, 2)
	if c != 200 || bw != 100 {
		t.Errorf("centroid %g bandwidth %g, want 200, 100", c, bw)
	}
	if r := rolloff([]float64{1, 1, 1, 1}, freqs, 0.85); r != 300 {
		t.Errorf("rolloff %g, want 300", r)
	}
	if r := rolloff([]float64{1, 1, 1, 1}, freqs, 0.5); r != 100 {
		t.Errorf("rolloff 50%% %g, want 100", r)
	}
	if r := rolloff(make([]float64, 4), freqs, 0.85); r != 0 {
		t.Errorf("silent rolloff %g, want 0", r)
	}
	// Signs: + + - - 0 + -  → changes at 2, 4 (zero is positive, so −→0
	// counts), 6: 3 of 7.
	if z := frameZCR([]float64{1, 2, -1, -2, 0, 3, -1}, 1e-10); math.Abs(z-3.0/7) > 1e-15 {
		t.Errorf("zcr %g, want 3/7", z)
	}
	if z := frameZCR([]float64{1, -1e-12, 1}, 1e-10); z != 0 {
		t.Errorf("zcr below threshold %g, want 0", z)
	}
	m, v := meanVar([]float64{1, 2, 3, 4})
	if m != 2.5 || v != 1.25 {
		t.Errorf("meanVar %g %g", m, v)
	}
}

// TestExtractTimings checks that timing the stages changes no value,
// allocates nothing and accounts for every stage.
func TestExtractTimings(t *testing.T) {
	x := noise(5*params.SampleRate, 5, 0.3)
	plain, plainF := make([]float64, len(Columns)), make([]float64, len(FMASmallColumns))
	if err := NewExtractor().ExtractSets(plain, plainF, x); err != nil {
		t.Fatal(err)
	}
	e := NewExtractor()
	var tm Timings
	e.Timings = &tm
	timed, timedF := make([]float64, len(Columns)), make([]float64, len(FMASmallColumns))
	if err := e.ExtractSets(timed, timedF, x); err != nil {
		t.Fatal(err)
	}
	for i := range plain {
		if plain[i] != timed[i] {
			t.Errorf("%s: %g timed, %g untimed", Columns[i], timed[i], plain[i])
		}
	}
	for i := range plainF {
		if plainF[i] != timedF[i] {
			t.Errorf("%s: %g timed, %g untimed", FMASmallColumns[i], timedF[i], plainF[i])
		}
	}
	allocs := testing.AllocsPerRun(2, func() {
		if err := e.ExtractSets(timed, timedF, x); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("timed ExtractSets allocates %g times per call", allocs)
	}
	if tm.Clips != 4 { // one call, and AllocsPerRun's warm-up and two runs
		t.Errorf("Clips = %d, want 4", tm.Clips)
	}
	for s := Stage(0); s < NumStages; s++ {
		if tm.Stages[s] <= 0 {
			t.Errorf("stage %q took %v", s, tm.Stages[s])
		}
		if s.String() == "" || s.String() == "unknown stage" {
			t.Errorf("stage %d has no name", s)
		}
	}
	if tm.Total() <= 0 {
		t.Errorf("total %v", tm.Total())
	}
}

// TestSoftMask2 checks the separation's vector mask, dsp.SoftMask2, against
// softMask with power 2 and ½ for negligible pairs (frames of 5 bins, so
// the vector kernel and its scalar tail both run).
func TestSoftMask2(t *testing.T) {
	vals := []float32{0, tinyFloat32 / 2, tinyFloat32, 1e-30, 1e-3, 0.5, 1, 3, 1024}
	spec := make([]complex128, 5)
	got := make([]complex128, 5)
	for i := range spec {
		spec[i] = complex(float64(i)+0.5, -1.25)
	}
	for _, x := range vals {
		for _, r := range vals {
			xs, rs := []float32{x, x, x, x, x}, []float32{r, r, r, r, r}
			dsp.SoftMask2(got, spec, xs, rs)
			g := softMask(float64(x), float64(r), 2, 0.5)
			for i, v := range spec {
				if want := complex(real(v)*g, imag(v)*g); got[i] != want {
					t.Errorf("SoftMask2 bin %d (x %g, ref %g) = %v, softMask gives %v", i, x, r, got[i], want)
				}
			}
		}
	}
}

func TestExtractPlainOnly(t *testing.T) {
	x := noise(4*params.SampleRate, 5, 0.2)
	full, err := NewExtractor().Extract(nil, x)
	if err != nil {
		t.Fatal(err)
	}
	e := NewExtractor()
	e.PlainOnly = true
	for round := 0; round < 2; round++ { // the second reuses the buffers
		plain, err := e.Extract(nil, x)
		if err != nil {
			t.Fatal(err)
		}
		skipped := map[int]bool{colHarmony: true, colHarmony + 1: true, colPerceptr: true, colPerceptr + 1: true, colTempo: true}
		for i, v := range plain {
			if Plain(i) == skipped[i] {
				t.Errorf("Plain(%d) = %v for %s", i, Plain(i), Columns[i])
			}
			switch {
			case skipped[i] && !math.IsNaN(v):
				t.Errorf("round %d: %s = %g, want NaN", round, Columns[i], v)
			case !skipped[i] && v != full[i]:
				t.Errorf("round %d: %s = %g, want %g as in the full extraction", round, Columns[i], v, full[i])
			}
		}
	}
}

// edgeFrame copies into dst the len(dst) samples of x starting at start,
// positions outside x repeating the first or last sample (edge padding), and
// returns dst. With frameZCR it defines the zero-crossing rate of a frame,
// the reference of timeDomain's tests.
func edgeFrame(dst []float64, x []float32, start int) []float64 {
	last := len(x) - 1
	for i := range dst {
		j := start + i
		if j < 0 {
			j = 0
		} else if j > last {
			j = last
		}
		dst[i] = float64(x[j])
	}
	return dst
}

// frameZCR returns the fraction of the frame's samples at which the sign
// differs from the previous sample's, values with magnitude ≤ threshold
// counting as zero and zero counting as positive. The first sample never
// counts, and the count is divided by the full frame length.
func frameZCR(x []float64, threshold float64) float64 {
	neg := func(v float64) bool { return v < 0 && -v > threshold }
	n := 0
	prev := neg(x[0])
	for _, v := range x[1:] {
		cur := neg(v)
		if cur != prev {
			n++
		}
		prev = cur
	}
	return float64(n) / float64(len(x))
}

// TestTimeDomainMatchesFrames checks the running RMS and zero-crossing
// tracks against frameRMS and frameZCR computed on each padded frame.
func TestTimeDomainMatchesFrames(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	e := NewExtractor()
	for _, m := range []int{MinSamples, params.NFFT, params.NFFT + 1, 3*params.Hop + 7, 20 * params.Hop, 12345} {
		x := make([]float32, m)
		for i := range x {
			switch rng.Intn(5) {
			case 0: // exact zero
			case 1:
				x[i] = float32(rng.NormFloat64() * 1e-11) // below the threshold
			default:
				x[i] = float32(rng.NormFloat64() * 0.3)
			}
		}
		frames := e.stft.Frames(m)
		e.allocate(frames, m, false)
		e.timeDomain(x, frames)
		buf := make([]float64, params.NFFT)
		for f := 0; f < frames; f++ {
			if want := frameZCR(edgeFrame(buf, x, f*params.Hop-params.NFFT/2), params.ZCRThreshold); e.zcr[f] != want {
				t.Fatalf("m %d, frame %d: ZCR %g, want %g", m, f, e.zcr[f], want)
			}
			want := frameRMS(e.stft.Frame(buf, x, f))
			if math.Abs(e.rms[f]-want) > 1e-12*want {
				t.Fatalf("m %d, frame %d: RMS %g, want %g", m, f, e.rms[f], want)
			}
		}
	}
}

// TestSpectralShape2 checks the dot-product form of the centroid and
// bandwidth against the two-pass definition, on broad, narrow and silent
// spectra.
func TestSpectralShape2(t *testing.T) {
	e := NewExtractor()
	rng := rand.New(rand.NewSource(17))
	for i := 0; i < 30; i++ {
		mag := make([]float64, params.NBins)
		switch i % 3 {
		case 0: // broad
			for k := range mag {
				mag[k] = rng.ExpFloat64()
			}
		case 1: // a narrow peak
			k := 1 + rng.Intn(params.NBins-2)
			mag[k-1], mag[k], mag[k+1] = 0.1, 5, 0.2
		}
		c, bw, sum := e.spectralShape2(mag)
		wc, wbw, wsum := spectralShape(mag, e.freqs, 2)
		if math.Abs(c-wc) > 1e-12*math.Max(wc, 1) || math.Abs(bw-wbw) > 1e-9*math.Max(wbw, 1) || math.Abs(sum-wsum) > 1e-12*math.Max(wsum, 1) {
			t.Errorf("spectrum %d: centroid %v, bandwidth %v, sum %v; want %v, %v, %v", i, c, bw, sum, wc, wbw, wsum)
		}
	}
}

// TestRunningStats checks the block-merged mean and variance against the
// two-pass meanVar of the whole sequence, with a large offset that a
// single pass of sums of squares would lose.
func TestRunningStats(t *testing.T) {
	rng := rand.New(rand.NewSource(37))
	for _, offset := range []float64{0, 1e-5, 3, 1e4} {
		var all []float64
		var r, h, d runningStats
		var allDiff []float64
		for b := 0; b < 40; b++ {
			blk := make([]float64, rng.Intn(600))
			s := make([]float32, len(blk))
			for i := range blk {
				blk[i] = offset + 0.1*rng.NormFloat64()
				s[i] = float32(rng.NormFloat64())
				allDiff = append(allDiff, float64(s[i])-blk[i])
			}
			all = append(all, blk...)
			addSeparated(&h, &d, s, blk)
			r.addBlock(blk)
			if h != r {
				t.Errorf("offset %g, block %d: addSeparated's harmonic statistics %+v, addBlock's %+v", offset, b, h, r)
			}
		}
		r.addZeros(100)
		d.addZeros(100)
		all = append(all, make([]float64, 100)...)
		allDiff = append(allDiff, make([]float64, 100)...)
		for _, tc := range []struct {
			name string
			got  runningStats
			x    []float64
		}{{"blocks", r, all}, {"differences", d, allDiff}} {
			m, v := meanVar(tc.x)
			if math.Abs(tc.got.mean-m) > 1e-12*math.Max(math.Abs(m), 1) || math.Abs(tc.got.variance()-v) > 1e-11*v {
				t.Errorf("offset %g, %s: mean %v var %v, want %v %v", offset, tc.name, tc.got.mean, tc.got.variance(), m, v)
			}
		}
	}
	var empty runningStats
	if !math.IsNaN(empty.variance()) {
		t.Error("variance of nothing is not NaN")
	}
}
