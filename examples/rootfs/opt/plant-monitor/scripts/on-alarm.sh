#!/bin/sh
# Called by the plant monitor when an alarm is raised: on-alarm.sh SEVERITY DEVICE TEXT
severity=$1 device=$2 text=$3
logger -t plant-monitor -p local0.warning "ALARM $severity $device: $text"
/usr/sbin/pgw-ledctl alarm blink
[ "$severity" = critical ] && /usr/sbin/pgw-ledctl alarm on
exit 0
