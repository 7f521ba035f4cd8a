;; wasm_lazy_test: one function for every way into code that is translated (and compiled) on
;; its first call. Each is called only through its path.
(module
  (import "env" "back" (func $back (param i32) (result i32)))
  (type $i2i (func (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $by_indirect)
  (global $started (mut i32) (i32.const 0))
  (func $by_start (global.set $started (i32.const 7)))
  (start $by_start)
  (func $by_call (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $by_indirect (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func $from_host (export "from_host") (param i32) (result i32) (i32.sub (local.get 0) (i32.const 3)))
  (func $by_import (export "by_import") (param i32) (result i32) (i32.add (local.get 0) (i32.const 100)))
  (func (export "started") (result i32) (global.get $started))
  (func (export "direct") (param i32) (result i32) (call $by_call (local.get 0)))
  (func (export "indirect") (param i32) (result i32) (call_indirect (type $i2i) (local.get 0) (i32.const 0)))
  ;; env.back calls from_host back through the API
  (func (export "via_host") (param i32) (result i32) (call $back (local.get 0))))
