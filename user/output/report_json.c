// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * report_json.c - counters and views as JSON (jansson): oftraf's exact
 * shapes for the NSTAT-compatible REST paths, and ofxdp's documents:
 * /api/v1/stats (also `read --json`), connections and switches.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "analysis/descs.h"
#include "analysis/names.h"
#include "output/report.h"

static const char *const dir_name[OFX_NDIRS] = {"in", "out"};

/* JSON integer from a counter (json_int_t is signed 64-bit; clamp). */
static json_t *jint(uint64_t v)
{
	if (v > (uint64_t)INT64_MAX)
		v = (uint64_t)INT64_MAX;
	return json_integer((json_int_t)v);
}

/* Adds @key: @val to @obj, taking the reference; counts failures in @bad. */
static void put(json_t *obj, const char *key, json_t *val, int *bad)
{
	if (!val || json_object_set_new(obj, key, val))
		*bad = 1;
}

static void append(json_t *arr, json_t *val, int *bad)
{
	if (!val || json_array_append_new(arr, val))
		*bad = 1;
}

/* @o, or NULL (and @o freed) if anything failed while building it. */
static json_t *done(json_t *o, int bad)
{
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *jstr_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

/* Rounded to 0.001 so documents stay short and stable. */
static json_t *jreal(double v)
{
	if (v >= 0.0 && v < 1e15)
		v = (double)(int64_t)(v * 1000.0 + 0.5) / 1000.0;
	return json_real(v);
}

/* [msgs, bytes] as oftraf encodes a counter. */
static json_t *jpair(const struct ofx_count *c)
{
	json_t *a = json_array();
	int bad = !a;

	if (a) {
		append(a, jint(c->msgs), &bad);
		append(a, jint(c->bytes), &bad);
	}
	return done(a, bad);
}

/* {"msgs": n, "bytes": b} */
static json_t *jcount(const struct ofx_count *c)
{
	json_t *o = json_object();
	int bad = !o;

	if (o) {
		put(o, "msgs", jint(c->msgs), &bad);
		put(o, "bytes", jint(c->bytes), &bad);
	}
	return done(o, bad);
}

json_t *ofx_json_of_counts(const struct ofx_stats *st)
{
	json_t *o = json_object();
	int bad = !o;

	if (!o)
		return NULL;
	/* Insertion order is kept by jansson (>= 2.8) and oftraf's order. */
	put(o, "OF_in_counts", jpair(&st->msgs.total[OFX_DIR_IN]), &bad);
	put(o, "OF_out_counts", jpair(&st->msgs.total[OFX_DIR_OUT]), &bad);
	put(o, "TCP_OF_in_counts", jpair(&st->of.tcp[OFX_DIR_IN]), &bad);
	put(o, "TCP_OF_out_counts", jpair(&st->of.tcp[OFX_DIR_OUT]), &bad);
	return done(o, bad);
}

/* {"OFPT_X": [m, b], ...} for the types of @version seen in @dir. */
static json_t *version_dir_counts(const struct ofx_stats *st, uint8_t version,
				  int dir)
{
	json_t *o = json_object();
	int max = of_max_type(version);
	int bad = !o;

	for (int t = 0; o && t <= max && t < OFX_NTYPES; t++) {
		const struct ofx_count *c = &st->msgs.of[version][t][dir];
		const char *name = of_type_name(version, (uint8_t)t);

		if (!name || !c->msgs)
			continue;
		put(o, name, jpair(c), &bad);
	}
	return done(o, bad);
}

json_t *ofx_json_version_counts(const struct ofx_stats *st, uint8_t version)
{
	const char *tag = of_version_tag(version);
	char key[32];
	json_t *o;
	int bad;

	/* Unknown version: there is no such path (NULL, not ENOMEM). */
	if (!tag || version >= OFX_NVERSIONS)
		return NULL;
	o = json_object();
	bad = !o;
	if (!o)
		return NULL;
	snprintf(key, sizeof(key), "OF%s_in_counts", tag);
	put(o, key, version_dir_counts(st, version, OFX_DIR_IN), &bad);
	snprintf(key, sizeof(key), "OF%s_out_counts", tag);
	put(o, key, version_dir_counts(st, version, OFX_DIR_OUT), &bad);
	return done(o, bad);
}

/* (now - then) / dt per second; counters never go backwards, clamp at 0. */
static double per_s(uint64_t now, uint64_t then, double dt)
{
	if (dt <= 0.0 || now <= then)
		return 0.0;
	return (double)(now - then) / dt;
}

/*
 * The interval rates are computed over: capture time for a file; [prev,
 * cur] when prev is a real earlier snapshot; else [start, cur] from zero.
 * *@base is the snapshot to subtract (NULL: zero). Returns seconds, 0 when
 * the interval is empty.
 */
static double rate_interval(const struct ofx_stats *cur,
			    const struct ofx_stats *prev,
			    const struct ofx_run_info *info,
			    const struct ofx_stats **base)
{
	uint64_t start = info ? info->start_ns : 0;

	*base = NULL;
	if (info && info->file)
		return cur->last_seg_ns > cur->first_seg_ns
			       ? (double)(cur->last_seg_ns -
					  cur->first_seg_ns) /
					 1e9
			       : 0.0;
	if (prev && prev->ts_ns && cur->ts_ns > prev->ts_ns) {
		*base = prev;
		return (double)(cur->ts_ns - prev->ts_ns) / 1e9;
	}
	if (cur->ts_ns > start)
		return (double)(cur->ts_ns - start) / 1e9;
	return 0.0;
}

/* {"msgs","bytes","msgs_per_s","bytes_per_s"} of one counter. */
static json_t *count_rate(const struct ofx_count *c, const struct ofx_count *b,
			  double dt)
{
	static const struct ofx_count zero;
	json_t *o = jcount(c);
	int bad = !o;

	if (!o)
		return NULL;
	if (!b)
		b = &zero;
	put(o, "msgs_per_s", jreal(per_s(c->msgs, b->msgs, dt)), &bad);
	put(o, "bytes_per_s", jreal(per_s(c->bytes, b->bytes, dt)), &bad);
	return done(o, bad);
}

/* Add @c into the {"msgs","bytes"} member @key of @obj (created at 0). */
static void add_count(json_t *obj, const char *key, const struct ofx_count *c,
		      int *bad)
{
	json_t *e = json_object_get(obj, key);

	if (!e) {
		put(obj, key, jcount(c), bad);
		return;
	}
	json_integer_set(json_object_get(e, "msgs"),
			 json_integer_value(json_object_get(e, "msgs")) +
				 (json_int_t)c->msgs);
	json_integer_set(json_object_get(e, "bytes"),
			 json_integer_value(json_object_get(e, "bytes")) +
				 (json_int_t)c->bytes);
}

/* Member @key of @obj, created as an empty object. */
static json_t *sub_obj(json_t *obj, const char *key, int *bad)
{
	json_t *o = json_object_get(obj, key);

	if (!o) {
		o = json_object();
		put(obj, key, o, bad);
	}
	return o;
}

/* Add @n to the integer member @key of @obj (created at 0). */
static void add_int(json_t *obj, const char *key, uint64_t n, int *bad)
{
	json_t *e = json_object_get(obj, key);

	if (!e)
		put(obj, key, jint(n), bad);
	else
		json_integer_set(e, json_integer_value(e) + (json_int_t)n);
}

/* Attach the subtype table's entries to their type objects: subtypes,
 * details, malformed bodies and multipart transactions (last parts). */
static void attach_subtypes(json_t *tobj[OFX_NVERSIONS][OFX_NTYPES][OFX_NDIRS],
			    const struct ofx_subtab *sub, int *bad)
{
	const struct ofx_subcount *e = ofx_subtab_centries(sub);
	char name[96];

	for (uint32_t i = 0; i < sub->cap; i++) {
		const struct ofx_subcount *s = &e[i];
		uint8_t v = ofx_subcount_version(s), ty = ofx_subcount_type(s);
		uint8_t d = ofx_subcount_dir(s), kind = ofx_subcount_kind(s);
		struct of_detail det[OF_MAX_DETAILS];
		int n;
		json_t *t, *o;

		if (!s->id || v >= OFX_NVERSIONS || ty >= OFX_NTYPES ||
		    d >= OFX_NDIRS)
			continue;
		t = tobj[v][ty][d];
		if (!t)
			continue;
		if (kind) {
			o = sub_obj(t, "subtypes", bad);
			of_subtype_name(v, ty, kind, s->key, name,
					sizeof(name));
			if (o)
				add_count(o, name, &s->c, bad);
		}
		n = ofx_details_split(s->det, det);
		o = n ? sub_obj(t, "details", bad) : NULL;
		for (int k = 0; o && k < n; k++) {
			of_detail_name(det[k].kind, det[k].key, name,
				       sizeof(name));
			add_count(o, name, &s->c, bad);
		}
		if (s->det & OFX_DET_MALFORMED)
			add_int(t, "malformed", s->c.msgs, bad);
		if (s->det & OFX_DET_LAST_PART)
			add_int(t, "transactions", s->c.msgs, bad);
	}
}

/*
 * {"1.3": {"in": {"OFPT_X": {...}}, "out": {...}, "invalid_type": {..}}}
 * of @m with the entries of @sub; with rates over @dt against @base when
 * @rates.
 */
static json_t *versions_json(const struct ofx_msgcounts *m,
			     const struct ofx_subtab *sub,
			     const struct ofx_msgcounts *base, double dt,
			     bool rates)
{
	json_t *tobj[OFX_NVERSIONS][OFX_NTYPES][OFX_NDIRS] = {0};
	json_t *vs = json_object();
	int bad = !vs;

	if (!vs)
		return NULL;
	for (uint8_t v = OFP_VERSION_MIN; v <= OFP_VERSION_MAX; v++) {
		json_t *vo, *inv;

		if (!ofx_msgcounts_version_seen(m, v))
			continue;
		vo = json_object();
		put(vs, of_version_name(v), vo, &bad);
		for (int d = 0; vo && d < OFX_NDIRS; d++) {
			json_t *dobj = json_object();

			put(vo, dir_name[d], dobj, &bad);
			for (int t = 0; dobj && t < OFX_NTYPES; t++) {
				const struct ofx_count *c = &m->of[v][t][d];
				const char *name = of_type_name(v, (uint8_t)t);
				json_t *to;

				if (!name || !c->msgs)
					continue;
				to = rates ? count_rate(
						     c,
						     base ? &base->of[v][t][d]
							  : NULL,
						     dt)
					   : jcount(c);
				put(dobj, name, to, &bad);
				tobj[v][t][d] = to;
			}
		}
		inv = json_object();
		if (inv) {
			put(inv, "in", jpair(&m->invalid[v][OFX_DIR_IN]), &bad);
			put(inv, "out", jpair(&m->invalid[v][OFX_DIR_OUT]),
			    &bad);
		}
		if (vo)
			put(vo, "invalid_type", inv, &bad);
	}
	if (sub)
		attach_subtypes(tobj, sub, &bad);
	return done(vs, bad);
}

/* Every descriptor-table counter of @group as {"name": value}. */
static json_t *group_json(const struct ofx_stats *st, const char *group)
{
	json_t *o = json_object();
	int bad = !o;

	for (size_t i = 0; o && i < ofx_ncounter_descs; i++) {
		const struct ofx_counter_desc *d = &ofx_counter_descs[i];

		if (!strcmp(d->group, group))
			put(o, d->name, jint(ofx_desc_value(d, st)), &bad);
	}
	return done(o, bad);
}

/* "10.0.0.1:6653" or "[fe80::1]:6653" into @buf. */
static void fmt_endpoint(int family, const uint32_t *addr, uint16_t port,
			 char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	if (family == 6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
}

/* Capture-clock ns as epoch seconds. */
static json_t *jtime(uint64_t ns, const struct ofx_run_info *info)
{
	if (!ns)
		return json_null();
	return jreal((double)(ns + (info ? info->epoch_offset_ns : 0)) / 1e9);
}

static json_t *jdpid(bool has, uint64_t dpid)
{
	char buf[24];

	if (!has)
		return json_null();
	snprintf(buf, sizeof(buf), "0x%016" PRIx64, dpid);
	return json_string(buf);
}

/* {"in": {@m: msgs, @b: bytes}, "out": {...}} of @c[OFX_NDIRS]. */
static json_t *dir_counts(const struct ofx_count *c, const char *m,
			  const char *b)
{
	json_t *t = json_object();
	int bad = !t;

	for (int d = 0; t && d < OFX_NDIRS; d++) {
		json_t *e = json_object();

		if (e) {
			put(e, m, jint(c[d].msgs), &bad);
			put(e, b, jint(c[d].bytes), &bad);
		}
		put(t, dir_name[d], e, &bad);
	}
	return done(t, bad);
}

static json_t *conn_json(const struct ofx_conn_view *c,
			 const struct ofx_run_info *info)
{
	json_t *o = json_object();
	char ep[80];
	int bad = !o;

	if (!o)
		return NULL;
	put(o, "id", jint(c->id), &bad);
	fmt_endpoint(c->family, c->sw_addr, c->sw_port, ep, sizeof(ep));
	put(o, "switch", json_string(ep), &bad);
	fmt_endpoint(c->family, c->ctl_addr, c->ctl_port, ep, sizeof(ep));
	put(o, "controller", json_string(ep), &bad);
	put(o, "datapath_id", jdpid(c->has_dpid, c->datapath_id), &bad);
	put(o, "datapath_id_source",
	    jstr_or_null(c->has_dpid ? of_dpid_source_name(c->dpid_source)
				     : NULL),
	    &bad);
	put(o, "switch_name", jstr_or_null(c->name), &bad);
	put(o, "auxiliary_id", c->has_aux ? jint(c->auxiliary_id) : json_null(),
	    &bad);
	put(o, "version", jstr_or_null(of_version_name(c->version)), &bad);
	put(o, "state", json_string(c->close_reason ? "closed" : "open"), &bad);
	put(o, "start", json_string(c->midstream ? "midstream" : "handshake"),
	    &bad);
	put(o, "close_reason",
	    jstr_or_null(ofx_close_reason_name(c->close_reason)), &bad);
	put(o, "role_source", jstr_or_null(of_role_source_name(c->role_source)),
	    &bad);
	put(o, "protocol", jstr_or_null(of_protocol_name(c->protocol)), &bad);
	put(o, "first_seen", jtime(c->first_ns, info), &bad);
	put(o, "last_seen", jtime(c->last_ns, info), &bad);
	for (int d = 0; d < OFX_NDIRS; d++)
		put(o, dir_name[d], jcount(&c->cnt[d]), &bad);
	{
		json_t *t = json_object();

		for (int d = 0; t && d < OFX_NDIRS; d++) {
			json_t *e = json_object();

			if (e) {
				put(e, "segments", jint(c->tcp[d].msgs), &bad);
				put(e, "bytes", jint(c->tcp[d].bytes), &bad);
			}
			put(t, dir_name[d], e, &bad);
		}
		put(o, "tcp", t, &bad);
	}
	put(o, "tls", dir_counts(c->tls, "records", "bytes"), &bad);
	put(o, "unverified", dir_counts(c->unverified, "msgs", "bytes"), &bad);
	return done(o, bad);
}

/* The connections of @v in @state (1 open, 0 closed, -1 all): @limit of
 * them from the @offset-th on. */
static json_t *conns_array(const struct ofx_views *v, int state, size_t offset,
			   size_t limit, const struct ofx_run_info *info)
{
	size_t lo = !v || state == 1 ? 0 : state == 0 ? v->nopen : 0;
	size_t hi = !v ? 0 : state == 1 ? v->nopen : v->nopen + v->nclosed;
	json_t *arr = json_array();
	int bad = !arr;

	if (offset > hi - lo)
		offset = hi - lo;
	lo += offset;
	if (limit < hi - lo)
		hi = lo + limit;
	for (size_t i = lo; arr && i < hi; i++)
		append(arr, conn_json(&v->conns[i], info), &bad);
	return done(arr, bad);
}

json_t *ofx_json_connections(const struct ofx_views *v, int state,
			     const struct ofx_run_info *info)
{
	json_t *o = json_object();
	int bad = !o;

	if (o)
		put(o, "connections", conns_array(v, state, 0, SIZE_MAX, info),
		    &bad);
	return done(o, bad);
}

json_t *ofx_json_connections_page(const struct ofx_views *v, int state,
				  size_t offset, size_t limit,
				  const struct ofx_run_info *info)
{
	size_t total = !v	    ? 0
		       : state == 1 ? v->nopen
		       : state == 0 ? v->nclosed
				    : (size_t)v->nopen + v->nclosed;
	json_t *o = json_object();
	int bad = !o;

	if (!o)
		return NULL;
	put(o, "total", jint(total), &bad);
	put(o, "offset", jint(offset), &bad);
	put(o, "limit", jint(limit), &bad);
	put(o, "connections", conns_array(v, state, offset, limit, info), &bad);
	return done(o, bad);
}

/* One kind x requester: counts, then percentiles (null without pairs). */
static json_t *lat_entry_json(const struct ofx_lat_entry *e, bool pin)
{
	const struct ofx_hist_summary *h = &e->h;
	const struct {
		const char *key;
		uint64_t v;
	} pct[] = {
		{"min_ns", h->min},   {"p50_ns", h->p50},   {"p90_ns", h->p90},
		{"p99_ns", h->p99},   {"p999_ns", h->p999}, {"max_ns", h->max},
		{"mean_ns", h->mean},
	};
	json_t *o = json_object();
	int bad = !o;

	if (!o)
		return NULL;
	put(o, "count", jint(h->count), &bad);
	put(o, "unreplied", jint(e->c.unreplied), &bad);
	put(o, "error_replies", jint(e->c.error_replies), &bad);
	put(o, "orphan_replies", jint(e->c.orphan_replies), &bad);
	if (pin) {
		put(o, "matched_by_buffer_id", jint(e->c.by_buffer_id), &bad);
		put(o, "matched_by_data", jint(e->c.by_data), &bad);
	}
	for (size_t i = 0; i < sizeof(pct) / sizeof(pct[0]); i++)
		put(o, pct[i].key, h->count ? jint(pct[i].v) : json_null(),
		    &bad);
	return done(o, bad);
}

json_t *ofx_json_latency(const struct ofx_lat_view *v, unsigned int window)
{
	json_t *o = json_object();
	int bad = !o;

	for (unsigned int k = 0; o && v && k < OFX_LAT_NKINDS; k++) {
		json_t *ko = NULL;

		for (unsigned int f = 0; f < OFX_LAT_NFROM; f++) {
			const struct ofx_lat_entry *e = &v->e[window][k][f];

			if (!ofx_lat_entry_used(e))
				continue;
			if (!ko) {
				ko = json_object();
				put(o, ofx_lat_kind_name(k), ko, &bad);
				if (!ko)
					break;
			}
			put(ko, ofx_lat_from_name(f),
			    lat_entry_json(e, k == OFX_LAT_PACKET_IN), &bad);
		}
	}
	return done(o, bad);
}

json_t *ofx_json_latency_doc(const struct ofx_views *v, unsigned int window)
{
	const struct ofx_lat_views *lat = v ? v->lat : NULL;
	json_t *o = json_object(), *arr = json_array();
	int bad = !o || !arr;

	if (!o || !arr) {
		json_decref(o);
		json_decref(arr);
		return NULL;
	}
	/* false: --no-latency, or no views published yet */
	put(o, "enabled", json_boolean(lat != NULL), &bad);
	put(o, "window", json_string(ofx_lat_window_name(window)), &bad);
	put(o, "unreplied_after_ns", lat ? jint(lat->window_ns) : json_null(),
	    &bad);
	put(o, "overall", ofx_json_latency(lat ? &lat->global : NULL, window),
	    &bad);
	for (unsigned int i = 0; lat && i < lat->nsw; i++) {
		const struct ofx_switch_view *w =
			ofx_views_find_switch(v, lat->sw_id[i]);
		json_t *s = json_object(), *l;

		l = ofx_json_latency(&lat->sw[i], window);
		if (!s || !l || !json_object_size(l)) {
			json_decref(s);
			json_decref(l);
			bad |= !s || !l;
			continue;
		}
		put(s, "id", json_string(lat->sw_id[i]), &bad);
		put(s, "datapath_id",
		    w ? jdpid(w->has_dpid, w->datapath_id) : json_null(), &bad);
		put(s, "name", jstr_or_null(w ? w->name : NULL), &bad);
		put(s, "latency", l, &bad);
		append(arr, s, &bad);
	}
	put(o, "switches", arr, &bad);
	return done(o, bad);
}

json_t *ofx_json_switch(const struct ofx_switch_view *w,
			const struct ofx_lat_views *lat,
			const struct ofx_run_info *info)
{
	json_t *o = json_object();
	int bad = !o;

	if (!o)
		return NULL;
	put(o, "id", json_string(w->id), &bad);
	put(o, "datapath_id", jdpid(w->has_dpid, w->datapath_id), &bad);
	put(o, "datapath_id_source",
	    jstr_or_null(w->has_dpid ? of_dpid_source_name(w->dpid_source)
				     : NULL),
	    &bad);
	put(o, "name", jstr_or_null(w->name), &bad);
	put(o, "address", jstr_or_null(w->address), &bad);
	put(o, "connections", jint(w->conns_total), &bad);
	put(o, "connections_open", jint(w->conns_open), &bad);
	put(o, "first_seen", jtime(w->first_ns, info), &bad);
	put(o, "last_seen", jtime(w->last_ns, info), &bad);
	/* Rates: live, over the last interval (struct ofx_switch_view);
	 * for a file, over the switch's capture time. */
	struct ofx_switch_counts *sc = malloc(sizeof(*sc));
	const struct ofx_msgcounts *base;
	double dt = w->rate_dt;

	if (!sc) {
		json_decref(o);
		return NULL;
	}
	ofx_switch_view_counts(w, sc);
	base = &sc->rate_base;
	if (info && info->file) {
		base = NULL;
		dt = w->last_ns > w->first_ns
			     ? (double)(w->last_ns - w->first_ns) / 1e9
			     : 0.0;
	}
	for (int d = 0; d < OFX_NDIRS; d++)
		put(o, dir_name[d],
		    count_rate(&sc->m.total[d], base ? &base->total[d] : NULL,
			       dt),
		    &bad);
	put(o, "versions", versions_json(&sc->m, w->sub, base, dt, true), &bad);
	/* subtype counts that found no room in this switch's table */
	put(o, "subtype_overflow", jint(w->sub ? w->sub->overflow : 0), &bad);
	if (lat) {
		const struct ofx_lat_view *lv = ofx_lat_views_find(lat, w->id);
		json_t *lo = json_object();

		/* cumulative, and the last 10 s (live) */
		put(lo, "all", ofx_json_latency(lv, OFX_LAT_ALL), &bad);
		if (!info || !info->file)
			put(lo, "10s", ofx_json_latency(lv, OFX_LAT_10S), &bad);
		put(o, "latency", lo, &bad);
	}
	free(sc);
	return done(o, bad);
}

json_t *ofx_json_switches(const struct ofx_views *v,
			  const struct ofx_run_info *info)
{
	json_t *o = json_object(), *arr = json_array();
	int bad = !o || !arr;

	for (unsigned int i = 0; arr && v && i < v->nsw; i++) {
		if (!v->sws[i].conns_total)
			continue; /* moved to its datapath_id's record */
		append(arr, ofx_json_switch(&v->sws[i], v->lat, info), &bad);
	}
	if (o)
		put(o, "switches", arr, &bad);
	else
		json_decref(arr);
	return done(o, bad);
}

const struct ofx_switch_view *ofx_views_find_switch(const struct ofx_views *v,
						    const char *id)
{
	uint64_t dpid;
	bool by_dpid = ofx_parse_dpid(id, &dpid) == 0;

	for (unsigned int i = 0; v && i < v->nsw; i++) {
		const struct ofx_switch_view *w = &v->sws[i];

		if (!w->conns_total)
			continue;
		if (by_dpid ? (w->has_dpid && w->datapath_id == dpid)
			    : (!w->has_dpid && !strcmp(w->id, id)))
			return w;
	}
	return NULL;
}

json_t *ofx_json_full(const struct ofx_stats *cur, const struct ofx_stats *prev,
		      const struct ofx_views *v,
		      const struct ofx_run_info *info)
{
	const struct ofx_stats *base;
	double dt = rate_interval(cur, prev, info, &base);
	uint64_t start = info ? info->start_ns : 0;
	json_t *o = json_object(), *tot, *tcp, *loss;
	int bad = !o;

	if (!o)
		return NULL;
	put(o, "mode", jstr_or_null(info ? info->mode : NULL), &bad);
	put(o, "hooks", jstr_or_null(info ? info->hooks : NULL), &bad);
	put(o, "interface", jstr_or_null(info ? info->ifname : NULL), &bad);
	put(o, "ports", jstr_or_null(info ? info->ports : NULL), &bad);
	put(o, "uptime_s",
	    jreal(cur->ts_ns > start ? (double)(cur->ts_ns - start) / 1e9
				     : 0.0),
	    &bad);
	put(o, "interval_s", jreal(dt), &bad);
	if (info && info->file) {
		put(o, "capture_start", jtime(cur->first_seg_ns, info), &bad);
		put(o, "capture_end", jtime(cur->last_seg_ns, info), &bad);
	}

	tot = json_object();
	tcp = json_object();
	for (int d = 0; tot && tcp && d < OFX_NDIRS; d++) {
		json_t *t = json_object();

		put(tot, dir_name[d],
		    count_rate(&cur->msgs.total[d],
			       base ? &base->msgs.total[d] : NULL, dt),
		    &bad);
		if (t) {
			put(t, "segments", jint(cur->of.tcp[d].msgs), &bad);
			put(t, "bytes", jint(cur->of.tcp[d].bytes), &bad);
		}
		put(tcp, dir_name[d], t, &bad);
	}
	put(o, "totals", tot, &bad);
	put(o, "tcp", tcp, &bad);
	put(o, "versions",
	    versions_json(&cur->msgs, &cur->sub.h, base ? &base->msgs : NULL,
			  dt, true),
	    &bad);
	loss = group_json(cur, "loss");
	if (loss)
		put(loss, "kernel", group_json(cur, "loss.kernel"), &bad);
	put(o, "loss", loss, &bad);
	put(o, "reassembly", group_json(cur, "reassembly"), &bad);
	put(o, "protocols", group_json(cur, "protocols"), &bad);
	put(o, "switch_table", group_json(cur, "switches"), &bad);
	put(o, "subtypes", group_json(cur, "subtypes"), &bad);
	put(o, "latency_engine", group_json(cur, "latency"), &bad);
	if (v && v->lat)
		put(o, "latency",
		    ofx_json_latency(&v->lat->global, OFX_LAT_ALL), &bad);
	put(o, "bad_headers", jint(cur->of.framing.bad_headers), &bad);
	put(o, "connections", conns_array(v, -1, 0, SIZE_MAX, info), &bad);
	if (info && info->file) {
		/* A file's report is whole: its switches too (live, they are
		 * at /api/v1/switches). */
		json_t *sw = ofx_json_switches(v, info);

		put(o, "switches",
		    sw ? json_incref(json_object_get(sw, "switches")) : NULL,
		    &bad);
		json_decref(sw);
	}
	return done(o, bad);
}
