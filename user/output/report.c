// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * report.c - counters as JSON (jansson): oftraf's exact shapes for the
 * NSTAT-compatible REST paths and ofxdp's full /api/v1/stats document; and
 * the same counters as console / plain-text tables.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

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

/* [msgs, bytes] as oftraf encodes a counter. */
static json_t *jpair(const struct ofx_count *c)
{
	json_t *a = json_array();
	int bad = 0;

	if (!a)
		return NULL;
	append(a, jint(c->msgs), &bad);
	append(a, jint(c->bytes), &bad);
	if (bad) {
		json_decref(a);
		return NULL;
	}
	return a;
}

json_t *ofx_json_of_counts(const struct ofx_stats *st)
{
	json_t *o = json_object();
	int bad = 0;

	if (!o)
		return NULL;
	/* Insertion order is kept by jansson (>= 2.8) and oftraf's order. */
	put(o, "OF_in_counts", jpair(&st->of_total[OFX_DIR_IN]), &bad);
	put(o, "OF_out_counts", jpair(&st->of_total[OFX_DIR_OUT]), &bad);
	put(o, "TCP_OF_in_counts", jpair(&st->tcp[OFX_DIR_IN]), &bad);
	put(o, "TCP_OF_out_counts", jpair(&st->tcp[OFX_DIR_OUT]), &bad);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* {"OFPT_X": [m, b], ...} for the types of @version seen in @dir. */
static json_t *version_dir_counts(const struct ofx_stats *st, uint8_t version,
				  int dir)
{
	json_t *o = json_object();
	int max = of_max_type(version);
	int bad = 0;

	if (!o)
		return NULL;
	for (int t = 0; t <= max && t < OFX_NTYPES; t++) {
		const struct ofx_count *c = &st->of[version][t][dir];
		const char *name = of_type_name(version, (uint8_t)t);

		if (!name || !c->msgs)
			continue;
		put(o, name, jpair(c), &bad);
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *ofx_json_version_counts(const struct ofx_stats *st, uint8_t version)
{
	const char *tag = of_version_tag(version);
	char key[32];
	json_t *o;
	int bad = 0;

	/* Unknown version: there is no such path (NULL, not ENOMEM). */
	if (!tag || version >= OFX_NVERSIONS)
		return NULL;
	o = json_object();
	if (!o)
		return NULL;
	snprintf(key, sizeof(key), "OF%s_in_counts", tag);
	put(o, key, version_dir_counts(st, version, OFX_DIR_IN), &bad);
	snprintf(key, sizeof(key), "OF%s_out_counts", tag);
	put(o, key, version_dir_counts(st, version, OFX_DIR_OUT), &bad);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
 * The interval rates are computed over: [prev, cur] when prev is a real
 * earlier snapshot, else [start_ns, cur] from zero. *@base is the snapshot to
 * subtract (NULL: zero). Returns seconds, 0 when the interval is empty.
 */
static double rate_interval(const struct ofx_stats *cur,
			    const struct ofx_stats *prev, uint64_t start_ns,
			    const struct ofx_stats **base)
{
	if (prev && prev->ts_ns && cur->ts_ns > prev->ts_ns) {
		*base = prev;
		return (double)(cur->ts_ns - prev->ts_ns) / 1e9;
	}
	*base = NULL;
	if (cur->ts_ns > start_ns)
		return (double)(cur->ts_ns - start_ns) / 1e9;
	return 0.0;
}

/* (now - then) / dt per second; counters never go backwards, clamp at 0. */
static double per_s(uint64_t now, uint64_t then, double dt)
{
	if (dt <= 0.0 || now <= then)
		return 0.0;
	return (double)(now - then) / dt;
}

static json_t *jreal(double v)
{
	/* Rounded to 0.001 so documents stay short and stable. */
	if (v >= 0.0 && v < 1e15)
		v = (double)(int64_t)(v * 1000.0 + 0.5) / 1000.0;
	return json_real(v);
}

/* {"msgs","bytes","msgs_per_s","bytes_per_s"} of one counter. */
static json_t *count_rate(const struct ofx_count *c, const struct ofx_count *b,
			  double dt, int bytes_rate)
{
	static const struct ofx_count zero;
	json_t *o = json_object();
	int bad = 0;

	if (!o)
		return NULL;
	if (!b)
		b = &zero;
	put(o, "msgs", jint(c->msgs), &bad);
	put(o, "bytes", jint(c->bytes), &bad);
	put(o, "msgs_per_s", jreal(per_s(c->msgs, b->msgs, dt)), &bad);
	if (bytes_rate)
		put(o, "bytes_per_s", jreal(per_s(c->bytes, b->bytes, dt)),
		    &bad);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static bool version_seen(const struct ofx_stats *st, uint8_t v)
{
	for (int d = 0; d < OFX_NDIRS; d++) {
		if (st->of_invalid[v][d].msgs)
			return true;
		for (int t = 0; t < OFX_NTYPES; t++)
			if (st->of[v][t][d].msgs)
				return true;
	}
	return false;
}

static json_t *full_versions(const struct ofx_stats *cur,
			     const struct ofx_stats *base, double dt)
{
	json_t *vs = json_object();
	int bad = 0;

	if (!vs)
		return NULL;
	for (uint8_t v = OFP_VERSION_MIN; v <= OFP_VERSION_MAX; v++) {
		const char *vname = of_version_name(v);
		json_t *vo, *inv;

		if (!vname || !version_seen(cur, v))
			continue;
		vo = json_object();
		if (!vo) {
			bad = 1;
			break;
		}
		for (int d = 0; d < OFX_NDIRS; d++) {
			json_t *dobj = json_object();

			if (!dobj) {
				bad = 1;
				break;
			}
			for (int t = 0; t < OFX_NTYPES; t++) {
				const struct ofx_count *c = &cur->of[v][t][d];
				const char *name = of_type_name(v, (uint8_t)t);

				if (!name || !c->msgs)
					continue;
				put(dobj, name,
				    count_rate(c,
					       base ? &base->of[v][t][d] : NULL,
					       dt, 1),
				    &bad);
			}
			put(vo, dir_name[d], dobj, &bad);
		}
		inv = json_object();
		if (inv) {
			put(inv, "in", jpair(&cur->of_invalid[v][OFX_DIR_IN]),
			    &bad);
			put(inv, "out", jpair(&cur->of_invalid[v][OFX_DIR_OUT]),
			    &bad);
		}
		put(vo, "invalid_type", inv, &bad);
		put(vs, vname, vo, &bad);
	}
	if (bad) {
		json_decref(vs);
		return NULL;
	}
	return vs;
}

static json_t *full_loss(const struct ofx_source_stats *s)
{
	const struct ofx_kstats *k = &s->kernel;
	json_t *o = json_object(), *ko = json_object();
	int bad = 0;

	if (!o || !ko) {
		json_decref(o);
		json_decref(ko);
		return NULL;
	}
	put(o, "records", jint(s->records), &bad);
	put(o, "records_lost", jint(s->records_lost), &bad);
	put(ko, "segs_in", jint(k->segs[OFX_DIR_IN]), &bad);
	put(ko, "segs_out", jint(k->segs[OFX_DIR_OUT]), &bad);
	put(ko, "bytes_in", jint(k->bytes[OFX_DIR_IN]), &bad);
	put(ko, "bytes_out", jint(k->bytes[OFX_DIR_OUT]), &bad);
	put(ko, "records", jint(k->records), &bad);
	put(ko, "reserve_fail", jint(k->reserve_fail), &bad);
	put(ko, "reserve_fail_bytes", jint(k->reserve_fail_bytes), &bad);
	put(ko, "trunc_bytes", jint(k->trunc_bytes), &bad);
	put(ko, "ring_hwm_bytes", jint(k->ring_hwm), &bad);
	put(ko, "wakeups", jint(k->wakeups), &bad);
	put(o, "kernel", ko, &bad);
	put(o, "pcap_recv", jint(s->pcap_recv), &bad);
	put(o, "pcap_drop", jint(s->pcap_drop), &bad);
	put(o, "pcap_ifdrop", jint(s->pcap_ifdrop), &bad);
	put(o, "non_tcp", jint(s->non_tcp), &bad);
	put(o, "malformed", jint(s->malformed), &bad);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *full_reasm(const struct ofx_reasm_stats *r)
{
	json_t *o = json_object();
	int bad = 0;

	if (!o)
		return NULL;
#define R(f) put(o, #f, jint(r->f), &bad)
	R(streams_active);
	R(streams_total);
	R(streams_closed);
	R(streams_idle);
	R(streams_evicted);
	R(retrans_segs);
	R(retrans_bytes);
	R(ooo_segs);
	R(ooo_dropped_segs);
	R(gaps);
	R(gap_bytes);
	R(midstream_joins);
	R(resyncs);
	R(resync_skipped_bytes);
	R(partial_msgs);
	R(ooo_bytes_queued);
#undef R
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* "10.0.0.1:6653" or "[fe80::1]:6653" into @buf (64 bytes). */
static void fmt_endpoint(int family, const uint32_t *addr, uint16_t port,
			 char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (family == 6) {
		if (!inet_ntop(AF_INET6, addr, a, sizeof(a)))
			snprintf(a, sizeof(a), "?");
		snprintf(buf, len, "[%s]:%u", a, port);
	} else {
		if (!inet_ntop(AF_INET, addr, a, sizeof(a)))
			snprintf(a, sizeof(a), "?");
		snprintf(buf, len, "%s:%u", a, port);
	}
}

static json_t *full_conns(const struct ofx_conn_info *conns, unsigned int n)
{
	json_t *arr = json_array();
	int bad = 0;

	if (!arr)
		return NULL;
	for (unsigned int i = 0; i < n; i++) {
		const struct ofx_conn_info *c = &conns[i];
		const char *vname = of_version_name(c->version);
		char ep[80];
		json_t *o = json_object();

		if (!o) {
			bad = 1;
			break;
		}
		fmt_endpoint(c->key.family, c->key.saddr, c->key.sport, ep,
			     sizeof(ep));
		put(o, "src", json_string(ep), &bad);
		fmt_endpoint(c->key.family, c->key.daddr, c->key.dport, ep,
			     sizeof(ep));
		put(o, "dst", json_string(ep), &bad);
		put(o, "dir",
		    json_string(c->dir < OFX_NDIRS ? dir_name[c->dir] : "?"),
		    &bad);
		put(o, "version", vname ? json_string(vname) : json_null(),
		    &bad);
		if (c->has_dpid) {
			snprintf(ep, sizeof(ep), "0x%016" PRIx64,
				 c->datapath_id);
			put(o, "datapath_id", json_string(ep), &bad);
		} else {
			put(o, "datapath_id", json_null(), &bad);
		}
		put(o, "msgs", jint(c->msgs), &bad);
		append(arr, o, &bad);
	}
	if (bad) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

static json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *ofx_json_full(const struct ofx_stats *cur, const struct ofx_stats *prev,
		      uint64_t start_ns, const struct ofx_conn_info *conns,
		      unsigned int nconns, const struct ofx_run_info *info)
{
	const struct ofx_stats *base;
	double dt = rate_interval(cur, prev, start_ns, &base);
	json_t *o = json_object(), *tot, *tcp;
	int bad = 0;

	if (!o)
		return NULL;
	put(o, "mode", jstr_or_null(info ? info->mode : NULL), &bad);
	put(o, "hooks", jstr_or_null(info ? info->hooks : NULL), &bad);
	put(o, "interface", jstr_or_null(info ? info->ifname : NULL), &bad);
	put(o, "ports", jstr_or_null(info ? info->ports : NULL), &bad);
	put(o, "uptime_s",
	    jreal(cur->ts_ns > start_ns ? (double)(cur->ts_ns - start_ns) / 1e9
					: 0.0),
	    &bad);
	put(o, "interval_s", jreal(dt), &bad);

	tot = json_object();
	tcp = json_object();
	for (int d = 0; tot && tcp && d < OFX_NDIRS; d++) {
		json_t *t = json_object();

		put(tot, dir_name[d],
		    count_rate(&cur->of_total[d],
			       base ? &base->of_total[d] : NULL, dt, 1),
		    &bad);
		if (t) {
			put(t, "segments", jint(cur->tcp[d].msgs), &bad);
			put(t, "bytes", jint(cur->tcp[d].bytes), &bad);
		}
		put(tcp, dir_name[d], t, &bad);
	}
	put(o, "totals", tot, &bad);
	put(o, "tcp", tcp, &bad);
	put(o, "versions", full_versions(cur, base, dt), &bad);
	put(o, "loss", full_loss(&cur->src), &bad);
	put(o, "reassembly", full_reasm(&cur->reasm), &bad);
	put(o, "bad_headers", jint(cur->bad_headers), &bad);
	put(o, "connections", full_conns(conns, conns ? nconns : 0), &bad);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- console / text ---- */

static void fmt_uptime(uint64_t ns, char *buf, size_t len)
{
	uint64_t s = ns / 1000000000ull;

	snprintf(buf, len, "%" PRIu64 ":%02u:%02u", s / 3600,
		 (unsigned int)(s / 60 % 60), (unsigned int)(s % 60));
}

static void print_header(FILE *out, const struct ofx_run_info *info,
			 const char *uptime)
{
	const char *mode = info && info->mode ? info->mode : "?";
	const char *hooks = info && info->hooks ? info->hooks : NULL;

	fprintf(out, "ofxdp  mode %s", mode);
	if (hooks && *hooks)
		fprintf(out, " [%s]", hooks);
	fprintf(out, "  %s %s  ports %s", "if",
		info && info->ifname ? info->ifname : "?",
		info && info->ports ? info->ports : "?");
	if (uptime)
		fprintf(out, "  up %s", uptime);
	fputc('\n', out);
}

static void print_version_table(FILE *out, const struct ofx_stats *cur,
				const struct ofx_stats *base, double dt,
				int rates)
{
	for (uint8_t v = OFP_VERSION_MIN; v <= OFP_VERSION_MAX; v++) {
		if (!version_seen(cur, v))
			continue;
		fprintf(out, "\nOpenFlow %s\n", of_version_name(v));
		fprintf(out, "%-32s %10s %12s %10s %12s", "type", "in msgs",
			"in bytes", "out msgs", "out bytes");
		if (rates)
			fprintf(out, " %10s %10s", "in msg/s", "out msg/s");
		fputc('\n', out);
		for (int t = 0; t <= OFX_NTYPES; t++) {
			const struct ofx_count *in, *o;
			const char *name;

			if (t < OFX_NTYPES) {
				name = of_type_name(v, (uint8_t)t);
				if (!name)
					continue;
				in = &cur->of[v][t][OFX_DIR_IN];
				o = &cur->of[v][t][OFX_DIR_OUT];
			} else {
				name = "(invalid type)";
				in = &cur->of_invalid[v][OFX_DIR_IN];
				o = &cur->of_invalid[v][OFX_DIR_OUT];
			}
			if (!in->msgs && !o->msgs)
				continue;
			fprintf(out,
				"%-32s %10" PRIu64 " %12" PRIu64 " %10" PRIu64
				" %12" PRIu64,
				name, in->msgs, in->bytes, o->msgs, o->bytes);
			if (rates) {
				uint64_t bi = 0, bo = 0;

				if (base && t < OFX_NTYPES) {
					bi = base->of[v][t][OFX_DIR_IN].msgs;
					bo = base->of[v][t][OFX_DIR_OUT].msgs;
				} else if (base) {
					bi = base->of_invalid[v][OFX_DIR_IN]
						     .msgs;
					bo = base->of_invalid[v][OFX_DIR_OUT]
						     .msgs;
				}
				fprintf(out, " %10.1f %10.1f",
					per_s(in->msgs, bi, dt),
					per_s(o->msgs, bo, dt));
			}
			fputc('\n', out);
		}
	}
}

static void print_loss(FILE *out, const struct ofx_stats *st)
{
	fprintf(out,
		"\nloss: ring lost %" PRIu64 "  reserve fails %" PRIu64
		"  truncated bytes %" PRIu64 "  pcap drops %" PRIu64
		"  if drops %" PRIu64 "\n",
		st->src.records_lost, (uint64_t)st->src.kernel.reserve_fail,
		(uint64_t)st->src.kernel.trunc_bytes, st->src.pcap_drop,
		st->src.pcap_ifdrop);
	fprintf(out,
		"reassembly: streams %" PRIu64 "  gaps %" PRIu64 " (%" PRIu64
		" bytes)  resyncs %" PRIu64 "  retrans %" PRIu64
		"  out-of-order %" PRIu64 "  partial msgs %" PRIu64
		"  bad headers %" PRIu64 "\n",
		st->reasm.streams_active, st->reasm.gaps, st->reasm.gap_bytes,
		st->reasm.resyncs, st->reasm.retrans_segs, st->reasm.ooo_segs,
		st->reasm.partial_msgs, st->bad_headers);
}

/* One console totals row: "@what @dir" counts of @c, rates since @b over
 * @dt seconds (@b NULL: since start). */
static void print_total(FILE *out, const char *what, const char *dir,
			const struct ofx_count *c, const struct ofx_count *b,
			double dt)
{
	char label[16];

	snprintf(label, sizeof(label), "%s %s", what, dir);
	fprintf(out, "%-12s %12" PRIu64 " %14" PRIu64 " %12.1f %14.1f\n", label,
		c->msgs, c->bytes, per_s(c->msgs, b ? b->msgs : 0, dt),
		per_s(c->bytes, b ? b->bytes : 0, dt));
}

void ofx_console_print(FILE *out, const struct ofx_stats *cur,
		       const struct ofx_stats *prev, uint64_t start_ns,
		       const struct ofx_run_info *info, int clear)
{
	const struct ofx_stats *base;
	double dt = rate_interval(cur, prev, start_ns, &base);
	char up[32];

	if (clear)
		fputs("\033[H\033[2J", out);
	fmt_uptime(cur->ts_ns > start_ns ? cur->ts_ns - start_ns : 0, up,
		   sizeof(up));
	print_header(out, info, up);
	fprintf(out, "\n%-12s %12s %14s %12s %14s\n", "", "msgs/segs", "bytes",
		"per s", "bytes/s");
	for (int d = 0; d < OFX_NDIRS; d++)
		print_total(out, "OF", dir_name[d], &cur->of_total[d],
			    base ? &base->of_total[d] : NULL, dt);
	for (int d = 0; d < OFX_NDIRS; d++)
		print_total(out, "TCP", dir_name[d], &cur->tcp[d],
			    base ? &base->tcp[d] : NULL, dt);
	print_version_table(out, cur, base, dt, 1);
	print_loss(out, cur);
	fflush(out);
}

void ofx_text_report(FILE *out, const struct ofx_stats *st,
		     const struct ofx_run_info *info)
{
	print_header(out, info, NULL);
	fprintf(out, "\n%-12s %12s %14s\n", "", "msgs/segs", "bytes");
	for (int d = 0; d < OFX_NDIRS; d++)
		fprintf(out, "OF %-9s %12" PRIu64 " %14" PRIu64 "\n",
			dir_name[d], st->of_total[d].msgs,
			st->of_total[d].bytes);
	for (int d = 0; d < OFX_NDIRS; d++)
		fprintf(out, "TCP %-8s %12" PRIu64 " %14" PRIu64 "\n",
			dir_name[d], st->tcp[d].msgs, st->tcp[d].bytes);
	print_version_table(out, st, NULL, 0.0, 0);
	print_loss(out, st);
	fflush(out);
}
