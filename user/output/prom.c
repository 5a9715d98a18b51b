// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * prom.c - Prometheus text exposition (see prom.h). Names and labels
 * follow https://prometheus.io/docs/practices/naming/: the ofxdp_ prefix,
 * base units in names (_bytes, _seconds), _total on counters, one HELP
 * and TYPE line per family.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/descs.h"
#include "output/prom.h"

static const char *const dir_name[OFX_NDIRS] = {"in", "out"};

/* A label value: backslash, double quote and line feed escaped. */
static void put_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"') {
			fputc('\\', f);
			fputc(*s, f);
		} else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

/* HELP text: backslash and line feed escaped. */
static void put_help(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

/* The HELP and TYPE lines of family ofxdp_@name. */
static void family(FILE *f, const char *name, const char *type,
		   const char *help)
{
	fprintf(f, "# HELP ofxdp_%s ", name);
	put_help(f, help);
	fprintf(f, "\n# TYPE ofxdp_%s %s\n", name, type);
}

/* @ns as seconds, exactly: "0.000001", "16.777216", "3". */
static void put_seconds(FILE *f, uint64_t ns)
{
	char frac[16];
	int n;

	n = snprintf(frac, sizeof(frac), "%09" PRIu64,
		     (uint64_t)(ns % 1000000000u));
	while (n > 0 && frac[n - 1] == '0')
		frac[--n] = '\0';
	fprintf(f, "%" PRIu64 "%s%s", (uint64_t)(ns / 1000000000u),
		n ? "." : "", frac);
}

/* ---- the descriptor table ---- */

/* Every row of the descriptor table: a family per run of rows with the
 * same @prom. */
static void put_descs(FILE *f, const struct ofx_stats *st)
{
	for (size_t i = 0; i < ofx_ncounter_descs; i++) {
		const struct ofx_counter_desc *d = &ofx_counter_descs[i];
		const char *sfx = d->kind == OFX_COUNTER ? "_total" : "";
		char name[128];

		snprintf(name, sizeof(name), "%s%s", d->prom, sfx);
		if (!i || strcmp(ofx_counter_descs[i - 1].prom, d->prom))
			family(f, name,
			       d->kind == OFX_COUNTER ? "counter" : "gauge",
			       d->prom_help ? d->prom_help : d->help);
		fprintf(f, "ofxdp_%s", name);
		if (d->prom_labels)
			fprintf(f, "{%s}", d->prom_labels);
		fprintf(f, " %" PRIu64 "\n", ofx_desc_value(d, st));
	}
}

/* ---- messages per version x direction x type ---- */

/* The samples of @m (messages, or bytes when @bytes) with the labels
 * @pre (e.g. 'datapath_id="0x1",', may be "") before version, direction
 * and type; invalid types as type="invalid". */
static void put_msgcounts(FILE *f, const char *metric, const char *pre,
			  const struct ofx_msgcounts *m, bool bytes)
{
	for (uint8_t v = OFP_VERSION_MIN; v <= OFP_VERSION_MAX; v++) {
		const char *vn = of_version_name(v);

		if (!vn || !ofx_msgcounts_version_seen(m, v))
			continue;
		for (int d = 0; d < OFX_NDIRS; d++) {
			for (int t = 0; t <= OFX_NTYPES; t++) {
				const struct ofx_count *c =
					t < OFX_NTYPES ? &m->of[v][t][d]
						       : &m->invalid[v][d];
				const char *tn =
					t < OFX_NTYPES
						? of_type_name(v, (uint8_t)t)
						: "invalid";

				if (!tn || !c->msgs)
					continue;
				fprintf(f,
					"ofxdp_%s{%sversion=\"%s\",direction="
					"\"%s\",type=\"%s\"} %" PRIu64 "\n",
					metric, pre, vn, dir_name[d], tn,
					bytes ? c->bytes : c->msgs);
			}
		}
	}
}

/* ---- subtypes ---- */

/* One subtype: the entries of a table summed over their details. */
struct sub_sum {
	uint32_t id; /* struct ofx_subcount.id */
	uint64_t key;
	struct ofx_count c;
};

static int sub_cmp(const void *a, const void *b)
{
	const struct sub_sum *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return 0;
}

/* The subtype families of @t. Return: 0, or -1 on ENOMEM. */
static int put_subtypes(FILE *f, const struct ofx_subtab *t)
{
	const struct ofx_subcount *e = ofx_subtab_centries(t);
	struct sub_sum *s = malloc((t->n + 1) * sizeof(*s));
	size_t n = 0, m = 0;
	char name[96];

	if (!s)
		return -1;
	for (uint32_t i = 0; i < t->cap && n < t->n; i++)
		if (e[i].id && ofx_subcount_kind(&e[i]))
			s[n++] = (struct sub_sum){e[i].id, e[i].key, e[i].c};
	qsort(s, n, sizeof(*s), sub_cmp);
	for (size_t i = 0; i < n; i++) {
		if (m && !sub_cmp(&s[m - 1], &s[i])) {
			s[m - 1].c.msgs += s[i].c.msgs;
			s[m - 1].c.bytes += s[i].c.bytes;
		} else {
			s[m++] = s[i];
		}
	}
	for (int bytes = 0; bytes < 2; bytes++) {
		family(f,
		       bytes ? "subtype_message_bytes_total"
			     : "subtype_messages_total",
		       "counter",
		       bytes ? "bytes of OpenFlow messages by version, "
			       "direction, type and subtype (multipart type, "
			       "error type and code, reason, command, ...)"
			     : "OpenFlow messages by version, direction, type "
			       "and subtype (multipart type, error type and "
			       "code, reason, command, ...)");
		for (size_t i = 0; i < m; i++) {
			struct ofx_subcount x = {.id = s[i].id};
			uint8_t v = ofx_subcount_version(&x);
			uint8_t ty = ofx_subcount_type(&x);
			uint8_t d = ofx_subcount_dir(&x);
			const char *vn = of_version_name(v);
			const char *tn = of_type_name(v, ty);

			if (!vn || !tn || d >= OFX_NDIRS)
				continue;
			of_subtype_name(v, ty, ofx_subcount_kind(&x), s[i].key,
					name, sizeof(name));
			fprintf(f,
				"ofxdp_%s{version=\"%s\",direction=\"%s\","
				"type=\"%s\",subtype=\"",
				bytes ? "subtype_message_bytes_total"
				      : "subtype_messages_total",
				vn, dir_name[d], tn);
			put_value(f, name);
			fprintf(f, "\"} %" PRIu64 "\n",
				bytes ? s[i].c.bytes : s[i].c.msgs);
		}
	}
	free(s);
	return 0;
}

/* ---- switches ---- */

/* 'datapath_id="ID",' for @id into @buf (escaped). */
static void switch_label(const char *id, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "datapath_id=\"");

	for (; *id && n + 4 < len; id++) {
		if (*id == '\\' || *id == '"' || *id == '\n')
			buf[n++] = '\\';
		buf[n++] = *id == '\n' ? 'n' : *id;
	}
	snprintf(buf + n, len - n, "\",");
}

/* Order of switch records by first sight, then id: which ones get series
 * of their own must not depend on where the records sit in the array
 * (a record re-keyed to its datapath_id moves another in its place). */
static const struct ofx_views *sort_views;

static int by_first_seen(const void *a, const void *b)
{
	const struct ofx_switch_view *x =
		&sort_views->sws[*(const unsigned *)a];
	const struct ofx_switch_view *y =
		&sort_views->sws[*(const unsigned *)b];

	if (x->first_ns != y->first_ns)
		return x->first_ns < y->first_ns ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* @own[i]: switch record i has series of its own (the first @max seen of
 * those with connections). Return: 0, or -1 on ENOMEM. The sort runs
 * under the caller's REST thread; the static is guarded by @lock. */
static int own_switches(const struct ofx_views *v, unsigned int max, bool *own)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	unsigned int *idx = malloc((v->nsw ? v->nsw : 1) * sizeof(*idx));
	unsigned int n = 0;

	if (!idx)
		return -1;
	for (unsigned int i = 0; i < v->nsw; i++) {
		own[i] = false;
		if (v->sws[i].conns_total)
			idx[n++] = i;
	}
	pthread_mutex_lock(&lock);
	sort_views = v;
	qsort(idx, n, sizeof(*idx), by_first_seen);
	pthread_mutex_unlock(&lock);
	for (unsigned int k = 0; k < n && k < max; k++)
		own[idx[k]] = true;
	free(idx);
	return 0;
}

/* The per-switch families of @v: the first @max switches seen of their
 * own, the others summed as "other". Return: 0, or -1 on ENOMEM. */
static int put_switches(FILE *f, const struct ofx_views *v, unsigned int max)
{
	struct ofx_switch_counts *sc = malloc(sizeof(*sc));
	struct ofx_msgcounts *other = calloc(1, sizeof(*other));
	bool *own = malloc((v->nsw ? v->nsw : 1) * sizeof(*own));
	unsigned int nother = 0, open_other = 0;
	char lbl[160];

	if (!sc || !other || !own || own_switches(v, max, own)) {
		free(sc);
		free(other);
		free(own);
		return -1;
	}
	family(f, "switch_messages_total", "counter",
	       "OpenFlow messages of a switch by version, direction and type "
	       "(datapath_id \"other\": the switches beyond "
	       "--metrics-max-switches)");
	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			family(f, "switch_message_bytes_total", "counter",
			       "bytes of the OpenFlow messages of a switch by "
			       "version, direction and type");
		for (unsigned int i = 0; i < v->nsw; i++) {
			const struct ofx_switch_view *w = &v->sws[i];

			if (!w->conns_total)
				continue; /* moved to its datapath_id's record */
			ofx_switch_view_counts(w, sc);
			if (!own[i]) {
				if (!pass)
					ofx_msgcounts_merge(other, &sc->m);
				continue;
			}
			switch_label(w->id, lbl, sizeof(lbl));
			put_msgcounts(f,
				      pass ? "switch_message_bytes_total"
					   : "switch_messages_total",
				      lbl, &sc->m, pass);
		}
		put_msgcounts(f,
			      pass ? "switch_message_bytes_total"
				   : "switch_messages_total",
			      "datapath_id=\"other\",", other, pass);
	}
	family(f, "switch_connections", "gauge",
	       "open connections of a switch");
	for (unsigned int i = 0; i < v->nsw; i++) {
		const struct ofx_switch_view *w = &v->sws[i];

		if (!w->conns_total)
			continue;
		if (!own[i]) {
			nother++;
			open_other += w->conns_open;
			continue;
		}
		switch_label(w->id, lbl, sizeof(lbl));
		lbl[strlen(lbl) - 1] = '\0'; /* the trailing comma */
		fprintf(f, "ofxdp_switch_connections{%s} %u\n", lbl,
			w->conns_open);
	}
	if (nother)
		fprintf(f,
			"ofxdp_switch_connections{datapath_id=\"other\"} "
			"%u\n",
			open_other);
	family(f, "switch_info", "gauge",
	       "1 for each switch with series of its own, with its name "
	       "(--switch-names)");
	for (unsigned int i = 0; i < v->nsw; i++) {
		const struct ofx_switch_view *w = &v->sws[i];

		if (!own[i])
			continue;
		switch_label(w->id, lbl, sizeof(lbl));
		fprintf(f, "ofxdp_switch_info{%sname=\"", lbl);
		put_value(f, w->name);
		fprintf(f, "\"} 1\n");
	}
	family(f, "metrics_other_switches", "gauge",
	       "switches summed into datapath_id=\"other\" (beyond "
	       "--metrics-max-switches)");
	fprintf(f, "ofxdp_metrics_other_switches %u\n", nother);
	free(sc);
	free(other);
	free(own);
	return 0;
}

/* ---- latency ---- */

static void put_latency(FILE *f, const struct ofx_lat_views *lat)
{
	static const struct {
		const char *name;
		const char *help;
		size_t off;
	} outcomes[] = {
		{"requests_unreplied_total",
		 "requests not answered within the latency window, by kind "
		 "and requester",
		 offsetof(struct ofx_lat_counts, unreplied)},
		{"requests_error_replied_total",
		 "requests answered by an OFPT_ERROR, by kind and requester",
		 offsetof(struct ofx_lat_counts, error_replies)},
		{"orphan_replies_total",
		 "replies that matched no pending request, by kind and "
		 "requester of the request",
		 offsetof(struct ofx_lat_counts, orphan_replies)},
	};

	family(f, "response_seconds", "histogram",
	       "time from a request to its reply as captured, since start, "
	       "by kind and requester (from); le bounds are exact bucket "
	       "bounds of the histograms");
	for (unsigned int k = 0; k < OFX_LAT_NKINDS; k++) {
		for (unsigned int fr = 0; fr < OFX_LAT_NFROM; fr++) {
			const struct ofx_lat_buckets *b = &lat->buckets[k][fr];
			const char *kn = ofx_lat_kind_name(k);
			const char *fn = ofx_lat_from_name(fr);

			if (!ofx_lat_entry_used(
				    &lat->global.e[OFX_LAT_ALL][k][fr]))
				continue;
			for (unsigned int i = 0; i < OFX_LAT_NBOUNDS; i++) {
				fprintf(f,
					"ofxdp_response_seconds_bucket{kind="
					"\"%s\",from=\"%s\",le=\"",
					kn, fn);
				put_seconds(f, ofx_lat_bound_ns(i));
				fprintf(f, "\"} %" PRIu64 "\n", b->below[i]);
			}
			fprintf(f,
				"ofxdp_response_seconds_bucket{kind=\"%s\","
				"from=\"%s\",le=\"+Inf\"} %" PRIu64 "\n",
				kn, fn, b->count);
			fprintf(f,
				"ofxdp_response_seconds_sum{kind=\"%s\","
				"from=\"%s\"} ",
				kn, fn);
			put_seconds(f, b->sum_ns);
			fprintf(f,
				"\nofxdp_response_seconds_count{kind=\"%s\","
				"from=\"%s\"} %" PRIu64 "\n",
				kn, fn, b->count);
		}
	}
	for (size_t o = 0; o < sizeof(outcomes) / sizeof(outcomes[0]); o++) {
		family(f, outcomes[o].name, "counter", outcomes[o].help);
		for (unsigned int k = 0; k < OFX_LAT_NKINDS; k++) {
			for (unsigned int fr = 0; fr < OFX_LAT_NFROM; fr++) {
				const struct ofx_lat_entry *e =
					&lat->global.e[OFX_LAT_ALL][k][fr];

				if (!ofx_lat_entry_used(e))
					continue;
				fprintf(f,
					"ofxdp_%s{kind=\"%s\",from=\"%s\"} "
					"%" PRIu64 "\n",
					outcomes[o].name, ofx_lat_kind_name(k),
					ofx_lat_from_name(fr),
					*(const uint64_t *)((const char *)&e
								    ->c +
							    outcomes[o].off));
			}
		}
	}
}

/* ---- the document ---- */

char *ofx_prom_render(const struct ofx_stats *st, const struct ofx_views *v,
		      const struct ofx_run_info *info,
		      unsigned int max_switches, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	int bad = 0;

	if (!f)
		return NULL;
	family(f, "build_info", "gauge",
	       "1, labelled with the version of ofxdp that serves");
	fprintf(f, "ofxdp_build_info{version=\"");
	put_value(f, info && info->version ? info->version : "unknown");
	fprintf(f, "\"} 1\n");
	if (info) {
		family(f, "start_time_seconds", "gauge",
		       "when monitoring started, seconds since the epoch");
		fprintf(f, "ofxdp_start_time_seconds ");
		put_seconds(f, info->start_ns + info->epoch_offset_ns);
		fputc('\n', f);
	}

	family(f, "messages_total", "counter",
	       "OpenFlow messages by version, direction (in: sent by the "
	       "switch side) and type (\"invalid\": not a type of its "
	       "version)");
	put_msgcounts(f, "messages_total", "", &st->msgs, false);
	family(f, "message_bytes_total", "counter",
	       "bytes of OpenFlow messages (their length fields) by version, "
	       "direction and type");
	put_msgcounts(f, "message_bytes_total", "", &st->msgs, true);
	bad |= put_subtypes(f, &st->sub.h);

	family(f, "tcp_segments_total", "counter",
	       "TCP segments with payload on the OpenFlow ports, by "
	       "direction");
	for (int d = 0; d < OFX_NDIRS; d++)
		fprintf(f,
			"ofxdp_tcp_segments_total{direction=\"%s\"} %" PRIu64
			"\n",
			dir_name[d], st->of.tcp[d].msgs);
	family(f, "tcp_payload_bytes_total", "counter",
	       "TCP payload bytes on the OpenFlow ports, by direction");
	for (int d = 0; d < OFX_NDIRS; d++)
		fprintf(f,
			"ofxdp_tcp_payload_bytes_total{direction=\"%s\"} "
			"%" PRIu64 "\n",
			dir_name[d], st->of.tcp[d].bytes);

	put_descs(f, st);
	if (v)
		bad |= put_switches(f, v, max_switches);
	if (v && v->lat)
		put_latency(f, v->lat);
	bad |= ferror(f) ? -1 : 0;
	if (fclose(f) || bad || !buf) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}
