package dev.virtfw.machine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The guest's accesses to addresses where nothing is mapped (a device the kernel probes that the
 * board does not have), each address reported once: as it happens with {@code --trace unassigned},
 * and as one line at the end of the run otherwise. The guest gets the external abort QEMU gives;
 * this log is for the operator.
 */
public final class UnassignedAccesses {
    /** The name {@code --trace} takes for this log. */
    public static final String TRACE_NAME = "unassigned";

    /** The first access to one address, and how many there were. */
    record First(String what, long pc, int count) {}

    private final Map<Long, First> byAddress = new LinkedHashMap<>();
    private final TraceLog live;
    private long total;

    /** @param live where each new address is printed as it happens, or null to keep them for {@link #summary} */
    public UnassignedAccesses(TraceLog live) {
        this.live = live;
    }

    /** Records an access ({@code what}: "read of 4 bytes at 0x...") by the instruction at {@code pc}. */
    void record(long address, String what, long pc) {
        total++;
        First first = byAddress.get(address);
        if (first != null) {
            byAddress.put(address, new First(first.what(), first.pc(), first.count() + 1));
            return;
        }
        byAddress.put(address, new First(what, pc, 1));
        if (live != null) {
            live.line(String.format("unassigned: %s, pc 0x%x", what, pc));
        }
    }

    /** How many accesses there were, to how many addresses. */
    public long total() {
        return total;
    }

    /** The distinct addresses accessed. */
    public int addresses() {
        return byAddress.size();
    }

    /**
     * One line for the end of the run, or null when there was nothing to report or every address
     * was traced as it happened.
     */
    public String summary() {
        if (byAddress.isEmpty() || live != null) {
            return null;
        }
        var first = byAddress.values().iterator().next();
        String more = byAddress.size() == 1 ? "" : " and " + (byAddress.size() - 1) + " other address"
                + (byAddress.size() == 2 ? "" : "es");
        return "the guest accessed unassigned memory " + total + (total == 1 ? " time" : " times")
                + " (external aborts): " + first.what() + ", pc 0x" + Long.toHexString(first.pc()) + more
                + "; --trace " + TRACE_NAME + " lists each";
    }
}
