// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * msg_filter.c - message selection for watchers (rules in msg_filter.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/msg_filter.h"
#include "openflow/of_conn.h"
#include "stream/reasm.h"

/* Frames carried by PACKET_IN/PACKET_OUT are Ethernet frames; their
 * snap length bounds what the compiled program may read. */
#define INNER_SNAPLEN 65535

/* Call @fn(f, token, ctx) for each comma-separated token of @value. */
static int each_token(const char *value, char *err, size_t errlen,
		      int (*fn)(const char *tok, void *ctx, char *err,
				size_t errlen),
		      void *ctx)
{
	char tok[OFX_FILTER_NAME_MAX];
	const char *p = value, *e;
	int rc, n = 0;

	while (*p) {
		size_t len;

		e = strchr(p, ',');
		len = e ? (size_t)(e - p) : strlen(p);
		while (len && isspace((unsigned char)*p)) {
			p++;
			len--;
		}
		while (len && isspace((unsigned char)p[len - 1]))
			len--;
		if (!len || len >= sizeof(tok)) {
			snprintf(err, errlen, "bad list '%.40s'", value);
			return -EINVAL;
		}
		memcpy(tok, p, len);
		tok[len] = '\0';
		rc = fn(tok, ctx, err, errlen);
		if (rc)
			return rc;
		n++;
		if (!e)
			break;
		p = e + 1;
	}
	if (!n) {
		snprintf(err, errlen, "empty list");
		return -EINVAL;
	}
	return 0;
}

static int add_version(const char *tok, void *ctx, char *err, size_t errlen)
{
	struct ofx_msg_filter *f = ctx;

	for (uint8_t v = OFP_VERSION_MIN; v <= OFP_VERSION_MAX; v++) {
		if (!strcmp(tok, of_version_name(v))) {
			f->versions |= (uint8_t)(1u << v);
			return 0;
		}
	}
	snprintf(err, errlen, "unknown version '%s' (1.0 to 1.5)", tok);
	return -EINVAL;
}

/* "PACKET_IN" or "OFPT_PACKET_IN"; STATS_* and MULTIPART_* name the
 * same types (1.0-1.2 vs 1.3+). */
static int add_type(const char *tok, void *ctx, char *err, size_t errlen)
{
	struct ofx_msg_filter *f = ctx;
	const char *name = strncasecmp(tok, "OFPT_", 5) ? tok : tok + 5;
	bool found = false;

	for (uint8_t v = OFP_VERSION_MIN; v <= OFP_VERSION_MAX; v++) {
		for (int t = 0; t <= of_max_type(v); t++) {
			const char *n = of_type_name(v, (uint8_t)t);
			bool match;

			if (!n)
				continue;
			n += 5; /* "OFPT_" */
			match = !strcasecmp(name, n);
			if (!match && of_is_multipart(v, (uint8_t)t)) {
				bool req = strstr(n, "REQUEST") != NULL;

				match = !strcasecmp(name,
						    req ? "STATS_REQUEST"
							: "STATS_REPLY") ||
					!strcasecmp(name,
						    req ? "MULTIPART_REQUEST"
							: "MULTIPART_REPLY");
			}
			if (match) {
				f->types[v] |= 1ull << t;
				found = true;
			}
		}
	}
	if (!found) {
		snprintf(err, errlen, "unknown message type '%s'", tok);
		return -EINVAL;
	}
	f->has_types = true;
	return 0;
}

static int add_subtype(const char *tok, void *ctx, char *err, size_t errlen)
{
	struct ofx_msg_filter *f = ctx;

	if (f->nsub >= OFX_FILTER_SUBTYPES) {
		snprintf(err, errlen, "at most %d subtypes",
			 OFX_FILTER_SUBTYPES);
		return -E2BIG;
	}
	snprintf(f->subtypes[f->nsub++], OFX_FILTER_NAME_MAX, "%s", tok);
	return 0;
}

/* A datapath_id: 0x-hex, 16 hex digits, or 8 hex bytes with colons. */
static int parse_dpid(const char *s, uint64_t *out)
{
	char hex[17];
	size_t n = 0;
	const char *p = s;
	char *end;

	if (!strncasecmp(p, "0x", 2)) {
		if (!p[2] || strlen(p + 2) > 16)
			return -EINVAL;
		errno = 0;
		*out = strtoull(p + 2, &end, 16);
		return errno || *end ? -EINVAL : 0;
	}
	if (strchr(p, ':')) {
		for (; *p; p++) {
			if (*p == ':')
				continue;
			if (!isxdigit((unsigned char)*p) || n >= 16)
				return -EINVAL;
			hex[n++] = *p;
		}
		if (n != 16 || strlen(s) != 23)
			return -EINVAL;
	} else {
		if (strlen(p) != 16)
			return -EINVAL;
		memcpy(hex, p, 16);
		n = 16;
	}
	hex[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)hex[i]))
			return -EINVAL;
	*out = strtoull(hex, NULL, 16);
	return 0;
}

/* IPv4[:port] or [IPv6][:port] or a bare IPv6 address. */
static int parse_addr(struct ofx_msg_filter *f, const char *s)
{
	char host[64];
	const char *port = NULL;
	unsigned long p = 0;
	char *end;

	if (s[0] == '[') {
		const char *e = strchr(s, ']');

		if (!e || (size_t)(e - s - 1) >= sizeof(host))
			return -EINVAL;
		memcpy(host, s + 1, (size_t)(e - s - 1));
		host[e - s - 1] = '\0';
		if (e[1] == ':')
			port = e + 2;
		else if (e[1])
			return -EINVAL;
	} else if (strchr(s, ':') && strchr(s, ':') == strrchr(s, ':')) {
		const char *c = strchr(s, ':');

		if ((size_t)(c - s) >= sizeof(host))
			return -EINVAL;
		memcpy(host, s, (size_t)(c - s));
		host[c - s] = '\0';
		port = c + 1;
	} else {
		if (strlen(s) >= sizeof(host))
			return -EINVAL;
		strcpy(host, s);
	}
	memset(f->addr, 0, sizeof(f->addr));
	if (inet_pton(AF_INET, host, f->addr) == 1)
		f->family = 4;
	else if (inet_pton(AF_INET6, host, f->addr) == 1)
		f->family = 6;
	else
		return -EINVAL;
	if (port) {
		errno = 0;
		p = strtoul(port, &end, 10);
		if (!*port || *end || errno || !p || p > 65535 ||
		    !isdigit((unsigned char)*port))
			return -EINVAL;
	}
	f->port = (uint16_t)p;
	f->has_addr = true;
	return 0;
}

static int set_inner(struct ofx_msg_filter *f, const char *expr, char *err,
		     size_t errlen)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, INNER_SNAPLEN);
	int rc = 0;

	if (!p) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (f->has_inner) {
		snprintf(err, errlen, "one frame filter only");
		rc = -EINVAL;
	} else if (pcap_compile(p, &f->inner, expr, 1, PCAP_NETMASK_UNKNOWN) <
		   0) {
		snprintf(err, errlen, "bad frame filter '%.60s': %s", expr,
			 pcap_geterr(p));
		rc = -EINVAL;
	} else {
		f->has_inner = true;
	}
	pcap_close(p);
	return rc;
}

int ofx_msg_filter_set(struct ofx_msg_filter *f, const char *key,
		       const char *value, char *err, size_t errlen)
{
	char *end;

	if (!strcmp(key, "version"))
		return each_token(value, err, errlen, add_version, f);
	if (!strcmp(key, "type"))
		return each_token(value, err, errlen, add_type, f);
	if (!strcmp(key, "subtype"))
		return each_token(value, err, errlen, add_subtype, f);
	if (!strcmp(key, "direction")) {
		if (!strcmp(value, "in"))
			f->dir = OFX_DIR_IN + 1;
		else if (!strcmp(value, "out"))
			f->dir = OFX_DIR_OUT + 1;
		else if (!strcmp(value, "both"))
			f->dir = 0;
		else {
			snprintf(err, errlen,
				 "direction '%.20s': in, out or both", value);
			return -EINVAL;
		}
		return 0;
	}
	if (!strcmp(key, "switch")) {
		if (!parse_dpid(value, &f->dpid)) {
			f->has_dpid = true;
			return 0;
		}
		if (!parse_addr(f, value))
			return 0;
		snprintf(err, errlen,
			 "switch '%.40s': a datapath_id (0x1, "
			 "00:00:00:00:00:00:00:01) or IP[:port]",
			 value);
		return -EINVAL;
	}
	if (!strcmp(key, "xid")) {
		unsigned long long x;

		errno = 0;
		x = strtoull(value, &end, 0);
		if (!*value || *end || errno || x > UINT32_MAX ||
		    !isdigit((unsigned char)*value)) {
			snprintf(err, errlen, "xid '%.20s': 0 to 4294967295",
				 value);
			return -EINVAL;
		}
		f->xid = (uint32_t)x;
		f->has_xid = true;
		return 0;
	}
	if (!strcmp(key, "inner"))
		return set_inner(f, value, err, errlen);
	if (!strcmp(key, "mac")) {
		char expr[64];
		unsigned int b[6];
		char c;

		if (sscanf(value, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1],
			   &b[2], &b[3], &b[4], &b[5], &c) != 6 ||
		    strlen(value) != 17) {
			snprintf(err, errlen, "mac '%.20s': xx:xx:xx:xx:xx:xx",
				 value);
			return -EINVAL;
		}
		snprintf(expr, sizeof(expr), "ether host %s", value);
		return set_inner(f, expr, err, errlen);
	}
	snprintf(err, errlen, "unknown filter '%.20s'", key);
	return -ENOENT;
}

bool ofx_msg_filter_empty(const struct ofx_msg_filter *f)
{
	return !f->versions && !f->has_types && !f->nsub && !f->dir &&
	       !f->has_dpid && !f->has_addr && !f->has_xid && !f->has_inner;
}

/* The subtype name of @m equals @want, or @want is its part before '/'
 * (an error's type). */
static bool subtype_match(const struct ofx_msg_filter *f,
			  const struct of_msg *m)
{
	char name[OFX_FILTER_NAME_MAX * 2];
	size_t n;

	if (m->dec.sub_kind == OF_SUB_NONE)
		return false;
	of_subtype_name(m->version, m->type, m->dec.sub_kind, m->dec.sub, name,
			sizeof(name));
	for (unsigned int i = 0; i < f->nsub; i++) {
		if (!strcasecmp(name, f->subtypes[i]))
			return true;
		n = strlen(f->subtypes[i]);
		if (!strncasecmp(name, f->subtypes[i], n) && name[n] == '/')
			return true;
	}
	return false;
}

static bool switch_match(const struct ofx_msg_filter *f, const struct of_msg *m)
{
	const struct of_conn *c = m->conn;
	const struct ofx_flow_key *k = &c->tcp->key;
	int sh = c->switch_half >= 0
			 ? c->switch_half
			 : (c->tcp->port_dir[0] == OFX_DIR_IN ? 0 : 1);
	const uint32_t *a = sh == 0 ? k->saddr : k->daddr;
	uint16_t port = sh == 0 ? k->sport : k->dport;

	if (f->has_dpid && !(c->has_dpid && c->datapath_id == f->dpid))
		return false;
	if (f->has_addr && (k->family != f->family ||
			    memcmp(a, f->addr, f->family == 4 ? 4 : 16) ||
			    (f->port && port != f->port)))
		return false;
	return true;
}

static bool inner_match(const struct ofx_msg_filter *f, const struct of_msg *m)
{
	struct pcap_pkthdr h = {0};
	uint32_t avail;

	if (!m->dec.data_off || m->dec.data_off >= m->caplen)
		return false;
	avail = m->caplen - m->dec.data_off;
	if (m->dec.data_len < avail)
		avail = m->dec.data_len;
	h.caplen = avail;
	h.len = m->dec.total_len > m->dec.data_len ? m->dec.total_len
						   : m->dec.data_len;
	return pcap_offline_filter(&f->inner, &h, m->data + m->dec.data_off) !=
	       0;
}

bool ofx_msg_filter_match(const struct ofx_msg_filter *f,
			  const struct of_msg *m)
{
	if (f->versions && !(f->versions & (1u << m->version)))
		return false;
	if (f->has_types && (m->version >= OFX_NVERSIONS ||
			     !(f->types[m->version] & (1ull << m->type))))
		return false;
	if (f->dir && m->dir != f->dir - 1)
		return false;
	if (f->has_xid && m->xid != f->xid)
		return false;
	if ((f->has_dpid || f->has_addr) && !switch_match(f, m))
		return false;
	if (f->nsub && !subtype_match(f, m))
		return false;
	if (f->has_inner && !inner_match(f, m))
		return false;
	return true;
}

void ofx_msg_filter_free(struct ofx_msg_filter *f)
{
	if (f->has_inner)
		pcap_freecode(&f->inner);
	memset(f, 0, sizeof(*f));
}
