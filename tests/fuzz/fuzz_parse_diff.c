// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_parse_diff.c - libFuzzer differential harness of the two frame
 * parsers (the approach of tests/unit/test_parse_diff.c on arbitrary
 * frames): each input is an Ethernet frame, run through the BPF programs
 * (ofx_xdp and ofx_tc_ingress with BPF_PROG_TEST_RUN, with the production
 * parser, the in-place parser only and the helper parser only) and through
 * frame.c (ofx_frame_parse). They must agree on: a segment on an OpenFlow
 * port or not; its direction, payload length, whether the IP length
 * claimed more than the frame, whether it goes on to reassembly; and, when
 * both delivered it, its family, ports, seq, flags and payload bytes.
 * The in-place parser alone may ignore a frame that needs the helper
 * parser (its fallback), but what it does deliver must agree too.
 * Any disagreement prints both results and aborts.
 *
 * Only frame.c is instrumented for coverage; what the BPF programs made of
 * a frame (segment, direction, delivered, ip_len_short, family, SYN, FIN,
 * RST per program and parser) is fed back as libFuzzer extra counters, so
 * that inputs taking the kernel parsers somewhere new are kept too.
 *
 * Needs root (the BPF programs are loaded once, in LLVMFuzzerInitialize).
 * Frames longer than 1514 bytes are skipped (the XDP test run's limit is
 * a page less head- and tailroom).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/types.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <pcap/dlt.h>

#include "capture/frame.h"
#include "ofx_parse.h"
#include "ofxdp.h"
#include "ofxdp.skel.h"

#define FRAME_MAX 1514
#define PORT_A 6653
#define PORT_B 6633

/* What a parser made of one frame. */
struct result {
	bool seg; /* a TCP segment on an OpenFlow port */
	uint8_t dir;
	uint8_t family;
	uint8_t flags;
	uint16_t sport, dport;
	uint32_t seq;
	uint32_t pay_len;
	bool ip_short;
	bool delivered; /* goes on to reassembly (a ring record) */
	bool pay_at_off; /* delivered bytes = the frame's at frame.c's offset */
	size_t pay_off;
};

#define NMODES 3
static const int parse_modes[NMODES] = {0, 2, 1};
static const char *const mode_names[NMODES] = {"production", "in place",
					       "helpers"};

/* Features of the BPF results, per program and parser (libFuzzer clears
 * them before each input). */
#define NFEAT 8
__attribute__((section("__libfuzzer_extra_counters"))) static uint8_t
	bpf_feat[NMODES * 2 * NFEAT + 2];

static struct {
	struct ofxdp_bpf *skel[NMODES];
	struct ring_buffer *rb[NMODES];
	struct ofx_rec_hdr rec;
	uint8_t rec_pay[FRAME_MAX];
	int nrecs;
	struct ofx_portset ports;
	int ncpus;
	struct ofx_kstats *pc;
} fx;

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "fuzz_parse_diff: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

static int on_rec(void *ctx, void *data, size_t size)
{
	(void)ctx;
	if (fx.nrecs++ == 0 && size >= sizeof(fx.rec)) {
		size_t n = size - sizeof(fx.rec);

		memcpy(&fx.rec, data, sizeof(fx.rec));
		memcpy(fx.rec_pay, (uint8_t *)data + sizeof(fx.rec),
		       n < sizeof(fx.rec_pay) ? n : sizeof(fx.rec_pay));
	}
	return 0;
}

static int quiet(enum libbpf_print_level l, const char *fmt, va_list ap)
{
	if (l == LIBBPF_WARN)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

/* libFuzzer: called once before the first input; loads the programs. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	__u16 ports[2] = {PORT_A, PORT_B};
	__u8 one = 1;

	(void)argc;
	(void)argv;
	if (ofx_portset_parse("6653,6633", &fx.ports))
		fail("portset");
	if (geteuid() != 0)
		fail("needs root (loads the BPF programs)");
	libbpf_set_print(quiet);
	fx.ncpus = libbpf_num_possible_cpus();
	if (fx.ncpus <= 0)
		fail("libbpf_num_possible_cpus: %d", fx.ncpus);
	fx.pc = calloc((size_t)fx.ncpus, sizeof(*fx.pc));
	if (!fx.pc)
		fail("out of memory");
	for (int m = 0; m < NMODES; m++) {
		struct ofxdp_bpf *s = ofxdp_bpf__open();

		if (!s || bpf_map__set_max_entries(s->maps.ofx_rb, 1 << 20))
			fail("cannot open the BPF object");
		s->rodata->ofx_parse_mode = parse_modes[m];
		if (ofxdp_bpf__load(s))
			fail("cannot load the BPF programs (%s mode)",
			     mode_names[m]);
		fx.skel[m] = s;
		for (int i = 0; i < 2; i++)
			if (bpf_map_update_elem(bpf_map__fd(s->maps.ofx_ports),
						&ports[i], &one, BPF_ANY))
				fail("cannot set the ports");
		fx.rb[m] = ring_buffer__new(bpf_map__fd(s->maps.ofx_rb), on_rec,
					    NULL, NULL);
		if (!fx.rb[m])
			fail("cannot open the ring buffer");
	}
	return 0;
}

/* The per-CPU counters of @s, summed. */
static void kstats(struct ofxdp_bpf *s, struct ofx_kstats *sum)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(s->maps.ofx_kstats), &zero, fx.pc))
		fail("cannot read ofx_kstats");
	memset(sum, 0, sizeof(*sum));
	for (int i = 0; i < fx.ncpus; i++) {
		for (int d = 0; d < OFX_NDIRS; d++) {
			sum->segs[d] += fx.pc[i].segs[d];
			sum->bytes[d] += fx.pc[i].bytes[d];
		}
		sum->records += fx.pc[i].records;
		sum->ip_len_short += fx.pc[i].ip_len_short;
	}
}

/* frame.c on the @len bytes at @buf. */
static void parse_user(const uint8_t *buf, size_t len, struct result *r)
{
	struct ofx_segment seg;
	bool ip_short = false;

	memset(r, 0, sizeof(*r));
	if (ofx_frame_parse(DLT_EN10MB, buf, len, len, &fx.ports, &seg,
			    &ip_short) != OFX_FRAME_OK)
		return;
	r->seg = true;
	r->dir = seg.dir;
	r->family = seg.key.family;
	r->flags = seg.tcp_flags;
	r->sport = seg.key.sport;
	r->dport = seg.key.dport;
	r->seq = seg.seq;
	r->pay_len = seg.seg_len;
	r->ip_short = ip_short;
	r->delivered = ofx_seg_wanted(seg.seg_len, seg.tcp_flags);
	r->pay_off = (size_t)(seg.data - buf);
	r->pay_at_off = true;
}

/*
 * BPF program of mode @m (XDP if @xdp, else TC ingress) on the frame;
 * @pay_off: where frame.c found the payload. Return: false if the kernel
 * refused the test run (a frame too short for it).
 */
static bool parse_bpf(int m, bool xdp, const uint8_t *buf, size_t len,
		      size_t pay_off, struct result *r)
{
	struct ofxdp_bpf *s = fx.skel[m];
	struct bpf_program *prog =
		xdp ? s->progs.ofx_xdp : s->progs.ofx_tc_ingress;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf,
		    .data_size_in = (__u32)len, .repeat = 1);
	struct ofx_kstats a, b;
	uint64_t din, dout;
	int err;

	memset(r, 0, sizeof(*r));
	kstats(s, &a);
	fx.nrecs = 0;
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	if (err == -EINVAL && len < 64)
		return false;
	if (err)
		fail("%s/%s: BPF_PROG_TEST_RUN: %d on %zu bytes",
		     xdp ? "xdp" : "tc", mode_names[m], err, len);
	if (opts.retval != (xdp ? XDP_PASS : 0xffffffffu))
		fail("%s/%s: verdict %u", xdp ? "xdp" : "tc", mode_names[m],
		     opts.retval);
	ring_buffer__consume(fx.rb[m]);
	kstats(s, &b);
	din = b.segs[OFX_DIR_IN] - a.segs[OFX_DIR_IN];
	dout = b.segs[OFX_DIR_OUT] - a.segs[OFX_DIR_OUT];
	if (din + dout > 1 || fx.nrecs > 1)
		fail("%s/%s: %llu segments, %d records from one frame",
		     xdp ? "xdp" : "tc", mode_names[m],
		     (unsigned long long)(din + dout), fx.nrecs);
	r->seg = din + dout == 1;
	if (!r->seg) {
		if (fx.nrecs)
			fail("%s/%s: a record without a segment",
			     xdp ? "xdp" : "tc", mode_names[m]);
		return true;
	}
	r->dir = din ? OFX_DIR_IN : OFX_DIR_OUT;
	r->pay_len =
		(uint32_t)(b.bytes[0] + b.bytes[1] - a.bytes[0] - a.bytes[1]);
	r->ip_short = b.ip_len_short != a.ip_len_short;
	r->delivered = fx.nrecs == 1;
	r->pay_off = pay_off;
	if (!r->delivered)
		return true;
	r->family = fx.rec.family;
	r->flags = fx.rec.tcp_flags;
	r->sport = fx.rec.sport;
	r->dport = fx.rec.dport;
	r->seq = fx.rec.seq;
	if (fx.rec.dir != r->dir || fx.rec.seg_len != r->pay_len ||
	    fx.rec.cap_len != r->pay_len || fx.rec.nchunks != 1)
		fail("%s/%s: record dir %u seg_len %u cap_len %u nchunks %u "
		     "vs counters dir %u payload %u",
		     xdp ? "xdp" : "tc", mode_names[m], fx.rec.dir,
		     fx.rec.seg_len, fx.rec.cap_len, fx.rec.nchunks, r->dir,
		     r->pay_len);
	r->pay_at_off = pay_off + fx.rec.cap_len <= len &&
			!memcmp(fx.rec_pay, buf + pay_off, fx.rec.cap_len);
	return true;
}

static void describe(char *out, size_t n, const struct result *r)
{
	if (!r->seg) {
		snprintf(out, n, "no segment");
		return;
	}
	snprintf(out, n,
		 "%s v%u %u->%u seq %u flags 0x%02x payload %u at %zu%s%s%s",
		 r->dir == OFX_DIR_IN ? "in" : "out", r->family, r->sport,
		 r->dport, r->seq, r->flags, r->pay_len, r->pay_off,
		 r->pay_at_off ? "" : " (bytes differ)",
		 r->delivered ? " delivered" : " counted only",
		 r->ip_short ? " ip_len_short" : "");
}

/* Same results? Fields a bare count cannot show are compared only when
 * both delivered a record. */
static bool same(const struct result *u, const struct result *k)
{
	if (u->seg != k->seg)
		return false;
	if (!u->seg)
		return true;
	if (u->dir != k->dir || u->pay_len != k->pay_len ||
	    u->ip_short != k->ip_short || u->delivered != k->delivered)
		return false;
	if (!k->delivered)
		return true;
	return u->family == k->family && u->flags == k->flags &&
	       u->sport == k->sport && u->dport == k->dport &&
	       u->seq == k->seq && u->pay_at_off == k->pay_at_off;
}

/* libFuzzer: one input, an Ethernet frame. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct result u, k;
	char du[192], dk[192];

	if (size > FRAME_MAX)
		return 0;
	parse_user(data, size, &u);
	for (int m = 0; m < NMODES; m++) {
		for (int xdp = 0; xdp < 2; xdp++) {
			uint8_t *ft = &bpf_feat[(m * 2 + xdp) * NFEAT];

			if (!parse_bpf(m, xdp, data, size, u.pay_off, &k))
				continue;
			ft[0] = k.seg;
			ft[1] = k.seg && k.dir == OFX_DIR_OUT;
			ft[2] = k.delivered;
			ft[3] = k.ip_short;
			ft[4] = k.family == 6;
			ft[5] = (k.flags & OFX_TCP_SYN) != 0;
			ft[6] = (k.flags & OFX_TCP_FIN) != 0;
			ft[7] = (k.flags & OFX_TCP_RST) != 0;
			/* The in-place parser needed its fallback. */
			if (parse_modes[m] == 2 && u.seg && !k.seg)
				bpf_feat[NMODES * 2 * NFEAT + xdp] = 1;
			if (same(&u, &k))
				continue;
			/* The in-place parser alone ignores what needs its
			 * fallback. */
			if (parse_modes[m] == 2 && !k.seg)
				continue;
			describe(du, sizeof(du), &u);
			describe(dk, sizeof(dk), &k);
			fail("parsers differ on a %zu-byte frame: %s/%s: %s; "
			     "frame.c: %s",
			     size, xdp ? "xdp" : "tc", mode_names[m], dk, du);
		}
	}
	return 0;
}
