#!/bin/sh
# Installs udev/99-edc.rules and applies it to the adapters already plugged in.
# Usage: sudo udev/install.sh      (edit the serial numbers in the rules first)
set -eu
here=$(dirname "$0")
if [ "$(id -u)" -ne 0 ]; then
    echo "install.sh: run as root (sudo $0)" >&2
    exit 1
fi
install -m 0644 "$here/99-edc.rules" /etc/udev/rules.d/99-edc.rules
udevadm control --reload-rules
udevadm trigger --subsystem-match=tty --subsystem-match=usb-serial --action=add
echo "installed /etc/udev/rules.d/99-edc.rules; members of group dialout can now open /dev/edc-galvanostat and /dev/edc-pump"
echo "add a user with: sudo usermod -aG dialout <user>  (then log in again)"
