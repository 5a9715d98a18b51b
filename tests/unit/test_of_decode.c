// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_of_decode.c - per-message subtype decoder (user/openflow/of_decode.c)
 * against Ryu's own decode of its test messages (tests/fixtures/ryu-json,
 * one JSON per tests/fixtures/ryu-packet_data message), plus every capture
 * length, malformed lengths, names, and the LLDP datapath-id helper.
 *
 * Run from the repository root (or set OFX_FIXTURES to tests/fixtures).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofx_test_util.h"
#include "openflow/of_decode.h"
#include "openflow/of_proto.h"

#define MIN_RYU_FILES 150 /* the corpus has 313; fewer means it went missing */

/* ------------------------------------------------------------------ */
/* the Ryu corpus: message + Ryu's JSON decode */

struct fixture {
	char dir[8];
	char name[160];
	uint8_t version;
	uint8_t *msg; /* the file's bytes */
	size_t len; /* of the first message: min(file size, header length) */
	json_t *root;
	const char *cls; /* Ryu class: the JSON's top key */
	json_t *obj; /* its value */
};

struct corpus {
	struct fixture *f;
	unsigned int n;
};

static const struct {
	const char *dir;
	uint8_t version;
} ryu_dirs[] = {
	{"of10", 1}, {"of12", 3}, {"of13", 4}, {"of14", 5}, {"of15", 6},
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

/* Load every *.packet of @dname and its JSON; false (reported) on error. */
static bool load_dir(struct corpus *c, const char *dname, uint8_t version)
{
	char path[512];
	char *names[512];
	unsigned int n = 0;
	struct dirent *de;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/ryu-packet_data/%s",
		 ofxt_fixture_dir(), dname);
	dir = opendir(path);
	if (!dir) {
		fprintf(stderr,
			"cannot open %s (run from the repository root or set "
			"OFX_FIXTURES)\n",
			path);
		return false;
	}
	while ((de = readdir(dir)) && n < 512)
		if (ends_with(de->d_name, ".packet"))
			names[n++] = strdup(de->d_name);
	closedir(dir);
	qsort(names, n, sizeof(names[0]), name_cmp);

	for (unsigned int i = 0; i < n; i++) {
		struct fixture *f;
		json_error_t err;
		size_t len = 0;
		void *it;

		f = realloc(c->f, (c->n + 1) * sizeof(*c->f));
		if (!f)
			return false;
		c->f = f;
		f = &c->f[c->n++];
		memset(f, 0, sizeof(*f));
		snprintf(f->dir, sizeof(f->dir), "%s", dname);
		snprintf(f->name, sizeof(f->name), "%s", names[i]);
		f->version = version;
		snprintf(path, sizeof(path), "%s/ryu-packet_data/%s/%s",
			 ofxt_fixture_dir(), dname, names[i]);
		f->msg = ofxt_read_file(path, &len);
		if (!f->msg || len < 8) {
			fprintf(stderr, "cannot read %s\n", path);
			return false;
		}
		f->len = (size_t)f->msg[2] << 8 | f->msg[3];
		if (f->len > len)
			f->len = len;
		/* Ryu's numbers reach 2^64-1 (cookie masks): doubles, compared
		 * as doubles, so nothing is refused. */
		snprintf(path, sizeof(path), "%s/ryu-json/%s/%s.json",
			 ofxt_fixture_dir(), dname, names[i]);
		f->root = json_load_file(path, JSON_DECODE_INT_AS_REAL, &err);
		if (!f->root || !json_is_object(f->root) ||
		    json_object_size(f->root) != 1) {
			fprintf(stderr, "%s: %s\n", path, err.text);
			return false;
		}
		it = json_object_iter(f->root);
		f->cls = json_object_iter_key(it);
		f->obj = json_object_iter_value(it);
		free(names[i]);
	}
	return true;
}

static int corpus_setup(void **state)
{
	struct corpus *c = calloc(1, sizeof(*c));

	if (!c)
		return -1;
	*state = c;
	for (size_t i = 0; i < sizeof(ryu_dirs) / sizeof(ryu_dirs[0]); i++)
		if (!load_dir(c, ryu_dirs[i].dir, ryu_dirs[i].version))
			return -1;
	return 0;
}

static int corpus_teardown(void **state)
{
	struct corpus *c = *state;

	for (unsigned int i = 0; i < c->n; i++) {
		free(c->f[i].msg);
		json_decref(c->f[i].root);
	}
	free(c->f);
	free(c);
	return 0;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* ------------------------------------------------------------------ */
/* checks against Ryu */

struct chk {
	const struct fixture *f;
	unsigned int fields;
};

/* Ryu's number @key of @o into *@v; false when absent or null. */
static bool jnum(const struct chk *c, json_t *o, const char *key, double *v)
{
	json_t *x = o ? json_object_get(o, key) : NULL;

	if (!x || json_is_null(x))
		return false;
	if (!json_is_number(x))
		fail_msg("%s/%s: Ryu's %s is not a number", c->f->dir,
			 c->f->name, key);
	*v = json_number_value(x);
	return true;
}

/* Ryu's object of class @cls wrapped in @o's @key ({"key": {"cls": {}}}). */
static json_t *jwrapped(json_t *o, const char *key, const char *cls)
{
	json_t *x = o ? json_object_get(o, key) : NULL;

	return x ? json_object_get(x, cls) : NULL;
}

/* One field: Ryu's value @want (JSON numbers are doubles) vs ours. */
static void check(struct chk *c, const char *field, double want, uint64_t got)
{
	c->fields++;
	if ((double)got != want)
		fail_msg("%s/%s [%s]: %s: Ryu %.0f, decoder %" PRIu64
			 " (0x%" PRIx64 ")",
			 c->f->dir, c->f->name, c->f->cls, field, want, got,
			 got);
}

/* Ryu's @key of @o, if present, against @got. */
static bool check_opt(struct chk *c, json_t *o, const char *key, uint64_t got)
{
	double v;

	if (!jnum(c, o, key, &v))
		return false;
	check(c, key, v, got);
	return true;
}

static void check_sub(struct chk *c, uint8_t kind, double want,
		      const struct of_decoded *d)
{
	check(c, "sub_kind", kind, d->sub_kind);
	check(c, "sub", want, d->sub);
}

static void check_detail(struct chk *c, const char *field, uint8_t kind,
			 double want, const struct of_decoded *d)
{
	uint64_t key = 0;

	c->fields++;
	if (!of_detail_find(d, kind, &key))
		fail_msg("%s/%s [%s]: no %s detail (Ryu: %.0f)", c->f->dir,
			 c->f->name, c->f->cls, field, want);
	check(c, field, want, key);
}

static void check_no_detail(struct chk *c, uint8_t kind,
			    const struct of_decoded *d)
{
	uint64_t key;

	c->fields++;
	if (of_detail_find(d, kind, &key))
		fail_msg("%s/%s [%s]: unexpected detail %u = %" PRIu64,
			 c->f->dir, c->f->name, c->f->cls, kind, key);
}

static const char *wire_type(const struct fixture *f)
{
	const char *n = of_type_name(f->msg[0], f->msg[1]);

	return n ? n : "?";
}

/* The fixture's header type is @want (checks Ryu's class vs the wire). */
static void check_wire(struct chk *c, const char *want)
{
	c->fields++;
	if (strcmp(wire_type(c->f), want))
		fail_msg("%s/%s: Ryu class %s but header type %s", c->f->dir,
			 c->f->name, c->f->cls, wire_type(c->f));
}

/* ---- base64 (Ryu encodes bytes fields in base64) ---- */

static int b64val(int ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

/* Decode @s into a malloc'd buffer (caller frees), its size in *@n. */
static uint8_t *b64_decode(const char *s, size_t *n)
{
	size_t len = strlen(s);
	uint8_t *out = malloc(len / 4 * 3 + 3);
	uint32_t acc = 0;
	int bits = 0;

	assert_non_null(out);
	*n = 0;
	for (size_t i = 0; i < len && s[i] != '='; i++) {
		int v = b64val((unsigned char)s[i]);

		if (v < 0)
			fail_msg("bad base64 in Ryu JSON: %s", s);
		acc = (acc & 0xffffu) << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[(*n)++] = (uint8_t)(acc >> bits);
		}
	}
	return out;
}

static uint8_t eth_class_of(uint16_t et)
{
	switch (et) {
	case 0x88cc:
	case 0x8942:
		return OF_ETH_LLDP;
	case 0x0806:
		return OF_ETH_ARP;
	case 0x0800:
		return OF_ETH_IPV4;
	case 0x86dd:
		return OF_ETH_IPV6;
	default:
		return OF_ETH_OTHER;
	}
}

/* Ethertype of a raw frame after any 802.1Q/802.1ad tags (test's own). */
static bool raw_ethertype(const uint8_t *fr, size_t n, uint16_t *et)
{
	size_t off = 12;

	while (n >= 14 && off + 2 <= n) {
		uint16_t t = (uint16_t)(fr[off] << 8 | fr[off + 1]);

		if (t == 0x8100 || t == 0x88a8 || t == 0x9100) {
			off += 4;
			continue;
		}
		*et = t >= 0x600 ? t : 0;
		return true;
	}
	return false;
}

/*
 * The carried frame: Ryu gives its bytes (base64) or its parse
 * ({"Packet": {"protocols": [{"ethernet": ...}, {"vlan": ...}, {"ipv4":
 * ...}]}}). Check offset/length against the bytes, ethertype and class.
 */
static void check_data(struct chk *c, const struct of_decoded *d)
{
	const struct fixture *f = c->f;
	json_t *data = json_object_get(f->obj, "data");
	uint16_t et = 0;
	bool has_et = false;

	if (!data || json_is_null(data))
		fail_msg("%s/%s: Ryu has no data", f->dir, f->name);
	if (json_is_string(data)) {
		size_t n;
		uint8_t *b = b64_decode(json_string_value(data), &n);

		check(c, "data length", (double)n, d->data_len);
		if (n) {
			c->fields++;
			if (d->data_off + n > f->len ||
			    memcmp(f->msg + d->data_off, b, n))
				fail_msg("%s/%s: data at offset %u is not "
					 "Ryu's data",
					 f->dir, f->name, d->data_off);
			has_et = raw_ethertype(b, n, &et);
		} else {
			check(c, "data offset", 0, d->data_off);
		}
		free(b);
	} else {
		json_t *protos = json_object_get(
			json_object_get(data, "Packet"), "protocols");
		size_t i, tags = 0;
		json_t *p, *x;
		double v;

		c->fields++;
		if (!json_is_array(protos) || !d->data_len)
			fail_msg("%s/%s: no parsed packet / no data", f->dir,
				 f->name);
		for (i = 0; i < json_array_size(protos); i++) {
			p = json_array_get(protos, i);
			if ((x = json_object_get(p, "ethernet")) ||
			    (x = json_object_get(p, "vlan")) ||
			    (x = json_object_get(p, "svlan"))) {
				if (!json_object_get(p, "ethernet"))
					tags++;
				if (jnum(c, x, "ethertype", &v)) {
					et = (uint16_t)v;
					has_et = true;
				}
			}
			x = json_object_get(p, "ipv4");
			if (x && jnum(c, x, "total_length", &v))
				check(c, "frame length (14 + tags + IPv4)",
				      14 + 4 * (double)tags + v, d->data_len);
		}
	}
	if (has_et) {
		check(c, "ethertype", et, d->ethertype);
		check_detail(c, "eth class", OF_DET_ETH, eth_class_of(et), d);
	} else {
		check(c, "ethertype (none)", 0, d->ethertype);
		check_no_detail(c, OF_DET_ETH, d);
	}
}

static void check_buffer(struct chk *c, const struct of_decoded *d)
{
	double v;

	if (!jnum(c, c->f->obj, "buffer_id", &v))
		fail_msg("%s/%s: Ryu has no buffer_id", c->f->dir, c->f->name);
	check(c, "has_buffer_id", 1, d->has_buffer_id);
	check(c, "buffer_id", v, d->buffer_id);
	check_detail(c, "buffered", OF_DET_BUFFERED, v != 4294967295.0, d);
}

static void check_table(struct chk *c, json_t *o, const struct of_decoded *d)
{
	double v;

	if (jnum(c, o, "table_id", &v))
		check_detail(c, "table_id", OF_DET_TABLE, v, d);
	else
		check_no_detail(c, OF_DET_TABLE, d);
}

/* Stats (1.0-1.2) / multipart (1.3+) type of Ryu's request classes that
 * carry no "type" field (Ryu 1.2), same numbers in 1.2-1.4. */
static const struct {
	const char *cls;
	uint16_t type;
} stats_classes[] = {
	{"OFPDescStatsRequest", 0},	     {"OFPFlowStatsRequest", 1},
	{"OFPAggregateStatsRequest", 2},     {"OFPTableStatsRequest", 3},
	{"OFPPortStatsRequest", 4},	     {"OFPQueueStatsRequest", 5},
	{"OFPGroupStatsRequest", 6},	     {"OFPGroupDescStatsRequest", 7},
	{"OFPGroupFeaturesStatsRequest", 8},
};

static void check_stats(struct chk *c, const struct of_decoded *d)
{
	const struct fixture *f = c->f;
	bool req = ends_with(f->cls, "Request");
	double type = -1, v;
	json_t *exp;

	if (f->version <= 3)
		check_wire(c, req ? "OFPT_STATS_REQUEST" : "OFPT_STATS_REPLY");
	else
		check_wire(c, req ? "OFPT_MULTIPART_REQUEST"
				  : "OFPT_MULTIPART_REPLY");
	if (!jnum(c, f->obj, "type", &type) && f->version <= 5) {
		for (size_t i = 0;
		     i < sizeof(stats_classes) / sizeof(stats_classes[0]); i++)
			if (!strcmp(f->cls, stats_classes[i].cls))
				type = stats_classes[i].type;
	}
	if (type < 0)
		fail_msg("%s/%s: no stats type for Ryu class %s", f->dir,
			 f->name, f->cls);
	if (jnum(c, f->obj, "flags", &v))
		check(c, "MORE flag", (double)((uint64_t)v & 1), d->mp_more);
	if (type != 65535) {
		check_sub(c, OF_SUB_CODE, type, d);
		return;
	}
	/* Experimenter: in the request itself or in the reply's body. */
	exp = f->obj;
	if (!json_object_get(exp, "experimenter"))
		exp = jwrapped(f->obj, "body", "OFPExperimenterMultipart");
	if (!jnum(c, exp, "experimenter", &v))
		fail_msg("%s/%s: experimenter multipart without id", f->dir,
			 f->name);
	check(c, "sub_kind", OF_SUB_EXP, d->sub_kind);
	check(c, "experimenter", v, d->sub >> 32);
	if (!jnum(c, exp, "exp_type", &v))
		fail_msg("%s/%s: no exp_type", f->dir, f->name);
	check(c, "exp_type", v, d->sub & 0xffffffff);
}

static void check_error(struct chk *c, const struct of_decoded *d)
{
	double type = 0, code = 0, exp = 0, exp_type = 0;

	check_wire(c, "OFPT_ERROR");
	if (!jnum(c, c->f->obj, "type", &type))
		fail_msg("%s/%s: error without type", c->f->dir, c->f->name);
	if (type == 65535) {
		if (!jnum(c, c->f->obj, "experimenter", &exp) ||
		    !jnum(c, c->f->obj, "exp_type", &exp_type))
			fail_msg("%s/%s: experimenter error without ids",
				 c->f->dir, c->f->name);
		check(c, "sub_kind", OF_SUB_EXP, d->sub_kind);
		check(c, "experimenter", exp, d->sub >> 32);
		check(c, "exp_type", exp_type, d->sub & 0xffffffff);
		return;
	}
	if (!jnum(c, c->f->obj, "code", &code))
		fail_msg("%s/%s: error without code", c->f->dir, c->f->name);
	check(c, "sub_kind", OF_SUB_ERROR, d->sub_kind);
	check(c, "error type", type, d->sub >> 16);
	check(c, "error code", code, d->sub & 0xffff);
}

static void check_hello(struct chk *c, const struct of_decoded *d)
{
	json_t *elems = json_object_get(c->f->obj, "elements"), *e, *vers;
	uint32_t want = 1u << c->f->version;
	size_t i, j;

	check_wire(c, "OFPT_HELLO");
	for (i = 0; i < json_array_size(elems); i++) {
		e = json_array_get(elems, i);
		vers = json_object_get(
			json_object_get(e, "OFPHelloElemVersionBitmap"),
			"versions");
		if (!vers)
			continue;
		want = 0;
		for (j = 0; j < json_array_size(vers); j++) {
			double v = json_number_value(json_array_get(vers, j));

			if (v < 32)
				want |= 1u << (unsigned int)v;
		}
		break;
	}
	check(c, "hello versions", want, d->hello_versions);
	check_detail(c, "hello versions", OF_DET_HELLO_VERSIONS, want, d);
	check(c, "sub_kind", OF_SUB_NONE, d->sub_kind);
}

/* Ryu class -> header type, for the classes with a decoded subtype. */
static const struct {
	const char *cls;
	const char *type;
} class_types[] = {
	{"OFPPacketIn", "OFPT_PACKET_IN"},
	{"OFPPacketOut", "OFPT_PACKET_OUT"},
	{"OFPFlowMod", "OFPT_FLOW_MOD"},
	{"OFPFlowRemoved", "OFPT_FLOW_REMOVED"},
	{"OFPPortStatus", "OFPT_PORT_STATUS"},
	{"OFPGroupMod", "OFPT_GROUP_MOD"},
	{"OFPMeterMod", "OFPT_METER_MOD"},
	{"OFPTableMod", "OFPT_TABLE_MOD"},
	{"OFPRoleRequest", "OFPT_ROLE_REQUEST"},
	{"OFPRoleReply", "OFPT_ROLE_REPLY"},
	{"OFPRoleStatus", "OFPT_ROLE_STATUS"},
	{"OFPBundleCtrlMsg", "OFPT_BUNDLE_CONTROL"},
	{"OFPSwitchFeatures", "OFPT_FEATURES_REPLY"},
	{"OFPTableStatus", "OFPT_TABLE_STATUS"},
	{"OFPControllerStatus", "OFPT_CONTROLLER_STATUS"},
	{"OFPRequestForward", "OFPT_REQUESTFORWARD"},
	{"OFPExperimenter", "OFPT_EXPERIMENTER"},
};

/* Everything Ryu says about one message, against one full decode. */
static void check_fixture(struct chk *c, const struct of_decoded *d)
{
	const struct fixture *f = c->f;
	json_t *o = f->obj;
	const char *cls = f->cls;
	double v;

	/* header fields, where Ryu's JSON has them (Ryu's directory names
	 * the version: a fixture sanity check, not counted) */
	assert_int_equal(f->msg[0], f->version);
	check_opt(c, o, "version", f->msg[0]);
	check_opt(c, o, "xid", be32(f->msg + 4));
	check_opt(c, o, "msg_len", (uint64_t)f->msg[2] << 8 | f->msg[3]);
	check(c, "malformed", 0, d->malformed);
	check(c, "truncated", 0, d->truncated);

	for (size_t i = 0; i < sizeof(class_types) / sizeof(class_types[0]);
	     i++)
		if (!strcmp(cls, class_types[i].cls))
			check_wire(c, class_types[i].type);

	if (!strcmp(cls, "OFPErrorMsg")) {
		check_error(c, d);
	} else if (!strcmp(cls, "OFPExperimenter")) {
		if (!jnum(c, o, "experimenter", &v))
			fail_msg("%s/%s: no experimenter", f->dir, f->name);
		check(c, "sub_kind", OF_SUB_EXP, d->sub_kind);
		check(c, "experimenter", v, d->sub >> 32);
		if (!jnum(c, o, "exp_type", &v))
			fail_msg("%s/%s: no exp_type", f->dir, f->name);
		check(c, "exp_type", v, d->sub & 0xffffffff);
	} else if (!strcmp(cls, "OFPHello")) {
		check_hello(c, d);
	} else if (!strcmp(cls, "OFPPacketIn")) {
		if (!jnum(c, o, "reason", &v))
			fail_msg("%s/%s: no reason", f->dir, f->name);
		check_sub(c, OF_SUB_CODE, v, d);
		check_buffer(c, d);
		if (!jnum(c, o, "total_len", &v))
			fail_msg("%s/%s: no total_len", f->dir, f->name);
		check(c, "total_len", v, d->total_len);
		check_table(c, o, d);
		check_data(c, d);
	} else if (!strcmp(cls, "OFPPacketOut")) {
		check(c, "sub_kind", OF_SUB_NONE, d->sub_kind);
		check_buffer(c, d);
		check_data(c, d);
	} else if (!strcmp(cls, "OFPFlowMod")) {
		if (!jnum(c, o, "command", &v))
			fail_msg("%s/%s: no command", f->dir, f->name);
		check_sub(c, OF_SUB_CODE, v, d);
		check_buffer(c, d);
		check_table(c, o, d);
	} else if (!strcmp(cls, "OFPFlowRemoved") ||
		   !strcmp(cls, "OFPPortStatus") ||
		   !strcmp(cls, "OFPTableStatus")) {
		if (!jnum(c, o, "reason", &v))
			fail_msg("%s/%s: no reason", f->dir, f->name);
		check_sub(c, OF_SUB_CODE, v, d);
		if (!strcmp(cls, "OFPTableStatus"))
			check_table(c, jwrapped(o, "table", "OFPTableDesc"), d);
		else
			check_table(c, o, d);
	} else if (!strcmp(cls, "OFPGroupMod") || !strcmp(cls, "OFPMeterMod")) {
		if (!jnum(c, o, "command", &v))
			fail_msg("%s/%s: no command", f->dir, f->name);
		check_sub(c, OF_SUB_CODE, v, d);
	} else if (!strcmp(cls, "OFPRoleRequest") ||
		   !strcmp(cls, "OFPRoleReply") ||
		   !strcmp(cls, "OFPRoleStatus")) {
		if (!jnum(c, o, "role", &v))
			fail_msg("%s/%s: no role", f->dir, f->name);
		check_sub(c, OF_SUB_CODE, v, d);
		check(c, "role", v, d->role);
	} else if (!strcmp(cls, "OFPBundleCtrlMsg")) {
		if (!jnum(c, o, "type", &v))
			fail_msg("%s/%s: no type", f->dir, f->name);
		check_sub(c, OF_SUB_CODE, v, d);
	} else if (!strcmp(cls, "OFPControllerStatus")) {
		if (!jnum(c, jwrapped(o, "status", "OFPControllerStatusStats"),
			  "reason", &v))
			fail_msg("%s/%s: no reason", f->dir, f->name);
		check_sub(c, OF_SUB_CODE, v, d);
	} else if (!strcmp(cls, "OFPRequestForward")) {
		/* OFPRFR_GROUP_MOD 0 / OFPRFR_METER_MOD 1, by the class of
		 * the request Ryu found inside */
		json_t *rq = json_object_get(o, "request");

		check(c, "sub_kind", OF_SUB_CODE, d->sub_kind);
		if (json_object_get(rq, "OFPGroupMod"))
			check(c, "forwarded request", 0, d->sub);
		else if (json_object_get(rq, "OFPMeterMod"))
			check(c, "forwarded request", 1, d->sub);
		else
			fail_msg("%s/%s: forwarded request of unknown class",
				 f->dir, f->name);
	} else if (!strcmp(cls, "OFPSwitchFeatures")) {
		if (!jnum(c, o, "datapath_id", &v))
			fail_msg("%s/%s: no datapath_id", f->dir, f->name);
		check(c, "has_dpid", 1, d->has_dpid);
		check(c, "datapath_id", v, d->datapath_id);
		if (!check_opt(c, o, "auxiliary_id", d->auxiliary_id))
			check(c, "auxiliary_id (none before 1.3)", 0,
			      d->auxiliary_id);
		check(c, "sub_kind", OF_SUB_NONE, d->sub_kind);
	} else if (!strcmp(cls, "OFPTableMod")) {
		check_table(c, o, d);
		check(c, "sub_kind", OF_SUB_NONE, d->sub_kind);
	} else if ((ends_with(cls, "Request") || ends_with(cls, "Reply")) &&
		   (strstr(wire_type(f), "STATS_") ||
		    strstr(wire_type(f), "MULTIPART_"))) {
		check_stats(c, d);
	} else {
		/* echo, barrier, config, features request, port mod, queue
		 * config, async config, bundle add: no subtype, no details */
		check(c, "sub_kind (none)", OF_SUB_NONE, d->sub_kind);
		check(c, "details (none)", 0, d->ndetails);
	}
}

/* ------------------------------------------------------------------ */
/* helpers shared by the tests */

static bool same_decode(const struct of_decoded *a, const struct of_decoded *b)
{
	if (a->sub_kind != b->sub_kind || a->sub != b->sub ||
	    a->ndetails != b->ndetails || a->malformed != b->malformed ||
	    a->truncated != b->truncated || a->mp_more != b->mp_more ||
	    a->buffer_id != b->buffer_id ||
	    a->has_buffer_id != b->has_buffer_id ||
	    a->total_len != b->total_len || a->data_off != b->data_off ||
	    a->data_len != b->data_len || a->ethertype != b->ethertype ||
	    a->datapath_id != b->datapath_id ||
	    a->auxiliary_id != b->auxiliary_id || a->has_dpid != b->has_dpid ||
	    a->hello_versions != b->hello_versions || a->role != b->role)
		return false;
	for (unsigned int i = 0; i < a->ndetails; i++)
		if (a->detail[i].kind != b->detail[i].kind ||
		    a->detail[i].key != b->detail[i].key)
			return false;
	return true;
}

/* Decode @n bytes copied into an exact-size heap buffer (ASan: no slack). */
static int decode_exact(const uint8_t *msg, size_t n, struct of_decoded *d)
{
	uint8_t *b = malloc(n ? n : 1);
	int rc;

	assert_non_null(b);
	memcpy(b, msg, n);
	rc = of_decode(b, n, d);
	free(b);
	return rc;
}

static void decode_full(const struct fixture *f, struct of_decoded *d)
{
	assert_int_equal(decode_exact(f->msg, f->len, d), 0);
}

/* ------------------------------------------------------------------ */
/* tests: Ryu corpus */

static void test_ryu_oracle(void **state)
{
	const struct corpus *c = *state;
	unsigned int files = 0, fields = 0;
	char name[128];

	for (unsigned int i = 0; i < c->n; i++) {
		struct chk k = {.f = &c->f[i]};
		struct of_decoded d;

		decode_full(&c->f[i], &d);
		check_fixture(&k, &d);
		/* every decoded subtype has a name */
		assert_true(of_subtype_name(c->f[i].version, c->f[i].msg[1],
					    d.sub_kind, d.sub, name,
					    sizeof(name)) >= 0);
		files++;
		fields += k.fields;
	}
	print_message("Ryu oracle: %u files, %u fields checked against Ryu's "
		      "JSON decode\n",
		      files, fields);
	if (files < MIN_RYU_FILES)
		fail_msg("only %u Ryu files checked (want >= %d): fixtures "
			 "missing?",
			 files, MIN_RYU_FILES);
}

/* of_peek_len() bytes are enough: the same decode as the whole message. */
static void test_ryu_peek_len(void **state)
{
	const struct corpus *c = *state;

	for (unsigned int i = 0; i < c->n; i++) {
		const struct fixture *f = &c->f[i];
		size_t peek = of_peek_len(f->msg[0], f->msg[1]);
		struct of_decoded full, part;

		assert_true(peek >= 8 && peek <= OF_PEEK_MAX);
		decode_full(f, &full);
		assert_int_equal(decode_exact(f->msg,
					      peek < f->len ? peek : f->len,
					      &part),
				 0);
		if (!same_decode(&full, &part))
			fail_msg("%s/%s: decode of the first %zu bytes "
				 "(of_peek_len) differs from the whole %zu",
				 f->dir, f->name, peek, f->len);
	}
}

/*
 * Every capture length 0..len-1 of every message, each in an exact-size
 * heap buffer: no read past it (ASan), -EINVAL below 8, never malformed,
 * and any difference from the full decode is flagged truncated.
 */
static void test_ryu_every_caplen(void **state)
{
	const struct corpus *c = *state;
	unsigned long runs = 0;

	for (unsigned int i = 0; i < c->n; i++) {
		const struct fixture *f = &c->f[i];
		size_t peek = of_peek_len(f->msg[0], f->msg[1]);
		struct of_decoded full, part;

		decode_full(f, &full);
		for (size_t cap = 0; cap < f->len; cap++, runs++) {
			int rc = decode_exact(f->msg, cap, &part);

			if (cap < 8) {
				assert_int_equal(rc, -EINVAL);
				assert_int_equal(part.sub_kind, OF_SUB_NONE);
				continue;
			}
			assert_int_equal(rc, 0);
			if (part.malformed)
				fail_msg("%s/%s: caplen %zu: malformed", f->dir,
					 f->name, cap);
			if (!same_decode(&full, &part) && !part.truncated)
				fail_msg("%s/%s: caplen %zu: partial decode "
					 "not flagged truncated",
					 f->dir, f->name, cap);
			if (cap >= peek && !same_decode(&full, &part))
				fail_msg("%s/%s: caplen %zu >= peek %zu but "
					 "decode differs",
					 f->dir, f->name, cap, peek);
			/* what was decoded agrees with the full decode */
			if (part.sub_kind == full.sub_kind)
				assert_true(part.sub == full.sub);
			if (part.has_buffer_id)
				assert_int_equal(part.buffer_id,
						 full.buffer_id);
		}
	}
	print_message("truncation: %lu capture lengths decoded\n", runs);
}

/*
 * Every header length 0..len-1 (the body cut there, exact-size buffer):
 * nothing is read past the length, so nothing is ever "truncated"; lengths
 * below 8 are malformed.
 */
static void test_ryu_short_lengths(void **state)
{
	const struct corpus *c = *state;
	unsigned long malformed = 0, runs = 0;

	for (unsigned int i = 0; i < c->n; i++) {
		const struct fixture *f = &c->f[i];

		for (size_t l = 0; l < f->len; l++, runs++) {
			size_t n = l < 8 ? 8 : l;
			uint8_t *b = malloc(n);
			struct of_decoded d;

			assert_non_null(b);
			memcpy(b, f->msg, n);
			b[2] = (uint8_t)(l >> 8);
			b[3] = (uint8_t)l;
			assert_int_equal(of_decode(b, n, &d), 0);
			free(b);
			if (l < 8)
				assert_true(d.malformed);
			if (d.truncated)
				fail_msg("%s/%s: length %zu: truncated", f->dir,
					 f->name, l);
			malformed += d.malformed;
		}
	}
	print_message("short lengths: %lu decoded, %lu malformed\n", runs,
		      malformed);
}

/* ------------------------------------------------------------------ */
/* tests: hand-made messages */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

/* A zeroed message of @len bytes in @b with its header (xid 0x12345678). */
static uint8_t *msg(uint8_t *b, uint8_t v, uint8_t t, uint16_t len)
{
	memset(b, 0, len);
	b[0] = v;
	b[1] = t;
	put16(b + 2, len);
	put32(b + 4, 0x12345678);
	return b;
}

/* Decode @len bytes of @b, exact-size; expect malformed == @bad. */
static struct of_decoded dec(const uint8_t *b, size_t len, bool bad)
{
	struct of_decoded d;

	assert_int_equal(decode_exact(b, len, &d), 0);
	if (d.malformed != bad)
		fail_msg("v%u type %u length %zu: malformed %d, want %d", b[0],
			 b[1], len, d.malformed, bad);
	return d;
}

static void test_malformed_minimums(void **state)
{
	static const struct {
		uint8_t version, type;
		uint16_t min; /* fixed part, from the spec of the version */
	} cases[] = {
		{4, 18, 16}, /* 1.3 MULTIPART_REQUEST */
		{4, 19, 16},  {1, 16, 12}, /* 1.0 STATS_REQUEST */
		{3, 19, 16},  {4, 1, 12}, /* ERROR */
		{1, 1, 12},   {4, 10, 34}, /* 1.3 PACKET_IN incl. pad 2 */
		{6, 10, 34},  {3, 10, 26}, {2, 10, 24},
		{1, 10, 18},  {1, 6, 32}, /* FEATURES_REPLY */
		{4, 6, 32},   {1, 14, 72}, /* FLOW_MOD */
		{2, 14, 136}, {4, 14, 56}, {1, 11, 88}, /* FLOW_REMOVED */
		{6, 11, 32},  {4, 12, 80}, /* PORT_STATUS */
		{5, 12, 56},  {1, 12, 64}, {4, 13, 24}, /* PACKET_OUT */
		{1, 13, 16},  {4, 15, 16}, /* GROUP_MOD */
		{6, 15, 24},  {4, 29, 16}, /* METER_MOD */
		{4, 24, 24}, /* ROLE_REQUEST */
		{5, 33, 16}, /* BUNDLE_CONTROL */
		{5, 31, 24}, /* TABLE_STATUS */
		{6, 35, 24}, /* CONTROLLER_STATUS */
		{4, 4, 16},   {1, 4, 12}, /* VENDOR */
	};
	uint8_t b[256];
	struct of_decoded d;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint16_t m = cases[i].min;

		memset(b, 0, sizeof(b));
		msg(b, cases[i].version, cases[i].type, m - 1);
		/* PACKET_IN 1.2+, PACKET_OUT 1.5: a minimal (empty) match */
		if (cases[i].type == 10 && cases[i].version >= 3)
			put16(b + (cases[i].version == 3 ? 16 : 24) + 2, 4);
		if (cases[i].type == 13 && cases[i].version == 6)
			put16(b + 18, 4);
		d = dec(b, m - 1, true);
		assert_int_equal(d.sub_kind, OF_SUB_NONE);
		assert_int_equal(d.ndetails, 0);
		put16(b + 2, m);
		d = dec(b, m, false);
		assert_false(d.truncated);
	}
	/* header lengths below 8 */
	for (uint16_t l = 0; l < 8; l++) {
		msg(b, 4, 0, 8);
		put16(b + 2, l);
		dec(b, 8, true);
	}
	/* minimal 1.3 multipart decodes its type */
	msg(b, 4, 19, 16);
	put16(b + 8, 13);
	put16(b + 10, 1);
	d = dec(b, 16, false);
	assert_int_equal(d.sub_kind, OF_SUB_CODE);
	assert_int_equal(d.sub, 13);
	assert_true(d.mp_more);
	/* experimenter multipart cut before its 8-byte header: the type */
	msg(b, 4, 18, 20);
	put16(b + 8, 0xffff);
	d = dec(b, 20, true);
	assert_int_equal(d.sub_kind, OF_SUB_CODE);
	assert_int_equal(d.sub, 0xffff);
	/* PACKET_OUT whose actions run past its length */
	msg(b, 4, 13, 40);
	put32(b + 8, 0xffffffff);
	put16(b + 16, 24);
	d = dec(b, 40, true);
	assert_int_equal(d.data_len, 0);
	/* PACKET_IN with a match length below 4 */
	msg(b, 4, 10, 40);
	put16(b + 24, 1);
	put16(b + 26, 3);
	dec(b, 40, true);
	/* HELLO element shorter than its own header */
	msg(b, 4, 0, 16);
	put16(b + 8, 1);
	put16(b + 10, 2);
	d = dec(b, 16, true);
	assert_int_equal(d.hello_versions, 1u << 4);
	/* HELLO element running past the message */
	put16(b + 10, 12);
	dec(b, 16, true);
	/* 1.2+ experimenter error shorter than its 16-byte fixed part:
	 * malformed, the type and exp_type kept as a plain error */
	for (uint16_t l = 12; l < 16; l++) {
		msg(b, 4, 1, l);
		put16(b + 8, 0xffff);
		put16(b + 10, 7);
		d = dec(b, l, true);
		assert_int_equal(d.sub_kind, OF_SUB_ERROR);
		assert_int_equal(d.sub, 0xffff0007u);
	}
	/* ... a 1.0 error of type 0xffff is a plain (unknown) error */
	msg(b, 1, 1, 16);
	put16(b + 8, 0xffff);
	d = dec(b, 16, false);
	assert_int_equal(d.sub_kind, OF_SUB_ERROR);
}

static void test_einval(void **state)
{
	uint8_t b[8];
	struct of_decoded d;

	(void)state;
	msg(b, 4, 0, 8);
	for (size_t n = 0; n < 8; n++) {
		memset(&d, 0xa5, sizeof(d));
		assert_int_equal(decode_exact(b, n, &d), -EINVAL);
		assert_int_equal(d.sub_kind, OF_SUB_NONE);
		assert_int_equal(d.ndetails, 0);
	}
	assert_int_equal(decode_exact(b, 8, &d), 0);
	/* unknown versions and types: nothing, no error */
	msg(b, 7, 0, 8);
	d = dec(b, 8, false);
	assert_int_equal(d.sub_kind, OF_SUB_NONE);
	msg(b, 4, 200, 8);
	d = dec(b, 8, false);
	assert_int_equal(d.sub_kind, OF_SUB_NONE);
}

/* 1.0 VENDOR, 1.1 messages (not in Ryu's corpus), OVS table-id flow mods. */
static void test_handmade_versions(void **state)
{
	uint8_t b[160];
	struct of_decoded d;
	uint64_t key;

	(void)state;
	/* 1.0 VENDOR of 12 bytes: id only */
	msg(b, 1, 4, 12);
	put32(b + 8, 0x00002320);
	d = dec(b, 12, false);
	assert_int_equal(d.sub_kind, OF_SUB_EXP_ID);
	assert_int_equal(d.sub, 0x2320);
	/* 1.0 Nicira VENDOR: nicira_header subtype at 12 */
	msg(b, 1, 4, 16);
	put32(b + 8, 0x00002320);
	put32(b + 12, 20);
	d = dec(b, 16, false);
	assert_int_equal(d.sub_kind, OF_SUB_EXP);
	assert_int_equal(d.sub, (uint64_t)0x2320 << 32 | 20);
	/* ... captured only up to 12 bytes: the id, flagged */
	assert_int_equal(decode_exact(b, 12, &d), 0);
	assert_int_equal(d.sub_kind, OF_SUB_EXP_ID);
	assert_true(d.truncated);
	/* 1.0 vendor stats: id at 12; the u32 after it is the vendor's
	 * subtype when the message has it (as for VENDOR messages) */
	msg(b, 1, 17, 16);
	put16(b + 8, 0xffff);
	put16(b + 10, 1);
	put32(b + 12, 0x005c16c7);
	d = dec(b, 16, false);
	assert_int_equal(d.sub_kind, OF_SUB_EXP_ID);
	assert_int_equal(d.sub, 0x005c16c7);
	assert_true(d.mp_more);
	msg(b, 1, 17, 20);
	put16(b + 8, 0xffff);
	put32(b + 12, 0x00002320);
	put32(b + 16, 3);
	d = dec(b, 20, false);
	assert_int_equal(d.sub_kind, OF_SUB_EXP);
	assert_int_equal(d.sub, (uint64_t)0x2320 << 32 | 3);
	/* 1.1 experimenter stats: id at 16; exp_type at 20 only if there */
	msg(b, 2, 19, 20);
	put16(b + 8, 0xffff);
	put32(b + 16, 0x00002320);
	d = dec(b, 20, false);
	assert_int_equal(d.sub_kind, OF_SUB_EXP_ID);
	assert_int_equal(d.sub, 0x2320);
	/* 1.1: 18 is STATS_REQUEST (BARRIER in 1.0); type 7 GROUP_DESC */
	msg(b, 2, 18, 16);
	put16(b + 8, 7);
	d = dec(b, 16, false);
	assert_int_equal(d.sub, 7);
	/* 1.1 PACKET_IN: buffer_id@8, total_len@20, reason@22, table@23 */
	msg(b, 2, 10, 24 + 14);
	put32(b + 8, 0xffffffff);
	put16(b + 20, 14);
	b[22] = 1;
	b[23] = 5;
	put16(b + 24 + 12, 0x0806);
	d = dec(b, 38, false);
	assert_int_equal(d.sub, 1);
	assert_int_equal(d.total_len, 14);
	assert_int_equal(d.data_off, 24);
	assert_int_equal(d.data_len, 14);
	assert_int_equal(d.ethertype, 0x0806);
	assert_true(of_detail_find(&d, OF_DET_TABLE, &key));
	assert_int_equal(key, 5);
	assert_true(of_detail_find(&d, OF_DET_BUFFERED, &key));
	assert_int_equal(key, 0);
	/* 1.1 FLOW_MOD (136 bytes): table_id@24, command@25, buffer@32 */
	msg(b, 2, 14, 136);
	b[24] = 9;
	b[25] = 3;
	put32(b + 32, 77);
	d = dec(b, 136, false);
	assert_int_equal(d.sub_kind, OF_SUB_CODE);
	assert_int_equal(d.sub, 3);
	assert_int_equal(d.buffer_id, 77);
	assert_true(of_detail_find(&d, OF_DET_TABLE, &key));
	assert_int_equal(key, 9);
	assert_true(of_detail_find(&d, OF_DET_BUFFERED, &key));
	assert_int_equal(key, 1);
	/* 1.1 FLOW_REMOVED: reason@18, table@19 */
	msg(b, 2, 11, 136);
	b[18] = 3;
	b[19] = 4;
	d = dec(b, 136, false);
	assert_int_equal(d.sub, 3);
	/* 1.0 FLOW_MOD with OVS's table id in the command's high byte */
	msg(b, 1, 14, 72);
	put16(b + 56, 0x0301);
	put32(b + 64, 0xffffffff);
	d = dec(b, 72, false);
	assert_int_equal(d.sub, 1);
	assert_true(of_detail_find(&d, OF_DET_TABLE, &key));
	assert_int_equal(key, 3);
	assert_true(of_detail_find(&d, OF_DET_BUFFERED, &key));
	assert_int_equal(key, 0);
	/* 1.3 HELLO without elements: its own version */
	msg(b, 4, 0, 8);
	d = dec(b, 8, false);
	assert_int_equal(d.hello_versions, 1u << 4);
	/* 1.0 HELLO with a body (ignored before 1.3) */
	msg(b, 1, 0, 16);
	put16(b + 8, 1);
	put16(b + 10, 8);
	put32(b + 12, 0x12);
	d = dec(b, 16, false);
	assert_int_equal(d.hello_versions, 1u << 1);
	/* 1.3 HELLO: an unknown element, then the bitmap */
	msg(b, 4, 0, 24);
	put16(b + 8, 9);
	put16(b + 10, 5);
	put16(b + 16, 1);
	put16(b + 18, 8);
	put32(b + 20, 0x52);
	d = dec(b, 24, false);
	assert_int_equal(d.hello_versions, 0x52);
	/* 1.3 FEATURES_REPLY */
	msg(b, 4, 6, 32);
	put64(b + 8, 0x0000123456789abcull);
	b[21] = 2;
	d = dec(b, 32, false);
	assert_true(d.has_dpid);
	assert_int_equal(d.datapath_id, 0x0000123456789abcull);
	assert_int_equal(d.auxiliary_id, 2);
	/* 1.0 FEATURES_REPLY: byte 21 is padding, not an auxiliary id */
	msg(b, 1, 6, 32);
	b[21] = 2;
	d = dec(b, 32, false);
	assert_int_equal(d.auxiliary_id, 0);
}

/* A 1.3 PACKET_IN carrying @frame (@n bytes) in @b; returns its length. */
static uint16_t packet_in13(uint8_t *b, const uint8_t *frame, size_t n)
{
	uint16_t len = (uint16_t)(24 + 8 + 2 + n);

	msg(b, 4, 10, len);
	put32(b + 8, 0xffffffff);
	put16(b + 12, (uint16_t)n);
	b[14] = 0; /* OFPR_NO_MATCH */
	b[15] = 0;
	put16(b + 24, 1); /* OFPMT_OXM */
	put16(b + 26, 4);
	memcpy(b + 34, frame, n);
	return len;
}

/* A Ryu topology LLDP frame (ryu/topology/switches.py LLDPPacket). */
static size_t ryu_lldp(uint8_t *f, uint64_t dpid, uint32_t port)
{
	static const uint8_t dst[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e};
	char id[32];
	size_t n = 0;

	memcpy(f, dst, 6);
	memcpy(f + 6, "\x02\x00\x00\x00\x00\x01", 6);
	put16(f + 12, 0x88cc);
	n = 14;
	snprintf(id, sizeof(id), "dpid:%016" PRIx64, dpid);
	put16(f + n, 1 << 9 | 22); /* Chassis ID, locally assigned */
	f[n + 2] = 7;
	memcpy(f + n + 3, id, 21);
	n += 24;
	put16(f + n, 2 << 9 | 5); /* Port ID, port component, u32 */
	f[n + 2] = 2;
	put32(f + n + 3, port);
	n += 7;
	put16(f + n, 3 << 9 | 2); /* TTL */
	put16(f + n + 2, 120);
	n += 4;
	put16(f + n, 0); /* End */
	return n + 2;
}

static void test_lldp_dpid(void **state)
{
	uint8_t f[128], b[256], tagged[160];
	uint64_t dpid = 0, key;
	struct of_decoded d;
	size_t n, m;
	uint16_t len;

	(void)state;
	n = ryu_lldp(f, 0x0000000000000abcull, 3);
	assert_int_equal(of_lldp_dpid(f, n, &dpid), 0);
	assert_int_equal(dpid, 0xabc);
	/* every shorter capture, exact-size: found or -ENOENT, no overrun */
	for (size_t cut = 0; cut < n; cut++) {
		uint8_t *p = malloc(cut ? cut : 1);

		memcpy(p, f, cut);
		dpid = 0;
		if (of_lldp_dpid(p, cut, &dpid) == 0)
			assert_int_equal(dpid, 0xabc);
		else
			assert_true(cut < 14 + 24);
		free(p);
	}
	/* inside a PACKET_IN: class LLDP, and the dpid from data_off */
	len = packet_in13(b, f, n);
	d = dec(b, len, false);
	assert_int_equal(d.ethertype, 0x88cc);
	assert_true(of_detail_find(&d, OF_DET_ETH, &key));
	assert_int_equal(key, OF_ETH_LLDP);
	assert_int_equal(d.data_off, 34);
	assert_int_equal(d.data_len, n);
	assert_int_equal(of_lldp_dpid(b + d.data_off, d.data_len, &dpid), 0);
	assert_int_equal(dpid, 0xabc);
	/* QinQ-tagged: 802.1ad then 802.1Q before the ethertype */
	memcpy(tagged, f, 12);
	put16(tagged + 12, 0x88a8);
	put16(tagged + 14, 10);
	put16(tagged + 16, 0x8100);
	put16(tagged + 18, 20);
	memcpy(tagged + 20, f + 12, n - 12);
	m = n + 8;
	assert_int_equal(of_lldp_dpid(tagged, m, &dpid), 0);
	len = packet_in13(b, tagged, m);
	d = dec(b, len, false);
	assert_int_equal(d.ethertype, 0x88cc);
	/* the same frame cut inside its tags: no ethertype, not truncated */
	len = packet_in13(b, tagged, 16);
	d = dec(b, len, false);
	assert_int_equal(d.ethertype, 0);
	assert_false(d.truncated);
	assert_false(of_detail_find(&d, OF_DET_ETH, &key));
	/* ... but captured short of the ethertype: truncated */
	len = packet_in13(b, tagged, m);
	assert_int_equal(decode_exact(b, 34 + 18, &d), 0);
	assert_true(d.truncated);
	assert_int_equal(d.ethertype, 0);

	/* Floodlight/Beacon: OUI 00:26:e1 subtype 0, 8-byte dpid */
	n = 14;
	memcpy(f + 6, "\x00\x00\x00\x00\x00\x01", 6);
	put16(f + n, 1 << 9 | 7); /* chassis: MAC = low 48 bits (ignored) */
	f[n + 2] = 4;
	memset(f + n + 3, 0x11, 6);
	n += 9;
	put16(f + n, 127 << 9 | 12);
	memcpy(f + n + 2, "\x00\x26\xe1\x00", 4);
	put64(f + n + 6, 0xfedcba9876543210ull);
	n += 14;
	put16(f + n, 0);
	n += 2;
	assert_int_equal(of_lldp_dpid(f, n, &dpid), 0);
	assert_int_equal(dpid, 0xfedcba9876543210ull);
	/* the 6-byte chassis MAC alone is ambiguous */
	assert_int_equal(of_lldp_dpid(f, 14 + 9 + 2, &dpid), -ENOENT);

	/* ONOS: OUI a4:23:05 subtype 2, "of:" + 16 hex digits; BDDP */
	put16(f + 12, 0x8942);
	n = 14 + 9;
	put16(f + n, 127 << 9 | 23);
	memcpy(f + n + 2, "\xa4\x23\x05\x02of:00000000000000A1", 23);
	n += 25;
	assert_int_equal(of_lldp_dpid(f, n, &dpid), 0);
	assert_int_equal(dpid, 0xa1);
	f[n - 1] = 'g'; /* not hex */
	assert_int_equal(of_lldp_dpid(f, n, &dpid), -ENOENT);

	/* OpenDaylight: chassis subtype 4 with the 8-byte dpid */
	put16(f + 12, 0x88cc);
	put16(f + 14, 1 << 9 | 9);
	f[16] = 4;
	put64(f + 17, 42);
	assert_int_equal(of_lldp_dpid(f, 14 + 11, &dpid), 0);
	assert_int_equal(dpid, 42);

	/* not LLDP */
	n = ryu_lldp(f, 1, 1);
	put16(f + 12, 0x0800);
	assert_int_equal(of_lldp_dpid(f, n, &dpid), -ENOENT);
	assert_int_equal(of_lldp_dpid(f, 0, &dpid), -ENOENT);
}

static void test_frame_classes(void **state)
{
	static const struct {
		uint16_t et;
		uint8_t cls;
	} cases[] = {
		{0x0800, OF_ETH_IPV4}, {0x86dd, OF_ETH_IPV6},
		{0x0806, OF_ETH_ARP},  {0x88cc, OF_ETH_LLDP},
		{0x8942, OF_ETH_LLDP}, {0x8847, OF_ETH_OTHER},
	};
	uint8_t fr[64] = {0}, b[128];
	struct of_decoded d;
	uint64_t key;
	uint16_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put16(fr + 12, 0x8100);
		put16(fr + 16, cases[i].et);
		len = packet_in13(b, fr, 60);
		d = dec(b, len, false);
		assert_int_equal(d.ethertype, cases[i].et);
		assert_true(of_detail_find(&d, OF_DET_ETH, &key));
		assert_int_equal(key, cases[i].cls);
	}
	/* 802.3 length field: no ethertype, class other */
	put16(fr + 12, 0x002e);
	len = packet_in13(b, fr, 60);
	d = dec(b, len, false);
	assert_int_equal(d.ethertype, 0);
	assert_true(of_detail_find(&d, OF_DET_ETH, &key));
	assert_int_equal(key, OF_ETH_OTHER);
	/* 1.5 PACKET_OUT: match, actions, then the frame */
	msg(b, 6, 13, 24 + 8 + 60);
	put32(b + 8, 0xffffffff);
	put16(b + 12, 8); /* actions_len */
	put16(b + 16, 1);
	put16(b + 18, 4); /* empty OXM match, padded to 8 */
	put16(b + 24, 0);
	put16(b + 26, 8); /* one 8-byte action */
	put16(fr + 12, 0x86dd);
	memcpy(b + 32, fr, 60);
	d = dec(b, 92, false);
	assert_int_equal(d.data_off, 32);
	assert_int_equal(d.data_len, 60);
	assert_int_equal(d.ethertype, 0x86dd);
}

static void test_peek_len(void **state)
{
	(void)state;
	for (int v = 0; v < 256; v++)
		for (int t = 0; t < 256; t++) {
			size_t p = of_peek_len((uint8_t)v, (uint8_t)t);

			assert_true(p >= 8 && p <= OF_PEEK_MAX);
		}
	for (uint8_t v = 1; v <= 6; v++) {
		assert_int_equal(of_peek_len(v, 10), OF_PEEK_MAX);
		assert_int_equal(of_peek_len(v, 13), OF_PEEK_MAX);
		assert_int_equal(of_peek_len(v, 1), 16);
		assert_int_equal(of_peek_len(v, 2), 8); /* ECHO_REQUEST */
	}
	assert_int_equal(of_peek_len(1, 14), 72);
	assert_int_equal(of_peek_len(4, 19), 24);
}

/* ------------------------------------------------------------------ */
/* names */

static void name_is(uint8_t v, uint8_t t, uint8_t kind, uint64_t key,
		    const char *want)
{
	char buf[96];
	int n = of_subtype_name(v, t, kind, key, buf, sizeof(buf));

	if (strcmp(buf, want) || n != (int)strlen(want))
		fail_msg("of_subtype_name(%u, %u, %u, 0x%" PRIx64
			 ") = \"%s\" (%d), want \"%s\"",
			 v, t, kind, key, buf, n, want);
}

static void test_subtype_names(void **state)
{
	char buf[8];

	(void)state;
	/* stats / multipart, per version */
	name_is(1, 16, OF_SUB_CODE, 1, "OFPST_FLOW");
	name_is(1, 17, OF_SUB_CODE, 0xffff, "OFPST_VENDOR");
	name_is(1, 17, OF_SUB_CODE, 6, "OFPST_6");
	name_is(2, 18, OF_SUB_CODE, 7, "OFPST_GROUP_DESC");
	name_is(2, 18, OF_SUB_CODE, 8, "OFPST_8");
	name_is(3, 19, OF_SUB_CODE, 8, "OFPST_GROUP_FEATURES");
	name_is(3, 19, OF_SUB_CODE, 0xffff, "OFPST_EXPERIMENTER");
	name_is(4, 19, OF_SUB_CODE, 13, "OFPMP_PORT_DESC");
	name_is(4, 18, OF_SUB_CODE, 5, "OFPMP_QUEUE");
	name_is(4, 18, OF_SUB_CODE, 14, "OFPMP_14");
	name_is(4, 18, OF_SUB_CODE, 0xffff, "OFPMP_EXPERIMENTER");
	name_is(5, 18, OF_SUB_CODE, 5, "OFPMP_QUEUE_STATS");
	name_is(5, 18, OF_SUB_CODE, 4, "OFPMP_PORT_STATS");
	name_is(5, 19, OF_SUB_CODE, 16, "OFPMP_FLOW_MONITOR");
	name_is(5, 19, OF_SUB_CODE, 1, "OFPMP_FLOW");
	name_is(6, 19, OF_SUB_CODE, 1, "OFPMP_FLOW_DESC");
	name_is(6, 19, OF_SUB_CODE, 17, "OFPMP_FLOW_STATS");
	name_is(6, 19, OF_SUB_CODE, 18, "OFPMP_CONTROLLER_STATUS");
	name_is(6, 19, OF_SUB_CODE, 19, "OFPMP_BUNDLE_FEATURES");
	name_is(6, 18, OF_SUB_CODE, 10, "OFPMP_METER_DESC");
	name_is(6, 18, OF_SUB_CODE, 99, "OFPMP_99");
	/* reasons, commands, roles */
	name_is(1, 10, OF_SUB_CODE, 0, "OFPR_NO_MATCH");
	name_is(2, 10, OF_SUB_CODE, 2, "OFPR_2");
	name_is(4, 10, OF_SUB_CODE, 2, "OFPR_INVALID_TTL");
	name_is(5, 10, OF_SUB_CODE, 0, "OFPR_TABLE_MISS");
	name_is(6, 10, OF_SUB_CODE, 5, "OFPR_PACKET_OUT");
	name_is(4, 10, OF_SUB_CODE, 9, "OFPR_9");
	name_is(4, 14, OF_SUB_CODE, 0, "OFPFC_ADD");
	name_is(1, 14, OF_SUB_CODE, 4, "OFPFC_DELETE_STRICT");
	name_is(1, 11, OF_SUB_CODE, 3, "OFPRR_3");
	name_is(4, 11, OF_SUB_CODE, 3, "OFPRR_GROUP_DELETE");
	name_is(6, 11, OF_SUB_CODE, 5, "OFPRR_EVICTION");
	name_is(4, 12, OF_SUB_CODE, 2, "OFPPR_MODIFY");
	name_is(4, 15, OF_SUB_CODE, 2, "OFPGC_DELETE");
	name_is(4, 15, OF_SUB_CODE, 3, "OFPGC_3");
	name_is(6, 15, OF_SUB_CODE, 3, "OFPGC_INSERT_BUCKET");
	name_is(6, 15, OF_SUB_CODE, 4, "OFPGC_4");
	name_is(6, 15, OF_SUB_CODE, 5, "OFPGC_REMOVE_BUCKET");
	name_is(4, 29, OF_SUB_CODE, 1, "OFPMC_MODIFY");
	name_is(3, 24, OF_SUB_CODE, 2, "OFPCR_ROLE_MASTER");
	name_is(5, 30, OF_SUB_CODE, 3, "OFPCR_ROLE_SLAVE");
	name_is(5, 33, OF_SUB_CODE, 4, "OFPBCT_COMMIT_REQUEST");
	name_is(5, 31, OF_SUB_CODE, 3, "OFPTR_VACANCY_DOWN");
	name_is(5, 31, OF_SUB_CODE, 0, "OFPTR_0");
	name_is(6, 35, OF_SUB_CODE, 1, "OFPCSR_CHANNEL_STATUS");
	name_is(5, 32, OF_SUB_CODE, 1, "OFPRFR_METER_MOD");
	/* errors */
	name_is(4, 1, OF_SUB_ERROR, 1 << 16 | 1,
		"OFPET_BAD_REQUEST/OFPBRC_BAD_TYPE");
	name_is(4, 1, OF_SUB_ERROR, 1 << 16 | 99, "OFPET_BAD_REQUEST/99");
	name_is(4, 1, OF_SUB_ERROR, 77 << 16 | 3, "OFPET_77/3");
	name_is(1, 1, OF_SUB_ERROR, 3 << 16 | 0,
		"OFPET_FLOW_MOD_FAILED/OFPFMFC_ALL_TABLES_FULL");
	name_is(1, 1, OF_SUB_ERROR, 1 << 16 | 3,
		"OFPET_BAD_REQUEST/OFPBRC_BAD_VENDOR");
	name_is(1, 1, OF_SUB_ERROR, 6 << 16 | 0, "OFPET_6/0");
	name_is(2, 1, OF_SUB_ERROR, 3 << 16 | 5,
		"OFPET_BAD_INSTRUCTION/OFPBIC_UNSUP_EXP_INST");
	name_is(3, 1, OF_SUB_ERROR, 1 << 16 | 2,
		"OFPET_BAD_REQUEST/OFPBRC_BAD_STAT");
	name_is(4, 1, OF_SUB_ERROR, 1 << 16 | 2,
		"OFPET_BAD_REQUEST/OFPBRC_BAD_MULTIPART");
	name_is(4, 1, OF_SUB_ERROR, 1 << 16 | 14, "OFPET_BAD_REQUEST/14");
	name_is(5, 1, OF_SUB_ERROR, 1 << 16 | 14,
		"OFPET_BAD_REQUEST/OFPBRC_MULTIPART_REQUEST_TIMEOUT");
	name_is(4, 1, OF_SUB_ERROR, 13 << 16 | 2,
		"OFPET_TABLE_FEATURES_FAILED/OFPTFFC_BAD_TYPE");
	name_is(5, 1, OF_SUB_ERROR, 13 << 16 | 2,
		"OFPET_TABLE_FEATURES_FAILED/2");
	name_is(6, 1, OF_SUB_ERROR, 17 << 16 | 18,
		"OFPET_BUNDLE_FAILED/OFPBFC_SCHED_PAST");
	name_is(4, 1, OF_SUB_ERROR, 0xffffu << 16 | 7, "OFPET_EXPERIMENTER/7");
	/* experimenters */
	name_is(4, 4, OF_SUB_EXP, (uint64_t)0x00002320 << 32 | 20, "NICIRA:20");
	name_is(4, 4, OF_SUB_EXP, (uint64_t)0x4f4e4600 << 32 | 2300,
		"ONF:2300");
	name_is(4, 19, OF_SUB_EXP, (uint64_t)0x005c16c7 << 32 | 1, "BSN:1");
	name_is(4, 4, OF_SUB_EXP, (uint64_t)0x00deadbe << 32 | 1,
		"0x00deadbe:1");
	name_is(4, 1, OF_SUB_EXP, (uint64_t)0x00002320 << 32 | 5,
		"OFPET_EXPERIMENTER/NICIRA:5");
	name_is(1, 4, OF_SUB_EXP_ID, 0x00002320, "NICIRA");
	name_is(1, 17, OF_SUB_EXP_ID, 0x12345678, "0x12345678");
	name_is(4, 0, OF_SUB_NONE, 0, "");
	/* truncation: snprintf semantics */
	assert_int_equal(of_subtype_name(1, 16, OF_SUB_CODE, 1, buf, 6), 10);
	assert_string_equal(buf, "OFPST");
	assert_int_equal(of_subtype_name(1, 16, OF_SUB_CODE, 1, NULL, 0), 10);
}

static void detail_is(uint8_t kind, uint64_t key, const char *want)
{
	char buf[96];
	int n = of_detail_name(kind, key, buf, sizeof(buf));

	if (strcmp(buf, want) || n != (int)strlen(want))
		fail_msg("of_detail_name(%u, 0x%" PRIx64
			 ") = \"%s\" (%d), want \"%s\"",
			 kind, key, buf, n, want);
}

static void test_detail_names(void **state)
{
	char buf[12];

	(void)state;
	detail_is(OF_DET_BUFFERED, 1, "buffered");
	detail_is(OF_DET_BUFFERED, 0, "unbuffered");
	detail_is(OF_DET_ETH, OF_ETH_LLDP, "eth:LLDP");
	detail_is(OF_DET_ETH, OF_ETH_ARP, "eth:ARP");
	detail_is(OF_DET_ETH, OF_ETH_IPV4, "eth:IPv4");
	detail_is(OF_DET_ETH, OF_ETH_IPV6, "eth:IPv6");
	detail_is(OF_DET_ETH, OF_ETH_OTHER, "eth:other");
	detail_is(OF_DET_TABLE, 254, "table:254");
	detail_is(OF_DET_HELLO_VERSIONS, 1u << 1 | 1u << 4, "versions:1.0,1.3");
	detail_is(OF_DET_HELLO_VERSIONS, 0x4000060e,
		  "versions:1.0,1.1,1.2,0x09,0x0a,0x1e");
	detail_is(OF_DET_HELLO_VERSIONS, 0, "versions:none");
	/* truncated output keeps counting */
	assert_int_equal(
		of_detail_name(OF_DET_HELLO_VERSIONS, 0x7e, buf, sizeof(buf)),
		(int)strlen("versions:1.0,1.1,1.2,1.3,1.4,1.5"));
	assert_string_equal(buf, "versions:1.");
}

int main(void)
{
	const struct CMUnitTest ryu[] = {
		cmocka_unit_test(test_ryu_oracle),
		cmocka_unit_test(test_ryu_peek_len),
		cmocka_unit_test(test_ryu_every_caplen),
		cmocka_unit_test(test_ryu_short_lengths),
	};
	const struct CMUnitTest unit[] = {
		cmocka_unit_test(test_malformed_minimums),
		cmocka_unit_test(test_einval),
		cmocka_unit_test(test_handmade_versions),
		cmocka_unit_test(test_lldp_dpid),
		cmocka_unit_test(test_frame_classes),
		cmocka_unit_test(test_peek_len),
		cmocka_unit_test(test_subtype_names),
		cmocka_unit_test(test_detail_names),
	};
	int fails = 0;

	fails += cmocka_run_group_tests_name("of_decode: Ryu corpus", ryu,
					     corpus_setup, corpus_teardown);
	fails += cmocka_run_group_tests_name("of_decode: unit", unit, NULL,
					     NULL);
	return fails ? 1 : 0;
}
