// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * console_events.c - recent events derived from successive snapshots (see
 * console_events.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "analysis/descs.h"
#include "output/console_events.h"

/* The descriptor-table counters whose growth is an event: data lost or
 * given up on somewhere between the wire and the counters. */
static const char *const watched[][2] = {
	{"loss", "records_lost"},
	{"loss", "pcap_drop"},
	{"loss", "pcap_ifdrop"},
	{"loss", "malformed"},
	{"loss", "ip_len_short"},
	{"loss.kernel", "reserve_fail"},
	{"loss.kernel", "trunc_bytes"},
	{"reassembly", "gaps"},
	{"reassembly", "ooo_dropped_segs"},
	{"reassembly", "connections_evicted"},
	{"reassembly", "partial_msgs"},
	{"reassembly", "bad_headers"},
	{"reassembly", "resyncs"},
};
#define NWATCHED (sizeof(watched) / sizeof(watched[0]))

static const struct ofx_counter_desc *watched_desc(size_t i)
{
	for (size_t k = 0; k < ofx_ncounter_descs; k++)
		if (!strcmp(ofx_counter_descs[k].group, watched[i][0]) &&
		    !strcmp(ofx_counter_descs[k].name, watched[i][1]))
			return &ofx_counter_descs[k];
	return NULL;
}

static void add(struct ofx_cevents *e, uint64_t ts, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(struct ofx_cevents *e, uint64_t ts, const char *fmt, ...)
{
	struct ofx_cevent *ev = &e->ring[e->seq % OFX_CEVENTS_MAX];
	va_list ap;

	ev->ts_ns = ts;
	ev->seq = e->seq++;
	va_start(ap, fmt);
	vsnprintf(ev->text, sizeof(ev->text), fmt, ap);
	va_end(ap);
	if (e->n < OFX_CEVENTS_MAX)
		e->n++;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static bool has_id(const uint64_t *ids, unsigned int n, uint64_t id)
{
	return n && bsearch(&id, ids, n, sizeof(*ids), cmp_u64);
}

/* "10.0.0.2:45678" of one end of @c into @buf (64 bytes). */
static const char *endpoint(const struct ofx_conn_view *c, bool sw, char *buf)
{
	char a[INET6_ADDRSTRLEN] = "?";

	inet_ntop(c->family == 6 ? AF_INET6 : AF_INET,
		  sw ? c->sw_addr : c->ctl_addr, a, sizeof(a));
	snprintf(buf, 64, c->family == 6 ? "[%s]:%u" : "%s:%u", a,
		 sw ? c->sw_port : c->ctl_port);
	return buf;
}

/* The ids of @n views from @c, sorted, into *@ids (replaced). */
static int take_ids(const struct ofx_conn_view *c, unsigned int n,
		    uint64_t **ids, unsigned int *nids)
{
	uint64_t *x = n ? malloc(n * sizeof(*x)) : NULL;

	if (n && !x)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++)
		x[i] = c[i].id;
	if (n)
		qsort(x, n, sizeof(*x), cmp_u64);
	free(*ids);
	*ids = x;
	*nids = n;
	return 0;
}

static int conn_events(struct ofx_cevents *e, const struct ofx_views *v)
{
	const struct ofx_conn_view *open = v->conns,
				   *closed = v->conns + v->nopen;
	char a[64], b[64];
	uint64_t ts = v->ts_ns;
	int added = 0;

	for (unsigned int i = 0; i < v->nopen + v->nclosed; i++) {
		const struct ofx_conn_view *c = &v->conns[i];
		bool is_open = i < v->nopen;

		/* opened: new among the open ones, or closed before we saw
		 * it open */
		if (!has_id(e->open_ids, e->nopen, c->id) &&
		    (is_open || !has_id(e->closed_ids, e->nclosed, c->id))) {
			add(e, c->first_ns ? c->first_ns : ts,
			    "conn %" PRIu64 " opened: switch %s, ctl %s%s",
			    c->id, endpoint(c, true, a), endpoint(c, false, b),
			    c->midstream ? " (mid-stream)" : "");
			added++;
		}
		if (!is_open && !has_id(e->closed_ids, e->nclosed, c->id)) {
			const char *why =
				ofx_close_reason_name(c->close_reason);

			add(e, c->last_ns,
			    "conn %" PRIu64 " closed (%s) after %.1f s: "
			    "%" PRIu64 " msgs in, %" PRIu64 " out",
			    c->id, why ? why : "?",
			    (double)(c->last_ns - c->first_ns) / 1e9,
			    c->cnt[OFX_DIR_IN].msgs, c->cnt[OFX_DIR_OUT].msgs);
			added++;
		}
	}
	if (take_ids(open, v->nopen, &e->open_ids, &e->nopen) ||
	    take_ids(closed, v->nclosed, &e->closed_ids, &e->nclosed))
		return -ENOMEM;
	return added;
}

static int switch_events(struct ofx_cevents *e, const struct ofx_views *v)
{
	int added = 0;

	for (unsigned int i = 0; i < v->nsw; i++) {
		const struct ofx_switch_view *w = &v->sws[i];
		unsigned int k;

		for (k = 0; k < e->nsw; k++)
			if (!strcmp(e->sw_ids[k], w->id))
				break;
		if (k < e->nsw)
			continue;
		if (!(e->nsw & (e->nsw + 1)) || !e->sw_ids) {
			void *p = realloc(e->sw_ids, (2 * e->nsw +
						      2) * sizeof(*e->sw_ids));
			if (!p)
				return -ENOMEM;
			e->sw_ids = p;
		}
		snprintf(e->sw_ids[e->nsw++], sizeof(*e->sw_ids), "%s", w->id);
		add(e, w->first_ns, "switch %s%s%s appeared (%s)", w->id,
		    *w->name ? " " : "", w->name, w->address);
		added++;
	}
	return added;
}

int ofx_cevents_update(struct ofx_cevents *e, const struct ofx_stats *cur,
		       const struct ofx_views *v)
{
	int added = 0, n;

	if (!e->loss) {
		e->loss = calloc(NWATCHED, sizeof(*e->loss));
		if (!e->loss)
			return -ENOMEM;
	}
	for (size_t i = 0; i < NWATCHED; i++) {
		const struct ofx_counter_desc *d = watched_desc(i);
		uint64_t val = d ? ofx_desc_value(d, cur) : 0;

		if (e->primed && val > e->loss[i]) {
			add(e, cur->ts_ns,
			    "%s %s +%" PRIu64 " (now %" PRIu64 "): %s",
			    d->group, d->name, val - e->loss[i], val, d->help);
			added++;
		}
		e->loss[i] = val;
	}
	if (v) {
		n = switch_events(e, v);
		if (n < 0)
			return n;
		added += n;
		n = conn_events(e, v);
		if (n < 0)
			return n;
		added += n;
	}
	e->primed = true;
	return added;
}

int ofx_cevents_thresholds(struct ofx_cevents *e, struct ofx_events *ev,
			   uint64_t epoch_offset_ns)
{
	struct ofx_event x[16];
	size_t n;
	int added = 0;

	while ((n = ofx_events_copy(ev, e->thr_last, x, 16)) > 0) {
		for (size_t i = 0; i < n; i++) {
			add(e, x[i].ts_ns - epoch_offset_ns,
			    "%s %s%s%s: %s %.6g %s %.6g", x[i].threshold,
			    x[i].raised ? "RAISED" : "cleared",
			    x[i].sw[0] ? " on " : "", x[i].sw, x[i].metric,
			    x[i].value, x[i].raised ? ">" : "<=", x[i].limit);
			e->thr_last = x[i].id;
			added++;
		}
	}
	return added;
}

const struct ofx_cevent *ofx_cevents_get(const struct ofx_cevents *e,
					 unsigned int i)
{
	if (i >= e->n)
		return NULL;
	return &e->ring[(e->seq - 1 - i) % OFX_CEVENTS_MAX];
}

void ofx_cevents_free(struct ofx_cevents *e)
{
	free(e->open_ids);
	free(e->closed_ids);
	free(e->sw_ids);
	free(e->loss);
	memset(e, 0, sizeof(*e));
}
