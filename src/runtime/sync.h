/* Messages between the runtime process and the container process it cloned, over a
 * SOCK_SEQPACKET socketpair: each message is a type and an optional text payload. */
#ifndef RUNWASM_RUNTIME_SYNC_H
#define RUNWASM_RUNTIME_SYNC_H

#include "common/error.h"

enum sync_msg {
  SYNC_GO = 1,         /* runtime -> child: maps written, cgroup joined; payload: state JSON */
  SYNC_HOOKS_RUNTIME,  /* child -> runtime: run prestart + createRuntime hooks now */
  SYNC_OK,             /* runtime -> child: hooks done */
  SYNC_CREATED,        /* child -> runtime: set up, about to wait for `start` */
  SYNC_ERROR,          /* child -> runtime: payload is the error message */
};

/* Runtime -> child; a child gone is an error, not SIGPIPE. */
int sync_send (int fd, enum sync_msg type, const char *payload, struct rw_error **err);
/* Child -> runtime, by write(2): the child may be under its seccomp filter already, and
 * profiles that allow nothing else still allow write. A runtime gone ends the child (SIGPIPE,
 * or EPIPE for a namespace's PID 1, which ignores it). */
int sync_report (int fd, enum sync_msg type, const char *payload, struct rw_error **err);
/* A closed socket (the peer exited) is an error "container process exited". */
int sync_recv (int fd, enum sync_msg *type, char **payload, struct rw_error **err);
/* Receives a message and checks its type; SYNC_ERROR becomes *err with the peer's message. */
int sync_expect (int fd, enum sync_msg want, char **payload, struct rw_error **err);

#endif
