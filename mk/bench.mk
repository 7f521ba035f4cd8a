# Benchmarks: comparison tables, not tests (see docs/benchmarks.md). Each target builds what
# its runwasm column needs, then runs the script; a missing runwasm piece shows as n/a.
.PHONY: bench bench-engine bench-sightglass bench-load bench-lifecycle bench-wasm-start
bench: all
	bench/all
bench-engine: all
	bench/engine/run
bench-sightglass:
	bench/sightglass/run
bench-load:
	bench/load/run
bench-lifecycle: all
	bench/lifecycle/run
bench-wasm-start: all
	bench/wasm-start/run
