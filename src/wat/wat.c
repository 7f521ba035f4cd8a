/* Entry points: text module -> binary module, and the "is this text Wasm?" sniffer. */
#include "wat/wat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wat/parser.h"

static void parser_free (wat_parser *p)
{
  for (int s = 0; s < SPACE_COUNT; s++)
    wat_names_free (&p->spaces[s]);
  for (uint32_t i = 0; i < p->ntypes; i++)
    wat_functype_free (&p->types[i]);
  free (p->types);
  free (p->type_slots);
  wat_section *sections[] = { &p->imports, &p->funcs, &p->tables, &p->memories, &p->globals,
                              &p->exports, &p->elems, &p->datas, &p->code };
  for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
    bytes_free (&sections[i]->bytes);
  wat_functype_free (&p->sig);
  for (uint32_t i = 0; i < p->scratch_alloc; i++)
    {
      bytes_free (p->scratch[i]);
      free (p->scratch[i]);
    }
  free (p->scratch);
  bytes_free (&p->local_types);
  free (p->labels);
  free (p);
}

/* "(module $id? binary|quote "..."*)": the concatenated strings. */
static void parse_module_strings (wat_parser *p, wat_bytes *out)
{
  while (wat_peek (p)->kind == TOK_STRING)
    wat_parse_string_bytes (p, out);
  wat_expect_rparen (p);
  if (wat_peek (p)->kind != TOK_EOF)
    wat_fail (p, wat_peek (p), "unexpected token after the module");
}

/* The whole input: a module, its fields without the wrapper, or "(module binary|quote)". */
static void parse_module (wat_parser *p)
{
  int wrapped = wat_peek_form (p, "module");
  if (wrapped)
    {
      p->pos += 2;
      wat_opt_id (p);
      int binary = wat_is_atom (wat_peek (p), "binary");
      if (binary || wat_is_atom (wat_peek (p), "quote"))
        {
          wat_next (p);
          parse_module_strings (p, &p->output);
          p->output_is_quoted_text = !binary;
          return;
        }
    }
  size_t start = p->pos;
  if (!wrapped && wat_peek (p)->kind == TOK_EOF)
    wat_fail (p, wat_peek (p), "unexpected end of input, expected a module");
  wat_collect_fields (p, start);
  if (wrapped)
    wat_expect_rparen (p);
  if (wat_peek (p)->kind != TOK_EOF)
    wat_fail (p, wat_peek (p), "unexpected token, expected a module field");
  wat_parse_fields (p, start);
  wat_encode_module (p, &p->output);
}

int wat_to_wasm (const char *text, size_t len, uint8_t **out, size_t *out_len,
                 char *errbuf, size_t errbuf_len)
{
  wat_token *toks;
  size_t ntoks;
  *out = NULL;
  *out_len = 0;
  if (errbuf_len)
    errbuf[0] = 0;
  if (wat_lex (text, len, &toks, &ntoks, errbuf, errbuf_len) < 0)
    {
      free (toks);
      return -1;
    }
  wat_parser *p = calloc (1, sizeof *p);
  if (!p)
    {
      free (toks);
      snprintf (errbuf, errbuf_len, "1:1: out of memory");
      return -1;
    }
  p->toks = toks;
  p->ntoks = ntoks;
  p->err = errbuf;
  p->errlen = errbuf_len;
  if (setjmp (p->fail) != 0)
    {
      bytes_free (&p->output);
      parser_free (p);
      free (toks);
      return -1;
    }
  parse_module (p);
  wat_bytes result = p->output;
  int quoted = p->output_is_quoted_text;
  p->output = (wat_bytes) { 0 };
  parser_free (p);
  free (toks);
  if (quoted)
    {
      int rc = wat_to_wasm ((const char *) result.data, result.len, out, out_len, errbuf,
                            errbuf_len);
      bytes_free (&result);
      return rc;
    }
  if (!result.data)
    result.data = malloc (1);
  *out = result.data;
  *out_len = result.len;
  return 0;
}

/* Skips whitespace and comments from *i; returns 0 at an unterminated block comment. */
static int skip_blank (const uint8_t *b, size_t len, size_t *i)
{
  while (*i < len)
    {
      uint8_t c = b[*i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        (*i)++;
      else if (c == ';' && *i + 1 < len && b[*i + 1] == ';')
        while (*i < len && b[*i] != '\n')
          (*i)++;
      else if (c == '(' && *i + 1 < len && b[*i + 1] == ';')
        {
          int depth = 1;
          *i += 2;
          while (depth > 0)
            {
              if (*i + 1 >= len)
                return 0;
              if (b[*i] == '(' && b[*i + 1] == ';')
                depth++, *i += 2;
              else if (b[*i] == ';' && b[*i + 1] == ')')
                depth--, *i += 2;
              else
                (*i)++;
            }
        }
      else
        break;
    }
  return 1;
}

int wat_looks_like_text (const uint8_t *bytes, size_t len)
{
  static const char *const openers[] = {
    "module", "type", "import", "func", "table", "memory", "global", "export", "start",
    "elem", "data",
  };
  size_t i = 0;
  if (len >= 3 && bytes[0] == 0xef && bytes[1] == 0xbb && bytes[2] == 0xbf)
    i = 3;
  if (!skip_blank (bytes, len, &i) || i >= len || bytes[i] != '(')
    return 0;
  i++;
  if (!skip_blank (bytes, len, &i))
    return 0;
  for (size_t k = 0; k < sizeof openers / sizeof openers[0]; k++)
    {
      size_t n = strlen (openers[k]);
      if (len - i >= n && memcmp (bytes + i, openers[k], n) == 0)
        {
          /* The keyword must end there: "(modules" is not a module. */
          if (len - i == n)
            return 1;
          uint8_t c = bytes[i + n];
          return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ')'
                 || c == ';' || c == '$';
        }
    }
  return 0;
}
