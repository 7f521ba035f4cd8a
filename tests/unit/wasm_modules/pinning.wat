;; Hot locals of every number type in a loop (so the compiler pins them to registers) that
;; pass through a call, instructions the interpreter runs (clz, popcnt, floor, trunc_sat) and
;; conversions: wasm_engine_test compares the compiled result with the interpreter's.
(module
  (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 3)))
  (func (export "mix") (param $n i32) (result i64)
    (local $i i32) (local $a i32) (local $b i64) (local $f f64) (local $g f32)
    (loop $l
      (local.set $a (i32.add (local.get $a) (call $inc (local.get $i))))
      (local.set $a (i32.xor (local.get $a) (i32.clz (local.get $a))))
      (local.set $b (i64.add (local.get $b) (i64.popcnt (i64.extend_i32_u (local.get $a)))))
      (local.set $f (f64.add (local.get $f)
                             (f64.floor (f64.div (f64.convert_i32_s (local.get $a)) (f64.const 7)))))
      (local.set $g (f32.add (local.get $g) (f32.demote_f64 (f64.sqrt (local.get $f)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i64.add (i64.add (local.get $b) (i64.trunc_sat_f64_s (local.get $f)))
             (i64.extend_i32_u (i32.reinterpret_f32 (local.get $g))))))
