package app

import "runtime/debug"

// MemoryLimit is the soft limit serve gives the Go runtime when GOMEMLIMIT does not set one. By
// default the heap may grow to twice what it held at the last collection before the next, so a
// burst of uploads, each bounded (upload.Limits), could take the process past 300 MB with the
// garbage of the pictures decoded before; near this limit the collector runs sooner instead
// (docs/performance.md). The canteen's burst peaks near 100 MB.
const MemoryLimit = 256 << 20

// LimitMemory sets MemoryLimit as the runtime's soft memory limit unless the environment's
// GOMEMLIMIT sets one (GOMEMLIMIT=off: none); it answers the limit in force.
func LimitMemory(getenv func(string) string) int64 {
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(MemoryLimit)
	}
	return debug.SetMemoryLimit(-1)
}
