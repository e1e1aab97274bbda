import { HOST_DEVICE_PATTERN, ValidationError } from '@virtkit/core';

// Every value that reaches a QEMU command line or a QMP argument passes one of these.
// Files and devices go to QEMU as JSON (`-blockdev {...}`, `-device {...}`, QMP
// arguments) where a comma is just a character; the few `key=value,...` options
// left (-qmp, -chardev, -name) get values from a strict alphabet, with commas
// doubled as QEMU's own escape on top.

/** Paths the driver itself composes (state, binaries, images): absolute, a strict alphabet. */
export const SAFE_PATH_PATTERN = /^\/(?:[A-Za-z0-9._+~-]+\/?)*$/;

/** Ids the driver gives QEMU objects (node names are at most 31 characters). */
export const QEMU_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,30}$/;

/**
 * Paths from requests (images, kernels, volumes): absolute, printable, no `..` component, no comma, quote or backslash.
 */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const USER_PATH_PATTERN = /^\/(?!.*(?:^|\/)\.\.(?:\/|$))[^\u0000-\u001f\u007f,'"\\]{0,4095}$/;

/** Kernel command lines: printable ASCII only. */
const CMDLINE_PATTERN = /^[\u0020-\u007e]{0,4096}$/;

/**
 * A value for a `key=value,...` option: control characters refused, commas
 * doubled (QEMU's escape), so a value can never start a new option.
 * @throws `VALIDATION_FAILED`
 */
export function optionValue(value: string, what: string): string {
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value)) throw invalid(what, 'control characters are not allowed');
  return value.replace(/,/g, ',,');
}

/** @throws `VALIDATION_FAILED` unless `name` is a host network device name (`HOST_DEVICE_PATTERN`). */
export function hostDevice(name: string): string {
  if (!HOST_DEVICE_PATTERN.test(name)) throw invalid('devname', `'${name}' is not a host device name`);
  return name;
}

/** @throws `VALIDATION_FAILED` unless `id` is a safe QEMU id. */
export function qemuId(id: string): string {
  if (!QEMU_ID_PATTERN.test(id)) throw invalid('id', `'${id}' is not a safe QEMU id`);
  return id;
}

/** @throws `VALIDATION_FAILED` unless `path` is a safe absolute path from a request. */
export function requestPath(path: unknown, what: string): string {
  if (typeof path !== 'string' || !USER_PATH_PATTERN.test(path))
    throw invalid(what, 'must be an absolute path without "..", commas, quotes or control characters');
  return path;
}

/** @throws `VALIDATION_FAILED` unless `cmdline` is printable ASCII. */
export function kernelCmdline(cmdline: unknown, what: string): string {
  if (typeof cmdline !== 'string' || !CMDLINE_PATTERN.test(cmdline))
    throw invalid(what, 'must be printable ASCII of at most 4096 characters');
  return cmdline;
}

/** @throws `VALIDATION_FAILED` unless `path` is a safe driver path. */
export function safePath(path: string, what: string): string {
  if (!SAFE_PATH_PATTERN.test(path))
    throw invalid(what, `'${path}' must be absolute and use only letters, digits and ._/+~-`);
  return path;
}

/** A `VALIDATION_FAILED` error naming one field. */
export function invalid(path: string, message: string): ValidationError {
  return new ValidationError('qemu', [{ path, messages: [message] }]);
}
