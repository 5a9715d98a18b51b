// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * config.c - the configuration file (libinih), e.g. /etc/ofxdp/ofxdp.conf:
 *
 *   [capture]
 *   interface = eth0        attach's IFACE when the command line has none
 *   mode = auto             auto, xdp, tc or pcap
 *   ports = 6653,6633
 *   ring_size = 64M
 *   user = nobody           --user NAME
 *   [rest]
 *   address = 127.0.0.1:5555   HOST:PORT or [V6ADDR]:PORT
 *   server = yes            no console (yes/no, true/false, on/off, 1/0)
 *   cors = https://dash.example.org   --rest-cors ORIGIN
 *   token_file = token      --rest-token FILE (relative: to this file)
 *   tls_cert = cert.pem     --rest-tls-cert FILE (relative: to this file)
 *   tls_key = key.pem       --rest-tls-key FILE (relative: to this file)
 *   metrics_max_switches = 256   --metrics-max-switches N
 *   [switches]
 *   names = switch-names    --switch-names FILE (relative: to this file)
 *   [events]
 *   on_event = /usr/local/bin/page-me   --on-event CMD
 *   default_thresholds = no  --no-default-thresholds
 *   [threshold pin_storm]   a threshold (thresholds.h), as PUT over REST
 *   metric = packet_in_rate
 *   value = 500
 *   window = 10
 *
 * '#' or ';' starts a comment line. An unknown section or key, a bad value
 * or a syntax error stops ofxdp with the file and line. The command line
 * wins over the file.
 */
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* Parse state: the file, the line being parsed, the first error. */
struct cfg {
	const char *path;
	FILE *f;
	struct ofx_cli *cli;
	int line;
	bool at_line_start;
	int err_line; /* 0: no error */
	char msg[200];
};

/* Record the first error at the current line. Return: 0 (inih: error). */
static int __attribute__((format(printf, 2, 3)))
cfg_error(struct cfg *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->err_line) {
		c->err_line = c->line;
		va_start(ap, fmt);
		vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
		va_end(ap);
	}
	return 0;
}

typedef int (*cfg_section_fn)(struct cfg *c, const char *section,
			      const char *key, const char *value);
static int cfg_capture(struct cfg *c, const char *section, const char *key,
		       const char *value);
static int cfg_rest(struct cfg *c, const char *section, const char *key,
		    const char *value);
static int cfg_switches(struct cfg *c, const char *section, const char *key,
			const char *value);
static int cfg_events(struct cfg *c, const char *section, const char *key,
		      const char *value);
static int cfg_threshold(struct cfg *c, const char *section, const char *key,
			 const char *value);

/* The sections: a name, or a prefix ("threshold NAME"). */
static const struct {
	const char *name;
	bool prefix;
	cfg_section_fn fn;
} sections[] = {
	{"capture", false, cfg_capture},     {"rest", false, cfg_rest},
	{"switches", false, cfg_switches},   {"events", false, cfg_events},
	{"threshold ", true, cfg_threshold},
};
#define SECTIONS_WANT                                                          \
	"[capture], [rest], [switches], [events] or [threshold NAME]"

/* The section named by @name's first @n bytes, or NULL. */
static cfg_section_fn find_section(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		size_t k = strlen(sections[i].name);

		if (sections[i].prefix
			    ? n > k && !strncmp(name, sections[i].name, k)
			    : n == k && !strncmp(name, sections[i].name, k))
			return sections[i].fn;
	}
	return NULL;
}

/*
 * A "[section]" line: check the name here, at its own line (inih reports
 * nothing for a section until a key follows). Same rules as inih: blanks
 * before '[', the name is what lies between '[' and the first ']'.
 */
static void cfg_check_section(struct cfg *c, const char *line)
{
	const char *end;
	size_t n;

	if (c->line == 1 && !strncmp(line, "\xEF\xBB\xBF", 3))
		line += 3;
	line += strspn(line, " \t\r\n\f\v");
	if (*line != '[')
		return;
	end = strchr(++line, ']');
	if (!end)
		return; /* inih's syntax error */
	n = (size_t)(end - line);
	if (!find_section(line, n))
		cfg_error(c, "unknown section [%.*s] (want " SECTIONS_WANT ")",
			  (int)n, line);
}

/* ini_reader: fgets that counts lines, checks section names and refuses
 * lines inih would split. */
static char *cfg_read(char *str, int num, void *stream)
{
	struct cfg *c = stream;
	bool start = c->at_line_start;
	size_t n;
	int ch;

	if (c->err_line || !fgets(str, num, c->f))
		return NULL;
	if (start)
		c->line++;
	n = strlen(str);
	c->at_line_start = n && str[n - 1] == '\n';
	if (!c->at_line_start && n == (size_t)num - 1) {
		ch = getc(c->f);
		if (ch != EOF) {
			ungetc(ch, c->f);
			cfg_error(c, "line too long (at most %d characters)",
				  num - 2);
			return NULL;
		}
	}
	if (start)
		cfg_check_section(c, str);
	return c->err_line ? NULL : str;
}

/* @v relative to the directory of the configuration file. */
static int set_path(struct cfg *c, char **dst, const char *v)
{
	const char *slash = strrchr(c->path, '/');
	size_t dir, n;
	char *s;

	if (v[0] == '/' || !slash)
		return ofx_set_str(dst, v);
	dir = (size_t)(slash - c->path);
	n = dir + 1 + strlen(v) + 1;
	s = malloc(n);
	if (!s)
		return -ENOMEM;
	snprintf(s, n, "%.*s/%s", (int)dir, c->path, v);
	free(*dst);
	*dst = s;
	return 0;
}

#define BAD(what, want)                                                        \
	cfg_error(c, "bad value for [%s] %s: '%s' (want %s)", section, what,   \
		  value, want)
#define GIVEN(bit) (c->cli->given & (bit))

static int cfg_capture(struct cfg *c, const char *section, const char *key,
		       const char *value)
{
	struct ofx_cli *cli = c->cli;

	if (!strcmp(key, "interface")) {
		if (!*value || strlen(value) >= 16 || strchr(value, '/') ||
		    strpbrk(value, " \t"))
			return BAD(key, "an interface name");
		/* attach's IFACE (read's FILE comes from its command line). */
		if (cli->cmd == OFX_CMD_ATTACH && !GIVEN(OFX_GIVEN_TARGET) &&
		    ofx_set_str(&cli->target, value))
			return cfg_error(c, "out of memory");
	} else if (!strcmp(key, "mode")) {
		enum ofx_mode m;

		if (ofx_mode_parse(value, &m))
			return BAD(key, OFX_MODE_WANT);
		if (!GIVEN(OFX_GIVEN_MODE))
			cli->mode = m;
	} else if (!strcmp(key, "ports")) {
		struct ofx_portset ps;

		if (ofx_portset_parse(value, &ps))
			return BAD(key, OFX_PORTS_WANT);
		if (!GIVEN(OFX_GIVEN_PORTS))
			cli->ports = ps;
	} else if (!strcmp(key, "ring_size")) {
		uint32_t v;

		if (ofx_parse_ring_size(value, &v))
			return BAD(key, OFX_RING_SIZE_WANT);
		if (!GIVEN(OFX_GIVEN_RING))
			cli->ringbuf_bytes = v;
	} else if (!strcmp(key, "user")) {
		if (!*value || strpbrk(value, " \t:/"))
			return BAD(key, "a user name");
		if (cli->cmd == OFX_CMD_ATTACH && !GIVEN(OFX_GIVEN_USER) &&
		    ofx_set_str(&cli->user, value))
			return cfg_error(c, "out of memory");
	} else {
		return cfg_error(c, "unknown key '%s' in [%s]", key, section);
	}
	return 1;
}

/* The [rest] keys naming a file: the string of struct ofx_cli at @off,
 * its OFX_GIVEN_* bit. */
static const struct file_key {
	const char *key;
	size_t off;
	unsigned int bit;
} rest_files[] = {
	{"token_file", offsetof(struct ofx_cli, rest_token), OFX_GIVEN_TOKEN},
	{"tls_cert", offsetof(struct ofx_cli, rest_tls_cert),
	 OFX_GIVEN_TLS_CERT},
	{"tls_key", offsetof(struct ofx_cli, rest_tls_key), OFX_GIVEN_TLS_KEY},
};

static const struct file_key *rest_file(const char *key)
{
	for (size_t i = 0; i < sizeof(rest_files) / sizeof(rest_files[0]); i++)
		if (!strcmp(key, rest_files[i].key))
			return &rest_files[i];
	return NULL;
}

static int cfg_rest(struct cfg *c, const char *section, const char *key,
		    const char *value)
{
	struct ofx_cli *cli = c->cli;
	const struct file_key *f;

	if (!strcmp(key, "address")) {
		char host[256];
		uint16_t port;

		if (ofx_parse_hostport(value, host, sizeof(host), &port))
			return BAD(key, "HOST:PORT or [V6ADDR]:PORT");
		if (ofx_check_rest_host(host))
			return BAD(key, "HOST:PORT, HOST " OFX_REST_HOST_WANT);
		if (!GIVEN(OFX_GIVEN_REST_HOST) &&
		    ofx_set_str(&cli->rest_host, host))
			return cfg_error(c, "out of memory");
		if (!GIVEN(OFX_GIVEN_REST_PORT))
			cli->rest_port = port;
	} else if (!strcmp(key, "server")) {
		bool v;

		if (ofx_parse_bool(value, &v))
			return BAD(key, OFX_BOOL_WANT);
		if (!GIVEN(OFX_GIVEN_SERVER))
			cli->server = v;
	} else if (!strcmp(key, "metrics_max_switches")) {
		unsigned int n;

		if (ofx_parse_metrics_switches(value, &n))
			return BAD(key, OFX_METRICS_SWITCHES_WANT);
		if (!GIVEN(OFX_GIVEN_METRICS_SWITCHES))
			cli->metrics_max_switches = n;
	} else if (!strcmp(key, "cors")) {
		if (ofx_check_origin(value))
			return BAD(key, OFX_ORIGIN_WANT);
		if (!GIVEN(OFX_GIVEN_CORS) &&
		    ofx_set_str(&cli->rest_cors, value))
			return cfg_error(c, "out of memory");
	} else if ((f = rest_file(key))) {
		if (!*value)
			return BAD(key, "a file name");
		if (!GIVEN(f->bit) &&
		    set_path(c, (char **)((char *)cli + f->off), value))
			return cfg_error(c, "out of memory");
	} else {
		return cfg_error(c, "unknown key '%s' in [%s]", key, section);
	}
	return 1;
}

static int cfg_switches(struct cfg *c, const char *section, const char *key,
			const char *value)
{
	if (strcmp(key, "names"))
		return cfg_error(c, "unknown key '%s' in [%s]", key, section);
	if (!*value)
		return BAD(key, "a file name");
	if (!GIVEN(OFX_GIVEN_NAMES) &&
	    set_path(c, &c->cli->switch_names, value))
		return cfg_error(c, "out of memory");
	return 1;
}

static int cfg_events(struct cfg *c, const char *section, const char *key,
		      const char *value)
{
	bool v;

	if (!strcmp(key, "on_event")) {
		if (!*value)
			return BAD(key, "a program");
		if (!GIVEN(OFX_GIVEN_ON_EVENT) &&
		    ofx_set_str(&c->cli->on_event, value))
			return cfg_error(c, "out of memory");
	} else if (!strcmp(key, "default_thresholds")) {
		if (ofx_parse_bool(value, &v))
			return BAD(key, OFX_BOOL_WANT);
		if (!GIVEN(OFX_GIVEN_DEFAULT_THRESHOLDS))
			c->cli->no_default_thresholds = !v;
	} else {
		return cfg_error(c, "unknown key '%s' in [%s]", key, section);
	}
	return 1;
}

/* [threshold NAME]: the keys of a definition (thresholds.h), checked
 * whole when ofxdp starts; numbers parsed here. */
static int cfg_threshold(struct cfg *c, const char *section, const char *key,
			 const char *value)
{
	const char *name = section + strlen("threshold ");
	json_t *def, *val;
	char *end;
	double x;

	if (!c->cli->thresholds && !(c->cli->thresholds = json_object()))
		return cfg_error(c, "out of memory");
	def = json_object_get(c->cli->thresholds, name);
	if (!def) {
		def = json_object();
		if (!def || json_object_set_new(c->cli->thresholds, name, def))
			return cfg_error(c, "out of memory");
	}
	if (!strcmp(key, "value") || !strcmp(key, "window")) {
		errno = 0;
		x = strtod(value, &end);
		if (!*value || *end || errno || !isfinite(x))
			return BAD(key, "a number");
		if (!strcmp(key, "window") && (x < 1 || x > 60 || x != (long)x))
			return BAD(key, "whole seconds, 1 to 60");
		val = !strcmp(key, "window") ? json_integer((json_int_t)x)
					     : json_real(x);
	} else if (!strcmp(key, "metric") || !strcmp(key, "switch") ||
		   !strcmp(key, "kind") || !strcmp(key, "counter")) {
		val = json_string(value);
	} else {
		return cfg_error(c,
				 "unknown key '%s' in [%s] (want metric, "
				 "value, window, switch, kind or counter)",
				 key, section);
	}
	if (!val || json_object_set_new(def, key, val))
		return cfg_error(c, "out of memory");
	return 1;
}

/* ini_handler: one "key = value" of @section. Return: 1, or 0 on error. */
static int cfg_handler(void *user, const char *section, const char *key,
		       const char *value)
{
	struct cfg *c = user;
	cfg_section_fn fn;

	if (c->err_line)
		return 0;
	if (!*section)
		return cfg_error(c, "key '%s' outside a section", key);
	fn = find_section(section, strlen(section));
	if (fn)
		return fn(c, section, key, value);
	return cfg_error(c, "unknown section [%s] (want " SECTIONS_WANT ")",
			 section);
}

int ofx_config_load(const char *path, struct ofx_cli *cli, char *err,
		    size_t len)
{
	struct cfg c = {.path = path, .cli = cli, .at_line_start = true};
	int rc;

	c.f = fopen(path, "r");
	if (!c.f) {
		rc = -errno;
		snprintf(err, len, "cannot read configuration file %s: %s",
			 path, strerror(-rc));
		return rc;
	}
	/* inih reports a syntax error only by its line (the first error's). */
	rc = ini_parse_stream(cfg_read, &c, cfg_handler, &c);
	if (!rc && ferror(c.f) && !c.err_line) {
		snprintf(err, len, "cannot read configuration file %s", path);
		fclose(c.f);
		return -EIO;
	}
	fclose(c.f);
	if (rc > 0 && (!c.err_line || rc < c.err_line)) {
		snprintf(err, len,
			 "%s:%d: syntax error (want [section], key = value "
			 "or a # comment)",
			 path, rc);
		return -EINVAL;
	}
	if (rc < 0) {
		snprintf(err, len, "%s: out of memory", path);
		return -ENOMEM;
	}
	if (c.err_line) {
		snprintf(err, len, "%s:%d: %s", path, c.err_line, c.msg);
		return -EINVAL;
	}
	free(cli->config);
	cli->config = strdup(path);
	return cli->config ? 0 : -ENOMEM;
}
