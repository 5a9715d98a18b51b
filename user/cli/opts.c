// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * opts.c - ofxdp's commands and their options, one argp per command
 * (attach, read, cleanup, and oftraf's flags), in the style of bpftool:
 * `ofxdp help [COMMAND]`, `ofxdp COMMAND --help`, errors named after the
 * command ("ofxdp read: missing FILE").
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli/cli.h"
#include "log.h"

enum {
	OPT_DURATION = 0x100,
	OPT_RING,
	OPT_SWITCH_NAMES,
	OPT_USAGE,
	OPT_PIN,
	OPT_REST_HOST,
	OPT_REST_PORT,
	OPT_IFNAME,
	OPT_LAT_WINDOW,
	OPT_NO_LATENCY,
	OPT_REST_CORS,
	OPT_REST_TOKEN,
	OPT_REST_TLS_CERT,
	OPT_REST_TLS_KEY,
	OPT_OF_VERSION,
	OPT_SUBTYPE,
	OPT_SWITCH,
	OPT_XID,
	OPT_INNER,
	OPT_PRINT,
	OPT_METRICS_SWITCHES,
	OPT_ON_EVENT,
	OPT_NO_DEFAULT_THRESHOLDS,
};

/* An argument in an error message: at most ECHO_MAX characters, then
 * "..." (a rejected 10,000-port list is not printed whole). Use with
 * "%.*s%s". */
#define ECHO_MAX 64
#define ECHO(a) ECHO_MAX, (a), strlen(a) > ECHO_MAX ? "..." : ""

/* What argp_parse() hands the parser. */
struct parse_ctx {
	struct ofx_cli *cli;
	const char *config; /* --config FILE */
	bool oftraf; /* oftraf's command line */
};

#define GROUP_GENERAL -1 /* last */

/* Options of more than one command. */
#define O_PORTS                                                                \
	{                                                                      \
		"of-port", 'p', "PORTS", 0,                                    \
			"OpenFlow TCP ports, comma separated (default "        \
			"6653,6633)",                                          \
			0                                                      \
	}
#define O_SWITCH_NAMES                                                         \
	{                                                                      \
		"switch-names", OPT_SWITCH_NAMES, "FILE", 0,                   \
			"switch names: lines 'DATAPATH_ID|ADDRESS NAME "       \
			"[DATAPATH_ID]'",                                      \
			0                                                      \
	}
#define O_LATENCY                                                              \
	{"latency-window",                                                     \
	 OPT_LAT_WINDOW,                                                       \
	 "DURATION",                                                           \
	 0,                                                                    \
	 "a request unanswered this long counts as unreplied (default 5s)",    \
	 0},                                                                   \
	{                                                                      \
		"no-latency", OPT_NO_LATENCY, NULL, 0,                         \
			"do not match requests and replies (no latency "       \
			"figures)",                                            \
			0                                                      \
	}
#define O_CONFIG                                                               \
	{                                                                      \
		"config", 'c', "FILE", 0, "configuration file (see below)", 0  \
	}
#define O_GENERAL                                                                \
	{NULL, 0, NULL, 0, "General:", GROUP_GENERAL},                           \
		{"verbose",    'v', NULL, 0, "debug messages, libbpf's too",     \
		 GROUP_GENERAL},                                                 \
		{"help", 'h', NULL, 0, "show this help", GROUP_GENERAL},         \
		{"usage",      OPT_USAGE, NULL, 0, "show a short usage message", \
		 GROUP_GENERAL},                                                 \
	{                                                                        \
		"version", 'V', NULL, 0, "print the version", GROUP_GENERAL      \
	}
#define O_ATTACH                                                               \
	O_PORTS, {"mode",                                                      \
		  'm',                                                         \
		  "MODE",                                                      \
		  0,                                                           \
		  "auto, xdp, tc or pcap (default auto)",                      \
		  0},                                                          \
		{"rest",                                                       \
		 'r',                                                          \
		 "HOST:PORT",                                                  \
		 0,                                                            \
		 "serve REST on HOST:PORT ([V6ADDR]:PORT for IPv6)",           \
		 0},                                                           \
		{"server", 's', NULL, 0, "no console; needs REST", 0},         \
		{"rest-cors",                                                  \
		 OPT_REST_CORS,                                                \
		 "ORIGIN",                                                     \
		 0,                                                            \
		 "let this one web origin (https://host[:port]) read REST "    \
		 "and POST /stop from a browser (default: no CORS)",           \
		 0},                                                           \
		{"rest-token",                                                 \
		 OPT_REST_TOKEN,                                               \
		 "FILE",                                                       \
		 0,                                                            \
		 "require 'Authorization: Bearer TOKEN', TOKEN the line of "   \
		 "FILE (not readable by other users)",                         \
		 0},                                                           \
		{"rest-tls-cert",                                              \
		 OPT_REST_TLS_CERT,                                            \
		 "FILE",                                                       \
		 0,                                                            \
		 "serve REST over HTTPS with this PEM certificate (chain)",    \
		 0},                                                           \
		{"rest-tls-key",                                               \
		 OPT_REST_TLS_KEY,                                             \
		 "FILE",                                                       \
		 0,                                                            \
		 "the certificate's PEM private key (not readable by other "   \
		 "users)",                                                     \
		 0},                                                           \
		{"metrics-max-switches",                                       \
		 OPT_METRICS_SWITCHES,                                         \
		 "N",                                                          \
		 0,                                                            \
		 "GET /metrics: the first N switches get series of their "     \
		 "own, the others one summed datapath_id=\"other\" (default "  \
		 "256)",                                                       \
		 0},                                                           \
		{"user",                                                       \
		 'Z',                                                          \
		 "NAME",                                                       \
		 0,                                                            \
		 "once attached, run as user NAME (its group only), as "       \
		 "tcpdump -Z",                                                 \
		 0},                                                           \
		{"interval",                                                   \
		 'i',                                                          \
		 "DURATION",                                                   \
		 0,                                                            \
		 "console refresh interval, >= 100ms (default 1s)",            \
		 0},                                                           \
		{"duration",                                                   \
		 OPT_DURATION,                                                 \
		 "DURATION",                                                   \
		 0,                                                            \
		 "stop after DURATION (30s, 5m, 1h; bare number: seconds)",    \
		 0},                                                           \
		{"ring-size",                                                  \
		 OPT_RING,                                                     \
		 "SIZE",                                                       \
		 0,                                                            \
		 "BPF ring buffer size: a power of two, 4K to 1G (default "    \
		 "64M)",                                                       \
		 0},                                                           \
		{"on-event",                                                   \
		 OPT_ON_EVENT,                                                 \
		 "CMD",                                                        \
		 0,                                                            \
		 "run program CMD (a path or a name in PATH, no shell) for "   \
		 "each threshold event, the event's JSON its one argument",    \
		 0},                                                           \
		{"no-default-thresholds",                                      \
		 OPT_NO_DEFAULT_THRESHOLDS,                                    \
		 NULL,                                                         \
		 0,                                                            \
		 "start without the built-in thresholds (PACKET_IN storm, "    \
		 "error rate, ...)",                                           \
		 0},                                                           \
		O_SWITCH_NAMES, O_LATENCY, O_CONFIG

static const struct argp_option attach_opts[] = {
	O_ATTACH,
	{"json", 'j', NULL, 0,
	 "console as NDJSON: one /api/v1/stats document per --interval", 0},
	{"pin", OPT_PIN, NULL, 0,
	 "pin ofx_kstats, ofx_of_counts and ofx_ports under "
	 "/sys/fs/bpf/ofxdp/IFACE/ (for bpftool map dump pinned ...)",
	 0},
	O_GENERAL,
	{0},
};

static const struct argp_option read_opts[] = {
	O_PORTS,
	{"json", 'j', NULL, 0, "print the counters as JSON", 0},
	O_SWITCH_NAMES,
	O_LATENCY,
	O_CONFIG,
	O_GENERAL,
	{0},
};

static const struct argp_option watch_opts[] = {
	{NULL, 0, NULL, 0, "Input:", 1},
	{"read", 'r', "FILE", 0, "read a pcap/pcapng file instead of IFACE", 1},
	O_PORTS,
	{"mode", 'm', "MODE", 0, "auto, xdp, tc or pcap (default auto)", 1},
	{"ring-size", OPT_RING, "SIZE", 0,
	 "BPF ring buffer size: a power of two, 4K to 1G (default 64M)", 1},
	{"duration", OPT_DURATION, "DURATION", 0, "stop after DURATION", 1},
	{"count", 'c', "N", 0, "stop after N messages shown", 1},
	{NULL, 0, NULL, 0,
	 "Filters (all must hold; lists are comma-separated):", 2},
	{"of-version", OPT_OF_VERSION, "VERSIONS", 0, "1.0,1.3 ...", 2},
	{"type", 't', "TYPES", 0,
	 "PACKET_IN,FLOW_MOD ... (OFPT_ prefix optional; STATS_* and "
	 "MULTIPART_* alike)",
	 2},
	{"subtype", OPT_SUBTYPE, "NAMES", 0,
	 "OFPMP_FLOW, OFPR_NO_MATCH, OFPFC_ADD, OFPET_BAD_REQUEST (every code) "
	 "...",
	 2},
	{"direction", 'd', "DIR", 0,
	 "in (switch to controller), out (controller to switch) or both", 2},
	{"switch", OPT_SWITCH, "SWITCH", 0,
	 "datapath_id (0x1, 16 hex digits, or with colons) or IP[:PORT]", 2},
	{"xid", OPT_XID, "XID", 0, "transaction id (decimal or 0x-hex)", 2},
	{"inner", OPT_INNER, "EXPR", 0,
	 "pcap filter on the frame a PACKET_IN/PACKET_OUT carries (other "
	 "types never match)",
	 2},
	{NULL, 0, NULL, 0, "Output:", 3},
	{"json", 'j', NULL, 0, "one JSON object per message (NDJSON)", 3},
	{"write", 'w', "FILE", 0,
	 "write the messages to a pcap file (no lines unless --print)", 3},
	{"file-size", 'C', "MB", 0,
	 "-w: a new file (FILE.1, FILE.2, ...) beyond MB x 1,000,000 bytes", 3},
	{"rotate-seconds", 'G', "SECONDS", 0,
	 "-w: a new file every SECONDS of capture time", 3},
	{"print", OPT_PRINT, NULL, 0, "-w: print the lines too", 3},
	O_GENERAL,
	{0},
};

static const struct argp_option cleanup_opts[] = {
	O_GENERAL,
	{0},
};

static const struct argp_option status_opts[] = {
	O_GENERAL,
	{0},
};

static const struct argp_option oftraf_opts[] = {
	{"rest-host", OPT_REST_HOST, "HOST", 0, "REST address", 0},
	{"rest-port", OPT_REST_PORT, "PORT", 0, "REST port", 0},
	{"ifname", OPT_IFNAME, "IFACE", 0, "interface to attach to", 0},
	O_ATTACH,
	O_GENERAL,
	{0},
};

#define SIZES_DURATIONS                                                        \
	"SIZE: bytes, or with unit K, M or G (KiB, MiB, GiB). DURATION: "      \
	"seconds, or with unit ms, s, m or h.\n"
#define CONFIG_HELP                                                            \
	"\nConfiguration file (the command line wins over it; an unknown "     \
	"section or key, or a bad value, is an error naming its line):\n"      \
	"  [capture]   interface = IFACE, mode = MODE, ports = PORTS, "        \
	"ring_size = SIZE,\n"                                                  \
	"              user = NAME\n"                                          \
	"  [rest]      address = HOST:PORT, server = yes|no, cors = ORIGIN,\n" \
	"              token_file = FILE, tls_cert = FILE, tls_key = FILE,\n"  \
	"              metrics_max_switches = N\n"                             \
	"  [switches]  names = FILE\n"                                         \
	"  [events]    on_event = CMD, default_thresholds = yes|no\n"          \
	"  [threshold NAME]  metric = M, value = X, window = SECONDS,\n"       \
	"              switch = DPID, kind = K, counter = GROUP.NAME\n"        \
	"(FILE: relative to the configuration file)\n"
#define REST_HELP                                                              \
	"REST: GET and HEAD read (/metrics: Prometheus text format); POST "    \
	"/stop stops ofxdp. A REST address "                                   \
	"that is not a loopback address draws a warning: use --rest-token "    \
	"and --rest-tls-cert/--rest-tls-key there.\n"                          \
	"Once attached, ofxdp gives up every capability it does not need "     \
	"any more (--user: and root's identity too).\n"

static const char attach_doc[] =
	"Count OpenFlow traffic live on IFACE: XDP/TC programs feed a BPF "
	"ring buffer (libpcap where BPF cannot be loaded). A console, "
	"refreshed every --interval (full-screen on a terminal, keys: ? for "
	"help; else one line, or with --json one NDJSON snapshot, per "
	"interval), or REST with --rest (--server: REST only). Needs root, or "
	"CAP_BPF+CAP_NET_ADMIN+CAP_PERFMON (CAP_NET_RAW "
	"for pcap).\v"
	"Modes: auto (xdp where the driver runs XDP natively, else tc; "
	"libpcap if BPF cannot be loaded), xdp (XDP ingress + TC egress), tc "
	"(TC ingress + egress; one TC hook on lo), pcap (libpcap).\n"
	"\"in\" counts switch->controller, \"out\" "
	"controller->switch.\n" REST_HELP SIZES_DURATIONS CONFIG_HELP
	"The file: --config FILE, else " OFX_CONFIG_DEFAULT " when it "
	"exists.\n"
	"\nExamples:\n"
	"  sudo ofxdp attach eth0\n"
	"  sudo ofxdp attach eth0 --of-port 6653,6633 --rest 127.0.0.1:5555 "
	"--server\n"
	"  sudo ofxdp attach eth0 --mode tc --ring-size 256M --duration 5m\n"
	"  sudo ofxdp attach eth0 --json --interval 10s >> counts.ndjson\n"
	"  sudo ofxdp attach --config ofxdp.conf\n"
	"  curl localhost:5555/get_of_counts\n"
	"  curl localhost:5555/api/v1/switches\n"
	"  curl localhost:5555/metrics\n"
	"  curl -X POST localhost:5555/stop\n"
	"  curl 'localhost:5555/api/v1/connections?state=open'";

static const char read_doc[] =
	"Count the OpenFlow traffic of a pcap or pcapng file as attach does "
	"live: a text report, or JSON with --json. No root needed.\v"
	"With --config FILE, its [capture] ports and [switches] names apply "
	"(the other keys are checked, not used).\n" CONFIG_HELP "\nExamples:\n"
	"  ofxdp read capture.pcap\n"
	"  ofxdp read capture.pcap --of-port 6653 --json\n"
	"  ofxdp read capture.pcapng --switch-names names.txt";

static const char watch_doc[] =
	"Print OpenFlow messages as they pass on IFACE (live, as attach "
	"captures) or in a capture file (-r): one line per message (time, "
	"switch, direction, version, type, subtype, xid, length, the key "
	"fields of its type), or NDJSON with --json; or write them to a "
	"pcap file for Wireshark (-w). Live needs root.\v"
	"Lines: \"->\" a message to the controller (in), \"<-\" one to "
	"the switch (out); the switch is its datapath_id once known, else "
	"its IP:port. -w writes each message whole as TCP segments between "
	"its connection's addresses and ports (sequence numbers renumbered "
	"so the written stream is contiguous); a message that lost bytes in "
	"a gap is counted, not written. At the end, a summary goes to "
	"stderr.\n" SIZES_DURATIONS "\nExamples:\n"
	"  sudo ofxdp watch eth0\n"
	"  sudo ofxdp watch eth0 --type PACKET_IN,PACKET_OUT,FLOW_MOD "
	"--inner 'ether host 00:00:00:00:00:01'\n"
	"  sudo ofxdp watch eth0 --direction out --switch 0x1 --json | jq .\n"
	"  sudo ofxdp watch eth0 -w of.pcap -C 100\n"
	"  ofxdp watch -r capture.pcap --subtype OFPET_BAD_REQUEST\n"
	"  ofxdp watch -r capture.pcap --type FLOW_MOD -c 10";

static const char cleanup_doc[] =
	"Remove the programs a killed ofxdp left attached to IFACE (clsact "
	"filters, netlink XDP; tcx and XDP links go with their process). "
	"ofxdp attach does this by itself at start. Needs root.\v"
	"Example:\n"
	"  sudo ofxdp cleanup eth0";

static const char status_doc[] =
	"Show which ofxdp programs are attached where (XDP and tcx links, "
	"netlink XDP), the process that holds each link, and each running "
	"instance's kernel counters, as the kernel sees them (no map names "
	"needed). Needs root.\v"
	"Examples:\n"
	"  sudo ofxdp status\n"
	"  sudo ofxdp status eth0";

static const char oftraf_doc[] =
	"oftraf's command line: attach to IFACE with REST on HOST:PORT "
	"(same as ofxdp attach IFACE --rest HOST:PORT, but GET /stop stops "
	"ofxdp too, as it stopped oftraf).\v" REST_HELP SIZES_DURATIONS
		CONFIG_HELP
	"The file: --config FILE only (oftraf's command line reads no default "
	"file).\n"
	"\nExample:\n"
	"  sudo ofxdp --rest-host 127.0.0.1 --rest-port 5555 --of-port 6653 "
	"\\\n"
	"       --ifname eth0 --server";

static error_t parse_opt(int key, char *arg, struct argp_state *state);

static const struct argp attach_argp = {
	attach_opts, parse_opt, "IFACE", attach_doc, NULL, NULL, NULL};
static const struct argp read_argp = {read_opts, parse_opt, "FILE", read_doc,
				      NULL,	 NULL,	    NULL};
static const struct argp watch_argp = {
	watch_opts, parse_opt, "IFACE", watch_doc, NULL, NULL, NULL};
static const struct argp cleanup_argp = {
	cleanup_opts, parse_opt, "IFACE", cleanup_doc, NULL, NULL, NULL};
static const struct argp status_argp = {
	status_opts, parse_opt, "[IFACE]", status_doc, NULL, NULL, NULL};
static const struct argp oftraf_argp = {
	oftraf_opts, parse_opt, NULL, oftraf_doc, NULL, NULL, NULL};

/* The commands, in the order help lists them. */
static const struct command {
	const char *name;
	const char *prog; /* argp's program name: "ofxdp attach" */
	const char *synopsis;
	const char *summary;
	enum ofx_cmd cmd;
	const struct argp *argp;
} commands[] = {
	{"attach", "ofxdp attach", "attach IFACE [OPTIONS]",
	 "live capture: console, or REST with --server (root)", OFX_CMD_ATTACH,
	 &attach_argp},
	{"read", "ofxdp read", "read FILE [OPTIONS]",
	 "the same counts from a pcap/pcapng file (no root)", OFX_CMD_READ,
	 &read_argp},
	{"watch", "ofxdp watch", "watch IFACE|-r FILE [FILTERS]",
	 "print the messages (or write them, -w), filtered", OFX_CMD_WATCH,
	 &watch_argp},
	{"cleanup", "ofxdp cleanup", "cleanup IFACE",
	 "remove programs a killed ofxdp left on IFACE", OFX_CMD_CLEANUP,
	 &cleanup_argp},
	{"status", "ofxdp status", "status [IFACE]",
	 "what ofxdp attached where, held by whom, its kernel counters",
	 OFX_CMD_STATUS, &status_argp},
	{"help", NULL, "help [COMMAND]", "this text, or COMMAND's options",
	 OFX_CMD_NONE, NULL},
	{"version", NULL, "version", "print the version", OFX_CMD_NONE, NULL},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* argp help of one command: usage, description, options, examples. */
#define HELP_FLAGS (ARGP_HELP_SHORT_USAGE | ARGP_HELP_DOC | ARGP_HELP_LONG)

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void print_usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: ofxdp COMMAND [ARGS] [OPTIONS]\n");
	fprintf(f, "       ofxdp --rest-host HOST --rest-port PORT "
		   "--of-port PORTS --ifname IFACE [--server]\n");
	fprintf(f, "\nCommands:\n");
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-24s %s\n", commands[i].synopsis,
			commands[i].summary);
}

static void print_help(FILE *f)
{
	print_usage(f);
	fprintf(f,
		"\nofxdp counts OpenFlow messages and bytes per version, type, "
		"subtype,\ndirection, switch and connection, with XDP/TC "
		"programs and a BPF ring\nbuffer. The second form is oftraf's "
		"command line (an attach with REST).\n"
		"\nRun 'ofxdp help COMMAND' or 'ofxdp COMMAND --help' for a "
		"command's options\nand examples; 'ofxdp --version' for the "
		"version.\n");
}

/* Exit EX_USAGE after an unknown command, listing the commands. */
static void __attribute__((noreturn)) unknown_command(const char *name)
{
	size_t i;

	fprintf(stderr,
		"ofxdp: unknown command '%.*s%s' (commands:", ECHO(name));
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(stderr, "%s %s", i ? "," : "", commands[i].name);
	fprintf(stderr, ")\nTry 'ofxdp help' for more information.\n");
	exit(EX_USAGE);
}

static void set_arg(struct argp_state *state, char **dst, const char *v)
{
	if (ofx_set_str(dst, v))
		argp_failure(state, 1, ENOMEM, "cannot parse the command line");
}

/* After the options: the configuration file, then what must be there. */
static void parse_end(struct argp_state *state, struct parse_ctx *ctx)
{
	struct ofx_cli *cli = ctx->cli;
	const char *cfg = ctx->config;
	char err[512];

	if (cli->cmd == OFX_CMD_STATUS)
		return; /* no IFACE: every interface */
	if (cli->cmd == OFX_CMD_WATCH) {
		if (!cli->target == !cli->watch_file)
			argp_error(state, "%s",
				   cli->target ? "IFACE or -r FILE, not both"
					       : "missing IFACE or -r FILE");
		if (cli->watch_file &&
		    (cli->given & (OFX_GIVEN_MODE | OFX_GIVEN_RING)))
			argp_error(state, "--mode and --ring-size are for a "
					  "live IFACE, not -r FILE");
		if ((cli->rotate_bytes || cli->rotate_s > 0 || cli->print) &&
		    !cli->write_path)
			argp_error(state, "-C, -G and --print go with -w FILE");
		return;
	}
	if (!cli->target && cli->cmd != OFX_CMD_ATTACH)
		argp_error(state, "missing %s",
			   cli->cmd == OFX_CMD_READ ? "FILE" : "IFACE");
	/* The default file is attach's, not oftraf's command line's (it
	 * stays as oftraf had it). */
	if (!cfg && cli->cmd == OFX_CMD_ATTACH && !ctx->oftraf &&
	    access(OFX_CONFIG_DEFAULT, F_OK) == 0)
		cfg = OFX_CONFIG_DEFAULT;
	if (cfg && ofx_config_load(cfg, cli, err, sizeof(err)))
		argp_failure(state, 1, 0, "%s", err);
	if (!cli->target)
		argp_error(state, "%s",
			   ctx->oftraf
				   ? "missing --ifname IFACE"
				   : "missing IFACE (or [capture] "
				     "interface in the configuration file)");
	if (cli->cmd != OFX_CMD_ATTACH)
		return;
	cli->oftraf = ctx->oftraf;
	cli->rest = cli->rest_host || cli->rest_port;
	if (cli->rest && (!cli->rest_host || !cli->rest_port))
		argp_error(state, "REST needs both a host and a port");
	if (cli->server && !cli->rest)
		argp_error(state, "--server needs a REST address "
				  "(--rest HOST:PORT or [rest] address)");
	if (cli->server && cli->json)
		argp_error(state, "--json is the console's form: --server has "
				  "no console");
	if ((cli->rest_cors || cli->rest_token || cli->rest_tls_cert ||
	     cli->rest_tls_key) &&
	    !cli->rest)
		argp_error(state, "--rest-cors, --rest-token and --rest-tls-* "
				  "need a REST address (--rest HOST:PORT or "
				  "[rest] address)");
	if (!cli->rest_tls_cert != !cli->rest_tls_key)
		argp_error(state, "--rest-tls-cert and --rest-tls-key go "
				  "together");
}

/* @host (from @arg) for --rest or --rest-host: exits on a bad one. */
static void check_host(struct argp_state *state, const char *host,
		       const char *arg)
{
	if (ofx_check_rest_host(host))
		argp_error(state, "bad REST host '%.*s%s' in '%.*s%s': want %s",
			   ECHO(host), ECHO(arg), OFX_REST_HOST_WANT);
}

/* A watch filter option: its key in struct ofx_msg_filter terms. */
static void watch_filter(struct argp_state *state, int key, const char *arg)
{
	struct parse_ctx *ctx = state->input;
	const char *name = key == OPT_OF_VERSION ? "version"
			   : key == 't'		 ? "type"
			   : key == OPT_SUBTYPE	 ? "subtype"
			   : key == 'd'		 ? "direction"
			   : key == OPT_SWITCH	 ? "switch"
			   : key == OPT_XID	 ? "xid"
						 : "inner";
	char err[256];

	if (ofx_msg_filter_set(&ctx->cli->filter, name, arg, err, sizeof(err)))
		argp_error(state, "%s", err);
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct parse_ctx *ctx = state->input;
	struct ofx_cli *cli = ctx->cli;
	char host[256];

	switch (key) {
	case 'p':
		if (ofx_portset_parse(arg, &cli->ports))
			argp_error(state, "bad port list '%.*s%s': want %s",
				   ECHO(arg), OFX_PORTS_WANT);
		cli->given |= OFX_GIVEN_PORTS;
		break;
	case 'm':
		if (ofx_mode_parse(arg, &cli->mode))
			argp_error(state, "bad mode '%.*s%s': want %s",
				   ECHO(arg), OFX_MODE_WANT);
		cli->given |= OFX_GIVEN_MODE;
		break;
	case 'r':
		if (cli->cmd == OFX_CMD_WATCH) {
			set_arg(state, &cli->watch_file, arg);
			break;
		}
		if (ofx_parse_hostport(arg, host, sizeof(host),
				       &cli->rest_port))
			argp_error(state,
				   "bad REST address '%.*s%s' (want "
				   "HOST:PORT or [V6ADDR]:PORT)",
				   ECHO(arg));
		check_host(state, host, arg);
		set_arg(state, &cli->rest_host, host);
		cli->given |= OFX_GIVEN_REST_HOST | OFX_GIVEN_REST_PORT;
		break;
	case 's':
		cli->server = true;
		cli->given |= OFX_GIVEN_SERVER;
		break;
	case 'j':
		cli->json = true;
		break;
	case OPT_PIN:
		cli->pin = true;
		break;
	case 'v':
		cli->verbose = true;
		ofx_log_set_level(OFX_LOG_DEBUG);
		break;
	case 'c':
		if (cli->cmd == OFX_CMD_WATCH) {
			if (ofx_parse_count(arg, &cli->watch_count))
				argp_error(state,
					   "bad count '%.*s%s': want a "
					   "number from 1",
					   ECHO(arg));
			break;
		}
		ctx->config = arg;
		break;
	case OPT_OF_VERSION:
	case 't':
	case OPT_SUBTYPE:
	case 'd':
	case OPT_SWITCH:
	case OPT_XID:
	case OPT_INNER:
		watch_filter(state, key, arg);
		break;
	case 'w':
		set_arg(state, &cli->write_path, arg);
		break;
	case 'C': {
		uint64_t mb;

		if (ofx_parse_count(arg, &mb) || mb > 1000000)
			argp_error(state,
				   "bad file size '%.*s%s': want MB from 1 "
				   "to 1000000",
				   ECHO(arg));
		cli->rotate_bytes = mb * 1000000;
		break;
	}
	case 'G':
		if (ofx_parse_duration(arg, &cli->rotate_s) ||
		    cli->rotate_s < 1 - 1e-9)
			argp_error(state,
				   "bad rotation '%.*s%s': want a duration of "
				   "at least 1s",
				   ECHO(arg));
		break;
	case OPT_PRINT:
		cli->print = true;
		break;
	case OPT_SWITCH_NAMES:
		set_arg(state, &cli->switch_names, arg);
		cli->given |= OFX_GIVEN_NAMES;
		break;
	case 'i':
		if (ofx_parse_duration(arg, &cli->interval_s) ||
		    cli->interval_s < 0.1 - 1e-9)
			argp_error(state,
				   "bad interval '%.*s%s': want a duration of "
				   "at least 100ms, e.g. 1s or 500ms",
				   ECHO(arg));
		break;
	case OPT_DURATION:
		if (ofx_parse_duration(arg, &cli->duration_s))
			argp_error(state, "bad duration '%.*s%s': want %s",
				   ECHO(arg), OFX_DURATION_WANT);
		break;
	case OPT_RING:
		if (ofx_parse_ring_size(arg, &cli->ringbuf_bytes))
			argp_error(state, "bad ring size '%.*s%s': want %s",
				   ECHO(arg), OFX_RING_SIZE_WANT);
		cli->given |= OFX_GIVEN_RING;
		break;
	case OPT_LAT_WINDOW:
		if (ofx_parse_duration(arg, &cli->latency_window_s) ||
		    cli->latency_window_s < 0.001 - 1e-12 ||
		    cli->latency_window_s > 3600)
			argp_error(state,
				   "bad latency window '%s': want a duration "
				   "from 1ms to 1h, e.g. 5s",
				   arg);
		break;
	case OPT_NO_LATENCY:
		cli->no_latency = true;
		break;
	case OPT_REST_HOST:
		check_host(state, arg, arg);
		set_arg(state, &cli->rest_host, arg);
		cli->given |= OFX_GIVEN_REST_HOST;
		break;
	case OPT_REST_PORT:
		if (ofx_parse_port(arg, &cli->rest_port))
			argp_error(state, "bad REST port '%.*s%s'", ECHO(arg));
		cli->given |= OFX_GIVEN_REST_PORT;
		break;
	case OPT_REST_CORS:
		if (ofx_check_origin(arg))
			argp_error(state, "bad CORS origin '%.*s%s': want %s",
				   ECHO(arg), OFX_ORIGIN_WANT);
		set_arg(state, &cli->rest_cors, arg);
		cli->given |= OFX_GIVEN_CORS;
		break;
	case OPT_ON_EVENT:
		if (!*arg)
			argp_error(state, "bad --on-event '': want a program");
		set_arg(state, &cli->on_event, arg);
		cli->given |= OFX_GIVEN_ON_EVENT;
		break;
	case OPT_NO_DEFAULT_THRESHOLDS:
		cli->no_default_thresholds = true;
		cli->given |= OFX_GIVEN_DEFAULT_THRESHOLDS;
		break;
	case OPT_METRICS_SWITCHES:
		if (ofx_parse_metrics_switches(arg, &cli->metrics_max_switches))
			argp_error(state,
				   "bad --metrics-max-switches '%.*s%s': "
				   "want %s",
				   ECHO(arg), OFX_METRICS_SWITCHES_WANT);
		cli->given |= OFX_GIVEN_METRICS_SWITCHES;
		break;
	case OPT_REST_TOKEN:
		set_arg(state, &cli->rest_token, arg);
		cli->given |= OFX_GIVEN_TOKEN;
		break;
	case OPT_REST_TLS_CERT:
		set_arg(state, &cli->rest_tls_cert, arg);
		cli->given |= OFX_GIVEN_TLS_CERT;
		break;
	case OPT_REST_TLS_KEY:
		set_arg(state, &cli->rest_tls_key, arg);
		cli->given |= OFX_GIVEN_TLS_KEY;
		break;
	case 'Z':
		if (!*arg)
			argp_error(state, "empty --user");
		set_arg(state, &cli->user, arg);
		cli->given |= OFX_GIVEN_USER;
		break;
	case OPT_IFNAME:
		set_arg(state, &cli->target, arg);
		cli->given |= OFX_GIVEN_TARGET;
		break;
	case 'h':
		argp_state_help(state, stdout, HELP_FLAGS | ARGP_HELP_EXIT_OK);
		break;
	case OPT_USAGE:
		argp_state_help(state, stdout,
				ARGP_HELP_USAGE | ARGP_HELP_EXIT_OK);
		break;
	case 'V':
		printf("ofxdp %s\n", OFX_VERSION);
		exit(0);
	case ARGP_KEY_ARG:
		if (ctx->oftraf)
			argp_error(state,
				   "unexpected argument '%.*s%s' (a command "
				   "comes first: ofxdp COMMAND ...)",
				   ECHO(arg));
		if (state->arg_num > 0)
			argp_error(state, "unexpected argument '%.*s%s'",
				   ECHO(arg));
		set_arg(state, &cli->target, arg);
		cli->given |= OFX_GIVEN_TARGET;
		break;
	case ARGP_KEY_END:
		parse_end(state, ctx);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* Run @argp on @argv[first...] as program @prog. Exits on errors. */
static void run_argp(const struct argp *argp, const char *prog, int argc,
		     char **argv, int first, struct parse_ctx *ctx)
{
	int n = argc - first + 1, i;
	char **sub = calloc((size_t)n + 1, sizeof(*sub));

	if (!sub) {
		ofx_err("out of memory\n");
		exit(1);
	}
	sub[0] = (char *)prog;
	for (i = 1; i < n; i++)
		sub[i] = argv[first + i - 1];
	if (argp_parse(argp, n, sub, ARGP_NO_HELP, NULL, ctx))
		exit(EX_USAGE);
	free(sub);
}

enum ofx_cmd ofx_cli_parse(int argc, char **argv, struct ofx_cli *cli)
{
	struct parse_ctx ctx = {.cli = cli};
	const struct command *c;
	const char *a;

	*cli = (struct ofx_cli){.mode = OFX_MODE_AUTO,
				.interval_s = 1.0,
				.metrics_max_switches = 256};
	ofx_portset_parse("6653,6633", &cli->ports);
	if (argc < 2) {
		print_usage(stderr);
		fprintf(stderr, "\nTry 'ofxdp help' for more information.\n");
		exit(EX_USAGE);
	}
	a = argv[1];
	if (!strcmp(a, "help") || !strcmp(a, "--help") || !strcmp(a, "-h")) {
		if (argc > 3 || (argc == 3 && strcmp(a, "help"))) {
			fprintf(stderr, "ofxdp: usage: ofxdp help [COMMAND]\n");
			exit(EX_USAGE);
		}
		if (argc == 2) {
			print_help(stdout);
			exit(0);
		}
		c = find_command(argv[2]);
		if (!c)
			unknown_command(argv[2]);
		if (!c->argp)
			print_help(stdout);
		else
			argp_help(c->argp, stdout, HELP_FLAGS, (char *)c->prog);
		exit(0);
	}
	if (!strcmp(a, "--usage")) {
		print_usage(stdout);
		exit(0);
	}
	if (!strcmp(a, "version") || !strcmp(a, "--version") ||
	    !strcmp(a, "-V")) {
		if (argc > 2) {
			fprintf(stderr, "ofxdp: usage: ofxdp --version\n");
			exit(EX_USAGE);
		}
		printf("ofxdp %s\n", OFX_VERSION);
		exit(0);
	}
	if (a[0] == '-') {
		/* oftraf's flags: an attach without a command word. */
		cli->cmd = OFX_CMD_ATTACH;
		ctx.oftraf = true;
		run_argp(&oftraf_argp, "ofxdp", argc, argv, 1, &ctx);
		return cli->cmd;
	}
	c = find_command(a);
	if (!c || !c->argp)
		unknown_command(a);
	cli->cmd = c->cmd;
	run_argp(c->argp, c->prog, argc, argv, 2, &ctx);
	return cli->cmd;
}

const char *ofx_version(void)
{
	return OFX_VERSION;
}

void ofx_cli_free(struct ofx_cli *cli)
{
	char **strs[] = {
		&cli->target,	     &cli->rest_host,	 &cli->switch_names,
		&cli->config,	     &cli->rest_cors,	 &cli->rest_token,
		&cli->rest_tls_cert, &cli->rest_tls_key, &cli->user,
		&cli->watch_file,    &cli->write_path,	 &cli->on_event};

	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		free(*strs[i]);
		*strs[i] = NULL;
	}
	ofx_msg_filter_free(&cli->filter);
	json_decref(cli->thresholds);
	cli->thresholds = NULL;
}
