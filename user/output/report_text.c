// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * report_text.c - counters as the live console (80 columns, a given number
 * of rows) and as the plain-text report of `ofxdp read`.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/descs.h"
#include "output/console_rows.h"
#include "output/report.h"

#define WIDTH 80

static const char *const dir_name[OFX_NDIRS] = {"in", "out"};

/* One subtype row: in and out of one (version, type, kind, key). */
static double per_s(uint64_t now, uint64_t then, double dt)
{
	if (dt <= 0.0 || now <= then)
		return 0.0;
	return (double)(now - then) / dt;
}

/* Printing within a row budget: rows left (UINT32_MAX: no limit). */
struct out {
	FILE *f;
	unsigned int left;
	unsigned int cut; /* rows not printed */
};

static void line(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void line(struct out *o, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (!o->left) {
		o->cut++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (o->left != UINT32_MAX) {
		buf[WIDTH] = '\0';
		o->left--;
	}
	fprintf(o->f, "%s\n", buf);
}

static void print_header(struct out *o, const struct ofx_run_info *info,
			 const char *uptime)
{
	const char *hooks = info && info->hooks ? info->hooks : "";

	line(o, "ofxdp  mode %s%s%s%s  if %s  ports %s%s%s",
	     info && info->mode ? info->mode : "?", *hooks ? " [" : "", hooks,
	     *hooks ? "]" : "", info && info->ifname ? info->ifname : "?",
	     info && info->ports ? info->ports : "?", uptime ? "  up " : "",
	     uptime ? uptime : "");
}

/* The per-type tables (rates when @dt > 0 on a console, else bytes). */
static void print_versions(struct out *o, const struct ofx_stats *cur,
			   const struct ofx_stats *base, double dt,
			   bool console)
{
	size_t nsub = 0, si = 0;
	struct ofx_subrow *sub =
		ofx_subtab_rows(&cur->sub.h, false, 0, 0, &nsub);

	for (uint8_t v = OFP_VERSION_MIN; v <= OFP_VERSION_MAX; v++) {
		if (!ofx_msgcounts_version_seen(&cur->msgs, v))
			continue;
		if (console)
			line(o, "%-38s %10s %10s %9s %9s",
			     of_version_name(v) ? "OpenFlow" : "", "in msgs",
			     "out msgs", "in/s", "out/s");
		else
			line(o, "\nOpenFlow %-35s %11s %14s %11s %14s",
			     of_version_name(v), "in msgs", "in bytes",
			     "out msgs", "out bytes");
		for (int t = 0; t <= OFX_NTYPES; t++) {
			const struct ofx_count *in, *out;
			const char *name;
			char label[40];

			if (t < OFX_NTYPES) {
				name = of_type_name(v, (uint8_t)t);
				if (!name)
					continue;
				in = &cur->msgs.of[v][t][OFX_DIR_IN];
				out = &cur->msgs.of[v][t][OFX_DIR_OUT];
			} else {
				name = "(invalid type)";
				in = &cur->msgs.invalid[v][OFX_DIR_IN];
				out = &cur->msgs.invalid[v][OFX_DIR_OUT];
			}
			if (!in->msgs && !out->msgs)
				continue;
			snprintf(label, sizeof(label), "%s %s",
				 of_version_name(v), name);
			if (console) {
				uint64_t bi = 0, bo = 0;

				if (base && t < OFX_NTYPES) {
					bi = base->msgs.of[v][t][0].msgs;
					bo = base->msgs.of[v][t][1].msgs;
				} else if (base) {
					bi = base->msgs.invalid[v][0].msgs;
					bo = base->msgs.invalid[v][1].msgs;
				}
				line(o,
				     "%-38.38s %10" PRIu64 " %10" PRIu64
				     " %9.1f %9.1f",
				     label, in->msgs, out->msgs,
				     per_s(in->msgs, bi, dt),
				     per_s(out->msgs, bo, dt));
			} else {
				line(o,
				     "%-44s %11" PRIu64 " %14" PRIu64
				     " %11" PRIu64 " %14" PRIu64,
				     name, in->msgs, in->bytes, out->msgs,
				     out->bytes);
			}
			/* Its subtypes, busiest first. */
			while (si < nsub &&
			       (sub[si].version < v ||
				(sub[si].version == v && sub[si].type < t)))
				si++;
			for (; si < nsub && sub[si].version == v &&
			       sub[si].type == t;
			     si++) {
				char sname[96];

				of_subtype_name(v, (uint8_t)t, sub[si].kind,
						sub[si].key, sname,
						sizeof(sname));
				snprintf(label, sizeof(label), "  %s", sname);
				if (console)
					line(o,
					     "%-38.38s %10" PRIu64
					     " %10" PRIu64,
					     label, sub[si].c[0].msgs,
					     sub[si].c[1].msgs);
				else
					line(o,
					     "%-44s %11" PRIu64 " %14" PRIu64
					     " %11" PRIu64 " %14" PRIu64,
					     label, sub[si].c[0].msgs,
					     sub[si].c[0].bytes,
					     sub[si].c[1].msgs,
					     sub[si].c[1].bytes);
			}
		}
	}
	free(sub);
}

static void print_switches(struct out *o, const struct ofx_views *v,
			   bool console)
{
	unsigned int shown = 0, n = 0;

	for (unsigned int i = 0; v && i < v->nsw; i++)
		n += v->sws[i].conns_total != 0;
	if (!n)
		return;
	line(o, "%s%-24s %5s %11s %11s %10s %10s", console ? "" : "\n",
	     "switch", "conns", "in msgs", "out msgs", "in/s", "out/s");
	for (unsigned int i = 0; i < v->nsw; i++) {
		const struct ofx_switch_view *w = &v->sws[i];
		char label[96];

		if (!w->conns_total)
			continue;
		if (console && shown == 4) {
			line(o, "  ... %u more switches (/api/v1/switches)",
			     n - shown);
			break;
		}
		snprintf(label, sizeof(label), "%s%s%s", w->id,
			 *w->name ? " " : "", w->name);
		line(o,
		     "%-24.24s %2u/%-2u %11" PRIu64 " %11" PRIu64
		     " %10.1f %10.1f",
		     label, w->conns_open, w->conns_total,
		     w->total[OFX_DIR_IN].msgs, w->total[OFX_DIR_OUT].msgs,
		     per_s(w->total[OFX_DIR_IN].msgs,
			   w->rate_total[OFX_DIR_IN].msgs, w->rate_dt),
		     per_s(w->total[OFX_DIR_OUT].msgs,
			   w->rate_total[OFX_DIR_OUT].msgs, w->rate_dt));
		shown++;
	}
}

/* Kinds x requesters of @lv in @window that have figures. */
static unsigned int lat_rows(const struct ofx_lat_view *lv, unsigned int window)
{
	unsigned int n = 0;

	for (unsigned int k = 0; lv && k < OFX_LAT_NKINDS; k++)
		for (unsigned int f = 0; f < OFX_LAT_NFROM; f++)
			n += ofx_lat_entry_used(&lv->e[window][k][f]);
	return n;
}

/* The switch whose worst p99 in @window is the largest, after @after
 * (UINT64_MAX: none yet) and below it; its index or -1. */
static int slowest_after(const struct ofx_lat_views *lat, unsigned int window,
			 uint64_t after, uint64_t *p99)
{
	int best = -1;

	*p99 = 0;
	for (unsigned int i = 0; i < lat->nsw; i++) {
		uint64_t w = 0;

		for (unsigned int k = 0; k < OFX_LAT_NKINDS; k++)
			for (unsigned int f = 0; f < OFX_LAT_NFROM; f++) {
				const struct ofx_lat_entry *e =
					&lat->sw[i].e[window][k][f];

				if (e->h.count && e->h.p99 > w)
					w = e->h.p99;
			}
		if (w && w < after && w > *p99) {
			*p99 = w;
			best = (int)i;
		}
	}
	return best;
}

/*
 * The latency table of @v in @window (console: the last 10 s; a file:
 * all): kind, requester, pairs, p50, p99, max, unreplied; then the
 * switches with the largest p99.
 */
static void print_latency(struct out *o, const struct ofx_views *v,
			  unsigned int window, bool console)
{
	const struct ofx_lat_views *lat = v ? v->lat : NULL;
	char a[16], b[16], c[16];
	uint64_t p99 = UINT64_MAX;

	if (!lat || !lat_rows(&lat->global, window))
		return;
	line(o, "%slatency%-11s %-10s %9s %9s %9s %9s %9s", console ? "" : "\n",
	     console ? " (10s)" : "", "from", "pairs", "p50", "p99", "max",
	     "unreplied");
	for (unsigned int k = 0; k < OFX_LAT_NKINDS; k++)
		for (unsigned int f = 0; f < OFX_LAT_NFROM; f++) {
			const struct ofx_lat_entry *e =
				&lat->global.e[window][k][f];

			if (!ofx_lat_entry_used(e))
				continue;
			line(o,
			     "%-18s %-10s %9" PRIu64 " %9s %9s %9s %9" PRIu64,
			     ofx_lat_kind_name(k), ofx_lat_from_name(f),
			     e->h.count,
			     e->h.count ? ofx_fmt_ns(e->h.p50, a) : "-",
			     e->h.count ? ofx_fmt_ns(e->h.p99, b) : "-",
			     e->h.count ? ofx_fmt_ns(e->h.max, c) : "-",
			     e->c.unreplied);
		}
	for (int n = 0; lat->nsw > 1 && n < 3; n++) {
		int i = slowest_after(lat, window, p99, &p99);

		if (i < 0)
			break;
		line(o, "  %s %-24.24s worst p99 %s",
		     n ? "        " : "slowest", lat->sw_id[i],
		     ofx_fmt_ns(p99, a));
	}
}

/* Non-zero descriptor-table counters of @group, packed into lines. */
static void print_group(struct out *o, const struct ofx_stats *st,
			const char *group, const char *label, bool all)
{
	char buf[512];
	size_t len = (size_t)snprintf(buf, sizeof(buf), "%s:", label);
	bool any = false;

	for (size_t i = 0; i < ofx_ncounter_descs; i++) {
		const struct ofx_counter_desc *d = &ofx_counter_descs[i];
		uint64_t val = ofx_desc_value(d, st);
		char item[96];
		int n;

		if (strcmp(d->group, group) || (!val && !all))
			continue;
		n = snprintf(item, sizeof(item), " %s %" PRIu64, d->name, val);
		if (len + (size_t)n > WIDTH) {
			line(o, "%s", buf);
			len = (size_t)snprintf(buf, sizeof(buf), " ");
		}
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s",
					item);
		any = true;
	}
	if (any)
		line(o, "%s", buf);
}

static void print_totals(struct out *o, const struct ofx_stats *cur,
			 const struct ofx_stats *base, double dt, bool rates)
{
	if (rates)
		line(o, "%-12s %12s %14s %12s %14s", "", "msgs/segs", "bytes",
		     "per s", "bytes/s");
	else
		line(o, "%-12s %12s %14s", "", "msgs/segs", "bytes");
	for (int k = 0; k < 2; k++) {
		for (int d = 0; d < OFX_NDIRS; d++) {
			const struct ofx_count *c =
				k ? &cur->of.tcp[d] : &cur->msgs.total[d];
			const struct ofx_count *b = !base ? NULL
						    : k	  ? &base->of.tcp[d]
							: &base->msgs.total[d];
			char label[16];

			snprintf(label, sizeof(label), "%s %s",
				 k ? "TCP" : "OF", dir_name[d]);
			if (rates)
				line(o,
				     "%-12s %12" PRIu64 " %14" PRIu64
				     " %12.1f %14.1f",
				     label, c->msgs, c->bytes,
				     per_s(c->msgs, b ? b->msgs : 0, dt),
				     per_s(c->bytes, b ? b->bytes : 0, dt));
			else
				line(o, "%-12s %12" PRIu64 " %14" PRIu64, label,
				     c->msgs, c->bytes);
		}
	}
}

void ofx_console_print(FILE *f, const struct ofx_stats *cur,
		       const struct ofx_stats *prev, const struct ofx_views *v,
		       const struct ofx_run_info *info, int clear,
		       unsigned int rows)
{
	const struct ofx_stats *base = NULL;
	uint64_t start = info ? info->start_ns : 0, s;
	double dt = 0.0;
	char up[32];
	struct out o = {.f = f, .left = rows ? rows - 1 : UINT32_MAX};
	struct out tail = o;

	if (prev && prev->ts_ns && cur->ts_ns > prev->ts_ns) {
		base = prev;
		dt = (double)(cur->ts_ns - prev->ts_ns) / 1e9;
	} else if (cur->ts_ns > start) {
		dt = (double)(cur->ts_ns - start) / 1e9;
	}
	if (clear)
		fputs("\033[H\033[2J", f);
	s = (cur->ts_ns > start ? cur->ts_ns - start : 0) / 1000000000ull;
	snprintf(up, sizeof(up), "%" PRIu64 ":%02u:%02u", s / 3600,
		 (unsigned int)(s / 60 % 60), (unsigned int)(s % 60));
	print_header(&o, info, up);
	print_totals(&o, cur, base, dt, true);
	/* Loss and switches are kept on screen: reserve their rows. */
	tail.left = 0;
	if (o.left != UINT32_MAX) {
		unsigned int nsw = 0, reserve;

		for (unsigned int i = 0; v && i < v->nsw; i++)
			nsw += v->sws[i].conns_total != 0;
		unsigned int nlat =
			v && v->lat ? lat_rows(&v->lat->global, OFX_LAT_10S)
				    : 0;

		reserve = 4 + (nsw ? 1 + (nsw > 4 ? 5 : nsw) : 0) +
			  (nlat ? 1 + nlat +
					   (v->lat->nsw > 1
						    ? (v->lat->nsw > 3
							       ? 3
							       : v->lat->nsw)
						    : 0)
				: 0);
		if (o.left > reserve) {
			tail.left = reserve;
			o.left -= reserve;
		} else {
			tail.left = o.left;
			o.left = 0;
		}
	}
	print_versions(&o, cur, base, dt, true);
	if (o.cut)
		line(&tail, "  ... %u more rows (ofxdp read / /api/v1/stats)",
		     o.cut);
	if (rows == 0)
		tail.left = UINT32_MAX;
	print_switches(&tail, v, true);
	print_latency(&tail, v, OFX_LAT_10S, true);
	print_group(&tail, cur, "loss", "loss", false);
	print_group(&tail, cur, "loss.kernel", "kernel", false);
	print_group(&tail, cur, "reassembly", "reassembly", false);
	print_group(&tail, cur, "protocols", "protocols", false);
	fflush(f);
}

void ofx_text_report(FILE *f, const struct ofx_stats *st,
		     const struct ofx_views *v, const struct ofx_run_info *info)
{
	struct out o = {.f = f, .left = UINT32_MAX};

	print_header(&o, info, NULL);
	line(&o, "%s", "");
	print_totals(&o, st, NULL, 0.0, false);
	print_versions(&o, st, NULL, 0.0, false);
	print_switches(&o, v, false);
	print_latency(&o, v, OFX_LAT_ALL, false);
	line(&o, "%s", "");
	print_group(&o, st, "loss", "loss", false);
	print_group(&o, st, "loss.kernel", "kernel", false);
	print_group(&o, st, "reassembly", "reassembly", true);
	print_group(&o, st, "protocols", "protocols", false);
	print_group(&o, st, "switches", "switches", false);
	fflush(f);
}
