/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * of_conn.h - the OpenFlow side of a TCP connection: frames both halves,
 * decodes each message, decides which side is the switch, follows the
 * HELLO exchange and the switch's identity, and emits struct of_msg.
 *
 * Roles: the side that sends a switch-only type (FEATURES_REPLY,
 * PACKET_IN, MULTIPART_REPLY, ... of_type_sender()) is the switch, the side
 * that sends a controller-only type (FEATURES_REQUEST, FLOW_MOD,
 * PACKET_OUT, MULTIPART_REQUEST, ...) the controller. The first such
 * message decides (role_source "messages"). Messages of neutral types
 * (HELLO, ERROR, ECHO, EXPERIMENTER, BUNDLE) seen before it wait, up to
 * OF_PENDING_MAX messages or OF_PENDING_NS, and are emitted in order once
 * the role is known. Without a deciding message the active opener (the
 * SYN sender) is the switch (role_source "opener"), else the side whose
 * destination port is an OpenFlow port ("port").
 *
 * Verified: the connection is marked as carrying OpenFlow
 * (struct ofx_conn.app_verified: the reassembler evicts unverified
 * connections before verified ones) once a HELLO was framed from each side,
 * or 4 messages in a row of one version were framed in sync in either
 * direction (the run after which the framer trusts that version).
 *
 * Identity: datapath_id and auxiliary_id from the first FEATURES_REPLY
 * (OpenFlow 1.5.1 §7.3.1; a switch keeps its datapath_id for the life of
 * a connection); else from an LLDP frame in a PACKET_OUT whose chassis ID
 * carries a datapath id (controllers send LLDP out of the ports of the
 * switch they address; a PACKET_IN's LLDP names the neighbour, so it is
 * not used).
 *
 * What is OpenFlow: each half (direction) of a connection is verified
 * before its messages count as OpenFlow.
 * - A half that starts (SYN seen) with a plausible HELLO (OpenFlow 1.5.1
 *   §7.5.1: the first message each side sends) of at most OF_HELLO_MAX
 *   bytes is verified at once: nothing waits.
 * - Any other half (joined mid-stream, first message not a HELLO, framing
 *   resynchronised before the first message) is unverified: its messages
 *   are held (up to OF_HOLD_MAX, their first OF_PEEK_MAX bytes) until a
 *   chain proves it: OF_VERIFY_RUN plausible headers (known version, valid
 *   type) in a row of one version framed in sync, counting those of the
 *   other half's unbroken chain of the same version, or one such message
 *   of the connection's version when the other half is verified. Then the
 *   held messages and all later ones count as OpenFlow (verified_by_chain).
 * - A message found by an unchecked resync (OF_FRAME_UNCHECKED) and cut
 *   by a gap before its end (its length never confirmed by a successor)
 *   counts as unverified by itself.
 * - A bad header in sync (of_framer.bad changed), an implausible header or
 *   a change of version breaks the chain: the held messages count as
 *   unverified (struct of_conn.unverified: messages, bytes seen), never by
 *   type, and a new chain starts.
 * - When a stream joined mid-stream ends (FIN, RST, idle, end of input)
 *   with an unbroken chain too short for a proof and never had a bad
 *   header in sync, its held messages count as OpenFlow
 *   (unproven_at_end): a short connection or the last seconds of a
 *   capture. A half seen from its SYN (that did not start with a HELLO)
 *   or whose framing broke gets no such benefit of the doubt: random
 *   bytes end with short chains now and then.
 * - A verified half whose framing resynchronised without checking the
 *   chain (OF_FRAME_UNCHECKED: the resync's first header may be a false
 *   lock, its successors beyond the data at hand) is unverified again
 *   from that message, and only its own run of OF_VERIFY_RUN proves it (not the
 *   other half's state): a false lock breaks its chain within a few
 *   messages and counts as unverified, never by type; an unbroken chain
 *   cut short by the end of the stream counts (unproven_at_end).
 * - A verified half whose message has another version than the one both
 *   HELLOs negotiated (HELLO and ERROR aside) contradicts it
 *   (version_contradictions) and is unverified again from that message.
 * - TLS (of_framer.h) is never OpenFlow: the connection's records and bytes
 *   count in struct of_conn.tls (its role is decided by the fallback rule
 *   when TLS is recognised).
 */
#ifndef OFX_OF_CONN_H
#define OFX_OF_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "ofxdp.h"
#include "openflow/of_msg.h"
#include "stream/reasm.h"

/* Neutral messages held at most while the role is unknown. */
#define OF_PENDING_MAX 8
/* ... and for at most this long (ns of capture time). */
#define OF_PENDING_NS 1000000000ull
/* Plausible headers in a row of one version that prove a stream. */
#define OF_VERIFY_RUN 4
/* Messages held at most per unverified half. */
#define OF_HOLD_MAX 4
/* Largest HELLO that verifies a stream by itself, bytes. */
#define OF_HELLO_MAX 1024

/** enum of_role_source - how the switch side was decided. */
enum of_role_source {
	OF_ROLE_NONE = 0,
	OF_ROLE_PORT, /* destination port is an OpenFlow port */
	OF_ROLE_OPENER, /* the SYN sender */
	OF_ROLE_MESSAGES, /* a switch-only or controller-only message type */
};

/** enum of_dpid_source - how the datapath_id was learned. */
enum of_dpid_source {
	OF_DPID_NONE = 0,
	OF_DPID_FEATURES, /* FEATURES_REPLY */
	OF_DPID_LLDP, /* LLDP chassis ID in a PACKET_OUT */
	OF_DPID_MAP, /* --switch-names map, by the switch's address */
};

/** of_role_source_name() - "port", "opener", "messages"; NULL for NONE. */
const char *of_role_source_name(uint8_t src);

/** of_dpid_source_name() - "features_reply", "lldp", "map"; NULL for NONE. */
const char *of_dpid_source_name(uint8_t src);

/** enum of_protocol - what a connection carries (of_conn_protocol()). */
enum of_protocol {
	OF_PROTO_NONE = 0, /* no message yet */
	OF_PROTO_OPENFLOW, /* a half is verified, or messages counted */
	OF_PROTO_TLS, /* a half started with a TLS record */
	OF_PROTO_UNVERIFIED, /* messages seen, none proven */
};

/** of_protocol_name() - "openflow", "tls", "unverified"; NULL for NONE. */
const char *of_protocol_name(uint8_t proto);

/** enum of_verify_state - struct of_conn.vstate of a half. */
enum of_verify_state {
	OF_V_START = 0, /* no message yet */
	OF_V_VERIFIED,
	OF_V_UNVERIFIED,
};

/**
 * struct of_session_stats - counters of the OpenFlow stage.
 * @tcp:     [dir] TCP segments with payload and their payload bytes (one
 *           per original segment), by role (held, like messages, until
 *           the role is known)
 * @framing: framing counters of every half
 * @pending_released_by_fallback: messages held for a role that was then
 *           decided by the opener/port rule
 * @tls_connections: connections recognised as TLS
 * @tls:     [dir] TLS records and bytes (stream bytes of TLS halves)
 * @unverified: [dir] messages of unverified halves and their bytes seen
 *           (not counted as OpenFlow)
 * @verified_by_chain: halves proven by a chain of headers (no HELLO first)
 * @unproven_at_end: messages of an unbroken but unproven chain counted as
 *           OpenFlow when their stream ended
 * @version_contradictions: messages whose version contradicted the one
 *           negotiated by the HELLOs
 * @held:    messages of unverified halves held now (gauge) and their bytes
 *           seen: counted later as OpenFlow or as unverified
 */
struct of_session_stats {
	struct ofx_count tcp[OFX_NDIRS];
	struct of_framing_stats framing;
	uint64_t pending_released_by_fallback;
	uint64_t tls_connections;
	struct ofx_count tls[OFX_NDIRS];
	struct ofx_count unverified[OFX_NDIRS];
	uint64_t verified_by_chain;
	uint64_t unproven_at_end;
	uint64_t version_contradictions;
	struct ofx_count held;
};

struct of_pending;
struct of_held;

/**
 * struct of_conn - OpenFlow state of one TCP connection.
 * @tcp:          the TCP connection (tuple, times, close reason)
 * @switch_half:  half (0/1 of @tcp) that is the switch; -1 not known yet
 * @role_source:  enum of_role_source
 * @version:      negotiated version: the lower of both HELLOs (OpenFlow
 *                1.5.1 §7.5.1); before both were seen, the version of the
 *                first other message; 0 none
 * @hello:        [half] version of that half's HELLO header (0: none seen)
 * @hello_versions: [half] version bitmap of that half's HELLO
 * @has_dpid/@datapath_id/@dpid_source: the switch's identity
 * @has_aux/@auxiliary_id: FEATURES_REPLY's auxiliary_id (1.3+)
 * @cnt:          [dir] messages and bytes (bytes seen of each message)
 * @tcp_cnt:      [dir] TCP segments with payload and payload bytes
 * @tls_seen:     a half started with a TLS record
 * @tls:          [dir] TLS records and bytes
 * @unverified:   [dir] messages of unverified halves, bytes seen
 * @vstate:       [half] enum of_verify_state
 * @stats:        the analysis stage's state of this connection (switches)
 * @lat:          ... and the latency engine's
 */
struct of_conn {
	const struct ofx_conn *tcp;
	int8_t switch_half;
	uint8_t role_source;
	uint8_t version;
	uint8_t hello[2];
	uint32_t hello_versions[2];
	bool has_dpid;
	uint8_t dpid_source;
	uint64_t datapath_id;
	bool has_aux;
	uint8_t auxiliary_id;
	struct ofx_count cnt[OFX_NDIRS];
	struct ofx_count tcp_cnt[OFX_NDIRS];
	bool tls_seen;
	struct ofx_count tls[OFX_NDIRS];
	struct ofx_count unverified[OFX_NDIRS];
	uint8_t vstate[2];
	void *stats;
	void *lat;
	/* private to of_conn.c */
	struct of_framer fr[2];
	bool fr_started[2];
	struct of_pending *pending;
	uint8_t npending;
	uint64_t pending_since_ns;
	struct ofx_count pending_tcp[2]; /* [half] segments before the role */
	struct ofx_count pending_unv[2]; /* [half] unverified before the role */
	bool input_end; /* ending because the input ended */
	/* [half] the chain of an unverified half: its length and version,
	 * the framer's bad header count it started at, held messages */
	uint8_t run[2];
	uint8_t run_version[2];
	bool probation[2]; /* unverified by a resync: only its own run proves */
	uint8_t nheld[2];
	uint32_t bad_seen[2];
	struct of_held *held[2][OF_HOLD_MAX];
};

/** of_conn_protocol() - enum of_protocol of @c now. */
uint8_t of_conn_protocol(const struct of_conn *c);

/** of_conn_dir() - direction of messages sent by @half. */
static inline uint8_t of_conn_dir(const struct of_conn *c, int half)
{
	return half == c->switch_half ? OFX_DIR_IN : OFX_DIR_OUT;
}

struct of_session;

/**
 * of_session_new() - the OpenFlow stage: counts into @st, emits to @sink
 * (both must outlive it). Return: NULL on ENOMEM.
 */
struct of_session *of_session_new(const struct of_msg_sink *sink,
				  struct of_session_stats *st);

/**
 * of_session_set_whole() - emit messages whole even when they span
 * segments (and while held), keeping at most @max_bytes of them at once
 * (beyond: their first bytes only, counted in struct of_whole.denied); 0
 * turns it off (the default: of_msg.caplen then covers what decoders
 * need). Costs a copy of each message that spans feeds.
 */
void of_session_set_whole(struct of_session *s, uint64_t max_bytes);

/** of_session_whole() - the budget and its counters. */
const struct of_whole *of_session_whole(const struct of_session *s);

/**
 * of_session_stream_ops() - the callbacks the reassembler calls (struct
 * ofx_conn.app holds the struct of_conn).
 */
const struct ofx_stream_ops *of_session_stream_ops(struct of_session *s);

/**
 * of_session_tick() - at @now_ns: decide the role of @c by the fallback
 * rule if its held messages waited longer than OF_PENDING_NS.
 */
void of_session_tick(struct of_session *s, struct ofx_conn *c, uint64_t now_ns);

/**
 * of_session_end() - end of input for @c: emit a message cut by the end
 * (OF_FRAME_TRUNCATED; in a verified stream it counts its length, as it
 * was sent whole but not captured; when a connection closes, such a
 * message counts the bytes seen) and release held messages. @c stays open.
 */
void of_session_end(struct of_session *s, struct ofx_conn *c);

/** of_session_free() - free @s (connections are closed by the reassembler). */
void of_session_free(struct of_session *s);

#endif
