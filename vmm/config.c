// SPDX-License-Identifier: GPL-2.0
/*
 * The .hvm config parser: xl's syntax (KEY = VALUE lines; 'strings',
 * "strings", integers, [ lists ] that may span lines, # comments) with Xen's
 * key names (../shared/xen-config.md). xm ran these files as Python; we
 * don't, and say so when we meet Python.
 *
 * Three steps: the text is split into settings (key, value, where), the
 * command-line overrides replace or add settings, then each setting is
 * applied to struct vm_config by its key's handler and the result is
 * checked as a whole (required keys, files, host memory).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/config_parse.h"

#define HVMLOADER "/usr/lib/xen/boot/hvmloader"
#define DEFAULT_MEMORY_MIB 128   /* Xen's default */

enum value_type { VAL_STRING, VAL_INT, VAL_LIST };

struct value {
	enum value_type type;
	char *str;                /* VAL_STRING */
	long long num;            /* VAL_INT */
	struct value *items;      /* VAL_LIST: strings and integers only */
	size_t n_items;
	int line;                 /* where it starts; 0: the command line */
};

/* One KEY = VALUE, and where it was written (line 0: the command line). */
struct setting {
	char *key;
	struct value val;
	const char *source;
	int line;
};

struct settings {
	struct setting *v;
	size_t n, cap;
};

struct parser {
	const char *p;
	const char *source;
	int line;
	char *err;
	size_t errlen;
};

/* ---- messages ---------------------------------------------------------- */

static void where_prefix(char *buf, size_t len, const char *source, int line)
{
	if (line > 0)
		snprintf(buf, len, "%s:%d", source, line);
	else
		snprintf(buf, len, "%s", source);
}

static int __attribute__((format(printf, 5, 6)))
fail_at(char *err, size_t errlen, const char *source, int line,
	const char *fmt, ...)
{
	char where[512], msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	where_prefix(where, sizeof(where), source, line);
	snprintf(err, errlen, "%s: %s", where, msg);
	return -1;
}

/* The usual error: "FILE:LINE: KEY: message". */
#define fail_setting(ctx, s, fmt, ...) \
	fail_at((ctx)->err, (ctx)->errlen, (s)->source, (s)->line, \
		"%s: " fmt, (s)->key, ##__VA_ARGS__)

#define fail_parse(ps, fmt, ...) \
	fail_at((ps)->err, (ps)->errlen, (ps)->source, (ps)->line, \
		fmt, ##__VA_ARGS__)

/* ---- values ------------------------------------------------------------ */

static void value_free(struct value *v)
{
	free(v->str);
	for (size_t i = 0; i < v->n_items; i++)
		value_free(&v->items[i]);
	free(v->items);
	memset(v, 0, sizeof(*v));
}

static void settings_free(struct settings *ss)
{
	for (size_t i = 0; i < ss->n; i++) {
		free(ss->v[i].key);
		value_free(&ss->v[i].val);
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

/* Skip blanks and comments; inside a list newlines are blanks too. */
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
			value_free(&list);
			ps->line = start_line;
			return fail_parse(ps, "list not closed with ']'");
		}
		if (*ps->p == '[') {
			value_free(&list);
			return fail_parse(ps, "lists inside lists are not "
					  "supported");
		}
		if (read_scalar(ps, &item)) {
			value_free(&list);
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
			value_free(&list);
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
		value_free(val);
		free(*key);
		return -1;
	}
	return 0;
}

static int parse_text(const char *text, const char *source,
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
			fail_at(err, errlen, source, line, "%s: set twice "
				"(first on line %d)", key, old->line);
			free(key);
			value_free(&val);
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
static int parse_override(const char *arg, struct settings *ss,
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
		return fail_at(err, errlen, source, 0, "'%s': expected "
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
			value_free(&val);
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
		value_free(&old->val);
		old->val = val;
		old->source = source;
		old->line = 0;
		return 0;
	}
	settings_add(ss, key, &val, source, 0);
	return 0;
}

/* ---- applying settings ------------------------------------------------- */

struct apply {
	struct vm_config *cfg;
	const struct config_host *host;
	FILE *notices;
	char *err;
	size_t errlen;
	/* where some keys were set, for the checks that follow */
	const struct setting *memory_at, *kernel_at, *ramdisk_at, *bios_at;
	const struct setting *extra_at, *root_at, *maxmem_at;
	char *root;
};

static const char *type_name(enum value_type t)
{
	return t == VAL_STRING ? "a string" : t == VAL_INT ? "an integer"
							   : "a list";
}

/* "got 'lots'", "got 512", "got a list": what the user wrote. */
static void describe_value(const struct value *v, char *buf, size_t len)
{
	if (v->type == VAL_STRING)
		snprintf(buf, len, "'%s'", v->str);
	else if (v->type == VAL_INT)
		snprintf(buf, len, "%lld", v->num);
	else
		snprintf(buf, len, "a list");
}

static int want_type(struct apply *a, const struct setting *s,
		     enum value_type t, const char *what)
{
	char got[256];

	if (s->val.type == t)
		return 0;
	describe_value(&s->val, got, sizeof(got));
	return fail_setting(a, s, "expected %s%s, got %s", type_name(t),
			    what, got);
}

static int get_string(struct apply *a, const struct setting *s,
		      const char **out)
{
	if (want_type(a, s, VAL_STRING, ""))
		return -1;
	*out = s->val.str;
	return 0;
}

static int get_int(struct apply *a, const struct setting *s, const char *what,
		   long long min, long long max, long long *out)
{
	if (want_type(a, s, VAL_INT, what))
		return -1;
	if (s->val.num < min || s->val.num > max)
		return fail_setting(a, s, "%lld is out of range (%lld to "
				    "%lld)", s->val.num, min, max);
	*out = s->val.num;
	return 0;
}

static int get_bool(struct apply *a, const struct setting *s, bool *out)
{
	if (want_type(a, s, VAL_INT, " (0 or 1)"))
		return -1;
	if (s->val.num != 0 && s->val.num != 1)
		return fail_setting(a, s, "expected 0 or 1, got %lld",
				    s->val.num);
	*out = s->val.num;
	return 0;
}

static void set_string(char **field, const char *value)
{
	free(*field);
	*field = strdup(value);
	if (!*field)
		abort();
}

static int key_name(struct apply *a, const struct setting *s)
{
	const char *name;

	if (get_string(a, s, &name))
		return -1;
	/* the name becomes a control socket's file name */
	if (!*name || strchr(name, '/') || name[0] == '.')
		return fail_setting(a, s, "'%s' is not a usable guest name "
				    "(not empty, no '/', not starting "
				    "with '.')", name);
	set_string(&a->cfg->name, name);
	return 0;
}

static int key_builder(struct apply *a, const struct setting *s)
{
	const char *b;

	if (get_string(a, s, &b))
		return -1;
	if (strcmp(b, "hvm"))
		return fail_setting(a, s, "only 'hvm' guests are supported, "
				    "got '%s'", b);
	return 0;
}

static int key_memory(struct apply *a, const struct setting *s)
{
	long long mib = 0;

	if (get_int(a, s, " (MiB)", 1, 1LL << 30, &mib))
		return -1;
	a->cfg->memory_mib = mib;
	a->memory_at = s;
	return 0;
}

static int key_vcpus(struct apply *a, const struct setting *s)
{
	long long n = 0;

	if (get_int(a, s, "", 1, 1024, &n))
		return -1;
	if (n > 1)
		return fail_setting(a, s, "SMP not supported yet (%lld "
				    "vCPUs asked); use vcpus = 1", n);
	a->cfg->vcpus = n;
	return 0;
}

static int key_kernel(struct apply *a, const struct setting *s)
{
	const char *path;

	if (get_string(a, s, &path))
		return -1;
	if (!strcmp(path, HVMLOADER)) {
		/* Xen's firmware loader: for us that is SeaBIOS */
		fprintf(a->notices, "%s:%d: kernel: ignoring Xen's "
			"hvmloader; the guest boots SeaBIOS\n", s->source,
			s->line);
		return 0;
	}
	set_string(&a->cfg->kernel, path);
	a->kernel_at = s;
	return 0;
}

static int key_ramdisk(struct apply *a, const struct setting *s)
{
	const char *path;

	if (get_string(a, s, &path))
		return -1;
	set_string(&a->cfg->ramdisk, path);
	a->ramdisk_at = s;
	return 0;
}

static int key_extra(struct apply *a, const struct setting *s)
{
	const char *text;

	if (get_string(a, s, &text))
		return -1;
	if (a->extra_at)
		return fail_setting(a, s, "the kernel command line is "
				    "already set by '%s' (extra and cmdline "
				    "are the same key)", a->extra_at->key);
	set_string(&a->cfg->extra, text);
	a->extra_at = s;
	return 0;
}

static int key_root(struct apply *a, const struct setting *s)
{
	const char *dev;

	if (get_string(a, s, &dev))
		return -1;
	set_string(&a->root, dev);
	a->root_at = s;
	return 0;
}

static int key_boot(struct apply *a, const struct setting *s)
{
	const char *order;

	if (get_string(a, s, &order))
		return -1;
	if (!*order || strlen(order) >= sizeof(a->cfg->boot) ||
	    strspn(order, "acdn") != strlen(order))
		return fail_setting(a, s, "expected up to %zu letters of "
				    "'acdn' (floppy, disk, CD, network), got "
				    "'%s'", sizeof(a->cfg->boot) - 1, order);
	for (const char *c = order; *c; c++)
		if (strchr(c + 1, *c))
			return fail_setting(a, s, "'%c' given twice in '%s' "
					    "(each device once, in the order "
					    "to try)", *c, order);
	snprintf(a->cfg->boot, sizeof(a->cfg->boot), "%s", order);
	return 0;
}

static int key_serial(struct apply *a, const struct setting *s)
{
	static const struct { const char *name; enum serial_backend b; }
	plain[] = {
		{ "stdio", SERIAL_STDIO }, { "pty", SERIAL_PTY },
		{ "null", SERIAL_NULL }, { "none", SERIAL_NONE },
	};
	const struct value *v = &s->val;
	const char *spec;

	/* xl also takes a list of ports; one is what we have */
	if (v->type == VAL_LIST && v->n_items == 1)
		v = &v->items[0];
	else if (v->type == VAL_LIST)
		return fail_setting(a, s, "more than one serial port is not "
				    "supported yet");
	if (v->type != VAL_STRING)
		return want_type(a, s, VAL_STRING, "");
	spec = v->str;
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		if (!strcmp(spec, plain[i].name)) {
			a->cfg->serial = plain[i].b;
			return 0;
		}
	}
	if (!strncmp(spec, "file:", 5) && spec[5]) {
		a->cfg->serial = SERIAL_FILE;
		set_string(&a->cfg->serial_path, spec + 5);
		return 0;
	}
	if (!strncmp(spec, "unix:", 5) && spec[5]) {
		a->cfg->serial = SERIAL_UNIX;
		set_string(&a->cfg->serial_path, spec + 5);
		return 0;
	}
	return fail_setting(a, s, "expected 'stdio', 'pty', 'null', 'none', "
			    "'file:PATH' or 'unix:PATH', got '%s'", spec);
}

static int get_action(struct apply *a, const struct setting *s,
		      enum vm_action *out)
{
	static const char *const xen_only[] = {
		"preserve", "rename-restart", "coredump-destroy",
		"coredump-restart",
	};
	const char *act;

	if (get_string(a, s, &act))
		return -1;
	if (!strcmp(act, "destroy")) {
		*out = VM_ACTION_DESTROY;
		return 0;
	}
	if (!strcmp(act, "restart")) {
		*out = VM_ACTION_RESTART;
		return 0;
	}
	for (size_t i = 0; i < sizeof(xen_only) / sizeof(xen_only[0]); i++)
		if (!strcmp(act, xen_only[i]))
			return fail_setting(a, s, "'%s' not supported yet "
					    "(use 'destroy' or 'restart')",
					    act);
	return fail_setting(a, s, "expected 'destroy' or 'restart', got "
			    "'%s'", act);
}

static int key_on_poweroff(struct apply *a, const struct setting *s)
{
	return get_action(a, s, &a->cfg->on_poweroff);
}

static int key_on_reboot(struct apply *a, const struct setting *s)
{
	return get_action(a, s, &a->cfg->on_reboot);
}

static int key_on_crash(struct apply *a, const struct setting *s)
{
	return get_action(a, s, &a->cfg->on_crash);
}

static int key_acpi(struct apply *a, const struct setting *s)
{
	return get_bool(a, s, &a->cfg->acpi);
}

static int key_apic(struct apply *a, const struct setting *s)
{
	return get_bool(a, s, &a->cfg->apic);
}

static int key_pae(struct apply *a, const struct setting *s)
{
	return get_bool(a, s, &a->cfg->pae);
}

static int key_localtime(struct apply *a, const struct setting *s)
{
	return get_bool(a, s, &a->cfg->localtime);
}

static int key_nographic(struct apply *a, const struct setting *s)
{
	return get_bool(a, s, &a->cfg->nographic);
}

static int key_accel(struct apply *a, const struct setting *s)
{
	const char *name;

	if (get_string(a, s, &name))
		return -1;
	if (!strcmp(name, "vmm"))
		a->cfg->accel = ACCEL_VMM;
	else if (!strcmp(name, "kvm"))
		a->cfg->accel = ACCEL_KVM;
	else
		return fail_setting(a, s, "expected 'vmm' or 'kvm', got "
				    "'%s'", name);
	return 0;
}

static int key_bios(struct apply *a, const struct setting *s)
{
	const char *path;

	if (get_string(a, s, &path))
		return -1;
	set_string(&a->cfg->bios, path);
	a->bios_at = s;
	return 0;
}

static int key_boot_fail_wait(struct apply *a, const struct setting *s)
{
	long long secs = 0;

	/* bounded so that machine.c's seconds * 1000 fits SeaBIOS's u32 */
	if (get_int(a, s, " (seconds, -1 for SeaBIOS's default)", -1,
		    VM_BOOT_FAIL_WAIT_MAX, &secs))
		return -1;
	a->cfg->boot_fail_wait = secs;
	return 0;
}

/* Xen-internal keys that mean nothing here. */
static int key_ignored(struct apply *a, const struct setting *s)
{
	fprintf(a->notices, "%s:%d: %s: ignored (a Xen-internal setting)\n",
		s->source, s->line, s->key);
	return 0;
}

/* 0, '' and [ ] say "off" in every Xen key. */
static bool value_is_off(const struct value *v)
{
	return (v->type == VAL_INT && v->num == 0) ||
	       (v->type == VAL_STRING && !v->str[0]) ||
	       (v->type == VAL_LIST && v->n_items == 0);
}

/* Xen keys we know but don't implement: off is fine, on is an error. */
static int key_not_yet(struct apply *a, const struct setting *s)
{
	if (value_is_off(&s->val))
		return 0;
	return fail_setting(a, s, "not supported yet");
}

/* Remember where a display key was set, for the consoles' messages
 * ("FILE:LINE: vncdisplay: port 5901 is in use"). */
static void note_where(char *buf, size_t len, const struct setting *s)
{
	snprintf(buf, len, "%s:%d", s->source, s->line);
}

static int key_vnc(struct apply *a, const struct setting *s)
{
	struct vm_display *d = &a->cfg->display;

	if (get_bool(a, s, &d->vnc))
		return -1;
	if (!d->where_vnc[0])
		note_where(d->where_vnc, sizeof(d->where_vnc), s);
	return 0;
}

static int key_sdl(struct apply *a, const struct setting *s)
{
	struct vm_display *d = &a->cfg->display;

	note_where(d->where_sdl, sizeof(d->where_sdl), s);
	return get_bool(a, s, &d->sdl);
}

/* vnclisten = "ADDR" or xl's "ADDR:DISPLAY". */
static int key_vnclisten(struct apply *a, const struct setting *s)
{
	struct vm_display *d = &a->cfg->display;
	const char *v, *colon;
	char *addr;

	if (get_string(a, s, &v))
		return -1;
	if (!*v)
		return fail_setting(a, s, "expected an address, got ''");
	addr = strdup(v);
	if (!addr)
		abort();
	colon = strchr(v, ':');
	/* one colon: ADDR:DISPLAY (an IPv6 address has several) */
	if (colon && !strchr(colon + 1, ':')) {
		char *end;
		long n;

		errno = 0;
		n = strtol(colon + 1, &end, 10);
		if (colon == v || !colon[1] || *end || errno || n < 0 ||
		    n > 65535 - VM_VNC_BASE_PORT) {
			free(addr);
			return fail_setting(a, s, "'%s' is not ADDRESS or "
					    "ADDRESS:DISPLAY", v);
		}
		addr[colon - v] = 0;
		d->vncdisplay = (int)n;
	}
	free(d->vnclisten);
	d->vnclisten = addr;
	note_where(d->where_vnc, sizeof(d->where_vnc), s);
	return 0;
}

static int key_vncdisplay(struct apply *a, const struct setting *s)
{
	long long n = 0;

	if (get_int(a, s, " (port 5900 + N)", 0, 65535 - VM_VNC_BASE_PORT, &n))
		return -1;
	a->cfg->display.vncdisplay = (int)n;
	note_where(a->cfg->display.where_vnc,
		   sizeof(a->cfg->display.where_vnc), s);
	return 0;
}

static int key_vncunused(struct apply *a, const struct setting *s)
{
	return get_bool(a, s, &a->cfg->display.vncunused);
}

static int key_vncpasswd(struct apply *a, const struct setting *s)
{
	const char *pw;

	if (get_string(a, s, &pw))
		return -1;
	free(a->cfg->display.vncpasswd);
	a->cfg->display.vncpasswd = NULL;
	if (*pw)
		set_string(&a->cfg->display.vncpasswd, pw);
	return 0;
}

static int key_fullscreen(struct apply *a, const struct setting *s)
{
	return get_bool(a, s, &a->cfg->display.fullscreen);
}

/* A layout name as Xen's keymap files are named ("en-us", "de", "fr-ch"):
 * whether the layout exists is the VNC console's to say, at start. */
static int key_keymap(struct apply *a, const struct setting *s)
{
	const char *v;

	if (get_string(a, s, &v))
		return -1;
	for (const char *p = v; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_'))
			return fail_setting(a, s, "'%s' is not a keymap name "
					    "(e.g. 'en-us', 'de', 'fr')", v);
	if (!*v)
		return fail_setting(a, s, "expected a keymap name, got ''");
	set_string(&a->cfg->display.keymap, v);
	return 0;
}

/* vncconsole (start a viewer) and opengl: nothing to do for us. */
static int key_display_ignored(struct apply *a, const struct setting *s)
{
	bool on;

	if (get_bool(a, s, &on))
		return -1;
	if (on)
		fprintf(a->notices, "%s:%d: %s: ignored (connect a viewer "
			"yourself; the port is printed at start)\n",
			s->source, s->line, s->key);
	return 0;
}

/* stdvga = 1: the standard VGA (also the default). stdvga = 0 asks Xen for
 * a Cirrus; there is none here, the standard VGA serves instead. */
static int key_stdvga(struct apply *a, const struct setting *s)
{
	bool on;

	if (get_bool(a, s, &on))
		return -1;
	if (!on)
		fprintf(a->notices, "%s:%d: stdvga = 0: there is no Cirrus "
			"VGA here; the guest gets the standard VGA\n",
			s->source, s->line);
	return 0;
}

/* vga = 'stdvga' | 'none' (xl). 'cirrus' gets the standard VGA, noted. */
static int key_vga(struct apply *a, const struct setting *s)
{
	const char *v;

	if (get_string(a, s, &v))
		return -1;
	if (!strcmp(v, "stdvga") || !strcmp(v, "std")) {
		a->cfg->display.vga = VM_VGA_STD;
	} else if (!strcmp(v, "cirrus")) {
		fprintf(a->notices, "%s:%d: vga = 'cirrus': there is no Cirrus "
			"VGA here; the guest gets the standard VGA\n",
			s->source, s->line);
		a->cfg->display.vga = VM_VGA_STD;
	} else if (!strcmp(v, "none")) {
		a->cfg->display.vga = VM_VGA_NONE;
	} else {
		return fail_setting(a, s, "expected 'stdvga' or 'none', got "
				    "'%s'", v);
	}
	return 0;
}

/* videoram in MiB; the VRAM BAR is a power of two, as on QEMU's stdvga. */
static int key_videoram(struct apply *a, const struct setting *s)
{
	long long mib = 0;

	if (value_is_off(&s->val)) { /* 0: the default, as in xl */
		a->cfg->display.videoram_mib = VM_VIDEORAM_DEFAULT_MIB;
		return 0;
	}
	if (get_int(a, s, " (MiB)", VM_VIDEORAM_MIN_MIB, VM_VIDEORAM_MAX_MIB,
		    &mib))
		return -1;
	if (mib & (mib - 1))
		return fail_setting(a, s, "%lld MiB: the VRAM size must be a "
				    "power of two (1, 2, 4 ... 256)", mib);
	a->cfg->display.videoram_mib = (unsigned)mib;
	return 0;
}

/* usbdevice = 'tablet' would need a USB controller (README). */
static int key_usbdevice(struct apply *a, const struct setting *s)
{
	if (value_is_off(&s->val))
		return 0;
	return fail_setting(a, s, "not supported yet (no USB controller: the "
			    "pointer is a relative PS/2 mouse)");
}

/* maxmem = memory asks for no ballooning: fine. Checked once memory is
 * known, since the keys may come in any order. */
static int key_maxmem(struct apply *a, const struct setting *s)
{
	long long mib = 0;

	if (value_is_off(&s->val))
		return 0;
	if (get_int(a, s, " (MiB)", 1, 1LL << 30, &mib))
		return -1;
	a->maxmem_at = s;
	return 0;
}

static int key_maxvcpus(struct apply *a, const struct setting *s)
{
	if (s->val.type == VAL_INT && s->val.num == 1)
		return 0;
	return key_not_yet(a, s);
}

/* ---- disk = [ ... ] ---------------------------------------------------- */

/*
 * Each entry is one string in xl's disk syntax (xl-disk-configuration(5)),
 * which also reads xm's "TARGET,VDEV[:cdrom],MODE":
 *
 *   - comma-separated parameters; blanks around each are ignored (xl
 *     ignores only those before);
 *   - KEY=VALUE parameters and flags: format=, vdev=, access=, devtype=,
 *     cdrom, backendtype=, specification=, and xl's advisory flags;
 *   - "target=" takes the whole rest of the entry, commas included (less
 *     one trailing comma), so it comes last;
 *   - xm's prefixes at the start of a parameter: file:, phy:, tap:, tap2:,
 *     tapdisk:, aio:, ioemu: are dropped, as xl does; raw: is the format;
 *     qcow:, qcow2:, vhd: are formats we refuse; iscsi:, nbd:, enbd:,
 *     drbd: are block scripts we refuse;
 *   - the other parameters fill, in order, target, format, vdev, access;
 *     after an xm prefix there is no format slot (target, vdev, access);
 *     an empty target followed by VDEV:cdrom is xm's empty CD drive.
 *   - Our one extension: a word that looks like a vdev (hd*, xvd*, sd*,
 *     vd*) in the format slot is the vdev, so xm's order also works
 *     without a prefix ('/images/disk.img,hda,w') where xl would reject
 *     'hda' as a format. No format name looks like a vdev, so nothing xl
 *     accepts changes meaning.
 *
 * A CD-ROM is read-only (mode w is an error) and may be empty; a hard disk
 * needs an image, read-write unless the mode says r. The image must be a
 * readable regular file or block device (writable too for mode w),
 * whatever the prefix says: xl ignores phy: and file: alike.
 */

/* One disk entry as it is read. */
struct disk_spec {
	char *target;            /* NULL until given; "": no medium */
	char *vdev;              /* without ":cdrom" */
	bool had_prefix;         /* an xm prefix: no format slot */
	bool format_set;         /* the format slot is used */
	bool format_empty;       /* format=empty: no medium */
	bool access_set;         /* the access slot is used */
	int access;              /* -1 default, 0 read-only, 1 read-write */
	bool cdrom;
};

struct disk_ctx {
	struct apply *a;
	const struct setting *s;
	const struct value *item;
	struct disk_spec spec;
};

/* "FILE:LINE: disk: 'ENTRY': message", LINE being the entry's own. */
#define fail_disk(dc, fmt, ...) \
	fail_at((dc)->a->err, (dc)->a->errlen, (dc)->s->source, \
		(dc)->item->line, "%s: '%s': " fmt, (dc)->s->key, \
		(dc)->item->str, ##__VA_ARGS__)

static const char *const ide_drive_names[VM_MAX_DISKS] = {
	"primary master", "primary slave", "secondary master",
	"secondary slave",
};

static bool all_lower(const char *s)
{
	return *s && strspn(s, "abcdefghijklmnopqrstuvwxyz") == strlen(s);
}

/* hd*, xvd*, sd*, vd*: how xm's order is told from xl's (see above) */
static bool looks_like_vdev(const char *word)
{
	static const char *const starts[] = { "hd", "xvd", "sd", "vd" };

	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		size_t n = strlen(starts[i]);

		if (!strncmp(word, starts[i], n) &&
		    islower((unsigned char)word[n]))
			return true;
	}
	return false;
}

/* hda-hdd and xvda-xvdd are the four IDE drives (Xen's HVM emulates the
 * first four xvd* as IDE too); anything else is an error. */
static int vdev_to_ide(struct disk_ctx *dc, const char *vdev, unsigned *index)
{
	const char *rest = NULL;

	if (!strncmp(vdev, "xvd", 3))
		rest = vdev + 3;
	else if (!strncmp(vdev, "hd", 2))
		rest = vdev + 2;
	if (rest && all_lower(rest)) {
		if (rest[1] || rest[0] > 'd')
			return fail_disk(dc, "%s: beyond the four IDE drives "
					 "(hda-hdd, or xvda-xvdd)", vdev);
		*index = rest[0] - 'a';
		return 0;
	}
	if (!strncmp(vdev, "sd", 2) && islower((unsigned char)vdev[2]))
		return fail_disk(dc, "%s: vmm has no emulated SCSI controller: "
				 "use hda-hdd", vdev);
	if (!strncmp(vdev, "vd", 2) && islower((unsigned char)vdev[2]))
		return fail_disk(dc, "%s: virtio-blk is not available yet: use "
				 "hda-hdd", vdev);
	return fail_disk(dc, "bad vdev '%s' (expected hda-hdd or xvda-xvdd)",
			 vdev);
}

/* Each parameter at most once; an empty one may be given again. */
static int disk_set_string(struct disk_ctx *dc, char **field,
			   const char *what, const char *value)
{
	if (*field && **field)
		return fail_disk(dc, "%s given twice ('%s' and '%s')", what,
				 *field, value);
	set_string(field, value);
	return 0;
}

static int disk_set_format(struct disk_ctx *dc, const char *format)
{
	static const char *const others[] = { "qcow", "qcow2", "vhd", "qed" };

	dc->spec.format_set = true;
	if (!*format || !strcmp(format, "raw"))
		return 0;
	if (!strcmp(format, "empty")) {
		dc->spec.format_empty = true;
		return 0;
	}
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (!strcmp(format, others[i]))
			return fail_disk(dc, "format %s: only raw images are "
					 "supported", format);
	return fail_disk(dc, "unknown format '%s' (only raw images are "
			 "supported)", format);
}

static int disk_set_access(struct disk_ctx *dc, const char *mode)
{
	dc->spec.access_set = true;
	if (!strcmp(mode, "r") || !strcmp(mode, "ro"))
		dc->spec.access = 0;
	else if (!strcmp(mode, "w") || !strcmp(mode, "rw"))
		dc->spec.access = 1;
	else if (!*mode)
		dc->spec.access = -1;
	else if (!strcmp(mode, "w!") || !strcmp(mode, "r!"))
		return fail_disk(dc, "mode '%s' (xm's forced sharing) is not "
				 "supported: use r or w", mode);
	else
		return fail_disk(dc, "bad mode '%s' (r, ro, w or rw)", mode);
	return 0;
}

/* "hdc", or xm's "hdc:cdrom" and "hdc:disk" */
static int disk_set_vdev(struct disk_ctx *dc, const char *word)
{
	const char *colon = strrchr(word, ':');
	char *vdev;
	int r;

	if (!colon)
		return disk_set_string(dc, &dc->spec.vdev, "vdev", word);
	if (!strcmp(colon + 1, "cdrom"))
		dc->spec.cdrom = true;
	else if (!strcmp(colon + 1, "disk"))
		dc->spec.cdrom = false;
	else
		return fail_disk(dc, "unknown device type ':%s' (:cdrom or "
				 ":disk)", colon + 1);
	vdev = strndup(word, colon - word);
	if (!vdev)
		abort();
	r = disk_set_string(dc, &dc->spec.vdev, "vdev", vdev);
	free(vdev);
	return r;
}

/* A parameter that is neither KEY=VALUE nor a flag. */
static int disk_positional(struct disk_ctx *dc, const char *word)
{
	struct disk_spec *sp = &dc->spec;

	if (!sp->target)
		return disk_set_string(dc, &sp->target, "target", word);
	if (!sp->had_prefix && !sp->format_set) {
		/* xm's empty CD drive ",hdc:cdrom,r"; our xm-order extension */
		if ((!*sp->target && strchr(word, ':')) ||
		    looks_like_vdev(word)) {
			sp->format_set = true;
			return disk_set_vdev(dc, word);
		}
		return disk_set_format(dc, word);
	}
	if (!sp->vdev)
		return disk_set_vdev(dc, word);
	if (!sp->access_set)
		return disk_set_access(dc, word);
	return fail_disk(dc, "too many positional parameters at '%s'", word);
}

static int disk_keyword(struct disk_ctx *dc, const char *key,
			const char *val)
{
	static const char *const colo[] = {
		"colo-host", "colo-port", "colo-export", "active-disk",
		"hidden-disk",
	};

	if (!strcmp(key, "format"))
		return disk_set_format(dc, val);
	if (!strcmp(key, "vdev"))
		return disk_set_vdev(dc, val);
	if (!strcmp(key, "access"))
		return disk_set_access(dc, val);
	if (!strcmp(key, "devtype")) {
		if (strcmp(val, "cdrom") && strcmp(val, "disk"))
			return fail_disk(dc, "unknown devtype '%s' (cdrom or "
					 "disk)", val);
		dc->spec.cdrom = !strcmp(val, "cdrom");
		return 0;
	}
	if (!strcmp(key, "backendtype")) {
		/* Xen's backend drivers: the guest sees the same disk */
		if (*val && strcmp(val, "phy") && strcmp(val, "tap") &&
		    strcmp(val, "qdisk") && strcmp(val, "standalone"))
			return fail_disk(dc, "unknown backendtype '%s' (phy, "
					 "tap or qdisk)", val);
		return 0;
	}
	if (!strcmp(key, "specification")) {
		if (!strcmp(val, "virtio"))
			return fail_disk(dc, "specification=virtio: "
					 "virtio-blk is not available yet");
		if (*val && strcmp(val, "xen"))
			return fail_disk(dc, "unknown specification '%s'",
					 val);
		return 0;
	}
	if (!strcmp(key, "grant_usage") && (!strcmp(val, "0") ||
					    !strcmp(val, "1")))
		return 0;
	if (!strcmp(key, "backend")) {
		if (*val)
			return fail_disk(dc, "backend=%s: driver domains are "
					 "a Xen feature, not supported", val);
		return 0;
	}
	if (!strcmp(key, "script"))
		return fail_disk(dc, "script=%s: block scripts are not "
				 "supported (give an image file or a block "
				 "device)", val);
	for (size_t i = 0; i < sizeof(colo) / sizeof(colo[0]); i++)
		if (!strcmp(key, colo[i]))
			return fail_disk(dc, "%s=: COLO replication is not "
					 "supported", key);
	return fail_disk(dc, "unknown parameter '%s='", key);
}

/* xl's flags: the CD-ROM one and some advisory ones. */
static int disk_flag(struct disk_ctx *dc, const char *word, bool *matched)
{
	static const char *const ignored[] = {
		"direct-io-safe", "discard", "no-discard", "trusted",
		"untrusted", "no-colo",
	};

	*matched = true;
	if (!strcmp(word, "cdrom")) {
		dc->spec.cdrom = true;
		return 0;
	}
	if (!strcmp(word, "colo"))
		return fail_disk(dc, "colo: COLO replication is not "
				 "supported");
	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		if (!strcmp(word, ignored[i]))
			return 0;
	*matched = false;
	return 0;
}

/*
 * xm's prefix at P ("file:", "tap:" ...), if any: *LEN is its length, or
 * 0 when P does not start with one. A word before ':' that is no prefix we
 * know is an error when a path seems to follow ("nfs:/x"), and otherwise
 * part of the parameter ("hdc:cdrom"), as in xl.
 */
static int disk_prefix(struct disk_ctx *dc, const char *p, size_t *len)
{
	static const char *const dropped[] = {
		"file", "phy", "tap", "tap2", "tapdisk", "aio", "ioemu",
	};
	static const char *const formats[] = { "raw", "qcow", "qcow2", "vhd" };
	static const char *const scripts[] = { "iscsi", "nbd", "enbd", "drbd" };
	size_t n = 0;
	char word[16];

	*len = 0;
	if (!islower((unsigned char)p[0]))
		return 0;
	while (islower((unsigned char)p[n]) || isdigit((unsigned char)p[n]))
		n++;
	if (p[n] != ':' || n >= sizeof(word))
		return 0;
	snprintf(word, sizeof(word), "%.*s", (int)n, p);
	for (size_t i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++) {
		if (!strcmp(word, dropped[i])) {
			dc->spec.had_prefix = true;
			*len = n + 1;
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (!strcmp(word, formats[i])) {
			dc->spec.had_prefix = true;
			*len = n + 1;
			return disk_set_format(dc, word);
		}
	}
	for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++)
		if (!strcmp(word, scripts[i]))
			return fail_disk(dc, "%s: block scripts (block-%s) are "
					 "not supported (give an image file "
					 "or a block device)", word, word);
	if (!p[n + 1] || !(islower((unsigned char)p[n + 1]) ||
			   isdigit((unsigned char)p[n + 1])))
		return fail_disk(dc, "unknown prefix '%s:' (file:, phy:, "
				 "tap:aio: or none)", word);
	return 0;
}

static bool is_param_name(const char *s, size_t n)
{
	if (!n || !islower((unsigned char)s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_')
			return false;
	return true;
}

/* One parameter (blanks trimmed). */
static int disk_param(struct disk_ctx *dc, const char *word)
{
	const char *eq = strchr(word, '=');
	bool matched;
	char *key;
	int r;

	if (!eq) {
		if (disk_flag(dc, word, &matched))
			return -1;
		return matched ? 0 : disk_positional(dc, word);
	}
	if (!is_param_name(word, eq - word))
		return fail_disk(dc, "bad disk syntax at '%s'", word);
	key = strndup(word, eq - word);
	if (!key)
		abort();
	r = disk_keyword(dc, key, eq + 1);
	free(key);
	return r;
}

/* Split the entry into parameters (see above). */
static int disk_parse(struct disk_ctx *dc, const char *p)
{
	for (;;) {
		size_t len;
		char *word;
		int r;

		p += strspn(p, " \t\n");
		if (!*p)
			return 0;
		if (!strncmp(p, "target=", 7)) {
			/* the rest, commas and blanks included */
			len = strlen(p + 7);
			word = strndup(p + 7, len - (len && p[6 + len] == ','));
			if (!word)
				abort();
			r = disk_set_string(dc, &dc->spec.target, "target",
					    word);
			free(word);
			return r;
		}
		if (disk_prefix(dc, p, &len))
			return -1;
		if (len) {
			/* "tap:aio:/x": more may follow; "phy:,hdc:cdrom,r"
			 * is an empty CD drive */
			p += len;
			continue;
		}
		len = strcspn(p, ",");
		while (len && strchr(" \t\n", p[len - 1]))
			len--;
		word = strndup(p, len);
		if (!word)
			abort();
		r = disk_param(dc, word);
		free(word);
		if (r)
			return -1;
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
}

/* "FILE:LINE" in a vm_disk's where[], the file name shortened from the
 * left if it must be: the line number is the useful end. */
static void disk_where(char *buf, size_t size, const char *source, int line)
{
	char full[1024];
	size_t n;

	where_prefix(full, sizeof(full), source, line);
	n = strlen(full);
	if (n < size)
		memcpy(buf, full, n + 1);
	else
		snprintf(buf, size, "...%s", full + n - (size - 4));
}

/* An image we can open: NULL, or why not. */
static const char *path_problem(const char *path, bool block_ok)
{
	struct stat st;

	if (stat(path, &st))
		return strerror(errno);
	if (S_ISDIR(st.st_mode))
		return "is a directory";
	if (block_ok && !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return "not a regular file or block device";
	if (!block_ok && !S_ISREG(st.st_mode))
		return "not a regular file";
	if (access(path, R_OK))
		return strerror(errno);
	return NULL;
}

/* The parsed entry as a vm_disk, checked against the others. */
static int disk_finish(struct disk_ctx *dc, struct vm_disk *d)
{
	struct disk_spec *sp = &dc->spec;
	struct vm_config *cfg = dc->a->cfg;
	const char *why;
	unsigned ide = 0;

	if (!sp->vdev || !sp->vdev[0])
		return fail_disk(dc, "no vdev (the drive: hda-hdd)");
	if (vdev_to_ide(dc, sp->vdev, &ide))
		return -1;
	if (sp->format_empty && sp->target && sp->target[0])
		return fail_disk(dc, "format=empty with a target");
	if (!sp->target || !sp->target[0]) {
		if (!sp->cdrom)
			return fail_disk(dc, "%s: no image: only a CD-ROM "
					 "drive may be empty (%s:cdrom)",
					 sp->vdev, sp->vdev);
	}
	if (sp->cdrom && sp->access == 1)
		return fail_disk(dc, "%s: a CD-ROM is read-only: use mode r",
				 sp->vdev);
	for (unsigned i = 0; i < cfg->nr_disks; i++)
		if (cfg->disks[i].ide_index == ide)
			return fail_disk(dc, "%s is the same IDE drive (%s) "
					 "as %s (%s)", sp->vdev,
					 ide_drive_names[ide],
					 cfg->disks[i].vdev,
					 cfg->disks[i].where);
	if (sp->target && sp->target[0]) {
		why = path_problem(sp->target, true);
		if (why)
			return fail_disk(dc, "%s: %s", sp->target, why);
		if (!sp->cdrom && sp->access != 0 && access(sp->target, W_OK))
			return fail_disk(dc, "%s: not writable (%s): use mode "
					 "r for a read-only disk", sp->target,
					 strerror(errno));
	}
	*d = (struct vm_disk){
		.media = sp->cdrom ? VM_DISK_CDROM : VM_DISK_HD,
		.read_only = sp->cdrom || sp->access == 0,
		.ide_index = ide,
	};
	snprintf(d->vdev, sizeof(d->vdev), "%s", sp->vdev);
	disk_where(d->where, sizeof(d->where), dc->s->source,
		   dc->item->line);
	if (sp->target && sp->target[0])
		set_string(&d->path, sp->target);
	return 0;
}

static int disk_entry(struct apply *a, const struct setting *s,
		      const struct value *item)
{
	struct disk_ctx dc = { .a = a, .s = s, .item = item,
			       .spec = { .access = -1 } };
	struct vm_config *cfg = a->cfg;
	int r;

	if (item->type != VAL_STRING) {
		char got[64];

		describe_value(item, got, sizeof(got));
		return fail_at(a->err, a->errlen, s->source, item->line,
			       "%s: expected 'TARGET,VDEV,MODE' strings in "
			       "the list, got %s", s->key, got);
	}
	if (cfg->nr_disks == VM_MAX_DISKS)
		return fail_disk(&dc, "more than %d disks: the PC has four "
				 "IDE drives (hda-hdd)", VM_MAX_DISKS);
	r = disk_parse(&dc, item->str);
	if (!r)
		r = disk_finish(&dc, &cfg->disks[cfg->nr_disks]);
	if (!r)
		cfg->nr_disks++;
	free(dc.spec.target);
	free(dc.spec.vdev);
	return r;
}

/* A list of entries; one string is taken as a list of one (handy on the
 * command line: disk=file:/x.img,hda,w). The command line's disk replaces
 * the file's whole list. */
static int key_disk(struct apply *a, const struct setting *s)
{
	if (value_is_off(&s->val))
		return 0;
	if (s->val.type == VAL_STRING)
		return disk_entry(a, s, &s->val);
	if (s->val.type != VAL_LIST)
		return want_type(a, s, VAL_LIST, " of disks");
	for (size_t i = 0; i < s->val.n_items; i++)
		if (disk_entry(a, s, &s->val.items[i]))
			return -1;
	return 0;
}

struct key_handler {
	const char *key;
	int (*apply)(struct apply *a, const struct setting *s);
};

static const struct key_handler key_handlers[] = {
	{ "name", key_name },
	{ "builder", key_builder },
	{ "type", key_builder },
	{ "memory", key_memory },
	{ "vcpus", key_vcpus },
	{ "kernel", key_kernel },
	{ "ramdisk", key_ramdisk },
	{ "extra", key_extra },
	{ "cmdline", key_extra },
	{ "root", key_root },
	{ "boot", key_boot },
	{ "serial", key_serial },
	{ "on_poweroff", key_on_poweroff },
	{ "on_reboot", key_on_reboot },
	{ "on_crash", key_on_crash },
	{ "acpi", key_acpi },
	{ "apic", key_apic },
	{ "pae", key_pae },
	{ "localtime", key_localtime },
	{ "nographic", key_nographic },
	{ "accel", key_accel },
	{ "bios_path_override", key_bios },
	{ "boot_fail_wait", key_boot_fail_wait },
	{ "device_model", key_ignored },
	{ "shadow_memory", key_ignored },
	{ "vnc", key_vnc },
	{ "sdl", key_sdl },
	{ "vnclisten", key_vnclisten },
	{ "vncdisplay", key_vncdisplay },
	{ "vncunused", key_vncunused },
	{ "vncpasswd", key_vncpasswd },
	{ "vncconsole", key_display_ignored },
	{ "keymap", key_keymap },
	{ "opengl", key_display_ignored },
	{ "fullscreen", key_fullscreen },
	{ "disk", key_disk },
	{ "vif", key_not_yet },
	{ "stdvga", key_stdvga },
	{ "vga", key_vga },
	{ "usb", key_not_yet },
	{ "usbdevice", key_usbdevice },
	{ "maxmem", key_maxmem },
	{ "maxvcpus", key_maxvcpus },
	{ "cpus", key_not_yet },
	{ "hpet", key_not_yet },
	{ "timer_mode", key_not_yet },
	{ "uuid", key_not_yet },
	{ "videoram", key_videoram },
	{ "rtc_timeoffset", key_not_yet },
};

static int apply_setting(struct apply *a, const struct setting *s)
{
	for (size_t i = 0; i < sizeof(key_handlers) / sizeof(key_handlers[0]);
	     i++)
		if (!strcmp(s->key, key_handlers[i].key))
			return key_handlers[i].apply(a, s);
	return fail_setting(a, s, "unknown key");
}

/* ---- whole-config checks ----------------------------------------------- */

static void set_defaults(struct vm_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->memory_mib = DEFAULT_MEMORY_MIB;
	cfg->vcpus = 1;
	cfg->accel = ACCEL_AUTO;
	snprintf(cfg->boot, sizeof(cfg->boot), "cd");
	cfg->boot_fail_wait = -1;
	cfg->serial = SERIAL_NONE;
	cfg->on_poweroff = VM_ACTION_DESTROY;
	cfg->on_reboot = VM_ACTION_RESTART;
	cfg->on_crash = VM_ACTION_DESTROY;
	cfg->acpi = cfg->apic = cfg->pae = true;
	cfg->display.vga = VM_VGA_STD;
	cfg->display.videoram_mib = VM_VIDEORAM_DEFAULT_MIB;
	cfg->display.vncdisplay = -1;
	cfg->display.vncunused = true;
}

/* A regular file we can read; else why not, in ERR ("KEY: [WHAT ]PATH:
 * reason"). */
static int check_file(struct apply *a, const struct setting *at,
		      const char *key, const char *source, const char *path,
		      const char *what)
{
	const char *why = path_problem(path, false);

	if (!why)
		return 0;
	if (at)
		return fail_setting(a, at, "%s%s%s: %s", what ? what : "",
				    what ? " " : "", path, why);
	return fail_at(a->err, a->errlen, source, 0, "%s: %s%s%s: %s", key,
		       what ? what : "", what ? " " : "", path, why);
}

/* MemAvailable in MiB, or -1 when unknown (then we don't check). */
static long long host_available_mib(const char *meminfo_path)
{
	FILE *f = fopen(meminfo_path, "r");
	char line[256];
	long long kib = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %lld kB", &kib) == 1)
			break;
	fclose(f);
	return kib < 0 ? -1 : kib / 1024;
}

static int check_memory(struct apply *a, const char *source)
{
	const char *path = a->host && a->host->meminfo_path ?
			   a->host->meminfo_path : CONFIG_DEFAULT_MEMINFO;
	long long avail = host_available_mib(path);

	if (avail < 0 || a->cfg->memory_mib <= (uint64_t)avail)
		return 0;
	if (a->memory_at)
		return fail_setting(a, a->memory_at, "%" PRIu64 " MiB is more "
				    "than the host has available (%lld MiB "
				    "MemAvailable in %s)", a->cfg->memory_mib,
				    avail, path);
	return fail_at(a->err, a->errlen, source, 0, "memory: the default "
		       "%" PRIu64 " MiB is more than the host has available "
		       "(%lld MiB MemAvailable in %s)", a->cfg->memory_mib,
		       avail, path);
}

/* extra and root make the kernel command line: "EXTRA root=ROOT". */
static void build_cmdline(struct apply *a)
{
	char *line;

	if (!a->root)
		return;
	if (asprintf(&line, "%s%sroot=%s", a->cfg->extra ? a->cfg->extra : "",
		     a->cfg->extra ? " " : "", a->root) < 0)
		abort();
	free(a->cfg->extra);
	a->cfg->extra = line;
}

/* nographic = 1 leaves the display device out, as vga = 'none' does; a
 * console then has nothing to show. */
static int check_display(struct apply *a, const char *source)
{
	struct vm_display *d = &a->cfg->display;

	if (a->cfg->nographic)
		d->vga = VM_VGA_NONE;
	if (d->vga == VM_VGA_NONE && (d->vnc || d->sdl))
		return fail_at(a->err, a->errlen, source, 0, "%s: there is no "
			       "display device to show (nographic = 1 or "
			       "vga = 'none')", d->vnc ? "vnc" : "sdl");
	if (!d->vnclisten)
		set_string(&d->vnclisten, "127.0.0.1");
	if (!d->keymap)
		set_string(&d->keymap, "en-us");
	if (!d->where_vnc[0])
		snprintf(d->where_vnc, sizeof(d->where_vnc), "%s", source);
	if (!d->where_sdl[0])
		snprintf(d->where_sdl, sizeof(d->where_sdl), "%s", source);
	return 0;
}

static int check_config(struct apply *a, const char *source)
{
	struct vm_config *cfg = a->cfg;
	const char *bios_default = a->host && a->host->default_bios ?
				   a->host->default_bios : CONFIG_DEFAULT_BIOS;

	if (!cfg->name)
		return fail_at(a->err, a->errlen, source, 0, "name: missing "
			       "(every guest needs one, e.g. name = "
			       "\"guest1\")");
	if (!cfg->kernel) {
		const struct setting *orphan = a->ramdisk_at ? a->ramdisk_at :
			a->extra_at ? a->extra_at : a->root_at;

		if (orphan)
			return fail_setting(a, orphan, "only used with "
					    "kernel (direct Linux boot), and "
					    "no kernel is set");
	}
	if (a->maxmem_at && (uint64_t)a->maxmem_at->val.num != cfg->memory_mib)
		return fail_setting(a, a->maxmem_at, "not supported yet "
				    "(ballooning); maxmem must equal memory "
				    "(%" PRIu64 ")", cfg->memory_mib);
	build_cmdline(a);
	if (check_display(a, source))
		return -1;
	if (!cfg->bios)
		set_string(&cfg->bios, bios_default);
	if (check_file(a, a->bios_at, "bios_path_override", source,
		       cfg->bios, "SeaBIOS image"))
		return -1;
	if (cfg->kernel && check_file(a, a->kernel_at, "kernel", source,
				      cfg->kernel, NULL))
		return -1;
	if (cfg->ramdisk && check_file(a, a->ramdisk_at, "ramdisk", source,
				       cfg->ramdisk, NULL))
		return -1;
	return check_memory(a, source);
}

/* ---- entry points ------------------------------------------------------ */

void config_free(struct vm_config *cfg)
{
	free(cfg->source);
	free(cfg->name);
	free(cfg->bios);
	free(cfg->kernel);
	free(cfg->ramdisk);
	free(cfg->extra);
	free(cfg->serial_path);
	free(cfg->display.vnclisten);
	free(cfg->display.vncpasswd);
	free(cfg->display.keymap);
	for (unsigned i = 0; i < cfg->nr_disks; i++)
		free(cfg->disks[i].path);
	memset(cfg, 0, sizeof(*cfg));
}

static int apply_all(struct settings *ss, struct apply *a)
{
	for (size_t i = 0; i < ss->n; i++)
		if (apply_setting(a, &ss->v[i]))
			return -1;
	return 0;
}

int config_parse_string(const char *text, const char *source,
			char *const overrides[], int n_overrides,
			const struct config_host *host,
			struct vm_config *out, char *err, size_t errlen)
{
	struct settings ss = { 0 };
	struct apply a = { .cfg = out, .host = host, .err = err,
			   .errlen = errlen };
	int r = -1;

	a.notices = host && host->notices ? host->notices : stderr;
	set_defaults(out);
	out->source = strdup(source);
	if (parse_text(text, source, &ss, err, errlen))
		goto out;
	for (int i = 0; i < n_overrides; i++)
		if (parse_override(overrides[i], &ss, err, errlen))
			goto out;
	if (apply_all(&ss, &a) || check_config(&a, source))
		goto out;
	r = 0;
out:
	free(a.root);
	settings_free(&ss);
	if (r)
		config_free(out);
	return r;
}

static char *read_whole_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, cap = 0, got;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	do {
		if (cap - len < 4096) {
			cap = cap ? 2 * cap : 8192;
			text = realloc(text, cap + 1);
			if (!text)
				abort();
		}
		got = fread(text + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(text);
		text = NULL;
	} else if (memchr(text, '\0', len)) {
		snprintf(err, errlen, "%s: not a text file", path);
		free(text);
		text = NULL;
	} else {
		text[len] = '\0';
	}
	fclose(f);
	return text;
}

int config_load(const char *path, char *const overrides[], int n_overrides,
		struct vm_config *out, char *err, size_t errlen)
{
	char *text = read_whole_file(path, err, errlen);
	int r;

	if (!text)
		return -1;
	r = config_parse_string(text, path, overrides, n_overrides, NULL, out,
				err, errlen);
	free(text);
	return r;
}
