// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_parse_diff.c - differential test of the two frame parsers: every
 * frame of tests/unit/ofx_test_frames.h goes through the BPF programs
 * (ofx_xdp and ofx_tc_ingress with BPF_PROG_TEST_RUN, each with the
 * production parser, the in-place parser only - except for IPv6 extension
 * headers, which it leaves to its fallback - and the helper parser only)
 * and through frame.c (ofx_frame_parse, as pcap mode and `ofxdp read` use
 * it). Both must give the same result: a segment on an OpenFlow port or
 * not; its direction, ports, seq, flags, payload offset and length; whether
 * it goes on to reassembly; whether the IP length claimed more than the
 * frame (ip_len_short). Both must also match the template's expectation,
 * so that the rules of include/ofx_parse.h hold, not just agreement.
 *
 * frame.c also gets each accepted frame cut to a snap length: the payload
 * length must still come from the wire length, as in the kernel.
 *
 * Needs root (loading BPF); the BPF half is skipped otherwise and only
 * frame.c is checked against the expectations.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <linux/bpf.h>
#include <linux/types.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <pcap/dlt.h>

#include "capture/frame.h"
#include "ofx_parse.h"
#include "ofx_test_frames.h"
#include "ofxdp.h"
#include "ofxdp.skel.h"

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

struct fix {
	struct ofxdp_bpf *skel[NMODES];
	struct ring_buffer *rb[NMODES];
	struct ofx_rec_hdr rec;
	uint8_t rec_pay[OFXT_FRAME_MAX];
	int nrecs;
	struct ofx_portset ports;
};

static int on_rec(void *ctx, void *data, size_t size)
{
	struct fix *f = ctx;

	if (f->nrecs++ == 0 && size >= sizeof(f->rec)) {
		size_t n = size - sizeof(f->rec);

		memcpy(&f->rec, data, sizeof(f->rec));
		memcpy(f->rec_pay, (uint8_t *)data + sizeof(f->rec),
		       n < sizeof(f->rec_pay) ? n : sizeof(f->rec_pay));
	}
	return 0;
}

static int quiet(enum libbpf_print_level l, const char *fmt, va_list ap)
{
	if (l == LIBBPF_WARN)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	__u16 ports[2] = {OFXT_PORT_A, OFXT_PORT_B};
	__u8 one = 1;

	if (!f || ofx_portset_parse("6653,6633", &f->ports))
		return -1;
	*state = f;
	if (geteuid() != 0)
		return 0;
	libbpf_set_print(quiet);
	for (int m = 0; m < NMODES; m++) {
		struct ofxdp_bpf *s = ofxdp_bpf__open();

		if (!s || bpf_map__set_max_entries(s->maps.ofx_rb, 1 << 20))
			return -1;
		s->rodata->ofx_parse_mode = parse_modes[m];
		if (ofxdp_bpf__load(s))
			return -1;
		f->skel[m] = s;
		for (int i = 0; i < 2; i++)
			if (bpf_map_update_elem(bpf_map__fd(s->maps.ofx_ports),
						&ports[i], &one, BPF_ANY))
				return -1;
		f->rb[m] = ring_buffer__new(bpf_map__fd(s->maps.ofx_rb), on_rec,
					    f, NULL);
		if (!f->rb[m])
			return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	for (int m = 0; m < NMODES; m++) {
		ring_buffer__free(f->rb[m]);
		ofxdp_bpf__destroy(f->skel[m]);
	}
	free(f);
	return 0;
}

/* The per-CPU counters of @s, summed. */
static void kstats(struct ofxdp_bpf *s, struct ofx_kstats *sum)
{
	int n = libbpf_num_possible_cpus();
	struct ofx_kstats *pc;
	__u32 zero = 0;

	assert_true(n > 0);
	pc = calloc(n, sizeof(*pc));
	assert_non_null(pc);
	assert_int_equal(
		bpf_map_lookup_elem(bpf_map__fd(s->maps.ofx_kstats), &zero, pc),
		0);
	memset(sum, 0, sizeof(*sum));
	for (int i = 0; i < n; i++) {
		for (int d = 0; d < OFX_NDIRS; d++) {
			sum->segs[d] += pc[i].segs[d];
			sum->bytes[d] += pc[i].bytes[d];
		}
		sum->records += pc[i].records;
		sum->ip_len_short += pc[i].ip_len_short;
	}
	free(pc);
}

/* frame.c on @len bytes of which @caplen were captured. */
static void parse_user(const struct fix *f, const uint8_t *buf, size_t caplen,
		       size_t len, struct result *r, uint32_t *cap_len)
{
	struct ofx_segment seg;
	bool ip_short = false;

	memset(r, 0, sizeof(*r));
	if (ofx_frame_parse(DLT_EN10MB, buf, caplen, len, &f->ports, &seg,
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
	*cap_len = seg.cap_len;
}

/*
 * BPF program @prog of skeleton @m on the frame; @pay_off: where frame.c
 * found the payload (the record's bytes are compared with the frame's
 * there). Return: false if the kernel refused the test run (frames too
 * short for a TC test run).
 */
static bool parse_bpf(struct fix *f, int m, bool xdp, const uint8_t *buf,
		      size_t len, size_t pay_off, struct result *r)
{
	struct ofxdp_bpf *s = f->skel[m];
	struct bpf_program *prog =
		xdp ? s->progs.ofx_xdp : s->progs.ofx_tc_ingress;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf,
		    .data_size_in = len, .repeat = 1);
	struct ofx_kstats a, b;
	uint64_t din, dout;
	int err;

	memset(r, 0, sizeof(*r));
	kstats(s, &a);
	f->nrecs = 0;
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	if (err == -EINVAL && !xdp && len < 64)
		return false;
	assert_int_equal(err, 0);
	assert_int_equal(opts.retval, xdp ? XDP_PASS : 0xffffffffu);
	ring_buffer__consume(f->rb[m]);
	kstats(s, &b);
	din = b.segs[OFX_DIR_IN] - a.segs[OFX_DIR_IN];
	dout = b.segs[OFX_DIR_OUT] - a.segs[OFX_DIR_OUT];
	assert_true(din + dout <= 1);
	assert_true(f->nrecs <= 1);
	r->seg = din + dout == 1;
	if (!r->seg) {
		assert_int_equal(f->nrecs, 0);
		return true;
	}
	r->dir = din ? OFX_DIR_IN : OFX_DIR_OUT;
	r->pay_len =
		(uint32_t)(b.bytes[0] + b.bytes[1] - a.bytes[0] - a.bytes[1]);
	r->ip_short = b.ip_len_short != a.ip_len_short;
	r->delivered = f->nrecs == 1;
	if (!r->delivered) {
		/* Nothing else to see: take frame.c's word for the rest
		 * only where a record would have told it. */
		r->pay_off = pay_off;
		return true;
	}
	r->family = f->rec.family;
	r->flags = f->rec.tcp_flags;
	r->sport = f->rec.sport;
	r->dport = f->rec.dport;
	r->seq = f->rec.seq;
	assert_int_equal(f->rec.dir, r->dir);
	assert_int_equal(f->rec.seg_len, r->pay_len);
	assert_int_equal(f->rec.cap_len, r->pay_len);
	assert_int_equal(f->rec.nchunks, 1);
	r->pay_off = pay_off;
	r->pay_at_off = pay_off + f->rec.cap_len <= len &&
			!memcmp(f->rec_pay, buf + pay_off, f->rec.cap_len);
	return true;
}

static void describe(char *out, size_t n, const struct result *r)
{
	if (!r->seg) {
		snprintf(out, n, "no segment");
		return;
	}
	snprintf(out, n,
		 "%s %u->%u seq %u flags 0x%02x payload %u at %zu%s%s%s",
		 r->dir == OFX_DIR_IN ? "in" : "out", r->sport, r->dport,
		 r->seq, r->flags, r->pay_len, r->pay_off,
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

/* Does frame.c's result say what template @t expects? */
static bool as_expected(const struct ofxt_frame *t, const struct result *u)
{
	size_t pay = t->pay || t->pay_set ? t->pay : 8;

	if (t->ip_len_adj < 0)
		pay = pay + t->ip_len_adj; /* trimmed to the IP length */
	if (t->want_pay)
		pay = t->want_pay - 1u;
	if (t->not_ours)
		return !u->seg;
	return u->seg && u->pay_len == pay && u->ip_short == t->ip_short;
}

static void test_parsers_agree(void **state)
{
	struct fix *f = *state;
	static uint8_t buf[OFXT_FRAME_MAX];
	unsigned int bad = 0, runs = 0, skipped = 0, segs = 0;

	if (!f->skel[0])
		print_message("not root: BPF programs not loaded, "
			      "checking frame.c only\n");
	for (size_t i = 0; i < OFXT_NFRAMES; i++) {
		const struct ofxt_frame *t = &ofxt_frames[i];
		size_t len = ofxt_build(t, buf, sizeof(buf));
		struct result u, k, snap;
		uint32_t cap = 0, snap_cap = 0;
		char du[160], dk[160];

		assert_true(len >= OFX_ETH_HLEN);
		parse_user(f, buf, len, len, &u, &cap);
		segs += u.seg;
		if (!as_expected(t, &u)) {
			describe(du, sizeof(du), &u);
			print_message("EXPECT %-44s frame.c: %s\n", t->name,
				      du);
			bad++;
		}
		if (u.seg) {
			/* Snapped 4 bytes into the payload: same length. */
			size_t caplen =
				u.pay_off + 4 < len ? u.pay_off + 4 : len;

			parse_user(f, buf, caplen, len, &snap, &snap_cap);
			snap.pay_at_off = u.pay_at_off;
			if (!same(&u, &snap) ||
			    snap_cap != (cap < 4 ? cap : 4)) {
				describe(du, sizeof(du), &snap);
				print_message("SNAP   %-44s frame.c: %s, "
					      "captured %u\n",
					      t->name, du, snap_cap);
				bad++;
			}
		}
		for (int m = 0; f->skel[0] && m < NMODES; m++) {
			/* The in-place parser leaves IPv6 extension headers
			 * to the helper parser (its fallback). */
			if (parse_modes[m] == 2 && t->n_ext)
				continue;
			for (int xdp = 0; xdp < 2; xdp++) {
				if (!parse_bpf(f, m, xdp, buf, len, u.pay_off,
					       &k)) {
					skipped++;
					continue;
				}
				runs++;
				if (same(&u, &k))
					continue;
				describe(du, sizeof(du), &u);
				describe(dk, sizeof(dk), &k);
				print_message("DIFFER %-44s %s/%s: %s; "
					      "frame.c: %s\n",
					      t->name, xdp ? "xdp" : "tc",
					      mode_names[m], dk, du);
				bad++;
			}
		}
	}
	print_message("%zu frames, %u segments by frame.c; %u BPF runs "
		      "(%u too short for a TC test run); %u differences\n",
		      OFXT_NFRAMES, segs, runs, skipped, bad);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parsers_agree),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
