package dev.virtfw.fwcfg;

import jdk.jfr.FlightRecorder;

/**
 * Whether the device's Flight Recorder events can be recorded at all. The first instance of any
 * {@code jdk.jfr.Event} subclass initialises JFR's internals even when nothing records (about
 * 120 ms, measured: the largest single item of the board's start-up in a class-loading profile),
 * so the device creates its events only once a recorder exists: a recording started with
 * {@code -XX:StartFlightRecording}, {@code jcmd JFR.start} or the {@code Recording} API
 * initialises it first. One volatile read when off.
 */
final class Tracing {
    private Tracing() {}

    static boolean possible() {
        return FlightRecorder.isInitialized();
    }
}
