package io.vigil.inventory;

/**
 * Progress of a baseline add or verify: bytes hashed of the total, files done of the total, and the
 * root being worked on. Delivered from hashing threads, possibly several at once; listeners must be
 * thread-safe and cheap (store the latest value; the UI reads it at its own cadence).
 */
@FunctionalInterface
public interface HashProgress {

    void onProgress(Progress progress);

    HashProgress NONE = p -> { };

    /** One progress reading. */
    record Progress(String root, long bytesDone, long bytesTotal, int filesDone, int filesTotal) {

        /** 0..1; 1 when there is nothing to hash. */
        public double fraction() {
            return bytesTotal <= 0 ? (filesTotal == 0 ? 1 : (double) filesDone / filesTotal)
                    : Math.min(1, (double) bytesDone / bytesTotal);
        }
    }
}
