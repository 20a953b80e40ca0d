/** The Fleet view: every node and GPU read through Prometheus as a heat grid, and one node's drill-down. */
package io.vigil.ui.fleet;
