// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ofgen counters: messages and bytes per direction, wire version and
 * OFPT_* type, written as one JSON document at exit.
 */
#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "ofgen.h"
#include "openflow/of_proto.h"

struct ofg_stats ofg_stats;

/* The type names are the monitor's own table (user/openflow/of_proto.c, plain C
 * with no dependency), so ofgen and ofxdp name every type alike. */
const char *ofg_type_name(uint8_t ver, uint8_t type)
{
	return of_type_name(ver, type);
}

const char *ofg_version_name(uint8_t ver)
{
	static const char *const n[OFG_NVER] = {NULL,  "1.0", "1.1", "1.2",
						"1.3", "1.4", "1.5"};

	return ver < OFG_NVER ? n[ver] : NULL;
}

int ofg_version_parse(const char *s)
{
	int v;

	for (v = 1; v < OFG_NVER; v++)
		if (!strcmp(s, ofg_version_name(v)))
			return v;
	return -1;
}

struct ofg_counter ofg_stats_total(enum ofg_dir d)
{
	struct ofg_counter t = ofg_stats.other[d];
	int v, ty;

	for (v = 0; v < OFG_NVER; v++)
		for (ty = 0; ty < 256; ty++) {
			t.msgs += ofg_stats.c[d][v][ty].msgs;
			t.bytes += ofg_stats.c[d][v][ty].bytes;
		}
	return t;
}

static json_t *counter_json(struct ofg_counter c)
{
	return json_pack("{s:I,s:I}", "msgs", (json_int_t)c.msgs, "bytes",
			 (json_int_t)c.bytes);
}

static json_t *dir_json(enum ofg_dir d)
{
	json_t *o = json_object();
	char vbuf[8], tbuf[24];
	int v, ty;

	for (v = 0; v < OFG_NVER; v++) {
		json_t *vo = NULL;

		for (ty = 0; ty < 256; ty++) {
			struct ofg_counter c = ofg_stats.c[d][v][ty];
			const char *name = ofg_type_name(v, ty);

			if (!c.msgs)
				continue;
			if (!vo)
				vo = json_object();
			if (!name) {
				snprintf(tbuf, sizeof(tbuf), "OFPT_UNKNOWN_%d",
					 ty);
				name = tbuf;
			}
			json_object_set_new(vo, name, counter_json(c));
		}
		if (!vo)
			continue;
		if (ofg_version_name(v)) {
			json_object_set_new(o, ofg_version_name(v), vo);
		} else {
			snprintf(vbuf, sizeof(vbuf), "0x%02x", v);
			json_object_set_new(o, vbuf, vo);
		}
	}
	if (ofg_stats.other[d].msgs)
		json_object_set_new(o, "other",
				    counter_json(ofg_stats.other[d]));
	return o;
}

static json_t *config_json(const struct ofg_cfg *cfg)
{
	json_t *o = json_object(), *vers = json_array();
	int i;

	for (i = 0; i < cfg->nversions; i++)
		json_array_append_new(
			vers, json_string(ofg_version_name(cfg->versions[i])));
	json_object_set_new(o, "versions", vers);
	json_object_set_new(o, "seed", json_integer((json_int_t)cfg->seed));
	if (cfg->delay_on) {
		json_t *d = json_object();
		unsigned int ans = ofg_answered_kinds(cfg->controller);

		for (i = 0; i < OFG_LK_MAX; i++)
			if (ans & 1u << i)
				json_object_set_new(
					d, ofg_lk_name(i),
					json_integer(
						(json_int_t)cfg
							->reply_delay_ns[i]));
		json_object_set_new(o, "reply_delay_ns", d);
		json_object_set_new(
			o, "reply_jitter_ns",
			json_integer((json_int_t)cfg->reply_jitter_ns));
	}
	if (cfg->controller) {
		json_object_set_new(
			o, "pin_flow_mod",
			json_string(cfg->pin_flow_mod == OFG_PIN_FM_BARE
					    ? "bare"
					    : "with_packet_out"));
		json_object_set_new(o, "flow_mod_pct",
				    json_integer(cfg->flow_mod_pct));
		json_object_set_new(o, "stats_interval_ms",
				    json_integer(cfg->stats_interval_ms));
		json_object_set_new(o, "echo_interval_ms",
				    json_integer(cfg->echo_interval_ms));
		json_object_set_new(o, "barrier_interval_ms",
				    json_integer(cfg->barrier_interval_ms));
	} else {
		json_object_set_new(o, "rate", json_real(cfg->rate));
		json_object_set_new(o, "batch", json_integer(cfg->batch));
		json_object_set_new(o, "pin_data", json_integer(cfg->pin_data));
		json_object_set_new(o, "pin_buffered_pct",
				    json_integer(cfg->pin_buffered_pct));
		json_object_set_new(o, "stats_reply_size",
				    json_integer(cfg->stats_reply_size));
		json_object_set_new(
			o, "mix",
			json_pack("{s:i,s:i,s:i,s:i,s:i}", "packet_in",
				  cfg->mix[OFG_MIX_PACKET_IN], "echo",
				  cfg->mix[OFG_MIX_ECHO], "barrier",
				  cfg->mix[OFG_MIX_BARRIER], "port_status",
				  cfg->mix[OFG_MIX_PORT_STATUS], "error",
				  cfg->mix[OFG_MIX_ERROR]));
	}
	return o;
}

int ofg_stats_write_json(const struct ofg_cfg *cfg,
			 const struct ofg_summary *sum, const char *path)
{
	struct ofg_counter ts = ofg_stats_total(OFG_SENT);
	struct ofg_counter tr = ofg_stats_total(OFG_RECEIVED);
	double d = sum->duration_s > 0 ? sum->duration_s : 0;
	json_t *root;
	int rc;

	root = json_object();
	json_object_set_new(root, "role", json_string(sum->role));
	/* "in" = switch -> controller, "out" = controller -> switch */
	json_object_set_new(root, "sent_direction",
			    json_string(cfg->controller ? "out" : "in"));
	json_object_set_new(root, "received_direction",
			    json_string(cfg->controller ? "in" : "out"));
	json_object_set_new(root, "duration_s", json_real(d));
	json_object_set_new(root, "elapsed_s", json_real(sum->elapsed_s));
	json_object_set_new(root, "connections",
			    json_integer(sum->connections));
	json_object_set_new(root, "connections_clean",
			    json_integer(sum->connections_clean));
	json_object_set_new(root, "connections_failed",
			    json_integer(sum->connections_failed));
	json_object_set_new(root, "config", config_json(cfg));
	json_object_set_new(root, "sent", dir_json(OFG_SENT));
	json_object_set_new(root, "received", dir_json(OFG_RECEIVED));
	json_object_set_new(root, "totals",
			    json_pack("{s:o,s:o}", "sent", counter_json(ts),
				      "received", counter_json(tr)));
	json_object_set_new(root, "rate_msgs_per_s",
			    json_real(d > 0 ? ts.msgs / d : 0));
	json_object_set_new(root, "rate_bytes_per_s",
			    json_real(d > 0 ? ts.bytes / d : 0));
	json_object_set_new(root, "rx_rate_msgs_per_s",
			    json_real(d > 0 ? tr.msgs / d : 0));
	if (ofg_lat_on)
		json_object_set_new(root, "latency", ofg_lat_json());

	if (!path || !strcmp(path, "-")) {
		rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		fputc('\n', stdout);
		fflush(stdout);
	} else {
		rc = json_dump_file(root, path,
				    JSON_INDENT(2) | JSON_SORT_KEYS);
	}
	json_decref(root);
	return rc ? -EIO : 0;
}
