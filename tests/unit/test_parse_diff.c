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
 * frame.c is checked against the expectations. The harness (loading, the
 * runs, the comparison) is ofx_parse_diff.h, shared with
 * tests/fuzz/fuzz_parse_diff.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "ofx_parse_diff.h"
#include "ofx_test_frames.h"

_Static_assert(OFXT_PORT_A == OFXPD_PORT_A && OFXT_PORT_B == OFXPD_PORT_B,
	       "the templates' ports are the ones the harness loads");
_Static_assert(OFXT_FRAME_MAX <= OFXPD_PAY_MAX,
	       "a record's payload fits the harness's buffer");

/* The harness's @die: fails the running test (or the group setup). */
static void die(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fail_msg("%s", msg);
}

static int setup(void **state)
{
	struct ofxpd *f = malloc(sizeof(*f));

	if (!f || ofxpd_init(f, die))
		return -1;
	*state = f;
	if (geteuid() == 0)
		ofxpd_load(f);
	return 0;
}

static int teardown(void **state)
{
	struct ofxpd *f = *state;

	ofxpd_unload(f);
	free(f);
	return 0;
}

/* Does frame.c's result say what template @t expects? */
static bool as_expected(const struct ofxt_frame *t,
			const struct ofxpd_result *u)
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
	struct ofxpd *f = *state;
	static uint8_t buf[OFXT_FRAME_MAX];
	unsigned int bad = 0, runs = 0, skipped = 0, segs = 0;

	if (!f->skel[0])
		print_message("not root: BPF programs not loaded, "
			      "checking frame.c only\n");
	for (size_t i = 0; i < OFXT_NFRAMES; i++) {
		const struct ofxt_frame *t = &ofxt_frames[i];
		size_t len = ofxt_build(t, buf, sizeof(buf));
		struct ofxpd_result u, k, snap;
		uint32_t cap, snap_cap;
		char du[OFXPD_DESC_MAX], dk[OFXPD_DESC_MAX];

		assert_true(len >= OFX_ETH_HLEN);
		cap = ofxpd_parse_user(f, buf, len, len, &u);
		segs += u.seg;
		if (!as_expected(t, &u)) {
			ofxpd_describe(du, sizeof(du), &u);
			print_message("EXPECT %-44s frame.c: %s\n", t->name,
				      du);
			bad++;
		}
		if (u.seg) {
			/* Snapped 4 bytes into the payload: same length. */
			size_t caplen =
				u.pay_off + 4 < len ? u.pay_off + 4 : len;

			snap_cap = ofxpd_parse_user(f, buf, caplen, len, &snap);
			snap.pay_at_off = u.pay_at_off;
			if (!ofxpd_same(&u, &snap) ||
			    snap_cap != (cap < 4 ? cap : 4)) {
				ofxpd_describe(du, sizeof(du), &snap);
				print_message("SNAP   %-44s frame.c: %s, "
					      "captured %u\n",
					      t->name, du, snap_cap);
				bad++;
			}
		}
		for (int m = 0; f->skel[0] && m < OFXPD_NMODES; m++) {
			/* The in-place parser leaves IPv6 extension headers
			 * to the helper parser (its fallback). */
			if (ofxpd_modes[m] == OFXPD_IN_PLACE && t->n_ext)
				continue;
			for (int xdp = 0; xdp < 2; xdp++) {
				if (!ofxpd_parse_bpf(f, m, xdp, buf, len,
						     u.pay_off, &k)) {
					/* Only TC refuses a short frame. */
					if (xdp)
						fail_msg("xdp/%s: %s refused",
							 ofxpd_mode_names[m],
							 t->name);
					skipped++;
					continue;
				}
				runs++;
				if (ofxpd_same(&u, &k))
					continue;
				ofxpd_describe(du, sizeof(du), &u);
				ofxpd_describe(dk, sizeof(dk), &k);
				print_message("DIFFER %-44s %s/%s: %s; "
					      "frame.c: %s\n",
					      t->name, xdp ? "xdp" : "tc",
					      ofxpd_mode_names[m], dk, du);
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
