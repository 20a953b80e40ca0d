package io.vigil.ui.fleet;

/** How the heat grid orders its rows. Ties, and nodes without the reading (DOWN), go by name. */
enum FleetSort {
    NAME("Name"),
    HOTTEST("Hottest first"),
    BUSIEST("Busiest first"),
    MOST_ERRORS("Most errors first");

    private final String title;

    FleetSort(String title) {
        this.title = title;
    }

    @Override
    public String toString() {
        return title;
    }
}
