/** The GPUs view: one card per GPU, charts per metric and the table of processes on the GPUs. */
package io.vigil.ui.gpus;
