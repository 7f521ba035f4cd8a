/* A CoreMark-like mix (not CoreMark): linked-list find/reverse/merge-sort, a small integer
 * matrix workload and a state machine that scans number-like tokens, all folded into a CRC-16.
 * Exercises pointer chasing, branches that depend on data, and small-integer arithmetic. */
#include "common.h"

static uint16_t crc16 (uint16_t crc, uint32_t v)
{
  for (int i = 0; i < 32; i++) {
    uint16_t bit = (uint16_t) ((v >> i) & 1);
    uint16_t mix = (uint16_t) ((crc ^ bit) & 1);
    crc >>= 1;
    if (mix)
      crc ^= 0xa001;
  }
  return crc;
}

/* ---- linked list ---- */
#define NODES 512
struct node { struct node *next; int16_t key, val; };
static struct node pool[NODES];

static struct node *list_build (uint32_t *seed)
{
  struct node *head = NULL;
  for (int i = NODES - 1; i >= 0; i--) {
    pool[i].key = (int16_t) (bench_rand (seed) & 0x3ff);
    pool[i].val = (int16_t) i;
    pool[i].next = head;
    head = &pool[i];
  }
  return head;
}

static struct node *list_reverse (struct node *l)
{
  struct node *prev = NULL;
  while (l) {
    struct node *next = l->next;
    l->next = prev;
    prev = l;
    l = next;
  }
  return prev;
}

static struct node *list_find (struct node *l, int16_t key)
{
  while (l && l->key != key)
    l = l->next;
  return l;
}

static int cmp_key (const struct node *a, const struct node *b) { return a->key - b->key; }
static int cmp_val (const struct node *a, const struct node *b) { return a->val - b->val; }

/* Bottom-up merge sort of a singly linked list, comparator through a function pointer. */
static struct node *list_sort (struct node *l, int (*cmp) (const struct node *, const struct node *))
{
  for (int insize = 1;; insize *= 2) {
    struct node *p = l, *tail = NULL;
    l = NULL;
    int merges = 0;
    while (p) {
      merges++;
      struct node *q = p;
      int psize = 0;
      for (int i = 0; i < insize && q; i++) {
        psize++;
        q = q->next;
      }
      int qsize = insize;
      while (psize > 0 || (qsize > 0 && q)) {
        struct node *e;
        if (psize == 0) { e = q; q = q->next; qsize--; }
        else if (qsize == 0 || !q) { e = p; p = p->next; psize--; }
        else if (cmp (p, q) <= 0) { e = p; p = p->next; psize--; }
        else { e = q; q = q->next; qsize--; }
        if (tail) tail->next = e; else l = e;
        tail = e;
      }
      p = q;
    }
    tail->next = NULL;
    if (merges <= 1)
      return l;
  }
}

static uint16_t bench_list (uint16_t crc, uint32_t *seed)
{
  struct node *l = list_build (seed);
  for (int i = 0; i < 24; i++) {
    struct node *f = list_find (l, (int16_t) (bench_rand (seed) & 0x3ff));
    crc = crc16 (crc, f ? (uint32_t) f->val : 0xffffu);
    l = list_reverse (l);
  }
  l = list_sort (l, cmp_key);
  crc = crc16 (crc, (uint32_t) l->key << 16 | (uint16_t) l->next->key);
  l = list_sort (l, cmp_val);
  for (struct node *p = l; p; p = p->next ? p->next->next : NULL)
    crc = crc16 (crc, (uint32_t) p->key);
  return crc;
}

/* ---- matrix ---- */
#define MN 24
static int16_t ma[MN][MN], mb[MN][MN];
static int32_t mc[MN][MN];

static uint16_t bench_matrix (uint16_t crc, uint32_t *seed)
{
  for (int i = 0; i < MN; i++)
    for (int j = 0; j < MN; j++) {
      ma[i][j] = (int16_t) (bench_rand (seed) % 200) - 100;
      mb[i][j] = (int16_t) (bench_rand (seed) % 200) - 100;
    }
  int16_t add = (int16_t) (bench_rand (seed) & 0xff);
  for (int i = 0; i < MN; i++)
    for (int j = 0; j < MN; j++)
      ma[i][j] = (int16_t) (ma[i][j] + add);
  for (int i = 0; i < MN; i++)
    for (int j = 0; j < MN; j++) {
      int32_t s = 0;
      for (int k = 0; k < MN; k++)
        s += (int32_t) ma[i][k] * mb[k][j];
      mc[i][j] = s;
    }
  int32_t total = 0;
  for (int i = 0; i < MN; i++)
    for (int j = 0; j < MN; j++)
      total += (mc[i][j] >> 3) & 0xfff ? mc[i][j] > 0 ? 1 : -1 : 2;
  return crc16 (crc, (uint32_t) total);
}

/* ---- state machine ---- */
enum state { S_START, S_INT, S_FRAC, S_EXP, S_EXPSIGN, S_EXPINT, S_HEX, S_INVALID, S_COUNT };

static enum state step (enum state s, char c)
{
  int digit = c >= '0' && c <= '9';
  switch (s) {
  case S_START:
    if (digit) return S_INT;
    if (c == '.') return S_FRAC;
    if (c == 'x') return S_HEX;
    return S_INVALID;
  case S_INT:
    if (digit) return S_INT;
    if (c == '.') return S_FRAC;
    if (c == 'e' || c == 'E') return S_EXP;
    return S_INVALID;
  case S_FRAC:
    if (digit) return S_FRAC;
    if (c == 'e' || c == 'E') return S_EXP;
    return S_INVALID;
  case S_EXP:
    if (c == '+' || c == '-') return S_EXPSIGN;
    return digit ? S_EXPINT : S_INVALID;
  case S_EXPSIGN:
  case S_EXPINT:
    return digit ? S_EXPINT : S_INVALID;
  case S_HEX:
    return digit || (c >= 'a' && c <= 'f') ? S_HEX : S_INVALID;
  default:
    return S_INVALID;
  }
}

static uint16_t bench_state (uint16_t crc, uint32_t *seed)
{
  static const char alphabet[] = "0123456789.eE+-xabf,";
  char text[1024];
  for (int i = 0; i < (int) sizeof text - 1; i++)
    text[i] = alphabet[bench_rand (seed) % (sizeof alphabet - 1)];
  text[sizeof text - 1] = 0;
  uint32_t counts[S_COUNT] = {0};
  enum state s = S_START;
  for (const char *p = text; *p; p++) {
    if (*p == ',') {
      counts[s]++;
      s = S_START;
    } else
      s = step (s, *p);
  }
  counts[s]++;
  for (int i = 0; i < S_COUNT; i++)
    crc = crc16 (crc, counts[i]);
  return crc;
}

int main (int argc, char **argv)
{
  int32_t iters = bench_scale (argc, argv, 6000);
  uint32_t seed = 0x66;
  uint16_t crc = 0;
  for (int32_t i = 0; i < iters; i++) {
    crc = bench_list (crc, &seed);
    crc = bench_matrix (crc, &seed);
    crc = bench_state (crc, &seed);
  }
  printf ("corelike checksum %04x\n", crc);
  return 0;
}
