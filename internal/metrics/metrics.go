package metrics

import (
	"math"

	"github.com/genrec/genrec/internal/genre"
)

const (
	// ClipEps is the lower clipping bound of probabilities in the log loss.
	ClipEps = 1e-15
	// ECEBins is the number of equal-width confidence bins of the ECE.
	ECEBins = 15
)

// ClassScore holds the one-vs-rest figures of one class.
type ClassScore struct {
	// Support is the number of rows whose true class is this class.
	Support int
	// Predicted is the number of rows whose top-1 class is this class.
	Predicted int
	// Correct is the number of rows both true and predicted as this class.
	Correct int
	// Precision is Correct/Predicted, 0 when nothing was predicted.
	Precision float64
	// Recall is Correct/Support, 0 when the class has no support.
	Recall float64
	// F1 is the harmonic mean of Precision and Recall, 0 when both are 0.
	F1 float64
}

// Bin is one confidence bin of the reliability diagram.
type Bin struct {
	// Lo and Hi bound the bin: it holds top-1 confidences in (Lo, Hi] (the
	// first bin also holds 0).
	Lo, Hi float64
	// N is the number of rows whose top-1 confidence falls in the bin.
	N int
	// Confidence is their mean top-1 confidence, 0 when N is 0.
	Confidence float64
	// Accuracy is the fraction of them whose top-1 class is right, 0 when
	// N is 0.
	Accuracy float64
}

// Report holds the scores of a set of predictions.
type Report struct {
	// N is the number of rows scored.
	N int
	// Skipped counts rows left out: labels outside [0, genre.N), or rows
	// without a partner because probs and labels differ in length.
	Skipped int
	// LogLoss is the mean negative log probability of the true class after
	// clipping to [ClipEps, 1] and row renormalisation.
	LogLoss float64
	// MacroF1 is the mean F1 over the classes in Present.
	MacroF1 float64
	// Accuracy is the fraction of rows whose top-1 class is the true class.
	Accuracy float64
	// ECE is the expected calibration error of the top-1 confidence over
	// ECEBins equal-width bins.
	ECE float64
	// MeanConfidence is the mean top-1 probability; for calibrated
	// predictions it is close to Accuracy.
	MeanConfidence float64
	// Bins are the ECEBins equal-width confidence bins the ECE is computed
	// from: the reliability diagram.
	Bins [ECEBins]Bin
	// Confusion counts rows by true class (row) and top-1 class (column).
	Confusion [genre.N][genre.N]int
	// Present lists, ascending, the classes that occur among the true labels.
	Present []int
	// PerClass holds the one-vs-rest figures of every class.
	PerClass [genre.N]ClassScore
}

// Evaluate scores probs, one row of class probabilities per item in
// genre.Classes order, against labels, the true class indices. Rows are
// paired by position; see Report.Skipped for rows that cannot be scored.
// Non-finite or negative probabilities are treated as 0 (then clipped).
// With no scorable rows all figures are 0.
func Evaluate(probs [][genre.N]float64, labels []int) Report {
	var r Report
	n := min(len(probs), len(labels))
	r.Skipped = max(len(probs), len(labels)) - n

	var (
		sumLoss  float64
		binN     [ECEBins]int
		binConf  [ECEBins]float64
		binRight [ECEBins]int
	)
	for i := 0; i < n; i++ {
		y := labels[i]
		if y < 0 || y >= genre.N {
			r.Skipped++
			continue
		}
		p := normalise(probs[i])
		top := 0
		for c := 1; c < genre.N; c++ {
			if p[c] > p[top] {
				top = c
			}
		}
		r.N++
		sumLoss -= math.Log(p[y])
		r.Confusion[y][top]++
		b := int(math.Ceil(p[top]*ECEBins)) - 1
		b = max(0, min(ECEBins-1, b))
		binN[b]++
		binConf[b] += p[top]
		if top == y {
			binRight[b]++
		}
	}
	if r.N == 0 {
		return r
	}
	N := float64(r.N)
	r.LogLoss = sumLoss / N
	for b := range binN {
		r.Bins[b] = Bin{Lo: float64(b) / ECEBins, Hi: float64(b+1) / ECEBins, N: binN[b]}
		r.MeanConfidence += binConf[b] / N
		if binN[b] == 0 {
			continue
		}
		nb := float64(binN[b])
		r.Bins[b].Confidence, r.Bins[b].Accuracy = binConf[b]/nb, float64(binRight[b])/nb
		r.ECE += nb / N * math.Abs(r.Bins[b].Accuracy-r.Bins[b].Confidence)
	}
	correct := 0
	for c := 0; c < genre.N; c++ {
		s := &r.PerClass[c]
		s.Correct = r.Confusion[c][c]
		correct += s.Correct
		for k := 0; k < genre.N; k++ {
			s.Support += r.Confusion[c][k]
			s.Predicted += r.Confusion[k][c]
		}
		if s.Predicted > 0 {
			s.Precision = float64(s.Correct) / float64(s.Predicted)
		}
		if s.Support > 0 {
			s.Recall = float64(s.Correct) / float64(s.Support)
			r.Present = append(r.Present, c)
		}
		if s.Precision+s.Recall > 0 {
			s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
		}
	}
	r.Accuracy = float64(correct) / N
	for _, c := range r.Present {
		r.MacroF1 += r.PerClass[c].F1
	}
	r.MacroF1 /= float64(len(r.Present))
	return r
}

// normalise clips a row to [ClipEps, 1] (non-finite and negative values
// count as 0) and rescales it to sum to 1.
func normalise(row [genre.N]float64) [genre.N]float64 {
	var sum float64
	for c, v := range row {
		if !(v >= ClipEps) || math.IsInf(v, 0) { // also catches NaN
			v = ClipEps
		}
		v = min(v, 1)
		row[c] = v
		sum += v
	}
	for c := range row {
		row[c] /= sum
	}
	return row
}
