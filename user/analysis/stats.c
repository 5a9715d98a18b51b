// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * stats.c - publication of consistent counter snapshots (see stats.h).
 */
#include <string.h>
#include <time.h>

#include "analysis/stats.h"

#define NSEC_PER_SEC 1000000000ull

uint64_t ofx_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

void ofx_stats_pub_init(struct ofx_stats_pub *pub, uint64_t now_ns)
{
	memset(pub, 0, sizeof(*pub));
	pthread_mutex_init(&pub->lock, NULL);
	pub->start_ns = now_ns;
	pub->cur.ts_ns = now_ns;
}

void ofx_stats_publish(struct ofx_stats_pub *pub, const struct ofx_stats *live,
		       const struct ofx_conn_info *conns, unsigned int nconns,
		       uint64_t now_ns)
{
	if (nconns > OFX_PUB_MAX_CONNS)
		nconns = OFX_PUB_MAX_CONNS;
	pthread_mutex_lock(&pub->lock);
	/* Keep as "prev" the last snapshot that is at least 1 s older than
	 * the new one, so rates cover a measured interval of >= 1 s. */
	if (pub->cur.ts_ns && now_ns - pub->cur.ts_ns >= NSEC_PER_SEC)
		pub->prev = pub->cur;
	else if (pub->prev.ts_ns == 0 ||
		 now_ns - pub->prev.ts_ns >= 2 * NSEC_PER_SEC)
		pub->prev = pub->cur;
	pub->cur = *live;
	pub->cur.ts_ns = now_ns;
	if (nconns)
		memcpy(pub->conns, conns, nconns * sizeof(*conns));
	pub->nconns = nconns;
	pthread_mutex_unlock(&pub->lock);
}

void ofx_stats_read(struct ofx_stats_pub *pub, struct ofx_stats *cur,
		    struct ofx_stats *prev)
{
	pthread_mutex_lock(&pub->lock);
	*cur = pub->cur;
	if (prev)
		*prev = pub->prev;
	pthread_mutex_unlock(&pub->lock);
}

unsigned int ofx_stats_read_conns(struct ofx_stats_pub *pub,
				  struct ofx_conn_info *out, unsigned int max)
{
	unsigned int n;

	pthread_mutex_lock(&pub->lock);
	n = pub->nconns < max ? pub->nconns : max;
	if (n)
		memcpy(out, pub->conns, n * sizeof(*out));
	pthread_mutex_unlock(&pub->lock);
	return n;
}
