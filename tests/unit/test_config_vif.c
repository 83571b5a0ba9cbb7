// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of `vif = [ ... ]` (vmm/config_vif.c): every form of every
 * key, the default MACs, and every error with its FILE:LINE message.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "vmm/config_parse.h"

static char dir[64], bios[128], meminfo[128], tftp[128], script[128];
static char text[2048];
static struct config_host host;
static struct vm_config cfg;
static char err[512];
static char *notices_buf;
static size_t notices_len;
static FILE *notices;

static void write_file(const char *path, const char *body, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(body, f);
	fclose(f);
	chmod(path, mode);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test-config-vif.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(bios, sizeof(bios), "%s/bios.bin", dir);
	snprintf(meminfo, sizeof(meminfo), "%s/meminfo", dir);
	snprintf(tftp, sizeof(tftp), "%s/tftp", dir);
	snprintf(script, sizeof(script), "%s/vif-test", dir);
	write_file(bios, "bios", 0644);
	write_file(meminfo, "MemAvailable:    2097152 kB\n", 0644);
	mkdir(tftp, 0755);
	snprintf(text, sizeof(text), "%s/pxelinux.0", tftp);
	write_file(text, "boot", 0644);
	write_file(script, "#!/bin/sh\n", 0755);
	host = (struct config_host){ .meminfo_path = meminfo,
				     .default_bios = bios };
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static int before(void **state)
{
	(void)state;
	notices = open_memstream(&notices_buf, &notices_len);
	host.notices = notices;
	return 0;
}

static int after(void **state)
{
	(void)state;
	fclose(notices);
	free(notices_buf);
	notices_buf = NULL;
	config_free(&cfg);
	return 0;
}

/* "name='web'\nvif = [ ENTRIES ]\n" parsed (ENTRIES printf-formatted). */
static int __attribute__((format(printf, 1, 2))) parse(const char *fmt, ...)
{
	char entries[1536];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(entries, sizeof(entries), fmt, ap);
	va_end(ap);
	snprintf(text, sizeof(text), "name = 'web'\nvif = [ %s ]\n", entries);
	config_free(&cfg);
	err[0] = 0;
	return config_parse_string(text, "guest.hvm", NULL, 0, &host, &cfg,
				   err, sizeof(err));
}

#define expect_ok(...) do { \
	if (parse(__VA_ARGS__)) \
		fail_msg("'%s': %s", text, err); \
} while (0)

/* The entry must fail with exactly "guest.hvm:2: vif: 'ENTRY': WHY". */
static void expect_vif_error(const char *entry, const char *why)
{
	char want[1024];

	assert_int_equal(parse("'%s'", entry), -1);
	snprintf(want, sizeof(want), "guest.hvm:2: vif: '%s': %s", entry, why);
	assert_string_equal(err, want);
}

static void assert_mac(const uint8_t *mac, const char *want)
{
	char got[18];

	snprintf(got, sizeof(got), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0],
		 mac[1], mac[2], mac[3], mac[4], mac[5]);
	assert_string_equal(got, want);
}

static uint32_t ip(const char *dotted)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, dotted, &a), 1);
	return a.s_addr;
}

/* No bridge: user mode; a bridge or a script: a TAP. */
static void backends(void **state)
{
	(void)state;
	expect_ok("'type=ioemu'");
	assert_int_equal(cfg.nr_vifs, 1);
	assert_int_equal(cfg.vifs[0].backend, VM_VIF_USER);
	assert_int_equal(cfg.vifs[0].model, VM_VIF_RTL8139);
	expect_ok("''");      /* an empty entry: every default */
	assert_int_equal(cfg.vifs[0].backend, VM_VIF_USER);
	expect_ok("'type=user'");
	assert_int_equal(cfg.vifs[0].backend, VM_VIF_USER);
	expect_ok("'type=ioemu, bridge=xenbr0'");
	assert_int_equal(cfg.vifs[0].backend, VM_VIF_TAP);
	assert_string_equal(cfg.vifs[0].bridge, "xenbr0");
	assert_null(cfg.vifs[0].script);
	expect_ok("' bridge = br0 ,model=rtl8139 , vifname=web0 '");
	assert_string_equal(cfg.vifs[0].bridge, "br0");
	assert_string_equal(cfg.vifs[0].vifname, "web0");
	assert_int_equal(cfg.vifs[0].model, VM_VIF_RTL8139);
	expect_ok("'model=rtl8139c'");
	assert_int_equal(cfg.vifs[0].model, VM_VIF_RTL8139C);
	expect_ok("'script=%s, bridge=br1'", script);
	assert_int_equal(cfg.vifs[0].backend, VM_VIF_TAP);
	assert_string_equal(cfg.vifs[0].script, script);
	assert_string_equal(cfg.vifs[0].bridge, "br1");
	expect_ok("'script=%s'", script);
	assert_int_equal(cfg.vifs[0].backend, VM_VIF_TAP);
	assert_null(cfg.vifs[0].bridge);
	/* one string is a list of one; the entry and line are kept */
	snprintf(text, sizeof(text), "name='web'\n\nvif = 'bridge=br0'\n");
	assert_int_equal(config_parse_string(text, "guest.hvm", NULL, 0, &host,
					     &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.nr_vifs, 1);
	assert_string_equal(cfg.vifs[0].where, "guest.hvm:3");
	assert_string_equal(cfg.vifs[0].entry, "bridge=br0");
	assert_int_equal(config_check_monitor_support(&cfg, err, sizeof(err)),
			 0);
	/* four NICs, each with its own line */
	expect_ok("'bridge=br0',\n'',\n'type=user',\n'mac=00:16:3e:00:00:01'");
	assert_int_equal(cfg.nr_vifs, 4);
	assert_string_equal(cfg.vifs[2].where, "guest.hvm:4");
	/* the command line's vif replaces the file's list */
	{
		char *ov[] = { "vif=bridge=br9" };

		snprintf(text, sizeof(text), "name='web'\nvif=['','']\n");
		config_free(&cfg);
		assert_int_equal(config_parse_string(text, "guest.hvm", ov, 1,
						     &host, &cfg, err,
						     sizeof(err)), 0);
		assert_int_equal(cfg.nr_vifs, 1);
		assert_string_equal(cfg.vifs[0].bridge, "br9");
	}
}

static void macs(void **state)
{
	uint8_t first[6], second[6];

	(void)state;
	expect_ok("'mac=00:16:3e:0A:bc:01'");
	assert_true(cfg.vifs[0].mac_given);
	assert_mac(cfg.vifs[0].mac, "00:16:3e:0a:bc:01");
	expect_ok("'mac=02-00-00-00-00-ff'");
	assert_mac(cfg.vifs[0].mac, "02:00:00:00:00:ff");
	/* defaults: Xen's OUI, stable for the name and index, distinct */
	expect_ok("'', 'bridge=br0'");
	assert_false(cfg.vifs[0].mac_given);
	assert_int_equal(memcmp(cfg.vifs[0].mac, "\x00\x16\x3e", 3), 0);
	assert_int_equal(memcmp(cfg.vifs[1].mac, "\x00\x16\x3e", 3), 0);
	assert_int_equal(cfg.vifs[0].mac[3] & 0x80, 0);
	assert_memory_not_equal(cfg.vifs[0].mac, cfg.vifs[1].mac, 6);
	memcpy(first, cfg.vifs[0].mac, 6);
	memcpy(second, cfg.vifs[1].mac, 6);
	expect_ok("'type=user', 'bridge=other'");
	assert_memory_equal(cfg.vifs[0].mac, first, 6);
	assert_memory_equal(cfg.vifs[1].mac, second, 6);
	/* the name comes after vif: still the name's */
	snprintf(text, sizeof(text), "vif = [ '' ]\nname = 'web'\n");
	config_free(&cfg);
	assert_int_equal(config_parse_string(text, "guest.hvm", NULL, 0, &host,
					     &cfg, err, sizeof(err)), 0);
	assert_memory_equal(cfg.vifs[0].mac, first, 6);
	/* another guest, other addresses */
	snprintf(text, sizeof(text), "vif = [ '' ]\nname = 'db'\n");
	config_free(&cfg);
	assert_int_equal(config_parse_string(text, "guest.hvm", NULL, 0, &host,
					     &cfg, err, sizeof(err)), 0);
	assert_memory_not_equal(cfg.vifs[0].mac, first, 6);
	/* a given MAC equal to a default one: the default moves */
	expect_ok("'', 'mac=%02x:%02x:%02x:%02x:%02x:%02x'", first[0],
		  first[1], first[2], first[3], first[4], first[5]);
	assert_memory_equal(cfg.vifs[1].mac, first, 6);
	assert_memory_not_equal(cfg.vifs[0].mac, first, 6);
	assert_int_equal(memcmp(cfg.vifs[0].mac, "\x00\x16\x3e", 3), 0);
}

static void mac_errors(void **state)
{
	(void)state;
	expect_vif_error("mac=00:16:3e:00:00", "mac=00:16:3e:00:00: expected "
			 "six hex pairs, e.g. 00:16:3e:12:34:56");
	expect_vif_error("mac=00:16:3e:00:00:1", "mac=00:16:3e:00:00:1: "
			 "expected six hex pairs, e.g. 00:16:3e:12:34:56");
	expect_vif_error("mac=00:16:3e:00:00:111", "mac=00:16:3e:00:00:111: "
			 "expected six hex pairs, e.g. 00:16:3e:12:34:56");
	expect_vif_error("mac=00:16:3e:00:0g:11", "mac=00:16:3e:00:0g:11: "
			 "expected six hex pairs, e.g. 00:16:3e:12:34:56");
	expect_vif_error("mac=0016.3e00.0011", "mac=0016.3e00.0011: expected "
			 "six hex pairs, e.g. 00:16:3e:12:34:56");
	expect_vif_error("mac=", "mac=: expected six hex pairs, e.g. "
			 "00:16:3e:12:34:56");
	expect_vif_error("mac=01:00:5e:00:00:01", "mac=01:00:5e:00:00:01: a "
			 "multicast address (the low bit of the first octet is "
			 "set): a NIC needs a unicast one, e.g. 00:16:3e:...");
	expect_vif_error("mac=ff:ff:ff:ff:ff:ff", "mac=ff:ff:ff:ff:ff:ff: a "
			 "multicast address (the low bit of the first octet is "
			 "set): a NIC needs a unicast one, e.g. 00:16:3e:...");
	expect_vif_error("mac=00:00:00:00:00:00", "mac=00:00:00:00:00:00: the "
			 "all-zero address is not a NIC's");
	/* the same address twice: the second entry's line */
	assert_int_equal(parse("'mac=00:16:3e:00:00:01',\n"
			       "'mac=00:16:3e:00:00:01'"), -1);
	assert_string_equal(err, "guest.hvm:3: vif: 'mac=00:16:3e:00:00:01': "
			    "mac=00:16:3e:00:00:01 is already another NIC's "
			    "of this guest");
}

static void rates(void **state)
{
	static const struct { const char *text; uint64_t bps, us, per; } ok[] = {
		{ "10Mb/s", 1250000, 50000, 62500 },
		{ "1MB/s", 1000000, 50000, 50000 },
		{ "100Kb/s@20ms", 12500, 20000, 250 },
		{ "1GB/s@1s", 1000000000, 1000000, 1000000000 },
		{ "8000b/s@500000", 1000, 500000, 500 },
		{ "512KB/s@100us", 512000, 100, 51 },
		{ "2000B/s", 2000, 50000, 100 },
		{ "1Gb/s", 125000000, 50000, 6250000 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		expect_ok("'rate=%s'", ok[i].text);
		assert_int_equal(cfg.vifs[0].rate_bytes_per_sec, ok[i].bps);
		assert_int_equal(cfg.vifs[0].rate_interval_us, ok[i].us);
		assert_int_equal(cfg.vifs[0].rate_bytes_per_interval, ok[i].per);
	}
	expect_ok("''");
	assert_int_equal(cfg.vifs[0].rate_bytes_per_sec, 0);
	expect_vif_error("rate=10Mb", "rate=10Mb: expected RATE/s or "
			 "RATE/s@INTERVAL, e.g. 10Mb/s or 1MB/s@20ms");
	expect_vif_error("rate=10Mb/h", "rate=10Mb/h: expected RATE/s or "
			 "RATE/s@INTERVAL, e.g. 10Mb/s or 1MB/s@20ms");
	expect_vif_error("rate=10Mb/s20ms", "rate=10Mb/s20ms: expected RATE/s "
			 "or RATE/s@INTERVAL, e.g. 10Mb/s or 1MB/s@20ms");
	expect_vif_error("rate=10/s", "rate=10/s: bad rate '10' (a number "
			 "with GB, MB, KB, B for bytes or Gb, Mb, Kb, b for "
			 "bits)");
	expect_vif_error("rate=10Tb/s", "rate=10Tb/s: bad rate '10Tb' (a "
			 "number with GB, MB, KB, B for bytes or Gb, Mb, Kb, b "
			 "for bits)");
	expect_vif_error("rate=Mb/s", "rate=Mb/s: bad rate 'Mb' (a number "
			 "with GB, MB, KB, B for bytes or Gb, Mb, Kb, b for "
			 "bits)");
	expect_vif_error("rate=-1Mb/s", "rate=-1Mb/s: bad rate '-1Mb' (a "
			 "number with GB, MB, KB, B for bytes or Gb, Mb, Kb, b "
			 "for bits)");
	expect_vif_error("rate=99999999999999999999GB/s", "rate="
			 "99999999999999999999GB/s: bad rate "
			 "'99999999999999999999GB' (a number with GB, MB, KB, "
			 "B for bytes or Gb, Mb, Kb, b for bits)");
	expect_vif_error("rate=1Mb/s@20min", "rate=1Mb/s@20min: bad interval "
			 "'20min' (a number with s, ms or us)");
	expect_vif_error("rate=1Mb/s@", "rate=1Mb/s@: bad interval '' (a "
			 "number with s, ms or us)");
	expect_vif_error("rate=0Mb/s", "rate=0Mb/s: a rate of 0 sends nothing "
			 "(leave rate= out for no limit)");
	expect_vif_error("rate=1Mb/s@0ms", "rate=1Mb/s@0ms: the interval must "
			 "be between 1us and 4294967295us");
	expect_vif_error("rate=1Mb/s@5000s", "rate=1Mb/s@5000s: the interval "
			 "must be between 1us and 4294967295us");
	expect_vif_error("rate=8b/s@1ms", "rate=8b/s@1ms: 1 bytes/s over "
			 "1000us is less than one byte per interval");
	expect_vif_error("rate=1MB/s, rate=2MB/s", "rate= given twice");
}

static void user_mode_keys(void **state)
{
	const struct vm_hostfwd *f;

	(void)state;
	expect_ok("'hostfwd=tcp:127.0.0.1:2222-:22'");
	assert_int_equal(cfg.vifs[0].nr_hostfwd, 1);
	f = &cfg.vifs[0].hostfwd[0];
	assert_false(f->udp);
	assert_int_equal(f->host_addr, ip("127.0.0.1"));
	assert_int_equal(f->host_port, 2222);
	assert_int_equal(f->guest_addr, 0);
	assert_int_equal(f->guest_port, 22);
	assert_string_equal(f->text, "tcp:127.0.0.1:2222-:22");
	/* several: ';' and the key repeated */
	expect_ok("'hostfwd=tcp::8080-10.0.2.15:80; udp:127.0.0.1:5353-:53,"
		  "hostfwd=:127.0.0.1:2223-:23'");
	assert_int_equal(cfg.vifs[0].nr_hostfwd, 3);
	f = cfg.vifs[0].hostfwd;
	assert_int_equal(f[0].host_addr, 0);
	assert_int_equal(f[0].guest_addr, ip("10.0.2.15"));
	assert_int_equal(f[0].guest_port, 80);
	assert_true(f[1].udp);
	assert_int_equal(f[1].host_port, 5353);
	assert_false(f[2].udp);
	assert_int_equal(f[2].host_port, 2223);
	/* the same port over tcp and udp is two forwards */
	expect_ok("'hostfwd=tcp::53-:53;udp::53-:53'");
	assert_int_equal(cfg.vifs[0].nr_hostfwd, 2);
	/* tftp and bootfile; ip sets the DHCP address */
	expect_ok("'type=user, tftp=%s, bootfile=pxelinux.0, ip=10.0.2.20'",
		  tftp);
	assert_string_equal(cfg.vifs[0].tftp, tftp);
	assert_string_equal(cfg.vifs[0].bootfile, "pxelinux.0");
	assert_int_equal(cfg.vifs[0].user_guest_ip, ip("10.0.2.20"));
	assert_string_equal(cfg.vifs[0].ip, "10.0.2.20");
	/* a TAP's ip= is for the script: any addresses, prefixes allowed */
	expect_ok("'bridge=br0, ip=192.168.1.5 192.168.2.0/24'");
	assert_string_equal(cfg.vifs[0].ip, "192.168.1.5 192.168.2.0/24");
	/* Xen keys of no use here */
	expect_ok("'bridge=br0, backend=0, gatewaydev=eth0, accel=x'");
}

static void hostfwd_errors(void **state)
{
	(void)state;
	expect_vif_error("hostfwd=127.0.0.1:2222-:22", "hostfwd=127.0.0.1:"
			 "2222-:22: expected tcp: or udp: first, e.g. "
			 "tcp:127.0.0.1:2222-:22");
	expect_vif_error("hostfwd=sctp::1-:2", "hostfwd=sctp::1-:2: expected "
			 "tcp: or udp: first, e.g. tcp:127.0.0.1:2222-:22");
#define SHAPE ": expected [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:" \
	      "GUESTPORT with ports 1-65535, e.g. tcp:127.0.0.1:2222-:22"
	expect_vif_error("hostfwd=tcp::2222", "hostfwd=tcp::2222" SHAPE);
	expect_vif_error("hostfwd=tcp::2222-22", "hostfwd=tcp::2222-22" SHAPE);
	expect_vif_error("hostfwd=tcp::0-:22", "hostfwd=tcp::0-:22" SHAPE);
	expect_vif_error("hostfwd=tcp::65536-:22", "hostfwd=tcp::65536-:22"
			 SHAPE);
	expect_vif_error("hostfwd=tcp::22-:x", "hostfwd=tcp::22-:x" SHAPE);
	expect_vif_error("hostfwd=tcp:localhost:22-:22", "hostfwd=tcp:"
			 "localhost:22-:22" SHAPE);
	expect_vif_error("hostfwd=tcp:1.2.3:22-:22", "hostfwd=tcp:1.2.3:22-:22"
			 SHAPE);
#undef SHAPE
	expect_vif_error("hostfwd=tcp::2222-192.168.0.1:22", "hostfwd=tcp::"
			 "2222-192.168.0.1:22: the guest address is outside "
			 "the user-mode network 10.0.2.0/24");
	expect_vif_error("hostfwd=tcp::2222-:22;tcp:127.0.0.1:2222-:23",
			 "hostfwd=tcp:127.0.0.1:2222-:23: host port 2222 is "
			 "already forwarded (tcp::2222-:22)");
	expect_vif_error("hostfwd=", "hostfwd= is empty");
	expect_vif_error("bridge=br0, hostfwd=tcp::2222-:22", "hostfwd= is for "
			 "the user-mode network; this entry is a TAP (bridge= "
			 "or script=)");
	{
		char many[1024] = "hostfwd=";

		for (int i = 0; i < 17; i++)
			snprintf(many + strlen(many), sizeof(many) - strlen(many),
				 "%stcp::%d-:1", i ? ";" : "", 1000 + i);
		expect_vif_error(many, "hostfwd=tcp::1016-:1: more than 16 "
				 "forwards");
	}
}

static void other_errors(void **state)
{
	char entry[256], why[512];

	(void)state;
	expect_vif_error("model=e1000", "model=e1000 is not available yet: use "
			 "model=rtl8139 (the default)");
	expect_vif_error("model=virtio", "model=virtio: virtio-net is not "
			 "available yet: use model=rtl8139 (the default)");
	expect_vif_error("model=virtio-net", "model=virtio-net: virtio-net is "
			 "not available yet: use model=rtl8139 (the default)");
	expect_vif_error("model=ne2k_pci", "unknown model 'ne2k_pci' (rtl8139, "
			 "or rtl8139c for a plain 8139C; e1000 and virtio not "
			 "yet)");
	expect_vif_error("type=vif", "type=vif: a Xen PV interface; an HVM "
			 "guest here gets the emulated NIC (type=ioemu) or user "
			 "mode (type=user)");
	expect_vif_error("type=tap", "unknown type 'tap' (ioemu or user)");
	expect_vif_error("type=user, bridge=br0", "type=user is libslirp's "
			 "user-mode network: bridge= has no use there "
			 "(type=ioemu for a TAP)");
	expect_vif_error("bridge=br0, bridge=br1", "bridge= given twice ('br0' "
			 "and 'br1')");
	expect_vif_error("bridge=", "bridge= is empty");
	expect_vif_error("bridge", "expected KEY=VALUE at 'bridge'");
	expect_vif_error("bridge=br0,,mac=00:16:3e:00:00:01", "an empty "
			 "parameter (two commas)");
	expect_vif_error("colour=blue", "unknown parameter 'colour=' (type, "
			 "model, mac, bridge, script, vifname, ip, rate, "
			 "hostfwd, tftp, bootfile)");
	expect_vif_error("bridge=br0, backend=driverdom", "backend=driverdom: "
			 "driver domains are a Xen feature, not supported");
	expect_vif_error("vifname=abcdefghijklmnop, bridge=br0", "vifname="
			 "abcdefghijklmnop: not a usable interface name (at "
			 "most 15 characters, no '/', ':' or blanks)");
	expect_vif_error("vifname=a/b, bridge=br0", "vifname=a/b: not a usable "
			 "interface name (at most 15 characters, no '/', ':' or "
			 "blanks)");
	expect_vif_error("vifname=web0", "vifname= names a TAP; the user-mode "
			 "network has none (add bridge= for a TAP)");
	expect_vif_error("script=/nonexistent/vif-bridge", "script=/nonexistent"
			 "/vif-bridge: not an executable (No such file or "
			 "directory)");
	snprintf(entry, sizeof(entry), "script=%s", bios);
	snprintf(why, sizeof(why), "script=%s: not an executable (Permission "
		 "denied)", bios);
	expect_vif_error(entry, why);   /* even root needs an x bit */
	expect_vif_error("ip=10.0.2.300", "ip=10.0.2.300: '10.0.2.300' is not "
			 "an IPv4 address");
	expect_vif_error("bridge=br0, ip=10.0.0.1/33", "ip=10.0.0.1/33: bad "
			 "prefix length in '10.0.0.1/33'");
	expect_vif_error("ip=", "ip= is empty");
	expect_vif_error("ip=192.168.0.5", "ip=192.168.0.5: user mode hands "
			 "out 10.0.2.4-10.0.2.254 (10.0.2.2 is the host, .3 its "
			 "DNS)");
	expect_vif_error("ip=10.0.2.3", "ip=10.0.2.3: user mode hands out "
			 "10.0.2.4-10.0.2.254 (10.0.2.2 is the host, .3 its "
			 "DNS)");
	expect_vif_error("tftp=/nonexistent", "tftp=/nonexistent: not a "
			 "directory (No such file or directory)");
	snprintf(entry, sizeof(entry), "tftp=%s", bios);
	snprintf(why, sizeof(why), "tftp=%s: not a directory (a file)", bios);
	expect_vif_error(entry, why);
	expect_vif_error("bootfile=pxelinux.0", "bootfile=pxelinux.0 needs "
			 "tftp=DIR (the directory slirp's TFTP serves it from)");
	snprintf(entry, sizeof(entry), "tftp=%s, bootfile=nope.0", tftp);
	snprintf(why, sizeof(why), "bootfile=nope.0: not readable in tftp=%s "
		 "(No such file or directory)", tftp);
	expect_vif_error(entry, why);
	snprintf(entry, sizeof(entry), "bridge=br0, tftp=%s", tftp);
	expect_vif_error(entry, "tftp= is for the user-mode network; this "
			 "entry is a TAP (bridge= or script=)");
	/* a fifth NIC; a non-string entry */
	assert_int_equal(parse("'', '', '', '',\n'bridge=br0'"), -1);
	assert_string_equal(err, "guest.hvm:3: vif: 'bridge=br0': more than 4 "
			    "network interfaces");
	assert_int_equal(parse("'',\n 7"), -1);
	assert_string_equal(err, "guest.hvm:3: vif: expected 'k=v, k=v' "
			    "strings in the list, got 7");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, before, after)
		T(backends),
		T(macs),
		T(mac_errors),
		T(rates),
		T(user_mode_keys),
		T(hostfwd_errors),
		T(other_errors),
#undef T
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
