/* libplantio: the Modbus helpers of the PGW-200 plant gateway (sample device, see ../README.md). */
#ifndef PLANTIO_H
#define PLANTIO_H
#include <stddef.h>
#include <stdint.h>

#define PIO_WORDS_ABCD 0 /* big-endian words, big-endian bytes (Modbus default) */
#define PIO_WORDS_CDAB 1 /* word-swapped, as many energy meters send floats */

const char *pio_version(void);
/* Modbus RTU CRC-16 (polynomial 0xA001, initial 0xFFFF) of len bytes. */
uint16_t pio_crc16(const uint8_t *data, size_t len);
/* An IEEE-754 float from two holding registers in the given word order. */
float pio_float(uint16_t hi, uint16_t lo, int order);
/* Scales a raw register with the register map's factor and offset. */
double pio_scale(int32_t raw, double factor, double offset);
#endif
