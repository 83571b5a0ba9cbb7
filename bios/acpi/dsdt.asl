/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DSDT of the emulated PC (i440FX + PIIX3, PIIX4 PM at 00:01.3):
 * ACPI 6.4 chapter 5 (ACPI namespace), chapter 6 (device configuration),
 * chapter 19 (ASL). Compiled at build time with Debian's iasl
 * (acpica-tools) into build/acpi/dsdt.aml; the monitor puts it behind its
 * own FADT (devmodel/acpi/acpi_tables.c) and hands both to SeaBIOS
 * through fw_cfg's etc/table-loader.
 *
 * What it describes must match the machine (vmm/machine.c):
 * - PCI bus 0 through mechanism #1; the 32-bit window 0xE0000000-
 *   0xFEBFFFFF (vmm/memmap.h: RAM below 4 GiB stops at the PCI hole;
 *   SeaBIOS places BARs from 0xFEC00000 down) and the VGA window.
 * - INTx#: slot S pin P drives PIRQ[(S + P - 2) & 3] (devmodel/core/pci.h),
 *   and the PIIX3 routes PIRQA-D to ISA IRQs by PIRQRC 60h-63h: the link
 *   devices LNKA-LNKD read and write those registers.
 * - No APIC: the 8259 pair only (no \_PIC choice to make, no MADT).
 * - The power button is the fixed-feature one (FADT PWR_BUTTON clear).
 * - \_S5: PIIX4's SUS_TYP for soft off is 0 (datasheet 290562, PMCNTRL).
 *   No \_S3/\_S4: the device refuses them.
 */
DefinitionBlock ("dsdt.aml", "DSDT", 2, "VMM   ", "VMMPC   ", 1)
{
	/* Soft off: SLP_TYPa, SLP_TYPb, reserved, reserved. */
	Name (\_S5, Package () { 0, 0, 0, 0 })

	Scope (\_SB)
	{
		Device (PCI0)
		{
			Name (_HID, EisaId ("PNP0A03"))
			Name (_UID, 0)
			Name (_BBN, 0)

			Name (_CRS, ResourceTemplate ()
			{
				WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode,
					0x0000, 0x0000, 0x00FF, 0x0000, 0x0100)
				/* The configuration ports belong to the bridge. */
				IO (Decode16, 0x0CF8, 0x0CF8, 0x01, 0x08)
				WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange,
					0x0000, 0x0000, 0x0CF7, 0x0000, 0x0CF8)
				WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange,
					0x0000, 0x0D00, 0xFFFF, 0x0000, 0xF300)
				DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed,
					Cacheable, ReadWrite,
					0x00000000, 0x000A0000, 0x000BFFFF, 0x00000000, 0x00020000)
				DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed,
					NonCacheable, ReadWrite,
					0x00000000, 0xE0000000, 0xFEBFFFFF, 0x00000000, 0x1EC00000)
			})

			/* PCI IRQ routing (ACPI 6.4 §6.2.13): address = slot << 16 |
			 * 0xFFFF (any function), pin 0-3 = INTA#-INTD#, the link
			 * device, index 0. Slot 0 (the host bridge) has no
			 * interrupt. */
			Name (_PRT, Package ()
			{
			Package () { 0x0001FFFF, 0, LNKA, 0 }, Package () { 0x0001FFFF, 1, LNKB, 0 },
			Package () { 0x0001FFFF, 2, LNKC, 0 }, Package () { 0x0001FFFF, 3, LNKD, 0 },
			Package () { 0x0002FFFF, 0, LNKB, 0 }, Package () { 0x0002FFFF, 1, LNKC, 0 },
			Package () { 0x0002FFFF, 2, LNKD, 0 }, Package () { 0x0002FFFF, 3, LNKA, 0 },
			Package () { 0x0003FFFF, 0, LNKC, 0 }, Package () { 0x0003FFFF, 1, LNKD, 0 },
			Package () { 0x0003FFFF, 2, LNKA, 0 }, Package () { 0x0003FFFF, 3, LNKB, 0 },
			Package () { 0x0004FFFF, 0, LNKD, 0 }, Package () { 0x0004FFFF, 1, LNKA, 0 },
			Package () { 0x0004FFFF, 2, LNKB, 0 }, Package () { 0x0004FFFF, 3, LNKC, 0 },
			Package () { 0x0005FFFF, 0, LNKA, 0 }, Package () { 0x0005FFFF, 1, LNKB, 0 },
			Package () { 0x0005FFFF, 2, LNKC, 0 }, Package () { 0x0005FFFF, 3, LNKD, 0 },
			Package () { 0x0006FFFF, 0, LNKB, 0 }, Package () { 0x0006FFFF, 1, LNKC, 0 },
			Package () { 0x0006FFFF, 2, LNKD, 0 }, Package () { 0x0006FFFF, 3, LNKA, 0 },
			Package () { 0x0007FFFF, 0, LNKC, 0 }, Package () { 0x0007FFFF, 1, LNKD, 0 },
			Package () { 0x0007FFFF, 2, LNKA, 0 }, Package () { 0x0007FFFF, 3, LNKB, 0 },
			Package () { 0x0008FFFF, 0, LNKD, 0 }, Package () { 0x0008FFFF, 1, LNKA, 0 },
			Package () { 0x0008FFFF, 2, LNKB, 0 }, Package () { 0x0008FFFF, 3, LNKC, 0 },
			Package () { 0x0009FFFF, 0, LNKA, 0 }, Package () { 0x0009FFFF, 1, LNKB, 0 },
			Package () { 0x0009FFFF, 2, LNKC, 0 }, Package () { 0x0009FFFF, 3, LNKD, 0 },
			Package () { 0x000AFFFF, 0, LNKB, 0 }, Package () { 0x000AFFFF, 1, LNKC, 0 },
			Package () { 0x000AFFFF, 2, LNKD, 0 }, Package () { 0x000AFFFF, 3, LNKA, 0 },
			Package () { 0x000BFFFF, 0, LNKC, 0 }, Package () { 0x000BFFFF, 1, LNKD, 0 },
			Package () { 0x000BFFFF, 2, LNKA, 0 }, Package () { 0x000BFFFF, 3, LNKB, 0 },
			Package () { 0x000CFFFF, 0, LNKD, 0 }, Package () { 0x000CFFFF, 1, LNKA, 0 },
			Package () { 0x000CFFFF, 2, LNKB, 0 }, Package () { 0x000CFFFF, 3, LNKC, 0 },
			Package () { 0x000DFFFF, 0, LNKA, 0 }, Package () { 0x000DFFFF, 1, LNKB, 0 },
			Package () { 0x000DFFFF, 2, LNKC, 0 }, Package () { 0x000DFFFF, 3, LNKD, 0 },
			Package () { 0x000EFFFF, 0, LNKB, 0 }, Package () { 0x000EFFFF, 1, LNKC, 0 },
			Package () { 0x000EFFFF, 2, LNKD, 0 }, Package () { 0x000EFFFF, 3, LNKA, 0 },
			Package () { 0x000FFFFF, 0, LNKC, 0 }, Package () { 0x000FFFFF, 1, LNKD, 0 },
			Package () { 0x000FFFFF, 2, LNKA, 0 }, Package () { 0x000FFFFF, 3, LNKB, 0 },
			Package () { 0x0010FFFF, 0, LNKD, 0 }, Package () { 0x0010FFFF, 1, LNKA, 0 },
			Package () { 0x0010FFFF, 2, LNKB, 0 }, Package () { 0x0010FFFF, 3, LNKC, 0 },
			Package () { 0x0011FFFF, 0, LNKA, 0 }, Package () { 0x0011FFFF, 1, LNKB, 0 },
			Package () { 0x0011FFFF, 2, LNKC, 0 }, Package () { 0x0011FFFF, 3, LNKD, 0 },
			Package () { 0x0012FFFF, 0, LNKB, 0 }, Package () { 0x0012FFFF, 1, LNKC, 0 },
			Package () { 0x0012FFFF, 2, LNKD, 0 }, Package () { 0x0012FFFF, 3, LNKA, 0 },
			Package () { 0x0013FFFF, 0, LNKC, 0 }, Package () { 0x0013FFFF, 1, LNKD, 0 },
			Package () { 0x0013FFFF, 2, LNKA, 0 }, Package () { 0x0013FFFF, 3, LNKB, 0 },
			Package () { 0x0014FFFF, 0, LNKD, 0 }, Package () { 0x0014FFFF, 1, LNKA, 0 },
			Package () { 0x0014FFFF, 2, LNKB, 0 }, Package () { 0x0014FFFF, 3, LNKC, 0 },
			Package () { 0x0015FFFF, 0, LNKA, 0 }, Package () { 0x0015FFFF, 1, LNKB, 0 },
			Package () { 0x0015FFFF, 2, LNKC, 0 }, Package () { 0x0015FFFF, 3, LNKD, 0 },
			Package () { 0x0016FFFF, 0, LNKB, 0 }, Package () { 0x0016FFFF, 1, LNKC, 0 },
			Package () { 0x0016FFFF, 2, LNKD, 0 }, Package () { 0x0016FFFF, 3, LNKA, 0 },
			Package () { 0x0017FFFF, 0, LNKC, 0 }, Package () { 0x0017FFFF, 1, LNKD, 0 },
			Package () { 0x0017FFFF, 2, LNKA, 0 }, Package () { 0x0017FFFF, 3, LNKB, 0 },
			Package () { 0x0018FFFF, 0, LNKD, 0 }, Package () { 0x0018FFFF, 1, LNKA, 0 },
			Package () { 0x0018FFFF, 2, LNKB, 0 }, Package () { 0x0018FFFF, 3, LNKC, 0 },
			Package () { 0x0019FFFF, 0, LNKA, 0 }, Package () { 0x0019FFFF, 1, LNKB, 0 },
			Package () { 0x0019FFFF, 2, LNKC, 0 }, Package () { 0x0019FFFF, 3, LNKD, 0 },
			Package () { 0x001AFFFF, 0, LNKB, 0 }, Package () { 0x001AFFFF, 1, LNKC, 0 },
			Package () { 0x001AFFFF, 2, LNKD, 0 }, Package () { 0x001AFFFF, 3, LNKA, 0 },
			Package () { 0x001BFFFF, 0, LNKC, 0 }, Package () { 0x001BFFFF, 1, LNKD, 0 },
			Package () { 0x001BFFFF, 2, LNKA, 0 }, Package () { 0x001BFFFF, 3, LNKB, 0 },
			Package () { 0x001CFFFF, 0, LNKD, 0 }, Package () { 0x001CFFFF, 1, LNKA, 0 },
			Package () { 0x001CFFFF, 2, LNKB, 0 }, Package () { 0x001CFFFF, 3, LNKC, 0 },
			Package () { 0x001DFFFF, 0, LNKA, 0 }, Package () { 0x001DFFFF, 1, LNKB, 0 },
			Package () { 0x001DFFFF, 2, LNKC, 0 }, Package () { 0x001DFFFF, 3, LNKD, 0 },
			Package () { 0x001EFFFF, 0, LNKB, 0 }, Package () { 0x001EFFFF, 1, LNKC, 0 },
			Package () { 0x001EFFFF, 2, LNKD, 0 }, Package () { 0x001EFFFF, 3, LNKA, 0 },
			Package () { 0x001FFFFF, 0, LNKC, 0 }, Package () { 0x001FFFFF, 1, LNKD, 0 },
			Package () { 0x001FFFFF, 2, LNKA, 0 }, Package () { 0x001FFFFF, 3, LNKB, 0 }
			})

			/* 00:01.0, the PIIX3 PCI-to-ISA bridge, and the ISA devices
			 * behind it. */
			Device (ISA)
			{
				Name (_ADR, 0x00010000)

				/* PIRQRC[A:D] (PIIX3 datasheet 290550): bit 7 IRQEN#
				 * (1 = not routed), bits 3:0 the ISA IRQ. */
				OperationRegion (PIRQ, PCI_Config, 0x60, 0x04)
				Field (PIRQ, ByteAcc, NoLock, Preserve)
				{
					PRQA, 8,
					PRQB, 8,
					PRQC, 8,
					PRQD, 8
				}

				Device (KBD)
				{
					Name (_HID, EisaId ("PNP0303"))
					Name (_STA, 0x0F)
					Name (_CRS, ResourceTemplate ()
					{
						IO (Decode16, 0x0060, 0x0060, 0x01, 0x01)
						IO (Decode16, 0x0064, 0x0064, 0x01, 0x01)
						IRQNoFlags () { 1 }
					})
				}

				Device (MOU)
				{
					Name (_HID, EisaId ("PNP0F13"))
					Name (_STA, 0x0F)
					Name (_CRS, ResourceTemplate ()
					{
						IRQNoFlags () { 12 }
					})
				}

				Device (COM1)
				{
					Name (_HID, EisaId ("PNP0501"))
					Name (_UID, 1)
					Name (_STA, 0x0F)
					Name (_CRS, ResourceTemplate ()
					{
						IO (Decode16, 0x03F8, 0x03F8, 0x01, 0x08)
						IRQNoFlags () { 4 }
					})
				}

				Device (RTC)
				{
					Name (_HID, EisaId ("PNP0B00"))
					Name (_STA, 0x0F)
					Name (_CRS, ResourceTemplate ()
					{
						IO (Decode16, 0x0070, 0x0070, 0x01, 0x02)
						IRQNoFlags () { 8 }
					})
				}

				Device (TMR)
				{
					Name (_HID, EisaId ("PNP0100"))
					Name (_STA, 0x0F)
					Name (_CRS, ResourceTemplate ()
					{
						IO (Decode16, 0x0040, 0x0040, 0x01, 0x04)
						IRQNoFlags () { 0 }
					})
				}

				Device (PIC)
				{
					Name (_HID, EisaId ("PNP0000"))
					Name (_STA, 0x0F)
					Name (_CRS, ResourceTemplate ()
					{
						IO (Decode16, 0x0020, 0x0020, 0x01, 0x02)
						IO (Decode16, 0x00A0, 0x00A0, 0x01, 0x02)
						/* ELCR1/ELCR2 */
						IO (Decode16, 0x04D0, 0x04D0, 0x01, 0x02)
						IRQNoFlags () { 2 }
					})
				}
			}

			/* 00:01.1, the PIIX IDE controller (legacy ports 0x1F0/0x3F6
			 * IRQ 14, 0x170/0x376 IRQ 15: described by its PCI header). */
			Device (IDE)
			{
				Name (_ADR, 0x00010001)

				Device (PRI)
				{
					Name (_ADR, 0)
				}

				Device (SEC)
				{
					Name (_ADR, 1)
				}
			}
		}

		/* The current IRQ of a PIRQRC value as a resource template:
		 * an empty one (IRQ 0) when the PIRQ is not routed. The
		 * Interrupt descriptor's first IRQ is the dword at offset 5
		 * (ACPI 6.4 §6.4.3.6). */
		Method (IQCR, 1, Serialized)
		{
			Name (PRR0, ResourceTemplate ()
			{
				Interrupt (ResourceConsumer, Level, ActiveHigh, Shared) { 0 }
			})
			CreateDWordField (PRR0, 0x05, PRRI)
			If (!(Arg0 & 0x80))
			{
				PRRI = Arg0 & 0x0F
			}
			Return (PRR0)
		}

		/* _STA of a link: present and decoding when routed, present and
		 * disabled otherwise (ACPI 6.4 §6.3.7). */
		Method (IQST, 1, NotSerialized)
		{
			If (Arg0 & 0x80)
			{
				Return (0x09)
			}
			Return (0x0B)
		}

		/* The IRQs a link may take: those SeaBIOS uses (10, 11) and 5,
		 * free on this machine. PCI INTx# is level-triggered; the PIIX3
		 * drives the ISA line active high. */
		Name (PRSL, ResourceTemplate ()
		{
			Interrupt (ResourceConsumer, Level, ActiveHigh, Shared) { 5, 10, 11 }
		})

		Device (LNKA)
		{
			Name (_HID, EisaId ("PNP0C0F"))
			Name (_UID, 1)
			Method (_STA, 0, NotSerialized) { Return (IQST (\_SB.PCI0.ISA.PRQA)) }
			Method (_PRS, 0, NotSerialized) { Return (PRSL) }
			Method (_CRS, 0, NotSerialized) { Return (IQCR (\_SB.PCI0.ISA.PRQA)) }
			Method (_DIS, 0, NotSerialized) { \_SB.PCI0.ISA.PRQA |= 0x80 }
			Method (_SRS, 1, NotSerialized)
			{
				CreateDWordField (Arg0, 0x05, PRRI)
				\_SB.PCI0.ISA.PRQA = PRRI
			}
		}

		Device (LNKB)
		{
			Name (_HID, EisaId ("PNP0C0F"))
			Name (_UID, 2)
			Method (_STA, 0, NotSerialized) { Return (IQST (\_SB.PCI0.ISA.PRQB)) }
			Method (_PRS, 0, NotSerialized) { Return (PRSL) }
			Method (_CRS, 0, NotSerialized) { Return (IQCR (\_SB.PCI0.ISA.PRQB)) }
			Method (_DIS, 0, NotSerialized) { \_SB.PCI0.ISA.PRQB |= 0x80 }
			Method (_SRS, 1, NotSerialized)
			{
				CreateDWordField (Arg0, 0x05, PRRI)
				\_SB.PCI0.ISA.PRQB = PRRI
			}
		}

		Device (LNKC)
		{
			Name (_HID, EisaId ("PNP0C0F"))
			Name (_UID, 3)
			Method (_STA, 0, NotSerialized) { Return (IQST (\_SB.PCI0.ISA.PRQC)) }
			Method (_PRS, 0, NotSerialized) { Return (PRSL) }
			Method (_CRS, 0, NotSerialized) { Return (IQCR (\_SB.PCI0.ISA.PRQC)) }
			Method (_DIS, 0, NotSerialized) { \_SB.PCI0.ISA.PRQC |= 0x80 }
			Method (_SRS, 1, NotSerialized)
			{
				CreateDWordField (Arg0, 0x05, PRRI)
				\_SB.PCI0.ISA.PRQC = PRRI
			}
		}

		Device (LNKD)
		{
			Name (_HID, EisaId ("PNP0C0F"))
			Name (_UID, 4)
			Method (_STA, 0, NotSerialized) { Return (IQST (\_SB.PCI0.ISA.PRQD)) }
			Method (_PRS, 0, NotSerialized) { Return (PRSL) }
			Method (_CRS, 0, NotSerialized) { Return (IQCR (\_SB.PCI0.ISA.PRQD)) }
			Method (_DIS, 0, NotSerialized) { \_SB.PCI0.ISA.PRQD |= 0x80 }
			Method (_SRS, 1, NotSerialized)
			{
				CreateDWordField (Arg0, 0x05, PRRI)
				\_SB.PCI0.ISA.PRQD = PRRI
			}
		}
	}
}
