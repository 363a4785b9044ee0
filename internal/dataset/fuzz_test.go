package dataset

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/genrec/genrec/internal/genre"
)

// FuzzReadTable reads arbitrary text as a feature table: no panic, and a
// table that reads must write back (WriteTable) to text that reads to the
// same table. Seeds are in testdata/fuzz/FuzzReadTable.
func FuzzReadTable(f *testing.F) {
	f.Add("filename,length,a,b,label\nx.wav,10,1.5,-2,blues\ny.wav,20,0,3e-5,\n")
	f.Add("track_id,genre,a,b\n2,Hip-Hop,1.5,-2\n5,,0,3e-5\n")
	f.Fuzz(func(t *testing.T, in string) {
		tab, err := ReadTable(strings.NewReader(in))
		if err != nil {
			if tab != nil {
				t.Fatal("table returned with an error")
			}
			return
		}
		for i, r := range tab.Rows {
			if len(r.Values) != len(tab.Features) {
				t.Fatalf("row %d has %d values for %d features", i, len(r.Values), len(tab.Features))
			}
		}
		var buf bytes.Buffer
		if err := WriteTable(&buf, tab); err != nil {
			t.Fatalf("WriteTable of a table ReadTable accepted: %v", err)
		}
		back, err := ReadTable(&buf)
		if err != nil {
			t.Fatalf("written table does not read back: %v\n%q", err, buf.String())
		}
		if len(tab.Rows) == 0 && len(back.Rows) == 0 {
			tab.Rows, back.Rows = nil, nil
		}
		if !reflect.DeepEqual(tab, back) {
			t.Fatalf("round trip changed the table:\n%+v\n%+v", tab, back)
		}
	})
}

// FuzzReadLabels reads arbitrary text as a label file: no panic, and every
// label read is a non-empty trimmed id mapped to a canonical class name.
// Seeds are in testdata/fuzz/FuzzReadLabels.
func FuzzReadLabels(f *testing.F) {
	f.Add("file_id,genre\n1,Rock\n2,hiphop\n")
	f.Fuzz(func(t *testing.T, in string) {
		labels, err := ReadLabels(strings.NewReader(in))
		if err != nil {
			if labels != nil {
				t.Fatal("labels returned with an error")
			}
			return
		}
		for id, g := range labels {
			if id == "" || strings.TrimSpace(id) != id {
				t.Fatalf("file id %q is empty or untrimmed", id)
			}
			c, err := genre.Index(g)
			if err != nil || genre.Classes[c] != g {
				t.Fatalf("label %q of %q is not a canonical class name", g, id)
			}
		}
	})
}
