// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * of_conn.c - the OpenFlow side of each TCP connection: framing of both
 * halves, decoding, roles, HELLO versions, identity (rules in of_conn.h).
 */
#include <stdlib.h>
#include <string.h>

#include "openflow/of_conn.h"

#define OFPT_HELLO 0
#define OFPT_ERROR 1
#define OFPT_FEATURES_REPLY 6
#define OFPT_PACKET_OUT 13
#define ETH_P_LLDP 0x88cc
/* Bytes of a held (neutral-type) message kept for decoding. */
#define OF_PENDING_BYTES 64

/* A message held until the connection's role is known. */
struct of_pending {
	uint64_t ts_ns;
	uint8_t half;
	uint8_t flags;
	uint16_t caplen;
	uint16_t bytes;
	uint8_t data[OF_PENDING_BYTES];
	uint8_t *whole; /* the whole message (struct of_whole), or NULL */
};

/* A message of an unverified half, held until its chain is proven or
 * broken (its first OF_PEEK_MAX bytes: all the decoders read). */
struct of_held {
	uint64_t ts_ns;
	uint32_t bytes;
	uint32_t caplen;
	uint8_t flags;
	bool whole; /* more than OF_PEEK_MAX bytes, charged to of_whole */
	uint8_t data[];
};

struct of_session {
	struct ofx_stream_ops ops;
	const struct of_msg_sink *sink;
	struct of_session_stats *st;
	struct of_whole whole;
};

/* struct of_conn.pending's owner, found from a framer's emit context. */
struct emit_ctx {
	struct of_session *s;
	struct of_conn *c;
};

const char *of_role_source_name(uint8_t src)
{
	static const char *const names[] = {
		[OF_ROLE_PORT] = "port",
		[OF_ROLE_OPENER] = "opener",
		[OF_ROLE_MESSAGES] = "messages",
	};

	return src < sizeof(names) / sizeof(names[0]) ? names[src] : NULL;
}

const char *of_protocol_name(uint8_t proto)
{
	static const char *const names[] = {
		[OF_PROTO_OPENFLOW] = "openflow",
		[OF_PROTO_TLS] = "tls",
		[OF_PROTO_UNVERIFIED] = "unverified",
	};

	return proto < sizeof(names) / sizeof(names[0]) ? names[proto] : NULL;
}

uint8_t of_conn_protocol(const struct of_conn *c)
{
	if (c->tls_seen)
		return OF_PROTO_TLS;
	if (c->vstate[0] == OF_V_VERIFIED || c->vstate[1] == OF_V_VERIFIED ||
	    c->cnt[0].msgs || c->cnt[1].msgs)
		return OF_PROTO_OPENFLOW;
	if (c->vstate[0] == OF_V_UNVERIFIED || c->vstate[1] == OF_V_UNVERIFIED)
		return OF_PROTO_UNVERIFIED;
	return OF_PROTO_NONE;
}

const char *of_dpid_source_name(uint8_t src)
{
	static const char *const names[] = {
		[OF_DPID_FEATURES] = "features_reply",
		[OF_DPID_LLDP] = "lldp",
		[OF_DPID_MAP] = "map",
	};

	return src < sizeof(names) / sizeof(names[0]) ? names[src] : NULL;
}

/* The switch half by the fallback rule: the opener, else the port rule. */
static int fallback_half(const struct of_conn *c, uint8_t *src)
{
	if (c->tcp->opener >= 0) {
		*src = OF_ROLE_OPENER;
		return c->tcp->opener;
	}
	*src = OF_ROLE_PORT;
	return c->tcp->port_dir[0] == OFX_DIR_IN ? 0 : 1;
}

/* Learn the switch's identity from @m before it is emitted. */
static void learn_identity(struct of_session *s, struct of_conn *c,
			   const struct of_msg *m)
{
	uint64_t dpid;

	/* The first FEATURES_REPLY names the switch for the connection's
	 * life (a switch does not change its datapath_id mid-connection). */
	if (m->type == OFPT_FEATURES_REPLY && m->dir == OFX_DIR_IN &&
	    m->dec.has_dpid && c->dpid_source != OF_DPID_FEATURES) {
		bool changed =
			!c->has_dpid || c->datapath_id != m->dec.datapath_id;

		c->has_dpid = true;
		c->datapath_id = m->dec.datapath_id;
		c->dpid_source = OF_DPID_FEATURES;
		if (m->version >= 4) {
			c->has_aux = true;
			c->auxiliary_id = m->dec.auxiliary_id;
		}
		if (changed)
			s->sink->conn(s->sink->ctx, c, OF_CONN_IDENTIFIED);
		return;
	}
	if (m->type == OFPT_PACKET_OUT && m->dir == OFX_DIR_OUT &&
	    m->dec.ethertype == ETH_P_LLDP && m->dec.data_off &&
	    m->dec.data_off < m->caplen &&
	    (!c->has_dpid || c->dpid_source == OF_DPID_MAP)) {
		size_t n = m->caplen - m->dec.data_off;

		if (m->dec.data_len && m->dec.data_len < n)
			n = m->dec.data_len;
		if (of_lldp_dpid(m->data + m->dec.data_off, n, &dpid) == 0) {
			c->has_dpid = true;
			c->datapath_id = dpid;
			c->dpid_source = OF_DPID_LLDP;
			s->sink->conn(s->sink->ctx, c, OF_CONN_IDENTIFIED);
		}
	}
}

/* Decode and emit one message of @half (role known). */
static void deliver(struct of_session *s, struct of_conn *c, int half,
		    const struct of_frame *f)
{
	const uint8_t *p = f->data;
	struct of_msg m;

	m.conn = c;
	m.data = p;
	m.caplen = f->caplen;
	m.version = p[0];
	m.type = p[1];
	m.length = (uint16_t)(p[2] << 8 | p[3]);
	m.bytes = (uint16_t)f->bytes;
	/* Cut by the end of the input (not by a gap, not by the peer
	 * closing) in a verified stream: the rest was sent, just not
	 * captured; count its length, as tshark does. */
	if (__builtin_expect(f->flags & OF_FRAME_TRUNCATED, 0) &&
	    !(f->flags & OF_FRAME_PARTIAL) && c->input_end &&
	    c->vstate[half] == OF_V_VERIFIED)
		m.bytes = m.length;
	m.xid = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 |
		(uint32_t)p[6] << 8 | p[7];
	m.dir = of_conn_dir(c, half);
	m.flags = f->flags;
	if (c->tcp->midstream)
		m.flags |= OF_MSG_MIDSTREAM;
	if (!of_type_valid(m.version, m.type))
		m.flags |= OF_MSG_INVALID_TYPE;
	m.ts_ns = f->ts_ns;
	of_decode(p, f->caplen, &m.dec);
	if (m.type == OFPT_HELLO)
		c->hello_versions[half] = m.dec.hello_versions;
	if (m.type == OFPT_FEATURES_REPLY || m.type == OFPT_PACKET_OUT)
		learn_identity(s, c, &m);
	c->cnt[m.dir].msgs++;
	c->cnt[m.dir].bytes += m.bytes;
	s->sink->msg(s->sink->ctx, &m);
}

/* Count TCP segments of @half in the direction of its role. */
static void count_tcp(struct of_session *s, struct of_conn *c, int half,
		      uint64_t segs, uint64_t bytes)
{
	uint8_t dir = of_conn_dir(c, half);

	c->tcp_cnt[dir].msgs += segs;
	c->tcp_cnt[dir].bytes += bytes;
	s->st->tcp[dir].msgs += segs;
	s->st->tcp[dir].bytes += bytes;
}

/* The role is known now: count the held segments and emit the held
 * messages in order. */
static void release_pending(struct of_session *s, struct of_conn *c)
{
	struct of_pending *pd = c->pending;
	uint8_t n = c->npending;

	for (int half = 0; half < 2; half++) {
		uint8_t dir = of_conn_dir(c, half);

		count_tcp(s, c, half, c->pending_tcp[half].msgs,
			  c->pending_tcp[half].bytes);
		c->pending_tcp[half] = (struct ofx_count){0};
		c->unverified[dir].msgs += c->pending_unv[half].msgs;
		c->unverified[dir].bytes += c->pending_unv[half].bytes;
		s->st->unverified[dir].msgs += c->pending_unv[half].msgs;
		s->st->unverified[dir].bytes += c->pending_unv[half].bytes;
		c->pending_unv[half] = (struct ofx_count){0};
	}

	c->pending = NULL;
	c->npending = 0;
	for (uint8_t i = 0; i < n; i++) {
		struct of_frame f = {
			.data = pd[i].whole ? pd[i].whole : pd[i].data,
			.caplen = pd[i].whole ? pd[i].bytes : pd[i].caplen,
			.bytes = pd[i].bytes,
			.ts_ns = pd[i].ts_ns,
			.flags = pd[i].flags,
		};

		deliver(s, c, pd[i].half, &f);
		of_whole_free(&s->whole, pd[i].whole, pd[i].bytes);
	}
	free(pd);
}

static void decide_by_fallback(struct of_session *s, struct of_conn *c)
{
	c->switch_half = (int8_t)fallback_half(c, &c->role_source);
	s->st->pending_released_by_fallback += c->npending;
	release_pending(s, c);
}

/* Anything held for the role: messages, segments or unverified counts. */
static bool holding(const struct of_conn *c)
{
	return c->npending || c->pending_tcp[0].msgs ||
	       c->pending_tcp[1].msgs || c->pending_unv[0].msgs ||
	       c->pending_unv[1].msgs;
}

/* Hold a neutral message while the role is unknown. Return: false if it
 * could not be held (the caller decides the role and emits it). */
static bool hold(struct of_session *s, struct of_conn *c, int half,
		 const struct of_frame *f)
{
	struct of_pending *p;

	if (c->npending >= OF_PENDING_MAX)
		return false;
	if (!c->pending) {
		c->pending = malloc(OF_PENDING_MAX * sizeof(*c->pending));
		if (!c->pending)
			return false;
	}
	if (!holding(c))
		c->pending_since_ns = f->ts_ns;
	p = &c->pending[c->npending++];
	p->ts_ns = f->ts_ns;
	p->half = (uint8_t)half;
	p->flags = f->flags;
	p->bytes = (uint16_t)f->bytes;
	p->caplen = f->caplen < OF_PENDING_BYTES ? (uint16_t)f->caplen
						 : OF_PENDING_BYTES;
	memcpy(p->data, f->data, p->caplen);
	p->whole = NULL;
	/* kept whole: a message with all its bytes (caplen == bytes) */
	if (f->caplen > OF_PENDING_BYTES && f->caplen == f->bytes &&
	    (p->whole = of_whole_alloc(&s->whole, f->bytes)))
		memcpy(p->whole, f->data, f->bytes);
	return true;
}

/* A message of a verified half (or released at the end): versions,
 * role, then counted. */
static void accept(struct of_session *s, struct of_conn *c, int half,
		   const struct of_frame *f)
{
	uint8_t v = f->data[0], t = f->data[1];

	if (t == OFPT_HELLO) {
		c->hello[half] = v;
		if (c->hello[!half])
			c->version = v < c->hello[!half] ? v : c->hello[!half];
	} else if (!c->version) {
		c->version = v; /* no HELLO exchange seen (yet) */
	}
	if (c->switch_half < 0) {
		int sender = of_type_sender(v, t);

		if (sender != OF_SENDER_ANY) {
			c->switch_half =
				(int8_t)(sender == OF_SENDER_SWITCH ? half
								    : !half);
			c->role_source = OF_ROLE_MESSAGES;
			release_pending(s, c);
		} else if (hold(s, c, half, f)) {
			return;
		} else {
			decide_by_fallback(s, c);
		}
	}
	deliver(s, c, half, f);
}

/* ---- verification (rules in of_conn.h) ---- */

/* @msgs messages of @half with @bytes seen are not OpenFlow. */
static void count_unverified(struct of_session *s, struct of_conn *c, int half,
			     uint64_t msgs, uint64_t bytes, uint64_t ts_ns)
{
	uint8_t dir;

	if (c->switch_half < 0) {
		if (!holding(c))
			c->pending_since_ns = ts_ns;
		c->pending_unv[half].msgs += msgs;
		c->pending_unv[half].bytes += bytes;
		return;
	}
	dir = of_conn_dir(c, half);
	c->unverified[dir].msgs += msgs;
	c->unverified[dir].bytes += bytes;
	s->st->unverified[dir].msgs += msgs;
	s->st->unverified[dir].bytes += bytes;
}

static void free_held(struct of_session *s, struct of_held *h)
{
	s->st->held.msgs--;
	s->st->held.bytes -= h->bytes;
	if (h->whole)
		s->whole.used -= h->caplen;
	free(h);
}

/* The chain of @half broke: its held messages are not OpenFlow. */
static void reject_held(struct of_session *s, struct of_conn *c, int half)
{
	for (uint8_t i = 0; i < c->nheld[half]; i++) {
		struct of_held *h = c->held[half][i];

		count_unverified(s, c, half, 1, h->bytes, h->ts_ns);
		free_held(s, h);
	}
	c->nheld[half] = 0;
}

/* The held messages of @half are OpenFlow: count them, in order. */
static void release_held(struct of_session *s, struct of_conn *c, int half)
{
	uint8_t n = c->nheld[half];

	c->nheld[half] = 0;
	for (uint8_t i = 0; i < n; i++) {
		struct of_held *h = c->held[half][i];
		struct of_frame f = {
			.data = h->data,
			.caplen = h->caplen,
			.bytes = h->bytes,
			.ts_ns = h->ts_ns,
			.flags = h->flags,
		};

		accept(s, c, half, &f);
		free_held(s, h);
	}
}

/* Hold a message of unverified @half (full: the oldest is not OpenFlow;
 * no memory: this one is not). */
static void hold_unverified(struct of_session *s, struct of_conn *c, int half,
			    const struct of_frame *f)
{
	uint32_t caplen = f->caplen < OF_PEEK_MAX ? f->caplen : OF_PEEK_MAX;
	bool whole = false;
	struct of_held *h;

	if (c->nheld[half] == OF_HOLD_MAX) {
		h = c->held[half][0];
		count_unverified(s, c, half, 1, h->bytes, h->ts_ns);
		free_held(s, h);
		memmove(&c->held[half][0], &c->held[half][1],
			(OF_HOLD_MAX - 1) * sizeof(c->held[half][0]));
		c->nheld[half]--;
	}
	/* kept whole (struct of_whole): all of a message with all its bytes */
	if (f->caplen > OF_PEEK_MAX && f->caplen == f->bytes && s->whole.max) {
		if (s->whole.used + f->caplen <= s->whole.max) {
			caplen = f->caplen;
			whole = true;
			s->whole.used += caplen;
		} else {
			s->whole.denied++;
		}
	}
	h = malloc(sizeof(*h) + caplen);
	if (!h) {
		if (whole)
			s->whole.used -= caplen;
		count_unverified(s, c, half, 1, f->bytes, f->ts_ns);
		return;
	}
	h->ts_ns = f->ts_ns;
	h->bytes = f->bytes;
	h->caplen = caplen;
	h->whole = whole;
	h->flags = f->flags;
	memcpy(h->data, f->data, caplen);
	c->held[half][c->nheld[half]++] = h;
	s->st->held.msgs++;
	s->st->held.bytes += h->bytes;
}

/* The chain of @half is unbroken so far (no bad header since it began). */
static bool chain_intact(const struct of_conn *c, int half)
{
	return c->fr[half].bad == c->bad_seen[half];
}

/* @half starts a new chain. */
static void unverify(struct of_conn *c, int half)
{
	c->vstate[half] = OF_V_UNVERIFIED;
	c->run[half] = 0;
	c->bad_seen[half] = c->fr[half].bad;
}

static void verify(struct of_session *s, struct of_conn *c, int half)
{
	c->vstate[half] = OF_V_VERIFIED;
	c->probation[half] = false;
	s->st->verified_by_chain++;
	release_held(s, c, half);
}

/* The first message of @half, on a stream seen from its SYN, is a
 * plausible HELLO framed from the stream's first byte. */
static bool hello_first(const struct of_conn *c, int half,
			const struct of_frame *f)
{
	const uint8_t *p = f->data;

	return c->tcp->syn[half] && p[1] == OFPT_HELLO &&
	       !(f->flags & (OF_FRAME_RESYNCED | OF_FRAME_TRUNCATED)) &&
	       of_header_plausible(p) && (p[2] << 8 | p[3]) <= OF_HELLO_MAX;
}

/* Does the chain of @half (last message version @v) prove it? */
static bool proven(const struct of_conn *c, int half, uint8_t v)
{
	int o = !half;

	if (!c->run[half])
		return false;
	if (c->run[half] >= OF_VERIFY_RUN)
		return true;
	if (c->probation[half] || c->probation[o])
		return false; /* a resync proves itself, by its own run */
	if (c->vstate[o] == OF_V_VERIFIED)
		return c->version == v;
	return c->vstate[o] == OF_V_UNVERIFIED && c->run[o] &&
	       c->run_version[o] == v && chain_intact(c, o) &&
	       c->run[half] + c->run[o] >= OF_VERIFY_RUN;
}

/* A message of a half not verified, or of another version than the
 * connection's. */
static void check_frame(struct of_session *s, struct of_conn *c, int half,
			const struct of_frame *f)
{
	uint8_t v = f->data[0], t = f->data[1];
	bool plausible = of_header_plausible(f->data), unconfirmed;
	int o = !half;

	if (c->vstate[half] == OF_V_VERIFIED) {
		if (t == OFPT_HELLO || t == OFPT_ERROR || !c->hello[0] ||
		    !c->hello[1]) {
			accept(s, c, half, f);
			return;
		}
		s->st->version_contradictions++;
		unverify(c, half);
	} else if (c->vstate[half] == OF_V_START) {
		if (hello_first(c, half, f)) {
			c->vstate[half] = OF_V_VERIFIED;
			accept(s, c, half, f);
			return;
		}
		unverify(c, half);
	}
	/* found by an unchecked resync and cut before its end: its length,
	 * all that placed it, was never confirmed by a successor; it alone
	 * is not OpenFlow (a chain held before it is not contradicted) */
	unconfirmed = (f->flags & (OF_FRAME_UNCHECKED | OF_FRAME_TRUNCATED)) ==
		      (OF_FRAME_UNCHECKED | OF_FRAME_TRUNCATED);
	if (!chain_intact(c, half) || !plausible ||
	    (c->run[half] && v != c->run_version[half])) {
		reject_held(s, c, half);
		c->run[half] = 0;
		c->bad_seen[half] = c->fr[half].bad;
	}
	if (!plausible || unconfirmed) {
		count_unverified(s, c, half, 1, f->bytes, f->ts_ns);
		return;
	}
	c->run_version[half] = v;
	if (!(f->flags & OF_FRAME_TRUNCATED) && c->run[half] < UINT8_MAX)
		c->run[half]++;
	if (!proven(c, half, v)) {
		hold_unverified(s, c, half, f);
		return;
	}
	/* A joint chain proves the other half too: its messages came first. */
	if (c->vstate[o] == OF_V_UNVERIFIED && !c->probation[o] && c->run[o] &&
	    c->run_version[o] == v && chain_intact(c, o))
		verify(s, c, o);
	verify(s, c, half);
	accept(s, c, half, f);
}

/*
 * End of @half's stream: the held messages of an unbroken chain with a
 * whole message in it count as OpenFlow when the half may be OpenFlow
 * whose proof the capture cut short: joined mid-stream (its HELLO never
 * seen) and never a bad header in sync. Of a broken chain, of one made
 * only of messages cut by gaps or the end, of a half seen from its SYN
 * (it did not start with a HELLO) or whose framing broke in sync, they do
 * not: random bytes end with such chains now and then. A half on
 * probation (verified, then resynchronised) had its proof cut short too:
 * its unbroken chain since the resync counts.
 */
static void end_held(struct of_session *s, struct of_conn *c, int half)
{
	if (!c->nheld[half])
		return;
	if (!chain_intact(c, half) || !c->run[half] ||
	    (!c->probation[half] && (c->tcp->syn[half] || c->fr[half].bad))) {
		reject_held(s, c, half);
		return;
	}
	s->st->unproven_at_end += c->nheld[half];
	release_held(s, c, half);
}

/* The framer of @half emitted a message. The common case (a verified
 * half, the connection's version, roles known, not a HELLO) goes straight
 * to deliver(). */
static void on_frame(void *ctx, uint8_t half, const struct of_frame *f)
{
	struct emit_ctx *e = ctx;
	struct of_conn *c = e->c;

	if (__builtin_expect(c->vstate[half] == OF_V_VERIFIED &&
				     f->data[0] == c->version &&
				     c->switch_half >= 0 &&
				     f->data[1] != OFPT_HELLO &&
				     !(f->flags & OF_FRAME_UNCHECKED),
			     1)) {
		deliver(e->s, c, half, f);
		return;
	}
	if ((f->flags & OF_FRAME_UNCHECKED) &&
	    c->vstate[half] == OF_V_VERIFIED) {
		/* A resync's first header may be a false lock (its
		 * successors beyond the data at hand were not checked):
		 * the half proves itself again by its own run. */
		c->probation[half] = true;
		unverify(c, half);
	}
	if (c->vstate[half] == OF_V_VERIFIED && f->data[0] == c->version)
		accept(e->s, c, half, f);
	else
		check_frame(e->s, c, half, f);
}

/* The framer of @half consumed TLS bytes. */
static void on_tls(void *ctx, uint8_t half, uint32_t records, uint64_t bytes,
		   uint64_t ts_ns)
{
	struct emit_ctx *e = ctx;
	struct of_conn *c = e->c;
	uint8_t dir;

	(void)ts_ns;
	if (!c->tls_seen) {
		c->tls_seen = true;
		e->s->st->tls_connections++;
	}
	if (c->switch_half < 0)
		decide_by_fallback(e->s, c);
	dir = of_conn_dir(c, half);
	c->tls[dir].msgs += records;
	c->tls[dir].bytes += bytes;
	e->s->st->tls[dir].msgs += records;
	e->s->st->tls[dir].bytes += bytes;
}

static struct of_conn *conn_of(struct ofx_conn *tcp, int half)
{
	struct of_conn *c = tcp->app;

	if (c && !c->fr_started[half]) {
		of_framer_init(&c->fr[half], (uint8_t)half, tcp->syn[half]);
		c->fr_started[half] = true;
	}
	return c;
}

static void on_open(void *ctx, struct ofx_conn *tcp)
{
	struct of_session *s = ctx;
	struct of_conn *c = calloc(1, sizeof(*c));

	tcp->app = c;
	if (!c)
		return;
	c->tcp = tcp;
	c->switch_half = -1;
	s->sink->conn(s->sink->ctx, c, OF_CONN_OPEN);
}

static void on_segment(void *ctx, struct ofx_conn *tcp, int half,
		       const struct ofx_segment *seg)
{
	struct of_session *s = ctx;
	struct of_conn *c = tcp->app;

	if (!c || !seg->first || !seg->seg_len)
		return;
	if (c->switch_half >= 0) {
		count_tcp(s, c, half, 1, seg->seg_len);
	} else {
		if (!holding(c))
			c->pending_since_ns = seg->ts_ns;
		c->pending_tcp[half].msgs++;
		c->pending_tcp[half].bytes += seg->seg_len;
	}
}

/* The connection carries OpenFlow (rules in of_conn.h). */
static bool verified(const struct of_conn *c)
{
	return (c->hello[0] && c->hello[1]) || c->fr[0].trusted_version ||
	       c->fr[1].trusted_version;
}

static void on_data(void *ctx, struct ofx_conn *tcp, int half, const uint8_t *p,
		    uint32_t len, uint64_t ts_ns)
{
	struct of_session *s = ctx;
	struct emit_ctx e = {.s = s, .c = conn_of(tcp, half)};
	struct of_framer_out out = {.emit = on_frame,
				    .tls = on_tls,
				    .ctx = &e,
				    .st = &s->st->framing,
				    .whole = &s->whole};

	if (!e.c)
		return;
	of_framer_feed(&e.c->fr[half], p, len, ts_ns, &out);
	if (!tcp->app_verified && verified(e.c))
		tcp->app_verified = true;
}

static void on_gap(void *ctx, struct ofx_conn *tcp, int half, uint64_t len,
		   uint64_t ts_ns)
{
	struct of_session *s = ctx;
	struct emit_ctx e = {.s = s, .c = conn_of(tcp, half)};
	struct of_framer_out out = {.emit = on_frame,
				    .tls = on_tls,
				    .ctx = &e,
				    .st = &s->st->framing,
				    .whole = &s->whole};

	if (e.c)
		of_framer_gap(&e.c->fr[half], len, ts_ns, &out);
}

/* The streams of @c end; @input_end: because the input ended (a message
 * cut then was sent whole, only not captured), not by FIN, RST, idle
 * timeout or eviction. */
static void end_conn(struct of_session *s, struct of_conn *c, bool input_end)
{
	struct emit_ctx e = {.s = s, .c = c};
	struct of_framer_out out = {.emit = on_frame,
				    .tls = on_tls,
				    .ctx = &e,
				    .st = &s->st->framing,
				    .whole = &s->whole};

	c->input_end = input_end;
	for (int half = 0; half < 2; half++)
		if (c->fr_started[half])
			of_framer_end(&c->fr[half], c->tcp->last_ns, &out);
	for (int half = 0; half < 2; half++)
		end_held(s, c, half);
	if (c->switch_half < 0 && holding(c))
		decide_by_fallback(s, c);
	c->input_end = false;
}

void of_session_end(struct of_session *s, struct ofx_conn *tcp)
{
	if (tcp->app)
		end_conn(s, tcp->app, true);
}

void of_session_tick(struct of_session *s, struct ofx_conn *tcp,
		     uint64_t now_ns)
{
	struct of_conn *c = tcp->app;

	if (c && c->switch_half < 0 && holding(c) &&
	    now_ns > c->pending_since_ns &&
	    now_ns - c->pending_since_ns > OF_PENDING_NS)
		decide_by_fallback(s, c);
}

static void on_close(void *ctx, struct ofx_conn *tcp)
{
	struct of_session *s = ctx;
	struct of_conn *c = tcp->app;

	if (!c)
		return;
	end_conn(s, c, tcp->close_reason == OFX_CLOSE_END);
	if (c->switch_half < 0) /* no message at all: segments only */
		decide_by_fallback(s, c);
	/* the switch half, for segments after the close (on_late_segment) */
	tcp->tw_tag = (uint8_t)(c->switch_half + 1);
	s->sink->conn(s->sink->ctx, c, OF_CONN_CLOSE);
	of_framer_release(&c->fr[0]);
	of_framer_release(&c->fr[1]);
	free(c->pending);
	free(c);
	tcp->app = NULL;
}

/* A retransmission of a closed connection (its TIME_WAIT): a TCP segment
 * of it on the wire, counted in TCP_OF_* in the direction of its sender's
 * role (@tw_tag: the switch half + 1, see on_close); its messages were
 * counted when first seen. */
static void on_late_segment(void *ctx, uint8_t tw_tag, int half,
			    const struct ofx_segment *seg)
{
	struct of_session *s = ctx;
	uint8_t dir;

	if (!tw_tag || !seg->first || !seg->seg_len)
		return;
	dir = half == tw_tag - 1 ? OFX_DIR_IN : OFX_DIR_OUT;
	s->st->tcp[dir].msgs++;
	s->st->tcp[dir].bytes += seg->seg_len;
}

struct of_session *of_session_new(const struct of_msg_sink *sink,
				  struct of_session_stats *st)
{
	struct of_session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->sink = sink;
	s->st = st;
	s->ops = (struct ofx_stream_ops){
		.open = on_open,
		.segment = on_segment,
		.data = on_data,
		.gap = on_gap,
		.close = on_close,
		.late_segment = on_late_segment,
		.ctx = s,
	};
	return s;
}

void of_session_set_whole(struct of_session *s, uint64_t max_bytes)
{
	s->whole.max = max_bytes;
}

const struct of_whole *of_session_whole(const struct of_session *s)
{
	return &s->whole;
}

const struct ofx_stream_ops *of_session_stream_ops(struct of_session *s)
{
	return &s->ops;
}

void of_session_free(struct of_session *s)
{
	free(s);
}
