# display.test=idle [display.idle=SECONDS]: a still text screen for
# tests/bench/display: one screen of text on tty1 (vgacon, or fbcon on the
# bochs DRM driver with display.fb=1), the cursor's blink off, then
# nothing for SECONDS (default 90) while the host measures the monitor.
if [ "${arg_fb:-0}" = 1 ]; then load_modules; fi
echo 0 >/sys/class/graphics/fbcon/cursor_blink 2>/dev/null
printf 'a still screen for the display benchmark\n' >/dev/tty1
echo "GUEST-IDLE: start"
sleep "${arg_idle:-90}"
ok "idle for ${arg_idle:-90} s"
