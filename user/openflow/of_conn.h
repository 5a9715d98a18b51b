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

/**
 * struct of_session_stats - counters of the OpenFlow stage.
 * @tcp:     [dir] TCP segments with payload and their payload bytes (one
 *           per original segment), by role (held, like messages, until
 *           the role is known)
 * @framing: framing counters of every half
 * @pending_released_by_fallback: messages held for a role that was then
 *           decided by the opener/port rule
 */
struct of_session_stats {
	struct ofx_count tcp[OFX_NDIRS];
	struct of_framing_stats framing;
	uint64_t pending_released_by_fallback;
};

struct of_pending;

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
 * @cnt:          [dir] messages and bytes (header length field)
 * @tcp_cnt:      [dir] TCP segments with payload and payload bytes
 * @stats:        the analysis stage's state of this connection
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
	void *stats;
	/* private to of_conn.c */
	struct of_framer fr[2];
	bool fr_started[2];
	struct of_pending *pending;
	uint8_t npending;
	uint64_t pending_since_ns;
	struct ofx_count pending_tcp[2]; /* [half] segments before the role */
};

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
 * (OF_FRAME_TRUNCATED) and release held messages. @c stays open.
 */
void of_session_end(struct of_session *s, struct ofx_conn *c);

/** of_session_free() - free @s (connections are closed by the reassembler). */
void of_session_free(struct of_session *s);

#endif
