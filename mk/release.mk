# Release artefacts.
#   make static         build/static/runwasm: linked fully statically (glibc, json-c, libseccomp,
#                       libcap; Debian's -dev packages ship the .a files), so one binary runs on
#                       any x86-64 node whatever its libc: Ubuntu 20.04, RHEL 8, Amazon Linux 2,
#                       Flatcar, kind and k3s node images.
#   make installer-image  the node installer image (FROM scratch + the static binary), built
#                       with buildah and saved as build/runwasm-node-installer.oci.tar.
#   make release        build/runwasm-VERSION-ARCH.tar.gz: the static binary, the man page, the
#                       containerd/CRI-O configs, the Kubernetes manifests and the installer
#                       image archive.
VERSION         := $(shell sed -n 's/^\#define RUNWASM_VERSION "\(.*\)"/\1/p' src/cli/cli.h)
ARCH            := $(shell uname -m)
STATIC_LDLIBS   := $(shell pkg-config --static --libs json-c libseccomp libcap 2>/dev/null || echo -ljson-c -lseccomp -lcap) -lm -lpthread
INSTALLER_IMAGE ?= localhost/runwasm-node-installer:$(VERSION)
RELEASE_NAME    := runwasm-$(VERSION)-$(ARCH)
RELEASE_DIR     := $(BUILD)/release/$(RELEASE_NAME)

.PHONY: static installer-image release
static: $(BUILD)/static/runwasm

# The same objects as build/runwasm; only the link differs. glibc warns that getpwuid needs
# its NSS modules at run time: without them `runwasm list` shows numeric owners.
$(BUILD)/static/runwasm: $(call obj,src/cli/main.c) $(BUILD)/libruntime.a $(BUILD)/libwasi.a $(BUILD)/libwat.a $(BUILD)/libwasm.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -static -o $@.new $^ $(STATIC_LDLIBS) 2>$@.log || { cat $@.log; exit 1; }
	@grep -v 'getpwuid\|in function .owner_name' $@.log || true
	@rm -f $@.log && mv $@.new $@

installer-image: $(BUILD)/runwasm-node-installer.oci.tar
$(BUILD)/runwasm-node-installer.oci.tar: $(BUILD)/static/runwasm docs/kubernetes/node-installer/Containerfile
	buildah build --quiet --layers=false -t $(INSTALLER_IMAGE) -f docs/kubernetes/node-installer/Containerfile .
	rm -f $@ && buildah push --quiet $(INSTALLER_IMAGE) oci-archive:$@:$(INSTALLER_IMAGE)

release: $(BUILD)/$(RELEASE_NAME).tar.gz
$(BUILD)/$(RELEASE_NAME).tar.gz: $(BUILD)/static/runwasm $(BUILD)/runwasm-node-installer.oci.tar docs/runwasm.8
	rm -rf $(RELEASE_DIR) && mkdir -p $(RELEASE_DIR)/bin $(RELEASE_DIR)/man/man8 $(RELEASE_DIR)/containerd $(RELEASE_DIR)/crio $(RELEASE_DIR)/kubernetes
	install -m 0755 $(BUILD)/static/runwasm $(RELEASE_DIR)/bin/runwasm
	install -m 0644 docs/runwasm.8 $(RELEASE_DIR)/man/man8/
	install -m 0644 docs/containerd/config.toml $(RELEASE_DIR)/containerd/
	install -m 0644 docs/crio/crio.conf.d/10-runwasm.conf $(RELEASE_DIR)/crio/
	install -m 0644 docs/kubernetes/*.yaml docs/kubernetes/node-installer/daemonset.yaml $(RELEASE_DIR)/kubernetes/
	install -m 0644 $(BUILD)/runwasm-node-installer.oci.tar $(RELEASE_DIR)/
	install -m 0644 docs/kubernetes/README.md $(RELEASE_DIR)/README-kubernetes.md
	tar -C $(BUILD)/release --owner=0 --group=0 --sort=name -czf $@ $(RELEASE_NAME)
	@echo "$@"
