package dev.virtfw.devicetree;

import java.util.ArrayDeque;
import java.util.Iterator;

/** Depth-first walks over a node tree with an explicit stack, so depth never reaches the Java stack. */
final class Walk {
    private Walk() {}

    interface Visitor {
        void enter(Node n, int depth);

        default void exit(Node n, int depth) {}
    }

    static void depthFirst(Node root, Visitor v) {
        ArrayDeque<Iterator<Node>> stack = new ArrayDeque<>();
        ArrayDeque<Node> nodes = new ArrayDeque<>();
        v.enter(root, 0);
        stack.push(root.children().iterator());
        nodes.push(root);
        while (!stack.isEmpty()) {
            Iterator<Node> it = stack.peek();
            if (it.hasNext()) {
                Node c = it.next();
                v.enter(c, stack.size());
                stack.push(c.children().iterator());
                nodes.push(c);
            } else {
                stack.pop();
                v.exit(nodes.pop(), stack.size());
            }
        }
    }
}
