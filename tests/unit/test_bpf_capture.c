// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_bpf_capture.c - the BPF capture source (capture_bpf.c) end to end on
 * the loopback device of a private network namespace: attach rules on lo,
 * segments delivered for real TCP traffic, port set replacement, counters.
 *
 * The mode name tests run everywhere; the rest needs root (skipped
 * otherwise) and runs after unshare(CLONE_NEWNET), so nothing is attached
 * to the host's interfaces.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture/capture.h"

static void test_mode_names(void **state)
{
	enum ofx_mode m = OFX_MODE_PCAP;
	static const char *const names[] = {"auto", "xdp", "tc", "pcap"};
	unsigned int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		assert_int_equal(ofx_mode_parse(names[i], &m), 0);
		assert_int_equal(m, (enum ofx_mode)i);
		assert_string_equal(ofx_mode_name(m), names[i]);
	}
	assert_int_equal(ofx_mode_parse("XDP", &m), -EINVAL);
	assert_int_equal(ofx_mode_parse("", &m), -EINVAL);
	assert_int_equal(ofx_mode_parse(NULL, &m), -EINVAL);
}

#define MAX_SEGS 64

struct seen {
	struct ofx_segment seg[MAX_SEGS];
	uint8_t data[MAX_SEGS][16];
	int n;
};

static void on_seg(void *ctx, const struct ofx_segment *s)
{
	struct seen *sn = ctx;

	if (sn->n >= MAX_SEGS)
		return;
	sn->seg[sn->n] = *s;
	memcpy(sn->data[sn->n], s->data, s->cap_len < 16 ? s->cap_len : 16);
	sn->seg[sn->n].data = NULL;
	sn->n++;
}

/* Private netns with lo up; false if not root or unshare failed. */
static bool private_lo(void)
{
	struct ifreq ifr;
	int s;

	if (geteuid() != 0 || unshare(CLONE_NEWNET))
		return false;
	s = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(s >= 0);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	assert_int_equal(ioctl(s, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags |= IFF_UP;
	assert_int_equal(ioctl(s, SIOCSIFFLAGS, &ifr), 0);
	close(s);
	return true;
}

/*
 * One exchange on 127.0.0.1:@port: connect, client sends @c2s, server
 * answers @s2c, both close. Return the client's source port.
 */
static uint16_t exchange(uint16_t port, const uint8_t *c2s, size_t c2s_len,
			 const uint8_t *s2c, size_t s2c_len)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t alen = sizeof(a);
	int l, c, s, one = 1;
	uint8_t buf[64];

	assert_true(c2s_len <= sizeof(buf) && s2c_len <= sizeof(buf));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(port);
	l = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(l >= 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(l, 1), 0);
	c = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(c >= 0);
	assert_int_equal(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
	s = accept(l, NULL, NULL);
	assert_true(s >= 0);
	assert_int_equal(send(c, c2s, c2s_len, 0), (ssize_t)c2s_len);
	assert_int_equal(recv(s, buf, c2s_len, MSG_WAITALL), (ssize_t)c2s_len);
	assert_int_equal(send(s, s2c, s2c_len, 0), (ssize_t)s2c_len);
	assert_int_equal(recv(c, buf, s2c_len, MSG_WAITALL), (ssize_t)s2c_len);
	assert_int_equal(getsockname(c, (struct sockaddr *)&a, &alen), 0);
	close(c);
	close(s);
	close(l);
	return ntohs(a.sin_port);
}

/* Poll until no record arrives for 300 ms. */
static void drain(struct ofx_bpf *b)
{
	int quiet = 0, r;

	while (quiet < 3) {
		r = ofx_bpf_poll(b, 100);
		assert_true(r >= 0);
		quiet = r ? 0 : quiet + 1;
	}
}

static void test_lo_capture(void **state)
{
	static const uint8_t hello_c[8] = {4, 0, 0, 8, 0, 0, 0, 1};
	static const uint8_t hello_s[8] = {4, 0, 0, 8, 0, 0, 0, 2};
	struct ofx_portset ps = {.ports = {6653}, .n = 1};
	struct ofx_bpf_opts o = {.ifname = "lo", .ports = &ps, .cb = on_seg};
	static struct seen sn;
	static struct ofx_stats st;
	struct ofx_bpf *b = NULL;
	int i, in = -1, out = -1, syn = 0, fin = 0;
	uint16_t cport;

	(void)state;
	if (!private_lo())
		skip();
	/* A hang (socket or poll) kills the test instead of blocking make. */
	alarm(30);
	o.ctx = &sn;
	o.ringbuf_bytes = 1 << 20;

	/* Never XDP on lo. */
	o.mode = OFX_MODE_XDP;
	assert_int_equal(ofx_bpf_open(&o, &b), -EOPNOTSUPP);
	assert_null(b);
	o.ifname = "ofx-no-such-if";
	o.mode = OFX_MODE_TC;
	assert_int_equal(ofx_bpf_open(&o, &b), -ENODEV);
	o.ifname = "lo";

	/* auto on lo: one TC ingress hook. */
	o.mode = OFX_MODE_AUTO;
	assert_int_equal(ofx_bpf_open(&o, &b), 0);
	assert_non_null(strstr(ofx_bpf_describe(b), "ingress on lo"));
	assert_null(strstr(ofx_bpf_describe(b), "egress"));
	assert_null(strstr(ofx_bpf_describe(b), "xdp"));

	cport = exchange(6653, hello_c, 8, hello_s, 8);
	drain(b);
	for (i = 0; i < sn.n; i++) {
		const struct ofx_segment *s = &sn.seg[i];

		assert_int_equal(s->key.family, 4);
		assert_true(s->first);
		if (s->tcp_flags & OFX_TCP_SYN)
			syn++;
		if (s->tcp_flags & OFX_TCP_FIN)
			fin++;
		if (!s->cap_len)
			continue;
		if (s->dir == OFX_DIR_IN)
			in = i;
		else
			out = i;
	}
	/* Each segment once: SYN, SYN-ACK, two FINs, two payloads. */
	assert_int_equal(syn, 2);
	assert_int_equal(fin, 2);
	assert_true(in >= 0 && out >= 0);
	assert_int_equal(sn.seg[in].key.dport, 6653);
	assert_int_equal(sn.seg[in].key.sport, cport);
	assert_int_equal(sn.seg[in].key.saddr[0], htonl(INADDR_LOOPBACK));
	assert_int_equal(sn.seg[in].cap_len, 8);
	assert_memory_equal(sn.data[in], hello_c, 8);
	assert_int_equal(sn.seg[out].key.sport, 6653);
	assert_memory_equal(sn.data[out], hello_s, 8);

	ofx_bpf_update_stats(b, &st);
	assert_int_equal(st.src.records, sn.n);
	assert_int_equal(st.src.records_lost, 0);
	assert_int_equal(st.src.kernel.records, sn.n);
	assert_int_equal(st.src.kernel.bytes[OFX_DIR_IN], 8);
	assert_int_equal(st.src.kernel.bytes[OFX_DIR_OUT], 8);

	/* Replace the port set: 6653 traffic is no longer seen, 6633 is. */
	ps.ports[0] = 6633;
	assert_int_equal(ofx_bpf_set_ports(b, &ps), 0);
	sn.n = 0;
	exchange(6653, hello_c, 8, hello_s, 8);
	drain(b);
	assert_int_equal(sn.n, 0);
	exchange(6633, hello_c, 8, hello_s, 8);
	drain(b);
	assert_true(sn.n >= 6);
	assert_int_equal(sn.seg[0].key.dport, 6633);

	st.msgs.of[4][0][OFX_DIR_IN].msgs = 2;
	st.msgs.of[4][0][OFX_DIR_IN].bytes = 16;
	assert_int_equal(ofx_bpf_export_counts(b, &st), 0);

	ofx_bpf_close(b);
	alarm(0);
	/* Nothing of ours left to clean up after a normal close. */
	assert_int_equal(ofx_bpf_cleanup(if_nametoindex("lo")), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mode_names),
		cmocka_unit_test(test_lo_capture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
