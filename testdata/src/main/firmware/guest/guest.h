/*
 * Support for the exception and interrupt guests (guest-*): a vector table
 * that records every exception it takes, a run-at-EL0 helper, check lines,
 * and register helpers for the GICv2 and the generic timer.
 *
 * Output of every guest, lines ending in "\r\n":
 *
 *   virtfw <guest name>
 *   CHECK <name>: ok
 *   CHECK <name>: FAIL got=0x<hex> want=0x<hex>
 *   UNEXPECTED <slot> esr=0x.. elr=0x.. far=0x.. spsr=0x..   (then DONE and power-off)
 *   DONE <n> passed, <m> failed
 *
 * Only stable values are printed: a check that compares times prints
 * got=0x0 want=0x1 when it fails, never the counter values.
 */
#ifndef GUEST_H
#define GUEST_H
#include "board.h"

/* Vector slots: group * 4 + kind (kind 0 sync, 1 irq, 2 fiq, 3 serror;
 * group 0 current EL SP0, 1 current EL SPx, 2 lower EL AArch64, 3 lower EL
 * AArch32). The vector offset is slot * 0x80. */
#define SLOT_CUR_SPX_SYNC 4
#define SLOT_CUR_SPX_IRQ 5
#define SLOT_CUR_SPX_FIQ 6
#define SLOT_LOWER64_SYNC 8
#define SLOT_LOWER64_IRQ 9

/* What the handler does with a synchronous exception before eret. */
enum fixup {
	FIXUP_NONE,	/* return to ELR as the CPU set it (svc: after the insn) */
	FIXUP_SKIP,	/* ELR += 4: skip the faulting instruction */
	FIXUP_LR,	/* ELR = x30 of the interrupted code: return from a blr */
};

/* The last exception taken (filled in by the vector table). */
struct trap_record {
	u64 slot, esr, elr, far, spsr;
	u64 sp; /* SP of the interrupted context as the handler saw it (SP_EL1) */
};

/* Saved registers x0..x30 of the interrupted code, as the vector stub
 * pushes them; the handler may change them. */
struct trap_frame {
	u64 x[31];
	u64 pad;
};

extern volatile struct trap_record trap_last;
extern volatile u64 trap_count;	/* exceptions taken, IRQs included */
extern volatile u64 irq_count;	/* IRQs taken */

/* Installs the recording vector table in VBAR_EL1. */
void trap_install(void);
/* Allows exactly one synchronous exception and says how to return from it.
 * Any exception not armed for (or any IRQ without a handler) is reported
 * as UNEXPECTED and ends the run. */
void trap_arm(enum fixup fixup);
/* Called for every IRQ, in the handler, with the stack of the handler. */
void trap_set_irq_handler(void (*handler)(void));
/* Called for every FIQ taken at EL1 (a GICv3's group 0); without a handler
 * an FIQ is UNEXPECTED. */
void trap_set_fiq_handler(void (*handler)(void));
extern volatile u64 fiq_count;	/* FIQs taken (counted in trap_count too) */

/* trap.S: vector table and EL0 helper. */
extern char guest_vectors[];
/* Runs fn at EL0 (SPSR = EL0t, DAIF masked) on the given stack; fn ends
 * with "svc #EL0_EXIT_IMM" and el0_call returns its x0 at EL1. */
u64 el0_call(void (*fn)(void), void *stack_top);
/* SP_EL1 while fn runs at EL0 (what an exception from EL0 must use). */
extern u64 el0_saved_sp;
#define EL0_EXIT_IMM 0xfff

/* Checks and the final line. */
void guest_begin(const void *dtb, const char *name);
void check_eq(const char *name, u64 got, u64 want);
static inline void check_true(const char *name, int ok) { check_eq(name, ok ? 1 : 0, 1); }
void guest_done(void) __attribute__((noreturn));

/* ESR fields */
#define ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define ESR_IL (1ul << 25)
#define ESR_ISS(esr) ((esr) & 0x1ffffff)

/* System registers */
#define read_sysreg(reg) ({ u64 _v; __asm__ volatile("mrs %0, " #reg : "=r"(_v)::"memory"); _v; })
#define write_sysreg(reg, v) __asm__ volatile("msr " #reg ", %0" ::"r"((u64)(v)) : "memory")
static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void irq_mask(void) { __asm__ volatile("msr daifset, #2" ::: "memory"); }
static inline void irq_unmask(void) { __asm__ volatile("msr daifclr, #2\n\tisb" ::: "memory"); }

/* GICv2 of QEMU's virt board (cortex-a57): fixed addresses. */
#define GICD_BASE 0x08000000ul
#define GICC_BASE 0x08010000ul
#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ISPENDR 0x200
#define GICD_ICPENDR 0x280
#define GICD_ISACTIVER 0x300
#define GICD_IPRIORITYR 0x400
#define GICD_SGIR 0xf00
#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10
#define GICC_RPR 0x14
#define GICC_HPPIR 0x18
#define GIC_SPURIOUS 1023

#define PPI_VIRT_TIMER 27
#define PPI_PHYS_TIMER 30

static inline u32 gicd_read(u32 off) { return mmio_read32(GICD_BASE + off); }
static inline void gicd_write(u32 off, u32 v) { mmio_write32(GICD_BASE + off, v); }
static inline u32 gicc_read(u32 off) { return mmio_read32(GICC_BASE + off); }
static inline void gicc_write(u32 off, u32 v) { mmio_write32(GICC_BASE + off, v); }
/* Distributor and CPU interface on, PMR 0xff. */
void gic_init(void);
/* Sets the priority (byte) and the enable bit of one interrupt. */
void gic_enable(u32 intid, u8 priority);

/* Generic timer: CTL bits. */
#define CNT_CTL_ENABLE 1u
#define CNT_CTL_IMASK 2u
#define CNT_CTL_ISTATUS 4u
static inline u64 cntvct(void) { isb(); return read_sysreg(cntvct_el0); }
static inline u64 cntpct(void) { isb(); return read_sysreg(cntpct_el0); }
/* Counter ticks in ms milliseconds (CNTFRQ_EL0). */
static inline u64 ms_ticks(u64 ms) { return read_sysreg(cntfrq_el0) * ms / 1000; }

/* What the shared timer/GIC IRQ handler saw (timer_irq_handler). */
struct irq_record {
	u32 iar;	/* GICC_IAR */
	u32 rpr;	/* GICC_RPR after the acknowledge */
	u32 active;	/* GICD_ISACTIVER0 after the acknowledge */
	u32 ctl;	/* the timer's CTL before the handler masked it */
	u32 not_early;	/* 1 if the counter had reached CVAL */
};
extern volatile struct irq_record irq_last;
/* Acknowledges through GICC_IAR; for PPI 27 sets CNTV_CTL.IMASK, for
 * PPI 30 disables the physical timer; ends with GICC_EOIR. */
void timer_irq_handler(void);
/* With IRQs masked, waits (wfi, then a moment unmasked) until irq_count
 * moves past 'before' or the physical counter passes give_up. Returns the
 * number of wfi executed, 0 if it gave up. */
u64 wait_for_irq(u64 before, u64 give_up);

#endif
