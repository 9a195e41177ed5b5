/* Console on an ARM PL011 UART whose base comes from the device tree. The
 * UART is used as QEMU leaves it (enabled, 8N1): only the data register and
 * the TX-FIFO-full flag are touched. */
#include "fw.h"

#define PL011_DR 0x00
#define PL011_FR 0x18
#define PL011_FR_TXFF (1u << 5)

static u64 uart_base;

void console_init(u64 pl011_base)
{
	uart_base = pl011_base;
}

static void raw_putc(char c)
{
	if (!uart_base)
		return;
	for (u32 spin = 0; spin < 1000000u; spin++)
		if (!(mmio_read32(uart_base + PL011_FR) & PL011_FR_TXFF))
			break;
	mmio_write32(uart_base + PL011_DR, (u8)c);
}

void console_putc(char c)
{
	if (c == '\n')
		raw_putc('\r');
	raw_putc(c);
}

void console_puts(const char *s)
{
	while (*s)
		console_putc(*s++);
}

static void put_unsigned(u64 v, unsigned base, int width, char pad)
{
	char buf[24];
	int n = 0;
	do {
		unsigned d = (unsigned)(v % base);
		buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v);
	while (width > n) {
		console_putc(pad);
		width--;
	}
	while (n)
		console_putc(buf[--n]);
}

void printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void vprintf(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			console_putc(*fmt);
			continue;
		}
		fmt++;
		char pad = ' ';
		int width = 0, precision = -1, is_long = 0;
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.' && fmt[1] == '*') {
			precision = va_arg(ap, int);
			fmt += 2;
		}
		while (*fmt == 'l') {
			is_long = 1;
			fmt++;
		}
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			for (int i = 0; s[i] && (precision < 0 || i < precision); i++)
				console_putc(s[i]);
			break;
		}
		case 'c':
			console_putc((char)va_arg(ap, int));
			break;
		case 'd': {
			s64 v = is_long ? va_arg(ap, s64) : va_arg(ap, int);
			if (v < 0) {
				console_putc('-');
				v = -v;
			}
			put_unsigned((u64)v, 10, width, pad);
			break;
		}
		case 'u':
			put_unsigned(is_long ? va_arg(ap, u64) : va_arg(ap, u32), 10, width, pad);
			break;
		case 'x':
			put_unsigned(is_long ? va_arg(ap, u64) : va_arg(ap, u32), 16, width, pad);
			break;
		case 'p':
			console_puts("0x");
			put_unsigned((u64)va_arg(ap, void *), 16, 0, '0');
			break;
		case '%':
			console_putc('%');
			break;
		default:
			console_putc('?');
			break;
		}
	}
}
