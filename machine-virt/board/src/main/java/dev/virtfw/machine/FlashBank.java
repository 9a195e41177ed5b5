package dev.virtfw.machine;

import dev.virtfw.machine.flash.FlashImageException;
import dev.virtfw.machine.flash.FlashGeometry;
import dev.virtfw.machine.flash.JournaledFlashImage;
import dev.virtfw.machine.flash.PflashCfi01;
import dev.virtfw.machine.flash.VolatileFlashStore;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * One of the virt board's two CFI flash banks for the machine's whole life (across resets): where it
 * sits, the device answering for it, and for {@code -bios} the firmware copied in at every boot.
 * The device's content listener is registered once and forwarded to whichever {@link Board} runs now.
 */
final class FlashBank implements AutoCloseable {
    /** Told, inside the device's write, which bytes a program or erase changed (the running boot drops their code). */
    @FunctionalInterface
    interface ContentObserver {
        void contentChanged(FlashBank bank, long offset, long length);
    }

    private static final ContentObserver NONE = (bank, offset, length) -> {};

    private final int index;
    private final long base;
    private final PflashCfi01 device;
    /** The {@code -bios} store and image, reloaded at each boot; null for other banks. */
    private final VolatileFlashStore firmwareStore;
    private final MemorySegment firmware;
    /** The {@code -drive} image behind the bank, or null for a volatile bank. */
    private final Path image;
    private volatile ContentObserver observer = NONE;

    private FlashBank(int index, PflashCfi01 device, VolatileFlashStore firmwareStore, MemorySegment firmware,
                      Path image) {
        this.index = index;
        this.image = image;
        this.base = VirtMachine.FLASH_BASE + index * VirtMachine.FLASH_BANK_SIZE;
        this.device = device;
        this.firmwareStore = firmwareStore;
        this.firmware = firmware;
        device.onContentChange((offset, length) -> observer.contentChanged(this, offset, length));
    }

    /** Bank 0 holding {@code -bios} firmware: volatile, the image copied to offset 0 at every boot. */
    static FlashBank withFirmware(MemorySegment image) {
        VolatileFlashStore store = new VolatileFlashStore(FlashGeometry.VIRT_BANK_SIZE);
        return new FlashBank(0, new PflashCfi01(FlashGeometry.VIRT, store), store, image, null);
    }

    /** A bank backed by a {@code -drive if=pflash} image. */
    static FlashBank withDrive(FlashDrive drive) {
        try {
            return new FlashBank(drive.bank(), PflashCfi01.virtBank(drive.file(), drive.readOnly(),
                    drive.cacheUnsafe() ? JournaledFlashImage.Durability.PROCESS_CRASH_ONLY
                            : JournaledFlashImage.Durability.SYNC_EACH_CHANGE, drive.files()), null, null, drive.file());
        } catch (FlashImageException e) {
            throw new ConfigException("-drive if=pflash,file=" + drive.file() + ": " + e.getMessage(), e);
        }
    }

    /** A bank with no drive: all zero and volatile, as in QEMU. */
    static FlashBank empty(int index) {
        return new FlashBank(index, PflashCfi01.virtBankWithoutDrive(), null, null, null);
    }

    int index() {
        return index;
    }

    /** Guest-physical address of the bank. */
    long base() {
        return base;
    }

    long size() {
        return VirtMachine.FLASH_BANK_SIZE;
    }

    PflashCfi01 device() {
        return device;
    }

    boolean contains(long address) {
        return address - base >= 0 && address - base < size();
    }

    /** Directs the device's notifications to {@code o} (null: nobody). */
    void observe(ContentObserver o) {
        observer = o == null ? NONE : o;
    }

    /**
     * QEMU's system reset: the device back to read-array mode, and {@code -bios} copied in again
     * (QEMU's ROM reset; the rest of the bank keeps what the guest wrote).
     */
    void reset() {
        device.reset();
        if (firmwareStore != null) {
            firmwareStore.load(firmware);
        }
    }

    /**
     * Fails when a guest's program or erase did not reach the bank's image file (the guest was told
     * through the status register; this tells the operator).
     */
    void checkSaved() {
        if (image != null) {
            device.storeFailure().ifPresent(e -> {
                throw new FlashNotSavedException(index, image, "a program or erase by the guest did not reach"
                        + " the file: " + oneLine(e), e);
            });
        }
    }

    /**
     * Releases the device and its store. For an image file, the last force and the journal's
     * removal happen here: their failure means the file may not hold the guest's writes.
     *
     * @throws FlashNotSavedException the image could not be made durable
     */
    @Override
    public void close() {
        observer = NONE;
        try {
            device.close();
        } catch (IOException e) {
            throw new FlashNotSavedException(index, image, "could not be made durable on close: " + oneLine(e)
                    + "; the guest's last writes may be missing from the file", e);
        }
    }

    private static String oneLine(IOException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    @Override
    public String toString() {
        return "flash bank " + index;
    }
}
