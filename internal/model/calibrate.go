package model

import (
	"fmt"
	"math"
)

// Calibration methods (TrainConfig.Calibration).
const (
	// CalibNone leaves the base predictor's probabilities as they are.
	CalibNone = "none"
	// CalibTemperature divides the base log-probabilities by one fitted
	// temperature T.
	CalibTemperature = "temperature"
	// CalibVector fits a scale and a bias per covered class.
	CalibVector = "vector"
)

// vectorRidge is the L2 pull, per row, of vector scaling towards the
// identity map (scale 1, bias 0); it keeps the 2K parameters tame on a few
// hundred held-out rows.
const vectorRidge = 1e-2

// calibration maps the log-probabilities s_k of the base predictor over the
// covered classes to calibrated logits a_k·s_k + b_k. Temperature scaling
// is a_k = 1/T, b_k = 0; the identity is a_k = 1, b_k = 0.
type calibration struct {
	method string
	scale  []float64 // a, one per covered class
	bias   []float64 // b, one per covered class
}

// identityCalibration returns the map that changes nothing.
func identityCalibration(K int) calibration {
	c := calibration{method: CalibNone, scale: make([]float64, K), bias: make([]float64, K)}
	for k := range c.scale {
		c.scale[k] = 1
	}
	return c
}

// temperature returns T of a temperature calibration (1/a), or 1.
func (c calibration) temperature() float64 {
	if c.method != CalibTemperature || len(c.scale) == 0 {
		return 1
	}
	return 1 / c.scale[0]
}

// checkCalibrationMethod rejects unknown method names.
func checkCalibrationMethod(method string) error {
	switch method {
	case CalibNone, CalibTemperature, CalibVector:
		return nil
	}
	return fmt.Errorf("calibration %q, want %q, %q or %q", method, CalibNone, CalibTemperature, CalibVector)
}

// fitCalibration fits a calibration of the given method to held-out
// base log-probabilities S (n rows of K values) with true covered-class
// indices y, by minimising the mean negative log-likelihood (plus, for
// vector scaling, vectorRidge·(‖a−1‖² + ‖b‖²)) with L-BFGS from the
// identity. The objective is convex in (a, b), so the fit is unique.
func fitCalibration(method string, S [][]float64, y []int, K int) (calibration, error) {
	if err := checkCalibrationMethod(method); err != nil {
		return calibration{}, err
	}
	c := identityCalibration(K)
	c.method = method
	if method == CalibNone {
		return c, nil
	}
	if len(S) == 0 || len(S) != len(y) {
		return c, fmt.Errorf("calibration: %d rows of scores, %d labels", len(S), len(y))
	}
	vector := method == CalibVector
	var theta []float64
	if vector {
		theta = make([]float64, 2*K) // a−1, b
	} else {
		theta = make([]float64, 1) // a−1
	}
	logits := make([]float64, K)
	n := float64(len(y))
	f := func(th, g []float64) float64 {
		clear(g)
		var loss float64
		for i, s := range S {
			maxL := math.Inf(-1)
			for k := 0; k < K; k++ {
				a, b := 1+th[0], 0.0
				if vector {
					a, b = 1+th[k], th[K+k]
				}
				logits[k] = a*s[k] + b
				maxL = math.Max(maxL, logits[k])
			}
			var sum float64
			for k := range logits {
				logits[k] = math.Exp(logits[k] - maxL)
				sum += logits[k]
			}
			loss -= math.Log(logits[y[i]] / sum)
			for k := 0; k < K; k++ {
				r := logits[k] / sum
				if k == y[i] {
					r--
				}
				if vector {
					g[k] += r * s[k] / n
					g[K+k] += r / n
				} else {
					g[0] += r * s[k] / n
				}
			}
		}
		loss /= n
		if vector {
			for j, v := range th {
				loss += vectorRidge * v * v
				g[j] += 2 * vectorRidge * v
			}
		}
		return loss
	}
	res := minimise(f, theta, 500, 1e-9)
	if !finite(theta...) || !finite(res.Value) {
		return c, fmt.Errorf("calibration %s: fit diverged", method)
	}
	for k := 0; k < K; k++ {
		if vector {
			c.scale[k], c.bias[k] = 1+theta[k], theta[K+k]
		} else {
			c.scale[k] = 1 + theta[0]
		}
	}
	if vector {
		// Biases are defined up to a common constant; centre them.
		var mean float64
		for _, b := range c.bias {
			mean += b / float64(K)
		}
		for k := range c.bias {
			c.bias[k] -= mean
		}
	}
	return c, nil
}

// apply writes into out the calibrated logits of the log-probabilities s.
func (c calibration) apply(out, s []float64) {
	for k, v := range s {
		out[k] = c.scale[k]*v + c.bias[k]
	}
}
