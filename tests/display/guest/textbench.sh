# display.test=textbench [display.screens=N]: text console throughput for
# tests/bench/display. Writes N screens of text (25 lines of 80 characters)
# to tty1, first on vgacon (the VGA text window: every character is a
# trapped write), then again after the bochs DRM driver took the console
# (fbcon on VRAM as memory), and prints the guest's own time for each:
#   GUEST-BENCH: vgacon N screens MS ms
#   GUEST-BENCH: fbcon N screens MS ms
screens=${arg_screens:-20}
line=$(printf '%080d' 0 | tr 0 x)
i=0
: >/tmp/screen
while [ $i -lt 25 ]; do echo "$line" >>/tmp/screen; i=$((i + 1)); done
# uptime in ms from /proc/uptime (10 ms resolution: runs last seconds)
now_ms() { read -r up _ </proc/uptime; echo $(( ${up%.*} * 1000 + 10 * ${up#*.} )); }
write_screens() { # write_screens NAME
	t0=$(now_ms)
	i=0
	while [ $i -lt "$screens" ]; do cat /tmp/screen >/dev/tty1; i=$((i + 1)); done
	t1=$(now_ms)
	echo "GUEST-BENCH: $1 $screens screens $((t1 - t0)) ms"
	ok "$1: $screens screens written"
}
echo 0 >/sys/class/graphics/fbcon/cursor_blink 2>/dev/null
write_screens vgacon
load_modules
check "fbcon took tty1 (fb0: $(cat /sys/class/graphics/fb0/name 2>&1))" \
	grep -q bochs /sys/class/graphics/fb0/name
echo 0 >/sys/class/graphics/fbcon/cursor_blink 2>/dev/null
write_screens fbcon
