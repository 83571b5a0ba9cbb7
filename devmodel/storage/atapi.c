// SPDX-License-Identifier: GPL-2.0
/*
 * The SCSI/MMC command set of an ATAPI CD-ROM drive (atapi.h).
 * References:
 *  - SPC-3 (T10/1416-D): INQUIRY, REQUEST SENSE, TEST UNIT READY, MODE
 *    SENSE, fixed-format sense data (§4.5.3), sense keys (§4.5.6); the
 *    unit attention rules are SAM-3's "unit attention condition".
 *  - MMC-5 (T10/1675-D): the multimedia commands, features and profiles
 *    (GET CONFIGURATION §6.6, feature descriptors §5.3), GET EVENT STATUS
 *    NOTIFICATION, READ TOC/PMA/ATIP, READ DISC/TRACK INFORMATION,
 *    START STOP UNIT, PREVENT ALLOW MEDIUM REMOVAL, READ CD.
 *  - MMC-3 / SFF-8090: the CD/DVD capabilities and mechanical status mode
 *    page 2Ah, which Linux's sr still reads to learn what the drive does;
 *    SFF-8020i: the medium type codes of the mode parameter header.
 *
 * Model: a disc holds one complete session with one Mode 1 data track
 * starting at LBA 0 and covering the image (which is what an ISO 9660
 * image is), in 2048-byte blocks. A tray is opened and closed by the guest
 * (START STOP UNIT) or by the toolstack; a disc behind an open tray is
 * unreadable. The drive only ever reports the CD-ROM profile, whatever the
 * image size.
 *
 * Each command other than REQUEST SENSE starts by discarding the sense data
 * of the previous one: sense describes the last CHECK CONDITION only, as
 * hosts expect when they fetch it right after the failing command.
 */
#include <string.h>

#include "devmodel/storage/atapi.h"

#define CMD_TEST_UNIT_READY	0x00
#define CMD_REQUEST_SENSE	0x03
#define CMD_INQUIRY		0x12
#define CMD_MODE_SELECT_6	0x15
#define CMD_MODE_SENSE_6	0x1a
#define CMD_START_STOP_UNIT	0x1b
#define CMD_PREVENT_ALLOW	0x1e
#define CMD_READ_CAPACITY	0x25
#define CMD_READ_10		0x28
#define CMD_SEEK_10		0x2b
#define CMD_READ_SUBCHANNEL	0x42
#define CMD_READ_TOC		0x43
#define CMD_GET_CONFIGURATION	0x46
#define CMD_GET_EVENT_STATUS	0x4a
#define CMD_READ_DISC_INFO	0x51
#define CMD_READ_TRACK_INFO	0x52
#define CMD_MODE_SELECT_10	0x55
#define CMD_MODE_SENSE_10	0x5a
#define CMD_READ_12		0xa8
#define CMD_READ_CD_MSF		0xb9
#define CMD_SET_CD_SPEED	0xbb
#define CMD_MECHANISM_STATUS	0xbd
#define CMD_READ_CD		0xbe

/* MMC profiles. */
#define PROFILE_NONE		0x0000
#define PROFILE_CD_ROM		0x0008
#define PROFILE_DVD_ROM		0x0010

/* Q sub-channel ADR 1 (position data) with CONTROL 4 (data track,
 * recorded uninterrupted, digital copy prohibited): every TOC entry. */
#define ADR_CONTROL_DATA	0x14
#define LEAD_OUT_TRACK		0xaa
/* A CD's first track starts after a 2-second pregap: LBA 0 = 00:02:00,
 * 75 frames a second. */
#define MSF_FRAMES		75
#define MSF_PREGAP		150

/* Mode pages, and the page control field of MODE SENSE (SPC-3). */
#define MODE_PAGE_ERROR_RECOVERY 0x01
#define MODE_PAGE_CAPABILITIES	0x2a
#define MODE_PAGE_ALL		0x3f
#define PC_CURRENT		0
#define PC_CHANGEABLE		1
#define PC_DEFAULT		2
#define PC_SAVED		3
/* SFF-8020i optical medium type codes. */
#define MEDIUM_CD_DATA		0x01
#define MEDIUM_NO_DISC		0x70
#define MEDIUM_DOOR_OPEN	0x71

/* Loading mechanism "tray" in page 2Ah and the Removable Medium feature,
 * with the Eject, Lock and Lock State bits. */
#define MECH_TRAY		(1 << 5)
#define MECH_EJECT		(1 << 3)
#define MECH_LOCK_STATE		(1 << 1)
#define MECH_LOCK		(1 << 0)

/* The speed page 2Ah advertises: 24x, in kB/s (1x = 176.4 kB/s; Linux
 * divides by 176). Reads go as fast as the host allows anyway. */
#define CD_SPEED_KBS		(24 * 176)
#define READ_RETRY_COUNT	5

/* GESN notification class media (MMC-5), bit and class number. */
#define GESN_CLASS_MEDIA	4
#define GESN_NEA		0x80
#define MEDIA_STATUS_PRESENT	(1 << 1)
#define MEDIA_STATUS_DOOR_OPEN	(1 << 0)

/* --- helpers ---------------------------------------------------------------- */

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)p[0] << 8 | p[1];
}

static uint32_t get_be24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* M, S, F of an LBA. The minute field is a byte: addresses past 255:59:74
 * (images over about 2.3 GB, which no CD holds) saturate there. */
static void lba_to_msf(uint32_t lba, uint8_t msf[3])
{
	uint64_t f = (uint64_t)lba + MSF_PREGAP;

	if (f >= 256ull * 60 * MSF_FRAMES)
		f = 256ull * 60 * MSF_FRAMES - 1;
	msf[0] = f / (60 * MSF_FRAMES);
	msf[1] = f / MSF_FRAMES % 60;
	msf[2] = f % MSF_FRAMES;
}

/* A 4-byte address field of READ TOC or READ SUB-CHANNEL: an LBA, or with
 * MSF set a reserved byte followed by M, S, F. */
static void put_address(uint8_t *p, uint32_t lba, bool msf)
{
	if (msf) {
		p[0] = 0;
		lba_to_msf(lba, p + 1);
	} else {
		put_be32(p, lba);
	}
}

static bool disc_ready(const struct atapi_cdrom *cd)
{
	return cd->medium && !cd->tray_open;
}

static struct atapi_reply good(void)
{
	return (struct atapi_reply){ .action = ATAPI_GOOD };
}

static struct atapi_reply check(struct atapi_cdrom *cd, uint8_t key,
				uint8_t asc, uint8_t ascq)
{
	cd->sense_key = key;
	cd->asc = asc;
	cd->ascq = ascq;
	return (struct atapi_reply){ .action = ATAPI_CHECK_CONDITION };
}

static struct atapi_reply invalid_field(struct atapi_cdrom *cd)
{
	return check(cd, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB, 0);
}

static struct atapi_reply lba_out_of_range(struct atapi_cdrom *cd)
{
	return check(cd, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
}

/* NOT READY, MEDIUM NOT PRESENT; the qualifier tells an open tray apart,
 * which Linux's sr turns into CDS_TRAY_OPEN. */
static struct atapi_reply not_ready(struct atapi_cdrom *cd)
{
	return check(cd, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT,
		     cd->tray_open ? ASCQ_TRAY_OPEN : 0);
}

/* LEN bytes of buf were built; the host gets no more than its allocation
 * length asked for (SPC-3: truncation is not an error). Nothing to send is
 * plain GOOD, so the transport never starts an empty data phase. */
static struct atapi_reply data_in(uint32_t len, uint32_t alloc)
{
	if (len > alloc)
		len = alloc;
	if (len > ATAPI_REPLY_MAX)
		len = ATAPI_REPLY_MAX;
	if (!len)
		return good();
	return (struct atapi_reply){ .action = ATAPI_DATA_IN, .len = len };
}

/* The tray opens: what was loaded is gone for the host, and a pending
 * "medium changed" no longer matters. */
static void open_tray(struct atapi_cdrom *cd)
{
	if (cd->tray_open)
		return;
	cd->tray_open = true;
	cd->unit_attention = false;
	if (cd->medium)
		cd->media_event = MEC_MEDIA_REMOVAL;
}

/* A disc becomes readable: the not ready to ready transition every host
 * learns of through UNIT ATTENTION 28/00 and GESN's new media event. */
static void disc_arrived(struct atapi_cdrom *cd)
{
	cd->unit_attention = true;
	cd->media_event = MEC_NEW_MEDIA;
}

static void close_tray(struct atapi_cdrom *cd)
{
	if (!cd->tray_open)
		return;
	cd->tray_open = false;
	if (cd->medium)
		disc_arrived(cd);
}

/* --- state from outside ------------------------------------------------------ */

void atapi_init(struct atapi_cdrom *cd, struct block_backend *medium)
{
	memset(cd, 0, sizeof(*cd));
	cd->medium = medium;
}

void atapi_reset(struct atapi_cdrom *cd)
{
	cd->sense_key = SENSE_NONE;
	cd->asc = 0;
	cd->ascq = 0;
	cd->locked = false;
}

void atapi_set_medium_error(struct atapi_cdrom *cd)
{
	check(cd, SENSE_MEDIUM_ERROR, ASC_UNRECOVERED_READ_ERROR, 0);
}

/* A disc behind an open tray cannot be read: capacity 0, like no disc. */
uint32_t atapi_capacity(const struct atapi_cdrom *cd)
{
	uint64_t blocks;

	if (!disc_ready(cd))
		return 0;
	blocks = (block_size(cd->medium) + ATAPI_BLOCK_SIZE - 1) /
		 ATAPI_BLOCK_SIZE;
	return blocks > UINT32_MAX ? UINT32_MAX : blocks;
}

/* The toolstack's change is forced, lock or not: it is how a user gets a
 * disc out of a guest that never unlocks. */
void atapi_change_medium(struct atapi_cdrom *cd, struct block_backend *medium)
{
	bool had_disc = disc_ready(cd);

	cd->medium = medium;
	if (medium) {
		cd->tray_open = false;	/* loading a disc closes the tray */
		disc_arrived(cd);
	} else {
		cd->unit_attention = false;
		if (had_disc)
			cd->media_event = MEC_MEDIA_REMOVAL;
	}
}

bool atapi_eject_button(struct atapi_cdrom *cd)
{
	if (cd->tray_open)
		return true;
	if (cd->locked) {
		cd->eject_request_event = true;
		return false;
	}
	open_tray(cd);
	return true;
}

/* --- SPC commands ------------------------------------------------------------ */

static struct atapi_reply cmd_test_unit_ready(struct atapi_cdrom *cd)
{
	return disc_ready(cd) ? good() : not_ready(cd);
}

/* Fixed-format sense data (SPC-3 §4.5.3): current error, ASC/ASCQ at 12/13,
 * additional sense length 10. Reporting clears it. */
static struct atapi_reply cmd_request_sense(struct atapi_cdrom *cd,
					    const uint8_t *p, uint8_t *buf)
{
	if (p[1] & 0x01)	/* DESC: descriptor format, not supported */
		return invalid_field(cd);
	memset(buf, 0, 18);
	buf[0] = 0x70;
	buf[2] = cd->sense_key;
	buf[7] = 10;
	buf[12] = cd->asc;
	buf[13] = cd->ascq;
	cd->sense_key = SENSE_NONE;
	cd->asc = 0;
	cd->ascq = 0;
	return data_in(18, p[4]);
}

static void put_padded(uint8_t *dst, const char *s, size_t width)
{
	size_t n = strlen(s);

	memset(dst, ' ', width);
	memcpy(dst, s, n < width ? n : width);
}

/* Standard INQUIRY data: peripheral device type 5 (CD/DVD device), RMB,
 * version 5 (SPC-3), response data format 2. No vital product data pages:
 * EVPD (and a page code without it) is an invalid field. The allocation
 * length is 16 bits since SPC-3; older hosts leave byte 3 zero. */
static struct atapi_reply cmd_inquiry(struct atapi_cdrom *cd, const uint8_t *p,
				      uint8_t *buf)
{
	if ((p[1] & 0x01) || p[2])
		return invalid_field(cd);
	memset(buf, 0, 36);
	buf[0] = 0x05;
	buf[1] = 0x80;
	buf[2] = 0x05;
	buf[3] = 0x02;
	buf[4] = 36 - 5;
	put_padded(buf + 8, "VMM", 8);
	put_padded(buf + 16, "VMM DVD-ROM", 16);
	put_padded(buf + 32, "1.0", 4);
	return data_in(36, get_be16(p + 3));
}

/* Read error recovery parameters (page 01h): defaults, nothing
 * changeable. */
static unsigned mode_page_error_recovery(uint8_t *pg, unsigned pc)
{
	memset(pg, 0, 12);
	pg[0] = MODE_PAGE_ERROR_RECOVERY;
	pg[1] = 12 - 2;
	if (pc != PC_CHANGEABLE)
		pg[3] = READ_RETRY_COUNT;
	return 12;
}

/*
 * CD/DVD capabilities and mechanical status (page 2Ah, MMC-3 layout, no
 * write speed descriptors). Linux's sr builds its capability mask from
 * bytes 2-6: reads CD-R, CD-RW and DVD-ROM, writes nothing, no audio
 * play, tray loading with eject and lock; Lock State shows PREVENT ALLOW
 * MEDIUM REMOVAL in the current values only.
 */
static unsigned mode_page_capabilities(const struct atapi_cdrom *cd,
				       uint8_t *pg, unsigned pc)
{
	memset(pg, 0, 32);
	pg[0] = MODE_PAGE_CAPABILITIES;
	pg[1] = 32 - 2;
	if (pc == PC_CHANGEABLE)
		return 32;
	pg[2] = 0x08 | 0x02 | 0x01;	/* DVD-ROM, CD-RW, CD-R read */
	pg[6] = MECH_TRAY | MECH_EJECT | MECH_LOCK;
	if (pc == PC_CURRENT && cd->locked)
		pg[6] |= MECH_LOCK_STATE;
	put_be16(pg + 8, CD_SPEED_KBS);		/* maximum read speed */
	put_be16(pg + 12, 512);			/* buffer size, KiB */
	put_be16(pg + 14, CD_SPEED_KBS);	/* current read speed */
	return 32;
}

static uint8_t medium_type(const struct atapi_cdrom *cd)
{
	if (cd->tray_open)
		return MEDIUM_DOOR_OPEN;
	return cd->medium ? MEDIUM_CD_DATA : MEDIUM_NO_DISC;
}

/*
 * MODE SENSE(6) and (10): a header without block descriptors (MMC drives
 * have none), then the page asked for or all of them (3Fh). Saved values
 * are not implemented (SPC-3: SAVING PARAMETERS NOT SUPPORTED).
 */
static struct atapi_reply cmd_mode_sense(struct atapi_cdrom *cd,
					 const uint8_t *p, uint8_t *buf)
{
	bool ten = p[0] == CMD_MODE_SENSE_10;
	unsigned hdr = ten ? 8 : 4;
	unsigned pc = p[2] >> 6, page = p[2] & 0x3f, subpage = p[3];
	uint32_t alloc = ten ? get_be16(p + 7) : p[4];
	unsigned n = hdr;

	if (pc == PC_SAVED)
		return check(cd, SENSE_ILLEGAL_REQUEST,
			     ASC_SAVING_PARAMETERS_NOT_SUPPORTED, 0);
	if (subpage && !(page == MODE_PAGE_ALL && subpage == 0xff))
		return invalid_field(cd);
	switch (page) {
	case MODE_PAGE_ERROR_RECOVERY:
		n += mode_page_error_recovery(buf + n, pc);
		break;
	case MODE_PAGE_CAPABILITIES:
		n += mode_page_capabilities(cd, buf + n, pc);
		break;
	case MODE_PAGE_ALL:
		n += mode_page_error_recovery(buf + n, pc);
		n += mode_page_capabilities(cd, buf + n, pc);
		break;
	default:
		return invalid_field(cd);
	}
	memset(buf, 0, hdr);
	if (ten) {
		put_be16(buf, n - 2);
		buf[2] = medium_type(cd);
	} else {
		buf[0] = n - 1;
		buf[1] = medium_type(cd);
	}
	return data_in(n, alloc);
}

/*
 * START STOP UNIT (LoEj, Start): 10b opens the tray unless PREVENT ALLOW
 * MEDIUM REMOVAL locked it, 11b closes it. Spinning up or down and power
 * conditions have nothing to do.
 */
static struct atapi_reply cmd_start_stop(struct atapi_cdrom *cd,
					 const uint8_t *p)
{
	bool loej = p[4] & 0x02, start = p[4] & 0x01;

	if ((p[4] >> 4) || !loej)
		return good();
	if (start) {
		close_tray(cd);
		return good();
	}
	if (cd->tray_open)
		return good();
	if (cd->locked)
		return check(cd, SENSE_ILLEGAL_REQUEST,
			     ASC_MEDIUM_REMOVAL_PREVENTED,
			     ASCQ_REMOVAL_PREVENTED);
	open_tray(cd);
	return good();
}

/* The Prevent field's low bit locks; the persistent variants (1xb) are
 * taken for the plain ones. */
static struct atapi_reply cmd_prevent_allow(struct atapi_cdrom *cd,
					    const uint8_t *p)
{
	cd->locked = p[4] & 0x01;
	return good();
}

/* --- block access ------------------------------------------------------------ */

static struct atapi_reply cmd_read_capacity(struct atapi_cdrom *cd,
					    uint8_t *buf)
{
	uint32_t cap = atapi_capacity(cd);

	if (!disc_ready(cd))
		return not_ready(cd);
	put_be32(buf, cap ? cap - 1 : 0);
	put_be32(buf + 4, ATAPI_BLOCK_SIZE);
	return data_in(8, 8);
}

/* Blocks [lba, lba + n) must lie on the disc; n = 0 reads nothing and is
 * no error. */
static struct atapi_reply read_blocks(struct atapi_cdrom *cd, uint32_t lba,
				      uint32_t n)
{
	if (!disc_ready(cd))
		return not_ready(cd);
	if ((uint64_t)lba + n > atapi_capacity(cd))
		return lba_out_of_range(cd);
	if (!n)
		return good();
	return (struct atapi_reply){ .action = ATAPI_READ, .lba = lba,
				     .nblocks = n };
}

/*
 * READ CD and READ CD MSF (MMC-5) for what this drive has: user data of a
 * Mode 1 track. Expected sector type "any" or Mode 1; CD-DA and the Mode 2
 * types are ILLEGAL MODE FOR THIS TRACK. Byte 9 must select user data
 * alone (10h) or nothing (00h: no transfer); sync, headers, EDC/ECC, C2
 * and sub-channel data are not kept in an image.
 */
static struct atapi_reply read_cd(struct atapi_cdrom *cd, const uint8_t *p,
				  uint32_t lba, uint32_t n)
{
	unsigned type = (p[1] >> 2) & 7;

	if (!disc_ready(cd))
		return not_ready(cd);
	if (type != 0 && type != 2)
		return check(cd, SENSE_ILLEGAL_REQUEST,
			     ASC_ILLEGAL_MODE_FOR_TRACK, 0);
	if ((p[9] != 0x10 && p[9] != 0x00) || (p[10] & 0x07))
		return invalid_field(cd);
	if (!p[9])
		n = 0;
	return read_blocks(cd, lba, n);
}

static struct atapi_reply cmd_read_cd_msf(struct atapi_cdrom *cd,
					  const uint8_t *p)
{
	uint32_t start = (p[3] * 60u + p[4]) * MSF_FRAMES + p[5];
	uint32_t end = (p[6] * 60u + p[7]) * MSF_FRAMES + p[8];

	/* The ending address is excluded; the pregap before 00:02:00 is
	 * not on an image. */
	if (start > end)
		return invalid_field(cd);
	if (start < MSF_PREGAP && disc_ready(cd))
		return lba_out_of_range(cd);
	return read_cd(cd, p, start - MSF_PREGAP, end - start);
}

static struct atapi_reply cmd_seek(struct atapi_cdrom *cd, const uint8_t *p)
{
	if (!disc_ready(cd))
		return not_ready(cd);
	if (get_be32(p + 2) >= atapi_capacity(cd))
		return lba_out_of_range(cd);
	return good();
}

/* --- MMC disc structure ------------------------------------------------------ */

/* An 8-byte TOC track descriptor. */
static unsigned toc_track(uint8_t *d, uint8_t track, uint32_t lba, bool msf)
{
	memset(d, 0, 8);
	d[1] = ADR_CONTROL_DATA;
	d[2] = track;
	put_address(d + 4, lba, msf);
	return 8;
}

/* An 11-byte raw TOC (format 2) descriptor of session 1: POINT and its
 * PMIN/PSEC/PFRAME; the ATIME fields are zero. */
static unsigned full_toc_entry(uint8_t *d, uint8_t point, const uint8_t pm[3])
{
	memset(d, 0, 11);
	d[0] = 1;
	d[1] = ADR_CONTROL_DATA;
	d[3] = point;
	memcpy(d + 8, pm, 3);
	return 11;
}

/*
 * READ TOC/PMA/ATIP: format 0 (TOC: track 1 at LBA 0, lead-out AAh at the
 * capacity), 1 (session information), 2 (raw TOC, always MSF: A0h first
 * track, A1h last track, A2h lead-out, then track 1). Hosts written for
 * SFF-8020i put the format in the two top bits of the control byte; they
 * are honoured when the format field is zero. PMA, ATIP and CD-TEXT are
 * for recordable media and not here.
 */
static struct atapi_reply cmd_read_toc(struct atapi_cdrom *cd,
				       const uint8_t *p, uint8_t *buf)
{
	bool msf = p[1] & 0x02;
	unsigned format = p[2] & 0x0f, track = p[6];
	uint32_t cap = atapi_capacity(cd);
	uint8_t pm[3];
	unsigned n = 4;

	if (!format)
		format = p[9] >> 6;
	if (!disc_ready(cd))
		return not_ready(cd);
	memset(buf, 0, 4);
	buf[2] = 1;
	buf[3] = 1;
	switch (format) {
	case 0:
		if (track > 1 && track != LEAD_OUT_TRACK)
			return invalid_field(cd);
		if (track <= 1)
			n += toc_track(buf + n, 1, 0, msf);
		n += toc_track(buf + n, LEAD_OUT_TRACK, cap, msf);
		break;
	case 1:
		/* same layout: the first track of the last session */
		n += toc_track(buf + n, 1, 0, msf);
		break;
	case 2:
		if (track > 1)
			return invalid_field(cd);
		/* A0h: first track 1, disc type 00h (CD-DA or CD-ROM);
		 * A1h: last track 1 */
		memset(pm, 0, sizeof(pm));
		pm[0] = 1;
		n += full_toc_entry(buf + n, 0xa0, pm);
		n += full_toc_entry(buf + n, 0xa1, pm);
		lba_to_msf(cap, pm);
		n += full_toc_entry(buf + n, 0xa2, pm);
		lba_to_msf(0, pm);
		n += full_toc_entry(buf + n, 1, pm);
		break;
	default:
		return invalid_field(cd);
	}
	put_be16(buf, n - 2);
	return data_in(n, get_be16(p + 7));
}

/*
 * READ DISC INFORMATION, standard disc information: a complete
 * (finalized) disc whose last session is complete, one session, track 1
 * only, disc type CD-DA or CD-ROM; the lead-in and lead-out start fields
 * are FFFFFFFFh as for any complete disc.
 */
static struct atapi_reply cmd_read_disc_info(struct atapi_cdrom *cd,
					     const uint8_t *p, uint8_t *buf)
{
	if (p[1] & 0x07)	/* only the standard data type */
		return invalid_field(cd);
	if (!disc_ready(cd))
		return not_ready(cd);
	memset(buf, 0, 34);
	put_be16(buf, 34 - 2);
	buf[2] = 0x0e;		/* last session complete, disc complete */
	buf[3] = 1;		/* first track on the disc */
	buf[4] = 1;		/* sessions */
	buf[5] = 1;		/* first track in the last session */
	buf[6] = 1;		/* last track in the last session */
	buf[8] = 0x00;		/* disc type: CD-DA or CD-ROM */
	put_be32(buf + 16, 0xffffffff);
	put_be32(buf + 20, 0xffffffff);
	return data_in(34, get_be16(p + 7));
}

/*
 * READ TRACK INFORMATION for track 1, named by an LBA in it (type 0), its
 * number (1) or its session (2): a complete data track, Mode 1, the whole
 * disc long; nothing is writable, so NWA and LRA are not valid.
 */
static struct atapi_reply cmd_read_track_info(struct atapi_cdrom *cd,
					      const uint8_t *p, uint8_t *buf)
{
	uint32_t v = get_be32(p + 2), cap = atapi_capacity(cd);

	if (!disc_ready(cd))
		return not_ready(cd);
	switch (p[1] & 0x03) {
	case 0:
		if (v >= cap)
			return lba_out_of_range(cd);
		break;
	case 1:
	case 2:
		if (v != 1)
			return invalid_field(cd);
		break;
	default:
		return invalid_field(cd);
	}
	memset(buf, 0, 48);
	put_be16(buf, 48 - 2);
	buf[2] = 1;		/* track */
	buf[3] = 1;		/* session */
	buf[5] = 0x04;		/* track mode: data, uninterrupted */
	buf[6] = 0x01;		/* data mode 1 */
	put_be32(buf + 24, cap);	/* track size */
	return data_in(48, get_be16(p + 7));
}

/*
 * READ SUB-CHANNEL: no audio is ever played (audio status 15h, "no current
 * audio status"). With SubQ the current position is the start of track 1;
 * the disc has no media catalogue number and the track no ISRC.
 */
static struct atapi_reply cmd_read_subchannel(struct atapi_cdrom *cd,
					      const uint8_t *p, uint8_t *buf)
{
	bool msf = p[1] & 0x02, subq = p[2] & 0x40;
	unsigned n = 4;

	if (!disc_ready(cd))
		return not_ready(cd);
	memset(buf, 0, 24);
	buf[1] = 0x15;
	if (subq) {
		switch (p[3]) {
		case 1:		/* current position */
			buf[5] = ADR_CONTROL_DATA;
			buf[6] = 1;	/* track */
			buf[7] = 1;	/* index */
			put_address(buf + 8, 0, msf);
			/* track-relative address 0: 00:00:00 in MSF */
			n = 16;
			break;
		case 2:		/* media catalogue number: MCVal 0 */
			n = 24;
			break;
		case 3:		/* ISRC of track p[6]: TCVal 0 */
			if (p[6] != 1)
				return invalid_field(cd);
			buf[5] = ADR_CONTROL_DATA;
			buf[6] = 1;
			n = 24;
			break;
		default:
			return invalid_field(cd);
		}
		buf[4] = p[3];
	}
	put_be16(buf + 2, n - 4);
	return data_in(n, get_be16(p + 7));
}

/* --- MMC features and events -------------------------------------------------- */

struct feature {
	uint16_t code;
	uint8_t flags;		/* version << 2 | persistent | current */
	uint8_t len;		/* additional length */
	uint8_t data[8];
};

#define F_CURRENT	0x01
#define F_PERSISTENT	0x02
#define F_VERSION(v)	((v) << 2)

/* The features of this drive (MMC-5 §5.3), in code order. */
static unsigned drive_features(const struct atapi_cdrom *cd,
			       struct feature *f)
{
	uint8_t disc = disc_ready(cd) ? F_CURRENT : 0;
	unsigned n = 0;

	/* Profile List: DVD-ROM is named (the drive reads both kinds) but a
	 * disc is always presented as a CD-ROM. */
	f[n] = (struct feature){ 0x0000, F_PERSISTENT | F_CURRENT, 8, { 0 } };
	put_be16(f[n].data, PROFILE_DVD_ROM);
	put_be16(f[n].data + 4, PROFILE_CD_ROM);
	f[n].data[6] = disc;			/* CurrentP */
	n++;
	/* Core, version 2: physical interface ATAPI; no device busy events,
	 * no INQ2. */
	f[n] = (struct feature){ 0x0001, F_VERSION(2) | F_PERSISTENT |
				 F_CURRENT, 8, { 0 } };
	put_be32(f[n].data, 2);
	n++;
	/* Morphing, version 1: polled GESN only, no operational change
	 * events. */
	f[n++] = (struct feature){ 0x0002, F_VERSION(1) | F_PERSISTENT |
				   F_CURRENT, 4, { 0 } };
	/* Removable Medium: tray, eject, lock. */
	f[n++] = (struct feature){ 0x0003, F_PERSISTENT | F_CURRENT, 4,
				   { MECH_TRAY | MECH_EJECT | MECH_LOCK } };
	/* Random Readable: 2048-byte blocks, blocking 1, no error recovery
	 * page requirement (PP 0). */
	f[n] = (struct feature){ 0x0010, disc, 8, { 0 } };
	put_be32(f[n].data, ATAPI_BLOCK_SIZE);
	put_be16(f[n].data + 4, 1);
	n++;
	/* CD Read: READ CD and READ CD MSF (user data); no C2, no CD-Text. */
	f[n++] = (struct feature){ 0x001e, disc, 4, { 0 } };
	return n;
}

/*
 * GET CONFIGURATION (MMC-5 §6.6): the feature header (data length counts
 * everything after itself, also when the allocation length cuts the
 * reply; current profile CD-ROM with a readable disc, none without), then
 * the features from the starting one on: all (RT 0), the current ones
 * (RT 1), or that one only (RT 2).
 */
static struct atapi_reply cmd_get_configuration(struct atapi_cdrom *cd,
						const uint8_t *p, uint8_t *buf)
{
	unsigned rt = p[1] & 0x03, start = get_be16(p + 2);
	struct feature f[8];
	unsigned nf, i, n = 8;

	if (rt == 3)
		return invalid_field(cd);
	nf = drive_features(cd, f);
	memset(buf, 0, 8);
	put_be16(buf + 6, disc_ready(cd) ? PROFILE_CD_ROM : PROFILE_NONE);
	for (i = 0; i < nf; i++) {
		if (f[i].code < start || (rt == 2 && f[i].code != start) ||
		    (rt == 1 && !(f[i].flags & F_CURRENT)))
			continue;
		put_be16(buf + n, f[i].code);
		buf[n + 2] = f[i].flags;
		buf[n + 3] = f[i].len;
		memcpy(buf + n + 4, f[i].data, f[i].len);
		n += 4 + f[i].len;
	}
	put_be32(buf, n - 4);
	return data_in(n, get_be16(p + 7));
}

/* The media event to report now: a disc change first, then a pending
 * eject request. */
static uint8_t next_media_event(const struct atapi_cdrom *cd)
{
	if (cd->media_event != MEC_NO_CHANGE)
		return cd->media_event;
	return cd->eject_request_event ? MEC_EJECT_REQUEST : MEC_NO_CHANGE;
}

static void consume_media_event(struct atapi_cdrom *cd, uint8_t code)
{
	if (code == MEC_EJECT_REQUEST)
		cd->eject_request_event = false;
	else
		cd->media_event = MEC_NO_CHANGE;
}

/*
 * GET EVENT STATUS NOTIFICATION, polled only (asynchronous reporting is
 * an invalid field), media class only. The header's event data length
 * counts the bytes after the 4-byte header (0 with NEA). An event is
 * consumed when its byte reaches the host: one cut off by a short
 * allocation length is reported again.
 */
static struct atapi_reply cmd_get_event_status(struct atapi_cdrom *cd,
					       const uint8_t *p, uint8_t *buf)
{
	uint32_t alloc = get_be16(p + 7);
	uint8_t code;

	if (!(p[1] & 0x01))
		return invalid_field(cd);
	memset(buf, 0, 8);
	buf[3] = 1 << GESN_CLASS_MEDIA;		/* supported classes */
	if (!(p[4] & (1 << GESN_CLASS_MEDIA))) {
		buf[2] = GESN_NEA;
		return data_in(4, alloc);
	}
	code = next_media_event(cd);
	buf[1] = 4;
	buf[2] = GESN_CLASS_MEDIA;
	buf[4] = code;
	if (cd->tray_open)
		buf[5] = MEDIA_STATUS_DOOR_OPEN;
	else if (cd->medium)
		buf[5] = MEDIA_STATUS_PRESENT;
	if (code != MEC_NO_CHANGE && alloc > 4)
		consume_media_event(cd, code);
	return data_in(8, alloc);
}

/* MECHANISM STATUS: the 8-byte header of a drive that is no changer: idle,
 * door open or not, no slot tables. */
static struct atapi_reply cmd_mechanism_status(struct atapi_cdrom *cd,
					       const uint8_t *p, uint8_t *buf)
{
	memset(buf, 0, 8);
	if (cd->tray_open)
		buf[1] = 0x10;
	return data_in(8, get_be16(p + 8));
}

/* --- dispatch ------------------------------------------------------------------ */

/* The commands a pending unit attention does not stop: INQUIRY and
 * REQUEST SENSE (SAM-3; REQUEST SENSE reports the sense data of the last
 * command and keeps the unit attention, the first of the two choices the
 * standard allows), and GET CONFIGURATION and GET EVENT STATUS
 * NOTIFICATION, which MMC requires to work through one. */
static bool passes_unit_attention(uint8_t opcode)
{
	switch (opcode) {
	case CMD_INQUIRY:
	case CMD_REQUEST_SENSE:
	case CMD_GET_CONFIGURATION:
	case CMD_GET_EVENT_STATUS:
		return true;
	default:
		return false;
	}
}

struct atapi_reply atapi_execute(struct atapi_cdrom *cd,
				 const uint8_t packet[ATAPI_PACKET_SIZE],
				 uint8_t *buf)
{
	const uint8_t *p = packet;

	if (p[0] != CMD_REQUEST_SENSE)
		check(cd, SENSE_NONE, 0, 0);
	if (cd->unit_attention && !passes_unit_attention(p[0])) {
		cd->unit_attention = false;
		return check(cd, SENSE_UNIT_ATTENTION,
			     ASC_MEDIUM_MAY_HAVE_CHANGED, 0);
	}

	switch (p[0]) {
	case CMD_TEST_UNIT_READY:
		return cmd_test_unit_ready(cd);
	case CMD_REQUEST_SENSE:
		return cmd_request_sense(cd, p, buf);
	case CMD_INQUIRY:
		return cmd_inquiry(cd, p, buf);
	case CMD_MODE_SENSE_6:
	case CMD_MODE_SENSE_10:
		return cmd_mode_sense(cd, p, buf);
	case CMD_START_STOP_UNIT:
		return cmd_start_stop(cd, p);
	case CMD_PREVENT_ALLOW:
		return cmd_prevent_allow(cd, p);
	case CMD_READ_CAPACITY:
		return cmd_read_capacity(cd, buf);
	case CMD_READ_10:
		return read_blocks(cd, get_be32(p + 2), get_be16(p + 7));
	case CMD_READ_12:
		return read_blocks(cd, get_be32(p + 2), get_be32(p + 6));
	case CMD_READ_CD:
		return read_cd(cd, p, get_be32(p + 2), get_be24(p + 6));
	case CMD_READ_CD_MSF:
		return cmd_read_cd_msf(cd, p);
	case CMD_SEEK_10:
		return cmd_seek(cd, p);
	case CMD_READ_SUBCHANNEL:
		return cmd_read_subchannel(cd, p, buf);
	case CMD_READ_TOC:
		return cmd_read_toc(cd, p, buf);
	case CMD_GET_CONFIGURATION:
		return cmd_get_configuration(cd, p, buf);
	case CMD_GET_EVENT_STATUS:
		return cmd_get_event_status(cd, p, buf);
	case CMD_READ_DISC_INFO:
		return cmd_read_disc_info(cd, p, buf);
	case CMD_READ_TRACK_INFO:
		return cmd_read_track_info(cd, p, buf);
	case CMD_MECHANISM_STATUS:
		return cmd_mechanism_status(cd, p, buf);
	case CMD_SET_CD_SPEED:
		return good();
	/*
	 * MODE SELECT carries a parameter list to the drive, and the
	 * transport has no data-out phase for us; nothing is changeable
	 * anyway (the changeable values of every page are zero), so it is
	 * not supported, as an unknown opcode is.
	 */
	case CMD_MODE_SELECT_6:
	case CMD_MODE_SELECT_10:
	default:
		return check(cd, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE, 0);
	}
}
