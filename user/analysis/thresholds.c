// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * thresholds.c - thresholds, their per-second evaluation and the engine
 * thread (see thresholds.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/descs.h"
#include "analysis/latency.h"
#include "analysis/names.h"
#include "analysis/switches.h"
#include "analysis/thresholds.h"

#define OFPT_ERROR 1
#define OFPT_PACKET_IN 10
#define HIST (OFX_THR_WINDOW_MAX + 1) /* samples kept: a window's ends */
#define WINDOW_DEFAULT 10

enum {
	M_PACKET_IN_RATE,
	M_ERROR_RATE,
	M_MESSAGE_RATE,
	M_ECHO_UNREPLIED,
	M_RESPONSE_P99,
	M_RECONNECTS,
	M_DISCONNECTED,
	M_CAPTURE_LOSS,
	M_COUNTER,
	M_N,
};

const struct ofx_thr_metric ofx_thr_metrics[] = {
	[M_PACKET_IN_RATE] = {"packet_in_rate", "messages/s",
			      "PACKET_INs a second from the switch", true},
	[M_ERROR_RATE] = {"error_rate", "messages/s",
			  "ERROR messages a second, both directions", true},
	[M_MESSAGE_RATE] = {"message_rate", "messages/s",
			    "messages a second, both directions", true},
	[M_ECHO_UNREPLIED] = {"echo_unreplied", "requests",
			      "ECHO_REQUESTs not answered within the latency "
			      "window, in the last 10 s (window <= 10) or 60 s",
			      true},
	[M_RESPONSE_P99] = {"response_p99", "seconds",
			    "99th percentile response time of \"kind\" "
			    "(default packet_in: PACKET_IN to the controller's "
			    "PACKET_OUT/FLOW_MOD), last 10 s or 60 s",
			    true},
	[M_RECONNECTS] = {"reconnects", "connections",
			  "connections of the switch opened within the window "
			  "(auxiliary and management ones identified with it "
			  "too)",
			  true},
	[M_DISCONNECTED] = {"disconnected", "0/1",
			    "1 while the switch (known by its datapath_id) "
			    "has no open connection",
			    true},
	[M_CAPTURE_LOSS] = {"capture_loss", "records/s",
			    "ring records lost plus packets libpcap or the "
			    "interface dropped, a second",
			    false},
	[M_COUNTER] = {"counter", "its unit (a second for counters)",
		       "the counter \"counter\" (GROUP.NAME of "
		       "/api/v1/stats): its rate, or a gauge's value",
		       false},
};
const unsigned int ofx_thr_nmetrics = M_N;

/* Per-switch samples. */
enum { RAW_PIN, RAW_ERR, RAW_MSGS, RAW_CONNS, NRAW };

/* One threshold. @gen changes when it is replaced (states keyed by it). */
struct thr {
	bool used;
	bool builtin;
	bool raised; /* global metrics */
	bool has_counter;
	double last; /* global metrics: the last value */
	char name[OFX_EVENT_NAME];
	unsigned int metric;
	double value;
	unsigned int window;
	char sw[OFX_EVENT_SWITCH];
	unsigned int kind;
	unsigned int desc;
};

struct sw_state {
	char id[OFX_EVENT_SWITCH];
	uint64_t raw[HIST][NRAW];
	uint64_t first_tick;
	uint64_t last_tick;
	uint64_t raised; /* bit i: thr[i] raised for this switch */
	double last[OFX_THR_MAX]; /* thr[i]'s last value for this switch */
};

struct ofx_thresholds {
	pthread_mutex_t lock;
	struct ofx_events *ev;
	struct thr thr[OFX_THR_MAX];
	uint64_t tick; /* ticks sampled */
	uint64_t ts_ns; /* the newest sample's time, ns since the epoch */
	uint64_t tick_ns[HIST];
	uint64_t *glob; /* [HIST][ofx_ncounter_descs] */
	struct sw_state *sw;
	unsigned int nsw, capsw;
	unsigned int loss_desc[3];
	struct ofx_switch_counts *cnt; /* scratch */
	/* events made under @lock, added to the log once it is released */
	struct ofx_event *pend;
	size_t npend, cappend;
	/* the engine */
	struct ofx_stats_pub *pub;
	uint64_t epoch_offset_ns;
	struct ofx_stats *cur;
	pthread_t thread;
	pthread_cond_t cond;
	bool running, stop;
};

/* ---- events: made under the lock, added once it is released ---- */

/* An event of @h (for switch @sw, NULL: global) with value @x. (Without
 * memory for it, it is lost: the log has no room to say so.) */
static void pend_event(struct ofx_thresholds *t, const struct thr *h,
		       const char *sw, double x, bool raised)
{
	struct ofx_event *e;

	if (t->npend == t->cappend) {
		size_t cap = t->cappend ? 2 * t->cappend : 16;

		e = realloc(t->pend, cap * sizeof(*e));
		if (!e)
			return;
		t->pend = e;
		t->cappend = cap;
	}
	e = &t->pend[t->npend++];
	memset(e, 0, sizeof(*e));
	e->ts_ns = t->ts_ns;
	e->value = x;
	e->limit = h->value;
	e->raised = raised;
	snprintf(e->threshold, sizeof(e->threshold), "%s", h->name);
	if (h->metric == M_COUNTER)
		snprintf(e->metric, sizeof(e->metric), "%s.%s",
			 ofx_counter_descs[h->desc].group,
			 ofx_counter_descs[h->desc].name);
	else
		snprintf(e->metric, sizeof(e->metric), "%s",
			 ofx_thr_metrics[h->metric].name);
	snprintf(e->sw, sizeof(e->sw), "%s", sw ? sw : "");
}

/* Add the events made so far to the log (logging them and running the
 * hook), without holding the lock. */
static void flush(struct ofx_thresholds *t)
{
	struct ofx_event *e;
	size_t n;

	pthread_mutex_lock(&t->lock);
	e = t->pend;
	n = t->npend;
	t->pend = NULL;
	t->npend = t->cappend = 0;
	pthread_mutex_unlock(&t->lock);
	for (size_t i = 0; i < n; i++)
		ofx_events_add(t->ev, &e[i]);
	free(e);
}

/* ---- definitions ---- */

struct builtin {
	const char *name;
	unsigned int metric;
	double value;
	unsigned int window;
};

/* The defaults (a user may replace or delete them). */
static const struct builtin builtins[] = {
	{"packet_in_storm", M_PACKET_IN_RATE, 1000, 10},
	{"error_rate", M_ERROR_RATE, 10, 10},
	{"echo_unreplied", M_ECHO_UNREPLIED, 0, 60},
	{"response_p99", M_RESPONSE_P99, 0.1, 60},
	{"switch_disconnected", M_DISCONNECTED, 0, 1},
	{"switch_flapping", M_RECONNECTS, 3, 60},
	{"capture_loss", M_CAPTURE_LOSS, 0, 10},
};

static int find_desc(const char *group, const char *name)
{
	for (size_t i = 0; i < ofx_ncounter_descs; i++)
		if (!strcmp(ofx_counter_descs[i].group, group) &&
		    !strcmp(ofx_counter_descs[i].name, name))
			return (int)i;
	return -1;
}

static int find_thr(const struct ofx_thresholds *t, const char *name)
{
	for (int i = 0; i < OFX_THR_MAX; i++)
		if (t->thr[i].used && !strcmp(t->thr[i].name, name))
			return i;
	return -1;
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= OFX_EVENT_NAME || *s == '.')
		return false; /* (".", "..": not a path segment over REST) */
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '.' ||
		      *s == '-'))
			return false;
	return true;
}

#define BAD(...) (snprintf(err, errlen, __VA_ARGS__), -EINVAL)

/* Parse @def into @h. Return: 0 or -EINVAL with @err. */
static int parse_def(const json_t *def, struct thr *h, char *err, size_t errlen)
{
	const char *key, *s;
	json_t *val;
	unsigned int m;
	uint64_t dpid;
	bool has_kind = false;
	double x;

	if (!json_is_object(def))
		return BAD("a threshold is a JSON object");
	h->window = WINDOW_DEFAULT;
	h->kind = OFX_LAT_PACKET_IN;
	h->metric = M_N;
	h->value = NAN;
	json_object_foreach((json_t *)def, key, val)
	{
		if (!strcmp(key, "metric")) {
			s = json_string_value(val);
			for (m = 0; s && m < M_N; m++)
				if (!strcmp(s, ofx_thr_metrics[m].name))
					break;
			if (!s || m == M_N)
				return BAD("unknown metric%s%s (see GET "
					   "/api/v1/thresholds: metrics)",
					   s ? " " : "", s ? s : "");
			h->metric = m;
		} else if (!strcmp(key, "value")) {
			if (!json_is_number(val) ||
			    !isfinite(x = json_number_value(val)))
				return BAD("value must be a finite number");
			h->value = x;
		} else if (!strcmp(key, "window")) {
			if (!json_is_integer(val) ||
			    json_integer_value(val) < 1 ||
			    json_integer_value(val) > OFX_THR_WINDOW_MAX)
				return BAD("window must be an integer of "
					   "seconds, 1 to %d",
					   OFX_THR_WINDOW_MAX);
			h->window = (unsigned int)json_integer_value(val);
		} else if (!strcmp(key, "switch")) {
			s = json_string_value(val);
			if (!s || !*s || strlen(s) >= sizeof(h->sw))
				return BAD("switch must be a datapath_id or "
					   "the switch's address");
			if (!ofx_parse_dpid(s, &dpid))
				snprintf(h->sw, sizeof(h->sw), "0x%016" PRIx64,
					 dpid);
			else
				snprintf(h->sw, sizeof(h->sw), "%s", s);
		} else if (!strcmp(key, "kind")) {
			s = json_string_value(val);
			for (m = 0; s && m < OFX_LAT_NKINDS; m++)
				if (!strcmp(s, ofx_lat_kind_name(m)))
					break;
			if (!s || m == OFX_LAT_NKINDS)
				return BAD("unknown latency kind (echo, "
					   "barrier, packet_in, ...)");
			h->kind = m;
			has_kind = true;
		} else if (!strcmp(key, "counter")) {
			char group[64];
			const char *dot;
			int d;

			s = json_string_value(val);
			dot = s ? strchr(s, '.') : NULL;
			if (!dot || (size_t)(dot - s) >= sizeof(group))
				return BAD("counter must be GROUP.NAME, as in "
					   "/api/v1/stats");
			snprintf(group, sizeof(group), "%.*s", (int)(dot - s),
				 s);
			d = find_desc(group, dot + 1);
			if (d < 0)
				return BAD("no counter %s in /api/v1/stats", s);
			h->desc = (unsigned int)d;
			h->has_counter = true;
		} else if (strcmp(key, "name") && strcmp(key, "builtin") &&
			   strcmp(key, "raised") && strcmp(key, "unit")) {
			/* (those four: a GET's output put back) */
			return BAD("unknown key %s", key);
		}
	}
	if (h->metric == M_N)
		return BAD("metric is required");
	if (isnan(h->value))
		return BAD("value is required");
	if (h->sw[0] && !ofx_thr_metrics[h->metric].per_switch)
		return BAD("metric %s is not per switch: no switch scope",
			   ofx_thr_metrics[h->metric].name);
	if ((h->metric == M_COUNTER) != h->has_counter)
		return BAD(h->metric == M_COUNTER
				   ? "metric counter needs a counter"
				   : "counter goes with metric counter only");
	if (has_kind && h->metric != M_RESPONSE_P99)
		return BAD("kind goes with metric response_p99 only");
	return 0;
}

/* Forget the states of thr[@i] (replaced or deleted): what was raised is
 * cleared, with its last value. */
static void forget(struct ofx_thresholds *t, int i)
{
	struct thr *h = &t->thr[i];

	if (h->used && h->raised)
		pend_event(t, h, NULL, h->last, false);
	h->raised = false;
	for (unsigned int k = 0; k < t->nsw; k++) {
		if (h->used && (t->sw[k].raised & (1ull << i)))
			pend_event(t, h, t->sw[k].id, t->sw[k].last[i], false);
		t->sw[k].raised &= ~(1ull << i);
	}
}

static int put_locked(struct ofx_thresholds *t, const char *name,
		      const struct thr *h)
{
	int i = find_thr(t, name), rc = i >= 0;

	if (i < 0)
		for (i = 0; i < OFX_THR_MAX && t->thr[i].used; i++)
			;
	if (i == OFX_THR_MAX)
		return -ENOSPC;
	forget(t, i);
	t->thr[i] = *h;
	t->thr[i].used = true;
	snprintf(t->thr[i].name, sizeof(t->thr[i].name), "%s", name);
	return rc;
}

int ofx_thr_put(struct ofx_thresholds *t, const char *name, const json_t *def,
		char *err, size_t errlen)
{
	struct thr h = {0};
	int rc;

	if (!name_ok(name))
		return BAD("a threshold name is 1 to %d of A-Z a-z 0-9 _ . -",
			   OFX_EVENT_NAME - 1);
	rc = parse_def(def, &h, err, errlen);
	if (rc)
		return rc;
	pthread_mutex_lock(&t->lock);
	rc = put_locked(t, name, &h);
	pthread_mutex_unlock(&t->lock);
	flush(t);
	if (rc == -ENOSPC)
		snprintf(err, errlen, "%d thresholds are defined already",
			 OFX_THR_MAX);
	return rc;
}

int ofx_thr_delete(struct ofx_thresholds *t, const char *name)
{
	int i;

	pthread_mutex_lock(&t->lock);
	i = find_thr(t, name);
	if (i >= 0) {
		forget(t, i);
		t->thr[i].used = false;
	}
	pthread_mutex_unlock(&t->lock);
	flush(t);
	return i >= 0 ? 0 : -ENOENT;
}

static json_t *thr_json(const struct ofx_thresholds *t, int i)
{
	const struct thr *h = &t->thr[i];
	const struct ofx_thr_metric *m = &ofx_thr_metrics[h->metric];
	json_t *o = json_pack("{s:s, s:s, s:f, s:i, s:s}", "name", h->name,
			      "metric", m->name, "value", h->value, "window",
			      (int)h->window, "unit", m->unit);
	json_t *raised;
	char cname[160];

	if (!o)
		return NULL;
	if (h->sw[0])
		json_object_set_new(o, "switch", json_string(h->sw));
	if (h->metric == M_RESPONSE_P99)
		json_object_set_new(o, "kind",
				    json_string(ofx_lat_kind_name(h->kind)));
	if (h->metric == M_COUNTER) {
		snprintf(cname, sizeof(cname), "%s.%s",
			 ofx_counter_descs[h->desc].group,
			 ofx_counter_descs[h->desc].name);
		json_object_set_new(o, "counter", json_string(cname));
	}
	json_object_set_new(o, "builtin", json_boolean(h->builtin));
	if (m->per_switch) {
		raised = json_array();
		for (unsigned int k = 0; k < t->nsw; k++)
			if (t->sw[k].raised & (1ull << i))
				json_array_append_new(raised,
						      json_string(t->sw[k].id));
	} else {
		raised = json_boolean(h->raised);
	}
	json_object_set_new(o, "raised", raised);
	return o;
}

json_t *ofx_thr_get(struct ofx_thresholds *t, const char *name)
{
	json_t *o = NULL;
	int i;

	pthread_mutex_lock(&t->lock);
	i = find_thr(t, name);
	if (i >= 0)
		o = thr_json(t, i);
	pthread_mutex_unlock(&t->lock);
	return o;
}

json_t *ofx_thr_list(struct ofx_thresholds *t)
{
	json_t *list = json_array(), *cat = json_array();

	pthread_mutex_lock(&t->lock);
	for (int i = 0; i < OFX_THR_MAX; i++)
		if (t->thr[i].used)
			json_array_append_new(list, thr_json(t, i));
	pthread_mutex_unlock(&t->lock);
	for (unsigned int m = 0; m < M_N; m++)
		json_array_append_new(
			cat, json_pack("{s:s, s:s, s:b, s:s}", "name",
				       ofx_thr_metrics[m].name, "unit",
				       ofx_thr_metrics[m].unit, "per_switch",
				       ofx_thr_metrics[m].per_switch, "help",
				       ofx_thr_metrics[m].help));
	return json_pack("{s:o, s:o}", "thresholds", list, "metrics", cat);
}

struct ofx_thresholds *ofx_thr_new(struct ofx_events *ev, bool defaults)
{
	struct ofx_thresholds *t = calloc(1, sizeof(*t));
	static const char *const loss[] = {"records_lost", "pcap_drop",
					   "pcap_ifdrop"};

	if (!t)
		return NULL;
	t->ev = ev;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
	t->glob = calloc(HIST * ofx_ncounter_descs, sizeof(*t->glob));
	t->cnt = malloc(sizeof(*t->cnt));
	t->cur = malloc(sizeof(*t->cur));
	if (!t->glob || !t->cnt || !t->cur) {
		ofx_thr_free(t);
		return NULL;
	}
	for (int i = 0; i < 3; i++) {
		int d = find_desc("loss", loss[i]);

		t->loss_desc[i] = d < 0 ? 0 : (unsigned int)d;
	}
	for (size_t i = 0; defaults && i < sizeof(builtins) / sizeof(*builtins);
	     i++) {
		struct thr h = {.builtin = true,
				.metric = builtins[i].metric,
				.value = builtins[i].value,
				.window = builtins[i].window,
				.kind = OFX_LAT_PACKET_IN};

		put_locked(t, builtins[i].name, &h);
	}
	return t;
}

/* ---- evaluation ---- */

/* The sample index @w ticks before the newest, not older than @first:
 * -1 when there is only the newest. */
static long older(const struct ofx_thresholds *t, uint64_t first,
		  unsigned int w)
{
	uint64_t now = t->tick, j;

	j = now >= w ? now - w : 0;
	if (now >= HIST - 1 && j < now - (HIST - 1))
		j = now - (HIST - 1);
	if (j < first)
		j = first;
	return j == now ? -1 : (long)(j % HIST);
}

static double rate(const struct ofx_thresholds *t, uint64_t a, uint64_t b,
		   long j)
{
	double dt = (double)(t->tick_ns[t->tick % HIST] - t->tick_ns[j]) / 1e9;

	return b > a && dt > 0 ? (double)(b - a) / dt : 0;
}

static struct sw_state *sw_find(struct ofx_thresholds *t, const char *id,
				unsigned int hint)
{
	struct sw_state *s;

	if (hint < t->nsw && !strcmp(t->sw[hint].id, id))
		return &t->sw[hint];
	for (unsigned int k = 0; k < t->nsw; k++)
		if (!strcmp(t->sw[k].id, id))
			return &t->sw[k];
	if (t->nsw == t->capsw) {
		unsigned int cap = t->capsw ? t->capsw * 2 : 16;

		if (cap > OFX_THR_SWITCHES_MAX)
			cap = OFX_THR_SWITCHES_MAX;
		if (cap == t->capsw)
			return NULL;
		s = realloc(t->sw, cap * sizeof(*s));
		if (!s)
			return NULL;
		t->sw = s;
		t->capsw = cap;
	}
	s = &t->sw[t->nsw++];
	memset(s, 0, sizeof(*s));
	snprintf(s->id, sizeof(s->id), "%s", id);
	s->first_tick = t->tick;
	return s;
}

static void sample_switch(struct ofx_thresholds *t, struct sw_state *s,
			  const struct ofx_switch_view *w)
{
	uint64_t *raw = s->raw[t->tick % HIST];
	const struct ofx_msgcounts *m = &t->cnt->m;

	ofx_switch_view_counts(w, t->cnt);
	memset(raw, 0, NRAW * sizeof(*raw));
	for (int v = 0; v < OFX_NVERSIONS; v++) {
		raw[RAW_PIN] += m->of[v][OFPT_PACKET_IN][OFX_DIR_IN].msgs;
		raw[RAW_ERR] += m->of[v][OFPT_ERROR][OFX_DIR_IN].msgs +
				m->of[v][OFPT_ERROR][OFX_DIR_OUT].msgs;
	}
	raw[RAW_MSGS] = m->total[OFX_DIR_IN].msgs + m->total[OFX_DIR_OUT].msgs;
	raw[RAW_CONNS] = w->conns_total;
	s->last_tick = t->tick;
}

/* Value of per-switch metric thr @h for @s (view @w): false when there
 * is none yet (one sample only). */
static bool sw_value(const struct ofx_thresholds *t, const struct thr *h,
		     const struct sw_state *s, const struct ofx_switch_view *w,
		     const struct ofx_views *v, double *out)
{
	const uint64_t *now = s->raw[t->tick % HIST];
	const struct ofx_lat_view *lv;
	unsigned int win = h->window <= 10 ? OFX_LAT_10S : OFX_LAT_60S;
	long j;
	int raw;

	switch (h->metric) {
	case M_DISCONNECTED:
		/* a record by address only (never identified): not a
		 * switch that went away */
		if (!w->has_dpid)
			return false;
		*out = w->conns_open ? 0 : 1;
		return true;
	case M_ECHO_UNREPLIED:
	case M_RESPONSE_P99:
		lv = v->lat ? ofx_lat_views_find(v->lat, w->id) : NULL;
		*out = 0;
		for (int f = 0; lv && f < OFX_LAT_NFROM; f++) {
			const struct ofx_lat_entry *e =
				h->metric == M_ECHO_UNREPLIED
					? &lv->e[win][OFX_LAT_ECHO][f]
					: &lv->e[win][h->kind][f];

			if (h->metric == M_ECHO_UNREPLIED)
				*out += (double)e->c.unreplied;
			else if (e->h.count && (double)e->h.p99 / 1e9 > *out)
				*out = (double)e->h.p99 / 1e9;
		}
		return true;
	default:
		break;
	}
	raw = h->metric == M_PACKET_IN_RATE ? RAW_PIN
	      : h->metric == M_ERROR_RATE   ? RAW_ERR
	      : h->metric == M_MESSAGE_RATE ? RAW_MSGS
					    : RAW_CONNS;
	j = older(t, s->first_tick, h->window);
	if (j < 0)
		return false;
	if (h->metric == M_RECONNECTS)
		*out = now[raw] > s->raw[j][raw]
			       ? (double)(now[raw] - s->raw[j][raw])
			       : 0;
	else
		*out = rate(t, s->raw[j][raw], now[raw], j);
	return true;
}

static bool glob_value(const struct ofx_thresholds *t, const struct thr *h,
		       double *out)
{
	const uint64_t *now = t->glob + (t->tick % HIST) * ofx_ncounter_descs;
	const uint64_t *old;
	long j = older(t, 1, h->window); /* tick 1: the first sample */
	uint64_t a = 0, b = 0;

	if (h->metric == M_COUNTER &&
	    ofx_counter_descs[h->desc].kind != OFX_COUNTER) {
		*out = (double)now[h->desc];
		return true;
	}
	if (j < 0)
		return false;
	old = t->glob + (size_t)j * ofx_ncounter_descs;
	if (h->metric == M_COUNTER) {
		a = old[h->desc];
		b = now[h->desc];
	} else {
		for (int i = 0; i < 3; i++) {
			a += old[t->loss_desc[i]];
			b += now[t->loss_desc[i]];
		}
	}
	*out = rate(t, a, b, j);
	return true;
}

/* Raise or clear (@was: the state before) by @x: the event. Return: the
 * state now. */
static bool cross(struct ofx_thresholds *t, const struct thr *h, const char *sw,
		  double x, bool was)
{
	bool now = x > h->value;

	if (now != was)
		pend_event(t, h, sw, x, now);
	return now;
}

/* Switch state @k left the views (an address-keyed record replaced once
 * its datapath_id was known, ...): what it raised is cleared, with its
 * last values, and the state goes. */
static void sw_gone(struct ofx_thresholds *t, unsigned int k)
{
	struct sw_state *s = &t->sw[k];

	for (int i = 0; i < OFX_THR_MAX; i++)
		if (t->thr[i].used && (s->raised & (1ull << i)))
			pend_event(t, &t->thr[i], s->id, s->last[i], false);
	t->sw[k] = t->sw[--t->nsw];
}

void ofx_thr_eval(struct ofx_thresholds *t, const struct ofx_stats *cur,
		  const struct ofx_views *v, uint64_t now_ns,
		  uint64_t epoch_offset_ns)
{
	uint64_t *g;
	unsigned int nsw = v ? v->nsw : 0;

	pthread_mutex_lock(&t->lock);
	t->tick++;
	t->ts_ns = now_ns + epoch_offset_ns;
	t->tick_ns[t->tick % HIST] = now_ns;
	g = t->glob + (t->tick % HIST) * ofx_ncounter_descs;
	for (size_t d = 0; d < ofx_ncounter_descs; d++)
		g[d] = ofx_desc_value(&ofx_counter_descs[d], cur);
	for (int i = 0; i < OFX_THR_MAX; i++) {
		struct thr *h = &t->thr[i];
		double x;

		if (!h->used || ofx_thr_metrics[h->metric].per_switch)
			continue;
		if (glob_value(t, h, &x)) {
			h->raised = cross(t, h, NULL, x, h->raised);
			h->last = x;
		}
	}
	for (unsigned int k = 0; k < nsw; k++) {
		const struct ofx_switch_view *w = &v->sws[k];
		struct sw_state *s = sw_find(t, w->id, k);

		if (!s)
			continue; /* OFX_THR_SWITCHES_MAX have a state */
		sample_switch(t, s, w);
		for (int i = 0; i < OFX_THR_MAX; i++) {
			const struct thr *h = &t->thr[i];
			uint64_t bit = 1ull << i;
			double x;

			if (!h->used ||
			    !ofx_thr_metrics[h->metric].per_switch ||
			    (h->sw[0] && strcmp(h->sw, w->id)) ||
			    !sw_value(t, h, s, w, v, &x))
				continue;
			if (cross(t, h, w->id, x, s->raised & bit))
				s->raised |= bit;
			else
				s->raised &= ~bit;
			s->last[i] = x;
		}
	}
	for (unsigned int k = t->nsw; k-- > 0;)
		if (t->sw[k].last_tick != t->tick)
			sw_gone(t, k);
	pthread_mutex_unlock(&t->lock);
	flush(t);
}

/* ---- the engine ---- */

static void *engine(void *arg)
{
	struct ofx_thresholds *t = arg;
	struct timespec ts;

	pthread_mutex_lock(&t->lock);
	while (!t->stop) {
		struct ofx_views *v;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&t->cond, &t->lock, &ts);
		if (t->stop)
			break;
		pthread_mutex_unlock(&t->lock);
		ofx_stats_read(t->pub, t->cur, NULL);
		v = ofx_stats_views(t->pub);
		if (t->cur->ts_ns)
			ofx_thr_eval(t, t->cur, v, t->cur->ts_ns,
				     t->epoch_offset_ns);
		ofx_views_put(v);
		ofx_events_reap(t->ev);
		ofx_events_wake_all(t->ev); /* waiters check their deadline */
		pthread_mutex_lock(&t->lock);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

int ofx_thr_start(struct ofx_thresholds *t, struct ofx_stats_pub *pub,
		  uint64_t epoch_offset_ns)
{
	pthread_condattr_t ca;
	int rc;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_destroy(&t->cond);
	pthread_cond_init(&t->cond, &ca);
	pthread_condattr_destroy(&ca);
	t->pub = pub;
	t->epoch_offset_ns = epoch_offset_ns;
	rc = pthread_create(&t->thread, NULL, engine, t);
	if (rc)
		return -rc;
	t->running = true;
	return 0;
}

void ofx_thr_free(struct ofx_thresholds *t)
{
	if (!t)
		return;
	if (t->running) {
		pthread_mutex_lock(&t->lock);
		t->stop = true;
		pthread_cond_signal(&t->cond);
		pthread_mutex_unlock(&t->lock);
		pthread_join(t->thread, NULL);
	}
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->lock);
	free(t->glob);
	free(t->pend);
	free(t->sw);
	free(t->cnt);
	free(t->cur);
	free(t);
}
