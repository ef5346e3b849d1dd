import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { connectionOptions } from '../activities/config/temporal-env';
import type { WorkerEnv } from './env';

/**
 * Connects, runs one worker until SIGINT/SIGTERM, then drains it and closes the connection. The Runtime is
 * installed before (gpu-workers/observability.ts); its shutdown signals call `worker.shutdown()`: polling stops, running activities get
 * `shutdownGraceTime` to finish, then they are cancelled and handed back to the server.
 */
export async function runWorker(env: WorkerEnv, options: Omit<WorkerOptions, 'connection' | 'namespace'>, cleanup?: () => Promise<void>): Promise<void> {
  const connection = await NativeConnection.connect(connectionOptions(env.temporal));
  try {
    const worker = await Worker.create({ ...options, connection, namespace: env.temporal.namespace });
    Runtime.instance().logger.info(`worker ready`, { taskQueue: options.taskQueue, temporal: env.temporal.summary });
    await worker.run();
  } finally {
    await connection.close();
    await cleanup?.();
  }
}

/** Entrypoint wrapper: loud failure, exit code 1 (or the exit code set while it ran, e.g. a dead inference thread). */
export function main(run: () => Promise<void>): void {
  run().then(
    () => process.exit(process.exitCode ?? 0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
