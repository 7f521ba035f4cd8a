/* wat_to_wasm end to end: encodings the binary format fixes, the module wrappers, errors
 * with line:col, the instruction table, and wat_looks_like_text. */
#include "tap.h"

#include <stdlib.h>

#include "wat/opcodes.h"
#include "wat/parser.h"
#include "wat/wat.h"

static char err[256];

static const uint8_t header[] = { 0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00 };
/* (func): type () -> (), one function of type 0, body "end". */
static const uint8_t empty_func[] = { 0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00,
                                      0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
                                      0x03, 0x02, 0x01, 0x00,
                                      0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b };

static void check_bytes (const char *text, const uint8_t *want, size_t want_len, const char *what)
{
  uint8_t *out;
  size_t len;
  int rc = wat_to_wasm (text, strlen (text), &out, &len, err, sizeof err);
  tap_ok (rc == 0 && len == want_len && memcmp (out, want, len) == 0, "%s", what);
  if (rc != 0)
    printf ("#   error: %s\n", err);
  free (out);
}

static void check_error (const char *text, const char *want)
{
  uint8_t *out;
  size_t len;
  char shown[128]; /* the text on one TAP line */
  size_t n = 0;
  for (const char *c = text; *c && n + 3 < sizeof shown; c++)
    if (*c == '\n')
      shown[n++] = '\\', shown[n++] = 'n';
    else
      shown[n++] = *c;
  shown[n] = 0;
  int rc = wat_to_wasm (text, strlen (text), &out, &len, err, sizeof err);
  tap_ok (rc == -1 && out == NULL, "rejects %s", shown);
  tap_eq_str (err, want, "error message for %s", shown);
}

static void encodings (void)
{
  check_bytes ("(module)", header, sizeof header, "empty module is the bare header");
  check_bytes ("(module $m)", header, sizeof header, "module name is not encoded");
  check_bytes ("(module (func))", empty_func, sizeof empty_func, "one empty function");
  check_bytes ("(func)", empty_func, sizeof empty_func, "fields without the module wrapper");
  check_bytes ("(module quote \"(fu\" \"nc)\")", empty_func, sizeof empty_func,
               "module quote parses the concatenated text");
  check_bytes ("(module binary \"\\00asm\" \"\\01\\00\\00\\00\")", header, sizeof header,
               "module binary is copied");
  /* Two-value block: its type is created after the explicit type 0. */
  const uint8_t multi[] = { 0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00,
                            0x01, 0x09, 0x02, 0x60, 0x00, 0x00, 0x60, 0x00, 0x02, 0x7f, 0x7f,
                            0x03, 0x02, 0x01, 0x00,
                            0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x02, 0x01, 0x41, 0x01, 0x41, 0x7f,
                            0x0b, 0x1a, 0x1a, 0x0b };
  check_bytes ("(type (func)) (func (type 0) (block (result i32 i32) i32.const 1 i32.const -1)"
               " drop drop)", multi, sizeof multi, "multi-value block type index");
  /* Labels: br to the outer block by name is depth 1. */
  const uint8_t labels[] = { 0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00,
                             0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
                             0x03, 0x02, 0x01, 0x00,
                             0x0a, 0x0c, 0x01, 0x0a, 0x00, 0x02, 0x40, 0x03, 0x40, 0x0c, 0x01,
                             0x0b, 0x0b, 0x0b };
  check_bytes ("(func block $out loop $in br $out end $in end)", labels, sizeof labels,
               "branch to an outer label by name");
}

static void errors (void)
{
  check_error ("(module (func i32.foo))", "1:15: unknown operator i32.foo");
  check_error ("(module\n  (func (br $nope)))", "2:13: unknown label $nope");
  check_error ("(func $a) (func $a)", "1:17: duplicate func $a");
  check_error ("(func (local $x i32) (local $x i64))", "1:29: duplicate local $x");
  check_error ("(func (drop (i32.const 4294967296)))", "1:24: constant out of range");
  check_error ("(func (drop (f32.const 1e39)))", "1:24: constant out of range");
  check_error ("(memory 1) (func (drop (i32.load align=3 (i32.const 0))))",
               "1:34: alignment must be a power of two");
  check_error ("(func block $a end $b)", "1:20: mismatching label $b");
  check_error ("(func (export \"\\ff\"))", "1:15: malformed UTF-8 encoding");
  check_error ("(func) (import \"m\" \"f\" (func))",
               "1:9: import after a function, table, memory or global definition");
  check_error ("(module (func)", "1:15: unexpected end of input, expected )");
  check_error ("", "1:1: unexpected end of input, expected a module");
  check_error ("(func (call $missing))", "1:13: unknown func $missing");
  check_error ("(func (local.get $y))", "1:18: unknown local $y");
  check_error ("(start 0) (start 0)", "1:12: multiple start sections");
  check_error ("(module quote \"(func $f) (func $f)\")", "1:17: duplicate func $f");
}

/* Nesting just within the limit works; beyond it is an error, not a stack overflow. */
static void nesting (void)
{
  for (int extra = 0; extra <= 1; extra++)
    {
      int n = WAT_MAX_NESTING + extra;
      size_t len = strlen ("(func ") + n * strlen ("block ") + n * strlen ("end ") + 2;
      char *text = malloc (len), *p = text;
      p = stpcpy (p, "(func ");
      for (int i = 0; i < n; i++)
        p = stpcpy (p, "block ");
      for (int i = 0; i < n; i++)
        p = stpcpy (p, "end ");
      strcpy (p, ")");
      uint8_t *out;
      size_t out_len;
      int rc = wat_to_wasm (text, strlen (text), &out, &out_len, err, sizeof err);
      if (extra)
        tap_ok (rc == -1 && strstr (err, "nested more than"), "%d nested blocks rejected", n);
      else
        tap_ok (rc == 0, "%d nested blocks accepted", n);
      free (out);
      free (text);
    }
}

/* Every prefix of a module, each in a buffer of exactly its length (no NUL after it): the
 * parser must stay inside the buffer (ASan checks) and accept only the complete text. */
static void prefixes (void)
{
  static const char text[] =
    "(module (memory 1) (func $f (param $x i32) (result f64) (local v128)\n"
    "  block $b (br_if $b (local.get $x)) end\n"
    "  (v128.const f32x4 inf -nan:0x1 0x1p-3 1e1) drop (f64.const -0x1.8p1))\n"
    "  (data (i32.const 0) \"\\u{1F600}\\00\")) ;; done";
  size_t n = sizeof text - 1, accepted = 0;
  for (size_t len = 0; len <= n; len++)
    {
      char *copy = malloc (len ? len : 1);
      memcpy (copy, text, len);
      uint8_t *out;
      size_t out_len;
      if (wat_to_wasm (copy, len, &out, &out_len, err, sizeof err) == 0)
        accepted++;
      free (out);
      free (copy);
    }
  /* The complete module followed by each prefix of " ;; done" except the lone ";". */
  tap_eq_int (accepted, strlen (" ;; done"), "only the complete module is accepted");
}

/* Many names: each resolves to its own index, a late duplicate is found, and local names
 * start afresh in every function. */
static void many_names (void)
{
  enum { N = 1000 };
  char *text = malloc (N * 64), *p = text;
  for (int i = 0; i < N; i++)
    p += sprintf (p, "(func $f%d (local $x i32) (call $f%d))", i, N - 1 - i);
  uint8_t *out;
  size_t len;
  int rc = wat_to_wasm (text, strlen (text), &out, &len, err, sizeof err);
  tap_ok (rc == 0, "%d named functions with the same local name", N);
  /* The last body is "01 01 7f 10 00 0b": its call targets $f0. */
  tap_ok (rc == 0 && len > 6 && memcmp (out + len - 6, "\x01\x01\x7f\x10\x00\x0b", 6) == 0,
          "the last function calls index 0");
  free (out);
  sprintf (p, "(func $f%d)", N / 2);
  tap_eq_int (wat_to_wasm (text, strlen (text), &out, &len, err, sizeof err), -1,
              "a duplicate among many names");
  tap_ok (strstr (err, "duplicate func $f500") != NULL, "names the duplicate: %s", err);
  free (text);
}

static void opcode_table (void)
{
  size_t simd = 0, unique = 1, found = 1;
  for (size_t i = 0; i < wat_opcode_count; i++)
    {
      const wat_opcode *op = &wat_opcodes[i];
      simd += op->prefix == 0xfd;
      if (wat_opcode_find (op->name, strlen (op->name)) != op)
        found = 0;
      for (size_t j = 0; j < i; j++)
        if (strcmp (wat_opcodes[j].name, op->name) == 0
            || (wat_opcodes[j].prefix == op->prefix && wat_opcodes[j].code == op->code
                && op->code != 0x1b))
          unique = 0;
    }
  tap_eq_int (simd, 236, "all 236 SIMD instructions");
  tap_ok (unique, "names and opcodes are unique");
  tap_ok (found, "every name is found by lookup");
  tap_ok (wat_opcode_find ("i32.ad", 6) == NULL, "a prefix of a name is not found");
  tap_ok (wat_opcode_find ("get_local", 9) == NULL, "obsolete names are not accepted");
}

static void sniffing (void)
{
  static const struct { const char *bytes; size_t len; int text; const char *what; } cases[] = {
    { "(module)", 8, 1, "(module)" },
    { "\xef\xbb\xbf;; hello\n(; block ;)\n  (func $main)", 36, 1, "BOM, comments, a field" },
    { "( module\n)", 10, 1, "space after the paren" },
    { "(memory 1)", 10, 1, "a memory field" },
    { "\0asm\1\0\0\0", 8, 0, "binary module" },
    { "\x7f" "ELF\2\1\1", 7, 0, "ELF executable" },
    { "#!/bin/sh\necho hi\n", 18, 0, "shell script" },
    { "(modules)", 9, 0, "a longer word" },
    { "(; unterminated", 15, 0, "unterminated comment" },
    { "", 0, 0, "empty file" },
    { "(", 1, 0, "lone paren" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    tap_eq_int (wat_looks_like_text ((const uint8_t *) cases[i].bytes, cases[i].len),
                cases[i].text, "looks like text: %s", cases[i].what);
}

int main (void)
{
  encodings ();
  errors ();
  nesting ();
  prefixes ();
  many_names ();
  opcode_table ();
  sniffing ();
  return tap_done ();
}
