#!/usr/bin/python3
"""Test-only reference Wasm runtime, `create` step: decides from config.json whether the
container is Wasm by the rules runwasm implements (docs/wasm-in-5-minutes.md) and, if so,
rewrites config.json so runc starts node's WASI on the module instead (the host's /usr is
bound read-only at /.refwasm/usr). Prints "wasm" or "native".

  classify.py BUNDLE RUNNER_DIR
"""
import json
import os
import sys

bundle, runner = sys.argv[1], sys.argv[2]
path = os.path.join(bundle, "config.json")
with open(path) as f:
    cfg = json.load(f)
ann = cfg.get("annotations") or {}
args = cfg["process"]["args"]
root = cfg["root"]["path"]
if not os.path.isabs(root):
    root = os.path.join(bundle, root)


def entry_is_wasm():
    exe = args[0]
    if not exe.startswith("/"):
        for d in ("/usr/local/bin", "/usr/bin", "/bin"):
            if os.path.exists(os.path.join(root, d.lstrip("/"), exe)):
                exe = os.path.join(d, exe)
                break
    try:
        with open(os.path.join(root, exe.lstrip("/")), "rb") as f:
            return f.read(4) == b"\0asm"
    except OSError:
        return False


handler = ann.get("run.oci.handler", "")
variant = ann.get("module.wasm.image/variant", "")
if ann.get("io.kubernetes.cri.container-type") == "sandbox":
    wasm = False
elif handler == "wasm" or variant == "compat":
    wasm = True
elif handler == "wasm-smart" or variant == "compat-smart":
    wasm = entry_is_wasm()
else:
    wasm = False

if wasm:
    cfg["process"]["args"] = ["/.refwasm/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "--library-path",
                              "/.refwasm/usr/lib/x86_64-linux-gnu",
                              "/.refwasm/usr/bin/node", "--no-warnings", "/.refwasm/run/run-wasi.mjs"] + args
    cfg.setdefault("mounts", []).extend([
        {"destination": "/.refwasm/usr", "type": "bind", "source": "/usr",
         "options": ["rbind", "ro"]},
        {"destination": "/.refwasm/run", "type": "bind", "source": runner,
         "options": ["rbind", "ro"]},
    ])
    with open(path, "w") as f:
        json.dump(cfg, f)
print("wasm" if wasm else "native")
