# The service technician's login: the plant monitor's tools on the PATH.
export PATH=$PATH:/opt/plant-monitor/bin
cat <<'TXT'
Service login. Useful commands:
  pgw-info                 firmware, model, serial, uptime
  monitor-ctl status       plant monitor state and field devices
  monitor-ctl check        check the monitor configuration
  tail -f /var/log/syslog  system log
TXT
