"""Checks what `runwasm node install` wrote, by parsing (tomllib), for tests/ecosystem/installer.sh.

  dump-diff BEFORE AFTER HANDLER BINARY SYSTEMD
      two `containerd config dump` outputs: AFTER has runtimes.HANDLER (runc.v2, the Wasm
      annotation allow-lists, BinaryName BINARY, SystemdCgroup SYSTEMD: true/false) and is
      otherwise identical to BEFORE.
  handler FILE PLUGIN HANDLER BINARY SYSTEMD
      a config file (or a rendered template) has the handler under plugins.PLUGIN.
  template FILE PLUGIN HANDLER BINARY
      a k3s/RKE2 template: Go template actions replaced as k3s would render them
      ({{ .SystemdCgroup }} -> true, whole-line actions dropped), then as `handler`.
  render TEMPLATE BASE OUT
      renders a template the way k3s does for the checks: {{ template "base" . }} -> BASE's text,
      {{ .SystemdCgroup }} -> true.
  crio FILE HANDLER BINARY
      a CRI-O drop-in whose allowed_annotations CRI-O accepts.
"""
import re
import sys
import tomllib

# CRI-O refuses to start when allowed_annotations has an entry not in its own list
# (pkg/annotations AllAllowedAnnotations); these are the ones that select the Wasm handler.
CRIO_KNOWN = {"module.wasm.image/variant", "run.oci.", "io.kubernetes.cri.container-type"}
WASM_ANNOTATIONS = ["module.wasm.image/variant", "run.oci.handler"]


def fail(msg):
    print("FAIL " + msg)
    sys.exit(1)


def load(path):
    with open(path, "rb") as f:
        return tomllib.load(f)


def runtimes(conf, plugin):
    return conf.get("plugins", {}).get(plugin, {}).get("containerd", {}).get("runtimes", {})


def check_handler(h, binary, systemd):
    if h is None:
        fail("no handler table")
    if h.get("runtime_type") != "io.containerd.runc.v2":
        fail("runtime_type %r" % h.get("runtime_type"))
    for key in ("pod_annotations", "container_annotations"):
        if h.get(key) != WASM_ANNOTATIONS:
            fail("%s %r" % (key, h.get(key)))
    opts = h.get("options", {})
    if opts.get("BinaryName") != binary:
        fail("BinaryName %r, want %r" % (opts.get("BinaryName"), binary))
    if systemd is not None and opts.get("SystemdCgroup", False) != (systemd == "true"):
        fail("SystemdCgroup %r, want %s" % (opts.get("SystemdCgroup"), systemd))
    print("handler ok: %r" % h)


def dump_diff(before, after, handler, binary, systemd):
    a, b = load(before), load(after)
    # The dump lists the files it read, the config itself included.
    a.pop("imports", None), b.pop("imports", None)
    plugin = "io.containerd.grpc.v1.cri"
    h = runtimes(b, plugin).pop(handler, None)
    check_handler(h, binary, systemd)
    if a != b:
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                print("differs at %s:\n  before %r\n  after  %r" % (key, a.get(key), b.get(key)))
        fail("the dump changed outside runtimes.%s" % handler)
    print("nothing else in the dump changed")


def render(text, base):
    text = text.replace('{{ template "base" . }}', base)
    text = text.replace("{{ .SystemdCgroup }}", "true")
    return "\n".join(l for l in text.split("\n") if not re.fullmatch(r"\s*\{\{.*\}\}\s*", l)) + "\n"


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "dump-diff":
        dump_diff(*args)
    elif cmd == "handler":
        path, plugin, handler, binary, systemd = args
        check_handler(runtimes(load(path), plugin).get(handler), binary, systemd)
    elif cmd == "template":
        path, plugin, handler, binary = args
        with open(path) as f:
            text = f.read()
        if "SystemdCgroup = {{ .SystemdCgroup }}" not in text.split("[plugins")[-1]:
            fail("the handler does not follow k3s' SystemdCgroup")
        conf = tomllib.loads(render(text, ""))
        check_handler(runtimes(conf, plugin).get(handler), binary, "true")
    elif cmd == "render":
        tmpl, base, out = args
        with open(tmpl) as f, open(base) as g, open(out, "w") as o:
            o.write(render(f.read(), g.read()))
    elif cmd == "crio":
        path, handler, binary = args
        rt = load(path).get("crio", {}).get("runtime", {}).get("runtimes", {}).get(handler)
        if rt is None:
            fail("no [crio.runtime.runtimes.%s]" % handler)
        if rt.get("runtime_path") != binary or rt.get("runtime_type") != "oci":
            fail("runtime_path/runtime_type %r" % rt)
        allowed = set(rt.get("allowed_annotations", []))
        if not {"module.wasm.image/variant", "run.oci."} <= allowed:
            fail("allowed_annotations %r do not pass the Wasm annotations" % sorted(allowed))
        unknown = allowed - CRIO_KNOWN
        if unknown:
            fail("CRI-O refuses allowed_annotations %r (it knows %r)" % (sorted(unknown), sorted(CRIO_KNOWN)))
        print("crio ok: %r" % rt)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
