// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_streams.c - message filters (analysis/msg_filter.c) and stream
 * sessions (output/streams.c) without a network: messages built by hand
 * go through a session's filter and bounded queue; polls, limits, bad
 * filters, the end of a session, a stream reader's framing.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/msg_filter.h"
#include "output/streams.h"
#include "ofx_test_util.h"
#include "stream/reasm.h"
#include <arpa/inet.h>

/* A PACKET_IN (1.0) carrying an ARP frame from @src (6 bytes). */
static size_t pin10(uint8_t *p, const uint8_t *src, uint32_t xid)
{
	static const uint8_t arp[28] = {0, 1, 8, 0, 6, 4, 0, 1};
	size_t n = 18 + 14 + sizeof(arp);

	memset(p, 0, n);
	ofxt_hdr(p, 1, 10, (uint16_t)n, xid);
	p[8] = p[9] = p[10] = p[11] = 0xff; /* no buffer */
	p[13] = 14 + sizeof(arp);
	memset(p + 18, 0xff, 6);
	memcpy(p + 24, src, 6);
	p[30] = 0x08;
	p[31] = 0x06;
	memcpy(p + 32, arp, sizeof(arp));
	return n;
}

struct fx {
	struct ofx_conn tcp;
	struct of_conn c;
	uint8_t buf[128];
	struct of_msg m;
};

static void make_msg(struct fx *f, const uint8_t *mac, uint32_t xid)
{
	struct of_frame fr = {.data = f->buf};

	fr.caplen = fr.bytes = (uint32_t)pin10(f->buf, mac, xid);
	f->tcp.key.family = 4;
	f->tcp.key.saddr[0] = htonl(0x0a000001);
	f->tcp.key.daddr[0] = htonl(0x0a000002);
	f->tcp.key.sport = 40000;
	f->tcp.key.dport = 6653;
	f->c.tcp = &f->tcp;
	f->c.switch_half = 0;
	f->m = ofxt_msg_from(&fr, OFX_DIR_IN);
	f->m.conn = &f->c;
}

static const uint8_t mac_a[6] = {0, 0, 0, 0, 0, 0xa};
static const uint8_t mac_b[6] = {0, 0, 0, 0, 0, 0xb};

static void test_filter(void **state)
{
	struct ofx_msg_filter f = {0};
	struct fx x = {0};
	char err[256];

	(void)state;
	make_msg(&x, mac_a, 7);
	assert_true(ofx_msg_filter_match(&f, &x.m));
	assert_int_equal(ofx_msg_filter_set(&f, "type", "OFPT_PACKET_IN", err,
					    sizeof(err)),
			 0);
	assert_true(ofx_msg_filter_match(&f, &x.m));
	assert_int_equal(ofx_msg_filter_set(&f, "inner",
					    "ether src 00:00:00:00:00:0a", err,
					    sizeof(err)),
			 0);
	assert_true(ofx_msg_filter_match(&f, &x.m));
	make_msg(&x, mac_b, 7);
	assert_false(ofx_msg_filter_match(&f, &x.m));
	ofx_msg_filter_free(&f);
	assert_int_equal(ofx_msg_filter_set(&f, "switch", "10.0.0.1:40000", err,
					    sizeof(err)),
			 0);
	assert_true(ofx_msg_filter_match(&f, &x.m));
	ofx_msg_filter_free(&f);
	assert_int_equal(
		ofx_msg_filter_set(&f, "switch", "10.0.0.2", err, sizeof(err)),
		0);
	assert_false(ofx_msg_filter_match(&f, &x.m)); /* the controller */
	ofx_msg_filter_free(&f);
	assert_int_equal(
		ofx_msg_filter_set(&f, "direction", "out", err, sizeof(err)),
		0);
	assert_false(ofx_msg_filter_match(&f, &x.m));
	ofx_msg_filter_free(&f);
	assert_int_equal(ofx_msg_filter_set(&f, "subtype", "OFPR_NO_MATCH", err,
					    sizeof(err)),
			 0);
	assert_true(ofx_msg_filter_match(&f, &x.m));
	ofx_msg_filter_free(&f);
	assert_int_equal(ofx_msg_filter_set(&f, "xid", "0x8", err, sizeof(err)),
			 0);
	assert_false(ofx_msg_filter_match(&f, &x.m));
	ofx_msg_filter_free(&f);
	/* bad values: one clear error each */
	assert_int_equal(
		ofx_msg_filter_set(&f, "type", "PACKET_INN", err, sizeof(err)),
		-EINVAL);
	assert_string_equal(err, "unknown message type 'PACKET_INN'");
	assert_int_equal(ofx_msg_filter_set(&f, "mac", "00:00:00:00:00", err,
					    sizeof(err)),
			 -EINVAL);
	assert_int_equal(ofx_msg_filter_set(&f, "inner", "ether hostt", err,
					    sizeof(err)),
			 -EINVAL);
	assert_int_equal(
		ofx_msg_filter_set(&f, "colour", "red", err, sizeof(err)),
		-ENOENT);
	assert_int_equal(
		ofx_msg_filter_set(&f, "version", "", err, sizeof(err)),
		-EINVAL);
	ofx_msg_filter_free(&f);
}

static void test_session_queue_poll(void **state)
{
	struct ofx_streams *s = ofx_streams_new(0);
	struct of_msg_sink sink = ofx_streams_sink(s);
	char id[OFX_STREAM_ID_LEN + 1], id2[OFX_STREAM_ID_LEN + 1], err[256];
	json_t *req =
		json_pack("{s:s, s:i}", "mac", "00:00:00:00:00:0a", "queue", 3);
	json_t *doc;
	struct fx x = {0};

	(void)state;
	assert_int_equal(ofx_streams_create(s, req, id, err, sizeof(err)), 0);
	json_decref(req);
	req = json_pack("{s:[s,s]}", "type", "PACKET_IN", "FLOW_MOD");
	assert_int_equal(ofx_streams_create(s, req, id2, err, sizeof(err)), 0);
	json_decref(req);
	for (uint32_t i = 0; i < 5; i++) {
		make_msg(&x, i % 2 ? mac_b : mac_a, i);
		sink.msg(sink.ctx, &x.m);
	}
	/* A: 3 of host a's, a queue of 3: all kept; B: 5 */
	assert_int_equal(ofx_streams_poll(s, id, 100, &doc), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "messages")), 3);
	assert_int_equal(json_integer_value(json_object_get(doc, "dropped")),
			 0);
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(
				json_array_get(json_object_get(doc, "messages"),
					       1),
				"frame"),
			"eth_src")),
		"00:00:00:00:00:0a");
	json_decref(doc);
	for (uint32_t i = 0; i < 8; i++) {
		make_msg(&x, mac_a, i);
		sink.msg(sink.ctx, &x.m);
	}
	/* queue of 3: 5 dropped, counted; B (4096) lost nothing */
	assert_int_equal(ofx_streams_poll(s, id, 2, &doc), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "messages")), 2);
	assert_int_equal(json_integer_value(json_object_get(doc, "queued")), 1);
	assert_int_equal(json_integer_value(json_object_get(doc, "dropped")),
			 5);
	json_decref(doc);
	assert_int_equal(ofx_streams_poll(s, id2, 100, &doc), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "messages")), 13);
	assert_int_equal(json_integer_value(json_object_get(doc, "dropped")),
			 0);
	json_decref(doc);
	assert_int_equal(ofx_streams_delete(s, id), 0);
	assert_int_equal(ofx_streams_delete(s, id), -ENOENT);
	assert_int_equal(ofx_streams_poll(s, id, 10, &doc), -ENOENT);
	ofx_streams_free(s);
}

static void test_session_limits(void **state)
{
	struct ofx_streams *s = ofx_streams_new(0);
	char id[OFX_STREAM_ID_LEN + 1], err[256];
	json_t *req;
	int i;

	(void)state;
	req = json_pack("{s:s}", "type", "NOPE");
	assert_int_equal(ofx_streams_create(s, req, id, err, sizeof(err)),
			 -EINVAL);
	json_decref(req);
	req = json_pack("{s:i}", "period", 0);
	assert_int_equal(ofx_streams_create(s, req, id, err, sizeof(err)),
			 -EINVAL);
	json_decref(req);
	req = json_pack("{s:s}", "colour", "red");
	assert_int_equal(ofx_streams_create(s, req, id, err, sizeof(err)),
			 -EINVAL);
	json_decref(req);
	req = json_object();
	for (i = 0; i < OFX_STREAMS_MAX; i++)
		assert_int_equal(
			ofx_streams_create(s, req, id, err, sizeof(err)), 0);
	assert_int_equal(ofx_streams_create(s, req, id, err, sizeof(err)),
			 -ENOSPC);
	json_decref(req);
	ofx_streams_free(s);
}

static int woken;
static void wake(void *ctx)
{
	(void)ctx;
	woken++;
}

/* A stream reader: NDJSON lines, waits armed, is woken by a message,
 * ends with a session_end line after a delete. */
static void test_stream_reader(void **state)
{
	struct ofx_streams *s = ofx_streams_new(0);
	struct of_msg_sink sink = ofx_streams_sink(s);
	struct ofx_stream_reader *rd;
	char id[OFX_STREAM_ID_LEN + 1], err[256], buf[8192];
	json_t *req = json_object(), *doc;
	struct fx x = {0};
	ssize_t n;

	(void)state;
	assert_int_equal(ofx_streams_create(s, req, id, err, sizeof(err)), 0);
	json_decref(req);
	assert_int_equal(ofx_streams_attach(s, id, false, wake, NULL, &rd), 0);
	assert_int_equal(ofx_streams_poll(s, id, 1, &doc), -EBUSY);
	assert_int_equal(ofx_stream_read(rd, buf, sizeof(buf)), 0);
	woken = 0;
	make_msg(&x, mac_a, 1);
	sink.msg(sink.ctx, &x.m);
	sink.msg(sink.ctx, &x.m);
	assert_int_equal(woken, 1); /* armed once */
	n = ofx_stream_read(rd, buf, sizeof(buf));
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "\"type\":\"OFPT_PACKET_IN\""));
	assert_int_equal(buf[n - 1], '\n');
	{
		int lines = 0;

		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
		assert_int_equal(lines, 2); /* two messages, one line each */
	}
	assert_int_equal(ofx_streams_delete(s, id), 0);
	n = ofx_stream_read(rd, buf, 5); /* a line split across reads */
	assert_int_equal(n, 5);
	n = ofx_stream_read(rd, buf + 5, sizeof(buf) - 6);
	assert_true(n > 0);
	buf[5 + n] = '\0';
	assert_string_equal(buf, "{\"session_end\": \"deleted\", "
				 "\"dropped\": 0}\n");
	assert_int_equal(ofx_stream_read(rd, buf, sizeof(buf)), -1);
	ofx_stream_detach(rd);
	ofx_streams_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_session_queue_poll),
		cmocka_unit_test(test_session_limits),
		cmocka_unit_test(test_stream_reader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
