// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * console_rows.c - the console's views as tables of rows (see
 * console_rows.h).
 */
#define _GNU_SOURCE /* qsort_r */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/descs.h"
#include "output/console_rows.h"

#define PACKET_IN 10 /* OFPT_PACKET_IN in every version (1.0 to 1.5) */

static const char *const view_names[OFX_CV_N] = {
	"types", "subtypes", "switches", "latency", "events", "loss"};

const char *ofx_cview_name(unsigned int view)
{
	return view < OFX_CV_N ? view_names[view] : "?";
}

/* Columns of each view. The one of width 0 (else the first) takes the
 * width the others leave. */
static const struct ofx_ccol types_cols[] = {
	{"version type", 26, true, 0}, {"in msgs", 10, false, 0},
	{"out msgs", 10, false, 0},    {"in/s", 9, false, 0},
	{"out/s", 9, false, 0},	       {"in bytes", 12, false, 100},
	{"out bytes", 12, false, 100}, {"in B/s", 10, false, 124},
	{"out B/s", 10, false, 124},
};
static const struct ofx_ccol subtypes_cols[] = {
	{"subtype", 26, true, 0},      {"in msgs", 10, false, 0},
	{"out msgs", 10, false, 0},    {"in/s", 9, false, 0},
	{"out/s", 9, false, 0},	       {"in bytes", 12, false, 100},
	{"out bytes", 12, false, 100}, {"type", 22, true, 124},
};
static const struct ofx_ccol switches_cols[] = {
	{"switch (datapath_id)", 20, true, 0},
	{"state", 7, true, 0},
	{"in/s", 8, false, 0},
	{"out/s", 8, false, 0},
	{"pin/s", 8, false, 0},
	{"pin p99", 8, false, 0},
	{"in msgs", 10, false, 96},
	{"out msgs", 10, false, 96},
	{"address", 22, true, 120},
};
static const struct ofx_ccol latency_cols[] = {
	{"latency (10s) kind", 18, true, 0},
	{"from", 10, true, 0},
	{"pairs", 8, false, 0},
	{"p50", 8, false, 0},
	{"p99", 8, false, 0},
	{"max", 8, false, 0},
	{"unreplied", 9, false, 0},
	{"errors", 7, false, 100},
	{"orphans", 8, false, 100},
};
static const struct ofx_ccol events_cols[] = {
	{"time", 8, true, 0},
	{"event", 0, true, 0},
};
static const struct ofx_ccol loss_cols[] = {
	{"counter", 26, true, 0}, {"group", 11, true, 0},
	{"value", 12, false, 0},  {"per s", 9, false, 0},
	{"about", 40, true, 100},
};

const char *ofx_fmt_ns(uint64_t ns, char *buf)
{
	if (ns < 1000)
		snprintf(buf, 16, "%" PRIu64 "ns", ns);
	else if (ns < 1000000)
		snprintf(buf, 16, "%.1fus", (double)ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, 16, "%.2fms", (double)ns / 1e6);
	else
		snprintf(buf, 16, "%.2fs", (double)ns / 1e9);
	return buf;
}

const char *ofx_fmt_count(uint64_t n, char *buf)
{
	if (n < 100000000ull)
		snprintf(buf, 16, "%" PRIu64, n);
	else if (n < 100000000000ull)
		snprintf(buf, 16, "%.2fM", (double)n / 1e6);
	else
		snprintf(buf, 16, "%.2fG", (double)n / 1e9);
	return buf;
}

/* A new row at the end of @t (its natural order in key[] of text
 * columns), or NULL on ENOMEM. */
static struct ofx_crow *row(struct ofx_ctable *t)
{
	struct ofx_crow *r;

	if (t->n == t->cap) {
		unsigned int cap = t->cap ? 2 * t->cap : 32;
		void *p = realloc(t->rows, cap * sizeof(*t->rows));

		if (!p)
			return NULL;
		t->rows = p;
		t->cap = cap;
	}
	r = &t->rows[t->n];
	memset(r, 0, sizeof(*r));
	for (unsigned int c = 0; c < OFX_CROW_COLS; c++)
		r->key[c] = t->n;
	t->n++;
	return r;
}

static void text(struct ofx_crow *r, unsigned int c, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void text(struct ofx_crow *r, unsigned int c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->cell[c], OFX_CROW_CELL, fmt, ap);
	va_end(ap);
}

static void num(struct ofx_crow *r, unsigned int c, uint64_t v)
{
	char b[16];

	snprintf(r->cell[c], OFX_CROW_CELL, "%s", ofx_fmt_count(v, b));
	r->key[c] = (double)v;
}

static void rate(struct ofx_crow *r, unsigned int c, double v)
{
	snprintf(r->cell[c], OFX_CROW_CELL, v < 100000 ? "%.1f" : "%.0f", v);
	r->key[c] = v;
}

static void nsval(struct ofx_crow *r, unsigned int c, uint64_t ns, bool have)
{
	char b[16];

	snprintf(r->cell[c], OFX_CROW_CELL, "%s",
		 have ? ofx_fmt_ns(ns, b) : "-");
	r->key[c] = have ? (double)ns : -1.0;
}

static double per_s(uint64_t now, uint64_t then, double dt)
{
	return dt > 0.0 && now > then ? (double)(now - then) / dt : 0.0;
}

/* Rates of @s: over [prev, cur], else since start from zero. */
static double snap_dt(const struct ofx_csnap *s, const struct ofx_stats **base)
{
	*base = NULL;
	if (s->prev && s->prev->ts_ns && s->cur->ts_ns > s->prev->ts_ns) {
		*base = s->prev;
		return (double)(s->cur->ts_ns - s->prev->ts_ns) / 1e9;
	}
	if (s->cur->ts_ns > s->start_ns)
		return (double)(s->cur->ts_ns - s->start_ns) / 1e9;
	return 0.0;
}

static int build_types(struct ofx_ctable *t, const struct ofx_csnap *s)
{
	const struct ofx_stats *cur = s->cur, *base;
	double dt = snap_dt(s, &base);

	for (uint8_t v = OFP_VERSION_MIN; v <= OFP_VERSION_MAX; v++) {
		if (!ofx_msgcounts_version_seen(&cur->msgs, v))
			continue;
		for (int ty = 0; ty <= OFX_NTYPES; ty++) {
			const struct ofx_count *c, *b = NULL;
			const char *name;
			struct ofx_crow *r;

			if (ty < OFX_NTYPES) {
				name = of_type_name(v, (uint8_t)ty);
				c = cur->msgs.of[v][ty];
				if (base)
					b = base->msgs.of[v][ty];
			} else {
				name = "(invalid type)";
				c = cur->msgs.invalid[v];
				if (base)
					b = base->msgs.invalid[v];
			}
			if (!name || (!c[0].msgs && !c[1].msgs))
				continue;
			r = row(t);
			if (!r)
				return -ENOMEM;
			r->version = v;
			r->type = (uint8_t)ty;
			text(r, 0, "%s %s", of_version_name(v), name);
			for (int d = 0; d < OFX_NDIRS; d++) {
				num(r, 1 + d, c[d].msgs);
				rate(r, 3 + d,
				     per_s(c[d].msgs, b ? b[d].msgs : 0, dt));
				num(r, 5 + d, c[d].bytes);
				rate(r, 7 + d,
				     per_s(c[d].bytes, b ? b[d].bytes : 0, dt));
			}
		}
	}
	if (!t->n)
		snprintf(t->note, sizeof(t->note),
			 "no OpenFlow message counted yet");
	return 0;
}

static int build_subtypes(struct ofx_ctable *t, const struct ofx_csnap *s)
{
	const struct ofx_stats *base;
	double dt = snap_dt(s, &base);
	size_t n = 0, nb = 0;
	struct ofx_subrow *cur = ofx_subtab_rows(
		&s->cur->sub.h, s->sub_filter, s->sub_version, s->sub_type, &n);
	struct ofx_subrow *old =
		base ? ofx_subtab_rows(&base->sub.h, s->sub_filter,
				       s->sub_version, s->sub_type, &nb)
		     : NULL;
	int rc = 0;

	if (!cur || (base && !old)) {
		free(cur);
		free(old);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const struct ofx_subrow *x = &cur[i], *o = NULL;
		const char *tn = of_type_name(x->version, x->type);
		struct ofx_crow *r = row(t);
		char name[96];

		if (!r) {
			rc = -ENOMEM;
			break;
		}
		for (size_t j = 0; j < nb; j++)
			if (ofx_subrow_same(x, &old[j]))
				o = &old[j];
		r->version = x->version;
		r->type = x->type;
		of_subtype_name(x->version, x->type, x->kind, x->key, name,
				sizeof(name));
		text(r, 0, "%s", name);
		for (int d = 0; d < OFX_NDIRS; d++) {
			num(r, 1 + d, x->c[d].msgs);
			rate(r, 3 + d,
			     per_s(x->c[d].msgs, o ? o->c[d].msgs : 0, dt));
			num(r, 5 + d, x->c[d].bytes);
		}
		text(r, 7, "%s %s", of_version_name(x->version), tn ? tn : "?");
	}
	if (s->sub_filter) {
		const char *tn = of_type_name(s->sub_version, s->sub_type);

		snprintf(t->note, sizeof(t->note),
			 "subtypes of %s %s%s (a: all types, b: back)",
			 of_version_name(s->sub_version) ?: "?", tn ? tn : "?",
			 n ? "" : ": none counted");
	} else {
		snprintf(t->note, sizeof(t->note),
			 "subtypes of every type%s (Enter on a type in view 1: "
			 "its subtypes only)",
			 n ? "" : ": none counted");
	}
	free(cur);
	free(old);
	return rc;
}

/* The p99 of @w's PACKET_IN responses in the last 10 s (else its worst
 * p99 of any kind), from @lat. Return: whether there is one. */
static bool switch_p99(const struct ofx_lat_views *lat,
		       const struct ofx_switch_view *w, uint64_t *p99)
{
	const struct ofx_lat_view *lv =
		lat ? ofx_lat_views_find(lat, w->id) : NULL;
	const struct ofx_lat_entry *e;

	*p99 = 0;
	if (!lv)
		return false;
	e = &lv->e[OFX_LAT_10S][OFX_LAT_PACKET_IN][OFX_LAT_FROM_SWITCH];
	if (e->h.count) {
		*p99 = e->h.p99;
		return true;
	}
	return false;
}

static int build_switches(struct ofx_ctable *t, const struct ofx_csnap *s)
{
	const struct ofx_views *v = s->v;
	struct ofx_switch_counts *sc;
	unsigned int shown = 0;

	if (!v || !v->nsw) {
		snprintf(t->note, sizeof(t->note), "no switch seen yet");
		return 0;
	}
	sc = malloc(sizeof(*sc));
	if (!sc)
		return -ENOMEM;
	for (unsigned int i = 0; i < v->nsw; i++) {
		const struct ofx_switch_view *w = &v->sws[i];
		struct ofx_crow *r;
		uint64_t pin = 0, pin0 = 0, p99;
		bool have;

		if (!w->conns_total)
			continue;
		r = row(t);
		if (!r) {
			free(sc);
			return -ENOMEM;
		}
		ofx_switch_view_counts(w, sc);
		for (uint8_t ver = OFP_VERSION_MIN; ver <= OFP_VERSION_MAX;
		     ver++) {
			const char *n = of_type_name(ver, PACKET_IN);

			if (!n || strcmp(n, "OFPT_PACKET_IN"))
				continue;
			pin += sc->m.of[ver][PACKET_IN][OFX_DIR_IN].msgs;
			pin0 += sc->rate_base.of[ver][PACKET_IN][OFX_DIR_IN]
					.msgs;
		}
		text(r, 0, "%s%s%s", w->id, *w->name ? " " : "", w->name);
		text(r, 1, "%s %u/%u", w->conns_open ? "up" : "down",
		     w->conns_open, w->conns_total);
		r->key[1] = w->conns_open;
		rate(r, 2,
		     per_s(w->total[OFX_DIR_IN].msgs,
			   w->rate_total[OFX_DIR_IN].msgs, w->rate_dt));
		rate(r, 3,
		     per_s(w->total[OFX_DIR_OUT].msgs,
			   w->rate_total[OFX_DIR_OUT].msgs, w->rate_dt));
		rate(r, 4, per_s(pin, pin0, w->rate_dt));
		have = switch_p99(v->lat, w, &p99);
		nsval(r, 5, p99, have);
		num(r, 6, w->total[OFX_DIR_IN].msgs);
		num(r, 7, w->total[OFX_DIR_OUT].msgs);
		text(r, 8, "%s", w->address);
		shown++;
	}
	free(sc);
	snprintf(t->note, sizeof(t->note),
		 "%u switch%s; pin: PACKET_IN, p99 of its response over 10 s%s",
		 shown, shown == 1 ? "" : "es", v->lat ? "" : " (latency off)");
	return 0;
}

static int build_latency(struct ofx_ctable *t, const struct ofx_csnap *s)
{
	const struct ofx_lat_views *lat = s->v ? s->v->lat : NULL;
	uint64_t worst = 0;
	const char *slow = NULL;

	if (!lat) {
		snprintf(t->note, sizeof(t->note),
			 "latency figures: none yet%s",
			 s->v ? " (--no-latency?)" : "");
		return 0;
	}
	for (unsigned int k = 0; k < OFX_LAT_NKINDS; k++)
		for (unsigned int f = 0; f < OFX_LAT_NFROM; f++) {
			const struct ofx_lat_entry *e =
				&lat->global.e[OFX_LAT_10S][k][f];
			struct ofx_crow *r;
			bool have = e->h.count != 0;

			if (!ofx_lat_entry_used(e))
				continue;
			r = row(t);
			if (!r)
				return -ENOMEM;
			text(r, 0, "%s", ofx_lat_kind_name(k));
			text(r, 1, "%s", ofx_lat_from_name(f));
			num(r, 2, e->h.count);
			nsval(r, 3, e->h.p50, have);
			nsval(r, 4, e->h.p99, have);
			nsval(r, 5, e->h.max, have);
			num(r, 6, e->c.unreplied);
			num(r, 7, e->c.error_replies);
			num(r, 8, e->c.orphan_replies);
		}
	for (unsigned int i = 0; i < lat->nsw; i++)
		for (unsigned int k = 0; k < OFX_LAT_NKINDS; k++)
			for (unsigned int f = 0; f < OFX_LAT_NFROM; f++) {
				const struct ofx_lat_entry *e =
					&lat->sw[i].e[OFX_LAT_10S][k][f];

				if (e->h.count && e->h.p99 > worst) {
					worst = e->h.p99;
					slow = lat->sw_id[i];
				}
			}
	if (slow) {
		char b[16];

		snprintf(t->note, sizeof(t->note),
			 "slowest switch over 10 s: %s, worst p99 %s", slow,
			 ofx_fmt_ns(worst, b));
	} else if (!t->n) {
		snprintf(t->note, sizeof(t->note),
			 "no request/reply pair in the last 10 s");
	}
	return 0;
}

static int build_events(struct ofx_ctable *t, const struct ofx_csnap *s)
{
	const struct ofx_cevent *e;

	for (unsigned int i = 0; s->ev && (e = ofx_cevents_get(s->ev, i));
	     i++) {
		struct ofx_crow *r = row(t);
		time_t when = (time_t)((e->ts_ns + s->epoch_offset_ns) /
				       1000000000ull);
		struct tm tm;

		if (!r)
			return -ENOMEM;
		localtime_r(&when, &tm);
		strftime(r->cell[0], OFX_CROW_CELL, "%H:%M:%S", &tm);
		r->key[0] = (double)e->ts_ns + (double)e->seq * 1e-3;
		text(r, 1, "%s", e->text);
	}
	snprintf(t->note, sizeof(t->note),
		 "derived from the snapshots (no event stream yet): "
		 "connections, switches, loss");
	return 0;
}

/* The groups of the loss view, in their order on screen. */
static const char *const loss_groups[] = {"loss", "loss.kernel", "reassembly"};

static int build_loss(struct ofx_ctable *t, const struct ofx_csnap *s)
{
	const struct ofx_stats *base;
	double dt = snap_dt(s, &base);
	unsigned int nonzero = 0;

	for (size_t i = 0; i < 3 * ofx_ncounter_descs; i++) {
		const struct ofx_counter_desc *d =
			&ofx_counter_descs[i % ofx_ncounter_descs];
		uint64_t val, old;
		struct ofx_crow *r;

		if (strcmp(d->group, loss_groups[i / ofx_ncounter_descs]))
			continue;
		r = row(t);
		if (!r)
			return -ENOMEM;
		val = ofx_desc_value(d, s->cur);
		old = base ? ofx_desc_value(d, base) : 0;
		nonzero += val != 0;
		text(r, 0, "%s", d->name);
		text(r, 1, "%s", d->group);
		num(r, 2, val);
		if (d->kind == OFX_GAUGE)
			text(r, 3, "gauge");
		else
			rate(r, 3, per_s(val, old, dt));
		text(r, 4, "%s", d->help);
	}
	snprintf(t->note, sizeof(t->note),
		 "%u counters (loss, loss.kernel, reassembly), %u non-zero",
		 t->n, nonzero);
	return 0;
}

int ofx_ctable_build(struct ofx_ctable *t, unsigned int view,
		     const struct ofx_csnap *s)
{
	t->n = 0;
	t->note[0] = '\0';
	switch (view) {
	case OFX_CV_TYPES:
		t->cols = types_cols;
		t->ncols = sizeof(types_cols) / sizeof(types_cols[0]);
		return build_types(t, s);
	case OFX_CV_SUBTYPES:
		t->cols = subtypes_cols;
		t->ncols = sizeof(subtypes_cols) / sizeof(subtypes_cols[0]);
		return build_subtypes(t, s);
	case OFX_CV_SWITCHES:
		t->cols = switches_cols;
		t->ncols = sizeof(switches_cols) / sizeof(switches_cols[0]);
		return build_switches(t, s);
	case OFX_CV_LATENCY:
		t->cols = latency_cols;
		t->ncols = sizeof(latency_cols) / sizeof(latency_cols[0]);
		return build_latency(t, s);
	case OFX_CV_EVENTS:
		t->cols = events_cols;
		t->ncols = sizeof(events_cols) / sizeof(events_cols[0]);
		return build_events(t, s);
	default:
		t->cols = loss_cols;
		t->ncols = sizeof(loss_cols) / sizeof(loss_cols[0]);
		return build_loss(t, s);
	}
}

unsigned int ofx_ctable_default_sort(unsigned int view, bool *desc)
{
	*desc = view == OFX_CV_EVENTS;
	return 0;
}

/* What to sort by (qsort_r's argument). */
struct sort_by {
	unsigned int col;
	bool desc;
	const struct ofx_ccol *cols;
};

static int row_cmp(const void *a, const void *b, void *arg)
{
	const struct ofx_crow *x = a, *y = b;
	const struct sort_by *s = arg;
	unsigned int k = s->col;
	int c;

	if (k && s->cols[k].left)
		c = strcmp(x->cell[k], y->cell[k]);
	else
		c = x->key[k] < y->key[k] ? -1 : x->key[k] > y->key[k];
	if (s->desc)
		c = -c;
	if (!c) /* natural order */
		c = x->key[0] < y->key[0] ? -1 : x->key[0] > y->key[0];
	return c;
}

void ofx_ctable_sort(struct ofx_ctable *t, unsigned int col, bool desc)
{
	struct sort_by s = {.col = col, .desc = desc, .cols = t->cols};

	if (col >= t->ncols || t->n < 2)
		return;
	qsort_r(t->rows, t->n, sizeof(*t->rows), row_cmp, &s);
}

void ofx_ctable_free(struct ofx_ctable *t)
{
	free(t->rows);
	t->rows = NULL;
	t->n = t->cap = 0;
}
