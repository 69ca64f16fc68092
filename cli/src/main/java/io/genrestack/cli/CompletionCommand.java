package io.genrestack.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code genrestack completion}: a bash (and zsh, with bashcompinit) completion script from picocli's model. */
@Command(
        name = "completion",
        description = {
            "Print a bash completion script for genrestack's commands and options (picocli AutoComplete).",
            "Use it in this shell: source <(./genrestack completion); for good: ./genrestack completion >"
                    + " ~/.local/share/bash-completion/completions/genrestack. It completes `genrestack` (on"
                    + " PATH) and `./genrestack`."
        })
final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine()
                .getOut()
                .print(AutoComplete.bash("genrestack", spec.parent().commandLine()));
        spec.commandLine().getOut().flush();
        return Genrestack.OK;
    }
}
