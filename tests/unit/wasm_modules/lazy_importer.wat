;; wasm_lazy_test: calls a function of another (lazy) module through an import.
(module
  (import "lazy" "by_import" (func $f (param i32) (result i32)))
  (func (export "call_import") (param i32) (result i32) (call $f (local.get 0))))
