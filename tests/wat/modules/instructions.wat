;; One of each immediate kind, flat and folded, including SIMD and literal corner cases.
(module
  (memory 1)
  (func $consts (result i32)
    i32.const 0xffff_ffff drop
    i32.const -2147483648 drop
    i64.const 0x7fff_ffff_ffff_ffff drop
    i64.const -9_223_372_036_854_775_808 drop
    f32.const 0x1.fffffep127 drop
    f32.const 1.4e-45 drop
    f32.const -nan:0x200000 drop
    f32.const +inf drop
    f64.const 0x1p-1074 drop
    f64.const 1_000.000_1e-3 drop
    f64.const nan:0xf_ffff_ffff_ffff drop
    f64.const 0x8.p-3 drop
    i32.const 0)
  (func $memory (param $p i32)
    (i32.store offset=4 align=2 (local.get $p) (i32.load8_u offset=0x10 (local.get $p)))
    (i64.store32 align=1 (local.get $p) (i64.const 1))
    (drop (memory.grow (memory.size)))
    (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))
    (memory.copy (i32.const 0) (i32.const 0) (i32.const 0)))
  (func $simd (param $v v128) (result v128)
    (v128.const i8x16 -128 255 0 1 2 3 4 5 6 7 8 9 10 11 12 13)
    (v128.const i16x8 -32768 65535 0 1 2 3 4 5)
    (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31)
    (v128.const i32x4 0xffffffff -1 0 1)
    (i32x4.add)
    (v128.const i64x2 -1 0x8000000000000000)
    (v128.const f32x4 nan -inf 0x1p-149 1.5)
    (v128.const f64x2 -0x1.fffffffffffffp1023 nan:0x1)
    f64x2.add
    f32x4.mul
    drop
    drop
    (i8x16.replace_lane 15 (local.get $v) (i32.const 7))
    (v128.load8_lane offset=3 align=1 15 (i32.const 0))
    drop
    (v128.store16_lane 7 (i32.const 0) (local.get $v))
    (v128.load64_zero align=8 (i32.const 0))
    i64x2.extmul_high_i32x4_u
    i32x4.trunc_sat_f64x2_u_zero)
  (func $flat (param i32) (result i32)
    block $b (result i32)
      local.get 0
      if $i (result i32)
        i32.const 1
      else $i
        i32.const 2
      end $i
      br $b
    end $b
    ref.null func
    ref.is_null
    i32.add
    i32.extend8_s
    f32.convert_i32_s
    i32.trunc_sat_f32_u)
)
