#include "linux/seccomp_profile.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/cleanup.h"

enum
{
  SECCOMP_PROFILE_FLAG_TSYNC = 1 << 0,
  SECCOMP_PROFILE_FLAG_LOG = 1 << 1,
  SECCOMP_PROFILE_FLAG_SPEC_ALLOW = 1 << 2,
};

struct seccomp_arg
{
  unsigned index;
  enum scmp_compare op;
  uint64_t value, value_two;
};

struct seccomp_rule
{
  int *syscalls; /* libseccomp numbers of the names it knows */
  size_t n_syscalls;
  uint32_t action;
  struct seccomp_arg *args;
  size_t n_args;
};

struct seccomp_profile
{
  uint32_t default_action;
  uint32_t *arches;
  size_t n_arches;
  unsigned flags;
  struct seccomp_rule *rules;
  size_t n_rules;
  char *listener_path;
  bool uses_notify;
  char **unknown_syscalls; /* names libseccomp cannot resolve: skipped, see docs/seccomp.md */
  size_t n_unknown_syscalls;
};

static const struct
{
  const char *name;
  uint32_t action; /* ERRNO and TRACE get their errno added */
} action_names[] = {
  { "SCMP_ACT_KILL", SCMP_ACT_KILL },         { "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS },
  { "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD }, { "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
  { "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO (0) },   { "SCMP_ACT_TRACE", SCMP_ACT_TRACE (0) },
  { "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW },       { "SCMP_ACT_LOG", SCMP_ACT_LOG },
  { "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY },
};

static const struct
{
  const char *name;
  enum scmp_compare op;
} op_names[] = {
  { "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT }, { "SCMP_CMP_LE", SCMP_CMP_LE },
  { "SCMP_CMP_EQ", SCMP_CMP_EQ }, { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
  { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

static const struct
{
  const char *name;
  unsigned flag;
} flag_names[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_PROFILE_FLAG_TSYNC },
  { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_PROFILE_FLAG_LOG },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_PROFILE_FLAG_SPEC_ALLOW },
};

#define ARRAY_LEN(a) (sizeof (a) / sizeof ((a)[0]))

void seccomp_profile_free (struct seccomp_profile *p)
{
  if (p == NULL)
    return;
  for (size_t i = 0; i < p->n_rules; i++)
    {
      free (p->rules[i].syscalls);
      free (p->rules[i].args);
    }
  for (size_t i = 0; i < p->n_unknown_syscalls; i++)
    free (p->unknown_syscalls[i]);
  free (p->unknown_syscalls);
  free (p->rules);
  free (p->arches);
  free (p->listener_path);
  free (p);
}

static bool get_uint (json_object *obj, uint64_t *out)
{
  if (!json_object_is_type (obj, json_type_int) || json_object_get_int64 (obj) < 0)
    return false;
  *out = json_object_get_uint64 (obj);
  return true;
}

/* `field` is the JSON path of the action ("linux.seccomp.syscalls[2].action"); errno_ret the
 * sibling errnoRet (ERRNO and TRACE use it, EPERM when absent, as runc does). */
static int parse_action (json_object *action, json_object *errno_ret, const char *field, const char *errno_field,
                         uint32_t *out, struct rw_error **err)
{
  if (!json_object_is_type (action, json_type_string))
    return rw_error_set (err, 0, "%s: expected a string", field);
  const char *name = json_object_get_string (action);
  for (size_t i = 0; i < ARRAY_LEN (action_names); i++)
    {
      if (strcmp (action_names[i].name, name) != 0)
        continue;
      *out = action_names[i].action;
      if (*out == SCMP_ACT_ERRNO (0) || *out == SCMP_ACT_TRACE (0))
        {
          uint64_t e = EPERM;
          if (errno_ret != NULL && (!get_uint (errno_ret, &e) || e > 0xffff))
            return rw_error_set (err, 0, "%s: expected an errno number (0-65535)", errno_field);
          *out |= (uint32_t) e;
        }
      return 0;
    }
  return rw_error_set (err, 0, "%s: unknown action `%s`", field, name);
}

static int parse_arch (json_object *arch, size_t i, uint32_t *out, struct rw_error **err)
{
  if (!json_object_is_type (arch, json_type_string))
    return rw_error_set (err, 0, "linux.seccomp.architectures[%zu]: expected a string", i);
  const char *name = json_object_get_string (arch);
  char lower[32];
  size_t n = 0;
  /* libseccomp names them "x86_64", "aarch64"...; the spec "SCMP_ARCH_X86_64". */
  if (strncmp (name, "SCMP_ARCH_", 10) == 0)
    for (const char *p = name + 10; *p && n + 1 < sizeof lower; p++)
      lower[n++] = (*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p;
  lower[n] = '\0';
  *out = n ? seccomp_arch_resolve_name (lower) : 0;
  if (*out == 0)
    return rw_error_set (err, 0, "linux.seccomp.architectures[%zu]: unknown architecture `%s`", i, name);
  return 0;
}

static int parse_args (json_object *args, size_t r, struct seccomp_rule *rule, struct rw_error **err)
{
  if (args == NULL)
    return 0;
  if (!json_object_is_type (args, json_type_array))
    return rw_error_set (err, 0, "linux.seccomp.syscalls[%zu].args: expected an array", r);
  size_t n = json_object_array_length (args);
  rule->args = calloc (n ? n : 1, sizeof *rule->args);
  if (rule->args == NULL)
    return rw_error_set (err, ENOMEM, "linux.seccomp.syscalls[%zu].args", r);
  for (size_t i = 0; i < n; i++)
    {
      json_object *a = json_object_array_get_idx (args, i), *index, *value, *value_two, *op;
      struct seccomp_arg *arg = &rule->args[rule->n_args++];
      uint64_t idx;
      if (!json_object_is_type (a, json_type_object))
        return rw_error_set (err, 0, "linux.seccomp.syscalls[%zu].args[%zu]: expected an object", r, i);
      if (!json_object_object_get_ex (a, "index", &index) || !get_uint (index, &idx) || idx > 5)
        return rw_error_set (err, 0, "linux.seccomp.syscalls[%zu].args[%zu].index: expected 0 to 5", r, i);
      arg->index = idx;
      if (!json_object_object_get_ex (a, "value", &value) || !get_uint (value, &arg->value))
        return rw_error_set (err, 0, "linux.seccomp.syscalls[%zu].args[%zu].value: expected an unsigned integer", r, i);
      if (json_object_object_get_ex (a, "valueTwo", &value_two) && value_two != NULL
          && !get_uint (value_two, &arg->value_two))
        return rw_error_set (err, 0, "linux.seccomp.syscalls[%zu].args[%zu].valueTwo: expected an unsigned integer", r,
                             i);
      if (!json_object_object_get_ex (a, "op", &op) || !json_object_is_type (op, json_type_string))
        return rw_error_set (err, 0, "linux.seccomp.syscalls[%zu].args[%zu].op: expected a string", r, i);
      size_t k;
      for (k = 0; k < ARRAY_LEN (op_names); k++)
        if (strcmp (op_names[k].name, json_object_get_string (op)) == 0)
          break;
      if (k == ARRAY_LEN (op_names))
        return rw_error_set (err, 0, "linux.seccomp.syscalls[%zu].args[%zu].op: unknown operator `%s`", r, i,
                             json_object_get_string (op));
      arg->op = op_names[k].op;
    }
  return 0;
}

static int remember_unknown (struct seccomp_profile *p, const char *name, struct rw_error **err)
{
  for (size_t i = 0; i < p->n_unknown_syscalls; i++)
    if (strcmp (p->unknown_syscalls[i], name) == 0)
      return 0;
  char **grown = realloc (p->unknown_syscalls, (p->n_unknown_syscalls + 1) * sizeof *grown);
  if (grown == NULL)
    return rw_error_set (err, ENOMEM, "linux.seccomp");
  p->unknown_syscalls = grown;
  if ((grown[p->n_unknown_syscalls] = strdup (name)) == NULL)
    return rw_error_set (err, ENOMEM, "linux.seccomp");
  p->n_unknown_syscalls++;
  return 0;
}

static int parse_rule (json_object *obj, size_t r, struct seccomp_profile *p, struct seccomp_rule *rule,
                       struct rw_error **err)
{
  json_object *names, *action, *errno_ret = NULL, *args = NULL;
  char field[96], errno_field[96];
  if (!json_object_is_type (obj, json_type_object))
    return rw_error_set (err, 0, "linux.seccomp.syscalls[%zu]: expected an object", r);
  if (!json_object_object_get_ex (obj, "names", &names) || !json_object_is_type (names, json_type_array)
      || json_object_array_length (names) == 0)
    return rw_error_set (err, 0, "linux.seccomp.syscalls[%zu].names: expected a non-empty array", r);
  snprintf (field, sizeof field, "linux.seccomp.syscalls[%zu].action", r);
  snprintf (errno_field, sizeof errno_field, "linux.seccomp.syscalls[%zu].errnoRet", r);
  if (!json_object_object_get_ex (obj, "action", &action))
    return rw_error_set (err, 0, "%s: missing", field);
  json_object_object_get_ex (obj, "errnoRet", &errno_ret);
  if (parse_action (action, errno_ret, field, errno_field, &rule->action, err) < 0)
    return -1;
  if (rule->action == SCMP_ACT_NOTIFY)
    p->uses_notify = true;
  size_t n = json_object_array_length (names);
  rule->syscalls = calloc (n, sizeof *rule->syscalls);
  if (rule->syscalls == NULL)
    return rw_error_set (err, ENOMEM, "linux.seccomp.syscalls[%zu]", r);
  for (size_t i = 0; i < n; i++)
    {
      json_object *name = json_object_array_get_idx (names, i);
      if (!json_object_is_type (name, json_type_string))
        return rw_error_set (err, 0, "linux.seccomp.syscalls[%zu].names[%zu]: expected a string", r, i);
      int nr = seccomp_syscall_resolve_name (json_object_get_string (name));
      if (nr == __NR_SCMP_ERROR)
        {
          if (remember_unknown (p, json_object_get_string (name), err) < 0)
            return -1;
          continue;
        }
      rule->syscalls[rule->n_syscalls++] = nr;
    }
  json_object_object_get_ex (obj, "args", &args);
  return parse_args (args, r, rule, err);
}

static int parse_profile (json_object *seccomp, struct seccomp_profile *p, struct rw_error **err)
{
  json_object *action, *errno_ret = NULL, *arches, *flags, *syscalls, *listener;
  if (!json_object_is_type (seccomp, json_type_object))
    return rw_error_set (err, 0, "linux.seccomp: expected an object");
  if (!json_object_object_get_ex (seccomp, "defaultAction", &action))
    return rw_error_set (err, 0, "linux.seccomp.defaultAction: missing");
  json_object_object_get_ex (seccomp, "defaultErrnoRet", &errno_ret);
  if (parse_action (action, errno_ret, "linux.seccomp.defaultAction", "linux.seccomp.defaultErrnoRet",
                    &p->default_action, err) < 0)
    return -1;
  if (p->default_action == SCMP_ACT_NOTIFY)
    return rw_error_set (err, 0, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");

  if (json_object_object_get_ex (seccomp, "architectures", &arches) && arches != NULL)
    {
      if (!json_object_is_type (arches, json_type_array))
        return rw_error_set (err, 0, "linux.seccomp.architectures: expected an array");
      size_t n = json_object_array_length (arches);
      p->arches = calloc (n ? n : 1, sizeof *p->arches);
      if (p->arches == NULL)
        return rw_error_set (err, ENOMEM, "linux.seccomp.architectures");
      for (size_t i = 0; i < n; i++, p->n_arches++)
        if (parse_arch (json_object_array_get_idx (arches, i), i, &p->arches[i], err) < 0)
          return -1;
    }

  if (json_object_object_get_ex (seccomp, "flags", &flags) && flags != NULL)
    {
      if (!json_object_is_type (flags, json_type_array))
        return rw_error_set (err, 0, "linux.seccomp.flags: expected an array");
      for (size_t i = 0; i < json_object_array_length (flags); i++)
        {
          const char *name = json_object_get_string (json_object_array_get_idx (flags, i));
          size_t k;
          for (k = 0; name && k < ARRAY_LEN (flag_names); k++)
            if (strcmp (flag_names[k].name, name) == 0)
              break;
          if (name == NULL || k == ARRAY_LEN (flag_names))
            return rw_error_set (err, 0, "linux.seccomp.flags[%zu]: flag `%s` not supported", i, name ? name : "");
          p->flags |= flag_names[k].flag;
        }
    }

  if (json_object_object_get_ex (seccomp, "syscalls", &syscalls) && syscalls != NULL)
    {
      if (!json_object_is_type (syscalls, json_type_array))
        return rw_error_set (err, 0, "linux.seccomp.syscalls: expected an array");
      size_t n = json_object_array_length (syscalls);
      p->rules = calloc (n ? n : 1, sizeof *p->rules);
      if (p->rules == NULL)
        return rw_error_set (err, ENOMEM, "linux.seccomp.syscalls");
      for (size_t i = 0; i < n; i++, p->n_rules++)
        if (parse_rule (json_object_array_get_idx (syscalls, i), i, p, &p->rules[i], err) < 0)
          {
            p->n_rules++; /* so free sees the partly filled rule */
            return -1;
          }
    }

  if (json_object_object_get_ex (seccomp, "listenerPath", &listener) && listener != NULL)
    {
      if (!json_object_is_type (listener, json_type_string))
        return rw_error_set (err, 0, "linux.seccomp.listenerPath: expected a string");
      if (*json_object_get_string (listener) && (p->listener_path = strdup (json_object_get_string (listener))) == NULL)
        return rw_error_set (err, ENOMEM, "linux.seccomp.listenerPath");
    }
  if (p->uses_notify && p->listener_path == NULL)
    return rw_error_set (err, 0, "linux.seccomp: SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath");
  return 0;
}

int seccomp_profile_parse (json_object *seccomp, struct seccomp_profile **out, struct rw_error **err)
{
  *out = NULL;
  if (seccomp == NULL)
    return 0;
  struct seccomp_profile *p = calloc (1, sizeof *p);
  if (p == NULL)
    return rw_error_set (err, ENOMEM, "linux.seccomp");
  if (parse_profile (seccomp, p, err) < 0)
    {
      seccomp_profile_free (p);
      return -1;
    }
  *out = p;
  return 0;
}

const char *seccomp_profile_listener_path (const struct seccomp_profile *p)
{
  return p ? p->listener_path : NULL;
}

bool seccomp_profile_uses_notify (const struct seccomp_profile *p)
{
  return p && p->uses_notify;
}

size_t seccomp_profile_unknown_syscalls (const struct seccomp_profile *p, const char *const **names)
{
  *names = p ? (const char *const *) p->unknown_syscalls : NULL;
  return p ? p->n_unknown_syscalls : 0;
}

static void release_ctx (scmp_filter_ctx *ctx)
{
  if (*ctx)
    seccomp_release (*ctx);
}

static bool has_repeated_index (const struct seccomp_rule *rule)
{
  unsigned seen = 0;
  for (size_t i = 0; i < rule->n_args; i++)
    {
      if (seen & (1u << rule->args[i].index))
        return true;
      seen |= 1u << rule->args[i].index;
    }
  return false;
}

static int add_rule (scmp_filter_ctx ctx, const struct seccomp_rule *rule, int nr, struct rw_error **err)
{
  struct scmp_arg_cmp cmp[6];
  size_t n = rule->n_args;
  for (size_t i = 0; i < n; i++)
    cmp[i] = (struct scmp_arg_cmp){ rule->args[i].index, rule->args[i].op, rule->args[i].value,
                                    rule->args[i].value_two };
  int r = 0;
  /* libseccomp cannot AND two comparisons of one argument; like runc, such a rule becomes
   * one rule per comparison (any of them matching triggers the action). */
  if (has_repeated_index (rule))
    {
      for (size_t i = 0; i < n; i++)
        if ((r = seccomp_rule_add_array (ctx, rule->action, nr, 1, &cmp[i])) < 0)
          break;
    }
  else
    r = seccomp_rule_add_array (ctx, rule->action, nr, n, cmp);
  if (r < 0)
    {
      cleanup_free char *name = seccomp_syscall_resolve_num_arch (SCMP_ARCH_NATIVE, nr);
      return rw_error_set (err, -r, "seccomp rule for `%s`", name ? name : "?");
    }
  return 0;
}

int seccomp_profile_apply (const struct seccomp_profile *p, int *notify_fd, struct rw_error **err)
{
  *notify_fd = -1;
  if (p == NULL)
    return 0;
  __attribute__ ((cleanup (release_ctx))) scmp_filter_ctx ctx = seccomp_init (p->default_action);
  if (ctx == NULL)
    return rw_error_set (err, EINVAL, "seccomp_init");
  int r;
  for (size_t i = 0; i < p->n_arches; i++)
    if ((r = seccomp_arch_add (ctx, p->arches[i])) < 0 && r != -EEXIST)
      return rw_error_set (err, -r, "seccomp: add architecture %u", p->arches[i]);
  /* no_new_privs is the caller's decision (process.noNewPrivileges). */
  if ((r = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0)
    return rw_error_set (err, -r, "seccomp: clear SCMP_FLTATR_CTL_NNP");
  static const struct
  {
    unsigned flag;
    enum scmp_filter_attr attr;
    const char *name;
  } attrs[] = {
    { SECCOMP_PROFILE_FLAG_TSYNC, SCMP_FLTATR_CTL_TSYNC, "SECCOMP_FILTER_FLAG_TSYNC" },
    { SECCOMP_PROFILE_FLAG_LOG, SCMP_FLTATR_CTL_LOG, "SECCOMP_FILTER_FLAG_LOG" },
    { SECCOMP_PROFILE_FLAG_SPEC_ALLOW, SCMP_FLTATR_CTL_SSB, "SECCOMP_FILTER_FLAG_SPEC_ALLOW" },
  };
  for (size_t i = 0; i < ARRAY_LEN (attrs); i++)
    if ((p->flags & attrs[i].flag) && (r = seccomp_attr_set (ctx, attrs[i].attr, 1)) < 0)
      return rw_error_set (err, -r, "seccomp: flag %s not supported by this kernel or libseccomp", attrs[i].name);
  for (size_t i = 0; i < p->n_rules; i++)
    {
      const struct seccomp_rule *rule = &p->rules[i];
      /* The kernel would do the same for a rule equal to the default; libseccomp refuses it. */
      if (rule->action == p->default_action)
        continue;
      for (size_t k = 0; k < rule->n_syscalls; k++)
        if (add_rule (ctx, rule, rule->syscalls[k], err) < 0)
          return rw_error_wrap (err, "linux.seccomp.syscalls[%zu]", i);
    }
  if ((r = seccomp_load (ctx)) < 0)
    return rw_error_set (err, -r, "seccomp: load the filter%s",
                         r == -EACCES ? " (without noNewPrivileges this needs CAP_SYS_ADMIN)" : "");
  if (p->uses_notify)
    {
      int fd = seccomp_notify_fd (ctx);
      if (fd < 0)
        return rw_error_set (err, -fd, "seccomp: get the notify fd");
      /* libseccomp may close its copy on release; the caller owns this one. */
      if ((*notify_fd = fcntl (fd, F_DUPFD_CLOEXEC, 3)) < 0)
        return rw_error_set (err, errno, "seccomp: dup the notify fd");
    }
  return 0;
}

int seccomp_listener_connect (const char *listener_path, int *sock, struct rw_error **err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  *sock = -1;
  if (strlen (listener_path) >= sizeof addr.sun_path)
    return rw_error_set (err, ENAMETOOLONG, "seccomp listener `%s`", listener_path);
  strcpy (addr.sun_path, listener_path);
  cleanup_close int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return rw_error_set (err, errno, "seccomp listener: socket");
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return rw_error_set (err, errno, "seccomp listener: connect `%s`", listener_path);
  *sock = steal_fd (&fd);
  return 0;
}

int seccomp_listener_send (int sock, const char *listener_path, int notify_fd, const char *state_json,
                           struct rw_error **err)
{
  char control[CMSG_SPACE (sizeof (int))] = { 0 };
  const char *payload = state_json && *state_json ? state_json : "{}";
  struct iovec iov = { .iov_base = (void *) payload, .iov_len = strlen (payload) };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
  struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cmsg), &notify_fd, sizeof (int));
  if (sendmsg (sock, &msg, MSG_NOSIGNAL) < 0)
    return rw_error_set (err, errno, "seccomp listener: send the notify fd to `%s`", listener_path);
  return 0;
}

int seccomp_send_notify_fd (const char *listener_path, int notify_fd, const char *state_json,
                            struct rw_error **err)
{
  cleanup_close int sock = -1;
  if (seccomp_listener_connect (listener_path, &sock, err) < 0)
    return -1;
  return seccomp_listener_send (sock, listener_path, notify_fd, state_json, err);
}
