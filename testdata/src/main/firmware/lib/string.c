/* Freestanding string helpers. Copies use 8-byte accesses when both sides
 * are 8-byte aligned (every access stays aligned: the MMU is off). */
#include "fw.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;
	if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(u64 *)d = *(const u64 *)s;
	} else if ((((uintptr_t)d | (uintptr_t)s) & 3) == 0) {
		for (; n >= 4; n -= 4, d += 4, s += 4)
			*(u32 *)d = *(const u32 *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;
	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	/* Overlapping with d above s: copy backwards. */
	d += n;
	s += n;
	if ((((uintptr_t)d | (uintptr_t)s | n) & 7) == 0) {
		for (; n; n -= 8)
			*(u64 *)(d -= 8) = *(const u64 *)(s -= 8);
	} else if ((((uintptr_t)d | (uintptr_t)s | n) & 3) == 0) {
		for (; n; n -= 4)
			*(u32 *)(d -= 4) = *(const u32 *)(s -= 4);
	} else {
		while (n--)
			*--d = *--s;
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	u8 *d = dst;
	u64 pattern = (u8)c * 0x0101010101010101ul;
	while (n && ((uintptr_t)d & 7)) {
		*d++ = (u8)c;
		n--;
	}
	for (; n >= 8; n -= 8, d += 8)
		*(u64 *)d = pattern;
	while (n--)
		*d++ = (u8)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (u8)*a - (u8)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (u8)*a - (u8)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

int parse_u64(const char *s, size_t len, int base, u64 *out)
{
	size_t i = 0;
	u64 v = 0;
	if (base == 16 && len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;
	size_t first = i;
	for (; i < len; i++) {
		char c = s[i];
		u64 digit;
		if (c >= '0' && c <= '9')
			digit = (u64)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			digit = (u64)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			digit = (u64)(c - 'A' + 10);
		else
			break;
		if (v > (~0ul - digit) / (u64)base)
			return 0; /* overflow */
		v = v * (u64)base + digit;
	}
	if (i == first)
		return 0;
	*out = v;
	return (int)i;
}
