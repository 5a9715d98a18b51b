// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_capture_pcap.c - the libpcap file source (capture_pcap.c, as
 * `ofxdp read` uses it) on pcapng files written here: timestamps at the
 * edges of what a pcapng block can say (64-bit times: no signed overflow
 * converting them to ns - `make unit-san` builds this test with
 * -fsanitize=undefined -fno-sanitize-recover=undefined), the
 * ip_len_short counter, and bare ACKs that are counted but never
 * delivered (rule 7 of include/ofx_parse.h, as in the BPF programs).
 * As root, in a private network namespace: a live capture whose interface
 * goes down carries on, and one whose interface is deleted (up, or while
 * down) ends with -ENODEV (deleted while down, it once went on quietly
 * for ever, capturing nothing: the socket's one error came with the down).
 */
#define _GNU_SOURCE /* unshare */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture/capture.h"
#include "capture/frame.h"
#include "ofx_test_frames.h"
#include "ofx_test_util.h"

#define MAX_SEGS 16

struct seen {
	struct ofx_segment seg[MAX_SEGS];
	int n;
};

static void on_seg(void *ctx, const struct ofx_segment *s)
{
	struct seen *sn = ctx;

	if (sn->n < MAX_SEGS)
		sn->seg[sn->n] = *s;
	sn->n++;
}

static void put_le32(FILE *f, uint32_t v)
{
	uint8_t b[4] = {v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24};

	assert_int_equal(fwrite(b, 1, 4, f), 4);
}

/* Section header and one Ethernet interface (microsecond times). */
static void pcapng_start(FILE *f)
{
	put_le32(f, 0x0a0d0d0a); /* SHB */
	put_le32(f, 28);
	put_le32(f, 0x1a2b3c4d);
	put_le32(f, 1); /* version 1.0 */
	put_le32(f, 0xffffffff); /* section length unknown */
	put_le32(f, 0xffffffff);
	put_le32(f, 28);
	put_le32(f, 1); /* IDB */
	put_le32(f, 20);
	put_le32(f, 1); /* LINKTYPE_ETHERNET, reserved 0 */
	put_le32(f, 0); /* snaplen: none */
	put_le32(f, 20);
}

/* An enhanced packet block: frame @t at time @ts (microseconds). */
static void pcapng_packet(FILE *f, const struct ofxt_frame *t, uint64_t ts)
{
	static uint8_t buf[OFXT_FRAME_MAX];
	static const uint8_t zero[4];
	size_t len = ofxt_build(t, buf, sizeof(buf));
	size_t pad = (4 - len % 4) % 4;
	uint32_t total = (uint32_t)(32 + len + pad);

	assert_true(len > 0);
	put_le32(f, 6); /* EPB */
	put_le32(f, total);
	put_le32(f, 0); /* interface 0 */
	put_le32(f, (uint32_t)(ts >> 32));
	put_le32(f, (uint32_t)ts);
	put_le32(f, (uint32_t)len); /* captured */
	put_le32(f, (uint32_t)len); /* on the wire */
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fwrite(zero, 1, pad, f), pad);
	put_le32(f, total);
}

/* Read @path to the end; segments into @sn, counters into @st. */
static void read_file(const char *path, struct seen *sn, struct ofx_stats *st)
{
	struct ofx_portset ports;
	struct ofx_pcap *src = NULL;
	char err[256] = "";
	int rc;

	assert_int_equal(ofx_portset_parse("6653,6633", &ports), 0);
	rc = ofx_pcap_open_file(path, &ports, on_seg, sn, &src, err);
	if (rc)
		fail_msg("open %s: %s", path, err);
	while ((rc = ofx_pcap_poll(src)) >= 0)
		;
	assert_int_equal(rc, -ENODATA);
	ofx_pcap_update_stats(src, st);
	ofx_pcap_close(src);
}

static const struct ofxt_frame syn = {.flags = OFXT_SYN, .pay_set = true};
static const struct ofxt_frame data = {.seq = 1001};

/*
 * 64-bit pcapng times beyond what int64 nanoseconds hold (year 2262):
 * saturated, and the frames still delivered; ordinary times exact.
 */
static void test_huge_timestamps(void **state)
{
	char path[] = "/tmp/ofxdp-test-XXXXXX";
	struct ofx_stats *st = ofxt_stats_new();
	struct seen sn = {0};
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	pcapng_start(f);
	pcapng_packet(f, &syn, 1700000000123456ull);
	pcapng_packet(f, &data, UINT64_MAX); /* 1.8e13 s */
	pcapng_packet(f, &data, 9223372036854775ull + 1000000); /* > 2^63 ns */
	pcapng_packet(f, &data, 9223372036000000ull); /* just below */
	assert_int_equal(fclose(f), 0);
	read_file(path, &sn, st);
	unlink(path);

	assert_int_equal(sn.n, 4);
	assert_int_equal(st->src.records, 4);
	assert_int_equal(sn.seg[0].ts_ns, 1700000000123456000ull);
	assert_int_equal(sn.seg[1].ts_ns, INT64_MAX);
	assert_int_equal(sn.seg[2].ts_ns, INT64_MAX);
	assert_int_equal(sn.seg[3].ts_ns, 9223372036000000000ull);
	for (int i = 1; i < 4; i++)
		assert_int_equal(sn.seg[i].seg_len, 8);
	free(st);
}

/*
 * The IP length beyond the frame: the payload is what the frame holds,
 * counted in ip_len_short. A bare ACK is a frame, not a delivered segment.
 */
static void test_ip_len_short_and_bare_ack(void **state)
{
	static const struct ofxt_frame long_ip = {.ip_len_adj = 337,
						  .seq = 2000};
	static const struct ofxt_frame ack = {.flags = OFXT_ACK,
					      .pay_set = true};
	static const struct ofxt_frame fin = {.flags = OFXT_FIN | OFXT_ACK,
					      .pay_set = true};
	char path[] = "/tmp/ofxdp-test-XXXXXX";
	struct ofx_stats *st = ofxt_stats_new();
	struct seen sn = {0};
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	pcapng_start(f);
	pcapng_packet(f, &syn, 1000000);
	pcapng_packet(f, &long_ip, 2000000);
	pcapng_packet(f, &ack, 3000000);
	pcapng_packet(f, &fin, 4000000);
	assert_int_equal(fclose(f), 0);
	read_file(path, &sn, st);
	unlink(path);

	assert_int_equal(st->src.records, 4);
	assert_int_equal(st->src.malformed, 0);
	assert_int_equal(st->src.ip_len_short, 1);
	assert_int_equal(sn.n, 3); /* SYN, data, FIN: not the bare ACK */
	assert_int_equal(sn.seg[1].seq, 2000);
	assert_int_equal(sn.seg[1].seg_len, 8);
	assert_int_equal(sn.seg[1].cap_len, 8);
	assert_int_equal(sn.seg[2].tcp_flags, OFXT_FIN | OFXT_ACK);
	free(st);
}

/* 6653, 6633 and 62 five-digit ports: OFX_MAX_PORTS. */
static void ports64(struct ofx_portset *ports)
{
	char list[512] = "6653,6633";
	size_t off = strlen(list);

	for (int i = 0; i < 62; i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, ",%d",
					60000 + i * 17);
	assert_int_equal(ofx_portset_parse(list, ports), 0);
	assert_int_equal(ports->n, OFX_MAX_PORTS);
}

/*
 * The live capture filter for 64 five-digit ports compiles, and passes
 * every frame that frame.c takes as a segment on an OpenFlow port (every
 * template, and each on the last port of the list), none on other ports.
 */
static void test_filter_64_ports(void **state)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 262144);
	static uint8_t buf[OFXT_FRAME_MAX];
	struct ofx_portset ports;
	struct bpf_program prog;
	unsigned int passed = 0, n = 0;
	char *expr;

	(void)state;
	assert_non_null(p);
	ports64(&ports);
	expr = ofx_pcap_filter(&ports);
	assert_non_null(expr);
	print_message("filter: %zu bytes\n", strlen(expr));
	if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0)
		fail_msg("pcap_compile: %s", pcap_geterr(p));
	for (size_t i = 0; i < 2 * OFXT_NFRAMES; i++) {
		struct ofxt_frame t = ofxt_frames[i % OFXT_NFRAMES];
		struct pcap_pkthdr h = {0};
		struct ofx_segment seg;
		enum ofx_frame_rc rc;
		bool pass;

		if (i >= OFXT_NFRAMES) { /* the same on the last port */
			if (t.dport && t.dport != OFXT_PORT_A)
				continue;
			t.dport = ports.ports[OFX_MAX_PORTS - 1];
		}
		h.caplen = h.len = (uint32_t)ofxt_build(&t, buf, sizeof(buf));
		rc = ofx_frame_parse(DLT_EN10MB, buf, h.caplen, h.len, &ports,
				     &seg, NULL);
		pass = pcap_offline_filter(&prog, &h, buf) != 0;
		n++;
		passed += pass;
		if (rc == OFX_FRAME_OK && !pass)
			fail_msg("filter drops \"%s\" (port %u)", t.name,
				 t.dport);
		if (strstr(t.name, "tcp port 80") ||
		    strstr(t.name, "6652 -> 6654"))
			assert_false(pass);
	}
	print_message("%u of %u frames pass the filter\n", passed, n);
	pcap_freecode(&prog);
	pcap_close(p);
	free(expr);
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Live capture on a veth of a private namespace, downed, then deleted. */
static void test_live_iface_vanishes(void **state)
{
	struct ofx_portset ports = {.ports = {6653}, .n = 1};
	struct ofx_pcap *src = NULL;
	struct seen sn = {0};
	char err[256] = "";
	double t0;
	int i, rc = 0;

	(void)state;
	if (geteuid() != 0 || unshare(CLONE_NEWNET))
		skip();
	if (system("ip link add ofxt0 type veth peer name ofxt1 && "
		   "ip link set ofxt0 up && ip link set ofxt1 up"))
		skip();
	assert_int_equal(
		ofx_pcap_open_live("ofxt0", &ports, on_seg, &sn, &src, err), 0);
	for (i = 0; i < 3; i++)
		assert_true(ofx_pcap_poll(src) >= 0);
	/* Down is not gone: the capture waits for it to come up. */
	assert_int_equal(system("ip link set ofxt0 down"), 0);
	for (i = 0; i < 5; i++)
		assert_true(ofx_pcap_poll(src) >= 0);
	assert_int_equal(system("ip link set ofxt0 up"), 0);
	for (i = 0; i < 3; i++)
		assert_true(ofx_pcap_poll(src) >= 0);
	/* Deleted: an error within about a second (polls of <= 100 ms). */
	assert_int_equal(system("ip link del ofxt0"), 0);
	t0 = mono_s();
	for (i = 0; i < 40 && rc >= 0; i++)
		rc = ofx_pcap_poll(src);
	assert_int_equal(rc, -ENODEV);
	assert_true(mono_s() - t0 < 1.5);
	ofx_pcap_close(src);

	/* Deleted while down: the socket's only error came with the down
	 * (libpcap takes it quietly), none with the deletion. */
	src = NULL;
	assert_int_equal(system("ip link add ofxt2 type veth peer name ofxt3 "
				"&& ip link set ofxt2 up"),
			 0);
	assert_int_equal(
		ofx_pcap_open_live("ofxt2", &ports, on_seg, &sn, &src, err), 0);
	assert_int_equal(system("ip link set ofxt2 down"), 0);
	for (i = 0; i < 3; i++)
		assert_true(ofx_pcap_poll(src) >= 0);
	assert_int_equal(system("ip link del ofxt2"), 0);
	t0 = mono_s();
	rc = 0;
	for (i = 0; i < 40 && rc >= 0; i++)
		rc = ofx_pcap_poll(src);
	assert_int_equal(rc, -ENODEV);
	assert_true(mono_s() - t0 < 1.5);
	ofx_pcap_close(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_64_ports),
		cmocka_unit_test(test_huge_timestamps),
		cmocka_unit_test(test_ip_len_short_and_bare_ack),
		/* last: it moves the process into a new network namespace */
		cmocka_unit_test(test_live_iface_vanishes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
