/** The version of the driver contract this core implements; drivers declare the range they were written for. */
export const CONTRACT_VERSION = '1.0.0';
