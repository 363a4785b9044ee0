package features

import (
	"math"
	"strings"
	"testing"

	"github.com/genrec/genrec/internal/params"
)

func TestParseSet(t *testing.T) {
	for _, tc := range []struct {
		name string
		want Set
		ok   bool
	}{
		{"gtzan", GTZAN, true},
		{"GTZAN", GTZAN, true},
		{"fma-small", FMASmall, true},
		{"FMA-Small", FMASmall, true},
		{"fma", 0, false},
		{"", 0, false},
	} {
		got, err := ParseSet(tc.name)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("ParseSet(%q) = %v, %v; want %v, ok %v", tc.name, got, err, tc.want, tc.ok)
		}
		if tc.ok && got.String() != strings.ToLower(tc.name) {
			t.Errorf("%v.String() = %q, want %q", got, got.String(), strings.ToLower(tc.name))
		}
	}
}

func TestColumnsOf(t *testing.T) {
	for _, tc := range []struct {
		set         Set
		n           int
		first, last string
	}{
		{GTZAN, 57, "chroma_stft_mean", "mfcc20_var"},
		{FMASmall, 60, "mfcc_mean_01", "contrast_mean_07"},
	} {
		cols := ColumnsOf(tc.set)
		if len(cols) != tc.n || cols[0] != tc.first || cols[len(cols)-1] != tc.last {
			t.Errorf("%v: %d columns %q … %q, want %d %q … %q", tc.set, len(cols), cols[0], cols[len(cols)-1], tc.n, tc.first, tc.last)
		}
		seen := map[string]bool{}
		for _, c := range cols {
			if seen[c] {
				t.Errorf("%v: duplicate column %q", tc.set, c)
			}
			seen[c] = true
		}
	}
	if ColumnsOf(Set(7)) != nil {
		t.Error("ColumnsOf an unknown set is not nil")
	}
	c := FMASmallColumns
	if c[fmaMFCCMean] != "mfcc_mean_01" || c[fmaMFCCVar] != "mfcc_var_01" || c[fmaChroma] != "chroma_mean_01" ||
		c[fmaTempo] != "tempo" || c[fmaContrast] != "contrast_mean_01" || len(c)-fmaContrast != params.ContrastBands+1 {
		t.Error("FMA-small column index constants disagree with FMASmallColumns")
	}
}

func TestExtractSetsErrors(t *testing.T) {
	e := NewExtractor()
	x := make([]float32, 5000)
	for _, tc := range []struct {
		name       string
		gtzan, fma []float64
		x          []float32
		want       string
	}{
		{"no set", nil, nil, x, "no feature set"},
		{"bad gtzan", make([]float64, 3), nil, x, "destination"},
		{"bad fma", nil, make([]float64, 57), x, "FMA-small destination"},
		{"too short", nil, make([]float64, 60), make([]float32, MinSamples-1), "samples"},
		{"NaN", nil, make([]float64, 60), append(make([]float32, 5000), float32(math.NaN())), "NaN"},
	} {
		err := e.ExtractSets(tc.gtzan, tc.fma, tc.x)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
}

// setsSignals are clips on which both sets together must equal each set
// alone: noise, tones, clips whose loudest frames are edge frames (so that
// the two sets' dB floors differ, either way), silence and the shortest.
func setsSignals() []struct {
	name string
	x    []float32
} {
	tone := func(n int, hz, amp float64) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(amp * math.Sin(2*math.Pi*hz*float64(i)/params.SampleRate))
		}
		return x
	}
	burstStart := noise(3*params.SampleRate, 21, 1e-4)
	for i := 0; i < 600; i++ {
		burstStart[i] = float32(0.9 * math.Sin(float64(i)*0.3))
	}
	dcEnd := noise(3*params.SampleRate+123, 22, 1e-5)
	for i := len(dcEnd) - 700; i < len(dcEnd); i++ {
		dcEnd[i] += 0.9
	}
	detuned := tone(2*params.SampleRate, 440*math.Exp2(0.3/12), 0.5)
	for i := 0; i < 1500; i++ {
		detuned[i] += float32(0.8 * math.Sin(2*math.Pi*523.25*float64(i)/params.SampleRate))
	}
	return []struct {
		name string
		x    []float32
	}{
		{"noise", noise(4*params.SampleRate+77, 23, 0.2)},
		{"tones", tone(3*params.SampleRate, 330, 0.4)},
		{"loud start", burstStart},
		{"DC at the end", dcEnd},
		{"detuned, other pitch at the start", detuned},
		{"silence", make([]float32, params.SampleRate)},
		{"shortest", noise(MinSamples, 24, 0.3)},
		{"three hops", noise(3*params.Hop+5, 25, 0.3)},
	}
}

// TestExtractSetsMatchAlone checks that computing both sets in one call
// gives each set's values bit for bit as computing it alone.
func TestExtractSetsMatchAlone(t *testing.T) {
	e := NewExtractor()
	for _, sig := range setsSignals() {
		gAlone, _, err := extractSets(e, true, false, sig.x)
		if err != nil {
			t.Fatalf("%s: %v", sig.name, err)
		}
		_, fAlone, err := extractSets(e, false, true, sig.x)
		if err != nil {
			t.Fatalf("%s: %v", sig.name, err)
		}
		g, f, err := extractSets(e, true, true, sig.x)
		if err != nil {
			t.Fatalf("%s: %v", sig.name, err)
		}
		for i := range g {
			if math.Float64bits(g[i]) != math.Float64bits(gAlone[i]) {
				t.Errorf("%s: %s %v with both sets, %v alone", sig.name, Columns[i], g[i], gAlone[i])
			}
		}
		for i := range f {
			if math.Float64bits(f[i]) != math.Float64bits(fAlone[i]) {
				t.Errorf("%s: %s %v with both sets, %v alone", sig.name, FMASmallColumns[i], f[i], fAlone[i])
			}
			if math.IsNaN(f[i]) || math.IsInf(f[i], 0) {
				t.Errorf("%s: %s = %v", sig.name, FMASmallColumns[i], f[i])
			}
		}
	}
}

// TestExtractSetsMatchAloneClips is TestExtractSetsMatchAlone on the
// FMA-small reference clips.
func TestExtractSetsMatchAloneClips(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes eleven clips with ffmpeg")
	}
	rows, clips := loadFMAClips(t)
	e := NewExtractor()
	for i, x := range clips {
		gAlone, _, err := extractSets(e, true, false, x)
		if err != nil {
			t.Fatal(err)
		}
		_, fAlone, err := extractSets(e, false, true, x)
		if err != nil {
			t.Fatal(err)
		}
		g, f, err := extractSets(e, true, true, x)
		if err != nil {
			t.Fatal(err)
		}
		for c := range g {
			if math.Float64bits(g[c]) != math.Float64bits(gAlone[c]) {
				t.Errorf("%s: %s %v with both sets, %v alone", rows[i].Filename, Columns[c], g[c], gAlone[c])
			}
		}
		for c := range f {
			if math.Float64bits(f[c]) != math.Float64bits(fAlone[c]) {
				t.Errorf("%s: %s %v with both sets, %v alone", rows[i].Filename, FMASmallColumns[c], f[c], fAlone[c])
			}
		}
	}
}
