// Package report writes the figures of an evaluation to a folder: a
// reliability diagram and a confusion matrix as PNG pictures (drawn with
// gonum/plot) and the numbers behind them as JSON.
//
// Write produces, in the folder it is given:
//
//   - reliability.png: for each of the metrics.ECEBins equal-width bins of
//     top-1 confidence that holds rows, a bar from 0 to the bin's accuracy
//     over the bin's width, a dot at (mean confidence, accuracy) labelled
//     with the number of rows, and the diagonal of perfect calibration; the
//     title gives the ECE, accuracy and mean confidence;
//   - confusion.png: the confusion matrix over the classes that occur as
//     true or predicted class, rows true and columns predicted, each cell
//     shaded by its share of its row (the class's recall on the diagonal)
//     and labelled with its count;
//   - report.json: the figures (log loss, macro F1, accuracy, ECE, mean
//     confidence), the reliability bins, the per-class scores and the
//     confusion matrix, plus a free-form description of what was scored.
//
// Every file is written atomically (temporary file, then rename).
package report

import (
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/genrec/genrec/internal/atomicfile"
	"github.com/genrec/genrec/internal/genre"
	"github.com/genrec/genrec/internal/metrics"
)

// File names written by Write.
const (
	ReliabilityFile = "reliability.png"
	ConfusionFile   = "confusion.png"
	JSONFile        = "report.json"
)

// Figures is the content of report.json.
type Figures struct {
	// Description says what was scored (model, data, target prior).
	Description string `json:"description"`
	// Rows is the number of rows scored.
	Rows int `json:"rows"`
	// LogLoss, MacroF1, Accuracy, ECE and MeanConfidence are those of
	// metrics.Report.
	LogLoss        float64 `json:"log_loss"`
	MacroF1        float64 `json:"macro_f1"`
	Accuracy       float64 `json:"accuracy"`
	ECE            float64 `json:"ece"`
	MeanConfidence float64 `json:"mean_confidence"`
	// Reliability holds the confidence bins of the ECE.
	Reliability []BinJSON `json:"reliability"`
	// Classes names the classes of PerClass and Confusion: those that occur
	// as true or predicted class, in genre.Classes order.
	Classes []string `json:"classes"`
	// PerClass holds precision, recall, F1, support and predicted count
	// per class of Classes.
	PerClass []ClassJSON `json:"per_class"`
	// Confusion counts rows by true class (row) and predicted class
	// (column), both indexed like Classes.
	Confusion [][]int `json:"confusion"`
}

// BinJSON is one reliability bin.
type BinJSON struct {
	Lo         float64 `json:"lo"`
	Hi         float64 `json:"hi"`
	N          int     `json:"n"`
	Confidence float64 `json:"confidence"`
	Accuracy   float64 `json:"accuracy"`
}

// ClassJSON holds the one-vs-rest scores of one class.
type ClassJSON struct {
	Class     string  `json:"class"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
	Predicted int     `json:"predicted"`
}

// NewFigures collects the figures of r.
func NewFigures(r metrics.Report, description string) Figures {
	f := Figures{
		Description: description, Rows: r.N,
		LogLoss: r.LogLoss, MacroF1: r.MacroF1, Accuracy: r.Accuracy, ECE: r.ECE, MeanConfidence: r.MeanConfidence,
		Reliability: make([]BinJSON, 0, len(r.Bins)),
	}
	for _, b := range r.Bins {
		f.Reliability = append(f.Reliability, BinJSON(b))
	}
	shown := shownClasses(r)
	for _, c := range shown {
		s := r.PerClass[c]
		f.Classes = append(f.Classes, genre.Classes[c])
		f.PerClass = append(f.PerClass, ClassJSON{genre.Classes[c], s.Precision, s.Recall, s.F1, s.Support, s.Predicted})
		row := make([]int, 0, len(shown))
		for _, p := range shown {
			row = append(row, r.Confusion[c][p])
		}
		f.Confusion = append(f.Confusion, row)
	}
	return f
}

// shownClasses lists the classes that occur as true or predicted class.
func shownClasses(r metrics.Report) []int {
	var shown []int
	for c := 0; c < genre.N; c++ {
		if r.PerClass[c].Support > 0 || r.PerClass[c].Predicted > 0 {
			shown = append(shown, c)
		}
	}
	return shown
}

// Write creates dir if needed and writes reliability.png, confusion.png
// and report.json for r into it; description says what was scored.
func Write(dir string, r metrics.Report, description string) error {
	if r.N == 0 {
		return fmt.Errorf("report %s: no rows scored", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	rel, err := Reliability(r)
	if err != nil {
		return fmt.Errorf("report %s: reliability diagram: %w", dir, err)
	}
	conf, err := Confusion(r)
	if err != nil {
		return fmt.Errorf("report %s: confusion matrix: %w", dir, err)
	}
	for _, fig := range []struct {
		name string
		p    *plot.Plot
		w, h vg.Length
	}{
		{ReliabilityFile, rel, 12 * vg.Centimeter, 12 * vg.Centimeter},
		{ConfusionFile, conf, 15 * vg.Centimeter, 14 * vg.Centimeter},
	} {
		wt, err := fig.p.WriterTo(fig.w, fig.h, "png")
		if err != nil {
			return fmt.Errorf("report %s: %s: %w", dir, fig.name, err)
		}
		if err := atomicfile.Write(filepath.Join(dir, fig.name), 0o644, func(w io.Writer) error {
			_, err := wt.WriteTo(w)
			return err
		}); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	b, err := json.MarshalIndent(NewFigures(r, description), "", "  ")
	if err != nil {
		return fmt.Errorf("report %s: %w", dir, err)
	}
	if err := atomicfile.Write(filepath.Join(dir, JSONFile), 0o644, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	}); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

var (
	barColour  = color.RGBA{R: 0x4c, G: 0x72, B: 0xb0, A: 0xff}
	dotColour  = color.RGBA{R: 0xc4, G: 0x4e, B: 0x52, A: 0xff}
	lineColour = color.Gray{Y: 0x60}
)

// Reliability draws the reliability diagram of r.
func Reliability(r metrics.Report) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Reliability: ECE %.3f, accuracy %.3f, mean confidence %.3f (%d rows)", r.ECE, r.Accuracy, r.MeanConfidence, r.N)
	p.Title.TextStyle.Font.Size = vg.Points(9)
	p.X.Label.Text = "top-1 confidence"
	p.Y.Label.Text = "accuracy"
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	p.Add(plotter.NewGrid())

	var dots plotter.XYLabels
	for _, b := range r.Bins {
		if b.N == 0 {
			continue
		}
		bar, err := plotter.NewPolygon(plotter.XYs{{X: b.Lo, Y: 0}, {X: b.Hi, Y: 0}, {X: b.Hi, Y: b.Accuracy}, {X: b.Lo, Y: b.Accuracy}})
		if err != nil {
			return nil, err
		}
		bar.Color = color.NRGBA{R: barColour.R, G: barColour.G, B: barColour.B, A: 0x90}
		bar.LineStyle.Color = barColour
		bar.LineStyle.Width = vg.Points(0.5)
		p.Add(bar)
		dots.XYs = append(dots.XYs, plotter.XY{X: b.Confidence, Y: b.Accuracy})
		dots.Labels = append(dots.Labels, " "+strconv.Itoa(b.N))
	}
	diag, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	if err != nil {
		return nil, err
	}
	diag.Color = lineColour
	diag.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(diag)
	if len(dots.XYs) > 0 {
		sc, err := plotter.NewScatter(dots)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle.Color = dotColour
		sc.GlyphStyle.Shape = draw.CircleGlyph{}
		sc.GlyphStyle.Radius = vg.Points(2.5)
		lab, err := plotter.NewLabels(dots)
		if err != nil {
			return nil, err
		}
		for i := range lab.TextStyle {
			lab.TextStyle[i].Font.Size = vg.Points(7)
		}
		p.Add(sc, lab)
	}
	p.Legend.Add("accuracy of the bin", colourThumb{barColour})
	p.Legend.Add("(mean confidence, accuracy), rows", colourThumb{dotColour})
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(6), -vg.Points(8)
	p.Legend.TextStyle.Font.Size = vg.Points(7)
	return p, nil
}

// colourThumb is a legend entry: a square of one colour.
type colourThumb struct{ c color.Color }

// Thumbnail implements plot.Thumbnailer.
func (t colourThumb) Thumbnail(c *draw.Canvas) {
	pts := []vg.Point{{X: c.Min.X, Y: c.Min.Y}, {X: c.Min.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Min.Y}}
	c.FillPolygon(t.c, c.ClipPolygonY(pts))
}

// confusionGrid is the row-normalised confusion matrix as a heat map grid.
type confusionGrid struct {
	shown []int
	r     metrics.Report
}

func (g confusionGrid) Dims() (c, r int) { return len(g.shown), len(g.shown) }

// Z is the share of true class row r predicted as column c; rows are drawn
// top to bottom.
func (g confusionGrid) Z(c, r int) float64 {
	t := g.shown[len(g.shown)-1-r]
	if n := g.r.PerClass[t].Support; n > 0 {
		return float64(g.r.Confusion[t][g.shown[c]]) / float64(n)
	}
	return 0
}
func (g confusionGrid) X(c int) float64 { return float64(c) }
func (g confusionGrid) Y(r int) float64 { return float64(r) }
func (g confusionGrid) Min() float64    { return 0 }
func (g confusionGrid) Max() float64    { return 1 }

// whiteToBlue is a 64-step palette from white to dark blue.
type whiteToBlue struct{}

func (whiteToBlue) Colors() []color.Color {
	cs := make([]color.Color, 64)
	for i := range cs {
		t := float64(i) / 63
		cs[i] = color.RGBA{R: uint8(255 - t*(255-0x08)), G: uint8(255 - t*(255-0x30)), B: uint8(255 - t*(255-0x6b)), A: 0xff}
	}
	return cs
}

// Confusion draws the confusion matrix of r.
func Confusion(r metrics.Report) (*plot.Plot, error) {
	shown := shownClasses(r)
	if len(shown) == 0 {
		return nil, fmt.Errorf("no classes to show")
	}
	g := confusionGrid{shown, r}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Confusion (rows true, columns predicted; shade = share of row), %d rows", r.N)
	p.Title.TextStyle.Font.Size = vg.Points(9)
	p.X.Label.Text = "predicted"
	p.Y.Label.Text = "true"
	p.Add(plotter.NewHeatMap(g, whiteToBlue{}))
	var cells plotter.XYLabels
	var xt, yt []plot.Tick
	n := len(shown)
	for i, c := range shown {
		xt = append(xt, plot.Tick{Value: float64(i), Label: metrics.ShortName(c)})
		yt = append(yt, plot.Tick{Value: float64(n - 1 - i), Label: metrics.ShortName(c)})
		for j, q := range shown {
			cells.XYs = append(cells.XYs, plotter.XY{X: float64(j), Y: float64(n - 1 - i)})
			cells.Labels = append(cells.Labels, strconv.Itoa(r.Confusion[c][q]))
		}
	}
	lab, err := plotter.NewLabels(cells)
	if err != nil {
		return nil, err
	}
	for i := range lab.TextStyle {
		lab.TextStyle[i].Font.Size = vg.Points(7)
		lab.TextStyle[i].XAlign = draw.XCenter
		lab.TextStyle[i].YAlign = draw.YCenter
		if g.Z(int(cells.XYs[i].X), int(cells.XYs[i].Y)) > 0.55 {
			lab.TextStyle[i].Color = color.White
		}
	}
	p.Add(lab)
	p.X.Tick.Marker = plot.ConstantTicks(xt)
	p.Y.Tick.Marker = plot.ConstantTicks(yt)
	p.X.Tick.Label.Font.Size = vg.Points(7)
	p.Y.Tick.Label.Font.Size = vg.Points(7)
	return p, nil
}
