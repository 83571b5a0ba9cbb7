/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control protocol (README, "The control socket"): one JSON object per
 * line, UTF-8, '\n'-terminated, at most PROTO_LINE_MAX bytes.
 *
 *   monitor -> client, on connect:  {"vmm": VERSION, "protocol": 1, "name": NAME}
 *   client -> monitor:              {"cmd": "info", ...arguments}
 *   monitor -> client:              {"ok": true, ...results}
 *                                   {"ok": false, "error": "why"}
 *
 * This file is the framing and the request/reply shapes, with no machine
 * behind it (unit-tested: tests/unit/test_proto.c).
 */
#ifndef VMM_TOOLSTACK_PROTO_H
#define VMM_TOOLSTACK_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#define PROTO_VERSION 1
#define PROTO_LINE_MAX (64 * 1024)

/* Bytes in, lines out; a line longer than PROTO_LINE_MAX is an error
 * (the connection cannot be trusted to resynchronise: it is closed). */
struct proto_reader {
	char buf[PROTO_LINE_MAX + 1];
	size_t len;
	size_t taken;  /* bytes of the line last handed out, '\n' included */
};

enum proto_next {
	PROTO_NEED_MORE,   /* no complete line yet */
	PROTO_LINE,        /* *line (NUL-terminated, no '\n') of *linelen */
	PROTO_TOO_LONG,    /* a line past PROTO_LINE_MAX */
};

/* Room for the next read(): pointer and size (0 when full). */
char *proto_reader_space(struct proto_reader *r, size_t *room);
void proto_reader_added(struct proto_reader *r, size_t n);
/* The next line, valid until the next call. */
enum proto_next proto_reader_next(struct proto_reader *r, char **line,
				  size_t *linelen);
/* Bytes of a partial line waiting (a slow client's). */
size_t proto_reader_pending(const struct proto_reader *r);

/* Parse one request line. On success *req is an object with a string
 * "cmd" (*cmd points into it) and the caller puts it; else NULL and a
 * message in err (no JSON, not an object, no/empty/non-string "cmd"). */
int proto_parse_request(const char *line, size_t len, json_object **req,
			const char **cmd, char *err, size_t errlen);

/* Reply objects. proto_ok: {"ok": true}; proto_error: {"ok": false,
 * "error": printf(...)}. */
json_object *proto_ok(void);
json_object *proto_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
json_object *proto_greeting(const char *version, const char *name);

/* An object as one line with its '\n' (malloc'd), *len its length. */
char *proto_line(json_object *obj, size_t *len);

/* Argument helpers: a string member (NULL when absent or not a string). */
const char *proto_get_string(json_object *obj, const char *key);
bool proto_get_bool(json_object *obj, const char *key, bool dflt);

#endif
