// SPDX-License-Identifier: GPL-2.0
/*
 * The monitor's run time: one thread per vCPU looping on KVM_RUN (one vCPU
 * for now), and the main thread's event loop (epoll) for device timers
 * (timerfd), character-device input and signals. Device state is under the
 * machine's lock; the vCPU is kicked out of KVM_RUN by a signal, with
 * immediate_exit closing the race with a kick that comes just before entry.
 */
#define _GNU_SOURCE /* gettid */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "vmm/console/console.h"
#include "vmm/coredump.h"
#include "vmm/machine.h"
#include "vmm/memmap.h"
#include "vmm/monitor.h"
#include "vmm/toolstack/server.h"
#include "vmm/vcpu_dump.h"

#define SIG_KICK SIGUSR1

static void kick_handler(int sig)
{
	(void)sig; /* only there to make KVM_RUN return with EINTR */
}

void machine_kick(struct machine *m)
{
	if (m->accel.run)
		__atomic_store_n(&m->accel.run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	pthread_cond_broadcast(&m->wake);
	if (m->vcpu_started)
		pthread_kill(m->vcpu_thread, SIG_KICK);
}

void machine_request(struct machine *m, enum machine_event ev, int status)
{
	/* The first reason wins: a debug-exit followed by a triple fault is
	 * still a debug-exit. */
	if (m->event == EVENT_NONE) {
		m->event = ev;
		m->exit_status = status;
	}
	machine_kick(m);
}

/* --- exits -------------------------------------------------------------- */

static void handle_pio(struct machine *m, struct kvm_run *run)
{
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	uint32_t i;

	for (i = 0; i < run->io.count; i++, data += run->io.size) {
		uint64_t v = 0;

		if (run->io.direction == KVM_EXIT_IO_OUT) {
			memcpy(&v, data, run->io.size);
			io_bus_write(m->pio, run->io.port, run->io.size, v);
		} else {
			io_bus_read(m->pio, run->io.port, run->io.size, &v);
			memcpy(data, &v, run->io.size);
		}
	}
}

static void handle_mmio(struct machine *m, struct kvm_run *run)
{
	uint64_t v = 0;

	if (run->mmio.len > sizeof(v))
		return;
	if (run->mmio.is_write) {
		memcpy(&v, run->mmio.data, run->mmio.len);
		io_bus_write(m->mmio, run->mmio.phys_addr, run->mmio.len, v);
	} else {
		io_bus_read(m->mmio, run->mmio.phys_addr, run->mmio.len, &v);
		memcpy(run->mmio.data, &v, run->mmio.len);
	}
}

/*
 * vmm pause: the vCPU stays out of KVM_RUN until unpaused (or the machine
 * stops). The device timers go on meanwhile (their deadlines are host
 * monotonic time): the PIT's and RTC's interrupts while paused coalesce
 * into one pending edge at the 8259, and a guest reading the TSC sees the
 * paused time pass, as wall-clock time does (README, "pause").
 */
static void hold_while_paused(struct machine *m)
{
	m->vcpu_held = true;
	pthread_cond_broadcast(&m->held);
	while (m->paused && m->event == EVENT_NONE)
		pthread_cond_wait(&m->wake, &m->lock);
	m->vcpu_held = false;
	pthread_cond_broadcast(&m->held);
}

/* A halted guest sleeps until an interrupt (or an NMI: vmm trigger nmi)
 * can wake it, or the machine must stop. With IF clear only an event or
 * an NMI ends the wait. Paused while halted, it is held here and stays
 * halted afterwards. */
static void wait_while_halted(struct machine *m, struct kvm_run *run)
{
	m->vcpu_halted = true;
	while (m->event == EVENT_NONE && !m->nmi_pending &&
	       !(run->if_flag && machine_irq_pending(m))) {
		if (m->paused)
			hold_while_paused(m);
		else
			pthread_cond_wait(&m->wake, &m->lock);
	}
	m->vcpu_halted = false;
}

static void describe_failure(struct machine *m, struct kvm_run *run)
{
	switch (run->exit_reason) {
	case KVM_EXIT_FAIL_ENTRY:
		fprintf(stderr, "vmm: %s refused the guest state (hardware reason %#llx)\n",
			m->accel.device,
			(unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		fprintf(stderr, "vmm: %s could not go on (internal error, suberror %u",
			m->accel.device, run->internal.suberror);
		for (unsigned i = 0; i < run->internal.ndata && i < 4; i++)
			fprintf(stderr, ", %#llx", (unsigned long long)run->internal.data[i]);
		fprintf(stderr, ")\n");
		break;
	default:
		fprintf(stderr, "vmm: unexpected exit %u from %s\n",
			run->exit_reason, m->accel.device);
		break;
	}
	vcpu_dump_state(&m->accel, stderr);
}

/* Under lock: one exit. */
static void handle_exit(struct machine *m, struct kvm_run *run)
{
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		handle_pio(m, run);
		break;
	case KVM_EXIT_MMIO:
		handle_mmio(m, run);
		break;
	case KVM_EXIT_HLT:
		wait_while_halted(m, run);
		break;
	case KVM_EXIT_IRQ_WINDOW_OPEN:
	case KVM_EXIT_INTR:
		break;
	case KVM_EXIT_SHUTDOWN: /* triple fault: the PC resets */
		/* A guest rarely means it: say so, and where it was. */
		fprintf(stderr, "vmm: the guest triple-faulted (shutdown exit): reset\n");
		vcpu_dump_state(&m->accel, stderr);
		machine_request(m, EVENT_RESET, 0);
		break;
	default:
		describe_failure(m, run);
		machine_request(m, EVENT_CRASH, 0);
		break;
	}
}

/* Under lock, before entry: deliver the 8259's interrupt if the guest can
 * take it now, else ask to exit as soon as it can. */
static void inject_interrupt(struct machine *m, struct kvm_run *run)
{
	run->request_interrupt_window = 0;
	if (!machine_irq_pending(m))
		return;
	if (run->ready_for_interrupt_injection) {
		struct kvm_interrupt irq = { .irq = machine_irq_acknowledge(m) };

		if (ioctl(m->accel.vcpu_fd, KVM_INTERRUPT, &irq) < 0)
			fprintf(stderr, "vmm: KVM_INTERRUPT: %s\n", strerror(errno));
		run->request_interrupt_window = machine_irq_pending(m);
	} else {
		run->request_interrupt_window = 1;
	}
}

/* Under lock, in the vCPU thread (out of KVM_RUN): on_* = 'coredump-*'
 * (vmm/coredump.h: where, and the file's layout). */
static void write_core(struct machine *m)
{
	uint64_t below = m->ram_below_4g, above = m->ram_size - below;
	struct coredump_ram ram[2] = {
		{ .gpa = 0, .host = m->ram, .size = below },
		{ .gpa = MEMMAP_HIGH_RAM_START,
		  .host = (const uint8_t *)m->ram + below, .size = above },
	};
	struct coredump_vcpu vcpu;
	char path[4096], err[512];

	if (ioctl(m->accel.vcpu_fd, KVM_GET_REGS, &vcpu.regs) < 0 ||
	    ioctl(m->accel.vcpu_fd, KVM_GET_SREGS, &vcpu.sregs) < 0) {
		fprintf(stderr, "vmm: core dump: the vCPU state: %s\n",
			strerror(errno));
		return;
	}
	if (coredump_write(NULL, m->cfg->name, ram, above ? 2 : 1, &vcpu, 1,
			   path, sizeof(path), err, sizeof(err)))
		fprintf(stderr, "vmm: %s\n", err);
	else
		fprintf(stderr, "vmm: the guest's core: %s\n", path);
}

/* Under lock: the guest stopped for `ev`. true: go on running. */
static bool handle_event(struct machine *m)
{
	const struct vm_config *cfg = m->cfg;
	enum machine_event ev = m->event;
	enum vm_action action;

	switch (ev) {
	case EVENT_RESET:
		action = m->restart_next ? VM_ACTION_RESTART : cfg->on_reboot;
		m->exit_status = VM_EXIT_REBOOT;
		break;
	case EVENT_EXIT:
		/* vmm reboot: the guest powered off cleanly, it comes back */
		if (!m->restart_next || m->exit_status != VM_EXIT_POWEROFF)
			return false;
		action = VM_ACTION_RESTART;
		break;
	case EVENT_CRASH:
		action = cfg->on_crash;
		m->exit_status = VM_EXIT_CRASH;
		break;
	default:
		return false;
	}
	if (action == VM_ACTION_COREDUMP_DESTROY ||
	    action == VM_ACTION_COREDUMP_RESTART) {
		write_core(m);
		action = action == VM_ACTION_COREDUMP_RESTART ?
			 VM_ACTION_RESTART : VM_ACTION_DESTROY;
	}
	if (action != VM_ACTION_RESTART)
		return false;
	m->event = EVENT_NONE;
	m->restart_next = false;
	if (machine_reset(m) < 0) {
		m->exit_status = VM_EXIT_ERROR;
		return false;
	}
	m->restarts++;
	return true;
}

static void *vcpu_thread(void *arg)
{
	struct machine *m = arg;
	struct kvm_run *run = m->accel.run;
	uint64_t one = 1;
	int r;

	pthread_mutex_lock(&m->lock);
	m->vcpu_tid = gettid();
	for (;;) {
		if (m->event != EVENT_NONE && !handle_event(m))
			break;
		if (m->paused) {
			hold_while_paused(m);
			continue;
		}
		if (m->nmi_pending) {
			m->nmi_pending = false;
			if (ioctl(m->accel.vcpu_fd, KVM_NMI, 0) < 0)
				fprintf(stderr, "vmm: KVM_NMI: %s\n", strerror(errno));
		}
		inject_interrupt(m, run);
		pthread_mutex_unlock(&m->lock);

		r = ioctl(m->accel.vcpu_fd, KVM_RUN, 0);
		/* Cleared before looking at device state: a kick after this
		 * point sets it again and the next KVM_RUN returns at once. */
		__atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);

		pthread_mutex_lock(&m->lock);
		machine_flush_coalesced(m);
		m->exits++;
		if (r < 0 && errno != EINTR && errno != EAGAIN) {
			fprintf(stderr, "vmm: KVM_RUN: %s\n", strerror(errno));
			machine_request(m, EVENT_CRASH, 0);
			continue;
		}
		if (r == 0)
			handle_exit(m, run);
	}
	pthread_mutex_unlock(&m->lock);
	if (write(m->done_fd, &one, sizeof(one)) < 0)
		perror("vmm: eventfd");
	return NULL;
}

/* --- the event loop ----------------------------------------------------- */

static void arm_timer_fd(void *opaque, uint64_t deadline)
{
	struct machine *m = opaque;
	struct itimerspec its = { 0 };

	if (deadline != UINT64_MAX) {
		/* 0 would disarm: a deadline already past fires at once. */
		if (deadline == 0)
			deadline = 1;
		its.it_value.tv_sec = deadline / NSEC_PER_SEC;
		its.it_value.tv_nsec = deadline % NSEC_PER_SEC;
	}
	timerfd_settime(m->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void run_timers(struct machine *m)
{
	uint64_t expirations, next;

	if (read(m->timer_fd, &expirations, sizeof(expirations)) < 0 &&
	    errno != EAGAIN)
		perror("vmm: timerfd");
	pthread_mutex_lock(&m->lock);
	machine_flush_coalesced(m);
	next = dm_timers_run(&m->timers, dm_now(&m->timers));
	arm_timer_fd(m, next);
	pthread_mutex_unlock(&m->lock);
}

static int add_fd(int epfd, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

static int event_loop(struct machine *m, int sig_fd, struct ctl_server *ctl)
{
	int fds[8], nfds, epfd, i;

	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		return -1;
	add_fd(epfd, m->timer_fd);
	add_fd(epfd, m->done_fd);
	add_fd(epfd, sig_fd);
	pthread_mutex_lock(&m->lock);
	nfds = machine_poll_fds(m, fds, 8);
	pthread_mutex_unlock(&m->lock);
	for (i = 0; i < nfds; i++)
		add_fd(epfd, fds[i]);
	if (ctl)
		add_fd(epfd, ctl_server_fd(ctl));

	for (;;) {
		struct epoll_event evs[8];
		int n = epoll_wait(epfd, evs, 8, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == m->done_fd) {
				close(epfd);
				return 0;
			} else if (fd == m->timer_fd) {
				run_timers(m);
			} else if (ctl && fd == ctl_server_fd(ctl)) {
				/* takes the machine lock per request */
				ctl_server_ready(ctl);
			} else if (fd == sig_fd) {
				struct signalfd_siginfo si;

				if (read(sig_fd, &si, sizeof(si)) > 0)
					fprintf(stderr, "vmm: %s: stopping the guest\n",
						strsignal(si.ssi_signo));
				pthread_mutex_lock(&m->lock);
				machine_request(m, EVENT_QUIT, VM_EXIT_ERROR);
				pthread_mutex_unlock(&m->lock);
			} else {
				bool keep;

				pthread_mutex_lock(&m->lock);
				keep = machine_fd_ready(m, fd);
				pthread_mutex_unlock(&m->lock);
				/* At end of input a level-triggered fd stays
				 * readable: stop watching it, or spin. */
				if (!keep)
					epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
			}
		}
	}
	close(epfd);
	return -1;
}

static int start_vcpu(struct machine *m)
{
	struct sigaction sa = { .sa_handler = kick_handler };
	sigset_t kick;
	int r;

	/* No SA_RESTART: KVM_RUN must return to look at the kick. */
	sigaction(SIG_KICK, &sa, NULL);
	sigemptyset(&kick);
	sigaddset(&kick, SIG_KICK);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);
	/*
	 * vcpu_started and vcpu_thread are read by machine_kick() under the
	 * lock, on any thread, the new vCPU thread first of all: both are
	 * written under the lock too, and the vCPU thread's first act is to
	 * take it, so it cannot see them half-written.
	 */
	pthread_mutex_lock(&m->lock);
	r = pthread_create(&m->vcpu_thread, NULL, vcpu_thread, m);
	m->vcpu_started = r == 0;
	pthread_mutex_unlock(&m->lock);
	return r ? -1 : 0;
}

/* Wait for the vCPU thread to end. No kick may signal it once it is joined
 * (its id is then dead): vcpu_started goes down first, under the lock. */
static void stop_vcpu(struct machine *m)
{
	pthread_mutex_lock(&m->lock);
	/* the vCPU has ended (done_fd) unless the event loop failed: then
	 * this stops it; otherwise the first reason stays (machine_request) */
	machine_request(m, EVENT_QUIT, VM_EXIT_ERROR);
	m->vcpu_started = false;
	pthread_mutex_unlock(&m->lock);
	pthread_join(m->vcpu_thread, NULL);
}

/* A console asks the guest to power off (its window was closed): with
 * ACPI and a guest that listens to the power button (an ACPI OS enabled
 * PWRBTN_EN), the button is pressed and the guest shuts down itself;
 * otherwise (acpi = 0, the BIOS, an OS without ACPI) the machine ends at
 * once, as a power-off (exit status 0). Any thread, no lock held. */
static void request_poweroff(void *opaque)
{
	struct machine *m = opaque;

	pthread_mutex_lock(&m->lock);
	if (machine_power_button_enabled(m) && machine_power_button(m) == 0)
		fprintf(stderr, "vmm: the console asks for a power-off: ACPI power "
			"button pressed\n");
	else
		machine_request(m, EVENT_EXIT, VM_EXIT_POWEROFF);
	pthread_mutex_unlock(&m->lock);
}

/* Before the guest runs: the error goes to the log (stderr) and to
 * `vmm create` waiting on the ready pipe, which prints it. */
static void startup_failed(const struct monitor_options *opts, const char *msg)
{
	fprintf(stderr, "vmm: %s\n", msg);
	if (opts && opts->ready_fd >= 0 &&
	    write(opts->ready_fd, msg, strlen(msg)) < 0)
		perror("vmm: ready pipe");
}

static void startup_done(const struct monitor_options *opts)
{
	static const char running[] = "running\n";

	if (opts && opts->ready_fd >= 0) {
		if (write(opts->ready_fd, running, sizeof(running) - 1) < 0)
			perror("vmm: ready pipe");
		close(opts->ready_fd);
	}
}

int monitor_run(const struct vm_config *cfg, const struct monitor_options *opts)
{
	struct ctl_server *ctl = NULL;
	struct machine m;
	struct consoles *consoles;
	struct console_context console_ctx;
	char err[512];
	sigset_t stop;
	int sig_fd, status;

	/* SIGINT/SIGTERM reach the event loop as a file, not as a handler in
	 * whichever thread: blocked everywhere (threads inherit the mask). */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	sig_fd = signalfd(-1, &stop, SFD_CLOEXEC);

	if (machine_create(&m, cfg, err, sizeof(err)) < 0) {
		startup_failed(opts, err);
		machine_destroy(&m);
		return VM_EXIT_ERROR;
	}
	m.timers.deadline_changed = arm_timer_fd;
	m.timers.deadline_opaque = &m;
	arm_timer_fd(&m, m.timers.head ? m.timers.head->deadline : UINT64_MAX);

	/* The consoles (VNC, SDL) before the guest runs: a port in use or no
	 * $DISPLAY is an error and the guest does not start. */
	console_ctx = (struct console_context){
		.cfg = cfg, .display = machine_display(&m), .input = machine_input(&m),
		.request_poweroff = request_poweroff, .opaque = &m,
	};
	pthread_mutex_lock(&m.lock);
	consoles = consoles_start(&console_ctx, err, sizeof(err));
	pthread_mutex_unlock(&m.lock);
	if (!consoles) {
		startup_failed(opts, err);
		machine_destroy(&m);
		return VM_EXIT_ERROR;
	}

	/* The control socket: `vmm list` and the other verbs reach this
	 * guest once it runs. */
	if (opts && opts->sock_path) {
		ctl = ctl_server_start(&m, opts, err, sizeof(err));
		if (!ctl) {
			startup_failed(opts, err);
			consoles_stop(consoles);
			machine_destroy(&m);
			return VM_EXIT_ERROR;
		}
	}
	if (start_vcpu(&m) < 0) {
		startup_failed(opts, "cannot start the vCPU thread");
		ctl_server_stop(ctl);
		consoles_stop(consoles);
		machine_destroy(&m);
		return VM_EXIT_ERROR;
	}
	startup_done(opts);
	if (event_loop(&m, sig_fd, ctl) < 0)
		fprintf(stderr, "vmm: event loop: %s\n", strerror(errno));
	stop_vcpu(&m);
	/* The socket goes first: `list` no longer finds a guest that is
	 * ending; the clients waiting for the end see their connection close. */
	ctl_server_stop(ctl);
	/* Without the lock: the console threads may be waiting for it. */
	consoles_stop(consoles);

	status = m.event == EVENT_NONE ? VM_EXIT_ERROR : m.exit_status;
	machine_destroy(&m);
	close(sig_fd);
	return status;
}
