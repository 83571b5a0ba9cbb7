# display.test=bochs [display.vram_mib=N]: the standard VGA on PCI, VRAM
# as memory, Linux's bochs DRM driver: /dev/dri/card0, fbdev on it, its mode
# what the DISPI registers say, a pattern through /dev/fb0.
vram_mib=${arg_vram_mib:-16}
check_stdvga_pci
load_modules
dmesg | grep -i -E 'bochs|drm' | sed 's/^/GUEST-DMESG: /'
check "/sys/class/drm/card0 (bochs DRM)" [ -e /sys/class/drm/card0 ]
check "fb0 is the bochs DRM's fbdev ($(cat /sys/class/graphics/fb0/name 2>&1))" \
	grep -q bochs /sys/class/graphics/fb0/name
vsize=$(cat /sys/class/graphics/fb0/virtual_size 2>&1)
mode=$(cat /sys/class/graphics/fb0/modes 2>&1)
fbbpp=$(cat /sys/class/graphics/fb0/bits_per_pixel 2>&1)
echo "GUEST-FB: virtual_size $vsize, mode $mode, $fbbpp bpp"
vgaprobe dispi >/tmp/dispi
sed 's/^/GUEST-/' /tmp/dispi
reg() { sed -n "s/^DISPI $1 //p" /tmp/dispi; }
check "DISPI ID is 0xB0C0..0xB0C5 ($(reg 0))" [ $(($(reg 0) & 0xfff0)) = $((0xb0c0)) ]
check "DISPI VIDEO_MEMORY_64K = $vram_mib MiB ($(reg 10))" [ "$(reg 10)" = $((vram_mib * 16)) ]
check "DISPI is enabled with the linear framebuffer ($(reg 4))" [ $(($(reg 4) & 0x41)) = $((0x41)) ]
check "fb0 mode $mode = DISPI $(reg 1)x$(reg 2)" sh -c "echo '$mode' | grep -q ':$(reg 1)x$(reg 2)'"
check "fb0 virtual size $vsize = DISPI $(reg 1),$(reg 2)" [ "$vsize" = "$(reg 1),$(reg 2)" ]
check "fb0 depth $fbbpp = DISPI $(reg 3)" [ "$fbbpp" = "$(reg 3)" ]
check "/dev/fb0 is a character device" [ -c /dev/fb0 ]
# fbcon draws on fb0 too (its cursor blinks at the top): stop the blink
# and keep the pattern below the first 512 KiB, where the idle console
# does not draw.
echo 0 >/sys/class/graphics/fbcon/cursor_blink 2>/dev/null
dd if=/dev/urandom of=/tmp/pattern bs=4096 count=256 2>/dev/null
dd if=/tmp/pattern of=/dev/fb0 bs=4096 seek=128 conv=notrunc 2>/dev/null
dd if=/dev/fb0 of=/tmp/back bs=4096 skip=128 count=256 2>/dev/null
check "1 MiB pattern through /dev/fb0 reads back" sh -c 'cmp /tmp/pattern /tmp/back >/tmp/cmp 2>&1 ||
	{ sed "s/^/GUEST-CMP: /" /tmp/cmp; false; }' 
