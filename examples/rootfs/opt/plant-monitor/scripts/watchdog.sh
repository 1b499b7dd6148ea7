#!/bin/sh
# Every 5 minutes (root's crontab): restart the plant monitor if it died.
/etc/init.d/plant-monitor status >/dev/null 2>&1 && exit 0
logger -t plant-monitor -p local0.err "monitor not running: restarting"
/etc/init.d/plant-monitor restart
