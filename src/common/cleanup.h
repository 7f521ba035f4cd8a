/* Scope-bound cleanup, as crun does it: `cleanup_free char *p = ...;` is freed on every return
 * path. Use `steal_pointer (&p)` to hand ownership on. */
#ifndef RUNWASM_COMMON_CLEANUP_H
#define RUNWASM_COMMON_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void cleanup_free_fn (void *p) { free (*(void **) p); }
static inline void cleanup_close_fn (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
}
static inline void cleanup_fclose_fn (FILE **f) { if (*f) fclose (*f); }
static inline void cleanup_closedir_fn (DIR **d) { if (*d) closedir (*d); }

#define cleanup_free __attribute__ ((cleanup (cleanup_free_fn)))
#define cleanup_close __attribute__ ((cleanup (cleanup_close_fn)))
#define cleanup_fclose __attribute__ ((cleanup (cleanup_fclose_fn)))
#define cleanup_dir __attribute__ ((cleanup (cleanup_closedir_fn)))

static inline void *steal_pointer_impl (void **pp)
{
  void *p = *pp;
  *pp = NULL;
  return p;
}
#define steal_pointer(pp) steal_pointer_impl ((void **) (pp))

static inline int steal_fd (int *fd)
{
  int r = *fd;
  *fd = -1;
  return r;
}

#endif
