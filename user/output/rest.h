/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * rest.h - the REST server (libmicrohttpd, own thread): the four oftraf
 * paths with oftraf's exact JSON shapes, plus /api/v1/stats.
 */
#ifndef OFX_REST_H
#define OFX_REST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/stats.h"

/**
 * struct ofx_run_info - static facts about this run, shown by the API.
 * @mode: "xdp", "tc", "pcap" or "file"; @hooks: ofx_bpf_describe() or similar
 * @ifname: interface or file name; @ports: "6653,6633"
 * @start_ns: start of monitoring on the capture clock (ns)
 * @epoch_offset_ns: capture clock + this = ns since the epoch
 * @file: a capture file: rates over capture time (first to last segment)
 */
struct ofx_run_info {
	const char *mode;
	const char *hooks;
	const char *ifname;
	const char *ports;
	uint64_t start_ns;
	uint64_t epoch_offset_ns;
	bool file;
};

struct ofx_rest;

/**
 * ofx_rest_start() - listen on @host:@port (IPv4 or IPv6 literal, or a
 * name resolved with getaddrinfo) and serve snapshots from @pub. A GET of
 * /stop sets *@stop_flag to 1 after answering.
 * Return: 0, or -EADDRINUSE, -EADDRNOTAVAIL, -EINVAL (bad host), -ENOMEM;
 * @err (256 bytes) gets a one-line reason.
 */
int ofx_rest_start(const char *host, uint16_t port, struct ofx_stats_pub *pub,
		   const struct ofx_run_info *info, volatile int *stop_flag,
		   struct ofx_rest **out, char *err);

/**
 * ofx_rest_route() - the path of the @i-th route the server answers
 * ("/api/v1/switches/" is a prefix: an id follows; "/get_ofNN_counts" stands
 * for NN = 10..15), or NULL past the last. For tests and documentation.
 */
const char *ofx_rest_route(size_t i);

/** ofx_rest_stop() - stop the server and free it. NULL is a no-op. */
void ofx_rest_stop(struct ofx_rest *r);

#endif
