package io.vigil;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The allowed directions between packages (only ui and app import javafx; only ui.pulse touches JavaFX's internals; only the two native bindings, gpu.nvml and host.netlink, import java.lang.foreign; domain packages do not import ui or app), checked on the compiled classes. */
class LayeringTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.vigil");

    @Test
    void onlyUiAndAppUseJavaFx() {
        noClasses().that().resideOutsideOfPackages("io.vigil.ui..", "io.vigil.app..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "eu.hansolo..", "org.controlsfx..")
                .because("domain code is tested as plain Java, without a toolkit")
                .check(MAIN);
    }

    @Test
    void onlyTheNativeBindingsUseTheForeignFunctionApi() {
        noClasses().that().resideOutsideOfPackages("io.vigil.gpu.nvml..", "io.vigil.host.netlink..")
                .should().dependOnClassesThat().resideInAPackage("java.lang.foreign..")
                .because("native calls are isolated in two binding packages: NVML, and the kernel's socket table")
                .check(MAIN);
    }

    @Test
    void onlyThePulsePackageReachesIntoJavaFxInternals() {
        noClasses().that().resideOutsideOfPackage("io.vigil.ui.pulse..")
                .should().dependOnClassesThat().resideInAnyPackage("com.sun.javafx..", "com.sun.glass..", "com.sun.prism..")
                .because("the toolkit's internals change between JavaFX releases; one package owns the one use (ADR 0890)")
                .check(MAIN);
    }

    @Test
    void domainDoesNotDependOnUiOrApp() {
        noClasses().that().resideOutsideOfPackages("io.vigil.ui..", "io.vigil.app..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vigil.ui..", "io.vigil.app..")
                .check(MAIN);
    }

    @Test
    void uiDoesNotReachIntoTheCompositionRoot() {
        noClasses().that().resideInAPackage("io.vigil.ui..")
                .should().dependOnClassesThat().resideInAPackage("io.vigil.app..")
                .because("views get their services injected by app, they never look them up")
                .check(MAIN);
    }
}
