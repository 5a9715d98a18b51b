/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * switches.h - per-connection and per-switch views: a consumer of message
 * and connection events that counts per connection, groups connections by
 * switch (datapath_id, else the switch's address) across reconnects,
 * counts the global subtype table (with per-connection caches), keeps
 * the last closed connections in a bounded history, and builds the views
 * that output shows.
 *
 * A connection's counts live with the connection while it is open and move
 * into its switch's totals when it closes, so a connection whose
 * datapath_id is learned late (FEATURES_REPLY after HELLO, LLDP) moves to
 * its switch with everything it counted before.
 */
#ifndef OFX_SWITCHES_H
#define OFX_SWITCHES_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis/counters.h"
#include "analysis/names.h"
#include "openflow/of_conn.h"

#define OFX_CONN_SUBTYPES 64 /* subtype entries per connection */
#define OFX_SWITCH_SUBTYPES 512 /* ... per switch (its table grows to it) */
#define OFX_SWITCH_TYPES 1024 /* per-type entries of a switch: all ids */
#define OFX_MAX_SWITCHES 1024 /* switch records; more share "other" */
#define OFX_CONN_HISTORY_DEFAULT 1024 /* closed connections kept */

/**
 * struct ofx_conn_view - one connection as output shows it.
 * @id:           struct ofx_conn.id
 * @family:       4 or 6
 * @sw_addr/@sw_port, @ctl_addr/@ctl_port: the switch's and the
 *                controller's endpoint (addresses in network order)
 * @has_dpid/@datapath_id/@dpid_source: identity (enum of_dpid_source)
 * @has_aux/@auxiliary_id: FEATURES_REPLY's auxiliary_id
 * @name:         from the names map, "" if none
 * @version:      negotiated wire version (0: unknown)
 * @role_source:  enum of_role_source
 * @close_reason: enum ofx_close_reason (0: open)
 * @midstream:    joined mid-stream (no SYN seen)
 * @first_ns/@last_ns: first and latest segment, capture clock
 * @cnt:          [dir] messages and bytes
 * @tcp:          [dir] TCP segments with payload and their bytes
 * @protocol:     enum of_protocol
 * @tls:          [dir] TLS records and bytes
 * @unverified:   [dir] messages not proven OpenFlow, bytes seen
 */
struct ofx_conn_view {
	uint64_t id;
	uint8_t family;
	uint32_t sw_addr[4];
	uint32_t ctl_addr[4];
	uint16_t sw_port;
	uint16_t ctl_port;
	bool has_dpid;
	uint8_t dpid_source;
	uint64_t datapath_id;
	bool has_aux;
	uint8_t auxiliary_id;
	char name[64];
	uint8_t version;
	uint8_t role_source;
	uint8_t close_reason;
	bool midstream;
	uint64_t first_ns;
	uint64_t last_ns;
	struct ofx_count cnt[OFX_NDIRS];
	struct ofx_count tcp[OFX_NDIRS];
	uint8_t protocol;
	struct ofx_count tls[OFX_NDIRS];
	struct ofx_count unverified[OFX_NDIRS];
};

/**
 * struct ofx_switch_view - one switch across its connections, compact: its
 * nonzero counts only (a few KiB in all; ofx_switch_view_counts() expands
 * them). Its tables are its own (ofx_switch_view_release() frees them).
 * @id:      "0x%016x" datapath_id, or the switch's address when unknown
 * @address: the address of its latest connection
 * @conns_total/@conns_open: connections ever / now
 * @total:   [dir] its messages and bytes (open and closed connections)
 * @types:   its per (version, type, direction) and invalid-type counts: a
 *           list (ofx_subtab_list()) of ofx_typecount_id() entries; NULL:
 *           none
 * @sub:     its subtype entries, a list; @sub->overflow: subtype counts
 *           that found no room in its table; NULL: none
 * @rate_total/@rate_types/@rate_dt: its @total and @types @rate_dt seconds
 *           before (rates are (now - then) / rate_dt; a count that went
 *           down, when a connection moved to its datapath_id's record,
 *           rates 0)
 */
struct ofx_switch_view {
	char id[48];
	bool has_dpid;
	uint8_t dpid_source;
	uint64_t datapath_id;
	char name[64];
	char address[48];
	uint32_t conns_total;
	uint32_t conns_open;
	uint64_t first_ns;
	uint64_t last_ns;
	struct ofx_count total[OFX_NDIRS];
	struct ofx_subtab *types;
	struct ofx_subtab *sub;
	struct ofx_count rate_total[OFX_NDIRS];
	struct ofx_subtab *rate_types;
	double rate_dt;
};

/**
 * struct ofx_switch_counts - a switch view's counts expanded (16 KiB: on
 * the heap): @m and its @rate_base, totals included.
 */
struct ofx_switch_counts {
	struct ofx_msgcounts m;
	struct ofx_msgcounts rate_base;
};

/** ofx_switch_view_counts() - expand @w's counts into @out. */
void ofx_switch_view_counts(const struct ofx_switch_view *w,
			    struct ofx_switch_counts *out);

/**
 * ofx_switch_view_set_counts() - give @w the counts @m (totals included),
 * @rate_base (NULL: zero) and the subtype entries of @sub (NULL: none),
 * replacing (and freeing) what it had. Return: 0, or -ENOMEM (@w then
 * has no counts).
 */
int ofx_switch_view_set_counts(struct ofx_switch_view *w,
			       const struct ofx_msgcounts *m,
			       const struct ofx_msgcounts *rate_base,
			       const struct ofx_subtab *sub);

/** ofx_switch_view_release() - free the tables of @w (not @w). */
void ofx_switch_view_release(struct ofx_switch_view *w);

/**
 * struct ofx_switches_stats - counters of this stage.
 * @switches:          switch records now
 * @switches_overflow: connections that found no switch record (table full)
 * @conn_stats_nomem:  connections counted globally only (no memory)
 */
struct ofx_switches_stats {
	uint64_t switches;
	uint64_t switches_overflow;
	uint64_t conn_stats_nomem;
};

struct ofx_switches;

/**
 * ofx_switches_new() - the consumer; @names may be NULL; @history: closed
 * connections kept (0: OFX_CONN_HISTORY_DEFAULT); @global: the global
 * subtype table, counted here too (with the per-connection caches that
 * make a message cost one compare per table). Return: NULL on ENOMEM.
 */
struct ofx_switches *ofx_switches_new(const struct ofx_names *names,
				      unsigned int history,
				      struct ofx_subtab *global,
				      struct ofx_switches_stats *st);

/** ofx_switches_sink() - its message/connection callbacks. */
const struct of_msg_sink *ofx_switches_sink(struct ofx_switches *s);

/**
 * ofx_switches_conn_views() - views of the open connections (@state_open)
 * or of the closed ones still in the history, oldest first, into @out (up
 * to @max). Return: how many.
 */
unsigned int ofx_switches_conn_views(struct ofx_switches *s, bool state_open,
				     struct ofx_conn_view *out,
				     unsigned int max);

/**
 * ofx_switches_conn_id() - the id of the switch record open connection @c
 * counts in (struct ofx_switch_view.id) into @buf (48 bytes); @s is the
 * struct ofx_switches (an ofx_latency_switch_id_fn). Valid once the
 * switches consumer saw a message of @c. Return: false when it has none.
 */
bool ofx_switches_conn_id(void *s, const struct of_conn *c, char *buf);

/** ofx_switches_count() - switch records now. */
unsigned int ofx_switches_count(const struct ofx_switches *s);

/**
 * ofx_switches_views() - views of up to @max switches into @out, with
 * rates over the time since the previous call at least 1 s before @now_ns.
 * Return: how many.
 */
unsigned int ofx_switches_views(struct ofx_switches *s,
				struct ofx_switch_view *out, unsigned int max,
				uint64_t now_ns);

/** ofx_switches_free() - free @s. NULL is a no-op. */
void ofx_switches_free(struct ofx_switches *s);

#endif
