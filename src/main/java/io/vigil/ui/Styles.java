package io.vigil.ui;

/** Style class names used in code and in {@code vigil.css}; colours live in the CSS as variables. */
public final class Styles {

    public static final String STYLESHEET = "/io/vigil/ui/vigil.css";

    public static final String NAV_RAIL = "nav-rail";
    public static final String NAV_BUTTON = "nav-button";
    public static final String STATUS_BAR = "status-bar";
    public static final String STATUS_CHIP = "status-chip";
    public static final String HEALTH_OK = "health-ok";
    public static final String HEALTH_DEGRADED = "health-degraded";
    public static final String HEALTH_DOWN = "health-down";
    public static final String HEALTH_UNKNOWN = "health-unknown";
    public static final String VIEW_TITLE = "view-title";
    public static final String VIEW = "view";
    public static final String CARD = "card";
    public static final String MUTED = "muted";
    public static final String PLACEHOLDER = "placeholder";
    public static final String BANNER_WARNING = "banner-warning";
    public static final String WINDOW_SELECTOR = "window-selector";
    public static final String HEADER = "header";
    public static final String BRAND = "brand";

    private Styles() {
    }
}
