package model

import "math"

// objective evaluates a smooth function at x, writes its gradient into g
// and returns its value.
type objective func(x, g []float64) float64

// lbfgsResult reports how a minimisation ended.
type lbfgsResult struct {
	Iterations int
	Converged  bool    // max |gradient| ≤ tol was reached
	Value      float64 // objective at the returned point
	GradMax    float64 // max |gradient| at the returned point
}

// lbfgsMemory is the number of correction pairs kept.
const lbfgsMemory = 10

// minimise runs L-BFGS with a backtracking (Armijo) line search from x,
// which it overwrites with the minimiser. It stops when the largest
// gradient component is at most tol, after maxIter iterations, or when the
// line search can make no progress. Every loop runs in a fixed order, so
// the result is a deterministic function of the input.
func minimise(f objective, x []float64, maxIter int, tol float64) lbfgsResult {
	return minimiseWatched(f, x, maxIter, tol, nil)
}

// watcher is called by minimiseWatched after every accepted iteration with
// the iteration number and the current point (which it must not modify or
// keep); returning false stops the minimisation there.
type watcher func(it int, x []float64) bool

// minimiseWatched is minimise with a watcher (nil for none), used for early
// stopping.
func minimiseWatched(f objective, x []float64, maxIter int, tol float64, watch watcher) lbfgsResult {
	n := len(x)
	g := make([]float64, n)
	xNew := make([]float64, n)
	gNew := make([]float64, n)
	d := make([]float64, n)
	s := make([][]float64, lbfgsMemory)
	y := make([][]float64, lbfgsMemory)
	rho := make([]float64, lbfgsMemory)
	alpha := make([]float64, lbfgsMemory)
	for k := range s {
		s[k] = make([]float64, n)
		y[k] = make([]float64, n)
	}
	stored, head := 0, 0 // number of pairs, index of the next slot

	fx := f(x, g)
	res := lbfgsResult{Value: fx, GradMax: maxAbs(g)}
	if res.GradMax <= tol {
		res.Converged = true
		return res
	}
	for it := 1; it <= maxIter; it++ {
		// Two-loop recursion: d = −H·g.
		for i := range d {
			d[i] = -g[i]
		}
		for k := 0; k < stored; k++ {
			j := (head - 1 - k + lbfgsMemory) % lbfgsMemory
			alpha[j] = rho[j] * dot(s[j], d)
			axpy(-alpha[j], y[j], d)
		}
		if stored > 0 {
			j := (head - 1 + lbfgsMemory) % lbfgsMemory
			gamma := dot(s[j], y[j]) / dot(y[j], y[j])
			for i := range d {
				d[i] *= gamma
			}
		}
		for k := stored - 1; k >= 0; k-- {
			j := (head - 1 - k + lbfgsMemory) % lbfgsMemory
			beta := rho[j] * dot(y[j], d)
			axpy(alpha[j]-beta, s[j], d)
		}
		slope := dot(g, d)
		if !(slope < 0) { // not a descent direction: restart from −g
			for i := range d {
				d[i] = -g[i]
			}
			slope = dot(g, d)
			stored = 0
		}
		step := 1.0
		if stored == 0 {
			step = math.Min(1, 1/math.Sqrt(-slope))
		}
		// Backtracking line search with the Armijo condition.
		var fNew float64
		accepted := false
		for try := 0; try < 60; try++ {
			for i := range x {
				xNew[i] = x[i] + step*d[i]
			}
			fNew = f(xNew, gNew)
			if fNew <= fx+1e-4*step*slope {
				accepted = true
				break
			}
			step *= 0.5
		}
		res.Iterations = it
		if !accepted {
			return res
		}
		// Store the correction pair if it keeps H positive definite.
		sy, yy := 0.0, 0.0
		for i := range x {
			si, yi := xNew[i]-x[i], gNew[i]-g[i]
			s[head][i], y[head][i] = si, yi
			sy += si * yi
			yy += yi * yi
		}
		if sy > 1e-12*yy && sy > 0 {
			rho[head] = 1 / sy
			head = (head + 1) % lbfgsMemory
			stored = min(stored+1, lbfgsMemory)
		}
		copy(x, xNew)
		copy(g, gNew)
		prev := fx
		fx = fNew
		res.Value, res.GradMax = fx, maxAbs(g)
		if watch != nil && !watch(it, x) {
			return res
		}
		if res.GradMax <= tol {
			res.Converged = true
			return res
		}
		if prev-fx <= 1e-16*math.Max(1, math.Abs(fx)) {
			// No measurable progress in float64: stop where we are.
			return res
		}
	}
	return res
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// axpy sets y += a·x.
func axpy(a float64, x, y []float64) {
	for i := range x {
		y[i] += a * x[i]
	}
}

func maxAbs(a []float64) float64 {
	var m float64
	for _, v := range a {
		m = math.Max(m, math.Abs(v))
	}
	return m
}
