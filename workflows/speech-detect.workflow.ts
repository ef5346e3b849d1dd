import { SPEECH_DETECT, type SpeechDetectionInput, type SpeechDetectionResult, planSpeechChunks } from './contracts';
import { cpu, gpuActivities, runChunkedJob } from './chunked-job';
import { previewActivities, withPreviews } from './previews';

/**
 * `speech-detect`: probe the audio stream -> plan chunks of VAD windows -> GPU decode (16 kHz mono) +
 * voice activity detection per chunk -> merge the window probabilities into speech segments -> draw the waveform preview. Segments are
 * found over the whole stream at merge, so a chunk boundary never cuts or splits one.
 */
export async function speechDetectionWorkflow(input: SpeechDetectionInput): Promise<SpeechDetectionResult> {
  const { jobId, inputKey, params } = input;
  return runChunkedJob(input, {
    name: SPEECH_DETECT,
    unit: 'windows',
    probe: () => cpu.probeAudio({ inputKey, params }),
    plan: (audio) => ({ chunks: planSpeechChunks(audio, params), total: audio.windows }),
    runChunk: (audio, chunk, earlier) =>
      // VAD runs far faster than real time even on CPU: 10 min plus the chunk's own length.
      gpuActivities(input, 600 + Math.ceil(((chunk.endFrame - chunk.startFrame) * audio.windowSamples) / audio.sampleRate), earlier).detectSpeechChunk({
        jobId,
        inputKey,
        audio,
        chunk,
        params,
        reuseFrom: input.reuseFrom,
        ...(earlier ? { earlier } : {}),
      }),
    merge: async (audio, tally) => {
      const result = await cpu.mergeSpeech({ jobId, inputKey, audio, params, tally });
      return withPreviews(result, () => previewActivities.renderSpeechPreviews({ jobId, inputKey, audio, segmentsKey: result.keys.segments }));
    },
    brief: ({ windows, segments, speechSeconds, keys }) => ({ windows, segments, speechSeconds, keys }),
  });
}
