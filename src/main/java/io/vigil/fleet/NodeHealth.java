package io.vigil.fleet;

/**
 * Whether Prometheus can scrape a node's exporters, as its {@code /api/v1/targets} says: {@code UP}
 * when every target of the node answered its last scrape, {@code DOWN} when one failed (the node's
 * numbers are then not shown as current), {@code UNKNOWN} before the first scrape.
 */
public enum NodeHealth { UP, DOWN, UNKNOWN }
