package pipeline

import (
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// UsableCPUs returns how many CPUs this process may keep busy: the smaller
// of runtime.GOMAXPROCS(0) and the container's CPU quota (cgroup v2
// cpu.max or cgroup v1 cfs quota/period), rounded up. A container started
// with 5 CPUs on a larger host thus gets 5 workers, not one per host core.
func UsableCPUs() int {
	n := runtime.GOMAXPROCS(0)
	if q := cgroupQuota(); q > 0 && q < n {
		n = q
	}
	return max(n, 1)
}

// cgroupQuota returns the CPU quota of the process's cgroup, rounded up, or
// 0 when there is none or it cannot be read.
func cgroupQuota() int {
	if b, err := os.ReadFile("/sys/fs/cgroup/cpu.max"); err == nil {
		f := strings.Fields(string(b))
		if len(f) == 2 {
			return quota(f[0], f[1])
		}
	}
	q, err1 := os.ReadFile("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")
	p, err2 := os.ReadFile("/sys/fs/cgroup/cpu/cpu.cfs_period_us")
	if err1 == nil && err2 == nil {
		return quota(strings.TrimSpace(string(q)), strings.TrimSpace(string(p)))
	}
	return 0
}

// quota turns a quota and a period (microseconds, as text) into a CPU
// count rounded up; "max" or a negative quota means no limit (0).
func quota(q, p string) int {
	qv, err1 := strconv.ParseFloat(q, 64)
	pv, err2 := strconv.ParseFloat(p, 64)
	if err1 != nil || err2 != nil || qv <= 0 || pv <= 0 {
		return 0
	}
	return int(math.Ceil(qv / pv))
}
