package io.vigil.ui.fleet;

/**
 * Writes the first-run form's endpoint to the settings file and returns the file's path for the
 * message. Called on a background thread, never the FX thread; the composition root implements it.
 */
@FunctionalInterface
public interface FleetSettingsSaver {

    String save(FleetEndpointForm form) throws Exception;
}
