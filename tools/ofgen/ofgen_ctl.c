// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ofgen controller role: accepts switches, does the handshake, answers
 * requests deterministically and sends periodic requests. One thread,
 * non-blocking sockets and epoll.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ofgen.h"

#define TX_HIGH (4u << 20) /* stop reading above this much pending output */
#define TX_LOW (1u << 20) /* resume below this */

enum ctl_state { CS_HELLO, CS_FEATURES, CS_RUNNING };

struct ctl {
	const struct ofg_cfg *cfg;
	int ep, lfd;
	struct ofg_conn **conns;
	int n, cap, open, accepted, running;
	uint8_t hello_ver;
	uint32_t bitmap;
	uint64_t t0, first, last_close, now;
	uint8_t *buf; /* scratch for one message */
	/* pre-built answers per version: PACKET_OUT without data, FLOW_MOD */
	uint8_t po[OFG_NVER][64], fm[OFG_NVER][128];
	uint8_t po_len[OFG_NVER], fm_len[OFG_NVER];
	enum ofg_pin_fm pin_fm;
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static void build_answers(struct ctl *s, uint8_t ver)
{
	s->po_len[ver] =
		(uint8_t)ofg_build_packet_out(s->po[ver], ver, 0, NULL, 0, 0);
	s->fm_len[ver] = (uint8_t)ofg_build_flow_mod(s->fm[ver], ver, 0, 0);
}

/*
 * Copy a pre-built PACKET_OUT (+ @data) or FLOW_MOD and patch in_port,
 * buffer_id and xid. in_port offsets: PACKET_OUT 12 (1.0 u16, 1.3/1.4
 * u32), 24 (1.5, in the OXM match); FLOW_MOD 12 (1.0 ofp_match u16), 56
 * (1.3+, OXM value). buffer_id: PACKET_OUT 8, FLOW_MOD 64 (1.0) / 32.
 */
static size_t answer_pin(struct ctl *s, uint8_t *p, uint8_t ver, bool fm,
			 uint32_t in_port, uint32_t buffer_id,
			 const uint8_t *data, size_t dlen, uint32_t xid)
{
	size_t n;

	if (fm) {
		n = s->fm_len[ver];
		memcpy(p, s->fm[ver], n);
		if (ver == OFG_V10)
			put16(p + 12, (uint16_t)in_port);
		else
			put32(p + 56, in_port);
		put32(p + (ver == OFG_V10 ? 64 : 32), buffer_id);
	} else {
		n = s->po_len[ver];
		memcpy(p, s->po[ver], n);
		if (ver == OFG_V10)
			put16(p + 12, (uint16_t)in_port);
		else
			put32(p + (ver == OFG_V15 ? 24 : 12), in_port);
		put32(p + 8, buffer_id);
		memcpy(p + n, data, dlen);
		n += dlen;
		put16(p + 2, (uint16_t)n);
	}
	ofg_set_xid(p, xid);
	return n;
}

/*
 * Answer a PACKET_IN read at c->rx_ns so that the wire ties the answer to
 * it (ofxdp's rule): buffered -> FLOW_MOD or PACKET_OUT with its buffer_id
 * (no data); unbuffered -> PACKET_OUT carrying the frame, for the FLOW_MOD
 * share a FLOW_MOD first (OFG_PIN_FM_WITH_PACKET_OUT) or a bare FLOW_MOD
 * that nothing matches (OFG_PIN_FM_BARE: counted unreplied).
 */
static int on_packet_in(struct ctl *s, struct ofg_conn *c, const uint8_t *m,
			size_t len)
{
	const uint8_t lat = OFG_LAT_ANSWER | OFG_LK_PACKET_IN;
	uint64_t k = c->pin_seen++, due;
	uint32_t pct = s->cfg->flow_mod_pct, in_port, bid;
	const uint8_t *data;
	uint8_t ver = c->ver;
	size_t dlen, n;
	bool fm;

	if (ofg_parse_packet_in(m, len, &bid, &in_port, &data, &dlen))
		return 0;
	/* deterministic: pct out of every 100 are FLOW_MODs */
	fm = (k + 1) * pct / 100 != k * pct / 100;
	due = c->rx_ns + ofg_reply_delay(s->cfg, OFG_LK_PACKET_IN);
	if (bid != OFG_NO_BUFFER) {
		n = answer_pin(s, s->buf, ver, fm, in_port, bid, NULL, 0,
			       ++c->xid);
		return ofg_answer(c, s->buf, n, lat, c->rx_ns, due);
	}
	if (fm) {
		bool po = s->pin_fm == OFG_PIN_FM_WITH_PACKET_OUT;

		n = answer_pin(s, s->buf, ver, true, in_port, OFG_NO_BUFFER,
			       NULL, 0, ++c->xid);
		if (ofg_answer(c, s->buf, n, 0, c->rx_ns, due))
			return -ENOMEM;
		if (!po) {
			ofg_lat_unreplied(OFG_LK_PACKET_IN, OFG_SIDE_SWITCH, 1);
			return 0;
		}
	}
	if (dlen > OFG_MAX_MSG - 48)
		dlen = OFG_MAX_MSG - 48;
	n = answer_pin(s, s->buf, ver, false, in_port, OFG_NO_BUFFER, data,
		       dlen, ++c->xid);
	return ofg_answer(c, s->buf, n, lat, c->rx_ns, due);
}

/* Queue a request of kind @k built in s->buf, tracked for its round trip. */
static bool queue_request(struct ctl *s, struct ofg_conn *c, enum ofg_lk k,
			  size_t n)
{
	bool tracked = ofg_pend_push(c, k, ofg_get32(s->buf + 4), 0, s->now);

	if (ofg_tx_queue(c, s->buf, n))
		return false;
	if (tracked)
		ofg_tx_tag(c, OFG_LAT_REQUEST | k, 0);
	return true;
}

/* A reply to one of our requests: sample its round trip. */
static void on_reply(struct ofg_conn *c, enum ofg_lk k, const uint8_t *m,
		     size_t len)
{
	struct ofg_pend_ent *e = ofg_pend_find(c, k, ofg_get32(m + 4));
	bool last = true;

	if (!e)
		return;
	if (k == OFG_LK_MULTIPART) /* flags after the 2-byte type */
		last = len < 12 || !(ofg_get16(m + 10) & 1);
	ofg_pend_answered(c, k, e, last);
}

static void ep_update(struct ctl *s, struct ofg_conn *c)
{
	uint32_t want = 0;

	if (c->closed)
		return;
	if (!c->rd_eof && !c->rx_paused)
		want |= EPOLLIN;
	if (ofg_tx_pending(c))
		want |= EPOLLOUT;
	ofg_conn_set_events(s->ep, c, want);
}

static void conn_closed(struct ctl *s, struct ofg_conn *c)
{
	(void)c;
	s->open--;
	s->last_close = ofg_now_ns();
}

static void conn_fail(struct ctl *s, struct ofg_conn *c, const char *what,
		      int err)
{
	if (c->closed)
		return;
	ofg_conn_fail(c, "controller conn", c->idx, what, err);
	conn_closed(s, c);
}

static void conn_finish(struct ctl *s, struct ofg_conn *c)
{
	if (c->closed)
		return;
	if (ofg_conn_close_step(c))
		conn_closed(s, c);
	else
		ep_update(s, c);
}

/* Highest configured version the switch's HELLO allows, 0 if none. */
static uint8_t negotiate(const struct ofg_cfg *cfg, const uint8_t *m,
			 size_t len)
{
	uint32_t bitmap = 0;
	bool have_bitmap = false;
	size_t off = 8;
	uint8_t best = 0;
	int i;

	while (off + 4 <= len) {
		uint16_t et = ofg_get16(m + off), el = ofg_get16(m + off + 2);

		if (el < 4 || off + el > len)
			break;
		if (et == 1 && el >= 8) {
			bitmap = ofg_get32(m + off + 4);
			have_bitmap = true;
			break;
		}
		off += (el + 7) & ~7u;
	}
	for (i = 0; i < cfg->nversions; i++) {
		uint8_t v = cfg->versions[i];
		bool ok = have_bitmap ? (bitmap & (1u << v)) : v <= m[0];

		if (ok && v > best)
			best = v;
	}
	return best;
}

static int ctl_on_msg(struct ofg_conn *c, const uint8_t *m, size_t len,
		      void *ctx)
{
	struct ctl *s = ctx;
	uint32_t xid = ofg_get32(m + 4);
	uint8_t ver = c->ver;
	int type = m[1];
	size_t n;

	if (ofg_lat_on && c->state != CS_HELLO && m[0] == ver) {
		/* replies to our requests, also while closing */
		if (type == ofg_type(ver, OFG_ECHO_REPLY))
			on_reply(c, OFG_LK_ECHO, m, len);
		else if (type == ofg_type(ver, OFG_BARRIER_REPLY))
			on_reply(c, OFG_LK_BARRIER, m, len);
		else if (type == ofg_type(ver, OFG_STATS_REPLY))
			on_reply(c, OFG_LK_MULTIPART, m, len);
		else if (type == ofg_type(ver, OFG_FEATURES_REPLY))
			on_reply(c, OFG_LK_FEATURES, m, len);
	}
	if (c->closing)
		return 0;
	if (type == 0) { /* OFPT_HELLO */
		if (c->state != CS_HELLO)
			return 0;
		ver = negotiate(s->cfg, m, len);
		if (!ver) {
			n = ofg_build_error(s->buf,
					    s->hello_ver < m[0] ? s->hello_ver
								: m[0],
					    0, 0, NULL, 0, xid);
			ofg_tx_queue(c, s->buf, n);
			fprintf(stderr,
				"ofgen: controller conn %d: no common version "
				"with HELLO 0x%02x\n",
				c->idx, m[0]);
			return -EPROTONOSUPPORT;
		}
		c->ver = ver;
		c->state = CS_FEATURES;
		n = ofg_build_simple(s->buf, ver, OFG_FEATURES_REQUEST,
				     ++c->xid);
		return queue_request(s, c, OFG_LK_FEATURES, n) ? 0 : -ENOMEM;
	}
	if (c->state == CS_HELLO || m[0] != ver)
		return 0;

	if (type == ofg_type(ver, OFG_PACKET_IN)) {
		if (on_packet_in(s, c, m, len))
			return -ENOMEM;
	} else if (type == ofg_type(ver, OFG_ECHO_REQUEST)) {
		memcpy(s->buf, m, len);
		s->buf[1] = (uint8_t)ofg_type(ver, OFG_ECHO_REPLY);
		if (ofg_answer(c, s->buf, len, OFG_LAT_ANSWER | OFG_LK_ECHO,
			       c->rx_ns,
			       c->rx_ns + ofg_reply_delay(s->cfg, OFG_LK_ECHO)))
			return -ENOMEM;
	} else if (type == ofg_type(ver, OFG_BARRIER_REQUEST)) {
		n = ofg_build_simple(s->buf, ver, OFG_BARRIER_REPLY, xid);
		if (ofg_answer(c, s->buf, n, OFG_LAT_ANSWER | OFG_LK_BARRIER,
			       c->rx_ns,
			       c->rx_ns +
				       ofg_reply_delay(s->cfg, OFG_LK_BARRIER)))
			return -ENOMEM;
	} else if (type == ofg_type(ver, OFG_FEATURES_REPLY)) {
		if (c->state == CS_FEATURES) {
			const struct ofg_cfg *cfg = s->cfg;

			c->state = CS_RUNNING;
			s->running++;
			c->next_stats_ns =
				s->now + cfg->stats_interval_ms * 1000000ull;
			c->next_echo_ns =
				s->now + cfg->echo_interval_ms * 1000000ull;
			c->next_barrier_ns =
				s->now + cfg->barrier_interval_ms * 1000000ull;
		}
	}
	if (ofg_tx_pending(c) + ofg_delay_bytes(c) > TX_HIGH) {
		int rc = ofg_tx_flush(c);

		if (rc < 0)
			return rc;
		if (ofg_tx_pending(c) + ofg_delay_bytes(c) > TX_HIGH) {
			c->rx_paused = true;
			return 1;
		}
	}
	return 0;
}

/* Periodic controller -> switch requests. */
static void periodic(struct ctl *s, struct ofg_conn *c)
{
	const struct ofg_cfg *cfg = s->cfg;
	bool q = false;
	size_t n;
	int rc;

	if (c->state != CS_RUNNING || c->closing || c->rd_eof)
		return;
	if (cfg->stats_interval_ms && s->now >= c->next_stats_ns) {
		n = ofg_build_flow_stats_request(s->buf, c->ver, ++c->xid);
		q |= queue_request(s, c, OFG_LK_MULTIPART, n);
		c->next_stats_ns += cfg->stats_interval_ms * 1000000ull;
		if (c->next_stats_ns < s->now)
			c->next_stats_ns = s->now;
	}
	if (cfg->echo_interval_ms && s->now >= c->next_echo_ns) {
		n = ofg_build_simple(s->buf, c->ver, OFG_ECHO_REQUEST,
				     ++c->xid);
		q |= queue_request(s, c, OFG_LK_ECHO, n);
		c->next_echo_ns += cfg->echo_interval_ms * 1000000ull;
		if (c->next_echo_ns < s->now)
			c->next_echo_ns = s->now;
	}
	if (cfg->barrier_interval_ms && s->now >= c->next_barrier_ns) {
		n = ofg_build_simple(s->buf, c->ver, OFG_BARRIER_REQUEST,
				     ++c->xid);
		q |= queue_request(s, c, OFG_LK_BARRIER, n);
		c->next_barrier_ns += cfg->barrier_interval_ms * 1000000ull;
		if (c->next_barrier_ns < s->now)
			c->next_barrier_ns = s->now;
	}
	if (!q)
		return;
	rc = ofg_tx_flush(c);
	if (rc < 0)
		conn_fail(s, c, "write", rc);
	else
		ep_update(s, c);
}

static int do_listen(struct ctl *s)
{
	const struct ofg_cfg *cfg = s->cfg;
	struct addrinfo hints = {0}, *ai;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct epoll_event ev = {0};
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	int one = 1, rc;

	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	rc = getaddrinfo(cfg->addr[0] ? cfg->addr : NULL, cfg->port, &hints,
			 &ai);
	if (rc) {
		fprintf(stderr, "ofgen: %s:%s: %s\n", cfg->addr, cfg->port,
			gai_strerror(rc));
		return -1;
	}
	s->lfd = ofg_socket(ai->ai_family);
	if (s->lfd < 0) {
		freeaddrinfo(ai);
		return -1;
	}
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s->lfd, ai->ai_addr, ai->ai_addrlen) < 0 ||
	    listen(s->lfd, 4096) < 0) {
		fprintf(stderr, "ofgen: listen %s:%s: %s\n", cfg->addr,
			cfg->port, strerror(errno));
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	getsockname(s->lfd, (struct sockaddr *)&ss, &sl);
	getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host), serv,
		    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV);
	fprintf(stderr, "ofgen controller listening on %s port %s\n", host,
		serv);
	if (cfg->port_file) {
		FILE *f = fopen(cfg->port_file, "w");

		if (!f) {
			perror(cfg->port_file);
			return -1;
		}
		fprintf(f, "%s\n", serv);
		fclose(f);
	}
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	return epoll_ctl(s->ep, EPOLL_CTL_ADD, s->lfd, &ev);
}

static void do_accept(struct ctl *s)
{
	for (;;) {
		struct epoll_event ev = {0};
		struct ofg_conn *c;
		int one = 1, rc;
		size_t n;
		int fd = accept4(s->lfd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (s->n == s->cap) {
			int cap = s->cap ? 2 * s->cap : 64;
			struct ofg_conn **nc =
				realloc(s->conns, cap * sizeof(*nc));

			if (!nc) {
				close(fd);
				return;
			}
			s->conns = nc;
			s->cap = cap;
		}
		c = malloc(sizeof(*c));
		if (!c || ofg_conn_init(c, fd, s->n)) {
			free(c);
			close(fd);
			return;
		}
		s->conns[s->n++] = c;
		s->open++;
		if (!s->accepted++)
			s->first = ofg_now_ns();
		c->state = CS_HELLO;
		c->ver = s->hello_ver;
		n = ofg_build_hello(s->buf, s->hello_ver, s->bitmap, ++c->xid);
		ofg_tx_queue(c, s->buf, n);
		ev.events = c->events = EPOLLIN;
		ev.data.ptr = c;
		epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev);
		rc = ofg_tx_flush(c);
		if (rc < 0)
			conn_fail(s, c, "write", rc);
		else
			ep_update(s, c);
	}
}

static void on_event(struct ctl *s, struct ofg_conn *c, uint32_t ev)
{
	int rc;

	if (c->closed)
		return;
	if ((ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) && !c->rx_paused) {
		rc = ofg_rx_read(c, ctl_on_msg, s);
		if (rc < 0) {
			if (ofg_tx_pending(c))
				ofg_tx_flush(c);
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
	if (c->rx_paused && ofg_tx_pending(c) + ofg_delay_bytes(c) < TX_LOW) {
		c->rx_paused = false;
		rc = ofg_rx_process(c, ctl_on_msg, s);
		if (rc < 0) {
			conn_fail(s, c, "process", rc);
			return;
		}
		rc = ofg_tx_flush(c);
		if (rc < 0) {
			conn_fail(s, c, "write", rc);
			return;
		}
	}
	if (c->rx_paused) {
		ep_update(s, c);
		return;
	}
	if (c->rd_eof || c->closing)
		conn_finish(s, c);
	else
		ep_update(s, c);
}

int ofg_run_controller(const struct ofg_cfg *cfg)
{
	struct epoll_event evs[256];
	struct ofg_summary sum = {0};
	struct ctl s = {0};
	uint64_t limit = 0, stop_deadline = 0, due;
	int i, rc = 0;

	s.cfg = cfg;
	s.pin_fm = cfg->pin_flow_mod;
	for (i = 0; i < cfg->nversions; i++) {
		if (cfg->versions[i] > s.hello_ver)
			s.hello_ver = cfg->versions[i];
		s.bitmap |= 1u << cfg->versions[i];
		build_answers(&s, cfg->versions[i]);
	}
	if (s.hello_ver < OFG_V13)
		s.bitmap = 0;
	s.buf = malloc(OFG_MAX_MSG);
	s.ep = epoll_create1(EPOLL_CLOEXEC);
	if (!s.buf || s.ep < 0 || do_listen(&s))
		return 1;
	s.t0 = s.now = ofg_now_ns();
	if (cfg->duration_s > 0)
		limit = s.t0 + (uint64_t)((cfg->duration_s + 2) * 1e9);

	for (;;) {
		int nev, timeout = 50;

		s.now = ofg_now_ns();
		if ((ofg_stop_signals || (limit && s.now >= limit)) &&
		    !stop_deadline) {
			/* stop: flush, FIN, wait briefly for the peers' FIN */
			stop_deadline = s.now + 2000000000ull;
			for (i = 0; i < s.n; i++)
				conn_finish(&s, s.conns[i]);
		}
		if (stop_deadline &&
		    (s.now >= stop_deadline || ofg_stop_signals >= 2)) {
			for (i = 0; i < s.n; i++)
				if (!s.conns[i]->closed) {
					s.conns[i]->failed = true;
					ofg_conn_abort(s.conns[i]);
					conn_closed(&s, s.conns[i]);
				}
		}
		if (s.open == 0 && (stop_deadline || s.accepted >= cfg->expect))
			break;
		due = UINT64_MAX;
		for (i = 0; i < s.n; i++) {
			struct ofg_conn *c = s.conns[i];

			if (c->closed)
				continue;
			if (ofg_delay_count(c) && ofg_delay_release(c, s.now))
				on_event(&s, c, 0); /* write, resume, finish */
			if (c->closed)
				continue;
			periodic(&s, c);
			if (c->state == CS_RUNNING && !c->closing)
				timeout = 1;
			if (ofg_delay_next(c) < due)
				due = ofg_delay_next(c);
		}
		ofg_progress(cfg, s.now);
		nev = ofg_epoll_wait(s.ep, evs, 256, timeout, due);
		if (nev < 0 && errno != EINTR) {
			perror("epoll_wait");
			rc = 1;
			break;
		}
		s.now = ofg_now_ns();
		for (i = 0; i < nev; i++) {
			if (!evs[i].data.ptr)
				do_accept(&s);
			else
				on_event(&s, evs[i].data.ptr, evs[i].events);
		}
	}

	sum.role = "controller";
	for (i = 0; i < s.n; i++) {
		struct ofg_conn *c = s.conns[i];

		ofg_lat_conn_end(c);
		if (c->state == CS_RUNNING)
			sum.connections++;
		if (c->failed || c->state != CS_RUNNING)
			sum.connections_failed++;
		else if (c->rd_eof && c->wr_shut)
			sum.connections_clean++;
	}
	if (s.accepted && s.last_close > s.first)
		sum.duration_s = (s.last_close - s.first) / 1e9;
	sum.elapsed_s = (ofg_now_ns() - s.t0) / 1e9;
	if (ofg_stats_write_json(cfg, &sum, cfg->json_out) < 0) {
		fprintf(stderr, "ofgen: cannot write JSON\n");
		rc = 1;
	}
	for (i = 0; i < s.n; i++) {
		ofg_conn_abort(s.conns[i]);
		ofg_conn_free(s.conns[i]);
		free(s.conns[i]);
	}
	free(s.conns);
	free(s.buf);
	close(s.lfd);
	close(s.ep);
	return rc;
}
