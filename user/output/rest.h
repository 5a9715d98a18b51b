/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * rest.h - the REST server (libmicrohttpd, own threads): the four oftraf
 * paths with oftraf's exact JSON shapes, plus /api/v1/... and /metrics
 * (Prometheus text exposition), the dashboard at / (web.h); optional
 * bearer token, CORS origin and TLS.
 */
#ifndef OFX_REST_H
#define OFX_REST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/stats.h"
#include "output/streams.h"
#include "analysis/events.h"
#include "analysis/thresholds.h"

/**
 * struct ofx_run_info - static facts about this run, shown by the API.
 * @mode: "xdp", "tc", "pcap" or "file"; @hooks: ofx_bpf_describe() or similar
 * @ifname: interface or file name; @ports: "6653,6633"
 * @start_ns: start of monitoring on the capture clock (ns)
 * @epoch_offset_ns: capture clock + this = ns since the epoch
 * @file: a capture file: rates over capture time (first to last segment)
 * @version: ofxdp's version (ofxdp_build_info), NULL: unknown
 */
struct ofx_run_info {
	const char *mode;
	const char *hooks;
	const char *ifname;
	const char *ports;
	uint64_t start_ns;
	uint64_t epoch_offset_ns;
	bool file;
	const char *version;
};

struct ofx_rest;

/**
 * struct ofx_rest_opts - where and how to serve.
 * @host:     IPv4 or IPv6 literal ("[v6]" too) or a name; never empty
 * @port:     TCP port (0: any free port, for tests)
 * @cors:     the one origin ("https://host[:port]") answered with
 *            Access-Control-Allow-Origin, and allowed to POST /stop from a
 *            browser; NULL: no CORS header, no cross-origin stop
 * @token:    bearer token every request but OPTIONS and the dashboard's
 *            files (/, /ui/...) must carry (Authorization: Bearer TOKEN,
 *            else 401); NULL: none
 * @tls_cert: PEM certificate (chain), with @tls_key: HTTPS (GnuTLS);
 *            both NULL: plain HTTP
 * @tls_key:  PEM private key
 * @get_stop: GET /stop stops too (oftraf's command line), besides POST
 * @streams:  message stream sessions served under /api/v1/streams and
 *            /wm/core/packettrace/json (NULL: those answer 404); must
 *            outlive the server
 * @metrics_max_switches: switches with series of their own at /metrics
 *            (the others summed into datapath_id="other"); 0: none
 * @events:   the event log served at /api/v1/events (NULL: 404); must
 *            outlive the server
 * @thresholds: served at /api/v1/thresholds (NULL: 404); must outlive it
 *
 * The strings are copied by ofx_rest_start_opts().
 */
struct ofx_rest_opts {
	const char *host;
	uint16_t port;
	const char *cors;
	const char *token;
	const char *tls_cert;
	const char *tls_key;
	bool get_stop;
	struct ofx_streams *streams;
	unsigned int metrics_max_switches;
	struct ofx_events *events;
	struct ofx_thresholds *thresholds;
};

/*
 * Connection limits: slow or idle clients hold at most
 * OFX_REST_PER_IP_LIMIT connections per client address and
 * OFX_REST_CONN_LIMIT in all (fewer if RLIMIT_NOFILE is lower); a new
 * connection whose request headers stall for OFX_REST_HEADER_TIMEOUT_S
 * seconds is closed; once it has sent a request, after
 * OFX_REST_IDLE_TIMEOUT_S without progress (keep-alive waits included).
 * OFX_REST_THREADS threads (epoll) serve.
 */
#define OFX_REST_PER_IP_LIMIT 512
#define OFX_REST_CONN_LIMIT 2048
#define OFX_REST_HEADER_TIMEOUT_S 3
#define OFX_REST_IDLE_TIMEOUT_S 10
#define OFX_REST_THREADS 2

/**
 * ofx_rest_start_opts() - listen on @o->host:@o->port (IPv4 or IPv6
 * literal, or a name resolved with getaddrinfo) and serve snapshots from
 * @pub. GET and HEAD read; POST /stop (and GET /stop with @o->get_stop)
 * sets *@stop_flag to 1 after answering; any other method gets 405 with
 * an Allow header.
 * Return: 0, or -EADDRINUSE, -EADDRNOTAVAIL, -EINVAL (bad host, or TLS
 * certificate or key refused), -ENOMEM; @err (256 bytes) gets a one-line
 * reason.
 */
int ofx_rest_start_opts(const struct ofx_rest_opts *o,
			struct ofx_stats_pub *pub,
			const struct ofx_run_info *info,
			volatile int *stop_flag, struct ofx_rest **out,
			char *err);

/**
 * ofx_rest_start() - ofx_rest_start_opts() on @host:@port with no CORS,
 * token or TLS, stopping by POST /stop only, OFX_PROM_SWITCHES_DEFAULT
 * switches of their own at /metrics.
 */
int ofx_rest_start(const char *host, uint16_t port, struct ofx_stats_pub *pub,
		   const struct ofx_run_info *info, volatile int *stop_flag,
		   struct ofx_rest **out, char *err);

/**
 * ofx_rest_where() - the address listened on, "127.0.0.1:5555" or
 * "[::1]:5555" (the port the kernel gave for port 0).
 */
const char *ofx_rest_where(const struct ofx_rest *r);

/**
 * ofx_rest_loopback() - whether the address listened on is a loopback
 * address (127.0.0.0/8, ::1, ::ffff:127.0.0.0/104): only this host can
 * connect.
 */
bool ofx_rest_loopback(const struct ofx_rest *r);

/**
 * ofx_rest_route() - the path of the @i-th route the server answers
 * ("/api/v1/switches/" is a prefix: an id follows; "/get_ofNN_counts" stands
 * for NN = 10..15), or NULL past the last. For tests and documentation.
 */
const char *ofx_rest_route(size_t i);

/** ofx_rest_stop() - stop the server and free it. NULL is a no-op. */
void ofx_rest_stop(struct ofx_rest *r);

#endif
