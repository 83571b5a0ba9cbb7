// SPDX-License-Identifier: GPL-2.0
/*
 * 16550A UART through real port accesses on an io_bus: the probes SeaBIOS
 * and Linux's 8250 driver do, output to a chardev, input with interrupts,
 * IIR priorities, the divisor latch, loopback and the FIFO trigger levels.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "devmodel/chipset/uart.h"

#define BASE 0x3f8
#define THR (BASE + 0)
#define RBR (BASE + 0)
#define DLL (BASE + 0)
#define IER (BASE + 1)
#define DLM (BASE + 1)
#define IIR (BASE + 2)
#define FCR (BASE + 2)
#define LCR (BASE + 3)
#define MCR (BASE + 4)
#define LSR (BASE + 5)
#define MSR (BASE + 6)
#define SCR (BASE + 7)

struct fixture {
	struct io_bus *pio;
	struct uart *uart;
	struct chardev *cd;
	int peer;              /* the other end of the chardev's socket */
	struct dm_timer_list timers;
	uint64_t clock_ns;
	struct irq_recorder irq;	/* IRQ4 */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int sv[2];
	char err[128];

	assert_non_null(f);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	f->peer = sv[1];
	f->cd = chardev_open_fds(sv[0], dup(sv[0]), err, sizeof(err));
	assert_non_null(f->cd);
	fake_timers_init(&f->timers, &f->clock_ns, 0);
	f->pio = io_bus_new("pio");
	f->uart = uart_create(f->pio, BASE, irq_recorder_line(&f->irq, 4),
			      f->cd, &f->timers);
	assert_non_null(f->uart);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	uart_destroy(f->uart);
	chardev_close(f->cd);
	close(f->peer);
	io_bus_free(f->pio);
	free(f);
	return 0;
}

/* What the guest sent, as the other end of the backend sees it. */
static size_t peer_read(struct fixture *f, char *buf, size_t len)
{
	ssize_t n = recv(f->peer, buf, len, MSG_DONTWAIT);

	return n < 0 ? 0 : (size_t)n;
}

static void peer_send(struct fixture *f, const char *s)
{
	assert_int_equal(send(f->peer, s, strlen(s), 0), (ssize_t)strlen(s));
	assert_int_equal(chardev_read_ready(f->cd), 1);
}

/* SeaBIOS serial_detect / Linux's THRE test: IER = 0x02 reads back and
 * makes IIR report THRE; reading IIR clears it. */
static void test_probe_thre(void **state)
{
	struct fixture *f = *state;

	port_out8(f->pio, MCR, 0x08); /* OUT2: the IRQ reaches the PIC */
	port_out8(f->pio, IER, 0x02);
	assert_int_equal(port_in8(f->pio, IER), 0x02);
	assert_int_equal(f->irq.level[4], 1);
	assert_int_equal(port_in8(f->pio, IIR) & 0x3f, 0x02);
	assert_int_equal(port_in8(f->pio, IIR) & 0x3f, 0x01);
	assert_int_equal(f->irq.level[4], 0);
	/* Off and on again: THRE comes back (Linux's UART_BUG_THRE test). */
	port_out8(f->pio, IER, 0x00);
	port_out8(f->pio, IER, 0x02);
	assert_int_equal(port_in8(f->pio, IIR) & 0x3f, 0x02);
	assert_int_equal(f->irq.rises[4], 2);
}

static void test_register_readback(void **state)
{
	struct fixture *f = *state;

	port_out8(f->pio, IER, 0xff);
	assert_int_equal(port_in8(f->pio, IER), 0x0f); /* bits 7:4 are always 0 */
	port_out8(f->pio, SCR, 0xa5);
	assert_int_equal(port_in8(f->pio, SCR), 0xa5);
	port_out8(f->pio, LCR, 0x1b);
	assert_int_equal(port_in8(f->pio, LCR), 0x1b);
	assert_int_equal(port_in8(f->pio, LSR) & 0x60, 0x60); /* THRE | TEMT */
}

static void test_thr_output_reaches_chardev(void **state)
{
	struct fixture *f = *state;
	char buf[16];

	port_out8(f->pio, THR, 'o');
	port_out8(f->pio, THR, 'k');
	assert_int_equal(peer_read(f, buf, sizeof(buf)), 2);
	assert_memory_equal(buf, "ok", 2);
}

/* Also a THRE edge per transmitted byte once the guest cleared it. */
static void test_thr_write_rearms_thre(void **state)
{
	struct fixture *f = *state;

	port_out8(f->pio, MCR, 0x08);
	port_out8(f->pio, IER, 0x02);
	port_in8(f->pio, IIR);
	assert_int_equal(f->irq.level[4], 0);
	port_out8(f->pio, THR, 'x');
	assert_int_equal(f->irq.level[4], 1);
	assert_int_equal(port_in8(f->pio, IIR) & 0x0f, 0x02);
}

static void test_rx_with_interrupt(void **state)
{
	struct fixture *f = *state;

	port_out8(f->pio, MCR, 0x08);
	port_out8(f->pio, IER, 0x01);
	assert_int_equal(f->irq.level[4], 0);
	peer_send(f, "ab");
	assert_int_equal(f->irq.level[4], 1);
	assert_int_equal(port_in8(f->pio, LSR) & 0x01, 0x01);
	assert_int_equal(port_in8(f->pio, IIR) & 0x0f, 0x04);
	assert_int_equal(port_in8(f->pio, RBR), 'a');
	/* 16450 mode holds one byte: 'b' waited in the backend. */
	assert_int_equal(f->irq.level[4], 1);
	assert_int_equal(port_in8(f->pio, RBR), 'b');
	assert_int_equal(port_in8(f->pio, LSR) & 0x01, 0);
	assert_int_equal(port_in8(f->pio, IIR) & 0x0f, 0x01);
	assert_int_equal(f->irq.level[4], 0);
}

/* No interrupt without OUT2: the PC's IRQ buffer is disabled. */
static void test_out2_gates_irq(void **state)
{
	struct fixture *f = *state;

	port_out8(f->pio, IER, 0x01);
	peer_send(f, "z");
	assert_int_equal(port_in8(f->pio, IIR) & 0x0f, 0x04);
	assert_int_equal(f->irq.level[4], 0);
	port_out8(f->pio, MCR, 0x08);
	assert_int_equal(f->irq.level[4], 1);
}

/* line status > received data > THR empty > modem status */
static void test_iir_priority(void **state)
{
	struct fixture *f = *state;

	port_out8(f->pio, IER, 0x0f);
	port_out8(f->pio, MCR, 0x10 | 0x01); /* loopback, DTR -> DSR changes */
	port_out8(f->pio, THR, '1');
	port_out8(f->pio, THR, '2');         /* one-byte holding register: overrun */
	assert_int_equal(port_in8(f->pio, IIR) & 0x0f, 0x06);
	assert_int_equal(port_in8(f->pio, LSR) & 0x03, 0x03); /* OE | DR */
	assert_int_equal(port_in8(f->pio, LSR) & 0x02, 0);    /* OE cleared by reading */
	assert_int_equal(port_in8(f->pio, IIR) & 0x0f, 0x04);
	assert_int_equal(port_in8(f->pio, RBR), '1');
	assert_int_equal(port_in8(f->pio, IIR) & 0x0f, 0x02);
	assert_int_equal(port_in8(f->pio, IIR) & 0x0f, 0x00); /* THRE was cleared */
	assert_int_not_equal(port_in8(f->pio, MSR) & 0x0f, 0);
	assert_int_equal(port_in8(f->pio, IIR) & 0x0f, 0x01);
}

static void test_divisor_latch(void **state)
{
	struct fixture *f = *state;
	char buf[4];

	port_out8(f->pio, IER, 0x05);
	port_out8(f->pio, LCR, 0x83);
	port_out8(f->pio, DLL, 0x01);
	port_out8(f->pio, DLM, 0x02);
	assert_int_equal(port_in8(f->pio, DLL), 0x01);
	assert_int_equal(port_in8(f->pio, DLM), 0x02);
	assert_int_equal(peer_read(f, buf, sizeof(buf)), 0); /* not a THR */
	port_out8(f->pio, LCR, 0x03);
	assert_int_equal(port_in8(f->pio, IER), 0x05);
	port_out8(f->pio, THR, 'T');
	assert_int_equal(peer_read(f, buf, sizeof(buf)), 1);
	port_out8(f->pio, LCR, 0x83);
	assert_int_equal(port_in8(f->pio, DLL), 0x01); /* THR write left it alone */
}

/* Linux autoconfig: MCR = LOOP | RTS | OUT2 gives MSR CTS | DCD. */
static void test_loopback(void **state)
{
	struct fixture *f = *state;
	char buf[4];

	port_out8(f->pio, MCR, 0x1a);
	assert_int_equal(port_in8(f->pio, MSR) & 0xf0, 0x90);
	port_out8(f->pio, MCR, 0x1f);
	assert_int_equal(port_in8(f->pio, MSR) & 0xf0, 0xf0);
	port_out8(f->pio, THR, 0x55);
	assert_int_equal(port_in8(f->pio, LSR) & 0x01, 0x01);
	assert_int_equal(port_in8(f->pio, RBR), 0x55);
	assert_int_equal(peer_read(f, buf, sizeof(buf)), 0);
	port_out8(f->pio, MCR, 0x00);
	assert_int_equal(port_in8(f->pio, MSR) & 0xf0, 0xb0); /* the peer is there */
}

static void test_fifo_trigger_and_timeout(void **state)
{
	struct fixture *f = *state;
	uint8_t bytes[20];

	for (unsigned i = 0; i < sizeof(bytes); i++)
		bytes[i] = i;
	port_out8(f->pio, LCR, 0x03); /* 8N1 */
	port_out8(f->pio, FCR, 0x41); /* FIFO on, trigger 4 */
	assert_int_equal(port_in8(f->pio, IIR) & 0xc0, 0xc0);
	port_out8(f->pio, IER, 0x01);
	assert_int_equal(uart_receive(f->uart, bytes, 3), 3);
	assert_int_equal(port_in8(f->pio, IIR), 0xc1); /* below trigger, no timeout */
	/* 9600 8N1 after reset: 4 characters take 4.17 ms. */
	f->clock_ns += 4000000;
	dm_timers_run(&f->timers, f->clock_ns);
	assert_int_equal(port_in8(f->pio, IIR), 0xc1);
	f->clock_ns += 200000;
	dm_timers_run(&f->timers, f->clock_ns);
	assert_int_equal(port_in8(f->pio, IIR), 0xcc); /* character timeout */
	assert_int_equal(uart_receive(f->uart, bytes + 3, 1), 1);
	assert_int_equal(port_in8(f->pio, IIR), 0xc4);
	assert_int_equal(uart_receive(f->uart, bytes + 4, 16), 12);
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(port_in8(f->pio, RBR), i);
	assert_int_equal(port_in8(f->pio, IIR), 0xc1);
	port_out8(f->pio, FCR, 0x00);
	assert_int_equal(port_in8(f->pio, IIR) & 0xc0, 0);
}

static void test_fifo_clear(void **state)
{
	struct fixture *f = *state;
	const uint8_t bytes[3] = { 1, 2, 3 };

	port_out8(f->pio, FCR, 0x01);
	assert_int_equal(uart_receive(f->uart, bytes, 3), 3);
	port_out8(f->pio, FCR, 0x03); /* clear RX */
	assert_int_equal(port_in8(f->pio, LSR) & 0x01, 0);
}

/* More input than the FIFO holds waits in the backend, not lost. */
static void test_rx_backpressure(void **state)
{
	struct fixture *f = *state;

	port_out8(f->pio, FCR, 0x01);
	peer_send(f, "0123456789abcdefXYZ");
	for (const char *p = "0123456789abcdefXYZ"; *p; p++)
		assert_int_equal(port_in8(f->pio, RBR), *p);
	assert_int_equal(port_in8(f->pio, LSR) & 0x03, 0); /* no data, no overrun */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_probe_thre),
		T(test_register_readback),
		T(test_thr_output_reaches_chardev),
		T(test_thr_write_rearms_thre),
		T(test_rx_with_interrupt),
		T(test_out2_gates_irq),
		T(test_iir_priority),
		T(test_divisor_latch),
		T(test_loopback),
		T(test_fifo_trigger_and_timeout),
		T(test_fifo_clear),
		T(test_rx_backpressure),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
