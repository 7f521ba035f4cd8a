/* Core spec test runner: executes the JSON command files wast2json makes from the official
 * .wast scripts against the engine, and counts every assertion.
 *
 *   spectest [--tap] [-v] [--engine jit|interp] FILE.json...
 *
 * --engine picks the engine modules are loaded for (default: RUNWASM_ENGINE, else the
 * interpreter); with jit, TAP lines name the scripts "jit: NAME".
 * Prints one line per script and a closing "N passed, N failed". With --tap, one TAP line
 * per script instead; a script whose only failures are text-format assertions while the
 * text parser is absent is reported as a skip. Exits non-zero if anything failed. */
#include <stdarg.h>
#include <json-c/json.h>
#include <libgen.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm/wasm.h"
#include "wat/wat.h"

#define MAX_VALUES 64

typedef struct named_instance {
  char *name;
  wasm_instance *inst;
} named_instance;

typedef struct script {
  const char *dir;
  wasm_store *store;
  wasm_linker *linker;
  wasm_instance *current;
  named_instance *named;
  size_t nnamed;
  int passed, failed, text_failed;
  bool verbose;
  const char *name;
} script;

static bool text_parser_present;
static const char *engine_label = ""; /* prefix of TAP names: which engine ran */

/* ---- The spectest host module ---------------------------------------------------------- */

static int host_print (wasm_caller *caller, void *env, const wasm_value *args, wasm_value *results)
{
  return 0;
}

static void define_spectest (script *s)
{
  static const wasm_valtype i32[] = { WASM_I32 }, i64[] = { WASM_I64 }, f32[] = { WASM_F32 },
                            f64[] = { WASM_F64 }, i32f32[] = { WASM_I32, WASM_F32 },
                            f64f64[] = { WASM_F64, WASM_F64 };
  static const struct { const char *name; wasm_functype type; } prints[] = {
    { "print", { 0, 0, NULL, NULL } },
    { "print_i32", { 1, 0, i32, NULL } },
    { "print_i64", { 1, 0, i64, NULL } },
    { "print_f32", { 1, 0, f32, NULL } },
    { "print_f64", { 1, 0, f64, NULL } },
    { "print_i32_f32", { 2, 0, i32f32, NULL } },
    { "print_f64_f64", { 2, 0, f64f64, NULL } },
  };
  for (size_t i = 0; i < sizeof prints / sizeof *prints; i++)
    wasm_linker_define_func (s->linker, "spectest", prints[i].name, &prints[i].type, host_print, NULL);
  wasm_value v;
  v = (wasm_value){ .type = WASM_I32, .of.i32 = 666 };
  wasm_linker_define (s->linker, "spectest", "global_i32",
                      (wasm_extern){ .kind = WASM_EXTERN_GLOBAL, .of.global = wasm_global_new (s->store, v, 0) });
  v = (wasm_value){ .type = WASM_I64, .of.i64 = 666 };
  wasm_linker_define (s->linker, "spectest", "global_i64",
                      (wasm_extern){ .kind = WASM_EXTERN_GLOBAL, .of.global = wasm_global_new (s->store, v, 0) });
  v = (wasm_value){ .type = WASM_F32, .of.f32 = 666.6f };
  wasm_linker_define (s->linker, "spectest", "global_f32",
                      (wasm_extern){ .kind = WASM_EXTERN_GLOBAL, .of.global = wasm_global_new (s->store, v, 0) });
  v = (wasm_value){ .type = WASM_F64, .of.f64 = 666.6 };
  wasm_linker_define (s->linker, "spectest", "global_f64",
                      (wasm_extern){ .kind = WASM_EXTERN_GLOBAL, .of.global = wasm_global_new (s->store, v, 0) });
  wasm_linker_define (s->linker, "spectest", "table",
                      (wasm_extern){ .kind = WASM_EXTERN_TABLE,
                                     .of.table = wasm_table_new (s->store, WASM_FUNCREF, 10, 20, 1, NULL) });
  wasm_linker_define (s->linker, "spectest", "memory",
                      (wasm_extern){ .kind = WASM_EXTERN_MEMORY, .of.memory = wasm_memory_new (s->store, 1, 2, 1) });
}

/* ---- Values ---------------------------------------------------------------------------- */

typedef enum nan_class { NAN_NONE, NAN_CANONICAL, NAN_ARITHMETIC } nan_class;

/* An expected value: the bits, plus per-lane NaN classes for floats. */
typedef struct expected {
  wasm_value v;
  nan_class nan[16];
  int lane_bits;       /* v128: lane width */
  bool lane_float;
  bool any_ref;        /* a reference result with no value given: any non-null */
} expected;

static wasm_valtype parse_type (const char *t)
{
  if (!strcmp (t, "i32")) return WASM_I32;
  if (!strcmp (t, "i64")) return WASM_I64;
  if (!strcmp (t, "f32")) return WASM_F32;
  if (!strcmp (t, "f64")) return WASM_F64;
  if (!strcmp (t, "v128")) return WASM_V128;
  if (!strcmp (t, "funcref")) return WASM_FUNCREF;
  if (!strcmp (t, "externref")) return WASM_EXTERNREF;
  return 0;
}

static nan_class parse_nan (const char *s)
{
  if (!strcmp (s, "nan:canonical")) return NAN_CANONICAL;
  if (!strcmp (s, "nan:arithmetic")) return NAN_ARITHMETIC;
  return NAN_NONE;
}

static const char *json_str (json_object *o, const char *key)
{
  json_object *v;
  return json_object_object_get_ex (o, key, &v) ? json_object_get_string (v) : NULL;
}

static int parse_value (json_object *o, expected *e)
{
  memset (e, 0, sizeof *e);
  const char *type = json_str (o, "type");
  e->v.type = type ? parse_type (type) : 0;
  if (!e->v.type)
    return -1;
  json_object *value;
  bool has_value = json_object_object_get_ex (o, "value", &value);
  switch (e->v.type)
    {
    case WASM_I32:
    case WASM_F32:
      e->nan[0] = parse_nan (json_object_get_string (value));
      e->v.of.f32_bits = (uint32_t) strtoull (json_object_get_string (value), NULL, 10);
      break;
    case WASM_I64:
    case WASM_F64:
      e->nan[0] = parse_nan (json_object_get_string (value));
      e->v.of.f64_bits = strtoull (json_object_get_string (value), NULL, 10);
      break;
    case WASM_V128: {
      const char *lane = json_str (o, "lane_type");
      if (!lane)
        return -1;
      e->lane_float = lane[0] == 'f';
      e->lane_bits = atoi (lane + 1);
      size_t n = json_object_array_length (value), bytes = (size_t) e->lane_bits / 8;
      for (size_t i = 0; i < n && i * bytes < 16; i++)
        {
          const char *s = json_object_get_string (json_object_array_get_idx (value, i));
          e->nan[i] = parse_nan (s);
          uint64_t bits = strtoull (s, NULL, 10);
          memcpy (e->v.of.v128.u8 + i * bytes, &bits, bytes);
        }
      break;
    }
    case WASM_FUNCREF:
    case WASM_EXTERNREF:
      if (!has_value)
        e->any_ref = true;
      else if (strcmp (json_object_get_string (value), "null") == 0)
        e->v.of.ref = NULL;
      else /* externref N is the host pointer N + 1, so that 0 differs from null */
        e->v.of.ref = (void *) (uintptr_t) (strtoull (json_object_get_string (value), NULL, 10) + 1);
      break;
    }
  return 0;
}

static bool float_matches (uint64_t bits, int width, nan_class nan, uint64_t want)
{
  uint64_t exp_mask = width == 32 ? 0x7f800000u : 0x7ff0000000000000ull;
  uint64_t quiet = width == 32 ? 0x00400000u : 0x0008000000000000ull;
  uint64_t sign = width == 32 ? 0x80000000u : 0x8000000000000000ull;
  switch (nan)
    {
    case NAN_CANONICAL: return (bits & ~sign) == (exp_mask | quiet);
    case NAN_ARITHMETIC: return (bits & exp_mask) == exp_mask && (bits & quiet);
    case NAN_NONE: return bits == want;
    }
  return false;
}

static bool value_matches (const wasm_value *got, const expected *e)
{
  if (got->type != e->v.type)
    return false;
  switch (got->type)
    {
    case WASM_I32: return got->of.f32_bits == e->v.of.f32_bits;
    case WASM_I64: return got->of.f64_bits == e->v.of.f64_bits;
    case WASM_F32: return float_matches (got->of.f32_bits, 32, e->nan[0], e->v.of.f32_bits);
    case WASM_F64: return float_matches (got->of.f64_bits, 64, e->nan[0], e->v.of.f64_bits);
    case WASM_V128: {
      if (!e->lane_float)
        return memcmp (&got->of.v128, &e->v.of.v128, 16) == 0;
      int bytes = e->lane_bits / 8;
      for (int i = 0; i < 16 / bytes; i++)
        {
          uint64_t g = 0, w = 0;
          memcpy (&g, got->of.v128.u8 + i * bytes, bytes);
          memcpy (&w, e->v.of.v128.u8 + i * bytes, bytes);
          if (!float_matches (g, e->lane_bits, e->nan[i], w))
            return false;
        }
      return true;
    }
    case WASM_FUNCREF:
    case WASM_EXTERNREF:
      return e->any_ref ? got->of.ref != NULL : got->of.ref == e->v.of.ref;
    }
  return false;
}

static void print_value (FILE *f, const wasm_value *v)
{
  switch (v->type)
    {
    case WASM_I32: fprintf (f, "i32:%u", (unsigned) v->of.i32); break;
    case WASM_I64: fprintf (f, "i64:%llu", (unsigned long long) v->of.i64); break;
    case WASM_F32: fprintf (f, "f32:0x%08x", v->of.f32_bits); break;
    case WASM_F64: fprintf (f, "f64:0x%016llx", (unsigned long long) v->of.f64_bits); break;
    case WASM_V128:
      fprintf (f, "v128:0x%016llx%016llx", (unsigned long long) v->of.v128.u64[1],
               (unsigned long long) v->of.v128.u64[0]);
      break;
    default: fprintf (f, "ref:%p", v->of.ref); break;
    }
}

/* ---- Commands -------------------------------------------------------------------------- */

static uint8_t *read_file (const char *dir, const char *name, size_t *len)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen (path, "rb");
  if (!f)
    return NULL;
  fseek (f, 0, SEEK_END);
  long n = ftell (f);
  fseek (f, 0, SEEK_SET);
  uint8_t *buf = malloc (n + 1);
  if (fread (buf, 1, n, f) != (size_t) n)
    n = 0;
  fclose (f);
  buf[n] = 0;
  *len = (size_t) n;
  return buf;
}

static bool is_text_module (json_object *cmd)
{
  const char *type = json_str (cmd, "module_type");
  return type && strcmp (type, "text") == 0;
}

static void report (script *s, json_object *cmd, bool ok, bool text, const char *fmt, ...)
  __attribute__ ((format (printf, 5, 6)));
static void report (script *s, json_object *cmd, bool ok, bool text, const char *fmt, ...)
{
  if (ok)
    {
      s->passed++;
      return;
    }
  s->failed++;
  if (text)
    s->text_failed++;
  if (s->verbose || !text)
    {
      va_list ap;
      va_start (ap, fmt);
      fprintf (stderr, "%s:%d: %s: ", s->name, json_object_get_int (json_object_object_get (cmd, "line")),
               json_str (cmd, "type"));
      vfprintf (stderr, fmt, ap);
      fputc ('\n', stderr);
      va_end (ap);
    }
}

static wasm_instance *find_instance (script *s, const char *name)
{
  if (!name)
    return s->current;
  for (size_t i = s->nnamed; i-- > 0;)
    if (strcmp (s->named[i].name, name) == 0)
      return s->named[i].inst;
  return NULL;
}

/* Load a binary module; text modules go through the text parser. Fills err. */
static wasm_module *load_module (script *s, json_object *cmd, wasm_error *err, bool *text_failed_to_parse)
{
  size_t len;
  const char *file = json_str (cmd, "filename");
  uint8_t *bytes = file ? read_file (s->dir, file, &len) : NULL;
  *text_failed_to_parse = false;
  memset (err, 0, sizeof *err);
  if (!bytes)
    {
      snprintf (err->message, sizeof err->message, "cannot read %s", file ? file : "(no file)");
      return NULL;
    }
  if (is_text_module (cmd))
    {
      uint8_t *bin;
      size_t bin_len;
      char msg[256];
      if (wat_to_wasm ((const char *) bytes, len, &bin, &bin_len, msg, sizeof msg) < 0)
        {
          free (bytes);
          *text_failed_to_parse = true;
          snprintf (err->message, sizeof err->message, "text: %.200s", msg);
          return NULL;
        }
      free (bytes);
      bytes = bin;
      len = bin_len;
    }
  wasm_module *m = wasm_module_new (bytes, len, err);
  free (bytes);
  return m;
}

/* Invoke or get; returns 0 with results, or -1 with trap/err message. */
static int run_action (script *s, json_object *action, wasm_value *results, size_t *nresults, wasm_trap *trap)
{
  memset (trap, 0, sizeof *trap);
  const char *type = json_str (action, "type");
  wasm_instance *inst = find_instance (s, json_str (action, "module"));
  json_object *jfield = json_object_object_get (action, "field");
  const char *field = jfield ? json_object_get_string (jfield) : NULL;
  if (!inst || !field)
    {
      snprintf (trap->message, sizeof trap->message, "no instance for action");
      return -2;
    }
  wasm_extern ext;
  if (wasm_instance_export_bytes (inst, field, (size_t) json_object_get_string_len (jfield), &ext) < 0)
    {
      snprintf (trap->message, sizeof trap->message, "no export \"%s\"", field);
      return -2;
    }
  if (strcmp (type, "get") == 0)
    {
      if (ext.kind != WASM_EXTERN_GLOBAL)
        return -2;
      results[0] = wasm_global_get (ext.of.global);
      *nresults = 1;
      return 0;
    }
  if (ext.kind != WASM_EXTERN_FUNC)
    return -2;
  json_object *jargs = json_object_object_get (action, "args");
  size_t nargs = jargs ? json_object_array_length (jargs) : 0;
  wasm_value args[MAX_VALUES];
  if (nargs > MAX_VALUES)
    return -2;
  for (size_t i = 0; i < nargs; i++)
    {
      expected e;
      if (parse_value (json_object_array_get_idx (jargs, i), &e) < 0)
        return -2;
      args[i] = e.v;
    }
  wasm_functype ft = wasm_func_type (ext.of.func);
  *nresults = ft.nresults;
  if (ft.nresults > MAX_VALUES)
    return -2;
  return wasm_func_call (ext.of.func, args, nargs, results, ft.nresults, trap);
}

static void cmd_module (script *s, json_object *cmd)
{
  wasm_error err;
  bool text;
  s->current = NULL;
  wasm_module *m = load_module (s, cmd, &err, &text);
  if (!m)
    {
      fprintf (stderr, "%s:%d: module failed to load: %s\n", s->name,
               json_object_get_int (json_object_object_get (cmd, "line")), err.message);
      return;
    }
  /* Instances hold a reference to their module: the script's one can go now. */
  wasm_instance *inst = wasm_linker_instantiate (s->linker, m, &err);
  wasm_module_delete (m);
  if (!inst)
    {
      fprintf (stderr, "%s:%d: module failed to instantiate: %s\n", s->name,
               json_object_get_int (json_object_object_get (cmd, "line")), err.message);
      return;
    }
  s->current = inst;
  const char *name = json_str (cmd, "name");
  s->named = realloc (s->named, (s->nnamed + 1) * sizeof *s->named);
  s->named[s->nnamed++] = (named_instance){ strdup (name ? name : ""), inst };
}

static void cmd_assert_return (script *s, json_object *cmd)
{
  wasm_value results[MAX_VALUES];
  size_t n = 0;
  wasm_trap trap;
  int rc = run_action (s, json_object_object_get (cmd, "action"), results, &n, &trap);
  if (rc < 0)
    {
      report (s, cmd, false, false, "%s", trap.message);
      return;
    }
  json_object *exp = json_object_object_get (cmd, "expected");
  size_t nexp = exp ? json_object_array_length (exp) : 0;
  if (nexp != n)
    {
      report (s, cmd, false, false, "got %zu results, want %zu", n, nexp);
      return;
    }
  for (size_t i = 0; i < n; i++)
    {
      expected e;
      if (parse_value (json_object_array_get_idx (exp, i), &e) < 0 || !value_matches (&results[i], &e))
        {
          char got[128];
          FILE *f = fmemopen (got, sizeof got, "w");
          print_value (f, &results[i]);
          fclose (f);
          report (s, cmd, false, false, "result %zu: got %s, want %s", i, got,
                  json_object_to_json_string (json_object_array_get_idx (exp, i)));
          return;
        }
    }
  report (s, cmd, true, false, "ok");
}

static void cmd_assert_trap (script *s, json_object *cmd, bool exhaustion)
{
  wasm_value results[MAX_VALUES];
  size_t n;
  wasm_trap trap;
  int rc = run_action (s, json_object_object_get (cmd, "action"), results, &n, &trap);
  const char *want = json_str (cmd, "text");
  if (rc == -2 || rc == 0)
    {
      report (s, cmd, false, false, "%s", rc == 0 ? "did not trap" : trap.message);
      return;
    }
  /* The engine's message is the spec wording plus context in parentheses; scripts sometimes
   * add detail after the wording ("uninitialized element 2"). */
  size_t wording = strcspn (trap.message, "(");
  while (wording && trap.message[wording - 1] == ' ')
    wording--;
  bool ok = exhaustion ? trap.kind == WASM_TRAP_CALL_STACK_EXHAUSTED
                       : want && wording && strncmp (trap.message, want, wording) == 0;
  report (s, cmd, ok, false, "trapped with \"%s\", want \"%s\"", trap.message, want ? want : "");
}

static void cmd_assert_module (script *s, json_object *cmd, wasm_error_kind want)
{
  wasm_error err;
  bool text = is_text_module (cmd), parse_failed;
  if (text && !text_parser_present)
    {
      report (s, cmd, false, true, "text format parser not built");
      return;
    }
  wasm_module *m = load_module (s, cmd, &err, &parse_failed);
  if (want == WASM_ERR_MALFORMED && text)
    {
      report (s, cmd, parse_failed || (!m && err.kind == WASM_ERR_MALFORMED), true, "text module parsed");
      wasm_module_delete (m);
      return;
    }
  if (want == WASM_ERR_MALFORMED || want == WASM_ERR_INVALID)
    {
      report (s, cmd, !m && err.kind == want, text, "%s (%s)", m ? "module loaded" : err.message,
              json_str (cmd, "text"));
      wasm_module_delete (m);
      return;
    }
  if (!m)
    {
      report (s, cmd, false, text, "module failed to load: %s", err.message);
      return;
    }
  wasm_instance *inst = wasm_linker_instantiate (s->linker, m, &err);
  report (s, cmd, !inst && err.kind == want, text, "%s (%s)", inst ? "instantiated" : err.message,
          json_str (cmd, "text"));
  wasm_module_delete (m);
}

static int run_script (const char *path, bool verbose, bool tap, int *total_pass, int *total_fail, int *tap_n,
                       int *tap_failed)
{
  json_object *root = json_object_from_file (path);
  if (!root)
    {
      fprintf (stderr, "%s: cannot parse JSON\n", path);
      return -1;
    }
  char *path_copy = strdup (path), *base_copy = strdup (path);
  script s = { .dir = dirname (path_copy), .verbose = verbose };
  char *base = basename (base_copy);
  char *dot = strrchr (base, '.');
  if (dot)
    *dot = 0;
  s.name = base;
  s.store = wasm_store_new (NULL);
  s.linker = wasm_linker_new (s.store);
  define_spectest (&s);
  json_object *cmds = json_object_object_get (root, "commands");
  size_t n = json_object_array_length (cmds);
  for (size_t i = 0; i < n; i++)
    {
      json_object *cmd = json_object_array_get_idx (cmds, i);
      const char *type = json_str (cmd, "type");
      if (!strcmp (type, "module"))
        cmd_module (&s, cmd);
      else if (!strcmp (type, "register"))
        {
          wasm_instance *inst = find_instance (&s, json_str (cmd, "name"));
          if (inst)
            wasm_linker_define_instance (s.linker, json_str (cmd, "as"), inst);
        }
      else if (!strcmp (type, "action"))
        {
          wasm_value results[MAX_VALUES];
          size_t nr;
          wasm_trap trap;
          run_action (&s, json_object_object_get (cmd, "action"), results, &nr, &trap);
        }
      else if (!strcmp (type, "assert_return"))
        cmd_assert_return (&s, cmd);
      else if (!strcmp (type, "assert_trap"))
        cmd_assert_trap (&s, cmd, false);
      else if (!strcmp (type, "assert_exhaustion"))
        cmd_assert_trap (&s, cmd, true);
      else if (!strcmp (type, "assert_invalid"))
        cmd_assert_module (&s, cmd, WASM_ERR_INVALID);
      else if (!strcmp (type, "assert_malformed"))
        cmd_assert_module (&s, cmd, WASM_ERR_MALFORMED);
      else if (!strcmp (type, "assert_unlinkable"))
        cmd_assert_module (&s, cmd, WASM_ERR_UNLINKABLE);
      else if (!strcmp (type, "assert_uninstantiable"))
        cmd_assert_module (&s, cmd, WASM_ERR_UNINSTANTIABLE);
      else
        fprintf (stderr, "%s: unknown command %s\n", s.name, type);
    }
  int total = s.passed + s.failed;
  if (tap)
    {
      ++*tap_n;
      if (s.failed == 0)
        printf ("ok %d - %s%s (%d/%d)\n", *tap_n, engine_label, s.name, s.passed, total);
      else if (s.failed == s.text_failed && !text_parser_present)
        printf ("ok %d - %s%s (%d/%d) # skip text format parser not built (%d text assertions)\n", *tap_n,
                engine_label, s.name, s.passed, total, s.text_failed);
      else
        {
          printf ("not ok %d - %s%s (%d/%d)\n", *tap_n, engine_label, s.name, s.passed, total);
          ++*tap_failed;
        }
    }
  else
    printf ("%-40s %6d passed %6d failed%s\n", s.name, s.passed, s.failed,
            s.text_failed ? " (text format)" : "");
  fflush (stdout);
  *total_pass += s.passed;
  *total_fail += s.failed;
  wasm_linker_delete (s.linker);
  wasm_store_delete (s.store);
  for (size_t i = 0; i < s.nnamed; i++)
    free (s.named[i].name);
  free (s.named);
  free (path_copy);
  free (base_copy);
  json_object_put (root);
  return 0;
}

int main (int argc, char **argv)
{
  bool verbose = false, tap = false;
  int first = 1;
  for (; first < argc && argv[first][0] == '-'; first++)
    {
      if (!strcmp (argv[first], "-v"))
        verbose = true;
      else if (!strcmp (argv[first], "--tap"))
        tap = true;
      else if (!strcmp (argv[first], "--engine") && first + 1 < argc)
        {
          wasm_engine e;
          const char *name = argv[++first];
          if (wasm_engine_parse (name, &e) < 0 || wasm_engine_select (e) < 0)
            {
              fprintf (stderr, "spectest: engine `%s` is not available (jit, interp)\n", name);
              return 2;
            }
        }
    }
  if (wasm_engine_selected () == WASM_ENGINE_JIT)
    engine_label = "jit: ";
  uint8_t *bin;
  size_t bin_len;
  char msg[256];
  text_parser_present = wat_to_wasm ("(module)", 8, &bin, &bin_len, msg, sizeof msg) == 0;
  if (text_parser_present)
    free (bin);
  int pass = 0, fail = 0, tap_n = 0, tap_failed = 0;
  for (int i = first; i < argc; i++)
    if (run_script (argv[i], verbose, tap, &pass, &fail, &tap_n, &tap_failed) < 0)
      fail++, tap_failed++;
  if (tap)
    printf ("1..%d\n", tap_n);
  printf ("%s%d passed, %d failed\n", tap ? "# " : "", pass, fail);
  return (tap ? tap_failed : fail) ? 1 : 0;
}
