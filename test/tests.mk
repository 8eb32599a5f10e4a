# Test targets, included by the top-level Makefile.
#
# Each unit test binary is built from the test, the harness, and only the
# modules it tests (unit_deps_NAME).

UNIT_TESTS := wire conn ctl objmap registry journal client replay manifest sockdiag planner
unit_deps_wire     := helper/wire.c
unit_deps_conn     := helper/conn.c common/unix.c
unit_deps_ctl      := common/ctl.c common/unix.c
unit_deps_objmap   := helper/objmap.c
unit_deps_registry := helper/registry.c helper/names.c helper/protoload.c helper/protoxml.c \
	common/log.c
unit_deps_manifest := common/image.c
unit_deps_sockdiag := plugin/sockdiag.c common/unix.c
# libraries beyond the proxy's a test's modules need
unit_libs_sockdiag := libnl-3.0
unit_deps_planner  := cli/planner.c cli/wss.c
CLIENT_DEPS := helper/client.c helper/accept.c helper/proxy.c helper/upstream.c \
	helper/takeover.c helper/restore.c helper/names.c helper/journal.c helper/objmap.c \
	helper/wire.c helper/conn.c \
	helper/loop.c helper/registry.c helper/record.c helper/replay.c helper/snapshot.c \
	helper/control.c helper/serials.c helper/foreign.c helper/protoload.c helper/protoxml.c \
	common/log.c common/ctl.c common/unix.c common/proc.c
unit_deps_journal  := $(CLIENT_DEPS) test/unit/session.c
unit_deps_client   := $(CLIENT_DEPS) test/unit/session.c
unit_deps_replay   := $(CLIENT_DEPS) test/unit/session.c test/unit/replay_harness.c

UNIT_BIN := $(patsubst %,$(B)/test/unit/test_%,$(UNIT_TESTS))
FUZZ_REPLAY := $(B)/test/bin/fuzz-replay
FUZZ_RESTORE_REPLAY := $(B)/test/bin/fuzz-restore-replay
PNGCMP := $(B)/test/bin/wlcr-pngcmp
# the pre-copy trace recorder and simulator (bench/), built with the tests so that they
# always compile
WSSTRACE := $(B)/bench/wsstrace
PRECOPY_SIM := $(B)/bench/precopy-sim
TEST_HELPERS = $(PNGCMP) $(HOSTINIT) $(MEMWRITER) $(WSSTRACE) $(PRECOPY_SIM)

.SECONDEXPANSION:
$(B)/test/unit/test_%: $(B)/obj/test/unit/test_%.o $(B)/obj/test/unit/unit.o \
		$$(call obj,$$(unit_deps_$$*)) $(GEN_PROTO_O) $(GEN_PB_O)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(call pc_libs,$(PROXY_PKGS) $(unit_libs_$*)) -lm

$(B)/obj/test/%.o: test/%.c $(GENERATED_H)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) -Itest/unit -Icli $(WARN) $(CFLAGS) $(call pc_cflags,$(PROXY_PKGS) libpng) \
		-c -o $@ $<

FUZZ_DEPS := $(CLIENT_DEPS)
$(FUZZ_REPLAY): $(B)/obj/test/fuzz/fuzz_proxy.o $(B)/obj/test/fuzz/replay_main.o \
		$(call obj,$(FUZZ_DEPS)) $(GEN_PROTO_O) $(GEN_PB_O)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(call pc_libs,$(PROXY_PKGS))

# the restore target drives the unit tests' scripted compositor
FUZZ_RESTORE_DEPS := $(FUZZ_DEPS) test/unit/replay_harness.c test/unit/session.c
$(FUZZ_RESTORE_REPLAY): $(B)/obj/test/fuzz/fuzz_restore.o $(B)/obj/test/fuzz/replay_main.o \
		$(call obj,$(FUZZ_RESTORE_DEPS)) $(GEN_PROTO_O) $(GEN_PB_O)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(call pc_libs,$(PROXY_PKGS))

$(PNGCMP): $(B)/obj/test/lib/pngcmp.o
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(call pc_libs,libpng)

# pid 1 of the migration tests' hosts (test/lib/hosts.sh)
HOSTINIT := $(B)/test/bin/wlcr-hostinit
$(HOSTINIT): test/lib/hostinit.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $<

# a Wayland client holding memory it keeps writing (bench/migrate, e2e/migrate-*)
MEMWRITER := $(B)/test/bin/wlcr-memwriter
$(MEMWRITER): bench/memwriter.c $(WLCLIENT) $(B)/gen/xdg-shell-protocol.c \
		$(B)/gen/xdg-shell-client-protocol.h
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Itest/lib -I$(B)/gen -o $@ bench/memwriter.c \
		test/lib/wlclient.c $(B)/gen/xdg-shell-protocol.c $(call pc_libs,wayland-client)

# ZDTM-style programs, each run by test/zdtm/run.sh through a generated
# wrapper so that each has its own line in the results
ZDTM_NAMES := $(sort $(basename $(notdir $(filter-out test/zdtm/zdtm.c,$(wildcard test/zdtm/*.c)))))
ZDTM_BIN := $(patsubst %,$(B)/test/zdtm/%,$(ZDTM_NAMES))
ZDTM_TESTS := $(patsubst %,$(B)/test/zdtm/%.sh,$(ZDTM_NAMES))
WLCLIENT := test/lib/wlclient.c test/lib/wlclient.h
# the protocols our own test clients speak, through libwayland-client
ZDTM_XML := $(filter-out $(WAYLAND_XML),$(PROTOCOL_XML))
ZDTM_PROTO_H := $(patsubst %.xml,$(B)/gen/%-client-protocol.h,$(notdir $(ZDTM_XML)))
ZDTM_PROTO_C := $(patsubst %.xml,$(B)/gen/%-protocol.c,$(notdir $(ZDTM_XML)))
vpath %.xml $(sort $(dir $(ZDTM_XML)))
$(B)/gen/%-client-protocol.h: %.xml
	@mkdir -p $(@D)
	wayland-scanner client-header $< $@
$(B)/gen/%-protocol.c: %.xml
	@mkdir -p $(@D)
	wayland-scanner private-code $< $@
$(B)/test/zdtm/%: test/zdtm/%.c test/zdtm/zdtm.c test/zdtm/zdtm.h $(WLCLIENT) \
		$(ZDTM_PROTO_C) $(ZDTM_PROTO_H)
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(LDFLAGS) -Itest/zdtm -Itest/lib -I$(B)/gen \
		-o $@ $< test/zdtm/zdtm.c test/lib/wlclient.c $(ZDTM_PROTO_C) \
		$(call pc_libs,wayland-client)
$(B)/test/zdtm/%.sh: | $(B)/test/zdtm/%
	@printf '#!/bin/sh\n# generated: the ZDTM-style test %s\nexec %s/test/zdtm/run.sh %s/%s "$$@"\n' \
		'$*' '$(CURDIR)' '$(CURDIR)' '$(B)/test/zdtm/$*' > $@
	@chmod +x $@

# The application matrix: a row per test/apps/NAME.app, run by test/apps/run.sh
# through a generated wrapper (one line per app in the results).
APP_NAMES := $(sort $(basename $(notdir $(wildcard test/apps/*.app))))
APP_TESTS := $(patsubst %,$(B)/test/apps/%.sh,$(APP_NAMES))
$(B)/test/apps/%.sh: test/apps/%.app test/apps/run.sh
	@mkdir -p $(@D)
	@printf '#!/bin/sh\n# generated: the application matrix row %s\nexec %s/test/apps/run.sh %s/%s "$$@"\n' \
		'$*' '$(CURDIR)' '$(CURDIR)' '$<' > $@
	@chmod +x $@

tests: all $(UNIT_BIN) $(FUZZ_REPLAY) $(FUZZ_RESTORE_REPLAY) $(TEST_HELPERS) $(ZDTM_BIN) $(ZDTM_TESTS) $(APP_TESTS)

# ---- make check ----------------------------------------------------------
#
# The whole suite: unit tests, the fuzz corpus, end-to-end tests on real
# compositors and CRIU, ZDTM-style tests, the tests of the carried CRIU
# patches; then the unit tests, the corpus and the proxy's end-to-end tests
# again under AddressSanitizer/UBSan.
ASAN_B := build/asan
E2E_TESTS := $(sort $(filter-out test/e2e/lib.sh,$(wildcard test/e2e/*.sh)))
# The ZDTM tests of the CRIU patches the project carries, with CRIU's own harness
CRIU_TESTS := $(sort $(filter-out test/criu/lib.sh,$(wildcard test/criu/*.sh)))
E2E_PROXY_TESTS := $(E2E_TESTS)
LIB_TESTS := $(sort $(wildcard test/lib/selftest-*.sh))
# real runtimes (runc, podman, docker) checkpointing and restoring containerized apps; not
# again under ASan: they drive the same proxy code as e2e, through the runtimes' own criu
CONTAINER_TESTS := $(sort $(wildcard test/containers/*.sh))
# live migration between two test hosts (test/lib/hosts.sh); not under ASan: the proxy's part
# is the restore the e2e tests already run there
MIGRATE_TESTS := $(sort $(filter-out test/migrate/lib.sh,$(wildcard test/migrate/*.sh)))

# The proxy's end-to-end tests again with the ASan/UBSan proxy: generated
# wrappers, so that each keeps its own line in the results.
ASAN_E2E := $(patsubst test/e2e/%,$(ASAN_B)/test/e2e/%,$(E2E_PROXY_TESTS))
$(ASAN_B)/test/e2e/%.sh: test/e2e/%.sh
	@mkdir -p $(@D)
	@printf '#!/bin/sh\n# generated: %s with the ASan/UBSan proxy\nWLCR_PROXY=%s/$(ASAN_B)/bin/wlcr-proxy exec %s/%s "$$@"\n' \
		'$<' '$(CURDIR)' '$(CURDIR)' '$<' > $@
	@chmod +x $@

check: tests
	$(MAKE) --no-print-directory B=$(ASAN_B) SANITIZE=1 tests $(ASAN_E2E)
	@WLCR_TOP=$(CURDIR) test/lib/runner \
		--suite style test/style/format-check.sh test/style/man-pages.sh \
		--suite unit $(UNIT_BIN) \
		--suite fuzz-corpus test/fuzz/replay-corpus.sh test/fuzz/restore-corpus.sh \
		--suite lib $(LIB_TESTS) \
		--suite e2e $(E2E_TESTS) \
		$(if $(ZDTM_TESTS),--suite zdtm $(ZDTM_TESTS)) \
		--suite criu $(CRIU_TESTS) \
		$(if $(APP_TESTS),--suite apps $(APP_TESTS)) \
		--suite containers $(CONTAINER_TESTS) \
		--suite migrate $(MIGRATE_TESTS) \
		--suite unit-asan $(patsubst $(B)/%,$(ASAN_B)/%,$(UNIT_BIN)) \
		--suite fuzz-corpus-asan test/fuzz/replay-corpus-asan.sh \
			test/fuzz/restore-corpus-asan.sh \
		$(if $(ASAN_E2E),--suite e2e-asan $(ASAN_E2E))

# ---- fuzzing -------------------------------------------------------------
FUZZ_B := build/fuzz
FUZZ_BIN := $(FUZZ_B)/fuzz_proxy
FUZZ_RUNS ?= 10000000
FUZZ_SECONDS ?= 0
FUZZ_SRC := test/fuzz/fuzz_proxy.c $(FUZZ_DEPS)
$(FUZZ_BIN): $(FUZZ_SRC) $(B)/gen/protocols.c $(GENERATED_H)
	@mkdir -p $(@D)
	clang -std=c11 -D_GNU_SOURCE -g -O1 -Icommon -Ihelper -I$(B)/gen $(WARN) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined $(call pc_cflags,$(PROXY_PKGS)) \
		-o $@ $(FUZZ_SRC) $(B)/gen/protocols.c $(B)/gen/wlcr.pb-c.c \
		$(call pc_libs,$(PROXY_PKGS))

fuzz: $(FUZZ_BIN)
	@mkdir -p $(FUZZ_B)/corpus
	ASAN_OPTIONS=quarantine_size_mb=16:malloc_context_size=4 $(FUZZ_BIN) -runs=$(FUZZ_RUNS) $(if $(filter-out 0,$(FUZZ_SECONDS)),-max_total_time=$(FUZZ_SECONDS)) \
		-max_len=16384 -print_final_stats=1 $(FUZZ_B)/corpus test/fuzz/corpus

# A restored client (test/fuzz/fuzz_restore.c): the replay and what the
# proxy rewrites for a restored app. Seeded by its own corpus and the
# recorded sessions of the first target's.
FUZZ_RESTORE_BIN := $(FUZZ_B)/fuzz_restore
FUZZ_RESTORE_SRC := test/fuzz/fuzz_restore.c $(FUZZ_RESTORE_DEPS)
$(FUZZ_RESTORE_BIN): $(FUZZ_RESTORE_SRC) test/unit/replay_harness.h test/unit/session.h \
		$(B)/gen/protocols.c $(GENERATED_H)
	@mkdir -p $(@D)
	clang -std=c11 -D_GNU_SOURCE -g -O1 -Icommon -Ihelper -Itest/unit -I$(B)/gen $(WARN) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined $(call pc_cflags,$(PROXY_PKGS)) \
		-o $@ $(FUZZ_RESTORE_SRC) $(B)/gen/protocols.c $(B)/gen/wlcr.pb-c.c \
		$(call pc_libs,$(PROXY_PKGS))

fuzz-restore: $(FUZZ_RESTORE_BIN)
	@mkdir -p $(FUZZ_B)/corpus-restore
	ASAN_OPTIONS=quarantine_size_mb=16:malloc_context_size=4 $(FUZZ_RESTORE_BIN) -runs=$(FUZZ_RUNS) $(if $(filter-out 0,$(FUZZ_SECONDS)),-max_total_time=$(FUZZ_SECONDS)) \
		-max_len=16384 -timeout=10 -print_final_stats=1 -dict=test/fuzz/restore.dict \
		$(FUZZ_B)/corpus-restore test/fuzz/corpus-restore test/fuzz/corpus

# The README's first command ends here: the demo on a private headless weston.
demo: all $(PNGCMP)
	scripts/demo

.PHONY: tests demo

# ---- benchmarks -----------------------------------------------------------
WLBENCH := $(B)/bench/wlbench
$(WLBENCH): bench/wlbench.c $(WLCLIENT) $(B)/gen/xdg-shell-protocol.c \
		$(B)/gen/xdg-shell-client-protocol.h
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -Itest/lib -I$(B)/gen $(WARN) -o $@ bench/wlbench.c \
		test/lib/wlclient.c $(B)/gen/xdg-shell-protocol.c $(call pc_libs,wayland-client)

# The process bench/criu-precopy checkpoints (run by hand: it needs the patched CRIU)
PRECOPY_WRITER := $(B)/bench/precopy-writer
$(PRECOPY_WRITER): bench/precopy-writer.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 $(WARN) -o $@ $<

# Pre-copy: the recorder of an app's write working set (run by hand, with the patched
# CRIU), and the simulator that replays the traces in bench/traces through the planner
# and go-phaul's rule (the planner's own code)
$(WSSTRACE): bench/wsstrace.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -o $@ $<
$(PRECOPY_SIM): bench/precopy-sim.c cli/planner.c cli/wss.c cli/planner.h cli/wss.h
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(LDFLAGS) -Icli -o $@ bench/precopy-sim.c \
		cli/planner.c cli/wss.c -lm

bench: all $(WLBENCH) $(PNGCMP) $(PRECOPY_WRITER) $(WSSTRACE) $(PRECOPY_SIM)
	bench/run
.PHONY: bench
