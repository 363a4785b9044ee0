package model

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

// calibrationData builds held-out scores whose true class probabilities
// are softmax(a_k·s_k + b_k) for known a, b: every score vector is repeated
// with labels in proportion to those probabilities (1000 rows per
// vector), so the maximum-likelihood fit recovers a and b up to rounding.
func calibrationData(a, b []float64) ([][]float64, []int) {
	K := len(a)
	var S [][]float64
	var y []int
	for i := 0; i < 40; i++ {
		s := make([]float64, K)
		for k := range s {
			s[k] = 2 * math.Sin(float64(i*(k+3))+0.7*float64(k))
		}
		logSoftmax(s)
		p := make([]float64, K)
		for k := range p {
			p[k] = a[k]*s[k] + b[k]
		}
		logSoftmax(p)
		for k := range p {
			for n := 0; n < int(math.Round(1000*math.Exp(p[k]))); n++ {
				S, y = append(S, s), append(y, k)
			}
		}
	}
	return S, y
}

func TestFitCalibration(t *testing.T) {
	tests := []struct {
		name         string
		method       string
		a, b         []float64
		tolA, tolB   float64
		wantT        float64 // 0: not checked
		wantErr      string
		wantIdentity bool
	}{
		{name: "temperature 2", method: CalibTemperature, a: []float64{0.5, 0.5, 0.5}, b: []float64{0, 0, 0}, tolA: 0.01, wantT: 2},
		{name: "temperature 0.8", method: CalibTemperature, a: []float64{1.25, 1.25, 1.25, 1.25}, b: []float64{0, 0, 0, 0}, tolA: 0.01, wantT: 0.8},
		// The ridge (vectorRidge) pulls the fit slightly towards the identity.
		{name: "vector", method: CalibVector, a: []float64{0.7, 1, 1.3}, b: []float64{0.4, 0, -0.4}, tolA: 0.04, tolB: 0.07},
		{name: "none", method: CalibNone, a: []float64{0.5, 0.5}, b: []float64{0, 0}, wantIdentity: true},
		{name: "unknown", method: "isotonic", a: []float64{1, 1}, b: []float64{0, 0}, wantErr: "isotonic"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			S, y := calibrationData(tc.a, tc.b)
			c, err := fitCalibration(tc.method, S, y, len(tc.a))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantIdentity {
				if !reflect.DeepEqual(c, identityCalibration(len(tc.a))) {
					t.Errorf("got %+v, want the identity", c)
				}
				return
			}
			for k := range tc.a {
				if math.Abs(c.scale[k]-tc.a[k]) > tc.tolA || math.Abs(c.bias[k]-tc.b[k]) > tc.tolB+1e-12 {
					t.Errorf("class %d: scale %.4f bias %.4f, want %.4f %.4f", k, c.scale[k], c.bias[k], tc.a[k], tc.b[k])
				}
			}
			if tc.wantT != 0 && math.Abs(c.temperature()-tc.wantT) > 0.02*tc.wantT {
				t.Errorf("temperature %.4f, want %.4f", c.temperature(), tc.wantT)
			}
		})
	}
	if _, err := fitCalibration(CalibTemperature, nil, nil, 3); err == nil {
		t.Error("fit on no rows succeeded")
	}
}

func TestContiguousFolds(t *testing.T) {
	tests := []struct {
		name   string
		labels []int
		K, k   int
		want   []int
	}{
		{"two classes, two folds", []int{0, 0, 0, 0, 1, 1, 1, 1}, 2, 2, []int{0, 0, 1, 1, 0, 0, 1, 1}},
		{"interleaved classes keep their order", []int{0, 1, 0, 1, 0, 1}, 2, 3, []int{0, 0, 1, 1, 2, 2}},
		{"uneven", []int{0, 0, 0, 0, 0, 1, 1}, 2, 2, []int{0, 0, 0, 1, 1, 0, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := contiguousFolds(tc.labels, tc.K, tc.k); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestCalibrationInPredict checks that Predict applies the calibration
// before the prior shift: a model whose temperature is doubled by hand
// predicts softmax(s/2 + shift) for the covered classes.
func TestCalibrationInPredict(t *testing.T) {
	m := toyModel(t)
	if m.calib.method != CalibTemperature || !(m.calib.temperature() > 0) {
		t.Fatalf("toy model calibration %+v, want a positive temperature", m.calib)
	}
	if err := m.SetTarget(TargetUniform); err != nil {
		t.Fatal(err)
	}
	x := []float64{0.3, 2, 5}
	K := len(m.covered)
	s := make([]float64, K)
	m.logProbs(s, m.standardised(nil, x))
	for _, T := range []float64{0.5, 1, 2, 4} {
		for k := range m.calib.scale {
			m.calib.scale[k] = 1 / T
		}
		p, err := m.Predict(nil, x)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]float64, K)
		for k := range want {
			want[k] = s[k]/T + m.shift[k]
		}
		logSoftmax(want)
		for k, c := range m.covered {
			if w := m.mass * math.Exp(want[k]); math.Abs(p[c]-w) > 1e-12 {
				t.Errorf("T=%g: p(%d) = %.15f, want %.15f", T, c, p[c], w)
			}
		}
	}
}
