#!/usr/bin/python3
"""Checks of the shipped configuration that need a parser (python3-yaml, tomllib).

  check_docs.py k8s DOCS_KUBERNETES_DIR        every manifest: kinds, apiVersions, cross-refs
  check_docs.py crio CRIO_DROPIN               the handler table of a crio.conf.d file
  check_docs.py containerd-handler TOML NAME [BINARY]   the handler in a containerd config
  check_docs.py same-handler TOML_A NAME_A TOML_B NAME_B   both handlers pass the same annotations

Prints what it checked; exits 1 with the reason on the first mismatch.
"""
import glob
import os
import re
import sys
import tomllib

WASM_ANNOTATIONS = {"module.wasm.image/variant", "run.oci.handler"}
LOCAL_IMAGES = {"localhost/hello-wasm:latest": "docs/wasm-in-5-minutes.md",
                "localhost/wasm-ticker:latest": "examples/wasm-ticker/Containerfile"}
CRIO_KNOWN = {"module.wasm.image/variant", "run.oci.", "io.kubernetes.cri.container-type"}
HANDLER = "runwasm"


def fail(msg):
    print("FAIL " + msg)
    sys.exit(1)


def need(cond, msg):
    if not cond:
        fail(msg)


def load_yaml_docs(path):
    import yaml
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def pod_spec(doc):
    if doc["kind"] == "Pod":
        return doc["metadata"], doc["spec"]
    tmpl = doc["spec"]["template"]
    return tmpl["metadata"], tmpl["spec"]


def check_k8s(root):
    expected_api = {"RuntimeClass": "node.k8s.io/v1", "Pod": "v1", "Deployment": "apps/v1",
                    "DaemonSet": "apps/v1", "Namespace": "v1", "Cluster": "kind.x-k8s.io/v1alpha4"}
    docs = {}
    for path in sorted(glob.glob(os.path.join(root, "**", "*.yaml"), recursive=True)):
        for d in load_yaml_docs(path):
            kind = d.get("kind")
            need(kind in expected_api, "%s: unexpected kind %r" % (path, kind))
            need(d.get("apiVersion") == expected_api[kind],
                 "%s: %s has apiVersion %r, want %r" % (path, kind, d.get("apiVersion"),
                                                       expected_api[kind]))
            docs.setdefault(kind, []).append((os.path.relpath(path, root), d))
            print("%s: %s %s" % (os.path.relpath(path, root), d["apiVersion"], kind))
    for kind in ("RuntimeClass", "Pod", "Deployment", "DaemonSet", "Cluster"):
        need(kind in docs, "no %s manifest" % kind)

    (_, rc), = docs["RuntimeClass"]
    need(rc["handler"] == HANDLER, "RuntimeClass handler is %r" % rc["handler"])
    rc_name = rc["metadata"]["name"]
    node_label = rc["scheduling"]["nodeSelector"]

    for kind in ("Pod", "Deployment"):
        for path, d in docs[kind]:
            meta, spec = pod_spec(d)
            need(spec.get("runtimeClassName") == rc_name,
                 "%s: runtimeClassName %r, RuntimeClass is %r" % (path, spec.get("runtimeClassName"), rc_name))
            variant = (meta.get("annotations") or {}).get("module.wasm.image/variant")
            need(variant in ("compat", "compat-smart"), "%s: no Wasm annotation on the pod" % path)
            for c in spec["containers"]:
                image = c.get("image")
                need(image, "%s: container %s has no image" % (path, c.get("name")))
                # A local image must be one a doc says how to build.
                if image.startswith("localhost/"):
                    builder = LOCAL_IMAGES.get(image)
                    need(builder, "%s: no doc builds %s" % (path, image))
                    with open(os.path.join(root, "..", "..", builder)) as f:
                        need(image in f.read(), "%s does not build %s" % (builder, image))
            if kind == "Deployment":
                need(variant == "compat-smart", "%s: a pod with a native sidecar needs compat-smart" % path)
                need(len(spec["containers"]) >= 2, "%s: no sidecar" % path)
                sel = d["spec"]["selector"]["matchLabels"]
                labels = meta.get("labels") or {}
                need(all(labels.get(k) == v for k, v in sel.items()),
                     "%s: selector does not match the template labels" % path)

    (path, ds), = docs["DaemonSet"]
    meta, spec = pod_spec(ds)
    need(spec.get("hostPID") is True, "%s: hostPID needed to restart the node's runtime" % path)
    need(spec.get("nodeSelector") == node_label,
         "%s: nodeSelector %r differs from the RuntimeClass's %r" % (path, spec.get("nodeSelector"), node_label))
    init = spec["initContainers"][0]
    need(init["securityContext"].get("privileged") is True, "%s: installer not privileged" % path)
    vols = {v["name"]: v for v in spec["volumes"]}
    mounts = {m["name"]: m["mountPath"] for m in init["volumeMounts"]}
    # `command` replaces the image's entrypoint (`args` would be appended to it).
    need("args" not in init, "%s: installer `args` would follow the image's entrypoint" % path)
    args = init.get("command", [])
    need(args[:3] == ["/runwasm", "node", "install"], "%s: installer command %r" % (path, args))
    need("--host-root" in args and "--enter-node" in args, "%s: no --host-root/--enter-node in %r" % (path, args))
    host_root = args[args.index("--host-root") + 1]
    need(any(v.get("hostPath", {}).get("path") == "/" and mounts.get(n) == host_root
             for n, v in vols.items()), "%s: node root not mounted at --host-root %s" % (path, host_root))
    # The image `make installer-image` builds (localhost/runwasm-node-installer:VERSION).
    with open(os.path.join(root, "..", "..", "src", "cli", "cli.h")) as f:
        version = re.search(r'#define RUNWASM_VERSION "([^"]+)"', f.read()).group(1)
    need(init["image"] == "localhost/runwasm-node-installer:" + version,
         "%s: installer image %r is not the one make installer-image builds" % (path, init["image"]))

    (path, kind_cfg), = docs["Cluster"]
    labels = kind_cfg["nodes"][0].get("labels") or {}
    need(all(labels.get(k) == v for k, v in node_label.items()),
         "%s: node not labelled for the RuntimeClass" % path)
    print("cross-references: handler, runtimeClassName, node labels, annotations agree")


def handler_table(conf, name):
    runtimes = conf.get("plugins", {}).get("io.containerd.grpc.v1.cri", {}) \
        .get("containerd", {}).get("runtimes", {})
    need(name in runtimes, "no runtimes.%s in the CRI plugin config" % name)
    return runtimes[name]


def check_containerd_handler(path, name, binary=None):
    with open(path, "rb") as f:
        h = handler_table(tomllib.load(f), name)
    need(h.get("runtime_type") == "io.containerd.runc.v2", "runtime_type %r" % h.get("runtime_type"))
    need(WASM_ANNOTATIONS <= set(h.get("pod_annotations", [])), "pod_annotations %r" % h.get("pod_annotations"))
    need(WASM_ANNOTATIONS <= set(h.get("container_annotations", [])),
         "container_annotations %r" % h.get("container_annotations"))
    if binary:
        need(h.get("options", {}).get("BinaryName") == binary,
             "BinaryName %r, want %r" % (h.get("options", {}).get("BinaryName"), binary))
    print("%s: runtimes.%s ok: %r" % (path, name, h))


def check_same_handler(a, name_a, b, name_b):
    tables = []
    for path, name in ((a, name_a), (b, name_b)):
        with open(path, "rb") as f:
            tables.append(handler_table(tomllib.load(f), name))
    for key in ("runtime_type", "pod_annotations", "container_annotations"):
        need(tables[0].get(key) == tables[1].get(key),
             "%s differs: %r vs %r" % (key, tables[0].get(key), tables[1].get(key)))
    print("handlers agree on runtime_type and annotation allow-lists")


def check_crio(path):
    with open(path, "rb") as f:
        conf = tomllib.load(f)
    rt = conf.get("crio", {}).get("runtime", {}).get("runtimes", {}).get(HANDLER)
    need(rt is not None, "no [crio.runtime.runtimes.%s]" % HANDLER)
    need(rt.get("runtime_type") == "oci", "runtime_type %r" % rt.get("runtime_type"))
    need(os.path.isabs(rt.get("runtime_path", "")), "runtime_path %r" % rt.get("runtime_path"))
    # CRI-O refuses to start on an entry it does not list itself (pkg/annotations
    # AllAllowedAnnotations): the Wasm ones are the variant and the prefix run.oci.
    allowed = set(rt.get("allowed_annotations", []))
    need({"module.wasm.image/variant", "run.oci."} <= allowed, "allowed_annotations %r" % sorted(allowed))
    need(allowed <= CRIO_KNOWN, "CRI-O refuses allowed_annotations %r" % sorted(allowed - CRIO_KNOWN))
    print("%s: %r" % (path, rt))


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "k8s":
        check_k8s(argv[2])
    elif cmd == "crio":
        check_crio(argv[2])
    elif cmd == "containerd-handler":
        check_containerd_handler(argv[2], argv[3], argv[4] if len(argv) > 4 else None)
    elif cmd == "same-handler":
        check_same_handler(*argv[2:6])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
