# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# ofxdp - eBPF/XDP OpenFlow traffic monitor.
#
#   make deps       install the Debian packages (build + tests)
#   make            build ./ofxdp (BPF object -> skeleton -> daemon)
#   make test       unit tests (plain and sanitized), command-line tests,
#                   offline capture tests (tshark oracle), install tests, then
#                   integration tests (root: veth, netns, OVS, tshark)
#   make unit-san   the unit tests built with AddressSanitizer and
#                   UndefinedBehaviorSanitizer (any undefined behaviour aborts)
#                   in $(BUILD)/san, and run
#   make offline-san  the offline tests on an ofxdp built the same way; any
#                   sanitizer report (leaks included) fails it
#   make fuzz       build the libFuzzer harnesses of tests/fuzz (clang,
#                   AddressSanitizer, UndefinedBehaviorSanitizer) in
#                   $(BUILD)/fuzz and run each for FUZZ_TIME seconds (60), its
#                   work corpus $(BUILD)/fuzz/corpus-NAME seeded from
#                   tests/fuzz/corpus/NAME; FUZZ_JOBS harnesses at once (1);
#                   one summary line each, non-zero exit on any finding
#                   (crash inputs in $(BUILD)/fuzz/artifacts-NAME)
#   make fuzz-smoke the same, short: replay each committed corpus, then
#                   fuzz each harness FUZZ_SMOKE_TIME seconds (20); part of
#                   make test
#   make bench      benchmark: ofxdp vs tcpdump and tshark under ofgen load (root)
#   make bench-conns  its live-connections step alone: ofxdp's memory with
#                   10,000 OpenFlow connections open, all counted exactly (root)
#   make demo       live demo: veth pair, Open vSwitch, controller, ofxdp console
#   make vmlinux    regenerate vmlinux/vmlinux.h from /sys/kernel/btf/vmlinux
#   make install    install the binary, ofxdp(8), the systemd unit ofxdp@.service,
#                   bash completion and the example configuration
#   make uninstall  remove what `make install` installed
#
# Variables (on the command line or in the environment):
#   CFLAGS        optimisation and debug flags (default -O2 -g); the project's
#                 own flags (-std, warnings, include paths, pkg-config) are in
#                 OFX_CFLAGS and always used, so `make CFLAGS='-O1 -g'` works
#   CPPFLAGS, LDFLAGS, EXTRA_CFLAGS, EXTRA_LDFLAGS   appended as given
#   WERROR=1      warnings are errors (C and BPF). Default: 1 in a git checkout
#                 (development, CI), 0 otherwise (release tarballs, packagers);
#                 WERROR=0 switches it off anywhere
#   V=1           print full commands (default: one short line per step)
#   Changing any of these rebuilds what they affect ($(BUILD)/flags).
#
#   PREFIX=/usr/local, DESTDIR (staging root), and the directories below it:
#   BINDIR=$(PREFIX)/sbin        ofxdp (needs root, or CAP_BPF, CAP_NET_ADMIN
#                                and CAP_PERFMON)
#   MANDIR=$(PREFIX)/share/man   man8/ofxdp.8 (uncompressed: packaging
#                                tools such as dh_compress gzip it)
#   SYSTEMDDIR=/lib/systemd/system with PREFIX=/usr, else
#                $(PREFIX)/lib/systemd/system   ofxdp@.service
#   BASHCOMPDIR=$(PREFIX)/share/bash-completion/completions   ofxdp
#   SYSCONFDIR=/etc              ofxdp/ofxdp.conf.example (never touches
#                                ofxdp/ofxdp.conf, the administrator's file)
#   e.g. make && sudo make install PREFIX=/usr
#        make install DESTDIR=$PWD/stage PREFIX=/usr   (packaging)

CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
SCDOC ?= scdoc
INSTALL ?= install
BUILD ?= build
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
SYSTEMDDIR ?= $(if $(filter /usr /usr/,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SYSCONFDIR ?= /etc

WERROR ?= $(if $(wildcard .git),1,0)
WERROR_FLAG := $(if $(filter 1 yes,$(WERROR)),-Werror)

PKGS := libbpf libpcap libmicrohttpd jansson inih libcap-ng ncursesw
CFLAGS ?= -O2 -g
OFX_CFLAGS := -std=gnu11 -Wall -Wextra -Wno-format-truncation $(WERROR_FLAG) \
	      -Iinclude -Iuser -I$(BUILD) \
	      -DOFX_CONFIG_DEFAULT='"$(SYSCONFDIR)/ofxdp/ofxdp.conf"' \
	      $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
ALL_CFLAGS = $(OFX_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(EXTRA_LDFLAGS)
LDLIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lelf -lz -lpthread
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall $(WERROR_FLAG) \
	      -Iinclude -Ivmlinux

ifeq ($(V),1)
Q :=
msg =
else
Q := @
msg = @printf '  %-8s %s\n' '$(1)' '$(2)';
MAKEFLAGS += --no-print-directory
endif

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))
USER_SRCS := $(wildcard user/*.c user/*/*.c)
LIB_SRCS := $(filter-out user/main.c,$(USER_SRCS))
LIB_OBJS := $(patsubst user/%.c,$(BUILD)/user/%.o,$(LIB_SRCS))
HDRS := $(wildcard include/*.h user/*.h user/*/*.h)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
OFGEN_SRCS := $(wildcard tools/ofgen/*.c)
DIST := tools/dist
# The dashboard's files, embedded in ofxdp (URL FILE pairs; user/output/web.h):
# our own HTML/JS/CSS and Chart.js from Debian's libjs-chart.js (MIT).
CHARTJS ?= /usr/share/javascript/chart.js/chart.min.js
WEB_ASSETS := / user/output/web/index.html \
	      /ui/app.js user/output/web/app.js \
	      /ui/style.css user/output/web/style.css \
	      /ui/chart.js $(CHARTJS)
WEB_FILES := $(foreach i,$(shell seq 2 2 $(words $(WEB_ASSETS))),$(word $(i),$(WEB_ASSETS)))
WEB_OBJ := $(BUILD)/web_assets.o
DIST_OUT := $(BUILD)/ofxdp.8 $(BUILD)/ofxdp@.service

# Everything compiled depends on $(BUILD)/flags, rewritten (at parse time)
# only when the compiler or a flag changed.
FLAGS_ID := $(CC) $(CLANG) | $(ALL_CFLAGS) | $(ALL_LDFLAGS) | $(LDLIBS) | $(BPF_CFLAGS)
ifneq ($(filter-out clean deps format vmlinux uninstall,$(or $(MAKECMDGOALS),all)),)
ifneq ($(shell pkg-config --exists $(PKGS) && echo y),y)
$(warning pkg-config does not find all of: $(PKGS); run tools/install-deps.sh --build-only)
endif
ifneq ($(file <$(BUILD)/flags),$(FLAGS_ID))
$(shell mkdir -p $(BUILD))
$(file >$(BUILD)/flags,$(FLAGS_ID))
endif
# `ofxdp --version`: the git description, rebuilt (opts.o only) when it
# changes; "0.1" outside a git checkout.
OFX_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)
ifneq ($(file <$(BUILD)/version),$(OFX_VERSION))
$(shell mkdir -p $(BUILD))
$(file >$(BUILD)/version,$(OFX_VERSION))
endif
endif

.PHONY: all deps test unit unit-san fuzz fuzz-smoke fuzz-build cli offline offline-san ofgen-test bench-smoke integration install-test \
	demo vmlinux clean format bench bench-conns man install uninstall
.DELETE_ON_ERROR:
.SECONDARY: $(BPF_OBJS) $(SKELS)

all: ofxdp $(BUILD)/ofgen $(BUILD)/bpfbench $(BUILD)/impair

deps:
	tools/install-deps.sh

$(BUILD)/%.bpf.o: bpf/%.bpf.c $(wildcard include/*.h) vmlinux/vmlinux.h $(BUILD)/flags | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@

$(BUILD)/user/%.o: user/%.c $(HDRS) $(SKELS) $(BUILD)/flags | $(BUILD)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/user/cli/opts.o: $(BUILD)/version
$(BUILD)/user/cli/opts.o: ALL_CFLAGS += -DOFX_VERSION='"$(OFX_VERSION)"'

# The embedded dashboard files (tools/gen-web-assets.sh).
$(BUILD)/web_assets.c: tools/gen-web-assets.sh $(WEB_FILES) | $(BUILD)
	$(call msg,GEN,$@)
	$(Q)tools/gen-web-assets.sh $(WEB_ASSETS) > $@

$(CHARTJS):
	@echo "$@ is missing: install libjs-chart.js (tools/install-deps.sh --build-only)"; exit 1

$(WEB_OBJ): $(BUILD)/web_assets.c user/output/web.h $(BUILD)/flags
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libofx.a: $(LIB_OBJS) $(WEB_OBJ)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/ofxdp: $(BUILD)/user/main.o $(BUILD)/libofx.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $^ -o $@ $(LDLIBS)

ofxdp: $(BUILD)/ofxdp
	$(Q)cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/ofgen: $(OFGEN_SRCS) $(wildcard tools/ofgen/*.h) user/openflow/of_proto.c user/openflow/of_proto.h $(BUILD)/flags | $(BUILD)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(OFGEN_SRCS) user/openflow/of_proto.c -o $@ -ljansson

# The impairing forwarder of the impair_* integration cases (tools/impair).
$(BUILD)/impair: tools/impair/impair.c $(BUILD)/flags | $(BUILD)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $< -o $@

$(BUILD)/bpfbench: tools/bench/bpfbench.c include/ofxdp.h $(SKELS) $(BUILD)/flags | $(BUILD)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $< -o $@ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libofx.a $(SKELS) $(wildcard tests/unit/*.h) $(BUILD)/flags
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -Itests/unit $< $(BUILD)/libofx.a -o $@ \
		$(LDLIBS) -lcmocka

$(BUILD):
	$(Q)mkdir -p $(BUILD)

$(BUILD)/flags: | $(BUILD)

# ---- documentation and distribution files (tools/dist) ----

man: $(BUILD)/ofxdp.8

# man-tidy.awk drops the empty paragraphs scdoc emits (mandoc -T lint warns).
$(BUILD)/ofxdp.8: $(DIST)/ofxdp.8.scd $(DIST)/man-tidy.awk | $(BUILD)
	$(call msg,SCDOC,$@)
	$(Q)$(SCDOC) < $< > $@.raw && awk -f $(DIST)/man-tidy.awk $@.raw > $@ && rm -f $@.raw

$(BUILD)/ofxdp@.service: $(DIST)/ofxdp@.service | $(BUILD)
	$(call msg,GEN,$@)
	$(Q)sed -e 's|@SBINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' $< > $@

# $(BUILD)/flags does not see install directories: the unit is regenerated
# every time so BINDIR/SYSCONFDIR given at install time are the ones used.
.PHONY: $(BUILD)/ofxdp@.service

install: ofxdp $(DIST_OUT)
	$(call msg,INSTALL,$(DESTDIR)$(BINDIR)/ofxdp)
	$(Q)$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(SYSTEMDDIR) $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(SYSCONFDIR)/ofxdp
	$(Q)$(INSTALL) -m 0755 ofxdp $(DESTDIR)$(BINDIR)/ofxdp
	$(call msg,INSTALL,$(DESTDIR)$(MANDIR)/man8/ofxdp.8)
	$(Q)$(INSTALL) -m 0644 $(BUILD)/ofxdp.8 $(DESTDIR)$(MANDIR)/man8/ofxdp.8
	$(call msg,INSTALL,$(DESTDIR)$(SYSTEMDDIR)/ofxdp@.service)
	$(Q)$(INSTALL) -m 0644 $(BUILD)/ofxdp@.service $(DESTDIR)$(SYSTEMDDIR)/ofxdp@.service
	$(call msg,INSTALL,$(DESTDIR)$(BASHCOMPDIR)/ofxdp)
	$(Q)$(INSTALL) -m 0644 $(DIST)/ofxdp.bash-completion $(DESTDIR)$(BASHCOMPDIR)/ofxdp
	$(call msg,INSTALL,$(DESTDIR)$(SYSCONFDIR)/ofxdp/ofxdp.conf.example)
	$(Q)$(INSTALL) -m 0644 $(DIST)/ofxdp.conf $(DESTDIR)$(SYSCONFDIR)/ofxdp/ofxdp.conf.example
	@[ -e $(DESTDIR)$(SYSCONFDIR)/ofxdp/ofxdp.conf ] || \
		echo "  note: copy $(SYSCONFDIR)/ofxdp/ofxdp.conf.example to ofxdp.conf and set [rest] address for ofxdp@.service"

uninstall:
	$(call msg,RM,$(DESTDIR)$(BINDIR)/ofxdp ...)
	$(Q)rm -f $(DESTDIR)$(BINDIR)/ofxdp $(DESTDIR)$(MANDIR)/man8/ofxdp.8 \
		$(DESTDIR)$(MANDIR)/man8/ofxdp.8.gz \
		$(DESTDIR)$(SYSTEMDDIR)/ofxdp@.service \
		$(DESTDIR)$(BASHCOMPDIR)/ofxdp \
		$(DESTDIR)$(SYSCONFDIR)/ofxdp/ofxdp.conf.example
	$(Q)rmdir $(DESTDIR)$(SYSCONFDIR)/ofxdp 2>/dev/null || true

# ---- tests ----

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

# The same tests and library, sanitized, in their own build directory.
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	     -fno-omit-frame-pointer
SAN_MAKE = $(MAKE) BUILD=$(BUILD)/san CFLAGS='-O1 -g' \
	   EXTRA_CFLAGS='$(SAN_FLAGS)' EXTRA_LDFLAGS='$(SAN_FLAGS)'
unit-san:
	$(Q)UBSAN_OPTIONS=print_stacktrace=1 $(SAN_MAKE) unit

# The offline suite on a sanitized ofxdp. Reports go to files (not the
# stderr the tests read): any report fails the target, whatever the exit
# status of the run that wrote it.
SAN_REPORTS = $(abspath $(BUILD))/san/reports
offline-san:
	$(Q)$(SAN_MAKE) $(BUILD)/san/ofxdp
	$(Q)rm -rf $(SAN_REPORTS) && mkdir -p $(SAN_REPORTS)
	$(Q)export OFXDP=$(BUILD)/san/ofxdp \
		ASAN_OPTIONS=log_path=$(SAN_REPORTS)/asan:detect_leaks=1 \
		UBSAN_OPTIONS=log_path=$(SAN_REPORTS)/ubsan:print_stacktrace=1; \
	rc=0; tests/offline/run.sh || rc=1; tests/offline/latency.sh || rc=1; \
	tests/offline/watch.sh || rc=1; tests/offline/impair.sh || rc=1; \
	if [ -n "$$(ls -A $(SAN_REPORTS))" ]; then \
		echo "offline-san: sanitizer reports:"; head -n 40 $(SAN_REPORTS)/*; rc=1; \
	else echo "offline-san: no sanitizer report"; fi; exit $$rc

# Fuzzing: the harnesses (tests/fuzz/fuzz_*.c) and the library, built with
# clang in $(BUILD)/fuzz: the library with -fsanitize=fuzzer-no-link (coverage
# only), each harness linked with libFuzzer; harnesses include tests/fuzz/*.h
# and the unit tests' tests/unit/ofx_parse_diff.h. clang does not know gcc's
# -Wno-format-truncation.
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(patsubst tests/fuzz/%.c,%,$(FUZZ_SRCS))
FUZZ_BINS := $(addprefix $(FUZZ_DIR)/,$(FUZZ_NAMES))
FUZZ_LIB_OBJS := $(patsubst user/%.c,$(FUZZ_DIR)/user/%.o,$(LIB_SRCS))
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	    -fno-omit-frame-pointer
FUZZ_CFLAGS = $(filter-out -Wno-format-truncation,$(OFX_CFLAGS)) -O1 -g \
	      $(FUZZ_SAN)
FUZZ_TIME ?= 60
FUZZ_SMOKE_TIME ?= 20
FUZZ_JOBS ?= 1

$(FUZZ_DIR)/user/%.o: user/%.c $(HDRS) $(SKELS) $(BUILD)/flags
	$(call msg,CLANG,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_DIR)/user/cli/opts.o: $(BUILD)/version
$(FUZZ_DIR)/user/cli/opts.o: FUZZ_CFLAGS += -DOFX_VERSION='"$(OFX_VERSION)"'

$(FUZZ_DIR)/web_assets.o: $(BUILD)/web_assets.c user/output/web.h $(BUILD)/flags
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_DIR)/libofx.a: $(FUZZ_LIB_OBJS) $(FUZZ_DIR)/web_assets.o
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DIR)/libofx.a $(SKELS) \
		   $(wildcard tests/fuzz/*.h tests/unit/*.h) $(BUILD)/flags
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -Itests/unit -fsanitize=fuzzer $< \
		$(FUZZ_DIR)/libofx.a -o $@ $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	$(Q)tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_TIME) $(FUZZ_JOBS) $(FUZZ_NAMES)

fuzz-smoke: fuzz-build
	$(Q)tests/fuzz/run.sh --smoke $(FUZZ_DIR) $(FUZZ_SMOKE_TIME) $(FUZZ_JOBS) \
		$(FUZZ_NAMES)

cli: all
	tests/cli/run.sh

offline: all
	tests/offline/run.sh
	tests/offline/latency.sh
	tests/offline/impair.sh
	tests/offline/watch.sh

ofgen-test: all
	tools/ofgen/test_ofgen.sh

install-test: all
	tests/install/run.sh

integration: all
	tests/integration/run.sh

bench-smoke: all
	tools/bench/run.sh --smoke

test: unit unit-san fuzz-smoke cli offline offline-san ofgen-test install-test bench-smoke integration

demo: all
	tools/demo.sh

bench: all
	tools/bench/run.sh

bench-conns: all
	tools/bench/run.sh --conns

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux/vmlinux.h

format:
	clang-format -i $(filter-out vmlinux/%,$(wildcard bpf/*.c include/*.h user/*.c user/*.h user/*/*.c user/*/*.h tests/unit/*.c tests/unit/*.h tests/fuzz/*.c tests/fuzz/*.h tools/ofgen/*.c tools/ofgen/*.h tools/impair/*.c))

clean:
	rm -rf $(BUILD) ofxdp
