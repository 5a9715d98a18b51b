// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_rest_security.c - what guards the REST server (real HTTP over
 * loopback): stopping is POST only (GET too on oftraf's command line), no
 * CORS header unless one origin is configured, a browser of another origin
 * cannot stop ofxdp, the bearer token (file permissions, constant-time
 * compare, 401), TLS files refused cleanly, the address reported as
 * "[::1]:PORT"; the dashboard's files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/stats.h"
#include "output/rest.h"
#include "output/rest_auth.h"
#include "ofx_test_util.h"

struct reply {
	int status;
	char headers[4096];
	char body[4096];
};

/* "METHOD PATH" with @extra header lines ("" or "Name: v\r\n..."), over
 * IPv4 loopback to @port; the reply read to EOF. */
static void req(uint16_t port, const char *method, const char *path,
		const char *extra, struct reply *r)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	char buf[16384], msg[1024], *end;
	size_t len = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	snprintf(msg, sizeof(msg),
		 "%s %s HTTP/1.1\r\nHost: localhost\r\n%s%s"
		 "Connection: close\r\n\r\n",
		 method, path, extra,
		 strcmp(method, "POST") ? "" : "Content-Length: 0\r\n");
	assert_int_equal(write(fd, msg, strlen(msg)), (ssize_t)strlen(msg));
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		assert_int_equal(poll(&p, 1, 5000), 1);
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		assert_true(n >= 0);
		if (n == 0)
			break;
		len += (size_t)n;
		assert_true(len < sizeof(buf) - 1);
	}
	close(fd);
	buf[len] = '\0';
	assert_int_equal(sscanf(buf, "HTTP/1.1 %d", &r->status), 1);
	end = strstr(buf, "\r\n\r\n");
	assert_non_null(end);
	*end = '\0';
	snprintf(r->headers, sizeof(r->headers), "%s\r\n", buf);
	snprintf(r->body, sizeof(r->body), "%s", end + 4);
}

/* The value of header @name in @r, or NULL (in @val, 256 bytes). */
static const char *header(const struct reply *r, const char *name, char *val)
{
	const char *p = r->headers;
	size_t n = strlen(name);

	while ((p = strstr(p, "\r\n"))) {
		p += 2;
		if (!strncasecmp(p, name, n) && p[n] == ':') {
			const char *v = p + n + 1 + strspn(p + n + 1, " ");

			snprintf(val, 256, "%.*s", (int)strcspn(v, "\r"), v);
			return val;
		}
	}
	return NULL;
}

static void assert_header(const struct reply *r, const char *name,
			  const char *want)
{
	char v[256];

	if (!header(r, name, v))
		fail_msg("no %s header in:\n%s", name, r->headers);
	assert_string_equal(v, want);
}

static void assert_no_header(const struct reply *r, const char *name)
{
	char v[256];

	if (header(r, name, v))
		fail_msg("unexpected %s: %s", name, v);
}

/* A server on 127.0.0.1 with @o's settings (host and port filled in). */
static struct ofx_rest *start(struct ofx_rest_opts *o,
			      struct ofx_stats_pub *pub, volatile int *stop,
			      uint16_t *port)
{
	struct ofx_rest *rest = NULL;
	char err[256] = "";

	*port = ofxt_free_port();
	o->host = "127.0.0.1";
	o->port = *port;
	if (ofx_rest_start_opts(o, pub, NULL, stop, &rest, err))
		fail_msg("start: %s", err);
	return rest;
}

/* Wait up to 1 s for *@stop. */
static int stopped(volatile int *stop)
{
	for (int i = 0; i < 100 && !*stop; i++)
		usleep(10000);
	return *stop;
}

static struct ofx_stats_pub *new_pub(void)
{
	struct ofx_stats_pub *pub = ofx_stats_pub_new(ofx_now_ns());
	struct ofx_stats *st = ofxt_stats_new();

	assert_non_null(pub);
	ofx_stats_publish(pub, st, ofx_now_ns());
	free(st);
	return pub;
}

/* Stopping changes state: never by GET or HEAD (405 with Allow), only by
 * POST; no CORS header by default. */
static void test_stop_post_only(void **state)
{
	struct ofx_stats_pub *pub = new_pub();
	struct ofx_rest_opts o = {0};
	volatile int stop = 0;
	struct ofx_rest *rest;
	struct reply r;
	uint16_t port;

	(void)state;
	rest = start(&o, pub, &stop, &port);
	req(port, "GET", "/stop", "", &r);
	assert_int_equal(r.status, 405);
	assert_header(&r, "Allow", "POST");
	req(port, "HEAD", "/stop", "", &r);
	assert_int_equal(r.status, 405);
	assert_header(&r, "Allow", "POST");
	req(port, "PUT", "/stop", "", &r);
	assert_int_equal(r.status, 405);
	usleep(100000);
	assert_int_equal(stop, 0);

	/* Reads: GET and HEAD; no CORS header anywhere */
	req(port, "GET", "/get_of_counts", "", &r);
	assert_int_equal(r.status, 200);
	assert_no_header(&r, "Access-Control-Allow-Origin");
	req(port, "HEAD", "/api/v1/stats", "", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "");
	req(port, "POST", "/get_of_counts", "", &r);
	assert_int_equal(r.status, 405);
	assert_header(&r, "Allow", "GET, HEAD");
	req(port, "OPTIONS", "/stop", "", &r);
	assert_int_equal(r.status, 204);
	assert_header(&r, "Allow", "POST");
	assert_no_header(&r, "Access-Control-Allow-Origin");

	/* A browser page of any origin cannot stop it (no CORS configured) */
	req(port, "POST", "/stop", "Origin: http://evil.example\r\n", &r);
	assert_int_equal(r.status, 403);
	usleep(100000);
	assert_int_equal(stop, 0);

	req(port, "POST", "/stop", "", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"stopping\": true}");
	assert_int_equal(stopped(&stop), 1);
	ofx_rest_stop(rest);
	ofx_stats_pub_free(pub);
}

/* oftraf's command line: GET /stop stops too (HEAD still does not). */
static void test_stop_oftraf_get(void **state)
{
	struct ofx_stats_pub *pub = new_pub();
	struct ofx_rest_opts o = {.get_stop = true};
	volatile int stop = 0;
	struct ofx_rest *rest;
	struct reply r;
	uint16_t port;

	(void)state;
	rest = start(&o, pub, &stop, &port);
	req(port, "HEAD", "/stop", "", &r);
	assert_int_equal(r.status, 405);
	assert_header(&r, "Allow", "GET, POST");
	usleep(100000);
	assert_int_equal(stop, 0);
	req(port, "GET", "/stop", "", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(stopped(&stop), 1);
	ofx_rest_stop(rest);
	ofx_stats_pub_free(pub);
}

/* --rest-cors ORIGIN: that origin only, in every reply and preflight. */
static void test_cors_origin(void **state)
{
	static const char origin[] = "https://dash.example.org:8443";
	struct ofx_stats_pub *pub = new_pub();
	struct ofx_rest_opts o = {.cors = origin};
	volatile int stop = 0;
	struct ofx_rest *rest;
	struct reply r;
	uint16_t port;

	(void)state;
	rest = start(&o, pub, &stop, &port);
	req(port, "GET", "/api/v1/stats", "Origin: https://other.org\r\n", &r);
	assert_int_equal(r.status, 200);
	assert_header(&r, "Access-Control-Allow-Origin", origin);
	req(port, "OPTIONS", "/stop",
	    "Origin: https://dash.example.org:8443\r\n"
	    "Access-Control-Request-Method: POST\r\n",
	    &r);
	assert_int_equal(r.status, 204);
	assert_header(&r, "Access-Control-Allow-Origin", origin);
	assert_header(&r, "Access-Control-Allow-Methods", "POST");
	assert_header(&r, "Access-Control-Allow-Headers", "Authorization");
	/* a preflight from another origin gets no CORS answer */
	req(port, "OPTIONS", "/stop", "Origin: https://other.org\r\n", &r);
	assert_no_header(&r, "Access-Control-Allow-Methods");
	req(port, "POST", "/stop", "Origin: https://other.org\r\n", &r);
	assert_int_equal(r.status, 403);
	usleep(100000);
	assert_int_equal(stop, 0);
	req(port, "POST", "/stop", "Origin: https://dash.example.org:8443\r\n",
	    &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(stopped(&stop), 1);
	ofx_rest_stop(rest);
	ofx_stats_pub_free(pub);
}

/* A token file in @dir with @content and @mode; its path in @path. */
static void token_file(const char *dir, const char *content, mode_t mode,
		       char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/token", dir);
	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_token_file(void **state)
{
	char dir[] = "/tmp/ofx-token-XXXXXX", path[256], err[512], *t;

	(void)state;
	assert_non_null(mkdtemp(dir));
	token_file(dir, "0123456789abcdefXYZ+/=\n", 0600, path, sizeof(path));
	assert_int_equal(ofx_rest_token_load(path, &t, err, sizeof(err)), 0);
	assert_string_equal(t, "0123456789abcdefXYZ+/=");
	ofx_rest_secret_free(t);
	token_file(dir, "0123456789abcdefXYZ\r\n", 0640, path, sizeof(path));
	assert_int_equal(ofx_rest_token_load(path, &t, err, sizeof(err)), 0);
	assert_string_equal(t, "0123456789abcdefXYZ");
	ofx_rest_secret_free(t);

	/* Readable (or writable) by every user: refused, saying so */
	token_file(dir, "0123456789abcdefXYZ\n", 0644, path, sizeof(path));
	assert_int_equal(ofx_rest_token_load(path, &t, err, sizeof(err)),
			 -EACCES);
	assert_null(t);
	assert_non_null(strstr(err, "every user (mode 0644)"));
	assert_non_null(strstr(err, "chmod o-rwx"));
	token_file(dir, "0123456789abcdefXYZ\n", 0602, path, sizeof(path));
	assert_int_equal(ofx_rest_token_load(path, &t, err, sizeof(err)),
			 -EACCES);

	/* Too short, blanks, two lines, empty: refused */
	token_file(dir, "short\n", 0600, path, sizeof(path));
	assert_int_equal(ofx_rest_token_load(path, &t, err, sizeof(err)),
			 -EINVAL);
	token_file(dir, "0123456789 abcdefXYZ\n", 0600, path, sizeof(path));
	assert_int_equal(ofx_rest_token_load(path, &t, err, sizeof(err)),
			 -EINVAL);
	token_file(dir, "0123456789abcdefXYZ\nsecond\n", 0600, path,
		   sizeof(path));
	assert_int_equal(ofx_rest_token_load(path, &t, err, sizeof(err)),
			 -EINVAL);
	token_file(dir, "", 0600, path, sizeof(path));
	assert_int_equal(ofx_rest_token_load(path, &t, err, sizeof(err)),
			 -EINVAL);
	unlink(path);
	assert_int_equal(ofx_rest_token_load(path, &t, err, sizeof(err)),
			 -ENOENT);
	assert_int_equal(ofx_rest_token_load(dir, &t, err, sizeof(err)),
			 -EINVAL); /* a directory */
	rmdir(dir);
}

static void test_bearer(void **state)
{
	static const char tok[] = "0123456789abcdefXYZ";

	(void)state;
	assert_true(ofx_rest_bearer_ok(tok, "Bearer 0123456789abcdefXYZ"));
	assert_true(ofx_rest_bearer_ok(tok, "bearer 0123456789abcdefXYZ"));
	assert_false(ofx_rest_bearer_ok(tok, NULL));
	assert_false(ofx_rest_bearer_ok(tok, ""));
	assert_false(ofx_rest_bearer_ok(tok, "Bearer "));
	assert_false(ofx_rest_bearer_ok(tok, "Bearer 0123456789abcdefXYz"));
	assert_false(ofx_rest_bearer_ok(tok, "Bearer 0123456789abcdefXY"));
	assert_false(ofx_rest_bearer_ok(tok, "Bearer 0123456789abcdefXYZZ"));
	assert_false(ofx_rest_bearer_ok(tok, "Basic 0123456789abcdefXYZ"));
	assert_false(ofx_rest_bearer_ok(tok, "0123456789abcdefXYZ"));
	/* a NUL cut is no match: the shorter given string differs */
	assert_false(ofx_rest_bearer_ok(tok, "Bearer 0123456789abcdef"));
}

/* With a token, every request but a preflight needs it: 401 otherwise,
 * even for unknown paths (which routes exist is not told). */
static void test_token_http(void **state)
{
	static const char tok[] = "0123456789abcdefXYZ";
	struct ofx_stats_pub *pub = new_pub();
	struct ofx_rest_opts o = {.token = tok};
	volatile int stop = 0;
	struct ofx_rest *rest;
	struct reply r;
	uint16_t port;

	(void)state;
	rest = start(&o, pub, &stop, &port);
	req(port, "GET", "/get_of_counts", "", &r);
	assert_int_equal(r.status, 401);
	assert_header(&r, "WWW-Authenticate", "Bearer realm=\"ofxdp\"");
	assert_non_null(strstr(r.body, "bearer token"));
	req(port, "GET", "/nope", "", &r);
	assert_int_equal(r.status, 401);
	req(port, "GET", "/get_of_counts",
	    "Authorization: Bearer 0123456789abcdefXYz\r\n", &r);
	assert_int_equal(r.status, 401);
	req(port, "POST", "/stop", "Authorization: Basic YTpi\r\n", &r);
	assert_int_equal(r.status, 401);
	usleep(100000);
	assert_int_equal(stop, 0);
	req(port, "OPTIONS", "/stop", "", &r);
	assert_int_equal(r.status, 204);
	req(port, "GET", "/get_of_counts",
	    "Authorization: Bearer 0123456789abcdefXYZ\r\n", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "OF_in_counts"));
	req(port, "GET", "/nope",
	    "Authorization: Bearer 0123456789abcdefXYZ\r\n", &r);
	assert_int_equal(r.status, 404);
	req(port, "POST", "/stop",
	    "Authorization: Bearer 0123456789abcdefXYZ\r\n", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(stopped(&stop), 1);
	ofx_rest_stop(rest);
	ofx_stats_pub_free(pub);
}

/* The dashboard's files: served without the token (they carry no
 * counters), typed, with an ETag honoured by If-None-Match (304); read
 * only (405 with Allow); /ui/config.json says a token is required; the
 * counters still need it. */
static void test_dashboard(void **state)
{
	static const char tok[] = "0123456789abcdefXYZ";
	struct ofx_stats_pub *pub = new_pub();
	struct ofx_rest_opts o = {.token = tok};
	volatile int stop = 0;
	struct ofx_rest *rest;
	char etag[256], extra[300];
	struct reply r;
	uint16_t port;

	(void)state;
	rest = start(&o, pub, &stop, &port);
	req(port, "GET", "/", "", &r);
	assert_int_equal(r.status, 200);
	assert_header(&r, "Content-Type", "text/html; charset=utf-8");
	assert_header(&r, "Cache-Control", "no-cache");
	assert_non_null(strstr(r.body, "<script src=\"/ui/app.js\""));
	assert_non_null(header(&r, "ETag", etag));
	assert_true(strlen(etag) == 18 && etag[0] == '"' && etag[17] == '"');
	snprintf(extra, sizeof(extra), "If-None-Match: W/\"x\", %s\r\n", etag);
	req(port, "GET", "/", extra, &r);
	assert_int_equal(r.status, 304);
	assert_string_equal(r.body, "");
	req(port, "GET", "/", "If-None-Match: \"0000000000000000\"\r\n", &r);
	assert_int_equal(r.status, 200);
	/* a '*' inside a quoted tag is no wildcard; tab separators */
	req(port, "GET", "/", "If-None-Match: \"a,*\"\r\n", &r);
	assert_int_equal(r.status, 200);
	snprintf(extra, sizeof(extra), "If-None-Match: \"x\",\t%s\r\n", etag);
	req(port, "GET", "/", extra, &r);
	assert_int_equal(r.status, 304);
	req(port, "GET", "/", "If-None-Match: *\r\n", &r);
	assert_int_equal(r.status, 304);
	/* headers of the page: a CSP of its own origin, no sniffing */
	req(port, "GET", "/", "", &r);
	assert_non_null(header(&r, "Content-Security-Policy", extra));
	assert_non_null(strstr(extra, "default-src 'self'"));
	assert_header(&r, "X-Content-Type-Options", "nosniff");
	/* no way out of /ui/ to the counters without the token */
	req(port, "GET", "/ui/../api/v1/stats", "", &r);
	assert_int_equal(r.status, 404);
	req(port, "GET", "/ui/%2e%2e/api/v1/stats", "", &r);
	assert_int_equal(r.status, 404);
	req(port, "HEAD", "/ui/chart.js", "", &r);
	assert_int_equal(r.status, 200);
	assert_header(&r, "Content-Type", "text/javascript; charset=utf-8");
	req(port, "GET", "/ui/style.css", "", &r);
	assert_int_equal(r.status, 200);
	assert_header(&r, "Content-Type", "text/css; charset=utf-8");
	req(port, "HEAD", "/ui/app.js", "", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "");
	req(port, "POST", "/", "", &r);
	assert_int_equal(r.status, 405);
	assert_header(&r, "Allow", "GET, HEAD");
	req(port, "DELETE", "/ui/app.js", "", &r);
	assert_int_equal(r.status, 405);
	req(port, "GET", "/ui/nope.js", "", &r);
	assert_int_equal(r.status, 404);
	req(port, "GET", "/ui/config.json", "", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"token\": true"));
	assert_non_null(strstr(r.body, "\"events\": false"));
	assert_non_null(strstr(r.body, "\"/api/v1/switches\""));
	req(port, "GET", "/api/v1/switches", "", &r);
	assert_int_equal(r.status, 401);
	req(port, "GET", "/index.html", "", &r);
	assert_int_equal(r.status, 401);
	ofx_rest_stop(rest);
	ofx_stats_pub_free(pub);
}

/* Where it listens, as people write it; what cannot start says why. */
static void test_where_and_errors(void **state)
{
	struct ofx_stats_pub *pub = new_pub();
	struct ofx_rest_opts o = {.host = "127.0.0.1"};
	struct ofx_rest *rest = NULL;
	volatile int stop = 0;
	char err[256], want[64];
	int fd;

	(void)state;
	o.port = ofxt_free_port();
	assert_int_equal(ofx_rest_start_opts(&o, pub, NULL, &stop, &rest, err),
			 0);
	snprintf(want, sizeof(want), "127.0.0.1:%u", o.port);
	assert_string_equal(ofx_rest_where(rest), want);
	assert_true(ofx_rest_loopback(rest));
	ofx_rest_stop(rest);

	fd = socket(AF_INET6, SOCK_STREAM, 0);
	if (fd >= 0) {
		struct sockaddr_in6 a = {.sin6_family = AF_INET6,
					 .sin6_addr = IN6ADDR_LOOPBACK_INIT};

		if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
			close(fd);
			o.host = "[::1]";
			assert_int_equal(ofx_rest_start_opts(&o, pub, NULL,
							     &stop, &rest, err),
					 0);
			snprintf(want, sizeof(want), "[::1]:%u", o.port);
			assert_string_equal(ofx_rest_where(rest), want);
			assert_true(ofx_rest_loopback(rest));
			ofx_rest_stop(rest);
		} else {
			close(fd);
		}
	}

	/* An empty host is not "every address" */
	o.host = "";
	rest = (void *)1;
	assert_int_equal(ofx_rest_start_opts(&o, pub, NULL, &stop, &rest, err),
			 -EINVAL);
	assert_null(rest);
	assert_non_null(strstr(err, "0.0.0.0"));

	/* TLS: a certificate without key, and PEM that is no certificate */
	o.host = "127.0.0.1";
	o.tls_cert = "-----BEGIN CERTIFICATE-----\nnope\n"
		     "-----END CERTIFICATE-----\n";
	assert_int_equal(ofx_rest_start_opts(&o, pub, NULL, &stop, &rest, err),
			 -EINVAL);
	o.tls_key = "-----BEGIN PRIVATE KEY-----\nnope\n"
		    "-----END PRIVATE KEY-----\n";
	o.port = ofxt_free_port();
	assert_int_equal(ofx_rest_start_opts(&o, pub, NULL, &stop, &rest, err),
			 -EINVAL);
	assert_null(rest);
	assert_non_null(strstr(err, "TLS certificate or key refused"));
	ofx_stats_pub_free(pub);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stop_post_only),
		cmocka_unit_test(test_stop_oftraf_get),
		cmocka_unit_test(test_cors_origin),
		cmocka_unit_test(test_token_file),
		cmocka_unit_test(test_bearer),
		cmocka_unit_test(test_token_http),
		cmocka_unit_test(test_dashboard),
		cmocka_unit_test(test_where_and_errors),
	};

	return cmocka_run_group_tests_name("rest_security", tests, NULL, NULL);
}
