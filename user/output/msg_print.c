// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * msg_print.c - one message as a text line or a JSON object (msg_print.h).
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "openflow/of_conn.h"
#include "openflow/of_fields.h"
#include "openflow/of_proto.h"
#include "output/msg_print.h"
#include "stream/reasm.h"

#define NSEC_PER_SEC 1000000000ull

/* Addresses of the switch (@sw) and the controller side of @c. */
static void addrs(const struct of_conn *c, char *sw, char *ctl, size_t len)
{
	const struct ofx_flow_key *k = &c->tcp->key;
	int sh = c->switch_half >= 0
			 ? c->switch_half
			 : (c->tcp->port_dir[0] == OFX_DIR_IN ? 0 : 1);
	int af = k->family == 6 ? AF_INET6 : AF_INET;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	if (!inet_ntop(af, sh == 0 ? k->saddr : k->daddr, a, sizeof(a)))
		strcpy(a, "?");
	if (!inet_ntop(af, sh == 0 ? k->daddr : k->saddr, b, sizeof(b)))
		strcpy(b, "?");
	if (af == AF_INET6) {
		snprintf(sw, len, "[%s]:%u", a, sh == 0 ? k->sport : k->dport);
		snprintf(ctl, len, "[%s]:%u", b, sh == 0 ? k->dport : k->sport);
	} else {
		snprintf(sw, len, "%s:%u", a, sh == 0 ? k->sport : k->dport);
		snprintf(ctl, len, "%s:%u", b, sh == 0 ? k->dport : k->sport);
	}
}

static void type_name(const struct of_msg *m, char *buf, size_t len)
{
	const char *n = of_type_name(m->version, m->type);

	if (n)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "OFPT_%u", m->type);
}

static const char *flag_names[] = {"partial", "truncated", "resynced",
				   NULL,      "midstream", "invalid_type"};

void ofx_msg_print_text(FILE *f, const struct of_msg *m,
			uint64_t epoch_offset_ns)
{
	uint64_t ts = m->ts_ns + epoch_offset_ns;
	time_t sec = (time_t)(ts / NSEC_PER_SEC);
	struct tm tm;
	char sw[64], ctl[64], type[40], sub[96] = "";
	const char *v = of_version_name(m->version);
	struct of_fields fl;
	int group = -1;

	gmtime_r(&sec, &tm);
	addrs(m->conn, sw, ctl, sizeof(sw));
	if (m->conn->has_dpid)
		snprintf(sw, sizeof(sw), "0x%016" PRIx64, m->conn->datapath_id);
	type_name(m, type, sizeof(type));
	if (m->dec.sub_kind != OF_SUB_NONE)
		of_subtype_name(m->version, m->type, m->dec.sub_kind,
				m->dec.sub, sub, sizeof(sub));
	fprintf(f, "%02d:%02d:%02d.%06llu %s %s %s %s%s%s xid=0x%x len=%u",
		tm.tm_hour, tm.tm_min, tm.tm_sec,
		(unsigned long long)(ts % NSEC_PER_SEC / 1000), sw,
		m->dir == OFX_DIR_IN ? "->" : "<-", v ? v : "?", type,
		sub[0] ? " " : "", sub, m->xid, m->length);
	if (m->dec.mp_more)
		fputs(" more", f);
	for (unsigned int i = 0; i < sizeof(flag_names) / sizeof(*flag_names);
	     i++)
		if (flag_names[i] && (m->flags & (1u << i)))
			fprintf(f, " [%s]", flag_names[i]);
	of_fields_get(m->data, m->caplen, &fl);
	for (unsigned int i = 0; i < fl.n; i++) {
		const struct of_field *x = &fl.f[i];

		if (x->group == OF_FG_MSG)
			fputc(' ', f);
		else if (x->group != group)
			fputs(x->group == OF_FG_MATCH ? " match:" : " frame:",
			      f);
		else
			fputc(',', f);
		group = x->group;
		fprintf(f, "%s=%s", x->name, x->value);
	}
	if (fl.truncated)
		fputs(" [not captured whole]", f);
	fputc('\n', f);
}

json_t *ofx_msg_json(const struct of_msg *m, uint64_t epoch_offset_ns)
{
	static const char *const groups[OF_FG_N] = {"fields", "match", "frame"};
	uint64_t ts = m->ts_ns + epoch_offset_ns;
	time_t sec = (time_t)(ts / NSEC_PER_SEC);
	struct tm tm;
	char sw[64], ctl[64], buf[96], when[48];
	const char *v = of_version_name(m->version);
	json_t *o = json_object(), *g[OF_FG_N] = {0}, *flags = NULL;
	struct of_fields fl;

	if (!o)
		return NULL;
	gmtime_r(&sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, sizeof(buf), "%s.%09lluZ", when,
		 (unsigned long long)(ts % NSEC_PER_SEC));
	addrs(m->conn, sw, ctl, sizeof(sw));
	json_object_set_new(o, "ts_ns", json_integer((json_int_t)ts));
	json_object_set_new(o, "time", json_string(buf));
	if (m->conn->has_dpid) {
		snprintf(buf, sizeof(buf), "0x%016" PRIx64,
			 m->conn->datapath_id);
		json_object_set_new(o, "switch", json_string(buf));
		json_object_set_new(o, "datapath_id", json_string(buf));
	} else {
		json_object_set_new(o, "switch", json_string(sw));
	}
	json_object_set_new(o, "switch_addr", json_string(sw));
	json_object_set_new(o, "controller_addr", json_string(ctl));
	json_object_set_new(o, "connection",
			    json_integer((json_int_t)m->conn->tcp->id));
	json_object_set_new(o, "direction",
			    json_string(m->dir == OFX_DIR_IN ? "in" : "out"));
	json_object_set_new(o, "version", json_string(v ? v : "?"));
	type_name(m, buf, sizeof(buf));
	json_object_set_new(o, "type", json_string(buf));
	if (m->dec.sub_kind != OF_SUB_NONE) {
		of_subtype_name(m->version, m->type, m->dec.sub_kind,
				m->dec.sub, buf, sizeof(buf));
		json_object_set_new(o, "subtype", json_string(buf));
	}
	json_object_set_new(o, "xid", json_integer(m->xid));
	json_object_set_new(o, "length", json_integer(m->length));
	json_object_set_new(o, "bytes", json_integer(m->bytes));
	if (m->dec.mp_more)
		json_object_set_new(o, "more", json_true());
	for (unsigned int i = 0; i < sizeof(flag_names) / sizeof(*flag_names);
	     i++) {
		if (!flag_names[i] || !(m->flags & (1u << i)))
			continue;
		if (!flags)
			flags = json_array();
		json_array_append_new(flags, json_string(flag_names[i]));
	}
	if (flags)
		json_object_set_new(o, "flags", flags);
	of_fields_get(m->data, m->caplen, &fl);
	for (unsigned int i = 0; i < fl.n; i++) {
		const struct of_field *x = &fl.f[i];

		if (!g[x->group]) {
			g[x->group] = json_object();
			json_object_set_new(o, groups[x->group], g[x->group]);
		}
		json_object_set_new(g[x->group], x->name,
				    x->number ? json_integer((json_int_t)x->u)
					      : json_string(x->value));
	}
	if (fl.truncated)
		json_object_set_new(o, "fields_truncated", json_true());
	return o;
}
