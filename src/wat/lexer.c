/* Lexical structure: whitespace, line and nested block comments, strings with escapes,
 * and atoms separated by whitespace or parentheses. */
#include "wat/lexer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct lexer {
  const char *text, *end, *p;
  int line;
  const char *line_start;
  char *err;
  size_t errlen;
} lexer;

static int lex_error (lexer *lx, const char *at, const char *fmt, ...)
{
  /* The column counts bytes from the line start, 1-based, like wat2wasm. */
  int line = lx->line;
  const char *ls = lx->line_start;
  if (at < ls)
    at = ls;
  int n = snprintf (lx->err, lx->errlen, "%d:%d: ", line, (int) (at - ls) + 1);
  va_list ap;
  va_start (ap, fmt);
  if (n >= 0 && (size_t) n < lx->errlen)
    vsnprintf (lx->err + n, lx->errlen - n, fmt, ap);
  va_end (ap);
  return -1;
}

static int is_idchar (unsigned char c)
{
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
    return 1;
  return c != 0 && strchr ("!#$%&'*+-./:<=>?@\\^_`|~", c) != NULL;
}

static void newline (lexer *lx, const char *nl)
{
  lx->line++;
  lx->line_start = nl + 1;
}

/* Skips whitespace and comments; -1 on an unterminated block comment or a stray char. */
static int skip_space (lexer *lx)
{
  while (lx->p < lx->end)
    {
      char c = *lx->p;
      if (c == ' ' || c == '\t' || c == '\r')
        lx->p++;
      else if (c == '\n')
        newline (lx, lx->p++);
      else if (c == ';' && lx->p + 1 < lx->end && lx->p[1] == ';')
        {
          while (lx->p < lx->end && *lx->p != '\n')
            lx->p++;
        }
      else if (c == '(' && lx->p + 1 < lx->end && lx->p[1] == ';')
        {
          const char *open = lx->p;
          int depth = 1;
          lx->p += 2;
          while (depth > 0)
            {
              if (lx->p >= lx->end)
                return lex_error (lx, open, "unterminated block comment");
              if (lx->p[0] == '(' && lx->p + 1 < lx->end && lx->p[1] == ';')
                depth++, lx->p += 2;
              else if (lx->p[0] == ';' && lx->p + 1 < lx->end && lx->p[1] == ')')
                depth--, lx->p += 2;
              else if (*lx->p == '\n')
                newline (lx, lx->p++);
              else
                lx->p++;
            }
        }
      else
        break;
    }
  return 0;
}

static int hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Length of the UTF-8 sequence at s (up to end) if well-formed, else 0. */
static size_t utf8_seq_len (const uint8_t *s, const uint8_t *end)
{
  uint8_t c = s[0];
  size_t n;
  uint32_t cp, min;
  if (c < 0x80)
    return 1;
  else if ((c & 0xe0) == 0xc0)
    n = 2, cp = c & 0x1f, min = 0x80;
  else if ((c & 0xf0) == 0xe0)
    n = 3, cp = c & 0x0f, min = 0x800;
  else if ((c & 0xf8) == 0xf0)
    n = 4, cp = c & 0x07, min = 0x10000;
  else
    return 0;
  if ((size_t) (end - s) < n)
    return 0;
  for (size_t i = 1; i < n; i++)
    {
      if ((s[i] & 0xc0) != 0x80)
        return 0;
      cp = (cp << 6) | (s[i] & 0x3f);
    }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return n;
}

int wat_utf8_valid (const uint8_t *s, size_t len)
{
  const uint8_t *end = s + len;
  while (s < end)
    {
      size_t n = utf8_seq_len (s, end);
      if (n == 0)
        return 0;
      s += n;
    }
  return 1;
}

/* Checks one string literal starting at the opening quote; leaves p after the closing one. */
static int lex_string (lexer *lx)
{
  const char *open = lx->p++;
  while (lx->p < lx->end && *lx->p != '"')
    {
      unsigned char c = *lx->p;
      if (c < 0x20 || c == 0x7f)
        return lex_error (lx, lx->p,
                          c == '\n' ? "newline in string" : "illegal character in string");
      if (c >= 0x80)
        {
          size_t n = utf8_seq_len ((const uint8_t *) lx->p, (const uint8_t *) lx->end);
          if (n == 0)
            return lex_error (lx, lx->p, "malformed UTF-8 encoding");
          lx->p += n;
          continue;
        }
      if (c != '\\')
        {
          lx->p++;
          continue;
        }
      const char *esc = lx->p++;
      if (lx->p >= lx->end)
        break;
      c = *lx->p;
      if (c && strchr ("nrt\\'\"", c))
        lx->p++;
      else if (c == 'u')
        {
          lx->p++;
          if (lx->p >= lx->end || *lx->p != '{')
            return lex_error (lx, esc, "invalid string escape");
          lx->p++;
          uint32_t cp = 0;
          int digits = 0, underscore_ok = 0;
          while (lx->p < lx->end && *lx->p != '}')
            {
              if (*lx->p == '_' && underscore_ok)
                {
                  underscore_ok = 0;
                  lx->p++;
                  continue;
                }
              int v = hex_value (*lx->p);
              if (v < 0)
                return lex_error (lx, esc, "invalid string escape");
              cp = cp > 0x10ffff ? cp : cp * 16 + v;
              digits++, underscore_ok = 1, lx->p++;
            }
          if (lx->p >= lx->end || digits == 0 || !underscore_ok)
            return lex_error (lx, esc, "invalid string escape");
          if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return lex_error (lx, esc, "invalid unicode escape");
          lx->p++;
        }
      else if (hex_value (c) >= 0 && lx->p + 1 < lx->end && hex_value (lx->p[1]) >= 0)
        lx->p += 2;
      else
        return lex_error (lx, esc, "invalid string escape");
    }
  if (lx->p >= lx->end)
    return lex_error (lx, open, "unterminated string");
  lx->p++;
  return 0;
}

int wat_lex (const char *text, size_t len, wat_token **tokens, size_t *ntokens,
             char *err, size_t errlen)
{
  lexer lx = { text, text + len, text, 1, text, err, errlen };
  size_t n = 0, cap = 256;
  wat_token *toks = malloc (cap * sizeof *toks);
  *tokens = toks;
  *ntokens = 0;
  if (!toks)
    return lex_error (&lx, text, "out of memory");
  for (;;)
    {
      if (skip_space (&lx) < 0)
        return -1;
      if (n + 1 >= cap)
        {
          wat_token *grown = realloc (toks, 2 * cap * sizeof *toks);
          if (!grown)
            return lex_error (&lx, lx.p, "out of memory");
          *tokens = toks = grown;
          cap *= 2;
        }
      wat_token *t = &toks[n];
      t->start = lx.p;
      t->line = lx.line;
      t->col = (int) (lx.p - lx.line_start) + 1;
      if (lx.p >= lx.end)
        {
          t->kind = TOK_EOF;
          t->len = 0;
          *ntokens = n + 1;
          return 0;
        }
      unsigned char c = *lx.p;
      if (c == '(' || c == ')')
        {
          t->kind = c == '(' ? TOK_LPAREN : TOK_RPAREN;
          lx.p++;
        }
      else if (c == '"')
        {
          t->kind = TOK_STRING;
          if (lex_string (&lx) < 0)
            return -1;
        }
      else if (is_idchar (c))
        {
          t->kind = TOK_ATOM;
          while (lx.p < lx.end && is_idchar (*lx.p))
            lx.p++;
        }
      else
        return lex_error (&lx, lx.p, "unexpected character");
      t->len = lx.p - t->start;
      n++;
      /* Atoms and strings must be separated from the next one by space or parentheses. */
      if (t->kind >= TOK_ATOM && lx.p < lx.end && (*lx.p == '"' || is_idchar (*lx.p)))
        return lex_error (&lx, t->start, "unexpected token: %.*s needs a space after it",
                          (int) (t->len < 40 ? t->len : 40), t->start);
    }
}

size_t wat_string_decode (const wat_token *tok, uint8_t *out)
{
  const char *p = tok->start + 1, *end = tok->start + tok->len - 1;
  size_t n = 0;
  while (p < end)
    {
      if (*p != '\\')
        {
          out[n++] = (uint8_t) *p++;
          continue;
        }
      p++;
      char c = *p++;
      switch (c)
        {
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case '\\': case '\'': case '"': out[n++] = (uint8_t) c; break;
        case 'u':
          {
            uint32_t cp = 0;
            for (p++; *p != '}'; p++)
              if (*p != '_')
                cp = cp * 16 + hex_value (*p);
            p++;
            if (cp < 0x80)
              out[n++] = (uint8_t) cp;
            else if (cp < 0x800)
              {
                out[n++] = 0xc0 | (cp >> 6);
                out[n++] = 0x80 | (cp & 0x3f);
              }
            else if (cp < 0x10000)
              {
                out[n++] = 0xe0 | (cp >> 12);
                out[n++] = 0x80 | ((cp >> 6) & 0x3f);
                out[n++] = 0x80 | (cp & 0x3f);
              }
            else
              {
                out[n++] = 0xf0 | (cp >> 18);
                out[n++] = 0x80 | ((cp >> 12) & 0x3f);
                out[n++] = 0x80 | ((cp >> 6) & 0x3f);
                out[n++] = 0x80 | (cp & 0x3f);
              }
            break;
          }
        default:
          out[n++] = (uint8_t) (hex_value (c) * 16 + hex_value (*p));
          p++;
          break;
        }
    }
  return n;
}
