/**
 * Internal: phase timers, JSON and CSV records of runs, charts, progress and the report. Not part of the public
 * API; may change without notice.
 */
package org.gossipmpi.metrics;
