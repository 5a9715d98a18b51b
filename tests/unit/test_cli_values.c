// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_cli_values.c - the command line's value parsers (user/cli/values.c):
 * sizes and durations with units, booleans, ports, HOST:PORT, REST hosts
 * and CORS origins.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "cli/cli.h"

static void test_size(void **state)
{
	static const struct {
		const char *s;
		uint64_t v;
	} good[] = {
		{"4096", 4096},
		{"64K", 64ull << 10},
		{"64M", 64ull << 20},
		{"1G", 1ull << 30},
		{"2KiB", 2048},
		{"3m", 3ull << 20},
		{"0", 0},
		{"1", 1},
	};
	static const char *const bad[] = {
		"",
		"0x1000",
		"010",
		" 1",
		"1 ",
		"+1",
		"-1",
		"1T",
		"1KB",
		"1.5M",
		"M",
		"1e3",
		"nan",
		"1KiBx",
		"99999999999999999999",
		"17179869184G",
	};
	uint64_t v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = 12345;
		assert_int_equal(ofx_parse_size(good[i].s, &v), 0);
		assert_int_equal(v, good[i].v);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(ofx_parse_size(bad[i], &v), 0);
}

static void test_ring_size(void **state)
{
	uint32_t v = 0;

	(void)state;
	assert_int_equal(ofx_parse_ring_size("4K", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(ofx_parse_ring_size("1G", &v), 0);
	assert_int_equal(v, 1u << 30);
	assert_int_equal(ofx_parse_ring_size("2048", &v), -EINVAL);
	assert_int_equal(ofx_parse_ring_size("2G", &v), -EINVAL);
	assert_int_equal(ofx_parse_ring_size("96K", &v), -EINVAL);
	assert_int_equal(ofx_parse_ring_size("0x1000", &v), -EINVAL);
}

static void test_duration(void **state)
{
	static const struct {
		const char *s;
		double v;
	} good[] = {
		{"30s", 30},	 {"5m", 300}, {"1h", 3600},
		{"250ms", 0.25}, {"2", 2},    {"1.5", 1.5},
		{".5", 0.5},	 {"3.", 3},   {"0.1s", 0.1},
	};
	static const char *const bad[] = {
		"",   "nan", "inf", "-1", "+1",	 "0", "0s", "0.0ms", "1e3",
		" 1", "1 ",  "5 m", "5x", "0x1", ".", "s",  "1d",    "1.2.3",
	};
	double v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = -1;
		assert_int_equal(ofx_parse_duration(good[i].s, &v), 0);
		assert_true(v > good[i].v - 1e-9 && v < good[i].v + 1e-9);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(ofx_parse_duration(bad[i], &v), 0);
}

static void test_bool_port(void **state)
{
	bool b = false;
	uint16_t p = 0;

	(void)state;
	assert_int_equal(ofx_parse_bool("Yes", &b), 0);
	assert_true(b);
	assert_int_equal(ofx_parse_bool("0", &b), 0);
	assert_false(b);
	assert_int_equal(ofx_parse_bool("on", &b), 0);
	assert_true(b);
	assert_int_equal(ofx_parse_bool("y", &b), -EINVAL);
	assert_int_equal(ofx_parse_port("6653", &p), 0);
	assert_int_equal(p, 6653);
	assert_int_equal(ofx_parse_port("65535", &p), 0);
	assert_int_equal(ofx_parse_port("65536", &p), -EINVAL);
	assert_int_equal(ofx_parse_port("0", &p), -EINVAL);
	assert_int_equal(ofx_parse_port("", &p), -EINVAL);
	assert_int_equal(ofx_parse_port("80x", &p), -EINVAL);
}

static void test_hostport(void **state)
{
	char host[64];
	uint16_t p = 0;

	(void)state;
	assert_int_equal(
		ofx_parse_hostport("127.0.0.1:5555", host, sizeof(host), &p),
		0);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(p, 5555);
	assert_int_equal(ofx_parse_hostport("[::1]:80", host, sizeof(host), &p),
			 0);
	assert_string_equal(host, "::1");
	assert_int_equal(p, 80);
	assert_int_equal(
		ofx_parse_hostport("localhost", host, sizeof(host), &p),
		-EINVAL);
	assert_int_equal(ofx_parse_hostport(":80", host, sizeof(host), &p),
			 -EINVAL);
	assert_int_equal(ofx_parse_hostport("[::1:80", host, sizeof(host), &p),
			 -EINVAL);
	assert_int_equal(ofx_parse_hostport("[]:80", host, sizeof(host), &p),
			 -EINVAL);
	assert_int_equal(ofx_parse_hostport("h:0", host, sizeof(host), &p),
			 -EINVAL);
	assert_int_equal(
		ofx_parse_hostport("averyveryverylonghostname:1", host, 8, &p),
		-EINVAL);
}

/* A REST host is written out: never empty, never inet_aton's short or
 * octal/hex forms, which getaddrinfo() takes ("0" is 0.0.0.0). */
static void test_rest_host(void **state)
{
	static const char *const good[] = {
		"127.0.0.1", "0.0.0.0",	  "10.1.2.3",
		"::1",	     "::",	  "[::1]",
		"fe80::1",   "localhost", "ctl-1.example.org",
		"a1",	     "x.y",
	};
	static const char *const bad[] = {
		"",	      "0",	   "127.1", "010.0.0.1", "0x7f.0.0.1",
		"127.0.0.01", "1.2.3.4.",  "1.2.3", "[::1",	 "[]",
		"[1.2.3.4]",  "host name", "h_st",  "-",	 "a..b",
		".a",	      "1.2.3.4 x", "::1]",  "[zz::1]",	 "4294967295",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (ofx_check_rest_host(good[i]))
			fail_msg("'%s' refused", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ofx_check_rest_host(bad[i]) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
}

static void test_origin(void **state)
{
	static const char *const good[] = {
		"http://localhost",	      "https://dash.example.org",
		"http://127.0.0.1:8080",      "https://[::1]:8443",
		"https://grafana-1.lan:3000",
	};
	static const char *const bad[] = {
		"",
		"*",
		"null",
		"localhost",
		"ftp://x.org",
		"https://",
		"https://x.org/",
		"https://x.org/path",
		"https://X.org",
		"https://x.org:0",
		"https://x.org:70000",
		"https://x.org:",
		"https://x.org\r\nSet-Cookie: a=b",
		"https://[::1",
		"https://user@x.org",
		"http://x.org ",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (ofx_check_origin(good[i]))
			fail_msg("'%s' refused", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ofx_check_origin(bad[i]) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_ring_size),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_bool_port),
		cmocka_unit_test(test_hostport),
		cmocka_unit_test(test_rest_host),
		cmocka_unit_test(test_origin),
	};

	return cmocka_run_group_tests_name("cli_values", tests, NULL, NULL);
}
