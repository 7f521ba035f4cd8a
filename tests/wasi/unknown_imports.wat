;; Imports functions nobody provides: env.get is called (its value decides the exit status,
;; get() + 7), env.never is not. Without --trap-unknown-imports or
;; --default-values-unknown-imports it does not link.
(module
  (import "env" "get" (func $get (result i32)))
  (import "env" "never" (func $never (param i64 f32) (result f64)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (func (export "_start")
    (call $proc_exit (i32.add (call $get) (i32.const 7)))))
