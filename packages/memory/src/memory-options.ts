import {
  ValidationError,
  defineDriverOptions,
  isCapabilityName,
  type DriverOptionsSchema,
  type ValidationIssue,
} from '@virtkit/core';
import { createMemoryDriverClass } from './compose.js';
import { DEFAULT_HOST_SIZES, resolveMemoryConfig, type MemoryConfig } from './memory-config.js';

// Stryker disable all: option checking for `loadDriver` (configuration plumbing): the kit builds its drivers through
// the definition's factory with options it does not choose, so no kit test can hand the driver bad options

const NESTED: Readonly<Record<string, readonly string[]>> = {
  host: Object.keys(DEFAULT_HOST_SIZES),
  migration: ['steps', 'stepDelayMs'],
  snapshot: ['steps', 'stepDelayMs'],
};

/**
 * The memory driver's options as `loadDriver` checks them (`hostApi.options`):
 * the {@link MemoryConfig} keys only (nested `host`, `migration`, `snapshot`
 * keys too), capability names that compose, and the values
 * `resolveMemoryConfig` accepts.
 */
export const MEMORY_OPTIONS: DriverOptionsSchema<MemoryConfig> = defineDriverOptions<MemoryConfig>({
  keys: [
    'hostname',
    'hostIp',
    'blockStorageIp',
    'capabilities',
    'host',
    'fabric',
    'migration',
    'snapshot',
    'consoleOutputLimit',
  ],
  validate(options) {
    const issues: ValidationIssue[] = [];
    for (const [field, known] of Object.entries(NESTED)) {
      const value = (options as Record<string, unknown>)[field];
      if (value === undefined) continue;
      if (value === null || typeof value !== 'object')
        issues.push({ path: `options.${field}`, messages: ['must be an object'] });
      else
        for (const key of Object.keys(value))
          if (!known.includes(key))
            issues.push({ path: `options.${field}.${key}`, messages: [`unknown option; known: ${known.join(', ')}`] });
    }
    const caps = options.capabilities as unknown;
    if (
      caps !== undefined &&
      (!Array.isArray(caps) || !caps.every((c) => typeof c === 'string' && isCapabilityName(c)))
    ) {
      issues.push({ path: 'options.capabilities', messages: ['must be an array of capability names'] });
    }
    if (issues.length > 0) throw new ValidationError('memory driver options', issues);
    if (caps !== undefined) composable(options.capabilities!);
    resolveMemoryConfig({}, options);
  },
});

/** A capability set that cannot be composed (a prerequisite missing) is a bad option, not a bad driver. */
function composable(capabilities: NonNullable<MemoryConfig['capabilities']>): void {
  try {
    createMemoryDriverClass(capabilities);
  } catch (error) {
    throw new ValidationError('memory driver options', [
      { path: 'options.capabilities', messages: [error instanceof Error ? error.message : String(error)] },
    ]);
  }
}
