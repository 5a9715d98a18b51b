// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ofgen - OpenFlow load generator: command line, signals, helpers.
 *
 *   ofgen controller --listen ADDR:PORT [options]
 *   ofgen switches --connect ADDR:PORT -n N [options]
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "ofgen.h"

volatile int ofg_stop_signals;

uint64_t ofg_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void on_signal(int sig)
{
	(void)sig;
	ofg_stop_signals++;
}

void ofg_progress(const struct ofg_cfg *cfg, uint64_t now_ns)
{
	static uint64_t last_ns, t0_ns;
	static struct ofg_counter last_s, last_r;
	struct ofg_counter s, r;
	double dt;

	if (!cfg->progress)
		return;
	if (!last_ns) {
		last_ns = t0_ns = now_ns;
		return;
	}
	if (now_ns - last_ns < 1000000000ull)
		return;
	s = ofg_stats_total(OFG_SENT);
	r = ofg_stats_total(OFG_RECEIVED);
	dt = (now_ns - last_ns) / 1e9;
	fprintf(stderr,
		"ofgen %s t=%.1fs sent %.0f msg/s %.1f MB/s, received %.0f "
		"msg/s %.1f MB/s\n",
		cfg->controller ? "controller" : "switches",
		(now_ns - t0_ns) / 1e9, (s.msgs - last_s.msgs) / dt,
		(s.bytes - last_s.bytes) / dt / 1e6,
		(r.msgs - last_r.msgs) / dt,
		(r.bytes - last_r.bytes) / dt / 1e6);
	last_s = s;
	last_r = r;
	last_ns = now_ns;
}

static void usage_main(FILE *f)
{
	fprintf(f,
		"Usage: ofgen controller --listen ADDR:PORT [options]\n"
		"       ofgen switches --connect ADDR:PORT [-n N] [options]\n"
		"\n"
		"OpenFlow load generator (both ends of a cbench-like test).\n"
		"Each role prints exact per-version, per-OFPT_* sent and\n"
		"received message and byte counts as JSON when it ends.\n"
		"Run 'ofgen controller --help' or 'ofgen switches --help'.\n");
}

static void usage_switches(FILE *f)
{
	fprintf(f,
		"Usage: ofgen switches --connect ADDR:PORT [options]\n"
		"\n"
		"Emulate N OpenFlow switches (datapath_id = index + 1). Each "
		"does\n"
		"the handshake (HELLO, FEATURES_REQUEST/REPLY), then sends the "
		"mix\n"
		"for --duration seconds, answers ECHO/BARRIER/flow STATS "
		"requests,\n"
		"drains outstanding answers, closes, and prints JSON counts.\n"
		"\n"
		"  -c, --connect ADDR:PORT  controller address (required)\n"
		"  -n, --connections N      emulated switches / TCP "
		"connections (1)\n"
		"  -V, --versions LIST      OpenFlow versions round-robin over "
		"the\n"
		"                           connections: 1.0,1.3,1.4,1.5 "
		"(1.3)\n"
		"      --version V          same as --versions with one "
		"version\n"
		"  -d, --duration S         seconds of generation (10)\n"
		"  -r, --rate R             generated msgs/s over all "
		"connections,\n"
		"                           0 = unlimited (0)\n"
		"  -b, --batch N            generated messages per write() "
		"(1)\n"
		"      --pin-data BYTES     PACKET_IN data bytes (60)\n"
		"      --pin-len BYTES      PACKET_IN total message length "
		"instead\n"
		"                           (>= 18 for 1.0, >= 42 for 1.3+)\n"
		"      --stats-reply-size BYTES  flow stats/multipart reply "
		"size,\n"
		"                           split in parts <= 65535 with "
		"REPLY_MORE\n"
		"                           (32768)\n"
		"  -m, --mix LIST           weights, e.g. "
		"packet_in=94,echo=2,\n"
		"                           barrier=2,port_status=1,error=1 "
		"(that)\n"
		"      --drain MS           wait up to MS for answers after "
		"the\n"
		"                           duration before closing (1000)\n"
		"      --pin-buffered PCT   percent of PACKET_INs with a "
		"buffer_id\n"
		"                           (unique, increasing), the others\n"
		"                           OFP_NO_BUFFER (0)\n"
		"      --reply-delay SPEC   delay the answers this role sends: "
		"a\n"
		"                           duration (2ms, 500us, 1.5ms, 0) "
		"for "
		"every\n"
		"                           kind, or KIND=DURATION,... with "
		"KIND "
		"in\n"
		"                           echo, barrier, multipart, "
		"features;\n"
		"                           answers stay in order (FIFO)\n"
		"      --reply-jitter DUR   each delay uniform in [delay-DUR,\n"
		"                           delay+DUR], >= 0 (needs "
		"--reply-delay)\n"
		"      --seed N             PRNG seed for jitter and sampling "
		"(1)\n"
		"      --no-latency         measure no latencies (no "
		"\"latency\" in\n"
		"                           the JSON; for the highest rates)\n"
		"  -o, --json-out FILE      JSON result to FILE (stdout)\n"
		"  -p, --progress           per-second rates on stderr\n"
		"  -h, --help               this help\n"
		"\n"
		"Every PACKET_IN's frame is unique on its connection (source "
		"MAC\n"
		"02 + 40-bit sequence number). The JSON has \"latency\":\n"
		"round trips of PACKET_IN, ECHO, BARRIER requests this role "
		"sent,\n"
		"answer times of the requests it answered (see README).\n"
		"\n"
		"SIGINT/SIGTERM end generation early (a second one: no "
		"drain).\n");
}

static void usage_controller(FILE *f)
{
	fprintf(f,
		"Usage: ofgen controller --listen ADDR:PORT [options]\n"
		"\n"
		"Accept OpenFlow switches, do the handshake, answer PACKET_IN "
		"with\n"
		"PACKET_OUT or FLOW_MOD, ECHO_REQUEST with ECHO_REPLY,\n"
		"BARRIER_REQUEST with BARRIER_REPLY, and send periodic flow\n"
		"STATS/MULTIPART, ECHO and BARRIER requests. Exits when all\n"
		"connections have closed and prints JSON counts.\n"
		"\n"
		"  -l, --listen ADDR:PORT   listen address; port 0 = "
		"ephemeral\n"
		"                           (required)\n"
		"      --port-file FILE     write the bound port number to "
		"FILE\n"
		"  -V, --versions LIST      accepted versions; HELLO carries "
		"the\n"
		"                           highest (1.0,1.3,1.4,1.5)\n"
		"      --version V          accept only V\n"
		"      --flow-mod-pct P     percent of PACKET_INs answered "
		"with\n"
		"                           FLOW_MOD instead of PACKET_OUT "
		"(10)\n"
		"      --stats-interval MS  flow stats request per connection\n"
		"                           every MS, 0 = off (100)\n"
		"      --echo-interval MS   ECHO_REQUEST interval, 0 = off "
		"(1000)\n"
		"      --barrier-interval MS  BARRIER_REQUEST interval, 0 = "
		"off\n"
		"                           (500)\n"
		"      --pin-flow-mod MODE  unbuffered PACKET_IN of the "
		"FLOW_MOD\n"
		"                           share: 'bare' = FLOW_MOD only "
		"(not\n"
		"                           matchable on the wire), "
		"'with-packet-out'\n"
		"                           = FLOW_MOD + PACKET_OUT with the "
		"frame\n"
		"                           (bare; with-packet-out if "
		"--reply-delay)\n"
		"      --reply-delay SPEC   delay the answers this role sends: "
		"a\n"
		"                           duration (2ms, 500us, 1.5ms, 0) "
		"for "
		"every\n"
		"                           kind, or KIND=DURATION,... with "
		"KIND "
		"in\n"
		"                           packet_in, echo, barrier; answers "
		"stay\n"
		"                           in order (FIFO per connection)\n"
		"      --reply-jitter DUR   each delay uniform in [delay-DUR,\n"
		"                           delay+DUR], >= 0 (needs "
		"--reply-delay)\n"
		"      --seed N             PRNG seed for jitter and sampling "
		"(1)\n"
		"      --no-latency         measure no latencies (no "
		"\"latency\" in\n"
		"                           the JSON; for the highest rates)\n"
		"  -e, --expect N           exit once N connections have been\n"
		"                           accepted and all are closed (1)\n"
		"  -d, --duration S         exit at S + 2 seconds at the "
		"latest\n"
		"                           (0 = no limit)\n"
		"  -o, --json-out FILE      JSON result to FILE (stdout)\n"
		"  -p, --progress           per-second rates on stderr\n"
		"  -h, --help               this help\n"
		"\n"
		"A buffered PACKET_IN is answered with its buffer_id and no "
		"data,\n"
		"an unbuffered one with a PACKET_OUT carrying its frame. The "
		"JSON\n"
		"has \"latency\": answer times of PACKET_IN, ECHO, BARRIER,\n"
		"round trips of the FEATURES, STATS/MULTIPART, ECHO, BARRIER\n"
		"requests this role sent (see README).\n");
}

static int parse_int(const char *s, const char *what, long lo, long hi,
		     int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "ofgen: bad %s '%s' (%ld..%ld)\n", what, s, lo,
			hi);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int parse_u64(const char *s, const char *what, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-') {
		fprintf(stderr, "ofgen: bad %s '%s'\n", what, s);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_double(const char *s, const char *what, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || v < 0) {
		fprintf(stderr, "ofgen: bad %s '%s'\n", what, s);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_addr(const char *s, struct ofg_cfg *cfg)
{
	const char *colon = strrchr(s, ':');
	size_t hl;

	if (!colon || !colon[1] || strlen(colon + 1) >= sizeof(cfg->port)) {
		fprintf(stderr, "ofgen: address '%s' is not ADDR:PORT\n", s);
		return -1;
	}
	hl = colon - s;
	if (hl && s[0] == '[' && s[hl - 1] == ']') {
		s++;
		hl -= 2;
	}
	if (hl >= sizeof(cfg->addr)) {
		fprintf(stderr, "ofgen: address too long\n");
		return -1;
	}
	memcpy(cfg->addr, s, hl);
	cfg->addr[hl] = 0;
	strcpy(cfg->port, colon + 1);
	return 0;
}

static int parse_versions(const char *s, struct ofg_cfg *cfg)
{
	char buf[128], *tok, *save;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	cfg->nversions = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		int v = ofg_version_parse(tok);

		if (v < 0 || !ofg_version_supported(v)) {
			fprintf(stderr,
				"ofgen: unsupported version '%s' (1.0, 1.3, "
				"1.4, 1.5)\n",
				tok);
			return -1;
		}
		if (cfg->nversions == OFG_NVER)
			return -1;
		cfg->versions[cfg->nversions++] = (uint8_t)v;
	}
	return cfg->nversions ? 0 : -1;
}

static int parse_mix(const char *s, struct ofg_cfg *cfg)
{
	static const char *const keys[OFG_MIX_MAX] = {
		"packet_in", "echo", "barrier", "port_status", "error"};
	char buf[256], *tok, *save;
	int i, sum = 0;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	memset(cfg->mix, 0, sizeof(cfg->mix));
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			goto bad;
		*eq = 0;
		for (i = 0; i < OFG_MIX_MAX; i++)
			if (!strcmp(tok, keys[i]))
				break;
		if (i == OFG_MIX_MAX ||
		    parse_int(eq + 1, "mix weight", 0, 1000000, &cfg->mix[i]))
			goto bad;
	}
	for (i = 0; i < OFG_MIX_MAX; i++)
		sum += cfg->mix[i];
	if (sum > 0)
		return 0;
bad:
	fprintf(stderr,
		"ofgen: bad --mix '%s' (keys: packet_in, echo, "
		"barrier, port_status, error)\n",
		s);
	return -1;
}

enum {
	O_VERSION = 256,
	O_PIN_DATA,
	O_PIN_LEN,
	O_STATS_SIZE,
	O_DRAIN,
	O_PORT_FILE,
	O_FLOW_MOD_PCT,
	O_STATS_INT,
	O_ECHO_INT,
	O_BARRIER_INT,
	O_PIN_BUFFERED,
	O_REPLY_DELAY,
	O_REPLY_JITTER,
	O_SEED,
	O_PIN_FLOW_MOD,
	O_NO_LATENCY,
};

static const struct option sw_opts[] = {
	{"connect", required_argument, NULL, 'c'},
	{"connections", required_argument, NULL, 'n'},
	{"versions", required_argument, NULL, 'V'},
	{"version", required_argument, NULL, O_VERSION},
	{"duration", required_argument, NULL, 'd'},
	{"rate", required_argument, NULL, 'r'},
	{"batch", required_argument, NULL, 'b'},
	{"pin-data", required_argument, NULL, O_PIN_DATA},
	{"pin-len", required_argument, NULL, O_PIN_LEN},
	{"stats-reply-size", required_argument, NULL, O_STATS_SIZE},
	{"mix", required_argument, NULL, 'm'},
	{"drain", required_argument, NULL, O_DRAIN},
	{"pin-buffered", required_argument, NULL, O_PIN_BUFFERED},
	{"reply-delay", required_argument, NULL, O_REPLY_DELAY},
	{"reply-jitter", required_argument, NULL, O_REPLY_JITTER},
	{"seed", required_argument, NULL, O_SEED},
	{"no-latency", no_argument, NULL, O_NO_LATENCY},
	{"json-out", required_argument, NULL, 'o'},
	{"progress", no_argument, NULL, 'p'},
	{"help", no_argument, NULL, 'h'},
	{0},
};

static const struct option ctl_opts[] = {
	{"listen", required_argument, NULL, 'l'},
	{"port-file", required_argument, NULL, O_PORT_FILE},
	{"versions", required_argument, NULL, 'V'},
	{"version", required_argument, NULL, O_VERSION},
	{"flow-mod-pct", required_argument, NULL, O_FLOW_MOD_PCT},
	{"stats-interval", required_argument, NULL, O_STATS_INT},
	{"echo-interval", required_argument, NULL, O_ECHO_INT},
	{"barrier-interval", required_argument, NULL, O_BARRIER_INT},
	{"pin-flow-mod", required_argument, NULL, O_PIN_FLOW_MOD},
	{"reply-delay", required_argument, NULL, O_REPLY_DELAY},
	{"reply-jitter", required_argument, NULL, O_REPLY_JITTER},
	{"seed", required_argument, NULL, O_SEED},
	{"no-latency", no_argument, NULL, O_NO_LATENCY},
	{"expect", required_argument, NULL, 'e'},
	{"duration", required_argument, NULL, 'd'},
	{"json-out", required_argument, NULL, 'o'},
	{"progress", no_argument, NULL, 'p'},
	{"help", no_argument, NULL, 'h'},
	{0},
};

static void defaults(struct ofg_cfg *cfg, bool controller)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->controller = controller;
	cfg->seed = 1;
	cfg->pin_flow_mod = -1;
	if (controller) {
		parse_versions("1.0,1.3,1.4,1.5", cfg);
		cfg->flow_mod_pct = 10;
		cfg->stats_interval_ms = 100;
		cfg->echo_interval_ms = 1000;
		cfg->barrier_interval_ms = 500;
		cfg->expect = 1;
	} else {
		parse_versions("1.3", cfg);
		cfg->nconn = 1;
		cfg->duration_s = 10;
		cfg->batch = 1;
		cfg->pin_data = 60;
		cfg->stats_reply_size = 32768;
		parse_mix("packet_in=94,echo=2,barrier=2,port_status=1,error=1",
			  cfg);
		cfg->drain_ms = 1000;
	}
}

static int parse_args(int argc, char **argv, struct ofg_cfg *cfg)
{
	bool ctl = cfg->controller;
	const struct option *opts = ctl ? ctl_opts : sw_opts;
	const char *optstr = ctl ? "l:V:e:d:o:ph" : "c:n:V:d:r:b:m:o:ph";
	bool have_addr = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, optstr, opts, NULL)) != -1) {
		int rc = 0;

		switch (c) {
		case 'c':
		case 'l':
			rc = parse_addr(optarg, cfg);
			have_addr = true;
			break;
		case 'n':
			rc = parse_int(optarg, "connection count", 1, 100000,
				       &cfg->nconn);
			break;
		case 'V':
		case O_VERSION:
			rc = parse_versions(optarg, cfg);
			if (!rc && c == O_VERSION && cfg->nversions != 1)
				rc = -1;
			break;
		case 'd':
			rc = parse_double(optarg, "duration", &cfg->duration_s);
			break;
		case 'r':
			rc = parse_double(optarg, "rate", &cfg->rate);
			break;
		case 'b':
			rc = parse_int(optarg, "batch", 1, 65536, &cfg->batch);
			break;
		case O_PIN_DATA:
			rc = parse_int(optarg, "PACKET_IN data size", 0,
				       OFG_MAX_MSG - 42, &cfg->pin_data);
			break;
		case O_PIN_LEN:
			rc = parse_int(optarg, "PACKET_IN length", 18,
				       OFG_MAX_MSG, &cfg->pin_len);
			break;
		case O_STATS_SIZE:
			rc = parse_int(optarg, "stats reply size", 0, 64 << 20,
				       &cfg->stats_reply_size);
			break;
		case 'm':
			rc = parse_mix(optarg, cfg);
			break;
		case O_DRAIN:
			rc = parse_int(optarg, "drain", 0, 3600000,
				       &cfg->drain_ms);
			break;
		case 'o':
			cfg->json_out = optarg;
			break;
		case 'p':
			cfg->progress = true;
			break;
		case O_PORT_FILE:
			cfg->port_file = optarg;
			break;
		case O_FLOW_MOD_PCT:
			rc = parse_int(optarg, "flow-mod percent", 0, 100,
				       &cfg->flow_mod_pct);
			break;
		case O_STATS_INT:
			rc = parse_int(optarg, "stats interval", 0, 3600000,
				       &cfg->stats_interval_ms);
			break;
		case O_ECHO_INT:
			rc = parse_int(optarg, "echo interval", 0, 3600000,
				       &cfg->echo_interval_ms);
			break;
		case O_BARRIER_INT:
			rc = parse_int(optarg, "barrier interval", 0, 3600000,
				       &cfg->barrier_interval_ms);
			break;
		case 'e':
			rc = parse_int(optarg, "expected connections", 1,
				       1000000, &cfg->expect);
			break;
		case O_PIN_BUFFERED:
			rc = parse_int(optarg, "buffered PACKET_IN percent", 0,
				       100, &cfg->pin_buffered_pct);
			break;
		case O_REPLY_DELAY:
			rc = ofg_parse_reply_delay(optarg, cfg);
			break;
		case O_REPLY_JITTER:
			rc = ofg_parse_duration(optarg, &cfg->reply_jitter_ns);
			if (rc)
				fprintf(stderr,
					"ofgen: bad --reply-jitter '%s' (e.g. "
					"200us, 0.5ms)\n",
					optarg);
			break;
		case O_SEED:
			rc = parse_u64(optarg, "seed", &cfg->seed);
			break;
		case O_NO_LATENCY:
			cfg->no_latency = true;
			break;
		case O_PIN_FLOW_MOD:
			if (!strcmp(optarg, "bare")) {
				cfg->pin_flow_mod = OFG_PIN_FM_BARE;
			} else if (!strcmp(optarg, "with-packet-out")) {
				cfg->pin_flow_mod = OFG_PIN_FM_WITH_PACKET_OUT;
			} else {
				fprintf(stderr,
					"ofgen: bad --pin-flow-mod '%s' (bare, "
					"with-packet-out)\n",
					optarg);
				rc = -1;
			}
			break;
		case 'h':
			if (ctl)
				usage_controller(stdout);
			else
				usage_switches(stdout);
			exit(0);
		default:
			rc = -1;
		}
		if (rc)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "ofgen: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	if (!have_addr) {
		fprintf(stderr, "ofgen: %s is required\n",
			ctl ? "--listen ADDR:PORT" : "--connect ADDR:PORT");
		return -1;
	}
	if (cfg->reply_jitter_ns && !cfg->delay_on) {
		fprintf(stderr, "ofgen: --reply-jitter needs --reply-delay\n");
		return -1;
	}
	if (cfg->pin_flow_mod < 0)
		cfg->pin_flow_mod = cfg->delay_on ? OFG_PIN_FM_WITH_PACKET_OUT
						  : OFG_PIN_FM_BARE;
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	struct ofg_cfg cfg;
	bool ctl;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage_main(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "controller")) {
		ctl = true;
	} else if (!strcmp(argv[1], "switches")) {
		ctl = false;
	} else {
		usage_main(stderr);
		return 2;
	}
	defaults(&cfg, ctl);
	if (parse_args(argc - 1, argv + 1, &cfg)) {
		fprintf(stderr, "Try 'ofgen %s --help'.\n", argv[1]);
		return 2;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	ofg_lat_init(ctl, !cfg.no_latency, cfg.seed);
	if (cfg.delay_on) /* wake up on time for the due answers */
		prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);

	return ctl ? ofg_run_controller(&cfg) : ofg_run_switches(&cfg);
}
