// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * main.c - ofxdp's entry point: runs the command user/cli/ parsed: attach
 * (live), read (pcap file) or cleanup.
 */
#include <errno.h>
#include <linux/capability.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/capture.h"
#include "cli/cli.h"
#include "log.h"
#include "pipeline.h"
#include "output/console.h"
#include "output/pcap_writer.h"
#include "output/report.h"
#include "output/rest.h"
#include "output/rest_auth.h"
#include "output/streams.h"
#include "analysis/events.h"
#include "analysis/thresholds.h"
#include "output/watch.h"
#include "priv.h"

#define NSEC_PER_SEC 1000000000ull
/* BPF ring drain period (ms): bounds how long a record waits below the
 * wake-up threshold, so counters lag the wire by at most this much. */
#define POLL_TIMEOUT_MS 20

/* The command line (user/cli/), with the configuration file merged in. */
static struct ofx_cli env;
static struct ofx_names names;

/* The latency engine's settings from the command line. */
static struct ofx_latency_opts latency_opts(void)
{
	return (struct ofx_latency_opts){
		.window_ns = (uint64_t)(env.latency_window_s * 1e9 + 0.5)};
}

static volatile int stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void on_segment(void *ctx, const struct ofx_segment *seg)
{
	ofx_pipeline_feed(ctx, seg);
}

/* Dump @j (taking it) to stdout. Return: 0 or -EIO. */
static int print_json(json_t *j)
{
	int rc = 0;

	if (!j || json_dumpf(j, stdout,
			     JSON_INDENT(2) | JSON_PRESERVE_ORDER |
				     JSON_REAL_PRECISION(15))) {
		ofx_err("cannot write JSON\n");
		rc = -EIO;
	} else {
		fputc('\n', stdout);
	}
	json_decref(j);
	return rc;
}

/* Closed connections `read` lists at most (a file's report lists them all
 * up to this many; live, /api/v1/connections keeps the last 1024). */
#define READ_HISTORY 65536

static int cmd_read(void)
{
	struct ofx_latency_opts lo = latency_opts();
	struct ofx_pipeline_opts po = {.names = &names,
				       .history = READ_HISTORY,
				       .latency = &lo,
				       .no_latency = env.no_latency};
	struct ofx_stats_pub *pub = ofx_stats_pub_new(ofx_now_ns());
	struct ofx_pipeline *pl = pub ? ofx_pipeline_new(pub, &po) : NULL;
	struct ofx_stats *cur = malloc(sizeof(*cur));
	struct ofx_pcap *src = NULL;
	struct ofx_views *views = NULL;
	char err[256] = "", ports[512];
	struct ofx_run_info info = {
		.mode = "file", .hooks = "pcap file", .file = true};
	int rc, exit_code = 1;

	if (!pl || !cur) {
		ofx_err("out of memory\n");
		goto cleanup;
	}
	rc = ofx_pcap_open_file(env.target, &env.ports, on_segment, pl, &src,
				err);
	if (rc) {
		ofx_err("cannot read capture: %s\n", err);
		goto cleanup;
	}
	while ((rc = ofx_pcap_poll(src)) >= 0)
		;
	ofx_pcap_update_stats(src, &pl->live);
	ofx_pipeline_finish(pl, ofx_now_ns());
	ofx_stats_read(pub, cur, NULL);
	views = ofx_stats_views(pub);
	ofx_portset_format(&env.ports, ports, sizeof(ports));
	info.ifname = env.target;
	info.ports = ports;
	info.start_ns = pub->start_ns;
	if (env.json) {
		if (print_json(ofx_json_full(cur, NULL, views, &info)))
			goto cleanup;
	} else {
		ofx_text_report(stdout, cur, views, &info);
	}
	exit_code = rc == -ENODATA ? 0 : 1;
cleanup:
	ofx_views_put(views);
	ofx_pcap_close(src);
	ofx_pipeline_free(pl);
	ofx_stats_pub_free(pub);
	free(cur);
	return exit_code;
}

/* Live capture state for cmd_attach(). */
struct live {
	struct ofx_bpf *bpf;
	struct ofx_pcap *pcap;
	const char *mode_name;
	char hooks[160];
};

static int open_capture(struct live *lv, struct ofx_pipeline *pl, int ifindex)
{
	char err[256] = "";
	int rc;

	if (env.mode != OFX_MODE_PCAP) {
		struct ofx_bpf_opts o = {
			.ifname = env.target,
			.ifindex = ifindex,
			.mode = env.mode,
			.ports = &env.ports,
			.ringbuf_bytes = env.ringbuf_bytes,
			.cb = on_segment,
			.ctx = pl,
			.verbose = env.verbose,
			.pin_dir = env.pin ? OFX_PIN_DIR : NULL,
		};

		rc = ofx_bpf_open(&o, &lv->bpf);
		if (!rc) {
			snprintf(lv->hooks, sizeof(lv->hooks), "%s",
				 ofx_bpf_describe(lv->bpf));
			lv->mode_name =
				strncmp(lv->hooks, "xdp", 3) ? "tc" : "xdp";
			return 0;
		}
		if (env.mode != OFX_MODE_AUTO)
			return rc;
		ofx_err("BPF capture unavailable (%s); falling back to "
			"libpcap\n",
			strerror(-rc));
	}
	rc = ofx_pcap_open_live(env.target, &env.ports, on_segment, pl,
				&lv->pcap, err);
	if (rc) {
		ofx_err("%s\n", err);
		return rc;
	}
	lv->mode_name = "pcap";
	snprintf(lv->hooks, sizeof(lv->hooks), "libpcap on %s", env.target);
	return 0;
}

/* The REST server's secrets and TLS files, read before anything is
 * attached (and before privileges go). Freed by rest_files_free(). */
struct rest_files {
	char *token, *cert, *key;
};

static void rest_files_free(struct rest_files *f)
{
	ofx_rest_secret_free(f->token);
	free(f->cert);
	ofx_rest_secret_free(f->key);
	*f = (struct rest_files){0};
}

/* Read --rest-token and --rest-tls-cert/--rest-tls-key. 0 or -errno
 * (printed). */
static int rest_files_load(struct rest_files *f)
{
	char err[512];
	int rc = 0;

	if (env.rest_token) {
		rc = ofx_rest_token_load(env.rest_token, &f->token, err,
					 sizeof(err));
		if (rc)
			ofx_err("REST token: %s\n", err);
	}
	if (!rc && env.rest_tls_cert) {
		rc = ofx_rest_read_file(env.rest_tls_cert, false,
					OFX_REST_PEM_MAX, &f->cert, err,
					sizeof(err));
		if (rc)
			ofx_err("REST TLS certificate: %s\n", err);
	}
	if (!rc && env.rest_tls_key) {
		rc = ofx_rest_read_file(env.rest_tls_key, true,
					OFX_REST_PEM_MAX, &f->key, err,
					sizeof(err));
		if (rc)
			ofx_err("REST TLS key: %s\n", err);
	}
	if (rc)
		rest_files_free(f);
	return rc;
}

/* The event log (with --on-event) and the thresholds: the built-in ones
 * unless --no-default-thresholds, then the configuration file's. Return:
 * 0, or -1 after saying why. */
static int events_setup(struct ofx_events **events, struct ofx_thresholds **thr)
{
	const char *name;
	char err[256];
	json_t *def;

	*events = ofx_events_new();
	*thr = *events ? ofx_thr_new(*events, !env.no_default_thresholds)
		       : NULL;
	if (!*thr) {
		ofx_err("out of memory\n");
		return -1;
	}
	if (env.on_event) {
		char *argv[] = {env.on_event, NULL};

		if (ofx_events_set_hook(*events, argv)) {
			ofx_err("out of memory\n");
			return -1;
		}
	}
	json_object_foreach(env.thresholds, name, def)
	{
		if (ofx_thr_put(*thr, name, def, err, sizeof(err)) < 0) {
			ofx_err("%s: [threshold %s]: %s\n",
				env.config ? env.config : "configuration", name,
				err);
			return -1;
		}
	}
	return 0;
}

/* Start REST as configured; warn when other hosts can reach it. */
static int rest_start(struct ofx_stats_pub *pub,
		      const struct ofx_run_info *info,
		      const struct rest_files *f, struct ofx_streams *streams,
		      struct ofx_events *events, struct ofx_thresholds *thr,
		      struct ofx_rest **rest)
{
	struct ofx_rest_opts o = {
		.streams = streams,
		.events = events,
		.thresholds = thr,
		.host = env.rest_host,
		.port = env.rest_port,
		.cors = env.rest_cors,
		.token = f->token,
		.tls_cert = f->cert,
		.tls_key = f->key,
		.get_stop = env.oftraf,
		.metrics_max_switches = env.metrics_max_switches,
	};
	char err[256] = "";
	int rc;

	rc = ofx_rest_start_opts(&o, pub, info, &stop_flag, rest, err);
	if (rc) {
		ofx_err("%s\n", err);
		return rc;
	}
	if (!ofx_rest_loopback(*rest))
		ofx_warn("REST on %s is not a loopback address: other hosts "
			 "can connect%s\n",
			 ofx_rest_where(*rest),
			 !f->token  ? " and read every counter (switch "
				      "addresses, datapath ids) and stop ofxdp "
				      "without a token (--rest-token)"
			 : !f->cert ? "; the token travels in clear text "
				      "(--rest-tls-cert, --rest-tls-key)"
				    : "");
	return 0;
}

/*
 * Once attached: give up every capability the running daemon does not
 * need (priv.h), and with --user the root identity. @kept/@nkept get the
 * capabilities kept (permitted, not effective) for the exit.
 */
static int drop_privileges(struct live *lv, const struct ofx_priv_user *as,
			   int *kept, size_t *nkept)
{
	int keep[3];
	size_t n = 0;
	char err[256];
	int rc;

	*nkept = 0;
	if (lv->bpf && ofx_bpf_detach_needs_net_admin(lv->bpf))
		kept[(*nkept)++] = keep[n++] = CAP_NET_ADMIN;
	if (lv->bpf && env.pin && as)
		kept[(*nkept)++] = keep[n++] = CAP_DAC_OVERRIDE;
	/* For now: bpf(2) on a map fd may need it (kernels before 6.5). */
	if (lv->bpf)
		keep[n++] = CAP_BPF;
	rc = ofx_priv_drop(as, keep, n, err, sizeof(err));
	if (rc) {
		ofx_err("%s\n", err);
		return rc;
	}
	if (lv->bpf) {
		if (ofx_bpf_probe_maps(lv->bpf) == -EPERM) {
			rc = ofx_priv_raise(CAP_BPF);
			if (rc) {
				ofx_err("cannot keep CAP_BPF to read the "
					"kernel counters\n");
				return rc;
			}
			ofx_debug("this kernel wants CAP_BPF for bpf(2) on "
				  "map fds: kept\n");
		} else {
			ofx_priv_forget(CAP_BPF);
		}
	}
	ofx_priv_describe(err, sizeof(err));
	if (as)
		ofx_info("running as user %s: %s\n", as->name, err);
	else
		ofx_debug("privileges dropped: %s\n", err);
	return 0;
}

static int cmd_attach(void)
{
	struct ofx_latency_opts lo = latency_opts();
	struct ofx_pipeline_opts po = {.names = &names,
				       .latency = &lo,
				       .no_latency = env.no_latency,
				       .live = true};
	uint64_t start = ofx_now_ns();
	struct ofx_stats_pub *pub = ofx_stats_pub_new(start);
	struct ofx_pipeline *pl = pub ? ofx_pipeline_new(pub, &po) : NULL;
	struct ofx_console *console = NULL;
	struct ofx_rest *rest = NULL;
	struct ofx_streams *streams = NULL;
	struct ofx_events *events = NULL;
	struct ofx_thresholds *thr = NULL;
	struct live lv = {0};
	struct ofx_run_info info;
	struct rest_files files = {0};
	struct ofx_priv_user user, *as = NULL;
	char ports[512], err[256] = "";
	uint64_t last_export = 0;
	int ifindex, rc = 0, exit_code = 1, kept[3];
	size_t nkept = 0, i;

	if (!pl) {
		ofx_err("out of memory\n");
		goto cleanup;
	}
	if (env.rest && rest_files_load(&files))
		goto cleanup;
	if (events_setup(&events, &thr))
		goto cleanup;
	if (env.user) {
		if (ofx_priv_lookup(env.user, &user, err, sizeof(err))) {
			ofx_err("%s\n", err);
			goto cleanup;
		}
		as = &user;
	}
	ifindex = (int)if_nametoindex(env.target);
	if (!ifindex) {
		ofx_err("no such interface: %s\n", env.target);
		goto cleanup;
	}
	ofx_portset_format(&env.ports, ports, sizeof(ports));
	info = (struct ofx_run_info){.mode = "starting",
				     .hooks = "",
				     .ifname = env.target,
				     .ports = ports,
				     .start_ns = start,
				     .epoch_offset_ns = ofx_epoch_offset_ns(),
				     .version = ofx_version()};
	rc = open_capture(&lv, pl, ifindex);
	if (rc) {
		if (rc == -EPERM || rc == -EACCES)
			ofx_err("no permission to capture on %s "
				"(run as root, or with "
				"CAP_BPF+CAP_NET_ADMIN+CAP_PERFMON "
				"for BPF, CAP_NET_RAW for pcap)\n",
				env.target);
		goto cleanup;
	}
	info.hooks = lv.hooks;
	info.mode = lv.mode_name;
	/* REST starts once the capture is attached, so a client that waits
	 * for it to answer misses no traffic, and info is complete before
	 * the REST thread reads it. */
	if (env.rest) {
		struct of_msg_sink sink;

		streams = ofx_streams_new(info.epoch_offset_ns);
		if (!streams) {
			ofx_err("out of memory\n");
			goto cleanup;
		}
		sink = ofx_streams_sink(streams);
		if (ofx_pipeline_subscribe(pl, &sink) ||
		    rest_start(pub, &info, &files, streams, events, thr, &rest))
			goto cleanup;
	}
	rest_files_free(&files); /* the server has its copies */
	if (drop_privileges(&lv, as, kept, &nkept))
		goto cleanup;
	if (rest)
		ofx_info("%s mode: %s; OpenFlow ports %s; REST on %s%s\n",
			 lv.mode_name, lv.hooks, ports, ofx_rest_where(rest),
			 env.rest_tls_cert ? " (HTTPS)" : "");
	else
		ofx_info("%s mode: %s; OpenFlow ports %s\n", lv.mode_name,
			 lv.hooks, ports);

	if (!env.server) {
		struct ofx_console_opts co = {.pub = pub,
					      .info = &info,
					      .interval_s = env.interval_s,
					      .json = env.json,
					      .stop_flag = &stop_flag,
					      .events = events};

		rc = ofx_console_start(&co, &console);
		if (rc) {
			ofx_err("cannot start the console: %s\n",
				strerror(-rc));
			goto cleanup;
		}
	}
	rc = ofx_thr_start(thr, pub, info.epoch_offset_ns);
	if (rc) {
		ofx_err("cannot start the threshold engine: %s\n",
			strerror(-rc));
		goto cleanup;
	}
	exit_code = 0;
	while (!stop_flag) {
		uint64_t now;

		rc = lv.bpf ? ofx_bpf_poll(lv.bpf, POLL_TIMEOUT_MS)
			    : ofx_pcap_poll(lv.pcap);
		if (rc < 0 && rc != -EINTR) {
			if (rc == -ENODEV || rc == -ENETDOWN)
				ofx_err("interface %s went away; stopping\n",
					env.target);
			else
				ofx_err("capture error: %s\n", strerror(-rc));
			exit_code = 1;
			break;
		}
		now = ofx_now_ns();
		if (now - pl->last_publish_ns >= OFX_PUBLISH_INTERVAL_NS) {
			if (lv.bpf)
				ofx_bpf_update_stats(lv.bpf, &pl->live);
			else
				ofx_pcap_update_stats(lv.pcap, &pl->live);
			ofx_pipeline_tick(pl, now, false);
			if (streams)
				ofx_streams_tick(streams, now);
		}
		if (lv.bpf && now - last_export >= NSEC_PER_SEC) {
			ofx_bpf_export_counts(lv.bpf, &pl->live);
			last_export = now;
		}
		if (env.duration_s > 0 &&
		    now - start >= env.duration_s * NSEC_PER_SEC)
			break;
	}
	/* Final snapshot: what was captured is counted before exit. */
	if (lv.bpf) {
		ofx_bpf_poll(lv.bpf, 0);
		ofx_bpf_update_stats(lv.bpf, &pl->live);
	} else {
		ofx_pcap_update_stats(lv.pcap, &pl->live);
	}
	ofx_pipeline_tick(pl, ofx_now_ns(), true);
cleanup:
	/* the final snapshot is published: the console shows it and ends */
	rc = ofx_console_stop(console);
	if (rc) {
		if (rc == -EIO) /* the others were said already */
			ofx_err("cannot write the console to stdout\n");
		exit_code = 1;
	}
	ofx_rest_stop(rest);
	rest_files_free(&files);
	/* What detaching needs (clsact filters, pins), kept for now. */
	for (i = 0; i < nkept; i++)
		if (ofx_priv_raise(kept[i]))
			ofx_warn("cannot raise capability %d to detach\n",
				 kept[i]);
	ofx_bpf_close(lv.bpf);
	ofx_pcap_close(lv.pcap);
	/* ending the connections emits their last messages: to the stream
	 * sessions' sink too, which must still be there */
	ofx_pipeline_free(pl);
	ofx_streams_free(streams);
	ofx_thr_free(thr); /* the engine reads pub */
	ofx_events_free(events);
	ofx_stats_pub_free(pub);
	return exit_code;
}

/* Heap bytes `watch -w` may hold to write messages that span segments
 * whole (beyond: counted, not written). */
#define WATCH_WHOLE_MAX (64ull << 20)

/* watch: the pipeline with the watch consumer after the built-in ones,
 * from a file (-r) or live; a summary to stderr at the end. */
static int cmd_watch(void)
{
	bool file = env.watch_file != NULL;
	struct ofx_pipeline_opts po = {
		.names = &names, .no_latency = true, .live = !file};
	struct ofx_stats_pub *pub = ofx_stats_pub_new(ofx_now_ns());
	struct ofx_pipeline *pl = pub ? ofx_pipeline_new(pub, &po) : NULL;
	struct ofx_watch w = {.filter = &env.filter,
			      .json = env.json,
			      .max = env.watch_count,
			      .out = env.write_path && !env.print ? NULL
								  : stdout};
	struct of_msg_sink sink = ofx_watch_sink(&w);
	struct ofx_pcap *src = NULL;
	struct live lv = {0};
	char err[256] = "";
	uint64_t start = ofx_now_ns();
	int rc, exit_code = 1;

	if (!pl || ofx_pipeline_subscribe(pl, &sink)) {
		ofx_err("out of memory\n");
		goto cleanup;
	}
	if (!file)
		w.epoch_offset_ns = ofx_epoch_offset_ns();
	if (env.write_path) {
		struct ofx_pcap_writer_opts wo = {
			.path = env.write_path,
			.rotate_bytes = env.rotate_bytes,
			.rotate_ns = (uint64_t)(env.rotate_s * 1e9),
			.epoch_offset_ns = w.epoch_offset_ns};

		rc = ofx_pcap_writer_open(&wo, &w.writer, err, sizeof(err));
		if (rc) {
			ofx_err("cannot write %s: %s\n", env.write_path, err);
			goto cleanup;
		}
		of_session_set_whole(pl->of, WATCH_WHOLE_MAX);
	}
	/* lines leave in blocks unless someone reads them as they come */
	if (w.out && !isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (file) {
		rc = ofx_pcap_open_file(env.watch_file, &env.ports, on_segment,
					pl, &src, err);
		if (rc) {
			ofx_err("cannot read capture: %s\n", err);
			goto cleanup;
		}
		while (!stop_flag && !w.done && (rc = ofx_pcap_poll(src)) >= 0)
			;
		if (!w.done && !stop_flag)
			ofx_pipeline_finish(pl, ofx_now_ns());
		exit_code = rc == -ENODATA || w.done || stop_flag ? 0 : 1;
		goto summary;
	}
	if (!if_nametoindex(env.target)) {
		ofx_err("no such interface: %s\n", env.target);
		goto cleanup;
	}
	if (open_capture(&lv, pl, (int)if_nametoindex(env.target)))
		goto cleanup;
	ofx_info("%s mode: %s; watching OpenFlow ports\n", lv.mode_name,
		 lv.hooks);
	exit_code = 0;
	while (!stop_flag && !w.done) {
		uint64_t now;

		rc = lv.bpf ? ofx_bpf_poll(lv.bpf, POLL_TIMEOUT_MS)
			    : ofx_pcap_poll(lv.pcap);
		if (rc < 0 && rc != -EINTR) {
			ofx_err("capture error on %s: %s\n", env.target,
				strerror(-rc));
			exit_code = 1;
			break;
		}
		now = ofx_now_ns();
		if (now - pl->last_publish_ns >= OFX_PUBLISH_INTERVAL_NS) {
			ofx_pipeline_tick(pl, now, false);
			if (w.out)
				fflush(w.out);
			if (w.writer)
				ofx_pcap_writer_flush(w.writer);
		}
		if (env.duration_s > 0 &&
		    now - start >= env.duration_s * NSEC_PER_SEC)
			break;
	}
	if (lv.bpf) {
		if (!w.done)
			ofx_bpf_poll(lv.bpf, 0);
		ofx_bpf_update_stats(lv.bpf, &pl->live);
	} else {
		ofx_pcap_update_stats(lv.pcap, &pl->live);
	}
summary:
	if (w.out)
		fflush(w.out);
	ofx_watch_summary(&w, stderr);
	if (pl->live.src.records_lost || pl->live.src.pcap_drop)
		fprintf(stderr,
			"capture lost %llu ring records, libpcap dropped %llu "
			"frames\n",
			(unsigned long long)pl->live.src.records_lost,
			(unsigned long long)pl->live.src.pcap_drop);
	if (w.print_errors)
		exit_code = 1;
cleanup:
	ofx_bpf_close(lv.bpf);
	ofx_pcap_close(lv.pcap);
	ofx_pcap_close(src);
	ofx_pipeline_free(pl);
	ofx_pcap_writer_close(w.writer);
	ofx_stats_pub_free(pub);
	return exit_code;
}

static int cmd_cleanup(void)
{
	int ifindex = (int)if_nametoindex(env.target);
	int n;

	if (!ifindex) {
		ofx_err("no such interface: %s\n", env.target);
		return 1;
	}
	n = ofx_bpf_cleanup(ifindex);
	if (n < 0) {
		ofx_err("cleanup of %s failed: %s\n", env.target, strerror(-n));
		return 1;
	}
	printf("ofxdp: removed %d stale attachment(s) from %s\n", n,
	       env.target);
	return 0;
}

static int cmd_status(void)
{
	int ifindex = 0, n;

	if (env.target) {
		ifindex = (int)if_nametoindex(env.target);
		if (!ifindex) {
			ofx_err("no such interface: %s\n", env.target);
			return 1;
		}
	}
	n = ofx_bpf_status(ifindex, stdout);
	if (n < 0) {
		ofx_err("cannot read the kernel's BPF objects: %s%s\n",
			strerror(-n), n == -EPERM ? " (run as root)" : "");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_signal};
	enum ofx_cmd cmd;
	int err;

	cmd = ofx_cli_parse(argc, argv, &env);
	if (env.config)
		ofx_debug("configuration file %s\n", env.config);
	if (env.switch_names) {
		char msg[256];

		if (ofx_names_load(env.switch_names, &names, msg)) {
			ofx_err("%s\n", msg);
			ofx_cli_free(&env);
			return 1;
		}
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	switch (cmd) {
	case OFX_CMD_ATTACH:
		err = cmd_attach();
		break;
	case OFX_CMD_READ:
		err = cmd_read();
		break;
	case OFX_CMD_WATCH:
		err = cmd_watch();
		break;
	case OFX_CMD_CLEANUP:
		err = cmd_cleanup();
		break;
	case OFX_CMD_STATUS:
		err = cmd_status();
		break;
	default:
		err = 1;
		break;
	}
	ofx_names_free(&names);
	ofx_cli_free(&env);
	return err;
}
