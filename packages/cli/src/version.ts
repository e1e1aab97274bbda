/** The CLI's version, printed by `virtkit --version`; kept equal to package.json by a test. */
export const CLI_VERSION = '0.1.0';
