/**
 * Internal: how the library refuses a setting, naming it the way the caller does (the API's names, or the command
 * line's flags). Not part of the public API ({@code org.gossipmpi.api}); may change without notice.
 */
package org.gossipmpi.config;
