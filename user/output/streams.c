// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * streams.c - message stream sessions (streams.h).
 *
 * A slot is FREE, ACTIVE (the capture thread queues into it; its bit is
 * set in active) or ENDED (period over or deleted: nothing more is
 * queued; freed as soon as no reader holds it). Slot state changes, the
 * capture thread's walk over the active slots and wake-ups happen under
 * the lock; REST threads hold it only for those short steps, never during
 * I/O. The queue itself is a single-producer (capture) single-consumer
 * (the one attached reader) ring of text lines.
 */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "analysis/msg_filter.h"
#include "output/msg_print.h"
#include "output/streams.h"

#define NSEC_PER_SEC 1000000000ull
/* Readers are woken at least this often (ns): expiry, SSE keep-alive. */
#define WAKE_ALL_NS NSEC_PER_SEC
/* A Server-Sent Events stream idle this long sends a comment line (ns). */
#define SSE_KEEPALIVE_NS (10 * NSEC_PER_SEC)

enum { S_FREE = 0, S_ACTIVE, S_ENDED };

/* One queued message: a JSON object's text, without newline. */
struct item {
	uint32_t len;
	char text[];
};

struct session {
	int state; /* S_*, under the lock */
	char id[OFX_STREAM_ID_LEN + 1];
	struct ofx_msg_filter filter;
	json_t *filter_doc; /* the request, for listings */
	const char *end_reason; /* "expired", "deleted" */
	uint64_t expires_ns;
	uint32_t period_s;
	uint32_t mask; /* ring size - 1 */
	uint32_t qmax; /* messages queued at most (<= mask + 1) */
	struct item **ring;
	_Atomic uint64_t head; /* pushed (producer) */
	_Atomic uint64_t tail; /* popped (consumer) */
	_Atomic uint64_t bytes; /* text bytes queued */
	_Atomic uint64_t taken, dropped, delivered;
	atomic_bool reader; /* a poll or a stream holds the consumer side */
	atomic_bool armed; /* the stream reader waits: wake it on a push */
	/* the attached stream reader's wake-up, under the lock */
	void (*wake)(void *ctx);
	void *wake_ctx;
};

struct ofx_streams {
	pthread_mutex_t lock;
	_Atomic uint32_t active; /* bit i: slot i ACTIVE */
	uint64_t epoch_offset_ns;
	uint64_t last_wake_ns;
	uint64_t now_ns; /* latest tick (CLOCK_MONOTONIC) */
	struct session slot[OFX_STREAMS_MAX];
};

struct ofx_stream_reader {
	struct ofx_streams *s;
	struct session *ss;
	bool sse;
	bool ended; /* the end line was produced */
	char *pending; /* text not yet copied out, and how much is left */
	size_t pending_len, pending_off;
	uint64_t last_out_ns;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

struct ofx_streams *ofx_streams_new(uint64_t epoch_offset_ns)
{
	struct ofx_streams *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	pthread_mutex_init(&s->lock, NULL);
	s->epoch_offset_ns = epoch_offset_ns;
	return s;
}

/* Free what an ended (or never started) slot holds; under the lock, no
 * reader attached. */
static void slot_free(struct session *ss)
{
	uint64_t t = atomic_load(&ss->tail), h = atomic_load(&ss->head);

	for (; t < h; t++)
		free(ss->ring[t & ss->mask]);
	free(ss->ring);
	ofx_msg_filter_free(&ss->filter);
	json_decref(ss->filter_doc);
	memset(ss, 0, sizeof(*ss));
	ss->state = S_FREE;
}

/* End @ss (under the lock): no more messages; freed now if no reader
 * holds it, else when it detaches. */
static void slot_end(struct ofx_streams *s, struct session *ss, const char *why)
{
	unsigned int i = (unsigned int)(ss - s->slot);

	if (ss->state != S_ACTIVE)
		return;
	atomic_fetch_and(&s->active, ~(1u << i));
	__atomic_store_n(&ss->state, S_ENDED, __ATOMIC_RELEASE);
	ss->end_reason = why;
	if (ss->wake)
		ss->wake(ss->wake_ctx);
	else if (!atomic_load(&ss->reader))
		slot_free(ss);
}

void ofx_streams_end_all(struct ofx_streams *s, const char *why)
{
	pthread_mutex_lock(&s->lock);
	for (unsigned int i = 0; i < OFX_STREAMS_MAX; i++) {
		struct session *ss = &s->slot[i];

		if (ss->state == S_ACTIVE)
			slot_end(s, ss, why);
		else if (ss->state == S_ENDED && ss->wake)
			ss->wake(ss->wake_ctx);
	}
	pthread_mutex_unlock(&s->lock);
}

void ofx_streams_free(struct ofx_streams *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	for (unsigned int i = 0; i < OFX_STREAMS_MAX; i++) {
		struct session *ss = &s->slot[i];

		if (ss->state == S_FREE)
			continue;
		/* the REST server is stopped first: no reader is left */
		ss->state = S_ENDED;
		slot_free(ss);
	}
	pthread_mutex_unlock(&s->lock);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* Queue @text (@len bytes) into @ss (capture thread, under the lock). */
static void push(struct session *ss, const char *text, size_t len)
{
	uint64_t h = atomic_load_explicit(&ss->head, memory_order_relaxed);
	uint64_t t = atomic_load_explicit(&ss->tail, memory_order_acquire);
	struct item *it;

	atomic_fetch_add_explicit(&ss->taken, 1, memory_order_relaxed);
	if (h - t >= ss->qmax ||
	    atomic_load_explicit(&ss->bytes, memory_order_relaxed) + len >
		    OFX_STREAM_BYTES_MAX ||
	    !(it = malloc(sizeof(*it) + len))) {
		atomic_fetch_add_explicit(&ss->dropped, 1,
					  memory_order_relaxed);
		return;
	}
	it->len = (uint32_t)len;
	memcpy(it->text, text, len);
	ss->ring[h & ss->mask] = it;
	atomic_fetch_add_explicit(&ss->bytes, len, memory_order_relaxed);
	atomic_store_explicit(&ss->head, h + 1, memory_order_release);
}

static void on_msg(void *ctx, const struct of_msg *m)
{
	struct ofx_streams *s = ctx;
	uint32_t act = atomic_load_explicit(&s->active, memory_order_relaxed);
	char *text = NULL;
	size_t len = 0;

	if (__builtin_expect(!act, 1))
		return;
	pthread_mutex_lock(&s->lock);
	act = atomic_load(&s->active);
	for (unsigned int i = 0; act; i++, act >>= 1) {
		struct session *ss = &s->slot[i];

		if (!(act & 1) || !ofx_msg_filter_match(&ss->filter, m))
			continue;
		if (!text) {
			json_t *o = ofx_msg_json(m, s->epoch_offset_ns);

			text = o ? json_dumps(o, JSON_COMPACT) : NULL;
			json_decref(o);
			if (!text) {
				atomic_fetch_add(&ss->taken, 1);
				atomic_fetch_add(&ss->dropped, 1);
				continue;
			}
			len = strlen(text);
		}
		push(ss, text, len);
		if (ss->wake && atomic_exchange(&ss->armed, false))
			ss->wake(ss->wake_ctx);
	}
	pthread_mutex_unlock(&s->lock);
	free(text);
}

static void on_conn(void *ctx, struct of_conn *c, enum of_conn_event ev)
{
	(void)ctx;
	(void)c;
	(void)ev;
}

struct of_msg_sink ofx_streams_sink(struct ofx_streams *s)
{
	return (struct of_msg_sink){.msg = on_msg, .conn = on_conn, .ctx = s};
}

void ofx_streams_tick(struct ofx_streams *s, uint64_t now_ns)
{
	bool wake_all;

	(void)now_ns;
	pthread_mutex_lock(&s->lock);
	/* The sessions' own clock: REST threads read it too. */
	s->now_ns = mono_ns();
	wake_all = s->now_ns - s->last_wake_ns >= WAKE_ALL_NS;
	if (wake_all)
		s->last_wake_ns = s->now_ns;
	for (unsigned int i = 0; i < OFX_STREAMS_MAX; i++) {
		struct session *ss = &s->slot[i];

		if (ss->state == S_ACTIVE && s->now_ns >= ss->expires_ns)
			slot_end(s, ss, "expired");
		else if (wake_all && ss->state != S_FREE && ss->wake)
			ss->wake(ss->wake_ctx);
	}
	pthread_mutex_unlock(&s->lock);
}

/* Filter keys of a request and their struct ofx_msg_filter names. */
static const char *const filter_keys[] = {"version",   "type",	 "subtype",
					  "direction", "switch", "xid",
					  "inner",     "mac"};

/* @v as the text ofx_msg_filter_set() takes: a string, a number, or an
 * array of strings joined with commas. Return: 0 or -EINVAL. */
static int filter_text(const json_t *v, char *buf, size_t len)
{
	size_t n = 0, i;
	json_t *e;

	if (json_is_string(v)) {
		if (json_string_length(v) >= len)
			return -EINVAL;
		snprintf(buf, len, "%s", json_string_value(v));
		return 0;
	}
	if (json_is_integer(v)) {
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		return 0;
	}
	if (!json_is_array(v) || !json_array_size(v))
		return -EINVAL;
	json_array_foreach(v, i, e)
	{
		if (!json_is_string(e) || n + json_string_length(e) + 2 > len)
			return -EINVAL;
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? "," : "",
				      json_string_value(e));
	}
	return 0;
}

static void new_id(char *id)
{
	uint8_t b[OFX_STREAM_ID_LEN / 2];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		/* no entropy: still unique per process */
		uint64_t t = mono_ns();

		memcpy(b, &t, sizeof(b) < sizeof(t) ? sizeof(b) : sizeof(t));
	}
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(id + 2 * i, 3, "%02x", b[i]);
}

int ofx_streams_create(struct ofx_streams *s, const json_t *req, char *id,
		       char *err, size_t errlen)
{
	struct ofx_msg_filter f = {0};
	json_int_t period = OFX_STREAM_PERIOD_DEFAULT_S;
	json_int_t queue = OFX_STREAM_QUEUE_DEFAULT;
	uint32_t cap = 1;
	struct item **ring;
	const char *key;
	json_t *v;
	int rc;

	if (!json_is_object(req)) {
		snprintf(err, errlen, "the body must be a JSON object");
		return -EINVAL;
	}
	json_object_foreach((json_t *)req, key, v)
	{
		char text[1024];
		size_t k;

		if (!strcmp(key, "period") || !strcmp(key, "queue")) {
			json_int_t x =
				json_is_integer(v) ? json_integer_value(v) : -1;
			json_int_t hi = key[0] == 'p' ? OFX_STREAM_PERIOD_MAX_S
						      : OFX_STREAM_QUEUE_MAX;

			if (x < 1 || x > hi) {
				snprintf(err, errlen,
					 "%s: want an integer from 1 to "
					 "%" JSON_INTEGER_FORMAT,
					 key, hi);
				ofx_msg_filter_free(&f);
				return -EINVAL;
			}
			*(key[0] == 'p' ? &period : &queue) = x;
			continue;
		}
		for (k = 0; k < sizeof(filter_keys) / sizeof(*filter_keys); k++)
			if (!strcmp(key, filter_keys[k]))
				break;
		if (k == sizeof(filter_keys) / sizeof(*filter_keys)) {
			snprintf(err, errlen,
				 "unknown key '%.40s' (version, type, subtype, "
				 "direction, switch, xid, inner, mac, period, "
				 "queue)",
				 key);
			ofx_msg_filter_free(&f);
			return -EINVAL;
		}
		if (filter_text(v, text, sizeof(text))) {
			snprintf(err, errlen,
				 "%s: want a string or a list of strings", key);
			ofx_msg_filter_free(&f);
			return -EINVAL;
		}
		rc = ofx_msg_filter_set(&f, key, text, err, errlen);
		if (rc) {
			ofx_msg_filter_free(&f);
			return -EINVAL;
		}
	}
	while (cap < (uint32_t)queue)
		cap <<= 1;
	ring = calloc(cap, sizeof(*ring));
	if (!ring) {
		ofx_msg_filter_free(&f);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	pthread_mutex_lock(&s->lock);
	for (unsigned int i = 0; i < OFX_STREAMS_MAX; i++) {
		struct session *ss = &s->slot[i];

		if (ss->state != S_FREE)
			continue;
		memset(ss, 0, sizeof(*ss));
		ss->filter = f;
		ss->filter_doc = json_deep_copy(req);
		ss->ring = ring;
		ss->mask = cap - 1;
		ss->qmax = (uint32_t)queue;
		ss->period_s = (uint32_t)period;
		ss->expires_ns = mono_ns() + (uint64_t)period * NSEC_PER_SEC;
		new_id(ss->id);
		strcpy(id, ss->id);
		ss->state = S_ACTIVE;
		atomic_fetch_or(&s->active, 1u << i);
		pthread_mutex_unlock(&s->lock);
		return 0;
	}
	pthread_mutex_unlock(&s->lock);
	free(ring);
	ofx_msg_filter_free(&f);
	snprintf(err, errlen, "too many stream sessions (at most %d)",
		 OFX_STREAMS_MAX);
	return -ENOSPC;
}

/* The slot of @id (under the lock), or NULL. */
static struct session *find(struct ofx_streams *s, const char *id)
{
	for (unsigned int i = 0; i < OFX_STREAMS_MAX; i++)
		if (s->slot[i].state != S_FREE && !strcmp(s->slot[i].id, id))
			return &s->slot[i];
	return NULL;
}

int ofx_streams_delete(struct ofx_streams *s, const char *id)
{
	struct session *ss;

	pthread_mutex_lock(&s->lock);
	ss = find(s, id);
	if (ss && ss->state == S_ACTIVE)
		slot_end(s, ss, "deleted");
	else
		ss = NULL; /* an ended session is gone for the API */
	pthread_mutex_unlock(&s->lock);
	return ss ? 0 : -ENOENT;
}

static int64_t expires_in_s(const struct session *ss)
{
	uint64_t now = mono_ns();

	return now >= ss->expires_ns
		       ? 0
		       : (int64_t)((ss->expires_ns - now + NSEC_PER_SEC - 1) /
				   NSEC_PER_SEC);
}

json_t *ofx_streams_list(struct ofx_streams *s)
{
	json_t *a = json_array();

	if (!a)
		return NULL;
	pthread_mutex_lock(&s->lock);
	for (unsigned int i = 0; i < OFX_STREAMS_MAX; i++) {
		struct session *ss = &s->slot[i];
		uint64_t h, t;

		if (ss->state != S_ACTIVE)
			continue;
		h = atomic_load(&ss->head);
		t = atomic_load(&ss->tail);
		json_array_append_new(
			a,
			json_pack("{s:s, s:O, s:I, s:I, s:I, s:I, s:I, s:I, "
				  "s:b}",
				  "sessionId", ss->id, "filter",
				  ss->filter_doc ? ss->filter_doc : json_null(),
				  "period", (json_int_t)ss->period_s,
				  "expires_in_s", (json_int_t)expires_in_s(ss),
				  "queued", (json_int_t)(h - t), "taken",
				  (json_int_t)atomic_load(&ss->taken),
				  "dropped",
				  (json_int_t)atomic_load(&ss->dropped),
				  "delivered",
				  (json_int_t)atomic_load(&ss->delivered),
				  "reader", (int)atomic_load(&ss->reader)));
	}
	pthread_mutex_unlock(&s->lock);
	return a;
}

/* Take the consumer side of session @id. Return: the slot, or NULL with
 * *@rc = -ENOENT or -EBUSY. */
static struct session *take(struct ofx_streams *s, const char *id, int *rc)
{
	struct session *ss;

	pthread_mutex_lock(&s->lock);
	ss = find(s, id);
	if (!ss || ss->state != S_ACTIVE) {
		*rc = -ENOENT;
		ss = NULL;
	} else if (atomic_exchange(&ss->reader, true)) {
		*rc = -EBUSY;
		ss = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	return ss;
}

/* Give the consumer side back; free the slot if it ended meanwhile. */
static void give_back(struct ofx_streams *s, struct session *ss)
{
	pthread_mutex_lock(&s->lock);
	ss->wake = NULL;
	ss->wake_ctx = NULL;
	atomic_store(&ss->reader, false);
	if (ss->state == S_ENDED)
		slot_free(ss);
	pthread_mutex_unlock(&s->lock);
}

/* Pop one item (consumer side), or NULL. */
static struct item *pop(struct session *ss)
{
	uint64_t t = atomic_load_explicit(&ss->tail, memory_order_relaxed);
	uint64_t h = atomic_load_explicit(&ss->head, memory_order_acquire);
	struct item *it;

	if (t == h)
		return NULL;
	it = ss->ring[t & ss->mask];
	atomic_fetch_sub_explicit(&ss->bytes, it->len, memory_order_relaxed);
	atomic_store_explicit(&ss->tail, t + 1, memory_order_release);
	atomic_fetch_add_explicit(&ss->delivered, 1, memory_order_relaxed);
	return it;
}

int ofx_streams_poll(struct ofx_streams *s, const char *id, size_t max,
		     json_t **out)
{
	struct session *ss;
	json_t *doc, *msgs;
	struct item *it;
	int rc = 0;

	*out = NULL;
	ss = take(s, id, &rc);
	if (!ss)
		return rc;
	doc = json_object();
	msgs = json_array();
	if (!doc || !msgs) {
		json_decref(doc);
		json_decref(msgs);
		give_back(s, ss);
		return -ENOMEM;
	}
	json_object_set_new(doc, "sessionId", json_string(id));
	for (size_t n = 0; n < max && (it = pop(ss)); n++) {
		json_t *m = json_loadb(it->text, it->len, 0, NULL);

		if (m)
			json_array_append_new(msgs, m);
		free(it);
	}
	json_object_set_new(doc, "messages", msgs);
	json_object_set_new(doc, "queued",
			    json_integer((json_int_t)(atomic_load(&ss->head) -
						      atomic_load(&ss->tail))));
	json_object_set_new(
		doc, "dropped",
		json_integer((json_int_t)atomic_load(&ss->dropped)));
	json_object_set_new(doc, "expires_in_s",
			    json_integer((json_int_t)expires_in_s(ss)));
	give_back(s, ss);
	*out = doc;
	return 0;
}

int ofx_streams_attach(struct ofx_streams *s, const char *id, bool sse,
		       void (*wake)(void *ctx), void *wake_ctx,
		       struct ofx_stream_reader **out)
{
	struct ofx_stream_reader *rd = calloc(1, sizeof(*rd));
	struct session *ss;
	int rc = 0;

	*out = NULL;
	if (!rd)
		return -ENOMEM;
	ss = take(s, id, &rc);
	if (!ss) {
		free(rd);
		return rc;
	}
	rd->s = s;
	rd->ss = ss;
	rd->sse = sse;
	rd->last_out_ns = mono_ns();
	pthread_mutex_lock(&s->lock);
	ss->wake = wake;
	ss->wake_ctx = wake_ctx;
	pthread_mutex_unlock(&s->lock);
	*out = rd;
	return 0;
}

/* The next piece of text to send, into rd->pending: a message, the end
 * line, or an SSE keep-alive. Return: false if there is none now. */
static bool next_text(struct ofx_stream_reader *rd)
{
	struct session *ss = rd->ss;
	struct item *it = pop(ss);
	char *t;
	int n;

	if (it) {
		n = rd->sse ? asprintf(&t, "data: %.*s\n\n", (int)it->len,
				       it->text)
			    : asprintf(&t, "%.*s\n", (int)it->len, it->text);
		free(it);
		if (n < 0)
			return false;
	} else if (!rd->ended &&
		   __atomic_load_n(&ss->state, __ATOMIC_ACQUIRE) == S_ENDED) {
		/* the queue is drained: say why the stream ends */
		n = asprintf(&t,
			     rd->sse ? "event: end\ndata: {\"session_end\": "
				       "\"%s\", \"dropped\": %" PRIu64 "}\n\n"
				     : "{\"session_end\": \"%s\", \"dropped\": "
				       "%" PRIu64 "}\n",
			     ss->end_reason ? ss->end_reason : "ended",
			     atomic_load(&ss->dropped));
		rd->ended = true;
		if (n < 0)
			return false;
	} else if (rd->sse && mono_ns() - rd->last_out_ns >= SSE_KEEPALIVE_NS) {
		n = asprintf(&t, ": keep-alive\n\n");
		if (n < 0)
			return false;
	} else {
		return false;
	}
	rd->pending = t;
	rd->pending_len = (size_t)n;
	rd->pending_off = 0;
	return true;
}

ssize_t ofx_stream_read(struct ofx_stream_reader *rd, char *buf, size_t max)
{
	size_t out = 0;

	while (out < max) {
		size_t n;

		if (!rd->pending && !next_text(rd))
			break;
		n = rd->pending_len - rd->pending_off;
		if (n > max - out)
			n = max - out;
		memcpy(buf + out, rd->pending + rd->pending_off, n);
		out += n;
		rd->pending_off += n;
		if (rd->pending_off == rd->pending_len) {
			free(rd->pending);
			rd->pending = NULL;
		}
	}
	if (out) {
		rd->last_out_ns = mono_ns();
		return (ssize_t)out;
	}
	if (rd->ended)
		return -1;
	atomic_store(&rd->ss->armed, true);
	return 0;
}

void ofx_stream_detach(struct ofx_stream_reader *rd)
{
	if (!rd)
		return;
	free(rd->pending);
	give_back(rd->s, rd->ss);
	free(rd);
}
