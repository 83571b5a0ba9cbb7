// SPDX-License-Identifier: GPL-2.0
/*
 * The .hvm file's syntax, as xl reads it: KEY = VALUE lines; 'strings',
 * "strings", integers, [ lists ] that may span lines, # comments. xm ran
 * these files as Python: the little of it Xen's own examples use is
 * evaluated (below, "values and expressions"), the rest refused by line.
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
#include <regex.h>
#include <string.h>
#include <sys/utsname.h>

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

void config_where_short(char *buf, size_t size, const char *source, int line)
{
	char full[1024];
	size_t n;

	config_where_prefix(full, sizeof(full), source, line);
	n = strlen(full);
	if (n < size)
		memcpy(buf, full, n + 1);
	else
		snprintf(buf, size, "...%s", full + n - (size - 4));
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

/* ---- values and expressions -------------------------------------------- */

/*
 * xl's values are literals: 'string', "string", integer, [ list ]. xm ran
 * the file as Python, and Xen's own examples (tools/examples/xmexample.hvm)
 * use a little of it, which we evaluate and nothing more (README, "Python
 * in .hvm files"):
 *
 *   import os, re                       accepted, nothing to do
 *   NAME = EXPR                         EXPR: literals, NAME assigned on an
 *                                       earlier line, os.uname()[N] (the
 *                                       host's, as under xm), and '+' of
 *                                       two strings or two integers
 *   if COND: / elif COND: / else:       blocks by indentation, nested too
 *   COND                                EXPR == EXPR, EXPR != EXPR,
 *                                       EXPR [not] in EXPR, EXPR (true when
 *                                       not empty or 0), re.search(P, S),
 *                                       re.match(P, S) (P a POSIX extended
 *                                       regex), not, and, or, ( COND )
 *
 * Anything else (def, for, other calls and modules ...) is an error naming
 * its line. An assignment in a taken branch may replace an earlier value
 * (the idiom: arch_libdir = 'lib', then 'lib64' for 64-bit hosts); at the
 * top level a key set twice stays an error. A name that is no key but is
 * used by a later expression is a variable, not an unknown key.
 */

static int read_expr(struct parser *ps, struct value *out, bool exec);

/* Python's words we don't evaluate: "beyond the subset" errors. */
static bool is_python_keyword(const char *word)
{
	static const char *const words[] = {
		"from", "def", "for", "while", "try", "except", "finally",
		"print", "class", "return", "with", "lambda", "del", "pass",
		"global", "exec", "assert", "raise", "yield", "break",
		"continue", "nonlocal", "async", "await", "is",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(word, words[i]))
			return true;
	return false;
}

static int fail_beyond(struct parser *ps, const char *what)
{
	return fail_parse(ps, "'%s': beyond the Python subset vmm evaluates "
			  "(KEY = VALUE, import os/re, if/elif/else, "
			  "string +, os.uname()[N], re.search(); README: "
			  "Python in .hvm files)", what);
}

/* Parentheses, 'not's and if blocks nest by recursion: a bound keeps a
 * hostile file from running the stack out. */
#define MAX_NESTING 64

static int enter(struct parser *ps)
{
	if (++ps->depth <= MAX_NESTING)
		return 0;
	return fail_parse(ps, "nested more than %d deep", MAX_NESTING);
}

/* The word at ps->p is WORD (and not a longer identifier). */
static bool at_word(const struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	return !strncmp(ps->p, word, n) && !is_ident_char(ps->p[n]);
}

/* Consume the character C after blanks, or fail naming what was wanted. */
static int expect_char(struct parser *ps, char c, const char *context)
{
	char buf[32];

	skip_space(ps, false);
	if (*ps->p == c) {
		ps->p++;
		skip_space(ps, false);
		return 0;
	}
	quote_here(ps->p, buf, sizeof(buf));
	return fail_parse(ps, "expected '%c' %s, got '%s'", c, context, buf);
}

static void value_copy(struct value *dst, const struct value *src)
{
	*dst = *src;
	if (src->str) {
		dst->str = strdup(src->str);
		if (!dst->str)
			abort();
	}
	if (src->n_items) {
		dst->items = calloc(src->n_items, sizeof(*dst->items));
		if (!dst->items)
			abort();
		for (size_t i = 0; i < src->n_items; i++)
			value_copy(&dst->items[i], &src->items[i]);
	}
}

static const struct utsname *host_uname(struct parser *ps)
{
	if (ps->host && ps->host->uname)
		return ps->host->uname;
	if (!ps->uts_read) {
		if (uname(&ps->uts))
			memset(&ps->uts, 0, sizeof(ps->uts));
		ps->uts_read = true;
	}
	return &ps->uts;
}

/* os.uname()[N] after "os.uname": N 0-4 as Python's tuple (sysname,
 * nodename, release, version, machine). */
static int read_uname(struct parser *ps, struct value *out, bool exec)
{
	const struct utsname *u;
	const char *field;
	struct value index;

	if (strncmp(ps->p, "()", 2))
		return fail_beyond(ps, "os.uname");
	ps->p += 2;
	if (*ps->p != '[')
		return fail_parse(ps, "os.uname() is a tuple: take one field, "
				  "e.g. os.uname()[4] (the machine)");
	ps->p++;
	skip_space(ps, false);
	if (read_int(ps, &index))
		return -1;
	if (index.num < 0 || index.num > 4)
		return fail_parse(ps, "os.uname()[%lld]: the fields are 0 to 4 "
				  "(sysname, nodename, release, version, "
				  "machine)", index.num);
	if (expect_char(ps, ']', "after os.uname()[N"))
		return -1;
	*out = (struct value){ .type = VAL_STRING };
	if (!exec) {
		out->str = strdup("");
	} else {
		u = host_uname(ps);
		field = index.num == 0 ? u->sysname : index.num == 1 ?
			u->nodename : index.num == 2 ? u->release :
			index.num == 3 ? u->version : u->machine;
		out->str = strdup(field);
	}
	if (!out->str)
		abort();
	return 0;
}

/* A name in an expression: os.uname()[N] or a variable set earlier. */
static int read_name(struct parser *ps, struct value *out, bool exec)
{
	const char *start = ps->p;
	struct setting *var;
	char buf[64];

	while (is_ident_char(*ps->p) || (*ps->p == '.' &&
					 is_ident_start(ps->p[1])))
		ps->p++;
	snprintf(buf, sizeof(buf), "%.*s", (int)(ps->p - start), start);
	if (!strcmp(buf, "os.uname"))
		return read_uname(ps, out, exec);
	if (!strcmp(buf, "True") || !strcmp(buf, "False")) {
		/* Python's booleans are its integers 1 and 0 */
		*out = (struct value){ .type = VAL_INT, .num = buf[0] == 'T' };
		return 0;
	}
	if (strchr(buf, '.') || *ps->p == '(' || is_python_keyword(buf) ||
	    !strcmp(buf, "if") || !strcmp(buf, "else") ||
	    !strcmp(buf, "import") || !strcmp(buf, "not") ||
	    !strcmp(buf, "and") || !strcmp(buf, "or")) {
		ps->p = start;
		return fail_beyond(ps, buf);
	}
	var = ps->vars ? settings_find(ps->vars, buf) : NULL;
	if (var)   /* read, even where not evaluated: a variable, no key */
		var->used_as_variable = true;
	if (!exec) {
		*out = (struct value){ .type = VAL_STRING, .str = strdup("") };
		if (!out->str)
			abort();
		return 0;
	}
	if (!var) {
		ps->p = start;
		return fail_parse(ps, "'%s' is not assigned before this line "
				  "(a string is quoted: '%s')", buf, buf);
	}
	value_copy(out, &var->val);
	return 0;
}

static int read_list(struct parser *ps, struct value *out, bool exec);

static int read_term(struct parser *ps, struct value *out, bool exec)
{
	char c = *ps->p;
	char buf[32];

	if (c == '\'' || c == '"')
		return read_string(ps, out);
	if (isdigit((unsigned char)c) || c == '-')
		return read_int(ps, out);
	if (c == '[')
		return read_list(ps, out, exec);
	if (c == '(') {
		ps->p++;
		skip_space(ps, false);
		if (enter(ps) || read_expr(ps, out, exec))
			return -1;
		ps->depth--;
		if (*ps->p != ')') {
			config_value_free(out);
			return expect_char(ps, ')', "to close '('");
		}
		ps->p++;
		return 0;
	}
	if (is_ident_start(c))
		return read_name(ps, out, exec);
	quote_here(ps->p, buf, sizeof(buf));
	if (c == '\0' || c == '\n' || c == '#')
		return fail_parse(ps, "missing value after '='");
	return fail_parse(ps, "expected a value ('string', integer or "
			  "[ list ]), got '%s'", buf);
}

static const char *type_word(enum value_type t)
{
	return t == VAL_STRING ? "a string" : t == VAL_INT ? "an integer"
							   : "a list";
}

/* LEFT = LEFT + RIGHT; RIGHT is consumed. */
static int add_values(struct parser *ps, struct value *left,
		      struct value *right)
{
	if (left->type == VAL_STRING && right->type == VAL_STRING) {
		char *s;

		if (asprintf(&s, "%s%s", left->str, right->str) < 0)
			abort();
		free(left->str);
		left->str = s;
	} else if (left->type == VAL_INT && right->type == VAL_INT) {
		if (__builtin_add_overflow(left->num, right->num, &left->num))
			return fail_parse(ps, "number out of range");
	} else {
		return fail_parse(ps, "'+' joins two strings or two integers, "
				  "not %s and %s", type_word(left->type),
				  type_word(right->type));
	}
	config_value_free(right);
	return 0;
}

/* TERM [ + TERM ]... */
static int read_expr(struct parser *ps, struct value *out, bool exec)
{
	int line = ps->line;

	if (read_term(ps, out, exec))
		return -1;
	for (;;) {
		const char *save = ps->p;
		struct value right = { 0 };

		skip_space(ps, false);
		if (*ps->p != '+' || ps->p[1] == '=') {
			ps->p = save;
			break;
		}
		ps->p++;
		skip_space(ps, false);
		if (read_term(ps, &right, exec)) {
			config_value_free(out);
			return -1;
		}
		if (exec && add_values(ps, out, &right)) {
			config_value_free(&right);
			config_value_free(out);
			return -1;
		}
		config_value_free(&right);
	}
	if (out->type != VAL_LIST)
		out->line = line;
	return 0;
}

static int read_list(struct parser *ps, struct value *out, bool exec)
{
	struct value list = { .type = VAL_LIST };
	int start_line = ps->line;

	ps->p++; /* '[' */
	for (;;) {
		struct value item = { 0 };
		int item_line;

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
		item_line = ps->line;
		if (read_expr(ps, &item, exec)) {
			config_value_free(&list);
			return -1;
		}
		if (item.type == VAL_LIST) {
			config_value_free(&item);
			config_value_free(&list);
			return fail_parse(ps, "lists inside lists are not "
					  "supported");
		}
		item.line = item_line;   /* a list item's own line */
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

/* ---- conditions (the Python subset) ------------------------------------ */

static int read_or(struct parser *ps, bool *truth, bool exec);

static bool value_true(const struct value *v)
{
	return v->type == VAL_STRING ? v->str[0] != '\0' :
	       v->type == VAL_INT ? v->num != 0 : v->n_items != 0;
}

static bool values_equal(const struct value *a, const struct value *b)
{
	if (a->type != b->type)
		return false;   /* Python: 1 == '1' is False */
	if (a->type == VAL_STRING)
		return !strcmp(a->str, b->str);
	if (a->type == VAL_INT)
		return a->num == b->num;
	if (a->n_items != b->n_items)
		return false;
	for (size_t i = 0; i < a->n_items; i++)
		if (!values_equal(&a->items[i], &b->items[i]))
			return false;
	return true;
}

/* NEEDLE in HAY: a substring of a string, an item of a list. */
static int value_in(struct parser *ps, const struct value *needle,
		    const struct value *hay, bool *out)
{
	if (hay->type == VAL_STRING && needle->type == VAL_STRING) {
		*out = strstr(hay->str, needle->str) != NULL;
		return 0;
	}
	if (hay->type == VAL_LIST) {
		*out = false;
		for (size_t i = 0; i < hay->n_items; i++)
			if (values_equal(needle, &hay->items[i]))
				*out = true;
		return 0;
	}
	return fail_parse(ps, "'in' looks in a string or a list, not in %s",
			  type_word(hay->type));
}

/* re.search(PATTERN, STRING) / re.match(): POSIX extended regexes, which
 * agree with Python's for the simple patterns config files use. */
static int read_regex_call(struct parser *ps, bool anchored, bool *truth,
			   bool exec)
{
	const char *name = anchored ? "re.match" : "re.search";
	struct value pat = { 0 }, str = { 0 };
	regmatch_t m;
	regex_t re;
	int r = -1;

	skip_space(ps, false);
	if (expect_char(ps, '(', name))
		return -1;
	if (read_expr(ps, &pat, exec) || expect_char(ps, ',', "between "
						      "re.search's pattern "
						      "and string") ||
	    read_expr(ps, &str, exec) || expect_char(ps, ')', "to close "
						      "re.search("))
		goto out;
	*truth = false;
	if (!exec) {
		r = 0;
		goto out;
	}
	if (pat.type != VAL_STRING || str.type != VAL_STRING) {
		fail_parse(ps, "%s(): the pattern and the string must be "
			   "strings", name);
		goto out;
	}
	if (regcomp(&re, pat.str, REG_EXTENDED)) {
		fail_parse(ps, "%s(): '%s' is not a regular expression vmm "
			   "reads (POSIX extended)", name, pat.str);
		goto out;
	}
	if (!regexec(&re, str.str, 1, &m, 0))
		*truth = !anchored || m.rm_so == 0;
	regfree(&re);
	r = 0;
out:
	config_value_free(&pat);
	config_value_free(&str);
	return r;
}

/* EXPR [== EXPR | != EXPR | [not] in EXPR], re.search(), ( COND ) */
static int read_comparison(struct parser *ps, bool *truth, bool exec)
{
	struct value left = { 0 }, right = { 0 };
	enum { TRUTH, EQ, NE, IN, NOT_IN } op = TRUTH;
	int r = -1;

	if (at_word(ps, "re.search") || at_word(ps, "re.match")) {
		bool anchored = at_word(ps, "re.match");

		ps->p += anchored ? 8 : 9;
		return read_regex_call(ps, anchored, truth, exec);
	}
	if (*ps->p == '(') {
		ps->p++;
		skip_space(ps, false);
		if (enter(ps) || read_or(ps, truth, exec))
			return -1;
		ps->depth--;
		return expect_char(ps, ')', "to close '('");
	}
	if (read_expr(ps, &left, exec))
		return -1;
	skip_space(ps, false);
	if (!strncmp(ps->p, "==", 2)) {
		op = EQ, ps->p += 2;
	} else if (!strncmp(ps->p, "!=", 2)) {
		op = NE, ps->p += 2;
	} else if (at_word(ps, "in")) {
		op = IN, ps->p += 2;
	} else if (at_word(ps, "not")) {
		const char *save = ps->p;

		ps->p += 3;
		skip_space(ps, false);
		if (!at_word(ps, "in")) {
			ps->p = save;
			fail_beyond(ps, "not");
			goto out;
		}
		op = NOT_IN, ps->p += 2;
	}
	if (op != TRUTH) {
		skip_space(ps, false);
		if (read_expr(ps, &right, exec))
			goto out;
	}
	*truth = false;
	if (exec) {
		switch (op) {
		case TRUTH:
			*truth = value_true(&left);
			break;
		case EQ:
		case NE:
			*truth = values_equal(&left, &right) == (op == EQ);
			break;
		case IN:
		case NOT_IN:
			if (value_in(ps, &left, &right, truth))
				goto out;
			if (op == NOT_IN)
				*truth = !*truth;
			break;
		}
	}
	r = 0;
out:
	config_value_free(&left);
	config_value_free(&right);
	return r;
}

static int read_not(struct parser *ps, bool *truth, bool exec)
{
	skip_space(ps, false);
	if (at_word(ps, "not")) {
		ps->p += 3;
		if (enter(ps) || read_not(ps, truth, exec))
			return -1;
		ps->depth--;
		*truth = !*truth;
		return 0;
	}
	return read_comparison(ps, truth, exec);
}

/* and binds tighter than or; the right side is evaluated only when it
 * decides, as in Python */
static int read_and(struct parser *ps, bool *truth, bool exec)
{
	if (read_not(ps, truth, exec))
		return -1;
	for (;;) {
		bool right;

		skip_space(ps, false);
		if (!at_word(ps, "and"))
			return 0;
		ps->p += 3;
		if (read_not(ps, &right, exec && *truth))
			return -1;
		*truth = *truth && right;
	}
}

static int read_or(struct parser *ps, bool *truth, bool exec)
{
	if (read_and(ps, truth, exec))
		return -1;
	for (;;) {
		bool right;

		skip_space(ps, false);
		if (!at_word(ps, "or"))
			return 0;
		ps->p += 2;
		if (read_and(ps, &right, exec && !*truth))
			return -1;
		*truth = *truth || right;
	}
}

/* ---- statements -------------------------------------------------------- */

/* After a value only a comment, ';' (xl allows it) or the line's end. */
static int expect_line_end(struct parser *ps)
{
	char buf[32];

	skip_space(ps, false);
	if (*ps->p == ';') {
		ps->p++;
		skip_space(ps, false);
		/* xl (and Python): "a = 1; b = 2" is two statements */
		if (*ps->p && *ps->p != '\n') {
			ps->more_on_line = true;
			return 0;
		}
	}
	if (*ps->p == '\0' || *ps->p == '\n')
		return 0;
	quote_here(ps->p, buf, sizeof(buf));
	return fail_parse(ps, "unexpected '%s' after the value (one KEY = "
			  "VALUE per line, or statements separated by ';')",
			  buf);
}

/* The end of the line, and no second statement on it. */
static int expect_only_statement(struct parser *ps, const char *what)
{
	if (expect_line_end(ps))
		return -1;
	if (!ps->more_on_line)
		return 0;
	return fail_parse(ps, "nothing may follow %s on its line", what);
}

/* Python's indentation of the line at P: a tab goes to the next multiple
 * of 8. *P moves past it. */
static int indentation(const char **p)
{
	int n = 0;

	for (;; (*p)++) {
		if (**p == ' ')
			n++;
		else if (**p == '\t')
			n = (n / 8 + 1) * 8;
		else if (**p != '\r')
			return n;
	}
}

/* Past blank and comment lines to the next statement: its indentation, or
 * -1 at the end of the text. */
static int next_statement(struct parser *ps)
{
	for (;;) {
		int indent = indentation(&ps->p);

		if (*ps->p == '#')
			while (*ps->p && *ps->p != '\n')
				ps->p++;
		if (*ps->p == '\n') {
			ps->p++;
			ps->line++;
			continue;
		}
		return *ps->p ? indent : -1;
	}
}

static int read_block(struct parser *ps, int parent_indent, bool exec,
		      bool in_branch, int *statements);

/* import os, re: the two modules whose calls the subset knows. */
static int read_import(struct parser *ps)
{
	for (;;) {
		const char *start;
		size_t n;

		skip_space(ps, false);
		start = ps->p;
		while (is_ident_char(*ps->p) || *ps->p == '.')
			ps->p++;
		n = (size_t)(ps->p - start);
		if (!n)
			return expect_line_end(ps);
		if (n != 2 || (strncmp(start, "os", 2) &&
			       strncmp(start, "re", 2))) {
			char what[80];

			snprintf(what, sizeof(what), "import %.*s", (int)n,
				 start);
			ps->p = start;
			return fail_beyond(ps, what);
		}
		skip_space(ps, false);
		if (*ps->p != ',')
			return expect_line_end(ps);
		ps->p++;
	}
}

/* COND ':' end of line, then its indented block. */
static int read_branch(struct parser *ps, const char *word, int indent,
		       bool exec, bool has_cond, bool *truth)
{
	int line = ps->line, statements = 0;
	bool t = true;

	if (has_cond && read_or(ps, &t, exec))
		return -1;
	skip_space(ps, false);
	if (*ps->p != ':') {
		char buf[32];

		quote_here(ps->p, buf, sizeof(buf));
		return fail_parse(ps, "expected ':' after '%s%s', got '%s' "
				  "(conditions compare with ==, !=, in)",
				  word, has_cond ? " CONDITION" : "", buf);
	}
	ps->p++;
	if (expect_only_statement(ps, "the ':' of a block"))
		return -1;
	if (enter(ps) || read_block(ps, indent, exec && t, true, &statements))
		return -1;
	ps->depth--;
	if (!statements) {
		ps->line = line;
		return fail_parse(ps, "'%s': expected an indented block on the "
				  "lines after it", word);
	}
	*truth = exec && t;
	return 0;
}

/* if COND: ... [elif COND: ...]... [else: ...] */
static int read_if(struct parser *ps, int indent, bool exec)
{
	bool taken = false, t;

	if (read_branch(ps, "if", indent, exec, true, &t))
		return -1;
	taken = t;
	for (;;) {
		const char *save = ps->p;
		int save_line = ps->line;
		int next = next_statement(ps);
		bool is_elif = at_word(ps, "elif");

		if (next != indent || (!is_elif && !at_word(ps, "else"))) {
			ps->p = save;
			ps->line = save_line;
			return 0;
		}
		ps->p += 4;
		skip_space(ps, false);
		if (read_branch(ps, is_elif ? "elif" : "else", indent,
				exec && !taken, is_elif, &t))
			return -1;
		taken = taken || t;
		if (!is_elif)
			return 0;
	}
}

/* KEY = EXPR, stored when EXEC (a branch not taken is only read). */
static int read_assignment(struct parser *ps, char *key, bool exec,
			   bool in_branch, int line)
{
	struct value val = { 0 };
	struct setting *old;

	skip_space(ps, false);
	if (*ps->p != '=' || ps->p[1] == '=') {
		if (*ps->p == '.' || *ps->p == '(' || *ps->p == '[')
			fail_beyond(ps, key);
		else
			fail_parse(ps, "%s: expected '=' after the key", key);
		free(key);
		return -1;
	}
	ps->p++;
	skip_space(ps, false);
	if (read_expr(ps, &val, exec) || expect_line_end(ps)) {
		config_value_free(&val);
		free(key);
		return -1;
	}
	if (!exec) {
		config_value_free(&val);
		free(key);
		return 0;
	}
	old = settings_find(ps->vars, key);
	if (old && !in_branch) {
		config_fail_at(ps->err, ps->errlen, ps->source, line, "%s: set "
			       "twice (first on line %d)", key, old->line);
		free(key);
		config_value_free(&val);
		return -1;
	}
	if (old) {
		free(key);
		config_value_free(&old->val);
		old->val = val;
		old->line = line;
		return 0;
	}
	settings_add(ps->vars, key, &val, ps->source, line);
	return 0;
}

/* One statement at ps->p, after its indentation INDENT. */
static int read_statement(struct parser *ps, int indent, bool exec,
			  bool in_branch)
{
	int line = ps->line;
	char buf[32], *word;

	if (*ps->p == ';') {   /* xl's empty statement */
		ps->p++;
		return expect_line_end(ps);
	}
	if (!is_ident_start(*ps->p)) {
		quote_here(ps->p, buf, sizeof(buf));
		return fail_parse(ps, "expected KEY = VALUE, got '%s'", buf);
	}
	word = read_ident(ps);
	if (!word)
		abort();
	if (!strcmp(word, "import")) {
		free(word);
		return read_import(ps);
	}
	if (!strcmp(word, "if")) {
		free(word);
		return read_if(ps, indent, exec);
	}
	if (!strcmp(word, "elif") || !strcmp(word, "else")) {
		fail_parse(ps, "'%s' without an 'if' at the same indentation "
			   "before it", word);
		free(word);
		return -1;
	}
	if (is_python_keyword(word)) {
		ps->p -= strlen(word);
		fail_beyond(ps, word);
		free(word);
		return -1;
	}
	return read_assignment(ps, word, exec, in_branch, line);
}

/*
 * Statements up to the end of the block: the lines indented deeper than
 * PARENT_INDENT (-1: the whole file, where xl lets any line be indented).
 * A block's lines share one indentation, as in Python.
 */
static int read_block(struct parser *ps, int parent_indent, bool exec,
		      bool in_branch, int *statements)
{
	int block_indent = -1;

	for (;;) {
		const char *start = ps->p;
		int start_line = ps->line;
		int indent = next_statement(ps);

		if (indent < 0)
			return 0;
		if (parent_indent >= 0) {
			if (indent <= parent_indent) {
				/* the block ended: that line is the caller's */
				ps->p = start;
				ps->line = start_line;
				return 0;
			}
			if (block_indent < 0)
				block_indent = indent;
			else if (indent != block_indent)
				return fail_parse(ps, "this line's indentation "
						  "matches no block around "
						  "it");
		}
		if (read_statement(ps, indent, exec, in_branch))
			return -1;
		(*statements)++;
		/* "a = 1; b = 2": the next statement, same line and block */
		while (ps->more_on_line) {
			ps->more_on_line = false;
			if (read_statement(ps, indent, exec, in_branch))
				return -1;
			(*statements)++;
		}
	}
}

int config_syntax_parse(const char *text, const char *source,
			const struct config_host *host, struct settings *ss,
			char *err, size_t errlen)
{
	struct parser ps = { .p = text, .source = source, .line = 1,
			     .err = err, .errlen = errlen, .vars = ss,
			     .host = host };
	int statements = 0;

	return read_block(&ps, -1, true, false, &statements);
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
		if (read_expr(&ps, &val, true) ||
		    expect_only_statement(&ps, "an override's value")) {
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