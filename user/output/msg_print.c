// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * msg_print.c - one message as a text line or an NDJSON line
 * (msg_print.h). The parts both share are worked out once (struct desc);
 * each line is appended into the caller's buffer (struct sb), cut when
 * full.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "fmt.h"
#include "openflow/of_conn.h"
#include "openflow/of_fields.h"
#include "openflow/of_proto.h"
#include "output/msg_print.h"
#include "stream/reasm.h"

#define NSEC_PER_SEC 1000000000ull

/* A bounded string builder: appends are cut at the end of the buffer. */
struct sb {
	char *p;
	size_t n, cap; /* cap: room for text, the NUL excluded */
};

static void sb_put(struct sb *b, const char *s, size_t n)
{
	if (n > b->cap - b->n)
		n = b->cap - b->n;
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

static void sb_puts(struct sb *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void sb_u64(struct sb *b, uint64_t v)
{
	char t[OFX_FMT_U64_MAX];

	sb_put(b, t, ofx_fmt_u64(t, v));
}

/* @v in decimal, at least two digits (times) or @w digits. */
static void sb_dec(struct sb *b, unsigned int v, unsigned int w)
{
	char t[OFX_FMT_U64_MAX];
	size_t n = ofx_fmt_u64(t, v);

	while (w-- > n)
		sb_put(b, "0", 1);
	sb_put(b, t, n);
}

/* A JSON string (RFC 8259 §7): quotes, backslash and controls escaped;
 * runs of other bytes copied at once. */
static void sb_jstr(struct sb *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;

	sb_put(b, "\"", 1);
	for (;; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		sb_put(b, run, (size_t)(s - run));
		run = s + 1;
		if (!c)
			break;
		if (c == '"' || c == '\\') {
			char e[2] = {'\\', (char)c};

			sb_put(b, e, 2);
		} else {
			char e[6] = {'\\', 'u',		'0',
				     '0',  hex[c >> 4], hex[c & 15]};

			sb_put(b, e, 6);
		}
	}
	sb_put(b, "\"", 1);
}

/* "HH:MM:SS" of @tm. */
static void sb_hms(struct sb *b, const struct tm *tm)
{
	sb_dec(b, (unsigned int)tm->tm_hour, 2);
	sb_put(b, ":", 1);
	sb_dec(b, (unsigned int)tm->tm_min, 2);
	sb_put(b, ":", 1);
	sb_dec(b, (unsigned int)tm->tm_sec, 2);
}

/* End a line: "\n" always fits (one byte was kept for it), then NUL. */
static size_t sb_line(struct sb *b)
{
	b->p[b->n++] = '\n';
	b->p[b->n] = '\0';
	return b->n;
}

/* The parts of a message both lines show. */
struct desc {
	uint64_t ts; /* ns since the epoch */
	struct tm tm;
	char sw[64], ctl[64]; /* IP:port of each side */
	char id[64]; /* datapath_id, else sw */
	char type[40];
	char sub[96];
	const char *version;
	struct of_fields fl;
};

static const char *const flag_names[] = {
	"partial", "truncated", "resynced", NULL, "midstream", "invalid_type"};

/* The address strings of the last connection described (messages come
 * in runs per connection): keyed by its id, switch half and identity. */
struct addr_cache {
	uint64_t conn_id;
	int sh;
	bool has_dpid;
	uint64_t dpid;
	char sw[64], ctl[64], id[64];
};
static __thread struct addr_cache cache = {.conn_id = UINT64_MAX};

static void describe(struct desc *d, const struct of_msg *m,
		     uint64_t epoch_offset_ns)
{
	const struct of_conn *c = m->conn;
	const struct ofx_flow_key *k = &c->tcp->key;
	int sh = c->switch_half >= 0
			 ? c->switch_half
			 : (c->tcp->port_dir[0] == OFX_DIR_IN ? 0 : 1);
	const char *tn = of_type_name(m->version, m->type);
	time_t sec;

	d->ts = m->ts_ns + epoch_offset_ns;
	sec = (time_t)(d->ts / NSEC_PER_SEC);
	gmtime_r(&sec, &d->tm);
	if (cache.conn_id != c->tcp->id || cache.sh != sh ||
	    cache.has_dpid != c->has_dpid ||
	    (c->has_dpid && cache.dpid != c->datapath_id)) {
		int af = k->family == 6 ? AF_INET6 : AF_INET;
		char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

		if (!inet_ntop(af, sh == 0 ? k->saddr : k->daddr, a, sizeof(a)))
			strcpy(a, "?");
		if (!inet_ntop(af, sh == 0 ? k->daddr : k->saddr, b, sizeof(b)))
			strcpy(b, "?");
		snprintf(cache.sw, sizeof(cache.sw),
			 af == AF_INET6 ? "[%s]:%u" : "%s:%u", a,
			 sh == 0 ? k->sport : k->dport);
		snprintf(cache.ctl, sizeof(cache.ctl),
			 af == AF_INET6 ? "[%s]:%u" : "%s:%u", b,
			 sh == 0 ? k->dport : k->sport);
		if (c->has_dpid)
			snprintf(cache.id, sizeof(cache.id), "0x%016" PRIx64,
				 c->datapath_id);
		else
			strcpy(cache.id, cache.sw);
		cache.conn_id = c->tcp->id;
		cache.sh = sh;
		cache.has_dpid = c->has_dpid;
		cache.dpid = c->datapath_id;
	}
	memcpy(d->sw, cache.sw, sizeof(d->sw));
	memcpy(d->ctl, cache.ctl, sizeof(d->ctl));
	memcpy(d->id, cache.id, sizeof(d->id));
	if (tn)
		snprintf(d->type, sizeof(d->type), "%s", tn);
	else
		snprintf(d->type, sizeof(d->type), "OFPT_%u", m->type);
	d->sub[0] = '\0';
	if (m->dec.sub_kind != OF_SUB_NONE)
		of_subtype_name(m->version, m->type, m->dec.sub_kind,
				m->dec.sub, d->sub, sizeof(d->sub));
	d->version = of_version_name(m->version);
	if (!d->version)
		d->version = "?";
	of_fields_get(m->data, m->caplen, &d->fl);
}

size_t ofx_msg_text(char *buf, size_t len, const struct of_msg *m,
		    uint64_t epoch_offset_ns)
{
	struct sb b = {.p = buf, .cap = len - 2};
	struct desc d;
	int group = -1;

	describe(&d, m, epoch_offset_ns);
	sb_hms(&b, &d.tm);
	sb_put(&b, ".", 1);
	sb_dec(&b, (unsigned int)(d.ts % NSEC_PER_SEC / 1000), 6);
	sb_put(&b, " ", 1);
	sb_puts(&b, d.id);
	sb_puts(&b, m->dir == OFX_DIR_IN ? " -> " : " <- ");
	sb_puts(&b, d.version);
	sb_put(&b, " ", 1);
	sb_puts(&b, d.type);
	if (d.sub[0]) {
		sb_put(&b, " ", 1);
		sb_puts(&b, d.sub);
	}
	{
		char t[OFX_FMT_HEX_MAX];

		sb_puts(&b, " xid=");
		sb_put(&b, t, ofx_fmt_hex(t, m->xid, 1));
	}
	sb_puts(&b, " len=");
	sb_u64(&b, m->length);
	if (m->dec.mp_more)
		sb_puts(&b, " more");
	for (unsigned int i = 0; i < sizeof(flag_names) / sizeof(*flag_names);
	     i++)
		if (flag_names[i] && (m->flags & (1u << i))) {
			sb_puts(&b, " [");
			sb_puts(&b, flag_names[i]);
			sb_puts(&b, "]");
		}
	for (unsigned int i = 0; i < d.fl.n; i++) {
		const struct of_field *x = &d.fl.f[i];

		if (x->group == OF_FG_MSG)
			sb_puts(&b, " ");
		else if (x->group != group)
			sb_puts(&b, x->group == OF_FG_MATCH ? " match:"
							    : " frame:");
		else
			sb_puts(&b, ",");
		group = x->group;
		sb_puts(&b, x->name);
		sb_puts(&b, "=");
		sb_puts(&b, x->value);
	}
	if (d.fl.truncated)
		sb_puts(&b, " [not captured whole]");
	return sb_line(&b);
}

size_t ofx_msg_ndjson(char *buf, size_t len, const struct of_msg *m,
		      uint64_t epoch_offset_ns)
{
	static const char *const groups[OF_FG_N] = {"fields", "match", "frame"};
	struct sb b = {.p = buf, .cap = len - 2};
	struct desc d;
	int group = -1;
	bool any = false;

	describe(&d, m, epoch_offset_ns);
	sb_puts(&b, "{\"ts_ns\":");
	sb_u64(&b, d.ts);
	sb_puts(&b, ",\"time\":\"");
	sb_dec(&b, (unsigned int)d.tm.tm_year + 1900, 4);
	sb_put(&b, "-", 1);
	sb_dec(&b, (unsigned int)d.tm.tm_mon + 1, 2);
	sb_put(&b, "-", 1);
	sb_dec(&b, (unsigned int)d.tm.tm_mday, 2);
	sb_put(&b, "T", 1);
	sb_hms(&b, &d.tm);
	sb_put(&b, ".", 1);
	sb_dec(&b, (unsigned int)(d.ts % NSEC_PER_SEC), 9);
	sb_puts(&b, "Z\",\"switch\":");
	sb_jstr(&b, d.id);
	if (m->conn->has_dpid) {
		sb_puts(&b, ",\"datapath_id\":");
		sb_jstr(&b, d.id);
	}
	sb_puts(&b, ",\"switch_addr\":");
	sb_jstr(&b, d.sw);
	sb_puts(&b, ",\"controller_addr\":");
	sb_jstr(&b, d.ctl);
	sb_puts(&b, ",\"connection\":");
	sb_u64(&b, m->conn->tcp->id);
	sb_puts(&b, m->dir == OFX_DIR_IN
			    ? ",\"direction\":\"in\",\"version\":"
			    : ",\"direction\":\"out\",\"version\":");
	sb_jstr(&b, d.version);
	sb_puts(&b, ",\"type\":");
	sb_jstr(&b, d.type);
	if (d.sub[0]) {
		sb_puts(&b, ",\"subtype\":");
		sb_jstr(&b, d.sub);
	}
	sb_puts(&b, ",\"xid\":");
	sb_u64(&b, m->xid);
	sb_puts(&b, ",\"length\":");
	sb_u64(&b, m->length);
	sb_puts(&b, ",\"bytes\":");
	sb_u64(&b, m->bytes);
	if (m->dec.mp_more)
		sb_puts(&b, ",\"more\":true");
	for (unsigned int i = 0; i < sizeof(flag_names) / sizeof(*flag_names);
	     i++) {
		if (!flag_names[i] || !(m->flags & (1u << i)))
			continue;
		sb_puts(&b, any ? "," : ",\"flags\":[");
		sb_jstr(&b, flag_names[i]);
		any = true;
	}
	if (any)
		sb_puts(&b, "]");
	/* fields come grouped (of_fields_get() adds them group by group);
	 * a name seen twice in a group (a QinQ frame's vlan_vid) keeps its
	 * first value, as JSON objects want unique names */
	for (unsigned int i = 0; i < d.fl.n; i++) {
		const struct of_field *x = &d.fl.f[i];
		bool dup = false;

		for (unsigned int j = 0; j < i && !dup; j++)
			dup = d.fl.f[j].group == x->group &&
			      !strcmp(d.fl.f[j].name, x->name);
		if (dup)
			continue;
		if (x->group != group) {
			if (group >= 0)
				sb_puts(&b, "}");
			sb_puts(&b, ",\"");
			sb_puts(&b, groups[x->group]);
			sb_puts(&b, "\":{");
			group = x->group;
		} else {
			sb_puts(&b, ",");
		}
		sb_jstr(&b, x->name);
		sb_puts(&b, ":");
		if (x->number)
			sb_u64(&b, x->u);
		else
			sb_jstr(&b, x->value);
	}
	if (group >= 0)
		sb_puts(&b, "}");
	if (d.fl.truncated)
		sb_puts(&b, ",\"fields_truncated\":true");
	sb_puts(&b, "}");
	return sb_line(&b);
}
