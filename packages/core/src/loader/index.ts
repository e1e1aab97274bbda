export {
  loadDriver,
  isDriverInstance,
  assertCompatible,
  type LoadDriverOptions,
  type LoadedDriver,
} from './load-driver.js';
export {
  defineDriver,
  defineDriverClass,
  isDriverDefinition,
  DRIVER_DEFINITION_BRAND,
  type DriverDefinition,
  type DefineDriverOptions,
  type DriverClass,
  type ConformanceFixturesSource,
} from './driver-definition.js';
export {
  defineDriverOptions,
  checkDriverOptions,
  createDriver,
  type DriverOptionsSchema,
  type DriverOptionsOf,
  type DriverOf,
  type HostApiWith,
} from './driver-options.js';
