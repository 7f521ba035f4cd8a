# SIMD checks. `make simd-check` runs the SIMD unit tests: the op table's shape, names and
# opcodes against wabt, the spec suite's expectations (with a per-op coverage table), and
# hand-worked corner cases.
SIMD_UNIT_TESTS := $(filter $(BUILD)/tests/unit/simd_%,$(UNIT_TESTS))

.PHONY: simd-check
simd-check: $(SIMD_UNIT_TESTS)
	@status=0; for t in $^; do echo "# $$t"; $$t || status=1; done; exit $$status
