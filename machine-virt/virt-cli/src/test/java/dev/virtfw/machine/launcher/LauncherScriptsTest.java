package dev.virtfw.machine.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's launchers (./virt and scripts/lib.sh) run by bash on a copy of them in a
 * scratch work tree whose folder name holds a space. Maven, the JDK, apt-get, dpkg-query and id
 * are small scripts on PATH that record how they were called, so the tests see what the launcher
 * does on a fresh machine without building or installing anything.
 */
class LauncherScriptsTest {
    /** The repository: the tests run in machine-virt/virt-cli. */
    static final Path REPO = Path.of("").toAbsolutePath().getParent().getParent();

    @TempDir
    Path tmp;
    Path root;
    Path stubs;
    Path jdk;
    Path log;

    @BeforeEach
    void scratchTree() throws IOException {
        root = tmp.resolve("work tree");
        Files.createDirectories(root.resolve("scripts"));
        Files.copy(REPO.resolve("scripts/lib.sh"), root.resolve("scripts/lib.sh"));
        Files.copy(REPO.resolve("virt"), root.resolve("virt"));
        Path module = root.resolve("machine-virt/virt-cli");
        Files.createDirectories(module.resolve("src/main/java"));
        Files.writeString(module.resolve("pom.xml"), "<project/>");
        Files.writeString(module.resolve("src/main/java/A.java"), "class A {}");
        Files.writeString(module.resolve("src/main/java/B.java"), "class B {}");
        Files.createDirectories(root.resolve("lib dir"));
        Files.writeString(root.resolve("lib dir/a.jar"), "");
        log = tmp.resolve("calls.log");
        stubs = Files.createDirectories(tmp.resolve("stubs"));
        // Maven: one second per call, so that overlapping builds would show in the log.
        script(stubs.resolve("mvn"), """
                echo "start mvn $*" >> "$STUB_LOG"
                sleep 1
                pl=""; out=""
                for a in "$@"; do
                  case "$a" in -Dmdep.outputFile=*) out=${a#-Dmdep.outputFile=} ;; esac
                  [ "$prev" = "-pl" ] && pl=$a
                  prev=$a
                done
                mkdir -p "$pl/target" && touch "$pl/target/virt-cli-0.1.jar"
                [ -n "$out" ] && printf '%s' "$PWD/lib dir/a.jar" > "$out"
                echo "end mvn" >> "$STUB_LOG"
                """);
        script(stubs.resolve("apt-get"), "echo \"apt-get $*\" >> \"$STUB_LOG\"; exit 1");
        jdk = tmp.resolve("jdk");
        Files.createDirectories(jdk.resolve("bin"));
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"25.0.1\"\n");
        script(jdk.resolve("bin/javac"), "exit 0");
        script(jdk.resolve("bin/java"), "printf 'java' >> \"$STUB_LOG\"; printf ' [%s]' \"$@\" >> \"$STUB_LOG\"; echo >> \"$STUB_LOG\"");
    }

    static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/usr/bin/env bash\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    Process start(Map<String, String> env, String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true);
        Map<String, String> e = pb.environment();
        e.remove("JAVA_HOME");
        e.remove("XDG_CACHE_HOME");
        e.put("PATH", stubs + ":" + System.getenv("PATH"));
        e.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
        e.put("VIRTFW_CACHE", tmp.resolve("cache").toString());
        e.put("JAVA_HOME", jdk.toString());
        e.put("STUB_LOG", log.toString());
        e.putAll(env);
        return pb.start();
    }

    record Result(int status, String output) {}

    static Result finish(Process p) throws Exception {
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the launcher finished").isTrue();
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes()));
    }

    Result virt(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("virt").toString()));
        cmd.addAll(List.of(args));
        return finish(start(Map.of(), cmd.toArray(String[]::new)));
    }

    List<String> calls(String prefix) throws IOException {
        return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.startsWith(prefix)).toList() : List.of();
    }

    @Test
    void twoLaunchesAtOnceBuildOnceOneAfterTheOtherAndBothRun() throws Exception {
        Process first = start(Map.of(), "bash", root.resolve("virt").toString(), "--version");
        Process second = start(Map.of(), "bash", root.resolve("virt").toString(), "--version");
        assertThat(finish(first).status()).isZero();
        assertThat(finish(second).status()).isZero();
        // one build, never interleaved with another: one reactor call that packages and writes the
        // class path of this tree's own jars, installing nothing into the shared local repository
        assertThat(calls("start mvn")).singleElement().asString()
                .contains("-am package dependency:build-classpath").doesNotContain("install");
        List<String> mavenLines = Files.readAllLines(log).stream().filter(l -> l.endsWith("mvn") || l.startsWith("start mvn")).toList();
        for (int i = 0; i < mavenLines.size(); i++) {
            assertThat(mavenLines.get(i)).startsWith(i % 2 == 0 ? "start mvn" : "end mvn");
        }
        assertThat(calls("java")).hasSize(2).allSatisfy(l -> assertThat(l)
                .contains("[" + root.resolve("machine-virt/virt-cli/target/virt-cli-0.1.jar") + ":" + root.resolve("lib dir/a.jar") + "]"));
    }

    @Test
    void aDeletedSourceFileTriggersARebuildAndAnUnchangedTreeDoesNot() throws Exception {
        assertThat(virt("--version").status()).isZero();
        assertThat(calls("start mvn")).hasSize(1);
        assertThat(virt("--version").status()).isZero();
        assertThat(calls("start mvn")).as("nothing changed: no build").hasSize(1);
        Files.delete(root.resolve("machine-virt/virt-cli/src/main/java/B.java"));
        assertThat(virt("--version").status()).isZero();
        assertThat(calls("start mvn")).as("a source was deleted: built again").hasSize(2);
    }

    @Test
    void helpAndVersionNeitherFetchUnicornNorPassItButNameThePinnedVersion() throws Exception {
        assertThat(virt("--help").status()).isZero();
        assertThat(virt("-version").status()).isZero();
        assertThat(calls("apt-get")).isEmpty();
        assertThat(calls("java")).hasSize(2).allSatisfy(l -> assertThat(l)
                .contains("[-Dvirtfw.unicorn.version=2.1.4-4]").doesNotContain("virtfw.unicorn.lib"));
    }

    @Test
    void aClassPathEntryWithASpaceIsOneEntryWhenTheArchiveIsChecked() throws Exception {
        assertThat(virt("--version").status()).isZero();
        // An archive older than a jar on the class path must be removed (the JVM would refuse it).
        Path archive = root.resolve("machine-virt/virt-cli/target/launcher-info.jsa");
        Files.writeString(archive, "");
        Files.setLastModifiedTime(archive, FileTime.from(Instant.now().minusSeconds(60)));
        assertThat(virt("--version").status()).isZero();
        assertThat(archive).doesNotExist();
    }

    @Test
    void unicornLibTrustsItsNoteOnlyForThePinnedVersionAndALibraryThatExists() throws Exception {
        Path unpacked = tmp.resolve("cache/unicorn/root");
        Path lib = Files.createDirectories(unpacked.resolve("usr/lib")).resolve("libunicorn.so.2");
        Files.writeString(lib, "");
        Path doc = Files.createDirectories(unpacked.resolve("usr/share/doc/libunicorn2t64"));
        Process gz = new ProcessBuilder("bash", "-c", "echo 'unicorn-engine (2.1.4-4) unstable; urgency=medium' | gzip > \"$1\"",
                "bash", doc.resolve("changelog.Debian.gz").toString()).start();
        assertThat(gz.waitFor()).isZero();
        String call = "source \"$1\" && unicorn_lib";
        String script = root.resolve("scripts/lib.sh").toString();
        // First call: read from the package's changelog, and the note is written.
        Result first = finish(start(Map.of(), "bash", "-c", call, "bash", script));
        assertThat(first.output().strip()).isEqualTo(lib.toString());
        assertThat(unpacked.resolve(".virtfw-unicorn")).hasContent("2.1.4-4\n" + lib);
        // A note for another version is not trusted: the changelog decides (and apt-get is never asked).
        Files.writeString(unpacked.resolve(".virtfw-unicorn"), "2.0.1-1\n" + lib + "\n");
        Result other = finish(start(Map.of(), "bash", "-c", call, "bash", script));
        assertThat(other.output().strip()).isEqualTo(lib.toString());
        // A note naming a library that is gone is not trusted either.
        Files.writeString(unpacked.resolve(".virtfw-unicorn"), "2.1.4-4\n" + tmp.resolve("gone.so") + "\n");
        assertThat(finish(start(Map.of(), "bash", "-c", call, "bash", script)).output().strip()).isEqualTo(lib.toString());
        assertThat(calls("apt-get")).isEmpty();
    }

    /** ensure_packages as root on a machine with no cache folder, apt-get and dpkg-query stubbed. */
    Result ensurePackages(String aptGetBody) throws Exception {
        script(stubs.resolve("id"), "echo 0");
        script(stubs.resolve("dpkg-query"), "exit 1"); // nothing is installed
        script(stubs.resolve("apt-get"), "echo \"apt-get $*\" >> \"$STUB_LOG\"\n" + aptGetBody);
        Path home = Files.createDirectories(tmp.resolve("empty home"));
        Process p = start(Map.of("HOME", home.toString()), "bash", "-c",
                "unset VIRTFW_CACHE; source \"$1\" && ensure_packages pkg-a pkg-b", "bash",
                root.resolve("scripts/lib.sh").toString());
        // VIRTFW_CACHE must come from HOME here: start() sets it, the command unsets it first.
        return finish(p);
    }

    @Test
    void ensurePackagesOnAMachineWithoutACacheFolderInstallsAndLogs() throws Exception {
        Result r = ensurePackages("echo 'apt says hello'; exit 0");
        assertThat(r.status()).as(r.output()).isZero();
        assertThat(calls("apt-get")).containsExactly("apt-get install -y -q pkg-a pkg-b");
        assertThat(tmp.resolve("empty home/.cache/virtfw.apt.log")).content().contains("apt says hello");
    }

    @Test
    void ensurePackagesThatFailsPointsAtALogThatExists() throws Exception {
        Result r = ensurePackages("echo 'E: Unable to locate package pkg-a'; exit 100");
        assertThat(r.status()).isEqualTo(1);
        Path logFile = tmp.resolve("empty home/.cache/virtfw.apt.log");
        assertThat(r.output()).isEqualTo("installing Debian packages: pkg-a pkg-b\nerror: apt-get install pkg-a pkg-b failed; see "
                + logFile + "\n");
        assertThat(logFile).content().contains("E: Unable to locate package pkg-a");
    }
}
