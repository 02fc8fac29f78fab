/** A random host id in 1..0xFFFE that is not taken (0 is the claim source, 0xFFFF means ALL_HOSTS). */
export function pickHostId(taken: ReadonlySet<number>, random: () => number = Math.random): number {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const id = 1 + Math.floor(random() * 0xfffe);
    if (id >= 1 && id <= 0xfffe && !taken.has(id)) return id;
  }
  // A degenerate random source (tests) or a network with ~65k nodes: scan instead of spinning.
  for (let id = 1; id <= 0xfffe; id++) if (!taken.has(id)) return id;
  throw new Error(`no free JetDrive host id: all 65534 ids are taken (${taken.size} hosts seen)`);
}

export function hostHex(id: number): string {
  return `0x${id.toString(16).toUpperCase().padStart(4, '0')}`;
}
