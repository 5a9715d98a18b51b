// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_of_proto.c - OpenFlow 1.0-1.5 type tables, version names and header
 * plausibility (user/openflow/of_proto.c), against the per-version tables in
 * OpenFlow 1.0 §5.1, 1.1-1.5 §7.1 (see docs notes openflow-wire.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ofx_test_util.h"
#include "openflow/of_proto.h"

/* Full expected type tables, one per wire version (NULL: not valid). */
static const char *const names10[] = {
	"OFPT_HELLO",
	"OFPT_ERROR",
	"OFPT_ECHO_REQUEST",
	"OFPT_ECHO_REPLY",
	"OFPT_VENDOR",
	"OFPT_FEATURES_REQUEST",
	"OFPT_FEATURES_REPLY",
	"OFPT_GET_CONFIG_REQUEST",
	"OFPT_GET_CONFIG_REPLY",
	"OFPT_SET_CONFIG",
	"OFPT_PACKET_IN",
	"OFPT_FLOW_REMOVED",
	"OFPT_PORT_STATUS",
	"OFPT_PACKET_OUT",
	"OFPT_FLOW_MOD",
	"OFPT_PORT_MOD",
	"OFPT_STATS_REQUEST",
	"OFPT_STATS_REPLY",
	"OFPT_BARRIER_REQUEST",
	"OFPT_BARRIER_REPLY",
	"OFPT_QUEUE_GET_CONFIG_REQUEST",
	"OFPT_QUEUE_GET_CONFIG_REPLY",
};

/* 1.1 .. 1.5 share the numbering; the per-version differences are applied
 * in expected_name(). */
static const char *const names11plus[] = {
	"OFPT_HELLO",
	"OFPT_ERROR",
	"OFPT_ECHO_REQUEST",
	"OFPT_ECHO_REPLY",
	"OFPT_EXPERIMENTER",
	"OFPT_FEATURES_REQUEST",
	"OFPT_FEATURES_REPLY",
	"OFPT_GET_CONFIG_REQUEST",
	"OFPT_GET_CONFIG_REPLY",
	"OFPT_SET_CONFIG",
	"OFPT_PACKET_IN",
	"OFPT_FLOW_REMOVED",
	"OFPT_PORT_STATUS",
	"OFPT_PACKET_OUT",
	"OFPT_FLOW_MOD",
	"OFPT_GROUP_MOD",
	"OFPT_PORT_MOD",
	"OFPT_TABLE_MOD",
	"OFPT_STATS_REQUEST", /* 1.3+: OFPT_MULTIPART_REQUEST */
	"OFPT_STATS_REPLY", /* 1.3+: OFPT_MULTIPART_REPLY */
	"OFPT_BARRIER_REQUEST",
	"OFPT_BARRIER_REPLY",
	"OFPT_QUEUE_GET_CONFIG_REQUEST", /* 1.4+: unused */
	"OFPT_QUEUE_GET_CONFIG_REPLY", /* 1.4+: unused */
	"OFPT_ROLE_REQUEST", /* 1.2+ */
	"OFPT_ROLE_REPLY",
	"OFPT_GET_ASYNC_REQUEST", /* 1.3+ */
	"OFPT_GET_ASYNC_REPLY",
	"OFPT_SET_ASYNC",
	"OFPT_METER_MOD",
	"OFPT_ROLE_STATUS", /* 1.4+ */
	"OFPT_TABLE_STATUS",
	"OFPT_REQUESTFORWARD",
	"OFPT_BUNDLE_CONTROL",
	"OFPT_BUNDLE_ADD_MESSAGE",
	"OFPT_CONTROLLER_STATUS", /* 1.5 */
};

static const int max_type[OFX_NVERSIONS] = {-1, 21, 23, 25, 29, 34, 35};

static const char *expected_name(int v, int t)
{
	if (v < 1 || v > 6 || t > max_type[v])
		return NULL;
	if (v == 1)
		return names10[t];
	if (v >= 4 && t == 18)
		return "OFPT_MULTIPART_REQUEST";
	if (v >= 4 && t == 19)
		return "OFPT_MULTIPART_REPLY";
	if (v >= 5 && (t == 22 || t == 23))
		return NULL;
	return names11plus[t];
}

static void test_max_type(void **state)
{
	(void)state;
	assert_int_equal(of_max_type(1), 21);
	assert_int_equal(of_max_type(2), 23);
	assert_int_equal(of_max_type(3), 25);
	assert_int_equal(of_max_type(4), 29);
	assert_int_equal(of_max_type(5), 34);
	assert_int_equal(of_max_type(6), 35);
	assert_int_equal(of_max_type(0), -1);
	assert_int_equal(of_max_type(7), -1);
	assert_int_equal(of_max_type(255), -1);
}

static void test_full_tables(void **state)
{
	(void)state;
	for (int v = 0; v <= 8; v++) {
		for (int t = 0; t <= 255; t++) {
			const char *exp = expected_name(v, t);
			const char *got = of_type_name(v, t);

			if (!exp) {
				if (got)
					fail_msg("v%d type %d: expected NULL, "
						 "got %s",
						 v, t, got);
				assert_false(of_type_valid(v, t));
				continue;
			}
			if (!got)
				fail_msg("v%d type %d: expected %s, got NULL",
					 v, t, exp);
			assert_string_equal(got, exp);
			assert_true(of_type_valid(v, t));
		}
	}
}

static void test_boundary_names(void **state)
{
	(void)state;
	/* Barrier moved from 18/19 (1.0) to 20/21 (1.1+). */
	assert_string_equal(of_type_name(1, 18), "OFPT_BARRIER_REQUEST");
	assert_string_equal(of_type_name(1, 19), "OFPT_BARRIER_REPLY");
	assert_string_equal(of_type_name(4, 20), "OFPT_BARRIER_REQUEST");
	assert_string_equal(of_type_name(4, 21), "OFPT_BARRIER_REPLY");
	assert_string_equal(of_type_name(1, 20),
			    "OFPT_QUEUE_GET_CONFIG_REQUEST");
	/* 4: vendor in 1.0, experimenter afterwards. */
	assert_string_equal(of_type_name(1, 4), "OFPT_VENDOR");
	assert_string_equal(of_type_name(2, 4), "OFPT_EXPERIMENTER");
	assert_string_equal(of_type_name(4, 4), "OFPT_EXPERIMENTER");
	/* Stats vs multipart. */
	assert_string_equal(of_type_name(1, 16), "OFPT_STATS_REQUEST");
	assert_string_equal(of_type_name(3, 18), "OFPT_STATS_REQUEST");
	assert_string_equal(of_type_name(3, 19), "OFPT_STATS_REPLY");
	assert_string_equal(of_type_name(4, 18), "OFPT_MULTIPART_REQUEST");
	assert_string_equal(of_type_name(4, 19), "OFPT_MULTIPART_REPLY");
	assert_string_equal(of_type_name(6, 18), "OFPT_MULTIPART_REQUEST");
	/* 15..17 differ between 1.0 and 1.1. */
	assert_string_equal(of_type_name(1, 15), "OFPT_PORT_MOD");
	assert_string_equal(of_type_name(2, 15), "OFPT_GROUP_MOD");
	assert_string_equal(of_type_name(2, 16), "OFPT_PORT_MOD");
	/* Queue config: 22/23 valid in 1.1-1.3, unused in 1.4/1.5. */
	assert_string_equal(of_type_name(4, 22),
			    "OFPT_QUEUE_GET_CONFIG_REQUEST");
	assert_string_equal(of_type_name(4, 23), "OFPT_QUEUE_GET_CONFIG_REPLY");
	assert_null(of_type_name(5, 22));
	assert_null(of_type_name(5, 23));
	assert_null(of_type_name(6, 22));
	assert_null(of_type_name(6, 23));
	assert_false(of_type_valid(5, 22));
	assert_false(of_type_valid(6, 23));
	/* Each version's last type and the one after it. */
	assert_string_equal(of_type_name(1, 21), "OFPT_QUEUE_GET_CONFIG_REPLY");
	assert_null(of_type_name(1, 22));
	assert_string_equal(of_type_name(2, 23), "OFPT_QUEUE_GET_CONFIG_REPLY");
	assert_null(of_type_name(2, 24));
	assert_string_equal(of_type_name(3, 25), "OFPT_ROLE_REPLY");
	assert_null(of_type_name(3, 26));
	assert_string_equal(of_type_name(4, 29), "OFPT_METER_MOD");
	assert_null(of_type_name(4, 30));
	assert_string_equal(of_type_name(5, 34), "OFPT_BUNDLE_ADD_MESSAGE");
	assert_null(of_type_name(5, 35));
	assert_string_equal(of_type_name(6, 35), "OFPT_CONTROLLER_STATUS");
	assert_null(of_type_name(6, 36));
	assert_null(of_type_name(6, 255));
}

static void test_unknown_versions(void **state)
{
	(void)state;
	for (int t = 0; t < 256; t++) {
		assert_null(of_type_name(0, t));
		assert_null(of_type_name(7, t));
		assert_null(of_type_name(0xff, t));
		assert_false(of_type_valid(0, t));
		assert_false(of_type_valid(7, t));
	}
	assert_null(of_version_name(0));
	assert_null(of_version_name(7));
	assert_null(of_version_tag(0));
	assert_null(of_version_tag(7));
}

static void test_version_names(void **state)
{
	static const char *const names[] = {"1.0", "1.1", "1.2",
					    "1.3", "1.4", "1.5"};
	static const char *const tags[] = {"10", "11", "12", "13", "14", "15"};

	(void)state;
	for (int v = 1; v <= 6; v++) {
		assert_non_null(of_version_name(v));
		assert_string_equal(of_version_name(v), names[v - 1]);
		assert_non_null(of_version_tag(v));
		assert_string_equal(of_version_tag(v), tags[v - 1]);
	}
}

static void test_plausible(void **state)
{
	uint8_t h[8];

	(void)state;
	ofxt_hdr(h, 4, 0, 8, 1);
	assert_true(of_header_plausible(h));
	ofxt_hdr(h, 4, 0, 7, 1);
	assert_false(of_header_plausible(h));
	ofxt_hdr(h, 4, 0, 0, 1);
	assert_false(of_header_plausible(h));
	ofxt_hdr(h, 1, 10, 65535, 0xffffffff);
	assert_true(of_header_plausible(h));
	ofxt_hdr(h, 6, 35, 16, 0);
	assert_true(of_header_plausible(h));
	/* Unknown versions. */
	ofxt_hdr(h, 0, 0, 8, 1);
	assert_false(of_header_plausible(h));
	ofxt_hdr(h, 7, 0, 8, 1);
	assert_false(of_header_plausible(h));
	ofxt_hdr(h, 9, 0, 8, 1);
	assert_false(of_header_plausible(h));
	/* Types not valid in their version. */
	ofxt_hdr(h, 1, 22, 8, 1);
	assert_false(of_header_plausible(h));
	ofxt_hdr(h, 5, 22, 8, 1);
	assert_false(of_header_plausible(h));
	ofxt_hdr(h, 4, 30, 8, 1);
	assert_false(of_header_plausible(h));
	ofxt_hdr(h, 5, 30, 8, 1);
	assert_true(of_header_plausible(h));
	/* Length in big endian: 0x0800 = 2048 is fine, 0x0007 is not. */
	h[0] = 4;
	h[1] = 0;
	h[2] = 0x08;
	h[3] = 0x00;
	assert_true(of_header_plausible(h));
	h[2] = 0x00;
	h[3] = 0x07;
	assert_false(of_header_plausible(h));
}

static void test_parse_header(void **state)
{
	const uint8_t raw[8] = {0x04, 0x13, 0xfe, 0xdc, 0x12, 0x34, 0x56, 0x78};
	struct ofp_header_view h;

	(void)state;
	memset(&h, 0xaa, sizeof(h));
	of_parse_header(raw, &h);
	assert_int_equal(h.version, 4);
	assert_int_equal(h.type, 19);
	assert_int_equal(h.length, 0xfedc);
	assert_int_equal(h.xid, 0x12345678u);

	/* No validation: garbage is decoded as is. */
	const uint8_t junk[8] = {0x09, 0xff, 0x00, 0x04, 0, 0, 0, 0};

	of_parse_header(junk, &h);
	assert_int_equal(h.version, 9);
	assert_int_equal(h.type, 255);
	assert_int_equal(h.length, 4);
	assert_int_equal(h.xid, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_max_type),
		cmocka_unit_test(test_full_tables),
		cmocka_unit_test(test_boundary_names),
		cmocka_unit_test(test_unknown_versions),
		cmocka_unit_test(test_version_names),
		cmocka_unit_test(test_plausible),
		cmocka_unit_test(test_parse_header),
	};

	return cmocka_run_group_tests_name("of_proto", tests, NULL, NULL);
}
