package io.vigil.gpu;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Native code in the GPU feature stays in its binding, and the GPU domain knows nothing of JavaFX. */
class GpuArchitectureTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.vigil");

    @Test
    void onlyTheNvmlBindingInTheGpuFeatureUsesTheForeignFunctionApi() {
        noClasses().that().resideInAPackage("io.vigil.gpu..").and().resideOutsideOfPackage("io.vigil.gpu.nvml")
                .should().dependOnClassesThat().resideInAPackage("java.lang.foreign")
                .check(classes);
    }

    @Test
    void gpuDomainDoesNotImportJavaFx() {
        noClasses().that().resideInAPackage("io.vigil.gpu..")
                .should().dependOnClassesThat().resideInAPackage("javafx..")
                .check(classes);
    }
}
