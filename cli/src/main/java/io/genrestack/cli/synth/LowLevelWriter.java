package io.genrestack.cli.synth;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one AcousticBrainz low-level document in the template's key order and shapes: the numeric leaves from a
 * values array (ints as ints, floats with 7 significant digits by {@link Num}), {@code rhythm.beats_position} from
 * the generated beats, the four key/chord strings, and {@code metadata} with the track's ids, length, replay gain
 * and md5. Not thread-safe (one writer per model).
 */
final class LowLevelWriter {

    private static final Map<String, String> FIXED_TAGS = new LinkedHashMap<>();

    static {
        FIXED_TAGS.put("media", "Digital Media");
        FIXED_TAGS.put("script", "Latn");
        FIXED_TAGS.put("musicbrainz album type", "album");
        FIXED_TAGS.put("musicbrainz album status", "official");
        FIXED_TAGS.put("musicbrainz album release country", "XW");
        FIXED_TAGS.put("discnumber", "1/1");
    }

    /** A track's generated content besides its ids. */
    record Content(
            double[] values,
            List<Double> beats,
            Map<String, String> strings,
            double length,
            double replayGain,
            String md5) {}

    private final TemplateLeaves leaves;
    private final char[] numBuf = new char[32];

    LowLevelWriter(TemplateLeaves leaves) {
        this.leaves = leaves;
    }

    /** Writes the document of one track. */
    void write(JsonGenerator gen, Content c, TrackInfo info) throws IOException {
        gen.writeStartObject();
        int[] leaf = {0};
        for (Iterator<Map.Entry<String, JsonNode>> it = leaves.template.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            gen.writeFieldName(e.getKey());
            if (e.getKey().equals("metadata")) {
                writeMetadata(gen, (ObjectNode) e.getValue(), info, c.length(), c.replayGain(), c.md5());
            } else {
                writeSection(gen, e.getKey(), e.getValue(), leaf, c);
            }
        }
        gen.writeEndObject();
        if (leaf[0] != leaves.nLeaves) {
            throw new IllegalStateException("leaf walk mismatch " + leaf[0] + " != " + leaves.nLeaves);
        }
    }

    private void writeSection(JsonGenerator gen, String name, JsonNode node, int[] leaf, Content c) throws IOException {
        if (node.isObject()) {
            gen.writeStartObject();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                gen.writeFieldName(e.getKey());
                if (e.getKey().equals("beats_position")) {
                    gen.writeStartArray();
                    for (int k = 0; k < c.beats().size(); k++) {
                        gen.writeNumber(numBuf, 0, Num.format(c.beats().get(k), numBuf));
                    }
                    gen.writeEndArray();
                } else {
                    writeSection(gen, e.getKey(), e.getValue(), leaf, c);
                }
            }
            gen.writeEndObject();
        } else if (node.isArray()) {
            gen.writeStartArray();
            for (JsonNode child : node) {
                writeSection(gen, name, child, leaf, c);
            }
            gen.writeEndArray();
        } else if (node.isNumber()) {
            int i = leaf[0]++;
            if (leaves.isInt[i]) {
                gen.writeNumber((long) c.values()[i]);
            } else {
                gen.writeNumber(numBuf, 0, Num.format(c.values()[i], numBuf));
            }
        } else if (node.isTextual()) {
            String s = c.strings().get(name);
            gen.writeString(s != null ? s : node.asText());
        } else {
            gen.writeTree(node);
        }
    }

    private static void writeMetadata(
            JsonGenerator gen, ObjectNode meta, TrackInfo info, double length, double replayGain, String md5)
            throws IOException {
        gen.writeStartObject();
        for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            gen.writeFieldName(e.getKey());
            switch (e.getKey()) {
                case "audio_properties" -> {
                    gen.writeStartObject();
                    for (Iterator<Map.Entry<String, JsonNode>> a = e.getValue().fields(); a.hasNext(); ) {
                        Map.Entry<String, JsonNode> p = a.next();
                        gen.writeFieldName(p.getKey());
                        switch (p.getKey()) {
                            case "length" -> gen.writeNumber(Num.toString(length));
                            case "replay_gain" -> gen.writeNumber(Num.toString(replayGain));
                            case "md5_encoded" -> gen.writeString(md5);
                            default -> gen.writeTree(p.getValue());
                        }
                    }
                    gen.writeEndObject();
                }
                case "tags" -> {
                    gen.writeStartObject();
                    for (Iterator<Map.Entry<String, JsonNode>> a = e.getValue().fields(); a.hasNext(); ) {
                        Map.Entry<String, JsonNode> p = a.next();
                        gen.writeFieldName(p.getKey());
                        String v = tagValue(p.getKey(), info);
                        if (p.getValue().isArray()) {
                            gen.writeStartArray();
                            gen.writeString(v);
                            gen.writeEndArray();
                        } else {
                            gen.writeString(v);
                        }
                    }
                    gen.writeEndObject();
                }
                default -> gen.writeTree(e.getValue());
            }
        }
        gen.writeEndObject();
    }

    private static String tagValue(String key, TrackInfo info) {
        String fixed = FIXED_TAGS.get(key);
        if (fixed != null) {
            return fixed;
        }
        return switch (key) {
            case "musicbrainz_recordingid" -> info.mbid();
            case "musicbrainz_releasegroupid" -> info.releaseGroup();
            case "musicbrainz_albumid" -> info.releaseId();
            case "musicbrainz_artistid", "musicbrainz_albumartistid" -> info.artistId();
            case "musicbrainz_workid" -> info.workId();
            case "file_name" -> String.format("%02d Synthetic Track %d.mp3", info.trackNumber(), info.trackNumber());
            case "title", "work" -> "Synthetic Track " + info.trackNumber();
            case "artist", "albumartist", "artistsort", "albumartistsort" -> "Synthetic Artist " + info.artistNumber();
            case "album" -> "Synthetic Album " + info.groupNumber();
            case "tracknumber" -> info.trackNumber() + "/" + info.tracksInGroup();
            case "date", "originaldate" -> Integer.toString(info.year());
            default -> "synthetic";
        };
    }
}
