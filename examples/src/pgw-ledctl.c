/*
 * pgw-ledctl: front-panel LEDs (setuid root, mode 4750 root:monitor, so the plant monitor can
 * signal alarms). Accepts only the fixed LED names and states below: no paths from the caller.
 *   pgw-ledctl status|alarm|wifi on|off|blink
 */
#include <stdio.h>
#include <string.h>

static const char *const leds[] = {"status", "alarm", "wifi"};

static int write_sysfs(const char *led, const char *file, const char *value) {
  char path[96];
  snprintf(path, sizeof path, "/sys/class/leds/pgw:%s/%s", led, file);
  FILE *f = fopen(path, "w");
  if (!f) { fprintf(stderr, "pgw-ledctl: %s: no such LED on this board\n", path); return 1; }
  int bad = fputs(value, f) < 0;
  return fclose(f) != 0 || bad;
}

int main(int argc, char **argv) {
  int known = 0;
  for (size_t i = 0; argc == 3 && i < sizeof leds / sizeof *leds; i++) known |= !strcmp(argv[1], leds[i]);
  if (!known) { fprintf(stderr, "usage: pgw-ledctl status|alarm|wifi on|off|blink\n"); return 2; }
  if (!strcmp(argv[2], "blink")) return write_sysfs(argv[1], "trigger", "timer");
  if (strcmp(argv[2], "on") && strcmp(argv[2], "off")) {
    fprintf(stderr, "pgw-ledctl: state must be on, off or blink\n");
    return 2;
  }
  return write_sysfs(argv[1], "trigger", "none") || write_sysfs(argv[1], "brightness", strcmp(argv[2], "on") ? "0" : "1");
}
