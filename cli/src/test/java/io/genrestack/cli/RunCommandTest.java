package io.genrestack.cli;

import io.genrestack.cli.synth.Shape;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The options {@code genrestack run} hands to {@link LocalRun}: the same {@link LocalRun.Options} the hand-written
 * parser (RunArgs) produced before the CLI moved to picocli; these expectations were first run against that parser.
 */
class RunCommandTest {
    static final Path REPO = Path.of("/repo");

    static LocalRun.Options parse(String... args) {
        return RunCommand.parse(List.of(args), REPO);
    }

    @Test
    void defaultsAreThePapersSettingsOn20000SyntheticTracks() {
        assertEquals(
                new LocalRun.Options(
                        20000,
                        42L,
                        List.of(),
                        List.of(),
                        null,
                        null,
                        Path.of("/repo/.work/local-run"),
                        60,
                        false,
                        false,
                        null,
                        0,
                        Shape.SYNTHETIC),
                parse());
    }

    @Test
    void everyOptionReachesItsField() {
        assertEquals(
                new LocalRun.Options(
                        500,
                        7L,
                        List.of("/d/a.tar.bz2", "/d/b"),
                        List.of("/gt/x.tsv", "/gt/y"),
                        3,
                        2,
                        Path.of("/tmp/w").toAbsolutePath(),
                        15,
                        true,
                        true,
                        "my-run",
                        20,
                        Shape.REAL,
                        "common-layout",
                        List.of()),
                parse(
                        "--tracks",
                        "500",
                        "--seed",
                        "7",
                        "--data",
                        "/d/a.tar.bz2",
                        "--ground-truth",
                        "/gt/x.tsv",
                        "--data",
                        "/d/b",
                        "--ground-truth",
                        "/gt/y",
                        "--max-epochs",
                        "3",
                        "--stacked-max-epochs",
                        "2",
                        "--work",
                        "/tmp/w",
                        "--timeout-minutes",
                        "15",
                        "--keep",
                        "--given-split",
                        "--run-id",
                        "my-run",
                        "--port-offset",
                        "20",
                        "--shape",
                        "real",
                        "--preset",
                        "common-layout"));
    }

    @Test
    void aRelativeWorkFolderIsMadeAbsoluteAndTheLastValueOfAnOptionWins() {
        LocalRun.Options o = parse("--work", "rel/dir", "--tracks", "100", "--tracks", "200");
        assertEquals(Path.of("rel/dir").toAbsolutePath(), o.work());
        assertEquals(200, o.tracks());
    }

    @Test
    void onlyTheStackedCapCanBeGiven() {
        LocalRun.Options o = parse("--stacked-max-epochs", "3");
        assertEquals(null, o.maxEpochs());
        assertEquals(3, o.stackedMaxEpochs());
    }

    @Test
    void ablationsAreCommaSeparatedRepeatableAndChecked() {
        assertEquals(List.of(), parse().ablations());
        assertEquals(
                List.of("own", "leave-one-out", "allmusic+discogs"),
                parse("--ablations", "own,leave-one-out", "--ablations", "allmusic+discogs")
                        .ablations());
        picocli.CommandLine.ParameterException bad = org.junit.jupiter.api.Assertions.assertThrows(
                picocli.CommandLine.ParameterException.class, () -> parse("--ablations", "own,leave-two-out"));
        org.junit.jupiter.api.Assertions.assertTrue(
                bad.getMessage().startsWith("--ablations: unknown value 'leave-two-out'; expected own, leave-one-out"),
                bad.getMessage());
    }
}
