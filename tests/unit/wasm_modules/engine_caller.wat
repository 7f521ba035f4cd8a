;; wasm_engine_test: calls its import twice.
(module
  (import "m" "add3" (func $f (param i32) (result i32)))
  (func (export "twice") (param i32) (result i32)
    local.get 0
    call $f
    call $f))
