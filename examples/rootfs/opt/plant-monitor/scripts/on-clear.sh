#!/bin/sh
# Called when the last active alarm clears.
logger -t plant-monitor -p local0.notice "alarms cleared"
/usr/sbin/pgw-ledctl alarm off
