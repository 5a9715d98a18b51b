// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * watch.c - `ofxdp watch`'s consumer (watch.h).
 */
#include <inttypes.h>

#include "openflow/of_conn.h"
#include "output/msg_print.h"
#include "output/watch.h"
#include "stream/reasm.h"

static void on_msg(void *ctx, const struct of_msg *m)
{
	struct ofx_watch *w = ctx;

	w->seen++;
	if (w->done || !ofx_msg_filter_match(w->filter, m))
		return;
	w->taken++;
	if (w->out && w->json) {
		json_t *o = ofx_msg_json(m, w->epoch_offset_ns);

		if (!o || json_dumpf(o, w->out, JSON_COMPACT) ||
		    fputc('\n', w->out) == EOF)
			w->print_errors++;
		json_decref(o);
	} else if (w->out) {
		ofx_msg_print_text(w->out, m, w->epoch_offset_ns);
		if (ferror(w->out))
			w->print_errors++;
	}
	if (w->writer)
		ofx_pcap_writer_msg(w->writer, m);
	if (w->max && w->taken >= w->max)
		w->done = true;
}

static void on_conn(void *ctx, struct of_conn *c, enum of_conn_event ev)
{
	struct ofx_watch *w = ctx;

	if (ev == OF_CONN_CLOSE && w->writer)
		ofx_pcap_writer_conn_closed(w->writer, c->tcp->id);
}

struct of_msg_sink ofx_watch_sink(struct ofx_watch *w)
{
	return (struct of_msg_sink){.msg = on_msg, .conn = on_conn, .ctx = w};
}

void ofx_watch_summary(const struct ofx_watch *w, FILE *f)
{
	fprintf(f, "%" PRIu64 " messages taken of %" PRIu64 " seen", w->taken,
		w->seen);
	if (w->print_errors)
		fprintf(f, "; %" PRIu64 " lines not printed", w->print_errors);
	if (w->writer) {
		const struct ofx_pcap_writer_stats *s =
			ofx_pcap_writer_stats(w->writer);

		fprintf(f,
			"; written %" PRIu64 " (%" PRIu64 " bytes, %" PRIu64
			" files), not written: %" PRIu64 " not whole, %" PRIu64
			" write errors",
			s->written, s->bytes, s->files, s->not_whole,
			s->errors);
	}
	fputc('\n', f);
}
