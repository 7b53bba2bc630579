package org.gmi.models;

/** Receives one report per epoch (progress lines, logging); must not throw. */
@FunctionalInterface
public interface TrainingListener {
    void onEpoch(EpochReport report);

    TrainingListener NONE = r -> {};
}
