// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_report.c - JSON documents (oftraf shapes, /api/v1/stats,
 * connections and switches), the console/text tables and the REST server
 * (real HTTP over loopback).
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

#include "analysis/descs.h"
#include "analysis/stats.h"
#include "output/report.h"
#include "output/rest.h"
#include "ofx_test_util.h"

#define SEC 1000000000ull
#define EPOCH (1700000000ull * SEC) /* an epoch offset for the tests */

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
	ofx_stats_init(st);
	set(&st->msgs.total[OFX_DIR_IN], 10 * scale, 1000 * scale);
	set(&st->msgs.total[OFX_DIR_OUT], 7 * scale, 700 * scale);
	set(&st->of.tcp[OFX_DIR_IN], 5 * scale, 1000 * scale);
	set(&st->of.tcp[OFX_DIR_OUT], 4 * scale, 700 * scale);
	/* 1.0: HELLO both ways, PACKET_IN in, BARRIER_REQUEST (18) out */
	set(&st->msgs.of[1][0][OFX_DIR_IN], 1 * scale, 8 * scale);
	set(&st->msgs.of[1][0][OFX_DIR_OUT], 1 * scale, 8 * scale);
	set(&st->msgs.of[1][10][OFX_DIR_IN], 3 * scale, 300 * scale);
	set(&st->msgs.of[1][18][OFX_DIR_OUT], 2 * scale, 16 * scale);
	/* 1.3: MULTIPART_REQUEST (18) out, MULTIPART_REPLY (19) in */
	set(&st->msgs.of[4][18][OFX_DIR_OUT], 4 * scale, 64 * scale);
	set(&st->msgs.of[4][19][OFX_DIR_IN], 6 * scale, 692 * scale);
	/* 1.3 invalid type seen once inbound */
	set(&st->msgs.invalid[4][OFX_DIR_IN], 1 * scale, 8 * scale);
	st->of.framing.bad_headers = 2 * scale;
	st->of.framing.resyncs = 4;
	st->of.framing.resync_skipped_bytes = 40;
	st->of.framing.partial_msgs = 7;
	st->of.tls_connections = 2;
	set(&st->of.tls[OFX_DIR_IN], 9, 5000);
	set(&st->of.tls[OFX_DIR_OUT], 12, 70000);
	set(&st->of.unverified[OFX_DIR_OUT], 3, 1234);
	st->reasm.connections_total = 8;
	st->reasm.midstream_joins = 2;
	st->reasm.gaps = 3;
	st->reasm.ooo_bytes_queued = 16;
	st->src.records = 99;
	st->src.records_lost = 1;
	st->src.kernel.segs[OFX_DIR_OUT] = 11;
	st->src.kernel.reserve_fail = 1;
	st->src.kernel.trunc_bytes = 5;
	st->src.pcap_drop = 2;
	st->sw.switches = 3;
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
		p = strstr(last, q);
		if (!p)
			fail_msg("key %s out of order in %s", keys[i], s);
		last = p;
	}
}

static double num(json_t *j)
{
	assert_true(json_is_number(j));
	return json_number_value(j);
}

static json_int_t ival(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v))
		fail_msg("%s is not an integer", key);
	return json_integer_value(v);
}

static const char *sval(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v))
		fail_msg("%s is not a string", key);
	return json_string_value(v);
}

/* obj[k1][k2]...[NULL] */
static json_t *path(json_t *obj, ...)
{
	va_list ap;
	const char *k;

	va_start(ap, obj);
	while (obj && (k = va_arg(ap, const char *)))
		obj = json_object_get(obj, k);
	va_end(ap);
	return obj;
}

/* {"msgs": @m, "bytes": @b} */
static void assert_count(json_t *o, uint64_t m, uint64_t b)
{
	if (!json_is_object(o))
		fail_msg("not a count object");
	assert_int_equal(ival(o, "msgs"), m);
	assert_int_equal(ival(o, "bytes"), b);
}

/* ---- crafted messages ---- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* Count the message @p (its header's length) travelling @dir into @mc/@t,
 * decoded as the pipeline does. */
static void count_into(struct ofx_msgcounts *mc, struct ofx_subtab *t,
		       const uint8_t *p, uint8_t dir)
{
	uint32_t len = (uint32_t)(p[2] << 8 | p[3]);
	struct of_frame f = {.data = p, .caplen = len, .bytes = len};
	struct of_msg m = ofxt_msg_from(&f, dir);

	ofx_count_msg(mc, t, &m);
}

static void count(struct ofx_stats *st, const uint8_t *p, uint8_t dir)
{
	count_into(&st->msgs, &st->sub.h, p, dir);
}

/* STATS/MULTIPART request or reply of @version: @stype, MORE if @more,
 * @len bytes (>= 16, or less to make it malformed). */
static const uint8_t *mp_msg(uint8_t *buf, uint8_t version, uint8_t type,
			     uint16_t stype, bool more, uint16_t len)
{
	ofxt_msg(buf, version, type, len, 1);
	if (len >= 12) {
		put16(buf + 8, stype);
		put16(buf + 10, more ? 1 : 0);
	}
	return buf;
}

/* ERROR of @version: @etype/@code. */
static const uint8_t *error_msg(uint8_t *buf, uint8_t version, uint16_t etype,
				uint16_t code)
{
	ofxt_msg(buf, version, 1, 12, 2);
	put16(buf + 8, etype);
	put16(buf + 10, code);
	return buf;
}

/* 1.3 PACKET_IN (reason @reason, table 0, empty OXM match) carrying an
 * Ethernet frame of @ethertype; buffered unless @buffer_id is NO_BUFFER. */
static const uint8_t *packet_in13(uint8_t *buf, uint32_t buffer_id,
				  uint8_t reason, uint16_t ethertype)
{
	const uint16_t len = 34 + 60;

	ofxt_msg(buf, 4, 10, len, 3);
	put32(buf + 8, buffer_id);
	put16(buf + 12, 60);
	buf[14] = reason;
	buf[15] = 0; /* table_id */
	put16(buf + 24, 1); /* OFPMT_OXM */
	put16(buf + 26, 4); /* match length, padded to 8 */
	/* pad 2 at 32, frame at 34: dst, src, ethertype */
	memset(buf + 34, 0xff, 12);
	put16(buf + 46, ethertype);
	return buf;
}

/* ---- views ---- */

/* Views with @nconn connections (@nopen open) and @nsw switches, on the
 * heap as the pipeline builds them (free with ofx_views_put()). */
static struct ofx_views *views_new(unsigned int nconn, unsigned int nopen,
				   unsigned int nsw)
{
	struct ofx_views *v = calloc(1, sizeof(*v));

	assert_non_null(v);
	v->refs = 1;
	v->conns = calloc(nconn + 1, sizeof(*v->conns));
	v->sws = calloc(nsw + 1, sizeof(*v->sws));
	assert_non_null(v->conns);
	assert_non_null(v->sws);
	v->nopen = nopen;
	v->nclosed = nconn - nopen;
	v->nsw = nsw;
	return v;
}

/* Counts for a switch view, built dense, then given to it. */
struct swc {
	struct ofx_msgcounts m;
	OFX_SUBTAB(OFX_SWITCH_SUBTYPES) sub;
};

static struct swc *swc_new(void)
{
	struct swc *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	ofx_subtab_init(&c->sub.h, OFX_SWITCH_SUBTYPES);
	return c;
}

/* Give @w the counts @c (no rate base) and free @c. */
static void swc_set(struct ofx_switch_view *w, struct swc *c)
{
	assert_int_equal(ofx_switch_view_set_counts(w, &c->m, NULL, &c->sub.h),
			 0);
	free(c);
}

static void conn4(struct ofx_conn_view *c, const char *sw, uint16_t sport,
		  const char *ctl, uint16_t cport)
{
	c->family = 4;
	assert_int_equal(inet_pton(AF_INET, sw, c->sw_addr), 1);
	assert_int_equal(inet_pton(AF_INET, ctl, c->ctl_addr), 1);
	c->sw_port = sport;
	c->ctl_port = cport;
}

static void conn6(struct ofx_conn_view *c, const char *sw, uint16_t sport,
		  const char *ctl, uint16_t cport)
{
	c->family = 6;
	assert_int_equal(inet_pton(AF_INET6, sw, c->sw_addr), 1);
	assert_int_equal(inet_pton(AF_INET6, ctl, c->ctl_addr), 1);
	c->sw_port = sport;
	c->ctl_port = cport;
}

/*
 * Three connections: 0 open IPv4 with datapath_id 0x1 (FEATURES_REPLY,
 * aux 0, 1.3, role by messages, handshake); 1 open IPv6 without dpid
 * (mid-stream, role by port); 2 closed by RST (dpid 0xabc by LLDP, named,
 * 1.0, role by opener). Two switches: 0x1 (its 1.3 messages counted) and
 * 10.0.0.9 without dpid; a third record moved to a dpid (conns_total 0).
 */
static struct ofx_views *sample_views(void)
{
	struct ofx_views *v = views_new(3, 2, 3);
	struct ofx_conn_view *c = v->conns;
	struct ofx_switch_view *w = v->sws;
	struct swc *wc;
	uint8_t buf[128];

	c[0].id = 11;
	conn4(&c[0], "10.0.0.2", 41234, "10.0.0.1", 6653);
	c[0].has_dpid = true;
	c[0].datapath_id = 1;
	c[0].dpid_source = OF_DPID_FEATURES;
	c[0].has_aux = true;
	c[0].auxiliary_id = 0;
	c[0].version = 4;
	c[0].role_source = OF_ROLE_MESSAGES;
	c[0].first_ns = 5 * SEC + 250000000;
	c[0].last_ns = 9 * SEC;
	set(&c[0].cnt[OFX_DIR_IN], 3, 300);
	set(&c[0].cnt[OFX_DIR_OUT], 2, 40);
	set(&c[0].tcp[OFX_DIR_IN], 2, 300);
	set(&c[0].tcp[OFX_DIR_OUT], 1, 40);
	c[0].protocol = OF_PROTO_OPENFLOW;

	c[1].id = 12;
	conn6(&c[1], "fd00::2", 51000, "fd00::1", 6633);
	c[1].version = 0;
	c[1].midstream = true;
	c[1].role_source = OF_ROLE_PORT;
	c[1].first_ns = 6 * SEC;
	c[1].last_ns = 7 * SEC;
	set(&c[1].cnt[OFX_DIR_IN], 1, 8);
	c[1].protocol = OF_PROTO_TLS;
	set(&c[1].tls[OFX_DIR_IN], 4, 900);
	set(&c[1].tls[OFX_DIR_OUT], 6, 3000);
	set(&c[1].unverified[OFX_DIR_OUT], 2, 77);

	c[2].id = 7;
	conn4(&c[2], "10.0.0.3", 40000, "10.0.0.1", 6653);
	c[2].has_dpid = true;
	c[2].datapath_id = 0xabc;
	c[2].dpid_source = OF_DPID_LLDP;
	snprintf(c[2].name, sizeof(c[2].name), "edge-1");
	c[2].version = 1;
	c[2].role_source = OF_ROLE_OPENER;
	c[2].close_reason = OFX_CLOSE_RST;
	c[2].first_ns = 1 * SEC;
	c[2].last_ns = 2 * SEC;

	snprintf(w[0].id, sizeof(w[0].id), "0x0000000000000001");
	w[0].has_dpid = true;
	w[0].datapath_id = 1;
	w[0].dpid_source = OF_DPID_FEATURES;
	snprintf(w[0].name, sizeof(w[0].name), "core");
	snprintf(w[0].address, sizeof(w[0].address), "10.0.0.2");
	w[0].conns_total = 2;
	w[0].conns_open = 1;
	w[0].first_ns = 1 * SEC;
	w[0].last_ns = 9 * SEC;
	w[0].rate_dt = 2.0; /* rates: (m - rate_base) / rate_dt */
	wc = swc_new();
	count_into(&wc->m, &wc->sub.h,
		   mp_msg(buf, 4, 19, 13 /* PORT_DESC */, true, 80),
		   OFX_DIR_IN);
	count_into(&wc->m, &wc->sub.h, mp_msg(buf, 4, 19, 13, false, 16),
		   OFX_DIR_IN);
	count_into(&wc->m, &wc->sub.h, mp_msg(buf, 4, 18, 13, false, 16),
		   OFX_DIR_OUT);
	swc_set(&w[0], wc);

	snprintf(w[1].id, sizeof(w[1].id), "10.0.0.9");
	snprintf(w[1].address, sizeof(w[1].address), "10.0.0.9");
	w[1].conns_total = 1;
	w[1].conns_open = 0;
	w[1].first_ns = 3 * SEC;
	w[1].last_ns = 4 * SEC;
	ofxt_msg(buf, 1, 0, 8, 0); /* 1.0 HELLO */
	wc = swc_new();
	count_into(&wc->m, &wc->sub.h, buf, OFX_DIR_IN);
	swc_set(&w[1], wc);

	/* Moved to its datapath_id's record: never shown nor found. */
	snprintf(w[2].id, sizeof(w[2].id), "10.0.0.2");
	snprintf(w[2].address, sizeof(w[2].address), "10.0.0.2");
	return v;
}

/* ---- oftraf shapes ---- */

static void test_of_counts(void **state)
{
	static const char *const keys[] = {"OF_in_counts", "OF_out_counts",
					   "TCP_OF_in_counts",
					   "TCP_OF_out_counts", NULL};
	struct ofx_stats *st = ofxt_stats_new();
	char *s;
	json_t *j;

	(void)state;
	fill(st, 1, 5 * SEC);
	s = dump(ofx_json_of_counts(st), JSON_PRESERVE_ORDER);
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
	st->msgs.total[OFX_DIR_IN].bytes = 1ull << 53 | 1;
	j = ofx_json_of_counts(st);
	assert_int_equal(json_integer_value(json_array_get(
				 json_object_get(j, "OF_in_counts"), 1)),
			 1ull << 53 | 1);
	json_decref(j);
	free(st);
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
	struct ofx_stats *st = ofxt_stats_new();
	uint8_t buf[64];
	json_t *j, *in, *out;
	char *s;

	(void)state;
	fill(st, 1, 5 * SEC);
	/* Subtypes do not change the oftraf shape. */
	count(st, mp_msg(buf, 4, 19, 13, false, 16), OFX_DIR_IN);

	s = dump(ofx_json_version_counts(st, 1), JSON_PRESERVE_ORDER);
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

	j = ofx_json_version_counts(st, 4);
	assert_non_null(j);
	assert_keys(j, k13);
	in = json_object_get(j, "OF13_in_counts");
	out = json_object_get(j, "OF13_out_counts");
	/* The invalid-type counter must not appear as a type. */
	assert_keys(in, in13);
	assert_keys(out, out13);
	assert_pair(json_object_get(in, "OFPT_MULTIPART_REPLY"), 7, 708);
	assert_pair(json_object_get(out, "OFPT_MULTIPART_REQUEST"), 4, 64);
	json_decref(j);

	/* A version with nothing seen: both objects present and empty. */
	j = ofx_json_version_counts(st, 6);
	assert_non_null(j);
	assert_keys(json_object_get(j, "OF15_in_counts"), none);
	assert_keys(json_object_get(j, "OF15_out_counts"), none);
	json_decref(j);

	/* A type with bytes but 0 messages is not "seen". */
	st->msgs.of[4][0][OFX_DIR_IN].bytes = 8;
	j = ofx_json_version_counts(st, 4);
	assert_null(json_object_get(json_object_get(j, "OF13_in_counts"),
				    "OFPT_HELLO"));
	json_decref(j);

	assert_null(ofx_json_version_counts(st, 0));
	assert_null(ofx_json_version_counts(st, 7));
	free(st);
}

/* ---- /api/v1/stats ---- */

static const char *const reasm_keys[] = {"connections_active",
					 "connections_total",
					 "connections_closed",
					 "connections_idle",
					 "connections_evicted",
					 "connections_evicted_dead",
					 "connections_evicted_unverified",
					 "connections_evicted_live",
					 "connections_unverified",
					 "midstream_joins",
					 "retrans_segs",
					 "retrans_bytes",
					 "ooo_segs",
					 "ooo_dropped_segs",
					 "ooo_limit_gaps",
					 "gaps",
					 "gap_bytes",
					 "ooo_bytes_queued",
					 "resyncs",
					 "resync_skipped_bytes",
					 "partial_msgs",
					 "bad_headers",
					 "role_fallback_msgs",
					 NULL};

static void test_full_with_prev(void **state)
{
	static const char *const top[] = {
		"mode",		"hooks",      "interface",	"ports",
		"uptime_s",	"interval_s", "totals",		"tcp",
		"versions",	"loss",	      "reassembly",	"protocols",
		"switch_table", "subtypes",   "latency_engine", "bad_headers",
		"connections",	NULL};
	static const char *const tot_keys[] = {"msgs", "bytes", "msgs_per_s",
					       "bytes_per_s", NULL};
	static const char *const vkeys[] = {"1.0", "1.3", NULL};
	static const char *const vdir[] = {"in", "out", "invalid_type", NULL};
	static const char *const loss_keys[] = {"records",	"records_lost",
						"kernel",	"pcap_recv",
						"pcap_drop",	"pcap_ifdrop",
						"non_tcp",	"malformed",
						"ip_len_short", NULL};
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
	static const char *const sw_keys[] = {"switches", "switches_overflow",
					      "conn_stats_nomem", NULL};
	static const char *const proto_keys[] = {"tls_connections",
						 "tls_records_in",
						 "tls_records_out",
						 "tls_bytes_in",
						 "tls_bytes_out",
						 "tls_bad_records",
						 "tls_resyncs",
						 "unverified_msgs_in",
						 "unverified_msgs_out",
						 "unverified_bytes_in",
						 "unverified_bytes_out",
						 "verified_by_chain",
						 "unproven_at_end",
						 "held_msgs",
						 "held_bytes",
						 "version_contradictions",
						 NULL};
	struct ofx_stats *cur = ofxt_stats_new(), *prev = ofxt_stats_new();
	struct ofx_views *v = sample_views();
	struct ofx_run_info info = test_info;
	uint64_t start = 100 * SEC;
	json_t *j, *t, *vs, *cn;
	size_t ndesc = 0;
	char *s;

	(void)state;
	/* prev at start+8 s with the counts, cur at start+10 s with 3x */
	fill(prev, 1, start + 8 * SEC);
	fill(cur, 3, start + 10 * SEC);
	info.start_ns = start;

	s = dump(ofx_json_full(cur, prev, v, &info), JSON_PRESERVE_ORDER);
	assert_key_order(s, top);
	j = parse(s);
	free(s);
	assert_keys(j, top);
	assert_string_equal(sval(j, "mode"), "xdp");
	assert_string_equal(sval(j, "hooks"), test_info.hooks);
	assert_string_equal(sval(j, "interface"), "veth0");
	assert_string_equal(sval(j, "ports"), "6653,6633");
	assert_float_equal(num(json_object_get(j, "uptime_s")), 10.0, 1e-9);
	assert_float_equal(num(json_object_get(j, "interval_s")), 2.0, 1e-9);

	/* totals: in 30 msgs now, 10 before, over 2 s -> 10/s; bytes 1000/s */
	t = path(j, "totals", "in", NULL);
	assert_keys(t, tot_keys);
	assert_int_equal(ival(t, "msgs"), 30);
	assert_int_equal(ival(t, "bytes"), 3000);
	assert_float_equal(num(json_object_get(t, "msgs_per_s")), 10.0, 1e-9);
	assert_float_equal(num(json_object_get(t, "bytes_per_s")), 1000.0,
			   1e-9);
	t = path(j, "totals", "out", NULL);
	assert_float_equal(num(json_object_get(t, "msgs_per_s")), 7.0, 1e-9);

	t = path(j, "tcp", "out", NULL);
	assert_int_equal(ival(t, "segments"), 12);
	assert_int_equal(ival(t, "bytes"), 2100);

	/* versions: only 1.0 and 1.3, only seen types */
	vs = json_object_get(j, "versions");
	assert_keys(vs, vkeys);
	assert_keys(json_object_get(vs, "1.0"), vdir);
	t = path(vs, "1.0", "in", "OFPT_PACKET_IN", NULL);
	assert_keys(t, tot_keys); /* no subtypes counted: none shown */
	assert_int_equal(ival(t, "msgs"), 9);
	assert_int_equal(ival(t, "bytes"), 900);
	/* (9 - 3) / 2 s */
	assert_float_equal(num(json_object_get(t, "msgs_per_s")), 3.0, 1e-9);
	assert_null(path(vs, "1.0", "in", "OFPT_ECHO_REQUEST", NULL));
	t = path(vs, "1.3", "out", NULL);
	assert_int_equal(json_object_size(t), 1);
	assert_non_null(json_object_get(t, "OFPT_MULTIPART_REQUEST"));
	t = path(vs, "1.3", "invalid_type", NULL);
	assert_pair(json_object_get(t, "in"), 3, 24);
	assert_pair(json_object_get(t, "out"), 0, 0);

	t = json_object_get(j, "loss");
	assert_keys(t, loss_keys);
	assert_keys(json_object_get(t, "kernel"), kern_keys);
	assert_int_equal(ival(t, "records_lost"), 1);
	assert_int_equal(ival(json_object_get(t, "kernel"), "segs_out"), 11);
	assert_int_equal(ival(json_object_get(t, "kernel"), "trunc_bytes"), 5);
	assert_int_equal(ival(t, "pcap_drop"), 2);

	/* reassembly: the renamed connection counters and the framing ones */
	t = json_object_get(j, "reassembly");
	assert_keys(t, reasm_keys);
	for (size_t i = 0; i < ofx_ncounter_descs; i++)
		ndesc += !strcmp(ofx_counter_descs[i].group, "reassembly");
	assert_int_equal(json_object_size(t), ndesc);
	assert_int_equal(ival(t, "gaps"), 3);
	assert_int_equal(ival(t, "resyncs"), 4);
	assert_int_equal(ival(t, "resync_skipped_bytes"), 40);
	assert_int_equal(ival(t, "partial_msgs"), 7);
	assert_int_equal(ival(t, "bad_headers"), 6);
	assert_int_equal(ival(t, "connections_total"), 8);
	assert_int_equal(ival(t, "midstream_joins"), 2);
	assert_int_equal(ival(t, "ooo_bytes_queued"), 16);
	assert_int_equal(ival(j, "bad_headers"), 6);
	/* protocols: every counter of the group, TLS and unverified */
	t = json_object_get(j, "protocols");
	assert_keys(t, proto_keys);
	ndesc = 0;
	for (size_t i = 0; i < ofx_ncounter_descs; i++)
		ndesc += !strcmp(ofx_counter_descs[i].group, "protocols");
	assert_int_equal(json_object_size(t), ndesc);
	assert_int_equal(ival(t, "tls_connections"), 2);
	assert_int_equal(ival(t, "tls_records_in"), 9);
	assert_int_equal(ival(t, "tls_bytes_out"), 70000);
	assert_int_equal(ival(t, "unverified_msgs_out"), 3);
	assert_int_equal(ival(t, "unverified_bytes_out"), 1234);
	assert_int_equal(ival(t, "unverified_msgs_in"), 0);
	t = json_object_get(j, "switch_table");
	assert_keys(t, sw_keys);
	assert_int_equal(ival(t, "switches"), 3);
	assert_int_equal(
		ival(json_object_get(j, "subtypes"), "subtype_overflow"), 0);

	/* connections: every one of the views, open first */
	cn = json_object_get(j, "connections");
	assert_true(json_is_array(cn));
	assert_int_equal(json_array_size(cn), 3);
	t = json_array_get(cn, 0);
	assert_string_equal(sval(t, "switch"), "10.0.0.2:41234");
	assert_string_equal(sval(t, "controller"), "10.0.0.1:6653");
	assert_string_equal(sval(t, "state"), "open");
	assert_string_equal(sval(t, "version"), "1.3");
	assert_string_equal(sval(t, "datapath_id"), "0x0000000000000001");
	assert_count(json_object_get(t, "in"), 3, 300);
	t = json_array_get(cn, 1);
	assert_string_equal(sval(t, "switch"), "[fd00::2]:51000");
	assert_string_equal(sval(t, "controller"), "[fd00::1]:6633");
	assert_true(json_is_null(json_object_get(t, "version")));
	assert_true(json_is_null(json_object_get(t, "datapath_id")));
	assert_string_equal(sval(json_array_get(cn, 2), "state"), "closed");
	json_decref(j);
	ofx_views_put(v);
	free(cur);
	free(prev);
}

static void test_full_no_prev(void **state)
{
	struct ofx_stats *cur = ofxt_stats_new(), *prev = ofxt_stats_new();
	uint64_t start = 50 * SEC;
	struct ofx_run_info info = {.start_ns = start};
	json_t *j, *t;

	(void)state;
	fill(cur, 2, start + 4 * SEC);
	ofx_stats_init(prev); /* ts_ns 0: none yet */

	/* Rates from zero over the 4 s since start; same with prev NULL. */
	for (int pass = 0; pass < 2; pass++) {
		j = ofx_json_full(cur, pass ? NULL : prev, NULL, &info);
		assert_non_null(j);
		assert_float_equal(num(json_object_get(j, "interval_s")), 4.0,
				   1e-9);
		assert_float_equal(num(json_object_get(j, "uptime_s")), 4.0,
				   1e-9);
		t = path(j, "totals", "in", NULL);
		/* 20 msgs / 4 s, 2000 bytes / 4 s */
		assert_float_equal(num(json_object_get(t, "msgs_per_s")), 5.0,
				   1e-9);
		assert_float_equal(num(json_object_get(t, "bytes_per_s")),
				   500.0, 1e-9);
		assert_true(json_is_null(json_object_get(j, "mode")));
		assert_null(json_object_get(j, "capture_start"));
		assert_int_equal(
			json_array_size(json_object_get(j, "connections")), 0);
		json_decref(j);
	}

	/* No run info at all: from time 0, nulls for the facts. */
	j = ofx_json_full(cur, NULL, NULL, NULL);
	assert_non_null(j);
	assert_true(json_is_null(json_object_get(j, "interface")));
	assert_float_equal(num(json_object_get(j, "interval_s")), 54.0, 1e-9);
	json_decref(j);

	/* Nothing counted at all: empty versions object, zero rates. */
	ofx_stats_init(cur);
	cur->ts_ns = start;
	j = ofx_json_full(cur, NULL, NULL, &info);
	assert_int_equal(json_object_size(json_object_get(j, "versions")), 0);
	t = path(j, "totals", "out", NULL);
	assert_float_equal(num(json_object_get(t, "msgs_per_s")), 0.0, 0.0);
	json_decref(j);
	free(cur);
	free(prev);
}

/* A file: rates over capture time (first to last segment), even with a
 * prev snapshot; capture_start/_end as epoch seconds. */
static void test_full_file(void **state)
{
	static const char *const top[] = {
		"mode",		 "hooks",	   "interface",
		"ports",	 "uptime_s",	   "interval_s",
		"capture_start", "capture_end",	   "totals",
		"tcp",		 "versions",	   "loss",
		"reassembly",	 "protocols",	   "switch_table",
		"subtypes",	 "latency_engine", "bad_headers",
		"connections",	 "switches",	   NULL};
	struct ofx_stats *cur = ofxt_stats_new(), *prev = ofxt_stats_new();
	struct ofx_run_info info = {
		.mode = "file", .ifname = "x.pcap", .file = true};
	json_t *j;
	char *s;

	(void)state;
	fill(cur, 4, 1000 * SEC);
	fill(prev, 1, 999 * SEC);
	cur->first_seg_ns = 10 * SEC;
	cur->last_seg_ns = 18 * SEC; /* 8 s of capture */
	s = dump(ofx_json_full(cur, prev, NULL, &info), JSON_PRESERVE_ORDER);
	assert_key_order(s, top);
	j = parse(s);
	free(s);
	assert_keys(j, top);
	assert_float_equal(num(json_object_get(j, "interval_s")), 8.0, 1e-9);
	/* 40 msgs / 8 s from zero */
	assert_float_equal(num(path(j, "totals", "in", "msgs_per_s", NULL)),
			   5.0, 1e-9);
	assert_float_equal(num(json_object_get(j, "capture_start")), 10.0,
			   1e-9);
	assert_float_equal(num(json_object_get(j, "capture_end")), 18.0, 1e-9);
	json_decref(j);

	/* Live capture clock: + epoch_offset_ns */
	info.epoch_offset_ns = EPOCH;
	j = ofx_json_full(cur, prev, NULL, &info);
	assert_float_equal(num(json_object_get(j, "capture_end")), 1700000018.0,
			   1e-6);
	json_decref(j);

	/* One segment only: an empty interval, zero rates. */
	cur->last_seg_ns = cur->first_seg_ns;
	j = ofx_json_full(cur, prev, NULL, &info);
	assert_float_equal(num(json_object_get(j, "interval_s")), 0.0, 0.0);
	assert_float_equal(num(path(j, "totals", "in", "msgs_per_s", NULL)),
			   0.0, 0.0);
	json_decref(j);
	free(cur);
	free(prev);
}

/* ---- subtypes, details, malformed bodies, transactions ---- */

/* Global counters of crafted, decoded messages. */
static void count_sample(struct ofx_stats *st)
{
	uint8_t buf[128];

	/* 1.3 PORT_DESC reply in two parts (MORE, then last), its request */
	count(st, mp_msg(buf, 4, 19, 13, true, 80), OFX_DIR_IN);
	count(st, mp_msg(buf, 4, 19, 13, false, 16), OFX_DIR_IN);
	count(st, mp_msg(buf, 4, 18, 13, false, 16), OFX_DIR_OUT);
	/* a FLOW reply (one part) and a body too short for a multipart */
	count(st, mp_msg(buf, 4, 19, 1, false, 16), OFX_DIR_IN);
	count(st, mp_msg(buf, 4, 19, 0, false, 12), OFX_DIR_IN);
	/* an unknown multipart type */
	count(st, mp_msg(buf, 4, 19, 99, false, 16), OFX_DIR_IN);
	/* 1.3 ERROR BAD_REQUEST/BAD_TYPE twice, and HELLO_FAILED/INCOMPATIBLE */
	count(st, error_msg(buf, 4, 1, 1), OFX_DIR_IN);
	count(st, error_msg(buf, 4, 1, 1), OFX_DIR_IN);
	count(st, error_msg(buf, 4, 0, 0), OFX_DIR_OUT);
	/* PACKET_IN: unbuffered LLDP (ACTION), buffered ARP (NO_MATCH) */
	count(st, packet_in13(buf, 0xffffffffu, 1, 0x88cc), OFX_DIR_IN);
	count(st, packet_in13(buf, 5, 0, 0x0806), OFX_DIR_IN);
	/* 1.0 DESC stats request; 1.3 HELLO (no subtypes) */
	count(st, mp_msg(buf, 1, 16, 0, false, 12), OFX_DIR_OUT);
	ofxt_msg(buf, 4, 0, 8, 0);
	count(st, buf, OFX_DIR_OUT);
	/* a type 1.3 does not have */
	ofxt_msg(buf, 4, 33, 8, 0);
	count(st, buf, OFX_DIR_IN);
}

static void test_versions_subtypes(void **state)
{
	static const char *const mp_keys[] = {
		"msgs",	    "bytes",	 "msgs_per_s",	 "bytes_per_s",
		"subtypes", "malformed", "transactions", NULL};
	static const char *const mp_subs[] = {"OFPMP_PORT_DESC", "OFPMP_FLOW",
					      "OFPMP_99", NULL};
	static const char *const pin_keys[] = {
		"msgs",	    "bytes",   "msgs_per_s", "bytes_per_s",
		"subtypes", "details", NULL};
	static const char *const pin_subs[] = {"OFPR_ACTION", "OFPR_NO_MATCH",
					       NULL};
	static const char *const pin_det[] = {"buffered", "unbuffered",
					      "eth:LLDP", "eth:ARP",
					      "table:0",  NULL};
	struct ofx_stats *st = ofxt_stats_new();
	struct ofx_run_info info = {.start_ns = 0};
	json_t *j, *vs, *t, *o;

	(void)state;
	count_sample(st);
	st->ts_ns = 10 * SEC;
	j = ofx_json_full(st, NULL, NULL, &info);
	assert_non_null(j);
	vs = json_object_get(j, "versions");

	/* MULTIPART_REPLY: 5 parts, 3 complete transactions (not the MORE
	 * part, not the malformed one), 1 malformed */
	t = path(vs, "1.3", "in", "OFPT_MULTIPART_REPLY", NULL);
	assert_keys(t, mp_keys);
	assert_int_equal(ival(t, "msgs"), 5);
	assert_int_equal(ival(t, "bytes"), 80 + 16 + 16 + 12 + 16);
	assert_float_equal(num(json_object_get(t, "msgs_per_s")), 0.5, 1e-9);
	assert_int_equal(ival(t, "transactions"), 3);
	assert_int_equal(ival(t, "malformed"), 1);
	o = json_object_get(t, "subtypes");
	assert_keys(o, mp_subs);
	assert_count(json_object_get(o, "OFPMP_PORT_DESC"), 2, 96);
	assert_count(json_object_get(o, "OFPMP_FLOW"), 1, 16);
	assert_count(json_object_get(o, "OFPMP_99"), 1, 16);
	/* the request: one transaction, its own direction */
	t = path(vs, "1.3", "out", "OFPT_MULTIPART_REQUEST", NULL);
	assert_int_equal(ival(t, "transactions"), 1);
	assert_null(json_object_get(t, "malformed"));
	assert_count(path(t, "subtypes", "OFPMP_PORT_DESC", NULL), 1, 16);

	/* ERROR type/code names, per direction */
	t = path(vs, "1.3", "in", "OFPT_ERROR", "subtypes", NULL);
	assert_int_equal(json_object_size(t), 1);
	assert_count(json_object_get(t, "OFPET_BAD_REQUEST/OFPBRC_BAD_TYPE"), 2,
		     24);
	t = path(vs, "1.3", "out", "OFPT_ERROR", "subtypes", NULL);
	assert_count(
		json_object_get(t, "OFPET_HELLO_FAILED/OFPHFC_INCOMPATIBLE"), 1,
		12);
	assert_null(path(vs, "1.3", "in", "OFPT_ERROR", "transactions", NULL));

	/* PACKET_IN reasons and details (buffered, frame class, table) */
	t = path(vs, "1.3", "in", "OFPT_PACKET_IN", NULL);
	assert_keys(t, pin_keys);
	assert_keys(json_object_get(t, "subtypes"), pin_subs);
	assert_count(path(t, "subtypes", "OFPR_ACTION", NULL), 1, 94);
	assert_count(path(t, "subtypes", "OFPR_NO_MATCH", NULL), 1, 94);
	o = json_object_get(t, "details");
	assert_keys(o, pin_det);
	assert_count(json_object_get(o, "unbuffered"), 1, 94);
	assert_count(json_object_get(o, "buffered"), 1, 94);
	assert_count(json_object_get(o, "eth:LLDP"), 1, 94);
	assert_count(json_object_get(o, "eth:ARP"), 1, 94);
	assert_count(json_object_get(o, "table:0"), 2, 188);

	/* 1.0 STATS names; HELLO has no subtypes (only its version bitmap) */
	assert_count(path(vs, "1.0", "out", "OFPT_STATS_REQUEST", "subtypes",
			  "OFPST_DESC", NULL),
		     1, 12);
	assert_int_equal(
		ival(path(vs, "1.0", "out", "OFPT_STATS_REQUEST", NULL),
		     "transactions"),
		1);
	t = path(vs, "1.3", "out", "OFPT_HELLO", NULL);
	assert_non_null(t);
	assert_null(json_object_get(t, "subtypes"));
	assert_null(json_object_get(t, "malformed"));
	assert_null(json_object_get(t, "transactions"));
	assert_count(path(t, "details", "versions:1.3", NULL), 1, 8);

	/* the invalid type: counted, never a type entry nor a subtype */
	assert_pair(path(vs, "1.3", "invalid_type", "in", NULL), 1, 8);
	assert_null(path(vs, "1.3", "in", "OFPT_33", NULL));
	json_decref(j);

	free(st);
}

/* ---- connections and switches ---- */

static void test_connections_json(void **state)
{
	static const char *const ckeys[] = {"id",
					    "switch",
					    "controller",
					    "datapath_id",
					    "datapath_id_source",
					    "switch_name",
					    "auxiliary_id",
					    "version",
					    "state",
					    "start",
					    "close_reason",
					    "role_source",
					    "protocol",
					    "first_seen",
					    "last_seen",
					    "in",
					    "out",
					    "tcp",
					    "tls",
					    "unverified",
					    NULL};
	struct ofx_views *v = sample_views();
	struct ofx_run_info info = test_info;
	json_t *j, *a, *c;
	char *s;

	(void)state;
	info.epoch_offset_ns = EPOCH;

	/* all: open first, then closed */
	s = dump(ofx_json_connections(v, -1, &info), JSON_PRESERVE_ORDER);
	assert_key_order(s, ckeys + 1); /* spec order (id first) */
	j = parse(s);
	free(s);
	assert_int_equal(json_object_size(j), 1);
	a = json_object_get(j, "connections");
	assert_int_equal(json_array_size(a), 3);

	c = json_array_get(a, 0);
	assert_keys(c, ckeys);
	assert_int_equal(ival(c, "id"), 11);
	assert_string_equal(sval(c, "switch"), "10.0.0.2:41234");
	assert_string_equal(sval(c, "controller"), "10.0.0.1:6653");
	assert_string_equal(sval(c, "datapath_id"), "0x0000000000000001");
	assert_string_equal(sval(c, "datapath_id_source"), "features_reply");
	assert_true(json_is_null(json_object_get(c, "switch_name")));
	assert_int_equal(ival(c, "auxiliary_id"), 0);
	assert_string_equal(sval(c, "version"), "1.3");
	assert_string_equal(sval(c, "state"), "open");
	assert_string_equal(sval(c, "start"), "handshake");
	assert_true(json_is_null(json_object_get(c, "close_reason")));
	assert_string_equal(sval(c, "role_source"), "messages");
	assert_float_equal(num(json_object_get(c, "first_seen")), 1700000005.25,
			   1e-6);
	assert_float_equal(num(json_object_get(c, "last_seen")), 1700000009.0,
			   1e-6);
	assert_count(json_object_get(c, "in"), 3, 300);
	assert_count(json_object_get(c, "out"), 2, 40);
	assert_int_equal(ival(path(c, "tcp", "in", NULL), "segments"), 2);
	assert_int_equal(ival(path(c, "tcp", "out", NULL), "bytes"), 40);
	assert_string_equal(sval(c, "protocol"), "openflow");
	assert_int_equal(ival(path(c, "tls", "in", NULL), "records"), 0);
	assert_int_equal(ival(path(c, "unverified", "out", NULL), "msgs"), 0);

	c = json_array_get(a, 1);
	assert_keys(c, ckeys);
	assert_string_equal(sval(c, "switch"), "[fd00::2]:51000");
	assert_string_equal(sval(c, "controller"), "[fd00::1]:6633");
	assert_true(json_is_null(json_object_get(c, "datapath_id")));
	assert_true(json_is_null(json_object_get(c, "datapath_id_source")));
	assert_true(json_is_null(json_object_get(c, "auxiliary_id")));
	assert_true(json_is_null(json_object_get(c, "version")));
	assert_string_equal(sval(c, "start"), "midstream");
	assert_string_equal(sval(c, "role_source"), "port");
	assert_count(json_object_get(c, "out"), 0, 0);
	assert_string_equal(sval(c, "protocol"), "tls");
	assert_int_equal(ival(path(c, "tls", "in", NULL), "records"), 4);
	assert_int_equal(ival(path(c, "tls", "in", NULL), "bytes"), 900);
	assert_int_equal(ival(path(c, "tls", "out", NULL), "bytes"), 3000);
	assert_count(path(c, "unverified", "out", NULL), 2, 77);

	c = json_array_get(a, 2);
	assert_string_equal(sval(c, "switch"), "10.0.0.3:40000");
	assert_string_equal(sval(c, "datapath_id"), "0x0000000000000abc");
	assert_string_equal(sval(c, "datapath_id_source"), "lldp");
	assert_string_equal(sval(c, "switch_name"), "edge-1");
	assert_string_equal(sval(c, "version"), "1.0");
	assert_string_equal(sval(c, "state"), "closed");
	assert_string_equal(sval(c, "close_reason"), "rst");
	assert_string_equal(sval(c, "role_source"), "opener");
	assert_true(json_is_null(json_object_get(c, "protocol")));
	assert_float_equal(num(json_object_get(c, "first_seen")), 1700000001.0,
			   1e-6);
	json_decref(j);

	/* open only / closed only */
	j = ofx_json_connections(v, 1, &info);
	a = json_object_get(j, "connections");
	assert_int_equal(json_array_size(a), 2);
	assert_int_equal(ival(json_array_get(a, 0), "id"), 11);
	assert_int_equal(ival(json_array_get(a, 1), "id"), 12);
	json_decref(j);
	j = ofx_json_connections(v, 0, &info);
	a = json_object_get(j, "connections");
	assert_int_equal(json_array_size(a), 1);
	assert_int_equal(ival(json_array_get(a, 0), "id"), 7);
	json_decref(j);

	/* pages: all from the 2nd on, 1 of them; open past the end */
	j = ofx_json_connections_page(v, -1, 1, 1, &info);
	a = json_object_get(j, "connections");
	assert_int_equal(ival(j, "total"), 3);
	assert_int_equal(ival(j, "offset"), 1);
	assert_int_equal(ival(j, "limit"), 1);
	assert_int_equal(json_array_size(a), 1);
	assert_int_equal(ival(json_array_get(a, 0), "id"), 12);
	json_decref(j);
	j = ofx_json_connections_page(v, 0, 0, 5, &info);
	a = json_object_get(j, "connections");
	assert_int_equal(ival(j, "total"), 1);
	assert_int_equal(ival(json_array_get(a, 0), "id"), 7);
	json_decref(j);
	j = ofx_json_connections_page(v, 1, 9, 5, &info);
	assert_int_equal(ival(j, "total"), 2);
	assert_int_equal(json_array_size(json_object_get(j, "connections")), 0);
	json_decref(j);

	/* No epoch offset (a file): capture times as they are; other close
	 * reasons; no views yet: an empty array */
	v->conns[2].close_reason = OFX_CLOSE_IDLE;
	j = ofx_json_connections(v, 0, NULL);
	c = json_array_get(json_object_get(j, "connections"), 0);
	assert_float_equal(num(json_object_get(c, "first_seen")), 1.0, 1e-9);
	assert_string_equal(sval(c, "close_reason"), "idle");
	json_decref(j);
	v->conns[2].close_reason = OFX_CLOSE_FIN;
	j = ofx_json_connections(v, 0, NULL);
	assert_string_equal(
		sval(json_array_get(json_object_get(j, "connections"), 0),
		     "close_reason"),
		"fin");
	json_decref(j);
	v->conns[2].close_reason = OFX_CLOSE_EVICTED;
	j = ofx_json_connections(v, 0, NULL);
	assert_string_equal(
		sval(json_array_get(json_object_get(j, "connections"), 0),
		     "close_reason"),
		"evicted");
	json_decref(j);
	for (int st = -1; st <= 1; st++) {
		j = ofx_json_connections(NULL, st, &info);
		assert_non_null(j);
		assert_true(json_is_array(json_object_get(j, "connections")));
		assert_int_equal(
			json_array_size(json_object_get(j, "connections")), 0);
		json_decref(j);
	}
	ofx_views_put(v);
}

static void test_switches_json(void **state)
{
	static const char *const wkeys[] = {"id",
					    "datapath_id",
					    "datapath_id_source",
					    "name",
					    "address",
					    "connections",
					    "connections_open",
					    "first_seen",
					    "last_seen",
					    "in",
					    "out",
					    "versions",
					    "subtype_overflow",
					    NULL};
	static const char *const rkeys[] = {"msgs", "bytes", "msgs_per_s",
					    "bytes_per_s", NULL};
	static const char *const mp_keys[] = {
		"msgs",	    "bytes",	    "msgs_per_s", "bytes_per_s",
		"subtypes", "transactions", NULL};
	struct ofx_views *v = sample_views();
	struct ofx_run_info info = test_info;
	json_t *j, *a, *w, *t;
	char *s;

	(void)state;
	info.epoch_offset_ns = EPOCH;
	s = dump(ofx_json_switches(v, &info), JSON_PRESERVE_ORDER);
	assert_key_order(s, wkeys);
	j = parse(s);
	free(s);
	assert_int_equal(json_object_size(j), 1);
	a = json_object_get(j, "switches");
	/* the record with no connection (moved to its dpid) is left out */
	assert_int_equal(json_array_size(a), 2);

	w = json_array_get(a, 0);
	assert_keys(w, wkeys);
	assert_string_equal(sval(w, "id"), "0x0000000000000001");
	assert_string_equal(sval(w, "datapath_id"), "0x0000000000000001");
	assert_string_equal(sval(w, "datapath_id_source"), "features_reply");
	assert_string_equal(sval(w, "name"), "core");
	assert_string_equal(sval(w, "address"), "10.0.0.2");
	assert_int_equal(ival(w, "connections"), 2);
	assert_int_equal(ival(w, "connections_open"), 1);
	assert_float_equal(num(json_object_get(w, "first_seen")), 1700000001.0,
			   1e-6);
	assert_float_equal(num(json_object_get(w, "last_seen")), 1700000009.0,
			   1e-6);
	t = json_object_get(w, "in");
	assert_keys(t, rkeys);
	assert_int_equal(ival(t, "msgs"), 2);
	assert_int_equal(ival(t, "bytes"), 96);
	assert_float_equal(num(json_object_get(t, "msgs_per_s")), 1.0, 1e-9);
	assert_float_equal(num(json_object_get(t, "bytes_per_s")), 48.0, 1e-9);
	assert_float_equal(num(path(w, "out", "msgs_per_s", NULL)), 0.5, 1e-9);
	assert_float_equal(num(path(w, "out", "bytes_per_s", NULL)), 8.0, 1e-9);
	/* per-type rates too, over the same interval */
	assert_float_equal(
		num(path(w, "versions", "1.3", "in", "OFPT_MULTIPART_REPLY",
			 "msgs_per_s", NULL)),
		1.0, 1e-9);
	/* its own versions, same shape as /api/v1/stats */
	t = path(w, "versions", "1.3", "in", "OFPT_MULTIPART_REPLY", NULL);
	assert_keys(t, mp_keys);
	assert_int_equal(ival(t, "transactions"), 1);
	assert_count(path(t, "subtypes", "OFPMP_PORT_DESC", NULL), 2, 96);
	assert_count(path(w, "versions", "1.3", "out", "OFPT_MULTIPART_REQUEST",
			  "subtypes", "OFPMP_PORT_DESC", NULL),
		     1, 16);
	assert_null(path(w, "versions", "1.0", NULL));

	w = json_array_get(a, 1);
	assert_keys(w, wkeys);
	assert_string_equal(sval(w, "id"), "10.0.0.9");
	assert_true(json_is_null(json_object_get(w, "datapath_id")));
	assert_true(json_is_null(json_object_get(w, "datapath_id_source")));
	assert_true(json_is_null(json_object_get(w, "name")));
	assert_int_equal(ival(w, "connections_open"), 0);
	assert_pair(path(w, "versions", "1.0", "invalid_type", "in", NULL), 0,
		    0);
	assert_count(path(w, "versions", "1.0", "in", "OFPT_HELLO", NULL), 1,
		     8);
	json_decref(j);

	/* One switch alone is the same object. */
	j = ofx_json_switch(&v->sws[1], NULL, &info);
	assert_string_equal(sval(j, "address"), "10.0.0.9");
	json_decref(j);

	j = ofx_json_switches(NULL, &info);
	assert_int_equal(json_array_size(json_object_get(j, "switches")), 0);
	json_decref(j);
	ofx_views_put(v);
}

static void test_find_switch(void **state)
{
	static const char *const dpid1[] = {
		"0x0000000000000001",	   "0x1", "0X1", "0000000000000001",
		"00:00:00:00:00:00:00:01", NULL};
	static const char *const none[] = {
		"nope", "0x2", "0000000000000002", "00:00:00:00:00:00:00:02",
		"10.0.0.8", "", "1", "0x", "00:00:00:00:00:00:00",
		/* the moved record's address id */
		"10.0.0.2", NULL};
	struct ofx_views *v = sample_views();

	(void)state;
	for (int i = 0; dpid1[i]; i++)
		if (ofx_views_find_switch(v, dpid1[i]) != &v->sws[0])
			fail_msg("%s did not find switch 0x1", dpid1[i]);
	assert_ptr_equal(ofx_views_find_switch(v, "10.0.0.9"), &v->sws[1]);
	for (int i = 0; none[i]; i++)
		if (ofx_views_find_switch(v, none[i]))
			fail_msg("%s found a switch", none[i]);
	/* a datapath_id in the upper bits and in hex letters */
	v->sws[0].datapath_id = 0xfedcba9876543210ull;
	assert_ptr_equal(ofx_views_find_switch(v, "fedcba9876543210"),
			 &v->sws[0]);
	assert_ptr_equal(ofx_views_find_switch(v, "FE:DC:BA:98:76:54:32:10"),
			 &v->sws[0]);
	assert_null(ofx_views_find_switch(v, "0x1"));
	assert_null(ofx_views_find_switch(NULL, "0x1"));
	ofx_views_put(v);
}

/* ---- console and text ---- */

static char *capture(int which, const struct ofx_stats *cur,
		     const struct ofx_stats *prev, const struct ofx_views *v,
		     const struct ofx_run_info *info, unsigned int rows,
		     int clear)
{
	FILE *f = tmpfile();
	char *buf;
	long len;

	assert_non_null(f);
	if (which == 0)
		ofx_console_print(f, cur, prev, v, info, clear, rows);
	else
		ofx_text_report(f, cur, v, info);
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
		while (*p == ' ')
			p++;
		if (strncmp(p, name, strlen(name)) == 0 &&
		    p[strlen(name)] == ' ')
			return p;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

/* Lines of @s (each ends with '\n'); fails on one longer than @width. */
static unsigned int check_lines(const char *s, size_t width)
{
	unsigned int n = 0;

	for (const char *p = s; *p;) {
		const char *e = strchr(p, '\n');

		if (!e)
			fail_msg("last line not terminated: %s", p);
		if ((size_t)(e - p) > width)
			fail_msg("line of %zu columns: %.*s", (size_t)(e - p),
				 (int)(e - p), p);
		n++;
		p = e + 1;
	}
	return n;
}

static void test_console(void **state)
{
	struct ofx_stats *cur = ofxt_stats_new(), *prev = ofxt_stats_new();
	struct ofx_views *v = sample_views();
	struct ofx_run_info info = test_info;
	uint64_t start = 100 * SEC;
	unsigned long long a, b, c, d;
	double r1, r2;
	const char *l;
	char *s;

	(void)state;
	info.start_ns = start;
	fill(prev, 1, start + 8 * SEC);
	fill(cur, 3, start + 3725 * SEC);
	prev->ts_ns = cur->ts_ns - 2 * SEC;

	s = capture(0, cur, prev, v, &info, 0, 1);
	assert_memory_equal(s, "\033[H\033[2J", 7);
	assert_non_null(strstr(s, "mode xdp"));
	assert_non_null(strstr(s, "veth0"));
	assert_non_null(strstr(s, "ports 6653,6633"));
	assert_non_null(strstr(s, "up 1:02:05"));
	assert_non_null(line_of(s, "1.0 OFPT_HELLO"));
	assert_non_null(line_of(s, "1.3 OFPT_MULTIPART_REPLY"));
	assert_null(strstr(s, "\n1.5 "));
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
	/* TCP out: 12 segments, 2100 bytes, (12-4)/2 = 4/s */
	l = line_of(s, "TCP out");
	assert_non_null(l);
	assert_int_equal(
		sscanf(l, "TCP out %llu %llu %lf %lf", &a, &b, &r1, &r2), 4);
	assert_int_equal(a, 12);
	assert_int_equal(b, 2100);
	assert_float_equal(r1, 4.0, 0.05);

	/* 1.0 PACKET_IN: in 9, out 0, in rate (9-3)/2 = 3.0 */
	l = line_of(s, "1.0 OFPT_PACKET_IN");
	assert_non_null(l);
	assert_int_equal(sscanf(l, "1.0 OFPT_PACKET_IN %llu %llu %lf %lf", &a,
				&c, &r1, &r2),
			 4);
	assert_int_equal(a, 9);
	assert_int_equal(c, 0);
	assert_float_equal(r1, 3.0, 0.05);
	assert_float_equal(r2, 0.0, 0.0);
	/* 1.3's type 18 is MULTIPART_REQUEST, 1.0's is BARRIER_REQUEST */
	assert_non_null(line_of(s, "1.3 OFPT_MULTIPART_REQUEST"));
	assert_non_null(line_of(s, "1.0 OFPT_BARRIER_REQUEST"));
	assert_null(line_of(s, "1.3 OFPT_BARRIER_REQUEST"));
	assert_non_null(strstr(s, "1.3 (invalid type)"));
	/* the switches (not the moved record), then loss and reassembly */
	l = line_of(s, "0x0000000000000001 core");
	assert_non_null(l);
	assert_int_equal(sscanf(l,
				"0x0000000000000001 core %llu/%llu %llu "
				"%llu %lf %lf",
				&a, &b, &c, &d, &r1, &r2),
			 6);
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
	assert_int_equal(c, 2);
	assert_int_equal(d, 1);
	assert_float_equal(r1, 1.0, 0.05); /* 2 msgs over rate_dt 2 s */
	assert_float_equal(r2, 0.5, 0.05);
	assert_non_null(line_of(s, "10.0.0.9"));
	assert_true(strstr(s, "0x0000000000000001 core") < strstr(s, "loss:"));
	assert_non_null(strstr(s, "records_lost 1"));
	assert_non_null(strstr(s, "pcap_drop 2"));
	assert_non_null(strstr(s, "gaps 3"));
	assert_non_null(strstr(s, "resyncs 4"));
	assert_non_null(strstr(s, "bad_headers 6"));
	assert_null(strstr(s, "streams_"));
	free(s);

	/* No prev: rates over the time since start, from zero */
	s = capture(0, cur, NULL, NULL, &info, 0, 0);
	assert_int_not_equal(s[0], '\033');
	l = line_of(s, "OF in");
	assert_int_equal(sscanf(l, "OF in %llu %llu %lf", &a, &b, &r1), 3);
	assert_float_equal(r1, 30.0 / 3725.0, 0.05);
	assert_null(strstr(s, "switch "));
	free(s);

	s = capture(1, cur, NULL, v, &info, 0, 0);
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
	assert_non_null(line_of(strstr(s, "OpenFlow 1.0"), "OFPT_PACKET_IN"));
	assert_non_null(line_of(s, "0x0000000000000001 core"));
	assert_non_null(strstr(s, "kernel:"));
	assert_non_null(strstr(s, "reserve_fail 1"));
	assert_non_null(strstr(s, "trunc_bytes 5"));
	/* every reassembly counter, zero or not */
	for (int i = 0; reasm_keys[i]; i++) {
		char want[64];

		snprintf(want, sizeof(want), " %s ", reasm_keys[i]);
		if (!strstr(s, want))
			fail_msg("text report lacks %s", reasm_keys[i]);
	}
	free(s);
	ofx_views_put(v);
	free(cur);
	free(prev);
}

/* The type row a subtype row (indented "  X") belongs under. */
static const char *parent_of(const char *sub)
{
	if (!strncmp(sub, "OFPMP_", 6))
		return "OFPT_MULTIPART_";
	if (!strncmp(sub, "OFPST_", 6))
		return "OFPT_STATS_";
	if (!strncmp(sub, "OFPET_", 6))
		return "OFPT_ERROR";
	if (!strncmp(sub, "OFPR_", 5))
		return "OFPT_PACKET_IN";
	if (!strncmp(sub, "OFPFC_", 6))
		return "OFPT_FLOW_MOD";
	if (!strncmp(sub, "NICIRA:", 7))
		return "OFPT_EXPERIMENTER";
	return NULL;
}

/*
 * Every indented subtype row of @s sits in the block of a type row it
 * belongs to (@versioned: "1.3 OFPT_X" rows, else "OFPT_X"). Return: how
 * many subtype rows.
 */
static unsigned int check_subrows(const char *s)
{
	char type[128] = "", sub[128];
	unsigned int n = 0;

	for (const char *p = s; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (!strncmp(p, "  OFP", 5) || !strncmp(p, "  NICIRA", 8)) {
			const char *want;

			sscanf(p, " %127s", sub);
			want = parent_of(sub);
			if (!want)
				fail_msg("unexpected subtype row %.*s",
					 (int)len, p);
			if (!strstr(type, want))
				fail_msg("%s under %s", sub, type);
			n++;
		} else if (strstr(p, "OFPT_") && strstr(p, "OFPT_") < p + len) {
			snprintf(type, sizeof(type), "%.*s", (int)len, p);
		} else {
			type[0] = '\0';
		}
		if (!e)
			break;
		p = e + 1;
	}
	return n;
}

/* Many versions, types, subtypes and switches. */
static void fill_busy(struct ofx_stats *st, struct ofx_views **vp)
{
	struct ofx_views *v = views_new(0, 0, 12);
	uint8_t buf[128];

	ofx_stats_init(st);
	for (uint8_t ver = 1; ver <= 6; ver++) {
		for (uint8_t t = 0; t < 20; t++) {
			if (!of_type_valid(ver, t))
				continue;
			ofxt_msg(buf, ver, t, 8, 0);
			count(st, buf, t % 2 ? OFX_DIR_IN : OFX_DIR_OUT);
		}
	}
	for (uint16_t k = 0; k < 15; k++)
		for (uint16_t i = 0; i <= k; i++)
			count(st, mp_msg(buf, 4, 19, k, false, 16), OFX_DIR_IN);
	for (uint16_t k = 0; k < 6; k++)
		count(st, mp_msg(buf, 1, 17, k, false, 12), OFX_DIR_IN);
	for (uint16_t code = 0; code < 10; code++)
		count(st, error_msg(buf, 4, 1, code), OFX_DIR_IN);
	count(st, packet_in13(buf, 0xffffffffu, 1, 0x88cc), OFX_DIR_IN);
	count(st, packet_in13(buf, 0xffffffffu, 0, 0x88cc), OFX_DIR_IN);
	st->ts_ns = 100 * SEC;
	st->reasm.gaps = 123456789;
	st->reasm.retrans_segs = 123456789;
	st->reasm.retrans_bytes = 123456789012ull;
	st->reasm.ooo_segs = 123456789;
	st->reasm.connections_total = 123456789;
	st->reasm.midstream_joins = 123456789;
	st->of.framing.resyncs = 123456789;
	st->src.records = 123456789012ull;
	st->src.records_lost = 123456789;
	st->src.pcap_drop = 123456789;
	for (unsigned int i = 0; i < v->nsw; i++) {
		struct ofx_switch_view *w = &v->sws[i];

		snprintf(w->id, sizeof(w->id), "0x%016x", i + 1);
		snprintf(w->name, sizeof(w->name),
			 "a-rather-long-switch-name-%u", i);
		w->conns_total = 1000 + i;
		w->conns_open = 999;
		w->total[OFX_DIR_IN].msgs = 12345678901234ull;
		w->total[OFX_DIR_OUT].msgs = 12345678901234ull;
		w->rate_total[OFX_DIR_IN].msgs = 12345678901234ull - 1234567;
		w->rate_total[OFX_DIR_OUT].msgs = 12345678901234ull - 1234567;
		w->rate_dt = 1.0;
	}
	*vp = v;
}

static void test_console_rows(void **state)
{
	struct ofx_stats *st = ofxt_stats_new();
	struct ofx_run_info info = test_info;
	struct ofx_views *v;
	unsigned int n, nsub;
	char *s;

	(void)state;
	fill_busy(st, &v);
	info.ifname = "a-very-long-interface-name-for-the-header";

	/* A 24-row terminal: 80 columns, at most 24 lines, what was cut is
	 * said, switches and loss stay on screen. */
	s = capture(0, st, NULL, v, &info, 24, 1);
	assert_memory_equal(s, "\033[H\033[2J", 7);
	n = check_lines(s + 7, 80);
	assert_true(n <= 24);
	assert_true(n >= 20);
	assert_non_null(strstr(s, "more rows"));
	assert_non_null(strstr(s, "more switches"));
	assert_non_null(strstr(s, "loss:"));
	assert_non_null(line_of(s, "OF in"));
	check_subrows(s);
	free(s);

	/* Smaller and larger terminals */
	for (unsigned int rows = 10; rows <= 60; rows += 7) {
		s = capture(0, st, NULL, v, &info, rows, 0);
		n = check_lines(s, 80);
		if (n > rows)
			fail_msg("%u lines on %u rows", n, rows);
		check_subrows(s);
		free(s);
	}

	/* Tall enough for everything: every subtype under its type, the
	 * busiest first */
	s = capture(0, st, NULL, v, &info, 500, 0);
	check_lines(s, 80);
	assert_null(strstr(s, "more rows"));
	nsub = check_subrows(s);
	assert_int_equal(nsub, 15 + 6 + 10 + 2);
	{
		const char *mp = line_of(s, "1.3 OFPT_MULTIPART_REPLY");
		const char *first, *second;

		assert_non_null(mp);
		first = strchr(mp, '\n') + 1;
		second = strchr(first, '\n') + 1;
		/* OFPMP 14 (15 msgs) before 13 (14 msgs) */
		assert_int_equal(strncmp(first, "  OFPMP_", 8), 0);
		assert_int_equal(strncmp(second, "  OFPMP_", 8), 0);
		{
			unsigned long long m1, m2;
			char n1[64], n2[64];

			assert_int_equal(sscanf(first, " %63s %llu", n1, &m1),
					 2);
			assert_int_equal(sscanf(second, " %63s %llu", n2, &m2),
					 2);
			assert_int_equal(m1, 15);
			assert_int_equal(m2, 14);
		}
	}
	/* long names are cut to the column */
	assert_non_null(strstr(s, "\n  OFPET_BAD_REQUEST/OFPBRC_BAD"));
	free(s);

	/* The text report: everything, subtypes under their types */
	s = capture(1, st, NULL, v, &info, 0, 0);
	assert_int_equal(check_subrows(s), nsub);
	assert_non_null(line_of(s, "OFPMP_PORT_DESC"));
	assert_non_null(line_of(s, "OFPET_BAD_REQUEST/OFPBRC_BAD_TYPE"));
	free(s);
	ofx_views_put(v);
	free(st);
}
/* ---- REST over loopback ---- */

struct http_reply {
	int status;
	char headers[2048];
	char *body;
};

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
	assert_string_equal(r.body, s);
	free(s);
	free(r.body);
}

/* A publication with @live (and an older snapshot @prev when not NULL). */
static struct ofx_stats_pub *pub_with(const struct ofx_stats *prev,
				      const struct ofx_stats *live)
{
	struct ofx_stats_pub *pub = ofx_stats_pub_new(ofx_now_ns());

	assert_non_null(pub);
	if (prev)
		ofx_stats_publish(pub, prev, ofx_now_ns());
	ofx_stats_publish(pub, live, ofx_now_ns());
	return pub;
}

static void test_rest(void **state)
{
	struct ofx_stats *live = ofxt_stats_new(), *prev = ofxt_stats_new();
	struct ofx_stats_pub *pub;
	struct ofx_views *v;
	struct ofx_run_info info;
	volatile int stop = 0;
	struct ofx_rest *rest = NULL, *rest2 = (void *)1;
	struct http_reply r;
	char err[256] = "";
	uint16_t port;
	json_t *j;
	int rc;

	(void)state;
	fill(prev, 1, 0);
	fill(live, 2, 0);
	pub = pub_with(prev, live);
	v = views_new(1, 1, 0);
	conn4(&v->conns[0], "127.0.0.2", 50000, "127.0.0.1", 6653);
	v->conns[0].version = 1;
	set(&v->conns[0].cnt[OFX_DIR_IN], 4, 32);
	ofx_stats_publish_views(pub, v);

	port = ofxt_free_port();
	info = (struct ofx_run_info){.mode = "starting", .ifname = "veth0"};
	rc = ofx_rest_start("127.0.0.1", port, pub, &info, &stop, &rest, err);
	assert_int_equal(rc, 0);
	assert_non_null(rest);

	/* The oftraf paths, byte-identical to the documents of the snapshot */
	assert_get_doc(port, "/get_of_counts", ofx_json_of_counts(live));
	assert_get_doc(port, "/get_of10_counts",
		       ofx_json_version_counts(live, 1));
	assert_get_doc(port, "/get_of13_counts",
		       ofx_json_version_counts(live, 4));
	assert_get_doc(port, "/get_of15_counts",
		       ofx_json_version_counts(live, 6));
	/* Query strings are ignored, as by bottle. */
	assert_get_doc(port, "/get_of_counts?x=1", ofx_json_of_counts(live));

	get(AF_INET, port, "/get_of_counts", &r);
	j = parse(r.body);
	assert_pair(json_object_get(j, "OF_in_counts"), 20, 2000);
	json_decref(j);
	free(r.body);

	/* Full document; @info is the caller's, filled in after start */
	get(AF_INET, port, "/api/v1/stats", &r);
	j = parse(r.body);
	assert_string_equal(sval(j, "mode"), "starting");
	assert_true(json_is_null(json_object_get(j, "hooks")));
	json_decref(j);
	free(r.body);
	info = test_info;
	get(AF_INET, port, "/api/v1/stats", &r);
	assert_int_equal(r.status, 200);
	assert_header(&r, "Content-Type", "application/json");
	j = parse(r.body);
	assert_string_equal(sval(j, "interface"), "veth0");
	assert_string_equal(sval(j, "mode"), "xdp");
	assert_string_equal(sval(j, "hooks"), test_info.hooks);
	assert_int_equal(ival(path(j, "totals", "in", NULL), "msgs"), 20);
	assert_int_equal(json_array_size(json_object_get(j, "connections")), 1);
	assert_string_equal(
		sval(json_array_get(json_object_get(j, "connections"), 0),
		     "controller"),
		"127.0.0.1:6653");
	json_decref(j);
	free(r.body);

	/* Unknown path: 404 JSON; other methods: 405 */
	get(AF_INET, port, "/nope", &r);
	assert_int_equal(r.status, 404);
	assert_header(&r, "Content-Type", "application/json");
	j = parse(r.body);
	assert_string_equal(sval(j, "path"), "/nope");
	assert_non_null(json_object_get(j, "error"));
	json_decref(j);
	free(r.body);
	get(AF_INET, port, "/get_of16_counts", &r);
	assert_int_equal(r.status, 404);
	free(r.body);
	get(AF_INET, port, "/get_ofNN_counts", &r);
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
	http(AF_INET, port,
	     "DELETE /api/v1/switches HTTP/1.1\r\nHost: x\r\n"
	     "Connection: close\r\n\r\n",
	     &r);
	assert_int_equal(r.status, 405);
	free(r.body);

	/* Address in use: by ourselves, and by any other listener */
	rc = ofx_rest_start("127.0.0.1", port, pub, &test_info, &stop, &rest2,
			    err);
	assert_int_equal(rc, -EADDRINUSE);
	assert_null(rest2);
	{
		char want[64];

		snprintf(want, sizeof(want),
			 "REST address 127.0.0.1:%u already in use", port);
		assert_string_equal(err, want);
	}

	/* POST /stop answers, then sets the flag (GET: 405, see
	 * test_rest_security.c) */
	assert_int_equal(stop, 0);
	http(AF_INET, port,
	     "POST /stop HTTP/1.1\r\nHost: x\r\n"
	     "Content-Length: 0\r\nConnection: close\r\n\r\n",
	     &r);
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
	assert_int_equal(ofx_rest_start("127.0.0.1", port, pub, &test_info,
					&stop, &rest, err),
			 0);
	get(AF_INET, port, "/get_of_counts", &r);
	assert_int_equal(r.status, 200);
	free(r.body);
	ofx_rest_stop(rest);
	ofx_rest_stop(NULL);
	ofx_stats_pub_free(pub);
	free(live);
	free(prev);
}

/* GET @path: @status and its JSON (caller decrefs). */
static json_t *get_json(uint16_t port, const char *path, int status)
{
	struct http_reply r;
	json_t *j;

	get(AF_INET, port, path, &r);
	if (r.status != status)
		fail_msg("GET %s: %d, not %d: %s", path, r.status, status,
			 r.body);
	assert_header(&r, "Content-Type", "application/json");
	j = parse(r.body);
	free(r.body);
	return j;
}

/* /api/v1/connections and /api/v1/switches[/{id}] over HTTP. */
static void test_rest_views(void **state)
{
	static const char *const sw_ids[] = {"0x0000000000000001", "0x1",
					     "0000000000000001",
					     "00:00:00:00:00:00:00:01", NULL};
	struct ofx_stats *live = ofxt_stats_new();
	struct ofx_stats_pub *pub;
	struct ofx_run_info info = test_info;
	struct ofx_rest *rest = NULL;
	volatile int stop = 0;
	char err[256], url[128];
	uint16_t port = ofxt_free_port();
	json_t *j, *a;

	(void)state;
	fill(live, 1, 0);
	pub = pub_with(NULL, live);
	info.epoch_offset_ns = EPOCH;
	assert_int_equal(ofx_rest_start("127.0.0.1", port, pub, &info, &stop,
					&rest, err),
			 0);

	/* Before the first views: empty lists, unknown switches */
	j = get_json(port, "/api/v1/connections", 200);
	assert_int_equal(json_array_size(json_object_get(j, "connections")), 0);
	json_decref(j);
	j = get_json(port, "/api/v1/switches", 200);
	assert_int_equal(json_array_size(json_object_get(j, "switches")), 0);
	json_decref(j);
	json_decref(get_json(port, "/api/v1/switches/0x1", 404));

	ofx_stats_publish_views(pub, sample_views());

	j = get_json(port, "/api/v1/connections", 200);
	a = json_object_get(j, "connections");
	assert_int_equal(json_array_size(a), 3);
	assert_string_equal(sval(json_array_get(a, 1), "switch"),
			    "[fd00::2]:51000");
	json_decref(j);
	j = get_json(port, "/api/v1/connections?state=all", 200);
	assert_int_equal(json_array_size(json_object_get(j, "connections")), 3);
	json_decref(j);
	j = get_json(port, "/api/v1/connections?state=open", 200);
	a = json_object_get(j, "connections");
	assert_int_equal(json_array_size(a), 2);
	for (size_t i = 0; i < 2; i++)
		assert_string_equal(sval(json_array_get(a, i), "state"),
				    "open");
	json_decref(j);
	j = get_json(port, "/api/v1/connections?state=closed", 200);
	a = json_object_get(j, "connections");
	assert_int_equal(json_array_size(a), 1);
	assert_string_equal(sval(json_array_get(a, 0), "close_reason"), "rst");
	assert_string_equal(sval(json_array_get(a, 0), "switch_name"),
			    "edge-1");
	json_decref(j);
	j = get_json(port, "/api/v1/connections?state=bogus", 400);
	assert_non_null(json_object_get(j, "error"));
	json_decref(j);
	json_decref(get_json(port, "/api/v1/connections?state=", 400));
	json_decref(get_json(port, "/api/v1/connections/x", 404));

	j = get_json(port, "/api/v1/switches", 200);
	a = json_object_get(j, "switches");
	assert_int_equal(json_array_size(a), 2);
	assert_string_equal(sval(json_array_get(a, 0), "id"),
			    "0x0000000000000001");
	assert_string_equal(sval(json_array_get(a, 1), "id"), "10.0.0.9");
	json_decref(j);
	for (int i = 0; sw_ids[i]; i++) {
		snprintf(url, sizeof(url), "/api/v1/switches/%s", sw_ids[i]);
		j = get_json(port, url, 200);
		assert_string_equal(sval(j, "id"), "0x0000000000000001");
		assert_string_equal(sval(j, "name"), "core");
		assert_count(path(j, "versions", "1.3", "in",
				  "OFPT_MULTIPART_REPLY", "subtypes",
				  "OFPMP_PORT_DESC", NULL),
			     2, 96);
		json_decref(j);
	}
	j = get_json(port, "/api/v1/switches/10.0.0.9", 200);
	assert_string_equal(sval(j, "address"), "10.0.0.9");
	json_decref(j);
	j = get_json(port, "/api/v1/switches/nope", 404);
	assert_string_equal(sval(j, "path"), "/api/v1/switches/nope");
	assert_non_null(json_object_get(j, "error"));
	json_decref(j);
	json_decref(get_json(port, "/api/v1/switches/0x2", 404));
	/* An empty id is no switch (it crashed the server once). */
	json_decref(get_json(port, "/api/v1/switches/", 404));

	/* Views replaced while published: the newest are served */
	{
		struct ofx_views *v = views_new(0, 0, 0);

		ofx_stats_publish_views(pub, v);
	}
	j = get_json(port, "/api/v1/switches", 200);
	assert_int_equal(json_array_size(json_object_get(j, "switches")), 0);
	json_decref(j);
	json_decref(get_json(port, "/api/v1/switches/0x1", 404));

	ofx_rest_stop(rest);
	ofx_stats_pub_free(pub);
	free(live);
}

/*
 * Real numbers: rounded to 0.001 and printed short, never as
 * 0.72899999999999998 (the server dumps with JSON_REAL_PRECISION).
 */
static void test_rest_reals(void **state)
{
	struct ofx_stats *live = ofxt_stats_new();
	struct ofx_stats_pub *pub;
	struct ofx_run_info info = test_info;
	struct ofx_rest *rest = NULL;
	struct ofx_views *v = sample_views();
	volatile int stop = 0;
	struct http_reply r;
	char err[256];
	uint16_t port = ofxt_free_port();
	json_t *j;
	char *s;

	(void)state;
	fill(live, 1, 0);
	pub = pub_with(NULL, live);
	/* rates 2187/3000 = 0.729, 900/3000 = 0.3, 1000/3000 = 0.333.. */
	memset(v->sws[0].rate_total, 0, sizeof(v->sws[0].rate_total));
	v->sws[0].rate_dt = 3000.0;
	v->sws[0].total[OFX_DIR_IN].msgs = 2187;
	v->sws[0].total[OFX_DIR_IN].bytes = 2187;
	v->sws[0].total[OFX_DIR_OUT].msgs = 900;
	v->sws[0].total[OFX_DIR_OUT].bytes = 1000;
	ofx_stats_publish_views(pub, v);
	assert_int_equal(ofx_rest_start("127.0.0.1", port, pub, &info, &stop,
					&rest, err),
			 0);

	/* The plain dump shows the problem the precision flag avoids. */
	s = dump(ofx_json_switch(&v->sws[0], NULL, &info), JSON_PRESERVE_ORDER);
	assert_non_null(strstr(s, "0.72899999"));
	free(s);

	get(AF_INET, port, "/api/v1/switches/0x1", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"msgs_per_s\": 0.729,"));
	assert_non_null(strstr(r.body, "\"bytes_per_s\": 0.729\n"));
	assert_non_null(strstr(r.body, "\"msgs_per_s\": 0.3,"));
	assert_non_null(strstr(r.body, "\"bytes_per_s\": 0.333\n"));
	assert_null(strstr(r.body, "99999"));
	assert_null(strstr(r.body, "0.30000000"));
	assert_null(strstr(r.body, "0.33333"));
	j = parse(r.body);
	assert_float_equal(num(path(j, "in", "msgs_per_s", NULL)), 0.729, 0);
	json_decref(j);
	free(r.body);

	/* Every real of the other documents too */
	get(AF_INET, port, "/api/v1/stats", &r);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, "99999"));
	assert_null(strstr(r.body, ".000000000"));
	free(r.body);
	get(AF_INET, port, "/api/v1/switches", &r);
	assert_null(strstr(r.body, "99999"));
	free(r.body);

	/* Epoch times keep their milliseconds. */
	v = views_new(1, 1, 0);
	conn4(&v->conns[0], "10.0.0.2", 1, "10.0.0.1", 6653);
	v->conns[0].first_ns = 123000000; /* 1700000000.123 */
	v->conns[0].last_ns = 5 * SEC + 456000000;
	ofx_stats_publish_views(pub, v);
	info.epoch_offset_ns = EPOCH;
	j = get_json(port, "/api/v1/connections", 200);
	/* epoch seconds keep their milliseconds (13 digits) */
	assert_float_equal(
		num(json_object_get(
			json_array_get(json_object_get(j, "connections"), 0),
			"first_seen")),
		1700000000.123, 0.0001);
	json_decref(j);

	ofx_rest_stop(rest);
	ofx_stats_pub_free(pub);
	free(live);
}

static void test_rest_errors(void **state)
{
	struct ofx_stats_pub *pub = ofx_stats_pub_new(ofx_now_ns());
	struct sockaddr_in a = {.sin_family = AF_INET};
	struct ofx_rest *rest = NULL;
	volatile int stop = 0;
	socklen_t len = sizeof(a);
	char err[256];
	int fd, rc;

	(void)state;
	assert_non_null(pub);

	/* Port held by a plain listener (not ours) */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	rc = ofx_rest_start("127.0.0.1", ntohs(a.sin_port), pub, NULL, &stop,
			    &rest, err);
	assert_int_equal(rc, -EADDRINUSE);
	assert_null(rest);
	assert_non_null(strstr(err, "already in use"));
	close(fd);

	/* Not an address of this host (TEST-NET-1; nothing is sent) */
	rc = ofx_rest_start("192.0.2.1", ofxt_free_port(), pub, NULL, &stop,
			    &rest, err);
	assert_int_equal(rc, -EADDRNOTAVAIL);
	assert_null(rest);
	assert_non_null(strstr(err, "192.0.2.1"));

	/* Malformed host */
	rc = ofx_rest_start("[::1", 8080, pub, NULL, &stop, &rest, err);
	assert_int_equal(rc, -EINVAL);
	assert_null(rest);
	ofx_stats_pub_free(pub);
}

static void test_rest_ipv6(void **state)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6};
	struct ofx_stats_pub *pub;
	struct ofx_rest *rest = NULL;
	struct ofx_stats *live;
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

	live = ofxt_stats_new();
	fill(live, 1, 0);
	pub = pub_with(NULL, live);
	assert_int_equal(
		ofx_rest_start("[::1]", port, pub, NULL, &stop, &rest, err), 0);
	get(AF_INET6, port, "/get_of_counts", &r);
	assert_int_equal(r.status, 200);
	j = parse(r.body);
	assert_pair(json_object_get(j, "OF_out_counts"), 7, 700);
	json_decref(j);
	free(r.body);
	ofx_rest_stop(rest);
	ofx_stats_pub_free(pub);
	free(live);
}

/*
 * The README's REST table and the server's routes agree: every path the
 * table names answers (not 404), and every route is in the table.
 */
static void test_rest_readme_table(void **state)
{
	struct ofx_stats *live = ofxt_stats_new();
	struct ofx_stats_pub *pub;
	struct ofx_run_info info = test_info;
	struct ofx_rest *rest = NULL;
	volatile int stop = 0;
	char err[256], line[4096];
	uint16_t port = ofxt_free_port();
	FILE *f = fopen("README.md", "r");
	unsigned int paths = 0;
	struct ofx_rest_opts ro = {.host = "127.0.0.1"};
	struct ofx_streams *streams;
	struct ofx_events *events = ofx_events_new();
	struct ofx_thresholds *thr = ofx_thr_new(events, true);
	char sid[OFX_STREAM_ID_LEN + 1];

	(void)state;
	assert_non_null(f);
	assert_non_null(thr);
	fill(live, 1, 0);
	pub = pub_with(NULL, live);
	ofx_stats_publish_views(pub, sample_views());
	streams = ofx_streams_new(0);
	assert_non_null(streams);
	ro.port = port;
	ro.streams = streams;
	ro.events = events;
	ro.thresholds = thr;
	assert_int_equal(
		ofx_rest_start_opts(&ro, pub, &info, &stop, &rest, err), 0);
	{
		json_t *req = json_object();

		assert_int_equal(
			ofx_streams_create(streams, req, sid, err, sizeof(err)),
			0);
		json_decref(req);
	}
	while (fgets(line, sizeof(line), f)) {
		char *cell_end, *p;

		if (strncmp(line, "| `/", 4))
			continue;
		cell_end = strstr(line + 2, " | ");
		assert_non_null(cell_end);
		*cell_end = '\0';
		/* every `/path` of the first cell */
		for (p = strstr(line, "`/"); p; p = strstr(p + 1, "`/")) {
			char path[128], *q;
			struct http_reply r;
			size_t n = strcspn(p + 1, "`?");

			snprintf(path, sizeof(path), "%.*s", (int)n, p + 1);
			q = strstr(path, "{name}");
			if (q) /* a built-in threshold */
				snprintf(q, sizeof(path) - (size_t)(q - path),
					 "packet_in_storm");
			q = strstr(path, "{id}");
			if (q && !strncmp(path, "/api/v1/streams/", 16))
				/* a session's queue (a GET without ?poll
				 * would stream until the session ends) */
				snprintf(q, sizeof(path) - (size_t)(q - path),
					 "%s?poll=1", sid);
			else if (q)
				strcpy(q, "0x1");
			if (!strcmp(path, "/stop"))
				continue; /* it would stop the server */
			get(AF_INET, port, path, &r);
			if (r.status == 404)
				fail_msg("README's %s: 404", path);
			free(r.body);
			paths++;
		}
	}
	fclose(f);
	/* every route is in the table */
	for (size_t i = 0; ofx_rest_route(i); i++) {
		char want[160];
		const char *route = ofx_rest_route(i);
		FILE *g = fopen("README.md", "r");
		bool found = false;

		assert_non_null(g);
		if (!strcmp(route, "/get_ofNN_counts"))
			route = "/get_of13_counts";
		snprintf(want, sizeof(want), "| `%s%s", route,
			 route[strlen(route) - 1] != '/' ? "`"
			 : strstr(route, "thresholds")	 ? "{name}`"
							 : "{id}`");
		while (!found && fgets(line, sizeof(line), g))
			found = strstr(line, want) == line ||
				(!strncmp(line, "| `/", 4) &&
				 strstr(line, want + 2) &&
				 strstr(line, want + 2) <
					 strstr(line + 2, " | "));
		fclose(g);
		if (!found)
			fail_msg("route %s is not in the README's REST table",
				 route);
	}
	assert_true(paths >= 7);
	ofx_rest_stop(rest);
	ofx_streams_free(streams);
	ofx_thr_free(thr);
	ofx_events_free(events);
	ofx_stats_pub_free(pub);
	free(live);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_of_counts),
		cmocka_unit_test(test_version_counts),
		cmocka_unit_test(test_full_with_prev),
		cmocka_unit_test(test_full_no_prev),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_versions_subtypes),
		cmocka_unit_test(test_connections_json),
		cmocka_unit_test(test_switches_json),
		cmocka_unit_test(test_find_switch),
		cmocka_unit_test(test_console),
		cmocka_unit_test(test_console_rows),
		cmocka_unit_test(test_rest),
		cmocka_unit_test(test_rest_views),
		cmocka_unit_test(test_rest_readme_table),
		cmocka_unit_test(test_rest_reals),
		cmocka_unit_test(test_rest_errors),
		cmocka_unit_test(test_rest_ipv6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
