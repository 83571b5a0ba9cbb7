// SPDX-License-Identifier: GPL-2.0
/*
 * The control protocol's framing and request/reply shapes
 * (vmm/toolstack/proto.c) and the guest-name rule (rundir.c): what a
 * hostile client can send, byte by byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/toolstack/proto.h"
#include "vmm/toolstack/rundir.h"

static void feed(struct proto_reader *r, const char *s, size_t n)
{
	size_t room;
	char *space = proto_reader_space(r, &room);

	assert_true(n <= room);
	memcpy(space, s, n);
	proto_reader_added(r, n);
}

static void test_lines_split_and_joined(void **state)
{
	struct proto_reader *r = calloc(1, sizeof(*r));
	char *line;
	size_t len;

	(void)state;
	feed(r, "{\"cmd\":", 7);
	assert_int_equal(proto_reader_next(r, &line, &len), PROTO_NEED_MORE);
	assert_int_equal(proto_reader_pending(r), 7);
	feed(r, "\"info\"}\r\n{\"cmd\":\"x\"}\n{\"cm", 25);
	assert_int_equal(proto_reader_next(r, &line, &len), PROTO_LINE);
	assert_string_equal(line, "{\"cmd\":\"info\"}");  /* CR dropped */
	assert_int_equal(len, 14);
	assert_int_equal(proto_reader_next(r, &line, &len), PROTO_LINE);
	assert_string_equal(line, "{\"cmd\":\"x\"}");
	assert_int_equal(proto_reader_next(r, &line, &len), PROTO_NEED_MORE);
	assert_int_equal(proto_reader_pending(r), 4);
	feed(r, "\n", 1);
	assert_int_equal(proto_reader_next(r, &line, &len), PROTO_LINE);
	assert_string_equal(line, "{\"cm");
	free(r);
}

static void test_line_too_long(void **state)
{
	struct proto_reader *r = calloc(1, sizeof(*r));
	char *chunk = malloc(4096), *line;
	size_t len, room;

	(void)state;
	memset(chunk, 'a', 4096);
	for (int i = 0; i < PROTO_LINE_MAX / 4096; i++) {
		assert_int_equal(proto_reader_next(r, &line, &len), PROTO_NEED_MORE);
		feed(r, chunk, 4096);
	}
	/* full and no newline: the reader says so, and offers no room */
	assert_int_equal(proto_reader_next(r, &line, &len), PROTO_TOO_LONG);
	proto_reader_space(r, &room);
	assert_int_equal(room, 0);
	free(chunk);
	free(r);
}

static void test_line_exactly_at_limit(void **state)
{
	struct proto_reader *r = calloc(1, sizeof(*r));
	char *chunk = malloc(PROTO_LINE_MAX), *line;
	size_t len;

	(void)state;
	memset(chunk, 'b', PROTO_LINE_MAX);
	chunk[PROTO_LINE_MAX - 1] = '\n';
	feed(r, chunk, PROTO_LINE_MAX);
	assert_int_equal(proto_reader_next(r, &line, &len), PROTO_LINE);
	assert_int_equal(len, PROTO_LINE_MAX - 1);
	free(chunk);
	free(r);
}

static int parse(const char *s, const char **cmd, char *err)
{
	json_object *req;
	int r = proto_parse_request(s, strlen(s), &req, cmd, err, 256);

	if (r == 0) {
		assert_non_null(req);
		/* cmd points into req: check it before the put */
		assert_true(strlen(*cmd) > 0);
		json_object_put(req);
	} else {
		assert_null(req);
	}
	return r;
}

static void test_requests(void **state)
{
	const char *cmd;
	char err[256];
	json_object *req;

	(void)state;
	assert_int_equal(proto_parse_request("{\"cmd\":\"pause\",\"x\":1}", 21, &req,
					     &cmd, err, sizeof(err)), 0);
	assert_string_equal(cmd, "pause");
	json_object_put(req);
	assert_int_equal(parse(" {\"cmd\": \"info\"}  ", &cmd, err), 0);

	assert_int_equal(parse("garbage", &cmd, err), -1);
	assert_non_null(strstr(err, "malformed request"));
	assert_int_equal(parse("[1,2]", &cmd, err), -1);
	assert_non_null(strstr(err, "not a JSON object"));
	assert_int_equal(parse("\"info\"", &cmd, err), -1);
	assert_int_equal(parse("42", &cmd, err), -1);
	assert_int_equal(parse("{}", &cmd, err), -1);
	assert_non_null(strstr(err, "no \"cmd\""));
	assert_int_equal(parse("{\"cmd\":5}", &cmd, err), -1);
	assert_int_equal(parse("{\"cmd\":\"\"}", &cmd, err), -1);
	assert_int_equal(parse("{\"cmd\":null}", &cmd, err), -1);
	assert_int_equal(parse("{\"cmd\":\"info\"} {}", &cmd, err), -1);
	assert_non_null(strstr(err, "text after"));
	assert_int_equal(parse("{\"cmd\":\"info\"", &cmd, err), -1);
	assert_non_null(strstr(err, "incomplete"));
	assert_int_equal(parse("", &cmd, err), -1);
	/* a NUL inside the line: json-c would stop there */
	assert_int_equal(proto_parse_request("{\"cmd\":\"info\"}\0x", 16, &req, &cmd,
					     err, sizeof(err)), -1);
	assert_non_null(strstr(err, "NUL"));
}

static void test_deep_nesting_refused(void **state)
{
	char *deep = malloc(50001), err[256];
	const char *cmd;

	(void)state;
	memset(deep, '[', 50000);
	deep[50000] = '\0';
	assert_int_equal(parse(deep, &cmd, err), -1);
	assert_non_null(strstr(err, "nesting"));
	free(deep);
}

static void test_replies(void **state)
{
	size_t len;
	char *line;
	json_object *o;

	(void)state;
	line = proto_line(o = proto_ok(), &len);
	assert_string_equal(line, "{\"ok\":true}\n");
	assert_int_equal(len, 12);
	free(line);
	json_object_put(o);

	/* quotes, newlines and control bytes in a message stay inside the
	 * string: one line on the wire */
	line = proto_line(o = proto_error("bad \"%s\"\n%c", "x/y", 1), &len);
	assert_string_equal(line, "{\"ok\":false,\"error\":\"bad \\\"x/y\\\"\\n\\u0001\"}\n");
	assert_null(memchr(line, '\n', len - 1));
	free(line);
	json_object_put(o);

	line = proto_line(o = proto_greeting("1.0", "g1"), &len);
	assert_string_equal(line, "{\"vmm\":\"1.0\",\"protocol\":1,\"name\":\"g1\"}\n");
	free(line);
	json_object_put(o);
}

static void test_arguments(void **state)
{
	json_object *o = json_tokener_parse("{\"a\":\"s\",\"b\":true,\"c\":3}");

	(void)state;
	assert_string_equal(proto_get_string(o, "a"), "s");
	assert_null(proto_get_string(o, "c"));
	assert_null(proto_get_string(o, "zz"));
	assert_true(proto_get_bool(o, "b", false));
	assert_false(proto_get_bool(o, "a", false)); /* not a bool: default */
	assert_true(proto_get_bool(o, "zz", true));
	json_object_put(o);
}

static void test_guest_names(void **state)
{
	char err[256], long_name[80];

	(void)state;
	assert_true(guest_name_valid("guest1", err, sizeof(err)));
	assert_true(guest_name_valid("a.b_c-d+e", err, sizeof(err)));
	assert_false(guest_name_valid("", err, sizeof(err)));
	assert_false(guest_name_valid("../x", err, sizeof(err)));
	assert_false(guest_name_valid("a/b", err, sizeof(err)));
	assert_false(guest_name_valid(".hidden", err, sizeof(err)));
	assert_false(guest_name_valid("-rf", err, sizeof(err)));
	assert_false(guest_name_valid("a b", err, sizeof(err)));
	assert_non_null(strstr(err, "'a b'"));
	memset(long_name, 'x', 65);
	long_name[65] = '\0';
	assert_false(guest_name_valid(long_name, err, sizeof(err)));
	long_name[64] = '\0';
	assert_true(guest_name_valid(long_name, err, sizeof(err)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_split_and_joined),
		cmocka_unit_test(test_line_too_long),
		cmocka_unit_test(test_line_exactly_at_limit),
		cmocka_unit_test(test_requests),
		cmocka_unit_test(test_deep_nesting_refused),
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_arguments),
		cmocka_unit_test(test_guest_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
