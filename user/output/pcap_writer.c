// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pcap_writer.c - messages as IP/TCP segments in pcap files
 * (pcap_writer.h). IPv4 RFC 791, IPv6 RFC 8200, TCP RFC 9293 (checksum
 * §3.1 over the pseudo-header).
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openflow/of_conn.h"
#include "output/pcap_writer.h"
#include "stream/reasm.h"

#define NSEC_PER_SEC 1000000000ull
#define SEQ_BUCKETS 4096
#define IP4_HDR 20
#define IP6_HDR 40
#define TCP_HDR 20
/* Payload bytes per written segment: IPv4's total length is 16 bits. */
#define SEG_MAX 65000
#define SNAPLEN 65535
#define TCP_ACK 0x10
#define TCP_PSH 0x08

/* Next seq of each half of a connection (half 0: key.saddr's sender). */
struct seq_ent {
	uint64_t conn_id;
	uint32_t next[2];
	struct seq_ent *next_ent;
};

struct ofx_pcap_writer {
	struct ofx_pcap_writer_opts o;
	pcap_t *dead;
	pcap_dumper_t *d;
	unsigned int file_no;
	uint64_t file_start_ns;
	struct seq_ent *seq[SEQ_BUCKETS];
	struct ofx_pcap_writer_stats st;
	uint8_t frame[IP6_HDR + TCP_HDR + SEG_MAX];
};

static int open_file(struct ofx_pcap_writer *w, char *err, size_t errlen)
{
	char path[4096];

	if (w->file_no)
		snprintf(path, sizeof(path), "%s.%u", w->o.path, w->file_no);
	else
		snprintf(path, sizeof(path), "%s", w->o.path);
	w->d = pcap_dump_open(w->dead, path);
	if (!w->d) {
		snprintf(err, errlen, "%s", pcap_geterr(w->dead));
		return -EIO;
	}
	w->st.files++;
	return 0;
}

int ofx_pcap_writer_open(const struct ofx_pcap_writer_opts *o,
			 struct ofx_pcap_writer **out, char *err, size_t errlen)
{
	struct ofx_pcap_writer *w = calloc(1, sizeof(*w));
	int rc;

	*out = NULL;
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	w->o = *o;
	w->dead = pcap_open_dead(DLT_RAW, SNAPLEN);
	if (!w->dead) {
		free(w);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rc = open_file(w, err, errlen);
	if (rc) {
		pcap_close(w->dead);
		free(w);
		return rc;
	}
	*out = w;
	return 0;
}

static struct seq_ent *seq_get(struct ofx_pcap_writer *w, uint64_t id)
{
	struct seq_ent **b = &w->seq[id % SEQ_BUCKETS], *e;

	for (e = *b; e; e = e->next_ent)
		if (e->conn_id == id)
			return e;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->conn_id = id;
	e->next[0] = e->next[1] = 1;
	e->next_ent = *b;
	*b = e;
	return e;
}

void ofx_pcap_writer_conn_closed(struct ofx_pcap_writer *w, uint64_t conn_id)
{
	struct seq_ent **p = &w->seq[conn_id % SEQ_BUCKETS], *e;

	if (!w)
		return;
	for (; (e = *p); p = &e->next_ent) {
		if (e->conn_id == conn_id) {
			*p = e->next_ent;
			free(e);
			return;
		}
	}
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (; n > 1; p += 2, n -= 2)
		s += (uint32_t)(p[0] << 8 | p[1]);
	if (n)
		s += (uint32_t)p[0] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* Build and write one segment of @len payload bytes. Return: 0 or -EIO. */
static int write_seg(struct ofx_pcap_writer *w, const struct ofx_flow_key *k,
		     bool rev, uint32_t seq, uint32_t ack, const uint8_t *pl,
		     size_t len, uint64_t ts)
{
	uint8_t *f = w->frame, *tcp;
	const uint8_t *src = (const uint8_t *)(rev ? k->daddr : k->saddr);
	const uint8_t *dst = (const uint8_t *)(rev ? k->saddr : k->daddr);
	size_t alen = k->family == 6 ? 16 : 4,
	       ip = k->family == 6 ? IP6_HDR : IP4_HDR;
	struct pcap_pkthdr h;
	uint32_t s;

	memset(f, 0, ip + TCP_HDR);
	if (k->family == 6) {
		f[0] = 0x60;
		put16(f + 4, (uint16_t)(TCP_HDR + len));
		f[6] = 6; /* TCP */
		f[7] = 64;
		memcpy(f + 8, src, 16);
		memcpy(f + 24, dst, 16);
	} else {
		f[0] = 0x45;
		put16(f + 2, (uint16_t)(IP4_HDR + TCP_HDR + len));
		put16(f + 6, 0x4000); /* DF */
		f[8] = 64;
		f[9] = 6;
		memcpy(f + 12, src, 4);
		memcpy(f + 16, dst, 4);
		put16(f + 10, fold(sum16(f, IP4_HDR, 0)));
	}
	tcp = f + ip;
	put16(tcp, rev ? k->dport : k->sport);
	put16(tcp + 2, rev ? k->sport : k->dport);
	put32(tcp + 4, seq);
	put32(tcp + 8, ack);
	tcp[12] = (TCP_HDR / 4) << 4;
	tcp[13] = TCP_ACK | TCP_PSH;
	put16(tcp + 14, 65535);
	memcpy(tcp + TCP_HDR, pl, len);
	/* pseudo-header: addresses, protocol, TCP length */
	s = sum16(src, alen, 0);
	s = sum16(dst, alen, s);
	s += 6 + (uint32_t)(TCP_HDR + len);
	put16(tcp + 16, fold(sum16(tcp, TCP_HDR + len, s)));
	h.ts.tv_sec = (time_t)(ts / NSEC_PER_SEC);
	h.ts.tv_usec = (suseconds_t)(ts % NSEC_PER_SEC / 1000);
	h.caplen = h.len = (bpf_u_int32)(ip + TCP_HDR + len);
	pcap_dump((u_char *)w->d, &h, f);
	return ferror(pcap_dump_file(w->d)) ? -EIO : 0;
}

/* Start the next file when the current one is full or old enough. */
static int maybe_rotate(struct ofx_pcap_writer *w, uint64_t ts)
{
	char err[256];
	bool by_size = w->o.rotate_bytes &&
		       (uint64_t)pcap_dump_ftell64(w->d) >= w->o.rotate_bytes;
	bool by_time =
		w->o.rotate_ns && ts - w->file_start_ns >= w->o.rotate_ns;

	if (!w->file_start_ns)
		w->file_start_ns = ts;
	if (!by_size && !by_time)
		return 0;
	pcap_dump_close(w->d);
	w->d = NULL;
	w->file_no++;
	w->file_start_ns = ts;
	return open_file(w, err, sizeof(err));
}

int ofx_pcap_writer_msg(struct ofx_pcap_writer *w, const struct of_msg *m)
{
	const struct of_conn *c = m->conn;
	const struct ofx_flow_key *k = &c->tcp->key;
	int sh = c->switch_half >= 0
			 ? c->switch_half
			 : (c->tcp->port_dir[0] == OFX_DIR_IN ? 0 : 1);
	/* the sending half: the switch's for "in" */
	int half = m->dir == OFX_DIR_IN ? sh : !sh;
	uint64_t ts = m->ts_ns + w->o.epoch_offset_ns;
	struct seq_ent *e;
	size_t off = 0;

	if (m->caplen < m->length || m->bytes < m->length ||
	    (m->flags & (OF_FRAME_PARTIAL | OF_FRAME_TRUNCATED))) {
		w->st.not_whole++;
		return -EAGAIN;
	}
	if (!w->d || maybe_rotate(w, ts) || !(e = seq_get(w, c->tcp->id))) {
		w->st.errors++;
		return -EIO;
	}
	while (off < m->length) {
		size_t n =
			m->length - off > SEG_MAX ? SEG_MAX : m->length - off;

		if (write_seg(w, k, half == 1, e->next[half], e->next[!half],
			      m->data + off, n, ts)) {
			w->st.errors++;
			return -EIO;
		}
		e->next[half] += (uint32_t)n;
		off += n;
	}
	w->st.written++;
	w->st.bytes += m->length;
	return 0;
}

const struct ofx_pcap_writer_stats *
ofx_pcap_writer_stats(const struct ofx_pcap_writer *w)
{
	return &w->st;
}

void ofx_pcap_writer_close(struct ofx_pcap_writer *w)
{
	if (!w)
		return;
	if (w->d)
		pcap_dump_close(w->d);
	pcap_close(w->dead);
	for (unsigned int i = 0; i < SEQ_BUCKETS; i++) {
		struct seq_ent *e = w->seq[i], *n;

		for (; e; e = n) {
			n = e->next_ent;
			free(e);
		}
	}
	free(w);
}
