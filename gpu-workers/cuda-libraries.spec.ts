import { CUDA_EP_LIBRARIES, findCudaLibraries, type ListDir } from './cuda-libraries';

/** A file tree given as folder -> entries. */
const tree =
  (folders: Record<string, string[]>): ListDir =>
  (path) =>
    folders[path] ?? null;

const SP = '/opt/torch/.venv/lib/python3.12/site-packages';

describe('findCudaLibraries', () => {
  it("finds PyTorch's CUDA 13 wheels inside a Python environment (the GPU hosts' layout)", () => {
    const list = tree({
      '/opt': ['torch', 'nvidia'],
      '/opt/torch/.venv/lib': ['python3.12'],
      [`${SP}/nvidia`]: ['cu13', 'cudnn', 'nccl'],
      [`${SP}/nvidia/cu13`]: ['lib', 'include'],
      [`${SP}/nvidia/cu13/lib`]: ['libcudart.so.13', 'libcublas.so.13', 'libcublasLt.so.13', 'libcurand.so.10', 'libcufft.so.12', 'libnvrtc.so.13'],
      [`${SP}/nvidia/cudnn/lib`]: ['libcudnn.so.9', 'libcudnn_graph.so.9'],
      [`${SP}/nvidia/nccl/lib`]: ['libnccl.so.2'],
    });
    expect(findCudaLibraries({}, list)).toEqual({ dirs: [`${SP}/nvidia/cu13/lib`, `${SP}/nvidia/cudnn/lib`], missing: [] });
  });

  it('searches ANVIL_CUDA_LIB_DIRS and LD_LIBRARY_PATH first, and a folder adds only what is not found yet', () => {
    const list = tree({
      '/mine': ['libcudart.so.13'],
      '/ld': ['libcudart.so.13', 'libcudnn.so.9'],
      '/usr/local/cuda/lib64': ['libcudart.so.13'],
    });
    const found = findCudaLibraries({ ANVIL_CUDA_LIB_DIRS: '/mine', LD_LIBRARY_PATH: '/ld:/nowhere' }, list);
    expect(found.dirs).toEqual(['/mine', '/ld']);
    expect(found.missing).toEqual(['libcublas.so.13', 'libcublasLt.so.13', 'libcurand.so.10', 'libcufft.so.12']);
  });

  it('names every library on a host without CUDA, and matches python3* as a prefix only', () => {
    const list = tree({
      '/usr/local/lib': ['python3.11', 'python2.7', 'node_modules'],
      '/usr/local/lib/python2.7/dist-packages/nvidia/x': ['lib'],
      '/usr/local/lib/python2.7/dist-packages/nvidia/x/lib': ['libcudart.so.13'],
    });
    expect(findCudaLibraries({ HOME: '/root' }, list)).toEqual({ dirs: [], missing: CUDA_EP_LIBRARIES });
  });
});
