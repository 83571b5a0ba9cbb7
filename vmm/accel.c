// SPDX-License-Identifier: GPL-2.0
/*
 * Opening the accelerator, guest memory slots and the vCPU, through the KVM
 * ioctl ABI that /dev/vmm and /dev/kvm share.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm/accel.h"

#define KVM_API_VERSION_EXPECTED 12

static const char *pick_device(enum vm_accel which)
{
	const char *env = getenv("VMM_DEV");

	if (env && *env)
		return env;
	switch (which) {
	case ACCEL_VMM:
		return "/dev/vmm";
	case ACCEL_KVM:
		return "/dev/kvm";
	default:
		return access("/dev/vmm", F_OK) == 0 ? "/dev/vmm" : "/dev/kvm";
	}
}

int accel_open(struct accel *a, enum vm_accel which, char *err, size_t errlen)
{
	int version;

	memset(a, 0, sizeof(*a));
	a->sys_fd = a->vm_fd = a->vcpu_fd = -1;
	a->device = pick_device(which);
	a->sys_fd = open(a->device, O_RDWR | O_CLOEXEC);
	if (a->sys_fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s%s", a->device,
			 strerror(errno),
			 errno == ENOENT ? " (is vmm.ko or kvm loaded?)" : "");
		return -1;
	}
	version = ioctl(a->sys_fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION_EXPECTED) {
		snprintf(err, errlen, "%s speaks KVM API %d, not %d", a->device,
			 version, KVM_API_VERSION_EXPECTED);
		return -1;
	}
	a->vm_fd = ioctl(a->sys_fd, KVM_CREATE_VM, 0);
	if (a->vm_fd < 0) {
		snprintf(err, errlen, "%s: cannot create a VM: %s%s", a->device,
			 strerror(errno),
			 errno == EBUSY ? " (another hypervisor holds the CPU)" : "");
		return -1;
	}
	a->readonly_mem = ioctl(a->vm_fd, KVM_CHECK_EXTENSION,
				KVM_CAP_READONLY_MEM) > 0;
	return 0;
}

void accel_close(struct accel *a)
{
	if (a->run)
		munmap(a->run, a->run_size);
	if (a->vcpu_fd >= 0)
		close(a->vcpu_fd);
	if (a->vm_fd >= 0)
		close(a->vm_fd);
	if (a->sys_fd >= 0)
		close(a->sys_fd);
	a->run = NULL;
	a->coalesced_ring = NULL;
	a->vcpu_fd = a->vm_fd = a->sys_fd = -1;
}

static int free_slot(const struct accel *a)
{
	for (int slot = 0; slot < ACCEL_MAX_SLOTS; slot++)
		if (!(a->slots_used & (1ull << slot)))
			return slot;
	return -1;
}

static int set_region(struct accel *a, int slot, uint32_t flags, uint64_t gpa,
		      uint64_t size, void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = (uint32_t)slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	return ioctl(a->vm_fd, KVM_SET_USER_MEMORY_REGION, &r);
}

/*
 * Dirty logging is part of KVM's base API (no capability number says it
 * is there), so it is probed by asking: an accelerator without it refuses
 * the flag with EINVAL, and the mapping is then made without it.
 */
int accel_map_slot(struct accel *a, uint64_t gpa, uint64_t size, void *hva,
		   unsigned flags, unsigned *got, char *err, size_t errlen)
{
	int slot = free_slot(a);
	uint32_t kvm_flags = 0;
	unsigned have = 0;
	int r;

	if (slot < 0) {
		errno = ENOSPC;
		snprintf(err, errlen, "%s: no free memory slot for %#llx bytes at %#llx",
			 a->device, (unsigned long long)size, (unsigned long long)gpa);
		return -1;
	}
	if ((flags & ACCEL_MAP_READONLY) && a->readonly_mem) {
		kvm_flags |= KVM_MEM_READONLY;
		have |= ACCEL_MAP_READONLY;
	}
	if ((flags & ACCEL_MAP_DIRTY_LOG) && !a->no_dirty_log) {
		r = set_region(a, slot, kvm_flags | KVM_MEM_LOG_DIRTY_PAGES, gpa,
			       size, hva);
		if (r == 0) {
			have |= ACCEL_MAP_DIRTY_LOG;
			goto mapped;
		}
		if (errno != EINVAL)
			goto fail;
		a->no_dirty_log = true;
	}
	r = set_region(a, slot, kvm_flags, gpa, size, hva);
	if (r < 0)
		goto fail;
mapped:
	a->slots_used |= 1ull << slot;
	if (got)
		*got = have;
	return slot;
fail:
	r = errno;
	snprintf(err, errlen, "%s: cannot map %#llx bytes at guest address %#llx: %s",
		 a->device, (unsigned long long)size, (unsigned long long)gpa,
		 strerror(r));
	errno = r;
	return -1;
}

int accel_map(struct accel *a, uint64_t gpa, uint64_t size, void *hva,
	      bool readonly, char *err, size_t errlen)
{
	return accel_map_slot(a, gpa, size, hva, readonly ? ACCEL_MAP_READONLY : 0,
			      NULL, err, errlen) < 0 ? -1 : 0;
}

int accel_unmap_slot(struct accel *a, int slot)
{
	if (slot < 0 || slot >= ACCEL_MAX_SLOTS || !(a->slots_used & (1ull << slot))) {
		errno = EINVAL;
		return -1;
	}
	/* Size 0 deletes the slot (KVM API, KVM_SET_USER_MEMORY_REGION). */
	if (set_region(a, slot, 0, 0, 0, NULL) < 0)
		return -1;
	a->slots_used &= ~(1ull << slot);
	return 0;
}

int accel_get_dirty_log(struct accel *a, int slot, uint64_t *bitmap)
{
	struct kvm_dirty_log log = { .slot = (uint32_t)slot, .dirty_bitmap = bitmap };

	return ioctl(a->vm_fd, KVM_GET_DIRTY_LOG, &log);
}

#define CPUID_MAX_ENTRIES 100
#define CPUID_1_EDX_APIC (1u << 9)
#define CPUID_1_ECX_X2APIC (1u << 21)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)

/*
 * The guest sees what the accelerator supports, less the local APIC: the
 * monitor emulates only the 8259 pair, and with an APIC in CPUID SeaBIOS
 * would try to start other CPUs through it (platform-seabios.md).
 */
static int set_cpuid(struct accel *a, char *err, size_t errlen)
{
	struct kvm_cpuid2 *cpuid;
	unsigned i;
	int r = -1;

	cpuid = calloc(1, sizeof(*cpuid) +
			   CPUID_MAX_ENTRIES * sizeof(struct kvm_cpuid_entry2));
	if (!cpuid) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	cpuid->nent = CPUID_MAX_ENTRIES;
	if (ioctl(a->sys_fd, KVM_GET_SUPPORTED_CPUID, cpuid) < 0) {
		snprintf(err, errlen, "%s: KVM_GET_SUPPORTED_CPUID: %s",
			 a->device, strerror(errno));
		goto out;
	}
	for (i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		if (e->function == 1) {
			e->edx &= ~CPUID_1_EDX_APIC;
			e->ecx &= ~(CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE);
		}
	}
	if (ioctl(a->vcpu_fd, KVM_SET_CPUID2, cpuid) < 0) {
		snprintf(err, errlen, "%s: KVM_SET_CPUID2: %s", a->device,
			 strerror(errno));
		goto out;
	}
	r = 0;
out:
	free(cpuid);
	return r;
}

/*
 * There is no local APIC: IA32_APIC_BASE with the global enable bit clear
 * (SDM vol. 3, 10.4.3). KVM derives CPUID.1:EDX.APIC from that bit at run
 * time, so this is also what keeps the APIC hidden from SeaBIOS (no other
 * CPUs to start) and from Linux (8259 interrupt mode).
 */
static int disable_lapic(struct accel *a, char *err, size_t errlen)
{
	struct kvm_sregs sregs;

	if (ioctl(a->vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		goto fail;
	sregs.apic_base = 0;
	if (ioctl(a->vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "%s: cannot disable the local APIC: %s",
		 a->device, strerror(errno));
	return -1;
}

/* The ring's entries, as KVM_COALESCED_MMIO_MAX counts them with x86's
 * 4 KiB page. */
#define RING_PAGE 4096u
#define RING_MAX ((RING_PAGE - sizeof(struct kvm_coalesced_mmio_ring)) / \
		  sizeof(struct kvm_coalesced_mmio))

/* KVM_CHECK_EXTENSION(KVM_CAP_COALESCED_MMIO) answers the ring's page in
 * the vCPU mapping (api.rst: KVM_CAP_COALESCED_MMIO); 0 is none. */
static void map_coalesced_ring(struct accel *a)
{
	int page = ioctl(a->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_MMIO);

	a->coalesced_ring = NULL;
	if (page > 0 && (size_t)(page + 1) * RING_PAGE <= a->run_size)
		a->coalesced_ring = (void *)((uint8_t *)a->run + page * RING_PAGE);
}

int accel_coalesce_mmio(struct accel *a, uint64_t gpa, uint32_t size)
{
	struct kvm_coalesced_mmio_zone zone = { .addr = gpa, .size = size };

	if (!a->coalesced_ring)
		return -1;
	return ioctl(a->vm_fd, KVM_REGISTER_COALESCED_MMIO, &zone) < 0 ? -1 : 0;
}

void accel_flush_coalesced(struct accel *a,
			   void (*write)(void *opaque, uint64_t gpa,
					 unsigned len, uint64_t value),
			   void *opaque)
{
	struct kvm_coalesced_mmio_ring *ring = a->coalesced_ring;
	uint32_t first, last;

	if (!ring)
		return;
	/* The accelerator writes an entry, then publishes it in last. */
	last = __atomic_load_n(&ring->last, __ATOMIC_ACQUIRE);
	first = ring->first;
	if (first >= RING_MAX || last >= RING_MAX)
		return; /* not the accelerator's doing; nothing to trust */
	while (first != last) {
		const struct kvm_coalesced_mmio *e = &ring->coalesced_mmio[first];
		uint64_t value = 0;

		if (e->len && e->len <= sizeof(value)) {
			memcpy(&value, e->data, e->len);
			write(opaque, e->phys_addr, e->len, value);
		}
		first = (first + 1) % RING_MAX;
	}
	/* The entries are read before the accelerator may reuse them. */
	__atomic_store_n(&ring->first, first, __ATOMIC_RELEASE);
}

int accel_create_vcpu(struct accel *a, char *err, size_t errlen)
{
	int size;

	a->vcpu_fd = ioctl(a->vm_fd, KVM_CREATE_VCPU, 0);
	if (a->vcpu_fd < 0) {
		snprintf(err, errlen, "%s: cannot create a vCPU: %s", a->device,
			 strerror(errno));
		return -1;
	}
	size = ioctl(a->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run)) {
		snprintf(err, errlen, "%s: bad vCPU mmap size %d", a->device, size);
		return -1;
	}
	a->run_size = size;
	a->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      a->vcpu_fd, 0);
	if (a->run == MAP_FAILED) {
		a->run = NULL;
		snprintf(err, errlen, "%s: cannot map kvm_run: %s", a->device,
			 strerror(errno));
		return -1;
	}
	map_coalesced_ring(a);
	if (set_cpuid(a, err, errlen) < 0)
		return -1;
	return disable_lapic(a, err, errlen);
}
