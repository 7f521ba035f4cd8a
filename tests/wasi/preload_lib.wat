;; A library for --preload: a counter with its own memory, and a function that uses it.
(module
  (memory (export "memory") 1)
  (global $calls (mut i32) (i32.const 0))
  (func (export "triple") (param i32) (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (i32.mul (local.get 0) (i32.const 3)))
  (func (export "calls") (result i32) (global.get $calls)))
