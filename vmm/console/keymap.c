// SPDX-License-Identifier: GPL-2.0
/*
 * Keysym -> PC scan code tables, built from XKB's description of a layout.
 *
 * For every key of the layout (XKB keycode = Linux evdev code + 8) and
 * every shift level of its first group, the keysyms of that level map to
 * the key's set-1 code plus the modifiers that select the level (Shift,
 * AltGr). When several keys give the same keysym the one with the fewest
 * modifiers wins, then the lowest evdev code (the main block before the
 * keypad). evdev -> set 1: Linux numbers the PC/AT keys in set-1 order
 * (codes 1..88 are the set-1 make codes 0x01..0x58); the keys after that
 * get their set-1 codes from a table (IBM PS/2 Technical Reference,
 * keyboard chapter; E0-prefixed keys as 0xE0xx).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xkbcommon/xkbcommon.h>

#include "devmodel/input/input.h"
#include "vmm/console/keymap.h"

/* Xen's/QEMU's keymap names (the files of QEMU's pc-bios/keymaps) and the
 * XKB layout(variant) each is. */
static const struct {
	const char *name, *layout, *variant;
} layouts[] = {
	{ "ar", "ara", "" },    { "bepo", "fr", "bepo" }, { "cz", "cz", "" },
	{ "da", "dk", "" },     { "de", "de", "" },       { "de-ch", "ch", "" },
	{ "en-gb", "gb", "" },  { "en-us", "us", "" },    { "es", "es", "" },
	{ "et", "ee", "" },     { "fi", "fi", "" },       { "fo", "fo", "" },
	{ "fr", "fr", "" },     { "fr-be", "be", "" },    { "fr-ca", "ca", "" },
	{ "fr-ch", "ch", "fr" }, { "hr", "hr", "" },      { "hu", "hu", "" },
	{ "is", "is", "" },     { "it", "it", "" },       { "ja", "jp", "" },
	{ "lt", "lt", "" },     { "lv", "lv", "" },       { "mk", "mk", "" },
	{ "nl", "nl", "" },     { "nl-be", "be", "" },    { "no", "no", "" },
	{ "pl", "pl", "" },     { "pt", "pt", "" },       { "pt-br", "br", "" },
	{ "ru", "ru", "" },     { "sl", "si", "" },       { "sv", "se", "" },
	{ "th", "th", "" },     { "tr", "tr", "" },
};

/* Linux evdev codes above 88 that a PC keyboard has, with their set-1
 * codes. */
static const struct {
	unsigned short evdev, set1;
} evdev_extra[] = {
	{ 86, 0x56 },    /* KEY_102ND: the ISO key left of Z */
	{ 87, 0x57 },    /* F11 */
	{ 88, 0x58 },    /* F12 */
	{ 89, 0x73 },    /* KEY_RO (Japanese) */
	{ 92, 0x79 },    /* KEY_HENKAN */
	{ 93, 0x70 },    /* KEY_KATAKANAHIRAGANA */
	{ 94, 0x7b },    /* KEY_MUHENKAN */
	{ 96, 0xe01c },  /* KEY_KPENTER */
	{ 97, 0xe01d },  /* KEY_RIGHTCTRL */
	{ 98, 0xe035 },  /* KEY_KPSLASH */
	{ 99, 0xe037 },  /* KEY_SYSRQ: Print Screen (Alt+it = SysRq) */
	{ 100, 0xe038 }, /* KEY_RIGHTALT (AltGr) */
	{ 102, 0xe047 }, /* KEY_HOME */
	{ 103, 0xe048 }, /* KEY_UP */
	{ 104, 0xe049 }, /* KEY_PAGEUP */
	{ 105, 0xe04b }, /* KEY_LEFT */
	{ 106, 0xe04d }, /* KEY_RIGHT */
	{ 107, 0xe04f }, /* KEY_END */
	{ 108, 0xe050 }, /* KEY_DOWN */
	{ 109, 0xe051 }, /* KEY_PAGEDOWN */
	{ 110, 0xe052 }, /* KEY_INSERT */
	{ 111, 0xe053 }, /* KEY_DELETE */
	{ 113, 0xe020 }, /* KEY_MUTE */
	{ 114, 0xe02e }, /* KEY_VOLUMEDOWN */
	{ 115, 0xe030 }, /* KEY_VOLUMEUP */
	{ 116, 0xe05e }, /* KEY_POWER */
	{ 117, 0x59 },   /* KEY_KPEQUAL */
	{ 119, INPUT_KEY_PAUSE }, /* KEY_PAUSE */
	{ 121, 0x7e },   /* KEY_KPCOMMA */
	{ 124, 0x7d },   /* KEY_YEN */
	{ 125, 0xe05b }, /* KEY_LEFTMETA */
	{ 126, 0xe05c }, /* KEY_RIGHTMETA */
	{ 127, 0xe05d }, /* KEY_COMPOSE: the Menu key */
	{ 142, 0xe05f }, /* KEY_SLEEP */
	{ 143, 0xe063 }, /* KEY_WAKEUP */
};

/* Keysyms clients send that the layout may not have on any key (a US
 * client's Alt_R on a layout whose right Alt is AltGr, Sys_Req and Break,
 * which XKB keeps on the Alt/Ctrl levels of Print and Pause). */
static const struct {
	uint32_t keysym;
	uint16_t set1;
} fallbacks[] = {
	{ XKB_KEY_Alt_R, 0xe038 },   { XKB_KEY_ISO_Level3_Shift, 0xe038 },
	{ XKB_KEY_Mode_switch, 0xe038 }, { XKB_KEY_Meta_L, 0x38 },
	{ XKB_KEY_Meta_R, 0xe038 },  { XKB_KEY_Super_L, 0xe05b },
	{ XKB_KEY_Super_R, 0xe05c }, { XKB_KEY_Menu, 0xe05d },
	{ XKB_KEY_Sys_Req, 0x54 },   { XKB_KEY_Break, 0xe046 },
	{ XKB_KEY_Print, 0xe037 },   { XKB_KEY_Pause, INPUT_KEY_PAUSE },
};

struct keymap_entry {
	uint32_t keysym;
	uint16_t code;
	uint8_t mods;
	uint16_t evdev;  /* while building: for the tie-break */
};

struct keymap {
	struct keymap_entry *entries;   /* sorted by keysym, one each */
	size_t nr;
};

uint16_t keymap_evdev_to_set1(unsigned evdev)
{
	if (evdev >= 1 && evdev <= 83)
		return (uint16_t)evdev;
	for (size_t i = 0; i < sizeof(evdev_extra) / sizeof(evdev_extra[0]); i++)
		if (evdev_extra[i].evdev == evdev)
			return evdev_extra[i].set1;
	return 0;
}

bool keymap_is_modifier(uint16_t code)
{
	switch (code) {
	case 0x2a: case 0x36:      /* Shift */
	case 0x1d: case 0xe01d:    /* Ctrl */
	case 0x38: case 0xe038:    /* Alt, AltGr */
	case 0xe05b: case 0xe05c:  /* Windows keys */
		return true;
	}
	return false;
}

static int popcount8(unsigned v)
{
	return __builtin_popcount(v);
}

/* Better candidate for the same keysym: fewer modifiers, then lower key. */
static bool better(const struct keymap_entry *a, const struct keymap_entry *b)
{
	if (popcount8(a->mods) != popcount8(b->mods))
		return popcount8(a->mods) < popcount8(b->mods);
	if (a->mods != b->mods)
		return a->mods < b->mods;   /* Shift before AltGr */
	return a->evdev < b->evdev;
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct keymap_entry *a = pa, *b = pb;

	if (a->keysym != b->keysym)
		return a->keysym < b->keysym ? -1 : 1;
	if (better(a, b))
		return -1;
	return better(b, a) ? 1 : 0;
}

/* The KEYMAP_* modifiers of a level, or -1 when the level needs others
 * (Ctrl, Alt ...) that a keysym does not imply. NumLock is ignored: the
 * keypad keys are the same keys either way and the guest keeps its own
 * NumLock state. */
static int level_mods(struct xkb_keymap *xkm, xkb_keycode_t kc,
		      xkb_level_index_t level)
{
	xkb_mod_mask_t masks[16];
	xkb_mod_mask_t shift = 1u << xkb_keymap_mod_get_index(xkm, XKB_MOD_NAME_SHIFT);
	xkb_mod_mask_t num = 1u << xkb_keymap_mod_get_index(xkm, XKB_MOD_NAME_NUM);
	xkb_mod_index_t l3i = xkb_keymap_mod_get_index(xkm, "Mod5");
	xkb_mod_mask_t l3 = l3i == XKB_MOD_INVALID ? 0 : 1u << l3i;
	size_t n = xkb_keymap_key_get_mods_for_level(xkm, kc, 0, level, masks, 16);
	int best = -1;

	if (level == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		xkb_mod_mask_t m = masks[i] & ~num;
		int mods = 0;

		if (m & ~(shift | l3))
			continue;
		if (m & shift)
			mods |= KEYMAP_SHIFT;
		if (m & l3)
			mods |= KEYMAP_ALTGR;
		if (best < 0 || popcount8(mods) < popcount8(best))
			best = mods;
	}
	return best;
}

static void add(struct keymap_entry **v, size_t *nr, size_t *cap,
		struct keymap_entry e)
{
	if (*nr == *cap) {
		*cap = *cap ? *cap * 2 : 512;
		*v = realloc(*v, *cap * sizeof(**v));
		if (!*v)
			abort();
	}
	(*v)[(*nr)++] = e;
}

struct keymap *keymap_new(const char *name, char *err, size_t errlen)
{
	const char *layout = NULL, *variant = NULL;
	struct xkb_context *ctx;
	struct xkb_keymap *xkm;
	struct keymap *km;
	struct keymap_entry *v = NULL;
	size_t nr = 0, cap = 0, out = 0;

	if (!name)
		name = "en-us";
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (!strcmp(layouts[i].name, name)) {
			layout = layouts[i].layout;
			variant = layouts[i].variant;
		}
	if (!layout) {
		snprintf(err, errlen, "keymap: unknown layout '%s' (en-us, en-gb, de, de-ch, fr, fr-be, fr-ch, es, it, pt, pt-br, nl, sv, no, da, fi, pl, ru, ja ...)",
			 name);
		return NULL;
	}
	/* No RMLVO from the environment: the table depends on the name only. */
	ctx = xkb_context_new(XKB_CONTEXT_NO_ENVIRONMENT_NAMES);
	if (!ctx) {
		snprintf(err, errlen, "keymap: cannot start libxkbcommon");
		return NULL;
	}
	xkb_context_set_log_verbosity(ctx, 0);
	const struct xkb_rule_names names = {
		.rules = "evdev", .model = "pc105",
		.layout = layout, .variant = variant, .options = "",
	};
	xkm = xkb_keymap_new_from_names(ctx, &names, XKB_KEYMAP_COMPILE_NO_FLAGS);
	if (!xkm) {
		xkb_context_unref(ctx);
		snprintf(err, errlen, "keymap: cannot compile the XKB layout %s%s%s%s for '%s' (is xkb-data installed?)",
			 layout, *variant ? "(" : "", variant, *variant ? ")" : "",
			 name);
		return NULL;
	}
	for (xkb_keycode_t kc = xkb_keymap_min_keycode(xkm);
	     kc <= xkb_keymap_max_keycode(xkm); kc++) {
		uint16_t code = kc >= 8 ? keymap_evdev_to_set1(kc - 8) : 0;
		xkb_level_index_t levels;

		if (!code)
			continue;
		levels = xkb_keymap_num_levels_for_key(xkm, kc, 0);
		for (xkb_level_index_t l = 0; l < levels; l++) {
			const xkb_keysym_t *syms;
			int n = xkb_keymap_key_get_syms_by_level(xkm, kc, 0, l, &syms);
			int mods = n > 0 ? level_mods(xkm, kc, l) : -1;

			if (mods < 0)
				continue;
			for (int s = 0; s < n; s++)
				add(&v, &nr, &cap, (struct keymap_entry){
					.keysym = syms[s], .code = code,
					.mods = (uint8_t)mods,
					.evdev = (uint16_t)(kc - 8) });
		}
	}
	xkb_keymap_unref(xkm);
	xkb_context_unref(ctx);
	for (size_t i = 0; i < sizeof(fallbacks) / sizeof(fallbacks[0]); i++)
		add(&v, &nr, &cap, (struct keymap_entry){
			.keysym = fallbacks[i].keysym, .code = fallbacks[i].set1,
			.evdev = 0xffff });
	qsort(v, nr, sizeof(*v), entry_cmp);
	/* Keep the best entry of each keysym (the first after sorting). */
	for (size_t i = 0; i < nr; i++)
		if (!out || v[out - 1].keysym != v[i].keysym)
			v[out++] = v[i];
	km = calloc(1, sizeof(*km));
	if (!km)
		abort();
	km->entries = v;
	km->nr = out;
	return km;
}

void keymap_free(struct keymap *km)
{
	if (!km)
		return;
	free(km->entries);
	free(km);
}

bool keymap_lookup(const struct keymap *km, uint32_t keysym,
		   struct keymap_key *key)
{
	size_t lo = 0, hi = km->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (km->entries[mid].keysym == keysym) {
			key->code = km->entries[mid].code;
			key->mods = km->entries[mid].mods;
			return true;
		}
		if (km->entries[mid].keysym < keysym)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}
