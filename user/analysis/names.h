/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * names.h - the switch names map (--switch-names FILE): datapath_id or
 * address -> name, and optionally address -> datapath_id for switches whose
 * handshake was not seen.
 *
 * File format: one entry per line, fields separated by blanks, '#' starts a
 * comment:
 *     KEY NAME [DATAPATH_ID]
 * KEY is a datapath_id (0x-prefixed hex, 16 hex digits, or the colon form
 * 00:00:00:00:00:00:00:01) or an IPv4/IPv6 address of the switch; the
 * third field is allowed after an address only and gives that switch's
 * datapath_id. NAME is 1-63 bytes of [A-Za-z0-9._:-].
 */
#ifndef OFX_NAMES_H
#define OFX_NAMES_H

#include <stdbool.h>
#include <stdint.h>

/**
 * struct ofx_name - one entry.
 * @by_addr: keyed by @family/@addr (else by @datapath_id)
 * @has_dpid: @datapath_id is valid (always for a datapath_id key)
 */
struct ofx_name {
	bool by_addr;
	uint8_t family;
	uint32_t addr[4];
	bool has_dpid;
	uint64_t datapath_id;
	char name[64];
};

/** struct ofx_names - the loaded map. */
struct ofx_names {
	struct ofx_name *e;
	unsigned int n;
};

/**
 * ofx_names_load() - read @path into @names.
 * Return: 0, -errno when it cannot be read, or -EINVAL with @err (256
 * bytes) naming the file, the line number and what is wrong.
 */
int ofx_names_load(const char *path, struct ofx_names *names, char *err);

/** ofx_parse_dpid() - parse a datapath_id in any of the forms above. */
int ofx_parse_dpid(const char *s, uint64_t *dpid);

/** ofx_names_by_dpid() - the entry for @dpid, or NULL. */
const struct ofx_name *ofx_names_by_dpid(const struct ofx_names *names,
					 uint64_t dpid);

/** ofx_names_by_addr() - the entry for address @addr (network order), or NULL. */
const struct ofx_name *ofx_names_by_addr(const struct ofx_names *names,
					 uint8_t family, const uint32_t *addr);

/** ofx_names_free() - free what load allocated. */
void ofx_names_free(struct ofx_names *names);

#endif
