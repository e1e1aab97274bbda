import {
  InvalidStateError, type ChangeInstanceMetadataRequest, type InjectFileRequest, type QuiesceRequest,
  type SetAdminPasswordRequest, type UnquiesceRequest,
} from '@virtkit/core';
import { appendLog } from '../model/console-log.js';
import { RecordFlag } from '../model/instance-record.js';
import type { MemoryHost } from '../model/memory-host.js';

/** Images whose `hw_qemu_guest_agent` property says there is no agent to talk to. */
const NO_AGENT: ReadonlySet<string> = new Set(['no', 'false', '0']);

/** The guest agent sets the password (RUNNING only, by the SDK's rule). The password is never stored nor logged. */
export function setAdminPassword(host: MemoryHost, req: SetAdminPasswordRequest): void {
  const record = host.store.require(req.instance.uuid);
  appendLog(record, 'guest agent: administrator password changed', host.config.consoleOutputLimit);
}

/** Write a file into the running guest; only its size is kept. */
export function injectFile(host: MemoryHost, req: InjectFileRequest): void {
  const record = host.store.require(req.instance.uuid);
  (record.more().files ??= new Map()).set(req.path, Buffer.from(req.contents, 'base64').length);
}

/** Publish a metadata change where the guest reads it: set keys, then remove keys. */
export function changeInstanceMetadata(host: MemoryHost, req: ChangeInstanceMetadataRequest): void {
  const record = host.store.require(req.instance.uuid);
  const metadata = (record.more().metadata ??= new Map());
  for (const [key, value] of Object.entries(req.diff.set ?? {})) metadata.set(key, value);
  for (const key of req.diff.remove ?? []) metadata.delete(key);
  if (metadata.size === 0) record.extras!.metadata = undefined;
}

/**
 * Freeze the guest's file systems (idempotent). An image that declares no
 * guest agent (`hw_qemu_guest_agent: no`) cannot be quiesced: `INVALID_STATE`.
 */
export function quiesce(host: MemoryHost, req: QuiesceRequest): void {
  const record = host.store.require(req.instance.uuid);
  const agent = req.imageMeta.properties?.hw_qemu_guest_agent;
  if (agent !== undefined && NO_AGENT.has(agent.toLowerCase())) {
    throw new InvalidStateError({ instanceUuid: record.uuid, operation: 'quiesce', state: record.state, detail: 'the image has no guest agent' });
  }
  record.set(RecordFlag.QUIESCED, true);
}

/** Thaw them; thawing what is not frozen changes nothing. */
export function unquiesce(host: MemoryHost, req: UnquiesceRequest): void {
  host.store.require(req.instance.uuid).set(RecordFlag.QUIESCED, false);
}
