package dev.virtfw.devicetree.dts;

/**
 * dtc's blob layout options for a compiled tree.
 *
 * @param reserveEntries empty memory reservation entries added after the source's ({@code -R})
 * @param minSize the smallest totalsize; the blob is padded with zeros up to it ({@code -S})
 * @param padding zero bytes added after the strings block ({@code -p}; wins over minSize)
 * @param align totalsize rounded up to a multiple of this ({@code -a}; 0 for none)
 */
public record BlobLayout(int reserveEntries, int minSize, int padding, int align) {
    public BlobLayout {
        if (reserveEntries < 0 || minSize < 0 || padding < 0 || align < 0) {
            throw new IllegalArgumentException("negative layout value");
        }
        if (align != 0 && Integer.bitCount(align) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two: " + align);
        }
    }

    /** No extra space: what {@code dtc -O dtb} writes without layout options. */
    public static BlobLayout compact() {
        return new BlobLayout(0, 0, 0, 0);
    }
}
