# SIMD checks. `make simd-check` runs the SIMD unit tests: the op table's shape, names and
# opcodes against wabt, the spec suite's expectations, hand-worked corner cases, and a
# differential run against wabt's interpreter and V8.
# `make simd-fuzz` repeats the differential run with fresh seeds and many more cases
# (SIMD_FUZZ_ROUNDS rounds of SIMD_FUZZ_CASES cases per op). `make simd-coverage` prints
# how many spec assertions exercise each op.
SIMD_UNIT_TESTS := $(filter $(BUILD)/tests/unit/simd_%,$(UNIT_TESTS))
SIMD_FUZZ_ROUNDS ?= 10
SIMD_FUZZ_CASES ?= 1000

.PHONY: simd-check simd-fuzz simd-coverage
simd-check: $(SIMD_UNIT_TESTS)
	@status=0; for t in $^; do echo "# $$t"; $$t || status=1; done; exit $$status

simd-fuzz: $(BUILD)/tests/unit/simd_reference_test
	@status=0; for i in $$(seq $(SIMD_FUZZ_ROUNDS)); do \
	  out=$$(SIMD_REFERENCE_SEED=$$(od -An -N8 -tu8 /dev/urandom | tr -d ' ') \
	         SIMD_REFERENCE_CASES=$(SIMD_FUZZ_CASES) $< 2>&1) || status=1; \
	  echo "$$out" | grep -v '^ok'; \
	done; exit $$status

simd-coverage: $(BUILD)/tests/unit/simd_spec_test
	SIMD_SPEC_COVERAGE=1 $< | grep '^#'
