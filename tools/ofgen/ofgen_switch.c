// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ofgen switches role: N emulated OpenFlow switches on N TCP connections,
 * one thread, non-blocking sockets and epoll.
 */
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ofgen.h"

enum sw_state { SW_CONNECTING, SW_HANDSHAKE, SW_RUNNING };

enum sw_phase { PH_RUN, PH_DRAIN };

/* Pre-built messages of one version; xid patched per use. */
struct sw_tmpl {
	uint8_t *pin;
	size_t pin_len;
	uint8_t port_status[128];
	size_t port_status_len;
	uint8_t error[64];
	size_t error_len;
	uint8_t echo[8], barrier[8];
	uint8_t *stats_reply; /* consecutive parts */
	size_t stats_reply_len;
};

struct sw {
	const struct ofg_cfg *cfg;
	int ep;
	struct ofg_conn *conns;
	int n, open, running;
	struct sw_tmpl t[OFG_NVER];
	uint8_t *sched; /* mix schedule, one enum ofg_mix per slot */
	uint32_t sched_len;
	double conn_rate; /* msgs/s per connection, 0 = unlimited */
	enum sw_phase phase;
	uint64_t t0, gen_first, gen_end, drain_deadline, hard_deadline;
	uint64_t now;
	uint8_t *buf; /* scratch for one answer */
};

static int build_templates(struct sw *s, uint8_t ver)
{
	const struct ofg_cfg *cfg = s->cfg;
	struct sw_tmpl *t = &s->t[ver];
	size_t data = cfg->pin_data;
	uint8_t hdr[8];

	if (t->pin)
		return 0;
	if (cfg->pin_len) {
		size_t fixed = ofg_packet_in_len(ver, 0);

		if ((size_t)cfg->pin_len < fixed) {
			fprintf(stderr,
				"ofgen: --pin-len %d below the %zu-byte "
				"PACKET_IN header of %s\n",
				cfg->pin_len, fixed, ofg_version_name(ver));
			return -EINVAL;
		}
		data = cfg->pin_len - fixed;
	}
	if (ofg_packet_in_len(ver, data) > OFG_MAX_MSG) {
		fprintf(stderr, "ofgen: PACKET_IN too long\n");
		return -EINVAL;
	}
	t->pin = malloc(ofg_packet_in_len(ver, data));
	if (!t->pin)
		return -ENOMEM;
	t->pin_len = ofg_build_packet_in(t->pin, ver, 1, data, 0);
	t->port_status_len = ofg_build_port_status(t->port_status, ver, 1, 0);
	ofg_build_simple(hdr, ver, OFG_ECHO_REQUEST, 0x0f6e0000u);
	/* OFPET_BAD_REQUEST / OFPBRC_BAD_TYPE with an offending header */
	t->error_len =
		ofg_build_error(t->error, ver, 1, 1, hdr, sizeof(hdr), 0);
	ofg_build_simple(t->echo, ver, OFG_ECHO_REQUEST, 0);
	ofg_build_simple(t->barrier, ver, OFG_BARRIER_REQUEST, 0);
	t->stats_reply = ofg_build_flow_stats_reply(ver, cfg->stats_reply_size,
						    &t->stats_reply_len);
	return t->stats_reply ? 0 : -ENOMEM;
}

/* Smooth weighted round robin over the mix weights: deterministic. */
static int build_schedule(struct sw *s)
{
	const int *w = s->cfg->mix;
	long cur[OFG_MIX_MAX] = {0}, sum = 0;
	uint32_t i;
	int k;

	for (k = 0; k < OFG_MIX_MAX; k++)
		sum += w[k];
	s->sched_len = (uint32_t)sum;
	s->sched = malloc(s->sched_len);
	if (!s->sched)
		return -ENOMEM;
	for (i = 0; i < s->sched_len; i++) {
		int best = 0;

		for (k = 0; k < OFG_MIX_MAX; k++) {
			cur[k] += w[k];
			if (cur[k] > cur[best])
				best = k;
		}
		cur[best] -= sum;
		s->sched[i] = (uint8_t)best;
	}
	return 0;
}

static void ep_update(struct sw *s, struct ofg_conn *c)
{
	uint32_t want = 0;

	if (c->closed)
		return;
	if (c->state == SW_CONNECTING)
		want = EPOLLOUT;
	else {
		if (!c->rd_eof)
			want |= EPOLLIN;
		if (ofg_tx_pending(c))
			want |= EPOLLOUT;
	}
	ofg_conn_set_events(s->ep, c, want);
}

static void conn_closed(struct sw *s, struct ofg_conn *c)
{
	(void)c;
	s->open--;
}

static void conn_fail(struct sw *s, struct ofg_conn *c, const char *what,
		      int err)
{
	if (c->closed)
		return;
	ofg_conn_fail(c, "switch", c->idx + 1, what, err);
	conn_closed(s, c);
}

/* Orderly close step; keeps the bookkeeping of open connections. */
static void conn_finish(struct sw *s, struct ofg_conn *c)
{
	if (c->closed)
		return;
	if (ofg_conn_close_step(c))
		conn_closed(s, c);
	else
		ep_update(s, c);
}

static int queue_copy(struct ofg_conn *c, const uint8_t *m, size_t len,
		      uint32_t xid)
{
	uint8_t *p = ofg_tx_reserve(c, len);

	if (!p)
		return -ENOMEM;
	memcpy(p, m, len);
	ofg_set_xid(p, xid);
	return ofg_tx_commit(c, len);
}

/* The handshake is done: start generating. */
static void start_running(struct sw *s, struct ofg_conn *c)
{
	c->state = SW_RUNNING;
	c->start_ns = s->now;
	if (!s->running++)
		s->gen_first = s->now;
}

/*
 * Is @data (@dlen bytes) the frame of the PACKET_IN with sequence number
 * @seq? ofxdp's rule: same length and same first min(length, 64) bytes.
 */
static bool frame_is(const struct sw_tmpl *t, uint8_t ver, uint64_t seq,
		     const uint8_t *data, size_t dlen)
{
	size_t off = ofg_packet_in_len(ver, 0), flen = t->pin_len - off;
	size_t n = flen < 64 ? flen : 64, i;
	uint8_t mac[12];

	if (dlen != flen)
		return false;
	/* the template's bytes except [7, 12), which hold the number */
	if (memcmp(t->pin + off, data, n < 7 ? n : 7) ||
	    (n > 12 && memcmp(t->pin + off + 12, data + 12, n - 12)))
		return false;
	ofg_frame_set_seq(mac, sizeof(mac), seq);
	for (i = 7; i < n && i < 12; i++)
		if (mac[i] != data[i])
			return false;
	return true;
}

struct frame_arg {
	const struct sw_tmpl *t;
	uint8_t ver;
	const uint8_t *data;
	size_t dlen;
};

static bool frame_pred(const struct ofg_pend_ent *e, void *arg)
{
	const struct frame_arg *a = arg;

	return !(e->flags & OFG_PEND_BUF) &&
	       frame_is(a->t, a->ver, e->key, a->data, a->dlen);
}

/*
 * A PACKET_OUT or FLOW_MOD from the controller: the answer to the pending
 * PACKET_IN with its buffer_id, or, without buffer, to the oldest pending
 * unbuffered PACKET_IN whose frame the PACKET_OUT carries (ofxdp's rule).
 * Frames of >= 12 bytes carry the sequence number: a binary search.
 */
static void match_packet_in(struct sw *s, struct ofg_conn *c, const uint8_t *m,
			    size_t len, bool packet_out)
{
	struct frame_arg a = {&s->t[c->ver], c->ver, NULL, 0};
	struct ofg_pend_ent *e;
	uint32_t bid;

	if (packet_out) {
		if (ofg_parse_packet_out(m, len, &bid, &a.data, &a.dlen))
			return;
	} else if (ofg_parse_flow_mod_buffer_id(m, len, &bid) ||
		   bid == OFG_NO_BUFFER) {
		return; /* a FLOW_MOD without buffer answers nothing */
	}
	if (bid != OFG_NO_BUFFER) {
		e = ofg_pend_find(c, OFG_LK_PACKET_IN, bid);
		if (e && !(e->flags & OFG_PEND_BUF))
			e = NULL;
	} else if (a.dlen >= 12) {
		e = ofg_pend_find(c, OFG_LK_PACKET_IN, ofg_get32(a.data + 8));
		if (e && !frame_pred(e, &a))
			e = NULL;
	} else {
		e = ofg_pend_find_if(c, OFG_LK_PACKET_IN, frame_pred, &a);
	}
	if (e)
		ofg_pend_answered(c, OFG_LK_PACKET_IN, e, true);
}

/* A reply to our ECHO or BARRIER request. */
static void match_xid(struct ofg_conn *c, enum ofg_lk k, uint32_t xid)
{
	struct ofg_pend_ent *e = ofg_pend_find(c, k, xid);

	if (e)
		ofg_pend_answered(c, k, e, true);
}

/* Sample the round trip of the request @m answers, if any. */
static void match_reply(struct sw *s, struct ofg_conn *c, const uint8_t *m,
			size_t len)
{
	uint8_t ver = c->ver;
	int type = m[1];

	if (type == ofg_type(ver, OFG_PACKET_OUT))
		match_packet_in(s, c, m, len, true);
	else if (type == ofg_type(ver, OFG_FLOW_MOD))
		match_packet_in(s, c, m, len, false);
	else if (type == ofg_type(ver, OFG_ECHO_REPLY))
		match_xid(c, OFG_LK_ECHO, ofg_get32(m + 4));
	else if (type == ofg_type(ver, OFG_BARRIER_REPLY))
		match_xid(c, OFG_LK_BARRIER, ofg_get32(m + 4));
}

static bool hello_ok(uint8_t ver, const uint8_t *m, size_t len)
{
	size_t off = 8;

	while (off + 4 <= len) {
		uint16_t et = ofg_get16(m + off), el = ofg_get16(m + off + 2);

		if (el < 4 || off + el > len)
			break;
		if (et == 1 && el >= 8) /* OFPHET_VERSIONBITMAP */
			return ofg_get32(m + off + 4) & (1u << ver);
		off += (el + 7) & ~7u;
	}
	return m[0] >= ver;
}

static int sw_on_msg(struct ofg_conn *c, const uint8_t *m, size_t len,
		     void *ctx)
{
	struct sw *s = ctx;
	struct sw_tmpl *t = &s->t[c->ver];
	uint32_t xid = ofg_get32(m + 4);
	uint8_t ver = c->ver;
	uint8_t buf[64];
	size_t i;
	int type = m[1];

	if (type == 0) { /* OFPT_HELLO, any version */
		if (!hello_ok(ver, m, len)) {
			size_t n = ofg_build_error(buf, m[0] < ver ? m[0] : ver,
						   0, 0, NULL, 0, xid);

			ofg_tx_queue(c, buf, n); /* HELLO_FAILED/INCOMPATIBLE */
			c->failed = true;
			fprintf(stderr,
				"ofgen: switch %d: controller HELLO 0x%02x "
				"does not offer %s\n",
				c->idx + 1, m[0], ofg_version_name(ver));
			return -EPROTONOSUPPORT;
		}
		c->got_hello = true;
		return 0;
	}
	if (m[0] != ver)
		return 0;
	if (ofg_lat_on) /* replies to our requests, also while closing */
		match_reply(s, c, m, len);
	if (c->closing)
		return 0;
	if (type == ofg_type(ver, OFG_FEATURES_REQUEST)) {
		size_t n = ofg_build_features_reply(buf, ver,
						    (uint64_t)c->idx + 1, xid);

		if (ofg_answer(c, buf, n, OFG_LAT_ANSWER | OFG_LK_FEATURES,
			       c->rx_ns,
			       c->rx_ns + ofg_reply_delay(s->cfg,
							  OFG_LK_FEATURES)))
			return -ENOMEM;
		if (c->state == SW_HANDSHAKE) {
			/* generate once the FEATURES_REPLY is on its way */
			if (ofg_delay_count(c))
				c->features_dm = c->dm_tail;
			else
				start_running(s, c);
		}
	} else if (type == ofg_type(ver, OFG_ECHO_REQUEST)) {
		memcpy(s->buf, m, len);
		s->buf[1] = (uint8_t)ofg_type(ver, OFG_ECHO_REPLY);
		return ofg_answer(
			c, s->buf, len, OFG_LAT_ANSWER | OFG_LK_ECHO, c->rx_ns,
			c->rx_ns + ofg_reply_delay(s->cfg, OFG_LK_ECHO));
	} else if (type == ofg_type(ver, OFG_BARRIER_REQUEST)) {
		ofg_build_simple(buf, ver, OFG_BARRIER_REPLY, xid);
		return ofg_answer(
			c, buf, 8, OFG_LAT_ANSWER | OFG_LK_BARRIER, c->rx_ns,
			c->rx_ns + ofg_reply_delay(s->cfg, OFG_LK_BARRIER));
	} else if (type == ofg_type(ver, OFG_STATS_REQUEST)) {
		uint64_t due =
			c->rx_ns + ofg_reply_delay(s->cfg, OFG_LK_MULTIPART);

		/* tags: first part MULTIPART, last MULTIPART_COMPLETE */
		for (i = 0; i < t->stats_reply_len;) {
			size_t n = ofg_get16(t->stats_reply + i + 2);
			bool first = i == 0, last = i + n == t->stats_reply_len;
			uint8_t lat = 0;

			if (first)
				lat = OFG_LAT_ANSWER | OFG_LK_MULTIPART |
				      (last ? OFG_LAT_LAST : 0);
			else if (last)
				lat = OFG_LAT_ANSWER |
				      OFG_LK_MULTIPART_COMPLETE;
			memcpy(s->buf, t->stats_reply + i, n);
			ofg_set_xid(s->buf, xid);
			if (ofg_answer(c, s->buf, n, lat, c->rx_ns, due))
				return -ENOMEM;
			i += n;
		}
	} else if (type == ofg_type(ver, OFG_PACKET_OUT) ||
		   type == ofg_type(ver, OFG_FLOW_MOD) ||
		   type == ofg_type(ver, OFG_ECHO_REPLY) ||
		   type == ofg_type(ver, OFG_BARRIER_REPLY)) {
		if (c->outstanding)
			c->outstanding--;
	}
	return 0;
}

/* Queue an 8-byte ECHO or BARRIER request, tracked for its round trip. */
static int queue_request(struct sw *s, struct ofg_conn *c, enum ofg_lk k,
			 const uint8_t *m, uint32_t xid)
{
	bool tracked = ofg_pend_push(c, k, xid, 0, s->now);

	if (queue_copy(c, m, 8, xid))
		return -ENOMEM;
	if (tracked)
		ofg_tx_tag(c, OFG_LAT_REQUEST | k, 0);
	return 0;
}

/*
 * Queue a PACKET_IN: its frame carries the connection's next sequence
 * number; --pin-buffered PCT out of every 100 carry buffer_id = that
 * number (0xffffffff is skipped), the others OFP_NO_BUFFER.
 */
static int gen_packet_in(struct sw *s, struct ofg_conn *c, uint32_t xid)
{
	struct sw_tmpl *t = &s->t[c->ver];
	size_t off = ofg_packet_in_len(c->ver, 0);
	uint64_t k = c->pin_seq, pct = s->cfg->pin_buffered_pct, seq;
	bool buffered = (k + 1) * pct / 100 != k * pct / 100, tracked;
	uint8_t *p;

	seq = ++c->pin_seq;
	if ((uint32_t)seq == OFG_NO_BUFFER)
		seq = ++c->pin_seq;
	tracked = ofg_pend_push(c, OFG_LK_PACKET_IN, (uint32_t)seq,
				buffered ? OFG_PEND_BUF : 0, s->now);
	p = ofg_tx_reserve(c, t->pin_len);
	if (!p)
		return -ENOMEM;
	memcpy(p, t->pin, t->pin_len);
	ofg_set_xid(p, xid);
	if (buffered)
		ofg_put32(p + 8, (uint32_t)seq);
	ofg_frame_set_seq(p + off, t->pin_len - off, seq);
	if (ofg_tx_commit(c, t->pin_len))
		return -ENOMEM;
	if (tracked)
		ofg_tx_tag(c, OFG_LAT_REQUEST | OFG_LK_PACKET_IN, 0);
	return 0;
}

/* Queue one generated message of kind @k. */
static int gen_one(struct sw *s, struct ofg_conn *c, int k)
{
	struct sw_tmpl *t = &s->t[c->ver];
	uint32_t xid = ++c->xid;

	switch (k) {
	case OFG_MIX_PACKET_IN:
		c->outstanding++;
		return gen_packet_in(s, c, xid);
	case OFG_MIX_ECHO:
		c->outstanding++;
		return queue_request(s, c, OFG_LK_ECHO, t->echo, xid);
	case OFG_MIX_BARRIER:
		c->outstanding++;
		return queue_request(s, c, OFG_LK_BARRIER, t->barrier, xid);
	case OFG_MIX_PORT_STATUS:
		return queue_copy(c, t->port_status, t->port_status_len, xid);
	default:
		/*
		 * Unsolicited: xid 0, which no controller request of ofgen
		 * has, so no monitor takes it for an error reply.
		 */
		return queue_copy(c, t->error, t->error_len, 0);
	}
}

/* Generate and write batches while the socket takes them. */
static void pump(struct sw *s, struct ofg_conn *c)
{
	int iter, i, rc;

	for (iter = 0; iter < 16; iter++) {
		int k = s->cfg->batch;

		if (ofg_tx_pending(c))
			return;
		if (s->conn_rate > 0) {
			double el = (s->now - c->start_ns) / 1e9;
			uint64_t allowed = (uint64_t)(s->conn_rate * el);

			if (allowed < c->generated + (uint64_t)k)
				return;
		}
		for (i = 0; i < k; i++) {
			if (gen_one(s, c, s->sched[c->mix_pos])) {
				conn_fail(s, c, "queue", ENOMEM);
				return;
			}
			if (++c->mix_pos == s->sched_len)
				c->mix_pos = 0;
		}
		c->generated += k;
		rc = ofg_tx_flush(c);
		if (rc < 0) {
			conn_fail(s, c, "write", rc);
			return;
		}
		if (rc > 0) {
			ep_update(s, c);
			return;
		}
	}
}

static int connect_all(struct sw *s)
{
	const struct ofg_cfg *cfg = s->cfg;
	struct addrinfo hints = {0}, *ai;
	int i, rc;

	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(cfg->addr, cfg->port, &hints, &ai);
	if (rc) {
		fprintf(stderr, "ofgen: %s:%s: %s\n", cfg->addr, cfg->port,
			gai_strerror(rc));
		return -EINVAL;
	}
	for (i = 0; i < s->n; i++) {
		struct ofg_conn *c = &s->conns[i];
		struct epoll_event ev = {0};
		int fd = ofg_socket(ai->ai_family);

		if (fd < 0 || ofg_conn_init(c, fd, i)) {
			fprintf(stderr, "ofgen: socket: %s\n",
				strerror(fd < 0 ? -fd : ENOMEM));
			freeaddrinfo(ai);
			return -1;
		}
		c->ver = cfg->versions[i % cfg->nversions];
		c->state = SW_CONNECTING;
		s->open++;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 &&
		    errno != EINPROGRESS) {
			conn_fail(s, c, "connect", errno);
			continue;
		}
		ev.events = c->events = EPOLLOUT;
		ev.data.ptr = c;
		epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev);
	}
	freeaddrinfo(ai);
	return 0;
}

static void on_connected(struct sw *s, struct ofg_conn *c)
{
	uint8_t buf[16];
	socklen_t sl = sizeof(int);
	int err = 0, rc;
	size_t n;

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &sl) < 0)
		err = errno;
	if (err) {
		conn_fail(s, c, "connect", err);
		return;
	}
	c->state = SW_HANDSHAKE;
	n = ofg_build_hello(buf, c->ver, 1u << c->ver, ++c->xid);
	ofg_tx_queue(c, buf, n);
	rc = ofg_tx_flush(c);
	if (rc < 0)
		conn_fail(s, c, "write", rc);
	else
		ep_update(s, c);
}

static void on_event(struct sw *s, struct ofg_conn *c, uint32_t ev)
{
	int rc;

	if (c->closed)
		return;
	if (c->state == SW_CONNECTING) {
		on_connected(s, c);
		return;
	}
	if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
		rc = ofg_rx_read(c, sw_on_msg, s);
		if (rc < 0) {
			if (ofg_tx_pending(c))
				ofg_tx_flush(c); /* e.g. HELLO_FAILED */
			conn_fail(s, c, rc == -EPROTO ? "bad framing" : "read",
				  rc);
			return;
		}
	}
	rc = ofg_tx_flush(c);
	if (rc < 0) {
		conn_fail(s, c, "write", rc);
		return;
	}
	if (c->rd_eof || c->closing)
		conn_finish(s, c);
	else
		ep_update(s, c);
}

static void summary(struct sw *s, struct ofg_summary *sum)
{
	int i;

	memset(sum, 0, sizeof(*sum));
	sum->role = "switches";
	for (i = 0; i < s->n; i++) {
		struct ofg_conn *c = &s->conns[i];

		ofg_lat_conn_end(c);
		if (c->state == SW_RUNNING)
			sum->connections++;
		if (c->failed || c->state != SW_RUNNING)
			sum->connections_failed++;
		else if (c->rd_eof && c->wr_shut)
			sum->connections_clean++;
	}
	if (s->running && s->gen_end > s->gen_first)
		sum->duration_s = (s->gen_end - s->gen_first) / 1e9;
	sum->elapsed_s = (ofg_now_ns() - s->t0) / 1e9;
}

int ofg_run_switches(const struct ofg_cfg *cfg)
{
	struct epoll_event evs[256];
	struct ofg_summary sum;
	struct sw s = {0};
	int i, rc = 0;

	s.cfg = cfg;
	s.n = cfg->nconn;
	s.conn_rate = cfg->rate > 0 ? cfg->rate / cfg->nconn : 0;
	for (i = 0; i < cfg->nversions; i++)
		if (build_templates(&s, cfg->versions[i]))
			return 1;
	if (build_schedule(&s))
		return 1;
	s.conns = calloc(s.n, sizeof(*s.conns));
	s.buf = malloc(OFG_MAX_MSG);
	s.ep = epoll_create1(EPOLL_CLOEXEC);
	if (!s.conns || !s.buf || s.ep < 0)
		return 1;
	s.t0 = s.now = ofg_now_ns();
	s.gen_end = s.t0 + (uint64_t)(cfg->duration_s * 1e9);
	if (connect_all(&s))
		return 1;

	while (s.open > 0) {
		int nev, timeout = 10;
		bool can_gen = false;
		uint64_t due = UINT64_MAX;

		s.now = ofg_now_ns();
		if (ofg_stop_signals >= 2) {
			for (i = 0; i < s.n; i++)
				if (!s.conns[i].closed) {
					ofg_conn_abort(&s.conns[i]);
					conn_closed(&s, &s.conns[i]);
				}
			break;
		}
		if (s.phase == PH_RUN &&
		    (s.now >= s.gen_end || ofg_stop_signals)) {
			s.phase = PH_DRAIN;
			s.gen_end = s.now;
			s.drain_deadline = s.now + cfg->drain_ms * 1000000ull;
			s.hard_deadline = s.drain_deadline + 2000000000ull;
		}
		for (i = 0; i < s.n; i++) {
			struct ofg_conn *c = &s.conns[i];

			if (c->closed)
				continue;
			if (ofg_delay_count(c) && ofg_delay_release(c, s.now))
				on_event(&s, c, 0); /* write, finish */
			if (c->closed)
				continue;
			if (c->features_dm && c->dm_head >= c->features_dm) {
				c->features_dm = 0;
				if (c->state == SW_HANDSHAKE)
					start_running(&s, c);
			}
			if (ofg_delay_next(c) < due)
				due = ofg_delay_next(c);
			if (s.phase == PH_RUN) {
				if (c->state == SW_RUNNING && !c->closing) {
					pump(&s, c);
					if (!c->closed && !ofg_tx_pending(c))
						can_gen = true;
				}
			} else if (s.now >= s.hard_deadline) {
				c->failed = !c->rd_eof || ofg_tx_pending(c);
				ofg_conn_abort(c);
				conn_closed(&s, c);
			} else if (c->state == SW_CONNECTING) {
				conn_fail(&s, c, "connect", ETIMEDOUT);
			} else if (!c->closing && (c->outstanding == 0 ||
						   s.now >= s.drain_deadline ||
						   c->state != SW_RUNNING)) {
				conn_finish(&s, c);
			}
		}
		ofg_progress(cfg, s.now);
		if (s.open <= 0)
			break;
		if (s.phase == PH_RUN && s.conn_rate > 0)
			timeout = 1;
		else if (s.phase == PH_RUN && can_gen)
			timeout = 0;
		nev = ofg_epoll_wait(s.ep, evs, 256, timeout, due);
		if (nev < 0 && errno != EINTR) {
			perror("epoll_wait");
			rc = 1;
			break;
		}
		s.now = ofg_now_ns();
		for (i = 0; i < nev; i++)
			on_event(&s, evs[i].data.ptr, evs[i].events);
	}
	if (s.phase == PH_RUN)
		s.gen_end = ofg_now_ns();

	summary(&s, &sum);
	if (ofg_stats_write_json(cfg, &sum, cfg->json_out) < 0) {
		fprintf(stderr, "ofgen: cannot write JSON to %s\n",
			cfg->json_out ? cfg->json_out : "stdout");
		rc = 1;
	}
	for (i = 0; i < s.n; i++)
		ofg_conn_free(&s.conns[i]);
	for (i = 0; i < OFG_NVER; i++) {
		free(s.t[i].pin);
		free(s.t[i].stats_reply);
	}
	free(s.conns);
	free(s.sched);
	free(s.buf);
	close(s.ep);
	if (sum.connections_failed)
		rc = 1;
	return rc;
}
