// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the ATAPI CD-ROM command set (devmodel/storage/atapi.c):
 * packets in, replies and sense data out, with real image files opened
 * read-only through devmodel/block as the discs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "devmodel/block/block.h"
#include "devmodel/storage/atapi.h"

/* 3 000 000 bytes: 1464 full blocks and a partial one, 1465 in all. */
#define DISC_BYTES	3000000
#define DISC_BLOCKS	1465
#define DISC2_BYTES	(512 * ATAPI_BLOCK_SIZE)

struct fixture {
	char path[2][32];
	struct block_backend *disc, *disc2;
	struct atapi_cdrom cd;
	uint8_t buf[ATAPI_REPLY_MAX];
};

static struct block_backend *make_image(char *path, off_t size)
{
	char err[256];
	struct block_backend *b;
	int fd;

	strcpy(path, "/tmp/test-atapi-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, size), 0);
	close(fd);
	b = block_open(path, true, err, sizeof(err));
	if (!b)
		fail_msg("%s", err);
	return b;
}

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	f.disc = make_image(f.path[0], DISC_BYTES);
	f.disc2 = make_image(f.path[1], DISC2_BYTES);
	atapi_init(&f.cd, f.disc);
	*state = &f;
	return 0;
}

static int setup_empty(void **state)
{
	struct fixture *f;

	setup(state);
	f = *state;
	atapi_init(&f->cd, NULL);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	block_close(f->disc);
	block_close(f->disc2);
	unlink(f->path[0]);
	unlink(f->path[1]);
	return 0;
}

/* Run one packet; the buffer is poisoned first so that every byte a test
 * looks at was written by the command. Bytes past reply.len may be built
 * too: the transport never sends them, so tests check the length only. */
static struct atapi_reply exec(struct fixture *f, const uint8_t *packet)
{
	memset(f->buf, 0xcc, sizeof(f->buf));
	return atapi_execute(&f->cd, packet, f->buf);
}

#define CMD(f, ...) exec(f, (const uint8_t[ATAPI_PACKET_SIZE]){ __VA_ARGS__ })

static uint16_t be16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void expect_good(struct atapi_reply r)
{
	assert_int_equal(r.action, ATAPI_GOOD);
}

static void expect_data(struct atapi_reply r, uint32_t len)
{
	assert_int_equal(r.action, ATAPI_DATA_IN);
	assert_int_equal(r.len, len);
}

/* REQUEST SENSE as a host sends it after CHECK CONDITION. */
static void expect_sense(struct fixture *f, uint8_t key, uint8_t asc,
			 uint8_t ascq)
{
	struct atapi_reply r = CMD(f, 0x03, 0, 0, 0, 18);

	expect_data(r, 18);
	assert_int_equal(f->buf[0], 0x70);
	assert_int_equal(f->buf[2], key);
	assert_int_equal(f->buf[7], 10);
	assert_int_equal(f->buf[12], asc);
	assert_int_equal(f->buf[13], ascq);
}

static void expect_cc(struct fixture *f, struct atapi_reply r, uint8_t key,
			 uint8_t asc, uint8_t ascq)
{
	assert_int_equal(r.action, ATAPI_CHECK_CONDITION);
	expect_sense(f, key, asc, ascq);
}

static void expect_invalid_field(struct fixture *f, struct atapi_reply r)
{
	expect_cc(f, r, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB, 0);
}

/* GESN for the media class: returns the event code, checks the header. */
static uint8_t gesn_media(struct fixture *f, uint8_t *status)
{
	struct atapi_reply r = CMD(f, 0x4a, 0x01, 0, 0, 0x10, 0, 0, 0, 8);

	expect_data(r, 8);
	assert_int_equal(be16(f->buf), 4);
	assert_int_equal(f->buf[2], 4);		/* class media, NEA clear */
	assert_int_equal(f->buf[3], 0x10);	/* supports media */
	assert_int_equal(f->buf[6], 0);
	assert_int_equal(f->buf[7], 0);
	*status = f->buf[5];
	return f->buf[4] & 0x0f;
}

/* --- SPC ---------------------------------------------------------------- */

static void test_unit_ready_with_disc(void **state)
{
	struct fixture *f = *state;

	/* A disc present at power-on raises no unit attention. */
	expect_good(CMD(f, 0x00));
	expect_good(CMD(f, 0x00));
	expect_sense(f, SENSE_NONE, 0, 0);
	assert_int_equal(atapi_capacity(&f->cd), DISC_BLOCKS);
}

static void empty_drive_not_ready(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(atapi_capacity(&f->cd), 0);
	expect_cc(f, CMD(f, 0x00), SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 0);
	/* REQUEST SENSE cleared it */
	expect_sense(f, SENSE_NONE, 0, 0);
	expect_cc(f, CMD(f, 0x25), SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 0);
	expect_cc(f, CMD(f, 0x28, 0, 0, 0, 0, 0, 0, 0, 1),
		     SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 0);
	expect_cc(f, CMD(f, 0xa8, 0, 0, 0, 0, 0, 0, 0, 0, 1),
		     SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 0);
	expect_cc(f, CMD(f, 0x43, 0, 0, 0, 0, 0, 0, 0, 12),
		     SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 0);
	expect_cc(f, CMD(f, 0x51, 0, 0, 0, 0, 0, 0, 0, 34),
		     SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 0);
	expect_cc(f, CMD(f, 0x52, 1, 0, 0, 0, 1, 0, 0, 48),
		     SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 0);
	expect_cc(f, CMD(f, 0x2b), SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 0);
	expect_cc(f, CMD(f, 0x42, 0, 0x40, 1, 0, 0, 0, 0, 16),
		     SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 0);
	/* What needs no disc works. */
	expect_data(CMD(f, 0x12, 0, 0, 0, 36), 36);
	expect_good(CMD(f, 0x1e, 0, 0, 0, 1));
	expect_good(CMD(f, 0xbb));
	expect_data(CMD(f, 0x5a, 0, 0x2a, 0, 0, 0, 0, 0, 40), 40);
	assert_int_equal(f->buf[2], 0x70);	/* door closed, no disc */
}

static void request_sense_format_and_truncation(void **state)
{
	struct fixture *f = *state;
	struct atapi_reply r;

	assert_int_equal(CMD(f, 0xff).action, ATAPI_CHECK_CONDITION);
	/* A host asking for 8 bytes gets 8: key present, ASC cut off; the
	 * sense is reported and so cleared. */
	r = CMD(f, 0x03, 0, 0, 0, 8);
	expect_data(r, 8);
	assert_int_equal(f->buf[0], 0x70);
	assert_int_equal(f->buf[2], SENSE_ILLEGAL_REQUEST);
	assert_int_equal(f->buf[7], 10);
	expect_sense(f, SENSE_NONE, 0, 0);
	/* Allocation length 0: nothing to transfer, GOOD. */
	expect_good(CMD(f, 0x03));
	/* Longer allocation lengths still give the 18 bytes. */
	expect_data(CMD(f, 0x03, 0, 0, 0, 252), 18);
	/* Descriptor format is not supported. */
	expect_invalid_field(f, CMD(f, 0x03, 0x01, 0, 0, 18));
}

static void sense_is_for_the_last_command(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(CMD(f, 0x28, 0, 0, 0, 0x10, 0, 0, 0, 1).action,
			 ATAPI_CHECK_CONDITION);
	expect_good(CMD(f, 0x00));
	expect_sense(f, SENSE_NONE, 0, 0);
}

static void medium_error_from_transport(void **state)
{
	struct fixture *f = *state;

	atapi_set_medium_error(&f->cd);
	expect_sense(f, SENSE_MEDIUM_ERROR, ASC_UNRECOVERED_READ_ERROR, 0);
	expect_sense(f, SENSE_NONE, 0, 0);
}

static void inquiry(void **state)
{
	struct fixture *f = *state;
	struct atapi_reply r = CMD(f, 0x12, 0, 0, 0, 96);

	expect_data(r, 36);
	assert_int_equal(f->buf[0], 0x05);		/* CD/DVD device */
	assert_int_equal(f->buf[1], 0x80);		/* removable */
	assert_int_equal(f->buf[2], 0x05);		/* SPC-3 */
	assert_int_equal(f->buf[3] & 0x0f, 0x02);	/* response format */
	assert_int_equal(f->buf[4], 31);
	assert_memory_equal(f->buf + 8, "VMM     ", 8);
	assert_memory_equal(f->buf + 16, "VMM DVD-ROM     ", 16);
	assert_memory_equal(f->buf + 32, "1.0 ", 4);

	/* cut to the allocation length (16 bits, byte 3 the high one) */
	expect_data(CMD(f, 0x12, 0, 0, 0, 5), 5);
	expect_data(CMD(f, 0x12, 0, 0, 1, 0), 36);
	/* no VPD pages */
	expect_invalid_field(f, CMD(f, 0x12, 0x01, 0x00, 0, 36));
	expect_invalid_field(f, CMD(f, 0x12, 0x01, 0x80, 0, 36));
	expect_invalid_field(f, CMD(f, 0x12, 0x00, 0x80, 0, 36));
}

/* --- reading -------------------------------------------------------------- */

static void read_capacity(void **state)
{
	struct fixture *f = *state;
	static const uint8_t want[8] = { 0x00, 0x00, 0x05, 0xb8,
					 0x00, 0x00, 0x08, 0x00 };

	expect_data(CMD(f, 0x25), 8);
	assert_memory_equal(f->buf, want, 8);
	assert_int_equal(be32(f->buf), 1464);
}

static void read10_and_read12(void **state)
{
	struct fixture *f = *state;
	struct atapi_reply r;

	r = CMD(f, 0x28, 0, 0, 0, 0x00, 0x10, 0, 0x00, 0x04);
	assert_int_equal(r.action, ATAPI_READ);
	assert_int_equal(r.lba, 16);
	assert_int_equal(r.nblocks, 4);
	/* the partial last block is on the disc */
	r = CMD(f, 0x28, 0, 0, 0, 0x05, 0xb7, 0, 0x00, 0x02);
	assert_int_equal(r.action, ATAPI_READ);
	assert_int_equal(r.lba, 1463);
	assert_int_equal(r.nblocks, 2);
	/* one block further is not */
	expect_cc(f, CMD(f, 0x28, 0, 0, 0, 0x05, 0xb8, 0, 0x00, 0x02),
		     SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
	expect_cc(f, CMD(f, 0x28, 0, 0, 0, 0x05, 0xb9, 0, 0x00, 0x01),
		     SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
	/* zero blocks read nothing and are no error */
	expect_good(CMD(f, 0x28, 0, 0, 0, 0x00, 0x10, 0, 0, 0));

	r = CMD(f, 0xa8, 0, 0, 0, 0x01, 0x00, 0, 0, 0x01, 0x00);
	assert_int_equal(r.action, ATAPI_READ);
	assert_int_equal(r.lba, 256);
	assert_int_equal(r.nblocks, 256);
	/* READ(12)'s 32-bit length; lba + n must not wrap */
	expect_cc(f, CMD(f, 0xa8, 0, 0, 0, 0, 0, 0, 1, 0, 0),
		     SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
	expect_cc(f, CMD(f, 0xa8, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2),
		     SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
	expect_good(CMD(f, 0xa8, 0, 0, 0, 0, 0, 0, 0, 0, 0));
}

static void read_cd_user_data(void **state)
{
	struct fixture *f = *state;
	struct atapi_reply r;

	/* READ CD, any sector type, user data only */
	r = CMD(f, 0xbe, 0, 0, 0, 0, 0x20, 0, 0, 3, 0x10);
	assert_int_equal(r.action, ATAPI_READ);
	assert_int_equal(r.lba, 32);
	assert_int_equal(r.nblocks, 3);
	/* Mode 1 expected */
	r = CMD(f, 0xbe, 2 << 2, 0, 0, 0, 0x20, 0, 0, 1, 0x10);
	assert_int_equal(r.action, ATAPI_READ);
	/* CD-DA: not this track */
	expect_cc(f, CMD(f, 0xbe, 1 << 2, 0, 0, 0, 0, 0, 0, 1, 0x10),
		     SENSE_ILLEGAL_REQUEST, ASC_ILLEGAL_MODE_FOR_TRACK, 0);
	/* sync + headers + user data + EDC: not kept in an image */
	expect_invalid_field(f, CMD(f, 0xbe, 0, 0, 0, 0, 0, 0, 0, 1, 0xf8));
	/* sub-channel data */
	expect_invalid_field(f, CMD(f, 0xbe, 0, 0, 0, 0, 0, 0, 0, 1, 0x10, 1));
	/* no field selected: no transfer */
	expect_good(CMD(f, 0xbe, 0, 0, 0, 0, 0, 0, 0, 1, 0x00));
	expect_cc(f, CMD(f, 0xbe, 0, 0, 0, 0x05, 0xb9, 0, 0, 1, 0x10),
		     SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);

	/* READ CD MSF 00:02:00 to 00:02:10 (excluded): LBA 0, 10 blocks */
	r = CMD(f, 0xb9, 0, 0, 0, 2, 0, 0, 2, 10, 0x10);
	assert_int_equal(r.action, ATAPI_READ);
	assert_int_equal(r.lba, 0);
	assert_int_equal(r.nblocks, 10);
	/* 00:01:74 is in the pregap */
	expect_cc(f, CMD(f, 0xb9, 0, 0, 0, 1, 74, 0, 2, 10, 0x10),
		     SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
	/* end before start */
	expect_invalid_field(f, CMD(f, 0xb9, 0, 0, 0, 2, 10, 0, 2, 0, 0x10));
}

static void seek(void **state)
{
	struct fixture *f = *state;

	expect_good(CMD(f, 0x2b, 0, 0, 0, 0x05, 0xb8));
	expect_cc(f, CMD(f, 0x2b, 0, 0, 0, 0x05, 0xb9),
		     SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
}

/* --- disc change, tray, lock ---------------------------------------------- */

static void unit_attention_once_after_change(void **state)
{
	struct fixture *f = *state;
	uint8_t status;

	atapi_change_medium(&f->cd, f->disc2);
	/* These neither report nor clear it. */
	expect_data(CMD(f, 0x12, 0, 0, 0, 36), 36);
	expect_data(CMD(f, 0x46, 0, 0, 0, 0, 0, 0, 0, 8), 8);
	assert_int_equal(gesn_media(f, &status), MEC_NEW_MEDIA);
	expect_sense(f, SENSE_NONE, 0, 0);
	/* The next other command gets it, once. */
	expect_cc(f, CMD(f, 0x00), SENSE_UNIT_ATTENTION,
		     ASC_MEDIUM_MAY_HAVE_CHANGED, 0);
	expect_good(CMD(f, 0x00));
	expect_data(CMD(f, 0x25), 8);
	assert_int_equal(be32(f->buf), 511);
	assert_int_equal(atapi_capacity(&f->cd), 512);

	/* Any command, not only TEST UNIT READY, reports it; that one is
	 * not executed. */
	atapi_change_medium(&f->cd, f->disc);
	expect_cc(f, CMD(f, 0x28, 0, 0, 0, 0, 0, 0, 0, 1),
		     SENSE_UNIT_ATTENTION, ASC_MEDIUM_MAY_HAVE_CHANGED, 0);
	assert_int_equal(CMD(f, 0x28, 0, 0, 0, 0, 0, 0, 0, 1).action, ATAPI_READ);
	/* even an unknown one */
	atapi_change_medium(&f->cd, f->disc);
	expect_cc(f, CMD(f, 0xff), SENSE_UNIT_ATTENTION,
		     ASC_MEDIUM_MAY_HAVE_CHANGED, 0);
	expect_cc(f, CMD(f, 0xff), SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE, 0);
}

static void removal_by_toolstack(void **state)
{
	struct fixture *f = *state;
	uint8_t status;

	atapi_change_medium(&f->cd, NULL);
	assert_int_equal(atapi_capacity(&f->cd), 0);
	expect_cc(f, CMD(f, 0x00), SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 0);
	assert_int_equal(gesn_media(f, &status), MEC_MEDIA_REMOVAL);
	assert_int_equal(status, 0);
	assert_int_equal(gesn_media(f, &status), MEC_NO_CHANGE);

	/* a disc into the empty drive */
	atapi_change_medium(&f->cd, f->disc2);
	assert_int_equal(gesn_media(f, &status), MEC_NEW_MEDIA);
	assert_int_equal(status, 0x02);
	expect_cc(f, CMD(f, 0x00), SENSE_UNIT_ATTENTION,
		     ASC_MEDIUM_MAY_HAVE_CHANGED, 0);
	expect_good(CMD(f, 0x00));
}

static void eject_load_and_lock(void **state)
{
	struct fixture *f = *state;
	uint8_t status;

	/* start/stop without LoEj and power conditions: nothing to do */
	expect_good(CMD(f, 0x1b, 0, 0, 0, 0x01));
	expect_good(CMD(f, 0x1b, 0, 0, 0, 0x00));
	expect_good(CMD(f, 0x1b, 0, 0, 0, 0x32));

	/* locked: the tray stays shut */
	expect_good(CMD(f, 0x1e, 0, 0, 0, 0x01));
	assert_true(f->cd.locked);
	expect_cc(f, CMD(f, 0x1b, 0, 0, 0, 0x02), SENSE_ILLEGAL_REQUEST,
		     ASC_MEDIUM_REMOVAL_PREVENTED, ASCQ_REMOVAL_PREVENTED);
	expect_good(CMD(f, 0x00));
	assert_int_equal(gesn_media(f, &status), MEC_NO_CHANGE);
	assert_int_equal(status, 0x02);

	/* unlocked: it opens */
	expect_good(CMD(f, 0x1e, 0, 0, 0, 0x00));
	expect_good(CMD(f, 0x1b, 0, 0, 0, 0x02));
	assert_true(f->cd.tray_open);
	assert_int_equal(atapi_capacity(&f->cd), 0);
	expect_cc(f, CMD(f, 0x00), SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT,
		     ASCQ_TRAY_OPEN);
	expect_cc(f, CMD(f, 0x28, 0, 0, 0, 0, 0, 0, 0, 1), SENSE_NOT_READY,
		     ASC_MEDIUM_NOT_PRESENT, ASCQ_TRAY_OPEN);
	assert_int_equal(gesn_media(f, &status), MEC_MEDIA_REMOVAL);
	assert_int_equal(status, 0x01);			/* door open */
	expect_good(CMD(f, 0x1b, 0, 0, 0, 0x02));	/* already open */
	expect_data(CMD(f, 0xbd, 0, 0, 0, 0, 0, 0, 0, 0, 8), 8);
	assert_int_equal(f->buf[1] & 0x10, 0x10);

	/* closed again: the disc is back, reported once */
	expect_good(CMD(f, 0x1b, 0, 0, 0, 0x03));
	assert_false(f->cd.tray_open);
	assert_int_equal(gesn_media(f, &status), MEC_NEW_MEDIA);
	assert_int_equal(status, 0x02);
	expect_cc(f, CMD(f, 0x00), SENSE_UNIT_ATTENTION,
		     ASC_MEDIUM_MAY_HAVE_CHANGED, 0);
	expect_good(CMD(f, 0x00));
	expect_good(CMD(f, 0x1b, 0, 0, 0, 0x03));	/* already closed */
	expect_good(CMD(f, 0x00));
	expect_data(CMD(f, 0xbd, 0, 0, 0, 0, 0, 0, 0, 0, 8), 8);
	assert_int_equal(f->buf[1] & 0x10, 0);
}

static void empty_tray_opens_and_closes(void **state)
{
	struct fixture *f = *state;
	uint8_t status;

	expect_good(CMD(f, 0x1b, 0, 0, 0, 0x02));
	expect_cc(f, CMD(f, 0x00), SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT,
		     ASCQ_TRAY_OPEN);
	assert_int_equal(gesn_media(f, &status), MEC_NO_CHANGE);
	assert_int_equal(status, 0x01);
	/* closing an empty tray brings no disc and no unit attention */
	expect_good(CMD(f, 0x1b, 0, 0, 0, 0x03));
	expect_cc(f, CMD(f, 0x00), SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 0);
	assert_int_equal(gesn_media(f, &status), MEC_NO_CHANGE);
	assert_int_equal(status, 0);
}

static void eject_button(void **state)
{
	struct fixture *f = *state;
	uint8_t status;

	/* locked: only an eject request for the guest's driver */
	expect_good(CMD(f, 0x1e, 0, 0, 0, 0x01));
	assert_false(atapi_eject_button(&f->cd));
	assert_false(f->cd.tray_open);
	assert_int_equal(gesn_media(f, &status), MEC_EJECT_REQUEST);
	assert_int_equal(status, 0x02);
	assert_int_equal(gesn_media(f, &status), MEC_NO_CHANGE);
	/* which then unlocks and ejects */
	expect_good(CMD(f, 0x1e, 0, 0, 0, 0x00));
	expect_good(CMD(f, 0x1b, 0, 0, 0, 0x02));
	assert_int_equal(gesn_media(f, &status), MEC_MEDIA_REMOVAL);

	/* unlocked: the button opens the tray itself */
	expect_good(CMD(f, 0x1b, 0, 0, 0, 0x03));
	assert_int_equal(gesn_media(f, &status), MEC_NEW_MEDIA);
	assert_true(atapi_eject_button(&f->cd));
	assert_true(f->cd.tray_open);
	assert_true(atapi_eject_button(&f->cd));
}

static void reset_releases_lock(void **state)
{
	struct fixture *f = *state;

	expect_good(CMD(f, 0x1e, 0, 0, 0, 0x01));
	assert_int_equal(CMD(f, 0xff).action, ATAPI_CHECK_CONDITION);
	atapi_reset(&f->cd);
	assert_false(f->cd.locked);
	assert_ptr_equal(f->cd.medium, f->disc);
	expect_sense(f, SENSE_NONE, 0, 0);
	expect_good(CMD(f, 0x1b, 0, 0, 0, 0x02));
}

/* --- mode pages ------------------------------------------------------------ */

/* MODE SENSE(10) of one page with page control PC into f->buf; returns the
 * page's offset. */
static unsigned mode_sense10(struct fixture *f, uint8_t pc, uint8_t page,
			     uint32_t want_len)
{
	struct atapi_reply r = CMD(f, 0x5a, 0, pc << 6 | page, 0, 0, 0, 0, 1, 0);

	expect_data(r, want_len);
	assert_int_equal(be16(f->buf), want_len - 2);
	assert_int_equal(be16(f->buf + 6), 0);		/* no block descriptors */
	return 8;
}

static void mode_sense_capabilities(void **state)
{
	struct fixture *f = *state;
	unsigned o;
	uint8_t *pg;

	o = mode_sense10(f, 0, 0x2a, 8 + 32);
	pg = f->buf + o;
	assert_int_equal(f->buf[2], 0x01);		/* data CD */
	assert_int_equal(pg[0], 0x2a);
	assert_int_equal(pg[1], 30);
	assert_int_equal(pg[2] & 0x0b, 0x0b);		/* CD-R, CD-RW, DVD-ROM read */
	assert_int_equal(pg[3], 0);			/* writes nothing */
	assert_int_equal(pg[6] >> 5, 1);		/* tray */
	assert_int_equal(pg[6] & 0x0b, 0x09);		/* eject, lock, not locked */
	assert_int_equal(be16(pg + 8) / 176, 24);	/* what Linux prints */

	/* Lock State follows PREVENT ALLOW MEDIUM REMOVAL */
	expect_good(CMD(f, 0x1e, 0, 0, 0, 0x01));
	mode_sense10(f, 0, 0x2a, 40);
	assert_int_equal(pg[6] & 0x02, 0x02);
	/* but not in the defaults */
	mode_sense10(f, 2, 0x2a, 40);
	assert_int_equal(pg[6] & 0x02, 0);
	assert_int_equal(pg[6] >> 5, 1);
	/* nothing is changeable */
	mode_sense10(f, 1, 0x2a, 40);
	assert_int_equal(pg[0], 0x2a);
	assert_int_equal(pg[1], 30);
	for (unsigned i = 2; i < 32; i++)
		assert_int_equal(pg[i], 0);
}

static void mode_sense_pages(void **state)
{
	struct fixture *f = *state;
	struct atapi_reply r;

	/* read error recovery */
	mode_sense10(f, 0, 0x01, 8 + 12);
	assert_int_equal(f->buf[8], 0x01);
	assert_int_equal(f->buf[9], 10);
	mode_sense10(f, 1, 0x01, 20);
	assert_int_equal(f->buf[11], 0);
	/* all pages, in page order */
	mode_sense10(f, 0, 0x3f, 8 + 12 + 32);
	assert_int_equal(f->buf[8], 0x01);
	assert_int_equal(f->buf[20], 0x2a);
	/* truncated: the header still states the full length */
	expect_data(CMD(f, 0x5a, 0, 0x3f, 0, 0, 0, 0, 0, 8), 8);
	assert_int_equal(be16(f->buf), 8 + 12 + 32 - 2);
	/* unsupported pages and saved values */
	expect_invalid_field(f, CMD(f, 0x5a, 0, 0x05, 0, 0, 0, 0, 1, 0));
	expect_invalid_field(f, CMD(f, 0x5a, 0, 0x2a, 0x01, 0, 0, 0, 1, 0));
	expect_cc(f, CMD(f, 0x5a, 0, 0xc0 | 0x2a, 0, 0, 0, 0, 1, 0),
		     SENSE_ILLEGAL_REQUEST, ASC_SAVING_PARAMETERS_NOT_SUPPORTED, 0);

	/* MODE SENSE(6): 4-byte header */
	r = CMD(f, 0x1a, 0, 0x2a, 0, 255);
	expect_data(r, 4 + 32);
	assert_int_equal(f->buf[0], 4 + 32 - 1);
	assert_int_equal(f->buf[1], 0x01);
	assert_int_equal(f->buf[3], 0);
	assert_int_equal(f->buf[4], 0x2a);
	expect_data(CMD(f, 0x1a, 0, 0x2a, 0, 10), 10);

	/* medium type: door open */
	expect_good(CMD(f, 0x1b, 0, 0, 0, 0x02));
	mode_sense10(f, 0, 0x2a, 40);
	assert_int_equal(f->buf[2], 0x71);
}

/* MODE SELECT has a data-out phase the transport does not offer. */
static void unsupported_commands(void **state)
{
	struct fixture *f = *state;

	expect_cc(f, CMD(f, 0x55, 0x10, 0, 0, 0, 0, 0, 0, 28),
		     SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE, 0);
	expect_cc(f, CMD(f, 0x15, 0x10, 0, 0, 28),
		     SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE, 0);
	expect_cc(f, CMD(f, 0x2a, 0, 0, 0, 0, 0, 0, 0, 1),	/* WRITE(10) */
		     SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE, 0);
	expect_cc(f, CMD(f, 0xad), SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE, 0);
	expect_good(CMD(f, 0xbb, 0, 0xff, 0xff, 0xff, 0xff));	/* SET CD SPEED */
}

/* --- GET CONFIGURATION ----------------------------------------------------- */

/* Find feature CODE in a GET CONFIGURATION reply of LEN bytes. */
static const uint8_t *find_feature(const uint8_t *buf, uint32_t len,
				   uint16_t code)
{
	uint32_t o = 8;

	while (o + 4 <= len) {
		if (be16(buf + o) == code)
			return buf + o;
		o += 4 + buf[o + 3];
	}
	return NULL;
}

static void get_configuration(void **state)
{
	struct fixture *f = *state;
	struct atapi_reply r = CMD(f, 0x46, 0, 0, 0, 0, 0, 0, 0x04, 0);
	const uint8_t *d;
	uint32_t full;

	assert_int_equal(r.action, ATAPI_DATA_IN);
	full = r.len;
	assert_int_equal(be32(f->buf), full - 4);
	assert_int_equal(be16(f->buf + 6), 0x0008);	/* CD-ROM current */

	d = find_feature(f->buf, full, 0x0000);	/* profile list */
	assert_non_null(d);
	assert_ptr_equal(d, f->buf + 8);
	assert_int_equal(d[2] & 0x03, 0x03);	/* persistent, current */
	assert_int_equal(d[3], 8);
	assert_int_equal(be16(d + 4), 0x0010);	/* DVD-ROM, not current */
	assert_int_equal(d[6] & 1, 0);
	assert_int_equal(be16(d + 8), 0x0008);	/* CD-ROM, current */
	assert_int_equal(d[10] & 1, 1);

	d = find_feature(f->buf, full, 0x0001);	/* core */
	assert_non_null(d);
	assert_int_equal(d[2] & 0x03, 0x03);
	assert_int_equal(d[3], 8);
	assert_int_equal(be32(d + 4), 2);		/* ATAPI */

	d = find_feature(f->buf, full, 0x0002);	/* morphing */
	assert_non_null(d);
	assert_int_equal(d[2] & 0x03, 0x03);

	d = find_feature(f->buf, full, 0x0003);	/* removable medium */
	assert_non_null(d);
	assert_int_equal(d[2] & 0x03, 0x03);
	assert_int_equal(d[4] >> 5, 1);		/* tray */
	assert_int_equal(d[4] & 0x09, 0x09);	/* eject, lock */

	d = find_feature(f->buf, full, 0x0010);	/* random readable */
	assert_non_null(d);
	assert_int_equal(d[2] & 0x01, 0x01);
	assert_int_equal(be32(d + 4), 2048);
	assert_int_equal(be16(d + 8), 1);

	d = find_feature(f->buf, full, 0x001e);	/* CD read */
	assert_non_null(d);
	assert_int_equal(d[2] & 0x01, 0x01);

	/* truncated to the allocation length: full length still stated */
	expect_data(CMD(f, 0x46, 0, 0, 0, 0, 0, 0, 0, 12), 12);
	assert_int_equal(be32(f->buf), full - 4);

	/* RT 2: the one feature asked for */
	r = CMD(f, 0x46, 2, 0, 3, 0, 0, 0, 1, 0);
	expect_data(r, 8 + 8);
	assert_int_equal(be32(f->buf), 12);
	assert_int_equal(be16(f->buf + 8), 0x0003);
	/* RT 0 from 0x0010 on */
	r = CMD(f, 0x46, 0, 0, 0x10, 0, 0, 0, 1, 0);
	assert_int_equal(r.action, ATAPI_DATA_IN);
	assert_int_equal(be16(f->buf + 8), 0x0010);
	/* RT 3 is reserved */
	expect_invalid_field(f, CMD(f, 0x46, 3, 0, 0, 0, 0, 0, 1, 0));
}

static void get_configuration_empty(void **state)
{
	struct fixture *f = *state;
	struct atapi_reply r = CMD(f, 0x46, 0, 0, 0, 0, 0, 0, 0x04, 0);
	const uint8_t *d;

	assert_int_equal(r.action, ATAPI_DATA_IN);
	assert_int_equal(be16(f->buf + 6), 0x0000);	/* no profile */
	d = find_feature(f->buf, r.len, 0x0000);
	assert_int_equal(d[10] & 1, 0);			/* CD-ROM not current */
	d = find_feature(f->buf, r.len, 0x0010);
	assert_non_null(d);
	assert_int_equal(d[2] & 0x01, 0);

	/* RT 1: only what is current */
	r = CMD(f, 0x46, 1, 0, 0, 0, 0, 0, 0x04, 0);
	assert_int_equal(r.action, ATAPI_DATA_IN);
	assert_non_null(find_feature(f->buf, r.len, 0x0003));
	assert_null(find_feature(f->buf, r.len, 0x0010));
	assert_null(find_feature(f->buf, r.len, 0x001e));
	/* RT 2 for a feature that is not current: header only */
	r = CMD(f, 0x46, 2, 0, 0x10, 0, 0, 0, 1, 0);
	expect_data(r, 8 + 12);
	r = CMD(f, 0x46, 2, 0, 0x20, 0, 0, 0, 1, 0);
	expect_data(r, 8);
	assert_int_equal(be32(f->buf), 4);
}

/* --- TOC and disc information ---------------------------------------------- */

static void read_toc_lba(void **state)
{
	struct fixture *f = *state;
	static const uint8_t want[20] = {
		0x00, 0x12, 1, 1,
		0, 0x14, 1, 0, 0x00, 0x00, 0x00, 0x00,		/* track 1 at 0 */
		0, 0x14, 0xaa, 0, 0x00, 0x00, 0x05, 0xb9,	/* lead-out 1465 */
	};

	expect_data(CMD(f, 0x43, 0, 0, 0, 0, 0, 0, 0, 100), 20);
	assert_memory_equal(f->buf, want, 20);
	/* starting at track AAh: the lead-out alone */
	expect_data(CMD(f, 0x43, 0, 0, 0, 0, 0, 0xaa, 0, 100), 12);
	assert_int_equal(be16(f->buf), 10);
	assert_int_equal(f->buf[6], 0xaa);
	/* a track after the last one */
	expect_invalid_field(f, CMD(f, 0x43, 0, 0, 0, 0, 0, 2, 0, 100));
	/* truncated: the data length still counts both descriptors */
	expect_data(CMD(f, 0x43, 0, 0, 0, 0, 0, 0, 0, 4), 4);
	assert_int_equal(be16(f->buf), 18);
	/* PMA and ATIP are for recordable discs */
	expect_invalid_field(f, CMD(f, 0x43, 0, 3, 0, 0, 0, 0, 0, 100));
	expect_invalid_field(f, CMD(f, 0x43, 0, 4, 0, 0, 0, 0, 0, 100));
}

static void read_toc_msf(void **state)
{
	struct fixture *f = *state;
	/* LBA 0 = 00:02:00; 1465 + 150 = 1615 frames = 00:21:40 */
	static const uint8_t want[20] = {
		0x00, 0x12, 1, 1,
		0, 0x14, 1, 0, 0, 0, 2, 0,
		0, 0x14, 0xaa, 0, 0, 0, 21, 40,
	};

	expect_data(CMD(f, 0x43, 0x02, 0, 0, 0, 0, 0, 0, 100), 20);
	assert_memory_equal(f->buf, want, 20);
}

static void read_toc_session_and_full(void **state)
{
	struct fixture *f = *state;
	static const uint8_t session[12] = {
		0x00, 0x0a, 1, 1, 0, 0x14, 1, 0, 0, 0, 0, 0,
	};
	const uint8_t *e;

	expect_data(CMD(f, 0x43, 0, 1, 0, 0, 0, 0, 0, 12), 12);
	assert_memory_equal(f->buf, session, 12);
	expect_data(CMD(f, 0x43, 0x02, 1, 0, 0, 0, 0, 0, 12), 12);
	assert_int_equal(f->buf[10], 2);		/* 00:02:00 */
	/* the SFF-8020i format in the control byte */
	expect_data(CMD(f, 0x43, 0, 0, 0, 0, 0, 0, 0, 12, 0x40), 12);
	assert_memory_equal(f->buf, session, 12);

	/* raw TOC: A0, A1, A2, track 1, 11 bytes each */
	expect_data(CMD(f, 0x43, 0x02, 2, 0, 0, 0, 1, 0, 100), 4 + 44);
	assert_int_equal(be16(f->buf), 46);
	e = f->buf + 4;
	assert_int_equal(e[0], 1);			/* session */
	assert_int_equal(e[1], 0x14);
	assert_int_equal(e[3], 0xa0);
	assert_int_equal(e[8], 1);			/* first track */
	assert_int_equal(e[9], 0x00);			/* CD-ROM disc */
	e += 11;
	assert_int_equal(e[3], 0xa1);
	assert_int_equal(e[8], 1);			/* last track */
	e += 11;
	assert_int_equal(e[3], 0xa2);
	assert_int_equal(e[8], 0);			/* lead-out 00:21:40 */
	assert_int_equal(e[9], 21);
	assert_int_equal(e[10], 40);
	e += 11;
	assert_int_equal(e[3], 1);
	assert_int_equal(e[9], 2);			/* track 1 at 00:02:00 */
	expect_invalid_field(f, CMD(f, 0x43, 0x02, 2, 0, 0, 0, 2, 0, 100));
}

static void disc_and_track_information(void **state)
{
	struct fixture *f = *state;

	expect_data(CMD(f, 0x51, 0, 0, 0, 0, 0, 0, 0, 34), 34);
	assert_int_equal(be16(f->buf), 32);
	assert_int_equal(f->buf[2], 0x0e);	/* complete session, complete disc */
	assert_int_equal(f->buf[3], 1);
	assert_int_equal(f->buf[4], 1);
	assert_int_equal(f->buf[5], 1);
	assert_int_equal(f->buf[6], 1);
	assert_int_equal(be32(f->buf + 16), 0xffffffff);
	assert_int_equal(be32(f->buf + 20), 0xffffffff);
	expect_data(CMD(f, 0x51, 0, 0, 0, 0, 0, 0, 0, 2), 2);
	expect_invalid_field(f, CMD(f, 0x51, 0x01, 0, 0, 0, 0, 0, 0, 34));

	/* track 1 by number, by LBA, by session */
	expect_data(CMD(f, 0x52, 1, 0, 0, 0, 1, 0, 0, 48), 48);
	assert_int_equal(be16(f->buf), 46);
	assert_int_equal(f->buf[2], 1);
	assert_int_equal(f->buf[3], 1);
	assert_int_equal(f->buf[5] & 0x0f, 4);	/* data track */
	assert_int_equal(f->buf[6] & 0x0f, 1);	/* mode 1 */
	assert_int_equal(be32(f->buf + 8), 0);
	assert_int_equal(be32(f->buf + 24), DISC_BLOCKS);
	expect_data(CMD(f, 0x52, 0, 0, 0, 0x05, 0xb8, 0, 0, 36), 36);
	assert_int_equal(f->buf[2], 1);
	expect_data(CMD(f, 0x52, 2, 0, 0, 0, 1, 0, 0, 48), 48);
	expect_invalid_field(f, CMD(f, 0x52, 1, 0, 0, 0, 2, 0, 0, 48));
	expect_invalid_field(f, CMD(f, 0x52, 1, 0, 0, 0, 0xff, 0, 0, 48));
	expect_cc(f, CMD(f, 0x52, 0, 0, 0, 0x05, 0xb9, 0, 0, 48),
		     SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
}

static void read_subchannel(void **state)
{
	struct fixture *f = *state;

	/* header only without SubQ */
	expect_data(CMD(f, 0x42, 0, 0, 1, 0, 0, 0, 0, 16), 4);
	assert_int_equal(f->buf[1], 0x15);
	assert_int_equal(be16(f->buf + 2), 0);
	/* current position, MSF */
	expect_data(CMD(f, 0x42, 0x02, 0x40, 1, 0, 0, 0, 0, 16), 16);
	assert_int_equal(be16(f->buf + 2), 12);
	assert_int_equal(f->buf[4], 1);
	assert_int_equal(f->buf[5], 0x14);
	assert_int_equal(f->buf[6], 1);
	assert_int_equal(f->buf[10], 2);		/* 00:02:00 */
	/* media catalogue number: not valid */
	expect_data(CMD(f, 0x42, 0, 0x40, 2, 0, 0, 0, 0, 24), 24);
	assert_int_equal(f->buf[4], 2);
	assert_int_equal(f->buf[8] & 0x80, 0);
	expect_invalid_field(f, CMD(f, 0x42, 0, 0x40, 3, 0, 0, 5, 0, 24));
	expect_invalid_field(f, CMD(f, 0x42, 0, 0x40, 7, 0, 0, 0, 0, 24));
}

/* --- GET EVENT STATUS NOTIFICATION ------------------------------------------ */

static void gesn(void **state)
{
	struct fixture *f = *state;
	struct atapi_reply r;
	uint8_t status;

	/* asynchronous operation is not supported */
	expect_invalid_field(f, CMD(f, 0x4a, 0x00, 0, 0, 0x10, 0, 0, 0, 8));
	/* no class asked for that we have: NEA, header only */
	r = CMD(f, 0x4a, 0x01, 0, 0, 0x02, 0, 0, 0, 8);
	expect_data(r, 4);
	assert_int_equal(be16(f->buf), 0);
	assert_int_equal(f->buf[2], 0x80);
	assert_int_equal(f->buf[3], 0x10);

	/* disc present since power-on: no event, media present */
	assert_int_equal(gesn_media(f, &status), MEC_NO_CHANGE);
	assert_int_equal(status, 0x02);

	/* a change: one new media event */
	atapi_change_medium(&f->cd, f->disc2);
	/* a 4-byte allocation length does not lose it */
	expect_data(CMD(f, 0x4a, 0x01, 0, 0, 0x10, 0, 0, 0, 4), 4);
	assert_int_equal(gesn_media(f, &status), MEC_NEW_MEDIA);
	assert_int_equal(status, 0x02);
	assert_int_equal(gesn_media(f, &status), MEC_NO_CHANGE);
	/* and GESN left the unit attention alone */
	expect_cc(f, CMD(f, 0x00), SENSE_UNIT_ATTENTION,
		     ASC_MEDIUM_MAY_HAVE_CHANGED, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define T_EMPTY(fn) cmocka_unit_test_setup_teardown(fn, setup_empty, teardown)
	const struct CMUnitTest tests[] = {
		T(test_unit_ready_with_disc),
		T_EMPTY(empty_drive_not_ready),
		T(request_sense_format_and_truncation),
		T(sense_is_for_the_last_command),
		T(medium_error_from_transport),
		T(inquiry),
		T(read_capacity),
		T(read10_and_read12),
		T(read_cd_user_data),
		T(seek),
		T(unit_attention_once_after_change),
		T(removal_by_toolstack),
		T(eject_load_and_lock),
		T_EMPTY(empty_tray_opens_and_closes),
		T(eject_button),
		T(reset_releases_lock),
		T(mode_sense_capabilities),
		T(mode_sense_pages),
		T(unsupported_commands),
		T(get_configuration),
		T_EMPTY(get_configuration_empty),
		T(read_toc_lba),
		T(read_toc_msf),
		T(read_toc_session_and_full),
		T(disc_and_track_information),
		T(read_subchannel),
		T(gesn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
