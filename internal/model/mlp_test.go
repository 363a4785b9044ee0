package model

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// This file holds the small multilayer perceptron that TestCompareGTZAN
// measures against (and averages with) the logistic regression. It did not
// help on the GTZAN validation split, so it is test code, not part of the
// shipped model.

// MLPConfig sets a one-hidden-layer perceptron.
type MLPConfig struct {
	// Hidden is the number of tanh hidden units; 0 means no MLP.
	Hidden int
	// L2 is the weight decay λ: the objective is the mean negative
	// log-likelihood plus λ/(2n)·(‖W1‖² + ‖W2‖²); biases are not penalised.
	L2 float64
	// Seed seeds the PCG generator of the initial weights.
	Seed uint64
	// MaxIter bounds the L-BFGS iterations.
	MaxIter int
	// Patience stops training after this many iterations without a better
	// log loss on the early-stopping rows.
	Patience int
	// StopFrac is the fraction of each class's rows (the last ones, in
	// input order) held out for early stopping.
	StopFrac float64
}

// check validates an MLPConfig with Hidden > 0.
func (c MLPConfig) check() error {
	switch {
	case c.Hidden < 0 || c.Hidden > 4096:
		return fmt.Errorf("MLP hidden units %d, want 0..4096", c.Hidden)
	case c.Hidden == 0:
		return nil
	case !(c.L2 >= 0) || math.IsInf(c.L2, 0):
		return fmt.Errorf("MLP L2 %v, want a finite number ≥ 0", c.L2)
	case c.MaxIter < 1 || c.Patience < 1:
		return fmt.Errorf("MLP max_iter %d, patience %d, want ≥ 1", c.MaxIter, c.Patience)
	case !(c.StopFrac > 0 && c.StopFrac < 1):
		return fmt.Errorf("MLP stop fraction %v, want (0, 1)", c.StopFrac)
	}
	return nil
}

// mlp is a one-hidden-layer perceptron: h = tanh(W1 z + b1), logits =
// W2 h + b2. Its parameters live in one slice, θ = [W1 (H×D); b1 (H);
// W2 (K×H); b2 (K)], row-major.
type mlp struct {
	D, H, K int
	theta   []float64
	// What training did, for the model file.
	iterations int // L-BFGS iterations of the kept parameters
	stopLoss   float64
}

func (m *mlp) parts(theta []float64) (w1, b1, w2, b2 []float64) {
	D, H, K := m.D, m.H, m.K
	w1 = theta[:H*D]
	b1 = theta[H*D : H*D+H]
	w2 = theta[H*D+H : H*D+H+K*H]
	b2 = theta[H*D+H+K*H:]
	return
}

func mlpSize(D, H, K int) int { return H*D + H + K*H + K }

// forward writes the hidden activations of z into h and the logits into
// out, using parameters theta.
func (m *mlp) forward(theta, z, h, out []float64) {
	w1, b1, w2, b2 := m.parts(theta)
	D, H := m.D, m.H
	for j := 0; j < H; j++ {
		h[j] = math.Tanh(b1[j] + dot(w1[j*D:(j+1)*D], z))
	}
	for k := range out {
		out[k] = b2[k] + dot(w2[k*H:(k+1)*H], h)
	}
}

// mlpLoss is the penalised mean negative log-likelihood of an mlp over
// standardised rows Z (n×D) with labels y.
type mlpLoss struct {
	net    *mlp
	Z      []float64
	y      []int
	l2     float64 // λ/n
	h, dh  []float64
	logits []float64
}

func newMLPLoss(net *mlp, Z []float64, y []int, lambda float64) *mlpLoss {
	return &mlpLoss{net: net, Z: Z, y: y, l2: lambda / float64(len(y)),
		h: make([]float64, net.H), dh: make([]float64, net.H), logits: make([]float64, net.K)}
}

func (o *mlpLoss) eval(theta, g []float64) float64 {
	net := o.net
	D, H, K := net.D, net.H, net.K
	w1, _, w2, _ := net.parts(theta)
	gw1, gb1, gw2, gb2 := net.parts(g)
	clear(g)
	inv := 1 / float64(len(o.y))
	var loss float64
	for i, yi := range o.y {
		z := o.Z[i*D : (i+1)*D]
		net.forward(theta, z, o.h, o.logits)
		loss += logSoftmaxInPlace(o.logits, yi)
		// o.logits now holds the probabilities.
		clear(o.dh)
		for k := 0; k < K; k++ {
			r := o.logits[k]
			if k == yi {
				r--
			}
			r *= inv
			axpy(r, o.h, gw2[k*H:(k+1)*H])
			gb2[k] += r
			axpy(r, w2[k*H:(k+1)*H], o.dh)
		}
		for j := 0; j < H; j++ {
			d := o.dh[j] * (1 - o.h[j]*o.h[j])
			axpy(d, z, gw1[j*D:(j+1)*D])
			gb1[j] += d
		}
	}
	loss *= inv
	var ww float64
	for i, w := range w1 {
		ww += w * w
		gw1[i] += o.l2 * w
	}
	for i, w := range w2 {
		ww += w * w
		gw2[i] += o.l2 * w
	}
	return loss + 0.5*o.l2*ww
}

// logSoftmaxInPlace replaces logits by their softmax and returns
// −log softmax(logits)_y.
func logSoftmaxInPlace(logits []float64, y int) float64 {
	maxL := math.Inf(-1)
	for _, l := range logits {
		maxL = math.Max(maxL, l)
	}
	ly := logits[y]
	var sum float64
	for k, l := range logits {
		logits[k] = math.Exp(l - maxL)
		sum += logits[k]
	}
	for k := range logits {
		logits[k] /= sum
	}
	return maxL + math.Log(sum) - ly
}

// stopSplit marks, per class, the last ⌈frac·n_c⌉ rows (in input order,
// at most n_c − 1) as early-stopping rows. On a table in GTZAN file order
// these are contiguous clip numbers, which mostly keeps artists apart.
func stopSplit(y []int, K int, frac float64) []bool {
	count := make([]int, K)
	for _, c := range y {
		count[c]++
	}
	hold := make([]int, K)
	for c, n := range count {
		hold[c] = min(n-1, int(math.Ceil(frac*float64(n))))
	}
	seen := make([]int, K)
	stop := make([]bool, len(y))
	for i, c := range y {
		seen[c]++
		stop[i] = seen[c] > count[c]-hold[c]
	}
	return stop
}

// trainMLP fits an mlp to the standardised rows Z (n×D) with covered-class
// labels y, early-stopped on a per-class held-out tail (stopSplit). It is
// deterministic: the initial weights come from cfg.Seed, and L-BFGS runs
// sequentially.
func trainMLP(Z []float64, y []int, D, K int, cfg MLPConfig) (*mlp, error) {
	stop := stopSplit(y, K, cfg.StopFrac)
	var fitZ, stopZ []float64
	var fitY, stopY []int
	for i, c := range y {
		row := Z[i*D : (i+1)*D]
		if stop[i] {
			stopZ, stopY = append(stopZ, row...), append(stopY, c)
		} else {
			fitZ, fitY = append(fitZ, row...), append(fitY, c)
		}
	}
	if len(stopY) == 0 || len(fitY) == 0 {
		return nil, fmt.Errorf("MLP: %d fitting and %d early-stopping rows, want both > 0", len(fitY), len(stopY))
	}
	net := &mlp{D: D, H: cfg.Hidden, K: K}
	theta := make([]float64, mlpSize(D, cfg.Hidden, K))
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15))
	w1, _, w2, _ := net.parts(theta)
	a1 := math.Sqrt(6 / float64(D+cfg.Hidden)) // Glorot uniform
	for i := range w1 {
		w1[i] = a1 * (2*rng.Float64() - 1)
	}
	a2 := math.Sqrt(6 / float64(cfg.Hidden+K))
	for i := range w2 {
		w2[i] = a2 * (2*rng.Float64() - 1)
	}

	best := append([]float64(nil), theta...)
	bestLoss, bestIt := net.meanLoss(theta, stopZ, stopY), 0
	watch := func(it int, x []float64) bool {
		if l := net.meanLoss(x, stopZ, stopY); l < bestLoss {
			bestLoss, bestIt = l, it
			copy(best, x)
		}
		return it-bestIt < cfg.Patience
	}
	obj := newMLPLoss(net, fitZ, fitY, cfg.L2)
	minimiseWatched(obj.eval, theta, cfg.MaxIter, 1e-9, watch)
	if !finite(best...) {
		return nil, fmt.Errorf("MLP: training diverged")
	}
	net.theta, net.iterations, net.stopLoss = best, bestIt, bestLoss
	return net, nil
}

// meanLoss is the mean negative log-likelihood of rows Z with labels y
// under parameters theta.
func (m *mlp) meanLoss(theta, Z []float64, y []int) float64 {
	h := make([]float64, m.H)
	logits := make([]float64, m.K)
	var loss float64
	for i, c := range y {
		m.forward(theta, Z[i*m.D:(i+1)*m.D], h, logits)
		loss += logSoftmaxInPlace(logits, c)
	}
	return loss / float64(len(y))
}
