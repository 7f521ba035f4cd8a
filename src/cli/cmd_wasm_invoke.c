/* --invoke: text -> typed wasm values, and results -> text. Integers accept decimal, hex
 * (0x) and negative forms; floats accept what strtod does (including nan and inf). Results
 * print as signed decimals and as floats with enough digits to read back exactly. */
#include "cli/cmd_wasm_invoke.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "common/cleanup.h"

static int parse_value (wasm_valtype type, const char *text, wasm_value *out, struct rw_error **err)
{
  char *end = NULL;
  errno = 0;
  *out = (wasm_value) { .type = type };
  switch (type)
    {
    case WASM_I32:
    case WASM_I64:
      {
        long long v = strtoll (text, &end, 0);
        if (errno == ERANGE && text[0] != '-')
          {
            /* Unsigned spellings of large values: 4294967295, 0xffffffffffffffff. */
            errno = 0;
            v = (long long) strtoull (text, &end, 0);
          }
        if (errno != 0 || end == text || *end != '\0'
            || (type == WASM_I32 && (v < INT32_MIN || v > (long long) UINT32_MAX)))
          return rw_error_set (err, 0, "`%s` is not a valid %s", text, type == WASM_I32 ? "i32" : "i64");
        if (type == WASM_I32)
          out->of.i32 = (int32_t) (uint32_t) v;
        else
          out->of.i64 = v;
        return 0;
      }
    case WASM_F32:
      out->of.f32 = strtof (text, &end);
      break;
    case WASM_F64:
      out->of.f64 = strtod (text, &end);
      break;
    default:
      return rw_error_set (err, ENOTSUP, "cannot pass a v128 or reference parameter from the command line");
    }
  if (end == text || *end != '\0')
    return rw_error_set (err, 0, "`%s` is not a valid %s", text, type == WASM_F32 ? "f32" : "f64");
  return 0;
}

static int print_value (FILE *out, const wasm_value *v, struct rw_error **err)
{
  switch (v->type)
    {
    case WASM_I32: fprintf (out, "%" PRId32 "\n", v->of.i32); return 0;
    case WASM_I64: fprintf (out, "%" PRId64 "\n", v->of.i64); return 0;
    case WASM_F32: fprintf (out, "%.9g\n", v->of.f32); return 0;
    case WASM_F64: fprintf (out, "%.17g\n", v->of.f64); return 0;
    case WASM_V128:
      fprintf (out, "0x%016" PRIx64 "%016" PRIx64 "\n", v->of.v128.u64[1], v->of.v128.u64[0]);
      return 0;
    case WASM_FUNCREF:
    case WASM_EXTERNREF:
      fprintf (out, v->of.ref ? "ref\n" : "null\n");
      return 0;
    }
  return rw_error_set (err, 0, "result of unknown type 0x%x", v->type);
}

int cmd_wasm_invoke (wasm_func *func, const char *name, char **argv, int argc, FILE *out, wasm_trap *trap,
                     struct rw_error **err)
{
  wasm_functype type = wasm_func_type (func);
  if ((uint32_t) argc != type.nparams)
    return rw_error_set (err, 0, "`%s` takes %u argument(s), %d given", name, type.nparams, argc);
  cleanup_free wasm_value *args = calloc (type.nparams + 1, sizeof *args);
  cleanup_free wasm_value *results = calloc (type.nresults + 1, sizeof *results);
  if (args == NULL || results == NULL)
    return rw_error_set (err, ENOMEM, "invoke `%s`", name);
  for (uint32_t i = 0; i < type.nparams; i++)
    if (parse_value (type.params[i], argv[i], &args[i], err) < 0)
      return rw_error_wrap (err, "argument %u of `%s`", i + 1, name);
  if (wasm_func_call (func, args, type.nparams, results, type.nresults, trap) < 0)
    return 1;
  for (uint32_t i = 0; i < type.nresults; i++)
    if (print_value (out, &results[i], err) < 0)
      return -1;
  fflush (out);
  return 0;
}
