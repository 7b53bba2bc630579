package org.gmi.engine;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the tests that flip the global switches: the thread count in force before each test is
 * put back after it, and Simd is switched on again.
 */
abstract class RestoresSwitches {
    private int threadsBefore;

    @BeforeEach
    void rememberSwitches() {
        threadsBefore = Parallel.threads();
    }

    @AfterEach
    void restoreSwitches() {
        Simd.setEnabled(true);
        Parallel.setThreads(threadsBefore);
    }
}
