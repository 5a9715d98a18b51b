// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * rest.c - the REST server: libmicrohttpd with its own polling thread,
 * serving the oftraf paths (/get_of_counts, /get_of10_counts,
 * /get_of13_counts, /stop) with oftraf's exact JSON and headers, the same
 * per-version shape for every other version (/get_of11_counts ...
 * /get_of15_counts) and ofxdp's full document at /api/v1/stats.
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
#include <sys/socket.h>
#include <unistd.h>

#include "output/report.h"
#include "output/rest.h"

#define ERRLEN 256

struct ofx_rest {
	struct MHD_Daemon *daemon;
	struct ofx_stats_pub *pub;
	const struct ofx_run_info *info; /* the caller's: read per request */
	volatile int *stop_flag;
	int fd;
};

/* *con_cls of a /stop request: the flag is set once the reply is sent. */
static char stop_mark;

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status,
			     json_t *body, size_t flags, const char *allow)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char *text = NULL;

	if (body)
		text = json_dumps(body, flags);
	json_decref(body);
	if (!text) {
		static const char oom[] = "{\"error\": \"out of memory\"}";

		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		resp = MHD_create_response_from_buffer(strlen(oom), (void *)oom,
						       MHD_RESPMEM_PERSISTENT);
	} else {
		resp = MHD_create_response_from_buffer(strlen(text), text,
						       MHD_RESPMEM_MUST_FREE);
		if (!resp)
			free(text);
	}
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				"application/json");
	MHD_add_response_header(
		resp, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN, "*");
	if (allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
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

static json_t *do_full(struct req *q, const struct ofx_stats *cur,
		       const struct ofx_stats *prev)
{
	struct ofx_views *v = ofx_stats_views(q->r->pub);
	json_t *doc = ofx_json_full(cur, prev, v, q->r->info);

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
	v = ofx_stats_views(q->r->pub);
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

/**
 * struct route - one REST path: @path exactly, or a prefix when @prefix
 * (the rest of the URL is the handler's q->arg, which must not be empty);
 * or, with @match, any path @match accepts.
 */
struct route {
	const char *path;
	bool prefix;
	bool (*match)(const char *url);
	json_t *(*fn)(struct req *q);
};

static bool is_version_path(const char *url)
{
	return path_version(url) != 0;
}

static const struct route routes[] = {
	{"/get_of_counts", false, NULL, route_of_counts},
	{"/get_ofNN_counts", false, is_version_path, route_version_counts},
	{"/api/v1/stats", false, NULL, route_stats},
	{"/api/v1/connections", false, NULL, route_connections},
	{"/api/v1/switches", false, NULL, route_switches},
	{"/api/v1/switches/", true, NULL, route_switch},
	{"/api/v1/latency", false, NULL, route_latency},
	{"/stop", false, NULL, route_stop},
};

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

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn,
			      const char *url, const char *method,
			      const char *version, const char *upload_data,
			      size_t *upload_data_size, void **con_cls)
{
	struct req q = {
		.r = cls, .conn = conn, .url = url, .status = MHD_HTTP_OK};
	size_t flags = JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15);
	const struct route *rt;
	json_t *doc;

	(void)version;
	(void)upload_data;
	(void)upload_data_size;

	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
			     error_doc("method not allowed", url), flags,
			     "GET, HEAD");
	rt = find_route(url, &q.arg);
	if (!rt)
		return reply(conn, MHD_HTTP_NOT_FOUND,
			     error_doc("not found", url), flags, NULL);
	if (rt->fn == route_stop)
		*con_cls = &stop_mark;
	doc = rt->fn(&q);
	if (!doc)
		return reply(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, flags,
			     NULL);
	return reply(conn, q.status, doc, flags | q.flags, NULL);
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct ofx_rest *r = cls;

	(void)conn;
	(void)toe;
	if (con_cls && *con_cls == &stop_mark) {
		*con_cls = NULL;
		if (r->stop_flag)
			*r->stop_flag = 1;
	}
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
 * Resolve @host (literal, "[v6]" or name; NULL/"" = any address) and
 * open a listening socket on @port. IPv4 results are preferred, as
 * oftraf (Python's socketserver, AF_INET) resolves names to IPv4.
 */
static int open_listener(const char *host, uint16_t port, char *err, int *fam)
{
	struct addrinfo hints = {0}, *res = NULL, *ai, *pick = NULL;
	char hbuf[256], sport[8], where[INET6_ADDRSTRLEN + 16];
	int fd, rc, one = 1;

	if (host && host[0] == '[') {
		size_t n = strlen(host);

		if (n < 3 || host[n - 1] != ']' || n - 2 >= sizeof(hbuf)) {
			snprintf(err, ERRLEN, "bad REST host '%.160s'", host);
			return -EINVAL;
		}
		memcpy(hbuf, host + 1, n - 2);
		hbuf[n - 2] = '\0';
		host = hbuf;
	}
	if (host && !*host)
		host = NULL;
	snprintf(sport, sizeof(sport), "%u", port);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(host, sport, &hints, &res);
	if (rc) {
		snprintf(err, ERRLEN, "cannot resolve REST host '%.160s': %s",
			 host ? host : "", gai_strerror(rc));
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
			 host ? host : "");
		return -EINVAL;
	}
	fmt_addr(pick->ai_addr, where, sizeof(where));
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
	if (bind(fd, pick->ai_addr, pick->ai_addrlen) < 0 ||
	    listen(fd, 64) < 0) {
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
	return fd;
}

int ofx_rest_start(const char *host, uint16_t port, struct ofx_stats_pub *pub,
		   const struct ofx_run_info *info, volatile int *stop_flag,
		   struct ofx_rest **out, char *err)
{
	char scratch[ERRLEN];
	unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD;
	struct ofx_rest *r;
	int fam = AF_INET;

	if (!err)
		err = scratch;
	err[0] = '\0';
	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, ERRLEN, "out of memory");
		return -ENOMEM;
	}
	r->pub = pub;
	/* Not copied: the caller fills in mode and hooks once capture runs. */
	r->info = info;
	r->stop_flag = stop_flag;
	r->fd = open_listener(host, port, err, &fam);
	if (r->fd < 0) {
		int rc = r->fd;

		free(r);
		return rc;
	}
	if (fam == AF_INET6)
		flags |= MHD_USE_IPv6;
	r->daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, handle, r, MHD_OPTION_LISTEN_SOCKET,
		(MHD_socket)r->fd, MHD_OPTION_NOTIFY_COMPLETED, completed, r,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)128, MHD_OPTION_END);
	if (!r->daemon) {
		snprintf(err, ERRLEN, "cannot start the REST server");
		close(r->fd);
		free(r);
		return -ENOMEM;
	}
	*out = r;
	return 0;
}

void ofx_rest_stop(struct ofx_rest *r)
{
	if (!r)
		return;
	/* MHD_stop_daemon() also closes the listening socket it was given. */
	MHD_stop_daemon(r->daemon);
	free(r);
}
