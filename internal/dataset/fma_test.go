package dataset

import (
	"strings"
	"testing"
)

func TestReadFMATracks(t *testing.T) {
	simple := "subset,split,track_id,genre_top,genres\n" +
		"small,training,2,Hip-Hop,[21]\n" +
		"medium,test,140,,[17]\n" +
		"small,validation,10,Pop,\"[10, 76]\"\n"
	original := ",album,set,set,track,track\n" +
		",title,split,subset,genre_top,title\n" +
		"track_id,,,,,\n" +
		"2,AWOL,training,small,Hip-Hop,Food\n" +
		"10,\"Constant, Hitmaker\",validation,small,Pop,\"Multi\nline\"\n" +
		"140,x,test,medium,,y\n"
	for name, in := range map[string]string{"simple": simple, "original": original} {
		tr, err := ReadFMATracks(strings.NewReader(in))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := map[int]FMATrack{
			2:   {"Hip-Hop", "training", "small"},
			10:  {"Pop", "validation", "small"},
			140: {"", "test", "medium"},
		}
		if len(tr) != len(want) {
			t.Errorf("%s: %d tracks, want %d", name, len(tr), len(want))
		}
		for id, w := range want {
			if tr[id] != w {
				t.Errorf("%s: track %d = %+v, want %+v", name, id, tr[id], w)
			}
		}
	}
	for name, in := range map[string]string{
		"empty":        "",
		"no genre_top": "track_id,genre\n1,Rock\n",
		"no track_id":  "genre_top\nRock\n",
		"bad id":       "track_id,genre_top\nx,Rock\n",
		"repeated id":  "track_id,genre_top\n1,Rock\n1,Pop\n",
	} {
		if _, err := ReadFMATracks(strings.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestFMAPriorOf checks that the prior from the parsed tracks equals
// FMAPrior's from the file, bit for bit.
func TestFMAPriorOf(t *testing.T) {
	in := "subset,split,track_id,genre_top,genres\n" +
		"small,training,2,Hip-Hop,[21]\nsmall,training,3,Rock,[12]\nsmall,test,4,Rock,[12]\n" +
		"medium,test,5,,[17]\nsmall,validation,10,Pop,[10]\n"
	want, err := FMAPrior(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	tracks, err := ReadFMATracks(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	got, err := FMAPriorOf(tracks)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("FMAPriorOf = %v, FMAPrior = %v", got, want)
	}
	if _, err := FMAPriorOf(map[int]FMATrack{1: {GenreTop: "Polka"}}); err == nil {
		t.Error("unknown genre: no error")
	}
	if _, err := FMAPriorOf(map[int]FMATrack{1: {}}); err == nil {
		t.Error("no genre_top: no error")
	}
}
