/* Assembles the binary module from the sections the field parser filled, in the order the
 * binary format requires, leaving out empty sections as wat2wasm does. */
#include "wat/parser.h"

static void put_section (wat_bytes *out, uint8_t id, const wat_section *s)
{
  if (s->count == 0)
    return;
  wat_bytes body = { 0 };
  bytes_u32 (&body, s->count);
  bytes_put (&body, s->bytes.data, s->bytes.len);
  bytes_byte (out, id);
  bytes_vec (out, &body);
  bytes_free (&body);
}

void wat_encode_module (wat_parser *p, wat_bytes *out)
{
  static const uint8_t header[] = { 0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00 };
  bytes_put (out, header, sizeof header);

  wat_section types = { 0 };
  for (uint32_t i = 0; i < p->ntypes; i++)
    {
      bytes_byte (&types.bytes, 0x60);
      bytes_vec (&types.bytes, &p->types[i].params);
      bytes_vec (&types.bytes, &p->types[i].results);
    }
  types.count = p->ntypes;
  put_section (out, 1, &types);
  bytes_free (&types.bytes);

  put_section (out, 2, &p->imports);
  put_section (out, 3, &p->funcs);
  put_section (out, 4, &p->tables);
  put_section (out, 5, &p->memories);
  put_section (out, 6, &p->globals);
  put_section (out, 7, &p->exports);
  if (p->has_start)
    {
      wat_bytes body = { 0 };
      bytes_u32 (&body, p->start);
      bytes_byte (out, 8);
      bytes_vec (out, &body);
      bytes_free (&body);
    }
  put_section (out, 9, &p->elems);
  if (p->uses_data_count && p->datas.count)
    {
      /* Only memory.init and data.drop need the segment count before the code; like
       * wat2wasm, none is written when there are no segments. */
      wat_bytes body = { 0 };
      bytes_u32 (&body, p->datas.count);
      bytes_byte (out, 12);
      bytes_vec (out, &body);
      bytes_free (&body);
    }
  put_section (out, 10, &p->code);
  put_section (out, 11, &p->datas);
}
