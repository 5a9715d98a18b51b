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

/* Bits of struct ofx_subcount.det beyond ofx_details_key()'s bits 0-46. */
#define OFX_DET_MALFORMED (1ull << 48) /* body too short for the type */
#define OFX_DET_LAST_PART (1ull << 49) /* multipart part without MORE */

/**
 * struct ofx_subcount - one entry of a subtype table: the messages of one
 * (version, type, direction, subtype, details) and their bytes. One entry
 * per message kind keeps the per-message cost at one lookup per table.
 * @id:   version << 24 | type << 16 | dir << 8 | 0x80 | enum of_sub_kind
 *        (0: empty slot)
 * @key:  the subtype (struct of_decoded.sub; 0 when the kind is 0)
 * @det:  ofx_details_key() | OFX_DET_MALFORMED | OFX_DET_LAST_PART
 * @c:    messages, bytes
 */
struct ofx_subcount {
	uint32_t id;
	uint32_t pad;
	uint64_t key;
	uint64_t det;
	struct ofx_count c;
};

/** ofx_subcount_version() .. ofx_subcount_kind() - the fields of @id. */
static inline uint8_t ofx_subcount_version(const struct ofx_subcount *e)
{
	return (uint8_t)(e->id >> 24);
}

static inline uint8_t ofx_subcount_type(const struct ofx_subcount *e)
{
	return (uint8_t)(e->id >> 16);
}

static inline uint8_t ofx_subcount_dir(const struct ofx_subcount *e)
{
	return (uint8_t)(e->id >> 8);
}

static inline uint8_t ofx_subcount_kind(const struct ofx_subcount *e)
{
	return (uint8_t)(e->id & 0x7f);
}

/**
 * struct ofx_msgcounts - messages and bytes (struct of_msg.bytes: the
 * header's length field unless a gap or the end cut the message) of a
 * scope.
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
 * ofx_subtab_add() - add @msgs and @bytes to the entry (@id, @key, @det),
 * creating it. Return: the entry, or NULL when the table is full (counted
 * in overflow).
 */
struct ofx_subcount *ofx_subtab_add(struct ofx_subtab *t, uint32_t id,
				    uint64_t key, uint64_t det, uint64_t msgs,
				    uint64_t bytes);

/**
 * ofx_subtab_count() - ofx_subtab_add() of one message of @bytes, through
 * the caller's cache of @n recently used entries of @t (entries never move
 * while @t lives): a hit costs three compares instead of a lookup.
 */
static inline void ofx_subtab_count(struct ofx_subtab *t,
				    struct ofx_subcount **cache, unsigned int n,
				    uint32_t id, uint64_t key, uint64_t det,
				    uint64_t bytes)
{
	struct ofx_subcount *e;

	for (unsigned int i = 0; i < n; i++) {
		e = cache[i];
		if (e && e->id == id && e->key == key && e->det == det) {
			e->c.msgs++;
			e->c.bytes += bytes;
			return;
		}
	}
	e = ofx_subtab_add(t, id, key, det, 1, bytes);
	if (e) {
		for (unsigned int i = n - 1; i > 0; i--)
			cache[i] = cache[i - 1];
		cache[0] = e;
	}
}

/** ofx_subtab_merge() - add every entry of @src to @dst. */
void ofx_subtab_merge(struct ofx_subtab *dst, const struct ofx_subtab *src);

/**
 * ofx_subtab_new() - an empty table on the heap with room for @cap entries
 * (a power of two; free() it). Return: NULL on ENOMEM.
 */
struct ofx_subtab *ofx_subtab_new(uint32_t cap);

/**
 * ofx_subtab_add_grow() - ofx_subtab_add() into the heap table *@tp (NULL:
 * none yet), which is created (16 entries) or doubled, up to @max_cap
 * entries, when it is full. Growing moves every entry (*@tp changes):
 * pointers to entries (caches) must then be dropped. Counts that find no
 * room within @max_cap, or no memory, are counted in the overflow (with
 * no table, the count is lost: return NULL and *@tp stays NULL).
 * Return: the entry, or NULL.
 */
struct ofx_subcount *ofx_subtab_add_grow(struct ofx_subtab **tp,
					 uint32_t max_cap, uint32_t id,
					 uint64_t key, uint64_t det,
					 uint64_t msgs, uint64_t bytes);

/**
 * ofx_subtab_list() - a copy of @t (may be NULL: an empty list) holding
 * only its used entries and its overflow, on the heap (free() it): a list
 * (cap = the number of entries), to iterate, not to add to.
 * Return: NULL on ENOMEM.
 */
struct ofx_subtab *ofx_subtab_list(const struct ofx_subtab *t);

/**
 * ofx_typecount_id() - the id under which a sparse table (the
 * ofx_subtab functions) counts the messages of (@version, @type, @dir)
 * (struct ofx_msgcounts.of); @type OFX_TYPE_INVALID: its invalid[][].
 * Bit 7 is clear: never a subtype entry's id.
 */
#define OFX_TYPE_INVALID 0xff
static inline uint32_t ofx_typecount_id(uint8_t version, uint8_t type,
					uint8_t dir)
{
	return (uint32_t)version << 24 | (uint32_t)type << 16 |
	       (uint32_t)dir << 8 | 0x01;
}

/**
 * ofx_msgcounts_add_to_tab() - add the per-type and invalid-type counts of
 * @m (not its totals) to the sparse table *@tp (ofx_subtab_add_grow(),
 * up to @max_cap entries; 1024 hold every id).
 */
void ofx_msgcounts_add_to_tab(const struct ofx_msgcounts *m,
			      struct ofx_subtab **tp, uint32_t max_cap);

/**
 * ofx_msgcounts_add_tab() - add the counts of the sparse table @t
 * (ofx_typecount_id() entries; NULL: none) to @m's per-type and
 * invalid-type counts (not its totals).
 */
void ofx_msgcounts_add_tab(struct ofx_msgcounts *m, const struct ofx_subtab *t);

/**
 * ofx_count_msg() - count @m in @mc and, when @t is not NULL, its entry
 * (subtype, details, malformed body, last multipart part) in @t.
 */
void ofx_count_msg(struct ofx_msgcounts *mc, struct ofx_subtab *t,
		   const struct of_msg *m);

/** ofx_msgcounts_version_seen() - any message of @version in @m. */
bool ofx_msgcounts_version_seen(const struct ofx_msgcounts *m, uint8_t version);

/** ofx_msgcounts_merge() - add @src to @dst. */
void ofx_msgcounts_merge(struct ofx_msgcounts *dst,
			 const struct ofx_msgcounts *src);

/**
 * ofx_details_key() - all details of @d in one key (bits 0-31 HELLO version
 * bitmap, 32-33 buffered + 1, 34-37 of_eth_class + 1, 38-46 table_id + 1),
 * so a message costs one entry; ofx_details_split() undoes it.
 */
static inline uint64_t ofx_details_key(const struct of_decoded *d)
{
	uint64_t k = 0;

	for (unsigned int i = 0; i < d->ndetails && i < OF_MAX_DETAILS; i++) {
		uint64_t v = d->detail[i].key;

		switch (d->detail[i].kind) {
		case OF_DET_HELLO_VERSIONS:
			k |= v & 0xffffffffull;
			break;
		case OF_DET_BUFFERED:
			k |= ((v ? 1ull : 0ull) + 1) << 32;
			break;
		case OF_DET_ETH:
			k |= ((v & 0x7) + 1) << 34;
			break;
		case OF_DET_TABLE:
			k |= ((v & 0xff) + 1) << 38;
			break;
		}
	}
	return k;
}

/**
 * ofx_sub_of() - the subtype table entry (@id, @key, @det) that @m counts
 * in. Return: false when @m has nothing for a subtype table (no subtype,
 * no detail, not malformed, not a last multipart part).
 */
static inline bool ofx_sub_of(const struct of_msg *m, uint32_t *id,
			      uint64_t *key, uint64_t *det)
{
	uint64_t d = m->dec.ndetails ? ofx_details_key(&m->dec) : 0;

	if (m->dec.malformed)
		d |= OFX_DET_MALFORMED;
	else if (!m->dec.mp_more && of_is_multipart(m->version, m->type))
		d |= OFX_DET_LAST_PART;
	if (!d && !m->dec.sub_kind)
		return false;
	*id = (uint32_t)m->version << 24 | (uint32_t)m->type << 16 |
	      (uint32_t)m->dir << 8 | 0x80 | m->dec.sub_kind;
	*key = m->dec.sub_kind ? m->dec.sub : 0;
	*det = d;
	return true;
}

/**
 * ofx_details_split() - the details (enum of_detail_kind, key) in @key
 * into @out (room for OF_MAX_DETAILS). Return: how many.
 */
int ofx_details_split(uint64_t key, struct of_detail *out);

/** struct ofx_subrow - one subtype of a table, in and out merged. */
struct ofx_subrow {
	uint8_t version, type, kind;
	uint64_t key;
	struct ofx_count c[OFX_NDIRS];
};

/**
 * ofx_subtab_rows() - the subtypes of @t (only those of @version and
 * @type when @only), in and out merged, by version, type, then busiest
 * first (then kind and key). Return: a malloc'd array (caller frees) of
 * *@n rows, or NULL on ENOMEM.
 */
struct ofx_subrow *ofx_subtab_rows(const struct ofx_subtab *t, bool only,
				   uint8_t version, uint8_t type, size_t *n);

/** ofx_subrow_same() - @a and @b are the same subtype. */
static inline bool ofx_subrow_same(const struct ofx_subrow *a,
				   const struct ofx_subrow *b)
{
	return a->version == b->version && a->type == b->type &&
	       a->kind == b->kind && a->key == b->key;
}

#endif
