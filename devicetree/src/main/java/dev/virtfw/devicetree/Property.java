package dev.virtfw.devicetree;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A property: a name and a value of bytes. A value may hold references to nodes (one cell each);
 * their bytes are the target's current {@code phandle} (0 until the target has one, which
 * {@link Dtb#write} allocates). Immutable: {@code Node.put*} replaces a property.
 */
public final class Property {
    private final String name;
    private final byte[] data;
    private final int[] refOffsets;
    private final Node[] refTargets;

    Property(String name, byte[] data, int[] refOffsets, Node[] refTargets) {
        this.name = Node.checkPropertyName(name);
        this.data = data;
        this.refOffsets = refOffsets;
        this.refTargets = refTargets;
    }

    /** A property with a plain byte value (copied). */
    public static Property of(String name, byte[] value) {
        return new Property(name, value.clone(), new int[0], new Node[0]);
    }

    static Property wrap(String name, byte[] value) {
        return new Property(name, value, new int[0], new Node[0]);
    }

    static Property ofCells(String name, Cell... cells) {
        byte[] data = new byte[Math.multiplyExact(cells.length, 4)];
        MemorySegment seg = MemorySegment.ofArray(data);
        List<Integer> offs = new ArrayList<>();
        List<Node> targets = new ArrayList<>();
        for (int i = 0; i < cells.length; i++) {
            switch (Objects.requireNonNull(cells[i], "cell")) {
                case Cell.U32 u -> seg.set(FdtSpec.BE_U32, 4L * i, u.value());
                case Cell.Ref r -> {
                    offs.add(4 * i);
                    targets.add(r.target());
                }
            }
        }
        return new Property(name, data, offs.stream().mapToInt(Integer::intValue).toArray(),
                targets.toArray(Node[]::new));
    }

    public String name() {
        return name;
    }

    /** Length of the value in bytes. */
    public int length() {
        return data.length;
    }

    public boolean isEmpty() {
        return data.length == 0;
    }

    /** The value's bytes (a copy), references filled with the targets' current phandles. */
    public byte[] value() {
        byte[] out = data.clone();
        if (refTargets.length > 0) {
            MemorySegment seg = MemorySegment.ofArray(out);
            for (int i = 0; i < refTargets.length; i++) {
                seg.set(FdtSpec.BE_U32, refOffsets[i], refTargets[i].phandle().orElse(0));
            }
        }
        return out;
    }

    /** True when the value holds references to nodes (built through the model, not parsed). */
    public boolean hasReferences() {
        return refTargets.length > 0;
    }

    /** The nodes referenced, in value order. */
    public List<Node> references() {
        return List.of(refTargets);
    }

    /** Byte offsets in the value of each reference cell, in the same order as {@link #references()}. */
    int[] referenceOffsets() {
        return refOffsets;
    }

    /** The value as cells, references kept as {@link Cell.Ref}; the length must be a multiple of 4. */
    public List<Cell> cells() {
        requireMultiple(4);
        MemorySegment seg = MemorySegment.ofArray(data);
        List<Cell> out = new ArrayList<>(data.length / 4);
        int r = 0;
        for (int off = 0; off < data.length; off += 4) {
            if (r < refOffsets.length && refOffsets[r] == off) {
                out.add(Cell.ref(refTargets[r++]));
            } else {
                out.add(Cell.u32(seg.get(FdtSpec.BE_U32, off)));
            }
        }
        return out;
    }

    /** The single u32 value; the value must be exactly 4 bytes. */
    public int asU32() {
        requireLength(4);
        return MemorySegment.ofArray(value()).get(FdtSpec.BE_U32, 0);
    }

    /** All cells as u32s; the length must be a multiple of 4. */
    public int[] asU32Array() {
        requireMultiple(4);
        MemorySegment seg = MemorySegment.ofArray(value());
        int[] out = new int[data.length / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = seg.get(FdtSpec.BE_U32, 4L * i);
        }
        return out;
    }

    /** The single u64 value; the value must be exactly 8 bytes. */
    public long asU64() {
        requireLength(8);
        return MemorySegment.ofArray(value()).get(FdtSpec.BE_U64, 0);
    }

    /** All values as u64s (two cells each); the length must be a multiple of 8. */
    public long[] asU64Array() {
        requireMultiple(8);
        MemorySegment seg = MemorySegment.ofArray(value());
        long[] out = new long[data.length / 8];
        for (int i = 0; i < out.length; i++) {
            out[i] = seg.get(FdtSpec.BE_U64, 8L * i);
        }
        return out;
    }

    /** The value as one NUL-terminated string (UTF-8); fails if it is not exactly one string. */
    public String asString() {
        List<String> all = asStrings();
        if (all.size() != 1) {
            throw new IllegalStateException("property " + name + " holds " + all.size() + " strings, not one");
        }
        return all.getFirst();
    }

    /** The value as a list of NUL-terminated strings (UTF-8); the value must end with NUL. */
    public List<String> asStrings() {
        if (data.length == 0 || data[data.length - 1] != 0) {
            throw new IllegalStateException("property " + name + " is not a NUL-terminated string list");
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < data.length; i++) {
            if (data[i] == 0) {
                out.add(new String(data, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out;
    }

    /** The phandle value if this is a 4-byte {@code phandle}-like property. */
    OptionalInt u32IfCell() {
        return data.length == 4 && refTargets.length == 0
                ? OptionalInt.of(MemorySegment.ofArray(data).get(FdtSpec.BE_U32, 0))
                : OptionalInt.empty();
    }

    private void requireLength(int n) {
        if (data.length != n) {
            throw new IllegalStateException("property " + name + " is " + data.length + " bytes, expected " + n);
        }
    }

    private void requireMultiple(int n) {
        if (data.length % n != 0) {
            throw new IllegalStateException(
                    "property " + name + " is " + data.length + " bytes, not a multiple of " + n);
        }
    }

    /** Equal when names and resolved values are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Property p && p.name.equals(name) && Arrays.equals(p.value(), value());
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(value());
    }

    @Override
    public String toString() {
        return name + " = [" + HexFormat.ofDelimiter(" ").formatHex(value()) + "]";
    }
}
