package dev.virtfw.fwcfg;

/**
 * Everything this module throws on purpose: a configuration QEMU would refuse
 * ({@link FwCfgConfigException}) or a start-up self-check that failed ({@link FwCfgWarmUpException}).
 * Each subclass carries the facts (key, name, file, address) as typed fields; the message is for
 * people. A running guest never causes one: what the guest does wrong is reported to the guest.
 */
public abstract sealed class FwCfgException extends RuntimeException
        permits FwCfgConfigException, FwCfgWarmUpException {
    FwCfgException(String message, Throwable cause) {
        super(message, cause);
    }
}
