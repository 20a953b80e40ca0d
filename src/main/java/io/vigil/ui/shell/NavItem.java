package io.vigil.ui.shell;

import io.vigil.ui.View;
import java.util.function.Supplier;

/**
 * An entry of the navigation rail: an id used in tests and deep links, its title, an SVG path for
 * its icon, and the view, created on first visit.
 */
public record NavItem(String id, String title, String iconPath, Supplier<View> view) {
}
