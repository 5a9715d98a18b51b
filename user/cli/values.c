// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * values.c - the values options and the configuration file share: sizes
 * and durations with units, booleans, ports, HOST:PORT. Strict: decimal
 * digits only, no blanks, no sign, no exponent, nan or inf.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int ofx_parse_size(const char *s, uint64_t *bytes)
{
	static const struct {
		const char *name;
		unsigned int shift;
	} units[] = {
		{"", 0},     {"K", 10},	  {"M", 20},   {"G", 30}, {"KiB", 10},
		{"MiB", 20}, {"GiB", 30}, {"k", 10},   {"m", 20}, {"g", 30},
		{"kiB", 10}, {"miB", 20}, {"giB", 30},
	};
	uint64_t v = 0;
	const char *p = s;
	size_t i;

	/* No leading zero: "010" is not octal here, nor "0x10" hex. */
	if (!is_digit(*p) || (*p == '0' && p[1]))
		return -EINVAL;
	for (; is_digit(*p); p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].name))
			continue;
		if (v > UINT64_MAX >> units[i].shift)
			return -ERANGE;
		*bytes = v << units[i].shift;
		return 0;
	}
	return -EINVAL;
}

int ofx_parse_count(const char *s, uint64_t *n)
{
	uint64_t v;

	/* a size without unit: decimal digits, no leading zero */
	if (ofx_parse_size(s, &v) || !is_digit(s[strlen(s) - 1]) || !v)
		return -EINVAL;
	*n = v;
	return 0;
}

int ofx_parse_metrics_switches(const char *s, unsigned int *n)
{
	uint64_t v;

	if (!strcmp(s, "0")) {
		*n = 0;
		return 0;
	}
	if (ofx_parse_count(s, &v) || v > 1024)
		return -EINVAL;
	*n = (unsigned int)v;
	return 0;
}

int ofx_parse_ring_size(const char *s, uint32_t *bytes)
{
	uint64_t v;

	if (ofx_parse_size(s, &v) || v < 4096 || v > (1ull << 30) ||
	    (v & (v - 1)))
		return -EINVAL;
	*bytes = (uint32_t)v;
	return 0;
}

int ofx_parse_duration(const char *s, double *seconds)
{
	static const struct {
		const char *name;
		double mult;
	} units[] = {
		{"", 1}, {"s", 1}, {"ms", 1e-3}, {"m", 60}, {"h", 3600},
	};
	const char *p = s;
	char num[64];
	size_t digits = 0, i, n;
	double v;

	/* [digits][.digits] with one digit at least, then the unit. */
	for (; is_digit(*p); p++)
		digits++;
	if (*p == '.')
		for (p++; is_digit(*p); p++)
			digits++;
	n = (size_t)(p - s);
	if (!digits || n >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, n);
	num[n] = '\0';
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].name))
			continue;
		v = strtod(num, NULL) * units[i].mult;
		if (!isfinite(v))
			return -ERANGE;
		if (v <= 0)
			return -EINVAL;
		*seconds = v;
		return 0;
	}
	return -EINVAL;
}

int ofx_parse_bool(const char *s, bool *v)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(s, yes[i])) {
			*v = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*v = false;
			return 0;
		}
	}
	return -EINVAL;
}

int ofx_parse_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;
	const char *p = s;

	if (!is_digit(*p))
		return -EINVAL;
	for (; is_digit(*p); p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > 65535)
			return -EINVAL;
	}
	if (*p || !v)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

int ofx_parse_hostport(const char *s, char *host, size_t hostlen,
		       uint16_t *port)
{
	const char *colon = strrchr(s, ':');
	const char *h = s;
	size_t n;

	if (!colon || colon == s)
		return -EINVAL;
	n = (size_t)(colon - s);
	if (s[0] == '[') {
		if (n < 3 || s[n - 1] != ']')
			return -EINVAL;
		h = s + 1;
		n -= 2;
	}
	if (n >= hostlen)
		return -EINVAL;
	memcpy(host, h, n);
	host[n] = '\0';
	return ofx_parse_port(colon + 1, port);
}

/* A host name: labels of letters, digits and '-' (not first or last; lower
 * case only with @lower), separated by '.', the last not all digits; at
 * most 253 characters. */
static bool is_host_name(const char *s, size_t n, bool lower)
{
	size_t i, label = 0;
	bool digits = true;

	if (!n || n > 253)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.') {
			if (!label || s[i - 1] == '-')
				return false;
			label = 0;
			digits = true;
			continue;
		}
		if (!(c >= 'a' && c <= 'z') &&
		    !(!lower && c >= 'A' && c <= 'Z') && !is_digit(c) &&
		    c != '-')
			return false;
		if (c == '-' && !label)
			return false;
		if (!is_digit(c))
			digits = false;
		label++;
	}
	return label && !digits && s[n - 1] != '-';
}

/* An IPv6 address in @s (@n bytes, no brackets). */
static bool is_v6(const char *s, size_t n)
{
	struct in6_addr a;
	char buf[INET6_ADDRSTRLEN + 1];

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return inet_pton(AF_INET6, buf, &a) == 1;
}

int ofx_check_rest_host(const char *host)
{
	struct in_addr a;
	size_t n = strlen(host);

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
		return is_v6(host + 1, n - 2) ? 0 : -EINVAL;
	if (inet_pton(AF_INET, host, &a) == 1 || is_v6(host, n))
		return 0;
	/* "0", "127.1", "0x7f.1", "010.0.0.1": inet_aton's forms, which
	 * getaddrinfo() accepts, are refused: write the address in full. */
	return is_host_name(host, n, false) ? 0 : -EINVAL;
}

int ofx_check_origin(const char *s)
{
	const char *h, *end;
	size_t n = strlen(s);

	if (n > 255)
		return -EINVAL;
	if (!strncmp(s, "http://", 7))
		h = s + 7;
	else if (!strncmp(s, "https://", 8))
		h = s + 8;
	else
		return -EINVAL;
	if (*h == '[') {
		end = strchr(h, ']');
		if (!end || !is_v6(h + 1, (size_t)(end - h - 1)))
			return -EINVAL;
		end++;
	} else {
		struct in_addr a;
		char buf[256];

		end = h + strcspn(h, ":");
		snprintf(buf, sizeof(buf), "%.*s", (int)(end - h), h);
		if (inet_pton(AF_INET, buf, &a) != 1 &&
		    !is_host_name(h, (size_t)(end - h), true))
			return -EINVAL;
	}
	if (!*end)
		return 0;
	if (*end == ':') {
		uint16_t port;

		return ofx_parse_port(end + 1, &port);
	}
	return -EINVAL;
}

int ofx_set_str(char **dst, const char *v)
{
	char *s = strdup(v);

	if (!s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}
