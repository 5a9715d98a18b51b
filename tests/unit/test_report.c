// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_report.c - JSON documents (oftraf shapes and /api/v1/stats), the
 * console/text tables and the REST server (real HTTP over loopback).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "output/report.h"
#include "output/rest.h"
#include "analysis/stats.h"

#define SEC 1000000000ull

static const struct ofx_run_info test_info = {
	.mode = "xdp",
	.hooks = "xdp(native) ingress + tcx egress on veth0",
	.ifname = "veth0",
	.ports = "6653,6633",
};

static void set(struct ofx_count *c, uint64_t m, uint64_t b)
{
	c->msgs = m;
	c->bytes = b;
}

/* A snapshot with known counts in 1.0 and 1.3 only. */
static void fill(struct ofx_stats *st, uint64_t scale, uint64_t ts_ns)
{
	memset(st, 0, sizeof(*st));
	set(&st->of_total[OFX_DIR_IN], 10 * scale, 1000 * scale);
	set(&st->of_total[OFX_DIR_OUT], 7 * scale, 700 * scale);
	set(&st->tcp[OFX_DIR_IN], 5 * scale, 1000 * scale);
	set(&st->tcp[OFX_DIR_OUT], 4 * scale, 700 * scale);
	/* 1.0: HELLO both ways, PACKET_IN in, BARRIER_REQUEST (18) out */
	set(&st->of[1][0][OFX_DIR_IN], 1 * scale, 8 * scale);
	set(&st->of[1][0][OFX_DIR_OUT], 1 * scale, 8 * scale);
	set(&st->of[1][10][OFX_DIR_IN], 3 * scale, 300 * scale);
	set(&st->of[1][18][OFX_DIR_OUT], 2 * scale, 16 * scale);
	/* 1.3: MULTIPART_REQUEST (18) out, MULTIPART_REPLY (19) in */
	set(&st->of[4][18][OFX_DIR_OUT], 4 * scale, 64 * scale);
	set(&st->of[4][19][OFX_DIR_IN], 6 * scale, 692 * scale);
	/* 1.3 invalid type seen once inbound */
	set(&st->of_invalid[4][OFX_DIR_IN], 1 * scale, 8 * scale);
	st->bad_headers = 2 * scale;
	st->reasm.gaps = 3;
	st->reasm.resyncs = 4;
	st->reasm.ooo_bytes_queued = 16;
	st->src.records = 99;
	st->src.records_lost = 1;
	st->src.kernel.segs[OFX_DIR_OUT] = 11;
	st->src.kernel.reserve_fail = 1;
	st->src.kernel.trunc_bytes = 5;
	st->src.pcap_drop = 2;
	st->ts_ns = ts_ns;
}

static char *dump(json_t *j, size_t flags)
{
	char *s;

	assert_non_null(j);
	s = json_dumps(j, flags);
	assert_non_null(s);
	json_decref(j);
	return s;
}

static json_t *parse(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, 0, &e);

	if (!j)
		fail_msg("bad JSON (%s): %s", e.text, s);
	return j;
}

static void assert_pair(json_t *a, uint64_t m, uint64_t b)
{
	assert_non_null(a);
	assert_true(json_is_array(a));
	assert_int_equal(json_array_size(a), 2);
	assert_true(json_is_integer(json_array_get(a, 0)));
	assert_true(json_is_integer(json_array_get(a, 1)));
	assert_int_equal(json_integer_value(json_array_get(a, 0)), m);
	assert_int_equal(json_integer_value(json_array_get(a, 1)), b);
}

/* Every key of @obj is in the NULL-terminated @keys, and their counts agree. */
static void assert_keys(json_t *obj, const char *const *keys)
{
	size_t n = 0;
	const char *k;
	json_t *v;

	assert_true(json_is_object(obj));
	for (; keys[n]; n++)
		if (!json_object_get(obj, keys[n]))
			fail_msg("key %s missing", keys[n]);
	json_object_foreach(obj, k, v)
	{
		size_t i;

		(void)v;
		for (i = 0; keys[i] && strcmp(keys[i], k); i++)
			;
		if (!keys[i])
			fail_msg("unexpected key %s", k);
	}
	assert_int_equal(json_object_size(obj), n);
}

/* Keys of @obj appear in @s in the order of @keys. */
static void assert_key_order(const char *s, const char *const *keys)
{
	const char *last = s;

	for (size_t i = 0; keys[i]; i++) {
		char q[128];
		const char *p;

		snprintf(q, sizeof(q), "\"%s\"", keys[i]);
		p = strstr(s, q);
		if (!p || p < last)
			fail_msg("key %s out of order in %s", keys[i], s);
		last = p;
	}
}

static double num(json_t *j)
{
	assert_true(json_is_number(j));
	return json_number_value(j);
}

/* ---- oftraf shapes ---- */

static void test_of_counts(void **state)
{
	static const char *const keys[] = {"OF_in_counts", "OF_out_counts",
					   "TCP_OF_in_counts",
					   "TCP_OF_out_counts", NULL};
	struct ofx_stats st;
	char *s;
	json_t *j;

	(void)state;
	fill(&st, 1, 5 * SEC);
	s = dump(ofx_json_of_counts(&st), JSON_PRESERVE_ORDER);
	/* Byte for byte what oftraf (Python json.dumps) would send. */
	assert_string_equal(s, "{\"OF_in_counts\": [10, 1000], "
			       "\"OF_out_counts\": [7, 700], "
			       "\"TCP_OF_in_counts\": [5, 1000], "
			       "\"TCP_OF_out_counts\": [4, 700]}");
	assert_key_order(s, keys);
	j = parse(s);
	assert_keys(j, keys);
	assert_pair(json_object_get(j, "OF_in_counts"), 10, 1000);
	assert_pair(json_object_get(j, "OF_out_counts"), 7, 700);
	assert_pair(json_object_get(j, "TCP_OF_in_counts"), 5, 1000);
	assert_pair(json_object_get(j, "TCP_OF_out_counts"), 4, 700);
	json_decref(j);
	free(s);

	/* Large counters stay exact integers. */
	st.of_total[OFX_DIR_IN].bytes = 1ull << 53 | 1;
	j = ofx_json_of_counts(&st);
	assert_int_equal(json_integer_value(json_array_get(
				 json_object_get(j, "OF_in_counts"), 1)),
			 1ull << 53 | 1);
	json_decref(j);
}

static void test_version_counts(void **state)
{
	static const char *const k10[] = {"OF10_in_counts", "OF10_out_counts",
					  NULL};
	static const char *const k13[] = {"OF13_in_counts", "OF13_out_counts",
					  NULL};
	static const char *const in10[] = {"OFPT_HELLO", "OFPT_PACKET_IN",
					   NULL};
	static const char *const out10[] = {"OFPT_HELLO",
					    "OFPT_BARRIER_REQUEST", NULL};
	static const char *const in13[] = {"OFPT_MULTIPART_REPLY", NULL};
	static const char *const out13[] = {"OFPT_MULTIPART_REQUEST", NULL};
	static const char *const none[] = {NULL};
	struct ofx_stats st;
	json_t *j, *in, *out;
	char *s;

	(void)state;
	fill(&st, 1, 5 * SEC);

	s = dump(ofx_json_version_counts(&st, 1), JSON_PRESERVE_ORDER);
	assert_key_order(s, k10);
	j = parse(s);
	assert_keys(j, k10);
	in = json_object_get(j, "OF10_in_counts");
	out = json_object_get(j, "OF10_out_counts");
	assert_keys(in, in10);
	assert_keys(out, out10);
	assert_pair(json_object_get(in, "OFPT_HELLO"), 1, 8);
	assert_pair(json_object_get(in, "OFPT_PACKET_IN"), 3, 300);
	assert_pair(json_object_get(out, "OFPT_BARRIER_REQUEST"), 2, 16);
	json_decref(j);
	free(s);

	j = ofx_json_version_counts(&st, 4);
	assert_non_null(j);
	assert_keys(j, k13);
	in = json_object_get(j, "OF13_in_counts");
	out = json_object_get(j, "OF13_out_counts");
	/* The invalid-type counter must not appear as a type. */
	assert_keys(in, in13);
	assert_keys(out, out13);
	assert_pair(json_object_get(in, "OFPT_MULTIPART_REPLY"), 6, 692);
	assert_pair(json_object_get(out, "OFPT_MULTIPART_REQUEST"), 4, 64);
	json_decref(j);

	/* A version with nothing seen: both objects present and empty. */
	j = ofx_json_version_counts(&st, 6);
	assert_non_null(j);
	assert_keys(json_object_get(j, "OF15_in_counts"), none);
	assert_keys(json_object_get(j, "OF15_out_counts"), none);
	json_decref(j);

	/* A type with bytes but 0 messages is not "seen". */
	st.of[4][0][OFX_DIR_IN].bytes = 8;
	j = ofx_json_version_counts(&st, 4);
	assert_null(json_object_get(json_object_get(j, "OF13_in_counts"),
				    "OFPT_HELLO"));
	json_decref(j);

	assert_null(ofx_json_version_counts(&st, 0));
	assert_null(ofx_json_version_counts(&st, 7));
}

/* ---- /api/v1/stats ---- */

static void test_full_with_prev(void **state)
{
	static const char *const top[] = {
		"mode",	       "hooks",	     "interface",  "ports",
		"uptime_s",    "interval_s", "totals",	   "tcp",
		"versions",    "loss",	     "reassembly", "bad_headers",
		"connections", NULL};
	static const char *const tot_keys[] = {"msgs", "bytes", "msgs_per_s",
					       "bytes_per_s", NULL};
	static const char *const vkeys[] = {"1.0", "1.3", NULL};
	static const char *const vdir[] = {"in", "out", "invalid_type", NULL};
	static const char *const loss_keys[] = {
		"records",   "records_lost", "kernel",
		"pcap_recv", "pcap_drop",    "pcap_ifdrop",
		"non_tcp",   "malformed",    NULL};
	static const char *const kern_keys[] = {"segs_in",
						"segs_out",
						"bytes_in",
						"bytes_out",
						"records",
						"reserve_fail",
						"reserve_fail_bytes",
						"trunc_bytes",
						"ring_hwm_bytes",
						"wakeups",
						NULL};
	struct ofx_stats cur, prev;
	struct ofx_conn_info c[2];
	uint64_t start = 100 * SEC;
	json_t *j, *t, *v, *cn;
	char *s;

	(void)state;
	/* prev at start+8 s with the counts, cur at start+10 s with 3x */
	fill(&prev, 1, start + 8 * SEC);
	fill(&cur, 3, start + 10 * SEC);

	memset(c, 0, sizeof(c));
	c[0].key.family = 4;
	inet_pton(AF_INET, "10.0.0.2", &c[0].key.saddr[0]);
	inet_pton(AF_INET, "10.0.0.1", &c[0].key.daddr[0]);
	c[0].key.sport = 40000;
	c[0].key.dport = 6653;
	c[0].dir = OFX_DIR_IN;
	c[0].version = 4;
	c[0].has_dpid = true;
	c[0].datapath_id = 0xabcull;
	c[0].msgs = 17;
	c[1].key.family = 6;
	inet_pton(AF_INET6, "fd00::1", c[1].key.saddr);
	inet_pton(AF_INET6, "fd00::2", c[1].key.daddr);
	c[1].key.sport = 6633;
	c[1].key.dport = 51000;
	c[1].dir = OFX_DIR_OUT;
	c[1].version = 0;

	s = dump(ofx_json_full(&cur, &prev, start, c, 2, &test_info),
		 JSON_PRESERVE_ORDER);
	assert_key_order(s, top);
	j = parse(s);
	free(s);
	assert_keys(j, top);
	assert_string_equal(json_string_value(json_object_get(j, "mode")),
			    "xdp");
	assert_string_equal(json_string_value(json_object_get(j, "hooks")),
			    test_info.hooks);
	assert_string_equal(json_string_value(json_object_get(j, "interface")),
			    "veth0");
	assert_string_equal(json_string_value(json_object_get(j, "ports")),
			    "6653,6633");
	assert_float_equal(num(json_object_get(j, "uptime_s")), 10.0, 1e-9);
	assert_float_equal(num(json_object_get(j, "interval_s")), 2.0, 1e-9);

	/* totals: in 30 msgs now, 10 before, over 2 s -> 10/s; bytes 1000/s */
	t = json_object_get(json_object_get(j, "totals"), "in");
	assert_keys(t, tot_keys);
	assert_int_equal(json_integer_value(json_object_get(t, "msgs")), 30);
	assert_int_equal(json_integer_value(json_object_get(t, "bytes")), 3000);
	assert_float_equal(num(json_object_get(t, "msgs_per_s")), 10.0, 1e-9);
	assert_float_equal(num(json_object_get(t, "bytes_per_s")), 1000.0,
			   1e-9);
	t = json_object_get(json_object_get(j, "totals"), "out");
	assert_float_equal(num(json_object_get(t, "msgs_per_s")), 7.0, 1e-9);

	t = json_object_get(json_object_get(j, "tcp"), "out");
	assert_int_equal(json_integer_value(json_object_get(t, "segments")),
			 12);
	assert_int_equal(json_integer_value(json_object_get(t, "bytes")), 2100);

	/* versions: only 1.0 and 1.3, only seen types */
	v = json_object_get(j, "versions");
	assert_keys(v, vkeys);
	assert_keys(json_object_get(v, "1.0"), vdir);
	t = json_object_get(json_object_get(json_object_get(v, "1.0"), "in"),
			    "OFPT_PACKET_IN");
	assert_int_equal(json_integer_value(json_object_get(t, "msgs")), 9);
	assert_int_equal(json_integer_value(json_object_get(t, "bytes")), 900);
	/* (9 - 3) / 2 s */
	assert_float_equal(num(json_object_get(t, "msgs_per_s")), 3.0, 1e-9);
	assert_null(json_object_get(
		json_object_get(json_object_get(v, "1.0"), "in"),
		"OFPT_ECHO_REQUEST"));
	t = json_object_get(json_object_get(v, "1.3"), "out");
	assert_int_equal(json_object_size(t), 1);
	assert_non_null(json_object_get(t, "OFPT_MULTIPART_REQUEST"));
	t = json_object_get(json_object_get(v, "1.3"), "invalid_type");
	assert_pair(json_object_get(t, "in"), 3, 24);
	assert_pair(json_object_get(t, "out"), 0, 0);

	t = json_object_get(j, "loss");
	assert_keys(t, loss_keys);
	assert_keys(json_object_get(t, "kernel"), kern_keys);
	assert_int_equal(json_integer_value(json_object_get(t, "records_lost")),
			 1);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(t, "kernel"), "segs_out")),
			 11);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(t, "kernel"), "trunc_bytes")),
			 5);
	assert_int_equal(json_integer_value(json_object_get(t, "pcap_drop")),
			 2);

	t = json_object_get(j, "reassembly");
	assert_int_equal(json_object_size(t),
			 sizeof(struct ofx_reasm_stats) / sizeof(uint64_t));
	assert_int_equal(json_integer_value(json_object_get(t, "gaps")), 3);
	assert_int_equal(json_integer_value(json_object_get(t, "resyncs")), 4);
	assert_int_equal(
		json_integer_value(json_object_get(t, "ooo_bytes_queued")), 16);
	assert_int_equal(json_integer_value(json_object_get(j, "bad_headers")),
			 6);

	cn = json_object_get(j, "connections");
	assert_true(json_is_array(cn));
	assert_int_equal(json_array_size(cn), 2);
	t = json_array_get(cn, 0);
	assert_string_equal(json_string_value(json_object_get(t, "src")),
			    "10.0.0.2:40000");
	assert_string_equal(json_string_value(json_object_get(t, "dst")),
			    "10.0.0.1:6653");
	assert_string_equal(json_string_value(json_object_get(t, "dir")), "in");
	assert_string_equal(json_string_value(json_object_get(t, "version")),
			    "1.3");
	assert_string_equal(
		json_string_value(json_object_get(t, "datapath_id")),
		"0x0000000000000abc");
	assert_int_equal(json_integer_value(json_object_get(t, "msgs")), 17);
	t = json_array_get(cn, 1);
	assert_string_equal(json_string_value(json_object_get(t, "src")),
			    "[fd00::1]:6633");
	assert_string_equal(json_string_value(json_object_get(t, "dst")),
			    "[fd00::2]:51000");
	assert_string_equal(json_string_value(json_object_get(t, "dir")),
			    "out");
	assert_true(json_is_null(json_object_get(t, "version")));
	assert_true(json_is_null(json_object_get(t, "datapath_id")));
	json_decref(j);
}

static void test_full_no_prev(void **state)
{
	struct ofx_stats cur, prev;
	uint64_t start = 50 * SEC;
	json_t *j, *t;

	(void)state;
	fill(&cur, 2, start + 4 * SEC);
	memset(&prev, 0, sizeof(prev)); /* ts_ns 0: none yet */

	/* Rates from zero over the 4 s since start; same with prev NULL. */
	for (int pass = 0; pass < 2; pass++) {
		j = ofx_json_full(&cur, pass ? NULL : &prev, start, NULL, 0,
				  NULL);
		assert_non_null(j);
		assert_float_equal(num(json_object_get(j, "interval_s")), 4.0,
				   1e-9);
		t = json_object_get(json_object_get(j, "totals"), "in");
		/* 20 msgs / 4 s, 2000 bytes / 4 s */
		assert_float_equal(num(json_object_get(t, "msgs_per_s")), 5.0,
				   1e-9);
		assert_float_equal(num(json_object_get(t, "bytes_per_s")),
				   500.0, 1e-9);
		assert_true(json_is_null(json_object_get(j, "mode")));
		assert_int_equal(
			json_array_size(json_object_get(j, "connections")), 0);
		json_decref(j);
	}

	/* Nothing counted at all: empty versions object, zero rates. */
	memset(&cur, 0, sizeof(cur));
	cur.ts_ns = start;
	j = ofx_json_full(&cur, NULL, start, NULL, 0, &test_info);
	assert_int_equal(json_object_size(json_object_get(j, "versions")), 0);
	t = json_object_get(json_object_get(j, "totals"), "out");
	assert_float_equal(num(json_object_get(t, "msgs_per_s")), 0.0, 0.0);
	json_decref(j);
}

/* ---- console and text ---- */

static char *capture(int which, const struct ofx_stats *cur,
		     const struct ofx_stats *prev, uint64_t start)
{
	FILE *f = tmpfile();
	char *buf;
	long len;

	assert_non_null(f);
	if (which == 0)
		ofx_console_print(f, cur, prev, start, &test_info, 1);
	else
		ofx_text_report(f, cur, &test_info);
	len = ftell(f);
	assert_true(len > 0);
	buf = malloc((size_t)len + 1);
	assert_non_null(buf);
	rewind(f);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/* The line of @text starting with @name (after leading blanks), or NULL. */
static const char *line_of(const char *text, const char *name)
{
	for (const char *p = text; p && *p;) {
		if (strncmp(p, name, strlen(name)) == 0 &&
		    p[strlen(name)] == ' ')
			return p;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

static void test_console(void **state)
{
	struct ofx_stats cur, prev;
	uint64_t start = 100 * SEC;
	unsigned long long a, b, c, d;
	double r1, r2;
	const char *l;
	char *s;

	(void)state;
	fill(&prev, 1, start + 8 * SEC);
	fill(&cur, 3, start + 3725 * SEC);
	prev.ts_ns = cur.ts_ns - 2 * SEC;

	s = capture(0, &cur, &prev, start);
	assert_memory_equal(s, "\033[H\033[2J", 7);
	assert_non_null(strstr(s, "mode xdp"));
	assert_non_null(strstr(s, "veth0"));
	assert_non_null(strstr(s, "ports 6653,6633"));
	assert_non_null(strstr(s, "up 1:02:05"));
	assert_non_null(strstr(s, "OpenFlow 1.0\n"));
	assert_non_null(strstr(s, "OpenFlow 1.3\n"));
	assert_null(strstr(s, "OpenFlow 1.5"));
	assert_null(strstr(s, "OFPT_ECHO_REQUEST"));

	/* OF in: 30 msgs, 3000 bytes, (30-10)/2 = 10 msgs/s, 1000 B/s */
	l = line_of(s, "OF in");
	assert_non_null(l);
	assert_int_equal(sscanf(l, "OF in %llu %llu %lf %lf", &a, &b, &r1, &r2),
			 4);
	assert_int_equal(a, 30);
	assert_int_equal(b, 3000);
	assert_float_equal(r1, 10.0, 0.05);
	assert_float_equal(r2, 1000.0, 0.05);

	/* 1.0 PACKET_IN: in 9/900, out 0/0, in rate (9-3)/2 = 3.0 */
	l = line_of(strstr(s, "OpenFlow 1.0"), "OFPT_PACKET_IN");
	assert_non_null(l);
	assert_int_equal(sscanf(l, "OFPT_PACKET_IN %llu %llu %llu %llu %lf %lf",
				&a, &b, &c, &d, &r1, &r2),
			 6);
	assert_int_equal(a, 9);
	assert_int_equal(b, 900);
	assert_int_equal(c, 0);
	assert_int_equal(d, 0);
	assert_float_equal(r1, 3.0, 0.05);
	assert_float_equal(r2, 0.0, 0.0);
	/* 1.3's type 18 is MULTIPART_REQUEST, 1.0's is BARRIER_REQUEST */
	assert_non_null(
		line_of(strstr(s, "OpenFlow 1.3"), "OFPT_MULTIPART_REQUEST"));
	assert_non_null(
		line_of(strstr(s, "OpenFlow 1.0"), "OFPT_BARRIER_REQUEST"));
	assert_non_null(strstr(s, "(invalid type)"));
	assert_non_null(strstr(s, "ring lost 1"));
	assert_non_null(strstr(s, "reserve fails 1"));
	assert_non_null(strstr(s, "pcap drops 2"));
	assert_non_null(strstr(s, "gaps 3"));
	assert_non_null(strstr(s, "resyncs 4"));
	free(s);

	s = capture(1, &cur, NULL, start);
	assert_int_not_equal(s[0], '\033');
	assert_null(strstr(s, "per s"));
	assert_null(strstr(s, "msg/s"));
	l = line_of(strstr(s, "OpenFlow 1.3"), "OFPT_MULTIPART_REPLY");
	assert_non_null(l);
	assert_int_equal(sscanf(l, "OFPT_MULTIPART_REPLY %llu %llu %llu %llu",
				&a, &b, &c, &d),
			 4);
	assert_int_equal(a, 18);
	assert_int_equal(b, 2076);
	assert_int_equal(c, 0);
	free(s);
}

/* ---- REST over loopback ---- */

struct http_reply {
	int status;
	char headers[2048];
	char *body;
};

/* A port on 127.0.0.1 that was free a moment ago. */
static uint16_t free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

/* Sends @req (a full request) to @fam loopback:@port, reads to EOF. */
static void http(int fam, uint16_t port, const char *req, struct http_reply *r)
{
	struct sockaddr_storage ss = {0};
	socklen_t sl;
	char *buf = NULL, *hdr_end;
	size_t len = 0, cap = 0;
	int fd = socket(fam, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	if (fam == AF_INET) {
		struct sockaddr_in *a = (void *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (void *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		a->sin6_addr = in6addr_loopback;
		sl = sizeof(*a);
	}
	assert_int_equal(connect(fd, (struct sockaddr *)&ss, sl), 0);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		assert_int_equal(poll(&p, 1, 5000), 1);
		n = read(fd, buf + len, cap - len - 1);
		assert_true(n >= 0);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	assert_int_equal(sscanf(buf, "HTTP/1.1 %d", &r->status), 1);
	hdr_end = strstr(buf, "\r\n\r\n");
	assert_non_null(hdr_end);
	*hdr_end = '\0';
	snprintf(r->headers, sizeof(r->headers), "%s", buf);
	r->body = strdup(hdr_end + 4);
	free(buf);
}

static void get(int fam, uint16_t port, const char *path, struct http_reply *r)
{
	char req[512];

	snprintf(req, sizeof(req),
		 "GET %s HTTP/1.1\r\nHost: localhost\r\n"
		 "Connection: close\r\n\r\n",
		 path);
	http(fam, port, req, r);
}

/* Header @name has value @val (case-insensitive name). */
static void assert_header(const struct http_reply *r, const char *name,
			  const char *val)
{
	char want[256];
	const char *p;

	snprintf(want, sizeof(want), "\r\n%s: %s\r", name, val);
	for (p = r->headers; *p; p++)
		if (strncasecmp(p, want, strlen(want) - 1) == 0 &&
		    (p[strlen(want) - 1] == '\r' || p[strlen(want) - 1] == 0))
			return;
	fail_msg("header %s: %s not in:\n%s", name, val, r->headers);
}

/* GET @path: 200, JSON headers, body == json_dumps(@want, @flags). */
static void assert_get_doc(uint16_t port, const char *path, json_t *want)
{
	struct http_reply r;
	char *s = dump(want, JSON_PRESERVE_ORDER);

	get(AF_INET, port, path, &r);
	assert_int_equal(r.status, 200);
	assert_header(&r, "Content-Type", "application/json");
	assert_header(&r, "Access-Control-Allow-Origin", "*");
	assert_string_equal(r.body, s);
	free(s);
	free(r.body);
}

static void test_rest(void **state)
{
	static struct ofx_stats_pub pub;
	struct ofx_stats live, prev;
	struct ofx_conn_info conn = {0};
	struct ofx_run_info info;
	volatile int stop = 0;
	struct ofx_rest *rest = NULL, *rest2 = (void *)1;
	struct http_reply r;
	char err[256] = "";
	uint16_t port;
	json_t *j;
	int rc;

	(void)state;
	ofx_stats_pub_init(&pub, ofx_now_ns());
	fill(&prev, 1, 0);
	ofx_stats_publish(&pub, &prev, NULL, 0, ofx_now_ns());
	fill(&live, 2, 0);
	conn.key.family = 4;
	inet_pton(AF_INET, "127.0.0.1", &conn.key.saddr[0]);
	inet_pton(AF_INET, "127.0.0.1", &conn.key.daddr[0]);
	conn.key.sport = 50000;
	conn.key.dport = 6653;
	conn.version = 1;
	conn.msgs = 4;
	ofx_stats_publish(&pub, &live, &conn, 1, ofx_now_ns());

	port = free_port();
	info = (struct ofx_run_info){.mode = "starting", .ifname = "veth0"};
	rc = ofx_rest_start("127.0.0.1", port, &pub, &info, &stop, &rest, err);
	assert_int_equal(rc, 0);
	assert_non_null(rest);

	/* The oftraf paths, byte-identical to the documents of the snapshot */
	assert_get_doc(port, "/get_of_counts", ofx_json_of_counts(&live));
	assert_get_doc(port, "/get_of10_counts",
		       ofx_json_version_counts(&live, 1));
	assert_get_doc(port, "/get_of13_counts",
		       ofx_json_version_counts(&live, 4));
	assert_get_doc(port, "/get_of15_counts",
		       ofx_json_version_counts(&live, 6));
	/* Query strings are ignored, as by bottle. */
	assert_get_doc(port, "/get_of_counts?x=1", ofx_json_of_counts(&live));

	get(AF_INET, port, "/get_of_counts", &r);
	j = parse(r.body);
	assert_pair(json_object_get(j, "OF_in_counts"), 20, 2000);
	json_decref(j);
	free(r.body);

	/* Full document; @info is the caller's, filled in after start */
	get(AF_INET, port, "/api/v1/stats", &r);
	j = parse(r.body);
	assert_string_equal(json_string_value(json_object_get(j, "mode")),
			    "starting");
	assert_true(json_is_null(json_object_get(j, "hooks")));
	json_decref(j);
	free(r.body);
	info = test_info;
	get(AF_INET, port, "/api/v1/stats", &r);
	assert_int_equal(r.status, 200);
	assert_header(&r, "Content-Type", "application/json");
	assert_header(&r, "Access-Control-Allow-Origin", "*");
	j = parse(r.body);
	assert_string_equal(json_string_value(json_object_get(j, "interface")),
			    "veth0");
	assert_string_equal(json_string_value(json_object_get(j, "mode")),
			    "xdp");
	assert_string_equal(json_string_value(json_object_get(j, "hooks")),
			    test_info.hooks);
	assert_int_equal(
		json_integer_value(json_object_get(
			json_object_get(json_object_get(j, "totals"), "in"),
			"msgs")),
		20);
	assert_int_equal(json_array_size(json_object_get(j, "connections")), 1);
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(j, "connections"), 0),
			"dst")),
		"127.0.0.1:6653");
	json_decref(j);
	free(r.body);

	/* Unknown path: 404 JSON; other methods: 405 */
	get(AF_INET, port, "/nope", &r);
	assert_int_equal(r.status, 404);
	assert_header(&r, "Content-Type", "application/json");
	j = parse(r.body);
	assert_string_equal(json_string_value(json_object_get(j, "path")),
			    "/nope");
	json_decref(j);
	free(r.body);
	get(AF_INET, port, "/get_of16_counts", &r);
	assert_int_equal(r.status, 404);
	free(r.body);
	http(AF_INET, port,
	     "POST /get_of_counts HTTP/1.1\r\nHost: x\r\n"
	     "Content-Length: 0\r\nConnection: close\r\n\r\n",
	     &r);
	assert_int_equal(r.status, 405);
	assert_header(&r, "Allow", "GET, HEAD");
	j = parse(r.body);
	assert_non_null(json_object_get(j, "error"));
	json_decref(j);
	free(r.body);

	/* Address in use: by ourselves, and by any other listener */
	rc = ofx_rest_start("127.0.0.1", port, &pub, &test_info, &stop, &rest2,
			    err);
	assert_int_equal(rc, -EADDRINUSE);
	assert_null(rest2);
	{
		char want[64];

		snprintf(want, sizeof(want),
			 "REST address 127.0.0.1:%u already in use", port);
		assert_string_equal(err, want);
	}

	/* /stop answers, then sets the flag */
	assert_int_equal(stop, 0);
	get(AF_INET, port, "/stop", &r);
	assert_int_equal(r.status, 200);
	assert_header(&r, "Content-Type", "application/json");
	assert_string_equal(r.body, "{\"stopping\": true}");
	free(r.body);
	for (int i = 0; i < 100 && !stop; i++)
		usleep(10000);
	assert_int_equal(stop, 1);
	ofx_rest_stop(rest);

	/* Restart on the same port works at once (listener closed,
	 * SO_REUSEADDR for the connections left in TIME_WAIT). */
	rest = NULL;
	assert_int_equal(ofx_rest_start("127.0.0.1", port, &pub, &test_info,
					&stop, &rest, err),
			 0);
	get(AF_INET, port, "/get_of_counts", &r);
	assert_int_equal(r.status, 200);
	free(r.body);
	ofx_rest_stop(rest);
	ofx_rest_stop(NULL);
}

static void test_rest_errors(void **state)
{
	static struct ofx_stats_pub pub;
	struct sockaddr_in a = {.sin_family = AF_INET};
	struct ofx_rest *rest = NULL;
	volatile int stop = 0;
	socklen_t len = sizeof(a);
	char err[256];
	int fd, rc;

	(void)state;
	ofx_stats_pub_init(&pub, ofx_now_ns());

	/* Port held by a plain listener (not ours) */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	rc = ofx_rest_start("127.0.0.1", ntohs(a.sin_port), &pub, NULL, &stop,
			    &rest, err);
	assert_int_equal(rc, -EADDRINUSE);
	assert_null(rest);
	assert_non_null(strstr(err, "already in use"));
	close(fd);

	/* Not an address of this host (TEST-NET-1; nothing is sent) */
	rc = ofx_rest_start("192.0.2.1", free_port(), &pub, NULL, &stop, &rest,
			    err);
	assert_int_equal(rc, -EADDRNOTAVAIL);
	assert_null(rest);
	assert_non_null(strstr(err, "192.0.2.1"));

	/* Malformed host */
	rc = ofx_rest_start("[::1", 8080, &pub, NULL, &stop, &rest, err);
	assert_int_equal(rc, -EINVAL);
	assert_null(rest);
}

static void test_rest_ipv6(void **state)
{
	static struct ofx_stats_pub pub;
	struct sockaddr_in6 a = {.sin6_family = AF_INET6};
	struct ofx_rest *rest = NULL;
	struct ofx_stats live;
	volatile int stop = 0;
	socklen_t len = sizeof(a);
	struct http_reply r;
	char err[256];
	uint16_t port;
	json_t *j;
	int fd;

	(void)state;
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	a.sin6_addr = in6addr_loopback;
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		if (fd >= 0)
			close(fd);
		skip(); /* no IPv6 loopback here */
	}
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin6_port);
	close(fd);

	ofx_stats_pub_init(&pub, ofx_now_ns());
	fill(&live, 1, 0);
	ofx_stats_publish(&pub, &live, NULL, 0, ofx_now_ns());
	assert_int_equal(
		ofx_rest_start("[::1]", port, &pub, NULL, &stop, &rest, err),
		0);
	get(AF_INET6, port, "/get_of_counts", &r);
	assert_int_equal(r.status, 200);
	assert_header(&r, "Access-Control-Allow-Origin", "*");
	j = parse(r.body);
	assert_pair(json_object_get(j, "OF_out_counts"), 7, 700);
	json_decref(j);
	free(r.body);
	ofx_rest_stop(rest);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_of_counts),
		cmocka_unit_test(test_version_counts),
		cmocka_unit_test(test_full_with_prev),
		cmocka_unit_test(test_full_no_prev),
		cmocka_unit_test(test_console),
		cmocka_unit_test(test_rest),
		cmocka_unit_test(test_rest_errors),
		cmocka_unit_test(test_rest_ipv6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
