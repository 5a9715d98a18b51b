/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * cli.h - ofxdp's command line: one option table per command (opts.c),
 * the configuration file (config.c) and the value parsers both share
 * (values.c): sizes and durations with units, yes/no, HOST:PORT.
 */
#ifndef OFX_CLI_H
#define OFX_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/msg_filter.h"
#include "capture/capture.h"

#ifndef OFX_VERSION
#define OFX_VERSION "0.1"
#endif

/* The configuration file `attach` reads when it exists (--config: another). */
#ifndef OFX_CONFIG_DEFAULT
#define OFX_CONFIG_DEFAULT "/etc/ofxdp/ofxdp.conf"
#endif

/* Where `attach --pin` pins its maps (one folder per interface). */
#define OFX_PIN_DIR "/sys/fs/bpf/ofxdp"

/** enum ofx_cmd - what to run. */
enum ofx_cmd {
	OFX_CMD_NONE = 0,
	OFX_CMD_ATTACH, /* live capture (also oftraf's command line) */
	OFX_CMD_READ, /* pcap/pcapng file */
	OFX_CMD_CLEANUP, /* remove stale attachments */
	OFX_CMD_STATUS, /* what is attached where (the kernel's view) */
	OFX_CMD_WATCH, /* messages as they pass, filtered; -w to a file */
};

/* Bits of struct ofx_cli.given: settings the command line gave, which the
 * configuration file then leaves alone. */
enum {
	OFX_GIVEN_TARGET = 1u << 0,
	OFX_GIVEN_MODE = 1u << 1,
	OFX_GIVEN_PORTS = 1u << 2,
	OFX_GIVEN_RING = 1u << 3,
	OFX_GIVEN_REST_HOST = 1u << 4,
	OFX_GIVEN_REST_PORT = 1u << 5,
	OFX_GIVEN_SERVER = 1u << 6,
	OFX_GIVEN_NAMES = 1u << 7,
	OFX_GIVEN_CORS = 1u << 8,
	OFX_GIVEN_TOKEN = 1u << 9,
	OFX_GIVEN_TLS_CERT = 1u << 10,
	OFX_GIVEN_TLS_KEY = 1u << 11,
	OFX_GIVEN_USER = 1u << 12,
	OFX_GIVEN_METRICS_SWITCHES = 1u << 13,
	OFX_GIVEN_ON_EVENT = 1u << 14,
	OFX_GIVEN_DEFAULT_THRESHOLDS = 1u << 15,
};

/**
 * struct ofx_cli - the parsed command line, with the configuration file
 * merged in. Strings are owned (ofx_cli_free()).
 * @target:        attach/cleanup/status: the interface (status: may be
 *                 NULL, all); read: the file
 * @pin:           attach: pin the counter maps under OFX_PIN_DIR/IFACE
 * @rest:          REST requested (@rest_host and @rest_port both set)
 * @rest_cors:     the one CORS origin, or NULL
 * @rest_token:    the bearer token file, or NULL
 * @rest_tls_cert: PEM certificate file, with @rest_tls_key (or both NULL)
 * @oftraf:        oftraf's command line (GET /stop stops too)
 * @metrics_max_switches: switches with series of their own at /metrics
 *                 (0 to OFX_MAX_SWITCHES; default 256)
 * @user:          attach: run as this user once attached, or NULL
 * @ringbuf_bytes: 0: the default
 * @duration_s:    0: until stopped
 * @latency_window_s: requests unanswered this long are unreplied (0:
 *                 the default, 5 s)
 * @no_latency:    run without the latency engine
 * @config:        the configuration file read, or NULL
 * @given:         OFX_GIVEN_* bits set by the command line
 * @filter:        watch: which messages
 * @watch_file:    watch: read this capture file (-r) instead of IFACE
 * @watch_count:   watch: stop after this many messages (0: no limit)
 * @write_path:    watch: write the messages to this pcap file (-w)
 * @rotate_bytes:  watch -w: a new file beyond this size (-C, 0: never)
 * @rotate_s:      watch -w: a new file after this long (-G, 0: never)
 * @print:         watch -w: print the messages too
 * @on_event:      attach: the program run for each threshold event, or NULL
 * @no_default_thresholds: attach: no built-in thresholds
 * @thresholds:    attach: the configuration file's [threshold NAME]
 *                 sections, {NAME: definition (thresholds.h)}, or NULL
 */
struct ofx_cli {
	enum ofx_cmd cmd;
	char *target;
	struct ofx_portset ports;
	enum ofx_mode mode;
	char *rest_host;
	uint16_t rest_port;
	bool rest;
	char *rest_cors;
	char *rest_token;
	char *rest_tls_cert;
	char *rest_tls_key;
	bool oftraf;
	unsigned int metrics_max_switches;
	char *user;
	bool server;
	bool json;
	bool verbose;
	uint32_t ringbuf_bytes;
	double interval_s;
	double duration_s;
	char *switch_names;
	double latency_window_s;
	bool no_latency;
	char *config;
	bool pin;
	unsigned int given;
	struct ofx_msg_filter filter;
	char *watch_file;
	uint64_t watch_count;
	char *write_path;
	uint64_t rotate_bytes;
	double rotate_s;
	bool print;
	char *on_event;
	bool no_default_thresholds;
	json_t *thresholds;
};

/**
 * ofx_cli_parse() - parse @argv into @cli (defaults, options, then the
 * configuration file for what the options left unset). Prints the help or
 * the version and exits 0 when asked to; prints one error naming the
 * command and exits non-zero (64 for a usage error, 1 for a configuration
 * file error) on a mistake. Return: the command to run.
 */
enum ofx_cmd ofx_cli_parse(int argc, char **argv, struct ofx_cli *cli);

/** ofx_cli_free() - free the strings of @cli. */
void ofx_cli_free(struct ofx_cli *cli);

/**
 * ofx_config_load() - read the configuration file @path into @cli: every
 * setting whose OFX_GIVEN_* bit is clear in @cli->given. Every key is
 * checked, even those the command line overrides.
 * Return: 0, or -errno with @err (@len bytes) saying what is wrong: the
 * file and, for its content, the line (and the key for a bad value).
 */
int ofx_config_load(const char *path, struct ofx_cli *cli, char *err,
		    size_t len);

/**
 * ofx_parse_size() - "4096", "64K", "64M", "1G" (also "KiB"/"MiB"/"GiB",
 * lower case k/m/g): bytes, 1024-based units. Decimal digits only: no
 * sign, blank, leading zero or 0x. Return: 0, or -EINVAL / -ERANGE.
 */
int ofx_parse_size(const char *s, uint64_t *bytes);

/**
 * ofx_parse_count() - a count from 1: decimal digits only (no sign,
 * blank, leading zero, 0x or unit). Return: 0, or -EINVAL / -ERANGE.
 */
int ofx_parse_count(const char *s, uint64_t *n);

/**
 * ofx_parse_duration() - "30s", "5m", "1h", "250ms", "1.5" (a bare number
 * is seconds): seconds, finite and > 0. Return: 0, or -EINVAL / -ERANGE.
 */
int ofx_parse_duration(const char *s, double *seconds);

/* What a good value looks like, for error messages. */
#define OFX_RING_SIZE_WANT "a power of two from 4K to 1G, e.g. 64M"
#define OFX_MODE_WANT "auto, xdp, tc or pcap"
#define OFX_PORTS_WANT "ports 1-65535, comma separated, at most 64"
#define OFX_DURATION_WANT "a number > 0 with unit ms, s, m or h, e.g. 30s"
#define OFX_BOOL_WANT "yes/no, true/false, on/off or 1/0"
#define OFX_REST_HOST_WANT                                                     \
	"an IPv4 address in full (0.0.0.0: every address), [IPv6] or a "       \
	"host name"
#define OFX_ORIGIN_WANT "an origin, e.g. https://dash.example.org:8443"

/**
 * ofx_parse_ring_size() - ofx_parse_size() limited to OFX_RING_SIZE_WANT.
 * Return: 0 or -EINVAL.
 */
int ofx_parse_ring_size(const char *s, uint32_t *bytes);

/** ofx_parse_bool() - yes/no, true/false, on/off, 1/0. 0 or -EINVAL. */
int ofx_parse_bool(const char *s, bool *v);

/** ofx_parse_port() - a TCP port, 1-65535, decimal. 0 or -EINVAL. */
int ofx_parse_port(const char *s, uint16_t *port);

/**
 * ofx_parse_hostport() - "HOST:PORT" or "[V6ADDR]:PORT": @host (@hostlen
 * bytes) gets HOST without brackets. 0 or -EINVAL.
 */
int ofx_parse_hostport(const char *s, char *host, size_t hostlen,
		       uint16_t *port);

/**
 * ofx_check_rest_host() - @host is a REST host: an IPv4 address written in
 * full (0.0.0.0 for every address; not "0", "127.1" or "010.0.0.1", which
 * getaddrinfo() would take), an IPv6 address (brackets allowed), or a host
 * name (letters, digits, '-', '.', the last label not all digits). Never
 * empty. Return: 0 or -EINVAL.
 */
int ofx_check_rest_host(const char *host);

/**
 * ofx_check_origin() - @s is a web origin as browsers send it:
 * "http://" or "https://", a lower-case host name, IPv4 or [IPv6] address,
 * an optional ":PORT", nothing else (no path, no trailing '/').
 * Return: 0 or -EINVAL.
 */
int ofx_check_origin(const char *s);

/** ofx_version() - ofxdp's version: the git description it was built from. */
const char *ofx_version(void);

/**
 * ofx_parse_metrics_switches() - --metrics-max-switches: 0 to 1024
 * (decimal digits only). Return: 0 or -EINVAL.
 */
int ofx_parse_metrics_switches(const char *s, unsigned int *n);

#define OFX_METRICS_SWITCHES_WANT "a number of switches from 0 to 1024"

/** ofx_set_str() - replace *@dst (freed) by a copy of @v. 0 or -ENOMEM. */
int ofx_set_str(char **dst, const char *v);

#endif
