/**
 * The GPU kit's rehearsal on a machine without a GPU: `docker/gpu-kit/build.sh` builds it (into a temporary
 * folder), its parts are staged as a device call brings them (one at a time, so a missing one is named and
 * nothing is unpacked), and its entry script runs in a clean folder with nothing on PATH but the kit's bin/
 * and an environment holding nothing else: it completes on the CPU provider and reports the CUDA paths it
 * could not use (no nvidia-smi, no CUDA 13 libraries, NVDEC refused), with every model run and the frame
 * path measured at GPU_SLOTS 1, 2 and 4. About a minute; the downloads are cached under .anvil/tools.
 */
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ModelRegistry } from '../activities/inference/models/registry';

const ROOT = join(__dirname, '..');
const exec = promisify(execFile);
const out = mkdtempSync(join(tmpdir(), 'anvil-kit-build-'));
const parts = join(out, 'parts');
const host = mkdtempSync(join(tmpdir(), 'anvil-kit-host-'));
const kit = join(host, 'kit');
const work = mkdtempSync(join(tmpdir(), 'anvil-kit-run-'));

beforeAll(async () => {
  await exec('bash', [join(ROOT, 'docker/gpu-kit/build.sh')], { env: { ...process.env, ANVIL_GPU_KIT_DIR: out }, maxBuffer: 1 << 24 });
}, 600_000);
// The kit is about 1 GiB unpacked and packed: gone with the test.
afterAll(() => {
  for (const dir of [out, host, work]) rmSync(dir, { recursive: true, force: true });
});

describe('the GPU kit', () => {
  it('comes in parts a device call can carry, with their sums and the stage script', () => {
    const names = readdirSync(parts);
    const pieces = names.filter((n) => n.startsWith('anvil-gpu-kit.tar.gz.'));
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) expect(statSync(join(parts, p)).size).toBeLessThanOrEqual(56 * 1024 ** 2);
    expect(names).toEqual(expect.arrayContaining(['SHA256SUMS', 'stage.sh']));
    expect(readFileSync(join(parts, 'SHA256SUMS'), 'utf8').trim().split('\n')).toHaveLength(pieces.length);
  });

  it("carries ffmpeg's libraries: with the kit's lib/ first, nothing is missing and only the C/C++ runtimes come from the host", () => {
    const lib = join(out, 'kit/ffmpeg/lib');
    const ldd = execFileSync('ldd', [join(out, 'kit/ffmpeg/libexec/ffmpeg')], { env: { LD_LIBRARY_PATH: lib }, encoding: 'utf8' });
    const resolved = [...ldd.matchAll(/^\s*(\S+) => (\S+)/gm)].map(([, name, path]) => ({ name: name!, path: path! }));
    expect(resolved.length).toBeGreaterThan(50);
    expect(resolved.filter((r) => r.path === 'not')).toEqual([]);
    const fromHost = resolved.filter((r) => !r.path.startsWith(lib)).map((r) => r.name.replace(/\.so.*/, ''));
    for (const name of fromHost) expect(['libc', 'libm', 'libpthread', 'libdl', 'librt', 'libresolv', 'libutil', 'libstdc++', 'libgcc_s']).toContain(name);
  });

  it('stages part by part: a missing part is named and nothing is unpacked until all are there', async () => {
    const arrived = join(host, 'parts');
    mkdirSync(arrived);
    const names = readdirSync(parts);
    const last = names
      .filter((n) => n.startsWith('anvil-gpu-kit.tar.gz.'))
      .sort()
      .at(-1)!;
    for (const n of names) if (n !== last) copyFileSync(join(parts, n), join(arrived, n));
    const early = await exec('sh', [join(arrived, 'stage.sh')]).catch((err: { code: number; stderr: string }) => err);
    expect(early).toMatchObject({ code: 2, stderr: expect.stringContaining(`missing parts: ${last}`) });
    expect(existsSync(kit)).toBe(false);

    copyFileSync(join(parts, last), join(arrived, last));
    const { stdout } = await exec('sh', [join(arrived, 'stage.sh')]);
    expect(stdout).toContain(`kit staged in ${arrived}/../kit`);
    expect(existsSync(join(kit, 'run'))).toBe(true);
  });

  it('runs from the kit alone, in a clean folder with an empty environment, on CPU, and reports the absent CUDA paths', async () => {
    const reportDir = join(work, 'report');
    const env = { PATH: join(kit, 'bin'), HOME: work, ANVIL_KIT_REPORT_DIR: reportDir, KIT_SECONDS: '2', KIT_MODELS: 'anvil-reference' };
    const { stdout } = await exec(join(kit, 'run'), [], { cwd: work, env, maxBuffer: 1 << 24 });
    expect(stdout).toContain('kit| no GPU path is present here: nothing to compare');

    const report = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8'));
    expect(report.versions).toMatch(/^node 20\.\d+\.\d+$/m);
    expect(report.versions).toMatch(/^onnxruntime-node (\S+), CUDA execution provider from onnxruntime-gpu \1 \(PyPI\)$/m);
    expect(report.gpu).toBe('none (nvidia-smi is not on PATH)');
    expect(report.hardware).toMatch(/^no GPU .*CPU execution provider, software decode$/);
    // The kit's CUDA provider is found and opened; what fails is a CUDA 13 library this machine lacks, named.
    expect(report.cudaProvider).toMatch(/^not loaded: .*\(libonnxruntime_providers_cuda\.so: lib\w+\.so\.\d+: cannot open shared object file/);
    expect(report.cuda.missing).toContain('libcudart.so.13');
    expect(report.check.lines).toContainEqual(expect.stringMatching(/^NVDEC: not available here \(.+\)$/));
    expect(report.check.failures).toEqual([]);
    for (const model of new ModelRegistry().list())
      expect(report.check.lines).toContainEqual(expect.stringMatching(new RegExp(`^  ${model.name}: \\d+ ms on CPU for `)));

    const [figures] = report.framePath as { slots: { slots: number; fps: number; utilisation: unknown }[]; [figure: string]: unknown }[];
    expect(figures).toMatchObject({ model: 'anvil-reference', provider: 'cpu', decodeNvdecFps: null });
    for (const key of ['decodeSoftwareFps', 'inferenceFps', 'serialLimitFps', 'bareLoopFps']) expect(figures![key]).toBeGreaterThan(1);
    expect(figures!.slots.map((s) => [s.slots, s.fps > 1, s.utilisation])).toEqual([
      [1, true, null],
      [2, true, null],
      [4, true, null],
    ]);
    expect(readFileSync(join(reportDir, 'report.md'), 'utf8')).toContain('| anvil-reference | cpu |');
  });
});
