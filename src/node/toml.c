#include "node/toml.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"

struct parser {
  const char *s;
  size_t n, i;
  const char *name;
  struct toml_doc *doc;
  struct rw_error **err;
  struct toml_node *table;  /* the table key/values go into */
  char **path;              /* its path, for the spans */
  size_t depth;
  size_t section;           /* its header's span + 1 (0: the root table) */
};

static int fail (struct parser *p, const char *fmt, const char *arg)
{
  size_t line = 1;
  for (size_t k = 0; k < p->i && k < p->n; k++)
    line += p->s[k] == '\n';
  char msg[256];
  snprintf (msg, sizeof msg, fmt, arg ? arg : "");
  return rw_error_set (p->err, 0, "%s:%zu: %s", p->name, line, msg);
}

static int peek (struct parser *p) { return p->i < p->n ? (unsigned char) p->s[p->i] : -1; }
static bool looking_at (struct parser *p, const char *w)
{
  size_t l = strlen (w);
  return p->i + l <= p->n && memcmp (p->s + p->i, w, l) == 0;
}
static void skip_blank (struct parser *p)
{
  while (peek (p) == ' ' || peek (p) == '\t')
    p->i++;
}
static void skip_comment (struct parser *p)
{
  if (peek (p) == '#')
    while (p->i < p->n && p->s[p->i] != '\n')
      p->i++;
}
/* Blank space, comments and newlines, as allowed between array elements. */
static void skip_space (struct parser *p)
{
  for (;;)
    {
      skip_blank (p);
      skip_comment (p);
      if (peek (p) == '\n')
        p->i++;
      else if (looking_at (p, "\r\n"))
        p->i += 2;
      else
        return;
    }
}
/* After a statement: blanks, an optional comment, then a newline or the end. */
static int end_of_line (struct parser *p)
{
  skip_blank (p);
  skip_comment (p);
  if (p->i >= p->n)
    return 0;
  if (peek (p) == '\n')
    {
      p->i++;
      return 0;
    }
  if (looking_at (p, "\r\n"))
    {
      p->i += 2;
      return 0;
    }
  return fail (p, "unexpected text after the statement", NULL);
}

/* --------------------------------------------------------------------------------- nodes */
static struct toml_node *node_new (enum toml_type type)
{
  struct toml_node *n = calloc (1, sizeof *n);
  if (n)
    n->type = type;
  return n;
}

static void node_free (struct toml_node *n)
{
  if (!n)
    return;
  for (size_t k = 0; k < n->n_items; k++)
    node_free (n->items[k]);
  free (n->items);
  free (n->key);
  free (n->str);
  free (n);
}

static int node_append (struct toml_node *parent, struct toml_node *child)
{
  struct toml_node **items = realloc (parent->items, (parent->n_items + 1) * sizeof *items);
  if (!items)
    return -1;
  parent->items = items;
  parent->items[parent->n_items++] = child;
  return 0;
}

const struct toml_node *toml_child (const struct toml_node *t, const char *key)
{
  if (!t || t->type != TOML_TABLE)
    return NULL;
  for (size_t k = 0; k < t->n_items; k++)
    if (strcmp (t->items[k]->key, key) == 0)
      return t->items[k];
  return NULL;
}

const struct toml_node *toml_find (const struct toml_node *t, const char *const *path, size_t n)
{
  for (size_t k = 0; k < n && t; k++)
    t = toml_child (t, path[k]);
  return t;
}

static struct toml_node *child_mut (struct toml_node *t, const char *key)
{
  return (struct toml_node *) toml_child (t, key);
}

static struct toml_node *table_add (struct parser *p, struct toml_node *t, const char *key,
                                    enum toml_type type, enum toml_origin origin)
{
  struct toml_node *c = node_new (type);
  if (!c || !(c->key = strdup (key)) || node_append (t, c) < 0)
    {
      node_free (c);
      fail (p, "out of memory", NULL);
      return NULL;
    }
  c->origin = origin;
  return c;
}

/* ---------------------------------------------------------------------------------- keys */
struct keys {
  char **k;
  size_t n;
};
static void keys_free (struct keys *ks)
{
  for (size_t j = 0; j < ks->n; j++)
    free (ks->k[j]);
  free (ks->k);
  ks->k = NULL;
  ks->n = 0;
}

static int utf8_put (char *out, size_t *o, unsigned long cp)
{
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return -1;
  if (cp < 0x80)
    out[(*o)++] = (char) cp;
  else if (cp < 0x800)
    {
      out[(*o)++] = (char) (0xC0 | (cp >> 6));
      out[(*o)++] = (char) (0x80 | (cp & 0x3F));
    }
  else if (cp < 0x10000)
    {
      out[(*o)++] = (char) (0xE0 | (cp >> 12));
      out[(*o)++] = (char) (0x80 | ((cp >> 6) & 0x3F));
      out[(*o)++] = (char) (0x80 | (cp & 0x3F));
    }
  else
    {
      out[(*o)++] = (char) (0xF0 | (cp >> 18));
      out[(*o)++] = (char) (0x80 | ((cp >> 12) & 0x3F));
      out[(*o)++] = (char) (0x80 | ((cp >> 6) & 0x3F));
      out[(*o)++] = (char) (0x80 | (cp & 0x3F));
    }
  return 0;
}

/* A string at p->i (basic, literal, either multi-line unless `single_line`). */
static char *parse_string (struct parser *p, bool single_line)
{
  char q = (char) peek (p);
  bool multi = !single_line && (q == '"' ? looking_at (p, "\"\"\"") : looking_at (p, "'''"));
  p->i += multi ? 3 : 1;
  cleanup_free char *out = malloc (p->n - p->i + 1);
  size_t o = 0;
  if (!out)
    return fail (p, "out of memory", NULL), NULL;
  if (multi && looking_at (p, "\r\n"))
    p->i += 2;
  else if (multi && peek (p) == '\n')
    p->i++;
  for (;;)
    {
      int c = peek (p);
      if (c < 0)
        return fail (p, "unterminated string", NULL), NULL;
      if (c == q && (!multi || (q == '"' ? looking_at (p, "\"\"\"") : looking_at (p, "'''"))))
        {
          p->i += multi ? 3 : 1;
          /* Up to two quotes may end a multi-line string's content. */
          for (int extra = 0; multi && extra < 2 && peek (p) == q; extra++)
            out[o++] = q, p->i++;
          break;
        }
      if (c == '\n' && !multi)
        return fail (p, "newline in a single-line string", NULL), NULL;
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
        return fail (p, "control character in a string", NULL), NULL;
      if (c == '\\' && q == '"')
        {
          p->i++;
          int e = peek (p);
          static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
          const char *f = e > 0 ? strchr (from, e) : NULL;
          if (f)
            {
              out[o++] = to[f - from];
              p->i++;
            }
          else if (e == 'u' || e == 'U')
            {
              size_t digits = e == 'u' ? 4 : 8;
              char hex[9] = { 0 };
              if (p->i + 1 + digits > p->n)
                return fail (p, "short unicode escape", NULL), NULL;
              memcpy (hex, p->s + p->i + 1, digits);
              char *endp;
              unsigned long cp = strtoul (hex, &endp, 16);
              if (*endp || utf8_put (out, &o, cp) < 0)
                return fail (p, "bad unicode escape \\%s", hex), NULL;
              p->i += 1 + digits;
            }
          else if (multi && (e == ' ' || e == '\t' || e == '\n' || e == '\r'))
            {
              /* A line-ending backslash trims the newline and the blank space after it. */
              size_t save = p->i;
              skip_blank (p);
              if (peek (p) != '\n' && !looking_at (p, "\r\n"))
                {
                  p->i = save;
                  return fail (p, "bad escape in a string", NULL), NULL;
                }
              while (peek (p) == ' ' || peek (p) == '\t' || peek (p) == '\n' || peek (p) == '\r')
                p->i++;
            }
          else
            return fail (p, "bad escape in a string", NULL), NULL;
          continue;
        }
      out[o++] = (char) c;
      p->i++;
    }
  out[o] = '\0';
  return steal_pointer (&out);
}

static int parse_key (struct parser *p, struct keys *ks)
{
  for (;;)
    {
      skip_blank (p);
      char *k;
      int c = peek (p);
      if (c == '"' || c == '\'')
        k = parse_string (p, true);
      else
        {
          size_t b = p->i;
          while (p->i < p->n && (isalnum ((unsigned char) p->s[p->i]) || p->s[p->i] == '_' || p->s[p->i] == '-'))
            p->i++;
          if (p->i == b)
            return fail (p, "expected a key", NULL);
          k = strndup (p->s + b, p->i - b);
        }
      if (!k)
        return -1;
      char **nk = realloc (ks->k, (ks->n + 1) * sizeof *nk);
      if (!nk)
        {
          free (k);
          return fail (p, "out of memory", NULL);
        }
      ks->k = nk;
      ks->k[ks->n++] = k;
      skip_blank (p);
      if (peek (p) != '.')
        return 0;
      p->i++;
    }
}

/* -------------------------------------------------------------------------------- values */
static struct toml_node *parse_value (struct parser *p);
static int assign (struct parser *p, struct toml_node *t, struct keys *ks, struct toml_node *v);

static struct toml_node *parse_array (struct parser *p)
{
  struct toml_node *a = node_new (TOML_ARRAY);
  if (!a)
    return fail (p, "out of memory", NULL), NULL;
  p->i++;
  for (;;)
    {
      skip_space (p);
      if (peek (p) == ']')
        {
          p->i++;
          return a;
        }
      struct toml_node *v = parse_value (p);
      if (!v || node_append (a, v) < 0)
        {
          node_free (v);
          node_free (a);
          return NULL;
        }
      skip_space (p);
      if (peek (p) == ',')
        p->i++;
      else if (peek (p) != ']')
        {
          node_free (a);
          return fail (p, "expected `,` or `]` in an array", NULL), NULL;
        }
    }
}

static struct toml_node *parse_inline_table (struct parser *p)
{
  struct toml_node *t = node_new (TOML_TABLE);
  if (!t)
    return fail (p, "out of memory", NULL), NULL;
  t->origin = TOML_INLINE;
  p->i++;
  skip_blank (p);
  if (peek (p) == '}')
    {
      p->i++;
      return t;
    }
  for (;;)
    {
      struct keys ks = { 0 };
      struct toml_node *v = NULL;
      if (parse_key (p, &ks) < 0)
        goto bad;
      if (peek (p) != '=')
        {
          fail (p, "expected `=` after a key", NULL);
          goto bad;
        }
      p->i++;
      skip_blank (p);
      if (!(v = parse_value (p)) || assign (p, t, &ks, v) < 0)
        goto bad;
      keys_free (&ks);
      skip_blank (p);
      if (peek (p) == '}')
        {
          p->i++;
          return t;
        }
      if (peek (p) != ',')
        {
          fail (p, "expected `,` or `}` in an inline table", NULL);
          node_free (t);
          return NULL;
        }
      p->i++;
      continue;
    bad:
      keys_free (&ks);
      node_free (v);
      node_free (t);
      return NULL;
    }
}

static bool all_digits (const char *s, size_t n)
{
  for (size_t k = 0; k < n; k++)
    if (!isdigit ((unsigned char) s[k]))
      return false;
  return n > 0;
}

/* Booleans, numbers and date-times: a run of the characters they are made of. */
static struct toml_node *parse_bare (struct parser *p)
{
  size_t b = p->i;
  while (p->i < p->n && (isalnum ((unsigned char) p->s[p->i]) || strchr ("+-_.:", p->s[p->i])))
    p->i++;
  /* "1979-05-27 07:32:00": a date, a space, a time. */
  if (p->i - b == 10 && p->s[b + 4] == '-' && p->i + 1 < p->n && p->s[p->i] == ' ' && isdigit ((unsigned char) p->s[p->i + 1]))
    for (p->i++; p->i < p->n && (isalnum ((unsigned char) p->s[p->i]) || strchr ("+-.:", p->s[p->i]));)
      p->i++;
  size_t len = p->i - b;
  cleanup_free char *tok = strndup (p->s + b, len);
  if (!tok || len == 0)
    return fail (p, "expected a value", NULL), NULL;
  struct toml_node *v;
  if (strcmp (tok, "true") == 0 || strcmp (tok, "false") == 0)
    {
      v = node_new (TOML_BOOL);
      if (v)
        v->boolean = tok[0] == 't';
      return v;
    }
  const char *u = tok + (tok[0] == '+' || tok[0] == '-');
  if (strcmp (u, "inf") == 0 || strcmp (u, "nan") == 0)
    return node_new (TOML_FLOAT);
  if (len >= 5 && all_digits (tok, 4) && tok[4] == '-')
    return node_new (TOML_DATETIME);
  if (len >= 5 && all_digits (tok, 2) && tok[2] == ':')
    return node_new (TOML_DATETIME);
  /* Integers and floats: digits with single underscores between them. */
  char clean[128];
  size_t o = 0;
  for (size_t k = 0; k < len; k++)
    {
      if (tok[k] == '_')
        {
          if (k == 0 || k + 1 == len || !isxdigit ((unsigned char) tok[k - 1]) || !isxdigit ((unsigned char) tok[k + 1]))
            return fail (p, "bad number `%s`", tok), NULL;
          continue;
        }
      if (o + 1 >= sizeof clean)
        return fail (p, "number too long `%s`", tok), NULL;
      clean[o++] = tok[k];
    }
  clean[o] = '\0';
  const char *d = clean + (clean[0] == '+' || clean[0] == '-');
  bool based = d[0] == '0' && (d[1] == 'x' || d[1] == 'o' || d[1] == 'b');
  char *endp;
  errno = 0;
  if (based)
    {
      long long x = strtoll (d + 2, &endp, d[1] == 'x' ? 16 : d[1] == 'o' ? 8 : 2);
      if (*endp || d + 2 == endp || d != clean)
        return fail (p, "bad number `%s`", tok), NULL;
      v = node_new (TOML_INTEGER);
      if (v)
        v->integer = x;
      return v;
    }
  if (d[0] == '0' && isdigit ((unsigned char) d[1]))
    return fail (p, "leading zero in `%s`", tok), NULL;
  if (!isdigit ((unsigned char) d[0]))
    return fail (p, "unknown value `%s`", tok), NULL;
  if (strpbrk (d, ".eE"))
    {
      strtod (clean, &endp);
      if (*endp)
        return fail (p, "bad number `%s`", tok), NULL;
      return node_new (TOML_FLOAT);
    }
  long long x = strtoll (clean, &endp, 10);
  if (*endp || errno == ERANGE)
    return fail (p, "bad integer `%s`", tok), NULL;
  v = node_new (TOML_INTEGER);
  if (v)
    v->integer = x;
  return v;
}

static struct toml_node *parse_value (struct parser *p)
{
  size_t b = p->i;
  struct toml_node *v;
  int c = peek (p);
  if (c == '"' || c == '\'')
    {
      char *s = parse_string (p, false);
      if (!s)
        return NULL;
      if (!(v = node_new (TOML_STRING)))
        {
          free (s);
          return fail (p, "out of memory", NULL), NULL;
        }
      v->str = s;
    }
  else if (c == '[')
    v = parse_array (p);
  else if (c == '{')
    v = parse_inline_table (p);
  else
    v = parse_bare (p);
  if (v)
    {
      v->start = b;
      v->end = p->i;
    }
  return v;
}

/* Puts value `v` at dotted key `ks` below table `t` (consumes v unless it fails). */
static int assign (struct parser *p, struct toml_node *t, struct keys *ks, struct toml_node *v)
{
  for (size_t k = 0; k + 1 < ks->n; k++)
    {
      struct toml_node *c = child_mut (t, ks->k[k]);
      if (!c)
        {
          if (!(c = table_add (p, t, ks->k[k], TOML_TABLE, t->origin == TOML_INLINE ? TOML_INLINE : TOML_DOTTED)))
            return -1;
        }
      else if (c->type != TOML_TABLE || c->origin == TOML_HEADER || c->origin == TOML_ARRAY_OF_TABLES
               || (c->origin == TOML_INLINE && t->origin != TOML_INLINE))
        return fail (p, "`%s` is already defined and cannot be extended with a dotted key", ks->k[k]);
      t = c;
    }
  const char *last = ks->k[ks->n - 1];
  if (toml_child (t, last))
    return fail (p, "duplicate key `%s`", last);
  if (!(v->key = strdup (last)) || node_append (t, v) < 0)
    return fail (p, "out of memory", NULL);
  return 0;
}

/* --------------------------------------------------------------------------- statements */
static int add_span (struct parser *p, struct keys *extra, size_t start, size_t end, bool header)
{
  struct toml_doc *d = p->doc;
  struct toml_span *s = realloc (d->spans, (d->n_spans + 1) * sizeof *s);
  if (!s)
    return fail (p, "out of memory", NULL);
  d->spans = s;
  s = &d->spans[d->n_spans];
  size_t depth = (header ? 0 : p->depth) + extra->n;
  if (!(s->path = calloc (depth + 1, sizeof *s->path)))
    return fail (p, "out of memory", NULL);
  d->n_spans++;
  s->depth = 0;
  s->start = start;
  s->end = end;
  s->header = header;
  for (size_t k = 0; !header && k < p->depth; k++)
    if (!(s->path[s->depth++] = strdup (p->path[k])))
      return fail (p, "out of memory", NULL);
  for (size_t k = 0; k < extra->n; k++)
    if (!(s->path[s->depth++] = strdup (extra->k[k])))
      return fail (p, "out of memory", NULL);
  return 0;
}

/* The start of the comment lines directly above the line at `pos`. */
static size_t comments_above (const char *s, size_t pos)
{
  size_t start = pos;
  while (start > 0)
    {
      size_t prev_end = start - 1; /* the '\n' ending the previous line */
      size_t b = prev_end;
      while (b > 0 && s[b - 1] != '\n')
        b--;
      size_t f = b;
      while (f < prev_end && (s[f] == ' ' || s[f] == '\t'))
        f++;
      if (f >= prev_end || s[f] != '#')
        break;
      start = b;
    }
  return start;
}

static int parse_header (struct parser *p, size_t line_start)
{
  bool array = looking_at (p, "[[");
  p->i += array ? 2 : 1;
  struct keys ks = { 0 };
  int ret = parse_key (p, &ks);
  if (ret < 0)
    goto out;
  if (!looking_at (p, array ? "]]" : "]"))
    {
      ret = fail (p, "expected `%s` to close the table header", array ? "]]" : "]");
      goto out;
    }
  p->i += array ? 2 : 1;
  if ((ret = end_of_line (p)) < 0)
    goto out;
  /* Errors below are about the header's line. */
  size_t next = p->i;
  p->i = line_start;

  struct toml_node *t = p->doc->root;
  for (size_t k = 0; k < ks.n; k++)
    {
      bool last = k + 1 == ks.n;
      struct toml_node *c = child_mut (t, ks.k[k]);
      if (!c)
        {
          if (last && array)
            {
              if (!(c = table_add (p, t, ks.k[k], TOML_ARRAY, TOML_ARRAY_OF_TABLES)))
                goto oom;
              c->table_array = true;
            }
          else if (!(c = table_add (p, t, ks.k[k], TOML_TABLE, last ? TOML_HEADER : TOML_IMPLICIT)))
            goto oom;
        }
      else if (c->type == TOML_ARRAY && c->table_array)
        {
          if (last && !array)
            {
              ret = fail (p, "`%s` is an array of tables, not a table", ks.k[k]);
              goto out;
            }
          if (!last)
            c = c->items[c->n_items - 1];
        }
      else if (c->type != TOML_TABLE || c->origin == TOML_INLINE)
        {
          ret = fail (p, "`%s` is a value, not a table", ks.k[k]);
          goto out;
        }
      else if (last)
        {
          if (array || c->origin != TOML_IMPLICIT)
            {
              ret = fail (p, "table `%s` is defined twice", ks.k[k]);
              goto out;
            }
          c->origin = TOML_HEADER;
        }
      if (last && array)
        {
          struct toml_node *e = node_new (TOML_TABLE);
          if (!e || node_append (c, e) < 0)
            {
              node_free (e);
              goto oom;
            }
          e->origin = TOML_HEADER;
          c = e;
        }
      t = c;
    }
  p->table = t;
  for (size_t k = 0; k < p->depth; k++)
    free (p->path[k]);
  free (p->path);
  p->path = steal_pointer (&ks.k);
  p->depth = ks.n;
  ks.n = 0;
  {
    struct keys self = { p->path, p->depth };
    ret = add_span (p, &self, comments_above (p->s, line_start), next, true);
  }
  p->section = p->doc->n_spans;
  p->i = next;
  goto out;
oom:
  ret = fail (p, "out of memory", NULL);
out:
  keys_free (&ks);
  return ret;
}

static int parse_keyval (struct parser *p, size_t line_start)
{
  struct keys ks = { 0 };
  struct toml_node *v = NULL;
  int ret = parse_key (p, &ks);
  if (ret < 0)
    goto out;
  if (peek (p) != '=')
    {
      ret = fail (p, "expected `=` after a key", NULL);
      goto out;
    }
  p->i++;
  skip_blank (p);
  if (!(v = parse_value (p)))
    {
      ret = -1;
      goto out;
    }
  if ((ret = assign (p, p->table, &ks, v)) < 0)
    goto out;
  v = NULL;
  if ((ret = end_of_line (p)) < 0)
    goto out;
  ret = add_span (p, &ks, line_start, p->i, false);
  if (ret == 0 && p->section)
    p->doc->spans[p->section - 1].end = p->i;
out:
  node_free (v);
  keys_free (&ks);
  return ret;
}

void toml_free (struct toml_doc *doc)
{
  if (!doc)
    return;
  node_free (doc->root);
  for (size_t k = 0; k < doc->n_spans; k++)
    {
      for (size_t j = 0; j < doc->spans[k].depth; j++)
        free (doc->spans[k].path[j]);
      free (doc->spans[k].path);
    }
  free (doc->spans);
  free (doc);
}

struct toml_doc *toml_parse (const char *text, size_t len, const char *name, struct rw_error **err)
{
  struct toml_doc *doc = calloc (1, sizeof *doc);
  struct parser p = { .s = text, .n = len, .name = name, .doc = doc, .err = err };
  if (!doc || !(doc->root = node_new (TOML_TABLE)))
    {
      free (doc);
      rw_error_set (err, ENOMEM, "parse `%s`: out of memory", name);
      return NULL;
    }
  doc->root->origin = TOML_HEADER;
  p.table = doc->root;
  int ret = 0;
  if (memchr (text, '\0', len))
    ret = rw_error_set (err, 0, "%s: NUL byte in a TOML file", name);
  while (ret == 0 && p.i < p.n)
    {
      size_t line_start = p.i;
      skip_blank (&p);
      int c = peek (&p);
      if (c == '#' || c == '\n' || c == '\r' || c < 0)
        ret = end_of_line (&p);
      else if (c == '[')
        ret = parse_header (&p, line_start);
      else
        ret = parse_keyval (&p, line_start);
    }
  for (size_t k = 0; k < p.depth; k++)
    free (p.path[k]);
  free (p.path);
  if (ret < 0)
    {
      toml_free (doc);
      return NULL;
    }
  return doc;
}

/* ------------------------------------------------------------------------------- writing */
char *toml_string (const char *s)
{
  size_t n = strlen (s);
  char *out = malloc (n * 6 + 3), *o = out;
  if (!out)
    return NULL;
  *o++ = '"';
  for (const unsigned char *c = (const unsigned char *) s; *c; c++)
    {
      if (*c == '"' || *c == '\\')
        {
          *o++ = '\\';
          *o++ = (char) *c;
        }
      else if (*c < 0x20 || *c == 0x7F)
        o += sprintf (o, "\\u%04X", *c);
      else
        *o++ = (char) *c;
    }
  *o++ = '"';
  *o = '\0';
  return out;
}

char *toml_key (const char *s)
{
  bool bare = *s != '\0';
  for (const char *c = s; *c; c++)
    bare = bare && (isalnum ((unsigned char) *c) || *c == '_' || *c == '-');
  return bare ? strdup (s) : toml_string (s);
}
