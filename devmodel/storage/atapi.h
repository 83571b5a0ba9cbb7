/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command set of an ATAPI CD-ROM drive: the SCSI/MMC packet commands
 * (SPC-3, MMC-3/MMC-5) a BIOS and Linux's sr/cdrom drivers send, apart from
 * the ATA transport that carries them (ide.c: PACKET, byte count, PIO or
 * DMA). Pure logic on a struct: unit-testable without a bus.
 *
 * The transport hands over the 12-byte packet; atapi_execute() answers
 * with what to do next: nothing (GOOD status), data from its buffer, a
 * read of 2048-byte blocks from the medium (the transport does the I/O,
 * in PIO or DMA), or CHECK CONDITION with the sense data kept here for
 * REQUEST SENSE.
 */
#ifndef DEVMODEL_STORAGE_ATAPI_H
#define DEVMODEL_STORAGE_ATAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devmodel/block/block.h"

#define ATAPI_PACKET_SIZE	12
#define ATAPI_BLOCK_SIZE	2048
/* Big enough for every non-read reply (INQUIRY, MODE SENSE, TOC, config). */
#define ATAPI_REPLY_MAX		2048

/* Sense keys (SPC-3 §4.5.6) and the additional sense codes used here. */
#define SENSE_NONE		0x0
#define SENSE_NOT_READY		0x2
#define SENSE_MEDIUM_ERROR	0x3
#define SENSE_ILLEGAL_REQUEST	0x5
#define SENSE_UNIT_ATTENTION	0x6
#define ASC_LBA_OUT_OF_RANGE	0x21
#define ASC_INVALID_FIELD_IN_CDB 0x24
#define ASC_INVALID_OPCODE	0x20
#define ASC_MEDIUM_MAY_HAVE_CHANGED 0x28
#define ASC_MEDIUM_NOT_PRESENT	0x3a
#define ASC_MEDIUM_REMOVAL_PREVENTED 0x53
#define ASC_UNRECOVERED_READ_ERROR 0x11
#define ASC_SAVING_PARAMETERS_NOT_SUPPORTED 0x39
#define ASC_ILLEGAL_MODE_FOR_TRACK 0x64
/* Qualifiers: 3A/02 MEDIUM NOT PRESENT - TRAY OPEN, 53/02 MEDIUM REMOVAL
 * PREVENTED. */
#define ASCQ_TRAY_OPEN		0x02
#define ASCQ_REMOVAL_PREVENTED	0x02

/* GET EVENT STATUS NOTIFICATION media event codes (MMC-5, media class). */
#define MEC_NO_CHANGE		0x0
#define MEC_EJECT_REQUEST	0x1
#define MEC_NEW_MEDIA		0x2
#define MEC_MEDIA_REMOVAL	0x3

enum atapi_action {
	ATAPI_GOOD,		/* no data; status GOOD */
	ATAPI_DATA_IN,		/* reply.len bytes of buf to the host */
	ATAPI_READ,		/* reply.nblocks blocks from reply.lba */
	ATAPI_CHECK_CONDITION,	/* sense set; status CHECK CONDITION */
};

struct atapi_reply {
	enum atapi_action action;
	uint32_t len;		/* ATAPI_DATA_IN: bytes in buf (already cut
				 * to the allocation length) */
	uint32_t lba;		/* ATAPI_READ */
	uint32_t nblocks;	/* ATAPI_READ; may be 0 (then GOOD) */
};

struct atapi_cdrom {
	struct block_backend *medium;	/* NULL: no disc */
	bool tray_open;
	bool locked;			/* PREVENT ALLOW MEDIUM REMOVAL */
	bool unit_attention;		/* a disc came in since the last TUR */
	bool eject_request_event;	/* GESN media event pending */
	uint8_t media_event;		/* GESN: MEC_NEW_MEDIA or
					 * MEC_MEDIA_REMOVAL pending, or
					 * MEC_NO_CHANGE */
	uint8_t sense_key, asc, ascq;	/* last CHECK CONDITION */
};

/* MEDIUM may be NULL (an empty drive). A disc present at power-on raises
 * no unit attention. */
void atapi_init(struct atapi_cdrom *cd, struct block_backend *medium);
/* Device reset: sense cleared, lock released; the medium stays. */
void atapi_reset(struct atapi_cdrom *cd);

/* Run one packet. BUF has ATAPI_REPLY_MAX bytes. */
struct atapi_reply atapi_execute(struct atapi_cdrom *cd,
				 const uint8_t packet[ATAPI_PACKET_SIZE],
				 uint8_t *buf);
/* The transport's read of an ATAPI_READ reply failed (host I/O error):
 * set MEDIUM ERROR sense. */
void atapi_set_medium_error(struct atapi_cdrom *cd);

/* Capacity in 2048-byte blocks (a partial last block counts), 0 without
 * a disc. */
uint32_t atapi_capacity(const struct atapi_cdrom *cd);

/* Change the disc from outside (the toolstack): NULL ejects. A new disc
 * raises unit attention and a media event. */
void atapi_change_medium(struct atapi_cdrom *cd, struct block_backend *medium);

/* The user pressed the drive's eject button (the toolstack's polite
 * eject): the tray opens unless the guest locked it, else only a GESN
 * eject-request event is posted so that the guest's driver can unlock and
 * eject (Linux's sr and udev do). True when the tray is open afterwards. */
bool atapi_eject_button(struct atapi_cdrom *cd);

#endif /* DEVMODEL_STORAGE_ATAPI_H */
