/*
 * The stand-in for third-party programs in the sample device (busybox, sshd, chronyd, nft, ...):
 * the sample image carries their real configuration but not the programs (size, licences), so
 * every one of them is this small program, which says what it stands for and exits 127.
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  (void)argc;
  const char *name = strrchr(argv[0], '/');
  name = name ? name + 1 : argv[0];
  fprintf(stderr,
          "%s: stand-in of the PGW-200 sample image (Norvik PlantOS 2026.11): the real program "
          "is not included; see examples/README.md in the LayerDeck repository\n",
          name);
  return 127;
}
