package pipeline_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/genrec/genrec/internal/model"
	"github.com/genrec/genrec/internal/pipeline"
	"github.com/genrec/genrec/models"
)

func TestNewWorkerRejectsModelWithPartialFeatures(t *testing.T) {
	m, err := model.Read(bytes.NewReader(models.Default))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		opt  pipeline.Options
		want string
	}{
		{"segments", pipeline.Options{Model: m, Segments: true}, "segments"},
		{"plain statistics", pipeline.Options{Model: m, PlainOnly: true}, "plain statistics"},
	} {
		_, err := pipeline.NewWorker(tc.opt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s with a model: error %v, want one naming %q", tc.name, err, tc.want)
		}
	}
	if _, err := pipeline.NewWorker(pipeline.Options{PlainOnly: true}); err != nil {
		t.Errorf("plain statistics without a model: %v", err)
	}
}
