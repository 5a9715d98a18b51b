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
 * Any disagreement prints both results and aborts. The harness itself
 * (loading, the runs, the comparison) is tests/unit/ofx_parse_diff.h,
 * shared with the unit test.
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
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ofx_parse_diff.h"

#define FRAME_MAX 1514

/* Features of the BPF results, per program and parser (libFuzzer clears
 * them before each input). */
#define NFEAT 8
__attribute__((section("__libfuzzer_extra_counters"))) static uint8_t
	bpf_feat[OFXPD_NMODES * 2 * NFEAT + 2];

static struct ofxpd fx;

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

/* libFuzzer: called once before the first input; loads the programs. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (ofxpd_init(&fx, fail))
		fail("portset");
	if (geteuid() != 0)
		fail("needs root (loads the BPF programs)");
	ofxpd_load(&fx);
	return 0;
}

/* libFuzzer: one input, an Ethernet frame. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ofxpd_result u, k;
	char du[OFXPD_DESC_MAX], dk[OFXPD_DESC_MAX];

	if (size > FRAME_MAX)
		return 0;
	ofxpd_parse_user(&fx, data, size, size, &u);
	for (int m = 0; m < OFXPD_NMODES; m++) {
		for (int xdp = 0; xdp < 2; xdp++) {
			uint8_t *ft = &bpf_feat[(m * 2 + xdp) * NFEAT];

			if (!ofxpd_parse_bpf(&fx, m, xdp, data, size, u.pay_off,
					     &k))
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
			if (ofxpd_modes[m] == OFXPD_IN_PLACE && u.seg && !k.seg)
				bpf_feat[OFXPD_NMODES * 2 * NFEAT + xdp] = 1;
			if (ofxpd_same(&u, &k))
				continue;
			/* The in-place parser alone ignores what needs its
			 * fallback. */
			if (ofxpd_modes[m] == OFXPD_IN_PLACE && !k.seg)
				continue;
			ofxpd_describe(du, sizeof(du), &u);
			ofxpd_describe(dk, sizeof(dk), &k);
			fail("parsers differ on a %zu-byte frame: %s/%s: %s; "
			     "frame.c: %s",
			     size, xdp ? "xdp" : "tc", ofxpd_mode_names[m], dk,
			     du);
		}
	}
	return 0;
}
