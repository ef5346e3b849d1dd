import { VIDEO_DETECT_LIMITS, type VideoDetectParams } from '../../workflows/contracts';

/** Problems with job params, one sentence each; empty when valid. Pure: used by the API and the probe. */
export function checkParams(params: VideoDetectParams, models: string[]): string[] {
  const problems: string[] = [];
  if (!models.includes(params.model)) problems.push(`unknown model '${params.model}' (image models: ${models.join(', ')})`);
  for (const [name, { min, max }] of Object.entries(VIDEO_DETECT_LIMITS)) {
    const value = params[name as keyof typeof VIDEO_DETECT_LIMITS];
    if (!Number.isInteger(value) || value < min || value > max) problems.push(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  for (const name of ['confidence', 'iou'] as const) {
    const value = params[name];
    if (value !== undefined && !(value >= 0 && value <= 1)) problems.push(`${name} must be between 0 and 1, got ${value}`);
  }
  return problems;
}
