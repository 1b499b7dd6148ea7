/* pgw-info: what this gateway is (firmware release, host name, uptime), for the service technician. */
#include <stdio.h>
#include <string.h>

/* An os-release value without its newline and surrounding double quotes. */
static char *unquote(char *v) {
  v[strcspn(v, "\n")] = 0;
  size_t n = strlen(v);
  if (n >= 2 && v[0] == '"' && v[n - 1] == '"') { v[n - 1] = 0; v++; }
  return v;
}

static void show_release(void) {
  FILE *f = fopen("/etc/os-release", "r");
  if (!f) { puts("firmware:  unknown (no /etc/os-release)"); return; }
  char line[256];
  while (fgets(line, sizeof line, f)) {
    if (!strncmp(line, "PRETTY_NAME=", 12)) printf("firmware:  %s\n", unquote(line + 12));
    else if (!strncmp(line, "BUILD_ID=", 9)) printf("build:     %s\n", unquote(line + 9));
  }
  fclose(f);
}

static void show_file(const char *label, const char *path) {
  char buf[128] = "unknown\n";
  FILE *f = fopen(path, "r");
  if (f) { if (!fgets(buf, sizeof buf, f)) strcpy(buf, "unknown\n"); fclose(f); }
  printf("%-10s %s", label, buf);
}

int main(void) {
  show_file("hostname:", "/etc/hostname");
  show_release();
  show_file("model:", "/sys/class/dmi/id/product_name");
  show_file("serial:", "/sys/class/dmi/id/product_serial");
  double up = 0;
  FILE *f = fopen("/proc/uptime", "r");
  if (f) { if (fscanf(f, "%lf", &up) != 1) up = 0; fclose(f); }
  printf("uptime:    %dd %02dh %02dm\n", (int)up / 86400, (int)up / 3600 % 24, (int)up / 60 % 60);
  return 0;
}
