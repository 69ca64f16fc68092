package io.genrestack.cli.synth;

/** Everything about one track that its document needs besides the generated values: ids, numbering, year. */
record TrackInfo(
        String mbid,
        String releaseGroup,
        String releaseId,
        String artistId,
        String workId,
        int trackNumber,
        int tracksInGroup,
        int groupNumber,
        int artistNumber,
        int year) {}
