#include "node/node.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"

static const char *const runtime_names[NODE_RUNTIMES] = { "containerd", "k3s", "rke2", "crio" };

void node_log (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fputs ("runwasm node: ", stdout);
  vprintf (fmt, ap);
  putchar ('\n');
  fflush (stdout);
  va_end (ap);
}

char *node_path (const struct node_options *o, const char *p)
{
  char *out = NULL;
  if (strcmp (o->host_root, "/") == 0)
    return strdup (p);
  return asprintf (&out, "%s%s", o->host_root, p) < 0 ? NULL : out;
}

/* In PID 1's namespaces the node's own paths are right; run here, the host root's. */
char *node_cmd_path (const struct node_options *o, const char *p)
{
  return o->enter_node ? strdup (p) : node_path (o, p);
}

bool node_exists (const char *path)
{
  struct stat st;
  return path && lstat (path, &st) == 0;
}

int node_read (const char *path, char **text, size_t *len, struct rw_error **err)
{
  cleanup_fclose FILE *f = fopen (path, "re");
  if (!f)
    return rw_error_set (err, errno, "open `%s`: %s", path, strerror (errno));
  size_t cap = 4096, n = 0;
  cleanup_free char *buf = malloc (cap);
  for (size_t got; buf && (got = fread (buf + n, 1, cap - n - 1, f)) > 0;)
    {
      n += got;
      if (n + 1 == cap)
        {
          char *nb = realloc (buf, cap *= 2);
          if (!nb)
            return rw_error_set (err, ENOMEM, "read `%s`: out of memory", path);
          buf = nb;
        }
    }
  if (!buf || ferror (f))
    return rw_error_set (err, errno ? errno : ENOMEM, "read `%s`: %s", path, strerror (errno ? errno : ENOMEM));
  buf[n] = '\0';
  *text = steal_pointer (&buf);
  *len = n;
  return 0;
}

static int mkdir_parents (char *path)
{
  for (char *s = strchr (path + 1, '/'); s; s = strchr (s + 1, '/'))
    {
      *s = '\0';
      int r = mkdir (path, 0755);
      *s = '/';
      if (r < 0 && errno != EEXIST)
        return -1;
    }
  return 0;
}

static int write_mode (const char *path, const char *text, size_t len, mode_t mode, struct rw_error **err)
{
  cleanup_free char *tmp = NULL, *dir = strdup (path);
  if (!dir || asprintf (&tmp, "%s.runwasm-new", path) < 0)
    return rw_error_set (err, ENOMEM, "write `%s`: out of memory", path);
  if (mkdir_parents (dir) < 0)
    return rw_error_set (err, errno, "create the directories of `%s`: %s", path, strerror (errno));
  cleanup_close int fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0)
    return rw_error_set (err, errno, "open `%s`: %s", tmp, strerror (errno));
  for (size_t done = 0; done < len;)
    {
      ssize_t w = write (fd, text + done, len - done);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        {
          int e = errno;
          unlink (tmp);
          return rw_error_set (err, e, "write `%s`: %s", tmp, strerror (e));
        }
      done += (size_t) w;
    }
  if (fchmod (fd, mode) < 0 || fsync (fd) < 0 || rename (tmp, path) < 0)
    {
      int e = errno;
      unlink (tmp);
      return rw_error_set (err, e, "replace `%s`: %s", path, strerror (e));
    }
  return 0;
}

int node_write (const char *path, const char *text, size_t len, struct rw_error **err)
{
  struct stat st;
  return write_mode (path, text, len, stat (path, &st) == 0 ? st.st_mode & 07777 : 0644, err);
}

static int record (struct node_changes *ch, const char *path, struct rw_error **err)
{
  struct node_change *items = realloc (ch->items, (ch->n + 1) * sizeof *items);
  if (!items)
    return rw_error_set (err, ENOMEM, "out of memory");
  ch->items = items;
  struct node_change *c = &ch->items[ch->n];
  *c = (struct node_change) { .path = strdup (path) };
  if (!c->path)
    return rw_error_set (err, ENOMEM, "out of memory");
  if (node_exists (path) && node_read (path, &c->old_text, &c->old_len, err) < 0)
    {
      free (c->path);
      return -1;
    }
  ch->n++;
  return 0;
}

int node_change_write (struct node_changes *ch, const char *path, const char *text, size_t len, struct rw_error **err)
{
  if (record (ch, path, err) < 0)
    return -1;
  return node_write (path, text, len, err);
}

int node_change_remove (struct node_changes *ch, const char *path, struct rw_error **err)
{
  if (record (ch, path, err) < 0)
    return -1;
  if (unlink (path) < 0 && errno != ENOENT)
    return rw_error_set (err, errno, "remove `%s`: %s", path, strerror (errno));
  return 0;
}

void node_changes_undo (struct node_changes *ch)
{
  for (size_t k = ch->n; k-- > 0;)
    {
      struct node_change *c = &ch->items[k];
      struct rw_error *e = NULL;
      if (c->old_text ? node_write (c->path, c->old_text, c->old_len, &e) < 0 : unlink (c->path) < 0 && errno != ENOENT)
        node_log ("could not restore %s: %s", c->path, e ? e->msg : strerror (errno));
      else
        node_log ("restored %s", c->path);
      rw_error_free (&e);
    }
}

void node_changes_free (struct node_changes *ch)
{
  for (size_t k = 0; k < ch->n; k++)
    {
      free (ch->items[k].path);
      free (ch->items[k].old_text);
    }
  free (ch->items);
  ch->items = NULL;
  ch->n = 0;
}

/* --------------------------------------------------------------------- node commands */
static void enter_pid1_namespaces (void)
{
  static const char *const ns[] = { "mnt", "uts", "ipc", "net", "pid" };
  for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++)
    {
      char p[64];
      snprintf (p, sizeof p, "/proc/1/ns/%s", ns[k]);
      int fd = open (p, O_RDONLY | O_CLOEXEC);
      if (fd < 0 || setns (fd, 0) < 0)
        {
          fprintf (stderr, "runwasm node: enter %s of PID 1 (the pod needs hostPID and privileges): %s\n", p, strerror (errno));
          _exit (126);
        }
      close (fd);
    }
}

int node_run (const struct node_options *o, char *const argv[], char **out, struct rw_error **err)
{
  int pipefd[2];
  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    return rw_error_set (err, errno, "pipe: %s", strerror (errno));
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (pipefd[0]);
      close (pipefd[1]);
      return rw_error_set (err, errno, "fork: %s", strerror (errno));
    }
  if (pid == 0)
    {
      dup2 (pipefd[1], STDOUT_FILENO);
      dup2 (pipefd[1], STDERR_FILENO);
      if (o->enter_node)
        {
          enter_pid1_namespaces ();
          setenv ("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/bin", 1);
        }
      execvp (argv[0], argv);
      _exit (127);
    }
  close (pipefd[1]);
  size_t cap = 1024, n = 0;
  char *buf = malloc (cap);
  for (ssize_t r; buf;)
    {
      if (n + 512 > cap)
        {
          char *nb = realloc (buf, cap *= 2);
          if (!nb)
            break;
          buf = nb;
        }
      r = read (pipefd[0], buf + n, cap - n - 1);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        break;
      n += (size_t) r;
    }
  close (pipefd[0]);
  int st;
  while (waitpid (pid, &st, 0) < 0 && errno == EINTR)
    ;
  if (buf)
    {
      while (n > 0 && buf[n - 1] == '\n')
        n--;
      buf[n] = '\0';
    }
  if (out)
    *out = buf;
  else
    free (buf);
  return WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st);
}

static int systemctl (const struct node_options *o, const char *verb, const char *unit, char **out, struct rw_error **err)
{
  char *argv[] = { (char *) o->systemctl, (char *) verb, (char *) unit, NULL };
  return node_run (o, argv, out, err);
}

/* The units that run the runtime: the active ones of its possible names. */
static int active_units (const struct node_options *o, enum node_runtime rt, const char **units, struct rw_error **err)
{
  static const char *const names[NODE_RUNTIMES][2] = {
    { "containerd", NULL }, { "k3s", "k3s-agent" }, { "rke2-server", "rke2-agent" }, { "crio", NULL },
  };
  int n = 0;
  for (int k = 0; k < 2 && names[rt][k]; k++)
    {
      cleanup_free char *out = NULL;
      int st = systemctl (o, "is-active", names[rt][k], &out, err);
      if (st < 0)
        return st;
      if (st >= 126)
        return rw_error_set (err, 0, "cannot run `%s` on the node%s: %s", o->systemctl,
                             o->enter_node ? "" : " (in a pod: hostPID and --enter-node)", out && *out ? out : "not found");
      if (st == 0)
        units[n++] = names[rt][k];
    }
  return n;
}

/* A restart that has not been seen to succeed: the next run restarts even if the
 * configuration is already in place. */
static char *pending_marker (const struct node_options *o, enum node_runtime rt)
{
  char *p = NULL, *full;
  if (asprintf (&p, "/var/lib/runwasm/node/restart-%s-pending", runtime_names[rt]) < 0)
    return NULL;
  full = node_path (o, p);
  free (p);
  return full;
}

static int restart_runtime (const struct node_options *o, enum node_runtime rt, struct rw_error **err)
{
  const char *units[2];
  int n = active_units (o, rt, units, err);
  if (n < 0)
    return n;
  if (n == 0)
    {
      node_log ("%s is not running (no active systemd unit): it uses the handler when it starts", runtime_names[rt]);
      return 0;
    }
  for (int u = 0; u < n; u++)
    {
      int attempt = 1;
      for (;; attempt++)
        {
          cleanup_free char *out = NULL;
          node_log ("restarting %s (attempt %d of %d)", units[u], attempt, o->restart_attempts);
          int st = systemctl (o, "restart", units[u], &out, err);
          if (st < 0)
            return st;
          if (st == 0 && systemctl (o, "is-active", units[u], NULL, err) == 0)
            break;
          node_log ("%s did not come back: %s", units[u], out && *out ? out : "(no output)");
          if (attempt >= o->restart_attempts)
            return rw_error_set (err, 0, "restart `%s` failed %d times; see `journalctl -u %s`", units[u], attempt, units[u]);
          sleep ((unsigned) attempt);
        }
      node_log ("%s restarted", units[u]);
    }
  return 0;
}

/* ------------------------------------------------------------------------------- binary */
static int install_binary (const struct node_options *o, struct rw_error **err)
{
  cleanup_free char *dest_node = NULL, *dest = NULL, *src = NULL, *have = NULL;
  size_t src_len, have_len = 0;
  if (asprintf (&dest_node, "%s/runwasm", o->bin_dir) < 0 || !(dest = node_path (o, dest_node)))
    return rw_error_set (err, ENOMEM, "out of memory");
  if (node_read (o->binary, &src, &src_len, err) < 0)
    return -1;
  if (node_exists (dest) && node_read (dest, &have, &have_len, err) < 0)
    return -1;
  if (have && have_len == src_len && memcmp (have, src, src_len) == 0)
    {
      node_log ("%s is already this runwasm", dest_node);
      return 0;
    }
  /* A new inode: running containers keep the old binary. */
  if (write_mode (dest, src, src_len, 0755, err) < 0)
    return rw_error_wrap (err, "install the binary (a read-only /usr? try --bin-dir /opt/bin)");
  node_log ("installed %s", dest_node);
  return 1;
}

/* The binary must run on the node (a dynamically linked build may not find its libraries
 * there): better no handler than one whose every container fails. */
static int check_binary (const struct node_options *o, struct rw_error **err)
{
  cleanup_free char *node_bin = NULL, *bin = NULL, *out = NULL;
  if (asprintf (&node_bin, "%s/runwasm", o->bin_dir) < 0 || !(bin = node_cmd_path (o, node_bin)))
    return rw_error_set (err, ENOMEM, "out of memory");
  char *argv[] = { bin, (char *) "--version", NULL };
  int st = node_run (o, argv, &out, err);
  if (st < 0)
    return st;
  if (st != 0)
    return rw_error_set (err, 0, "%s does not run on this node (exit %d): %s; install the static build (make static)",
                         node_bin, st, out && *out ? out : "no output");
  return 0;
}

static int remove_binary (const struct node_options *o, struct rw_error **err)
{
  cleanup_free char *dest_node = NULL, *dest = NULL;
  if (asprintf (&dest_node, "%s/runwasm", o->bin_dir) < 0 || !(dest = node_path (o, dest_node)))
    return rw_error_set (err, ENOMEM, "out of memory");
  if (!node_exists (dest))
    return 0;
  if (unlink (dest) < 0)
    return rw_error_set (err, errno, "remove `%s`: %s", dest, strerror (errno));
  node_log ("removed %s", dest_node);
  return 1;
}

/* -------------------------------------------------------------------------- the runs */
static int apply (const struct node_options *o, enum node_runtime rt, bool install, struct node_changes *ch,
                  struct rw_error **err)
{
  return rt == NODE_CRIO ? node_crio_apply (o, install, ch, err) : node_containerd_apply (o, rt, install, ch, err);
}

static bool present (const struct node_options *o, enum node_runtime rt)
{
  return rt == NODE_CRIO ? node_crio_present (o) : node_containerd_present (o, rt);
}

static int run (const struct node_options *o, bool install, struct rw_error **err)
{
  bool asked = false, which[NODE_RUNTIMES] = { false };
  for (int rt = 0; rt < NODE_RUNTIMES; rt++)
    asked = asked || o->want[rt];
  int found = 0;
  for (int rt = 0; rt < NODE_RUNTIMES; rt++)
    {
      which[rt] = asked ? o->want[rt] : present (o, rt);
      found += which[rt];
    }
  if (!found)
    return rw_error_set (err, ENOENT,
                         "no container runtime found under `%s` (looked for /etc/containerd, /usr/bin/containerd, "
                         "/usr/local/bin/containerd, /var/lib/rancher/k3s, /var/lib/rancher/rke2, /etc/crio); "
                         "name one with --runtime",
                         o->host_root);
  if (install && (install_binary (o, err) < 0 || (o->check && check_binary (o, err) < 0)))
    return -1;

  for (int rt = 0; rt < NODE_RUNTIMES; rt++)
    {
      if (!which[rt])
        continue;
      struct node_changes ch = { 0 };
      cleanup_free char *marker = pending_marker (o, rt);
      int changed = apply (o, rt, install, &ch, err);
      if (changed < 0)
        {
          rw_error_wrap (err, "%s", runtime_names[rt]);
          node_changes_undo (&ch);
          node_changes_free (&ch);
          return -1;
        }
      if (changed == 0)
        node_log ("%s: handler %s %s", runtime_names[rt], o->handler, install ? "already registered" : "not registered");
      if (changed && o->restart && marker && node_write (marker, "", 0, err) < 0)
        {
          node_changes_undo (&ch);
          node_changes_free (&ch);
          return -1;
        }
      if (!o->restart)
        {
          if (changed)
            node_log ("%s: --no-restart: restart it yourself to apply the change", runtime_names[rt]);
          node_changes_free (&ch);
          continue;
        }
      if (!node_exists (marker))
        {
          node_changes_free (&ch);
          continue;
        }
      if (restart_runtime (o, rt, err) < 0)
        {
          /* The node's runtime must keep working: put its configuration back as it was. */
          if (ch.n)
            {
              struct rw_error *again = NULL;
              node_changes_undo (&ch);
              unlink (marker);
              if (restart_runtime (o, rt, &again) < 0)
                rw_error_free (&again);
              rw_error_wrap (err, "%s: the previous configuration is restored", runtime_names[rt]);
            }
          node_changes_free (&ch);
          return -1;
        }
      unlink (marker);
      node_changes_free (&ch);
    }
  if (!install && remove_binary (o, err) < 0)
    return -1;
  node_log ("done");
  return 0;
}

int node_install (const struct node_options *o, struct rw_error **err) { return run (o, true, err); }
int node_uninstall (const struct node_options *o, struct rw_error **err) { return run (o, false, err); }

int node_runtime_from_name (const char *name)
{
  for (int rt = 0; rt < NODE_RUNTIMES; rt++)
    if (strcmp (name, runtime_names[rt]) == 0)
      return rt;
  return -1;
}
