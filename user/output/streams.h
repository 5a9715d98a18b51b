/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * streams.h - filtered message stream sessions (Floodlight PacketStreamer
 * semantics over HTTP): a client creates a session with a filter
 * (analysis/msg_filter.h) and a period; the capture thread queues the
 * messages it takes, as JSON lines (output/msg_print.h), into the
 * session's bounded queue; the client pulls them (a poll, or a long-lived
 * NDJSON / Server-Sent Events response); the session ends when its period
 * is over or it is deleted.
 *
 * Threads: one producer, the capture thread (ofx_streams_sink(),
 * ofx_streams_tick()); the REST threads create, read and delete. The
 * capture thread never waits for a reader: each session's queue is a
 * single-producer single-consumer ring; a full queue drops the message
 * and counts it for that session only. With no session the cost per
 * message is one atomic load.
 */
#ifndef OFX_STREAMS_H
#define OFX_STREAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "openflow/of_msg.h"

#define OFX_STREAMS_MAX 16 /* sessions at once */
#define OFX_STREAM_QUEUE_DEFAULT 4096 /* messages a session queues */
#define OFX_STREAM_QUEUE_MAX 65536
#define OFX_STREAM_BYTES_MAX (4u << 20) /* bytes of text a session queues */
#define OFX_STREAM_PERIOD_DEFAULT_S 60
#define OFX_STREAM_PERIOD_MAX_S 86400
#define OFX_STREAM_ID_LEN 16 /* hex digits */

struct ofx_streams;

/**
 * ofx_streams_new() - the session table; @epoch_offset_ns is added to
 * message times (live captures stamp with CLOCK_MONOTONIC).
 * Return: NULL on ENOMEM.
 */
struct ofx_streams *ofx_streams_new(uint64_t epoch_offset_ns);

/** ofx_streams_free() - end every session and free (NULL: no-op). */
void ofx_streams_free(struct ofx_streams *s);

/**
 * ofx_streams_end_all() - end every session (@why: the reason readers
 * get, e.g. "shutdown") and wake every waiting reader; again on each call.
 */
void ofx_streams_end_all(struct ofx_streams *s, const char *why);

/** ofx_streams_sink() - the message consumer for the pipeline. */
struct of_msg_sink ofx_streams_sink(struct ofx_streams *s);

/**
 * ofx_streams_tick() - at @now_ns (CLOCK_MONOTONIC): end sessions whose
 * period is over, wake their readers (and every waiting reader once a
 * second, so that a Server-Sent Events stream sends its keep-alive).
 */
void ofx_streams_tick(struct ofx_streams *s, uint64_t now_ns);

/**
 * ofx_streams_create() - a session from a JSON filter document @req:
 * "version", "type", "subtype" (a string, comma-separated, or an array of
 * strings), "direction", "switch", "inner", "mac" (strings), "xid"
 * (number or string), "period" (seconds, 1 to OFX_STREAM_PERIOD_MAX_S,
 * default OFX_STREAM_PERIOD_DEFAULT_S), "queue" (messages, 1 to
 * OFX_STREAM_QUEUE_MAX).
 * @id: the new session's id (OFX_STREAM_ID_LEN + 1 bytes)
 * @err: what is wrong (@errlen bytes)
 * Return: 0, -EINVAL (bad filter), -ENOSPC (OFX_STREAMS_MAX sessions),
 * -ENOMEM.
 */
int ofx_streams_create(struct ofx_streams *s, const json_t *req, char *id,
		       char *err, size_t errlen);

/**
 * ofx_streams_delete() - end session @id now (a reader gets the end of its
 * stream). Return: 0 or -ENOENT.
 */
int ofx_streams_delete(struct ofx_streams *s, const char *id);

/**
 * ofx_streams_list() - every session: id, filter, period, expires_in_s,
 * queued, taken, dropped, delivered, reader. Return: NULL on ENOMEM.
 */
json_t *ofx_streams_list(struct ofx_streams *s);

/**
 * ofx_streams_poll() - what session @id has queued (up to @max messages)
 * as {"sessionId", "messages": [...], "dropped", "expires_in_s"}.
 * Return: 0, -ENOENT, -EBUSY (another reader is attached), -ENOMEM.
 */
int ofx_streams_poll(struct ofx_streams *s, const char *id, size_t max,
		     json_t **out);

struct ofx_stream_reader;

/**
 * ofx_streams_attach() - a reader of session @id for a long-lived
 * response (one at a time per session). @sse: Server-Sent Events framing
 * ("data: ...\n\n"), else NDJSON. @wake(@wake_ctx) is called (from the
 * capture thread or a tick) when data arrives or the session ends while
 * the reader waits (ofx_stream_read() returned 0 after arming it).
 * Return: 0 with *@out, -ENOENT, -EBUSY, -ENOMEM.
 */
int ofx_streams_attach(struct ofx_streams *s, const char *id, bool sse,
		       void (*wake)(void *ctx), void *wake_ctx,
		       struct ofx_stream_reader **out);

/**
 * ofx_stream_read() - up to @max bytes of the stream into @buf.
 * Return: bytes (> 0); 0 when nothing is queued (the reader is armed: its
 * wake callback fires when there is); -1 at the end of the session.
 */
ssize_t ofx_stream_read(struct ofx_stream_reader *rd, char *buf, size_t max);

/** ofx_stream_detach() - the response is over: the session may be read
 * again (or is freed if it ended). */
void ofx_stream_detach(struct ofx_stream_reader *rd);

#endif
