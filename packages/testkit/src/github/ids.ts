/** Deterministic identifiers of the fake (shas, option ids). */

/** Deterministic hex string from a number (shas, option ids). */
export function hexId(seed: number, length: number): string {
  let x = (seed * 2654435761) >>> 0;
  let out = '';
  while (out.length < length) {
    x = (Math.imul(x ^ (x >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    out += x.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}
