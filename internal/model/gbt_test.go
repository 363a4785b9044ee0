package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// This file holds a small multiclass gradient-boosted tree ensemble that
// TestCompareGBT measures against (and averages with) the logistic
// regression. It is test code: it did not beat the regression on the GTZAN
// validation split (docs/model.md), so it is not part of the model file.

// gbtConfig sets a multiclass softmax gradient-boosted tree ensemble.
type gbtConfig struct {
	// Rounds is the number of boosting rounds; each round grows one tree
	// per class.
	Rounds int
	// Depth is the largest depth of a tree (1 = stumps).
	Depth int
	// Eta is the shrinkage applied to every leaf value.
	Eta float64
	// Lambda is the L2 penalty on leaf values: a leaf's value is
	// −Eta·G/(H + Lambda), G and H being the sums of the gradients and
	// Hessians of its rows.
	Lambda float64
	// MinChild is the smallest Hessian sum a child of a split may have.
	MinChild float64
	// Subsample is the fraction of rows drawn (without replacement) for
	// each round; 0 or 1 means all rows.
	Subsample float64
	// ColSample is the fraction of columns drawn for each tree; 0 or 1
	// means all columns.
	ColSample float64
	// Seed seeds the PCG generator of the row and column draws.
	Seed uint64
}

// String is a short label for tables.
func (c gbtConfig) String() string {
	return fmt.Sprintf("depth %d, η %g, λ %g, min child %g, rows %g, cols %g, %d rounds",
		c.Depth, c.Eta, c.Lambda, c.MinChild, c.Subsample, c.ColSample, c.Rounds)
}

// gbtNode is a node of a regression tree: an internal node sends x to left
// when x[feature] ≤ thresh, else to right; a leaf (feature < 0) holds its
// value, shrinkage included.
type gbtNode struct {
	feature     int
	thresh      float64
	left, right int
	value       float64
}

// gbtTree is a regression tree; node 0 is its root.
type gbtTree []gbtNode

// eval returns the leaf value that x reaches.
func (t gbtTree) eval(x []float64) float64 {
	n := 0
	for t[n].feature >= 0 {
		if x[t[n].feature] <= t[n].thresh {
			n = t[n].left
		} else {
			n = t[n].right
		}
	}
	return t[n].value
}

// gbt is a fitted ensemble over K classes: the logit of class k is
// init[k] plus the sum of trees[r][k] over the rounds r.
type gbt struct {
	K     int
	init  []float64
	trees [][]gbtTree // rounds × K
}

// logits writes into out (length K) the logits of x after the first
// rounds rounds (all rounds if rounds is out of range).
func (g *gbt) logits(out, x []float64, rounds int) {
	if rounds < 0 || rounds > len(g.trees) {
		rounds = len(g.trees)
	}
	copy(out, g.init)
	for _, round := range g.trees[:rounds] {
		for k, t := range round {
			out[k] += t.eval(x)
		}
	}
}

// check rejects configurations the fit cannot honour.
func (c gbtConfig) check() error {
	switch {
	case c.Rounds < 1 || c.Rounds > 100000:
		return fmt.Errorf("GBT rounds %d, want 1..100000", c.Rounds)
	case c.Depth < 1 || c.Depth > 12:
		return fmt.Errorf("GBT depth %d, want 1..12", c.Depth)
	case !(c.Eta > 0 && c.Eta <= 1):
		return fmt.Errorf("GBT eta %v, want (0, 1]", c.Eta)
	case !(c.Lambda >= 0) || math.IsInf(c.Lambda, 0):
		return fmt.Errorf("GBT lambda %v, want a finite number ≥ 0", c.Lambda)
	case !(c.MinChild >= 0) || math.IsInf(c.MinChild, 0):
		return fmt.Errorf("GBT min child weight %v, want a finite number ≥ 0", c.MinChild)
	case !(c.Subsample >= 0 && c.Subsample <= 1):
		return fmt.Errorf("GBT subsample %v, want [0, 1]", c.Subsample)
	case !(c.ColSample >= 0 && c.ColSample <= 1):
		return fmt.Errorf("GBT column sample %v, want [0, 1]", c.ColSample)
	}
	return nil
}

// fitGBT fits a softmax gradient-boosted tree ensemble to rows X with
// labels y in [0, K). Every tree is grown level by level with exact splits
// (thresholds halfway between consecutive distinct values of the rows in
// the node) maximising the second-order gain
//
//	G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ),
//
// where g = p_k − [y = k] and h = p_k(1 − p_k) are the gradient and the
// diagonal Hessian of the log loss in the logit of class k. Trees start
// from the log class frequencies. Row and column draws come from one PCG
// generator seeded with cfg.Seed, and every loop runs in a fixed order, so
// the fit is a deterministic function of its inputs.
func fitGBT(X [][]float64, y []int, K int, cfg gbtConfig) (*gbt, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	n := len(X)
	if n == 0 || len(y) != n {
		return nil, fmt.Errorf("GBT: %d rows, %d labels", n, len(y))
	}
	D := len(X[0])
	count := make([]float64, K)
	for _, c := range y {
		if c < 0 || c >= K {
			return nil, fmt.Errorf("GBT: label %d outside [0, %d)", c, K)
		}
		count[c]++
	}
	g := &gbt{K: K, init: make([]float64, K)}
	for k, c := range count {
		g.init[k] = math.Log((c + 0.5) / (float64(n) + 0.5*float64(K)))
	}
	// order[j] lists the rows by increasing X[·][j] (ties by row index).
	order := make([][]int, D)
	for j := range order {
		o := make([]int, n)
		for i := range o {
			o[i] = i
		}
		slices.SortStableFunc(o, func(a, b int) int { return cmpFloat(X[a][j], X[b][j]) })
		order[j] = o
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x6a09e667f3bcc909))
	F := make([][]float64, n)
	for i := range F {
		F[i] = slices.Clone(g.init)
	}
	grad, hess := make([]float64, n), make([]float64, n)
	P := make([][]float64, n)
	for i := range P {
		P[i] = make([]float64, K)
	}
	inSample := make([]bool, n)
	nRows := n
	if cfg.Subsample > 0 && cfg.Subsample < 1 {
		nRows = max(1, int(math.Round(cfg.Subsample*float64(n))))
	}
	nCols := D
	if cfg.ColSample > 0 && cfg.ColSample < 1 {
		nCols = max(1, int(math.Round(cfg.ColSample*float64(D))))
	}
	b := newTreeBuilder(X, order, cfg)
	for r := 0; r < cfg.Rounds; r++ {
		for i := range P {
			copy(P[i], F[i])
			softmaxInPlace(P[i])
		}
		clear(inSample)
		for _, i := range rng.Perm(n)[:nRows] {
			inSample[i] = true
		}
		round := make([]gbtTree, K)
		for k := 0; k < K; k++ {
			for i := range grad {
				p := P[i][k]
				grad[i] = p
				if y[i] == k {
					grad[i]--
				}
				hess[i] = math.Max(p*(1-p), 1e-16)
			}
			cols := rng.Perm(D)[:nCols]
			slices.Sort(cols)
			t := b.grow(grad, hess, inSample, cols)
			for i, x := range X {
				F[i][k] += t.eval(x)
			}
			round[k] = t
		}
		g.trees = append(g.trees, round)
	}
	return g, nil
}

// cmpFloat orders floats (no NaNs in the model inputs).
func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// softmaxInPlace replaces logits by their softmax.
func softmaxInPlace(v []float64) {
	logSoftmax(v)
	for k := range v {
		v[k] = math.Exp(v[k])
	}
}

// treeBuilder grows regression trees on fixed rows; it keeps its scratch
// space between trees.
type treeBuilder struct {
	X      [][]float64
	order  [][]int
	cfg    gbtConfig
	nodeOf []int // node of each sampled row in the current tree, −1 if none
}

func newTreeBuilder(X [][]float64, order [][]int, cfg gbtConfig) *treeBuilder {
	return &treeBuilder{X: X, order: order, cfg: cfg, nodeOf: make([]int, len(X))}
}

// split is the best split found so far for one open node.
type split struct {
	gain    float64
	feature int
	thresh  float64
}

// grow fits one tree to gradients grad and Hessians hess of the rows with
// inSample[i], trying only the columns cols.
func (b *treeBuilder) grow(grad, hess []float64, inSample []bool, cols []int) gbtTree {
	lambda, minChild := b.cfg.Lambda, b.cfg.MinChild
	tree := gbtTree{{feature: -1}}
	G, H := []float64{0}, []float64{0} // per node
	for i := range b.nodeOf {
		b.nodeOf[i] = -1
		if inSample[i] {
			b.nodeOf[i] = 0
			G[0] += grad[i]
			H[0] += hess[i]
		}
	}
	open := []int{0}
	slotOf := []int{0} // per node: its index in open, or −1
	for depth := 0; depth < b.cfg.Depth && len(open) > 0; depth++ {
		best := make([]split, len(open))
		for s := range best {
			best[s].feature = -1
		}
		gl, hl := make([]float64, len(open)), make([]float64, len(open))
		last := make([]float64, len(open))
		started := make([]bool, len(open))
		for _, j := range cols {
			clear(gl)
			clear(hl)
			clear(started)
			for _, i := range b.order[j] {
				nd := b.nodeOf[i]
				if nd < 0 {
					continue
				}
				s := slotOf[nd]
				if s < 0 {
					continue
				}
				v := b.X[i][j]
				if started[s] && v > last[s] {
					hr := H[nd] - hl[s]
					if hl[s] >= minChild && hr >= minChild {
						gr := G[nd] - gl[s]
						gain := gl[s]*gl[s]/(hl[s]+lambda) + gr*gr/(hr+lambda) - G[nd]*G[nd]/(H[nd]+lambda)
						if gain > best[s].gain+1e-12 {
							best[s] = split{gain: gain, feature: j, thresh: last[s] + (v-last[s])/2}
						}
					}
				}
				gl[s] += grad[i]
				hl[s] += hess[i]
				last[s] = v
				started[s] = true
			}
		}
		var next []int
		for s, nd := range open {
			if best[s].feature < 0 {
				continue
			}
			l, r := len(tree), len(tree)+1
			tree[nd].feature, tree[nd].thresh = best[s].feature, best[s].thresh
			tree[nd].left, tree[nd].right = l, r
			tree = append(tree, gbtNode{feature: -1}, gbtNode{feature: -1})
			G, H = append(G, 0, 0), append(H, 0, 0)
			next = append(next, l, r)
		}
		slotOf = slices.Repeat([]int{-1}, len(tree))
		for s, nd := range next {
			slotOf[nd] = s
		}
		for i, nd := range b.nodeOf {
			if nd < 0 || tree[nd].feature < 0 {
				continue
			}
			c := tree[nd].right
			if b.X[i][tree[nd].feature] <= tree[nd].thresh {
				c = tree[nd].left
			}
			b.nodeOf[i] = c
			G[c] += grad[i]
			H[c] += hess[i]
		}
		open = next
	}
	for nd := range tree {
		if tree[nd].feature < 0 {
			tree[nd].value = -b.cfg.Eta * G[nd] / (H[nd] + lambda)
		}
	}
	return tree
}

// gbtFitter fits a GBT on the raw columns (trees do not care about
// monotone transforms, so no log or standardisation).
func gbtFitter(cfg gbtConfig) fitter {
	return func(t *testing.T, _ []string, X [][]float64, y []int, K int) func(dst, x []float64) {
		t.Helper()
		g, err := fitGBT(X, y, K, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return func(dst, x []float64) {
			g.logits(dst, x, -1)
			logSoftmax(dst)
		}
	}
}

// twoBlobs returns n rows per class of a K-class problem in D dimensions
// whose class is decided by the sign pattern of the first two columns
// (an XOR-like layout that a linear model cannot fit but depth-2 trees
// can); the other columns are noise.
func twoBlobs(n, D int, seed uint64) ([][]float64, []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	var X [][]float64
	var y []int
	for c := 0; c < 4; c++ {
		for range n {
			row := make([]float64, D)
			for j := range row {
				row[j] = rng.NormFloat64()
			}
			sx, sy := 1.0, 1.0
			if c&1 == 1 {
				sx = -1
			}
			if c&2 == 2 {
				sy = -1
			}
			row[0] = sx * (0.5 + math.Abs(row[0]))
			row[1] = sy * (0.5 + math.Abs(row[1]))
			X, y = append(X, row), append(y, c)
		}
	}
	return X, y
}

// meanLogLoss is the mean −log p(y|x) of g after rounds rounds.
func (g *gbt) meanLogLoss(X [][]float64, y []int, rounds int) (loss, acc float64) {
	l := make([]float64, g.K)
	for i, x := range X {
		g.logits(l, x, rounds)
		logSoftmax(l)
		loss -= l[y[i]]
		if slices.Index(l, slices.Max(l)) == y[i] {
			acc++
		}
	}
	return loss / float64(len(X)), acc / float64(len(X))
}

// TestGBTSeparable checks that the trees learn an XOR-like four-class
// problem on held-out rows, with and without subsampling, and that the
// training loss does not rise with the rounds.
func TestGBTSeparable(t *testing.T) {
	X, y := twoBlobs(60, 6, 1)
	Xt, yt := twoBlobs(100, 6, 2)
	for _, cfg := range []gbtConfig{
		{Rounds: 60, Depth: 2, Eta: 0.3, Lambda: 1, MinChild: 1, Seed: 1},
		{Rounds: 60, Depth: 3, Eta: 0.3, Lambda: 1, MinChild: 1, Subsample: 0.7, ColSample: 0.5, Seed: 2},
		{Rounds: 200, Depth: 1, Eta: 0.3, Lambda: 1, MinChild: 1, Seed: 3},
	} {
		t.Run(cfg.String(), func(t *testing.T) {
			g, err := fitGBT(X, y, 4, cfg)
			if err != nil {
				t.Fatal(err)
			}
			l0, _ := g.meanLogLoss(X, y, 0)
			l1, _ := g.meanLogLoss(X, y, cfg.Rounds/2)
			l2, _ := g.meanLogLoss(X, y, -1)
			if math.Abs(l0-math.Log(4)) > 1e-9 {
				t.Errorf("loss before any round %.4f, want log 4 (balanced classes)", l0)
			}
			// Once the rows are fitted, h = p(1 − p) falls below the
			// min child weight and growth stops, so the loss may plateau.
			if !(l2 <= l1+1e-3 && l1 < l0) {
				t.Errorf("training loss does not fall: %.6f, %.6f, %.6f", l0, l1, l2)
			}
			lt, acc := g.meanLogLoss(Xt, yt, -1)
			if acc < 0.97 || lt > 0.2 {
				t.Errorf("held-out accuracy %.3f, log loss %.3f; want ≥ 0.97, ≤ 0.2", acc, lt)
			}
		})
	}
}

// TestGBTNewtonStep checks one stump round against the Newton step worked
// out by hand: two classes, one column, a perfect split.
func TestGBTNewtonStep(t *testing.T) {
	X := [][]float64{{0}, {1}, {2}, {3}}
	y := []int{0, 0, 1, 1}
	cfg := gbtConfig{Rounds: 1, Depth: 1, Eta: 0.5, Lambda: 1, MinChild: 0}
	g, err := fitGBT(X, y, 2, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Balanced start: p = ½, so g = ±½ and h = ¼ per row. The best split
	// is at 1.5; the left leaf of class 0 has G = −1, H = ½, so its value
	// is −η·G/(H+λ) = 0.5·1/1.5.
	t0 := g.trees[0][0]
	if t0[0].feature != 0 || t0[0].thresh != 1.5 {
		t.Fatalf("root split %d ≤ %v, want 0 ≤ 1.5", t0[0].feature, t0[0].thresh)
	}
	for _, tc := range []struct {
		tree gbtTree
		x    float64
		want float64
	}{
		{g.trees[0][0], 0, 0.5 / 1.5}, {g.trees[0][0], 3, -0.5 / 1.5},
		{g.trees[0][1], 0, -0.5 / 1.5}, {g.trees[0][1], 3, 0.5 / 1.5},
	} {
		if got := tc.tree.eval([]float64{tc.x}); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("leaf of x = %v: %v, want %v", tc.x, got, tc.want)
		}
	}
}

// TestGBTDeterministic fits the same subsampled configuration twice and
// requires identical trees; a different seed must give different trees.
func TestGBTDeterministic(t *testing.T) {
	X, y := twoBlobs(40, 8, 5)
	cfg := gbtConfig{Rounds: 30, Depth: 3, Eta: 0.1, Lambda: 1, MinChild: 0.5, Subsample: 0.8, ColSample: 0.5, Seed: 9}
	a, err := fitGBT(X, y, 4, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := fitGBT(X, y, 4, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(a.trees, b.trees, func(p, q []gbtTree) bool {
		return slices.EqualFunc(p, q, func(u, v gbtTree) bool { return slices.Equal(u, v) })
	}) {
		t.Error("two fits with the same seed differ")
	}
	cfg.Seed = 10
	c, err := fitGBT(X, y, 4, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if slices.EqualFunc(a.trees, c.trees, func(p, q []gbtTree) bool {
		return slices.EqualFunc(p, q, func(u, v gbtTree) bool { return slices.Equal(u, v) })
	}) {
		t.Error("fits with seeds 9 and 10 are identical: the seed is not used")
	}
}

// TestGBTConfigCheck rejects out-of-range settings.
func TestGBTConfigCheck(t *testing.T) {
	ok := gbtConfig{Rounds: 10, Depth: 3, Eta: 0.1, Lambda: 1, MinChild: 1}
	for _, tc := range []struct {
		name string
		edit func(*gbtConfig)
	}{
		{"no rounds", func(c *gbtConfig) { c.Rounds = 0 }},
		{"depth 0", func(c *gbtConfig) { c.Depth = 0 }},
		{"eta 0", func(c *gbtConfig) { c.Eta = 0 }},
		{"negative lambda", func(c *gbtConfig) { c.Lambda = -1 }},
		{"NaN min child", func(c *gbtConfig) { c.MinChild = math.NaN() }},
		{"subsample 2", func(c *gbtConfig) { c.Subsample = 2 }},
		{"colsample -1", func(c *gbtConfig) { c.ColSample = -1 }},
	} {
		c := ok
		tc.edit(&c)
		if err := c.check(); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	if err := ok.check(); err != nil {
		t.Errorf("valid config rejected: %v", err)
	}
}
