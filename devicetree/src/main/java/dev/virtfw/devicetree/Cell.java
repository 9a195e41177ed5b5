package dev.virtfw.devicetree;

import java.util.Objects;

/**
 * One 32-bit cell of a property value: either a literal number or a reference to a node whose
 * phandle is filled in when the tree is written ({@link Dtb#write}).
 */
public sealed interface Cell {
    /** A literal cell. */
    static Cell u32(int value) {
        return new U32(value);
    }

    /** A cell holding the phandle of {@code target}, allocated at write time if it has none. */
    static Cell ref(Node target) {
        return new Ref(target);
    }

    record U32(int value) implements Cell {}

    record Ref(Node target) implements Cell {
        public Ref {
            Objects.requireNonNull(target, "target");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Ref r && r.target == target;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(target);
        }

        @Override
        public String toString() {
            return "Ref[" + target.path() + "]";
        }
    }
}
