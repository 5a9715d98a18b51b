// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_of_fields.c - the key fields `ofxdp watch` shows (of_fields.c)
 * against Ryu's own decode of its test messages (tests/fixtures/ryu-json,
 * an independent parser): for every message of every version, each field
 * both name at the message's top level (cookie, priority, table_id,
 * buffer_id, idle/hard timeouts, total_len, in_port, datapath_id,
 * n_buffers, n_tables, auxiliary_id, generation_id, actions_len,
 * out_port, flags) must have the same value.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "openflow/of_fields.h"

static const char *const compared[] = {
	"cookie",	 "priority",	 "table_id",  "buffer_id",
	"idle_timeout",	 "hard_timeout", "total_len", "in_port",
	"datapath_id",	 "n_buffers",	 "n_tables",  "auxiliary_id",
	"generation_id", "actions_len",	 "out_port",  "flags",
};

/* Our value of field @name as a number (hex "0x..", decimal, "none" =
 * 0xffffffff, reserved port names by number), or -1 if not numeric. */
static int64_t our_value(const struct of_field *f, bool wide)
{
	static const char *const ports[] = {"in_port", "table", "normal",
					    "flood",   "all",	"controller",
					    "local",   "any"};

	if (f->number)
		return (int64_t)f->u;
	if (!strncmp(f->value, "0x", 2))
		return (int64_t)strtoull(f->value, NULL, 16);
	if (!strcmp(f->value, "none"))
		return 0xffffffff;
	for (int i = 0; i < 8; i++)
		if (!strcmp(f->value, ports[i]))
			return (wide ? 0xfffffff8ll : 0xfff8) + i;
	return -1;
}

static void test_ryu_fields(void **state)
{
	static const char *const dirs[] = {"of10", "of12", "of13", "of14",
					   "of15"};
	unsigned int checked = 0, msgs = 0, reals = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++) {
		char path[512];
		struct dirent *e;
		DIR *d;

		snprintf(path, sizeof(path), "tests/fixtures/ryu-json/%s",
			 dirs[i]);
		d = opendir(path);
		assert_non_null(d);
		while ((e = readdir(d))) {
			static uint8_t buf[65536];
			struct of_fields fl;
			const char *cls;
			json_t *j, *o;
			size_t n, len;
			FILE *fp;
			char base[256];

			if (!strstr(e->d_name, ".packet.json"))
				continue;
			snprintf(base, sizeof(base), "%.*s",
				 (int)(strlen(e->d_name) - 5), e->d_name);
			snprintf(path, sizeof(path),
				 "tests/fixtures/ryu-packet_data/%s/%s",
				 dirs[i], base);
			fp = fopen(path, "rb");
			if (!fp)
				continue;
			n = fread(buf, 1, sizeof(buf), fp);
			fclose(fp);
			snprintf(path, sizeof(path),
				 "tests/fixtures/ryu-json/%s/%s", dirs[i],
				 e->d_name);
			j = json_load_file(path, 0, NULL);
			if (!j) {
				/* an integer above INT64_MAX (a counter of
				 * all ones) makes jansson refuse the file:
				 * numbers as doubles then (exact < 2^53) */
				j = json_load_file(
					path, JSON_DECODE_INT_AS_REAL, NULL);
				assert_non_null(j);
				reals++;
			}
			/* {"OFPClass": {fields}} (or a list: several) */
			if (!json_is_object(j) || json_object_size(j) != 1) {
				json_decref(j);
				continue;
			}
			cls = json_object_iter_key(json_object_iter(j));
			o = json_object_get(j, cls);
			len = (size_t)(buf[2] << 8 | buf[3]);
			if (n < 8 || !json_is_object(o) || len > n) {
				json_decref(j);
				continue;
			}
			of_fields_get(buf, len, &fl);
			msgs++;
			for (unsigned int k = 0; k < fl.n; k++) {
				const struct of_field *f = &fl.f[k];
				json_t *v;
				int64_t ours;

				if (f->group != OF_FG_MSG)
					continue;
				for (size_t c = 0;
				     c < sizeof(compared) / sizeof(*compared);
				     c++) {
					if (strcmp(f->name, compared[c]))
						continue;
					v = json_object_get(o, f->name);
					if (json_is_real(v) &&
					    json_real_value(v) <
						    9007199254740992.0)
						v = json_integer(
							(json_int_t)
								json_real_value(
									v));
					else
						v = json_incref(v);
					if (!json_is_integer(v)) {
						json_decref(v);
						break;
					}
					ours = our_value(f, buf[0] != 1);
					json_decref(v);
					v = json_object_get(o, f->name);
					if (json_is_real(v)
						    ? (double)ours !=
							      json_real_value(v)
						    : ours != json_integer_value(
								      v))
						fail_msg(
							"%s %s: ours %s "
							"(%lld), "
							"Ryu %lld",
							path, f->name, f->value,
							(long long)ours,
							json_is_real(v)
								? (long long)json_real_value(
									  v)
								: (long long)json_integer_value(
									  v));
					checked++;
				}
			}
			json_decref(j);
		}
		closedir(d);
	}
	printf("%u fields compared in %u messages (%u files read with "
	       "numbers as doubles)\n",
	       checked, msgs, reals);
	assert_true(checked > 150);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ryu_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
