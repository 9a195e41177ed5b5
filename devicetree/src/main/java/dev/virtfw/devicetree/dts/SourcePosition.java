package dev.virtfw.devicetree.dts;

/**
 * Where a token or a construct sits in the source: the file as the source names it (after
 * {@code #line} directives), the first line and column and the line and column just past its end,
 * counted from 1 as dtc counts them.
 */
public record SourcePosition(String file, int firstLine, int firstColumn, int lastLine, int lastColumn) {

    /** The span from the start of {@code from} to the end of {@code to} (the file of {@code to}). */
    static SourcePosition span(SourcePosition from, SourcePosition to) {
        return new SourcePosition(to.file, from.firstLine, from.firstColumn, to.lastLine, to.lastColumn);
    }

    /** dtc's spelling: {@code file:line.col}, {@code file:line.col-col} or {@code file:line.col-line.col}. */
    @Override
    public String toString() {
        if (firstLine != lastLine) {
            return file + ":" + firstLine + "." + firstColumn + "-" + lastLine + "." + lastColumn;
        }
        if (firstColumn != lastColumn) {
            return file + ":" + firstLine + "." + firstColumn + "-" + lastColumn;
        }
        return file + ":" + firstLine + "." + firstColumn;
    }
}
