/**
 * Workflow state stays bounded over a 24-hour video at 60 fps (5,184,000 frames, 5,760 chunks with the
 * default chunk size), on the real Temporal server with stub activities: every continue-as-new input and the
 * merge's input stay far below Temporal's 2 MiB payload limit, and every run's history replays.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import {
  AnvilPipeline,
  VIDEO_DETECT_DEFAULTS,
  type ChunkResult,
  type DetectChunkInput,
  type MediaInfo,
  type MergeInput,
  type VideoDetectionInput,
  type VideoDetectionResult,
  planChunks,
} from '../workflows/contracts';

const FPS = 60;
const FRAMES = 24 * 3600 * FPS;
const LIMIT = 2 * 1024 * 1024;

const media: MediaInfo = { sizeBytes: 40e9, codec: 'h264', width: 1920, height: 1080, fps: FPS, frameCount: FRAMES, duration: FRAMES / FPS, startTime: 0 };
let mergeInputBytes = 0;
let mergeInput: MergeInput | undefined;

const stubs = {
  probeMedia: (): Promise<MediaInfo> => Promise.resolve(media),
  detectChunk: ({ chunk }: DetectChunkInput): Promise<ChunkResult> =>
    Promise.resolve({
      index: chunk.index,
      frames: chunk.endFrame - chunk.startFrame,
      // Every 97th chunk "resumed" after a lost attempt, so the tally has something to carry.
      framesReprocessed: chunk.index % 97 === 0 ? 10 : 0,
      attempt: chunk.index % 97 === 0 ? 2 : 1,
      resumedFrom: chunk.index % 97 === 0 ? chunk.startFrame + 64 : chunk.startFrame,
    }),
  mergeDetections: (input: MergeInput): Promise<VideoDetectionResult> => {
    mergeInputBytes = JSON.stringify(input).length;
    mergeInput = input;
    return Promise.resolve({
      jobId: input.jobId,
      frames: FRAMES,
      detections: 0,
      labels: {},
      keys: { detections: 'd', summary: 's', manifest: 'm' },
      media: input.media,
      ...input.tally!,
    });
  },
};

it('a 24-hour, 60 fps job: continue-as-new and merge inputs stay far below 2 MiB, and every run replays', async () => {
  const queue = `state-${randomUUID().slice(0, 8)}`;
  const connection = await NativeConnection.connect({ address: process.env['TEMPORAL_ADDRESS']! });
  const client = new Client({ connection: await Connection.connect({ address: process.env['TEMPORAL_ADDRESS']! }) });
  const worker = await Worker.create({
    connection,
    taskQueue: queue,
    workflowsPath: require.resolve('../workflows'),
    activities: stubs,
    maxConcurrentActivityTaskExecutions: 200,
  });
  const jobId = `video-detect-24h-${randomUUID().slice(0, 8)}`;
  const input: VideoDetectionInput = { jobId, inputKey: 'inputs/day.mp4', params: VIDEO_DETECT_DEFAULTS, gpuTaskQueue: queue, maxParallelChunks: 128 };
  try {
    const result = (await worker.runUntil(
      client.workflow.execute('videoDetectionWorkflow', {
        taskQueue: queue,
        workflowId: jobId,
        args: [input],
        workflowExecutionTimeout: '30 minutes',
        memo: { priority: 2, requestHash: 'sha256:first-request' },
        typedSearchAttributes: [{ key: AnvilPipeline, value: 'video-detect' }],
      }),
    )) as VideoDetectionResult;
    const chunks = planChunks(FRAMES, VIDEO_DETECT_DEFAULTS.chunkFrames, 1);
    expect(chunks).toHaveLength(5760);
    const resumed = chunks.filter((c) => c.index % 97 === 0).length;
    expect(result).toMatchObject({ retries: resumed, framesReprocessed: 10 * resumed, resumedChunks: resumed });
    expect(mergeInput!.chunks).toBeUndefined();
    expect(mergeInputBytes).toBeLessThan(LIMIT / 100);

    // What the API reads of a job (priority, request hash, pipeline) is still on the last run.
    const last = await client.workflow.getHandle(jobId).describe();
    expect(last.memo).toMatchObject({ priority: 2, requestHash: 'sha256:first-request' });
    expect(last.typedSearchAttributes.get(AnvilPipeline)).toBe('video-detect');

    // Every run of the job: its input (what continue-as-new carried) and its history, replayed.
    const runs = await client.workflowService.listWorkflowExecutions({ namespace: 'default', query: `WorkflowId = '${jobId}'`, pageSize: 100 });
    expect(runs.executions.length).toBeGreaterThanOrEqual(5760 / 300);
    const histories = [];
    for (const run of runs.executions) {
      const history = await client.workflow.getHandle(jobId, run.execution!.runId!).fetchHistory();
      const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
      expect(started.input!.payloads![0]!.data!.length).toBeLessThan(LIMIT / 100);
      histories.push({ workflowId: jobId, history });
    }
    for await (const replay of Worker.runReplayHistories({ workflowsPath: require.resolve('../workflows') }, histories)) {
      expect(replay.error).toBeUndefined();
    }
  } finally {
    await client.connection.close();
    await connection.close();
  }
});
