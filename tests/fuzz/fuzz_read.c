// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_read.c - libFuzzer harness for the whole read path of `ofxdp read
 * FILE` (cmd_read() in user/main.c): the input is a pcap or pcapng file,
 * opened with ofx_pcap_open_file() (libpcap, from a file in /dev/shm: the
 * API takes a path), its packets polled through frame.c into a pipeline
 * with the latency engine, finished, and both reports built as `read`
 * builds them: ofx_json_full() (dumped to a string) and ofx_text_report()
 * (to /dev/null).
 * One difference: `read` keeps up to 65,536 closed connections in its
 * views, and every views snapshot allocates room for all of them (14 MiB,
 * which AddressSanitizer's calloc clears: ~60 inputs/s). This harness
 * keeps HISTORY (256); beyond it the oldest are dropped, as in `read`.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "capture/capture.h"
#include "ofx_fuzz_util.h"
#include "output/report.h"
#include "output/rest.h"
#include "pipeline.h"

#define HISTORY 256

static struct ofx_portset ports;
static FILE *devnull;

static void on_segment(void *ctx, const struct ofx_segment *seg)
{
	ofx_pipeline_feed(ctx, seg);
}

/* libFuzzer: called once before the first input. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (ofx_portset_parse("6653,6633", &ports))
		abort();
	devnull = ofxf_setup("read");
	return 0;
}

static int write_file(const uint8_t *data, size_t size)
{
	int fd = open(ofxf_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	size_t done = 0;

	if (fd < 0)
		return -1;
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);

		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	return close(fd);
}

/* libFuzzer: one input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ofx_latency_opts lo = {0};
	struct ofx_pipeline_opts po = {.history = HISTORY, .latency = &lo};
	struct ofx_run_info info = {.mode = "file",
				    .hooks = "pcap file",
				    .ifname = ofxf_path,
				    .ports = "6653,6633",
				    .file = true};
	struct ofx_stats_pub *pub = NULL;
	struct ofx_pipeline *pl = NULL;
	struct ofx_stats *cur = NULL;
	struct ofx_views *views = NULL;
	struct ofx_pcap *src = NULL;
	char err[256] = "";
	json_t *j;
	int rc;

	if (write_file(data, size))
		abort();
	pub = ofx_stats_pub_new(ofx_now_ns());
	pl = pub ? ofx_pipeline_new(pub, &po) : NULL;
	cur = malloc(sizeof(*cur));
	if (!pl || !cur)
		goto out;
	rc = ofx_pcap_open_file(ofxf_path, &ports, on_segment, pl, &src, err);
	unlink(ofxf_path); /* libpcap has it open */
	if (rc)
		goto out;
	while (ofx_pcap_poll(src) >= 0)
		;
	ofx_pcap_update_stats(src, &pl->live);
	ofx_pipeline_finish(pl, ofx_now_ns());
	ofx_stats_read(pub, cur, NULL);
	views = ofx_stats_views(pub);
	info.start_ns = pub->start_ns;
	j = ofx_json_full(cur, NULL, views, &info);
	if (j) {
		char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
						JSON_REAL_PRECISION(15));

		free(s);
		json_decref(j);
	}
	ofx_text_report(devnull, cur, views, &info);
out:
	ofx_views_put(views);
	ofx_pcap_close(src);
	ofx_pipeline_free(pl);
	ofx_stats_pub_free(pub);
	free(cur);
	return 0;
}
