package dev.virtfw.machine.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.virtfw.machine.compare.LineDiff.Edit;
import dev.virtfw.machine.compare.LineDiff.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The edit script: it rebuilds both sides, and it is shortest (checked against a textbook LCS table). */
class LineDiffTest {
    /** Length of a longest common subsequence, by the O(nm) dynamic programme. */
    static int lcs(List<String> a, List<String> b) {
        int[][] t = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                t[i][j] = a.get(i).equals(b.get(j)) ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
            }
        }
        return t[0][0];
    }

    /** Checks that the script walks both lists in order, pairs only equal lines, and returns its EQUAL count. */
    static int checkScript(List<String> a, List<String> b, List<Edit> edits) {
        int i = 0;
        int j = 0;
        int equal = 0;
        for (Edit e : edits) {
            switch (e.op()) {
                case EQUAL -> {
                    assertThat(e.a()).isEqualTo(i);
                    assertThat(e.b()).isEqualTo(j);
                    assertThat(a.get(i)).isEqualTo(b.get(j));
                    i++;
                    j++;
                    equal++;
                }
                case DELETE -> assertThat(e.a()).isEqualTo(i++);
                case INSERT -> assertThat(e.b()).isEqualTo(j++);
            }
        }
        assertThat(i).isEqualTo(a.size());
        assertThat(j).isEqualTo(b.size());
        return equal;
    }

    static List<String> random(SplittableRandom r, int n, int alphabet) {
        List<String> l = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            l.add("line " + r.nextInt(alphabet));
        }
        return l;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
    void randomListsGetAShortestScript(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int round = 0; round < 50; round++) {
            List<String> a = random(r, r.nextInt(0, 40), 1 + r.nextInt(6));
            List<String> b = random(r, r.nextInt(0, 40), 1 + r.nextInt(6));
            assertThat(checkScript(a, b, LineDiff.diff(a, b))).as("%s vs %s", a, b).isEqualTo(lcs(a, b));
        }
    }

    @Test
    void emptyAndIdenticalLists() {
        assertThat(LineDiff.diff(List.of(), List.of())).isEmpty();
        assertThat(LineDiff.diff(List.of("x"), List.of())).containsExactly(new Edit(Op.DELETE, 0, -1));
        assertThat(LineDiff.diff(List.of(), List.of("y"))).containsExactly(new Edit(Op.INSERT, -1, 0));
        assertThat(LineDiff.diff(List.of("a", "b"), List.of("a", "b")))
                .containsExactly(new Edit(Op.EQUAL, 0, 0), new Edit(Op.EQUAL, 1, 1));
    }

    @Test
    void aChangedLineInTheMiddleIsOneDeleteAndOneInsert() {
        List<Edit> e = LineDiff.diff(List.of("a", "b", "c"), List.of("a", "x", "c"));
        assertThat(e).extracting(Edit::op).containsExactlyInAnyOrder(Op.EQUAL, Op.DELETE, Op.INSERT, Op.EQUAL);
        assertThat(e.getFirst()).isEqualTo(new Edit(Op.EQUAL, 0, 0));
        assertThat(e.getLast()).isEqualTo(new Edit(Op.EQUAL, 2, 2));
    }

    @Test
    void aMiddleLongerThanTheBoundIsReportedWholesaleButStillRebuildsBothSides() {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        a.add("same head");
        b.add("same head");
        int n = LineDiff.MAX_MIDDLE_LINES / 2 + 1;
        for (int k = 0; k < n; k++) {
            a.add("qemu " + k);
            b.add(k == n / 2 ? "qemu " + k : "ours " + k); // one common line, not paired past the bound
        }
        a.add("same tail");
        b.add("same tail");
        List<Edit> edits = LineDiff.diff(a, b);
        assertThat(checkScript(a, b, edits)).isEqualTo(2);
        assertThat(edits).hasSize(2 + 2 * n);
    }
}
