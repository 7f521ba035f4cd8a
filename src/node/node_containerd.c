/* The handler in containerd's configuration. containerd 1.x reads config version 1
 * (`plugins.cri`) and 2 (`plugins."io.containerd.grpc.v1.cri"`), containerd 2.x version 3
 * (`plugins."io.containerd.cri.v1.runtime"`); k3s and RKE2 render their containerd config
 * from a Go template, which we extend rather than the file they overwrite. */
#include <errno.h>
#include <glob.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "node/node.h"
#include "node/toml.h"

#define ANNOTATIONS "[\"module.wasm.image/variant\", \"run.oci.handler\"]"
#define K3S_BASE "{{ template \"base\" . }}\n"

static const char *cri_plugin (int version)
{
  return version == 1 ? "cri" : version == 2 ? "io.containerd.grpc.v1.cri" : "io.containerd.cri.v1.runtime";
}

/* A Go template made parseable as TOML without moving a byte: an action in a value position
 * becomes a string holding its text, one inside a string loses its quotes, any other (a
 * whole-line {{ if }} or {{ template }}) becomes blank space. */
static char *mask_template (const char *text, size_t len)
{
  char *m = malloc (len + 1);
  if (!m)
    return NULL;
  memcpy (m, text, len);
  m[len] = '\0';
  for (char *a = strstr (m, "{{"); a; a = strstr (a, "{{"))
    {
      char *e = strstr (a, "}}");
      if (!e)
        break;
      e += 2;
      size_t quotes = 0;
      char *prev = a;
      for (char *c = a; c > m && c[-1] != '\n'; c--)
        quotes += c[-1] == '"';
      while (prev > m && (prev[-1] == ' ' || prev[-1] == '\t'))
        prev--;
      bool value = prev > m && (prev[-1] == '=' || prev[-1] == '[' || prev[-1] == ',');
      for (char *c = a; c < e; c++)
        if (*c == '"' || *c == '\n')
          *c = '\'';
      if (value)
        a[0] = e[-1] = '"';
      else if (quotes % 2 == 0)
        memset (a, ' ', (size_t) (e - a));
      a = e;
    }
  return m;
}

static bool span_under (const struct toml_span *s, const char *const *pre, size_t n)
{
  if (s->depth < n)
    return false;
  for (size_t k = 0; k < n; k++)
    if (strcmp (s->path[k], pre[k]) != 0)
      return false;
  return true;
}

static bool same_value (const struct toml_node *a, const struct toml_node *b)
{
  if (!a || !b || a->type != b->type)
    return a == b;
  switch (a->type)
    {
    case TOML_STRING: return strcmp (a->str, b->str) == 0;
    case TOML_INTEGER: return a->integer == b->integer;
    case TOML_BOOL: return a->boolean == b->boolean;
    case TOML_ARRAY:
      if (a->n_items != b->n_items)
        return false;
      for (size_t k = 0; k < a->n_items; k++)
        if (!same_value (a->items[k], b->items[k]))
          return false;
      return true;
    case TOML_TABLE:
      if (a->n_items != b->n_items)
        return false;
      for (size_t k = 0; k < a->n_items; k++)
        if (!same_value (a->items[k], toml_child (b, a->items[k]->key)))
          return false;
      return true;
    default: return false; /* floats and dates: never ours */
    }
}

static int config_version (const struct toml_doc *d, bool template, int hint, const char *name, struct rw_error **err)
{
  const struct toml_node *v = toml_child (d->root, "version");
  if (!v)
    return template && hint ? hint : 1; /* containerd reads a file without `version` as 1 */
  if (v->type != TOML_INTEGER || v->integer < 1 || v->integer > 3)
    return rw_error_set (err, 0, "%s: unsupported containerd config `version` (1, 2 and 3 are known)", name);
  return (int) v->integer;
}

static struct toml_doc *parse (const char *text, size_t len, const char *name, bool template, struct rw_error **err)
{
  if (!template)
    return toml_parse (text, len, name, err);
  cleanup_free char *m = mask_template (text, len);
  if (!m)
    return rw_error_set (err, ENOMEM, "%s: out of memory", name), NULL;
  struct toml_doc *d = toml_parse (m, len, name, err);
  if (!d)
    rw_error_wrap (err, "template not understood (start it with %.24s and add your own tables after it)", K3S_BASE);
  return d;
}

/* The SystemdCgroup of the runtime pods use by default, as source text, so the handler
 * puts its containers in cgroups the same way (NULL: not set, containerd's default false). */
static char *default_systemd_cgroup (const struct toml_doc *d, const char *text, int version, const char *handler,
                                     bool template)
{
  const char *cri[] = { "plugins", cri_plugin (version), "containerd" };
  const struct toml_node *ctd = toml_find (d->root, cri, 3);
  const struct toml_node *dflt = toml_child (ctd, "default_runtime_name");
  const char *name = dflt && dflt->type == TOML_STRING && strcmp (dflt->str, handler) != 0 ? dflt->str : "runc";
  const char *path[] = { "runtimes", name, "options", "SystemdCgroup" };
  const struct toml_node *v = toml_find (ctd, path, 4);
  if (v)
    return strndup (text + v->start, v->end - v->start);
  /* k3s' base template sets runc's from its own detection: follow the same variable. */
  if (template && strstr (text, "template \"base\""))
    return strdup ("{{ .SystemdCgroup }}");
  return NULL;
}

static char *handler_block (int version, const char *handler, const char *binary_path, const char *systemd,
                            const char *state_dir)
{
  cleanup_free char *plugin = toml_key (cri_plugin (version));
  cleanup_free char *name = toml_key (handler);
  cleanup_free char *bin = toml_string (binary_path);
  cleanup_free char *quoted = toml_string (handler);
  cleanup_free char *root = state_dir ? toml_string (state_dir) : strdup ("");
  char *out = NULL;
  if (!plugin || !name || !bin || !quoted || !root)
    return NULL;
  if (asprintf (&out,
                "# Runtime handler %s, added by `runwasm node install` (`runwasm node uninstall` removes it).\n"
                "[plugins.%s.containerd.runtimes.%s]\n"
                "  runtime_type = \"io.containerd.runc.v2\"\n"
                "  pod_annotations = " ANNOTATIONS "\n"
                "  container_annotations = " ANNOTATIONS "\n"
                "\n"
                "[plugins.%s.containerd.runtimes.%s.options]\n"
                "  BinaryName = %s\n"
                "%s%s%s"
                "%s%s%s",
                quoted, plugin, name, plugin, name, bin, systemd ? "  SystemdCgroup = " : "", systemd ? systemd : "",
                systemd ? "\n" : "", state_dir ? "  Root = " : "", root, state_dir ? "\n" : "")
      < 0)
    return NULL;
  return out;
}

struct range {
  size_t start, end;
};
static int by_start (const void *a, const void *b)
{
  const struct range *x = a, *y = b;
  return x->start < y->start ? -1 : x->start > y->start;
}

int node_containerd_edit (const char *text, size_t len, const char *name, bool template, int version_hint,
                          const char *handler, const char *binary_path, const char *state_dir, bool install,
                          char **out, size_t *out_len, struct rw_error **err)
{
  struct toml_doc *d = parse (text, len, name, template, err);
  if (!d)
    return -1;
  int ret = -1;
  cleanup_free char *systemd = NULL, *block = NULL, *result = NULL;
  cleanup_free struct range *cut = NULL;
  struct toml_doc *want = NULL, *check = NULL;
  int version = config_version (d, template, version_hint, name, err);
  if (version < 0)
    goto out;
  const char *runtimes[] = { "plugins", cri_plugin (version), "containerd", "runtimes", handler };
  const struct toml_node *have = toml_find (d->root, runtimes, 5);
  const struct toml_node *wanted = NULL;
  if (install)
    {
      systemd = default_systemd_cgroup (d, text, version, handler, template);
      if (!(block = handler_block (version, handler, binary_path, systemd, state_dir)))
        {
          ret = rw_error_set (err, ENOMEM, "%s: out of memory", name);
          goto out;
        }
      if (!(want = parse (block, strlen (block), "(handler tables)", template, err)))
        goto out;
      wanted = toml_find (want->root, runtimes, 5);
      if (same_value (have, wanted))
        {
          ret = 0;
          goto out;
        }
    }
  else if (!have)
    {
      ret = 0;
      goto out;
    }

  /* Cut every statement that defines something at or below runtimes.<handler>. */
  size_t n = 0;
  if (!(cut = calloc (d->n_spans + 1, sizeof *cut)))
    goto oom;
  for (size_t k = 0; k < d->n_spans; k++)
    if (span_under (&d->spans[k], runtimes, 5))
      cut[n++] = (struct range) { d->spans[k].start, d->spans[k].end };
  qsort (cut, n, sizeof *cut, by_start);
  size_t cap = len + (block ? strlen (block) : 0) + 4, o = 0, at = 0;
  if (!(result = malloc (cap)))
    goto oom;
  for (size_t k = 0; k < n; k++)
    {
      if (cut[k].start > at)
        {
          memcpy (result + o, text + at, cut[k].start - at);
          o += cut[k].start - at;
        }
      if (cut[k].end > at)
        at = cut[k].end;
    }
  memcpy (result + o, text + at, len - at);
  o += len - at;
  /* One newline at the end, then a blank line before the handler's tables. */
  while (o > 0 && (result[o - 1] == '\n' || result[o - 1] == ' ' || result[o - 1] == '\t' || result[o - 1] == '\r'))
    o--;
  if (o > 0)
    result[o++] = '\n';
  if (install)
    {
      if (o > 0)
        result[o++] = '\n';
      memcpy (result + o, block, strlen (block));
      o += strlen (block);
    }
  result[o] = '\0';

  /* The result must parse and say exactly what we meant. */
  if (!(check = parse (result, o, name, template, err)))
    {
      rw_error_wrap (err, "%s with handler %s would not be valid TOML (is a parent table written inline?)", name, handler);
      goto out;
    }
  if (!same_value (toml_find (check->root, runtimes, 5), wanted))
    {
      ret = rw_error_set (err, 0, "%s: handler %s is also defined in a way this installer cannot edit (an inline table?)",
                          name, handler);
      goto out;
    }
  *out = steal_pointer (&result);
  *out_len = o;
  ret = 1;
  goto out;
oom:
  ret = rw_error_set (err, ENOMEM, "%s: out of memory", name);
out:
  toml_free (d);
  toml_free (want);
  toml_free (check);
  return ret;
}

/* ---------------------------------------------------------------------------- the files */
static const char *rancher_dir (enum node_runtime rt)
{
  return rt == NODE_K3S ? "/var/lib/rancher/k3s/agent/etc/containerd" : "/var/lib/rancher/rke2/agent/etc/containerd";
}

bool node_containerd_present (const struct node_options *o, enum node_runtime rt)
{
  const char *where[] = { "/etc/containerd", "/usr/bin/containerd", "/usr/local/bin/containerd" };
  if (rt != NODE_CONTAINERD)
    {
      cleanup_free char *d = node_path (o, rt == NODE_K3S ? "/var/lib/rancher/k3s" : "/var/lib/rancher/rke2");
      return d && node_exists (d);
    }
  for (size_t k = 0; k < sizeof where / sizeof where[0]; k++)
    {
      cleanup_free char *p = node_path (o, where[k]);
      if (p && node_exists (p))
        return true;
    }
  return false;
}

struct file {
  char *path;   /* under the host root */
  char *text;
  size_t len;
  bool exists;
};
struct files {
  struct file *f;
  size_t n;
};
static void files_free (struct files *fs)
{
  for (size_t k = 0; k < fs->n; k++)
    {
      free (fs->f[k].path);
      free (fs->f[k].text);
    }
  free (fs->f);
}

static int files_add (struct files *fs, const char *path, bool may_be_missing, struct rw_error **err)
{
  for (size_t k = 0; k < fs->n; k++)
    if (strcmp (fs->f[k].path, path) == 0)
      return 0; /* containerd loads a file once */
  struct file *nf = realloc (fs->f, (fs->n + 1) * sizeof *nf);
  if (!nf)
    return rw_error_set (err, ENOMEM, "out of memory");
  fs->f = nf;
  struct file *f = &fs->f[fs->n];
  *f = (struct file) { .path = strdup (path) };
  if (!f->path)
    return rw_error_set (err, ENOMEM, "out of memory");
  fs->n++;
  if (may_be_missing && !node_exists (path))
    return 0;
  f->exists = true;
  return node_read (path, &f->text, &f->len, err);
}

/* The config file and, in containerd's order, every file its `imports` name (recursively).
 * containerd 1.6 takes a relative path from the importing file's directory, but a relative
 * glob pattern ("*") from its working directory, / under systemd. */
static int load_imports (const struct node_options *o, struct files *fs, size_t idx, struct rw_error **err)
{
  struct file *f = &fs->f[idx];
  if (!f->exists)
    return 0;
  struct toml_doc *d = toml_parse (f->text, f->len, f->path, err);
  if (!d)
    return -1;
  int ret = 0;
  const struct toml_node *imports = toml_child (d->root, "imports");
  cleanup_free char *dir_copy = strdup (f->path);
  const char *dir = dir_copy ? dirname (dir_copy) : ".";
  for (size_t k = 0; ret == 0 && imports && imports->type == TOML_ARRAY && k < imports->n_items; k++)
    {
      const struct toml_node *i = imports->items[k];
      if (i->type != TOML_STRING)
        {
          ret = rw_error_set (err, 0, "%s: `imports` must be a list of strings", f->path);
          break;
        }
      cleanup_free char *pattern = NULL;
      if (i->str[0] == '/')
        pattern = node_path (o, i->str);
      else if (strchr (i->str, '*') && asprintf (&pattern, "%s/%s", o->host_root, i->str) < 0)
        pattern = NULL;
      else if (!strchr (i->str, '*') && asprintf (&pattern, "%s/%s", dir, i->str) < 0)
        pattern = NULL;
      if (!pattern)
        {
          ret = rw_error_set (err, ENOMEM, "out of memory");
          break;
        }
      glob_t g;
      if (glob (pattern, 0, NULL, &g) != 0)
        continue; /* containerd skips patterns that match nothing */
      for (size_t j = 0; ret == 0 && j < g.gl_pathc; j++)
        {
          size_t before = fs->n;
          ret = files_add (fs, g.gl_pathv[j], false, err);
          if (ret == 0 && fs->n > before)
            ret = load_imports (o, fs, fs->n - 1, err);
        }
      globfree (&g);
    }
  toml_free (d);
  return ret;
}

/* Which file's CRI section containerd uses: an imported file that has one replaces the
 * whole section of the files before it (containerd 1.6), so the last file with one. */
static int cri_owner (const struct files *fs, struct rw_error **err)
{
  int owner = 0;
  for (size_t k = 0; k < fs->n; k++)
    {
      if (!fs->f[k].exists)
        continue;
      struct toml_doc *d = toml_parse (fs->f[k].text, fs->f[k].len, fs->f[k].path, err);
      if (!d)
        return -1;
      int v = config_version (d, false, 0, fs->f[k].path, err);
      const char *cri[] = { "plugins", v > 0 ? cri_plugin (v) : "" };
      if (v > 0 && toml_find (d->root, cri, 2))
        owner = (int) k;
      toml_free (d);
      if (v < 0)
        return -1;
    }
  return owner;
}

static const char *shown (const struct node_options *o, const char *path)
{
  size_t r = strlen (o->host_root);
  return strcmp (o->host_root, "/") != 0 && strncmp (path, o->host_root, r) == 0 ? path + r : path;
}

/* containerd's own parser on the result: `containerd --config FILE config dump`. */
static int containerd_check (const struct node_options *o, const char *main_path, struct rw_error **err)
{
  cleanup_free char *cfg = node_cmd_path (o, shown (o, main_path)), *out = NULL;
  char *argv[] = { (char *) "containerd", (char *) "--config", cfg, (char *) "config", (char *) "dump", NULL };
  int st = node_run (o, argv, &out, err);
  if (st < 0)
    return st;
  if (st == 127)
    {
      node_log ("containerd is not on the node's PATH: %s not checked with `containerd config dump`", shown (o, main_path));
      return 0;
    }
  if (st != 0)
    return rw_error_set (err, 0, "`containerd --config %s config dump` rejects the new configuration: %s",
                         shown (o, main_path), out ? out : "");
  node_log ("checked with `containerd config dump`");
  return 0;
}

static int apply_files (const struct node_options *o, struct files *fs, int owner, bool template, int hint, bool install,
                        const char *binary_path, struct node_changes *ch, struct rw_error **err)
{
  int changed = 0;
  for (size_t k = 0; k < fs->n; k++)
    {
      struct file *f = &fs->f[k];
      bool here = install && (int) k == owner;
      if (!f->exists && !here)
        continue;
      const char *text = f->exists ? f->text : (template ? K3S_BASE : "version = 2\n");
      size_t len = strlen (text);
      if (f->exists)
        len = f->len;
      cleanup_free char *out = NULL;
      size_t out_len = 0;
      int r = node_containerd_edit (text, len, shown (o, f->path), template, hint, o->handler, binary_path, o->state_dir, here,
                                    &out, &out_len, err);
      if (r < 0)
        return r;
      if (r == 0)
        continue;
      /* A template we created holds nothing else once the handler is gone. */
      if (!here && template && strcmp (out, K3S_BASE) == 0)
        r = node_change_remove (ch, f->path, err);
      else
        r = node_change_write (ch, f->path, out, out_len, err);
      if (r < 0)
        return r;
      node_log ("%s handler %s %s %s", install && here ? "registered" : "removed", o->handler,
                install && here ? "in" : "from", shown (o, f->path));
      changed = 1;
    }
  return changed;
}

int node_containerd_apply (const struct node_options *o, enum node_runtime rt, bool install,
                           struct node_changes *ch, struct rw_error **err)
{
  struct files fs = { 0 };
  cleanup_free char *binary_path = NULL;
  int ret, hint = 2, owner = 0;
  bool template = rt != NODE_CONTAINERD;
  if (asprintf (&binary_path, "%s/runwasm", o->bin_dir) < 0)
    return rw_error_set (err, ENOMEM, "out of memory");
  if (!template)
    {
      cleanup_free char *main_path = node_path (o, o->containerd_config);
      if ((ret = files_add (&fs, main_path, true, err)) < 0 || (ret = load_imports (o, &fs, 0, err)) < 0
          || (owner = ret = cri_owner (&fs, err)) < 0)
        goto out;
      if (owner > 0)
        node_log ("%s holds the CRI plugin's section (containerd 1.6 takes it whole from there)", shown (o, fs.f[owner].path));
    }
  else
    {
      /* k3s/RKE2 with containerd 2 render config-v3.toml.tmpl, older ones config.toml.tmpl. */
      cleanup_free char *dir = node_path (o, rancher_dir (rt));
      cleanup_free char *v3 = NULL, *v2 = NULL, *generated = NULL;
      if (!dir || asprintf (&v3, "%s/config-v3.toml.tmpl", dir) < 0 || asprintf (&v2, "%s/config.toml.tmpl", dir) < 0
          || asprintf (&generated, "%s/config.toml", dir) < 0)
        {
          ret = rw_error_set (err, ENOMEM, "out of memory");
          goto out;
        }
      if (node_exists (v3))
        hint = 3;
      else if (!node_exists (v2) && node_exists (generated))
        {
          cleanup_free char *g = NULL;
          size_t glen;
          struct rw_error *ignored = NULL;
          struct toml_doc *d = NULL;
          if (node_read (generated, &g, &glen, &ignored) == 0 && (d = toml_parse (g, glen, generated, &ignored)))
            hint = config_version (d, false, 0, generated, &ignored) == 3 ? 3 : 2;
          toml_free (d);
          rw_error_free (&ignored);
        }
      if ((ret = files_add (&fs, hint == 3 ? v3 : v2, true, err)) < 0)
        goto out;
      /* The other template, left from an upgrade, is dead; do not leave the handler there. */
      if ((ret = files_add (&fs, hint == 3 ? v2 : v3, true, err)) < 0)
        goto out;
    }
  ret = apply_files (o, &fs, owner, template, hint, install, binary_path, ch, err);
  if (ret > 0 && !template && o->check && (ret = containerd_check (o, fs.f[0].path, err)) >= 0)
    ret = 1;
  if (ret > 0 && template)
    node_log ("%s renders %s when it starts; it is checked here by parsing only", rt == NODE_K3S ? "k3s" : "RKE2",
              shown (o, fs.f[0].path));
out:
  files_free (&fs);
  return ret;
}
