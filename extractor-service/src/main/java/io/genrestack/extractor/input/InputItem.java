package io.genrestack.extractor.input;

import io.genrestack.common.model.ArrayRecords;

import java.util.Objects;

/**
 * One item found by {@link InputScanner}: either a candidate low-level JSON document with the recording MBID
 * taken from its file name, or an item that was refused, with the reason.
 *
 * <p>{@code name} is the path of the item within the input: the file path relative to the input folder
 * (with {@code /} separators), the file name of a single-file input, or {@code archive.tar.bz2!/entry/path}
 * for an archive entry (the archive part is itself relative to the input folder when the archive was found
 * inside a folder).
 */
public sealed interface InputItem permits InputItem.JsonDoc, InputItem.BadItem {

    /** Path of the item within the input (see the interface Javadoc). */
    String name();

    /**
     * A candidate feature document. The bytes are passed through unparsed (invalid UTF-8 or JSON is the
     * parser's problem). {@code mbid} is the canonical lower-case recording MBID from the file name.
     */
    record JsonDoc(String name, String mbid, byte[] bytes) implements InputItem {
        public JsonDoc {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(mbid, "mbid");
            Objects.requireNonNull(bytes, "bytes");
        }

        @Override
        public boolean equals(Object o) {
            return ArrayRecords.equals(this, o);
        }

        @Override
        public int hashCode() {
            return ArrayRecords.hashCode(this);
        }

        @Override
        public String toString() {
            return ArrayRecords.toString(this);
        }
    }

    /** An item that was refused (not emitted as a document), with a human-readable reason for a dead letter. */
    record BadItem(String name, String reason) implements InputItem {
        public BadItem {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
