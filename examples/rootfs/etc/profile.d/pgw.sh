# Service aliases and a one-line summary at login.
alias ll='ls -l'
alias la='ls -la'
alias mon='/opt/plant-monitor/bin/monitor-ctl'
alias logs='tail -n 50 -f /var/log/syslog'
[ -t 1 ] && [ -x /usr/bin/pgw-info ] && /usr/bin/pgw-info 2>/dev/null | head -n 2
