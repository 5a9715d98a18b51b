/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ofgen - OpenFlow load generator (emulated switches and a controller).
 *
 * Shared declarations: configuration, message builders (ofgen_msg.c),
 * send/receive counters and JSON output (ofgen_stats.c), connection
 * buffers with exact "sent only when fully written" accounting
 * (ofgen_conn.c) and the two roles (ofgen_switch.c, ofgen_ctl.c).
 */
#ifndef OFGEN_H
#define OFGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct epoll_event;

#define OFG_NVER 7 /* wire versions 0..6 index the counter tables */
#define OFG_HDR_LEN 8
#define OFG_MAX_MSG 65535
#define OFG_NO_BUFFER 0xffffffffu
#define OFG_LAT_WINDOW_NS 5000000000ull /* ofxdp's matching window, 5 s */

/* Wire version numbers. */
#define OFG_V10 0x01
#define OFG_V13 0x04
#define OFG_V14 0x05
#define OFG_V15 0x06

/* Logical messages ofgen builds; ofg_type() maps them to wire types. */
enum ofg_msg {
	OFG_HELLO,
	OFG_ERROR,
	OFG_ECHO_REQUEST,
	OFG_ECHO_REPLY,
	OFG_FEATURES_REQUEST,
	OFG_FEATURES_REPLY,
	OFG_PACKET_IN,
	OFG_PORT_STATUS,
	OFG_PACKET_OUT,
	OFG_FLOW_MOD,
	OFG_STATS_REQUEST, /* STATS_REQUEST (1.0) / MULTIPART_REQUEST (1.3+) */
	OFG_STATS_REPLY, /* STATS_REPLY (1.0) / MULTIPART_REPLY (1.3+) */
	OFG_BARRIER_REQUEST,
	OFG_BARRIER_REPLY,
	OFG_MSG_MAX
};

/* Switch-side traffic mix entries (what each emulated switch generates). */
enum ofg_mix {
	OFG_MIX_PACKET_IN,
	OFG_MIX_ECHO,
	OFG_MIX_BARRIER,
	OFG_MIX_PORT_STATUS,
	OFG_MIX_ERROR,
	OFG_MIX_MAX
};

/*
 * Request kinds whose latency ofgen measures (keys of "latency" in the
 * JSON, as ofxdp names them). MULTIPART is the first reply part,
 * MULTIPART_COMPLETE the last one (flags without MORE).
 */
enum ofg_lk {
	OFG_LK_PACKET_IN,
	OFG_LK_ECHO,
	OFG_LK_BARRIER,
	OFG_LK_MULTIPART,
	OFG_LK_MULTIPART_COMPLETE,
	OFG_LK_FEATURES,
	OFG_LK_MAX
};

/* The side that sent a request ("from" in the JSON). */
enum ofg_side { OFG_SIDE_CONTROLLER, OFG_SIDE_SWITCH };

/* Command-line configuration of either role. */
struct ofg_cfg {
	bool controller; /* role */
	char addr[256]; /* --listen / --connect host */
	char port[16];
	uint8_t versions[OFG_NVER]; /* wire versions, in the given order */
	int nversions;
	const char *json_out; /* NULL = stdout */
	double duration_s; /* switches: generation time; controller: limit */
	bool progress; /* per-second rates on stderr */
	bool no_latency; /* --no-latency: no latency tracking */
	/* switches */
	int nconn;
	double rate; /* msgs/s over all connections, 0 = unlimited */
	int batch; /* generated messages per write() */
	int pin_data; /* PACKET_IN data bytes */
	int pin_len; /* PACKET_IN total length (overrides pin_data), 0 = off */
	int stats_reply_size; /* flow stats reply bytes (all parts) */
	int mix[OFG_MIX_MAX]; /* percentages (weights) */
	int drain_ms;
	int pin_buffered_pct; /* PACKET_INs with a buffer_id, percent */
	/* both: answer delays (--reply-delay, --reply-jitter, --seed) */
	bool delay_on; /* --reply-delay given: answers go through a FIFO */
	uint64_t reply_delay_ns[OFG_LK_MAX]; /* per kind answered */
	uint64_t reply_jitter_ns;
	uint64_t seed;
	/* controller */
	const char *port_file;
	int flow_mod_pct; /* PACKET_IN answers that are FLOW_MODs, percent */
	int pin_flow_mod; /* enum ofg_pin_fm, -1 = by --reply-delay */
	int stats_interval_ms; /* per connection, 0 = off */
	int echo_interval_ms;
	int barrier_interval_ms;
	int expect; /* exit after this many connections were seen+closed */
};

/*
 * How the controller answers an unbuffered PACKET_IN of the FLOW_MOD share:
 * a bare FLOW_MOD (no buffer, so nothing on the wire ties it to the
 * PACKET_IN) or a FLOW_MOD followed by a PACKET_OUT carrying the frame.
 */
enum ofg_pin_fm { OFG_PIN_FM_BARE, OFG_PIN_FM_WITH_PACKET_OUT };

/* ---- ofgen_msg.c: message builders (all big endian, well-formed) ---- */

/* Wire type of @m for version @ver (1, 4, 5, 6); -1 if unsupported. */
int ofg_type(uint8_t ver, enum ofg_msg m);
/* True if ofgen can build messages for wire version @ver. */
bool ofg_version_supported(uint8_t ver);

/*
 * Builders write one message at @b (caller provides enough room: at most
 * OFG_MAX_MSG bytes) and return its length in bytes. @xid is the header xid.
 */
size_t ofg_build_hello(uint8_t *b, uint8_t ver, uint32_t bitmap, uint32_t xid);
size_t ofg_build_simple(uint8_t *b, uint8_t ver, enum ofg_msg m, uint32_t xid);
size_t ofg_build_features_reply(uint8_t *b, uint8_t ver, uint64_t dpid,
				uint32_t xid);
size_t ofg_build_packet_in(uint8_t *b, uint8_t ver, uint32_t in_port,
			   size_t data_len, uint32_t xid);
/* PACKET_IN length for @data_len bytes of data. */
size_t ofg_packet_in_len(uint8_t ver, size_t data_len);
size_t ofg_build_packet_out(uint8_t *b, uint8_t ver, uint32_t in_port,
			    const uint8_t *data, size_t data_len, uint32_t xid);
size_t ofg_build_flow_mod(uint8_t *b, uint8_t ver, uint32_t in_port,
			  uint32_t xid);
size_t ofg_build_port_status(uint8_t *b, uint8_t ver, uint32_t port,
			     uint32_t xid);
size_t ofg_build_error(uint8_t *b, uint8_t ver, uint16_t type, uint16_t code,
		       const uint8_t *data, size_t data_len, uint32_t xid);
size_t ofg_build_flow_stats_request(uint8_t *b, uint8_t ver, uint32_t xid);

/*
 * Flow stats (1.0) / flow multipart (1.3, 1.4) / flow desc (1.5) reply of
 * about @total bytes, split into messages of at most OFG_MAX_MSG bytes with
 * the REPLY_MORE flag on all but the last. Returns a malloc'd buffer holding
 * the consecutive messages (xid 0, patch with ofg_set_xid() per part),
 * stores its length in @len; NULL on allocation failure.
 */
uint8_t *ofg_build_flow_stats_reply(uint8_t ver, size_t total, size_t *len);

/*
 * Parse a PACKET_IN: buffer_id, in_port and the carried frame (@data,
 * @data_len bytes). Returns 0, -EINVAL if malformed.
 */
int ofg_parse_packet_in(const uint8_t *m, size_t len, uint32_t *buffer_id,
			uint32_t *in_port, const uint8_t **data,
			size_t *data_len);
/*
 * Parse a PACKET_OUT (1.0, 1.3-1.5): buffer_id and the frame it carries.
 * Returns 0, -EINVAL if malformed.
 */
int ofg_parse_packet_out(const uint8_t *m, size_t len, uint32_t *buffer_id,
			 const uint8_t **data, size_t *data_len);
/* buffer_id of a FLOW_MOD (1.0 offset 64, 1.3+ offset 32); -EINVAL. */
int ofg_parse_flow_mod_buffer_id(const uint8_t *m, size_t len,
				 uint32_t *buffer_id);
/*
 * Source MAC of ofgen's frames: 02 and the 40-bit per-connection PACKET_IN
 * sequence number @seq, so every frame of a connection differs within its
 * first 12 bytes. Writes the bytes of [6, 12) that fit in @len.
 */
void ofg_frame_set_seq(uint8_t *frame, size_t len, uint64_t seq);

static inline uint16_t ofg_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t ofg_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void ofg_put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline void ofg_set_xid(uint8_t *m, uint32_t xid)
{
	ofg_put32(m + 4, xid);
}

/* ---- ofgen_stats.c: counters and JSON output ---- */

enum ofg_dir { OFG_SENT, OFG_RECEIVED };

struct ofg_counter {
	uint64_t msgs;
	uint64_t bytes;
};

/* Per direction, wire version and wire type counters (process global). */
struct ofg_stats {
	struct ofg_counter c[2][OFG_NVER][256];
	struct ofg_counter other[2]; /* versions > 6 */
};

extern struct ofg_stats ofg_stats;

static inline void ofg_count(enum ofg_dir d, uint8_t ver, uint8_t type,
			     size_t len)
{
	struct ofg_counter *c = ver < OFG_NVER ? &ofg_stats.c[d][ver][type]
					       : &ofg_stats.other[d];
	c->msgs++;
	c->bytes += len;
}

/* OFPT_* spec name of @type in version @ver, NULL if not defined. */
const char *ofg_type_name(uint8_t ver, uint8_t type);
/* "1.0".."1.5" for wire versions 1..6, NULL otherwise. */
const char *ofg_version_name(uint8_t ver);
/* Parse "1.0" / "1.3" / ... to a wire version; -1 if unknown. */
int ofg_version_parse(const char *s);
/* Sum of msgs and bytes over direction @d. */
struct ofg_counter ofg_stats_total(enum ofg_dir d);

/* Run summary besides the counters, for the JSON document. */
struct ofg_summary {
	const char *role; /* "switches" / "controller" */
	double duration_s; /* active period the rates refer to */
	double elapsed_s; /* wall time of the whole run */
	int connections; /* connections that completed the handshake */
	int connections_clean; /* closed after a full FIN exchange */
	int connections_failed; /* connect/handshake/IO errors */
};

/*
 * Write the JSON result document for @sum and the global counters to
 * @path (NULL or "-" = stdout). Returns 0 or a negative errno.
 */
int ofg_stats_write_json(const struct ofg_cfg *cfg,
			 const struct ofg_summary *sum, const char *path);

/* ---- ofgen_conn.c: one TCP connection with framing and exact tx counts ---- */

/*
 * Latency tag of a queued message (struct ofg_txrec.lat, ofg_answer()):
 * 0 = none; else an enum ofg_lk in the low bits and
 * OFG_LAT_ANSWER: an answer to a request read at t_ns (sample when its
 *   last byte is written; with OFG_LAT_LAST a MULTIPART answer that is
 *   also the last part, sampled as MULTIPART_COMPLETE too);
 * OFG_LAT_REQUEST: a tracked request (stamp its pending entry when its
 *   last byte is written).
 */
#define OFG_LAT_KIND 0x0f
#define OFG_LAT_LAST 0x10
#define OFG_LAT_REQUEST 0x40
#define OFG_LAT_ANSWER 0x80

struct ofg_txrec {
	uint64_t end; /* absolute tx byte offset just past this message */
	uint64_t t_ns; /* OFG_LAT_ANSWER: when the request was read */
	uint16_t len;
	uint8_t ver;
	uint8_t type;
	uint8_t lat; /* OFG_LAT_* tag, 0 = none */
};

/* An answer waiting for its due time (--reply-delay), FIFO per connection. */
struct ofg_dmsg {
	uint64_t due_ns;
	uint64_t t_ns; /* when the request was read */
	uint32_t len;
	uint8_t lat;
};

/* One request this role sent and waits an answer for (ofgen_lat.c). */
struct ofg_pend_ent {
	uint64_t t_sent; /* last byte written, ns; 0 = not yet */
	uint32_t key; /* xid, or the PACKET_IN sequence number */
	uint8_t flags; /* OFG_PEND_* */
};

#define OFG_PEND_DONE 0x01
#define OFG_PEND_FIRST 0x02 /* multipart: first part seen */
#define OFG_PEND_BUF 0x04 /* packet_in: carries buffer_id == key */

/*
 * Pending requests of one kind on one connection, in the order they were
 * queued: [head, stamp) written (t_sent set), [stamp, tail) queued. Keys
 * increase (modulo 2^32) so lookups are binary searches.
 */
struct ofg_pend {
	struct ofg_pend_ent *e;
	uint64_t head, stamp, tail;
	uint64_t retry; /* full: no compaction before tail reaches this */
	uint64_t hint; /* index after the last match: the next one, likely */
	size_t cap; /* power of two, 0 = not allocated */
};

struct ofg_conn {
	int fd;
	int idx; /* switch index (dpid - 1) or accept order */
	uint8_t ver; /* negotiated (controller) / configured (switch) */
	int state; /* role specific */
	uint32_t events; /* epoll events currently registered */
	bool rd_eof; /* peer sent FIN */
	bool wr_shut; /* we sent FIN (shutdown(SHUT_WR)) */
	bool closing; /* orderly close under way: no new messages */
	bool closed;
	bool failed;
	bool rx_paused; /* controller: backpressure, stop reading */

	uint8_t *rx; /* framing buffer */
	size_t rx_len, rx_cap;
	uint64_t rx_ns; /* CLOCK_MONOTONIC after the last read() with data */

	uint8_t *tx; /* pending output, [tx_head, tx_tail) */
	size_t tx_head, tx_tail, tx_cap;
	uint64_t tx_enq; /* absolute bytes queued so far */
	uint64_t tx_done; /* absolute bytes written so far */
	struct ofg_txrec *recs; /* ring of queued messages not yet written */
	uint64_t rec_head, rec_tail; /* ring indices, count = tail - head */
	size_t rec_mask;

	uint8_t *dq; /* delayed answers' bytes, [dq_head, dq_tail) */
	size_t dq_head, dq_tail, dq_cap;
	struct ofg_dmsg *dm; /* ring of delayed answers */
	uint64_t dm_head, dm_tail;
	size_t dm_cap; /* power of two, 0 = not allocated */

	struct ofg_pend pend[OFG_LK_MAX]; /* requests sent, by kind */

	uint32_t xid;
	/* role state */
	uint64_t start_ns; /* switch: generation start (handshake done) */
	uint64_t generated; /* switch: generated mix messages */
	uint64_t outstanding; /* switch: requests awaiting an answer */
	uint32_t mix_pos;
	uint64_t pin_seen; /* controller: PACKET_INs answered */
	uint64_t pin_seq; /* switch: PACKET_INs generated (frame seq) */
	uint64_t
		features_dm; /* switch: delayed FEATURES_REPLY's dm index + 1 */
	uint64_t next_stats_ns, next_echo_ns, next_barrier_ns;
	bool got_hello;
};

/* Initialise @c for socket @fd; allocates buffers. 0 or -ENOMEM. */
int ofg_conn_init(struct ofg_conn *c, int fd, int idx);
/* Free buffers (does not close the socket). */
void ofg_conn_free(struct ofg_conn *c);

/* Bytes queued but not yet written. */
static inline size_t ofg_tx_pending(const struct ofg_conn *c)
{
	return c->tx_tail - c->tx_head;
}

/*
 * Reserve @len bytes (<= OFG_MAX_MSG) at the tail of the tx buffer and
 * return a pointer to them, NULL on allocation failure. Follow with
 * ofg_tx_commit() once a message was built there.
 */
uint8_t *ofg_tx_reserve(struct ofg_conn *c, size_t len);
/* Queue the message built at the reserved tail; @len from its header. */
int ofg_tx_commit(struct ofg_conn *c, size_t len);
/* Copy and queue a built message. 0 or -ENOMEM. */
int ofg_tx_queue(struct ofg_conn *c, const uint8_t *m, size_t len);
/*
 * Tag the last queued message (OFG_LAT_*; @t_ns = when the request it
 * answers was read).
 */
static inline void ofg_tx_tag(struct ofg_conn *c, uint8_t lat, uint64_t t_ns)
{
	struct ofg_txrec *r = &c->recs[(c->rec_tail - 1) & c->rec_mask];

	r->lat = lat;
	r->t_ns = t_ns;
}

/*
 * Write queued bytes until the queue is empty or the socket would block.
 * Messages are counted as sent once their last byte has been written.
 * Returns 0 when empty, 1 when bytes remain (wait for EPOLLOUT), negative
 * errno on a socket error.
 */
int ofg_tx_flush(struct ofg_conn *c);

/* Message handler: return 0 to continue, 1 to pause framing, <0 error. */
typedef int (*ofg_msg_fn)(struct ofg_conn *c, const uint8_t *m, size_t len,
			  void *ctx);

/*
 * Read once from the socket into the framing buffer and hand every
 * complete message to @fn (received messages are counted before @fn).
 * Returns 0 on progress, EAGAIN or EOF (then rd_eof is set), 1 if @fn
 * paused framing, negative errno on a socket error or malformed framing
 * (-EPROTO).
 */
int ofg_rx_read(struct ofg_conn *c, ofg_msg_fn fn, void *ctx);
/* Frame and dispatch already buffered bytes (after a pause). */
int ofg_rx_process(struct ofg_conn *c, ofg_msg_fn fn, void *ctx);

/*
 * Advance an orderly close (sets closing): flush the tx queue, wait for
 * delayed answers (the caller releases them when due) and flush them, then
 * shutdown(SHUT_WR), then close() once the peer's FIN was read too.
 * Returns 1 once the socket is closed, 0 while waiting.
 */
int ofg_conn_close_step(struct ofg_conn *c);
/* Close the socket now (unclean: counted as not clean by the roles). */
void ofg_conn_abort(struct ofg_conn *c);

/*
 * Register interest in @want (EPOLLIN/EPOLLOUT bits) for @c on epoll
 * instance @ep, with a syscall only when it changes.
 */
void ofg_conn_set_events(int ep, struct ofg_conn *c, uint32_t want);

/*
 * A connection failed: print "ofgen: @role @id: @what: strerror(@err)"
 * (err as errno or -errno), mark it failed and close it now.
 */
void ofg_conn_fail(struct ofg_conn *c, const char *role, int id,
		   const char *what, int err);

/* Non-blocking TCP socket with TCP_NODELAY for @family; fd or -errno. */
int ofg_socket(int family);

/*
 * epoll_wait() for at most @timeout_ms, or until @due_ns (CLOCK_MONOTONIC,
 * UINT64_MAX = none) if that is sooner (ns resolution, epoll_pwait2()).
 */
int ofg_epoll_wait(int ep, struct epoll_event *evs, int n, int timeout_ms,
		   uint64_t due_ns);

/* ---- ofgen_delay.c: --reply-delay (answers held until due, in order) ---- */

/*
 * Parse a duration with unit: "2ms", "500us", "1.5ms", "1s", "800ns";
 * "0" may omit the unit. Stores nanoseconds in @ns; 0 or -EINVAL.
 */
int ofg_parse_duration(const char *s, uint64_t *ns);
/*
 * Parse a --reply-delay SPEC for the role in @cfg into
 * cfg->reply_delay_ns: a comma list of DURATION (every kind this role
 * answers) and KIND=DURATION (packet_in, echo, barrier, multipart,
 * features). A kind this role does not answer is an error. 0 / -EINVAL.
 */
int ofg_parse_reply_delay(const char *spec, struct ofg_cfg *cfg);
/* Kinds a role answers (bit 1 << enum ofg_lk). */
unsigned int ofg_answered_kinds(bool controller);
/* Name of @k in the JSON and on the command line. */
const char *ofg_lk_name(enum ofg_lk k);

/* Delay for one answer of kind @k: delay +- jitter (seeded PRNG), >= 0. */
uint64_t ofg_reply_delay(const struct ofg_cfg *cfg, enum ofg_lk k);

/*
 * Queue the answer @m (@len bytes) to a request read at @t_ns, due at
 * @due_ns: straight into the tx queue if no delayed answer waits and it is
 * due, else at the tail of the delay FIFO. @lat: OFG_LAT_* tag. Messages
 * of one answer share @due_ns. 0 or -ENOMEM.
 */
int ofg_answer(struct ofg_conn *c, const uint8_t *m, size_t len, uint8_t lat,
	       uint64_t t_ns, uint64_t due_ns);
/* Move the delayed answers due at @now_ns to the tx queue; how many. */
int ofg_delay_release(struct ofg_conn *c, uint64_t now_ns);
/* Due time of the oldest delayed answer, UINT64_MAX if none. */
uint64_t ofg_delay_next(const struct ofg_conn *c);
/* Delayed answers waiting, and their bytes. */
static inline uint64_t ofg_delay_count(const struct ofg_conn *c)
{
	return c->dm_tail - c->dm_head;
}
static inline size_t ofg_delay_bytes(const struct ofg_conn *c)
{
	return c->dq_tail - c->dq_head;
}

/* ---- ofgen_lat.c: latency samples, pending requests, JSON ---- */

/* False with --no-latency: no tracking, no samples, no "latency". */
extern bool ofg_lat_on;
/*
 * Set the role (which side "answer" and "round_trip" refer to), whether
 * latencies are measured (@on) and the PRNG seed.
 */
void ofg_lat_init(bool controller, bool on, uint64_t seed);
/* Seeded PRNG (splitmix64) shared by jitter and reservoir sampling. */
uint64_t ofg_rand(void);
/* Uniform in [0, @n) from ofg_rand() (multiply-high, no division). */
static inline uint64_t ofg_rand_below(uint64_t n)
{
	return (uint64_t)(((unsigned __int128)ofg_rand() * n) >> 64);
}
/*
 * One latency of a request of kind @k sent by @from: a sample, or
 * unreplied if above OFG_LAT_WINDOW_NS (as ofxdp).
 */
void ofg_lat_sample(enum ofg_lk k, enum ofg_side from, uint64_t ns);
/* @n requests of kind @k from @from without a (matchable) answer. */
void ofg_lat_unreplied(enum ofg_lk k, enum ofg_side from, uint64_t n);
/* A message tagged @r->lat was fully written at @now_ns (ofgen_conn.c). */
void ofg_lat_written(struct ofg_conn *c, const struct ofg_txrec *r,
		     uint64_t now_ns);
/*
 * Track a request of kind @k with @key (increasing per kind and
 * connection) and @flags (OFG_PEND_BUF) that is about to be queued.
 * Returns true if tracked: then tag its tx record OFG_LAT_REQUEST | @k.
 * False when the per-connection limit is reached or memory is short
 * (counted as "untracked").
 */
bool ofg_pend_push(struct ofg_conn *c, enum ofg_lk k, uint32_t key,
		   uint8_t flags, uint64_t now_ns);
/*
 * Written request of kind @k with @key not yet answered, NULL if none.
 */
struct ofg_pend_ent *ofg_pend_find(struct ofg_conn *c, enum ofg_lk k,
				   uint32_t key);
/*
 * Oldest written, unanswered request of kind @k for which @pred is true,
 * NULL if none (linear; for matching by content).
 */
struct ofg_pend_ent *ofg_pend_find_if(struct ofg_conn *c, enum ofg_lk k,
				      bool (*pred)(const struct ofg_pend_ent *e,
						   void *arg),
				      void *arg);
/*
 * The answer to @e (kind @k) was read at c->rx_ns: sample the round trip
 * and retire @e. For OFG_LK_MULTIPART @last says whether this part ends
 * the reply (without MORE); earlier parts only sample the first one.
 */
void ofg_pend_answered(struct ofg_conn *c, enum ofg_lk k,
		       struct ofg_pend_ent *e, bool last);
/*
 * Connection done: answers not written and requests written but not
 * answered count as unreplied; frees the latency state of @c.
 */
void ofg_lat_conn_end(struct ofg_conn *c);
/* The "latency" JSON object (json_t *; void * keeps jansson out). */
void *ofg_lat_json(void);

/* ---- helpers in ofgen.c ---- */

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t ofg_now_ns(void);
/* Set by SIGINT/SIGTERM handlers: number of signals received. */
extern volatile int ofg_stop_signals;
/* Print a per-second progress line if enabled (both roles). */
void ofg_progress(const struct ofg_cfg *cfg, uint64_t now_ns);

/* ---- roles ---- */
int ofg_run_switches(const struct ofg_cfg *cfg);
int ofg_run_controller(const struct ofg_cfg *cfg);

#endif /* OFGEN_H */
