# Core spec suite: build/spectest runs the wast2json command files of SPEC_DIR.
SPEC_DIR ?= ../shared/wasm-spec

$(BUILD)/spectest: tests/spec/spectest.c $(BUILD)/libwat.a $(BUILD)/libwasm.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -o $@ $^ -ljson-c -lm -lpthread

.PHONY: spec
spec: $(BUILD)/spectest
	$(BUILD)/spectest $(SPEC_DIR)/json/*.json

# The same suite with every module compiled to machine code (src/wasm/jit/).
.PHONY: spec-jit
spec-jit: $(BUILD)/spectest
	$(BUILD)/spectest --engine jit $(SPEC_DIR)/json/*.json
