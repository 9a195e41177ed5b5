/**
 * The virt board's parallel NOR flash: two banks of {@link dev.virtfw.machine.flash.PflashCfi01}
 * at 0x0000_0000 and 0x0400_0000, each 64 MiB, answering like QEMU's {@code pflash_cfi01}.
 *
 * <h2>Wiring a bank into a board</h2>
 * <ul>
 * <li>Create bank 0 with {@code virtBankWithFirmware(bios)} for {@code -bios}, else
 *     {@code virtBank(file, readOnly)} for the first {@code -drive if=pflash}, else
 *     {@code virtBankWithoutDrive()}; bank 1 from the second {@code -drive if=pflash} (or
 *     {@code index=1}) or without drive. QEMU refuses a drive for bank 0 together with {@code -bios}.
 * <li>While {@code inReadArrayMode()}: map {@code array()} (page aligned, fixed address for the
 *     bank's life) into the guest read+execute, and send only guest writes to {@code write()}.
 *     Otherwise send reads and writes to {@code read()}/{@code write()}.
 *     {@code onModeChange} says when to switch; it runs inside {@code write()}. The guest's store
 *     must not reach the mapped array: a write-protection hook that reports the write "handled"
 *     lets the store land in host memory afterwards (Unicorn), so forward it to {@code write()},
 *     report it unhandled, and resume after the store instruction with the new mapping.
 * <li>The array never changes in read-array mode; {@code onContentChange} reports each range a
 *     program or erase changed, so translated code from that range can be dropped.
 * <li>{@code close()} at power-off makes the image durable and deletes its journal.
 * </ul>
 *
 * <h2>Persistence</h2>
 * {@link dev.virtfw.machine.flash.JournaledFlashImage}: the image is mapped copy-on-write; each
 * completed program, buffer program or erase is journaled (CRC-32C, forced to disk) and then
 * written to the image, so a killed run leaves each change done or undone, never torn.
 */
package dev.virtfw.machine.flash;
