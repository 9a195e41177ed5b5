package dev.virtfw.machine.unicorn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UnicornLibraryTest {
    @Test
    void versionCheckAcceptsOnly21AndNewer() {
        assertThat(new Unicorn.Version(2, 1, 4).atLeast(2, 1)).isTrue();
        assertThat(new Unicorn.Version(3, 0, 0).atLeast(2, 1)).isTrue();
        assertThat(new Unicorn.Version(2, 0, 1).atLeast(2, 1)).isFalse();
        assertThat(new Unicorn.Version(1, 9, 9).atLeast(2, 1)).isFalse();
    }

    @Test
    void aConfiguredPathThatDoesNotExistIsOneClearLine() {
        String old = System.getProperty(UnicornNative.LIBRARY_PROPERTY);
        System.setProperty(UnicornNative.LIBRARY_PROPERTY, "/nonexistent/libunicorn.so.2");
        try {
            assertThatThrownBy(UnicornNative::libraryPath).isInstanceOf(UnicornException.class)
                    .hasMessage("Unicorn library not found at /nonexistent/libunicorn.so.2 (system property virtfw.unicorn.lib)")
                    .extracting(e -> ((UnicornException) e).code()).isEqualTo(UnicornException.NO_LIBRARY);
        } finally {
            if (old == null) {
                System.clearProperty(UnicornNative.LIBRARY_PROPERTY);
            } else {
                System.setProperty(UnicornNative.LIBRARY_PROPERTY, old);
            }
        }
    }

    @Test
    void cpuModelsHaveUnicornsNumbersAndQemusNames() {
        assertThat(CpuModel.byName("cortex-a57")).contains(CpuModel.CORTEX_A57);
        assertThat(CpuModel.CORTEX_A57.ucCpu()).isZero();
        assertThat(CpuModel.MAX.ucCpu()).isEqualTo(3);
        assertThat(CpuModel.byName("cortex-a15")).isEmpty();
    }

    @Test
    void everyModelBootsAndRuns() {
        for (CpuModel m : CpuModel.values()) {
            try (Unicorn uc = Unicorn.open(m, new EngineHooks() {
                @Override
                public void interrupt(int intno) {}

                @Override
                public void invalidMemory(int type, long address, int size, long value) {}
            })) {
                uc.cpRegWrite(SysReg.SCR_EL3, 0x501);
                // bits 5:4 of SCR_EL3 are RES1: the CPU keeps them set
                assertThat(uc.cpRegRead(SysReg.SCR_EL3)).as(m.name()).isEqualTo(0x531);
            }
        }
    }
}
