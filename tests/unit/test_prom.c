// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_prom.c - the Prometheus exposition (/metrics) of a known snapshot:
 * parsed by a small parser of the text format 0.0.4 (names, labels with
 * escapes, values, HELP/TYPE once per family and before its samples, no
 * duplicate series, histogram buckets cumulative up to +Inf = _count),
 * then the expected families and values looked up; the naming rules of
 * the descriptor table; exact cumulative counts at the histogram bounds;
 * promtool check metrics on the text when promtool is installed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/descs.h"
#include "analysis/hist.h"
#include "analysis/stats.h"
#include "openflow/of_decode.h"
#include "output/prom.h"

/* ---- a parser of the text format ---- */

#define MAX_SAMPLES 4096
#define MAX_FAMILIES 256

struct sample {
	char name[128];
	char labels[512]; /* as written, without braces; escapes undone */
	double value;
};

struct family {
	char name[128];
	char type[16];
	bool help;
};

struct expo {
	struct sample s[MAX_SAMPLES];
	size_t ns;
	struct family f[MAX_FAMILIES];
	size_t nf;
};

static bool name_char(int c, bool first)
{
	return isalpha(c) || c == '_' || c == ':' || (!first && isdigit(c));
}

/* A metric or label name at *@p; its length (0: none). */
static size_t name_len(const char *p)
{
	size_t n = 0;

	while (name_char((unsigned char)p[n], n == 0))
		n++;
	return n;
}

static struct family *family_of(struct expo *e, const char *name)
{
	for (size_t i = 0; i < e->nf; i++)
		if (!strcmp(e->f[i].name, name))
			return &e->f[i];
	return NULL;
}

/* The family a sample named @name belongs to: itself, or for a
 * histogram's _bucket/_sum/_count its base name. */
static struct family *sample_family(struct expo *e, const char *name)
{
	static const char *const sfx[] = {"_bucket", "_sum", "_count"};
	struct family *f = family_of(e, name);
	char base[128];

	if (f)
		return f;
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(name), m = strlen(sfx[i]);

		if (n > m && !strcmp(name + n - m, sfx[i])) {
			snprintf(base, sizeof(base), "%.*s", (int)(n - m),
				 name);
			f = family_of(e, base);
			if (f && !strcmp(f->type, "histogram"))
				return f;
		}
	}
	return NULL;
}

/* Parse one "{...}" label set at @p into @out (name="value",... with the
 * escapes undone); *@end after '}'. Return: false on a syntax error. */
static bool parse_labels(const char *p, char *out, size_t len, const char **end)
{
	size_t o = 0;

	assert_int_equal(*p, '{');
	p++;
	while (*p != '}') {
		size_t n = name_len(p);

		if (!n || p[n] != '=' || p[n + 1] != '"')
			return false;
		o += (size_t)snprintf(out + o, len - o, "%s%.*s=\"",
				      o ? "," : "", (int)n, p);
		p += n + 2;
		while (*p != '"') {
			char c = *p++;

			if (!c || c == '\n')
				return false;
			if (c == '\\') {
				c = *p++;
				if (c == 'n')
					c = '\n';
				else if (c != '\\' && c != '"')
					return false;
			}
			if (o + 2 < len)
				out[o++] = c;
		}
		p++;
		if (o + 2 < len)
			out[o++] = '"';
		out[o] = '\0';
		if (*p == ',')
			p++;
		else if (*p != '}')
			return false;
	}
	*end = p + 1;
	return true;
}

/* Parse @text into @e; fails the test at the first bad line. */
static void parse(const char *text, struct expo *e)
{
	const char *line = text;
	int lineno = 0;

	memset(e, 0, sizeof(*e));
	assert_true(strlen(text) > 0);
	assert_int_equal(text[strlen(text) - 1], '\n');
	while (*line) {
		const char *nl = strchr(line, '\n');
		char buf[1024];
		size_t n;

		lineno++;
		assert_non_null(nl);
		assert_true((size_t)(nl - line) < sizeof(buf));
		memcpy(buf, line, (size_t)(nl - line));
		buf[nl - line] = '\0';
		line = nl + 1;
		if (!strncmp(buf, "# HELP ", 7) ||
		    !strncmp(buf, "# TYPE ", 7)) {
			const char *p = buf + 7;
			struct family *f;

			n = name_len(p);
			if (!n || p[n] != ' ')
				fail_msg("line %d: bad comment: %s", lineno,
					 buf);
			f = NULL;
			for (size_t i = 0; i < e->nf; i++)
				if (strlen(e->f[i].name) == n &&
				    !strncmp(e->f[i].name, p, n))
					f = &e->f[i];
			if (!f) {
				assert_true(e->nf < MAX_FAMILIES);
				f = &e->f[e->nf++];
				snprintf(f->name, sizeof(f->name), "%.*s",
					 (int)n, p);
			}
			if (buf[2] == 'H') {
				if (f->help)
					fail_msg("line %d: second HELP of %s",
						 lineno, f->name);
				f->help = true;
				if (!p[n + 1])
					fail_msg("line %d: empty HELP", lineno);
			} else {
				if (f->type[0])
					fail_msg("line %d: second TYPE of %s",
						 lineno, f->name);
				snprintf(f->type, sizeof(f->type), "%s",
					 p + n + 1);
				if (strcmp(f->type, "counter") &&
				    strcmp(f->type, "gauge") &&
				    strcmp(f->type, "histogram"))
					fail_msg("line %d: type %s", lineno,
						 f->type);
			}
			continue;
		}
		if (buf[0] == '#' || !buf[0])
			fail_msg("line %d: unexpected: '%s'", lineno, buf);
		{
			struct sample *s;
			const char *p = buf;
			char *end;
			struct family *f;

			assert_true(e->ns < MAX_SAMPLES);
			s = &e->s[e->ns++];
			n = name_len(p);
			if (!n)
				fail_msg("line %d: no metric name", lineno);
			snprintf(s->name, sizeof(s->name), "%.*s", (int)n, p);
			p += n;
			if (*p == '{' &&
			    !parse_labels(p, s->labels, sizeof(s->labels), &p))
				fail_msg("line %d: bad labels: %s", lineno,
					 buf);
			if (*p != ' ')
				fail_msg("line %d: no value: %s", lineno, buf);
			s->value = strtod(p + 1, &end);
			if (end == p + 1 || *end)
				fail_msg("line %d: bad value: %s", lineno, buf);
			f = sample_family(e, s->name);
			if (!f || !f->type[0] || !f->help)
				fail_msg("line %d: %s without HELP and TYPE "
					 "before it",
					 lineno, s->name);
			for (size_t i = 0; i + 1 < e->ns; i++)
				if (!strcmp(e->s[i].name, s->name) &&
				    !strcmp(e->s[i].labels, s->labels))
					fail_msg("line %d: duplicate series "
						 "%s{%s}",
						 lineno, s->name, s->labels);
		}
	}
}

/* The value of @name{@labels} (labels as written, in order); fails the
 * test when absent. */
static double get(const struct expo *e, const char *name, const char *labels)
{
	for (size_t i = 0; i < e->ns; i++)
		if (!strcmp(e->s[i].name, name) &&
		    !strcmp(e->s[i].labels, labels))
			return e->s[i].value;
	fail_msg("no sample %s{%s}", name, labels);
	return NAN;
}

static bool has(const struct expo *e, const char *name, const char *labels)
{
	for (size_t i = 0; i < e->ns; i++)
		if (!strcmp(e->s[i].name, name) &&
		    (!labels || !strcmp(e->s[i].labels, labels)))
			return true;
	return false;
}

/* ---- the snapshot ---- */

#define V13 4
#define T_PACKET_IN 10
#define T_ECHO_REQUEST 2

struct fixture {
	struct ofx_stats *st;
	struct ofx_views *v;
	struct expo *e;
	char *text;
	size_t len;
};

/* A switch view @w with id @id, name @name and @pin PACKET_INs (100
 * bytes each) in 1.3. */
static void switch_view(struct ofx_switch_view *w, const char *id,
			const char *name, uint64_t pin)
{
	struct ofx_msgcounts *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	snprintf(w->id, sizeof(w->id), "%s", id);
	snprintf(w->name, sizeof(w->name), "%s", name);
	w->conns_total = 1;
	w->conns_open = 1;
	m->of[V13][T_PACKET_IN][OFX_DIR_IN] =
		(struct ofx_count){pin, pin * 100};
	m->total[OFX_DIR_IN] = m->of[V13][T_PACKET_IN][OFX_DIR_IN];
	assert_int_equal(ofx_switch_view_set_counts(w, m, NULL, NULL), 0);
	free(m);
}

static const struct ofx_run_info info = {
	.mode = "tc",
	.ifname = "veth0",
	.start_ns = 1500000000ull,
	.epoch_offset_ns = 1700000000ull * 1000000000ull,
	.version = "test-1",
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct ofx_stats *st;
	struct ofx_views *v;
	struct ofx_lat_views *lat;
	uint32_t id;

	assert_non_null(fx);
	fx->st = st = malloc(sizeof(*st));
	fx->e = malloc(sizeof(*fx->e));
	assert_non_null(st);
	assert_non_null(fx->e);
	ofx_stats_init(st);
	st->msgs.of[V13][T_PACKET_IN][OFX_DIR_IN] =
		(struct ofx_count){60, 6000};
	st->msgs.of[V13][T_ECHO_REQUEST][OFX_DIR_OUT] =
		(struct ofx_count){3, 24};
	st->msgs.invalid[V13][OFX_DIR_IN] = (struct ofx_count){2, 16};
	st->of.tcp[OFX_DIR_IN] = (struct ofx_count){50, 6016};
	st->src.records_lost = 7;
	st->src.kernel.segs[OFX_DIR_OUT] = 11;
	st->reasm.connections_active = 3;
	/* PACKET_IN reason 0 (OFPR_NO_MATCH in 1.3) in two entries that
	 * differ in their details: one subtype series of 60 */
	id = (uint32_t)V13 << 24 | T_PACKET_IN << 16 | OFX_DIR_IN << 8 | 0x80 |
	     OF_SUB_CODE;
	assert_non_null(
		ofx_subtab_add(&st->sub.h, id, 0, 1ull << 32, 40, 4000));
	assert_non_null(
		ofx_subtab_add(&st->sub.h, id, 0, 2ull << 32, 20, 2000));

	fx->v = v = calloc(1, sizeof(*v));
	assert_non_null(v);
	v->refs = 1;
	v->nsw = 4;
	v->sws = calloc(v->nsw, sizeof(*v->sws));
	assert_non_null(v->sws);
	switch_view(&v->sws[0], "0x0000000000000001", "edge \"1\"\\a\nb", 10);
	/* moved to its datapath_id's record: no series, not counted */
	snprintf(v->sws[1].id, sizeof(v->sws[1].id), "10.0.0.9");
	switch_view(&v->sws[2], "0x0000000000000002", "", 20);
	switch_view(&v->sws[3], "0x0000000000000003", "", 30);

	v->lat = lat = calloc(1, sizeof(*lat));
	assert_non_null(lat);
	/* echo requested by the controller: 4 pairs, 1.5 us, 3 us, 3 us and
	 * 20 s (beyond the last bound); one unreplied */
	lat->global.e[OFX_LAT_ALL][OFX_LAT_ECHO][OFX_LAT_FROM_CONTROLLER]
		.h.count = 4;
	lat->global.e[OFX_LAT_ALL][OFX_LAT_ECHO][OFX_LAT_FROM_CONTROLLER]
		.c.unreplied = 1;
	{
		struct ofx_lat_buckets *b =
			&lat->buckets[OFX_LAT_ECHO][OFX_LAT_FROM_CONTROLLER];
		struct ofx_hist h;
		struct ofx_hist_pool pool = {0};
		uint64_t bound[OFX_LAT_NBOUNDS];

		ofx_hist_init(&h);
		assert_int_equal(ofx_hist_record(&h, 1500, &pool), 0);
		assert_int_equal(ofx_hist_record(&h, 3000, &pool), 0);
		assert_int_equal(ofx_hist_record(&h, 3000, &pool), 0);
		assert_int_equal(ofx_hist_record(&h, 20000000000ull, &pool), 0);
		for (unsigned int i = 0; i < OFX_LAT_NBOUNDS; i++)
			bound[i] = ofx_lat_bound_ns(i);
		b->count = h.count;
		b->sum_ns = h.sum;
		ofx_hist_counts_below(&h, bound, OFX_LAT_NBOUNDS, b->below);
		ofx_hist_reset(&h, &pool);
	}
	fx->text = ofx_prom_render(st, v, &info, 2, &fx->len);
	assert_non_null(fx->text);
	assert_int_equal(strlen(fx->text), fx->len);
	parse(fx->text, fx->e);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	ofx_views_put(fx->v);
	free(fx->text);
	free(fx->st);
	free(fx->e);
	free(fx);
	return 0;
}

/* ---- tests ---- */

static void test_families_and_types(void **state)
{
	struct fixture *fx = *state;
	const struct expo *e = fx->e;
	static const struct {
		const char *name, *type;
	} want[] = {
		{"ofxdp_build_info", "gauge"},
		{"ofxdp_start_time_seconds", "gauge"},
		{"ofxdp_messages_total", "counter"},
		{"ofxdp_message_bytes_total", "counter"},
		{"ofxdp_subtype_messages_total", "counter"},
		{"ofxdp_subtype_message_bytes_total", "counter"},
		{"ofxdp_switch_messages_total", "counter"},
		{"ofxdp_switch_message_bytes_total", "counter"},
		{"ofxdp_switch_connections", "gauge"},
		{"ofxdp_switch_info", "gauge"},
		{"ofxdp_metrics_other_switches", "gauge"},
		{"ofxdp_connections", "gauge"},
		{"ofxdp_ring_records_lost_total", "counter"},
		{"ofxdp_kernel_segments_total", "counter"},
		{"ofxdp_tcp_segments_total", "counter"},
		{"ofxdp_response_seconds", "histogram"},
		{"ofxdp_requests_unreplied_total", "counter"},
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct family *f = family_of((struct expo *)e, want[i].name);

		if (!f)
			fail_msg("no family %s", want[i].name);
		assert_string_equal(f->type, want[i].type);
	}
	/* naming rules: the prefix; counters end in _total, nothing else
	 * does */
	for (size_t i = 0; i < e->nf; i++) {
		const char *n = e->f[i].name;
		size_t len = strlen(n);
		bool total = len > 6 && !strcmp(n + len - 6, "_total");

		assert_int_equal(strncmp(n, "ofxdp_", 6), 0);
		if (total != !strcmp(e->f[i].type, "counter"))
			fail_msg("%s is a %s", n, e->f[i].type);
		assert_true(e->f[i].help);
	}
	assert_float_equal(get(e, "ofxdp_build_info", "version=\"test-1\""), 1,
			   0);
	assert_float_equal(get(e, "ofxdp_start_time_seconds", ""), 1700000001.5,
			   1e-6);
}

static void test_messages(void **state)
{
	const struct expo *e = ((struct fixture *)*state)->e;

	assert_float_equal(
		get(e, "ofxdp_messages_total",
		    "version=\"1.3\",direction=\"in\",type=\"OFPT_PACKET_IN\""),
		60, 0);
	assert_float_equal(
		get(e, "ofxdp_message_bytes_total",
		    "version=\"1.3\",direction=\"in\",type=\"OFPT_PACKET_IN\""),
		6000, 0);
	assert_float_equal(get(e, "ofxdp_messages_total",
			       "version=\"1.3\",direction=\"out\",type="
			       "\"OFPT_ECHO_REQUEST\""),
			   3, 0);
	assert_float_equal(
		get(e, "ofxdp_messages_total",
		    "version=\"1.3\",direction=\"in\",type=\"invalid\""),
		2, 0);
	/* zero counts: no series */
	assert_false(has(e, "ofxdp_messages_total",
			 "version=\"1.3\",direction=\"in\",type="
			 "\"OFPT_HELLO\""));
	assert_false(has(e, "ofxdp_messages_total",
			 "version=\"1.0\",direction=\"in\",type="
			 "\"OFPT_PACKET_IN\""));
	/* two entries of one subtype (other details): summed */
	assert_float_equal(get(e, "ofxdp_subtype_messages_total",
			       "version=\"1.3\",direction=\"in\",type="
			       "\"OFPT_PACKET_IN\",subtype=\"OFPR_NO_MATCH\""),
			   60, 0);
	assert_float_equal(get(e, "ofxdp_subtype_message_bytes_total",
			       "version=\"1.3\",direction=\"in\",type="
			       "\"OFPT_PACKET_IN\",subtype=\"OFPR_NO_MATCH\""),
			   6000, 0);
	assert_float_equal(
		get(e, "ofxdp_tcp_segments_total", "direction=\"in\""), 50, 0);
	assert_float_equal(
		get(e, "ofxdp_tcp_payload_bytes_total", "direction=\"in\""),
		6016, 0);
}

/* Every row of the descriptor table has its sample, of its kind, with the
 * unit in the name; rows of a family are adjacent. */
static void test_descriptor_table(void **state)
{
	struct fixture *fx = *state;
	const struct expo *e = fx->e;

	for (size_t i = 0; i < ofx_ncounter_descs; i++) {
		const struct ofx_counter_desc *d = &ofx_counter_descs[i];
		char name[160];
		size_t n = strlen(d->prom);
		struct family *f;

		assert_non_null(d->prom);
		snprintf(name, sizeof(name), "ofxdp_%s%s", d->prom,
			 d->kind == OFX_COUNTER ? "_total" : "");
		f = family_of((struct expo *)e, name);
		if (!f)
			fail_msg("no family %s", name);
		assert_string_equal(f->type, d->kind == OFX_COUNTER ? "counter"
								    : "gauge");
		assert_float_equal(
			get(e, name, d->prom_labels ? d->prom_labels : ""),
			(double)ofx_desc_value(d, fx->st), 0);
		if (!strcmp(d->unit, "bytes") &&
		    (n < 6 || strcmp(d->prom + n - 6, "_bytes")))
			fail_msg("%s counts bytes: want _bytes", name);
		if (n > 6 && !strcmp(d->prom + n - 6, "_total"))
			fail_msg("%s: _total is appended, not written", name);
		/* a family's rows are adjacent (one HELP, one TYPE) */
		for (size_t j = i + 2; j < ofx_ncounter_descs; j++)
			if (!strcmp(ofx_counter_descs[j].prom, d->prom) &&
			    strcmp(ofx_counter_descs[j - 1].prom, d->prom))
				fail_msg("rows of %s not adjacent", d->prom);
		if (d->prom_labels &&
		    (!i || strcmp(ofx_counter_descs[i - 1].prom, d->prom)))
			assert_non_null(d->prom_help);
	}
	assert_float_equal(get(e, "ofxdp_ring_records_lost_total", ""), 7, 0);
	assert_float_equal(
		get(e, "ofxdp_kernel_segments_total", "direction=\"out\""), 11,
		0);
	assert_float_equal(get(e, "ofxdp_connections", "state=\"open\""), 3, 0);
}

/* --metrics-max-switches 2 of 3 switches (and a moved record): two of
 * their own, the third in datapath_id="other". */
static void test_switches_limit(void **state)
{
	const struct expo *e = ((struct fixture *)*state)->e;
	const char *pin =
		"version=\"1.3\",direction=\"in\",type=\"OFPT_PACKET_IN\"";
	char l[256];

	snprintf(l, sizeof(l), "datapath_id=\"0x0000000000000001\",%s", pin);
	assert_float_equal(get(e, "ofxdp_switch_messages_total", l), 10, 0);
	snprintf(l, sizeof(l), "datapath_id=\"0x0000000000000002\",%s", pin);
	assert_float_equal(get(e, "ofxdp_switch_messages_total", l), 20, 0);
	assert_float_equal(get(e, "ofxdp_switch_message_bytes_total", l), 2000,
			   0);
	snprintf(l, sizeof(l), "datapath_id=\"other\",%s", pin);
	assert_float_equal(get(e, "ofxdp_switch_messages_total", l), 30, 0);
	assert_float_equal(get(e, "ofxdp_switch_message_bytes_total", l), 3000,
			   0);
	snprintf(l, sizeof(l), "datapath_id=\"0x0000000000000003\",%s", pin);
	assert_false(has(e, "ofxdp_switch_messages_total", l));
	assert_false(has(e, "ofxdp_switch_messages_total",
			 "datapath_id=\"10.0.0.9\""));
	assert_float_equal(get(e, "ofxdp_metrics_other_switches", ""), 1, 0);
	assert_float_equal(
		get(e, "ofxdp_switch_connections", "datapath_id=\"other\""), 1,
		0);
	/* a name with a quote, a backslash and a line feed, escaped */
	assert_float_equal(get(e, "ofxdp_switch_info",
			       "datapath_id=\"0x0000000000000001\","
			       "name=\"edge \"1\"\\a\nb\""),
			   1, 0);
	assert_non_null(strstr(((struct fixture *)*state)->text,
			       "name=\"edge \\\"1\\\"\\\\a\\nb\""));
}

/* No switch of its own: all in "other"; no views: no switch or latency
 * family at all. */
static void test_switches_none(void **state)
{
	struct fixture *fx = *state;
	struct expo *e = malloc(sizeof(*e));
	size_t len;
	char *t = ofx_prom_render(fx->st, fx->v, &info, 0, &len);

	assert_non_null(e);
	assert_non_null(t);
	parse(t, e);
	assert_float_equal(get(e, "ofxdp_switch_messages_total",
			       "datapath_id=\"other\",version=\"1.3\","
			       "direction=\"in\",type=\"OFPT_PACKET_IN\""),
			   60, 0);
	assert_float_equal(get(e, "ofxdp_metrics_other_switches", ""), 3, 0);
	free(t);
	/* an id with a quote, a backslash and a line feed: escaped */
	snprintf(fx->v->sws[3].id, sizeof(fx->v->sws[3].id), "a\"b\\c\nd");
	t = ofx_prom_render(fx->st, fx->v, &info, 3, &len);
	assert_non_null(t);
	parse(t, e);
	assert_float_equal(get(e, "ofxdp_switch_connections",
			       "datapath_id=\"a\"b\\c\nd\""),
			   1, 0);
	snprintf(fx->v->sws[3].id, sizeof(fx->v->sws[3].id),
		 "0x0000000000000003");
	free(t);
	t = ofx_prom_render(fx->st, NULL, NULL, 2, &len);
	assert_non_null(t);
	parse(t, e);
	assert_false(has(e, "ofxdp_switch_messages_total", NULL));
	assert_false(has(e, "ofxdp_response_seconds_count", NULL));
	assert_float_equal(get(e, "ofxdp_build_info", "version=\"unknown\""), 1,
			   0);
	free(t);
	free(e);
}

static void test_latency_histogram(void **state)
{
	const struct expo *e = ((struct fixture *)*state)->e;
	const char *kf = "kind=\"echo\",from=\"controller\"";
	static const struct {
		const char *le;
		double n;
	} want[] = {
		{"0.000001", 0}, {"0.000002", 1},  {"0.000004", 3},
		{"0.000008", 3}, {"16.777216", 3}, {"+Inf", 4},
	};
	char l[128];
	double prev = 0;
	unsigned int nb = 0;

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		snprintf(l, sizeof(l), "%s,le=\"%s\"", kf, want[i].le);
		assert_float_equal(get(e, "ofxdp_response_seconds_bucket", l),
				   want[i].n, 0);
	}
	/* cumulative, OFX_LAT_NBOUNDS bounds and +Inf, +Inf = _count */
	for (size_t i = 0; i < e->ns; i++) {
		if (strcmp(e->s[i].name, "ofxdp_response_seconds_bucket") ||
		    strncmp(e->s[i].labels, kf, strlen(kf)))
			continue;
		assert_true(e->s[i].value >= prev);
		prev = e->s[i].value;
		nb++;
	}
	assert_int_equal(nb, OFX_LAT_NBOUNDS + 1);
	assert_float_equal(get(e, "ofxdp_response_seconds_count", kf), 4, 0);
	assert_float_equal(get(e, "ofxdp_response_seconds_sum", kf), 20.0000075,
			   1e-9);
	assert_float_equal(get(e, "ofxdp_requests_unreplied_total", kf), 1, 0);
	/* kinds without figures: no series */
	assert_false(has(e, "ofxdp_response_seconds_count",
			 "kind=\"barrier\",from=\"controller\""));
}

/* The bounds are bucket boundaries: counts exact just below and at them. */
static void test_bounds_exact(void **state)
{
	struct ofx_hist h;
	struct ofx_hist_pool pool = {0};
	uint64_t bound[OFX_LAT_NBOUNDS], below[OFX_LAT_NBOUNDS];

	(void)state;
	ofx_hist_init(&h);
	for (unsigned int i = 0; i < OFX_LAT_NBOUNDS; i++) {
		struct ofx_hist_pos lo, at;

		bound[i] = ofx_lat_bound_ns(i);
		lo = ofx_hist_pos_of(bound[i] - 1);
		at = ofx_hist_pos_of(bound[i]);
		/* a bucket starts at the bound */
		assert_int_equal(ofx_hist_bucket_low(at), bound[i]);
		assert_true(lo.chunk != at.chunk || lo.bucket != at.bucket);
		assert_int_equal(ofx_hist_record(&h, bound[i] - 1, &pool), 0);
		assert_int_equal(ofx_hist_record(&h, bound[i], &pool), 0);
	}
	ofx_hist_counts_below(&h, bound, OFX_LAT_NBOUNDS, below);
	/* below bound i: the 2i values recorded at bounds < i, and bound
	 * i - 1 */
	for (unsigned int i = 0; i < OFX_LAT_NBOUNDS; i++)
		assert_int_equal(below[i], 2 * i + 1);
	ofx_hist_reset(&h, &pool);
}

/* Every family of the exposition is named in the README's tables. */
static void test_readme_lists_families(void **state)
{
	const struct expo *e = ((struct fixture *)*state)->e;
	FILE *f = fopen("README.md", "r");
	static char readme[1 << 20];
	size_t n;

	if (!f)
		f = fopen("../../README.md", "r");
	assert_non_null(f);
	n = fread(readme, 1, sizeof(readme) - 1, f);
	readme[n] = '\0';
	fclose(f);
	for (size_t i = 0; i < e->nf; i++) {
		char want[160];

		snprintf(want, sizeof(want), "`%s`", e->f[i].name);
		if (!strstr(readme, want))
			fail_msg("family %s is not in README.md", e->f[i].name);
	}
}

/* promtool, when installed, accepts the text (lint included). */
static void test_promtool(void **state)
{
	struct fixture *fx = *state;
	char path[] = "/tmp/ofxdp-prom-XXXXXX", cmd[128];
	FILE *f;
	int fd, rc;

	if (system("command -v promtool >/dev/null 2>&1")) {
		print_message("promtool not installed: skipped\n");
		skip();
	}
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(fx->text, 1, fx->len, f), fx->len);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "promtool check metrics < %s", path);
	rc = system(cmd);
	unlink(path);
	assert_int_equal(rc, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_families_and_types),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_descriptor_table),
		cmocka_unit_test(test_switches_limit),
		cmocka_unit_test(test_switches_none),
		cmocka_unit_test(test_latency_histogram),
		cmocka_unit_test(test_bounds_exact),
		cmocka_unit_test(test_readme_lists_families),
		cmocka_unit_test(test_promtool),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
