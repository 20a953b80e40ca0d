package io.vigil.playbook;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The playbooks a user can run: the built-ins from the resources and the analyst's own from
 * {@code <config dir>/playbooks/*.yaml}. A broken file is reported in {@link #problems()} and
 * skipped; the others stay usable. An own playbook cannot take a built-in's id (so "kill-process"
 * always means the reviewed built-in). Immutable once loaded; {@link #load} again to reread.
 */
public final class PlaybookCatalog {

    private final Map<String, Playbook> playbooks;
    private final List<String> problems;

    private PlaybookCatalog(Map<String, Playbook> playbooks, List<String> problems) {
        this.playbooks = playbooks;
        this.problems = List.copyOf(problems);
    }

    /** Loads the built-ins and every {@code *.yaml}/{@code *.yml} in {@code ownDir} (which may not exist). */
    public static PlaybookCatalog load(PlaybookFile reader, Path ownDir) {
        Map<String, Playbook> all = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String id : PlaybookFile.BUILT_IN_IDS) {
            try {
                all.put(id, reader.readBuiltIn(id));
            } catch (PlaybookException e) {
                problems.add(e.getMessage());
            }
        }
        if (ownDir != null && Files.isDirectory(ownDir)) {
            Map<String, Path> files = new TreeMap<>();
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(ownDir, "*.{yaml,yml}")) {
                dir.forEach(p -> files.put(p.getFileName().toString(), p));
            } catch (IOException e) {
                problems.add(ownDir + ": cannot be listed (" + e.getMessage() + ")");
            }
            for (Path file : files.values()) {
                try {
                    Playbook p = reader.read(file);
                    if (all.containsKey(p.id())) {
                        problems.add(file + ": the id '" + p.id() + "' is already taken by "
                                + (all.get(p.id()).builtIn() ? "a built-in playbook" : all.get(p.id()).source())
                                + "; rename the file");
                    } else {
                        all.put(p.id(), p);
                    }
                } catch (PlaybookException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        return new PlaybookCatalog(all, problems);
    }

    public List<Playbook> all() {
        return List.copyOf(playbooks.values());
    }

    public Optional<Playbook> find(String id) {
        return Optional.ofNullable(playbooks.get(id));
    }

    /** Messages about files that could not be loaded (file:line:column: what was expected). */
    public List<String> problems() {
        return problems;
    }
}
