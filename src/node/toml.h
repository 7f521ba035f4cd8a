/* A TOML 1.0 reader for the node installer: it parses a whole document into a tree (with the
 * spec's rules on redefinition, so a duplicate table is an error as it is for containerd and
 * CRI-O) and remembers where in the text every table section and key/value statement is, so
 * an edit can cut out exactly the statements it owns and leave every other byte alone. */
#ifndef RUNWASM_NODE_TOML_H
#define RUNWASM_NODE_TOML_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

enum toml_type { TOML_STRING, TOML_INTEGER, TOML_FLOAT, TOML_BOOL, TOML_DATETIME, TOML_ARRAY, TOML_TABLE };

/* How a table came to exist; TOML allows each to be extended in different ways. */
enum toml_origin { TOML_IMPLICIT, TOML_HEADER, TOML_DOTTED, TOML_INLINE, TOML_ARRAY_OF_TABLES };

struct toml_node {
  enum toml_type type;
  enum toml_origin origin;      /* tables */
  char *key;                    /* its name in the parent table (NULL for array elements) */
  char *str;                    /* STRING: the decoded value */
  long long integer;            /* INTEGER */
  bool boolean;                 /* BOOL */
  size_t start, end;            /* a value: its text in the source */
  struct toml_node **items;     /* ARRAY: elements; TABLE: children; array of tables: tables */
  size_t n_items;
  bool table_array;             /* an ARRAY made by [[headers]] */
};

/* A piece of the source that defines something at `path`: a [header] section (from the
 * comment lines right above the header to the end of its last key/value line; blank lines and
 * comments after that stay outside), or one key = value statement (with its line end). */
struct toml_span {
  char **path;
  size_t depth;
  size_t start, end;
  bool header;
};

struct toml_doc {
  struct toml_node *root;
  struct toml_span *spans;
  size_t n_spans;
};

/* Parses `text` (`len` bytes); `name` is used in errors ("FILE:LINE: ..."). */
struct toml_doc *toml_parse (const char *text, size_t len, const char *name, struct rw_error **err);
void toml_free (struct toml_doc *doc);

/* The node at `path` (n keys) below table `t`, or NULL. */
const struct toml_node *toml_find (const struct toml_node *t, const char *const *path, size_t n);
/* The child `key` of table `t`, or NULL. */
const struct toml_node *toml_child (const struct toml_node *t, const char *key);

/* `s` as a TOML key: bare when it may be, else a basic string. Returns malloc'd text. */
char *toml_key (const char *s);
/* `s` as a TOML basic string with quotes and escapes. Returns malloc'd text. */
char *toml_string (const char *s);

#endif
