/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The emulated PC: an i440FX/PIIX3 machine with the ISA devices SeaBIOS and
 * Linux need, its memory map and firmware. machine.c builds and resets it;
 * monitor.c runs it (vCPU thread, event loop).
 */
#ifndef VMM_MACHINE_H
#define VMM_MACHINE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "devmodel/core/guestmem.h"
#include "devmodel/core/io.h"
#include "devmodel/core/timer.h"
#include "vmm/accel.h"
#include "vmm/config.h"

/* Why the guest stopped running for good, or must be reset. */
enum machine_event {
	EVENT_NONE,
	EVENT_RESET,      /* reboot: triple fault, 0xCF9, i8042 0xFE, port 0x92 */
	EVENT_CRASH,      /* the accelerator could not go on */
	EVENT_EXIT,       /* isa-debug-exit: status in exit_status */
	EVENT_QUIT,       /* the monitor was told to stop */
};

struct machine_devices; /* machine.c */

struct machine {
	const struct vm_config *cfg;
	struct accel accel;

	/* One lock for all device state (design.md); the vCPU waits on
	 * `wake` while the guest is halted. */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t vcpu_thread;
	bool vcpu_started;

	/* Guest memory: RAM below the PCI hole at 0, the rest above 4 GiB. */
	void *ram;
	uint64_t ram_size, ram_below_4g;
	void *bios_rom;
	size_t bios_size;
	struct guest_memory mem;

	struct io_bus *pio, *mmio;
	struct dm_timer_list timers;
	int timer_fd;              /* armed for the earliest device timer */
	int done_fd;               /* eventfd: the vCPU thread has finished */

	struct machine_devices *dev;

	enum machine_event event;  /* under lock */
	int exit_status;
	struct kvm_regs reset_regs;
	struct kvm_sregs reset_sregs;

	/* The toolstack's controls and counters (vmm/toolstack/server.c),
	 * under lock. */
	bool paused;             /* vmm pause: the vCPU stays out of KVM_RUN */
	bool vcpu_held;          /* ... and the vCPU thread is now waiting */
	pthread_cond_t held;     /* vcpu_held changed */
	bool vcpu_halted;        /* the guest waits in HLT (list's state 'b') */
	bool nmi_pending;        /* vmm trigger nmi: injected before entry */
	bool restart_next;       /* vmm reboot / trigger reset: the next reset
	                          * or power-off restarts the guest whatever
	                          * on_reboot / on_poweroff say */
	unsigned restarts;       /* resets the guest came back from */
	uint64_t exits;          /* returns from KVM_RUN */
	int vcpu_tid;            /* the vCPU thread's id (vcpu-list) */
};

/* Build everything (accelerator, memory, devices, firmware). 0 or -1 with
 * a message in err. */
int machine_create(struct machine *m, const struct vm_config *cfg,
		   char *err, size_t errlen);
void machine_destroy(struct machine *m);

/* Under lock: the platform's reset (devices, firmware shadow, CPU). */
int machine_reset(struct machine *m);

/* Under lock: the 8259's INTR output, and its INTA cycle (the vector). */
bool machine_irq_pending(struct machine *m);
int machine_irq_acknowledge(struct machine *m);

/* Under lock: stop the guest for `ev` (the vCPU loop acts on it). */
void machine_request(struct machine *m, enum machine_event ev, int status);

/* Wake the vCPU: out of KVM_RUN (signal + immediate_exit) or its halt.
 * Any thread, any lock state. */
void machine_kick(struct machine *m);

/* Under lock: the guest's coalesced MMIO writes (the VGA window), replayed
 * on the buses in order. Before an exit is handled and before timers
 * (the display refresh) look at device state. */
void machine_flush_coalesced(struct machine *m);

/* Event-loop side: fds the loop watches besides its own, and what to do
 * when one is readable (chardev input). Under lock. */
int machine_poll_fds(struct machine *m, int *fds, int max);
/* false: stop watching fd (its input ended for good). */
bool machine_fd_ready(struct machine *m, int fd);

/*
 * Under lock: press the ACPI power button (PIIX4 PM1 PWRBTN_STS, the SCI
 * when the guest enabled the event). 0: pressed; -1: the guest has no
 * ACPI (acpi = 0). What the guest does about it is its business: Linux's
 * button driver + acpid power off.
 */
int machine_power_button(struct machine *m);
/* Under lock: true when the guest enabled the power-button event
 * (PWRBTN_EN), i.e. an ACPI OS is there to act on a press. */
bool machine_power_button_enabled(struct machine *m);
/* Under lock: the 8259 pair, the PIT's channel 0 and the vCPU loop's
 * flags, one "vmm:   " line each (vmm debug-state). */
void machine_dump_devices(struct machine *m, FILE *f);

/* What the consoles get: the display (NULL without a display device) and
 * the input sink (keys and pointer to the i8042; it takes the lock). */
struct display;
struct input_sink;
struct display *machine_display(struct machine *m);
const struct input_sink *machine_input(struct machine *m);

/* Under lock: where COM1 goes ("/dev/pts/3", a path, "stdio"), NULL
 * without a serial port. */
const char *machine_serial_name(struct machine *m);

#endif /* VMM_MACHINE_H */
