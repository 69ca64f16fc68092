package io.genrestack.cli.synth;

import java.util.ArrayList;
import java.util.List;

/**
 * The hidden ("true") genre structure of the synthetic world: G top-level latent genres, each with latent
 * sub-genres, their popularity, and a "neighbour" genre used for correlated embeddings and for label confusions.
 *
 * <p>Names are hand-written for the first {@value #NAMED} genres (with the top-level label each of the four
 * sources uses for it, so that sources merge and rename genres the way the real taxonomies do: AllMusic's
 * {@code pop/rock}, Discogs' {@code folk, world, & country}, tagtraum's {@code rock/pop}, ...). Further genres
 * and sub-genres, when asked for, get generated names ({@code genre 21}, {@code rock style 13}).
 */
final class LatentTaxonomy {

    /** Number of genres with hand-written names. */
    static final int NAMED = 20;

    /** One latent top-level genre. */
    record Genre(
            int index,
            String name,
            String[] sourceTop,
            String[] sourceImplied,
            List<String> subs,
            double popularity,
            double[] subShare,
            int neighbour) {}

    // Source order everywhere: allmusic, discogs, lastfm, tagtraum.
    private static final Object[][] DEFS = {
        {
            "rock",
            new String[] {"pop/rock", "rock", "rock", "rock/pop"},
            null,
            1,
            "alternative",
            "hard rock",
            "indie rock",
            "punk",
            "progressive rock",
            "classic rock",
            "psychedelic rock",
            "grunge",
            "post-rock",
            "garage rock",
            "soft rock",
            "folk rock",
            "rockabilly",
            "stoner rock"
        },
        {
            "pop",
            new String[] {"pop/rock", "pop", "pop", "rock/pop"},
            null,
            0,
            "dance pop",
            "synth-pop",
            "europop",
            "teen pop",
            "indie pop",
            "ballad",
            "j-pop",
            "k-pop",
            "power pop",
            "chanson",
            "britpop",
            "adult contemporary"
        },
        {
            "electronic",
            new String[] {"electronic", "electronic", "electronic", "electronic"},
            null,
            17,
            "house",
            "techno",
            "trance",
            "ambient",
            "drum n bass",
            "dubstep",
            "downtempo",
            "electro",
            "idm",
            "breakbeat",
            "minimal",
            "deep house",
            "industrial",
            "trip hop"
        },
        {
            "hip hop",
            new String[] {"rap", "hip hop", "hiphop", "hiphop"},
            null,
            5,
            "gangsta",
            "conscious",
            "trap",
            "east coast",
            "west coast",
            "instrumental hip hop",
            "boom bap",
            "pop rap",
            "underground hip hop",
            "grime"
        },
        {
            "jazz",
            new String[] {"jazz", "jazz", "jazz", "jazz"},
            null,
            10,
            "bebop",
            "swing",
            "fusion",
            "smooth jazz",
            "cool jazz",
            "free jazz",
            "vocal jazz",
            "big band",
            "hard bop",
            "latin jazz",
            "acid jazz"
        },
        {
            "r&b",
            new String[] {"r&b", "funk / soul", "soul", "rnb"},
            null,
            3,
            "funk",
            "neo soul",
            "contemporary r&b",
            "disco",
            "motown",
            "rhythm & blues",
            "quiet storm",
            "northern soul"
        },
        {
            "classical",
            new String[] {"classical", "classical", "classical", "classical"},
            null,
            13,
            "baroque",
            "romantic",
            "opera",
            "modern classical",
            "chamber music",
            "choral",
            "symphony",
            "minimalism",
            "early music"
        },
        {
            "metal",
            new String[] {"pop/rock", "rock", "metal", "metal"},
            new String[] {"heavy metal", "heavy metal", null, null},
            0,
            "death metal",
            "black metal",
            "thrash",
            "doom metal",
            "power metal",
            "metalcore",
            "progressive metal",
            "nu metal",
            "gothic metal"
        },
        {
            "country",
            new String[] {"country", "folk, world, & country", "country", "country"},
            null,
            9,
            "bluegrass",
            "honky tonk",
            "alt-country",
            "country pop",
            "outlaw country",
            "americana",
            "western swing"
        },
        {
            "folk",
            new String[] {"folk", "folk, world, & country", "folk", "folk"},
            null,
            8,
            "singer-songwriter",
            "celtic",
            "contemporary folk",
            "traditional folk",
            "indie folk",
            "acoustic",
            "folk punk"
        },
        {
            "blues",
            new String[] {"blues", "blues", "blues", "blues"},
            null,
            4,
            "delta blues",
            "chicago blues",
            "electric blues",
            "acoustic blues",
            "blues rock",
            "country blues"
        },
        {
            "reggae",
            new String[] {"reggae", "reggae", "reggae", "reggae"},
            null,
            12,
            "roots reggae",
            "dub",
            "dancehall",
            "ska",
            "rocksteady",
            "lovers rock"
        },
        {
            "latin",
            new String[] {"latin", "latin", "latin", "latin"},
            null,
            14,
            "salsa",
            "bossa nova",
            "tango",
            "reggaeton",
            "latin pop",
            "cumbia",
            "bolero"
        },
        {
            "soundtrack",
            new String[] {"stage & screen", "stage & screen", "soundtrack", "soundtrack"},
            null,
            6,
            "film score",
            "musical",
            "video game music",
            "television music",
            "film soundtrack"
        },
        {
            "world",
            new String[] {"international", "folk, world, & country", "world", "world"},
            null,
            12,
            "african",
            "indian",
            "middle eastern",
            "flamenco",
            "afrobeat",
            "balkan",
            "polka"
        },
        {
            "new age",
            new String[] {"new age", "electronic", "newage", "newage"},
            new String[] {null, "new age", null, null},
            2,
            "meditation",
            "relaxation",
            "space music",
            "healing"
        },
        {
            "easy listening",
            new String[] {"easy listening", "pop", "easylistening", "easylistening"},
            new String[] {null, "easy listening", null, null},
            1,
            "lounge",
            "exotica",
            "light music",
            "orchestral pop"
        },
        {
            "dance",
            new String[] {"electronic", "electronic", "dance", "dance"},
            new String[] {"club/dance", "dance", null, null},
            2,
            "eurodance",
            "hi nrg",
            "club",
            "dance-punk"
        },
        {
            "religious",
            new String[] {"religious", "funk / soul", "christian", "christian"},
            new String[] {null, "gospel", null, null},
            5,
            "worship",
            "christian rock",
            "contemporary christian",
            "hymns"
        },
        {
            "comedy",
            new String[] {"comedy/spoken", "non-music", "comedy", "comedy"},
            null,
            13,
            "stand-up",
            "spoken word",
            "parody"
        },
    };

    private final List<Genre> genres;

    private LatentTaxonomy(List<Genre> genres) {
        this.genres = genres;
    }

    List<Genre> genres() {
        return genres;
    }

    int size() {
        return genres.size();
    }

    /**
     * Builds the latent taxonomy.
     *
     * @param g            number of latent top-level genres
     * @param minSubs      minimum number of sub-genres per genre (generated names are added when the written list
     *                     is shorter)
     */
    static LatentTaxonomy build(int g, int minSubs) {
        return build(g, minSubs, 4, 1.0, 2, 1.0);
    }

    /**
     * Builds the latent taxonomy with genre popularity ∝ {@code (i + genreOffset)^-genreExponent} and sub-genre
     * shares within a genre ∝ {@code (k + subOffset)^-subExponent} (the default is 1/(i+4) and 1/(k+2)).
     */
    static LatentTaxonomy build(
            int g, int minSubs, int genreOffset, double genreExponent, int subOffset, double subExponent) {
        if (g < 2) {
            throw new IllegalArgumentException("need at least 2 genres, got " + g);
        }
        List<Genre> list = new ArrayList<>(g);
        for (int i = 0; i < g; i++) {
            String name;
            String[] tops;
            String[] implied;
            int neighbour;
            List<String> subs = new ArrayList<>();
            if (i < NAMED) {
                Object[] d = DEFS[i];
                name = (String) d[0];
                tops = (String[]) d[1];
                implied = d[2] == null ? new String[4] : (String[]) d[2];
                neighbour = (Integer) d[3];
                for (int k = 4; k < d.length; k++) {
                    subs.add((String) d[k]);
                }
            } else {
                name = "genre " + (i + 1);
                tops = new String[] {name, name, name.replace(" ", ""), name.replace(" ", "")};
                implied = new String[4];
                neighbour = (i * 7 + 3) % i;
            }
            if (neighbour >= g || neighbour == i) {
                neighbour = (i + 1) % g;
            }
            int k = 1;
            while (subs.size() < minSubs) {
                subs.add(name + " style " + (subs.size() + k));
            }
            // Popularity: a mild Zipf law over the genre index (rock first), so every genre has enough tracks.
            double pop =
                    genreExponent == 1.0 ? 1.0 / (i + genreOffset) : StrictMath.pow(i + genreOffset, -genreExponent);
            double[] share = new double[subs.size()];
            double sum = 0;
            for (int s = 0; s < share.length; s++) {
                share[s] = StrictMath.pow(s + subOffset, -subExponent);
                sum += share[s];
            }
            for (int s = 0; s < share.length; s++) {
                share[s] /= sum;
            }
            list.add(new Genre(i, name, tops, implied, List.copyOf(subs), pop, share, neighbour));
        }
        double total = list.stream().mapToDouble(Genre::popularity).sum();
        List<Genre> normalised = new ArrayList<>(g);
        for (Genre ge : list) {
            normalised.add(new Genre(
                    ge.index(),
                    ge.name(),
                    ge.sourceTop(),
                    ge.sourceImplied(),
                    ge.subs(),
                    ge.popularity() / total,
                    ge.subShare(),
                    ge.neighbour()));
        }
        return new LatentTaxonomy(List.copyOf(normalised));
    }
}
