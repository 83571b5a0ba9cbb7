# display.test=novga: with vga = 'none' there is no display device.
check "no device at 00:02.0" [ ! -e "$(pci_dev 2)" ]
check "no PCI display controller" sh -c '! grep -q 0x0300 /sys/bus/pci/devices/*/class'
