;; Grows linear memory 16 pages (1 MiB) at a time and writes to every 4 KiB of what it got,
;; so each grown page is really charged to the container's memory cgroup; prints
;; "memory.grow refused at N MiB" once memory.grow returns -1 and exits 0
;; (tests/integration/security_memory.bats).
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 64) "memory.grow refused at ")
  (func $put_decimal (param $v i32) (param $at i32) (result i32)
    ;; Writes $v in decimal at $at, returns the address after it.
    (local $div i32) (local $started i32)
    (local.set $div (i32.const 1000000))
    (loop $digit
      (if (i32.or (local.get $started)
                  (i32.or (i32.ge_u (local.get $v) (local.get $div)) (i32.eq (local.get $div) (i32.const 1))))
        (then
          (i32.store8 (local.get $at) (i32.add (i32.const 48) (i32.div_u (local.get $v) (local.get $div))))
          (local.set $at (i32.add (local.get $at) (i32.const 1)))
          (local.set $started (i32.const 1))))
      (local.set $v (i32.rem_u (local.get $v) (local.get $div)))
      (local.set $div (i32.div_u (local.get $div) (i32.const 10)))
      (br_if $digit (local.get $div)))
    (local.get $at))
  (func (export "_start")
    (local $old i32) (local $p i32) (local $i i32) (local $end i32)
    (block $refused
      (loop $grow
        (local.set $old (memory.grow (i32.const 16)))
        (br_if $refused (i32.eq (local.get $old) (i32.const -1)))
        (local.set $p (i32.shl (local.get $old) (i32.const 16)))
        (local.set $i (i32.const 0))
        (loop $touch
          (i32.store (local.get $p) (local.get $i))
          (local.set $p (i32.add (local.get $p) (i32.const 4096)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $touch (i32.lt_u (local.get $i) (i32.const 256))))
        (br $grow)))
    ;; "memory.grow refused at " + MiB + " MiB\n", then one iovec at 0.
    (local.set $end (call $put_decimal (i32.shr_u (memory.size) (i32.const 4)) (i32.const 87)))
    (i32.store8 (local.get $end) (i32.const 32))
    (i32.store (i32.add (local.get $end) (i32.const 1)) (i32.const 0x0a42694d))
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.sub (i32.add (local.get $end) (i32.const 5)) (i32.const 64)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
