import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// Memory assertions and figures compare heaps after full collections. Setting --expose-gc at run time makes `gc`
// reachable from a fresh context, so no test runner flag is needed.
setFlagsFromString('--expose-gc');

/** A full, synchronous garbage collection. */
export const gc = runInNewContext('gc') as () => void;

/** Bytes held (JS heap, external memory and ArrayBuffer backing stores) after two full collections. */
export function usedMemory(): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external + usage.arrayBuffers;
}
