#!/bin/sh
# Removes spooled values older than HOURS (default 72) once SCADA has acknowledged them.
hours=${1:-72}
find /opt/plant-monitor/data/spool -name '*.acked' -mmin +$((hours * 60)) -delete
