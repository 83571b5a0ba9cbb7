// SPDX-License-Identifier: GPL-2.0
/*
 * One `vif = [ ... ]` entry of a .hvm file: xl's network specification
 * (xl-network-configuration(5)), "KEY=VALUE, KEY=VALUE", into a struct
 * vm_vif. Up to four NICs, each on its own PCI slot.
 *
 * Xen's keys: type=ioemu (the emulated NIC; xl's default for HVM), model=
 * (rtl8139; and ours, rtl8139c: the chip without C+ mode for 8139too),
 * mac=, bridge=, script=, vifname=, ip=, rate=. Without bridge= or script=
 * there is no Xen backend to run, so the NIC gets libslirp's user-mode
 * network (QEMU's -netdev user); type=user asks for it by name. User mode
 * has xl-like extension keys after QEMU's: hostfwd=, tftp=, bootfile=.
 *
 * Checked here: the syntax and every value. Left to create time (the
 * monitor's backends): whether the bridge exists, /dev/net/tun opens, a
 * forwarded port is free.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/config_internal.h"

/* QEMU's user-net layout (docs/system/devices/net.rst), which libslirp
 * defaults to as well: 10.0.2.0/24, the host 10.0.2.2, DNS 10.0.2.3. */
#define USER_NET      0x0a000200u
#define USER_NETMASK  0xffffff00u
#define USER_HOST     0x0a000202u
#define USER_DNS      0x0a000203u

/* xl's default replenish interval for rate= (xl-network-configuration(5)) */
#define RATE_DEFAULT_INTERVAL_US 50000

struct vif_ctx {
	struct apply *a;
	const struct setting *s;
	const struct value *item;
	struct vm_vif *vif;
	bool type_user, type_given;
	char *rate_text;
};

/* "FILE:LINE: vif: 'ENTRY': message", LINE being the entry's own. */
#define fail_vif(vc, fmt, ...) \
	config_fail_at((vc)->a->err, (vc)->a->errlen, (vc)->s->source, \
		(vc)->item->line, "%s: '%s': " fmt, (vc)->s->key, \
		(vc)->item->str, ##__VA_ARGS__)

/* ---- values ------------------------------------------------------------ */

/* Six hex pairs separated by ':' (or '-', as some Xen docs write them). */
static bool parse_mac(const char *text, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		const char *p = text + 3 * i;

		if (!isxdigit((unsigned char)p[0]) ||
		    !isxdigit((unsigned char)p[1]))
			return false;
		if (i < 5 && p[2] != ':' && p[2] != '-')
			return false;
		if (i == 5 && p[2])
			return false;
		mac[i] = (uint8_t)strtoul((char[3]){ p[0], p[1], 0 }, NULL, 16);
	}
	return true;
}

static int vif_mac(struct vif_ctx *vc, const char *text)
{
	struct vm_vif *v = vc->vif;

	if (!parse_mac(text, v->mac))
		return fail_vif(vc, "mac=%s: expected six hex pairs, e.g. "
				"00:16:3e:12:34:56", text);
	/* IEEE 802: bit 0 of the first octet is the group (multicast) bit;
	 * a NIC's own address is an individual one. */
	if (v->mac[0] & 1)
		return fail_vif(vc, "mac=%s: a multicast address (the low bit "
				"of the first octet is set): a NIC needs a "
				"unicast one, e.g. 00:16:3e:...", text);
	if (!memcmp(v->mac, (uint8_t[6]){ 0 }, 6))
		return fail_vif(vc, "mac=%s: the all-zero address is not a "
				"NIC's", text);
	v->mac_given = true;
	return 0;
}

/* A number with an optional unit from UNITS (name, factor), the longest
 * name matching first; *OUT = number * factor. false: malformed. */
struct unit { const char *name; uint64_t num, den; };

static bool parse_with_unit(const char *text, size_t len,
			    const struct unit *units, size_t n_units,
			    bool unit_needed, uint64_t *out)
{
	char *end;
	unsigned long long n;
	size_t digits;

	if (!len || !isdigit((unsigned char)text[0]))
		return false;
	errno = 0;
	n = strtoull(text, &end, 10);
	digits = end - text;
	if (errno || digits > len)
		return false;
	for (size_t i = 0; i < n_units; i++) {
		size_t ul = strlen(units[i].name);

		if (len - digits == ul && !strncmp(end, units[i].name, ul)) {
			if (units[i].num && n > UINT64_MAX / units[i].num)
				return false;
			*out = n * units[i].num / units[i].den;
			return true;
		}
	}
	if (len == digits && !unit_needed) {
		*out = n;
		return true;
	}
	return false;
}

/*
 * rate=RATE/s[@INTERVAL] (xl-network-configuration(5)): RATE in bytes
 * (GB, MB, KB, B) or bits (Gb, Mb, Kb, b), decimal prefixes as xl's parser
 * has them; INTERVAL in s, ms or us (no unit: us), default 50ms: how often
 * the credit of RATE * INTERVAL bytes is refilled.
 */
static int vif_rate(struct vif_ctx *vc, const char *text)
{
	static const struct unit rate_units[] = {
		{ "GB", 1000000000ull, 1 }, { "MB", 1000000, 1 },
		{ "KB", 1000, 1 }, { "B", 1, 1 },
		{ "Gb", 1000000000ull, 8 }, { "Mb", 1000000, 8 },
		{ "Kb", 1000, 8 }, { "b", 1, 8 },
	};
	static const struct unit time_units[] = {
		{ "s", 1000000, 1 }, { "ms", 1000, 1 }, { "us", 1, 1 },
	};
	struct vm_vif *v = vc->vif;
	const char *slash = strstr(text, "/s");
	const char *at = strchr(text, '@');
	uint64_t bytes, interval = RATE_DEFAULT_INTERVAL_US;

	if (!slash || (at && at != slash + 2) || (!at && slash[2]))
		return fail_vif(vc, "rate=%s: expected RATE/s or "
				"RATE/s@INTERVAL, e.g. 10Mb/s or 1MB/s@20ms",
				text);
	if (!parse_with_unit(text, slash - text, rate_units,
			     sizeof(rate_units) / sizeof(rate_units[0]), true,
			     &bytes))
		return fail_vif(vc, "rate=%s: bad rate '%.*s' (a number with "
				"GB, MB, KB, B for bytes or Gb, Mb, Kb, b for "
				"bits)", text, (int)(slash - text), text);
	if (at && !parse_with_unit(at + 1, strlen(at + 1), time_units,
				   sizeof(time_units) / sizeof(time_units[0]),
				   false, &interval))
		return fail_vif(vc, "rate=%s: bad interval '%s' (a number "
				"with s, ms or us)", text, at + 1);
	if (!bytes)
		return fail_vif(vc, "rate=%s: a rate of 0 sends nothing "
				"(leave rate= out for no limit)", text);
	if (!interval || interval > UINT32_MAX)
		return fail_vif(vc, "rate=%s: the interval must be between "
				"1us and %" PRIu32 "us", text, UINT32_MAX);
	if (bytes > UINT64_MAX / interval ||
	    bytes * interval / 1000000 == 0)
		return fail_vif(vc, "rate=%s: %" PRIu64 " bytes/s over %" PRIu64
				"us is less than one byte per interval", text,
				bytes, interval);
	v->rate_bytes_per_sec = bytes;
	v->rate_interval_us = interval;
	v->rate_bytes_per_interval = bytes * interval / 1000000;
	return 0;
}

/* A dotted-quad IPv4 address of exactly LEN characters; network order. */
static bool parse_ipv4(const char *text, size_t len, uint32_t *out)
{
	char buf[INET_ADDRSTRLEN];
	struct in_addr a;

	if (len >= sizeof(buf))
		return false;
	memcpy(buf, text, len);
	buf[len] = 0;
	if (inet_pton(AF_INET, buf, &a) != 1)
		return false;
	*out = a.s_addr;
	return true;
}

static bool parse_port(const char *text, size_t len, uint16_t *out)
{
	unsigned long n = 0;

	if (!len || len > 5)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)text[i]))
			return false;
		n = n * 10 + (text[i] - '0');
	}
	if (n < 1 || n > 65535)
		return false;
	*out = (uint16_t)n;
	return true;
}

/* "[ADDR]:PORT" of exactly LEN characters. */
static bool parse_addr_port(const char *text, size_t len, uint32_t *addr,
			    uint16_t *port)
{
	const char *colon = memchr(text, ':', len);

	*addr = 0;
	if (!colon)
		return false;
	if (colon > text && !parse_ipv4(text, colon - text, addr))
		return false;
	return parse_port(colon + 1, len - (colon + 1 - text), port);
}

static bool in_user_net(uint32_t addr_be)
{
	return (ntohl(addr_be) & USER_NETMASK) == USER_NET;
}

/* One hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT. */
static int vif_one_hostfwd(struct vif_ctx *vc, const char *text, size_t len)
{
	struct vm_vif *v = vc->vif;
	struct vm_hostfwd f = { 0 };
	const char *p = text, *dash, *end = text + len;

	snprintf(f.text, sizeof(f.text), "%.*s", (int)len, text);
	if (len >= 4 && !strncmp(p, "tcp:", 4)) {
		p += 4;
	} else if (len >= 4 && !strncmp(p, "udp:", 4)) {
		f.udp = true;
		p += 4;
	} else if (*p == ':') {
		p++;    /* QEMU's empty protocol: tcp */
	} else {
		return fail_vif(vc, "hostfwd=%s: expected tcp: or udp: "
				"first, e.g. tcp:127.0.0.1:2222-:22", f.text);
	}
	dash = memchr(p, '-', end - p);
	if (!dash || !parse_addr_port(p, dash - p, &f.host_addr, &f.host_port)
	    || !parse_addr_port(dash + 1, end - dash - 1, &f.guest_addr,
				&f.guest_port))
		return fail_vif(vc, "hostfwd=%s: expected [tcp|udp]:[HOSTADDR]:"
				"HOSTPORT-[GUESTADDR]:GUESTPORT with ports "
				"1-65535, e.g. tcp:127.0.0.1:2222-:22", f.text);
	if (f.guest_addr && !in_user_net(f.guest_addr))
		return fail_vif(vc, "hostfwd=%s: the guest address is outside "
				"the user-mode network 10.0.2.0/24", f.text);
	for (unsigned i = 0; i < v->nr_hostfwd; i++)
		if (v->hostfwd[i].udp == f.udp &&
		    v->hostfwd[i].host_port == f.host_port &&
		    (v->hostfwd[i].host_addr == f.host_addr ||
		     !v->hostfwd[i].host_addr || !f.host_addr))
			return fail_vif(vc, "hostfwd=%s: host port %u is "
					"already forwarded (%s)", f.text,
					f.host_port, v->hostfwd[i].text);
	if (v->nr_hostfwd == VM_VIF_MAX_HOSTFWD)
		return fail_vif(vc, "hostfwd=%s: more than %d forwards",
				f.text, VM_VIF_MAX_HOSTFWD);
	v->hostfwd[v->nr_hostfwd++] = f;
	return 0;
}

/* Several forwards in one value, separated by ';'. */
static int vif_hostfwd(struct vif_ctx *vc, const char *text)
{
	if (!*text)
		return fail_vif(vc, "hostfwd= is empty");
	while (*text) {
		size_t len = strcspn(text, ";");

		while (len && isspace((unsigned char)text[len - 1]))
			len--;
		if (len && vif_one_hostfwd(vc, text, len))
			return -1;
		text += strcspn(text, ";");
		if (*text == ';')
			text++;
		text += strspn(text, " \t");
	}
	return 0;
}

/* ip=: Xen's is a space-separated list of addresses for the hotplug
 * script; each must be IPv4 (optionally /PREFIX as Xen's vif-route
 * accepts). */
static int vif_ip(struct vif_ctx *vc, const char *text)
{
	const char *p = text;

	if (!*text)
		return fail_vif(vc, "ip= is empty");
	while (*p) {
		size_t len = strcspn(p, " "), alen = strcspn(p, "/ ");
		uint32_t addr;

		if (!parse_ipv4(p, alen, &addr))
			return fail_vif(vc, "ip=%s: '%.*s' is not an IPv4 "
					"address", text, (int)len, p);
		if (alen < len) {
			char *end;
			long prefix = strtol(p + alen + 1, &end, 10);

			if (end != p + len || end == p + alen + 1 ||
			    prefix < 0 || prefix > 32)
				return fail_vif(vc, "ip=%s: bad prefix length "
						"in '%.*s'", text, (int)len, p);
		}
		if (!vc->vif->user_guest_ip)
			vc->vif->user_guest_ip = addr;
		p += len;
		p += strspn(p, " ");
	}
	config_set_string(&vc->vif->ip, text);
	return 0;
}

static int vif_set_once(struct vif_ctx *vc, char **field, const char *key,
			const char *value)
{
	if (*field)
		return fail_vif(vc, "%s= given twice ('%s' and '%s')", key,
				*field, value);
	if (!*value)
		return fail_vif(vc, "%s= is empty", key);
	config_set_string(field, value);
	return 0;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* ---- keys -------------------------------------------------------------- */

static int vif_keyword(struct vif_ctx *vc, const char *key, const char *val)
{
	struct vm_vif *v = vc->vif;

	if (!strcmp(key, "type")) {
		if (!strcmp(val, "ioemu")) {
			vc->type_user = false;
		} else if (!strcmp(val, "user")) {
			vc->type_user = true;
		} else if (!strcmp(val, "vif") || !strcmp(val, "netfront")) {
			return fail_vif(vc, "type=%s: a Xen PV interface; an "
					"HVM guest here gets the emulated NIC "
					"(type=ioemu) or user mode "
					"(type=user)", val);
		} else {
			return fail_vif(vc, "unknown type '%s' (ioemu or "
					"user)", val);
		}
		vc->type_given = true;
		return 0;
	}
	if (!strcmp(key, "model")) {
		if (!strcmp(val, "rtl8139") || !*val)
			v->model = VM_VIF_RTL8139;
		else if (!strcmp(val, "rtl8139c"))
			v->model = VM_VIF_RTL8139C;
		else if (!strcmp(val, "e1000"))
			return fail_vif(vc, "model=e1000 is not available yet: "
					"use model=rtl8139 (the default)");
		else if (!strcmp(val, "virtio") || !strcmp(val, "virtio-net"))
			return fail_vif(vc, "model=%s: virtio-net is not "
					"available yet: use model=rtl8139 "
					"(the default)", val);
		else
			return fail_vif(vc, "unknown model '%s' (rtl8139, or "
					"rtl8139c for a plain 8139C; e1000 and "
					"virtio not yet)", val);
		return 0;
	}
	if (!strcmp(key, "mac"))
		return vif_mac(vc, val);
	if (!strcmp(key, "bridge"))
		return vif_set_once(vc, &v->bridge, key, val);
	if (!strcmp(key, "script"))
		return vif_set_once(vc, &v->script, key, val);
	if (!strcmp(key, "vifname")) {
		if (vif_set_once(vc, &v->vifname, key, val))
			return -1;
		/* IFNAMSIZ is 16 with the NUL (linux/if.h) */
		if (strlen(val) > 15 || strchr(val, '/') ||
		    strpbrk(val, " \t:") || !strcmp(val, ".") ||
		    !strcmp(val, ".."))
			return fail_vif(vc, "vifname=%s: not a usable "
					"interface name (at most 15 "
					"characters, no '/', ':' or blanks)",
					val);
		return 0;
	}
	if (!strcmp(key, "ip")) {
		if (v->ip)
			return fail_vif(vc, "ip= given twice");
		return vif_ip(vc, val);
	}
	if (!strcmp(key, "rate")) {
		if (vc->rate_text)
			return fail_vif(vc, "rate= given twice");
		config_set_string(&vc->rate_text, val);
		return vif_rate(vc, val);
	}
	if (!strcmp(key, "hostfwd"))
		return vif_hostfwd(vc, val);
	if (!strcmp(key, "tftp")) {
		if (vif_set_once(vc, &v->tftp, key, val))
			return -1;
		if (!is_dir(val))
			return fail_vif(vc, "tftp=%s: not a directory (%s)",
					val, access(val, F_OK) ?
					strerror(errno) : "a file");
		return 0;
	}
	if (!strcmp(key, "bootfile"))
		return vif_set_once(vc, &v->bootfile, key, val);
	if (!strcmp(key, "backend")) {
		if (*val && strcmp(val, "0") && strcmp(val, "Domain-0"))
			return fail_vif(vc, "backend=%s: driver domains are a "
					"Xen feature, not supported", val);
		return 0;
	}
	if (!strcmp(key, "gatewaydev") || !strcmp(key, "accel"))
		return 0;       /* vif-route's and Xen's netfront's: no use */
	return fail_vif(vc, "unknown parameter '%s=' (type, model, mac, "
			"bridge, script, vifname, ip, rate, hostfwd, tftp, "
			"bootfile)", key);
}

static bool is_param_name(const char *s, size_t n)
{
	if (!n || !isalpha((unsigned char)s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '-')
			return false;
	return true;
}

/* Split "k=v, k=v" (blanks around each trimmed). */
static int vif_parse(struct vif_ctx *vc, const char *p)
{
	for (;;) {
		size_t len, klen;
		const char *eq;
		char *word, *key;
		int r;

		p += strspn(p, " \t\n");
		if (!*p)
			return 0;
		len = strcspn(p, ",");
		while (len && strchr(" \t\n", p[len - 1]))
			len--;
		word = strndup(p, len);
		if (!word)
			abort();
		eq = strchr(word, '=');
		klen = eq ? (size_t)(eq - word) : 0;
		while (klen && strchr(" \t", word[klen - 1]))
			klen--;     /* "key = value" too */
		if (!eq || !is_param_name(word, klen)) {
			r = len ? fail_vif(vc, "expected KEY=VALUE at '%s'",
					   word)
				: fail_vif(vc, "an empty parameter (two commas)");
			free(word);
			return r;
		}
		key = strndup(word, klen);
		if (!key)
			abort();
		r = vif_keyword(vc, key, eq + 1 + strspn(eq + 1, " \t"));
		free(key);
		free(word);
		if (r)
			return -1;
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
}

/* The entry as a whole, once every key is read. */
static int vif_finish(struct vif_ctx *vc)
{
	struct vm_vif *v = vc->vif;

	if (vc->type_user && (v->bridge || v->script))
		return fail_vif(vc, "type=user is libslirp's user-mode network: "
				"%s= has no use there (type=ioemu for a TAP)",
				v->bridge ? "bridge" : "script");
	v->backend = v->bridge || v->script ? VM_VIF_TAP : VM_VIF_USER;
	if (v->backend == VM_VIF_TAP) {
		const char *user_key = v->nr_hostfwd ? "hostfwd" :
				       v->tftp ? "tftp" :
				       v->bootfile ? "bootfile" : NULL;

		if (user_key)
			return fail_vif(vc, "%s= is for the user-mode network; "
					"this entry is a TAP (bridge= or "
					"script=)", user_key);
		if (v->script && access(v->script, X_OK))
			return fail_vif(vc, "script=%s: not an executable "
					"(%s)", v->script, strerror(errno));
	} else {
		if (v->vifname)
			return fail_vif(vc, "vifname= names a TAP; the "
					"user-mode network has none (add "
					"bridge= for a TAP)");
		if (v->user_guest_ip) {
			uint32_t h = ntohl(v->user_guest_ip);

			if (!in_user_net(v->user_guest_ip) ||
			    (h & 0xff) < 4 || (h & 0xff) == 255)
				return fail_vif(vc, "ip=%s: user mode hands out "
						"10.0.2.4-10.0.2.254 (10.0.2.2 "
						"is the host, .3 its DNS)",
						v->ip);
		}
		if (v->bootfile && !v->tftp)
			return fail_vif(vc, "bootfile=%s needs tftp=DIR (the "
					"directory slirp's TFTP serves it "
					"from)", v->bootfile);
		if (v->bootfile) {
			char *path;

			if (asprintf(&path, "%s/%s", v->tftp, v->bootfile) < 0)
				abort();
			if (access(path, R_OK)) {
				int e = errno;

				free(path);
				return fail_vif(vc, "bootfile=%s: not readable "
						"in tftp=%s (%s)", v->bootfile,
						v->tftp, strerror(e));
			}
			free(path);
		}
	}
	return 0;
}

static void free_vif(struct vm_vif *v)
{
	free(v->bridge);
	free(v->script);
	free(v->vifname);
	free(v->ip);
	free(v->tftp);
	free(v->bootfile);
	memset(v, 0, sizeof(*v));
}

void config_vif_free(struct vm_vif *v)
{
	free_vif(v);
}

static int vif_entry(struct apply *a, const struct setting *s,
		     const struct value *item)
{
	struct vm_config *cfg = a->cfg;
	struct vm_vif *v = &cfg->vifs[cfg->nr_vifs];
	struct vif_ctx vc = { .a = a, .s = s, .item = item, .vif = v };
	int r;

	if (item->type != VAL_STRING) {
		char got[64];

		config_describe_value(item, got, sizeof(got));
		return config_fail_at(a->err, a->errlen, s->source, item->line,
				      "%s: expected 'k=v, k=v' strings in the "
				      "list, got %s", s->key, got);
	}
	if (cfg->nr_vifs == VM_MAX_VIFS)
		return fail_vif(&vc, "more than %d network interfaces",
				VM_MAX_VIFS);
	memset(v, 0, sizeof(*v));
	r = vif_parse(&vc, item->str);
	if (!r)
		r = vif_finish(&vc);
	free(vc.rate_text);
	if (r) {
		free_vif(v);
		return -1;
	}
	snprintf(v->entry, sizeof(v->entry), "%s", item->str);
	config_where_short(v->where, sizeof(v->where), s->source, item->line);
	cfg->nr_vifs++;
	return 0;
}

/* A list of entries; one string is a list of one. The command line's vif
 * replaces the file's whole list. */
int config_key_vif(struct apply *a, const struct setting *s)
{
	for (unsigned i = 0; i < a->cfg->nr_vifs; i++)
		free_vif(&a->cfg->vifs[i]);
	a->cfg->nr_vifs = 0;
	if (config_value_is_off(&s->val))
		return 0;
	config_where_prefix(a->cfg->where_vif, sizeof(a->cfg->where_vif),
			    s->source, s->line);
	if (s->val.type == VAL_STRING)
		return vif_entry(a, s, &s->val);
	if (s->val.type != VAL_LIST)
		return config_want_type(a, s, VAL_LIST, " of interfaces");
	for (size_t i = 0; i < s->val.n_items; i++)
		if (vif_entry(a, s, &s->val.items[i]))
			return -1;
	return 0;
}

/* FNV-1a, 32 bits: small, stable across builds and hosts. */
static uint32_t fnv1a(const void *data, size_t len, uint32_t h)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

static bool mac_taken(const struct vm_config *cfg, unsigned upto,
		      const uint8_t mac[6], bool given_only, unsigned skip)
{
	for (unsigned i = 0; i < upto; i++)
		if (i != skip && (!given_only || cfg->vifs[i].mac_given) &&
		    !memcmp(cfg->vifs[i].mac, mac, 6))
			return true;
	return false;
}

/*
 * After every key (the name may come after vif): the default MACs, and no
 * address twice. A default MAC is Xen's OUI 00:16:3e with three bytes of a
 * hash of the guest's name and the NIC's index, so a guest keeps its
 * addresses across reboots and restarts (xl picks random ones once, when
 * the domain is made); the fourth byte's top bit is clear as in xl's
 * random ones. A default that meets another NIC's address is hashed on.
 */
int config_vif_finish(struct apply *a)
{
	struct vm_config *cfg = a->cfg;

	for (unsigned i = 0; i < cfg->nr_vifs; i++) {
		struct vm_vif *v = &cfg->vifs[i];

		if (v->mac_given && mac_taken(cfg, i, v->mac, true, i))
			return config_fail_at(a->err, a->errlen, v->where, 0,
				"vif: '%s': mac=%02x:%02x:%02x:%02x:%02x:%02x "
				"is already another NIC's of this guest",
				v->entry, v->mac[0], v->mac[1], v->mac[2],
				v->mac[3], v->mac[4], v->mac[5]);
	}
	for (unsigned i = 0; i < cfg->nr_vifs; i++) {
		struct vm_vif *v = &cfg->vifs[i];
		uint32_t h = 2166136261u, salt = 0;
		uint8_t index = (uint8_t)i;

		if (v->mac_given)
			continue;
		h = fnv1a(cfg->name, strlen(cfg->name), h);
		h = fnv1a(&index, 1, h);
		do {
			h = fnv1a(&salt, sizeof(salt), h);
			salt++;
			v->mac[0] = 0x00;
			v->mac[1] = 0x16;
			v->mac[2] = 0x3e;
			v->mac[3] = (h >> 16) & 0x7f;
			v->mac[4] = (h >> 8) & 0xff;
			v->mac[5] = h & 0xff;
		} while (mac_taken(cfg, cfg->nr_vifs, v->mac, false, i));
	}
	return 0;
}
