;; A small import-free module for the instantiate-time benchmark: what a modest program
;; brings to instantiation (a memory with data segments, a table with an element segment,
;; globals, a start function), without WASI so the engine alone is measured.
(module
  (type $binop (func (param i32 i32) (result i32)))
  (memory (export "memory") 17)
  (table 64 funcref)
  (global $counter (mut i32) (i32.const 0))
  (global $scale (mut f64) (f64.const 1.5))
  (global $seed i64 (i64.const 88172645463325252))
  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (func $mul (type $binop) (i32.mul (local.get 0) (local.get 1)))
  (func $apply (export "apply") (param $op i32) (param $a i32) (param $b i32) (result i32)
    (call_indirect (type $binop) (local.get $a) (local.get $b) (local.get $op)))
  (func $sum (export "sum") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (i32.load8_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc))
  (func $init
    (global.set $counter (call $sum (i32.const 64))))
  (start $init)
  (elem (i32.const 0) $add $sub $mul $add $sub $mul $add $sub $mul $add $sub $mul $add $sub $mul $add)
  (elem (i32.const 32) $mul $mul $sub $sub $add $add $mul $mul)
  (data (i32.const 0) "runwasm instantiate benchmark: a few data segments of modest size.")
  (data (i32.const 1024) "\de\ad\be\ef\00\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f")
  (data (i32.const 65536) "second page")
  (data (i32.const 1048576) "sixteenth page"))
