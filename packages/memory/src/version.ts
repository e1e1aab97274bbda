/** The version of `@virtkit/memory`; a test keeps it equal to `package.json`'s. */
export const MEMORY_DRIVER_VERSION = '0.1.0';
