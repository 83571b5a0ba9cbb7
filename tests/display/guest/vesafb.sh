# display.test=vesafb with vga=0x317 on the kernel command line: the boot
# code asked the VGA BIOS for VBE mode 0x117 (1024x768, 16 bpp), the BIOS
# programmed DISPI, Linux's vesafb drives the linear framebuffer (BAR0,
# written directly: VRAM as guest memory).
fbname=$(cat /sys/class/graphics/fb0/name 2>&1)
check "fb0 is vesafb ($fbname)" [ "$fbname" = "VESA VGA" ]
vsize=$(cat /sys/class/graphics/fb0/virtual_size 2>&1)
fbbpp=$(cat /sys/class/graphics/fb0/bits_per_pixel 2>&1)
echo "GUEST-FB: virtual_size $vsize, $fbbpp bpp"
vgaprobe dispi >/tmp/dispi
sed 's/^/GUEST-/' /tmp/dispi
reg() { sed -n "s/^DISPI $1 //p" /tmp/dispi; }
check "fb0 is 1024,768 at 16 bpp as asked ($vsize, $fbbpp)" [ "$vsize,$fbbpp" = "1024,768,16" ]
check "DISPI holds the mode: $(reg 1)x$(reg 2)x$(reg 3), enable $(reg 4)" \
	[ "$(reg 1)x$(reg 2)x$(reg 3)" = 1024x768x16 -a $(($(reg 4) & 0x41)) = $((0x41)) ]
check "/dev/fb0 is a character device" [ -c /dev/fb0 ]
# fbcon draws on fb0 too (its cursor blinks at the top): stop the blink
# and keep the pattern below the first 512 KiB, where the idle console
# does not draw.
echo 0 >/sys/class/graphics/fbcon/cursor_blink 2>/dev/null
dd if=/dev/urandom of=/tmp/pattern bs=4096 count=256 2>/dev/null
dd if=/tmp/pattern of=/dev/fb0 bs=4096 seek=128 conv=notrunc 2>/dev/null
dd if=/dev/fb0 of=/tmp/back bs=4096 skip=128 count=256 2>/dev/null
check "1 MiB pattern through /dev/fb0 (the LFB itself) reads back" sh -c 'cmp /tmp/pattern /tmp/back >/tmp/cmp 2>&1 ||
	{ sed "s/^/GUEST-CMP: /" /tmp/cmp; false; }' 
