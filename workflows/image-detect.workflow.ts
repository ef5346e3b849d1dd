import { proxyActivities } from '@temporalio/workflow';
import {
  IMAGE_DETECT,
  type ImageDetectionInput,
  type ImageDetectionResult,
  type ImageGpuActivities,
  type ImagePipelineActivities,
  planImageChunks,
} from './contracts';
import { gpuActivities, retry, runChunkedJob } from './chunked-job';

// Staging lists the set and fetches URL items (heartbeating items done): hours for 100,000 URLs on a slow link;
// a dead worker is noticed in a minute and the next attempt resumes after the chunks it staged.
const stage = proxyActivities<Pick<ImagePipelineActivities, 'stageImages'>>({ startToCloseTimeout: '6 hours', heartbeatTimeout: '1 minute', retry });

// The merge streams JSONL between S3 objects: minutes even for 100,000 images.
const merge = proxyActivities<Pick<ImagePipelineActivities, 'mergeImages'>>({ startToCloseTimeout: '30 minutes', retry });

/**
 * `image-detect`: stage the input set (list, fetch URLs, take a retried job's good lines) -> chunks of images
 * -> GPU decode + detection per chunk, each image its own status -> merge into `images.jsonl` in input order.
 * The chunk runner (chunked-job.ts) gives it durability, progress and cancel.
 */
export async function imageDetectionWorkflow(input: ImageDetectionInput): Promise<ImageDetectionResult> {
  const { jobId, inputKey, params } = input;
  return runChunkedJob(input, {
    name: IMAGE_DETECT,
    unit: 'images',
    probe: () => stage.stageImages({ jobId, inputKey, params, ...(input.reuseFrom ? { reuseFrom: input.reuseFrom } : {}) }),
    plan: (set) => ({ chunks: planImageChunks(set), total: set.count }),
    runChunk: (set, chunk, earlier) =>
      // 10 min plus 2 s per image: far above decode + inference of a 50 MP image on a CPU fallback.
      (gpuActivities(input, 600 + 2 * (chunk.endFrame - chunk.startFrame), earlier) as unknown as ImageGpuActivities).detectImageChunk({
        jobId,
        inputKey,
        set,
        chunk,
        params,
        ...(earlier ? { earlier } : {}),
      }),
    merge: (set, tally) => merge.mergeImages({ jobId, inputKey, set, params, tally }),
    brief: ({ images, ok, failed, detections, labels, keys }) => ({ images, ok, failed, detections, labels, keys }),
  });
}
