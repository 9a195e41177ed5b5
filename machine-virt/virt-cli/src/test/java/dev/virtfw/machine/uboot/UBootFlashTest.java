package dev.virtfw.machine.uboot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * U-Boot and the two CFI banks of our board: flinfo as on QEMU, saveenv into the
 * {@code -drive if=pflash} image and read back by the next run, and a run killed in the middle of
 * saveenv leaves an image the next run opens, each 2 KiB buffer program either done or not.
 */
class UBootFlashTest {
    static final String FLINFO_RESOURCE = "/flash/uboot-flinfo.txt";
    static final long BANK_SIZE = 64L << 20;
    /** U-Boot's environment for qemu_arm64: the first 256 KiB of bank 1 (CONFIG_ENV_ADDR/ENV_SIZE). */
    static final int ENV_SIZE = 0x40000;
    /** U-Boot's CFI driver programs with 2 KiB write-to-buffer operations. */
    static final int BUFFER = 2048;

    @TempDir
    Path dir;

    Path blankBank(String name) throws IOException {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(BANK_SIZE);
        }
        return p;
    }

    static List<String> args(Path bank1) {
        return List.of("-bios", UBoot.binary().toString(), "-drive", "if=pflash,format=raw,index=1,file=" + bank1);
    }

    /** Starts our board, stops autoboot and returns at the prompt. */
    static ConsoleSession atPrompt(Path bank1) throws Exception {
        ConsoleSession s = ConsoleSession.virt(args(bank1));
        s.await("Hit any key to stop autoboot");
        s.send("\n");
        s.await(ConsoleSession.PROMPT);
        return s;
    }

    static void powerOff(ConsoleSession s) throws Exception {
        s.commandNoPrompt("poweroff");
        assertThat(s.awaitExit()).as("exit status; console:\n%s", s.text()).isZero();
    }

    /** One run: sets {@code gen} to {@code value}, saves, powers off. */
    static String saveGeneration(Path bank1, String value) throws Exception {
        try (ConsoleSession s = atPrompt(bank1)) {
            s.command("setenv gen " + value);
            String out = s.command("saveenv");
            powerOff(s);
            return out;
        }
    }

    /** One run: what {@code printenv gen} says, and the boot text before the prompt. */
    static String[] readGeneration(Path bank1) throws Exception {
        try (ConsoleSession s = atPrompt(bank1)) {
            String gen = s.command("printenv gen");
            String boot = s.text();
            powerOff(s);
            return new String[] {gen, boot};
        }
    }

    @Test
    void flinfoShowsBothBanksAsOnQemu() throws Exception {
        String expected;
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream(FLINFO_RESOURCE), FLINFO_RESOURCE)) {
            expected = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        try (ConsoleSession s = atPrompt(blankBank("bank1.img"))) {
            assertThat(s.command("flinfo")).isEqualTo(expected);
            powerOff(s);
        }
    }

    @Test
    void saveenvWritesTheImageAndTheNextRunStartsWithTheSavedEnvironment() throws Exception {
        Path bank1 = blankBank("bank1.img");
        String[] first = readGeneration(bank1);
        assertThat(first[1]).contains("*** Warning - bad CRC, using default environment");
        assertThat(first[0]).isEqualTo("## Error: \"gen\" not defined\n");

        String saved = saveGeneration(bank1, "first");
        assertThat(saved).contains("Saving Environment to Flash...", "Writing to Flash... done", "OK")
                .doesNotContain("timeout", "Failed");
        assertThat(Files.exists(journal(bank1))).as("journal removed at power-off").isFalse();
        assertThat(envCrcIsValid(Files.readAllBytes(bank1))).as("image holds a valid environment").isTrue();

        String[] second = readGeneration(bank1);
        assertThat(second[1]).doesNotContain("bad CRC");
        assertThat(second[0]).isEqualTo("gen=first\n");
    }

    static Path journal(Path image) throws IOException {
        try (var files = Files.list(image.getParent())) {
            return files.filter(p -> !p.equals(image) && p.getFileName().toString().startsWith(image.getFileName().toString()))
                    .findFirst().orElse(image.resolveSibling(image.getFileName() + ".journal-absent"));
        }
    }

    /** U-Boot's environment block: CRC-32 (little-endian) of the rest of the 256 KiB, then the data. */
    static boolean envCrcIsValid(byte[] bank) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bank, 4, ENV_SIZE - 4);
        long stored = (bank[0] & 0xFFL) | (bank[1] & 0xFFL) << 8 | (bank[2] & 0xFFL) << 16 | (bank[3] & 0xFFL) << 24;
        return stored == crc.getValue();
    }

    /**
     * Runs killed (SIGKILL) at random moments while saveenv erases and programs: each leaves an
     * image the next run opens (its journal replayed), whose environment is the old one, the new
     * one, or, killed between U-Boot's erase and its last program, not valid (U-Boot keeps one copy:
     * it then boots with its default environment, as it would after a power cut). At the flash
     * level nothing is torn: each 2 KiB buffer window holds the old bytes, the new bytes, or the
     * erased state.
     */
    @Test
    void aRunKilledDuringSaveenvLeavesAnImageWithEachFlashOperationDoneOrNotDone() throws Exception {
        Path old = blankBank("old.img");
        saveGeneration(old, "old");
        Path fresh = dir.resolve("new.img");
        Files.copy(old, fresh);
        saveGeneration(fresh, "new");
        byte[] oldEnv = Arrays.copyOf(Files.readAllBytes(old), ENV_SIZE);
        byte[] newEnv = Arrays.copyOf(Files.readAllBytes(fresh), ENV_SIZE);
        assertThat(oldEnv).isNotEqualTo(newEnv);

        // Measured here: U-Boot's erase takes ~12 ms and its 128 buffer programs ~600 ms (each one
        // journaled and forced to disk), so these kills land in the erase, early and late in the
        // programs; the last run is killed once saveenv has said OK (no clean shutdown).
        int[] killAfterMillis = {0, 100, 350, -1};
        int[] outcomes = new int[3];
        for (int round = 0; round < killAfterMillis.length; round++) {
            Path victim = dir.resolve("victim" + round + ".img");
            Files.copy(old, victim, StandardCopyOption.REPLACE_EXISTING);
            try (ConsoleSession s = atPrompt(victim)) {
                s.command("setenv gen new");
                s.send("saveenv\n");
                s.await("Erasing Flash...");
                if (killAfterMillis[round] >= 0) {
                    Thread.sleep(killAfterMillis[round]);
                } else {
                    s.await("OK");
                }
                s.kill();
            }
            String[] after = readGeneration(victim);
            byte[] env = Arrays.copyOf(Files.readAllBytes(victim), ENV_SIZE);
            for (int w = 0; w < ENV_SIZE; w += BUFFER) {
                byte[] got = Arrays.copyOfRange(env, w, w + BUFFER);
                boolean erased = allFF(got);
                assertThat(erased || Arrays.equals(got, Arrays.copyOfRange(oldEnv, w, w + BUFFER))
                        || Arrays.equals(got, Arrays.copyOfRange(newEnv, w, w + BUFFER)))
                        .as("round %d: window at 0x%x is old, new or erased", round, w).isTrue();
            }
            if (after[0].equals("gen=old\n")) {
                outcomes[0]++;
                assertThat(env).isEqualTo(oldEnv);
            } else if (after[0].equals("gen=new\n")) {
                outcomes[1]++;
                assertThat(env).isEqualTo(newEnv);
            } else {
                outcomes[2]++;
                assertThat(after[1]).contains("*** Warning - bad CRC, using default environment");
                assertThat(envCrcIsValid(env)).isFalse();
            }
        }
        assertThat(outcomes[0] + outcomes[1] + outcomes[2]).isEqualTo(killAfterMillis.length);
        assertThat(outcomes[1]).as("the run killed after saveenv's OK keeps the new environment").isPositive();
    }

    static boolean allFF(byte[] b) {
        for (byte x : b) {
            if (x != (byte) 0xFF) {
                return false;
            }
        }
        return true;
    }
}
