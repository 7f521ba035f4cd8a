/* The handler for CRI-O: a drop-in of its own in /etc/crio/crio.conf.d, which CRI-O merges
 * over crio.conf. CRI-O refuses to start when `allowed_annotations` names one it does not
 * know; module.wasm.image/variant and the prefix run.oci. are known from the CVE-2024-3154
 * fix on (1.25.x/1.26.x backports, 1.27.6, 1.28.6, 1.29.4, 1.30), and before it CRI-O passed
 * every annotation to the runtime unfiltered, so the list is only written where accepted. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "node/node.h"
#include "node/toml.h"

bool node_crio_present (const struct node_options *o)
{
  cleanup_free char *d = node_path (o, "/etc/crio");
  return d && node_exists (d);
}

static char *dropin (const struct node_options *o, bool annotations)
{
  cleanup_free char *name = toml_key (o->handler), *quoted = toml_string (o->handler);
  cleanup_free char *bin = NULL, *bin_q = NULL, *root = NULL, *root_q = NULL;
  char *out = NULL;
  if (!name || !quoted || asprintf (&bin, "%s/runwasm", o->bin_dir) < 0 || (o->state_dir ? !(root = strdup (o->state_dir)) : asprintf (&root, "/run/%s", o->handler) < 0)
      || !(bin_q = toml_string (bin)) || !(root_q = toml_string (root)))
    return NULL;
  if (asprintf (&out,
                "# Runtime handler %s, written by `runwasm node install` (`runwasm node uninstall` removes it).\n"
                "[crio.runtime.runtimes.%s]\n"
                "runtime_path = %s\n"
                "runtime_type = \"oci\"\n"
                "runtime_root = %s\n"
                "%s",
                quoted, name, bin_q, root_q,
                annotations ? "allowed_annotations = [\"module.wasm.image/variant\", \"run.oci.\"]\n"
                            : "# This CRI-O passes every annotation to the runtime and knows no allowed_annotations.\n")
      < 0)
    return NULL;
  return out;
}

/* A later drop-in that also defines the handler wins over ours: say so. */
static void warn_other_definitions (const struct node_options *o, const char *dir_path, const char *ours)
{
  struct dirent **names = NULL;
  int n = scandir (dir_path, &names, NULL, alphasort);
  const char *path[] = { "crio", "runtime", "runtimes", o->handler };
  for (int k = 0; k < n; k++)
    {
      cleanup_free char *p = NULL, *text = NULL;
      size_t len;
      struct rw_error *ignored = NULL;
      const char *nm = names[k]->d_name;
      size_t l = strlen (nm);
      if (l > 5 && strcmp (nm + l - 5, ".conf") == 0 && strcmp (nm, ours) != 0 && asprintf (&p, "%s/%s", dir_path, nm) >= 0
          && node_read (p, &text, &len, &ignored) == 0)
        {
          struct toml_doc *d = toml_parse (text, len, nm, &ignored);
          if (d && toml_find (d->root, path, 4))
            node_log ("warning: %s also defines runtime handler %s (%s)", nm, o->handler,
                      strcmp (nm, ours) > 0 ? "it overrides ours" : "ours overrides it");
          toml_free (d);
        }
      rw_error_free (&ignored);
      free (names[k]);
    }
  free (names);
}

/* CRI-O's own view: 0 accepted (or no crio to ask), 1 refused for allowed_annotations,
 * negative otherwise. */
static int crio_check (const struct node_options *o, struct rw_error **err)
{
  cleanup_free char *conf_host = node_path (o, "/etc/crio/crio.conf");
  cleanup_free char *conf = node_cmd_path (o, "/etc/crio/crio.conf"), *dir = node_cmd_path (o, "/etc/crio/crio.conf.d");
  cleanup_free char *out = NULL;
  char *with_conf[] = { (char *) "crio", (char *) "--config", conf, (char *) "--config-dir", dir, (char *) "config", NULL };
  char *without[] = { (char *) "crio", (char *) "--config-dir", dir, (char *) "config", NULL };
  int st = node_run (o, node_exists (conf_host) ? with_conf : without, &out, err);
  if (st < 0)
    return st;
  if (st == 127)
    {
      node_log ("crio is not on the node's PATH: the drop-in is not checked with `crio config`");
      return 0;
    }
  if (st == 0)
    {
      node_log ("checked with `crio config`");
      return 0;
    }
  if (out && strstr (out, "allowed_annotation"))
    return 1;
  return rw_error_set (err, 0, "`crio config` rejects the configuration: %s", out ? out : "");
}

int node_crio_apply (const struct node_options *o, bool install, struct node_changes *ch, struct rw_error **err)
{
  cleanup_free char *dir = node_path (o, "/etc/crio/crio.conf.d"), *name = NULL, *path = NULL;
  if (!dir || asprintf (&name, "10-%s.conf", o->handler) < 0 || asprintf (&path, "%s/%s", dir, name) < 0)
    return rw_error_set (err, ENOMEM, "out of memory");
  cleanup_free char *have = NULL;
  size_t have_len = 0;
  if (node_exists (path) && node_read (path, &have, &have_len, err) < 0)
    return -1;
  if (!install)
    {
      if (!have)
        return 0;
      if (node_change_remove (ch, path, err) < 0)
        return -1;
      node_log ("removed /etc/crio/crio.conf.d/%s", name);
      return 1;
    }
  cleanup_free char *full = dropin (o, true), *bare = dropin (o, false);
  if (!full || !bare)
    return rw_error_set (err, ENOMEM, "out of memory");
  const char *want = o->crio_annotations == 0 ? bare : full;
  warn_other_definitions (o, dir, name);
  if (have && (strcmp (have, want) == 0 || (o->crio_annotations < 0 && strcmp (have, bare) == 0)))
    return 0;
  if (node_change_write (ch, path, want, strlen (want), err) < 0)
    return -1;
  int r = o->check ? crio_check (o, err) : 0;
  if (r == 1 && o->crio_annotations < 0)
    {
      node_log ("this CRI-O refuses allowed_annotations it does not know: writing the drop-in without them");
      if (node_change_write (ch, path, bare, strlen (bare), err) < 0)
        return -1;
      r = crio_check (o, err);
    }
  if (r == 1)
    return rw_error_set (err, 0, "`crio config` refuses allowed_annotations in /etc/crio/crio.conf.d/%s", name);
  if (r < 0)
    return r;
  node_log ("registered handler %s in /etc/crio/crio.conf.d/%s", o->handler, name);
  return 1;
}
