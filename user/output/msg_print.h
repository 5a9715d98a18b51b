/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * msg_print.h - one message for people (a text line, as ovs-ofctl snoop
 * or ofp_sniffer print them) and for programs (a JSON object on one line,
 * NDJSON): time, switch, direction, version, type, subtype, xid, length
 * and the key fields of its type (openflow/of_fields.h). `ofxdp watch`
 * and REST stream sessions print with these.
 *
 * Both are written into a caller's buffer in one pass (no allocation):
 * the capture thread formats every message a watcher or session takes.
 */
#ifndef OFX_MSG_PRINT_H
#define OFX_MSG_PRINT_H

#include <stddef.h>
#include <stdint.h>

#include "openflow/of_msg.h"

/* A line never needs more (48 fields of at most 48 characters, names,
 * the header part); longer output is cut and still ends with "\n". */
#define OFX_MSG_LINE_MAX 8192

/**
 * ofx_msg_text() - one line for @m into @buf (@len bytes, NUL-terminated,
 * ending with "\n"): "HH:MM:SS.uuuuuu SWITCH ->|<- VERSION TYPE [SUBTYPE]
 * xid=0xN len=N [more] [flags] fields... match:... frame:...", SWITCH the
 * datapath_id (0x%016x) or the switch's IP:port, "->" a message to the
 * controller (in), "<-" one to the switch (out); UTC time.
 * @epoch_offset_ns: added to @m->ts_ns for the wall-clock time (live
 * captures stamp with CLOCK_MONOTONIC; 0 for files).
 * Return: the line's length in bytes (< @len).
 */
size_t ofx_msg_text(char *buf, size_t len, const struct of_msg *m,
		    uint64_t epoch_offset_ns);

/**
 * ofx_msg_ndjson() - @m as one JSON object (RFC 8259) and "\n" into @buf
 * (@len bytes, NUL-terminated): ts_ns, time (RFC 3339, UTC, ns), switch,
 * datapath_id (when known), switch_addr, controller_addr, connection,
 * direction, version, type, subtype, xid, length, bytes, more, flags
 * (when any), fields, match and frame (objects, when the type has them),
 * fields_truncated. Numbers are JSON integers; every string is escaped.
 * Return: the line's length in bytes (< @len).
 */
size_t ofx_msg_ndjson(char *buf, size_t len, const struct of_msg *m,
		      uint64_t epoch_offset_ns);

#endif
