package dev.virtfw.devicetree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NodeTest {

    @Nested
    class Names {
        @Test
        void rootIsNamedEmptyAndHasPathSlash() {
            Node root = Node.root();
            assertThat(root.name()).isEmpty();
            assertThat(root.path()).isEqualTo("/");
            assertThat(root.parent()).isEmpty();
        }

        @Test
        void childPathJoinsNames() {
            Node c = Node.root().addChild("soc").addChild("uart@9000000");
            assertThat(c.path()).isEqualTo("/soc/uart@9000000");
            assertThat(c.baseName()).isEqualTo("uart");
            assertThat(c.unitAddress()).hasValue("9000000");
            assertThat(c.depth()).isEqualTo(2);
        }

        @Test
        void duplicateChildNameIsRefused() {
            Node root = Node.root();
            root.addChild("a@1");
            assertThatThrownBy(() -> root.addChild("a@1")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("a@1");
            root.addChild("a@2"); // same base name, other unit address: fine
            assertThat(root.children()).extracting(Node::name).containsExactly("a@1", "a@2");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "a/b", "nul\0", "wide\u0100"})
        void unstorableNamesAreRefused(String bad) {
            assertThatThrownBy(() -> Node.root().addChild(bad)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void aChildMovedToTheEndKeepsItsContentAndTheOthersTheirOrder() {
            Node root = Node.root();
            root.addChild("a").putU32("x", 1);
            root.addChild("b");
            root.addChild("c");
            assertThat(root.moveChildToEnd("a")).isTrue();
            assertThat(root.children()).extracting(Node::name).containsExactly("b", "c", "a");
            assertThat(root.child("a").orElseThrow().property("x")).isPresent();
            assertThat(root.moveChildToEnd("a")).isTrue();
            assertThat(root.children()).extracting(Node::name).containsExactly("b", "c", "a");
            assertThat(root.moveChildToEnd("missing")).isFalse();
        }

        @Test
        void childrenViewIsUnmodifiable() {
            Node root = Node.root();
            root.addChild("a");
            assertThatThrownBy(() -> root.children().clear()).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Nested
    class Lookup {
        @Test
        void exactNameMatchesOnlyThatChild() {
            Node root = Node.root();
            root.addChild("memory@40000000");
            assertThat(root.child("memory@40000000")).isPresent();
            assertThat(root.child("memory@0")).isEmpty();
        }

        @Test
        void nameWithoutAtMatchesFirstChildWithAnyUnitAddress() {
            Node root = Node.root();
            Node first = root.addChild("virtio_mmio@a000000");
            root.addChild("virtio_mmio@a000200");
            assertThat(root.child("virtio_mmio")).containsSame(first);
            assertThat(root.child("virtio")).isEmpty(); // a prefix is not a name
        }

        @Test
        void nameWithoutAtPrefersTheExactChild() {
            Node root = Node.root();
            root.addChild("cpu@0");
            Node plain = root.addChild("cpu");
            assertThat(root.child("cpu")).containsSame(plain);
        }

        @Test
        void findWalksAbsoluteAndRelativePaths() {
            Node root = Node.root();
            Node b = root.addChild("a").addChild("b@1");
            Node a = root.child("a").orElseThrow();
            assertThat(root.find("/a/b@1")).containsSame(b);
            assertThat(root.find("/a/b")).containsSame(b);
            assertThat(b.find("/a")).containsSame(a);
            assertThat(a.find("b@1")).containsSame(b);
            assertThat(root.find("/")).containsSame(root);
            assertThat(root.find("/a/c")).isEmpty();
        }
    }

    @Nested
    class Properties {
        @Test
        void putOnExistingNameReplacesInPlace() {
            Node n = Node.root().putU32("a", 1).putU32("b", 2).putU32("c", 3);
            n.putString("b", "x");
            assertThat(n.properties()).extracting(Property::name).containsExactly("a", "b", "c");
            assertThat(n.property("b").orElseThrow().asString()).isEqualTo("x");
        }

        @Test
        void removeDeletesOnlyThatProperty() {
            Node n = Node.root().putU32("a", 1).putU32("b", 2);
            n.remove("a").remove("missing");
            assertThat(n.properties()).extracting(Property::name).containsExactly("b");
        }

        @Test
        void valuesAreBigEndian() {
            Node n = Node.root().putU32("u", 0x01020304).putU64("q", 0x0102030405060708L);
            assertThat(n.property("u").orElseThrow().value()).containsExactly(1, 2, 3, 4);
            assertThat(n.property("q").orElseThrow().value()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
            assertThat(n.property("q").orElseThrow().asU64()).isEqualTo(0x0102030405060708L);
            assertThat(n.property("q").orElseThrow().asU32Array()).containsExactly(0x01020304, 0x05060708);
        }

        @Test
        void stringListsAreNulTerminatedEach() {
            Node n = Node.root().putString("s", "ab", "", "c");
            assertThat(n.property("s").orElseThrow().value()).containsExactly('a', 'b', 0, 0, 'c', 0);
            assertThat(n.property("s").orElseThrow().asStrings()).containsExactly("ab", "", "c");
            assertThatThrownBy(() -> n.property("s").orElseThrow().asString())
                    .isInstanceOf(IllegalStateException.class);
        }

        @Test
        void stringsWithNulAreRefused() {
            assertThatThrownBy(() -> Node.root().putString("s", "a\0b")).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void putBytesCopiesTheArray() {
            byte[] b = {1, 2};
            Node n = Node.root().putBytes("b", b);
            b[0] = 9;
            assertThat(n.property("b").orElseThrow().value()).containsExactly(1, 2);
        }

        @Test
        void emptyPropertyHasNoBytes() {
            Node n = Node.root().putEmpty("e");
            assertThat(n.property("e").orElseThrow().isEmpty()).isTrue();
        }

        @Test
        void wrongLengthAccessorsFail() {
            Node n = Node.root().putBytes("b", new byte[] {1, 2, 3});
            Property p = n.property("b").orElseThrow();
            assertThatThrownBy(p::asU32).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(p::asU64).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(p::asStrings).isInstanceOf(IllegalStateException.class);
        }
    }

    @Nested
    class References {
        @Test
        void referenceIsZeroUntilWrittenThenTheAllocatedPhandle() {
            Node root = Node.root();
            Node target = root.addChild("t");
            root.putReference("r", target);
            assertThat(root.property("r").orElseThrow().value()).containsExactly(0, 0, 0, 0);
            Dtb.write(new DeviceTree(root));
            assertThat(target.phandle()).hasValue(1);
            assertThat(root.property("r").orElseThrow().asU32()).isEqualTo(1);
            assertThat(target.properties()).extracting(Property::name).containsExactly("phandle");
        }

        @Test
        void allocationSkipsExplicitValuesAndKeepsThem() {
            Node root = Node.root();
            root.addChild("p1").putU32("phandle", 1);
            root.addChild("p2").putU32("linux,phandle", 2);
            root.addChild("p4").putU32("phandle", 4);
            Node a = root.addChild("a");
            Node b = root.addChild("b");
            Node c = root.addChild("c");
            root.putCells("refs", Cell.ref(a), Cell.ref(b), Cell.ref(c), Cell.ref(a), Cell.u32(42));
            DeviceTree t = new DeviceTree(root);
            DeviceTree back = Dtb.parse(Dtb.write(t));
            assertThat(back.find("/p1").orElseThrow().phandle()).hasValue(1);
            assertThat(back.find("/p2").orElseThrow().phandle()).hasValue(2);
            assertThat(back.find("/p4").orElseThrow().phandle()).hasValue(4);
            assertThat(back.root().property("refs").orElseThrow().asU32Array()).containsExactly(3, 5, 6, 3, 42);
        }

        @Test
        void writingTwiceKeepsThePhandles() {
            Node root = Node.root();
            Node target = root.addChild("t");
            root.putReference("r", target);
            DeviceTree t = new DeviceTree(root);
            byte[] first = Dtb.write(t);
            assertThat(Dtb.write(t)).isEqualTo(first);
        }

        @Test
        void referenceOutsideTheTreeIsRefusedAtWrite() {
            Node root = Node.root();
            Node stranger = Node.root().addChild("elsewhere");
            root.putReference("r", stranger);
            assertThatThrownBy(() -> Dtb.write(new DeviceTree(root))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("/elsewhere");
        }

        @Test
        void cellsKeepReferencesAndNumbers() {
            Node root = Node.root();
            Node t = root.addChild("t");
            root.putCells("m", Cell.u32(7), Cell.ref(t));
            assertThat(root.property("m").orElseThrow().cells()).containsExactly(Cell.u32(7), Cell.ref(t));
            assertThat(root.property("m").orElseThrow().references()).containsExactly(t);
            assertThat(List.of(Cell.ref(t))).doesNotContain(Cell.ref(root));
        }
    }
}
