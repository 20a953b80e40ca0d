package io.vigil.ui;

/** SVG path data (24×24 viewBox) for the navigation rail; drawn for Vigil, no icon font needed. */
public final class Icons {

    public static final String DASHBOARD = "M3 3h8v8H3zM13 3h8v5h-8zM13 10h8v11h-8zM3 13h8v8H3z";
    public static final String GPU = "M2 7h20v10H2zM5 10h4v4H5zM11 10h4v4h-4zM4 17v3M8 17v3M12 17v3M16 17v3M20 17v3";
    public static final String FLEET = "M3 3h5v5H3zM10 3h5v5h-5zM17 3h4v5h-4zM3 10h5v5H3zM10 10h5v5h-5zM17 10h4v5h-4zM3 17h5v4H3zM10 17h5v4h-5zM17 17h4v4h-4z";
    public static final String CLOUD = "M7 18h10a4 4 0 0 0 0-8 6 6 0 0 0-11.5 1.5A3.5 3.5 0 0 0 7 18z";
    public static final String ALERTS = "M12 3l10 18H2zM11 9h2v6h-2zM11 16.5h2v2h-2z";
    public static final String RULES = "M4 5h16v2H4zM4 11h10v2H4zM4 17h13v2H4z";
    public static final String PLAYBOOKS = "M6 3h12v18l-6-4-6 4z";
    public static final String INVENTORY = "M3 4h18v4H3zM4 9h16v11H4zM9 12h6v2H9z";
    public static final String SETTINGS = "M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM11 1h2v4h-2zM11 19h2v4h-2zM1 11h4v2H1zM19 11h4v2h-4z";

    private Icons() {
    }
}
