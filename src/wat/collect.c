/* Pass 1 over the module fields: records every $name in its index space, the explicit
 * types, and the anonymous segments of inline (elem)/(data), so that pass 2 (module.c) can
 * resolve references that point forward. Both passes walk the fields in the same order,
 * so the indices they assign agree. Also enforces that imports precede definitions. */
#include "wat/parser.h"

/* Pass 1 for "(func|table|memory|global $id? (export ..)* (import ..)? ...)". Returns
 * whether it is an import; for tables and memories also notes inline elem/data segments. */
static int collect_entity (wat_parser *p, wat_space space)
{
  wat_names_add (p, space, wat_opt_id (p));
  while (wat_peek_form (p, "export"))
    wat_skip_form (p);
  int imported = wat_peek_form (p, "import");
  while (wat_peek (p)->kind != TOK_RPAREN && wat_peek (p)->kind != TOK_EOF)
    {
      if (!imported && space == SPACE_TABLE && wat_peek_form (p, "elem"))
        wat_names_add (p, SPACE_ELEM, NULL);
      if (!imported && space == SPACE_MEMORY && wat_peek_form (p, "data"))
        wat_names_add (p, SPACE_DATA, NULL);
      if (wat_peek (p)->kind == TOK_LPAREN)
        wat_skip_form (p);
      else
        wat_next (p);
    }
  return imported;
}

static void collect_type (wat_parser *p)
{
  wat_names_add (p, SPACE_TYPE, wat_opt_id (p));
  wat_expect_lparen (p);
  wat_expect_atom (p, "func");
  p->sig.params.len = p->sig.results.len = 0;
  wat_parse_signature (p, &p->sig, 1, 0);
  wat_type_add (p, &p->sig);
  wat_expect_rparen (p);
  wat_expect_rparen (p);
}

void wat_collect_fields (wat_parser *p, size_t start)
{
  int saw_definition = 0;
  p->pos = start;
  while (wat_peek (p)->kind == TOK_LPAREN)
    {
      size_t field_start = p->pos;
      wat_next (p);
      const wat_token *kw = wat_next (p);
      int kind = wat_field_kind (kw);
      int imported = 0;
      if (wat_is_atom (kw, "type"))
        collect_type (p);
      else if (wat_is_atom (kw, "import"))
        {
          imported = 1;
          for (int i = 0; i < 2; i++)
            {
              const wat_token *name = wat_next (p);
              if (name->kind != TOK_STRING)
                wat_fail (p, name, "unexpected token, expected a string");
            }
          wat_expect_lparen (p);
          const wat_token *desc = wat_next (p);
          kind = wat_field_kind (desc);
          if (kind < 0)
            wat_fail (p, desc, "unexpected token, expected an import kind");
          wat_names_add (p, kind, wat_opt_id (p));
        }
      else if (kind >= 0)
        imported = collect_entity (p, kind);
      else if (wat_is_atom (kw, "elem"))
        wat_names_add (p, SPACE_ELEM, wat_opt_id (p));
      else if (wat_is_atom (kw, "data"))
        wat_names_add (p, SPACE_DATA, wat_opt_id (p));
      else if (!wat_is_atom (kw, "export") && !wat_is_atom (kw, "start"))
        wat_fail (p, kw, "unexpected token %.*s, expected a module field", (int) kw->len,
                  kw->start);
      if (imported && saw_definition)
        wat_fail (p, kw, "import after a function, table, memory or global definition");
      if (kind >= 0 && !imported)
        saw_definition = 1;
      p->pos = field_start;
      wat_skip_form (p);
    }
}
