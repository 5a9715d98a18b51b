/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * msg_print.h - one message for people (a text line, as ovs-ofctl snoop
 * or ofp_sniffer print them) and for programs (a JSON object, one NDJSON
 * line): time, switch, direction, version, type, subtype, xid, length
 * and the key fields of its type (openflow/of_fields.h). `ofxdp watch`
 * and REST stream sessions print with these.
 */
#ifndef OFX_MSG_PRINT_H
#define OFX_MSG_PRINT_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "openflow/of_msg.h"

/**
 * ofx_msg_print_text() - one line for @m to @f: "HH:MM:SS.uuuuuu SWITCH
 * ->|<- VERSION TYPE [SUBTYPE] xid=N len=N [flags] fields...", where
 * SWITCH is the datapath_id (0x%016x) or the switch's IP:port, "->" a
 * message to the controller (in), "<-" one to the switch (out).
 * @epoch_offset_ns: added to @m->ts_ns for the wall-clock time (live
 * captures stamp with CLOCK_MONOTONIC; 0 for files).
 */
void ofx_msg_print_text(FILE *f, const struct of_msg *m,
			uint64_t epoch_offset_ns);

/**
 * ofx_msg_json() - @m as a JSON object: ts_ns, time (RFC 3339, UTC),
 * switch, datapath_id (when known), switch_addr, controller_addr,
 * connection, direction, version, type, subtype, xid, length, bytes,
 * flags (when any), fields, match and frame (when the type has them).
 * Return: a new reference, or NULL on ENOMEM.
 */
json_t *ofx_msg_json(const struct of_msg *m, uint64_t epoch_offset_ns);

#endif
