/**
 * DTS source compiled as dtc 1.6.1 compiles it: {@link dev.virtfw.devicetree.dts.DtsCompiler}
 * takes a file or text with {@link dev.virtfw.devicetree.dts.DtsOptions} (include folders,
 * {@code -@}, {@code -H}, {@code -b}) and gives a {@link dev.virtfw.devicetree.dts.CompiledDts}:
 * the blob dtc writes (with dtc's layout options, {@link dev.virtfw.devicetree.dts.BlobLayout}),
 * the text {@code dtc -O dts} prints, or the library's model. A source dtc refuses throws
 * {@link dev.virtfw.devicetree.dts.DtsException} carrying dtc's first error line.
 *
 * <p>Unlike the blob reader, the parser and the tree passes recurse: nesting of nodes and of
 * parenthesised expressions is bounded ({@code DtsParser.MAX_NESTING}), so a hostile source is
 * refused before the stack runs out; /incbin/ reads at most {@code SourceFiles.MAX_INCBIN_SIZE}.
 */
package dev.virtfw.devicetree.dts;
