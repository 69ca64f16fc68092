package io.genrestack.common.storage;

/** An object-storage operation failed for good (after retries, or at once for a non-transient error). */
public class StorageException extends RuntimeException {
    private final boolean notFound;

    public StorageException(String message, Throwable cause, boolean notFound) {
        super(message, cause);
        this.notFound = notFound;
    }

    public boolean isNotFound() {
        return notFound;
    }
}
