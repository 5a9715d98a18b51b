// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * main.c - ofxdp command line: attach (live), read (pcap file), cleanup,
 * and oftraf's own flags.
 */
#include <argp.h>
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/capture.h"
#include "log.h"
#include "pipeline.h"
#include "output/report.h"
#include "output/rest.h"

#define NSEC_PER_SEC 1000000000ull
/* BPF ring drain period (ms): bounds how long a record waits below the
 * wake-up threshold, so counters lag the wire by at most this much. */
#define POLL_TIMEOUT_MS 20

enum cmd { CMD_NONE, CMD_ATTACH, CMD_READ, CMD_CLEANUP };

static struct env {
	enum cmd cmd;
	const char *target; /* interface or file */
	struct ofx_portset ports;
	bool ports_set;
	enum ofx_mode mode;
	const char *rest_host;
	uint16_t rest_port;
	bool rest;
	bool server;
	bool json;
	bool verbose;
	uint32_t ringbuf_bytes;
	double interval_s;
	double duration_s;
	const char *switch_names;
	struct ofx_names names;
} env = {
	.mode = OFX_MODE_AUTO,
	.interval_s = 1.0,
};

static volatile int stop_flag;

const char *argp_program_version = "ofxdp 0.1";
const char *argp_program_bug_address = "the project's issue tracker";

static const char doc[] =
	"ofxdp -- count OpenFlow traffic with XDP/TC and a BPF ring buffer.\n"
	"\n"
	"  ofxdp attach IFACE [OPTIONS]   live: console, or REST with "
	"--server\n"
	"  ofxdp read FILE [OPTIONS]      offline: pcap/pcapng file, no root\n"
	"  ofxdp cleanup IFACE            remove programs a killed ofxdp left\n"
	"  ofxdp --rest-host H --rest-port P --of-port N --ifname IF "
	"[--server]\n"
	"                                 oftraf's command line\n"
	"\n"
	"EXAMPLES:\n"
	"  sudo ofxdp attach eth0\n"
	"  sudo ofxdp attach lo --of-port 6653,6633 --rest 127.0.0.1:5555 "
	"--server\n"
	"  curl localhost:5555/get_of_counts\n"
	"  curl localhost:5555/api/v1/switches\n"
	"  curl 'localhost:5555/api/v1/connections?state=open'\n"
	"  ofxdp read capture.pcap --of-port 6653 --json\n"
	"  ofxdp read capture.pcap --switch-names names.txt\n"
	"\n"
	"Modes: auto (xdp where the driver runs XDP natively, else tc; libpcap "
	"if BPF cannot be loaded), xdp (XDP ingress + TC egress), tc (TC "
	"ingress + egress; one TC hook on lo), pcap (libpcap).\n"
	"\v"
	"\"in\" counts switch->controller, \"out\" controller->switch; the "
	"switch is the side that sends FEATURES_REPLY, PACKET_IN, "
	"MULTIPART_REPLY...";

static const char args_doc[] = "attach IFACE | read FILE | cleanup IFACE";

enum {
	OPT_REST_HOST = 0x100,
	OPT_REST_PORT,
	OPT_IFNAME,
	OPT_RING,
	OPT_DURATION,
	OPT_SWITCH_NAMES,
};

static const struct argp_option opts[] = {
	{"of-port", 'p', "PORTS", 0,
	 "OpenFlow TCP ports, comma separated (default 6653,6633)", 0},
	{"mode", 'm', "MODE", 0, "auto, xdp, tc or pcap (default auto)", 0},
	{"rest", 'r', "HOST:PORT", 0,
	 "serve REST on HOST:PORT ([v6addr]:PORT for IPv6)", 0},
	{"server", 's', NULL, 0, "no console; needs REST", 0},
	{"json", 'j', NULL, 0, "read: print the counters as JSON", 0},
	{"interval", 'i', "SEC", 0, "console refresh interval (default 1)", 0},
	{"duration", OPT_DURATION, "SEC", 0, "stop after SEC seconds", 0},
	{"ring-size", OPT_RING, "BYTES", 0,
	 "BPF ring buffer size, power of two (default 64 MiB)", 0},
	{"switch-names", OPT_SWITCH_NAMES, "FILE", 0,
	 "switch names: lines 'DATAPATH_ID|ADDRESS NAME [DATAPATH_ID]'", 0},
	{"verbose", 'v', NULL, 0, "debug messages, libbpf's too", 0},
	{NULL, 0, NULL, 0, "oftraf compatibility:", 1},
	{"rest-host", OPT_REST_HOST, "HOST", 0, "REST address", 1},
	{"rest-port", OPT_REST_PORT, "PORT", 0, "REST port", 1},
	{"ifname", OPT_IFNAME, "IFACE", 0, "interface to attach to", 1},
	{0},
};

static int parse_u16(const char *s, uint16_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v == 0 || v > 65535)
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

/* "HOST:PORT" or "[V6]:PORT" -> env.rest_host/rest_port. */
static int parse_rest(char *arg)
{
	char *colon = strrchr(arg, ':');

	if (!colon || colon == arg)
		return -EINVAL;
	*colon = '\0';
	if (arg[0] == '[') {
		size_t n = strlen(arg);

		if (n < 3 || arg[n - 1] != ']')
			return -EINVAL;
		arg[n - 1] = '\0';
		arg++;
	}
	env.rest_host = arg;
	env.rest = true;
	return parse_u16(colon + 1, &env.rest_port);
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;

	switch (key) {
	case 'p':
		if (ofx_portset_parse(arg, &env.ports))
			argp_error(state,
				   "bad port list '%s': want ports 1-65535, "
				   "comma separated, at most 64",
				   arg);
		env.ports_set = true;
		break;
	case 'm':
		if (ofx_mode_parse(arg, &env.mode))
			argp_error(state,
				   "bad mode '%s': auto, xdp, tc or pcap", arg);
		break;
	case 'r':
		if (parse_rest(arg))
			argp_error(state, "bad REST address (want HOST:PORT)");
		break;
	case 's':
		env.server = true;
		break;
	case 'j':
		env.json = true;
		break;
	case 'v':
		env.verbose = true;
		ofx_log_set_level(OFX_LOG_DEBUG);
		break;
	case OPT_SWITCH_NAMES:
		env.switch_names = arg;
		break;
	case 'i':
		env.interval_s = strtod(arg, &end);
		if (*end || env.interval_s < 0.1)
			argp_error(state, "bad interval '%s'", arg);
		break;
	case OPT_DURATION:
		env.duration_s = strtod(arg, &end);
		if (*end || env.duration_s <= 0)
			argp_error(state, "bad duration '%s'", arg);
		break;
	case OPT_RING: {
		unsigned long v = strtoul(arg, &end, 0);

		if (*end || v < 4096 || v > (1ul << 30) || (v & (v - 1)))
			argp_error(state,
				   "bad ring size '%s': a power of two, "
				   "4096 to 1 GiB",
				   arg);
		env.ringbuf_bytes = (uint32_t)v;
		break;
	}
	case OPT_REST_HOST:
		env.rest_host = arg;
		env.rest = true;
		break;
	case OPT_REST_PORT:
		if (parse_u16(arg, &env.rest_port))
			argp_error(state, "bad REST port '%s'", arg);
		env.rest = true;
		break;
	case OPT_IFNAME:
		env.cmd = CMD_ATTACH;
		env.target = arg;
		break;
	case ARGP_KEY_ARG:
		if (state->arg_num == 0 && env.cmd == CMD_NONE) {
			if (!strcmp(arg, "attach"))
				env.cmd = CMD_ATTACH;
			else if (!strcmp(arg, "read"))
				env.cmd = CMD_READ;
			else if (!strcmp(arg, "cleanup"))
				env.cmd = CMD_CLEANUP;
			else
				argp_error(state, "unknown command '%s'", arg);
		} else if (state->arg_num == 1 && !env.target) {
			env.target = arg;
		} else {
			argp_error(state, "unexpected argument '%s'", arg);
		}
		break;
	case ARGP_KEY_END:
		if (env.cmd == CMD_NONE)
			argp_error(state, "no command given");
		if (!env.target)
			argp_error(state, "%s needs %s",
				   env.cmd == CMD_READ ? "read" : "attach",
				   env.cmd == CMD_READ ? "a FILE" : "an IFACE");
		if (env.rest && (!env.rest_host || !env.rest_port))
			argp_error(state, "REST needs both a host and a port");
		if (env.server && !env.rest)
			argp_error(state, "--server needs a REST address "
					  "(--rest HOST:PORT)");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

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
	struct ofx_pipeline_opts po = {.names = &env.names,
				       .history = READ_HISTORY};
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

/* Rows of the terminal on stdout (0: not a terminal, no limit). */
static unsigned int term_rows(void)
{
	struct winsize ws;

	if (!isatty(1))
		return 0;
	if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_row >= 10)
		return ws.ws_row;
	return 24;
}

static void console_frame(struct ofx_stats_pub *pub,
			  const struct ofx_run_info *info, struct ofx_stats *a,
			  struct ofx_stats *b)
{
	struct ofx_views *v = ofx_stats_views(pub);

	ofx_stats_read(pub, a, b);
	ofx_console_print(stdout, a, b, v, info, isatty(1), term_rows());
	ofx_views_put(v);
	fflush(stdout);
}

static int cmd_attach(void)
{
	struct ofx_pipeline_opts po = {.names = &env.names};
	uint64_t start = ofx_now_ns();
	struct ofx_stats_pub *pub = ofx_stats_pub_new(start);
	struct ofx_pipeline *pl = pub ? ofx_pipeline_new(pub, &po) : NULL;
	struct ofx_stats *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	struct ofx_rest *rest = NULL;
	struct live lv = {0};
	struct ofx_run_info info;
	char ports[512], err[256] = "";
	uint64_t last_console = 0, last_export = 0;
	int ifindex, rc = 0, exit_code = 1;

	if (!pl || !a || !b) {
		ofx_err("out of memory\n");
		goto cleanup;
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
				     .epoch_offset_ns = ofx_epoch_offset_ns()};
	rc = open_capture(&lv, pl, ifindex);
	if (rc) {
		if (rc == -EPERM || rc == -EACCES)
			ofx_err("no permission to capture on %s "
				"(run as root, or with CAP_BPF+CAP_NET_ADMIN "
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
		rc = ofx_rest_start(env.rest_host, env.rest_port, pub, &info,
				    &stop_flag, &rest, err);
		if (rc) {
			ofx_err("%s\n", err);
			goto cleanup;
		}
	}
	if (rest)
		ofx_info("%s mode: %s; OpenFlow ports %s; REST on %s:%u\n",
			 lv.mode_name, lv.hooks, ports, env.rest_host,
			 env.rest_port);
	else
		ofx_info("%s mode: %s; OpenFlow ports %s\n", lv.mode_name,
			 lv.hooks, ports);

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
		}
		if (lv.bpf && now - last_export >= NSEC_PER_SEC) {
			ofx_bpf_export_counts(lv.bpf, &pl->live);
			last_export = now;
		}
		if (!env.server &&
		    now - last_console >= env.interval_s * NSEC_PER_SEC) {
			console_frame(pub, &info, a, b);
			last_console = now;
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
	if (!env.server)
		console_frame(pub, &info, a, b);
cleanup:
	ofx_rest_stop(rest);
	ofx_bpf_close(lv.bpf);
	ofx_pcap_close(lv.pcap);
	ofx_pipeline_free(pl);
	ofx_stats_pub_free(pub);
	free(a);
	free(b);
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

int main(int argc, char **argv)
{
	static const struct argp argp = {opts, parse_arg, args_doc, doc,
					 NULL, NULL,	  NULL};
	struct sigaction sa = {.sa_handler = on_signal};
	int err;

	ofx_portset_parse("6653,6633", &env.ports);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return 1;
	if (env.switch_names) {
		char msg[256];

		if (ofx_names_load(env.switch_names, &env.names, msg)) {
			ofx_err("%s\n", msg);
			return 1;
		}
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	switch (env.cmd) {
	case CMD_ATTACH:
		err = cmd_attach();
		break;
	case CMD_READ:
		err = cmd_read();
		break;
	case CMD_CLEANUP:
		err = cmd_cleanup();
		break;
	default:
		err = 1;
		break;
	}
	ofx_names_free(&env.names);
	return err;
}
