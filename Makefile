# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# ofxdp - eBPF/XDP OpenFlow traffic monitor.
#
#   make deps     install the Debian packages (build + tests)
#   make          build ./ofxdp (BPF object -> skeleton -> daemon)
#   make test     unit tests, offline capture tests (tshark oracle), then
#                 integration tests (root: veth, netns, OVS, tshark)
#   make bench    benchmark: ofxdp vs tcpdump and tshark under ofgen load (root)
#   make demo     live demo: veth pair, Open vSwitch, controller, ofxdp console
#   make vmlinux  regenerate vmlinux/vmlinux.h from /sys/kernel/btf/vmlinux

CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
BUILD ?= build
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

PKGS := libbpf libpcap libmicrohttpd jansson inih
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wno-format-truncation -Iinclude -Iuser -I$(BUILD) \
	  $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lelf -lz -lpthread
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	      -Iinclude -Ivmlinux

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

.PHONY: all deps test unit cli offline ofgen-test bench-smoke integration demo vmlinux clean format bench
.DELETE_ON_ERROR:
.SECONDARY: $(BPF_OBJS) $(SKELS)

all: ofxdp $(BUILD)/ofgen $(BUILD)/bpfbench

deps:
	tools/install-deps.sh

$(BUILD)/%.bpf.o: bpf/%.bpf.c include/ofxdp.h vmlinux/vmlinux.h | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $*_bpf > $@

$(BUILD)/user/%.o: user/%.c $(HDRS) $(SKELS) | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libofx.a: $(LIB_OBJS)
	rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/ofxdp: $(BUILD)/user/main.o $(BUILD)/libofx.a
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

ofxdp: $(BUILD)/ofxdp
	cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/ofgen: $(OFGEN_SRCS) $(wildcard tools/ofgen/*.h) user/openflow/of_proto.c user/openflow/of_proto.h | $(BUILD)
	$(CC) $(CFLAGS) $(OFGEN_SRCS) user/openflow/of_proto.c -o $@ -ljansson

$(BUILD)/bpfbench: tools/bench/bpfbench.c include/ofxdp.h $(SKELS) | $(BUILD)
	$(CC) $(CFLAGS) $< -o $@ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libofx.a $(SKELS) $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit $< $(BUILD)/libofx.a -o $@ \
		$(LDLIBS) -lcmocka

$(BUILD):
	mkdir -p $(BUILD)

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

cli: all
	tests/cli/run.sh

offline: all
	tests/offline/run.sh

ofgen-test: all
	tools/ofgen/test_ofgen.sh

integration: all
	tests/integration/run.sh

bench-smoke: all
	tools/bench/run.sh --smoke

test: unit cli offline ofgen-test bench-smoke integration

demo: all
	tools/demo.sh

bench: all
	tools/bench/run.sh

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux/vmlinux.h

format:
	clang-format -i $(filter-out vmlinux/%,$(wildcard bpf/*.c include/*.h user/*.c user/*.h user/*/*.c user/*/*.h tests/unit/*.c tests/unit/*.h tools/ofgen/*.c tools/ofgen/*.h))

clean:
	rm -rf $(BUILD) ofxdp
