/* Tokens of the text format: parentheses, strings, and "atoms" (maximal runs of idchars:
 * keywords, $ids, numbers, reserved words). Atoms are classified by the parser, because
 * whether `inf` or `0x10` is a number depends on what the grammar expects there. */
#ifndef RUNWASM_WAT_LEXER_H
#define RUNWASM_WAT_LEXER_H

#include <stddef.h>
#include <stdint.h>

typedef enum wat_token_kind {
  TOK_LPAREN,
  TOK_RPAREN,
  TOK_ATOM,
  TOK_STRING, /* start/len include the quotes */
  TOK_EOF,
} wat_token_kind;

typedef struct wat_token {
  wat_token_kind kind;
  const char *start;
  size_t len;
  int line, col;
} wat_token;

/* Splits text into tokens, ending with TOK_EOF. Returns 0, or -1 with "LINE:COL: message"
 * in err. *tokens is malloc'd (also on failure; free it). */
int wat_lex (const char *text, size_t len, wat_token **tokens, size_t *ntokens,
             char *err, size_t errlen);

/* Decodes the escapes of a TOK_STRING (already checked by the lexer) into out, which must
 * hold tok->len bytes; returns the decoded length. */
size_t wat_string_decode (const wat_token *tok, uint8_t *out);

/* True if the bytes are well-formed UTF-8 (no overlongs, surrogates or values > U+10FFFF). */
int wat_utf8_valid (const uint8_t *s, size_t len);

#endif
