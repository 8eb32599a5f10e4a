# wlcr: checkpoint and restore Wayland apps with CRIU.
#
#   make                 build/bin/wlcr-proxy, build/bin/wlcr, build/lib/criu/wayland_plugin.so
#   make check           every test suite (unit, fuzz corpus, end-to-end, ZDTM-style)
#   make install         programs, man pages, and the plugin into CRIU's default plugin dir
#   make fuzz            run the libFuzzer target (FUZZ_RUNS, FUZZ_SECONDS)
#   make fuzz-restore    the same for the restore target (test/fuzz/fuzz_restore.c)
#   make bench           proxied vs direct benchmarks against headless weston
#                        (and builds what bench/criu-precopy checkpoints)
#   make format-check    clang-format on every hand-written source
#
# One non-recursive Makefile: generated code goes to $(B)/gen, objects to $(B)/obj.
# B=build/asan SANITIZE=1 gives the AddressSanitizer/UBSan variant used by make check.

B	?= build
PREFIX	?= /usr/local
DESTDIR	?=
# The plugin must be compiled against the criu-plugin.h of the criu that loads
# it (scripts/setup installs CRIU under /usr/local); a CRIU built from source
# still searches /usr/lib/criu by default.
CRIU_INCLUDE ?= $(firstword $(wildcard /usr/local/include/criu /usr/include/criu))
CRIU_PLUGINDIR ?= /usr/lib/criu

CC	?= cc
PKG_CONFIG ?= pkg-config
WARN	:= -Wall -Wextra -Werror -Wundef -Wmissing-prototypes -Wstrict-prototypes \
	   -Wshadow -Wformat=2 -Wvla
CFLAGS	?= -O2 -g
CPPFLAGS_ALL := -std=c11 -D_GNU_SOURCE -fPIC -MMD -MP -Icommon -Ihelper -I$(B)/gen
ifeq ($(SANITIZE),1)
CFLAGS	+= -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS	+= -fsanitize=address,undefined
endif

PROTO_PKGS := libprotobuf-c
# expat: protocol XML read at start-up (helper/protoload.c)
PROXY_PKGS := libprotobuf-c pixman-1 expat
# gnutls: the migration channel's mutual TLS and wlcr keygen
CLI_PKGS   := libprotobuf-c gnutls
PLUGIN_PKGS := libprotobuf-c libnl-3.0
pc_cflags = $(shell $(PKG_CONFIG) --cflags $(1))
pc_libs = $(shell $(PKG_CONFIG) --libs $(1))

WAYLAND_XML := $(shell $(PKG_CONFIG) --variable=pkgdatadir wayland-scanner)/wayland.xml
WP := $(shell $(PKG_CONFIG) --variable=pkgdatadir wayland-protocols)
# plasma-wayland-protocols (KDE's server-side decoration) has no .pc file
PLASMA_WP ?= /usr/share/plasma-wayland-protocols
# Every protocol the proxy can parse and journal. Order does not matter.
PROTOCOL_XML := $(WAYLAND_XML) \
	$(WP)/stable/xdg-shell/xdg-shell.xml \
	$(WP)/stable/viewporter/viewporter.xml \
	$(WP)/stable/presentation-time/presentation-time.xml \
	$(WP)/unstable/xdg-decoration/xdg-decoration-unstable-v1.xml \
	$(WP)/unstable/xdg-output/xdg-output-unstable-v1.xml \
	$(WP)/unstable/primary-selection/primary-selection-unstable-v1.xml \
	$(WP)/unstable/text-input/text-input-unstable-v3.xml \
	$(WP)/unstable/pointer-constraints/pointer-constraints-unstable-v1.xml \
	$(WP)/unstable/relative-pointer/relative-pointer-unstable-v1.xml \
	$(WP)/unstable/idle-inhibit/idle-inhibit-unstable-v1.xml \
	$(WP)/unstable/linux-dmabuf/linux-dmabuf-unstable-v1.xml \
	$(WP)/staging/fractional-scale/fractional-scale-v1.xml \
	$(WP)/staging/xdg-activation/xdg-activation-v1.xml \
	$(WP)/staging/single-pixel-buffer/single-pixel-buffer-v1.xml \
	$(WP)/unstable/tablet/tablet-unstable-v2.xml \
	$(WP)/unstable/pointer-gestures/pointer-gestures-unstable-v1.xml \
	$(WP)/unstable/xdg-foreign/xdg-foreign-unstable-v1.xml \
	$(WP)/unstable/xdg-foreign/xdg-foreign-unstable-v2.xml \
	$(WP)/unstable/keyboard-shortcuts-inhibit/keyboard-shortcuts-inhibit-unstable-v1.xml \
	$(WP)/staging/content-type/content-type-v1.xml \
	$(WP)/staging/tearing-control/tearing-control-v1.xml \
	$(WP)/staging/ext-idle-notify/ext-idle-notify-v1.xml \
	$(PLASMA_WP)/server-decoration.xml \
	$(wildcard protocol/*.xml)

COMMON_SRC := $(wildcard common/*.c)
HELPER_SRC := $(filter-out helper/main.c,$(wildcard helper/*.c))
CLI_SRC    := $(wildcard cli/*.c)
PLUGIN_SRC := $(wildcard plugin/*.c)

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))
GEN_PROTO_O := $(B)/obj/gen/protocols.o
GEN_PB_O    := $(B)/obj/gen/wlcr.pb-c.o
GEN_MIG_O   := $(B)/obj/gen/migrate.pb-c.o
COMMON_O := $(call obj,$(COMMON_SRC)) $(GEN_PB_O)
HELPER_O := $(call obj,$(HELPER_SRC)) $(GEN_PROTO_O)

PROXY   := $(B)/bin/wlcr-proxy
CLI     := $(B)/bin/wlcr
PLUGIN  := $(B)/lib/criu/wayland_plugin.so
PROTOGEN := $(B)/tools/wlcr-protogen

all: $(PROXY) $(CLI) $(PLUGIN)

.PHONY: all check install uninstall fuzz fuzz-restore bench format format-check clean man
.SUFFIXES:
.DELETE_ON_ERROR:
# keep intermediate objects: a second make rebuilds nothing
.SECONDARY:

# ---- generated code --------------------------------------------------------

# the XML parser is the proxy's own (helper/protoxml.c), which reads
# protocol XML at start-up too
$(PROTOGEN): helper/protogen/protogen.c helper/protoxml.c helper/protoxml.h helper/protocol.h
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE -Ihelper $(WARN) -O1 -g \
		-o $@ helper/protogen/protogen.c helper/protoxml.c $(call pc_libs,expat)

$(B)/gen/protocols.c $(B)/gen/protocols.h &: $(PROTOGEN) $(PROTOCOL_XML)
	@mkdir -p $(@D)
	$(PROTOGEN) $(B)/gen/protocols.c $(B)/gen/protocols.h $(PROTOCOL_XML)

$(B)/gen/%.pb-c.c $(B)/gen/%.pb-c.h &: proto/%.proto
	@mkdir -p $(@D)
	protoc-c --proto_path=proto --c_out=$(B)/gen $<

GENERATED_H := $(B)/gen/protocols.h $(B)/gen/wlcr.pb-c.h $(B)/gen/migrate.pb-c.h

# ---- objects ---------------------------------------------------------------

$(B)/obj/gen/%.o: $(B)/gen/%.c $(GENERATED_H)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(WARN) $(CFLAGS) $(call pc_cflags,$(PROTO_PKGS)) -c -o $@ $<

$(B)/obj/plugin/%.o: plugin/%.c $(GENERATED_H)
	@mkdir -p $(@D)
	@test -n "$(CRIU_INCLUDE)" || { echo "criu-plugin.h not found: run scripts/setup (or set CRIU_INCLUDE)"; exit 1; }
	$(CC) $(CPPFLAGS_ALL) -isystem $(CRIU_INCLUDE) -fvisibility=hidden $(WARN) $(CFLAGS) \
		$(call pc_cflags,$(PLUGIN_PKGS)) -c -o $@ $<

$(B)/obj/cli/%.o: cli/%.c $(GENERATED_H)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(WARN) $(CFLAGS) $(call pc_cflags,$(CLI_PKGS)) -c -o $@ $<

$(B)/obj/%.o: %.c $(GENERATED_H)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(WARN) $(CFLAGS) $(call pc_cflags,$(PROXY_PKGS)) -c -o $@ $<

# where the build found wayland-protocols: the proxy reads the XML there too
$(B)/obj/helper/protoload.o: CPPFLAGS_ALL += -DWLCR_WP_DIR='"$(WP)"'

# ---- programs --------------------------------------------------------------

$(PROXY): $(call obj,helper/main.c) $(HELPER_O) $(COMMON_O)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(call pc_libs,$(PROXY_PKGS))

$(CLI): $(call obj,$(CLI_SRC)) $(COMMON_O) $(GEN_PROTO_O) $(GEN_MIG_O)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(call pc_libs,$(CLI_PKGS)) -lm

# Only CR_PLUGIN_DESC is exported: criu is linked -rdynamic and would
# otherwise resolve its own symbols against ours.
$(PLUGIN): $(call obj,$(PLUGIN_SRC)) $(COMMON_O) plugin/exports.map
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -shared -Wl,--version-script=plugin/exports.map -o $@ \
		$(filter %.o,$^) $(call pc_libs,$(PLUGIN_PKGS))

include test/tests.mk

# ---- install ---------------------------------------------------------------

MAN_SCD := $(wildcard man/*.scd)
MAN_OUT := $(patsubst man/%.scd,$(B)/man/%,$(MAN_SCD))
man: $(MAN_OUT)
$(B)/man/%: man/%.scd
	@mkdir -p $(@D)
	scdoc < $< > $@

install: all man
	install -Dm755 $(PROXY) $(DESTDIR)$(PREFIX)/bin/wlcr-proxy
	install -Dm755 $(CLI) $(DESTDIR)$(PREFIX)/bin/wlcr
	install -Dm644 $(PLUGIN) $(DESTDIR)$(CRIU_PLUGINDIR)/wayland_plugin.so
	for m in $(MAN_OUT); do \
		s=$${m##*.}; install -Dm644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/$${m##*/}; \
	done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/wlcr-proxy $(DESTDIR)$(PREFIX)/bin/wlcr \
		$(DESTDIR)$(CRIU_PLUGINDIR)/wayland_plugin.so
	for m in $(MAN_OUT); do s=$${m##*.}; rm -f $(DESTDIR)$(PREFIX)/share/man/man$$s/$${m##*/}; done

# ---- style -----------------------------------------------------------------

FORMAT_SRC = $(shell git ls-files "*.c" "*.h" 2>/dev/null)
format:
	clang-format -i $(FORMAT_SRC)
format-check:
	@clang-format --dry-run --Werror $(FORMAT_SRC) && echo "format-check: clean"

clean:
	rm -rf build

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
