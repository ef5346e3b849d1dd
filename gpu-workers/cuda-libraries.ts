/**
 * Where a host keeps the CUDA libraries the CUDA execution provider loads. A bare GPU host often has them only
 * inside a Python environment (PyTorch's nvidia-* wheels: site-packages/nvidia/<lib>/lib), not on the
 * loader's path; the dynamic loader reads LD_LIBRARY_PATH once at process start, so a process that needs them
 * is started with these folders in front (the GPU kit's check does that).
 */
import { join } from 'node:path';

/** What onnxruntime-gpu 1.31's CUDA execution provider (CUDA 13, cuDNN 9) opens. */
export const CUDA_EP_LIBRARIES = ['libcudart.so.13', 'libcublas.so.13', 'libcublasLt.so.13', 'libcurand.so.10', 'libcufft.so.12', 'libcudnn.so.9'];

/** Lists a folder: its entry names, or null when it is not a readable folder. */
export type ListDir = (path: string) => string[] | null;

export interface CudaLibraries {
  /** Folders holding at least one of the libraries, in the order searched. */
  dirs: string[];
  /** Libraries found nowhere. */
  missing: string[];
}

/** Folders a path pattern matches, where `*` stands for one path segment (prefix match when it ends a segment text, as in `python3*`). */
function expand(pattern: string, list: ListDir): string[] {
  let paths = ['/'];
  for (const segment of pattern.split('/').filter(Boolean)) {
    if (!segment.includes('*')) {
      paths = paths.map((p) => join(p, segment));
      continue;
    }
    const [head, tail] = segment.split('*') as [string, string];
    paths = paths.flatMap((p) =>
      (list(p) ?? [])
        .filter((name) => name.startsWith(head) && name.endsWith(tail) && name.length >= head.length + tail.length)
        .sort()
        .map((name) => join(p, name)),
    );
  }
  return paths;
}

/** Python environments where PyTorch and the nvidia-* wheels are commonly installed. */
function sitePackages(env: NodeJS.ProcessEnv): string[] {
  const roots = [
    env['VIRTUAL_ENV'] && `${env['VIRTUAL_ENV']}/lib/python3*/site-packages`,
    '/opt/*/.venv/lib/python3*/site-packages',
    '/opt/*/lib/python3*/site-packages',
    '/usr/local/lib/python3*/dist-packages',
    '/usr/local/lib/python3*/site-packages',
    '/usr/lib/python3/dist-packages',
    env['HOME'] && `${env['HOME']}/.local/lib/python3*/site-packages`,
  ];
  return roots.filter((r): r is string => Boolean(r));
}

/**
 * Searches, in order: ANVIL_CUDA_LIB_DIRS, LD_LIBRARY_PATH, the CUDA toolkit and driver folders, then every
 * `nvidia/<package>/lib` (and `nvidia/<package>/<variant>/lib`) of the Python environments above.
 */
export function findCudaLibraries(env: NodeJS.ProcessEnv, list: ListDir): CudaLibraries {
  const split = (v: string | undefined): string[] => (v ?? '').split(':').filter(Boolean);
  const candidates = [
    ...split(env['ANVIL_CUDA_LIB_DIRS']),
    ...split(env['LD_LIBRARY_PATH']),
    '/usr/local/cuda/lib64',
    '/usr/local/nvidia/lib64',
    '/usr/lib/x86_64-linux-gnu',
    ...sitePackages(env).flatMap((sp) => [...expand(`${sp}/nvidia/*/lib`, list), ...expand(`${sp}/nvidia/*/*/lib`, list)]),
  ];
  const found = new Set<string>();
  const dirs: string[] = [];
  for (const dir of new Set(candidates)) {
    const here = (list(dir) ?? []).filter((name) => CUDA_EP_LIBRARIES.includes(name) && !found.has(name));
    if (!here.length) continue;
    for (const name of here) found.add(name);
    dirs.push(dir);
  }
  return { dirs, missing: CUDA_EP_LIBRARIES.filter((l) => !found.has(l)) };
}
