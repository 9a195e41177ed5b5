package dev.virtfw.machine.compare;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A shortest edit script between two line lists (Myers' O(ND) algorithm, after trimming the common
 * head and tail). Past {@link #MAX_EDIT_DISTANCE} edits it gives up minimality and reports the
 * differing middle as deleted and inserted wholesale, so two unrelated long consoles cost bounded
 * time and memory.
 */
final class LineDiff {
    /** Edits beyond which the middle is reported wholesale. */
    static final int MAX_EDIT_DISTANCE = 2000;

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
        List<String> midA = a.subList(head, a.size() - tail);
        List<String> midB = b.subList(head, b.size() - tail);
        List<Edit> middle = myers(midA, midB);
        if (middle == null) {
            middle = new ArrayList<>();
            for (int i = 0; i < midA.size(); i++) {
                middle.add(new Edit(Op.DELETE, i, -1));
            }
            for (int j = 0; j < midB.size(); j++) {
                middle.add(new Edit(Op.INSERT, -1, j));
            }
        }
        for (Edit e : middle) {
            edits.add(new Edit(e.op(), e.a() < 0 ? -1 : e.a() + head, e.b() < 0 ? -1 : e.b() + head));
        }
        for (int i = 0; i < tail; i++) {
            edits.add(new Edit(Op.EQUAL, a.size() - tail + i, b.size() - tail + i));
        }
        return edits;
    }

    /** The edit script, or null when it needs more than {@link #MAX_EDIT_DISTANCE} edits. */
    private static List<Edit> myers(List<String> a, List<String> b) {
        int n = a.size();
        int m = b.size();
        int max = Math.min(n + m, MAX_EDIT_DISTANCE);
        int offset = max + 1;
        int[] v = new int[2 * max + 3];
        // snapshots.get(d)[k + d] = furthest x on diagonal k after d edits, for k in [-d, d]
        List<int[]> snapshots = new ArrayList<>();
        for (int d = 0; d <= max; d++) {
            for (int k = -d; k <= d; k += 2) {
                int x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1]
                        : v[offset + k - 1] + 1;
                int y = x - k;
                while (x < n && y < m && a.get(x).equals(b.get(y))) {
                    x++;
                    y++;
                }
                v[offset + k] = x;
            }
            int[] snap = new int[2 * d + 1];
            System.arraycopy(v, offset - d, snap, 0, 2 * d + 1);
            snapshots.add(snap);
            // the end (n, m) lies on diagonal n - m, which this step visited when it has d's parity
            if (Math.abs(n - m) <= d && (d - (n - m)) % 2 == 0 && v[offset + n - m] >= n) {
                return backtrack(snapshots, n, m, d);
            }
        }
        return null;
    }

    private static List<Edit> backtrack(List<int[]> snapshots, int n, int m, int distance) {
        List<Edit> reversed = new ArrayList<>();
        int x = n;
        int y = m;
        for (int d = distance; d > 0; d--) {
            int[] prev = snapshots.get(d - 1);
            int k = x - y;
            boolean down = k == -d || (k != d && prev[k - 1 + d - 1] < prev[k + 1 + d - 1]);
            int prevK = down ? k + 1 : k - 1;
            int prevX = prev[prevK + d - 1];
            int afterMove = down ? prevX : prevX + 1;
            while (x > afterMove) {
                reversed.add(new Edit(Op.EQUAL, x - 1, y - 1));
                x--;
                y--;
            }
            if (down) {
                reversed.add(new Edit(Op.INSERT, -1, y - 1));
                y--;
            } else {
                reversed.add(new Edit(Op.DELETE, x - 1, -1));
                x--;
            }
        }
        while (x > 0 && y > 0) {
            reversed.add(new Edit(Op.EQUAL, x - 1, y - 1));
            x--;
            y--;
        }
        Collections.reverse(reversed);
        return reversed;
    }
}
