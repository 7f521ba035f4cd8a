# Builds the test images without any registry: buildah into the private podman storage, then
# skopeo exports them as OCI archives for containerd. Images (all tagged :latest):
#   localhost/eco-busybox  static busybox and its applet links, CMD /bin/sh
#   localhost/eco-wasm     FROM scratch + hello.wasm, annotation module.wasm.image/variant=compat,
#                          platform wasi/wasm (docs/podman/Containerfile.wasm, built as shipped)
#   localhost/eco-mixed    busybox + /hello.wasm, no annotation (handler chosen per container)
#   localhost/eco-pause    a static pause program: the CRI pod sandbox image

# eco_podman_env: private containers.conf + storage.conf for podman, buildah and skopeo.
eco_podman_env() {
  local p="$ECO_T/podman"
  mkdir -p "$p/networks"
  cat >"$p/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$p/storage"
runroot = "$p/run"
EOF
  # The host quirks (see docs/podman/README.md): no CAP_SYS_RESOURCE, PID 1 is not systemd.
  cat >"$p/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
netns = "none"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
lock_type = "file"
tmp_dir = "$p/tmp"
runtime = "$RT_NAME"
runtime_supports_json = ["$RT_NAME"]

[engine.runtimes]
$RT_NAME = ["$WRAPPER"]

[network]
network_config_dir = "$p/networks"
EOF
  export CONTAINERS_CONF="$p/containers.conf" CONTAINERS_STORAGE_CONF="$p/storage.conf"
  export CONTAINERS_REGISTRIES_CONF="$p/registries.conf"
  printf 'unqualified-search-registries = []\n' >"$p/registries.conf"
  # Containers get their cgroups below this private parent, removed at the end.
  PODMAN_CG="/$ECO_ID"
}

# eco_build_images_isolated: eco_build_images in a private mount namespace where a private
# directory hides /var/lib/containers/cache, so buildah's and skopeo's blob-info cache (which
# has no option of its own) does not land on the host.
eco_build_images_isolated() {
  local c=/var/lib/containers/cache
  if [ ! -d $c ]; then
    [ -d /var/lib/containers ] || eco_on_exit 'rmdir /var/lib/containers'
    eco_on_exit "rmdir $c"
    mkdir -p $c
  fi
  mkdir -p "$ECO_T/image-cache"
  ECO_T=$ECO_T RT_NAME=$RT_NAME WRAPPER=$WRAPPER unshare -m --propagation private bash -c '
    mount --bind "$ECO_T/image-cache" /var/lib/containers/cache || exit 1
    source "$1/lib.sh" && source "$1/images.sh" && eco_build_images' eco-images "$ECO_DIR"
}

eco_build_images() {
  local b="$ECO_T/build" a
  mkdir -p "$b/busybox/rootfs/bin" "$b/busybox/rootfs/etc" "$b/busybox/rootfs/tmp" \
           "$b/wasm" "$b/mixed" "$b/pause" "$ECO_T/archives"
  # hello.wasm is compiled here, at test time, from the C source.
  clang-19 --target=wasm32-wasi -O2 "$ECO_DIR/src/hello.c" -o "$b/hello.wasm" || return 1
  gcc -static -O2 -o "$b/pause/pause" "$ECO_DIR/src/pause.c" || return 1

  cp /bin/busybox "$b/busybox/rootfs/bin/busybox"
  for a in $(/bin/busybox --list); do
    [ "$a" = busybox ] || ln -sf busybox "$b/busybox/rootfs/bin/$a"
  done
  echo 'root:x:0:0:root:/:/bin/sh' >"$b/busybox/rootfs/etc/passwd"
  echo 'root:x:0:' >"$b/busybox/rootfs/etc/group"
  printf 'FROM scratch\nCOPY rootfs/ /\nCMD ["/bin/sh"]\n' >"$b/busybox/Containerfile"
  buildah build -q -t localhost/eco-busybox:latest "$b/busybox" || return 1

  # The Wasm compat image is built from the Containerfile the docs ship, with the flags they give.
  cp "$b/hello.wasm" "$b/wasm/hello.wasm"
  buildah build -q --platform wasi/wasm --annotation module.wasm.image/variant=compat \
    -t localhost/eco-wasm:latest -f "$REPO_DIR/docs/podman/Containerfile.wasm" "$b/wasm" || return 1

  cp -a "$b/busybox/rootfs" "$b/mixed/rootfs" && cp "$b/hello.wasm" "$b/mixed/rootfs/hello.wasm"
  printf 'FROM scratch\nCOPY rootfs/ /\nCMD ["/bin/sh"]\n' >"$b/mixed/Containerfile"
  buildah build -q -t localhost/eco-mixed:latest "$b/mixed" || return 1

  printf 'FROM scratch\nCOPY pause /pause\nENTRYPOINT ["/pause"]\n' >"$b/pause/Containerfile"
  buildah build -q -t localhost/eco-pause:latest "$b/pause" || return 1

  for a in busybox wasm mixed pause; do
    skopeo copy -q "containers-storage:localhost/eco-$a:latest" \
      "oci-archive:$ECO_T/archives/eco-$a.tar:localhost/eco-$a:latest" || return 1
  done
  # The other archive format ctr imports (what `docker save` writes), under another name.
  skopeo copy -q containers-storage:localhost/eco-busybox:latest \
    "docker-archive:$ECO_T/archives/eco-busybox-docker.tar:localhost/eco-busybox-docker:latest"
}
