// SPDX-License-Identifier: GPL-2.0
/*
 * vgaprobe: the display test guest's view of its standard VGA (a static
 * program in the test initramfs, run as root in the guest):
 *   vgaprobe dispi              the Bochs DISPI registers through ports
 *                               0x1CE/0x1CF, one "DISPI index value" line each
 *   vgaprobe text               the text window 0xB8000-0xBFFFF (/dev/mem),
 *                               the character bytes only, 80 per line
 *   vgaprobe ram ADDR LEN       write a pattern to LEN bytes of physical
 *                               memory at ADDR (/dev/mem: the VRAM BAR),
 *                               read it back; "RAM-OK" or "RAM-BAD n"
 *   vgaprobe romsize CONFIG     size the ROM BAR through the device's sysfs
 *                               config file (all ones, read, restore), for
 *                               Linux reports the boot VGA's ROM as the
 *                               shadow at 0xC0000: "ROMSIZE n"
 *   vgaprobe fuzz SEED N MMIO   N random writes and reads: every VGA port
 *                               0x3B0-0x3DF, DISPI (random and plausible
 *                               modes), the legacy window, the register
 *                               BAR at MMIO (0: none); "FUZZ-DONE"
 * Exit status 0, or 1 with a message.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <unistd.h>

static volatile uint8_t *map_phys(uint64_t addr, size_t len)
{
	int fd = open("/dev/mem", O_RDWR | O_SYNC);
	void *p;

	if (fd < 0) {
		perror("vgaprobe: /dev/mem");
		exit(1);
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)addr);
	if (p == MAP_FAILED) {
		fprintf(stderr, "vgaprobe: mmap %#llx+%#zx: %s\n",
			(unsigned long long)addr, len, strerror(errno));
		exit(1);
	}
	close(fd);
	return p;
}

static void need_ports(void)
{
	if (iopl(3) < 0) {
		perror("vgaprobe: iopl");
		exit(1);
	}
}

static uint16_t dispi_read(unsigned index)
{
	outw((uint16_t)index, 0x1ce);
	return inw(0x1cf);
}

static void dispi_write(unsigned index, uint16_t v)
{
	outw((uint16_t)index, 0x1ce);
	outw(v, 0x1cf);
}

static int cmd_dispi(void)
{
	need_ports();
	for (unsigned i = 0; i <= 10; i++)
		printf("DISPI %u %u\n", i, dispi_read(i));
	return 0;
}

static int cmd_text(void)
{
	volatile uint8_t *t = map_phys(0xb8000, 0x8000);

	for (unsigned row = 0; row < 0x8000 / 160; row++) {
		char line[81];

		for (unsigned col = 0; col < 80; col++) {
			uint8_t c = t[row * 160 + col * 2];

			line[col] = c >= 0x20 && c < 0x7f ? (char)c : ' ';
		}
		line[80] = 0;
		printf("%s\n", line);
	}
	return 0;
}

static int cmd_romsize(const char *config)
{
	int fd = open(config, O_RDWR);
	uint32_t saved, ones = 0xfffff800u, sized;

	if (fd < 0 || pread(fd, &saved, 4, 0x30) != 4 ||
	    pwrite(fd, &ones, 4, 0x30) != 4 || pread(fd, &sized, 4, 0x30) != 4 ||
	    pwrite(fd, &saved, 4, 0x30) != 4) {
		perror("vgaprobe: ROM BAR");
		return 1;
	}
	close(fd);
	printf("ROMSIZE %u\n", (~(sized & 0xfffff800u)) + 1);
	return 0;
}

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64* (Vigna): a reproducible stream from the seed */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static int cmd_ram(uint64_t addr, size_t len)
{
	volatile uint32_t *p = (volatile uint32_t *)map_phys(addr, len);
	size_t n = len / 4, bad = 0;

	rng_state = 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < n; i++)
		p[i] = (uint32_t)rnd();
	rng_state = 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < n; i++)
		if (p[i] != (uint32_t)rnd())
			bad++;
	if (bad)
		printf("RAM-BAD %zu\n", bad);
	else
		printf("RAM-OK\n");
	return bad != 0;
}

/* A mode the DISPI interface might be asked for: mostly plausible, some
 * absurd (the device must clamp or refuse, never overrun VRAM). */
static void random_mode(void)
{
	static const uint16_t bpps[] = { 0, 4, 8, 15, 16, 24, 32, 1, 7, 64, 0xffff };
	uint16_t xres = rnd() % 4 ? (uint16_t)(8 * (1 + rnd() % 320)) : (uint16_t)rnd();
	uint16_t yres = rnd() % 4 ? (uint16_t)(1 + rnd() % 2048) : (uint16_t)rnd();

	dispi_write(4, 0); /* disable while programming, as drivers do */
	dispi_write(1, xres);
	dispi_write(2, yres);
	dispi_write(3, bpps[rnd() % (sizeof(bpps) / sizeof(bpps[0]))]);
	if (rnd() % 2)
		dispi_write(6, (uint16_t)(rnd() % 4 ? xres + rnd() % 64 : rnd()));
	if (rnd() % 2)
		dispi_write(7, (uint16_t)rnd());
	if (rnd() % 2)
		dispi_write(8, (uint16_t)(rnd() % 4 ? rnd() % 64 : rnd()));
	if (rnd() % 2)
		dispi_write(9, (uint16_t)(rnd() % 4 ? rnd() % 64 : rnd()));
	if (rnd() % 2)
		dispi_write(5, (uint16_t)rnd());
	/* enable, with random LFB / no-clear / 8-bit DAC / GETCAPS bits */
	dispi_write(4, (uint16_t)(0x01 | (rnd() & 0xc2) | (rnd() % 8 ? 0 : rnd())));
}

static int cmd_fuzz(uint64_t seed, unsigned long rounds, uint64_t mmio)
{
	volatile uint8_t *win = map_phys(0xa0000, 0x20000);
	volatile uint8_t *regs = mmio ? map_phys(mmio, 4096) : NULL;

	need_ports();
	rng_state = seed ? seed : 1;
	for (unsigned long r = 0; r < rounds; r++) {
		uint64_t v = rnd();
		unsigned what = (unsigned)(rnd() % 100);
		uint32_t off;

		if (what < 40) {
			uint16_t port = (uint16_t)(0x3b0 + rnd() % 0x30);

			switch (rnd() % 4) {
			case 0: outb((uint8_t)v, port); break;
			case 1: outw((uint16_t)v, port & ~1); break;
			case 2: (void)inb(port); break;
			default: (void)inw(port & ~1); break;
			}
		} else if (what < 50) {
			if (rnd() % 2)
				dispi_write((unsigned)(rnd() % 16), (uint16_t)v);
			else
				(void)dispi_read((unsigned)(rnd() % 16));
		} else if (what < 55) {
			random_mode();
		} else if (what < 90) {
			off = (uint32_t)(rnd() % 0x20000);
			switch (rnd() % 5) {
			case 0: win[off] = (uint8_t)v; break;
			case 1: *(volatile uint16_t *)(win + (off & ~1u)) = (uint16_t)v; break;
			case 2: *(volatile uint32_t *)(win + (off & ~3u)) = (uint32_t)v; break;
			case 3: *(volatile uint64_t *)(win + (off & ~7u)) = v; break;
			default: (void)win[off]; break;
			}
		} else if (regs) {
			off = (uint32_t)(rnd() % 4096);
			switch (rnd() % 4) {
			case 0: regs[off] = (uint8_t)v; break;
			case 1: *(volatile uint16_t *)(regs + (off & ~1u)) = (uint16_t)v; break;
			case 2: *(volatile uint32_t *)(regs + (off & ~3u)) = (uint32_t)v; break;
			default: (void)*(volatile uint32_t *)(regs + (off & ~3u)); break;
			}
		}
		if (r % 2000 == 1999)
			usleep(40000); /* let the display refresh in between */
	}
	printf("FUZZ-DONE\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "dispi"))
		return cmd_dispi();
	if (argc == 2 && !strcmp(argv[1], "text"))
		return cmd_text();
	if (argc == 4 && !strcmp(argv[1], "ram"))
		return cmd_ram(strtoull(argv[2], NULL, 0), strtoull(argv[3], NULL, 0));
	if (argc == 3 && !strcmp(argv[1], "romsize"))
		return cmd_romsize(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "fuzz"))
		return cmd_fuzz(strtoull(argv[2], NULL, 0), strtoul(argv[3], NULL, 0),
				strtoull(argv[4], NULL, 0));
	fprintf(stderr, "usage: vgaprobe dispi | text | ram ADDR LEN | romsize CONFIG | fuzz SEED N MMIO\n");
	return 2;
}
