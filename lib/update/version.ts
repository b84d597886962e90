/**
 * Orders OS versions: Flatcar `3975.2.2`, FCOS `40.20240416.3.1`, or anything dotted.
 * Numeric parts compare as numbers, others as text; a missing part is smaller.
 */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+_~-]/);
  const pb = b.split(/[.+_~-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return nx < ny ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}
