# Engine tests: the .wat modules the engine's unit tests use become byte arrays in
# build/gen/wasm_modules.h (wat2wasm from wabt).
WASM_TEST_MODULES := $(wildcard tests/unit/wasm_modules/*.wat)

$(BUILD)/gen/wasm_modules.h: $(WASM_TEST_MODULES)
	@mkdir -p $(BUILD)/gen/wasm_modules
	@echo "/* Generated from tests/unit/wasm_modules by mk/engine.mk. */" > $@.tmp
	@set -e; for w in $(WASM_TEST_MODULES); do \
	  n=$$(basename $$w .wat); \
	  wat2wasm --enable-all $$w -o $(BUILD)/gen/wasm_modules/$$n.wasm; \
	  (cd $(BUILD)/gen/wasm_modules && xxd -i -n wasm_module_$$n $$n.wasm) >> $@.tmp; \
	done
	@mv $@.tmp $@

$(BUILD)/tests/unit/wasm_api_test: $(BUILD)/gen/wasm_modules.h
$(BUILD)/tests/unit/wasm_api_test: CPPFLAGS += -I$(BUILD)/gen
$(BUILD)/tests/unit/wasm_translate_test: $(BUILD)/gen/wasm_modules.h
$(BUILD)/tests/unit/wasm_translate_test: CPPFLAGS += -I$(BUILD)/gen
$(BUILD)/tests/unit/wasm_limits_test: $(BUILD)/gen/wasm_modules.h
$(BUILD)/tests/unit/wasm_limits_test: CPPFLAGS += -I$(BUILD)/gen
$(BUILD)/tests/unit/wasm_fusion_test: $(BUILD)/gen/wasm_modules.h
$(BUILD)/tests/unit/wasm_fusion_test: CPPFLAGS += -I$(BUILD)/gen
$(BUILD)/tests/unit/wasm_engine_test: $(BUILD)/gen/wasm_modules.h
$(BUILD)/tests/unit/wasm_engine_test: CPPFLAGS += -I$(BUILD)/gen
$(BUILD)/tests/unit/wasm_lazy_test: $(BUILD)/gen/wasm_modules.h
$(BUILD)/tests/unit/wasm_lazy_test: CPPFLAGS += -I$(BUILD)/gen
