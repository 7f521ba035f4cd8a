;; Imports from a module preloaded as "lib" (--preload lib=preload_lib.wat) and exits with
;; triple(13) + the number of calls the library counted (39 + 1 = 40).
(module
  (import "lib" "triple" (func $triple (param i32) (result i32)))
  (import "lib" "calls" (func $calls (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (func (export "_start")
    (call $proc_exit (i32.add (call $triple (i32.const 13)) (call $calls)))))
