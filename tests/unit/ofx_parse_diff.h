/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ofx_parse_diff.h - the differential harness of the two frame parsers,
 * shared by tests/unit/test_parse_diff.c (cmocka, the frame templates) and
 * tests/fuzz/fuzz_parse_diff.c (libFuzzer, arbitrary frames): load the BPF
 * programs once per parser mode, run a frame through one of them with
 * BPF_PROG_TEST_RUN and through frame.c (ofx_frame_parse), and compare what
 * each made of it.
 *
 * A failed check calls the fixture's @die, which must not return (the unit
 * test fails the test, the fuzz harness aborts). Loading needs root.
 */
#ifndef OFX_PARSE_DIFF_H
#define OFX_PARSE_DIFF_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>
#include <linux/types.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <pcap/dlt.h>

#include "capture/frame.h"
#include "capture/segment.h"
#include "ofx_parse.h"
#include "ofxdp.h"
#include "ofxdp.skel.h"

/* The OpenFlow ports put in the port set (and the BPF programs' map). */
#define OFXPD_PORT_A 6653
#define OFXPD_PORT_B 6633
#define OFXPD_PORTS "6653,6633"

/* Record payload bytes kept from a run (the longest frame taken). */
#define OFXPD_PAY_MAX 2048

/* Big enough for ofxpd_describe(), bytes. */
#define OFXPD_DESC_MAX 192

/* A test run may refuse a frame shorter than this, bytes (TC's does). */
#define OFXPD_TC_MIN 64

/**
 * struct ofxpd_result - what a parser made of one frame.
 * @seg:        a TCP segment on an OpenFlow port
 * @dir:        OFX_DIR_IN or OFX_DIR_OUT
 * @family:     4 or 6
 * @flags:      TCP flags (OFX_TCP_*)
 * @sport:      source port
 * @dport:      destination port
 * @seq:        TCP sequence number
 * @pay_len:    payload length, bytes (from the wire length)
 * @ip_short:   the IP length claimed more than the frame (ip_len_short)
 * @delivered:  goes on to reassembly (a ring record)
 * @pay_at_off: the delivered bytes are the frame's at frame.c's offset
 * @pay_off:    where frame.c found the payload, bytes into the frame
 */
struct ofxpd_result {
	bool seg;
	uint8_t dir;
	uint8_t family;
	uint8_t flags;
	uint16_t sport, dport;
	uint32_t seq;
	uint32_t pay_len;
	bool ip_short;
	bool delivered;
	bool pay_at_off;
	size_t pay_off;
};

/* The parser modes loaded, one skeleton each: ofx_parse_mode of
 * bpf/ofxdp.bpf.c and its name. */
#define OFXPD_NMODES 3
#define OFXPD_IN_PLACE 2 /* the in-place parser only (no fallback) */
static const int ofxpd_modes[OFXPD_NMODES] = {0, OFXPD_IN_PLACE, 1};
static const char *const ofxpd_mode_names[OFXPD_NMODES] = {
	"production", "in place", "helpers"};

/**
 * struct ofxpd - the fixture: the programs of every parser mode and what
 * their last run left.
 * @skel:    skeleton per mode (NULL until ofxpd_load())
 * @rb:      its ring buffer
 * @rec:     header of the first record of the last run
 * @rec_pay: its payload (up to OFXPD_PAY_MAX bytes)
 * @nrecs:   records of the last run
 * @ports:   the OpenFlow ports, for frame.c
 * @ncpus:   possible CPUs (per-CPU map entries)
 * @pc:      @ncpus per-CPU counters, read by ofxpd_kstats()
 * @die:     reports a failed check (printf format); must not return
 */
struct ofxpd {
	struct ofxdp_bpf *skel[OFXPD_NMODES];
	struct ring_buffer *rb[OFXPD_NMODES];
	struct ofx_rec_hdr rec;
	uint8_t rec_pay[OFXPD_PAY_MAX];
	int nrecs;
	struct ofx_portset ports;
	int ncpus;
	struct ofx_kstats *pc;
	void (*die)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
};

/* Ring buffer callback (@ctx: the struct ofxpd): counts the records, keeps
 * the first. */
static inline int ofxpd_on_rec(void *ctx, void *data, size_t size)
{
	struct ofxpd *f = ctx;

	if (f->nrecs++ == 0 && size >= sizeof(f->rec)) {
		size_t n = size - sizeof(f->rec);

		memcpy(&f->rec, data, sizeof(f->rec));
		memcpy(f->rec_pay, (uint8_t *)data + sizeof(f->rec),
		       n < sizeof(f->rec_pay) ? n : sizeof(f->rec_pay));
	}
	return 0;
}

/* libbpf print callback: warnings only. */
static inline int ofxpd_quiet(enum libbpf_print_level l, const char *fmt,
			      va_list ap)
{
	if (l == LIBBPF_WARN)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

/**
 * ofxpd_init() - zero @f, set its @die and its port set (OFXPD_PORTS); no
 * BPF. Return: 0, -1 if the port set does not parse.
 */
static inline int ofxpd_init(struct ofxpd *f, void (*die)(const char *fmt, ...))
{
	memset(f, 0, sizeof(*f));
	f->die = die;
	return ofx_portset_parse(OFXPD_PORTS, &f->ports) ? -1 : 0;
}

/**
 * ofxpd_load() - load the BPF programs of every parser mode into @f, the
 * OpenFlow ports in their map, a 1 MiB ring each. Needs root; @die on
 * failure.
 */
static inline void ofxpd_load(struct ofxpd *f)
{
	__u16 ports[2] = {OFXPD_PORT_A, OFXPD_PORT_B};
	__u8 one = 1;

	libbpf_set_print(ofxpd_quiet);
	f->ncpus = libbpf_num_possible_cpus();
	if (f->ncpus <= 0)
		f->die("libbpf_num_possible_cpus: %d", f->ncpus);
	f->pc = calloc((size_t)f->ncpus, sizeof(*f->pc));
	if (!f->pc)
		f->die("out of memory");
	for (int m = 0; m < OFXPD_NMODES; m++) {
		struct ofxdp_bpf *s = ofxdp_bpf__open();

		if (!s || bpf_map__set_max_entries(s->maps.ofx_rb, 1 << 20))
			f->die("cannot open the BPF object");
		s->rodata->ofx_parse_mode = ofxpd_modes[m];
		if (ofxdp_bpf__load(s))
			f->die("cannot load the BPF programs (%s mode)",
			       ofxpd_mode_names[m]);
		f->skel[m] = s;
		for (int i = 0; i < 2; i++)
			if (bpf_map_update_elem(bpf_map__fd(s->maps.ofx_ports),
						&ports[i], &one, BPF_ANY))
				f->die("cannot set the ports");
		f->rb[m] = ring_buffer__new(bpf_map__fd(s->maps.ofx_rb),
					    ofxpd_on_rec, f, NULL);
		if (!f->rb[m])
			f->die("cannot open the ring buffer");
	}
}

/* ofxpd_unload() - free what ofxpd_load() took (a NULL part is skipped). */
static inline void ofxpd_unload(struct ofxpd *f)
{
	for (int m = 0; m < OFXPD_NMODES; m++) {
		ring_buffer__free(f->rb[m]);
		ofxdp_bpf__destroy(f->skel[m]);
		f->rb[m] = NULL;
		f->skel[m] = NULL;
	}
	free(f->pc);
	f->pc = NULL;
}

/* ofxpd_kstats() - the per-CPU counters of @s, summed into @sum. */
static inline void ofxpd_kstats(struct ofxpd *f, struct ofxdp_bpf *s,
				struct ofx_kstats *sum)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(s->maps.ofx_kstats), &zero, f->pc))
		f->die("cannot read ofx_kstats");
	memset(sum, 0, sizeof(*sum));
	for (int i = 0; i < f->ncpus; i++) {
		for (int d = 0; d < OFX_NDIRS; d++) {
			sum->segs[d] += f->pc[i].segs[d];
			sum->bytes[d] += f->pc[i].bytes[d];
		}
		sum->records += f->pc[i].records;
		sum->ip_len_short += f->pc[i].ip_len_short;
	}
}

/**
 * ofxpd_parse_user() - frame.c on the @len-byte Ethernet frame at @buf, of
 * which @caplen bytes were captured, into @r.
 * Return: payload bytes captured (0 if no segment).
 */
static inline uint32_t ofxpd_parse_user(const struct ofxpd *f,
					const uint8_t *buf, size_t caplen,
					size_t len, struct ofxpd_result *r)
{
	struct ofx_segment seg;
	bool ip_short = false;

	memset(r, 0, sizeof(*r));
	if (ofx_frame_parse(DLT_EN10MB, buf, caplen, len, &f->ports, &seg,
			    &ip_short) != OFX_FRAME_OK)
		return 0;
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
	return seg.cap_len;
}

/**
 * ofxpd_parse_bpf() - the BPF program of mode @m (XDP if @xdp, else TC
 * ingress) on the @len-byte frame at @buf, into @r; @pay_off: where frame.c
 * found the payload (the record's bytes are compared with the frame's
 * there). @die if the run fails, its verdict is not to pass, or its
 * counters and records disagree.
 * Return: false if the kernel refused the test run of a frame shorter than
 * OFXPD_TC_MIN bytes (EINVAL), true otherwise.
 */
static inline bool ofxpd_parse_bpf(struct ofxpd *f, int m, bool xdp,
				   const uint8_t *buf, size_t len,
				   size_t pay_off, struct ofxpd_result *r)
{
	struct ofxdp_bpf *s = f->skel[m];
	struct bpf_program *prog =
		xdp ? s->progs.ofx_xdp : s->progs.ofx_tc_ingress;
	const char *what = xdp ? "xdp" : "tc", *mode = ofxpd_mode_names[m];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf,
		    .data_size_in = (__u32)len, .repeat = 1);
	struct ofx_kstats a, b;
	uint64_t din, dout;
	int err;

	memset(r, 0, sizeof(*r));
	ofxpd_kstats(f, s, &a);
	f->nrecs = 0;
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	if (err == -EINVAL && len < OFXPD_TC_MIN)
		return false;
	if (err)
		f->die("%s/%s: BPF_PROG_TEST_RUN: %d on %zu bytes", what, mode,
		       err, len);
	if (opts.retval != (xdp ? XDP_PASS : 0xffffffffu))
		f->die("%s/%s: verdict %u", what, mode, opts.retval);
	ring_buffer__consume(f->rb[m]);
	ofxpd_kstats(f, s, &b);
	din = b.segs[OFX_DIR_IN] - a.segs[OFX_DIR_IN];
	dout = b.segs[OFX_DIR_OUT] - a.segs[OFX_DIR_OUT];
	if (din + dout > 1 || f->nrecs > 1)
		f->die("%s/%s: %llu segments, %d records from one frame", what,
		       mode, (unsigned long long)(din + dout), f->nrecs);
	r->seg = din + dout == 1;
	if (!r->seg) {
		if (f->nrecs)
			f->die("%s/%s: a record without a segment", what, mode);
		return true;
	}
	r->dir = din ? OFX_DIR_IN : OFX_DIR_OUT;
	r->pay_len =
		(uint32_t)(b.bytes[0] + b.bytes[1] - a.bytes[0] - a.bytes[1]);
	r->ip_short = b.ip_len_short != a.ip_len_short;
	r->delivered = f->nrecs == 1;
	/* Without a record, take frame.c's word for where the payload is. */
	r->pay_off = pay_off;
	if (!r->delivered)
		return true;
	r->family = f->rec.family;
	r->flags = f->rec.tcp_flags;
	r->sport = f->rec.sport;
	r->dport = f->rec.dport;
	r->seq = f->rec.seq;
	if (f->rec.dir != r->dir || f->rec.seg_len != r->pay_len ||
	    f->rec.cap_len != r->pay_len || f->rec.nchunks != 1)
		f->die("%s/%s: record dir %u seg_len %u cap_len %u nchunks %u "
		       "vs counters dir %u payload %u",
		       what, mode, f->rec.dir, f->rec.seg_len, f->rec.cap_len,
		       f->rec.nchunks, r->dir, r->pay_len);
	r->pay_at_off = pay_off + f->rec.cap_len <= len &&
			!memcmp(f->rec_pay, buf + pay_off, f->rec.cap_len);
	return true;
}

/* ofxpd_describe() - @r as text into @out (@n bytes; OFXPD_DESC_MAX is
 * enough). */
static inline void ofxpd_describe(char *out, size_t n,
				  const struct ofxpd_result *r)
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

/* ofxpd_same() - same results (@u: frame.c's, @k: a BPF program's)? Fields
 * a bare count cannot show are compared only when both delivered a record. */
static inline bool ofxpd_same(const struct ofxpd_result *u,
			      const struct ofxpd_result *k)
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

#endif /* OFX_PARSE_DIFF_H */
