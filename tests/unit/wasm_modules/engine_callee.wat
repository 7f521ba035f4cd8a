;; wasm_engine_test: the imported side of a cross-engine call.
(module
  (func (export "add3") (param i32) (result i32)
    local.get 0
    i32.const 3
    i32.add))
