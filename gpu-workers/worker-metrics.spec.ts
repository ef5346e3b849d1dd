import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput } from '@temporalio/worker';
import { ComputeSlots } from '../activities/chunks/compute-slots';
import { parseNvidiaSmiMemory, unitsDone, WorkerMetrics } from './worker-metrics';

it.each([
  [{ framesDone: 12, framesTotal: 40 }, 12],
  [{ frames: 40, index: 1 }, 40],
  [{ iteration: 300, total: 2000 }, 300],
  [{ bytes: 10 }, undefined],
  [7, undefined],
  [null, undefined],
])('unitsDone(%j) = %s', (value, expected) => expect(unitsDone(value)).toBe(expected));

it('parseNvidiaSmiMemory reads MiB per GPU as bytes and skips what is not a row', () => {
  expect(parseNvidiaSmiMemory('0, 1024, 81559\n1, 0, 81559\n\n[N/A]\n')).toEqual([
    { index: 0, usedBytes: 1024 * 2 ** 20, totalBytes: 81559 * 2 ** 20 },
    { index: 1, usedBytes: 0, totalBytes: 81559 * 2 ** 20 },
  ]);
});

it('GPU memory gauges exist only where nvidia-smi runs, read at scrape time', async () => {
  const none = new WorkerMetrics('t_');
  expect(await none.watchGpuMemory(() => Promise.reject(new Error('spawn nvidia-smi ENOENT')))).toBe(false);
  expect(await none.registry.metrics()).not.toContain('anvil_gpu_memory');
  const gpu = new WorkerMetrics('t_');
  expect(await gpu.watchGpuMemory(() => Promise.resolve('0, 2048, 4096\n'))).toBe(true);
  expect(await gpu.registry.metrics()).toContain(`anvil_gpu_memory_used_bytes{gpu="0"} ${2048 * 2 ** 20}`);
});

it('the activity interceptor counts busy slots while an activity runs and units past the first heartbeat', async () => {
  const metrics = new WorkerMetrics('t_');
  const beats: unknown[] = [];
  const ctx = { info: { taskQueue: 'gpu-x', activityType: 'detectChunk' }, heartbeat: (d?: unknown) => void beats.push(d) } as unknown as Context;
  const { inbound } = metrics.activityInterceptor()(ctx);
  let release!: () => void;
  const running = inbound!.execute!({ args: [] } as unknown as ActivityExecuteInput, async () => {
    ctx.heartbeat({ framesDone: 100 }); // resumed at 100: not counted
    ctx.heartbeat({ framesDone: 130 });
    await new Promise<void>((r) => (release = r));
    return { frames: 160 };
  });
  await new Promise((r) => setImmediate(r));
  expect((await metrics.busySlots.get()).values).toEqual([{ labels: { task_queue: 'gpu-x' }, value: 1 }]);
  release();
  await running;
  expect(beats).toEqual([{ framesDone: 100 }, { framesDone: 130 }]);
  expect((await metrics.busySlots.get()).values[0]?.value).toBe(0);
  expect((await metrics.units.get()).values).toEqual([{ labels: { activity_type: 'detectChunk' }, value: 60 }]);
});

it("a queue whose busy slots are set elsewhere (the GPU worker's compute slots) is not counted per activity", async () => {
  const metrics = new WorkerMetrics('t_');
  const slots = new ComputeSlots(1, metrics.busySlotsFrom('gpu-x'));
  const ctx = { info: { taskQueue: 'gpu-x', activityType: 'detectChunk' }, heartbeat: () => undefined } as unknown as Context;
  const { inbound } = metrics.activityInterceptor()(ctx);
  const busy = async (): Promise<number | undefined> => (await metrics.busySlots.get()).values[0]?.value;
  let release!: () => void;
  const prefetched = inbound!.execute!({ args: [] } as unknown as ActivityExecuteInput, () => new Promise((r) => (release = () => r({ frames: 1 }))));
  await new Promise((r) => setImmediate(r));
  expect(await busy()).toBe(0); // running, but holding no compute slot
  const slot = await slots.acquire();
  expect(await busy()).toBe(1);
  slot();
  release();
  await prefetched;
  expect(await busy()).toBe(0);
});
