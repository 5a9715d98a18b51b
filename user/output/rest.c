// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * rest.c - the REST server: libmicrohttpd with its own epoll threads,
 * serving the oftraf paths (/get_of_counts, /get_of10_counts,
 * /get_of13_counts, /stop) with oftraf's JSON shapes, the same
 * per-version shape for every other version (/get_of11_counts ...
 * /get_of15_counts), ofxdp's documents under /api/v1/ and /metrics
 * (Prometheus text exposition, prom.c), and the dashboard's files at /
 * and /ui/ (web.h; served without the token: they carry no counters).
 *
 * Nothing that changes state answers GET or HEAD: /stop is POST (GET too
 * only on oftraf's command line). No CORS header unless one origin is
 * configured; a browser request (Origin header) from another origin cannot
 * stop ofxdp. Optional bearer token (every request) and TLS (GnuTLS).
 * Slow clients hold a bounded number of connections (per address and in
 * all) and are cut after a short stall; the capture never waits on REST
 * (handlers copy the published snapshot under its lock, then work alone).
 *
 * The listening socket is created, bound and put in listen state here
 * (SO_REUSEADDR, exactly the host:port asked for) and handed to
 * libmicrohttpd, so a port in use is reported as -EADDRINUSE with the exact
 * address before any thread starts.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <unistd.h>

#include "output/prom.h"
#include "output/report.h"
#include "output/rest.h"
#include "output/rest_auth.h"
#include "output/streams.h"
#include "output/web.h"
#include "analysis/events.h"
#include "analysis/thresholds.h"

#define ERRLEN 256

struct ofx_rest {
	struct MHD_Daemon *daemon;
	struct ofx_stats_pub *pub;
	const struct ofx_run_info *info; /* the caller's: read per request */
	volatile int *stop_flag;
	int fd;
	bool get_stop;
	bool loopback;
	unsigned int metrics_max_switches;
	char *cors; /* NULL: no CORS */
	char *token; /* NULL: no authentication */
	char *tls_cert, *tls_key; /* PEM, NULL: plain HTTP */
	struct ofx_streams *streams; /* NULL: no stream sessions */
	struct ofx_events *events; /* NULL: no events */
	struct ofx_thresholds *thresholds; /* NULL: none */
	_Atomic int suspended; /* stream responses waiting (suspended) */
	char where[INET6_ADDRSTRLEN + 16];
};

/* *con_cls of a /stop request: the flag is set once the reply is sent. */
static char stop_mark;

/* Bytes of a request body (a stream filter) at most. */
#define OFX_REST_BODY_MAX 16384

/* *con_cls of a POST with a body: what came so far. */
struct body {
	char *buf;
	size_t len;
	bool too_big;
};

/* The methods a route answers (bits). */
enum {
	M_GET = 1u << 0,
	M_HEAD = 1u << 1,
	M_POST = 1u << 2,
	M_OPTIONS = 1u << 3,
	M_DELETE = 1u << 4,
	M_PUT = 1u << 5,
	M_OTHER = 1u << 6,
};
#define M_READ (M_GET | M_HEAD)

static unsigned int method_bit(const char *m)
{
	if (!strcmp(m, MHD_HTTP_METHOD_GET))
		return M_GET;
	if (!strcmp(m, MHD_HTTP_METHOD_HEAD))
		return M_HEAD;
	if (!strcmp(m, MHD_HTTP_METHOD_POST))
		return M_POST;
	if (!strcmp(m, MHD_HTTP_METHOD_OPTIONS))
		return M_OPTIONS;
	if (!strcmp(m, MHD_HTTP_METHOD_DELETE))
		return M_DELETE;
	if (!strcmp(m, MHD_HTTP_METHOD_PUT))
		return M_PUT;
	return M_OTHER;
}

/* "GET, HEAD", "POST", "GET, POST" for an Allow header (@buf 40 bytes). */
static const char *allow_list(unsigned int methods, char *buf, size_t len)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} names[] = {{M_GET, "GET"},
		     {M_HEAD, "HEAD"},
		     {M_POST, "POST"},
		     {M_PUT, "PUT"},
		     {M_DELETE, "DELETE"}};
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (methods & names[i].bit)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n ? ", " : "", names[i].name);
	return buf;
}

/* A JSON response (taking @body; NULL: out of memory, 500) with the
 * headers every reply has; *@status may become 500. NULL if MHD has no
 * memory. */
static struct MHD_Response *json_response(struct ofx_rest *r,
					  unsigned int *status, json_t *body,
					  size_t flags)
{
	struct MHD_Response *resp;
	char *text = NULL;

	if (body)
		text = json_dumps(body, flags);
	json_decref(body);
	if (!text) {
		static const char oom[] = "{\"error\": \"out of memory\"}";

		*status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		resp = MHD_create_response_from_buffer(strlen(oom), (void *)oom,
						       MHD_RESPMEM_PERSISTENT);
	} else {
		resp = MHD_create_response_from_buffer(strlen(text), text,
						       MHD_RESPMEM_MUST_FREE);
		if (!resp)
			free(text);
	}
	if (!resp)
		return NULL;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				"application/json");
	if (r->cors)
		MHD_add_response_header(
			resp, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN,
			r->cors);
	return resp;
}

/* Queue @resp with @status and drop our reference. */
static enum MHD_Result send_response(struct MHD_Connection *conn,
				     unsigned int status,
				     struct MHD_Response *resp)
{
	enum MHD_Result ret;

	if (!resp)
		return MHD_NO;
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* A JSON reply; @hdr/@val: one more header (NULL: none). */
static enum MHD_Result reply(struct ofx_rest *r, struct MHD_Connection *conn,
			     unsigned int status, json_t *body, size_t flags,
			     const char *hdr, const char *val)
{
	struct MHD_Response *resp = json_response(r, &status, body, flags);

	if (resp && hdr)
		MHD_add_response_header(resp, hdr, val);
	return send_response(conn, status, resp);
}

static json_t *error_doc(const char *msg, const char *url)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (json_object_set_new(o, "error", json_string(msg)) ||
	    json_object_set_new(o, "path", json_string(url))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Version of "/get_ofNN_counts" (NN = 10..15), or 0. */
static uint8_t path_version(const char *url)
{
	static const char pre[] = "/get_of", suf[] = "_counts";

	if (strncmp(url, pre, sizeof(pre) - 1) != 0)
		return 0;
	url += sizeof(pre) - 1;
	for (uint8_t v = OFP_VERSION_MIN; v <= OFP_VERSION_MAX; v++) {
		const char *tag = of_version_tag(v);
		size_t n = tag ? strlen(tag) : 0;

		if (n && strncmp(url, tag, n) == 0 && strcmp(url + n, suf) == 0)
			return v;
	}
	return 0;
}

/* One request's context for a route handler. */
struct req {
	struct ofx_rest *r;
	struct MHD_Connection *conn;
	const char *url;
	const char *arg; /* the path after a prefix route's prefix */
	unsigned int status;
	size_t flags; /* extra json_dumps flags */
};

/* The published counters, read into heap copies (~140 KB each). */
static json_t *with_stats(struct req *q, bool need_prev,
			  json_t *(*fn)(struct req *, const struct ofx_stats *,
					const struct ofx_stats *))
{
	struct ofx_stats *cur = malloc(sizeof(*cur));
	struct ofx_stats *prev = need_prev ? malloc(sizeof(*prev)) : NULL;
	json_t *doc = NULL;

	if (cur && (prev || !need_prev)) {
		/* Two copies under the lock are a few µs apart at most. */
		ofx_stats_read(q->r->pub, cur, prev);
		doc = fn(q, cur, prev);
	}
	free(cur);
	free(prev);
	return doc;
}

static json_t *do_of_counts(struct req *q, const struct ofx_stats *cur,
			    const struct ofx_stats *prev)
{
	(void)q;
	(void)prev;
	return ofx_json_of_counts(cur);
}

static json_t *do_version_counts(struct req *q, const struct ofx_stats *cur,
				 const struct ofx_stats *prev)
{
	(void)prev;
	return ofx_json_version_counts(cur, path_version(q->url));
}

/* @s as an integer of at most @max. Return: 0, or -EINVAL. */
static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (!*s || *end || errno || *s == '-' || *s == ' ' || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* A non-negative integer query argument @name (absent: @def) at most
 * @max. Return: 0, or -EINVAL. */
static int query_u64(struct MHD_Connection *conn, const char *name,
		     uint64_t def, uint64_t max, uint64_t *out)
{
	const char *s =
		MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);

	*out = def;
	return s ? parse_u64(s, max, out) : 0;
}

static json_t *do_full(struct req *q, const struct ofx_stats *cur,
		       const struct ofx_stats *prev)
{
	struct ofx_views *v = ofx_stats_views(q->r->pub), nc;
	const char *conns = MHD_lookup_connection_value(
		q->conn, MHD_GET_ARGUMENT_KIND, "connections");
	json_t *doc;

	if (v && conns && !strcmp(conns, "0")) {
		/* ?connections=0: the list left empty (a SYN flood's
		 * connections would make tens of MB of it) */
		nc = *v;
		nc.nopen = nc.nclosed = 0;
		doc = ofx_json_full(cur, prev, &nc, q->r->info);
	} else {
		doc = ofx_json_full(cur, prev, v, q->r->info);
	}

	ofx_views_put(v);
	q->flags |= JSON_INDENT(2);
	return doc;
}

static json_t *route_of_counts(struct req *q)
{
	return with_stats(q, false, do_of_counts);
}

static json_t *route_version_counts(struct req *q)
{
	return with_stats(q, false, do_version_counts);
}

static json_t *route_stats(struct req *q)
{
	return with_stats(q, true, do_full);
}

static json_t *route_connections(struct req *q)
{
	const char *state = MHD_lookup_connection_value(
		q->conn, MHD_GET_ARGUMENT_KIND, "state");
	struct ofx_views *v;
	uint64_t offset, limit;
	json_t *doc;
	int st = -1;

	if (state && !strcmp(state, "open")) {
		st = 1;
	} else if (state && !strcmp(state, "closed")) {
		st = 0;
	} else if (state && strcmp(state, "all")) {
		q->status = MHD_HTTP_BAD_REQUEST;
		return error_doc("state must be open, closed or all", q->url);
	}
	if (query_u64(q->conn, "offset", 0, UINT32_MAX, &offset) ||
	    query_u64(q->conn, "limit", UINT32_MAX, UINT32_MAX, &limit)) {
		q->status = MHD_HTTP_BAD_REQUEST;
		return error_doc("offset and limit must be integers >= 0",
				 q->url);
	}
	v = ofx_stats_views(q->r->pub);
	if (offset || limit != UINT32_MAX)
		doc = ofx_json_connections_page(v, st, (size_t)offset,
						(size_t)limit, q->r->info);
	else
		doc = ofx_json_connections(v, st, q->r->info);
	ofx_views_put(v);
	q->flags |= JSON_INDENT(2);
	return doc;
}

static json_t *route_switches(struct req *q)
{
	struct ofx_views *v = ofx_stats_views(q->r->pub);
	json_t *doc = ofx_json_switches(v, q->r->info);

	ofx_views_put(v);
	q->flags |= JSON_INDENT(2);
	return doc;
}

static json_t *route_switch(struct req *q)
{
	struct ofx_views *v = ofx_stats_views(q->r->pub);
	const struct ofx_switch_view *w = ofx_views_find_switch(v, q->arg);
	json_t *doc;

	if (w) {
		doc = ofx_json_switch(w, v->lat, q->r->info);
		q->flags |= JSON_INDENT(2);
	} else {
		q->status = MHD_HTTP_NOT_FOUND;
		doc = error_doc("no such switch (datapath_id or address)",
				q->url);
	}
	ofx_views_put(v);
	return doc;
}

static json_t *route_latency(struct req *q)
{
	const char *w = MHD_lookup_connection_value(
		q->conn, MHD_GET_ARGUMENT_KIND, "window");
	unsigned int window = OFX_LAT_NWINDOWS;
	struct ofx_views *v;
	json_t *doc;

	for (unsigned int i = 0; i < OFX_LAT_NWINDOWS; i++)
		if (!w || !strcmp(w, ofx_lat_window_name(i))) {
			window = i;
			break;
		}
	if (window == OFX_LAT_NWINDOWS) {
		q->status = MHD_HTTP_BAD_REQUEST;
		return error_doc("window must be all, 10s or 60s", q->url);
	}
	v = ofx_stats_views(q->r->pub);
	doc = ofx_json_latency_doc(v, window);
	ofx_views_put(v);
	q->flags |= JSON_INDENT(2);
	return doc;
}

static json_t *route_stop(struct req *q)
{
	json_t *o = json_object();

	(void)q;
	if (o && json_object_set_new(o, "stopping", json_true())) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

/* GET /metrics: the exposition of the published snapshot and views
 * (NULL on ENOMEM; *@len its length). */
static char *route_metrics(struct req *q, size_t *len)
{
	struct ofx_stats *cur = malloc(sizeof(*cur));
	struct ofx_views *v;
	char *text;

	if (!cur)
		return NULL;
	ofx_stats_read(q->r->pub, cur, NULL);
	v = ofx_stats_views(q->r->pub);
	text = ofx_prom_render(cur, v, q->r->info, q->r->metrics_max_switches,
			       len);
	ofx_views_put(v);
	free(cur);
	return text;
}

/**
 * struct route - one REST path: @path exactly, or a prefix when @prefix
 * (the rest of the URL is the handler's q->arg, which must not be empty);
 * or, with @match, any path @match accepts. Its handler: @fn (a JSON
 * document) or @text (plain text, OFX_PROM_CONTENT_TYPE).
 */
struct route {
	const char *path;
	bool prefix;
	bool (*match)(const char *url);
	json_t *(*fn)(struct req *q);
	enum MHD_Result (*raw)(struct req *q, unsigned int method,
			       const char *body, size_t len);
	char *(*text)(struct req *q, size_t *len);
};

static enum MHD_Result streams_root(struct req *q, unsigned int method,
				    const char *body, size_t len);
static enum MHD_Result streams_one(struct req *q, unsigned int method,
				   const char *body, size_t len);
static enum MHD_Result packettrace(struct req *q, unsigned int method,
				   const char *body, size_t len);
static enum MHD_Result thresholds_root(struct req *q, unsigned int method,
				       const char *body, size_t len);
static enum MHD_Result thresholds_one(struct req *q, unsigned int method,
				      const char *body, size_t len);
static enum MHD_Result events_route(struct req *q, unsigned int method,
				    const char *body, size_t len);

static bool is_version_path(const char *url)
{
	return path_version(url) != 0;
}

static const struct route routes[] = {
	{.path = "/get_of_counts", .fn = route_of_counts},
	{.path = "/get_ofNN_counts",
	 .match = is_version_path,
	 .fn = route_version_counts},
	{.path = "/api/v1/stats", .fn = route_stats},
	{.path = "/api/v1/connections", .fn = route_connections},
	{.path = "/api/v1/switches", .fn = route_switches},
	{.path = "/api/v1/switches/", .prefix = true, .fn = route_switch},
	{.path = "/api/v1/latency", .fn = route_latency},
	{.path = "/api/v1/streams", .raw = streams_root},
	{.path = "/api/v1/streams/", .prefix = true, .raw = streams_one},
	{.path = "/wm/core/packettrace/json", .raw = packettrace},
	{.path = "/api/v1/thresholds", .raw = thresholds_root},
	{.path = "/api/v1/thresholds/", .prefix = true, .raw = thresholds_one},
	{.path = "/api/v1/events", .raw = events_route},
	{.path = "/metrics", .text = route_metrics},
	{.path = "/stop", .fn = route_stop},
};

/* ---- stream sessions (output/streams.h) ---- */

/* Messages a poll returns at most (?max=N lowers it). */
#define OFX_REST_POLL_MAX 10000

/* A long-lived stream response: the connection sleeps (suspended) while
 * the session's queue is empty; the capture thread or a tick wakes it. */
struct stream_resp {
	struct ofx_rest *r;
	struct MHD_Connection *conn;
	struct ofx_stream_reader *rd;
	bool suspended;
};

#define STREAM_KEEPIDLE_S 10
#define STREAM_KEEPINTVL_S 5

/* TCP keep-alive on a stream's socket (a failure only loses the early
 * detection of a dead client: the session's period still ends it). */
static void stream_keepalive(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	int on = 1, idle = STREAM_KEEPIDLE_S, intvl = STREAM_KEEPINTVL_S,
	    cnt = 3;

	if (!ci)
		return;
	setsockopt(ci->connect_fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
	setsockopt(ci->connect_fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle,
		   sizeof(idle));
	setsockopt(ci->connect_fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl,
		   sizeof(intvl));
	setsockopt(ci->connect_fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
}

/* Send @resp, a response whose content comes as it is made (200, type
 * @ctype, not cached). @wait_s: the longest it waits for content (0: no
 * limit: an endless stream, whose vanished client is found by TCP
 * keep-alive probes, after STREAM_KEEPIDLE_S + 3 x STREAM_KEEPINTVL_S). */
static enum MHD_Result send_long(struct req *q, struct MHD_Response *resp,
				 const char *ctype, unsigned int wait_s)
{
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
				"no-cache");
	if (q->r->cors)
		MHD_add_response_header(
			resp, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN,
			q->r->cors);
	MHD_set_connection_option(
		q->conn, MHD_CONNECTION_OPTION_TIMEOUT,
		wait_s ? wait_s + (unsigned int)OFX_REST_IDLE_TIMEOUT_S : 0);
	if (!wait_s)
		stream_keepalive(q->conn);
	return send_response(q->conn, MHD_HTTP_OK, resp);
}

static void stream_wake(void *ctx)
{
	struct stream_resp *sr = ctx;

	MHD_resume_connection(sr->conn);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream_resp *sr = cls;
	ssize_t n = ofx_stream_read(sr->rd, buf, max);

	(void)pos;
	if (sr->suspended) {
		sr->suspended = false;
		atomic_fetch_sub(&sr->r->suspended, 1);
	}
	if (n > 0)
		return n;
	if (n < 0) {
		/* the connection may wait for another request now */
		MHD_set_connection_option(
			sr->conn, MHD_CONNECTION_OPTION_TIMEOUT,
			(unsigned int)OFX_REST_IDLE_TIMEOUT_S);
		return MHD_CONTENT_READER_END_OF_STREAM;
	}
	sr->suspended = true;
	atomic_fetch_add(&sr->r->suspended, 1);
	MHD_suspend_connection(sr->conn);
	return 0;
}

static void stream_free(void *cls)
{
	struct stream_resp *sr = cls;

	if (sr->suspended)
		atomic_fetch_sub(&sr->r->suspended, 1);

	ofx_stream_detach(sr->rd);
	free(sr);
}

/* The reply for a streams error @rc (negative errno). */
static enum MHD_Result stream_error(struct req *q, int rc, const char *msg)
{
	unsigned int status = rc == -ENOENT   ? MHD_HTTP_NOT_FOUND
			      : rc == -EBUSY  ? MHD_HTTP_CONFLICT
			      : rc == -ENOSPC ? MHD_HTTP_TOO_MANY_REQUESTS
			      : rc == -EINVAL ? MHD_HTTP_BAD_REQUEST
					      : MHD_HTTP_INTERNAL_SERVER_ERROR;

	if (!msg)
		msg = rc == -ENOENT   ? "no such stream session"
		      : rc == -EBUSY  ? "another reader is attached to this "
					"stream session"
		      : rc == -ENOMEM ? "out of memory"
				      : "bad request";
	return reply(q->r, q->conn, status, error_doc(msg, q->url),
		     JSON_PRESERVE_ORDER, NULL, NULL);
}

/* Create a session from @req (taken); 201 {"sessionId", ...}. */
static enum MHD_Result stream_create(struct req *q, json_t *req)
{
	char id[OFX_STREAM_ID_LEN + 1], err[256], path[64];
	json_t *doc;
	int rc;

	rc = ofx_streams_create(q->r->streams, req, id, err, sizeof(err));
	json_decref(req);
	if (rc)
		return stream_error(q, rc, rc == -ENOMEM ? NULL : err);
	snprintf(path, sizeof(path), "/api/v1/streams/%s", id);
	doc = json_pack("{s:s, s:s}", "sessionId", id, "stream", path);
	return reply(q->r, q->conn, MHD_HTTP_CREATED, doc, JSON_PRESERVE_ORDER,
		     MHD_HTTP_HEADER_LOCATION, path);
}

/* The body as a JSON document, or NULL after replying 400. */
static json_t *body_json(struct req *q, const char *body, size_t len,
			 enum MHD_Result *res)
{
	json_error_t e;
	json_t *j = body ? json_loadb(body, len, 0, &e) : NULL;
	char msg[256];

	if (!j) {
		snprintf(msg, sizeof(msg), "the body must be JSON%s%s",
			 body ? ": " : "", body ? e.text : "");
		*res = reply(q->r, q->conn, MHD_HTTP_BAD_REQUEST,
			     error_doc(msg, q->url), JSON_PRESERVE_ORDER, NULL,
			     NULL);
	}
	return j;
}

/* /api/v1/streams: GET lists the sessions, POST creates one. */
static enum MHD_Result streams_root(struct req *q, unsigned int method,
				    const char *body, size_t len)
{
	enum MHD_Result res = MHD_NO;
	json_t *req;

	if (!q->r->streams)
		return stream_error(q, -ENOENT, "stream sessions are off");
	if (method != M_POST)
		return reply(q->r, q->conn, MHD_HTTP_OK,
			     json_pack("{s:o}", "sessions",
				       ofx_streams_list(q->r->streams)),
			     JSON_PRESERVE_ORDER | JSON_INDENT(2), NULL, NULL);
	req = body_json(q, body, len, &res);
	return req ? stream_create(q, req) : res;
}

/* /api/v1/streams/ID: GET streams (NDJSON, or Server-Sent Events when
 * the client accepts text/event-stream or asks ?format=sse), GET ?poll=1
 * returns what is queued; DELETE ends the session. */
static enum MHD_Result streams_one(struct req *q, unsigned int method,
				   const char *body, size_t len)
{
	struct MHD_Connection *conn = q->conn;
	const char *poll, *fmt, *accept, *maxs;
	struct MHD_Response *resp;
	struct stream_resp *sr;
	bool sse;
	json_t *doc;
	int rc;

	(void)body;
	(void)len;
	if (!q->r->streams)
		return stream_error(q, -ENOENT, "stream sessions are off");
	if (strlen(q->arg) != OFX_STREAM_ID_LEN)
		return stream_error(q, -ENOENT, NULL);
	if (method == M_DELETE) {
		rc = ofx_streams_delete(q->r->streams, q->arg);
		if (rc)
			return stream_error(q, rc, NULL);
		return reply(q->r, conn, MHD_HTTP_OK,
			     json_pack("{s:s}", "deleted", q->arg),
			     JSON_PRESERVE_ORDER, NULL, NULL);
	}
	poll = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "poll");
	if (poll && strcmp(poll, "0")) {
		long max = OFX_REST_POLL_MAX;
		char *end;

		maxs = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND,
						   "max");
		if (maxs) {
			max = strtol(maxs, &end, 10);
			if (!*maxs || *end || max < 1 ||
			    max > OFX_REST_POLL_MAX)
				return stream_error(q, -EINVAL,
						    "max: 1 to 10000");
		}
		rc = ofx_streams_poll(q->r->streams, q->arg, (size_t)max, &doc);
		if (rc)
			return stream_error(q, rc, NULL);
		return reply(q->r, conn, MHD_HTTP_OK, doc, JSON_PRESERVE_ORDER,
			     NULL, NULL);
	}
	fmt = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND,
					  "format");
	accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
					     MHD_HTTP_HEADER_ACCEPT);
	if (fmt && strcmp(fmt, "sse") && strcmp(fmt, "ndjson"))
		return stream_error(q, -EINVAL, "format: sse or ndjson");
	sse = fmt ? !strcmp(fmt, "sse")
		  : accept && strstr(accept, "text/event-stream") != NULL;
	sr = calloc(1, sizeof(*sr));
	if (!sr)
		return stream_error(q, -ENOMEM, NULL);
	sr->r = q->r;
	sr->conn = conn;
	rc = ofx_streams_attach(q->r->streams, q->arg, sse, stream_wake, sr,
				&sr->rd);
	if (rc) {
		free(sr);
		return stream_error(q, rc, NULL);
	}
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384,
						 stream_read, sr, stream_free);
	if (!resp) {
		stream_free(sr);
		return MHD_NO;
	}
	return send_long(q, resp,
			 sse ? "text/event-stream" : "application/x-ndjson", 0);
}

/* ---- thresholds and events (analysis/thresholds.h, events.h) ---- */

/* /api/v1/thresholds: GET lists them and the metrics they may name. */
static enum MHD_Result thresholds_root(struct req *q, unsigned int method,
				       const char *body, size_t len)
{
	(void)method;
	(void)body;
	(void)len;
	if (!q->r->thresholds)
		return reply(q->r, q->conn, MHD_HTTP_NOT_FOUND,
			     error_doc("thresholds are off", q->url),
			     JSON_PRESERVE_ORDER, NULL, NULL);
	return reply(q->r, q->conn, MHD_HTTP_OK, ofx_thr_list(q->r->thresholds),
		     JSON_PRESERVE_ORDER | JSON_INDENT(2) |
			     JSON_REAL_PRECISION(15),
		     NULL, NULL);
}

/* /api/v1/thresholds/NAME: GET one, PUT defines (201 created, 200
 * replaced), DELETE forgets. */
static enum MHD_Result thresholds_one(struct req *q, unsigned int method,
				      const char *body, size_t len)
{
	struct ofx_thresholds *t = q->r->thresholds;
	size_t flags = JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15);
	enum MHD_Result res = MHD_NO;
	char err[256] = "", path[128];
	json_t *def, *doc;
	int rc;

	if (!t)
		return reply(q->r, q->conn, MHD_HTTP_NOT_FOUND,
			     error_doc("thresholds are off", q->url), flags,
			     NULL, NULL);
	if (method == M_DELETE) {
		if (ofx_thr_delete(t, q->arg))
			return reply(q->r, q->conn, MHD_HTTP_NOT_FOUND,
				     error_doc("no such threshold", q->url),
				     flags, NULL, NULL);
		return reply(q->r, q->conn, MHD_HTTP_OK,
			     json_pack("{s:s}", "deleted", q->arg), flags, NULL,
			     NULL);
	}
	if (method == M_PUT) {
		def = body_json(q, body, len, &res);
		if (!def)
			return res;
		rc = ofx_thr_put(t, q->arg, def, err, sizeof(err));
		json_decref(def);
		if (rc < 0)
			return reply(
				q->r, q->conn,
				rc == -EINVAL ? MHD_HTTP_BAD_REQUEST
				: rc == -ENOSPC
					? MHD_HTTP_CONFLICT
					: MHD_HTTP_INTERNAL_SERVER_ERROR,
				error_doc(rc == -ENOMEM ? "out of memory" : err,
					  q->url),
				flags, NULL, NULL);
		snprintf(path, sizeof(path), "/api/v1/thresholds/%s", q->arg);
		return reply(q->r, q->conn, rc ? MHD_HTTP_OK : MHD_HTTP_CREATED,
			     ofx_thr_get(t, q->arg), flags,
			     rc ? NULL : MHD_HTTP_HEADER_LOCATION, path);
	}
	doc = ofx_thr_get(t, q->arg);
	if (!doc)
		return reply(q->r, q->conn, MHD_HTTP_NOT_FOUND,
			     error_doc("no such threshold", q->url), flags,
			     NULL, NULL);
	return reply(q->r, q->conn, MHD_HTTP_OK, doc, flags, NULL, NULL);
}

#define EVENTS_MAX_DEFAULT 100
#define EVENTS_TIMEOUT_MAX_S 60
#define EVENTS_SSE_BATCH 32
#define EVENTS_SSE_KEEPALIVE_NS (15 * 1000000000ull)

/* A GET /api/v1/events response: a long poll (one JSON document once
 * there are events after @after, or at @deadline_ns) or an SSE stream.
 * The connection sleeps (suspended) meanwhile; an event or the engine's
 * tick (each second) wakes it. */
struct events_resp {
	struct ofx_rest *r;
	struct MHD_Connection *conn;
	uint64_t after;
	size_t max;
	uint64_t deadline_ns;
	uint64_t keepalive_ns;
	bool sse, done, suspended;
	char *buf;
	size_t len, off;
	struct ofx_event_waiter waiter;
};

static void events_wake(void *ctx)
{
	struct events_resp *er = ctx;

	MHD_resume_connection(er->conn);
}

/* Fill er->buf with what is to be sent now. Return: false if nothing. */
static bool events_fill(struct events_resp *er)
{
	struct ofx_events *ev = er->r->events;
	struct ofx_event e[EVENTS_SSE_BATCH];
	uint64_t now = ofx_now_ns();
	size_t n, cap = 0;
	json_t *doc;

	free(er->buf);
	er->buf = NULL;
	er->len = er->off = 0;
	if (!er->sse) {
		if (ofx_events_last_id(ev) <= er->after &&
		    now < er->deadline_ns && !ofx_events_closed(ev))
			return false;
		doc = ofx_events_json(ev, er->after, er->max);
		er->buf = doc ? json_dumps(doc, JSON_PRESERVE_ORDER |
							JSON_REAL_PRECISION(15))
			      : NULL;
		json_decref(doc);
		er->done = true;
		if (!er->buf)
			return false;
		er->len = strlen(er->buf);
		return true;
	}
	n = ofx_events_copy(ev, er->after, e, EVENTS_SSE_BATCH);
	if (!n && ofx_events_closed(ev)) {
		er->done = true;
		return false;
	}
	if (!n) {
		if (now < er->keepalive_ns)
			return false;
		er->buf = strdup(": keep-alive\n\n");
		er->len = er->buf ? strlen(er->buf) : 0;
		er->keepalive_ns = now + EVENTS_SSE_KEEPALIVE_NS;
		return er->buf != NULL;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *j = ofx_event_json(&e[i]);
		char *d = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER |
						    JSON_REAL_PRECISION(15))
			    : NULL;
		size_t need = (d ? strlen(d) : 0) + 64;
		char *nb;

		json_decref(j);
		if (!d)
			break;
		if (er->len + need > cap) {
			cap = (er->len + need) * 2;
			nb = realloc(er->buf, cap);
			if (!nb) {
				free(d);
				break;
			}
			er->buf = nb;
		}
		er->len +=
			(size_t)snprintf(er->buf + er->len, cap - er->len,
					 "id: %llu\nevent: event\ndata: %s\n\n",
					 (unsigned long long)e[i].id, d);
		free(d);
		er->after = e[i].id;
	}
	er->keepalive_ns = now + EVENTS_SSE_KEEPALIVE_NS;
	return er->len > 0;
}

static ssize_t events_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct events_resp *er = cls;
	size_t n;
	int rc;

	(void)pos;
	if (er->suspended) {
		er->suspended = false;
		atomic_fetch_sub(&er->r->suspended, 1);
	}
	while (er->off == er->len) {
		if (er->done)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (events_fill(er))
			break;
		if (er->done)
			return MHD_CONTENT_READER_END_OF_STREAM;
		rc = ofx_events_wait(er->r->events, er->after, &er->waiter);
		if (rc == 1)
			continue; /* something came meanwhile */
		er->suspended = true;
		atomic_fetch_add(&er->r->suspended, 1);
		MHD_suspend_connection(er->conn);
		return 0;
	}
	n = er->len - er->off < max ? er->len - er->off : max;
	memcpy(buf, er->buf + er->off, n);
	er->off += n;
	return (ssize_t)n;
}

static void events_free(void *cls)
{
	struct events_resp *er = cls;

	ofx_events_unwait(er->r->events, &er->waiter);
	if (er->suspended)
		atomic_fetch_sub(&er->r->suspended, 1);
	free(er->buf);
	free(er);
}

/* GET /api/v1/events?eventID=N&maxEvents=M&timeout=S (sFlow-RT's long
 * poll: the events after N, newest first, waiting up to S seconds for
 * one), or Server-Sent Events (Accept: text/event-stream or
 * ?format=sse; from eventID on, or from now). */
static enum MHD_Result events_route(struct req *q, unsigned int method,
				    const char *body, size_t len)
{
	struct MHD_Connection *conn = q->conn;
	uint64_t after, max, timeout;
	const char *fmt, *accept, *id, *last;
	struct MHD_Response *resp;
	struct events_resp *er;
	bool sse, has_id, bad;

	(void)method;
	(void)body;
	(void)len;
	if (!q->r->events)
		return reply(q->r, conn, MHD_HTTP_NOT_FOUND,
			     error_doc("events are off", q->url),
			     JSON_PRESERVE_ORDER, NULL, NULL);
	fmt = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND,
					  "format");
	accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
					     MHD_HTTP_HEADER_ACCEPT);
	id = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND,
					 "eventID");
	/* an EventSource reconnecting names the last event it had */
	last = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
					   "Last-Event-ID");
	has_id = id || last;
	after = 0;
	bad = fmt && strcmp(fmt, "sse") && strcmp(fmt, "json");
	if (id && strcmp(id, "-1")) /* sFlow-RT's clients start at -1 */
		bad |= parse_u64(id, UINT64_MAX >> 1, &after) != 0;
	else if (!id && last)
		bad |= parse_u64(last, UINT64_MAX >> 1, &after) != 0;
	bad |= query_u64(conn, "maxEvents", EVENTS_MAX_DEFAULT, OFX_EVENTS_MAX,
			 &max) != 0 ||
	       !max;
	bad |= query_u64(conn, "timeout", 0, EVENTS_TIMEOUT_MAX_S, &timeout) !=
	       0;
	if (bad)
		return reply(q->r, conn, MHD_HTTP_BAD_REQUEST,
			     error_doc("want eventID=N (-1: none seen), "
				       "maxEvents=1..1024, timeout=0..60 "
				       "(seconds), format=json or sse",
				       q->url),
			     JSON_PRESERVE_ORDER, NULL, NULL);
	sse = fmt ? !strcmp(fmt, "sse")
		  : accept && strstr(accept, "text/event-stream") != NULL;
	if (!sse && !timeout)
		return reply(q->r, conn, MHD_HTTP_OK,
			     ofx_events_json(q->r->events, after, max),
			     JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15),
			     NULL, NULL);
	er = calloc(1, sizeof(*er));
	if (!er)
		return MHD_NO;
	er->r = q->r;
	er->conn = conn;
	er->waiter.fn = events_wake;
	er->waiter.ctx = er;
	er->after = sse && !has_id ? ofx_events_last_id(q->r->events) : after;
	er->max = max;
	er->sse = sse;
	er->deadline_ns = ofx_now_ns() + timeout * 1000000000ull;
	er->keepalive_ns = ofx_now_ns() + EVENTS_SSE_KEEPALIVE_NS;
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384,
						 events_read, er, events_free);
	if (!resp) {
		free(er);
		return MHD_NO;
	}
	return send_long(q, resp,
			 sse ? "text/event-stream" : "application/json",
			 sse ? 0 : (unsigned int)timeout);
}

/* Floodlight PacketStreamer's filter: {"mac", "direction": "in" (PACKET_IN)
 * | "out" (PACKET_OUT and FLOW_MOD) | "both", "period" (seconds; -1 with
 * "sessionId" ends that session), "sessionId"} -> {"sessionId"}. */
static enum MHD_Result packettrace(struct req *q, unsigned int method,
				   const char *body, size_t len)
{
	enum MHD_Result res = MHD_NO;
	json_t *in, *req, *v;
	const char *dir = "both", *sid = NULL;
	json_int_t period = OFX_STREAM_PERIOD_DEFAULT_S;

	(void)method;
	if (!q->r->streams)
		return stream_error(q, -ENOENT, "stream sessions are off");
	in = body_json(q, body, len, &res);
	if (!in)
		return res;
	if ((v = json_object_get(in, "direction")) && json_is_string(v))
		dir = json_string_value(v);
	if ((v = json_object_get(in, "sessionId")) && json_is_string(v))
		sid = json_string_value(v);
	if ((v = json_object_get(in, "period"))) {
		if (!json_is_integer(v)) {
			json_decref(in);
			return stream_error(q, -EINVAL,
					    "period: an integer (seconds)");
		}
		period = json_integer_value(v);
	}
	if (period == -1) {
		int rc = sid ? ofx_streams_delete(q->r->streams, sid) : -EINVAL;
		enum MHD_Result r;

		r = rc ? stream_error(q, rc,
				      sid ? NULL
					  : "period -1 needs a sessionId")
		       : reply(q->r, q->conn, MHD_HTTP_OK,
			       json_pack("{s:s}", "sessionId", sid),
			       JSON_PRESERVE_ORDER, NULL, NULL);
		json_decref(in);
		return r;
	}
	req = json_object();
	if (!req) {
		json_decref(in);
		return stream_error(q, -ENOMEM, NULL);
	}
	if (!strcmp(dir, "in"))
		json_object_set_new(req, "type", json_string("PACKET_IN"));
	else if (!strcmp(dir, "out"))
		json_object_set_new(req, "type",
				    json_string("PACKET_OUT,FLOW_MOD"));
	else if (!strcmp(dir, "both"))
		json_object_set_new(
			req, "type",
			json_string("PACKET_IN,PACKET_OUT,FLOW_MOD"));
	else {
		json_decref(in);
		json_decref(req);
		return stream_error(q, -EINVAL, "direction: in, out or both");
	}
	if ((v = json_object_get(in, "mac")))
		json_object_set(req, "mac", v);
	json_object_set_new(req, "period", json_integer(period));
	json_decref(in);
	return stream_create(q, req);
}

const char *ofx_rest_route(size_t i)
{
	return i < sizeof(routes) / sizeof(routes[0]) ? routes[i].path : NULL;
}

static const struct route *find_route(const char *url, const char **arg)
{
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		const struct route *rt = &routes[i];
		size_t n = strlen(rt->path);

		*arg = NULL;
		if (rt->prefix) {
			/* the rest of the URL is the argument: not empty */
			if (!strncmp(url, rt->path, n) && url[n]) {
				*arg = url + n;
				return rt;
			}
		} else if (rt->match ? rt->match(url)
				     : !strcmp(url, rt->path)) {
			return rt;
		}
	}
	return NULL;
}

/* The methods @rt answers on @r. */
static unsigned int route_methods(const struct ofx_rest *r,
				  const struct route *rt)
{
	if (rt->fn == route_stop)
		return M_POST | (r->get_stop ? M_GET : 0);
	if (rt->raw == streams_root)
		return M_GET | M_POST;
	if (rt->raw == streams_one)
		return M_GET | M_DELETE;
	if (rt->raw == packettrace)
		return M_POST;
	if (rt->raw == thresholds_one)
		return M_READ | M_PUT | M_DELETE;
	return M_READ;
}

/* OPTIONS: 204 with Allow; for the configured CORS origin, the preflight
 * answer too (methods, the Authorization header). */
static enum MHD_Result reply_options(struct ofx_rest *r,
				     struct MHD_Connection *conn,
				     unsigned int methods)
{
	const char *origin = MHD_lookup_connection_value(
		conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ORIGIN);
	struct MHD_Response *resp;
	char allow[40];

	resp = MHD_create_response_from_buffer(0, (void *)"",
					       MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	allow_list(methods, allow, sizeof(allow));
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
	if (r->cors && origin && !strcmp(origin, r->cors)) {
		MHD_add_response_header(
			resp, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN,
			r->cors);
		MHD_add_response_header(
			resp, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_METHODS,
			allow);
		MHD_add_response_header(
			resp, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_HEADERS,
			"Authorization");
		MHD_add_response_header(
			resp, MHD_HTTP_HEADER_ACCESS_CONTROL_MAX_AGE, "600");
	}
	return send_response(conn, MHD_HTTP_NO_CONTENT, resp);
}

/* A text route's reply (500 without memory). */
static enum MHD_Result reply_text(struct ofx_rest *r,
				  struct MHD_Connection *conn, struct req *q,
				  const struct route *rt)
{
	struct MHD_Response *resp;
	size_t len = 0;
	char *text = rt->text(q, &len);

	if (!text)
		return reply(r, conn, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, 0,
			     NULL, NULL);
	resp = MHD_create_response_from_buffer(len, text,
					       MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				OFX_PROM_CONTENT_TYPE);
	if (r->cors)
		MHD_add_response_header(
			resp, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN,
			r->cors);
	return send_response(conn, q->status, resp);
}

/* GET /ui/config.json: what the dashboard needs to know before it asks
 * for counters: the routes served, whether a token is required and
 * whether /api/v1/events answers (events on). */
static json_t *web_config(const struct ofx_rest *r)
{
	json_t *routes = json_array(), *doc;

	for (size_t i = 0; routes && ofx_rest_route(i); i++)
		json_array_append_new(routes, json_string(ofx_rest_route(i)));
	doc = json_pack("{s:o?, s:b, s:b}", "routes", routes, "token",
			r->token != NULL, "events", r->events != NULL);
	return doc;
}

/* The dashboard (/, /ui/...): GET and HEAD an embedded file (304 when
 * the client's copy is current) or /ui/config.json; OPTIONS 204; any
 * other method 405. */
static enum MHD_Result reply_web(struct ofx_rest *r,
				 struct MHD_Connection *conn, const char *url,
				 unsigned int m, size_t flags)
{
	const struct ofx_web_asset *a;
	struct MHD_Response *resp;
	unsigned int status = MHD_HTTP_OK;
	char allow[40];

	if (m == M_OPTIONS)
		return reply_options(r, conn, M_READ);
	if (!(m & M_READ))
		return reply(r, conn, MHD_HTTP_METHOD_NOT_ALLOWED,
			     error_doc("method not allowed", url), flags,
			     MHD_HTTP_HEADER_ALLOW,
			     allow_list(M_READ, allow, sizeof(allow)));
	if (!strcmp(url, OFX_WEB_CONFIG_PATH))
		return reply(r, conn, MHD_HTTP_OK, web_config(r), flags,
			     MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	a = ofx_web_find(url);
	if (!a)
		return reply(r, conn, MHD_HTTP_NOT_FOUND,
			     error_doc("not found", url), flags, NULL, NULL);
	if (ofx_web_fresh(a, MHD_lookup_connection_value(
				     conn, MHD_HEADER_KIND,
				     MHD_HTTP_HEADER_IF_NONE_MATCH))) {
		status = MHD_HTTP_NOT_MODIFIED;
		resp = MHD_create_response_from_buffer(0, (void *)"",
						       MHD_RESPMEM_PERSISTENT);
	} else {
		resp = MHD_create_response_from_buffer(a->len, (void *)a->data,
						       MHD_RESPMEM_PERSISTENT);
	}
	if (!resp)
		return MHD_NO;
	if (status == MHD_HTTP_OK)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
					a->type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, a->etag);
	/* the same URL in a newer ofxdp: revalidate every time (304) */
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
				"no-cache");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(
		resp, MHD_HTTP_HEADER_CONTENT_SECURITY_POLICY,
		"default-src 'self'; img-src 'self' data:; "
		"style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; "
		"base-uri 'none'; form-action 'none'");
	return send_response(conn, status, resp);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn,
			      const char *url, const char *method,
			      const char *version, const char *upload_data,
			      size_t *upload_data_size, void **con_cls)
{
	struct ofx_rest *r = cls;
	struct req q = {
		.r = r, .conn = conn, .url = url, .status = MHD_HTTP_OK};
	size_t flags = JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15);
	unsigned int m = method_bit(method), allowed;
	const struct route *rt;
	const char *origin;
	char allow[40];
	json_t *doc;

	(void)version;

	/* Headers are in: the reply (and a keep-alive wait for the next
	 * request) may take longer than they might. */
	MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT,
				  (unsigned int)OFX_REST_IDLE_TIMEOUT_S);
	/* The dashboard's files carry no counters, and a browser opening
	 * the page cannot send a token: no token for them (the page's own
	 * requests for counters carry it). */
	if (ofx_web_path(url))
		return reply_web(r, conn, url, m, flags);
	rt = find_route(url, &q.arg);
	/* A preflight carries no credentials (Fetch standard). */
	if (m == M_OPTIONS && rt)
		return reply_options(r, conn, route_methods(r, rt));
	if (r->token &&
	    !ofx_rest_bearer_ok(
		    r->token,
		    MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						MHD_HTTP_HEADER_AUTHORIZATION)))
		return reply(r, conn, MHD_HTTP_UNAUTHORIZED,
			     error_doc("a bearer token is required "
				       "(Authorization: Bearer TOKEN)",
				       url),
			     flags, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
			     "Bearer realm=\"ofxdp\"");
	if (!rt)
		return reply(r, conn, MHD_HTTP_NOT_FOUND,
			     error_doc("not found", url), flags, NULL, NULL);
	allowed = route_methods(r, rt);
	if (!(m & allowed))
		return reply(r, conn, MHD_HTTP_METHOD_NOT_ALLOWED,
			     error_doc("method not allowed", url), flags,
			     MHD_HTTP_HEADER_ALLOW,
			     allow_list(allowed, allow, sizeof(allow)));
	if (rt->raw) {
		struct body *b = *con_cls;

		if (m != M_POST && m != M_PUT)
			return rt->raw(&q, m, NULL, 0);
		/* POST, PUT: collect the body, then answer on the last call */
		if (!b) {
			b = calloc(1, sizeof(*b));
			if (!b)
				return MHD_NO;
			*con_cls = b;
			return MHD_YES;
		}
		if (*upload_data_size) {
			if (b->len + *upload_data_size > OFX_REST_BODY_MAX) {
				b->too_big = true;
			} else if (!b->too_big) {
				char *n = realloc(b->buf,
						  b->len + *upload_data_size);

				if (!n)
					return MHD_NO;
				b->buf = n;
				memcpy(b->buf + b->len, upload_data,
				       *upload_data_size);
				b->len += *upload_data_size;
			}
			*upload_data_size = 0;
			return MHD_YES;
		}
		if (b->too_big)
			return reply(r, conn, MHD_HTTP_CONTENT_TOO_LARGE,
				     error_doc("request body too large", url),
				     flags, NULL, NULL);
		return rt->raw(&q, m, b->buf, b->len);
	}
	if (rt->fn == route_stop) {
		/* A browser names the page's origin: only the configured one
		 * may stop ofxdp (a form or fetch from any other page can
		 * send a POST without asking). */
		origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_ORIGIN);
		if (origin && (!r->cors || strcmp(origin, r->cors)))
			return reply(
				r, conn, MHD_HTTP_FORBIDDEN,
				error_doc("cross-origin request refused", url),
				flags, NULL, NULL);
		*con_cls = &stop_mark;
	}
	if (rt->text)
		return reply_text(r, conn, &q, rt);
	doc = rt->fn(&q);
	if (!doc)
		return reply(r, conn, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL,
			     flags, NULL, NULL);
	return reply(r, conn, q.status, doc, flags | q.flags, NULL, NULL);
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct ofx_rest *r = cls;

	(void)conn;
	(void)toe;
	if (con_cls && *con_cls && *con_cls != &stop_mark) {
		struct body *b = *con_cls;

		free(b->buf);
		free(b);
		*con_cls = NULL;
	}
	if (con_cls && *con_cls == &stop_mark) {
		*con_cls = NULL;
		if (r->stop_flag)
			*r->stop_flag = 1;
	}
}

/* Whether @sa is a loopback address (127/8, ::1, ::ffff:127/104). */
static bool is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;

		return (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		return IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr) ||
		       (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) &&
			s6->sin6_addr.s6_addr[12] == 127);
	}
	return false;
}

/* "127.0.0.1:5555" or "[::1]:5555" for messages. */
static void fmt_addr(const struct sockaddr *sa, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const void *)sa;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(s4->sin_port));
	}
}

/*
 * Resolve @host (literal, "[v6]" or name; never empty: 0.0.0.0 or :: is
 * written out for every address) and open a listening socket on @port;
 * r->where and r->loopback say where. IPv4 results are preferred, as
 * oftraf (Python's socketserver, AF_INET) resolves names to IPv4.
 */
static int open_listener(struct ofx_rest *r, const char *host, uint16_t port,
			 char *err, int *fam)
{
	struct addrinfo hints = {0}, *res = NULL, *ai, *pick = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char hbuf[256], sport[8], *where = r->where;
	int fd, rc, one = 1;

	if (!host || !*host) {
		snprintf(err, ERRLEN,
			 "empty REST host (write 0.0.0.0 or [::] for every "
			 "address)");
		return -EINVAL;
	}
	if (host[0] == '[') {
		size_t n = strlen(host);

		if (n < 3 || host[n - 1] != ']' || n - 2 >= sizeof(hbuf)) {
			snprintf(err, ERRLEN, "bad REST host '%.160s'", host);
			return -EINVAL;
		}
		memcpy(hbuf, host + 1, n - 2);
		hbuf[n - 2] = '\0';
		host = hbuf;
	}
	snprintf(sport, sizeof(sport), "%u", port);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	rc = getaddrinfo(host, sport, &hints, &res);
	if (rc) {
		snprintf(err, ERRLEN, "cannot resolve REST host '%.160s': %s",
			 host, gai_strerror(rc));
		return rc == EAI_MEMORY ? -ENOMEM : -EINVAL;
	}
	for (ai = res; ai && !pick; ai = ai->ai_next)
		if (ai->ai_family == AF_INET)
			pick = ai;
	for (ai = res; ai && !pick; ai = ai->ai_next)
		if (ai->ai_family == AF_INET6)
			pick = ai;
	if (!pick) {
		freeaddrinfo(res);
		snprintf(err, ERRLEN, "REST host '%.160s' has no IP address",
			 host);
		return -EINVAL;
	}
	fmt_addr(pick->ai_addr, where, sizeof(r->where));
	*fam = pick->ai_family;

	fd = socket(pick->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    0);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, ERRLEN, "REST socket for %s: %s", where,
			 strerror(-rc));
		freeaddrinfo(res);
		return rc;
	}
	/* A restart after kill -9 must not wait for TIME_WAIT to expire. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* A long backlog: a burst of connections waits, is not refused. */
	if (bind(fd, pick->ai_addr, pick->ai_addrlen) < 0 ||
	    listen(fd, SOMAXCONN) < 0) {
		rc = -errno;
		if (rc == -EADDRINUSE)
			snprintf(err, ERRLEN, "REST address %s already in use",
				 where);
		else if (rc == -EADDRNOTAVAIL)
			snprintf(err, ERRLEN,
				 "REST address %s is not an address of this "
				 "host",
				 where);
		else
			snprintf(err, ERRLEN,
				 "cannot listen on REST address %s: %s", where,
				 strerror(-rc));
		close(fd);
		freeaddrinfo(res);
		return rc;
	}
	freeaddrinfo(res);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		fmt_addr((struct sockaddr *)&ss, where, sizeof(r->where));
	r->loopback = is_loopback((struct sockaddr *)&ss);
	return fd;
}

/* Connections MHD may hold: OFX_REST_CONN_LIMIT, less what RLIMIT_NOFILE
 * cannot give (the soft limit is raised towards the hard one to fit). */
static unsigned int conn_limit(void)
{
	struct rlimit rl;
	rlim_t want = OFX_REST_CONN_LIMIT + 256;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 128;
	if (rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	/* leave 256 descriptors to the capture, libbpf and the log */
	if (rl.rlim_cur >= want)
		return OFX_REST_CONN_LIMIT;
	return rl.rlim_cur > 256 + 16 ? (unsigned int)(rl.rlim_cur - 256) : 16;
}

static void rest_free(struct ofx_rest *r)
{
	free(r->cors);
	ofx_rest_secret_free(r->token);
	free(r->tls_cert);
	ofx_rest_secret_free(r->tls_key);
	free(r);
}

/* *@dst = copy of @v (NULL stays NULL). Return: false if out of memory. */
static bool dup_opt(char **dst, const char *v)
{
	*dst = v ? strdup(v) : NULL;
	return !v || *dst;
}

int ofx_rest_start_opts(const struct ofx_rest_opts *o,
			struct ofx_stats_pub *pub,
			const struct ofx_run_info *info,
			volatile int *stop_flag, struct ofx_rest **out,
			char *err)
{
	char scratch[ERRLEN];
	/* suspend/resume: stream sessions wait for messages that way */
	unsigned int flags =
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME;
	struct ofx_rest *r;
	int fam = AF_INET;

	if (!err)
		err = scratch;
	err[0] = '\0';
	*out = NULL;
	if (!o->tls_cert != !o->tls_key) {
		snprintf(err, ERRLEN,
			 "TLS needs both a certificate and its key");
		return -EINVAL;
	}
	r = calloc(1, sizeof(*r));
	if (!r || !dup_opt(&r->cors, o->cors) ||
	    !dup_opt(&r->token, o->token) ||
	    !dup_opt(&r->tls_cert, o->tls_cert) ||
	    !dup_opt(&r->tls_key, o->tls_key)) {
		if (r)
			rest_free(r);
		snprintf(err, ERRLEN, "out of memory");
		return -ENOMEM;
	}
	r->pub = pub;
	/* Not copied: the caller fills in mode and hooks once capture runs. */
	r->info = info;
	r->stop_flag = stop_flag;
	r->get_stop = o->get_stop;
	r->streams = o->streams;
	r->events = o->events;
	r->thresholds = o->thresholds;
	r->metrics_max_switches = o->metrics_max_switches;
	r->fd = open_listener(r, o->host, o->port, err, &fam);
	if (r->fd < 0) {
		int rc = r->fd;

		rest_free(r);
		return rc;
	}
	if (fam == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (r->tls_cert)
		flags |= MHD_USE_TLS;
	/* The TLS options last: MHD takes them only with MHD_USE_TLS. */
	r->daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, handle, r, MHD_OPTION_LISTEN_SOCKET,
		(MHD_socket)r->fd, MHD_OPTION_NOTIFY_COMPLETED, completed, r,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)OFX_REST_THREADS,
		MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned int)OFX_REST_HEADER_TIMEOUT_S,
		MHD_OPTION_CONNECTION_LIMIT, conn_limit(),
		MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned int)OFX_REST_PER_IP_LIMIT,
		r->tls_cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END,
		r->tls_cert, MHD_OPTION_HTTPS_MEM_KEY, r->tls_key,
		MHD_OPTION_END);
	if (!r->daemon) {
		bool tls = r->tls_cert;

		if (tls)
			snprintf(err, ERRLEN,
				 "cannot start the REST server on %s: TLS "
				 "certificate or key refused (PEM, the key "
				 "unencrypted and matching the certificate)",
				 r->where);
		else
			snprintf(err, ERRLEN,
				 "cannot start the REST server on %s",
				 r->where);
		close(r->fd);
		rest_free(r);
		return tls ? -EINVAL : -ENOMEM;
	}
	*out = r;
	return 0;
}

int ofx_rest_start(const char *host, uint16_t port, struct ofx_stats_pub *pub,
		   const struct ofx_run_info *info, volatile int *stop_flag,
		   struct ofx_rest **out, char *err)
{
	struct ofx_rest_opts o = {.host = host,
				  .port = port,
				  .metrics_max_switches =
					  OFX_PROM_SWITCHES_DEFAULT};

	return ofx_rest_start_opts(&o, pub, info, stop_flag, out, err);
}

const char *ofx_rest_where(const struct ofx_rest *r)
{
	return r->where;
}

bool ofx_rest_loopback(const struct ofx_rest *r)
{
	return r->loopback;
}

void ofx_rest_stop(struct ofx_rest *r)
{
	if (!r)
		return;
	/* MHD refuses to stop with suspended connections: end the stream
	 * sessions, wake their readers, and let them send their last line. */
	if (r->streams || r->events) {
		for (int i = 0; i < 200; i++) {
			if (r->streams)
				ofx_streams_end_all(r->streams, "shutdown");
			if (r->events)
				ofx_events_close(r->events);
			if (!atomic_load(&r->suspended))
				break;
			usleep(10000);
		}
	}
	/* MHD_stop_daemon() also closes the listening socket it was given. */
	MHD_stop_daemon(r->daemon);
	rest_free(r);
}
