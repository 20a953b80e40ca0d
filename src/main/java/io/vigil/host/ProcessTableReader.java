package io.vigil.host;

import java.util.List;

/**
 * Reads the table of processes. CPU % is measured between two calls, so an implementation keeps
 * the previous reading; not thread-safe (one poller at a time).
 */
public interface ProcessTableReader {

    List<ProcessInfo> read() throws Exception;
}
