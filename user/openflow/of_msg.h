/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * of_msg.h - the message event: what the OpenFlow stage hands every
 * consumer (counters, switches, and later latency, stream, pcap writer,
 * Prometheus, events) for each framed and decoded message.
 */
#ifndef OFX_OF_MSG_H
#define OFX_OF_MSG_H

#include <stdint.h>

#include "openflow/of_decode.h"
#include "openflow/of_framer.h"

/** struct ofx_count - a message (or segment) count and its bytes. */
struct ofx_count {
	uint64_t msgs;
	uint64_t bytes;
};

/** Flags of struct of_msg beyond enum of_frame_flags. */
enum of_msg_flags {
	OF_MSG_MIDSTREAM = 0x10, /* its connection was joined mid-stream */
	OF_MSG_INVALID_TYPE = 0x20, /* type not valid in its version */
};

struct of_conn;

/**
 * struct of_msg - one OpenFlow message, framed and decoded.
 * @conn:    its connection (roles, version, datapath_id); valid during the
 *           call
 * @data:    its first @caplen bytes, header included; valid during the call
 * @caplen:  bytes at @data: the whole message when it was contiguous in
 *           one feed or kept whole (of_session_set_whole()), else the
 *           first of_peek_len() bytes (fewer after a gap; at most 64 for
 *           a message held until its connection's roles were known)
 * @length:  the header's length field, bytes
 * @bytes:   bytes of it that were seen: @length, less what a gap or the
 *           end of its stream cut off (counters count these)
 * @version/@type/@xid: from the header (OpenFlow 1.5.1 §7.1.1)
 * @dir:     OFX_DIR_IN (switch -> controller) or OFX_DIR_OUT
 * @flags:   enum of_frame_flags | enum of_msg_flags
 * @ts_ns:   capture time of the segment that completed it, ns
 * @dec:     decoded fields (of_decode())
 */
struct of_msg {
	const struct of_conn *conn;
	const uint8_t *data;
	uint32_t caplen;
	uint16_t length;
	uint16_t bytes;
	uint8_t version;
	uint8_t type;
	uint32_t xid;
	uint8_t dir;
	uint8_t flags;
	uint64_t ts_ns;
	struct of_decoded dec;
};

/** enum of_conn_event - connection events (struct of_msg_sink.conn). */
enum of_conn_event {
	OF_CONN_OPEN, /* a connection starts (no message yet) */
	OF_CONN_IDENTIFIED, /* its datapath_id became known or changed */
	OF_CONN_CLOSE, /* it ends; no message follows; freed after */
};

/**
 * struct of_msg_sink - the one place consumers subscribe: the pipeline
 * fans these out to every consumer. Consumers must not block.
 * @msg:  one message
 * @conn: a connection event
 * @ctx:  first argument of each
 */
struct of_msg_sink {
	void (*msg)(void *ctx, const struct of_msg *m);
	void (*conn)(void *ctx, struct of_conn *c, enum of_conn_event ev);
	void *ctx;
};

#endif
