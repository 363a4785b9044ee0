package pipeline

import "testing"

func TestQuota(t *testing.T) {
	tests := []struct {
		q, p string
		want int
	}{
		{"500000", "100000", 5},
		{"150000", "100000", 2},
		{"max", "100000", 0},
		{"-1", "100000", 0},
		{"100000", "0", 0},
		{"junk", "100000", 0},
	}
	for _, tt := range tests {
		if got := quota(tt.q, tt.p); got != tt.want {
			t.Errorf("quota(%q, %q) = %d, want %d", tt.q, tt.p, got, tt.want)
		}
	}
	if n := UsableCPUs(); n < 1 {
		t.Errorf("UsableCPUs() = %d", n)
	}
}
