package dataset

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/genrec/genrec/internal/genre"
	"github.com/genrec/genrec/internal/sharedtest"
)

func TestReadTable(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    *Table
		wantErr string
	}{
		{
			name: "with labels",
			in:   "filename,length,a,b,label\nx.wav,10,1.5,-2,blues\ny.wav,20,0,3e-5,\n",
			want: &Table{Features: []string{"a", "b"}, Rows: []Row{
				{Filename: "x.wav", Length: 10, Values: []float64{1.5, -2}, Label: "blues"},
				{Filename: "y.wav", Length: 20, Values: []float64{0, 3e-5}},
			}},
		},
		{
			name: "without label column, BOM and blank line",
			in:   "\ufefffilename,length,a\n\nx.wav,10,1\n",
			want: &Table{Features: []string{"a"}, Rows: []Row{
				{Filename: "x.wav", Length: 10, Values: []float64{1}},
			}},
		},
		{
			name: "fma-small layout",
			in:   "track_id,genre,mfcc_mean_01,tempo\n2,Hip-Hop,-32.5,123.05\n5,,1,2\n",
			want: &Table{Layout: FMASmall, Features: []string{"mfcc_mean_01", "tempo"}, Rows: []Row{
				{Filename: "2", Values: []float64{-32.5, 123.05}, Label: "Hip-Hop"},
				{Filename: "5", Values: []float64{1, 2}},
			}},
		},
		{name: "empty", in: "", wantErr: "empty input"},
		{name: "bad header", in: "name,length,a\n", wantErr: "line 1"},
		{name: "neither layout", in: "id,genre,a\n", wantErr: "no known layout"},
		{name: "fma-small bad value", in: "track_id,genre,a\n2,Rock,x\n", wantErr: "line 2: column 3"},
		{name: "fma-small empty id", in: "track_id,genre,a\n ,Rock,1\n", wantErr: "line 2: empty track_id"},
		{name: "fma-small short row", in: "track_id,genre,a,b\n2,Rock,1\n", wantErr: "line 2"},
		{name: "duplicate feature", in: "filename,length,a,a\n", wantErr: "duplicate feature"},
		{name: "bad value", in: "filename,length,a,label\nx,1,2,rock\ny,1,zz,rock\n", wantErr: "line 3: column 3"},
		{name: "NaN value", in: "filename,length,a\nx,1,NaN\n", wantErr: "line 2"},
		{name: "bad length", in: "filename,length,a\nx,1.5,1\n", wantErr: "line 2: length"},
		{name: "short row", in: "filename,length,a,label\nx,1,2,rock\ny,1\n", wantErr: "line 3"},
		{name: "empty filename", in: "filename,length,a\n,1,2\n", wantErr: "line 2: empty filename"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadTable(strings.NewReader(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestSelect(t *testing.T) {
	tab := &Table{Features: []string{"a", "b", "c"}, Rows: []Row{
		{Filename: "x", Values: []float64{1, 2, 3}},
		{Filename: "y", Values: []float64{4, 5, 6}},
	}}
	tests := []struct {
		names   []string
		want    [][]float64
		wantErr string
	}{
		{names: []string{"c", "a"}, want: [][]float64{{3, 1}, {6, 4}}},
		{names: []string{}, want: [][]float64{{}, {}}},
		{names: []string{"a", "d"}, wantErr: `"d" not in table`},
		{names: []string{"a", "a"}, wantErr: "twice"},
	}
	for _, tc := range tests {
		got, err := tab.Select(tc.names)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Select(%v) err = %v, want %q", tc.names, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Select(%v) = %v, %v; want %v", tc.names, got, err, tc.want)
		}
	}
	// The result must not alias the table.
	got, _ := tab.Select([]string{"a"})
	got[0][0] = 99
	if tab.Rows[0].Values[0] != 1 {
		t.Error("Select result aliases the table")
	}
}

func TestWriteTableRoundTrip(t *testing.T) {
	tab := &Table{Features: []string{"a", "b"}, Rows: []Row{
		{Filename: "x, with comma.wav", Length: 661794, Values: []float64{0.1, math.Nextafter(1, 2)}, Label: "rock"},
		{Filename: "y.wav", Length: 0, Values: []float64{-4.683092811319511e-06, 1e300}},
	}}
	var buf bytes.Buffer
	if err := WriteTable(&buf, tab); err != nil {
		t.Fatal(err)
	}
	got, err := ReadTable(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, tab) {
		t.Fatalf("round trip: got %+v, want %+v", got, tab)
	}
	fma := &Table{Layout: FMASmall, Features: []string{"a"}, Rows: []Row{
		{Filename: "000002", Values: []float64{0.747044981}, Label: "Hip-Hop"},
		{Filename: "x, y", Values: []float64{-1e-300}},
	}}
	buf.Reset()
	if err := WriteTable(&buf, fma); err != nil {
		t.Fatal(err)
	}
	if want := "track_id,genre,a\n000002,Hip-Hop,0.747044981\n\"x, y\",,-1e-300\n"; buf.String() != want {
		t.Errorf("fma-small table written as %q, want %q", buf.String(), want)
	}
	if got, err := ReadTable(&buf); err != nil || !reflect.DeepEqual(got, fma) {
		t.Fatalf("fma-small round trip: got %+v, %v; want %+v", got, err, fma)
	}
	bad := &Table{Features: []string{"a"}, Rows: []Row{{Filename: "x", Values: []float64{math.Inf(1)}}}}
	if err := WriteTable(&bytes.Buffer{}, bad); err == nil {
		t.Error("WriteTable accepted an infinite value")
	}
}

func TestReadLabels(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    map[string]string
		wantErr string
	}{
		{
			name: "ok",
			in:   "file_id,genre\n000002,Hip-Hop\n5,metal\n7, old-time / historic \n",
			want: map[string]string{"000002": "Hip-Hop", "5": "Rock", "7": "Old-Time / Historic"},
		},
		{name: "columns swapped", in: "Genre,File_ID\nRock,1\n", want: map[string]string{"1": "Rock"}},
		{name: "no header", in: "1,Rock\n", wantErr: "header"},
		{name: "unknown genre", in: "file_id,genre\n1,Rock\n2,Polka\n", wantErr: "line 3"},
		{name: "duplicate", in: "file_id,genre\n1,Rock\n1,Pop\n", wantErr: "repeated"},
		{name: "empty id", in: "file_id,genre\n,Rock\n", wantErr: "empty file_id"},
		{name: "empty", in: "", wantErr: "empty input"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadLabels(strings.NewReader(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestFMAPrior(t *testing.T) {
	in := "subset,split,track_id,genre_top,genres\n" +
		"small,training,2,Hip-Hop,[21]\n" +
		"small,training,3,Hip-Hop,\"[21, 45]\"\n" +
		"medium,test,4,Rock,[12]\n" +
		"medium,test,5,,[12]\n" +
		"medium,test,6,Old-Time / Historic,[8]\n"
	got, err := FMAPrior(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var want [genre.N]float64
	want[7], want[13], want[11] = 0.5, 0.25, 0.25
	if got != want {
		t.Fatalf("got %v, want %v", got, want)
	}
	for _, bad := range []string{"", "a,b\n1,2\n", "genre_top\nPolka\n", "genre_top\n\n"} {
		if _, err := FMAPrior(strings.NewReader(bad)); err == nil {
			t.Errorf("FMAPrior(%q) accepted bad input", bad)
		}
	}
}

// sharedDir returns the shared folder, skipping the test without it.
func sharedDir(t *testing.T) string {
	t.Helper()
	sharedtest.Path(t, "data")
	return sharedtest.Dir()
}

func TestSharedData(t *testing.T) {
	dir := sharedDir(t)
	tab, err := ReadTableFile(filepath.Join(dir, "data", "gtzan", "train.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) != 443 || len(tab.Features) != 57 {
		t.Errorf("train.csv: %d rows × %d features, want 443 × 57", len(tab.Rows), len(tab.Features))
	}
	for _, r := range tab.Rows {
		if _, err := genre.Index(r.Label); err != nil {
			t.Errorf("%s: %v", r.Filename, err)
		}
	}
	for _, c := range []struct {
		split string
		rows  int
	}{{"train.csv", 6397}, {"valid.csv", 800}} {
		fma, err := ReadTableFile(filepath.Join(dir, "data", "fma-small", c.split))
		if err != nil {
			t.Fatal(err)
		}
		if fma.Layout != FMASmall || len(fma.Rows) != c.rows || len(fma.Features) != 60 {
			t.Errorf("fma-small/%s: layout %v, %d rows × %d features, want fma-small, %d × 60", c.split, fma.Layout, len(fma.Rows), len(fma.Features), c.rows)
		}
		for _, r := range fma.Rows {
			if _, err := genre.Index(r.Label); err != nil {
				t.Errorf("fma-small/%s, track %s: %v", c.split, r.Filename, err)
			}
		}
	}
	f, err := os.Open(filepath.Join(dir, "data", "fma", "tracks.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	prior, err := FMAPrior(f)
	if err != nil {
		t.Fatal(err)
	}
	rock, _ := genre.Index("Rock")
	if want := 7098.0 / 24983; math.Abs(prior[rock]-want) > 1e-12 {
		t.Errorf("FMA prior of Rock = %v, want %v", prior[rock], want)
	}
}

func TestReadRawLabelsKeepsGenres(t *testing.T) {
	got, err := ReadRawLabels(strings.NewReader("file_id,genre\na.wav, metal \nb,Some Genre\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got["a.wav"] != "metal" || got["b"] != "Some Genre" {
		t.Errorf("ReadRawLabels = %v", got)
	}
	if _, err := ReadRawLabels(strings.NewReader("file_id,genre\na,\n")); err == nil {
		t.Error("empty genre: no error")
	}
}
