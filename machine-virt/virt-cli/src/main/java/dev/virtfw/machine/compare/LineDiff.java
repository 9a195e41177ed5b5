package dev.virtfw.machine.compare;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import java.util.ArrayList;
import java.util.List;

/**
 * A shortest edit script between two line lists: java-diff-utils' Myers diff on the part between
 * the common head and tail. A differing middle of more than {@link #MAX_MIDDLE_LINES} lines is
 * reported as deleted and inserted wholesale instead, so that two unrelated long consoles cost
 * bounded time (Myers' is O((n + m) d)).
 */
final class LineDiff {
    /** Lines (both sides together) between the common head and tail past which no diff is computed. */
    static final int MAX_MIDDLE_LINES = 4000;

    enum Op { EQUAL, DELETE, INSERT }

    /** One step: {@code a} indexes the first list (-1 for INSERT), {@code b} the second (-1 for DELETE). */
    record Edit(Op op, int a, int b) {
    }

    private LineDiff() {
    }

    static List<Edit> diff(List<String> a, List<String> b) {
        int head = 0;
        while (head < a.size() && head < b.size() && a.get(head).equals(b.get(head))) {
            head++;
        }
        int tail = 0;
        while (tail < a.size() - head && tail < b.size() - head
                && a.get(a.size() - 1 - tail).equals(b.get(b.size() - 1 - tail))) {
            tail++;
        }
        List<Edit> edits = new ArrayList<>();
        for (int i = 0; i < head; i++) {
            edits.add(new Edit(Op.EQUAL, i, i));
        }
        int endA = a.size() - tail;
        int endB = b.size() - tail;
        if ((endA - head) + (endB - head) > MAX_MIDDLE_LINES) {
            replace(edits, head, endA, head, endB);
        } else {
            int i = head;
            int j = head;
            for (AbstractDelta<String> d : DiffUtils.diff(a.subList(head, endA), b.subList(head, endB)).getDeltas()) {
                int from = head + d.getSource().getPosition();
                while (i < from) {
                    edits.add(new Edit(Op.EQUAL, i++, j++));
                }
                replace(edits, i, i + d.getSource().size(), j, j + d.getTarget().size());
                i += d.getSource().size();
                j += d.getTarget().size();
            }
            while (i < endA) {
                edits.add(new Edit(Op.EQUAL, i++, j++));
            }
        }
        for (int i = 0; i < tail; i++) {
            edits.add(new Edit(Op.EQUAL, endA + i, endB + i));
        }
        return edits;
    }

    /** Lines {@code [fromA, toA)} of the first list deleted, then {@code [fromB, toB)} of the second inserted. */
    private static void replace(List<Edit> edits, int fromA, int toA, int fromB, int toB) {
        for (int i = fromA; i < toA; i++) {
            edits.add(new Edit(Op.DELETE, i, -1));
        }
        for (int j = fromB; j < toB; j++) {
            edits.add(new Edit(Op.INSERT, -1, j));
        }
    }
}
