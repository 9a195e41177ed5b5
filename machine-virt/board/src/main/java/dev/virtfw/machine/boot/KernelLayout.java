package dev.virtfw.machine.boot;

import dev.virtfw.machine.ConfigException;

/**
 * Where QEMU 7.2's hw/arm/boot.c puts a directly booted arm64 kernel, its initrd and the device
 * tree (load_aarch64_image and arm_setup_direct_kernel_boot), for RAM [ramBase, ramBase + ramSize):
 * <ul>
 * <li>the Image at ramBase + text_offset when its header gives a non-zero image_size (plus 2 MiB
 *     when text_offset is below the 4 KiB QEMU keeps for its boot stub), else at ramBase + 0x80000;</li>
 * <li>the initrd at ramBase + min(ramSize / 2, 128 MiB), or right after the kernel if that is
 *     higher, page aligned;</li>
 * <li>the device tree after the initrd, aligned to 2 MiB.</li>
 * </ul>
 */
public record KernelLayout(long kernelAddress, long initrdAddress, long dtbAddress) {
    static final long MiB = 1L << 20;
    /** QEMU's BOOTLOADER_MAX_SIZE: room for its boot stub at the bottom of RAM. */
    static final long BOOTLOADER_MAX_SIZE = 4096;
    /** QEMU's KERNEL64_LOAD_ADDR: offset used without a usable header. */
    static final long KERNEL64_LOAD_ADDR = 0x0008_0000L;
    static final long PAGE = 4096;
    /** AArch64 kernels map the DTB's 2 MiB block early: QEMU aligns it so. */
    static final long DTB_ALIGN = 2 * MiB;

    public static KernelLayout compute(long ramBase, long ramSize, long kernelSize, ArmImageHeader header,
                                       long initrdSize, long dtbSize) {
        long offset = KERNEL64_LOAD_ADDR;
        if (header != null && header.imageSize() != 0) {
            offset = header.textOffset();
            if (Long.compareUnsigned(offset, BOOTLOADER_MAX_SIZE) < 0) {
                offset += 2 * MiB;
            }
        }
        long ramEnd = ramBase + ramSize;
        if (Long.compareUnsigned(offset, ramSize) >= 0 || kernelSize > ramSize - offset) {
            throw new ConfigException("-kernel: the kernel (" + kernelSize + " bytes at RAM offset 0x"
                    + Long.toHexString(offset) + ") does not fit in " + (ramSize >> 20) + " MiB of RAM");
        }
        long kernel = ramBase + offset;
        long kernelEnd = kernel + kernelSize;
        long initrd = Math.max(ramBase + Math.min(ramSize / 2, 128 * MiB), kernelEnd);
        initrd = alignUp(initrd, PAGE);
        if (initrdSize > ramEnd - initrd) {
            throw new ConfigException("-initrd: the initrd (" + initrdSize + " bytes at 0x" + Long.toHexString(initrd)
                    + ") does not fit in RAM");
        }
        long dtb = alignUp(initrd + initrdSize, DTB_ALIGN);
        if (dtb >= ramEnd || dtbSize > ramEnd - dtb) {
            throw new ConfigException("not enough space for the device tree after the kernel and initrd in "
                    + (ramSize >> 20) + " MiB of RAM");
        }
        return new KernelLayout(kernel, initrd, dtb);
    }

    static long alignUp(long v, long align) {
        return (v + align - 1) & -align;
    }
}
