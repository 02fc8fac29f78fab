// One bank's per-cell state: hits, the weighted mean and spread of its AFR error (Welford), the mean measured/target
// ratio (nearest-cell suggestion) and the normal equations of the least-squares fit (bilinear suggestion). Sized by
// the grid: five couplings per cell cover every pair of cells one sample can touch.

export class BankCells {
  readonly cells: number;
  readonly loadPoints: number;
  /** Samples that touched the cell (any weight). */
  readonly hits: Uint32Array;
  /** Σ weight: the effective sample count. */
  readonly weight: Float64Array;
  /** Weighted running mean and M2 of (measured − target) AFR. */
  readonly errMean: Float64Array;
  readonly errM2: Float64Array;
  /** Σ weight × measured / target. */
  readonly ratioSum: Float64Array;
  /** Normal equations Σ w wᵀ (diagonal and the couplings (k,k+1), (k,k+L), (k,k+L+1), (k+1,k+L)) and Σ w y. */
  readonly diag: Float64Array;
  readonly eLoad: Float64Array;
  readonly eRpm: Float64Array;
  readonly eDiag: Float64Array;
  readonly eAnti: Float64Array;
  readonly rhs: Float64Array;

  constructor(cells: number, loadPoints: number) {
    this.cells = cells;
    this.loadPoints = loadPoints;
    this.hits = new Uint32Array(cells);
    this.weight = new Float64Array(cells);
    this.errMean = new Float64Array(cells);
    this.errM2 = new Float64Array(cells);
    this.ratioSum = new Float64Array(cells);
    this.diag = new Float64Array(cells);
    this.eLoad = new Float64Array(cells);
    this.eRpm = new Float64Array(cells);
    this.eDiag = new Float64Array(cells);
    this.eAnti = new Float64Array(cells);
    this.rhs = new Float64Array(cells);
  }

  reset(): void {
    for (const a of [this.weight, this.errMean, this.errM2, this.ratioSum, this.diag, this.rhs]) a.fill(0);
    for (const a of [this.eLoad, this.eRpm, this.eDiag, this.eAnti]) a.fill(0);
    this.hits.fill(0);
  }

  /** Adds one weighted observation of the AFR error `err` and ratio `ratio` to cell k (weighted Welford). */
  observe(k: number, w: number, err: number, ratio: number): void {
    if (!(w > 0)) return;
    this.hits[k]++;
    const W = this.weight[k] + w;
    const d = err - this.errMean[k];
    this.errMean[k] += (d * w) / W;
    this.errM2[k] += w * d * (err - this.errMean[k]);
    this.weight[k] = W;
    this.ratioSum[k] += w * ratio;
  }

  /** Adds one sample to the least-squares normal equations: its four weights and the table value y it implies. */
  fit(base: number, w00: number, w01: number, w10: number, w11: number, y: number): void {
    const L = this.loadPoints;
    const k01 = base + 1;
    const k10 = base + L;
    const k11 = base + L + 1;
    this.diag[base] += w00 * w00;
    this.diag[k01] += w01 * w01;
    this.diag[k10] += w10 * w10;
    this.diag[k11] += w11 * w11;
    this.eLoad[base] += w00 * w01;
    this.eLoad[k10] += w10 * w11;
    this.eRpm[base] += w00 * w10;
    this.eRpm[k01] += w01 * w11;
    this.eDiag[base] += w00 * w11;
    this.eAnti[base] += w01 * w10;
    this.rhs[base] += w00 * y;
    this.rhs[k01] += w01 * y;
    this.rhs[k10] += w10 * y;
    this.rhs[k11] += w11 * y;
  }

  /** out = (Σ w wᵀ + λI) x. */
  multiply(x: Float64Array, lambda: number, out: Float64Array): void {
    const L = this.loadPoints;
    for (let k = 0; k < this.cells; k++) out[k] = (this.diag[k] + lambda) * x[k];
    for (let k = 0; k < this.cells; k++) {
      const a = this.eLoad[k];
      if (a !== 0) {
        out[k] += a * x[k + 1];
        out[k + 1] += a * x[k];
      }
      const b = this.eRpm[k];
      if (b !== 0) {
        out[k] += b * x[k + L];
        out[k + L] += b * x[k];
      }
      const c = this.eDiag[k];
      if (c !== 0) {
        out[k] += c * x[k + L + 1];
        out[k + L + 1] += c * x[k];
      }
      const d = this.eAnti[k];
      if (d !== 0) {
        out[k + 1] += d * x[k + L];
        out[k + L] += d * x[k + 1];
      }
    }
  }
}
