/* CRC-32 (polynomial 0xEDB88320 reflected, initial and final value all ones),
 * the checksum of zlib and java.util.zip.CRC32. Slicing by 8: eight 256-entry
 * tables built once at start-up, then one aligned 64-bit load per 8 bytes. */
#include "fw.h"

#define CRC32_POLY_REFLECTED 0xEDB88320u

static u32 crc_table[8][256];

void crc32_init(void)
{
	for (u32 i = 0; i < 256; i++) {
		u32 c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ CRC32_POLY_REFLECTED : c >> 1;
		crc_table[0][i] = c;
	}
	for (u32 i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xFF];
}

u32 crc32_byte(u32 crc, u8 b)
{
	return (crc >> 8) ^ crc_table[0][(crc ^ b) & 0xFF];
}

u32 crc32_update(u32 crc, const void *data, size_t n)
{
	const u8 *p = data;
	while (n && ((uintptr_t)p & 7)) {
		crc = crc32_byte(crc, *p++);
		n--;
	}
	for (; n >= 8; n -= 8, p += 8) {
		u64 w = *(const u64 *)p ^ crc;
		crc = crc_table[7][w & 0xFF] ^ crc_table[6][(w >> 8) & 0xFF] ^
		      crc_table[5][(w >> 16) & 0xFF] ^ crc_table[4][(w >> 24) & 0xFF] ^
		      crc_table[3][(w >> 32) & 0xFF] ^ crc_table[2][(w >> 40) & 0xFF] ^
		      crc_table[1][(w >> 48) & 0xFF] ^ crc_table[0][w >> 56];
	}
	while (n--)
		crc = crc32_byte(crc, *p++);
	return crc;
}
