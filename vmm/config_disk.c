// SPDX-License-Identifier: GPL-2.0
/*
 * One `disk = [ ... ]` entry of a .hvm file: xl's disk specification
 * (xl-disk-configuration(5)), which also reads xm's TARGET,VDEV[:cdrom],MODE,
 * into a struct vm_disk on the PC's four IDE drives.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/config_internal.h"

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
	config_fail_at((dc)->a->err, (dc)->a->errlen, (dc)->s->source, \
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
	config_set_string(field, value);
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

/* An image we can open: NULL, or why not. */
const char *config_path_problem(const char *path, bool block_ok)
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
		why = config_path_problem(sp->target, true);
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
	config_where_short(d->where, sizeof(d->where), dc->s->source,
		   dc->item->line);
	if (sp->target && sp->target[0])
		config_set_string(&d->path, sp->target);
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

		config_describe_value(item, got, sizeof(got));
		return config_fail_at(a->err, a->errlen, s->source, item->line,
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
int config_key_disk(struct apply *a, const struct setting *s)
{
	if (config_value_is_off(&s->val))
		return 0;
	if (s->val.type == VAL_STRING)
		return disk_entry(a, s, &s->val);
	if (s->val.type != VAL_LIST)
		return config_want_type(a, s, VAL_LIST, " of disks");
	for (size_t i = 0; i < s->val.n_items; i++)
		if (disk_entry(a, s, &s->val.items[i]))
			return -1;
	return 0;
}