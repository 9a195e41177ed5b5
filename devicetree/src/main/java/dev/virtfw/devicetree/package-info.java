/**
 * Flattened devicetree (FDT) library, after the Devicetree Specification v0.4.
 *
 * <ul>
 *   <li>{@link dev.virtfw.devicetree.Node}, {@link dev.virtfw.devicetree.Property},
 *       {@link dev.virtfw.devicetree.Cell}, {@link dev.virtfw.devicetree.DeviceTree}: the model.
 *       References to nodes are resolved to phandles when the tree is written.</li>
 *   <li>{@link dev.virtfw.devicetree.Dtb}: DTB version 17 writer and a reader for versions 16
 *       and 17 that turns every malformed blob into one
 *       {@link dev.virtfw.devicetree.DtbFormatException} with a
 *       {@link dev.virtfw.devicetree.DtbError} and the byte offset.</li>
 *   <li>{@link dev.virtfw.devicetree.DtsPrinter}: source text exactly as
 *       {@code dtc -I dtb -O dts} (dtc 1.6.1) prints it.</li>
 *   <li>{@link dev.virtfw.devicetree.Validator}: the spec's rules, findings printed as dtc
 *       prints its checks; {@link dev.virtfw.devicetree.TreeDiff}: differences between trees.</li>
 * </ul>
 *
 * Deep trees are walked with explicit stacks, never recursion.
 */
package dev.virtfw.devicetree;
