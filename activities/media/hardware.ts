import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface Hardware {
  /** ONNX Runtime execution provider. */
  provider: 'cuda' | 'cpu';
  /** ffmpeg decode. */
  hwaccel: 'cuda' | 'none';
  /** One line for the log, saying what was picked and why. */
  summary: string;
}

/**
 * Picks CUDA (ORT CUDA EP + NVDEC) when the worker is asked for it or left on auto and an NVIDIA device
 * plus the CUDA execution provider library are present; CPU and software decode otherwise.
 */
export function detectHardware(mode: 'auto' | 'cuda' | 'cpu', deviceId: number): Hardware {
  if (mode === 'cpu') return { provider: 'cpu', hwaccel: 'none', summary: 'GPU_MODE=cpu: CPU execution provider, software decode' };
  const device = existsSync('/dev/nvidiactl') && existsSync(`/dev/nvidia${deviceId}`);
  const ortDir = dirname(require.resolve('onnxruntime-node/package.json'));
  const cudaEp = [
    join(ortDir, 'bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so'),
    join(ortDir, 'bin/napi-v3/linux/x64/libonnxruntime_providers_cuda.so'),
  ].some((p) => existsSync(p));
  if (device && cudaEp) return { provider: 'cuda', hwaccel: 'cuda', summary: `GPU ${deviceId}: CUDA execution provider, NVDEC decode` };
  const why = !device ? `no NVIDIA device /dev/nvidia${deviceId}` : 'the CUDA execution provider is not installed in onnxruntime-node';
  if (mode === 'cuda') throw new Error(`GPU_MODE=cuda but ${why}`);
  return { provider: 'cpu', hwaccel: 'none', summary: `no GPU (${why}): CPU execution provider, software decode` };
}
