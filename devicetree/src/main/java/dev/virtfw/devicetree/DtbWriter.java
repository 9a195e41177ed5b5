package dev.virtfw.devicetree;

import static dev.virtfw.devicetree.FdtSpec.*;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Writes a {@link DeviceTree} as a version 17 DTB (Devicetree Specification chapter 5). */
final class DtbWriter {
    private DtbWriter() {}

    static byte[] write(DeviceTree tree) {
        return write(tree, 0);
    }

    /** As {@link #write(DeviceTree)}, with zero free space after the strings block up to {@code minTotalSize}. */
    static byte[] write(DeviceTree tree, int minTotalSize) {
        return write(tree, minTotalSize, HEADER_SIZE_V17);
    }

    /**
     * As {@link #write(DeviceTree, int)}, the memory reservation map at {@code offRsvmap} (dtc: right
     * after the 40-byte header; libfdt's {@code fdt_create}: aligned to a reservation entry, 0x30).
     */
    static byte[] write(DeviceTree tree, int minTotalSize, long offRsvmap) {
        if (minTotalSize < 0) {
            throw new IllegalArgumentException("negative minimum size: " + minTotalSize);
        }
        for (MemoryReservation r : tree.reservations()) {
            if (r.address() == 0 && r.size() == 0) {
                throw new IllegalStateException("a memory reservation (0, 0) cannot be written: it ends the map (5.3.2)");
            }
        }
        resolvePhandles(tree.root());

        // Pass 1: sizes and the strings block (each name once, in order of first use).
        Map<String, Integer> stringOffsets = new LinkedHashMap<>();
        long[] structSize = {4}; // FDT_END
        int[] stringsSize = {0};
        Walk.depthFirst(tree.root(), new Walk.Visitor() {
            @Override
            public void enter(Node n, int depth) {
                structSize[0] += 4 + align4(n.name().length() + 1);
                for (Property p : n.properties()) {
                    structSize[0] += 12 + align4(p.length());
                    if (!stringOffsets.containsKey(p.name())) {
                        stringOffsets.put(p.name(), stringsSize[0]);
                        stringsSize[0] += p.name().length() + 1;
                    }
                }
                structSize[0] += 4; // FDT_END_NODE
            }
        });
        long offStruct = offRsvmap + (long) RESERVE_ENTRY_SIZE * (tree.reservations().size() + 1);
        long offStrings = offStruct + structSize[0];
        long total = offStrings + stringsSize[0];
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("tree too large for one blob: " + total + " bytes");
        }
        total = Math.max(total, minTotalSize);
        byte[] blob = new byte[(int) total];
        MemorySegment seg = MemorySegment.ofArray(blob);

        seg.set(BE_U32, HDR_MAGIC, FDT_MAGIC);
        seg.set(BE_U32, HDR_TOTALSIZE, (int) total);
        seg.set(BE_U32, HDR_OFF_DT_STRUCT, (int) offStruct);
        seg.set(BE_U32, HDR_OFF_DT_STRINGS, (int) offStrings);
        seg.set(BE_U32, HDR_OFF_MEM_RSVMAP, (int) offRsvmap);
        seg.set(BE_U32, HDR_VERSION, FDT_VERSION);
        seg.set(BE_U32, HDR_LAST_COMP_VERSION, FDT_LAST_COMP_VERSION);
        seg.set(BE_U32, HDR_BOOT_CPUID_PHYS, tree.bootCpuidPhys());
        seg.set(BE_U32, HDR_SIZE_DT_STRINGS, stringsSize[0]);
        seg.set(BE_U32, HDR_SIZE_DT_STRUCT, (int) structSize[0]);

        long off = offRsvmap;
        for (MemoryReservation r : tree.reservations()) {
            seg.set(BE_U64, off, r.address());
            seg.set(BE_U64, off + 8, r.size());
            off += RESERVE_ENTRY_SIZE;
        }
        // the terminating entry is already zero

        int[] pos = {(int) offStruct};
        Walk.depthFirst(tree.root(), new Walk.Visitor() {
            @Override
            public void enter(Node n, int depth) {
                seg.set(BE_U32, pos[0], FDT_BEGIN_NODE);
                byte[] name = n.name().getBytes(StandardCharsets.ISO_8859_1);
                System.arraycopy(name, 0, blob, pos[0] + 4, name.length);
                pos[0] += 4 + align4(name.length + 1);
                for (Property p : n.properties()) {
                    seg.set(BE_U32, pos[0], FDT_PROP);
                    seg.set(BE_U32, pos[0] + 4, p.length());
                    seg.set(BE_U32, pos[0] + 8, stringOffsets.get(p.name()));
                    byte[] v = p.value();
                    System.arraycopy(v, 0, blob, pos[0] + 12, v.length);
                    pos[0] += 12 + align4(v.length);
                }
            }

            @Override
            public void exit(Node n, int depth) {
                seg.set(BE_U32, pos[0], FDT_END_NODE);
                pos[0] += 4;
            }
        });
        seg.set(BE_U32, pos[0], FDT_END);

        int s = (int) offStrings;
        for (String name : stringOffsets.keySet()) {
            byte[] b = name.getBytes(StandardCharsets.ISO_8859_1);
            System.arraycopy(b, 0, blob, s, b.length);
            s += b.length + 1;
        }
        return blob;
    }

    /**
     * Gives every referenced node without a phandle the lowest value not yet used (from 1), in the
     * order the references appear in a depth-first walk, and adds its {@code phandle} property.
     */
    static void resolvePhandles(Node root) {
        Set<Node> inTree = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Property> withRefs = new ArrayList<>();
        Set<Integer> used = new java.util.HashSet<>();
        Walk.depthFirst(root, (n, depth) -> {
            inTree.add(n);
            for (String key : new String[] {"phandle", "linux,phandle"}) {
                n.property(key).flatMap(p -> {
                    var v = p.u32IfCell();
                    return v.isPresent() ? java.util.Optional.of(v.getAsInt()) : java.util.Optional.empty();
                }).ifPresent(used::add);
            }
            for (Property p : n.properties()) {
                if (p.hasReferences()) {
                    withRefs.add(p);
                }
            }
        });
        int next = 1;
        for (Property p : withRefs) {
            for (Node target : p.references()) {
                if (!inTree.contains(target)) {
                    throw new IllegalStateException("property " + p.name() + " refers to " + target.path()
                            + ", which is not in the tree being written");
                }
                if (target.phandle().isPresent()) {
                    continue;
                }
                while (used.contains(next)) {
                    next++;
                }
                if (next == -1 || next == 0) { // 0xffffffff and 0 are not valid phandles
                    throw new IllegalStateException("no phandle value left to allocate");
                }
                used.add(next);
                target.putU32("phandle", next);
            }
        }
    }
}
