/* String hash table: build keys, FNV-1a hashing, open addressing with linear probing,
 * inserts, hits, misses and deletions (tombstones). Byte loops, strcmp, unpredictable loads. */
#include "common.h"

#define SLOTS (1u << 18)  /* power of two, load factor stays below 0.6 */
#define KEYS 140000u
#define ARENA (KEYS * 16u)

struct slot { uint32_t hash, key, value; uint8_t state; /* 0 empty, 1 used, 2 deleted */ };
static struct slot table[SLOTS];
static char arena[ARENA];

static uint32_t fnv1a (const char *s)
{
  uint32_t h = 2166136261u;
  while (*s)
    h = (h ^ (uint8_t) *s++) * 16777619u;
  return h;
}

/* "k" + base-36 digits of n + a suffix that varies the length. */
static uint32_t make_key (char *out, uint32_t n, uint32_t salt)
{
  static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  uint32_t len = 0;
  out[len++] = 'k';
  do {
    out[len++] = digits[n % 36];
    n /= 36;
  } while (n);
  for (uint32_t i = 0; i < salt % 5; i++)
    out[len++] = (char) ('A' + (salt + i) % 26);
  out[len] = 0;
  return len;
}

static struct slot *find (const char *key, uint32_t h, int for_insert)
{
  uint32_t i = h & (SLOTS - 1);
  struct slot *tomb = NULL;
  for (;;) {
    struct slot *s = &table[i];
    if (s->state == 0)
      return for_insert && tomb ? tomb : for_insert ? s : NULL;
    if (s->state == 2) {
      if (!tomb)
        tomb = s;
    } else if (s->hash == h && strcmp (arena + s->key, key) == 0)
      return s;
    i = (i + 1) & (SLOTS - 1);
  }
}

int main (int argc, char **argv)
{
  int32_t reps = bench_scale (argc, argv, 18);
  uint32_t check = 0;
  char key[32];
  for (int32_t r = 0; r < reps; r++) {
    memset (table, 0, sizeof table);
    uint32_t used = 0;
    for (uint32_t n = 0; n < KEYS; n++) {
      uint32_t len = make_key (arena + used, n * 7 + (uint32_t) r, n);
      uint32_t h = fnv1a (arena + used);
      struct slot *s = find (arena + used, h, 1);
      if (s->state != 1) {
        s->state = 1;
        s->hash = h;
        s->key = used;
        s->value = n;
        used += len + 1;
      } else
        s->value += n;
    }
    uint32_t hits = 0, misses = 0, sum = 0;
    for (uint32_t round = 0; round < 6; round++)
      for (uint32_t n = 0; n < KEYS; n += 1 + round) {
        make_key (key, n * 7 + (uint32_t) r + (round & 1), n); /* odd rounds mostly miss */
        struct slot *s = find (key, fnv1a (key), 0);
        if (s) {
          hits++;
          sum += s->value;
          if ((n & 7) == round) /* delete some keys between rounds */
            s->state = 2;
        } else
          misses++;
      }
    check = check * 31 + hits * 7 + misses * 3 + sum;
  }
  printf ("hashtab checksum %u\n", check);
  return 0;
}
