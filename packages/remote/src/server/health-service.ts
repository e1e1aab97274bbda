import type { ServiceImpl } from '@connectrpc/connect';
import { Health, HealthCheckResponse_ServingStatus as Status } from '../gen/grpc/health/v1/health_pb.js';
import { DriverService } from '../gen/virtkit/v1/driver_pb.js';

/** The standard gRPC health service: SERVING for the server ("") and the driver service until shutdown starts. */
export function healthService(
  shutdown: AbortSignal,
  services: readonly string[] = [DriverService.typeName],
): ServiceImpl<typeof Health> {
  const statusOf = (service: string): Status => {
    if (service !== '' && !services.includes(service)) return Status.SERVICE_UNKNOWN;
    return shutdown.aborted ? Status.NOT_SERVING : Status.SERVING;
  };
  return {
    check: (req) => ({ status: statusOf(req.service) }),
    list: () => ({ statuses: Object.fromEntries(['', ...services].map((s) => [s, { status: statusOf(s) }])) }),
    async *watch(req, context) {
      yield { status: statusOf(req.service) };
      if (statusOf(req.service) === Status.SERVICE_UNKNOWN) return;
      await new Promise<void>((resolve) => {
        if (shutdown.aborted || context.signal.aborted) return resolve();
        shutdown.addEventListener('abort', () => resolve(), { once: true });
        context.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      if (!context.signal.aborted) yield { status: Status.NOT_SERVING };
    },
  };
}
