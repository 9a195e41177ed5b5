package dev.virtfw.devicetree.dts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A property value under construction: its bytes and the markers dtc keeps beside them (where a
 * typed chunk starts, where a label or a reference sits). Markers keep the order they were added
 * in; offsets are byte offsets in the value.
 */
final class Data {
    enum MarkerType {
        TYPE_NONE, REF_PHANDLE, REF_PATH, LABEL, TYPE_UINT8, TYPE_UINT16, TYPE_UINT32, TYPE_UINT64, TYPE_STRING;

        /** Whether the marker says how the bytes after it were written (dtc's has_data_type_information). */
        boolean isType() {
            return ordinal() >= TYPE_UINT8.ordinal();
        }
    }

    static final class Marker {
        final MarkerType type;
        int offset;
        final String ref;

        Marker(MarkerType type, int offset, String ref) {
            this.type = type;
            this.offset = offset;
            this.ref = ref;
        }
    }

    private byte[] bytes = new byte[0];
    private int length;
    final List<Marker> markers = new ArrayList<>(2);

    int length() {
        return length;
    }

    byte[] bytes() {
        return Arrays.copyOf(bytes, length);
    }

    byte byteAt(int i) {
        return bytes[i];
    }

    private void grow(int more) {
        int need = Math.addExact(length, more);
        if (need > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(need, Math.max(16, bytes.length * 2)));
        }
    }

    Data append(byte[] b) {
        grow(b.length);
        System.arraycopy(b, 0, bytes, length, b.length);
        length += b.length;
        return this;
    }

    Data appendInteger(long v, int bits) {
        int n = bits / 8;
        grow(n);
        for (int i = 0; i < n; i++) {
            bytes[length + i] = (byte) (v >>> (8 * (n - 1 - i)));
        }
        length += n;
        return this;
    }

    Data addMarker(MarkerType type, String ref) {
        markers.add(new Marker(type, length, ref));
        return this;
    }

    /** Appends {@code other}'s bytes and markers (shifted), as dtc's data_merge. */
    Data merge(Data other) {
        int base = length;
        grow(other.length);
        System.arraycopy(other.bytes, 0, bytes, length, other.length);
        length += other.length;
        for (Marker m : other.markers) {
            markers.add(new Marker(m.type, m.offset + base, m.ref));
        }
        return this;
    }

    /** Inserts bytes at the offset of {@code at}, moving every later marker (dtc's data_insert_at_marker). */
    void insertAt(Marker at, byte[] b) {
        grow(b.length);
        System.arraycopy(bytes, at.offset, bytes, at.offset + b.length, length - at.offset);
        System.arraycopy(b, 0, bytes, at.offset, b.length);
        length += b.length;
        int i = markers.indexOf(at);
        for (int k = i + 1; k < markers.size(); k++) {
            markers.get(k).offset += b.length;
        }
    }

    void setU32(int offset, int v) {
        bytes[offset] = (byte) (v >>> 24);
        bytes[offset + 1] = (byte) (v >>> 16);
        bytes[offset + 2] = (byte) (v >>> 8);
        bytes[offset + 3] = (byte) v;
    }

    int u32(int offset) {
        return ((bytes[offset] & 0xff) << 24) | ((bytes[offset + 1] & 0xff) << 16)
                | ((bytes[offset + 2] & 0xff) << 8) | (bytes[offset + 3] & 0xff);
    }

    /** A string value: a TYPE_STRING marker then the bytes (which end with NUL). */
    static Data string(byte[] withNul) {
        return new Data().addMarker(MarkerType.TYPE_STRING, null).append(withNul);
    }
}
