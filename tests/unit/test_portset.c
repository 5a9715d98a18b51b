// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_portset.c - OpenFlow port list parsing and formatting
 * (ofx_portset_parse/has/format in user/capture/segment.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "ofx_test_util.h"
#include "capture/segment.h"

static void test_two_ports(void **state)
{
	struct ofx_portset ps;
	char buf[64];

	(void)state;
	memset(&ps, 0xaa, sizeof(ps));
	assert_int_equal(ofx_portset_parse("6653,6633", &ps), 0);
	assert_int_equal(ps.n, 2);
	assert_true(ofx_portset_has(&ps, 6653));
	assert_true(ofx_portset_has(&ps, 6633));
	assert_false(ofx_portset_has(&ps, 16633));
	assert_false(ofx_portset_has(&ps, 0));
	assert_false(ofx_portset_has(&ps, 6654));
	ofx_portset_format(&ps, buf, sizeof(buf));
	assert_string_equal(buf, "6653,6633");
}

static void test_one_port(void **state)
{
	struct ofx_portset ps;
	char buf[64];

	(void)state;
	assert_int_equal(ofx_portset_parse("16633", &ps), 0);
	assert_int_equal(ps.n, 1);
	assert_int_equal(ps.ports[0], 16633);
	assert_true(ofx_portset_has(&ps, 16633));
	assert_false(ofx_portset_has(&ps, 6633));
	assert_false(ofx_portset_has(&ps, 1663));
	ofx_portset_format(&ps, buf, sizeof(buf));
	assert_string_equal(buf, "16633");

	assert_int_equal(ofx_portset_parse("65535", &ps), 0);
	assert_true(ofx_portset_has(&ps, 65535));
	assert_int_equal(ofx_portset_parse("1", &ps), 0);
	assert_true(ofx_portset_has(&ps, 1));
}

static void test_errors(void **state)
{
	static const char *const bad[] = {
		"",	 "0",	  "70000",    "65536",
		"abc",	 "6653,", ",6653",    "6653,,6633",
		"66x53", "-1",	  "6653,abc", "99999999999999999999",
	};
	struct ofx_portset ps;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = ofx_portset_parse(bad[i], &ps);

		if (rc != -EINVAL)
			fail_msg("ofx_portset_parse(\"%s\") = %d, want -EINVAL",
				 bad[i], rc);
	}
}

static void test_max_ports(void **state)
{
	struct ofx_portset ps;
	char list[1024];
	size_t off = 0;

	(void)state;
	/* 64 ports: accepted. */
	for (int i = 0; i < OFX_MAX_PORTS; i++)
		off += snprintf(list + off, sizeof(list) - off, "%s%d",
				i ? "," : "", 7000 + i);
	assert_int_equal(ofx_portset_parse(list, &ps), 0);
	assert_int_equal(ps.n, OFX_MAX_PORTS);
	for (int i = 0; i < OFX_MAX_PORTS; i++)
		assert_true(ofx_portset_has(&ps, 7000 + i));
	assert_false(ofx_portset_has(&ps, 7000 + OFX_MAX_PORTS));

	/* 65 ports: -EINVAL. */
	snprintf(list + off, sizeof(list) - off, ",%d", 7000 + OFX_MAX_PORTS);
	assert_int_equal(ofx_portset_parse(list, &ps), -EINVAL);
}

static void test_format_truncates(void **state)
{
	struct ofx_portset ps;
	char buf[6];

	(void)state;
	assert_int_equal(ofx_portset_parse("6653,6633", &ps), 0);
	memset(buf, 'x', sizeof(buf));
	ofx_portset_format(&ps, buf, sizeof(buf));
	/* Always NUL-terminated within the buffer. */
	assert_non_null(memchr(buf, '\0', sizeof(buf)));
	assert_int_equal(strncmp(buf, "6653,6633", strlen(buf)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_ports),
		cmocka_unit_test(test_one_port),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_max_ports),
		cmocka_unit_test(test_format_truncates),
	};

	return cmocka_run_group_tests_name("portset", tests, NULL, NULL);
}
