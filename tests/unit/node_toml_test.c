/* The node installer's TOML reader (src/node/toml.c) and the containerd edit on top of it
 * (node_containerd_edit): values, quoting, TOML's redefinition rules, source spans, and an
 * edit that is idempotent whatever the spelling and leaves everything else alone. */
#include <stdlib.h>
#include <string.h>

#include "node/node.h"
#include "node/toml.h"
#include "tap.h"

static struct toml_doc *parse (const char *text, char **msg)
{
  struct rw_error *err = NULL;
  struct toml_doc *d = toml_parse (text, strlen (text), "t.toml", &err);
  if (msg)
    *msg = err ? strdup (err->msg) : NULL;
  rw_error_free (&err);
  return d;
}

static const struct toml_node *at (const struct toml_doc *d, const char *a, const char *b, const char *c)
{
  const char *path[] = { a, b, c };
  return toml_find (d->root, path, c ? 3 : b ? 2 : 1);
}

static void values (void)
{
  struct toml_doc *d = parse ("s = \"a\\tb\\u00e9\\\"\"\nl = 'C:\\x'\n"
                              "m = \"\"\"\nline1\\\n   line2\"\"\"\nml = '''\nraw\\n'''\n"
                              "i = 1_000\nh = 0xff\nn = -7\nf = 6.5e3\nb = true\n"
                              "dt = 1979-05-27 07:32:00Z\nt = 07:32:00\n"
                              "a = [ 1, [2, 3], # comment\n  \"x\", ]\n"
                              "inl = { x = 1, y.z = \"w\" }\n",
                              NULL);
  tap_ok (d != NULL, "a document with every kind of value parses");
  if (!d)
    return;
  tap_eq_str (at (d, "s", NULL, NULL)->str, "a\tb\xc3\xa9\"", "basic string escapes, \\u to UTF-8");
  tap_eq_str (at (d, "l", NULL, NULL)->str, "C:\\x", "literal string keeps backslashes");
  tap_eq_str (at (d, "m", NULL, NULL)->str, "line1line2", "multi-line: first newline dropped, line-ending backslash trims");
  tap_eq_str (at (d, "ml", NULL, NULL)->str, "raw\\n", "multi-line literal");
  tap_eq_int (at (d, "i", NULL, NULL)->integer, 1000, "underscores in integers");
  tap_eq_int (at (d, "h", NULL, NULL)->integer, 255, "hex integer");
  tap_eq_int (at (d, "n", NULL, NULL)->integer, -7, "negative integer");
  tap_eq_int (at (d, "f", NULL, NULL)->type, TOML_FLOAT, "float");
  tap_ok (at (d, "b", NULL, NULL)->boolean, "boolean");
  tap_eq_int (at (d, "dt", NULL, NULL)->type, TOML_DATETIME, "date-time with a space");
  tap_eq_int (at (d, "t", NULL, NULL)->type, TOML_DATETIME, "local time");
  tap_eq_int (at (d, "a", NULL, NULL)->n_items, 3, "array over lines, comment and trailing comma");
  tap_eq_str (at (d, "inl", "y", "z")->str, "w", "inline table with a dotted key");
  toml_free (d);
}

static void keys_and_tables (void)
{
  struct toml_doc *d = parse ("[plugins.'io.containerd.grpc.v1.cri' . containerd]\nx = 1\n"
                              "[ plugins . \"io.containerd.grpc.v1.cri\".containerd.runtimes.\"runc\" ]\n"
                              "options.SystemdCgroup = true\n"
                              "[[arr]]\nk = 1\n[[arr]]\nk = 2\n[arr.sub]\nq = 3\n",
                              NULL);
  tap_ok (d != NULL, "quoted, spaced and dotted keys, arrays of tables");
  if (!d)
    return;
  const char *p[] = { "plugins", "io.containerd.grpc.v1.cri", "containerd", "runtimes", "runc", "options", "SystemdCgroup" };
  const struct toml_node *v = toml_find (d->root, p, 7);
  tap_ok (v && v->type == TOML_BOOL && v->boolean, "both quotings name the same table");
  tap_eq_int (at (d, "arr", NULL, NULL)->n_items, 2, "two [[arr]] elements");
  /* Spans: each header section runs to the next; key/values have their full path. */
  size_t headers = 0, dotted = 0;
  for (size_t k = 0; k < d->n_spans; k++)
    {
      headers += d->spans[k].header;
      dotted += !d->spans[k].header && d->spans[k].depth == 7;
    }
  tap_eq_int (headers, 5, "one span per header");
  tap_eq_int (dotted, 1, "the dotted key's span has its full path");
  toml_free (d);
}

static void rejects (void)
{
  static const struct {
    const char *text, *msg;
  } bad[] = {
    { "a = 1\na = 2\n", "t.toml:2: duplicate key `a`" },
    { "[t]\n[t]\n", "t.toml:2: table `t` is defined twice" },
    { "[a]\nb.c = 1\n[a.b]\n", "t.toml:3: table `b` is defined twice" },
    { "a = {x = 1}\n[a.y]\n", "t.toml:2: `a` is a value, not a table" },
    { "s = \"open\n", "t.toml:1: newline in a single-line string" },
    { "a = 1 b = 2\n", "t.toml:1: unexpected text after the statement" },
    { "a = 01\n", "t.toml:1: leading zero in `01`" },
    { "a = [1 2]\n", "t.toml:1: expected `,` or `]` in an array" },
    { "[a\n", "t.toml:1: expected `]` to close the table header" },
    { "a = nope\n", "t.toml:1: unknown value `nope`" },
    { "[[x]]\n[x]\n", "t.toml:2: `x` is an array of tables, not a table" },
  };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
    {
      char *msg = NULL;
      struct toml_doc *d = parse (bad[k].text, &msg);
      tap_ok (d == NULL, "rejected: %s", bad[k].msg);
      tap_eq_str (msg, bad[k].msg, "error names file and line");
      toml_free (d);
      free (msg);
    }
}

static int edit (const char *text, bool template, bool install, char **out)
{
  size_t n;
  struct rw_error *err = NULL;
  *out = NULL;
  int r = node_containerd_edit (text, strlen (text), "config.toml", template, 2, "runwasm", "/usr/local/bin/runwasm",
                                NULL, install, out, &n, &err);
  if (err)
    printf ("# %s\n", err->msg);
  rw_error_free (&err);
  return r;
}

static void containerd_edit (void)
{
  const char *orig = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
                     "  SystemdCgroup = true\n";
  char *once, *twice, *back;
  tap_eq_int (edit (orig, false, true, &once), 1, "install changes a config without the handler");
  tap_ok (once && strncmp (once, orig, strlen (orig)) == 0, "the original text stays as it was");
  tap_ok (once && strstr (once, "  SystemdCgroup = true\n\n# Runtime handler"), "handler appended after a blank line");
  tap_ok (once && strstr (once, "options]\n  BinaryName = \"/usr/local/bin/runwasm\"\n  SystemdCgroup = true\n"),
          "the handler's SystemdCgroup is runc's");
  tap_eq_int (edit (once, false, true, &twice), 0, "a second install changes nothing");
  tap_eq_int (edit (once, false, false, &back), 1, "uninstall removes it");
  tap_eq_str (back, orig, "uninstall gives back the original bytes");
  free (twice);
  free (back);

  /* The same tables with other quoting: present. */
  char *requoted = strdup (once), *p;
  while ((p = strstr (requoted, "\"io.containerd.grpc.v1.cri\"")))
    p[0] = p[26] = '\'';
  tap_eq_int (edit (requoted, false, true, &twice), 0, "the handler spelled with single quotes counts as present");
  free (twice);
  free (requoted);
  free (once);

  /* Version 1 and 3 tables. */
  tap_eq_int (edit ("[plugins.cri.containerd]\n", false, true, &once), 1, "version 1 (no `version`)");
  tap_ok (once && strstr (once, "[plugins.cri.containerd.runtimes.runwasm]\n"), "version-1 table name");
  free (once);
  tap_eq_int (edit ("version = 3\n", false, true, &once), 1, "version 3");
  tap_ok (once && strstr (once, "[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runwasm]\n"),
          "version-3 table name");
  free (once);
  tap_eq_int (edit ("version = 4\n", false, true, &once), -1, "an unknown version is an error");

  /* A stale handler defined with dotted keys is cut out, not duplicated. */
  const char *dotted = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n"
                       "runtimes.runwasm.runtime_type = \"io.containerd.runc.v1\"\nsnapshotter = \"overlayfs\"\n";
  tap_eq_int (edit (dotted, false, true, &once), 1, "a dotted-key handler is replaced");
  tap_ok (once && !strstr (once, "runc.v1") && strstr (once, "snapshotter = \"overlayfs\"\n"), "its line goes, the rest stays");
  free (once);
  /* An old handler in the middle: only its own lines go; the comment after it stays. */
  const char *middle = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runwasm]\n"
                       "  runtime_type = \"io.containerd.runc.v1\"\n\n# registry settings\n\n"
                       "[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/certs.d\"\n";
  tap_eq_int (edit (middle, false, true, &once), 1, "a handler in the middle of the file is replaced");
  tap_ok (once && strstr (once, "version = 2\n\n# registry settings\n\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n"),
          "the comment and table after it stay");
  free (once);
  /* An inline parent table cannot take a sub-table: a clear error, not a broken file. */
  tap_eq_int (edit ("version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\nruntimes = { runc = {} }\n", false, true,
                    &once),
              -1, "an inline runtimes table is refused");

  /* A k3s template: actions kept byte for byte. */
  const char *tmpl = "{{ template \"base\" . }}\n";
  tap_eq_int (edit (tmpl, true, true, &once), 1, "a base template gets the handler");
  tap_ok (once && strstr (once, "  SystemdCgroup = {{ .SystemdCgroup }}\n"), "SystemdCgroup follows k3s' variable");
  tap_eq_int (edit (once, true, true, &twice), 0, "a second install on the template changes nothing");
  free (twice);
  tap_eq_int (edit (once, true, false, &back), 1, "uninstall from the template");
  tap_eq_str (back, tmpl, "leaves the base template alone");
  free (back);
  free (once);

  /* A full template of the kind k3s ships: actions in headers, strings, arrays, lines. */
  const char *full = "version = 2\n"
                     "[plugins.\"io.containerd.grpc.v1.cri\"]\n"
                     "  sandbox_image = \"{{ .NodeConfig.AgentConfig.PauseImage }}\"\n"
                     "{{ if .PrivateRegistryConfig.Mirrors }}\n"
                     "[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors]{{end}}\n"
                     "{{range $k, $v := .PrivateRegistryConfig.Mirrors }}\n"
                     "[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"{{$k}}\"]\n"
                     "  endpoint = [{{range $i, $j := $v.Endpoints}}{{if $i}}, {{end}}{{printf \"%q\" .}}{{end}}]\n"
                     "{{end}}\n"
                     "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
                     "  SystemdCgroup = {{ .SystemdCgroup }}\n";
  tap_eq_int (edit (full, true, true, &once), 1, "a k3s-style template with actions everywhere is edited");
  tap_ok (once && strncmp (once, full, strlen (full)) == 0, "its text is kept byte for byte");
  tap_ok (once && strstr (once, "runwasm.options]\n  BinaryName = \"/usr/local/bin/runwasm\"\n  SystemdCgroup = {{ .SystemdCgroup }}\n"),
          "the handler copies runc's template expression");
  tap_eq_int (edit (once, true, true, &twice), 0, "and a second run changes nothing");
  free (twice);
  free (once);
}

int main (void)
{
  values ();
  keys_and_tables ();
  rejects ();
  containerd_edit ();
  return tap_done ();
}
