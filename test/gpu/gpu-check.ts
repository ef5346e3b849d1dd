/**
 * `npm run check:gpu`: the CUDA paths (NVDEC, every model on the CUDA execution provider) against CPU on this
 * machine (compare-paths.ts). Exits 1 when a path that is present disagrees with CPU.
 */
import { gpuCheck, verdict } from './compare-paths';

gpuCheck().then(
  (r) => {
    for (const line of r.lines) console.log(line);
    console.log(`\n${verdict(r)}`);
    process.exit(r.failures.length ? 1 : 0);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
