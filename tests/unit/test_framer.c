// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_framer.c - OpenFlow message framing of one in-order byte stream
 * (user/openflow/of_framer.c), with the exact counts the rules in of_framer.h
 * promise: real messages from Ryu's test data (tests/fixtures), split at
 * every kind of boundary, bad headers, resynchronisation and gaps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <inttypes.h>

#include "ofx_test_util.h"
#include "openflow/of_framer.h"

/* ------------------------------------------------------------------ */
/* fixtures */

struct ctx {
	struct of_framer f;
	struct ofx_stats *st;
	struct of_framer_out out;
	struct of_msg last; /* the latest message emitted (data: see below) */
	uint8_t last_data[64]; /* its first bytes */
	bool last_in_place; /* its data pointed into the fed buffer */
	uint64_t whole_sum; /* checksum of every message's caplen bytes */
	uint32_t whole_n; /* messages emitted with caplen == length */
	const uint8_t *fed; /* the buffer being fed, and its end */
	const uint8_t *fed_end;
	unsigned int nmsgs;
};

/* Count like the pipeline and keep the latest message's decode. */
static void emit_keep(void *ctx, uint8_t tag, const struct of_frame *f)
{
	struct ctx *c = ctx;

	ofxt_count_frame(c->st, tag, f);
	c->last = ofxt_msg_from(f, tag);
	c->last_in_place = c->fed && f->data >= c->fed && f->data < c->fed_end;
	memcpy(c->last_data, f->data, f->caplen < 64 ? f->caplen : 64);
	if (f->caplen == (uint32_t)(f->data[2] << 8 | f->data[3])) {
		c->whole_n++;
		for (uint32_t i = 0; i < f->caplen; i++)
			c->whole_sum = c->whole_sum * 31 + f->data[i];
	}
	c->last.data = NULL;
	c->nmsgs++;
}

/* Start @f again (releasing what its last stream held). */
static void ofxt_framer_reinit(struct of_framer *f, uint8_t tag, bool synced)
{
	of_framer_release(f);
	of_framer_init(f, tag, synced);
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return -1;
	c->st = ofxt_stats_new();
	c->out = ofxt_framer_out(c->st);
	c->out.emit = emit_keep;
	c->out.ctx = c;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	of_framer_release(&c->f);
	free(c->st);
	free(c);
	return 0;
}

static void feed(struct ctx *c, const uint8_t *p, size_t len)
{
	c->fed = p;
	c->fed_end = p + len;
	of_framer_feed(&c->f, p, len, 0, &c->out);
	c->fed = c->fed_end = NULL;
}

static void feed_bytewise(struct ctx *c, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		of_framer_feed(&c->f, p + i, 1, 0, &c->out);
}

/* Feed @len bytes in pieces of 1..@maxpiece bytes chosen by xorshift(@seed). */
static void feed_random(struct ctx *c, const uint8_t *p, size_t len,
			uint32_t seed, uint32_t maxpiece)
{
	size_t off = 0;

	while (off < len) {
		size_t n = 1 + ofxt_rng(&seed) % maxpiece;

		if (n > len - off)
			n = len - off;
		of_framer_feed(&c->f, p + off, n, 0, &c->out);
		off += n;
	}
}

static void assert_total(const struct ctx *c, int dir, uint64_t msgs,
			 uint64_t bytes)
{
	assert_int_equal(c->st->msgs.total[dir].msgs, msgs);
	assert_int_equal(c->st->msgs.total[dir].bytes, bytes);
}

static void assert_of(const struct ctx *c, int v, int t, int dir, uint64_t msgs,
		      uint64_t bytes)
{
	assert_int_equal(c->st->msgs.of[v][t][dir].msgs, msgs);
	assert_int_equal(c->st->msgs.of[v][t][dir].bytes, bytes);
}

static uint64_t invalid_msgs(const struct ofx_stats *st)
{
	uint64_t n = 0;

	for (int v = 0; v < OFX_NVERSIONS; v++)
		for (int d = 0; d < OFX_NDIRS; d++)
			n += st->msgs.invalid[v][d].msgs;
	return n;
}

/* ------------------------------------------------------------------ */
/* Ryu message corpus */

struct corpus_dir {
	const char *name;
	uint8_t version;
	unsigned int nfiles; /* files in tests/fixtures (see its README) */
	uint64_t nbytes; /* their total size */
};

static const struct corpus_dir corpus[] = {
	{"of10", 1, 13, 1136},	{"of12", 3, 47, 36869}, {"of13", 4, 104, 31690},
	{"of14", 5, 73, 29133}, {"of15", 6, 76, 6077},
};

struct corpus {
	uint8_t *buf; /* all messages of one version, concatenated */
	size_t len;
	unsigned int nfiles;
	/* expected counts, from each file's header */
	struct ofx_count per_type[OFX_NTYPES];
};

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Load every *.packet of @d, in name order. For each one, @each (if not
 * NULL) is called with the file's bytes before it is appended.
 */
static void load_corpus(const struct corpus_dir *d, struct corpus *out,
			void (*each)(const struct corpus_dir *, const char *,
				     const uint8_t *, size_t, void *),
			void *arg)
{
	char path[512];
	char *names[512];
	unsigned int n = 0;
	struct dirent *de;
	DIR *dir;

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "%s/ryu-packet_data/%s",
		 ofxt_fixture_dir(), d->name);
	dir = opendir(path);
	if (!dir)
		fail_msg("cannot open fixture directory %s (run from the "
			 "repository root or set OFX_FIXTURES)",
			 path);
	while ((de = readdir(dir))) {
		if (!ends_with(de->d_name, ".packet"))
			continue;
		assert_true(n < 512);
		names[n++] = strdup(de->d_name);
	}
	closedir(dir);
	qsort(names, n, sizeof(names[0]), name_cmp);

	for (unsigned int i = 0; i < n; i++) {
		size_t len = 0;
		uint8_t *b;

		snprintf(path, sizeof(path), "%s/ryu-packet_data/%s/%s",
			 ofxt_fixture_dir(), d->name, names[i]);
		b = ofxt_read_file(path, &len);
		if (!b)
			fail_msg("cannot read %s", path);
		/* Fixture sanity: one whole message of this version. */
		assert_true(len >= 8);
		assert_int_equal(b[0], d->version);
		assert_int_equal(((size_t)b[2] << 8 | b[3]), len);
		if (each)
			each(d, names[i], b, len, arg);
		out->buf = realloc(out->buf, out->len + len);
		assert_non_null(out->buf);
		memcpy(out->buf + out->len, b, len);
		out->len += len;
		out->per_type[b[1]].msgs++;
		out->per_type[b[1]].bytes += len;
		free(b);
		free(names[i]);
	}
	out->nfiles = n;
	assert_int_equal(out->nfiles, d->nfiles);
	assert_int_equal(out->len, d->nbytes);
}

/* Each file alone through a fresh synced framer: exactly one message. */
static void one_file(const struct corpus_dir *d, const char *name,
		     const uint8_t *b, size_t len, void *arg)
{
	struct ofx_stats *st = ofxt_stats_new();
	unsigned int *idx = arg;
	int dir = (*idx)++ % 2 ? OFX_DIR_OUT : OFX_DIR_IN;
	struct of_framer f = {0};
	uint8_t type = b[1];

	if (!of_type_valid(d->version, type))
		fail_msg("%s/%s: type %u not valid in version %u", d->name,
			 name, type, d->version);
	struct of_framer_out out = ofxt_framer_out(st);

	of_framer_init(&f, dir, true);
	of_framer_feed(&f, b, len, 0, &out);
	if (st->msgs.total[dir].msgs != 1 || st->msgs.total[dir].bytes != len)
		fail_msg("%s/%s: of_total %" PRIu64 " msgs %" PRIu64
			 " bytes, want 1 msg %zu bytes",
			 d->name, name, st->msgs.total[dir].msgs,
			 st->msgs.total[dir].bytes, len);
	assert_int_equal(st->msgs.of[d->version][type][dir].msgs, 1);
	assert_int_equal(st->msgs.of[d->version][type][dir].bytes, len);
	assert_int_equal(ofxt_of_msgs(st, dir), 1);
	assert_int_equal(ofxt_of_msgs(st, !dir), 0);
	assert_int_equal(st->msgs.total[!dir].msgs, 0);
	assert_int_equal(invalid_msgs(st), 0);
	assert_int_equal(st->of.framing.bad_headers, 0);
	assert_int_equal(st->of.framing.resyncs, 0);
	assert_int_equal(st->of.framing.resync_skipped_bytes, 0);
	of_framer_release(&f);
	assert_int_equal(f.msgs, 1);
	assert_int_equal(f.version, d->version);
	assert_true(f.synced);
	free(st);
}

static void test_ryu_each_file(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
		struct corpus c;
		unsigned int idx = 0;

		load_corpus(&corpus[i], &c, one_file, &idx);
		assert_int_equal(idx, corpus[i].nfiles);
		free(c.buf);
	}
}

/* After feeding a whole corpus: the counts equal the per-file sum. */
static void assert_corpus_counts(const struct ctx *c, const struct corpus *k,
				 uint8_t version, int dir)
{
	for (int t = 0; t < OFX_NTYPES; t++) {
		if (c->st->msgs.of[version][t][dir].msgs !=
			    k->per_type[t].msgs ||
		    c->st->msgs.of[version][t][dir].bytes !=
			    k->per_type[t].bytes)
			fail_msg("v%u type %d: %" PRIu64 " msgs %" PRIu64
				 " bytes, want %" PRIu64 " / %" PRIu64,
				 version, t,
				 c->st->msgs.of[version][t][dir].msgs,
				 c->st->msgs.of[version][t][dir].bytes,
				 k->per_type[t].msgs, k->per_type[t].bytes);
	}
	assert_total(c, dir, k->nfiles, k->len);
	assert_int_equal(ofxt_of_msgs(c->st, dir), k->nfiles);
	assert_int_equal(ofxt_of_bytes(c->st, dir), k->len);
	assert_int_equal(c->st->msgs.total[!dir].msgs, 0);
	assert_int_equal(invalid_msgs(c->st), 0);
	assert_int_equal(c->st->of.framing.bad_headers, 0);
	assert_int_equal(c->f.msgs, k->nfiles);
	assert_int_equal(c->f.version, version);
}

enum feed_mode { ONE_FEED, BYTEWISE, RANDOM_SMALL, RANDOM_LARGE, NMODES };

static void test_ryu_concat(void **state)
{
	struct ctx *c = *state;

	for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
		struct corpus k;

		load_corpus(&corpus[i], &k, NULL, NULL);
		for (int mode = 0; mode < NMODES; mode++) {
			for (int synced = 1; synced >= 0; synced--) {
				ofx_stats_init(c->st);
				ofxt_framer_reinit(&c->f, OFX_DIR_OUT, synced);
				switch (mode) {
				case ONE_FEED:
					feed(c, k.buf, k.len);
					break;
				case BYTEWISE:
					feed_bytewise(c, k.buf, k.len);
					break;
				case RANDOM_SMALL:
					feed_random(c, k.buf, k.len, 12345, 23);
					break;
				case RANDOM_LARGE:
					feed_random(c, k.buf, k.len, 777, 3000);
					break;
				}
				assert_corpus_counts(c, &k, corpus[i].version,
						     OFX_DIR_OUT);
				/* Unsynced start at a real boundary: a
				 * join's search, not a resync; nothing
				 * skipped. */
				assert_int_equal(c->st->of.framing.resyncs, 0);
				assert_int_equal(
					c->st->of.framing.resync_skipped_bytes,
					0);
			}
		}
		free(k.buf);
	}
}

/*
 * The documented resync rule, evaluated on @n bytes at @p (version not yet
 * known): offset @o holds a plausible header and each of its successors,
 * up to 3, that lies within the @n bytes is plausible with the same version.
 */
static bool ref_candidate(const uint8_t *p, size_t n, size_t o)
{
	size_t next;

	if (o + 8 > n || !of_header_plausible(p + o))
		return false;
	next = o + ((size_t)p[o + 2] << 8 | p[o + 3]);
	for (int k = 0; k < 3; k++) {
		if (next + 8 > n)
			return true;
		if (!of_header_plausible(p + next) || p[next] != p[o])
			return false;
		next += (size_t)p[next + 2] << 8 | p[next + 3];
	}
	return true;
}

/*
 * Join each Ryu corpus inside a message (several offsets in every
 * message): where no false candidate precedes the next real boundary, the
 * framer skips exactly up to it and counts every later message.
 */
static void test_ryu_unsynced_join(void **state)
{
	struct ctx *c = *state;
	unsigned int tested = 0, ambiguous = 0;

	for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
		struct corpus k;
		size_t bounds[512], nb = 0, o;

		load_corpus(&corpus[i], &k, NULL, NULL);
		for (o = 0; o < k.len;
		     o += (size_t)k.buf[o + 2] << 8 | k.buf[o + 3])
			bounds[nb++] = o;
		assert_int_equal(nb, k.nfiles);
		for (size_t m = 0; m + 1 < nb; m++) {
			size_t mlen = bounds[m + 1] - bounds[m];
			size_t offs[] = {1, 3, 8, mlen / 2, mlen - 1};

			for (size_t j = 0; j < 5; j++) {
				size_t start = bounds[m] + offs[j];
				size_t b = bounds[m + 1], skip;
				bool clean = true;

				if (offs[j] == 0 || offs[j] >= mlen)
					continue;
				for (o = start; o < b; o++)
					if (ref_candidate(k.buf + start,
							  k.len - start,
							  o - start))
						clean = false;
				if (!clean) {
					ambiguous++;
					continue;
				}
				skip = b - start;
				ofx_stats_init(c->st);
				ofxt_framer_reinit(&c->f, OFX_DIR_IN, false);
				feed(c, k.buf + start, k.len - start);
				if (c->st->of.framing.resync_skipped_bytes !=
					    skip ||
				    c->st->msgs.total[OFX_DIR_IN].msgs !=
					    nb - (m + 1))
					fail_msg("%s: join at %zu: skipped "
						 "%" PRIu64 " msgs %" PRIu64
						 ", want %zu / %zu",
						 corpus[i].name, start,
						 c->st->of.framing
							 .resync_skipped_bytes,
						 c->st->msgs.total[OFX_DIR_IN]
							 .msgs,
						 skip, nb - (m + 1));
				assert_int_equal(
					c->st->msgs.total[OFX_DIR_IN].bytes,
					k.len - b);
				/* a join: no resync */
				assert_int_equal(c->st->of.framing.resyncs, 0);
				assert_int_equal(c->st->of.framing.bad_headers,
						 0);
				tested++;
			}
		}
		free(k.buf);
	}
	print_message("unsynced joins checked: %u (skipped %u with a false "
		      "candidate before the boundary)\n",
		      tested, ambiguous);
	assert_true(tested > 1000);
}

/* All versions in one stream (e.g. a 1.5 HELLO, then 1.3): counted per version. */
static void test_ryu_mixed_versions(void **state)
{
	struct ctx *c = *state;
	struct corpus k[5];
	uint8_t *all = NULL;
	size_t len = 0;
	uint64_t nmsgs = 0;

	for (int i = 0; i < 5; i++) {
		load_corpus(&corpus[i], &k[i], NULL, NULL);
		all = realloc(all, len + k[i].len);
		assert_non_null(all);
		memcpy(all + len, k[i].buf, k[i].len);
		len += k[i].len;
		nmsgs += k[i].nfiles;
	}
	ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
	feed_random(c, all, len, 99, 700);
	assert_total(c, OFX_DIR_IN, nmsgs, len);
	for (int i = 0; i < 5; i++)
		for (int t = 0; t < OFX_NTYPES; t++)
			assert_of(c, corpus[i].version, t, OFX_DIR_IN,
				  k[i].per_type[t].msgs,
				  k[i].per_type[t].bytes);
	assert_int_equal(c->st->of.framing.bad_headers, 0);
	assert_int_equal(c->f.version, 6);
	for (int i = 0; i < 5; i++)
		free(k[i].buf);
	free(all);
}

/* ------------------------------------------------------------------ */
/* synthetic streams */

static void test_many_per_feed(void **state)
{
	struct ctx *c = *state;
	static uint8_t buf[100 * 300];
	size_t off = 0;
	uint64_t bytes = 0, pin = 0, pin_bytes = 0;

	for (int i = 0; i < 100; i++) {
		uint8_t type = i % 3 == 0 ? 10 : (i % 3 == 1 ? 13 : 2);
		uint16_t len = 8 + (i * 37) % 250;

		off += ofxt_msg(buf + off, 4, type, len, i);
		bytes += len;
		if (type == 10) {
			pin++;
			pin_bytes += len;
		}
	}
	ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
	feed(c, buf, off);
	assert_total(c, OFX_DIR_IN, 100, bytes);
	assert_of(c, 4, 10, OFX_DIR_IN, pin, pin_bytes);
	assert_int_equal(c->st->msgs.of[4][13][OFX_DIR_IN].msgs +
				 c->st->msgs.of[4][2][OFX_DIR_IN].msgs,
			 100 - pin);
	assert_int_equal(c->f.msgs, 100);
	assert_int_equal(c->st->of.framing.bad_headers, 0);
	assert_int_equal(c->st->of.framing.resyncs, 0);
}

/* Split inside the header after 1..7 bytes: counted once the 8th arrives. */
static void test_split_in_header(void **state)
{
	struct ctx *c = *state;
	uint8_t buf[64];
	size_t a = ofxt_msg(buf, 4, 10, 24, 1);
	size_t b = ofxt_msg(buf + a, 4, 2, 8, 2);

	for (size_t k = 1; k <= 7; k++) {
		ofx_stats_init(c->st);
		ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
		feed(c, buf, k);
		assert_total(c, OFX_DIR_IN, 0, 0);
		feed(c, buf + k, 8 - k);
		/* emitted when its last byte is fed, not at its header */
		assert_total(c, OFX_DIR_IN, 0, 0);
		feed(c, buf + 8, a + b - 8);
		assert_total(c, OFX_DIR_IN, 2, 32);
		assert_of(c, 4, 10, OFX_DIR_IN, 1, 24);
		assert_of(c, 4, 2, OFX_DIR_IN, 1, 8);

		/* Second message's header split k / 8-k too. */
		ofx_stats_init(c->st);
		ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
		feed(c, buf, a + k);
		assert_total(c, OFX_DIR_IN, 1, 24);
		feed(c, buf + a + k, b - k);
		assert_total(c, OFX_DIR_IN, 2, 32);
		assert_int_equal(c->st->of.framing.bad_headers, 0);
		assert_int_equal(c->st->of.framing.resyncs, 0);
	}
}

static void test_split_in_body(void **state)
{
	struct ctx *c = *state;
	uint8_t buf[200];
	size_t a = ofxt_msg(buf, 1, 17, 100, 1); /* 1.0 STATS_REPLY */
	size_t b = ofxt_msg(buf + a, 1, 18, 8, 2); /* 1.0 BARRIER_REQUEST */

	ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
	feed(c, buf, 8);
	assert_total(c, OFX_DIR_IN, 0, 0);
	feed(c, buf + 8, 50);
	assert_total(c, OFX_DIR_IN, 0, 0);
	feed(c, buf + 58, 41);
	assert_total(c, OFX_DIR_IN, 0, 0);
	feed(c, buf + 99, 1 + 3); /* last body byte + 3 header bytes */
	assert_total(c, OFX_DIR_IN, 1, 100);
	feed(c, buf + 103, a + b - 103);
	assert_total(c, OFX_DIR_IN, 2, 108);
	assert_of(c, 1, 17, OFX_DIR_IN, 1, 100);
	assert_of(c, 1, 18, OFX_DIR_IN, 1, 8);
	assert_int_equal(c->st->msgs.of[1][20][OFX_DIR_IN].msgs, 0);
	assert_int_equal(c->st->of.framing.partial_msgs, 0);
}

static void test_max_length_message(void **state)
{
	struct ctx *c = *state;
	size_t len = 65535 + 8 + 16;
	uint8_t *buf = malloc(len);
	size_t a, b, off;

	assert_non_null(buf);
	a = ofxt_msg(buf, 4, 19, 65535, 7); /* MULTIPART_REPLY */
	b = ofxt_msg(buf + a, 4, 2, 8, 8);
	b += ofxt_msg(buf + a + b, 4, 3, 16, 9);
	ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
	for (off = 0; off < a + b; off += 1460)
		feed(c, buf + off, a + b - off < 1460 ? a + b - off : 1460);
	assert_total(c, OFX_DIR_IN, 3, 65535 + 8 + 16);
	assert_of(c, 4, 19, OFX_DIR_IN, 1, 65535);
	assert_of(c, 4, 2, OFX_DIR_IN, 1, 8);
	assert_of(c, 4, 3, OFX_DIR_IN, 1, 16);
	assert_int_equal(c->st->of.framing.bad_headers, 0);

	/* Same in one feed. */
	ofx_stats_init(c->st);
	ofxt_framer_reinit(&c->f, OFX_DIR_OUT, true);
	feed(c, buf, a + b);
	assert_total(c, OFX_DIR_OUT, 3, 65535 + 8 + 16);
	assert_of(c, 4, 19, OFX_DIR_OUT, 1, 65535);
	free(buf);
}

static void test_invalid_type(void **state)
{
	struct ctx *c = *state;
	uint8_t buf[512];
	size_t off = 0;

	off += ofxt_msg(buf + off, 1, 22, 16, 1); /* 1.0: max 21 */
	off += ofxt_msg(buf + off, 1, 0, 8, 2);
	off += ofxt_msg(buf + off, 5, 23, 12, 3); /* 1.4: 22/23 unused */
	off += ofxt_msg(buf + off, 4, 200, 100, 4);
	off += ofxt_msg(buf + off, 6, 36, 20, 5); /* 1.5: max 35 */
	off += ofxt_msg(buf + off, 6, 35, 24, 6); /* CONTROLLER_STATUS */
	ofxt_framer_reinit(&c->f, OFX_DIR_OUT, true);
	feed(c, buf, off);

	assert_total(c, OFX_DIR_OUT, 6, 16 + 8 + 12 + 100 + 20 + 24);
	assert_int_equal(c->st->msgs.invalid[1][OFX_DIR_OUT].msgs, 1);
	assert_int_equal(c->st->msgs.invalid[1][OFX_DIR_OUT].bytes, 16);
	assert_int_equal(c->st->msgs.invalid[5][OFX_DIR_OUT].msgs, 1);
	assert_int_equal(c->st->msgs.invalid[5][OFX_DIR_OUT].bytes, 12);
	assert_int_equal(c->st->msgs.invalid[4][OFX_DIR_OUT].msgs, 1);
	assert_int_equal(c->st->msgs.invalid[4][OFX_DIR_OUT].bytes, 100);
	assert_int_equal(c->st->msgs.invalid[6][OFX_DIR_OUT].msgs, 1);
	assert_int_equal(c->st->msgs.invalid[6][OFX_DIR_OUT].bytes, 20);
	assert_int_equal(invalid_msgs(c->st), 4);
	assert_of(c, 1, 0, OFX_DIR_OUT, 1, 8);
	assert_of(c, 6, 35, OFX_DIR_OUT, 1, 24);
	assert_int_equal(ofxt_of_msgs(c->st, OFX_DIR_OUT), 2);
	/* invalid types are still messages: no bad header, no resync */
	assert_int_equal(c->st->of.framing.bad_headers, 0);
	assert_int_equal(c->st->of.framing.resyncs, 0);
	assert_int_equal(c->f.msgs, 6);
	assert_true(c->f.synced);
}

/*
 * [A 8][bad header + filler][B 8][C 8]: the bad header is not a message;
 * the search restarts at its second byte and passes over the rest of the
 * bad bytes (none of them starts a plausible header). Stream bytes that
 * are not part of a counted message and were not lost in a gap count as
 * skipped, so the dropped first byte does too: resync_skipped_bytes = all
 * the bad bytes.
 */
static void check_bad_header(struct ctx *c, const uint8_t *bad, size_t badlen,
			     size_t split)
{
	uint8_t buf[128];
	size_t off = 0;

	off += ofxt_msg(buf + off, 4, 0, 8, 1);
	memcpy(buf + off, bad, badlen);
	off += badlen;
	off += ofxt_msg(buf + off, 4, 2, 8, 2);
	off += ofxt_msg(buf + off, 4, 3, 8, 3);

	ofx_stats_init(c->st);
	ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
	if (split) {
		feed(c, buf, split);
		feed(c, buf + split, off - split);
	} else {
		feed(c, buf, off);
	}
	assert_int_equal(c->st->of.framing.bad_headers, 1);
	assert_total(c, OFX_DIR_IN, 3, 24);
	assert_of(c, 4, 0, OFX_DIR_IN, 1, 8);
	assert_of(c, 4, 2, OFX_DIR_IN, 1, 8);
	assert_of(c, 4, 3, OFX_DIR_IN, 1, 8);
	assert_int_equal(invalid_msgs(c->st), 0);
	assert_int_equal(c->st->of.framing.resyncs, 1);
	assert_int_equal(c->st->of.framing.resync_skipped_bytes, badlen);
	assert_true(c->f.synced);
}

static void test_bad_version(void **state)
{
	uint8_t bad[16] = {0x09, 0x00, 0x00, 0x10};

	for (size_t split = 0; split < 40; split += 3)
		check_bad_header(*state, bad, sizeof(bad), split);
	/* version 0 and 7, length 8 */
	uint8_t bad0[8] = {0x00, 0x00, 0x00, 0x08};
	uint8_t bad7[8] = {0x07, 0x00, 0x00, 0x08};

	check_bad_header(*state, bad0, sizeof(bad0), 0);
	check_bad_header(*state, bad7, sizeof(bad7), 11);
}

static void test_bad_length(void **state)
{
	/* version 4 HELLO with length 4 (< 8), then 4 more zero bytes */
	uint8_t bad[8] = {0x04, 0x00, 0x00, 0x04};
	uint8_t bad0[8] = {0x01, 0x02, 0x00, 0x00};

	for (size_t split = 0; split < 32; split++)
		check_bad_header(*state, bad, sizeof(bad), split);
	check_bad_header(*state, bad0, sizeof(bad0), 0);
}

/* Stream joined 37 bytes before the end of a message. */
static size_t build_midstream(uint8_t *buf, size_t junk)
{
	size_t off = junk;

	memset(buf, 0, junk); /* tail of a body: never plausible */
	off += ofxt_msg(buf + off, 4, 10, 60, 1);
	off += ofxt_msg(buf + off, 4, 13, 40, 2);
	off += ofxt_msg(buf + off, 4, 2, 8, 3);
	return off;
}

static void check_midstream(struct ctx *c, size_t junk)
{
	assert_total(c, OFX_DIR_IN, 3, 108);
	assert_of(c, 4, 10, OFX_DIR_IN, 1, 60);
	assert_of(c, 4, 13, OFX_DIR_IN, 1, 40);
	assert_of(c, 4, 2, OFX_DIR_IN, 1, 8);
	assert_int_equal(c->st->of.framing.resyncs, 0); /* a join */
	assert_int_equal(c->st->of.framing.resync_skipped_bytes, junk);
	assert_int_equal(c->st->of.framing.bad_headers, 0);
	assert_true(c->f.synced);
}

static void test_unsynced_midstream(void **state)
{
	struct ctx *c = *state;
	uint8_t buf[256];
	size_t junk, len;

	for (junk = 0; junk <= 37; junk += 37) {
		len = build_midstream(buf, junk);

		ofx_stats_init(c->st);
		ofxt_framer_reinit(&c->f, OFX_DIR_IN, false);
		feed(c, buf, len);
		check_midstream(c, junk);

		ofx_stats_init(c->st);
		ofxt_framer_reinit(&c->f, OFX_DIR_IN, false);
		feed_bytewise(c, buf, len);
		check_midstream(c, junk);

		for (uint32_t seed = 1; seed < 20; seed++) {
			ofx_stats_init(c->st);
			ofxt_framer_reinit(&c->f, OFX_DIR_IN, false);
			feed_random(c, buf, len, seed, 30);
			check_midstream(c, junk);
		}
	}
}

/*
 * A plausible-looking header inside the junk whose successor is not
 * plausible is rejected (the successor lies in the bytes at hand).
 */
static void test_unsynced_false_candidate(void **state)
{
	struct ctx *c = *state;
	uint8_t buf[256];
	size_t len;

	len = build_midstream(buf, 20);
	/* v1.3 HELLO, length 12: successor at +12 is zeros. */
	ofxt_hdr(buf, 4, 0, 12, 0);
	ofxt_framer_reinit(&c->f, OFX_DIR_IN, false);
	feed(c, buf, len);
	check_midstream(c, 20);
}

/* A candidate whose plausible successor has another version is rejected. */
static void test_unsynced_version_mismatch(void **state)
{
	struct ctx *c = *state;
	uint8_t buf[256];
	size_t off = 0;

	memset(buf, 0, sizeof(buf));
	ofxt_hdr(buf, 4, 0, 12, 0); /* fake 1.3 header, next at 12 */
	off = 12;
	off += ofxt_msg(buf + off, 1, 2, 8, 1); /* real 1.0 stream */
	off += ofxt_msg(buf + off, 1, 10, 30, 2);
	off += ofxt_msg(buf + off, 1, 3, 8, 3);
	ofxt_framer_reinit(&c->f, OFX_DIR_OUT, false);
	feed(c, buf, off);
	assert_total(c, OFX_DIR_OUT, 3, 46);
	assert_of(c, 1, 2, OFX_DIR_OUT, 1, 8);
	assert_of(c, 1, 10, OFX_DIR_OUT, 1, 30);
	assert_of(c, 1, 3, OFX_DIR_OUT, 1, 8);
	assert_of(c, 4, 0, OFX_DIR_OUT, 0, 0);
	assert_int_equal(c->st->of.framing.resyncs, 0); /* a join */
	assert_int_equal(c->st->of.framing.resync_skipped_bytes, 12);
}

/*
 * A mid-stream join locks on a false 1.0 HELLO whose length lands inside
 * the real 1.3 stream: that one false header must not stop the search
 * from taking 1.3 headers afterwards.
 */
static void test_false_lock_no_version_lockout(void **state)
{
	struct ctx *c = *state;
	uint8_t a[16], b[512];
	size_t off = 0;
	int i;

	/* xids of 0xf0 bytes: no false candidate inside the real stream */
	memset(a, 0xaa, sizeof(a));
	ofxt_hdr(a + 8, 1, 0, 61, 1); /* fake 1.0 HELLO, 61 bytes */
	for (i = 0; i < 64; i++)
		off += ofxt_msg(b + off, 4, 2, 8, 0xf0f0f0f0);
	ofxt_framer_reinit(&c->f, OFX_DIR_IN, false);
	feed(c, a, sizeof(a));
	/* 53 body bytes skipped: byte 5 of the 7th ECHO is no header. */
	feed(c, b, off);
	assert_of(c, 1, 0, OFX_DIR_IN, 1, 61);
	assert_true(c->f.synced);
	assert_of(c, 4, 2, OFX_DIR_IN, 57, 57 * 8);
}

/* HELLO carries the sender's highest version (1.5), then 1.3 is used: a
 * gap right after the HELLO must not tie the search to 1.5. */
static void test_hello_version_not_trusted(void **state)
{
	struct ctx *c = *state;
	uint8_t h[8], b[256];
	size_t off = 0;
	int i;

	ofxt_msg(h, 6, 0, 8, 1);
	for (i = 0; i < 20; i++)
		off += ofxt_msg(b + off, 4, 2, 8, 0xf0f0f0f0);
	ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
	feed(c, h, sizeof(h));
	of_framer_gap(&c->f, 5, 0, &c->out);
	assert_false(c->f.synced);
	feed(c, b + 3, off - 3); /* joins 3 bytes into an ECHO_REQUEST */
	assert_true(c->f.synced);
	assert_of(c, 4, 2, OFX_DIR_IN, 19, 19 * 8);
	assert_int_equal(c->st->of.framing.resync_skipped_bytes, 5);
}

/* After 4 messages in a row of 1.3, a resync skips a chain of plausible
 * 1.0 headers and takes the 1.3 stream behind it. */
static void test_trusted_version_filters(void **state)
{
	struct ctx *c = *state;
	uint8_t b[256];
	size_t off = 0, start;
	int i;

	for (i = 0; i < 4; i++)
		off += ofxt_msg(b + off, 4, 2, 8, i);
	ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
	feed(c, b, off);
	of_framer_gap(&c->f, 3, 0, &c->out);
	start = off;
	for (i = 0; i < 3; i++)
		off += ofxt_msg(b + off, 1, 2, 8, 0x300 + i);
	for (i = 0; i < 8; i++)
		off += ofxt_msg(b + off, 4, 3, 8, 0x400 + i);
	feed(c, b + start, off - start);
	assert_of(c, 1, 2, OFX_DIR_IN, 0, 0);
	assert_of(c, 4, 3, OFX_DIR_IN, 8, 64);
	assert_int_equal(c->st->of.framing.resync_skipped_bytes, 24);
}

/* After 4 messages in a row of 1.3, a resync takes no HELLO: a 1.3 HELLO
 * header with nothing after it at hand (a false lock in a body after a
 * gap: tiny_ring_xdp counted such HELLOs of 2-6 KB) is skipped, the
 * ECHO_REQUESTs behind it are taken. */
static void test_trusted_no_hello(void **state)
{
	struct ctx *c = *state;
	uint8_t b[256];
	size_t off = 0, start;
	int i;

	for (i = 0; i < 4; i++)
		off += ofxt_msg(b + off, 4, 2, 8, i);
	ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
	feed(c, b, off);
	of_framer_gap(&c->f, 3, 0, &c->out);
	start = off;
	memset(b + off, 0xf0, 3);
	ofxt_hdr(b + off + 3, 4, 0, 2871, 7); /* "HELLO", length 2871 */
	off += 11;
	feed(c, b + start, off - start);
	assert_false(c->f.synced);
	start = off;
	for (i = 0; i < 2; i++)
		off += ofxt_msg(b + off, 4, 2, 8, 0x400 + i);
	feed(c, b + start, off - start);
	assert_of(c, 4, 0, OFX_DIR_IN, 0, 0);
	assert_of(c, 4, 2, OFX_DIR_IN, 6, 48);
	assert_true(c->f.synced);
}

static void test_gap_in_body(void **state)
{
	struct ctx *c = *state;
	uint8_t buf[1100];
	size_t a = ofxt_msg(buf, 4, 19, 1000, 1);
	size_t b = ofxt_msg(buf + a, 4, 2, 8, 2);

	ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
	feed(c, buf, 108);
	assert_total(c, OFX_DIR_IN, 0, 0); /* not complete yet */
	of_framer_gap(&c->f, 500, 0, &c->out);
	assert_true(c->f.synced);
	assert_int_equal(c->st->of.framing.partial_msgs, 1);
	of_framer_gap(&c->f, 100, 0, &c->out); /* same message: counted once */
	assert_int_equal(c->st->of.framing.partial_msgs, 1);
	assert_true(c->f.synced);
	feed(c, buf + 708, a + b - 708);
	/* bytes seen only: 1000 less the 600 lost */
	assert_total(c, OFX_DIR_IN, 2, 408);
	assert_of(c, 4, 19, OFX_DIR_IN, 1, 400);
	/* the partial message kept its first bytes (before the gap) */
	assert_int_equal(c->nmsgs, 2);
	assert_of(c, 4, 2, OFX_DIR_IN, 1, 8);
	assert_int_equal(c->st->of.framing.partial_msgs, 1);
	assert_int_equal(c->st->of.framing.resyncs, 0);
	assert_int_equal(c->st->of.framing.resync_skipped_bytes, 0);
	assert_int_equal(c->st->of.framing.bad_headers, 0);
	assert_true(c->f.synced);
}

/* Gap of exactly the rest of the body: still synced on the next header. */
static void test_gap_to_body_end(void **state)
{
	struct ctx *c = *state;
	uint8_t buf[300];
	size_t a = ofxt_msg(buf, 4, 14, 200, 1);
	size_t b = ofxt_msg(buf + a, 4, 14, 80, 2);

	ofxt_framer_reinit(&c->f, OFX_DIR_OUT, true);
	feed(c, buf, 8);
	of_framer_gap(&c->f, 192, 0, &c->out);
	assert_true(c->f.synced);
	assert_int_equal(c->st->of.framing.partial_msgs, 1);
	/* the gap ended the first message: emitted then, partial, with
	 * the 8 bytes seen of it */
	assert_total(c, OFX_DIR_OUT, 1, 8);
	assert_true(c->last.flags & OF_FRAME_PARTIAL);
	feed(c, buf + a, 18);
	assert_total(c, OFX_DIR_OUT, 1, 8);
	/* a second message with its own gap counts again */
	of_framer_gap(&c->f, 10, 0, &c->out);
	assert_true(c->f.synced);
	assert_int_equal(c->st->of.framing.partial_msgs, 2);
	feed(c, buf + a + 28, b - 28);
	ofxt_msg(buf, 4, 2, 8, 3);
	feed(c, buf, 8);
	assert_total(c, OFX_DIR_OUT, 3, 8 + 70 + 8);
	assert_of(c, 4, 14, OFX_DIR_OUT, 2, 78);
	assert_of(c, 4, 2, OFX_DIR_OUT, 1, 8);
	assert_int_equal(c->st->of.framing.partial_msgs, 2);
	assert_int_equal(c->st->of.framing.resyncs, 0);
	assert_true(c->f.synced);
}

static void test_gap_beyond_body(void **state)
{
	struct ctx *c = *state;
	uint8_t buf[300];
	uint8_t more[256];
	size_t len;

	ofxt_msg(buf, 4, 10, 200, 1);
	ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
	feed(c, buf, 50);
	assert_total(c, OFX_DIR_IN, 0, 0);
	of_framer_gap(&c->f, 300, 0, &c->out); /* body_left was 150 */
	assert_false(c->f.synced);
	/* the message lost its end: emitted now, once, with the 50 bytes
	 * seen (never the 200 its header claims) */
	assert_total(c, OFX_DIR_IN, 1, 50);
	assert_int_equal(c->last.flags &
				 (OF_FRAME_PARTIAL | OF_FRAME_TRUNCATED),
			 OF_FRAME_PARTIAL | OF_FRAME_TRUNCATED);
	assert_int_equal(c->last.caplen, 50);
	/* resumes 20 bytes before the next message: 60 + 40 + 8 */
	len = build_midstream(more, 20);
	feed(c, more, len);
	assert_total(c, OFX_DIR_IN, 4, 50 + 108);
	assert_of(c, 4, 10, OFX_DIR_IN, 2, 110);
	assert_of(c, 4, 13, OFX_DIR_IN, 1, 40);
	assert_of(c, 4, 2, OFX_DIR_IN, 1, 8);
	assert_int_equal(c->st->of.framing.resyncs, 1);
	assert_int_equal(c->st->of.framing.resync_skipped_bytes, 20);
	assert_true(c->f.synced);
}

static void test_gap_in_header(void **state)
{
	struct ctx *c = *state;
	uint8_t buf[300];
	size_t len;

	ofxt_msg(buf, 4, 10, 200, 1);
	ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
	feed(c, buf, 5);
	of_framer_gap(&c->f, 10, 0, &c->out);
	assert_false(c->f.synced);
	len = build_midstream(buf, 0);
	feed(c, buf, len);
	/* the message whose header was cut is never counted */
	assert_total(c, OFX_DIR_IN, 3, 108);
	assert_int_equal(c->st->of.framing.resyncs, 1);
	assert_int_equal(c->st->of.framing.partial_msgs, 0);
	assert_true(c->f.synced);
}

/* A gap at a message boundary is "not inside a body": resync. */
static void test_gap_at_boundary(void **state)
{
	struct ctx *c = *state;
	uint8_t buf[300];
	size_t a = ofxt_msg(buf, 4, 10, 40, 1);
	size_t len;

	ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
	feed(c, buf, a);
	of_framer_gap(&c->f, 50, 0, &c->out);
	assert_false(c->f.synced);
	len = build_midstream(buf, 0);
	feed(c, buf, len);
	assert_total(c, OFX_DIR_IN, 4, 148);
	assert_int_equal(c->st->of.framing.resyncs, 1);
	assert_int_equal(c->st->of.framing.resync_skipped_bytes, 0);
	assert_int_equal(c->st->of.framing.partial_msgs, 0);
}

static void check_dpid_file(struct ctx *c, const char *rel, uint8_t version,
			    uint64_t dpid)
{
	char path[512];
	size_t len = 0;
	uint8_t *b;

	snprintf(path, sizeof(path), "%s/ryu-packet_data/%s",
		 ofxt_fixture_dir(), rel);
	b = ofxt_read_file(path, &len);
	if (!b)
		fail_msg("cannot read %s", path);
	for (size_t split = 1; split <= 17; split++) {
		ofx_stats_init(c->st);
		ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
		c->nmsgs = 0;
		feed(c, b, split);
		assert_int_equal(c->nmsgs, 0);
		feed(c, b + split, len - split);
		assert_int_equal(c->nmsgs, 1);
		assert_true(c->last.dec.has_dpid);
		assert_int_equal(c->last.dec.datapath_id, dpid);
		assert_int_equal(c->f.version, version);
		assert_of(c, version, 6, OFX_DIR_IN, 1, len);
	}
	free(b);
}

static void test_datapath_id(void **state)
{
	struct ctx *c = *state;
	uint8_t buf[64];

	check_dpid_file(c, "of10/1-6-ofp_switch_features.packet", 1,
			0x000000ff12345678ull);
	check_dpid_file(c, "of13/4-6-ofp_features_reply.packet", 4,
			0x000008606e7f74e7ull);
	check_dpid_file(c, "of13/libofproto-OFP13-features_reply.packet", 4, 1);
	check_dpid_file(c, "of15/libofproto-OFP15-features_reply.packet", 6, 1);

	/* synthetic, byte by byte, dpid with the top bit set */
	ofxt_msg(buf, 4, 6, 32, 9);
	for (int i = 0; i < 8; i++)
		buf[8 + i] = 0xf1 + i;
	ofx_stats_init(c->st);
	ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
	feed_bytewise(c, buf, 32);
	assert_true(c->last.dec.has_dpid);
	assert_int_equal(c->last.dec.datapath_id, 0xf1f2f3f4f5f6f7f8ull);

	/* Same bytes in a non-FEATURES_REPLY (PACKET_IN): no dpid. */
	buf[1] = 10;
	ofx_stats_init(c->st);
	ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
	feed(c, buf, 32);
	assert_false(c->last.dec.has_dpid);
	assert_of(c, 4, 10, OFX_DIR_IN, 1, 32);
}

/* A message wholly in one feed is emitted in place, whole; one that spans
 * feeds from a copy of the bytes the decoders need. */
static void test_emit_in_place_or_peek(void **state)
{
	struct ctx *c = *state;
	uint8_t buf[1100];
	size_t a = ofxt_msg(buf, 4, 19, 1000, 1); /* MULTIPART_REPLY */
	size_t b = ofxt_msg(buf + a, 4, 2, 8, 2);

	buf[9] = 13; /* OFPMP_PORT_DESC */
	buf[23] = 0x5a;
	ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
	feed(c, buf, a + b);
	assert_int_equal(c->nmsgs, 2);
	assert_true(c->last_in_place);
	assert_int_equal(c->last.caplen, 8);
	c->nmsgs = 0;
	feed(c, buf, 500);
	assert_int_equal(c->nmsgs, 0);
	feed(c, buf + 500, a - 500);
	assert_int_equal(c->nmsgs, 1);
	assert_false(c->last_in_place);
	assert_int_equal(c->last.caplen, of_peek_len(4, 19));
	assert_memory_equal(c->last_data, buf, of_peek_len(4, 19));
	assert_int_equal(c->last.length, 1000);
	assert_int_equal(c->last.dec.sub, 13);
	assert_int_equal(c->last.flags, 0);
}

/* With a struct of_whole budget, a message that spans feeds is emitted
 * whole, bytes equal, however the stream is cut; a gap in it, or a spent
 * budget, gives the first bytes only (denied counted); nothing is left
 * charged after. */
static void test_whole_messages(void **state)
{
	struct ctx *c = *state;
	struct of_whole w = {.max = 1 << 20};
	static uint8_t buf[60000];
	uint64_t want = 0;
	size_t n = 0, i, k, sizes[] = {8, 1000, 65535, 300, 20000, 9};

	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t m = ofxt_msg(buf + n, 4, 19,
				    sizes[k] > 30000 ? 30000 : sizes[k],
				    (uint32_t)k);

		for (i = 8; i < m; i++)
			buf[n + i] = (uint8_t)(i * 7 + k);
		buf[n + 9] = 13;
		n += m;
	}
	for (i = 0; i < n;) {
		uint32_t len = (uint32_t)(buf[i + 2] << 8 | buf[i + 3]);

		for (uint32_t j = 0; j < len; j++)
			want = want * 31 + buf[i + j];
		i += len;
	}
	c->out.whole = &w;
	for (uint32_t seed = 1; seed <= 20; seed++) {
		ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
		c->whole_sum = 0;
		c->whole_n = 0;
		feed_random(c, buf, n, seed, seed < 10 ? 700 : 3);
		assert_int_equal(c->whole_n, 6);
		assert_true(c->whole_sum == want);
		assert_int_equal(w.used, 0);
		assert_int_equal(w.denied, 0);
	}
	/* a gap inside the big message: emitted partial, not whole */
	ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
	c->whole_n = 0;
	feed(c, buf, 1100);
	of_framer_gap(&c->f, 100, 0, &c->out);
	feed(c, buf + 1200, 31008 - 1200);
	assert_int_equal(c->whole_n, 2);
	assert_true(c->last.flags & OF_FRAME_PARTIAL);
	assert_int_equal(c->last.caplen, of_peek_len(4, 19));
	assert_int_equal(w.used, 0);
	/* budget spent: first bytes only, counted */
	w.max = 5000;
	ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
	c->whole_n = 0;
	feed(c, buf, 5000);
	feed(c, buf + 5000, n - 5000);
	assert_int_equal(c->whole_n, 5);
	assert_int_equal(w.denied, 1);
	assert_int_equal(w.used, 0);
	/* the end of the stream releases a message being filled */
	w.max = 1 << 20;
	ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
	feed(c, buf, 3000);
	assert_int_not_equal(w.used, 0);
	of_framer_end(&c->f, 0, &c->out);
	assert_int_equal(w.used, 0);
}

/* The end of a stream emits the message it cut, once, flagged. */
static void test_end_emits_cut_message(void **state)
{
	struct ctx *c = *state;
	uint8_t buf[100];

	ofxt_msg(buf, 1, 17, 100, 1);
	ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
	feed(c, buf, 18);
	assert_int_equal(c->nmsgs, 0);
	of_framer_end(&c->f, 7, &c->out);
	assert_int_equal(c->nmsgs, 1);
	assert_true(c->last.flags & OF_FRAME_TRUNCATED);
	assert_int_equal(c->last.caplen, 18);
	assert_int_equal(c->last.ts_ns, 7);
	assert_total(c, OFX_DIR_IN, 1, 18); /* the bytes seen */
	of_framer_end(&c->f, 8, &c->out);
	assert_int_equal(c->nmsgs, 1);
}

/* ------------------------------------------------------------------ */
/* TLS */

struct tls_count {
	unsigned int calls;
	uint64_t records;
	uint64_t bytes;
};

static struct tls_count tls_seen;

static void count_tls(void *ctx, uint8_t tag, uint32_t records, uint64_t bytes,
		      uint64_t ts_ns)
{
	(void)ctx;
	(void)tag;
	(void)ts_ns;
	tls_seen.calls++;
	tls_seen.records += records;
	tls_seen.bytes += bytes;
}

/* Records of every type and version 3.0-3.4, lengths 0 to the maximum. */
static size_t tls_stream(uint8_t *p, unsigned int *nrec)
{
	static const uint16_t lens[] = {512, 0, 1, 4, 18432, 300, 7, 16384};
	uint32_t seed = 4242;
	size_t n = 0;

	*nrec = 0;
	for (unsigned int i = 0; i < 8; i++) {
		p[n] = i ? (uint8_t)(20 + i % 4) : 22;
		p[n + 1] = 3;
		p[n + 2] = (uint8_t)(i % 5);
		p[n + 3] = (uint8_t)(lens[i] >> 8);
		p[n + 4] = (uint8_t)lens[i];
		n += 5;
		for (unsigned int k = 0; k < lens[i]; k++)
			p[n++] = (uint8_t)ofxt_rng(&seed);
		(*nrec)++;
	}
	return n;
}

/* A stream that starts with a TLS handshake record: no message, every
 * record and byte reported, however it is cut into feeds. */
static void test_tls_records(void **state)
{
	struct ctx *c = *state;
	static uint8_t buf[64 << 10];
	unsigned int nrec;
	size_t len = tls_stream(buf, &nrec);

	c->out.tls = count_tls;
	for (int mode = 0; mode < NMODES; mode++) {
		memset(&tls_seen, 0, sizeof(tls_seen));
		ofx_stats_init(c->st);
		c->nmsgs = 0;
		ofxt_framer_reinit(&c->f, OFX_DIR_OUT, true);
		switch (mode) {
		case ONE_FEED:
			feed(c, buf, len);
			break;
		case BYTEWISE:
			feed_bytewise(c, buf, len);
			break;
		case RANDOM_SMALL:
			feed_random(c, buf, len, 5, 9);
			break;
		case RANDOM_LARGE:
			feed_random(c, buf, len, 6, 3000);
			break;
		}
		of_framer_end(&c->f, 0, &c->out);
		assert_int_equal(c->f.mode, OF_MODE_TLS);
		assert_int_equal(c->nmsgs, 0);
		assert_int_equal(tls_seen.records, nrec);
		assert_int_equal(tls_seen.bytes, len);
		assert_int_equal(c->f.tls_records, nrec);
		assert_int_equal(c->st->of.framing.tls_bad_records, 0);
		assert_int_equal(c->st->of.framing.bad_headers, 0);
		assert_true(tls_seen.calls >= 1);
	}
	/* without a SYN (joined mid-stream) the first bytes say nothing */
	memset(&tls_seen, 0, sizeof(tls_seen));
	ofxt_framer_reinit(&c->f, OFX_DIR_OUT, false);
	feed(c, buf, 5 + 512);
	assert_int_equal(c->f.mode, OF_MODE_OPENFLOW);
	assert_int_equal(tls_seen.calls, 0);
}

/* Not TLS: 0x16 0x03 0x05+ or 0x17 first; an OpenFlow stream cut into
 * 1-byte feeds before its first message is still OpenFlow. */
static void test_tls_detect_only_handshake(void **state)
{
	struct ctx *c = *state;
	uint8_t buf[64];
	size_t n;

	c->out.tls = count_tls;
	memset(&tls_seen, 0, sizeof(tls_seen));
	buf[0] = 22;
	buf[1] = 3;
	buf[2] = 5;
	ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
	feed(c, buf, 3);
	assert_int_equal(c->f.mode, OF_MODE_OPENFLOW);
	buf[0] = 23;
	buf[2] = 3;
	ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
	feed(c, buf, 3);
	assert_int_equal(c->f.mode, OF_MODE_OPENFLOW);
	assert_int_equal(tls_seen.calls, 0);

	ofx_stats_init(c->st);
	n = ofxt_msg(buf, 4, 0, 8, 1);
	n += ofxt_msg(buf + n, 4, 2, 8, 2);
	ofxt_framer_reinit(&c->f, OFX_DIR_IN, true);
	feed(c, buf, 1);
	feed(c, buf + 1, 1);
	assert_int_equal(c->f.mode, OF_MODE_START);
	feed(c, buf + 2, n - 2);
	assert_int_equal(c->f.mode, OF_MODE_OPENFLOW);
	assert_total(c, OFX_DIR_IN, 2, 16);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_tls_records),
		T(test_tls_detect_only_handshake),
		T(test_ryu_each_file),
		T(test_ryu_concat),
		T(test_ryu_mixed_versions),
		T(test_ryu_unsynced_join),
		T(test_false_lock_no_version_lockout),
		T(test_hello_version_not_trusted),
		T(test_trusted_version_filters),
		T(test_trusted_no_hello),
		T(test_many_per_feed),
		T(test_split_in_header),
		T(test_split_in_body),
		T(test_max_length_message),
		T(test_invalid_type),
		T(test_bad_version),
		T(test_bad_length),
		T(test_unsynced_midstream),
		T(test_unsynced_false_candidate),
		T(test_unsynced_version_mismatch),
		T(test_gap_in_body),
		T(test_gap_to_body_end),
		T(test_gap_beyond_body),
		T(test_gap_in_header),
		T(test_gap_at_boundary),
		T(test_datapath_id),
		T(test_emit_in_place_or_peek),
		T(test_whole_messages),
		T(test_end_emits_cut_message),
	};
#undef T

	return cmocka_run_group_tests_name("of_framer", tests, NULL, NULL);
}
