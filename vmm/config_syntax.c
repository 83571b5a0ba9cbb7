// SPDX-License-Identifier: GPL-2.0
/*
 * The .hvm file's syntax, as xl reads it: KEY = VALUE lines; 'strings',
 * "strings", integers, [ lists ] that may span lines, # comments. xm ran
 * these files as Python; we don't, and say so when we meet Python.
 *
 * The text becomes settings (key, value, where); the command-line
 * overrides then replace or add settings. What the keys mean is config.c's.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/config_internal.h"

/* A parse error at the parser's line. */
#define fail_parse(ps, fmt, ...) \
	config_fail_at((ps)->err, (ps)->errlen, (ps)->source, (ps)->line, \
		       fmt, ##__VA_ARGS__)

/* ---- messages ---------------------------------------------------------- */

void config_where_prefix(char *buf, size_t len, const char *source, int line)
{
	if (line > 0)
		snprintf(buf, len, "%s:%d", source, line);
	else
		snprintf(buf, len, "%s", source);
}

int __attribute__((format(printf, 5, 6)))
config_fail_at(char *err, size_t errlen, const char *source, int line,
	const char *fmt, ...)
{
	char where[512], msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	config_where_prefix(where, sizeof(where), source, line);
	snprintf(err, errlen, "%s: %s", where, msg);
	return -1;
}

/* ---- values ------------------------------------------------------------ */
/* ---- values ------------------------------------------------------------ */

void config_value_free(struct value *v)
{
	free(v->str);
	for (size_t i = 0; i < v->n_items; i++)
		config_value_free(&v->items[i]);
	free(v->items);
	memset(v, 0, sizeof(*v));
}

void config_settings_free(struct settings *ss)
{
	for (size_t i = 0; i < ss->n; i++) {
		free(ss->v[i].key);
		config_value_free(&ss->v[i].val);
	}
	free(ss->v);
	memset(ss, 0, sizeof(*ss));
}

static struct setting *settings_find(struct settings *ss, const char *key)
{
	for (size_t i = 0; i < ss->n; i++)
		if (!strcmp(ss->v[i].key, key))
			return &ss->v[i];
	return NULL;
}

/* Takes ownership of KEY and VAL. */
static void settings_add(struct settings *ss, char *key, struct value *val,
			 const char *source, int line)
{
	if (ss->n == ss->cap) {
		ss->cap = ss->cap ? 2 * ss->cap : 16;
		ss->v = realloc(ss->v, ss->cap * sizeof(*ss->v));
		if (!ss->v)
			abort();
	}
	ss->v[ss->n++] = (struct setting){ .key = key, .val = *val,
					   .source = source, .line = line };
}

/* ---- lexing ------------------------------------------------------------ */

static void skip_space(struct parser *ps, bool newlines)
{
	for (;;) {
		char c = *ps->p;

		if (c == ' ' || c == '\t' || c == '\r') {
			ps->p++;
		} else if (c == '#') {
			while (*ps->p && *ps->p != '\n')
				ps->p++;
		} else if (c == '\n' && newlines) {
			ps->p++;
			ps->line++;
		} else {
			return;
		}
	}
}

static bool is_ident_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static char *read_ident(struct parser *ps)
{
	const char *start = ps->p;

	while (is_ident_char(*ps->p))
		ps->p++;
	return strndup(start, ps->p - start);
}

/* A short quote of the text at P, for "unexpected ..." messages. */
static void quote_here(const char *p, char *buf, size_t len)
{
	size_t n = strcspn(p, "\n");

	if (n > 20)
		n = 20;
	snprintf(buf, len, "%.*s", (int)n, p);
}

static int read_string(struct parser *ps, struct value *out)
{
	char quote = *ps->p++;
	size_t cap = 32, n = 0;
	char *s = malloc(cap);

	if (!s)
		abort();
	for (;;) {
		char c = *ps->p;

		if (c == '\0' || c == '\n') {
			free(s);
			return fail_parse(ps, "unterminated string (a string "
					  "ends on its line with %c)", quote);
		}
		ps->p++;
		if (c == quote)
			break;
		if (c == '\\' && *ps->p && *ps->p != '\n') {
			/* xl's escapes; any other backslash stays as it is */
			char e = *ps->p;

			if (e == quote || e == '\\')
				c = e, ps->p++;
			else if (e == 'n')
				c = '\n', ps->p++;
			else if (e == 't')
				c = '\t', ps->p++;
		}
		if (n + 2 > cap) {
			cap *= 2;
			s = realloc(s, cap);
			if (!s)
				abort();
		}
		s[n++] = c;
	}
	s[n] = '\0';
	*out = (struct value){ .type = VAL_STRING, .str = s };
	return 0;
}

static int read_int(struct parser *ps, struct value *out)
{
	const char *start = ps->p;
	const char *digits = start + (start[0] == '-');
	char *end;
	long long num;

	errno = 0;
	num = strtoll(start, &end, 0);
	/* strtoll would read "010" as octal; xl does not, neither do we */
	if (end == start || is_ident_char(*end) || *end == '.' ||
	    (digits[0] == '0' && isdigit((unsigned char)digits[1]))) {
		char buf[32];

		quote_here(start, buf, sizeof(buf));
		return fail_parse(ps, "bad number '%s' (decimal or 0x hex "
				  "integers only)", buf);
	}
	if (errno == ERANGE)
		return fail_parse(ps, "number out of range");
	ps->p = end;
	*out = (struct value){ .type = VAL_INT, .num = num };
	return 0;
}

static int read_scalar(struct parser *ps, struct value *out)
{
	char c = *ps->p;
	char buf[32];

	if (c == '\'' || c == '"')
		return read_string(ps, out);
	if (isdigit((unsigned char)c) || c == '-')
		return read_int(ps, out);
	quote_here(ps->p, buf, sizeof(buf));
	if (c == '\0' || c == '\n' || c == '#')
		return fail_parse(ps, "missing value after '='");
	if (is_ident_start(c))
		return fail_parse(ps, "expected a value ('string', integer "
				  "or [ list ]), got '%s': xm's Python "
				  "expressions are not supported", buf);
	return fail_parse(ps, "expected a value ('string', integer or "
			  "[ list ]), got '%s'", buf);
}

static int read_list(struct parser *ps, struct value *out)
{
	struct value list = { .type = VAL_LIST };
	int start_line = ps->line;

	ps->p++; /* '[' */
	for (;;) {
		struct value item;

		skip_space(ps, true);
		if (*ps->p == ']')
			break;
		if (*ps->p == '\0') {
			config_value_free(&list);
			ps->line = start_line;
			return fail_parse(ps, "list not closed with ']'");
		}
		if (*ps->p == '[') {
			config_value_free(&list);
			return fail_parse(ps, "lists inside lists are not "
					  "supported");
		}
		if (read_scalar(ps, &item)) {
			config_value_free(&list);
			return -1;
		}
		item.line = ps->line;   /* a list item's own line */
		list.items = realloc(list.items,
				     (list.n_items + 1) * sizeof(item));
		if (!list.items)
			abort();
		list.items[list.n_items++] = item;
		skip_space(ps, true);
		if (*ps->p == '\0')
			continue;   /* reported as an unclosed list above */
		if (*ps->p == ',') {
			ps->p++;
		} else if (*ps->p != ']') {
			char buf[32];

			quote_here(ps->p, buf, sizeof(buf));
			config_value_free(&list);
			return fail_parse(ps, "expected ',' or ']' in the "
					  "list, got '%s'", buf);
		}
	}
	ps->p++; /* ']' */
	list.line = start_line;
	*out = list;
	return 0;
}

static int read_value(struct parser *ps, struct value *out)
{
	int line = ps->line;

	if (*ps->p == '[')
		return read_list(ps, out);
	if (read_scalar(ps, out))
		return -1;
	out->line = line;
	return 0;
}

/* ---- statements -------------------------------------------------------- */

static bool is_python_keyword(const char *word)
{
	static const char *const words[] = {
		"import", "from", "if", "elif", "else", "def", "for",
		"while", "try", "except", "print", "class", "return", "with",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(word, words[i]))
			return true;
	return false;
}

/* After a value only a comment, ';' (xl allows it) or the line's end. */
static int expect_line_end(struct parser *ps)
{
	char buf[32];

	skip_space(ps, false);
	if (*ps->p == ';') {
		ps->p++;
		skip_space(ps, false);
	}
	if (*ps->p == '\0' || *ps->p == '\n')
		return 0;
	quote_here(ps->p, buf, sizeof(buf));
	return fail_parse(ps, "unexpected '%s' after the value (one KEY = "
			  "VALUE per line; xm's Python expressions are not "
			  "supported)", buf);
}

/* One "KEY = VALUE" at ps->p; the key and value are returned. */
static int read_statement(struct parser *ps, char **key, struct value *val)
{
	char buf[32];

	if (!is_ident_start(*ps->p)) {
		quote_here(ps->p, buf, sizeof(buf));
		return fail_parse(ps, "expected KEY = VALUE, got '%s'", buf);
	}
	*key = read_ident(ps);
	skip_space(ps, false);
	if (*ps->p != '=' || ps->p[1] == '=') {
		int r;

		if (is_python_keyword(*key))
			r = fail_parse(ps, "'%s': xm's Python syntax is not "
				       "supported, only KEY = VALUE lines "
				       "(xl syntax)", *key);
		else
			r = fail_parse(ps, "%s: expected '=' after the key",
				       *key);
		free(*key);
		return r;
	}
	ps->p++;
	skip_space(ps, false);
	if (read_value(ps, val) || expect_line_end(ps)) {
		config_value_free(val);
		free(*key);
		return -1;
	}
	return 0;
}

int config_syntax_parse(const char *text, const char *source,
		      struct settings *ss, char *err, size_t errlen)
{
	struct parser ps = { .p = text, .source = source, .line = 1,
			     .err = err, .errlen = errlen };

	for (;;) {
		struct value val = { 0 };
		struct setting *old;
		char *key = NULL;
		int line;

		skip_space(&ps, true);
		if (*ps.p == '\0')
			return 0;
		line = ps.line;
		if (read_statement(&ps, &key, &val))
			return -1;
		old = settings_find(ss, key);
		if (old) {
			config_fail_at(err, errlen, source, line, "%s: set twice "
				"(first on line %d)", key, old->line);
			free(key);
			config_value_free(&val);
			return -1;
		}
		settings_add(ss, key, &val, source, line);
	}
}

/*
 * A command-line "key=value". Like xm create, a bare word is a string
 * (name=web1), so the shell's quoting need not survive; anything that
 * starts like a value is parsed as one (memory=512, extra='a b'). An empty
 * value ("vncpasswd=") is the empty string, as xl takes key="".
 */
int config_syntax_override(const char *arg, struct settings *ss,
			  char *err, size_t errlen)
{
	static const char source[] = "command line";
	const char *eq = strchr(arg, '=');
	struct value val = { 0 };
	struct setting *old;
	char *key;

	if (!eq || eq == arg || !is_ident_start(*arg) ||
	    strspn(arg, "abcdefghijklmnopqrstuvwxyz"
		   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != (size_t)(eq - arg))
		return config_fail_at(err, errlen, source, 0, "'%s': expected "
			       "key=value", arg);
	key = strndup(arg, eq - arg);
	if (!key)
		abort();
	/* eq[1] may be the NUL, which strchr() would find in its set */
	if ((eq[1] && strchr("'\"[-", eq[1])) ||
	    isdigit((unsigned char)eq[1])) {
		/* messages read "command line: KEY: ..." */
		char where[128];
		struct parser ps = { .p = eq + 1, .source = where, .line = 0,
				     .err = err, .errlen = errlen };

		snprintf(where, sizeof(where), "%s: %s", source, key);
		if (read_value(&ps, &val) || expect_line_end(&ps)) {
			config_value_free(&val);
			free(key);
			return -1;
		}
	} else {
		val = (struct value){ .type = VAL_STRING,
				      .str = strdup(eq + 1) };
		if (!val.str)
			abort();
	}
	old = settings_find(ss, key);
	if (old) {
		/* xm create: the command line wins over the file */
		free(key);
		config_value_free(&old->val);
		old->val = val;
		old->source = source;
		old->line = 0;
		return 0;
	}
	settings_add(ss, key, &val, source, 0);
	return 0;
}

/* ---- applying settings ------------------------------------------------- */