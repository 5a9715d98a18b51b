/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * counters.h - message counter sets: messages and bytes per version x type
 * x direction, and per subtype (stats/multipart type, error type/code,
 * reason, command, experimenter ...), secondary details, malformed bodies
 * and multipart transactions in a bounded hash table. The same set serves
 * the global, per-switch and per-connection scopes.
 */
#ifndef OFX_COUNTERS_H
#define OFX_COUNTERS_H

#include <stdbool.h>
#include <stdint.h>

#include "ofxdp.h"
#include "openflow/of_msg.h"
#include "openflow/of_proto.h"

/**
 * enum ofx_sub_group - kind of a struct ofx_subcount entry: enum
 * of_sub_kind values (1..4) are subtypes; the rest are these.
 */
enum ofx_sub_group {
	OFX_SUBK_DETAILS = 0x10, /* key = ofx_details_key() of the message */
	OFX_SUBK_MALFORMED = 0x20, /* key 0: bodies too short for the type */
	OFX_SUBK_TRANSACTIONS = 0x21, /* key 0: last parts (no MORE flag) */
};

/**
 * struct ofx_subcount - one entry of a subtype table.
 * @version/@type/@dir: the message's; @kind: enum of_sub_kind or enum
 * ofx_sub_group (0: empty slot); @key: its value; @c: messages, bytes
 */
struct ofx_subcount {
	uint8_t version;
	uint8_t type;
	uint8_t dir;
	uint8_t kind;
	uint32_t pad;
	uint64_t key;
	struct ofx_count c;
};

/**
 * struct ofx_msgcounts - messages and bytes (bytes = the header's length
 * field) of a scope.
 * @of:      [version][type][dir], valid types only
 * @invalid: [version][dir] types not valid in their version
 * @total:   [dir] all framed messages
 */
struct ofx_msgcounts {
	struct ofx_count of[OFX_NVERSIONS][OFX_NTYPES][OFX_NDIRS];
	struct ofx_count invalid[OFX_NVERSIONS][OFX_NDIRS];
	struct ofx_count total[OFX_NDIRS];
};

/**
 * struct ofx_subtab - header of an open-addressing table of @cap
 * (a power of two) struct ofx_subcount entries that follows it in memory.
 * @n: entries used; @overflow: counts that found no room (the table holds
 * at most 3/4 of @cap)
 */
struct ofx_subtab {
	uint32_t cap;
	uint32_t n;
	uint64_t overflow;
};

/** OFX_SUBTAB() - a struct ofx_subtab with room for @cap entries. */
#define OFX_SUBTAB(cap)                                                        \
	struct {                                                               \
		struct ofx_subtab h;                                           \
		struct ofx_subcount e[cap];                                    \
	}

/** ofx_subtab_init() - empty @t with room for @cap entries (power of 2). */
void ofx_subtab_init(struct ofx_subtab *t, uint32_t cap);

/** ofx_subtab_entries() - the entries that follow @t. */
static inline struct ofx_subcount *ofx_subtab_entries(struct ofx_subtab *t)
{
	return (struct ofx_subcount *)(t + 1);
}

static inline const struct ofx_subcount *
ofx_subtab_centries(const struct ofx_subtab *t)
{
	return (const struct ofx_subcount *)(t + 1);
}

/**
 * ofx_subtab_add() - add @msgs and @bytes to the entry (@version, @type,
 * @dir, @kind, @key), creating it; counts in overflow when full.
 */
void ofx_subtab_add(struct ofx_subtab *t, uint8_t version, uint8_t type,
		    uint8_t dir, uint8_t kind, uint64_t key, uint64_t msgs,
		    uint64_t bytes);

/** ofx_subtab_merge() - add every entry of @src to @dst. */
void ofx_subtab_merge(struct ofx_subtab *dst, const struct ofx_subtab *src);

/**
 * ofx_count_msg() - count @m in @mc and, when @t is not NULL, its subtype,
 * malformed body and multipart transaction in @t, and its details too when
 * @details.
 */
void ofx_count_msg(struct ofx_msgcounts *mc, struct ofx_subtab *t,
		   const struct of_msg *m, bool details);

/** ofx_msgcounts_version_seen() - any message of @version in @m. */
bool ofx_msgcounts_version_seen(const struct ofx_msgcounts *m, uint8_t version);

/** ofx_msgcounts_merge() - add @src to @dst. */
void ofx_msgcounts_merge(struct ofx_msgcounts *dst,
			 const struct ofx_msgcounts *src);

/**
 * ofx_details_key() - all details of @d in one key (bits 0-31 HELLO version
 * bitmap, 32-33 buffered + 1, 34-37 of_eth_class + 1, 38-46 table_id + 1),
 * so a message costs one details entry; ofx_details_split() undoes it.
 */
uint64_t ofx_details_key(const struct of_decoded *d);

/**
 * ofx_details_split() - the details (enum of_detail_kind, key) in @key
 * into @out (room for OF_MAX_DETAILS). Return: how many.
 */
int ofx_details_split(uint64_t key, struct of_detail *out);

#endif
