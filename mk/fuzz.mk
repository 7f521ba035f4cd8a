# Fuzzing the engine: `make fuzz` runs tests/fuzz/fuzz_module.c under libFuzzer with ASan and
# UBSan for FUZZ_SECONDS, the corpus seeded from the spec suite's modules. Crashes land in
# build/fuzz/; minimized ones belong in tests/fuzz/regressions (replayed by 20-wasm.sh).
FUZZ_SECONDS ?= 600
FUZZ_CC      ?= clang-19
FUZZ_FLAGS   := -D_GNU_SOURCE -Isrc -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

$(BUILD)/fuzz/fuzz_module: tests/fuzz/fuzz_module.c $(ENGINE_SRCS) $(wildcard src/wasm/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_module.c $(ENGINE_SRCS) -lm -lpthread

$(BUILD)/fuzz-replay: tests/fuzz/replay.c tests/fuzz/fuzz_module.c $(BUILD)/asan/librunwasm.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -O1 -g $(SANITIZE) $(WARNINGS) -o $@ tests/fuzz/replay.c tests/fuzz/fuzz_module.c \
	  $(BUILD)/asan/librunwasm.a $(LDLIBS)

.PHONY: fuzz
fuzz: $(BUILD)/fuzz/fuzz_module
	@mkdir -p $(BUILD)/fuzz/corpus
	@if [ -z "$$(ls -A $(BUILD)/fuzz/corpus)" ]; then cp $(SPEC_DIR)/json/*.wasm $(BUILD)/fuzz/corpus/; fi
	$(BUILD)/fuzz/fuzz_module -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=4096 \
	  -artifact_prefix=$(BUILD)/fuzz/ $(BUILD)/fuzz/corpus tests/fuzz/regressions
