# display.test=vgacon [display.vram_mib=N]: the standard VGA on PCI, and
# Linux's VGA text console (vgacon, set up from what the VGA BIOS told the
# boot code): text written to tty1 is in the text window's plane 0, as the
# guest reads it back through /dev/mem.
vram_mib=${arg_vram_mib:-16}
check_stdvga_pci
vt=$(cat /sys/class/vtconsole/vtcon0/name 2>&1)
check "the VT console is vgacon ($vt)" sh -c "echo '$vt' | grep -q 'VGA'"
mark="VGACON-MARK-$(cat /proc/sys/kernel/random/uuid | cut -c1-8)"
printf '\n%s\n' "$mark" >/dev/tty1
vgaprobe text >/tmp/text
grep -n "$mark" /tmp/text | sed 's/^/GUEST-TEXT: /'
check "'$mark' written to tty1 is in the text window" grep -q "$mark" /tmp/text
