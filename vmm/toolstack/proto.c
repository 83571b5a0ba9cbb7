// SPDX-License-Identifier: GPL-2.0
/* The control protocol's framing and shapes (proto.h). Every byte comes
 * from a client that may be hostile: lengths are bounded by the reader's
 * buffer, and json-c (Debian's libjson-c) does the parsing. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/toolstack/proto.h"

char *proto_reader_space(struct proto_reader *r, size_t *room)
{
	if (r->taken) { /* the last line handed out is done with */
		memmove(r->buf, r->buf + r->taken, r->len - r->taken);
		r->len -= r->taken;
		r->taken = 0;
	}
	*room = PROTO_LINE_MAX - r->len;
	return r->buf + r->len;
}

void proto_reader_added(struct proto_reader *r, size_t n)
{
	r->len += n;
}

size_t proto_reader_pending(const struct proto_reader *r)
{
	return r->len - r->taken;
}

/* A line handed out last time is removed at the start of the next call
 * (its bytes stay valid until then). */
enum proto_next proto_reader_next(struct proto_reader *r, char **line,
				  size_t *linelen)
{
	char *nl;

	if (r->taken) {
		memmove(r->buf, r->buf + r->taken, r->len - r->taken);
		r->len -= r->taken;
		r->taken = 0;
	}
	nl = memchr(r->buf, '\n', r->len);
	if (!nl)
		return r->len >= PROTO_LINE_MAX ? PROTO_TOO_LONG : PROTO_NEED_MORE;
	*nl = '\0';
	r->taken = (size_t)(nl - r->buf) + 1;
	*linelen = (size_t)(nl - r->buf);
	/* A CR before the LF (a telnet-ish client) is not part of the JSON. */
	if (*linelen && r->buf[*linelen - 1] == '\r')
		r->buf[--*linelen] = '\0';
	*line = r->buf;
	return PROTO_LINE;
}

int proto_parse_request(const char *line, size_t len, json_object **req,
			const char **cmd, char *err, size_t errlen)
{
	struct json_tokener *tok;
	json_object *obj, *c;
	enum json_tokener_error jerr;

	*req = NULL;
	*cmd = NULL;
	if (memchr(line, '\0', len)) {
		snprintf(err, errlen, "malformed request: a NUL byte in the line");
		return -1;
	}
	tok = json_tokener_new_ex(32); /* nesting depth: requests are flat */
	if (!tok) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	obj = json_tokener_parse_ex(tok, line, (int)len);
	jerr = json_tokener_get_error(tok);
	if (!obj || jerr != json_tokener_success ||
	    (size_t)json_tokener_get_parse_end(tok) != len) {
		/* Trailing bytes after a complete value: only blanks. */
		size_t end = obj && jerr == json_tokener_success ?
			     json_tokener_get_parse_end(tok) : 0;
		bool only_blanks = obj && jerr == json_tokener_success;

		for (size_t i = end; only_blanks && i < len; i++)
			if (!strchr(" \t\r", line[i]))
				only_blanks = false;
		if (!only_blanks) {
			snprintf(err, errlen, "malformed request: %s",
				 obj || jerr == json_tokener_success ?
				 "text after the JSON object" :
				 jerr == json_tokener_continue ? "incomplete JSON" :
				 json_tokener_error_desc(jerr));
			json_object_put(obj);
			json_tokener_free(tok);
			return -1;
		}
	}
	json_tokener_free(tok);
	if (!json_object_is_type(obj, json_type_object)) {
		snprintf(err, errlen, "malformed request: not a JSON object "
			 "(send {\"cmd\": \"...\"})");
		json_object_put(obj);
		return -1;
	}
	if (!json_object_object_get_ex(obj, "cmd", &c) ||
	    !json_object_is_type(c, json_type_string) ||
	    !*json_object_get_string(c)) {
		snprintf(err, errlen, "malformed request: no \"cmd\" string");
		json_object_put(obj);
		return -1;
	}
	*req = obj;
	*cmd = json_object_get_string(c);
	return 0;
}

json_object *proto_ok(void)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(1));
	return o;
}

json_object *proto_error(const char *fmt, ...)
{
	json_object *o = json_object_new_object();
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_new_string(msg));
	return o;
}

json_object *proto_greeting(const char *version, const char *name)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "vmm", json_object_new_string(version));
	json_object_object_add(o, "protocol", json_object_new_int(PROTO_VERSION));
	json_object_object_add(o, "name", json_object_new_string(name));
	return o;
}

char *proto_line(json_object *obj, size_t *len)
{
	size_t n;
	const char *s = json_object_to_json_string_length(obj,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	char *line = malloc(n + 2);

	if (!line)
		return NULL;
	memcpy(line, s, n);
	line[n] = '\n';
	line[n + 1] = '\0';
	*len = n + 1;
	return line;
}

const char *proto_get_string(json_object *obj, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

bool proto_get_bool(json_object *obj, const char *key, bool dflt)
{
	json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_boolean))
		return dflt;
	return json_object_get_boolean(v);
}
