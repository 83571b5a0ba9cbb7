# display.test=fuzz [display.seed=S] [display.rounds=N]: random writes to
# every VGA port, random DISPI modes, the legacy window and the register
# BAR (vgaprobe fuzz). The host checks that the monitor survived; here:
# the guest is still running and the device still answers.
set -- $(bar 2)
echo "GUEST-FUZZ: seed ${arg_seed:-1}, ${arg_rounds:-100000} rounds, registers at $(printf %#x "$1")"
check "vgaprobe fuzz ran to the end" \
	sh -c "vgaprobe fuzz ${arg_seed:-1} ${arg_rounds:-100000} $1 | grep -q FUZZ-DONE"
vgaprobe dispi >/tmp/dispi
id=$(sed -n 's/^DISPI 0 //p' /tmp/dispi)
check "DISPI still answers with a Bochs VBE ID ($id)" [ $((${id:-0} & 0xfff0)) = $((0xb0c0)) ]
