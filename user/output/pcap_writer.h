/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * pcap_writer.h - OpenFlow messages written to a pcap file that tshark
 * and Wireshark dissect (and `ofxdp read` reads back): each message goes
 * out as IP + TCP segments (LINKTYPE_RAW) between its connection's real
 * addresses and ports, with valid checksums. Sequence numbers are
 * renumbered per connection direction so that the written messages form
 * one contiguous stream (starting at 1), whatever was left out between
 * them. Rotation by size (-C, as tcpdump: MB of 1,000,000 bytes) and by
 * time (-G seconds): files PATH, PATH.1, PATH.2, ...
 */
#ifndef OFX_PCAP_WRITER_H
#define OFX_PCAP_WRITER_H

#include <stdint.h>

#include "openflow/of_msg.h"

/**
 * struct ofx_pcap_writer_opts - where and how.
 * @path:            the first file
 * @rotate_bytes:    start a new file beyond this many bytes (0: never)
 * @rotate_ns:       start a new file after this long (0: never)
 * @epoch_offset_ns: added to message times (live captures stamp with
 *                   CLOCK_MONOTONIC; 0 for files)
 */
struct ofx_pcap_writer_opts {
	const char *path;
	uint64_t rotate_bytes;
	uint64_t rotate_ns;
	uint64_t epoch_offset_ns;
};

/**
 * struct ofx_pcap_writer_stats - what was written and what was not.
 * @written:     messages written (each as one or more segments)
 * @bytes:       bytes of message written
 * @not_whole:   messages not written: bytes of them were lost in a gap, cut
 *               by the end, or kept only in part (memory budget)
 * @errors:      messages not written: the file could not be written
 * @files:       files opened
 */
struct ofx_pcap_writer_stats {
	uint64_t written;
	uint64_t bytes;
	uint64_t not_whole;
	uint64_t errors;
	uint64_t files;
};

struct ofx_pcap_writer;

/**
 * ofx_pcap_writer_open() - create the first file.
 * Return: 0, or a negative errno with @err (@errlen bytes) saying why.
 */
int ofx_pcap_writer_open(const struct ofx_pcap_writer_opts *o,
			 struct ofx_pcap_writer **out, char *err,
			 size_t errlen);

/**
 * ofx_pcap_writer_msg() - write @m (it must be whole: caplen == length).
 * Return: 0, -EAGAIN when @m was not whole (not_whole), -EIO (errors).
 */
int ofx_pcap_writer_msg(struct ofx_pcap_writer *w, const struct of_msg *m);

/** ofx_pcap_writer_conn_closed() - forget the sequence state of @conn_id. */
void ofx_pcap_writer_conn_closed(struct ofx_pcap_writer *w, uint64_t conn_id);

/** ofx_pcap_writer_stats() - its counters. */
const struct ofx_pcap_writer_stats *
ofx_pcap_writer_stats(const struct ofx_pcap_writer *w);

/** ofx_pcap_writer_close() - flush, close and free (NULL: no-op). */
void ofx_pcap_writer_close(struct ofx_pcap_writer *w);

#endif
