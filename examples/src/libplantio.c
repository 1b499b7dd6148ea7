/* libplantio.so.1: Modbus helpers shared by the plant monitor and its tools. No libc needed. */
#include "plantio.h"

const char *pio_version(void) { return "libplantio 1.2.0"; }

uint16_t pio_crc16(const uint8_t *data, size_t len) {
  uint16_t crc = 0xFFFF;
  for (size_t i = 0; i < len; i++) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; bit++) crc = (crc & 1) ? (crc >> 1) ^ 0xA001 : crc >> 1;
  }
  return crc;
}

float pio_float(uint16_t hi, uint16_t lo, int order) {
  union { uint32_t u; float f; } v;
  v.u = order == PIO_WORDS_CDAB ? ((uint32_t)lo << 16) | hi : ((uint32_t)hi << 16) | lo;
  return v.f;
}

double pio_scale(int32_t raw, double factor, double offset) { return raw * factor + offset; }
