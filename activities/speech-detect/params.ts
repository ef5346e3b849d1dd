import { SPEECH_DETECT_LIMITS, SPEECH_THRESHOLD, type SpeechDetectParams } from '../../workflows/contracts';

/** Problems with speech-detect params, one sentence each; empty when valid. Pure: used by the API and the probe. */
export function checkSpeechParams(params: SpeechDetectParams, models: string[]): string[] {
  const problems: string[] = [];
  if (!models.includes(params.model)) problems.push(`unknown model '${params.model}' (speech models: ${models.join(', ') || 'none installed'})`);
  const { min, max } = SPEECH_THRESHOLD;
  if (!(params.threshold >= min && params.threshold <= max)) problems.push(`threshold must be between ${min} and ${max}, got ${params.threshold}`);
  for (const [name, { min, max }] of Object.entries(SPEECH_DETECT_LIMITS)) {
    const value = params[name as keyof typeof SPEECH_DETECT_LIMITS];
    if (!Number.isInteger(value) || value < min || value > max) problems.push(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  if (params.checkpointSeconds > params.chunkSeconds) {
    problems.push(`checkpointSeconds (${params.checkpointSeconds}) must not exceed chunkSeconds (${params.chunkSeconds})`);
  }
  return problems;
}
