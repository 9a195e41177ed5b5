package dev.virtfw.devicetree.dts;

import java.util.ArrayList;
import java.util.List;

/**
 * A node of the tree as dtc builds it from source: deleted nodes, properties and labels stay in
 * their lists, flagged, because a later definition revives them in place. Labels are kept newest
 * first, as dtc prepends them.
 */
final class LiveNode {
    /** A label and whether a deletion has hidden it. */
    static final class Label {
        final String name;
        boolean deleted;

        Label(String name) {
            this.name = name;
        }
    }

    static final class Prop {
        final String name;
        Data val;
        final List<Label> labels = new ArrayList<>(0);
        boolean deleted;
        SourcePosition pos;

        Prop(String name, Data val, SourcePosition pos) {
            this.name = name;
            this.val = val;
            this.pos = pos;
        }
    }

    String name;
    LiveNode parent;
    final List<Label> labels = new ArrayList<>(0);
    final List<Prop> props = new ArrayList<>();
    final List<LiveNode> children = new ArrayList<>();
    boolean deleted;
    boolean omitIfUnused;
    boolean referenced;
    int phandle;
    String fullpath;
    int basenameLength;
    SourcePosition pos;

    LiveNode(SourcePosition pos) {
        this.pos = pos;
    }

    static void addLabel(List<Label> labels, String name) {
        for (Label l : labels) {
            if (l.name.equals(name)) {
                l.deleted = false;
                return;
            }
        }
        labels.addFirst(new Label(name));
    }

    boolean hasLiveLabels() {
        return labels.stream().anyMatch(l -> !l.deleted);
    }

    Prop property(String propName) {
        for (Prop p : props) {
            if (!p.deleted && p.name.equals(propName)) {
                return p;
            }
        }
        return null;
    }

    LiveNode subnode(String childName) {
        for (LiveNode c : children) {
            if (!c.deleted && c.name.equals(childName)) {
                return c;
            }
        }
        return null;
    }

    void addChild(LiveNode child) {
        child.parent = this;
        children.add(child);
    }

    /** Marks this node, everything below it, its properties and labels as deleted. */
    void delete() {
        deleted = true;
        for (LiveNode c : children) {
            if (!c.deleted) {
                c.delete();
            }
        }
        for (Prop p : props) {
            if (!p.deleted) {
                deleteProperty(p);
            }
        }
        labels.forEach(l -> l.deleted = true);
    }

    static void deleteProperty(Prop p) {
        p.deleted = true;
        p.labels.forEach(l -> l.deleted = true);
    }

    /**
     * Moves {@code other}'s labels, properties and children into this node: a property of the
     * same name (even a deleted one) takes the new value in place, a child of the same name is
     * merged, deletions delete, anything else is appended.
     */
    LiveNode merge(LiveNode other) {
        deleted = false;
        for (Label l : other.labels) {
            addLabel(labels, l.name);
        }
        for (Prop np : other.props) {
            if (np.deleted) {
                for (Prop p : props) {
                    if (p.name.equals(np.name)) {
                        deleteProperty(p);
                        break;
                    }
                }
                continue;
            }
            Prop old = null;
            for (Prop p : props) {
                if (p.name.equals(np.name)) {
                    old = p;
                    break;
                }
            }
            if (old != null) {
                for (Label l : np.labels) {
                    addLabel(old.labels, l.name);
                }
                old.val = np.val;
                old.deleted = false;
                old.pos = np.pos;
            } else {
                props.add(np);
            }
        }
        for (LiveNode nc : other.children) {
            if (nc.deleted) {
                for (LiveNode c : children) {
                    if (c.name.equals(nc.name)) {
                        c.delete();
                        break;
                    }
                }
                continue;
            }
            LiveNode old = null;
            for (LiveNode c : children) {
                if (c.name.equals(nc.name)) {
                    old = c;
                    break;
                }
            }
            if (old != null) {
                old.merge(nc);
            } else {
                addChild(nc);
            }
        }
        return this;
    }
}
