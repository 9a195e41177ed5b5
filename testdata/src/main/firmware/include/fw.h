/*
 * Common definitions for the virtfw test firmware: fixed-width types, MMIO
 * accessors, the generic timer, the console and small string helpers.
 * Everything runs with the MMU off, so every data access is Device memory:
 * the code is built with -mstrict-align and never makes unaligned accesses.
 */
#ifndef FW_H
#define FW_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef long s64;
typedef unsigned long size_t;
typedef unsigned long uintptr_t;
typedef __builtin_va_list va_list;

#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_arg(ap, type) __builtin_va_arg(ap, type)
#define va_end(ap) __builtin_va_end(ap)

#define NULL ((void *)0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((u64)(a) - 1))

static inline void mmio_write8(u64 addr, u8 v) { *(volatile u8 *)addr = v; }
static inline void mmio_write16(u64 addr, u16 v) { *(volatile u16 *)addr = v; }
static inline void mmio_write32(u64 addr, u32 v) { *(volatile u32 *)addr = v; }
static inline void mmio_write64(u64 addr, u64 v) { *(volatile u64 *)addr = v; }
static inline u8 mmio_read8(u64 addr) { return *(volatile u8 *)addr; }
static inline u16 mmio_read16(u64 addr) { return *(volatile u16 *)addr; }
static inline u32 mmio_read32(u64 addr) { return *(volatile u32 *)addr; }
static inline u64 mmio_read64(u64 addr) { return *(volatile u64 *)addr; }

static inline void dsb(void) { __asm__ volatile("dsb sy" ::: "memory"); }

static inline u16 bswap16(u16 v) { return __builtin_bswap16(v); }
static inline u32 bswap32(u32 v) { return __builtin_bswap32(v); }
static inline u64 bswap64(u64 v) { return __builtin_bswap64(v); }

/* Generic timer: the physical counter and its frequency. */
static inline u64 timer_count(void)
{
	u64 v;
	__asm__ volatile("isb; mrs %0, cntpct_el0" : "=r"(v)::"memory");
	return v;
}

static inline u64 timer_freq(void)
{
	u64 v;
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

static inline u32 current_el(void)
{
	u64 v;
	__asm__ volatile("mrs %0, CurrentEL" : "=r"(v));
	return (u32)(v >> 2) & 3;
}

/* string.c */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* Parses an unsigned number (decimal, or hexadecimal with 0x) of at most
 * len characters; returns the number of characters used, 0 if none. */
int parse_u64(const char *s, size_t len, int base, u64 *out);

/* console.c: a PL011 found through the device tree. */
void console_init(u64 pl011_base);
void console_putc(char c);
void console_puts(const char *s);
/* printf subset: %s %c %d %u %x %lu %lx %ld %p %%, with an optional 0 flag
 * and width; %.*s for counted strings. Ends lines with "\r\n" on "\n". */
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintf(const char *fmt, va_list ap);

/* psci.c */
void psci_init(int use_smc);
void psci_system_off(void) __attribute__((noreturn));

/* crc32.c: CRC-32 (IEEE 802.3, reflected, as zlib and java.util.zip.CRC32). */
void crc32_init(void);
u32 crc32_update(u32 crc, const void *data, size_t n);
u32 crc32_byte(u32 crc, u8 b);
static inline u32 crc32_begin(void) { return 0xFFFFFFFFu; }
static inline u32 crc32_end(u32 crc) { return crc ^ 0xFFFFFFFFu; }

/* exceptions.c, called from vectors.S */
void exception_report(u64 kind, u64 esr, u64 elr, u64 far) __attribute__((noreturn));

#endif
