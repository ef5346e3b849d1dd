import { execFile } from 'node:child_process';
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

/** What video encoders a worker has: the NVENC ones whose trial encode worked, and a line for the log. */
export interface VideoEncoders {
  nvenc: ReadonlySet<string>;
  /** Every encoder a transcode may use here, NVENC first. */
  available: string[];
  summary: string;
}

/**
 * Finds out whether NVENC works by encoding 3 tiny frames with each NVENC encoder (not by the presence of
 * /dev/nvidia0: H100/H200 have no NVENC, and a container may lack the video capability). Software x264/x265
 * are always there (the image's ffmpeg has them).
 */
export async function probeVideoEncoders(): Promise<VideoEncoders> {
  const trial = (encoder: string): Promise<string | null> =>
    new Promise((resolve) => {
      const args = `-hide_banner -nostdin -v error -f lavfi -i color=black:s=256x144:r=25 -frames:v 3 -c:v ${encoder} -f null -`.split(' ');
      // The first stderr line names the cause ("Cannot load libcuda.so.1", "No capable devices found").
      const cause = (stderr: string): string =>
        stderr
          .trim()
          .split('\n')[0]
          ?.replace(/^\[[^\]]*\] /, '') ?? '';
      execFile('ffmpeg', args, { timeout: 20_000 }, (err, _out, stderr) => resolve(err ? cause(stderr) || err.message : null));
    });
  const nvenc = new Set<string>();
  let why = '';
  for (const encoder of ['h264_nvenc', 'hevc_nvenc']) {
    const failed = await trial(encoder);
    if (failed === null) nvenc.add(encoder);
    else why ||= failed;
  }
  const available = [...nvenc, 'libx264', 'libx265'];
  const summary = nvenc.size
    ? `video encoders: ${available.join(', ')} (NVENC trial encode worked)`
    : `video encoders: libx264, libx265 (software: the NVENC trial encode failed: ${why.slice(0, 160)})`;
  return { nvenc, available, summary };
}
