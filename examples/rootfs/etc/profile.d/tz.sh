# The plant runs on UTC (/etc/timezone); SCADA converts for display.
export TZ=UTC
