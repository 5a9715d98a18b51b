// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * stats.c - publication of consistent counter snapshots (see stats.h).
 */
#include <stddef.h>
#include <stdlib.h>
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

uint64_t ofx_epoch_offset_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec -
	       ofx_now_ns();
}

void ofx_stats_init(struct ofx_stats *st)
{
	memset(st, 0, offsetof(struct ofx_stats, sub));
	ofx_subtab_init(&st->sub.h, OFX_GLOBAL_SUBTYPES);
}

struct ofx_stats_pub *ofx_stats_pub_new(uint64_t now_ns)
{
	struct ofx_stats_pub *pub = calloc(1, sizeof(*pub));

	if (!pub)
		return NULL;
	pthread_mutex_init(&pub->lock, NULL);
	ofx_stats_init(&pub->cur);
	ofx_stats_init(&pub->prev);
	pub->start_ns = now_ns;
	pub->cur.ts_ns = now_ns;
	return pub;
}

void ofx_views_put(struct ofx_views *v)
{
	if (!v || __atomic_sub_fetch(&v->refs, 1, __ATOMIC_ACQ_REL))
		return;
	free(v->conns);
	for (unsigned int i = 0; v->sws && i < v->nsw; i++)
		ofx_switch_view_release(&v->sws[i]);
	free(v->sws);
	ofx_lat_views_free(v->lat);
	free(v);
}

void ofx_stats_pub_free(struct ofx_stats_pub *pub)
{
	if (!pub)
		return;
	ofx_views_put(pub->views);
	pthread_mutex_destroy(&pub->lock);
	free(pub);
}

void ofx_stats_publish(struct ofx_stats_pub *pub, const struct ofx_stats *live,
		       uint64_t now_ns)
{
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
	pthread_mutex_unlock(&pub->lock);
}

void ofx_stats_publish_views(struct ofx_stats_pub *pub, struct ofx_views *v)
{
	struct ofx_views *old;

	v->refs = 1;
	pthread_mutex_lock(&pub->lock);
	old = pub->views;
	pub->views = v;
	pthread_mutex_unlock(&pub->lock);
	ofx_views_put(old);
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

struct ofx_views *ofx_stats_views(struct ofx_stats_pub *pub)
{
	struct ofx_views *v;

	pthread_mutex_lock(&pub->lock);
	v = pub->views;
	if (v)
		__atomic_add_fetch(&v->refs, 1, __ATOMIC_ACQ_REL);
	pthread_mutex_unlock(&pub->lock);
	return v;
}
