;; Sleeps for ever, ten seconds at a time, in poll_oneoff: a Wasm workload that stays alive
;; (tests/integration/security_selfexe.bats).
(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory 1)
  (func (export "_start")
    ;; One subscription at 0: tag 0 (clock), clock id 1 (monotonic) at 16, timeout at 24.
    (i32.store8 (i32.const 8) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (i64.const 10000000000))
    (loop $again
      (drop (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128)))
      (br $again))))
