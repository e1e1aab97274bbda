import {
  withDiagnostics,
  type GetInstanceDiagnosticsRequest,
  type InstanceDiagnostics,
  type OperationContext,
} from '@virtkit/core';
import { ConsoleHooks } from '../console/console-hooks.js';
import { instanceDiagnostics } from './counters.js';

/**
 * The QEMU driver's `diagnostics` family: `diagnostics`: CPU, memory, disk and NIC figures of one instance
 * (`diagnostics.usage` is not advertised: see the package README).
 * Its hooks only; the QMP and file work is in the modules next to this file.
 */
export abstract class DiagnosticsHooks extends withDiagnostics(ConsoleHooks) {
  protected _getInstanceDiagnostics(
    _ctx: OperationContext,
    req: GetInstanceDiagnosticsRequest,
  ): Promise<InstanceDiagnostics> {
    return instanceDiagnostics(this.vm(req));
  }
}
