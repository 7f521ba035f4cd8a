/* Lexer: token kinds and positions, comments, string escapes, token separation, UTF-8. */
#include "tap.h"

#include <stdlib.h>

#include "wat/lexer.h"

static char err[256];

/* Lexes text; returns the token count (EOF included) or -1, leaving tokens in *out. */
static long lex (const char *text, wat_token **out)
{
  size_t n;
  int rc = wat_lex (text, strlen (text), out, &n, err, sizeof err);
  return rc < 0 ? -1 : (long) n;
}

static void kinds_and_positions (void)
{
  wat_token *t;
  long n = lex ("(module ;; line comment\n  (func $f) (; block (; nested ;) ;)\"s\")", &t);
  tap_eq_int (n, 9, "token count with comments skipped");
  if (n == 9)
    {
      tap_eq_int (t[0].kind, TOK_LPAREN, "( first");
      tap_eq_int (t[1].kind, TOK_ATOM, "module is an atom");
      tap_eq_int (t[2].line, 2, "(func on line 2");
      tap_eq_int (t[2].col, 3, "(func at column 3");
      tap_eq_int (t[4].kind, TOK_ATOM, "$f is an atom");
      tap_eq_int (t[4].len, 2, "$f length");
      tap_eq_int (t[6].kind, TOK_STRING, "string after a block comment");
      tap_eq_int (t[6].col, 37, "string column counts bytes");
      tap_eq_int (t[7].kind, TOK_RPAREN, "closing paren");
      tap_eq_int (t[8].kind, TOK_EOF, "EOF last");
    }
  free (t);
  n = lex ("", &t);
  tap_eq_int (n, 1, "empty text is just EOF");
  free (t);
}

static void errors (void)
{
  wat_token *t;
  tap_eq_int (lex ("(module\n  (; never closed", &t), -1, "unterminated block comment");
  tap_eq_str (err, "2:3: unterminated block comment", "error points at the comment start");
  free (t);
  tap_eq_int (lex ("(data \"abc", &t), -1, "unterminated string");
  tap_eq_str (err, "1:7: unterminated string", "error points at the quote");
  free (t);
  tap_eq_int (lex ("\"a\"\"b\"", &t), -1, "adjacent strings");
  free (t);
  tap_eq_int (lex ("$x\"a\"", &t), -1, "string glued to an id");
  tap_eq_str (err, "1:1: unexpected token: $x needs a space after it", "glued token message");
  free (t);
  tap_eq_int (lex ("\"\\q\"", &t), -1, "unknown escape");
  tap_eq_str (err, "1:2: invalid string escape", "escape error column");
  free (t);
  tap_eq_int (lex ("\"\\u{d800}\"", &t), -1, "surrogate escape");
  free (t);
  tap_eq_int (lex ("\"\\u{110000}\"", &t), -1, "escape above U+10FFFF");
  free (t);
  tap_eq_int (lex ("\"\\4\"", &t), -1, "one hex digit is not an escape");
  free (t);
  tap_eq_int (lex ("\"a\nb\"", &t), -1, "newline inside a string");
  free (t);
  tap_eq_int (lex ("\"\xc3\x28\"", &t), -1, "invalid UTF-8 inside a string");
  free (t);
  {
    size_t n;
    tap_eq_int (wat_lex ("\"\\\0\"", 4, &t, &n, err, sizeof err), -1, "NUL after a backslash");
    free (t);
    tap_eq_int (wat_lex ("(func)\0", 7, &t, &n, err, sizeof err), -1, "NUL outside a string");
    free (t);
  }
  tap_eq_int (lex ("(func) {", &t), -1, "character outside the token set");
  tap_eq_str (err, "1:8: unexpected character", "stray character column");
  free (t);
}

static void string_decoding (void)
{
  wat_token *t;
  long n = lex ("\"a\\n\\t\\\\\\'\\\"\\41\\u{1F600}\\u{e9}\\00\"", &t);
  tap_eq_int (n, 2, "one string token");
  if (n == 2)
    {
      uint8_t buf[64];
      size_t len = wat_string_decode (&t[0], buf);
      const uint8_t want[] = { 'a', '\n', '\t', '\\', '\'', '"', 'A', 0xf0, 0x9f, 0x98, 0x80,
                               0xc3, 0xa9, 0x00 };
      tap_eq_int (len, sizeof want, "decoded length");
      tap_ok (len == sizeof want && memcmp (buf, want, len) == 0, "decoded bytes");
    }
  free (t);
}

static void utf8 (void)
{
  tap_ok (wat_utf8_valid ((const uint8_t *) "h\xc3\xa9llo", 6), "two-byte sequence");
  tap_ok (!wat_utf8_valid ((const uint8_t *) "\xc0\x80", 2), "overlong NUL");
  tap_ok (!wat_utf8_valid ((const uint8_t *) "\xed\xa0\x80", 3), "encoded surrogate");
  tap_ok (!wat_utf8_valid ((const uint8_t *) "\xf4\x90\x80\x80", 4), "above U+10FFFF");
  tap_ok (!wat_utf8_valid ((const uint8_t *) "\xe2\x82", 2), "truncated sequence");
  tap_ok (!wat_utf8_valid ((const uint8_t *) "\xff", 1), "0xff never appears");
}

int main (void)
{
  kinds_and_positions ();
  errors ();
  string_decoding ();
  utf8 ();
  return tap_done ();
}
