package io.vigil.playbook;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The playbook domain stays free of JavaFX and of the app/ui layers; only the shell-free runner starts programs. */
class PlaybookLayeringTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.vigil.playbook");

    @Test
    void thePlaybookDomainDoesNotUseJavaFxOrTheUi() {
        noClasses().that().resideInAPackage("io.vigil.playbook..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "io.vigil.ui..", "io.vigil.app..")
                .check(classes);
    }

    @Test
    void onlyTheRunnerStartsProcesses() {
        noClasses().that().resideInAPackage("io.vigil.playbook..").and().doNotHaveSimpleName("Runner")
                .should().callConstructor(ProcessBuilder.class, java.util.List.class)
                .orShould().callConstructor(ProcessBuilder.class, String[].class)
                .orShould().callMethod(Runtime.class, "exec", String.class)
                .check(classes);
    }
}
