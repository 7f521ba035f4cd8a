;; Engine limits and backtraces (wasm_limits_test.c): a counted loop, recursion, memory.grow,
;; and a trap three calls deep, once directly and once through a host function (env.call_in).
(module
  (import "env" "call_in" (func $call_in (param i32)))
  (memory 1)
  (table 1 funcref)
  (func $count (export "count") (param $n i32) (result i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i))
  (func $recurse (export "recurse") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $recurse (i32.sub (local.get $n) (i32.const 1)))))))
  (func (export "grow") (param $pages i32) (result i32)
    (memory.grow (local.get $pages)))
  (func (export "grow_table") (param $n i32) (result i32)
    (table.grow 0 (ref.null func) (local.get $n)))
  (func $inner (unreachable))
  (func $middle (call $inner))
  (func (export "outer") (call $middle))
  (func (export "via_host") (call $call_in (i32.const 0)))
  (func (export "oob") (drop (i32.load (i32.const 70000)))))
