/**
 * @packageDocumentation
 * `@virtkit/core/manifest`: the contract manifest, one entry per call of the
 * reference contract. A subpath of its own because it is data for tools (docs,
 * the CLI, the support matrix), not code a driver or an orchestrator runs.
 * The manifest is derived from the capability declarations, whose request
 * classes carry decorator metadata: hence reflect-metadata, as in the main entry.
 */
import 'reflect-metadata';
export * from './manifest/index.js';
