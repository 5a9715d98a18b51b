/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * prom.h - the counters as Prometheus text exposition (format 0.0.4), for
 * GET /metrics: every scalar counter of the descriptor table (descs.h)
 * under its Prometheus name, messages and bytes per version x direction x
 * type and per subtype, per switch (at most a given number of switches of
 * their own, the rest summed into datapath_id="other"), connections, the
 * latency figures as histograms, build information.
 *
 * Built on the REST thread from a published snapshot and views only.
 */
#ifndef OFX_PROM_H
#define OFX_PROM_H

#include <stddef.h>

#include "analysis/stats.h"
#include "output/rest.h"

/* Switches with series of their own by default (--metrics-max-switches). */
#define OFX_PROM_SWITCHES_DEFAULT 256

/* The Content-Type of the exposition. */
#define OFX_PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/**
 * ofx_prom_render() - the exposition of @st, @v (may be NULL: no switch
 * and latency families) and @info (may be NULL: version "unknown").
 * @max_switches: switches (the first recorded, struct ofx_views order)
 * with series of their own; the others are summed into one
 * datapath_id="other" series per label set.
 * Return: the text (NUL-terminated, free() it) with its length in *@len,
 * or NULL on ENOMEM.
 */
char *ofx_prom_render(const struct ofx_stats *st, const struct ofx_views *v,
		      const struct ofx_run_info *info,
		      unsigned int max_switches, size_t *len);

#endif
